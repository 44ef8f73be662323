/*
 * a64mem: one function per encoding class of Arm ARM C4.1 "Loads and
 * Stores" (and the system instructions of C5.3 that access memory), picked
 * by the class's fixed bits.
 */
#include "a64mem.h"

static unsigned bits(uint32_t insn, unsigned lsb, unsigned width)
{
	return (insn >> lsb) & ((1u << width) - 1);
}

static int64_t sign_extend(unsigned v, unsigned width)
{
	int64_t sign = (int64_t)1 << (width - 1);

	return (v & sign) ? (int64_t)v - 2 * sign : (int64_t)v;
}

static bool set(struct a64mem *m, unsigned esize, uint64_t len, bool write)
{
	m->esize = esize;
	m->len = len;
	m->write = write;
	return true;
}

/*
 * Advanced SIMD load/store multiple structures, with or without
 * post-index: opcode gives the registers (rpt) and the structure's
 * elements (selem); each register is 8 or 16 bytes (Q). LD2/3/4 of 64-bit
 * elements into 64-bit registers (size 11, Q 0) is reserved.
 */
static bool simd_multiple(uint32_t insn, struct a64mem *m)
{
	static const unsigned char rpt[16] = {1, 0, 4, 0, 1, 0, 3, 1,
					      1, 0, 2, 0, 0, 0, 0, 0};
	static const unsigned char selem[16] = {4, 0, 1, 0, 3, 0, 1, 1,
						2, 0, 1, 0, 0, 0, 0, 0};
	unsigned opcode = bits(insn, 12, 4), size = bits(insn, 10, 2);
	unsigned q = bits(insn, 30, 1);
	uint64_t len;

	if (rpt[opcode] == 0 || (selem[opcode] > 1 && size == 3 && q == 0))
		return false;
	len = (uint64_t)rpt[opcode] * selem[opcode] * (q ? 16u : 8u);
	m->rn = bits(insn, 5, 5);
	if (bits(insn, 23, 1)) {
		m->addr = A64MEM_POST;
	} else if (bits(insn, 16, 5) != 0) {
		return false;
	}
	return set(m, 1u << size, len, !bits(insn, 22, 1));
}

/*
 * Advanced SIMD load/store single structure, with or without post-index:
 * selem elements of one lane (or LDnR replicated to all lanes), size
 * from opcode<2:1> and size.
 */
static bool simd_single(uint32_t insn, struct a64mem *m)
{
	unsigned opcode = bits(insn, 13, 3), size = bits(insn, 10, 2);
	unsigned s = bits(insn, 12, 1), r = bits(insn, 21, 1);
	bool load = bits(insn, 22, 1);
	unsigned scale = opcode >> 1;
	unsigned selem = (((opcode & 1u) << 1) | r) + 1;

	switch (scale) {
	case 3: /* LD1R-LD4R */
		if (!load || s)
			return false;
		scale = size;
		break;
	case 1:
		if (size & 1)
			return false;
		break;
	case 2:
		if (size & 2 || (size == 1 && s))
			return false;
		if (size == 1)
			scale = 3;
		break;
	default:
		break;
	}
	m->rn = bits(insn, 5, 5);
	if (bits(insn, 23, 1)) {
		m->addr = A64MEM_POST;
	} else if (bits(insn, 16, 5) != 0) {
		return false;
	}
	return set(m, 1u << scale, (uint64_t)selem << scale, !load);
}

/* Load register (literal): PC-relative; opc 11 of V = 0 is PRFM. */
static bool literal(uint32_t insn, struct a64mem *m)
{
	static const unsigned char gpr[4] = {4, 8, 4, 0};
	static const unsigned char fp[4] = {4, 8, 16, 0};
	unsigned opc = bits(insn, 30, 2);
	unsigned size = bits(insn, 26, 1) ? fp[opc] : gpr[opc];

	if (size == 0)
		return false;
	m->addr = A64MEM_LITERAL;
	m->imm = sign_extend(bits(insn, 5, 19), 19) * 4;
	return set(m, size, size, false);
}

