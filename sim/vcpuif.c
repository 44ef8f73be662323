/* vcpuif: the virtual CPU interface behind vcpuif.h. */
#include "vcpuif.h"

#include <hal/gic.h>

/* ICH_LR<n>_EL2 */
#define ICH_LR_PENDING	    (1ull << 62)
#define ICH_LR_ACTIVE	    (1ull << 63)
#define ICH_LR_STATE	    (ICH_LR_PENDING | ICH_LR_ACTIVE)
#define ICH_LR_HW	    (1ull << 61)
#define ICH_LR_GROUP	    (1ull << 60)
#define ICH_LR_PRIO_SHIFT   48
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK  0x1fffull
#define ICH_LR_EOI	    (1ull << 41) /* with HW = 0 */

/* ICH_HCR_EL2 */
#define ICH_HCR_UIE	       (1ull << 1)
#define ICH_HCR_LRENPIE	       (1ull << 2)
#define ICH_HCR_NPIE	       (1ull << 3)
#define ICH_HCR_VGRP0EIE       (1ull << 4)
#define ICH_HCR_VGRP0DIE       (1ull << 5)
#define ICH_HCR_VGRP1EIE       (1ull << 6)
#define ICH_HCR_VGRP1DIE       (1ull << 7)
#define ICH_HCR_EOICOUNT_SHIFT 27
#define ICH_HCR_EOICOUNT_MASK  0x1full
#define ICH_HCR_EOICOUNT_FIELD (ICH_HCR_EOICOUNT_MASK << ICH_HCR_EOICOUNT_SHIFT)

/* ICH_MISR_EL2 */
#define ICH_MISR_EOI	(1u << 0)
#define ICH_MISR_U	(1u << 1)
#define ICH_MISR_LRENP	(1u << 2)
#define ICH_MISR_NP	(1u << 3)
#define ICH_MISR_VGRP0E (1u << 4)
#define ICH_MISR_VGRP0D (1u << 5)
#define ICH_MISR_VGRP1E (1u << 6)
#define ICH_MISR_VGRP1D (1u << 7)

/* ICH_VMCR_EL2; bits [9:0] are also the layout of GICV_CTLR. */
#define ICH_VMCR_VENG0	     (1ull << 0)
#define ICH_VMCR_VENG1	     (1ull << 1)
#define ICH_VMCR_VACKCTL     (1ull << 2)
#define ICH_VMCR_VFIQEN	     (1ull << 3)
#define ICH_VMCR_VCBPR	     (1ull << 4)
#define ICH_VMCR_VEOIM	     (1ull << 9)
#define ICH_VMCR_VBPR1_SHIFT 18
#define ICH_VMCR_VBPR0_SHIFT 21
#define ICH_VMCR_VBPR_MASK   0x7ull
#define ICH_VMCR_VPMR_SHIFT  24
#define ICH_VMCR_VPMR_MASK   0xffull

/* ICV_CTLR_EL1 */
#define ICV_CTLR_CBPR	       (1u << 0)
#define ICV_CTLR_EOIMODE       (1u << 1)
#define ICV_CTLR_PRIBITS_SHIFT 8
#define ICV_CTLR_A3V	       (1u << 15)

/* ICC_SRE_EL1: SRE, DFB, DIB. */
#define ICC_SRE_VALUE 0x7u

/* The GICV frame: GICC_* offsets (IHI 0048 chapter 5). */
#define GICV_CTLR   0x0000
#define GICV_PMR    0x0004
#define GICV_BPR    0x0008
#define GICV_IAR    0x000c
#define GICV_EOIR   0x0010
#define GICV_RPR    0x0014
#define GICV_HPPIR  0x0018
#define GICV_ABPR   0x001c
#define GICV_AIAR   0x0020
#define GICV_AEOIR  0x0024
#define GICV_AHPPIR 0x0028
#define GICV_APR0   0x00d0
#define GICV_IIDR   0x00fc
#define GICV_DIR    0x1000
#define GICV_CTLR_BITS                                                         \
	(ICH_VMCR_VENG0 | ICH_VMCR_VENG1 | ICH_VMCR_VACKCTL |                  \
	 ICH_VMCR_VFIQEN | ICH_VMCR_VCBPR | ICH_VMCR_VEOIM)
