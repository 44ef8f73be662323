/*
 * vgic_mmio_v3: the GICv3 distributor (IHI 0069 12.9) with affinity
 * routing and one security state, the redistributors (12.10, 12.11: an
 * RD_base and an SGI_base frame per vCPU) and ICC_SGI1R_EL1, the one CPU
 * interface register the hardware traps.
 */
#include "hv/vgic/vgic_internal.h"

#define GICD_CTLR	 0x0000
#define GICD_TYPER	 0x0004
#define GICD_IIDR	 0x0008
#define GICD_CPENDSGIR	 0x0f10 /* v2's; byte-accessible RAZ/WI here */
#define GICD_SGI_END	 0x0f30
#define GICD_IROUTER	 0x6000
#define GICD_IROUTER_END 0x8000
#define GICD_PIDR2	 0xffe8

#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_DS		(1u << 6)
#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_NO1N		(1u << 25)

/*
 * GICD_TYPER.IDbits: ten bits, enough for SPIs without LPIs. No1N:
 * IROUTER.Interrupt_Routing_Mode is RES0, so every SPI goes to one vCPU.
 * A3V is 0: Aff3 is RES0, as in every vCPU's MPIDR.
 */
#define VGIC_IDBITS	  9u
#define VGIC_IROUTER_MASK 0x00ffffffull

#define GICR_SGI_BASE 0x10000
#define GICR_IIDR     0x0004
#define GICR_TYPER    0x0008
#define GICR_WAKER    0x0014
#define GICR_PIDR2    0xffe8

#define GICR_TYPER_LAST		   (1ull << 4)
#define GICR_TYPER_PROCESSOR_SHIFT 8
#define GICR_TYPER_AFFINITY_SHIFT  32

/* ICC_SGI1R_EL1 (IHI 0069 12.2). */
#define ICC_SGI1R_TARGETS_MASK 0xffffull
#define ICC_SGI1R_AFF1_SHIFT   16
#define ICC_SGI1R_INTID_SHIFT  24
#define ICC_SGI1R_AFF2_SHIFT   32
#define ICC_SGI1R_IRM	       (1ull << 40)
#define ICC_SGI1R_RS_SHIFT     44
#define ICC_SGI1R_AFF3_SHIFT   48

/* GICD_IROUTER<n> (v3): 64-bit, or 32-bit halves; SPIs only. */
static void irouter_access(struct vm *vm, uint64_t off, unsigned size,
			   uint64_t *val, bool write)
{
	unsigned intid = (unsigned)((off - GICD_IROUTER) / 8);
	unsigned shift = (off & 4) ? 32 : 0;
	uint64_t half = size == 8 ? ~0ull : 0xffffffffull << shift;
	struct vgic_irq *irq;

	if (intid < GIC_PRIVATE_COUNT || intid >= VGIC_INTID_COUNT) {
		*val = 0; /* reserved, or beyond the SPIs: RAZ/WI */
		return;
	}
	irq = &vm->vgic.spi[intid - GIC_PRIVATE_COUNT];
	if (!write) {
		*val = (irq->route & half) >> shift;
		return;
	}
	vgic_irq_sync(vm, irq, intid);
	irq->route = ((irq->route & ~half) | ((*val << shift) & half)) &
		     VGIC_IROUTER_MASK;
	if (irq->hw_intid != 0)
		vgic_hw_route(vm, irq, intid);
	vgic_irq_changed(vm, irq, intid);
}

static unsigned gicd_widths(uint64_t off)
{
	if (off >= GICD_CPENDSGIR && off < GICD_SGI_END)
		return ACC_BYTE | ACC_WORD;
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END)
		return ACC_WORD | ACC_DWORD;
	return ACC_WORD;
}

static enum hv_err gicd_access(struct vm *vm, struct vcpu *v, uint64_t off,
			       unsigned size, uint64_t *val, bool write)
{
	if (off >= GICD_IGROUPR && off < GICD_IGRPMODR)
		return vgic_irq_array_access(vm, v, off, size, val, write,
					     GIC_PRIVATE_COUNT,
					     VGIC_INTID_COUNT, true);
	if (!width_ok(gicd_widths(off), off, size))
		return HV_ERR_ACCESS;
	if (off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		irouter_access(vm, off, size, val, write);
		return HV_OK;
	}
	if (write) {
		if (off == GICD_CTLR)
			vgic_ctlr_write(vm, (uint32_t)*val);
		/* Everything else is read-only or RAZ/WI. */
		return HV_OK;
	}
	switch (off) {
	case GICD_CTLR:
		*val = vm->vgic.ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		break;
	case GICD_TYPER:
		*val = VGIC_ITLINES | VGIC_IDBITS << GICD_TYPER_IDBITS_SHIFT |
		       GICD_TYPER_NO1N;
		break;
	case GICD_IIDR:
		*val = VGIC_IIDR;
		break;
	case GICD_PIDR2:
		*val = VGIC_PIDR2_ARCHREV(3);
		break;
	default:
		*val = 0; /* reserved */
		break;
	}
	return HV_OK;
}

/*
 * GICR_TYPER: Affinity_Value [63:32] is the MPIDR's Aff3.Aff2.Aff1.Aff0,
 * Processor_Number [23:8] the vCPU id, Last [4] marks the last frame; no
 * LPIs, no virtual LPIs.
 */
static uint64_t gicr_typer(const struct vm *vm, const struct vcpu *cpu)
{
	uint64_t mpidr = vcpu_mpidr(cpu->id);
	uint64_t aff = ((mpidr >> 8) & 0xff000000ull) | (mpidr & 0x00ffffffull);
	uint64_t typer = (aff << GICR_TYPER_AFFINITY_SHIFT) |
			 ((uint64_t)cpu->id << GICR_TYPER_PROCESSOR_SHIFT);

	if (cpu->id == vm->vcpu_count - 1)
		typer |= GICR_TYPER_LAST;
	return typer;
}

