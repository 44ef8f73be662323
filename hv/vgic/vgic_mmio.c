/*
 * vgic_mmio: the registers GICD shares with a GICv3 redistributor's
 * SGI_base frame - the per-INTID arrays from IGROUPR to ICFGR - and
 * GICD_CTLR's group enables. Each access becomes changes to the model
 * (vgic.c), one interrupt at a time.
 *
 * Register layouts and reset values: IHI 0048B (GICv2) chapter 4, IHI 0069
 * (GICv3) chapter 12. Access widths ("GIC register access" in both): 32-bit
 * registers take word accesses, IPRIORITYR, ITARGETSR, CPENDSGIR and
 * SPENDSGIR byte accesses too, and the v3 64-bit registers (IROUTER,
 * GICR_TYPER) doubleword accesses or word accesses to either half. The
 * rest - halfwords, misaligned accesses, a doubleword to a 32-bit register
 * - is UNPREDICTABLE there and gets an abort here. Widths follow the
 * register an offset falls in, implemented or RAZ/WI alike; offsets in no
 * register take words.
 */
#include "hv/vgic/vgic_internal.h"

#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR	0x0800
#define GICD_ICFGR	0x0c00

/* The per-INTID arrays GICD shares with a GICR SGI_base frame. */
enum irq_reg {
	REG_IGROUPR,
	REG_ISENABLER,
	REG_ICENABLER,
	REG_ISPENDR,
	REG_ICPENDR,
	REG_ISACTIVER,
	REG_ICACTIVER,
	REG_IPRIORITYR,
	REG_ITARGETSR,
	REG_ICFGR,
};

/* The array reg covers [start, start + bytes), bits per INTID. */
static enum irq_reg irq_reg_of(uint64_t off, uint64_t *start, unsigned *bits)
{
	if (off < GICD_IPRIORITYR) {
		*start = off & ~0x7full;
		*bits = 1;
		return (enum irq_reg)((off - GICD_IGROUPR) / 0x80);
	}
	if (off < GICD_ITARGETSR) {
		*start = GICD_IPRIORITYR;
		*bits = 8;
		return REG_IPRIORITYR;
	}
	if (off < GICD_ICFGR) {
		*start = GICD_ITARGETSR;
		*bits = 8;
		return REG_ITARGETSR;
	}
	*start = GICD_ICFGR;
	*bits = 2;
	return REG_ICFGR;
}

static uint32_t field_read(struct vm *vm, struct vcpu *cpu, enum irq_reg reg,
			   unsigned intid)
{
	struct vgic_irq *irq = irq_of(vm, cpu, intid);

	vgic_irq_sync(vm, irq, intid);
	switch (reg) {
	case REG_IGROUPR:
		return irq->group1;
	case REG_ISENABLER:
	case REG_ICENABLER:
		return irq->enabled;
	case REG_ISPENDR:
	case REG_ICPENDR:
		return irq_pending(irq);
	case REG_ISACTIVER:
	case REG_ICACTIVER:
		return irq->active;
	case REG_IPRIORITYR:
		return irq->priority;
	case REG_ITARGETSR:
		/*
		 * v2: the SGI and PPI bytes read as the reading CPU's own
		 * bit (IHI 0048B 4.3.12). v3 uses affinity routing: RES0.
		 */
		if (!is_v2(vm))
			return 0;
		return intid < GIC_PRIVATE_COUNT ? 1u << cpu->id : irq->targets;
	case REG_ICFGR:
		/* Int_config, bit [2F+1]: 1 = edge-triggered. */
		return irq->edge ? 2 : 0;
	}
	return 0;
}