/* Implementer Arm (0x43b), ArchitectureVersion 2, ProductID 0. */
#define GICV_IIDR_VALUE 0x0002043bu

/*
 * 5 implemented priority bits (ICH_VTR_EL2.PRIbits = 4) and 5 preemption
 * bits (PREbits = 4): the low 3 priority bits read as zero, the smallest
 * binary points are 7 - 5 = 2 for Group 0 and one more for Group 1, and the
 * active priorities fit in one 32-bit register per group.
 */
#define PRIORITY_MASK  0xf8u
#define PRIORITY_IDLE  0xffu
#define PRIORITY_SHIFT 3
#define BPR0_MIN       2u
#define BPR1_MIN       3u
#define PRIBITS_FIELD  4u

/* INTIDs a guest reads and writes: 16 bits on v3 (ICH_VTR_EL2.IDbits = 0);
 * on v2 INTID [9:0] and, for SGIs, the source CPUID [12:10], which a GICv3
 * running a GICv2 guest takes from vINTID [12:10] of the list register. */
#define INTID_MASK_V3 0xffffu
#define INTID_MASK_V2 0x1fffu
#define INTID_ID_V2   0x3ffu
#define INTID_SPECIAL 1020u /* 1020-1023 */
#define INTID_GRP1_V2 1022u /* v2: the interrupt is Group 1, AckCtl = 0 */

static unsigned lr_total(const struct vcpuif *c)
{
	return c->lr_count < HAL_LR_MAX ? c->lr_count : HAL_LR_MAX;
}

static bool lr_group1(uint64_t lr)
{
	return (lr & ICH_LR_GROUP) != 0;
}

static uint8_t lr_priority(uint64_t lr)
{
	return (uint8_t)(lr >> ICH_LR_PRIO_SHIFT) & PRIORITY_MASK;
}

static uint32_t intid_mask(const struct vcpuif *c)
{
	return c->version == 2 ? INTID_MASK_V2 : INTID_MASK_V3;
}

static bool intid_special(const struct vcpuif *c, uint32_t intid)
{
	uint32_t id = c->version == 2 ? intid & INTID_ID_V2 : intid;

	return id >= INTID_SPECIAL && id <= GIC_INTID_SPURIOUS;
}

static bool group_enabled(const struct vcpuif *c, bool group1)
{
	return (c->g->vmcr & (group1 ? ICH_VMCR_VENG1 : ICH_VMCR_VENG0)) != 0;
}

static uint8_t pmr(const struct vcpuif *c)
{
	return (uint8_t)(c->g->vmcr >> ICH_VMCR_VPMR_SHIFT) & PRIORITY_MASK;
}

static void vmcr_set(struct vcpuif *c, unsigned shift, uint64_t mask,
		     uint64_t val)
{
	c->g->vmcr = (c->g->vmcr & ~(mask << shift)) | ((val & mask) << shift);
}

/* A binary point below the minimum (a VMCR of zero) acts as the minimum,
 * as the hardware would have stored it. */
static unsigned bpr_field(const struct vcpuif *c, unsigned shift, unsigned min)
{
	unsigned v = (unsigned)(c->g->vmcr >> shift) & ICH_VMCR_VBPR_MASK;

	return v < min ? min : v;
}

static unsigned bpr0(const struct vcpuif *c)
{
	return bpr_field(c, ICH_VMCR_VBPR0_SHIFT, BPR0_MIN);
}

static unsigned bpr1(const struct vcpuif *c)
{
	return bpr_field(c, ICH_VMCR_VBPR1_SHIFT, BPR1_MIN);
}

