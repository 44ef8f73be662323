/*
 * vgic_fast: the vGIC's part of the hottest exits, inline in the exit
 * handlers (hv/exit.c). Each does what the general entry points of
 * vgic.h would, in the one case it takes, and says false otherwise,
 * having changed nothing; unit tests hold both ways to the same result.
 */
#ifndef HV_VGIC_FAST_H
#define HV_VGIC_FAST_H

#include "hv/arch.h"
#include "hv/trace.h"
#include "hv/vcpu.h"
#include "hv/vgic/vgic.h"
#include "hv/vm.h"

#include <hal/gic.h>

#include <stdatomic.h>

/*
 * After an exit that may have changed interrupt state (a device or vGIC
 * register, a timer, a physical interrupt): vgic_sync and vgic_flush, when
 * list registers are in use or the model changed. Hypercalls do not call
 * it, which keeps their path short; most device accesses end with it.
 */
static inline void vgic_update(struct vcpu *v)
{
	if (v->vgic.lr_used != 0 || atomic_load(&v->vgic.rescan))
		vgic_update_lrs(v);
}

/*
 * The forwarded virtual timer fired while v runs on this CPU. When nothing
 * else is involved - one CPU (no other can touch v's interrupts meanwhile),
 * the virtual PPI 27 enabled and idle, or its last instance still in its
 * list register (completed by the guest: the physical PPI, hardware-linked,
 * could not fire before), a list register free, nothing waiting for a
 * flush - this does in that list register what vgic_inject_hw(v, 27, 27)
 * and a flush would, and returns true. Otherwise false, having changed
 * nothing. Inline: it is most of the timer's exit.
 */
static inline bool vgic_vtimer_fire(struct vcpu *v)
{
	struct vgic_irq *irq = &v->vgic.priv[GIC_PPI_VTIMER];
	const struct vgic *vg = &v->vm->vgic;
	unsigned n = irq->lr;

	if (!irq->enabled ||
	    !(vg->ctlr_direct &
	      (irq->group1 ? VGIC_CTLR_GRP1 : VGIC_CTLR_GRP0)) ||
	    atomic_load_explicit(&v->vgic.rescan, memory_order_relaxed))
		return false;
	if (n != VGIC_NO_LR) {
		/* Its last instance, done with: the LR is empty again. */
		if (irq->hw_intid != GIC_PPI_VTIMER)
			return false;
		irq->pending = true;
		irq->active = false;
		v->vgic.offered |= 1u << GIC_PPI_VTIMER;
	} else {
		uint32_t free = ~(uint32_t)v->vgic.lr_used;

		if (irq->pending || irq->active)
			return false;
		/* The lowest free list register. */
		for (n = 0; !(free & 1u); n++)
			free >>= 1;
		if (n >= vg->lr_count)
			return false;
		/* As a flush leaves it: pending, linked, in list register n. */
		irq->pending = true;
		irq->hw_intid = GIC_PPI_VTIMER;
		irq->lr = (uint8_t)n;
		v->vgic.lr_used |= (uint16_t)(1u << n);
		v->vgic.lr_intid[n] = GIC_PPI_VTIMER;
		v->vgic.offered |= 1u << GIC_PPI_VTIMER;
	}
	hal_vgic_lr_put_hw_loaded(&v->arch, n, GIC_PPI_VTIMER, irq->priority,
				  irq->group1);
	TRACE_INJECT(v, GIC_PPI_VTIMER);
	return true;
}

/*
 * A load the syndrome iss describes, at offset off of the distributor:
 * when it is a word of GICD_CTLR, GICD_TYPER or GICD_IIDR, Rt gets what
 * vgic_gicd_dabt would give it (the value as last computed: no sign to
 * extend, Wt or Xt alike; no lock, each is one word) and this returns
 * true. False, having changed nothing, otherwise.
 */
static inline bool vgic_gicd_ident_read(struct vcpu *v, uint32_t off,
					uint32_t iss)
{
	if (off >= sizeof(v->vm->vgic.gicd_ident) || (off & 3) != 0 ||
	    (iss & (ISS_DA_WNR | ISS_DA_SAS_MASK << ISS_DA_SAS_SHIFT)) !=
		2u << ISS_DA_SAS_SHIFT)
		return false;
	vcpu_reg_write(v, (iss >> ISS_DA_SRT_SHIFT) & ISS_DA_SRT_MASK,
		       v->vm->vgic.gicd_ident[off / 4]);
	return true;
}

#endif