static void field_write(struct vm *vm, struct vcpu *cpu, enum irq_reg reg,
			unsigned intid, uint32_t f)
{
	struct vgic_irq *irq = irq_of(vm, cpu, intid);
	bool was_live;

	switch (reg) {
	case REG_ISENABLER:
	case REG_ICENABLER:
	case REG_ISPENDR:
	case REG_ICPENDR:
	case REG_ISACTIVER:
	case REG_ICACTIVER:
		if (f == 0)
			return; /* writing 0 to a set/clear bit: no effect */
		break;
	case REG_ITARGETSR:
		/* Private bytes are read-only; v3 has no targets. */
		if (!is_v2(vm) || intid < GIC_PRIVATE_COUNT)
			return;
		break;
	case REG_ICFGR:
		/* SGIs are always edge-triggered, ICFGR0 is read-only. */
		if (intid < GIC_SGI_COUNT)
			return;
		break;
	default:
		break;
	}
	/*
	 * v2 SGIs are pending per sender, which ISPENDR0 and ICPENDR0 cannot
	 * name: their bits are WI there; GICD_SPENDSGIR and GICD_CPENDSGIR
	 * set and clear them (IHI 0048B 4.3.7, 4.3.8).
	 */
	if ((reg == REG_ISPENDR || reg == REG_ICPENDR) && is_v2_sgi(vm, intid))
		return;

	vgic_irq_sync(vm, irq, intid);
	was_live = irq_pending(irq) || irq->active;
	switch (reg) {
	case REG_IGROUPR:
		irq->group1 = f != 0;
		break;
	case REG_ISENABLER:
		irq->enabled = true;
		break;
	case REG_ICENABLER:
		irq->enabled = false;
		break;
	case REG_ISPENDR:
		irq->pending = true;
		break;
	case REG_ICPENDR:
		/* A level input still high keeps it pending. */
		irq->pending = false;
		break;
	case REG_ISACTIVER:
		irq->active = true;
		break;
	case REG_ICACTIVER:
		irq->active = false;
		break;
	case REG_IPRIORITYR:
		irq->priority = (uint8_t)(f & VGIC_PRIORITY_MASK);
		break;
	case REG_ITARGETSR:
		/* Bits of CPUs the VM does not have are RAZ/WI. */
		irq->targets = (uint8_t)(f & present_vcpus(vm));
		if (irq->hw_intid != 0)
			vgic_hw_route(vm, irq, intid);
		break;
	case REG_ICFGR:
		irq->edge = (f & 2) != 0;
		break;
	}
	vgic_irq_unlink_if_idle(vm, irq, intid, was_live);
	vgic_irq_changed(vm, irq, intid);
}

/*
 * The per-INTID arrays (0x080-0xcff) of GICD or of a GICR SGI_base frame.
 * cpu is the vCPU whose private interrupts the frame shows (for GICD, the
 * one accessing it). INTIDs outside [first, limit) are RAZ/WI: v3's GICD
 * leaves SGIs and PPIs to the redistributors, GICR has nothing else.
 */
enum hv_err vgic_irq_array_access(struct vm *vm, struct vcpu *cpu, uint64_t off,
				  unsigned size, uint64_t *val, bool write,
				  unsigned first, unsigned limit, bool gicd)
{
	unsigned bits, widths = ACC_WORD;
	uint64_t start;
	enum irq_reg reg = irq_reg_of(off, &start, &bits);
	uint32_t mask = (1u << bits) - 1;
	unsigned intid0, count;
	uint32_t word = 0;

	/* GICR_SGI_base has no ITARGETSR: reserved space there. */
	if (reg == REG_ITARGETSR && !gicd) {
		if (!width_ok(ACC_WORD, off, size))
			return HV_ERR_ACCESS;
		*val = 0;
		return HV_OK;
	}
	if (reg == REG_IPRIORITYR || reg == REG_ITARGETSR)
		widths |= ACC_BYTE;
	if (!width_ok(widths, off, size))
		return HV_ERR_ACCESS;
	intid0 = (unsigned)((off - start) * 8 / bits);
	count = size * 8 / bits;
	for (unsigned k = 0; k < count; k++) {
		unsigned intid = intid0 + k;

		if (intid < first || intid >= limit)
			continue;
		if (write)
			field_write(vm, cpu, reg, intid,
				    (uint32_t)(*val >> (k * bits)) & mask);
		else
			word |= field_read(vm, cpu, reg, intid) << (k * bits);
	}
	if (!write)
		*val = word;
	return HV_OK;
}

/*
 * GICD_CTLR: EnableGrp0 [0] and EnableGrp1 [1] on both versions (v2 with
 * no Security Extensions; v3 with one security state, where ARE [4] and
 * DS [6] are RAO/WI). RWP [31] reads as zero: every write is done when it
 * returns.
 */
void vgic_ctlr_write(struct vm *vm, uint32_t val)
{
	/* Enabling or disabling a group changes what every LR may show. */
	vgic_lr_sync_all(vm, false);
	vgic_set_ctlr(vm,
		      val & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1));
	vgic_lr_sync_all(vm, true);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vm->vcpus[i].vgic.rescan = true;
}