/*
 * The group priority field of a priority: bits [7:BPR0 + 1] for Group 0,
 * and for Group 1 as well when VCBPR is set; bits [7:BPR1] for Group 1
 * otherwise. Only this field decides preemption.
 */
static uint8_t group_priority(const struct vcpuif *c, uint8_t prio, bool group1)
{
	unsigned shift =
	    group1 && !(c->g->vmcr & ICH_VMCR_VCBPR) ? bpr1(c) : bpr0(c) + 1;

	return (uint8_t)(prio & (0xffu << shift));
}

/*
 * The active priorities register an acknowledged interrupt of a group
 * marks: AP0R0 or AP1R0 on v3; on v2 all of them are in GICV_APR0, which a
 * GICv3 backs with ICH_AP1R0_EL2 whatever the group.
 */
static uint64_t *apr_of(struct vcpuif *c, bool group1)
{
	return c->version == 2 || group1 ? &c->g->apr[0] : &c->g->apr[1];
}

/* The highest active priority (lowest set bit of the active priorities
 * registers), or PRIORITY_IDLE when nothing is active. */
static uint8_t running_priority(const struct vcpuif *c)
{
	uint32_t active = (uint32_t)(c->g->apr[0] | c->g->apr[1]);

	for (unsigned n = 0; n < 32; n++) {
		if (active & (1u << n))
			return (uint8_t)(n << PRIORITY_SHIFT);
	}
	return PRIORITY_IDLE;
}

/*
 * The list register of the highest priority pending interrupt of an
 * enabled group (the lowest index among equals), or -1. A pending and
 * active interrupt is not a candidate: it cannot be acknowledged again
 * before its active instance is deactivated.
 */
static int hppi(const struct vcpuif *c)
{
	int best = -1;
	uint8_t best_prio = 0;

	for (unsigned i = 0; i < lr_total(c); i++) {
		uint64_t lr = c->g->lr[i];

		if ((lr & ICH_LR_STATE) != ICH_LR_PENDING ||
		    !group_enabled(c, lr_group1(lr)))
			continue;
		if (best < 0 || lr_priority(lr) < best_prio) {
			best = (int)i;
			best_prio = lr_priority(lr);
		}
	}
	return best;
}

/*
 * The list register whose interrupt the interface signals, or -1: the
 * highest priority pending one, if its priority is above the priority
 * mask and its group priority above the running priority.
 */
static int signalled(const struct vcpuif *c)
{
	int i = hppi(c);
	uint64_t lr;

	if (i < 0)
		return -1;
	lr = c->g->lr[i];
	if (lr_priority(lr) >= pmr(c) ||
	    group_priority(c, lr_priority(lr), lr_group1(lr)) >=
		running_priority(c))
		return -1;
	return i;
}

/* Group 0 is the virtual FIQ on v3 (VFIQEn is RES1 with system register
 * access); on v2 only when the guest sets FIQEn. */
static bool signals_fiq(const struct vcpuif *c, uint64_t lr)
{
	return !lr_group1(lr) &&
	       (c->version != 2 || (c->g->vmcr & ICH_VMCR_VFIQEN));
}

/* Acknowledges the interrupt of list register i: Pending -> Active, and
 * its group priority becomes active. */
static uint32_t ack(struct vcpuif *c, int i)
{
	uint64_t *lr = &c->g->lr[i];
	bool group1 = lr_group1(*lr);
	uint8_t gp = group_priority(c, lr_priority(*lr), group1);

	*lr = (*lr & ~ICH_LR_STATE) | ICH_LR_ACTIVE;
	*apr_of(c, group1) |= 1ull << (gp >> PRIORITY_SHIFT);
	return (uint32_t)*lr & intid_mask(c);
}

/* ICV_IAR0/1_EL1 and GICV_AIAR: only an interrupt of that group. */
static uint32_t read_iar(struct vcpuif *c, bool group1)
{
	int i = signalled(c);

	if (i < 0 || lr_group1(c->g->lr[i]) != group1)
		return GIC_INTID_SPURIOUS;
	return ack(c, i);
}