/*
 * Load/store exclusive and ordered: o2 (bit 23), o1 (bit 21). o1 with o2
 * clear is the exclusive pairs (32 or 64 bits each); o1 with o2 set is
 * CASP/CAS (FEAT_LSE); o2 alone is LDAR/STLR, or, with o0 clear, the
 * LORegion forms LDLAR/STLLR (FEAT_LOR).
 */
static bool exclusive(uint32_t insn, struct a64mem *m)
{
	unsigned size = bits(insn, 30, 2);
	unsigned o2 = bits(insn, 23, 1), o1 = bits(insn, 21, 1);
	unsigned o0 = bits(insn, 15, 1);
	unsigned esize = 1u << size;
	uint64_t len = esize;

	if (o1 && o2)
		return false;
	if (o2 && !o0)
		return false;
	if (o1) {
		if (size < 2)
			return false;
		len = 2ull * esize;
	}
	m->rn = bits(insn, 5, 5);
	/* Exclusives and load-acquire/store-release alike are checked for
	 * alignment whatever SCTLR_EL1.A says (Arm ARM B2.5.2). */
	m->align = true;
	return set(m, esize, len, !bits(insn, 22, 1));
}

/*
 * Load/store pair of general or SIMD&FP registers: no-allocate, post,
 * offset, pre (bits [24:23]); imm7 scaled by the register size. General
 * opc 01 is LDPSW when loading (STGP, FEAT_MTE, when storing, and no
 * no-allocate form); opc 11 is unallocated in both files.
 */
static bool pair(uint32_t insn, struct a64mem *m)
{
	static const unsigned char gpr[4] = {4, 4, 8, 0};
	static const unsigned char fp[4] = {4, 8, 16, 0};
	unsigned opc = bits(insn, 30, 2), form = bits(insn, 23, 2);
	bool simd = bits(insn, 26, 1), load = bits(insn, 22, 1);
	unsigned size = simd ? fp[opc] : gpr[opc];

	if (size == 0 || (!simd && opc == 1 && (!load || form == 0)))
		return false;
	m->rn = bits(insn, 5, 5);
	m->addr = form == 1 ? A64MEM_POST : A64MEM_OFFSET;
	m->imm = sign_extend(bits(insn, 15, 7), 7) * size;
	return set(m, size, 2ull * size, !load);
}

/*
 * size:V:opc of the single-register classes: the element size, and
 * whether it is a store. General registers: opc 00 stores, 01 loads, 1x
 * sign-extends (size 11 opc 10 is PRFM, size 1x opc 11 unallocated).
 * SIMD&FP: opc<0> loads, opc<1> with size 00 is the 128-bit Q form.
 */
static bool single_size(uint32_t insn, unsigned *size, bool *write)
{
	unsigned sz = bits(insn, 30, 2), opc = bits(insn, 22, 2);

	if (bits(insn, 26, 1)) {
		if (opc & 2) {
			if (sz != 0)
				return false;
			*size = 16;
		} else {
			*size = 1u << sz;
		}
		*write = !(opc & 1);
		return true;
	}
	*size = 1u << sz;
	*write = opc == 0;
	if (opc == 2)
		return sz != 3;
	if (opc == 3)
		return sz < 2;
	return true;
}

static unsigned log2_size(unsigned size)
{
	unsigned n = 0;

	while ((1u << n) < size)
		n++;
	return n;
}

/* Unsigned immediate: imm12 scaled by the size. */
static bool single_uimm(uint32_t insn, struct a64mem *m)
{
	unsigned size;
	bool write;

	if (!single_size(insn, &size, &write))
		return false;
	m->rn = bits(insn, 5, 5);
	m->imm = (int64_t)bits(insn, 10, 12) << log2_size(size);
	return set(m, size, size, write);
}

/*
 * Unscaled immediate, post-indexed, unprivileged, pre-indexed (bits
 * [11:10]): imm9 is a byte offset. SIMD&FP has no unprivileged form.
 */
static bool single_imm9(uint32_t insn, struct a64mem *m)
{
	unsigned form = bits(insn, 10, 2), size;
	bool write;

	if (!single_size(insn, &size, &write))
		return false;
	if (form == 2 && bits(insn, 26, 1))
		return false;
	m->rn = bits(insn, 5, 5);
	m->unpriv = form == 2;
	m->addr = form == 1 ? A64MEM_POST : A64MEM_OFFSET;
	m->imm = sign_extend(bits(insn, 12, 9), 9);
	return set(m, size, size, write);
}

