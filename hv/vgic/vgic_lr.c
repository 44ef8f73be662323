/*
 * vgic_lr: filling the list registers from the model. vgic_sync folds what
 * the guest did with them back into the model; vgic_flush puts the most
 * urgent interrupts on offer into free (or less urgent) list registers.
 */
#include "hv/trace.h"
#include "hv/vgic/vgic_internal.h"

#include <hal/gic.h>

static unsigned lr_count(void)
{
	unsigned n = hal_gic()->lr_count;

	return n < HAL_LR_MAX ? n : HAL_LR_MAX;
}

/* The interrupts offered for v, private ones in bits 0-31, SPIs above. */
static void offered_for(const struct vm *vm, const struct vcpu *v,
			uint64_t set[2])
{
	set[0] = v->vgic.offered;
	set[1] = vm->vgic.spi_offered;
}

/* De Bruijn sequence 0x022fdd63cc95386d: a portable count of trailing
 * zeros (vgic_ctz). */
const uint8_t vgic_debruijn_pos[64] = {
    0,	1,  2,	53, 3,	7,  54, 27, 4,	38, 41, 8,  34, 55, 48, 28,
    62, 5,  39, 46, 44, 42, 22, 9,  24, 35, 59, 56, 49, 18, 29, 11,
    63, 52, 6,	26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
    51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12};

/* The same for 32 bits: 0x077cb531 (vgic_log2_32). */
const uint8_t vgic_debruijn32_pos[32] = {
    0,	1,  28, 2,  29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4,  8,
    31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6,  11, 5,  10, 9};

/* Takes the lowest INTID out of set, or returns VGIC_INTID_COUNT. */
static unsigned next_intid(uint64_t set[2])
{
	for (unsigned w = 0; w < 2; w++) {
		unsigned n;

		if (set[w] == 0)
			continue;
		n = vgic_ctz(set[w]);
		set[w] &= set[w] - 1;
		return w * GIC_PRIVATE_COUNT + n;
	}
	return VGIC_INTID_COUNT;
}

void vgic_sync(struct vcpu *v)
{
	struct vm *vm = v->vm;
	unsigned used;

	vm_lock(vm);
	/* Deactivations other CPUs left to this one (hw_deactivate). */
	for (unsigned i = 0; v->vgic.hw_deactivate != 0; i++) {
		if (v->vgic.hw_deactivate & (1u << i)) {
			hal_irq_deactivate(i);
			v->vgic.hw_deactivate &= ~(1u << i);
		}
	}
	used = v->vgic.lr_used;
	/* Only the LRs in use: this runs after every device access. */
	for (unsigned n = 0; used != 0; n++, used >>= 1) {
		if (used & 1u)
			vgic_irq_sync(vm, irq_of(vm, v, v->vgic.lr_intid[n]),
				      v->vgic.lr_intid[n]);
	}
	vm_unlock(vm);
}

struct lr_candidate {
	struct vgic_irq *irq;
	unsigned intid;
};

/* Whether a is more urgent than b: lower priority value, then INTID. */
static bool more_urgent(const struct vgic_irq *a, unsigned a_intid,
			const struct vgic_irq *b, unsigned b_intid)
{
	return a->priority < b->priority ||
	       (a->priority == b->priority && a_intid < b_intid);
}

/* Puts irq in list register n of v. */
static void lr_fill(struct vm *vm, struct vcpu *v, unsigned n,
		    struct vgic_irq *irq, unsigned intid)
{
	struct hal_lr lr = {
	    .intid = intid,
	    .priority = irq->priority,
	    .group1 = irq->group1,
	};

	/*
	 * A linked SPI retargeted to a vCPU on another CPU than the one that
	 * took its physical SPI: that CPU ends the physical one now, and
	 * this instance goes as a plain virtual interrupt (a level line
	 * still high brings the physical SPI back on its new route).
	 */
	if (intid >= GIC_PRIVATE_COUNT && irq->hw_active &&
	    irq->hw_cpu != v->arch.cpu)
		vgic_hw_deactivate(vm, irq, intid);
	lr.hw = vgic_lr_hw(irq, intid);
	lr.pintid = lr.hw ? irq->hw_intid : 0;

	if (is_v2_sgi(vm, intid)) {
		/* The lowest-numbered sender goes first. */
		irq->source = 0;
		while (!(irq->sgi_sources & (1u << irq->source)))
			irq->source++;
		lr.source = irq->source;
	}
	irq->lr = (uint8_t)n;
	irq->vcpu = (uint8_t)v->id;
	lr.state = vgic_lr_state_wanted(vm, irq, intid);
	hal_vgic_lr_write(&v->arch, n, &lr);
	v->vgic.lr_used |= (uint16_t)(1u << n);
	v->vgic.lr_intid[n] = intid;
	TRACE_INJECT(v, intid);
}

/*
 * A list register c may take: a free one, or else the one holding the
 * least urgent interrupt that is only pending (never an active one) and
 * of lower priority than c. -1 when there is none.
 */