static uint32_t read_hppir(const struct vcpuif *c, bool group1)
{
	int i = hppi(c);

	if (i < 0 || lr_group1(c->g->lr[i]) != group1)
		return GIC_INTID_SPURIOUS;
	return (uint32_t)c->g->lr[i] & intid_mask(c);
}

/*
 * GICV_IAR and GICV_HPPIR see both groups; a Group 1 interrupt is handed
 * out only with AckCtl set, and reads as the special INTID 1022 otherwise.
 */
static uint32_t gicv_iar(struct vcpuif *c)
{
	int i = signalled(c);

	if (i < 0)
		return GIC_INTID_SPURIOUS;
	if (lr_group1(c->g->lr[i]) && !(c->g->vmcr & ICH_VMCR_VACKCTL))
		return INTID_GRP1_V2;
	return ack(c, i);
}

static uint32_t gicv_hppir(const struct vcpuif *c)
{
	int i = hppi(c);

	if (i < 0)
		return GIC_INTID_SPURIOUS;
	if (lr_group1(c->g->lr[i]) && !(c->g->vmcr & ICH_VMCR_VACKCTL))
		return INTID_GRP1_V2;
	return (uint32_t)c->g->lr[i] & intid_mask(c);
}

/* Clears the highest active priority; the Group 0 bit first when both
 * groups have one at that priority. False when nothing was active. */
static bool priority_drop(struct vcpuif *c)
{
	for (unsigned n = 0; n < 32; n++) {
		uint64_t bit = 1ull << n;

		if (c->g->apr[1] & bit) {
			c->g->apr[1] &= ~bit;
			return true;
		}
		if (c->g->apr[0] & bit) {
			c->g->apr[0] &= ~bit;
			return true;
		}
	}
	return false;
}

static void eoicount_inc(struct vcpuif *c)
{
	uint64_t n = (c->g->hcr >> ICH_HCR_EOICOUNT_SHIFT) + 1;

	c->g->hcr = (c->g->hcr & ~ICH_HCR_EOICOUNT_FIELD) |
		    ((n & ICH_HCR_EOICOUNT_MASK) << ICH_HCR_EOICOUNT_SHIFT);
}

/*
 * Deactivates intid: Active -> Invalid, Pending and active -> Pending, and
 * a hardware-linked interrupt deactivates its physical twin. With no list
 * register holding it active (the hypervisor took it out, or it never was)
 * the hardware counts the EOI in ICH_HCR_EL2.EOIcount for the hypervisor
 * to finish (LRENPIE).
 */
static void deactivate(struct vcpuif *c, uint32_t intid)
{
	for (unsigned i = 0; i < lr_total(c); i++) {
		uint64_t *lr = &c->g->lr[i];

		if (!(*lr & ICH_LR_ACTIVE) || (uint32_t)*lr != intid)
			continue;
		*lr &= ~ICH_LR_ACTIVE;
		if ((*lr & ICH_LR_HW) && c->deactivate_phys != NULL)
			c->deactivate_phys(
			    c->ctx, (uint32_t)((*lr >> ICH_LR_PINTID_SHIFT) &
					       ICH_LR_PINTID_MASK));
		return;
	}
	eoicount_inc(c);
}

/*
 * ICV_EOIR0/1_EL1, GICV_EOIR, GICV_AEOIR: priority drop, and deactivation
 * too unless EOImode is set. The group of the register is not checked, and
 * an EOI with nothing active is ignored: both are UNPREDICTABLE, and so
 * are writes of special INTIDs, also ignored.
 */
static void write_eoir(struct vcpuif *c, uint64_t val)
{
	uint32_t intid = (uint32_t)val & intid_mask(c);

	if (intid_special(c, intid) || !priority_drop(c))
		return;
	if (!(c->g->vmcr & ICH_VMCR_VEOIM))
		deactivate(c, intid);
}