/* Register offset: Rm extended by option (option<1> = 0 unallocated),
 * shifted by log2(size) when S = 1. */
static bool single_reg(uint32_t insn, struct a64mem *m)
{
	unsigned option = bits(insn, 13, 3), size;
	bool write;

	if (!(option & 2) || !single_size(insn, &size, &write))
		return false;
	m->rn = bits(insn, 5, 5);
	m->reg_offset = true;
	m->rm = bits(insn, 16, 5);
	m->extend = option;
	m->shift = bits(insn, 12, 1) ? log2_size(size) : 0;
	return set(m, size, size, write);
}

/*
 * SYS instructions that access memory by VA (C5.3): DC ZVA writes a block
 * of zeros; DC IVAC, CVAC, CVAU, CIVAC and IC IVAU are cache maintenance,
 * which can fault like a write of one byte at Xt (CM).
 */
static bool sys_by_va(uint32_t insn, unsigned zva_bytes, struct a64mem *m)
{
	static const uint32_t cm[] = {
	    0xd5087620u, /* DC IVAC */
	    0xd50b7a20u, /* DC CVAC */
	    0xd50b7b20u, /* DC CVAU */
	    0xd50b7e20u, /* DC CIVAC */
	    0xd50b7520u, /* IC IVAU */
	};
	uint32_t op = insn & ~0x1fu;

	m->rn = bits(insn, 0, 5);
	m->addr = A64MEM_BLOCK;
	if (op == 0xd50b7420u) /* DC ZVA */
		return zva_bytes != 0 && set(m, zva_bytes, zva_bytes, true);
	for (unsigned i = 0; i < sizeof(cm) / sizeof(cm[0]); i++) {
		if (op == cm[i]) {
			m->cm = true;
			return set(m, 1, 1, true);
		}
	}
	return false;
}

bool a64mem_decode(uint32_t insn, unsigned zva_bytes, struct a64mem *m)
{
	struct a64mem d = {.addr = A64MEM_OFFSET};
	bool ok;

	if ((insn & 0xbfbf0000u) == 0x0c000000u ||
	    (insn & 0xbfa00000u) == 0x0c800000u)
		ok = simd_multiple(insn, &d);
	else if ((insn & 0xbf9f0000u) == 0x0d000000u ||
		 (insn & 0xbf800000u) == 0x0d800000u)
		ok = simd_single(insn, &d);
	else if ((insn & 0x3b000000u) == 0x18000000u)
		ok = literal(insn, &d);
	else if ((insn & 0x3f000000u) == 0x08000000u)
		ok = exclusive(insn, &d);
	else if ((insn & 0x3a000000u) == 0x28000000u)
		ok = pair(insn, &d);
	else if ((insn & 0x3b000000u) == 0x39000000u)
		ok = single_uimm(insn, &d);
	else if ((insn & 0x3b200000u) == 0x38000000u)
		ok = single_imm9(insn, &d);
	else if ((insn & 0x3b200c00u) == 0x38200800u)
		ok = single_reg(insn, &d);
	else if ((insn & 0xfff80000u) == 0xd5080000u)
		ok = sys_by_va(insn, zva_bytes, &d);
	else
		ok = false;
	if (ok)
		*m = d;
	return ok;
}

static uint64_t extend(uint64_t v, unsigned option)
{
	switch (option) {
	case 2: /* UXTW */
		return (uint32_t)v;
	case 6: /* SXTW */
		return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	default: /* LSL (UXTX), SXTX */
		return v;
	}
}

uint64_t a64mem_address(const struct a64mem *m, uint64_t pc, uint64_t base,
			uint64_t rm_val)
{
	switch (m->addr) {
	case A64MEM_POST:
		return base;
	case A64MEM_LITERAL:
		return pc + (uint64_t)m->imm;
	case A64MEM_BLOCK:
		return base & ~(m->len - 1);
	case A64MEM_OFFSET:
	default:
		if (m->reg_offset)
			return base + (extend(rm_val, m->extend) << m->shift);
		return base + (uint64_t)m->imm;
	}
}
