/*
 * insn: one function per encoding class of Arm ARM C4.1 "Loads and Stores",
 * picked by the class's fixed bits. The single-register classes share the
 * size:opc meaning (ldst_size_opc).
 *
 * Refused on purpose, beside what the classes below do not match:
 * - LDR (literal), LDRSW (literal): the data is read PC-relative, which no
 *   base register describes; a stage-2 abort on one reports ISV = 1, so the
 *   syndrome alone is enough to emulate it.
 * - LDLAR/STLLR (LORegions) and LDAPUR/STLUR of SIMD&FP registers.
 */
#include "hv/insn.h"

#include "hv/arch.h"

static unsigned bits(uint32_t insn, unsigned lsb, unsigned width)
{
	return (insn >> lsb) & ((1u << width) - 1);
}

/* The two's complement value of the width-bit field v. */
static int64_t sign_extend(unsigned v, unsigned width)
{
	int64_t sign = (int64_t)1 << (width - 1);

	return (v & sign) ? (int64_t)v - 2 * sign : (int64_t)v;
}

/*
 * size:opc of the single-register classes: opc 00 stores, 01 loads, 10
 * sign-extends into Xt, 11 sign-extends into Wt. size 11 with opc 1x is
 * PRFM/PRFUM or unallocated; size 10 with opc 11 (LDRSW into Wt) does not
 * exist.
 */
static bool ldst_size_opc(uint32_t insn, struct ldst *d)
{
	unsigned size = bits(insn, 30, 2), opc = bits(insn, 22, 2);

	d->size = 1u << size;
	switch (opc) {
	case 0:
	case 1:
		d->load = opc == 1;
		d->reg64 = size == 3;
		return true;
	case 2:
		d->load = d->sign = d->reg64 = true;
		return size != 3;
	default:
		d->load = d->sign = true;
		return size < 2;
	}
}

/*
 * Load/store register (unscaled immediate), (immediate post-indexed),
 * (unprivileged), (immediate pre-indexed): bits [11:10] pick the form, imm9
 * is a byte offset. LDTR/STTR are decoded: a stage-2 abort is only taken
 * once stage 1 has checked the access as an EL0 one, and unpriv tells an
 * emulator that walks stage 1 itself.
 */
static bool ldst_decode_imm9(uint32_t insn, struct ldst *d)
{
	static const enum ldst_mode modes[] = {LDST_OFFSET, LDST_POST,
					       LDST_OFFSET, LDST_PRE};
	unsigned form = bits(insn, 10, 2);

	d->mode = modes[form];
	d->unpriv = form == 2;
	d->imm = sign_extend(bits(insn, 12, 9), 9);
	return ldst_size_opc(insn, d);
}

/*
 * Load/store register (register offset): the offset is Rm extended by
 * option (option<1> = 0 is unallocated), shifted by log2(size) when S = 1.
 */
static bool ldst_decode_reg(uint32_t insn, struct ldst *d)
{
	unsigned option = bits(insn, 13, 3);

	if (!(option & 2))
		return false;
	d->reg_offset = true;
	d->rm = bits(insn, 16, 5);
	d->extend = option;
	d->shift = bits(insn, 12, 1) ? bits(insn, 30, 2) : 0;
	return ldst_size_opc(insn, d);
}

/* Load/store register (unsigned immediate): imm12 scaled by the size. */
static bool ldst_decode_uimm(uint32_t insn, struct ldst *d)
{
	d->imm = (int64_t)bits(insn, 10, 12) << bits(insn, 30, 2);
	return ldst_size_opc(insn, d);
}

/*
 * Load/store no-allocate pair (offset), Load/store register pair
 * (post-indexed), (offset), (pre-indexed): bits [24:23] pick the form, imm7
 * is scaled by the register size. opc 00 is W, 10 is X, 01 is LDPSW when
 * loading and STGP (memory tagging) when storing, with no no-allocate form;
 * opc 11 is not a general-register pair.
 */
static bool ldst_decode_pair(uint32_t insn, struct ldst *d)
{
	static const enum ldst_mode modes[] = {LDST_OFFSET, LDST_POST,
					       LDST_OFFSET, LDST_PRE};
	unsigned form = bits(insn, 23, 2);

	d->pair = true;
	d->load = bits(insn, 22, 1);
	d->rt2 = bits(insn, 10, 5);
	d->mode = modes[form];
	switch (bits(insn, 30, 2)) {
	case 0:
		d->size = 4;
		break;
	case 1:
		if (!d->load || form == 0)
			return false;
		d->size = 4;
		d->sign = d->reg64 = true;
		break;
	case 2:
		d->size = 8;
		d->reg64 = true;
		break;
	default:
		return false;
	}
	d->imm = sign_extend(bits(insn, 15, 7), 7) * (int64_t)d->size;
	return true;
}

/*
 * LDAR/STLR of each size: Load/store ordered (part of "Load/store
 * exclusive" in older issues). Only L varies; o0 = 0 would be LDLAR/STLLR,
 * and the Rs and Rt2 fields must be all ones.
 */