/* ICV_DIR_EL1, GICV_DIR: deactivation, meaningful only with EOImode set
 * (UNPREDICTABLE otherwise: ignored). */
static void write_dir(struct vcpuif *c, uint64_t val)
{
	uint32_t intid = (uint32_t)val & intid_mask(c);

	if (!(c->g->vmcr & ICH_VMCR_VEOIM) || intid_special(c, intid))
		return;
	deactivate(c, intid);
}

static uint32_t read_bpr1(const struct vcpuif *c)
{
	/* With VCBPR the Group 0 binary point governs both groups and BPR1
	 * shows it as Group 1 would: one more, up to 7. */
	if (c->g->vmcr & ICH_VMCR_VCBPR)
		return bpr0(c) < 7 ? bpr0(c) + 1 : 7;
	return bpr1(c);
}

static void write_bpr(struct vcpuif *c, bool group1, uint64_t val)
{
	unsigned min = group1 ? BPR1_MIN : BPR0_MIN;
	uint64_t bp = val & ICH_VMCR_VBPR_MASK;

	vmcr_set(c, group1 ? ICH_VMCR_VBPR1_SHIFT : ICH_VMCR_VBPR0_SHIFT,
		 ICH_VMCR_VBPR_MASK, bp < min ? min : bp);
}

static void write_pmr(struct vcpuif *c, uint64_t val)
{
	vmcr_set(c, ICH_VMCR_VPMR_SHIFT, ICH_VMCR_VPMR_MASK,
		 val & PRIORITY_MASK);
}

static void vmcr_bit(struct vcpuif *c, uint64_t bit, bool on)
{
	if (on)
		c->g->vmcr |= bit;
	else
		c->g->vmcr &= ~bit;
}

/* Encodings of the ICC_*_EL1 registers the virtual interface performs
 * (op0 3, op1 0), and the directions that exist. */
static const struct {
	uint8_t crn, crm, op2;
	bool read, write;
	enum vcpuif_reg reg;
} icc_regs[] = {
    {4, 6, 0, true, true, VCPUIF_PMR},
    {12, 8, 0, true, false, VCPUIF_IAR0},
    {12, 8, 1, false, true, VCPUIF_EOIR0},
    {12, 8, 2, true, false, VCPUIF_HPPIR0},
    {12, 8, 3, true, true, VCPUIF_BPR0},
    {12, 8, 4, true, true, VCPUIF_AP0R0},
    {12, 9, 0, true, true, VCPUIF_AP1R0},
    {12, 11, 1, false, true, VCPUIF_DIR},
    {12, 11, 3, true, false, VCPUIF_RPR},
    {12, 12, 0, true, false, VCPUIF_IAR1},
    {12, 12, 1, false, true, VCPUIF_EOIR1},
    {12, 12, 2, true, false, VCPUIF_HPPIR1},
    {12, 12, 3, true, true, VCPUIF_BPR1},
    {12, 12, 4, true, true, VCPUIF_CTLR},
    {12, 12, 5, true, true, VCPUIF_SRE},
    {12, 12, 6, true, true, VCPUIF_IGRPEN0},
    {12, 12, 7, true, true, VCPUIF_IGRPEN1},
};

bool vcpuif_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
		   unsigned op2, bool read, enum vcpuif_reg *r)
{
	if (op0 != 3 || op1 != 0)
		return false;
	for (unsigned i = 0; i < sizeof(icc_regs) / sizeof(icc_regs[0]); i++) {
		if (icc_regs[i].crn != crn || icc_regs[i].crm != crm ||
		    icc_regs[i].op2 != op2)
			continue;
		if (read ? !icc_regs[i].read : !icc_regs[i].write)
			return false;
		*r = icc_regs[i].reg;
		return true;
	}
	return false;
}