static enum hv_err gicr_rd_access(struct vm *vm, struct vcpu *cpu, uint64_t off,
				  unsigned size, uint64_t *val, bool write)
{
	unsigned widths = ACC_WORD;
	uint64_t typer;

	if (off >= GICR_TYPER && off < GICR_TYPER + 8)
		widths |= ACC_DWORD;
	if (!width_ok(widths, off, size))
		return HV_ERR_ACCESS;
	if (write) {
		/*
		 * GICR_WAKER: ChildrenAsleep follows ProcessorSleep at
		 * once, there being no power management to wait for. The
		 * rest is read-only or RAZ/WI (GICR_CTLR: no LPIs).
		 */
		if (off == GICR_WAKER)
			cpu->vgic.gicr_waker =
			    (*val & GICR_WAKER_PROCESSOR_SLEEP)
				? GICR_WAKER_PROCESSOR_SLEEP |
				      GICR_WAKER_CHILDREN_ASLEEP
				: 0;
		return HV_OK;
	}
	switch (off) {
	case GICR_IIDR:
		*val = VGIC_IIDR;
		break;
	case GICR_TYPER:
	case GICR_TYPER + 4:
		typer = gicr_typer(vm, cpu);
		if (size == 4)
			typer = (uint32_t)(typer >> ((off - GICR_TYPER) * 8));
		*val = typer;
		break;
	case GICR_WAKER:
		*val = cpu->vgic.gicr_waker;
		break;
	case GICR_PIDR2:
		*val = VGIC_PIDR2_ARCHREV(3);
		break;
	default:
		*val = 0;
		break;
	}
	return HV_OK;
}

static enum hv_err gicr_access(struct vm *vm, uint64_t off, unsigned size,
			       uint64_t *val, bool write)
{
	struct vcpu *cpu = &vm->vcpus[off / VGIC_GICR_STRIDE];

	off %= VGIC_GICR_STRIDE;
	if (off < GICR_SGI_BASE)
		return gicr_rd_access(vm, cpu, off, size, val, write);
	off -= GICR_SGI_BASE;
	if (off >= GICD_IGROUPR && off < GICD_IGRPMODR)
		return vgic_irq_array_access(vm, cpu, off, size, val, write, 0,
					     GIC_PRIVATE_COUNT, false);
	/* IGRPMODR0 and NSACR are RAZ/WI with one security state. */
	if (!width_ok(ACC_WORD, off, size))
		return HV_ERR_ACCESS;
	if (!write)
		*val = 0;
	return HV_OK;
}

static enum hv_err gicd_read(void *dev, struct vcpu *v, uint64_t off,
			     unsigned size, uint64_t *val)
{
	*val = 0;
	return gicd_access(dev, v, off, size, val, false);
}

static enum hv_err gicd_write(void *dev, struct vcpu *v, uint64_t off,
			      unsigned size, uint64_t val)
{
	return gicd_access(dev, v, off, size, &val, true);
}

static enum hv_err gicr_read(void *dev, struct vcpu *v, uint64_t off,
			     unsigned size, uint64_t *val)
{
	(void)v; /* the frame, not the accessor, names the vCPU */
	*val = 0;
	return gicr_access(dev, off, size, val, false);
}

static enum hv_err gicr_write(void *dev, struct vcpu *v, uint64_t off,
			      unsigned size, uint64_t val)
{
	(void)v;
	return gicr_access(dev, off, size, &val, true);
}

const struct mmio_ops vgic_gicd_v3_ops = {
    .read = gicd_read,
    .write = gicd_write,
};

const struct mmio_ops vgic_gicr_ops = {
    .read = gicr_read,
    .write = gicr_write,
};

/*
 * ICC_SGI1R_EL1: TargetList [15:0] names Aff0 = RS * 16 + bit within
 * Aff3.Aff2.Aff1, or IRM = 1 every PE but the sender. With one security
 * state the Group 1 SGI it generates reaches only a target that has the
 * SGI in Group 1 (IHI 0069, ICC_SGI1R_EL1: forwarding an SGI to a target
 * PE). With GICD_TYPER.RSS = 0 only RS = 0 names anyone.
 */
void vgic_sgi1r_write(struct vcpu *v, uint64_t val)
{
	struct vm *vm = v->vm;
	unsigned intid = (val >> ICC_SGI1R_INTID_SHIFT) & 0xf;
	unsigned rs = (val >> ICC_SGI1R_RS_SHIFT) & 0xf;
	uint64_t cluster = (((val >> ICC_SGI1R_AFF1_SHIFT) & 0xff) << 8) |
			   (((val >> ICC_SGI1R_AFF2_SHIFT) & 0xff) << 16) |
			   (((val >> ICC_SGI1R_AFF3_SHIFT) & 0xff) << 32);

	vm_lock(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpus[i];
		uint64_t aff = vcpu_affinity(t);
		unsigned aff0 = aff & 0xff;

		if (val & ICC_SGI1R_IRM) {
			if (t == v)
				continue;
		} else if ((aff & ~0xffull) != cluster || aff0 / 16 != rs ||
			   !(val & ICC_SGI1R_TARGETS_MASK &
			     (1ull << (aff0 % 16)))) {
			continue;
		}
		if (t->vgic.priv[intid].group1)
			vgic_sgi_raise(vm, t, intid, v);
	}
	vm_unlock(vm);
}