static bool ldst_decode_ordered(uint32_t insn, struct ldst *d)
{
	d->size = 1u << bits(insn, 30, 2);
	d->load = bits(insn, 22, 1);
	d->reg64 = d->size == 8;
	d->acqrel = true;
	return true;
}

/* LDAPR of each size: in the Atomic memory operations class, with Rs = 31. */
static bool ldst_decode_ldapr(uint32_t insn, struct ldst *d)
{
	d->size = 1u << bits(insn, 30, 2);
	d->load = true;
	d->reg64 = d->size == 8;
	d->acqrel = true;
	return true;
}

/* LDAPR/STLR (unscaled immediate): LDAPUR*, STLUR*, with size:opc as LDUR. */
static bool ldst_decode_rcpc_imm9(uint32_t insn, struct ldst *d)
{
	d->acqrel = true;
	d->imm = sign_extend(bits(insn, 12, 9), 9);
	return ldst_size_opc(insn, d);
}

/*
 * The bits each class fixes, V (bit 26) = 0 among them, so no SIMD&FP; its
 * function decodes the rest. Left out in the same space: atomics and
 * LDRAA/LDRAB beside the register-offset form, exclusives and compare-and-
 * swap beside the ordered one, memory tagging and MOPS beside LDAPUR.
 */
static const struct {
	uint32_t mask;
	uint32_t value;
	bool (*decode)(uint32_t insn, struct ldst *d);
} ldst_classes[] = {
    {0x3f200000, 0x38000000, ldst_decode_imm9},	     /* LDUR/LDTR, pre/post */
    {0x3f200c00, 0x38200800, ldst_decode_reg},	     /* register offset */
    {0x3f000000, 0x39000000, ldst_decode_uimm},	     /* unsigned offset */
    {0x3e000000, 0x28000000, ldst_decode_pair},	     /* pairs */
    {0x3fbffc00, 0x089ffc00, ldst_decode_ordered},   /* LDAR, STLR */
    {0x3ffffc00, 0x38bfc000, ldst_decode_ldapr},     /* LDAPR */
    {0x3f200c00, 0x19000000, ldst_decode_rcpc_imm9}, /* LDAPUR, STLUR */
};

/*
 * CONSTRAINED UNPREDICTABLE encodings (Arm ARM K1, "Architectural
 * Constraints on UNPREDICTABLE Behaviors"): writeback into a transferred
 * register other than SP, and a load pair into one register.
 */
static bool ldst_unpredictable(const struct ldst *d)
{
	if (d->mode != LDST_OFFSET && d->rn != 31 &&
	    (d->rn == d->rt || (d->pair && d->rn == d->rt2)))
		return true;
	return d->pair && d->load && d->rt == d->rt2;
}

bool ldst_decode(uint32_t insn, struct ldst *d)
{
	for (size_t i = 0; i < sizeof(ldst_classes) / sizeof(ldst_classes[0]);
	     i++) {
		struct ldst r = {0};

		if ((insn & ldst_classes[i].mask) != ldst_classes[i].value)
			continue;
		r.rt = bits(insn, 0, 5);
		r.rn = bits(insn, 5, 5);
		if (!ldst_classes[i].decode(insn, &r) || ldst_unpredictable(&r))
			return false;
		*d = r;
		return true;
	}
	return false;
}

/* Rm extended by option: UXTW and SXTW take its low 32 bits only. */
static uint64_t ldst_extend(uint64_t v, unsigned option)
{
	switch (option) {
	case LDST_UXTW:
		return v & 0xffffffffull;
	case LDST_SXTW:
		v &= 0xffffffffull;
		return (v & 0x80000000ull) ? v | 0xffffffff00000000ull : v;
	default: /* LSL (UXTX), SXTX: all 64 bits */
		return v;
	}
}

uint64_t ldst_address(const struct ldst *d, uint64_t base, uint64_t rm_val)
{
	if (d->mode == LDST_POST)
		return base;
	if (d->reg_offset)
		return base + (ldst_extend(rm_val, d->extend) << d->shift);
	return base + (uint64_t)d->imm;
}

uint64_t ldst_writeback(const struct ldst *d, uint64_t base)
{
	return d->mode == LDST_OFFSET ? base : base + (uint64_t)d->imm;
}

static uint32_t ldst_sas(unsigned size)
{
	return size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;
}

uint32_t ldst_iss(const struct ldst *d)
{
	uint32_t iss = d->load ? 0 : ISS_DA_WNR;

	/* ISS bits [23:14] are RES0 when ISV = 0. */
	if (d->pair || d->mode != LDST_OFFSET)
		return iss;
	iss |= ISS_DA_ISV | ldst_sas(d->size) << ISS_DA_SAS_SHIFT |
	       (uint32_t)d->rt << ISS_DA_SRT_SHIFT;
	if (d->sign)
		iss |= ISS_DA_SSE;
	if (d->reg64)
		iss |= ISS_DA_SF;
	if (d->acqrel)
		iss |= ISS_DA_AR;
	return iss;
}