static int lr_for(struct vm *vm, struct vcpu *v, const struct lr_candidate *c,
		  unsigned count)
{
	uint16_t tried = 0;

	for (;;) {
		struct vgic_irq *victim = NULL;
		unsigned victim_intid = 0;
		unsigned victim_lr = 0;
		struct hal_lr lr;

		for (unsigned n = 0; n < count; n++) {
			unsigned intid = v->vgic.lr_intid[n];
			struct vgic_irq *irq;

			if (!(v->vgic.lr_used & (1u << n)))
				return (int)n;
			irq = irq_of(vm, v, intid);
			if ((tried & (1u << n)) ||
			    vgic_lr_state_wanted(vm, irq, intid) !=
				HAL_LR_PENDING ||
			    irq->priority <= c->irq->priority)
				continue;
			if (victim == NULL ||
			    more_urgent(victim, victim_intid, irq, intid)) {
				victim = irq;
				victim_intid = intid;
				victim_lr = n;
			}
		}
		if (victim == NULL)
			return -1;
		/*
		 * The guest may have acknowledged it since the last
		 * vgic_sync; then it stays, and its LR may even be free now.
		 */
		hal_vgic_lr_read(&v->arch, victim_lr, &lr);
		if (lr.state == HAL_LR_PENDING) {
			vgic_lr_release(vm, victim);
			return (int)victim_lr;
		}
		vgic_irq_sync(vm, victim, victim_intid);
		tried |= (uint16_t)(1u << victim_lr);
	}
}

static void flush(struct vcpu *v)
{
	struct lr_candidate best[HAL_LR_MAX];
	struct vm *vm = v->vm;
	unsigned count = lr_count();
	uint64_t set[2];
	unsigned best_count = 0;
	bool waiting = false, evicted = false;

	if (!atomic_exchange(&v->vgic.rescan, false))
		return;
	/* The count most urgent candidates, in order: no more can fit. */
	offered_for(vm, v, set);
	for (unsigned intid; (intid = next_intid(set)) < VGIC_INTID_COUNT;) {
		struct vgic_irq *irq = irq_of(vm, v, intid);
		unsigned k;

		if (!irq_candidate(vm, irq, intid, v))
			continue;
		k = best_count;
		while (k > 0 && more_urgent(irq, intid, best[k - 1].irq,
					    best[k - 1].intid))
			k--;
		if (k >= count) {
			waiting = true;
			continue;
		}
		if (best_count < count)
			best_count++;
		else
			waiting = true; /* the least urgent one drops out */
		for (unsigned j = best_count - 1; j > k; j--)
			best[j] = best[j - 1];
		best[k] = (struct lr_candidate){irq, intid};
	}
	for (unsigned k = 0; k < best_count; k++) {
		uint16_t used = v->vgic.lr_used;
		int n = lr_for(vm, v, &best[k], count);

		/* Later candidates are less urgent still: none would fit. */
		if (n < 0) {
			waiting = true;
			break;
		}
		evicted |= (used & (1u << n)) != 0;
		lr_fill(vm, v, (unsigned)n, best[k].irq, best[k].intid);
	}
	/*
	 * Those left waiting, and any evicted, get in once the guest has
	 * emptied the LRs: the underflow maintenance interrupt says when.
	 * The scan above knows all but an eviction (rare): only then look
	 * again, so that the request is exact.
	 */
	offered_for(vm, v, set);
	for (unsigned intid; evicted && !waiting &&
			     (intid = next_intid(set)) < VGIC_INTID_COUNT;)
		waiting = irq_candidate(vm, irq_of(vm, v, intid), intid, v);
	hal_vgic_underflow(&v->arch, waiting);
}

void vgic_update_lrs(struct vcpu *v)
{
	vgic_sync(v);
	vgic_flush(v);
}

void vgic_flush(struct vcpu *v)
{
	vm_lock(v->vm);
	vgic_resample_vtimer(v);
	vgic_resample_hw_spis(v->vm);
	flush(v);
	vm_unlock(v->vm);
}

static bool has_pending(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint8_t pmr = hal_vgic_pmr(&v->arch);
	uint64_t set[2];

	vgic_resample_vtimer(v);
	vgic_resample_hw_spis(vm);

	for (unsigned n = 0; n < HAL_LR_MAX; n++) {
		struct hal_lr lr;

		if (!(v->vgic.lr_used & (1u << n)))
			continue;
		hal_vgic_lr_read(&v->arch, n, &lr);
		if (lr.state == HAL_LR_PENDING && lr.priority < pmr)
			return true;
	}
	offered_for(vm, v, set);
	for (unsigned intid; (intid = next_intid(set)) < VGIC_INTID_COUNT;) {
		struct vgic_irq *irq = irq_of(vm, v, intid);

		if (irq_candidate(vm, irq, intid, v) && !irq->active &&
		    irq->priority < pmr)
			return true;
	}
	return false;
}

bool vgic_has_pending(struct vcpu *v)
{
	bool pending;

	vm_lock(v->vm);
	pending = has_pending(v);
	vm_unlock(v->vm);
	return pending;
}