uint64_t vcpuif_read(struct vcpuif *c, enum vcpuif_reg r)
{
	uint64_t vmcr = c->g->vmcr;

	switch (r) {
	case VCPUIF_IAR0:
		return read_iar(c, false);
	case VCPUIF_IAR1:
		return read_iar(c, true);
	case VCPUIF_HPPIR0:
		return read_hppir(c, false);
	case VCPUIF_HPPIR1:
		return read_hppir(c, true);
	case VCPUIF_PMR:
		return pmr(c);
	case VCPUIF_BPR0:
		return bpr0(c);
	case VCPUIF_BPR1:
		return read_bpr1(c);
	case VCPUIF_CTLR:
		return ((vmcr & ICH_VMCR_VCBPR) ? ICV_CTLR_CBPR : 0) |
		       ((vmcr & ICH_VMCR_VEOIM) ? ICV_CTLR_EOIMODE : 0) |
		       (PRIBITS_FIELD << ICV_CTLR_PRIBITS_SHIFT) | ICV_CTLR_A3V;
	case VCPUIF_RPR:
		return running_priority(c);
	case VCPUIF_IGRPEN0:
		return (vmcr & ICH_VMCR_VENG0) ? 1 : 0;
	case VCPUIF_IGRPEN1:
		return (vmcr & ICH_VMCR_VENG1) ? 1 : 0;
	case VCPUIF_AP0R0:
		return (uint32_t)c->g->apr[1];
	case VCPUIF_AP1R0:
		return (uint32_t)c->g->apr[0];
	case VCPUIF_SRE:
		return ICC_SRE_VALUE;
	case VCPUIF_EOIR0:
	case VCPUIF_EOIR1:
	case VCPUIF_DIR:
		break; /* write-only: vcpuif_sysreg never decodes a read */
	}
	return 0;
}

void vcpuif_write(struct vcpuif *c, enum vcpuif_reg r, uint64_t val)
{
	switch (r) {
	case VCPUIF_EOIR0:
	case VCPUIF_EOIR1:
		write_eoir(c, val);
		break;
	case VCPUIF_DIR:
		write_dir(c, val);
		break;
	case VCPUIF_PMR:
		write_pmr(c, val);
		break;
	case VCPUIF_BPR0:
		write_bpr(c, false, val);
		break;
	case VCPUIF_BPR1:
		/* With VCBPR BPR1 is an alias that ignores writes. */
		if (!(c->g->vmcr & ICH_VMCR_VCBPR))
			write_bpr(c, true, val);
		break;
	case VCPUIF_CTLR:
		vmcr_bit(c, ICH_VMCR_VCBPR, val & ICV_CTLR_CBPR);
		vmcr_bit(c, ICH_VMCR_VEOIM, val & ICV_CTLR_EOIMODE);
		break;
	case VCPUIF_IGRPEN0:
		vmcr_bit(c, ICH_VMCR_VENG0, val & 1);
		break;
	case VCPUIF_IGRPEN1:
		vmcr_bit(c, ICH_VMCR_VENG1, val & 1);
		break;
	case VCPUIF_AP0R0:
		c->g->apr[1] = (uint32_t)val;
		break;
	case VCPUIF_AP1R0:
		c->g->apr[0] = (uint32_t)val;
		break;
	case VCPUIF_SRE: /* SRE, DFB and DIB are fixed at 1 */
	case VCPUIF_IAR0:
	case VCPUIF_IAR1:
	case VCPUIF_HPPIR0:
	case VCPUIF_HPPIR1:
	case VCPUIF_RPR:
		break;
	}
}

static bool gicv_decodes(uint64_t off, unsigned size)
{
	return off < VCPUIF_GICV_SIZE && off % 4 == 0 && size == 4;
}

