/* s1walk: VMSAv8-64 stage 1, EL1&0 regime, 4 KiB granule (Arm ARM D8). */
#include "s1walk.h"

#define SCTLR_M	  (1ull << 0)
#define SCTLR_WXN (1ull << 19)

#define TCR_T0SZ_SHIFT 0
#define TCR_EPD0       (1ull << 7)
#define TCR_TG0_SHIFT  14
#define TCR_T1SZ_SHIFT 16
#define TCR_EPD1       (1ull << 23)
#define TCR_TG1_SHIFT  30
#define TCR_IPS_SHIFT  32
#define TCR_TBI0       (1ull << 37)
#define TCR_TBI1       (1ull << 38)
#define TCR_TXSZ_MASK  0x3fu

/* TG0 and TG1 encode the granules differently (D17.2.131). */
#define TG0_64K 1u
#define TG0_16K 2u
#define TG1_16K 1u
#define TG1_64K 3u

/* 4 KiB granule limits of TxSZ without FEAT_LVA / FEAT_TTST. */
#define TXSZ_MIN 16u
#define TXSZ_MAX 39u

#define DESC_VALID	1ull
#define DESC_TABLE	2ull	    /* levels 0-2: table; level 3: page */
#define DESC_ATTRINDX	2u	    /* [4:2] */
#define DESC_AP1	(1ull << 6) /* EL0 access */
#define DESC_AP2	(1ull << 7) /* read-only */
#define DESC_AF		(1ull << 10)
#define DESC_PXN	(1ull << 53)
#define DESC_UXN	(1ull << 54)
#define DESC_PXNTABLE	(1ull << 59)
#define DESC_UXNTABLE	(1ull << 60)
#define DESC_APTABLE0	(1ull << 61) /* no EL0 access below */
#define DESC_APTABLE1	(1ull << 62) /* read-only below */
#define DESC_ADDR_MASK	0x0000fffffffff000ull
#define TTBR_BADDR_MASK 0x0000ffffffffffffull

/* FSC bases; the level goes in the low two bits. */
#define FSC_ADDRESS_SIZE 0x00u
#define FSC_TRANSLATION	 0x04u
#define FSC_ACCESS_FLAG	 0x08u
#define FSC_PERMISSION	 0x0cu

/* MAIR attributes the architecture gives when stage 1 is off. */
#define ATTR_DEVICE_NGNRNE 0x00u
#define ATTR_NORMAL_NC	   0x44u

/* TCR_EL1.IPS / ID_AA64MMFR0_EL1.PARange -> bits. */
static const unsigned ps_bits[] = {32, 36, 40, 42, 44, 48, 52};

static unsigned field(uint64_t v, unsigned shift, unsigned mask)
{
	return (unsigned)(v >> shift) & mask;
}

/* The half of the VA space va falls in: TTBR1 when bit 55 is set. */
static bool upper_half(uint64_t va)
{
	return (va >> 55) & 1;
}

static bool tbi(const struct s1walk_regs *r, bool upper)
{
	return (r->tcr & (upper ? TCR_TBI1 : TCR_TBI0)) != 0;
}

static unsigned txsz(const struct s1walk_regs *r, bool upper)
{
	return field(r->tcr, upper ? TCR_T1SZ_SHIFT : TCR_T0SZ_SHIFT,
		     TCR_TXSZ_MASK);
}

/* The reserved encodings act as 4 KiB, as in QEMU and Unicorn. */
static bool granule_4k(const struct s1walk_regs *r, bool upper)
{
	unsigned tg = field(r->tcr, upper ? TCR_TG1_SHIFT : TCR_TG0_SHIFT, 3);

	if (upper)
		return tg != TG1_16K && tg != TG1_64K;
	return tg != TG0_16K && tg != TG0_64K;
}

static unsigned output_bits(const struct s1walk_cfg *cfg)
{
	unsigned ips = field(cfg->regs.tcr, TCR_IPS_SHIFT, 7);
	unsigned bits = ips < sizeof(ps_bits) / sizeof(ps_bits[0])
			    ? ps_bits[ips]
			    : cfg->pa_bits;

	return bits < cfg->pa_bits ? bits : cfg->pa_bits;
}

/* Bit of the first address a level-`level` entry does not cover. */
static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (3 - level);
}

static struct s1_result fault(enum s1_fault f, unsigned level)
{
	return (struct s1_result){.fault = f, .level = level};
}

/* Stage 1 off (D8.2.10): flat, with the output size still checked. */
static struct s1_result translate_off(const struct s1walk_cfg *cfg, uint64_t va,
				      enum s1_access acc)
{
	unsigned top = tbi(&cfg->regs, upper_half(va)) ? 56 : 64;
	uint64_t above = top == 64 ? va : va & ((1ull << top) - 1);

	if (cfg->pa_bits < 64 && (above >> cfg->pa_bits) != 0)
		return fault(S1_FAULT_ADDRESS_SIZE, 0);
	return (struct s1_result){
	    .fault = S1_OK,
	    .ipa = va & ((1ull << 52) - 1),
	    .attr = acc == S1_FETCH ? ATTR_NORMAL_NC : ATTR_DEVICE_NGNRNE,
	};
}

