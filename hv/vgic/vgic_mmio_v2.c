/*
 * vgic_mmio_v2: the GICv2 distributor (IHI 0048B 4.3): the shared arrays
 * (vgic_mmio.c), GICD_SGIR and the per-sender SGI pending bytes.
 */
#include "hv/vgic/vgic_internal.h"

#define GICD_CTLR		   0x0000
#define GICD_TYPER		   0x0004
#define GICD_IIDR		   0x0008
#define GICD_SGIR		   0x0f00
#define GICD_CPENDSGIR		   0x0f10
#define GICD_SPENDSGIR		   0x0f20
#define GICD_SGI_END		   0x0f30
#define GICD_ICPIDR2		   0x0fe8
#define GICD_TYPER_CPUNUMBER_SHIFT 5
#define GICD_SGIR_FILTER_SHIFT	   24
#define GICD_SGIR_TARGETS_SHIFT	   16
#define GICD_SGIR_INTID_MASK	   0xfu

/*
 * GICD_SGIR (v2): TargetListFilter [25:24], CPUTargetList [23:16],
 * SGIINTID [3:0]. NSATT [15] belongs to the Security Extensions, which
 * this GIC does not have.
 */
static void sgir_write(struct vm *vm, struct vcpu *v, uint32_t val)
{
	unsigned intid = val & GICD_SGIR_INTID_MASK;
	uint8_t targets;

	switch ((val >> GICD_SGIR_FILTER_SHIFT) & 3) {
	case 0:
		targets = (uint8_t)(val >> GICD_SGIR_TARGETS_SHIFT);
		break;
	case 1:
		targets = (uint8_t) ~(1u << v->id);
		break;
	case 2:
		targets = (uint8_t)(1u << v->id);
		break;
	default:
		return; /* reserved filter: no SGI */
	}
	targets &= present_vcpus(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (targets & (1u << i))
			vgic_sgi_raise(vm, &vm->vcpus[i], intid, v);
	}
}

/* GICD_CPENDSGIR / GICD_SPENDSGIR (v2): a byte of senders per SGI. */
static void sgi_sources_access(struct vm *vm, struct vcpu *v, uint64_t off,
			       unsigned size, uint64_t *val, bool write)
{
	bool set = off >= GICD_SPENDSGIR;
	unsigned intid0 =
	    (unsigned)(off - (set ? GICD_SPENDSGIR : GICD_CPENDSGIR));
	uint64_t word = 0;

	for (unsigned k = 0; k < size; k++) {
		struct vgic_irq *irq = &v->vgic.priv[intid0 + k];
		uint8_t bits = (uint8_t)(*val >> (8 * k)) & present_vcpus(vm);

		if (!write) {
			vgic_irq_sync(vm, irq, intid0 + k);
			word |= (uint64_t)irq->sgi_sources << (8 * k);
			continue;
		}
		if (bits == 0)
			continue;
		vgic_irq_sync(vm, irq, intid0 + k);
		if (set)
			irq->sgi_sources |= bits;
		else
			irq->sgi_sources &= (uint8_t)~bits;
		irq->pending = irq->sgi_sources != 0;
		vgic_irq_changed(vm, irq, intid0 + k);
	}
	if (!write)
		*val = word;
}

static enum hv_err gicd_access(struct vm *vm, struct vcpu *v, uint64_t off,
			       unsigned size, uint64_t *val, bool write)
{
	bool sgi_bytes = off >= GICD_CPENDSGIR && off < GICD_SGI_END;

	if (off >= GICD_IGROUPR && off < GICD_IGRPMODR)
		return vgic_irq_array_access(vm, v, off, size, val, write, 0,
					     VGIC_INTID_COUNT, true);
	if (!width_ok(sgi_bytes ? ACC_BYTE | ACC_WORD : ACC_WORD, off, size))
		return HV_ERR_ACCESS;
	if (sgi_bytes) {
		sgi_sources_access(vm, v, off, size, val, write);
		return HV_OK;
	}
	if (write) {
		if (off == GICD_CTLR)
			vgic_ctlr_write(vm, (uint32_t)*val);
		else if (off == GICD_SGIR)
			sgir_write(vm, v, (uint32_t)*val);
		/* Everything else is read-only or RAZ/WI. */
		return HV_OK;
	}
	switch (off) {
	case GICD_CTLR:
		*val = vm->vgic.ctlr;
		break;
	case GICD_TYPER:
		*val = VGIC_ITLINES | (vm->vcpu_count - 1u)
					  << GICD_TYPER_CPUNUMBER_SHIFT;
		break;
	case GICD_IIDR:
		*val = VGIC_IIDR;
		break;
	case GICD_ICPIDR2:
		*val = VGIC_PIDR2_ARCHREV(2);
		break;
	default:
		/* GICD_SGIR is write-only; the rest is reserved. */
		*val = 0;
		break;
	}
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

const struct mmio_ops vgic_gicd_v2_ops = {
    .read = gicd_read,
    .write = gicd_write,
};