bool vcpuif_mmio_read(struct vcpuif *c, uint64_t off, unsigned size,
		      uint64_t *val)
{
	if (!gicv_decodes(off, size))
		return false;
	switch (off) {
	case GICV_CTLR:
		*val = c->g->vmcr & GICV_CTLR_BITS;
		break;
	case GICV_PMR:
		*val = pmr(c);
		break;
	case GICV_BPR:
		*val = bpr0(c);
		break;
	case GICV_ABPR:
		*val = bpr1(c);
		break;
	case GICV_IAR:
		*val = gicv_iar(c);
		break;
	case GICV_AIAR:
		*val = read_iar(c, true);
		break;
	case GICV_RPR:
		*val = running_priority(c);
		break;
	case GICV_HPPIR:
		*val = gicv_hppir(c);
		break;
	case GICV_AHPPIR:
		*val = read_hppir(c, true);
		break;
	case GICV_APR0:
		*val = (uint32_t)c->g->apr[0];
		break;
	case GICV_IIDR:
		*val = GICV_IIDR_VALUE;
		break;
	default: /* write-only (EOIR, AEOIR, DIR) and reserved: zero */
		*val = 0;
		break;
	}
	return true;
}

bool vcpuif_mmio_write(struct vcpuif *c, uint64_t off, unsigned size,
		       uint64_t val)
{
	if (!gicv_decodes(off, size))
		return false;
	switch (off) {
	case GICV_CTLR:
		c->g->vmcr =
		    (c->g->vmcr & ~GICV_CTLR_BITS) | (val & GICV_CTLR_BITS);
		break;
	case GICV_PMR:
		write_pmr(c, val);
		break;
	case GICV_BPR:
		write_bpr(c, false, val);
		break;
	case GICV_ABPR:
		write_bpr(c, true, val);
		break;
	case GICV_EOIR:
	case GICV_AEOIR:
		write_eoir(c, val);
		break;
	case GICV_DIR:
		write_dir(c, val);
		break;
	case GICV_APR0:
		c->g->apr[0] = (uint32_t)val;
		break;
	default: /* read-only and reserved: ignored */
		break;
	}
	return true;
}

bool vcpuif_virq(const struct vcpuif *c)
{
	int i = signalled(c);

	return i >= 0 && !signals_fiq(c, c->g->lr[i]);
}

bool vcpuif_vfiq(const struct vcpuif *c)
{
	int i = signalled(c);

	return i >= 0 && signals_fiq(c, c->g->lr[i]);
}

uint32_t vcpuif_misr(const struct vcpuif *c)
{
	uint64_t hcr = c->g->hcr;
	bool en0 = group_enabled(c, false);
	bool en1 = group_enabled(c, true);
	unsigned valid = 0;
	bool pending = false;
	uint32_t misr = 0;

	for (unsigned i = 0; i < lr_total(c); i++) {
		uint64_t lr = c->g->lr[i];

		if (lr & ICH_LR_STATE)
			valid++;
		if (lr & ICH_LR_PENDING)
			pending = true;
		/* ICH_EISR_EL2: a software interrupt asking for an EOI
		 * maintenance interrupt, now deactivated. */
		if (!(lr & (ICH_LR_STATE | ICH_LR_HW)) && (lr & ICH_LR_EOI))
			misr |= ICH_MISR_EOI;
	}
	if ((hcr & ICH_HCR_UIE) && valid <= 1)
		misr |= ICH_MISR_U;
	if ((hcr & ICH_HCR_LRENPIE) && (hcr & ICH_HCR_EOICOUNT_FIELD))
		misr |= ICH_MISR_LRENP;
	if ((hcr & ICH_HCR_NPIE) && !pending)
		misr |= ICH_MISR_NP;
	if (hcr & (en0 ? ICH_HCR_VGRP0EIE : ICH_HCR_VGRP0DIE))
		misr |= en0 ? ICH_MISR_VGRP0E : ICH_MISR_VGRP0D;
	if (hcr & (en1 ? ICH_HCR_VGRP1EIE : ICH_HCR_VGRP1DIE))
		misr |= en1 ? ICH_MISR_VGRP1E : ICH_MISR_VGRP1D;
	return misr;
}

bool vcpuif_maintenance(const struct vcpuif *c)
{
	return vcpuif_misr(c) != 0;
}