/* The permission a leaf's AP, XN and PXN (and its tables') give. */
static bool permitted(const struct s1walk_cfg *cfg, uint64_t desc,
		      uint64_t table_attrs, enum s1_access acc, bool el0)
{
	bool ap1 = (desc & DESC_AP1) && !(table_attrs & DESC_APTABLE0);
	bool ap2 = (desc & DESC_AP2) || (table_attrs & DESC_APTABLE1);
	bool uxn = (desc & DESC_UXN) || (table_attrs & DESC_UXNTABLE);
	bool pxn = (desc & DESC_PXN) || (table_attrs & DESC_PXNTABLE);
	bool el0_write = ap1 && !ap2;
	bool read = el0 ? ap1 : true;
	bool write = el0 ? el0_write : !ap2;
	/* Memory EL0 can write is never executable at EL1 (D8.4.1.2). */
	bool exec = el0 ? !uxn : !(pxn || el0_write);

	if ((cfg->regs.sctlr & SCTLR_WXN) && write)
		exec = false;
	switch (acc) {
	case S1_READ:
		return read;
	case S1_WRITE:
		return write;
	case S1_FETCH:
	default:
		return exec;
	}
}

struct s1_result s1walk_translate(const struct s1walk_cfg *cfg, uint64_t va,
				  enum s1_access acc, bool el0)
{
	const struct s1walk_regs *r = &cfg->regs;
	bool upper = upper_half(va);
	unsigned tsz = txsz(r, upper);
	unsigned in_bits = 64 - tsz;
	unsigned top = tbi(r, upper) ? 56 : 64;
	unsigned out_bits = output_bits(cfg);
	uint64_t table_attrs = 0, table, desc = 0;
	unsigned start, level;

	if (!(r->sctlr & SCTLR_M))
		return translate_off(cfg, va, acc);
	if (!granule_4k(r, upper))
		return fault(S1_FAULT_UNSUPPORTED, 0);
	if (tsz < TXSZ_MIN || tsz > TXSZ_MAX)
		return fault(S1_FAULT_TRANSLATION, 0);
	/* Bits [top-1:in_bits] must all equal bit 55: the gap between the
	 * two halves is a level-0 translation fault, as is a disabled half. */
	for (unsigned b = in_bits; b < top; b++) {
		if (((va >> b) & 1) != upper)
			return fault(S1_FAULT_TRANSLATION, 0);
	}
	if (r->tcr & (upper ? TCR_EPD1 : TCR_EPD0))
		return fault(S1_FAULT_TRANSLATION, 0);

	/* The levels that resolve in_bits - 12 bits, 9 per level. */
	start = 4 - (in_bits - 4) / 9;
	table = (upper ? r->ttbr1 : r->ttbr0) & TTBR_BADDR_MASK;
	if ((table >> out_bits) != 0)
		return fault(S1_FAULT_ADDRESS_SIZE, 0);
	/* The first table holds 2^(in_bits - shift) entries, aligned to its
	 * size; the TTBR's low bits below that are ignored (CnP, RES0). */
	table &= ~((1ull << (in_bits - level_shift(start) + 3)) - 1);

	for (level = start;; level++) {
		unsigned shift = level_shift(level);
		unsigned width = level == start ? in_bits - shift : 9;
		uint64_t index = (va >> shift) & ((1ull << width) - 1);
		uint64_t entry = table + index * 8;
		uint64_t out;

		if (!cfg->read(cfg->ctx, entry, &desc)) {
			struct s1_result w = fault(S1_FAULT_WALK, level);

			w.ipa = entry;
			return w;
		}
		if (!(desc & DESC_VALID) ||
		    (level == 3 && !(desc & DESC_TABLE)))
			return fault(S1_FAULT_TRANSLATION, level);
		out = desc & DESC_ADDR_MASK;
		if ((out >> out_bits) != 0)
			return fault(S1_FAULT_ADDRESS_SIZE, level);
		if (level < 3 && (desc & DESC_TABLE)) {
			table_attrs |= desc;
			table = out;
			continue;
		}
		if (!(desc & DESC_AF))
			return fault(S1_FAULT_ACCESS_FLAG, level);
		if (!permitted(cfg, desc, table_attrs, acc, el0))
			return fault(S1_FAULT_PERMISSION, level);
		uint64_t size_mask = (1ull << shift) - 1;
		unsigned attrindx = field(desc, DESC_ATTRINDX, 7);

		return (struct s1_result){
		    .fault = S1_OK,
		    .level = level,
		    .ipa = (out & ~size_mask) | (va & size_mask),
		    .attr = (uint8_t)(r->mair >> (8 * attrindx)),
		};
	}
}

unsigned s1walk_fsc(const struct s1_result *r)
{
	unsigned base;

	switch (r->fault) {
	case S1_FAULT_ADDRESS_SIZE:
		base = FSC_ADDRESS_SIZE;
		break;
	case S1_FAULT_ACCESS_FLAG:
		base = FSC_ACCESS_FLAG;
		break;
	case S1_FAULT_PERMISSION:
		base = FSC_PERMISSION;
		break;
	case S1_FAULT_TRANSLATION:
	default:
		base = FSC_TRANSLATION;
		break;
	}
	return base | (r->level & 3);
}

bool s1walk_supported(const struct s1walk_regs *regs, const char **why)
{
	if (!(regs->sctlr & SCTLR_M))
		return true;
	for (int upper = 0; upper <= 1; upper++) {
		unsigned tsz = txsz(regs, upper);

		if (regs->tcr & (upper ? TCR_EPD1 : TCR_EPD0))
			continue;
		if (!granule_4k(regs, upper)) {
			*why = "a stage-1 granule other than 4 KiB";
			return false;
		}
		/* QEMU 7.2 faults every access, Unicorn clamps TxSZ. */
		if (tsz < TXSZ_MIN || tsz > TXSZ_MAX) {
			*why = "a stage-1 TxSZ outside 16..39";
			return false;
		}
	}
	return true;
}
