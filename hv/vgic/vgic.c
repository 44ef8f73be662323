/*
 * vgic: the distributor and redistributor registers decode into one model
 * of interrupt state (struct vgic_irq); the list registers are a window
 * onto that model.
 *
 * The model is the reference for every interrupt. For an interrupt held in
 * a list register, the LR mirrors its pending and active state: every
 * change to the model rewrites the LR (or releases it when nothing is left
 * to show), and before the model is read or changed the LR is read back
 * and compared with the state last written, which tells what the guest did
 * without trapping: acknowledged it (the pending state went, consumed) or
 * deactivated it (the active state went).
 *
 * LRs of a vCPU other than the accessing one are reached through the HAL,
 * wherever they live (hal_vgic_lr_read/write): in memory, or in the
 * hardware of the vCPU's home CPU, which the HAL then pauses until the
 * VM's lock is dropped. So a vCPU whose LRs are touched is never running
 * at that moment. Every entry point takes the VM's lock (the MMIO bus
 * takes it for the register accesses); a change that gives a vCPU on
 * another CPU something to take kicks that CPU, which refills its LRs at
 * the exit the kick causes (vgic_flush, rescan).
 */
#include "hv/vgic/vgic_internal.h"

#include "hv/irq.h"
#include "hv/stage2.h"
#include "hv/vtimer.h"

#include <hal/cpu.h>

_Static_assert(HV_MAX_VCPUS <= 8, "GICv2 targets at most 8 CPUs");
_Static_assert(HAL_LR_MAX <= 16, "lr_used has a bit per list register");

static bool irq_group_enabled(const struct vm *vm, const struct vgic_irq *irq)
{
	return vm->vgic.ctlr &
	       (irq->group1 ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0);
}

/* The lowest-numbered vCPU of a v2 target list, or -1 for none. */
static int lowest_target(uint8_t targets)
{
	for (int i = 0; i < 8; i++)
		if (targets & (1u << i))
			return i;
	return -1;
}

static bool irq_targets(const struct vm *vm, const struct vgic_irq *irq,
			unsigned intid, const struct vcpu *v)
{
	if (intid < GIC_PRIVATE_COUNT)
		return irq->vcpu == v->id;
	/* A linked SPI goes to one vCPU, whose CPU its physical one is
	 * routed to: the one that must deactivate it. */
	if (is_v2(vm) && irq->hw_intid != 0)
		return lowest_target(irq->targets) == (int)v->id;
	if (is_v2(vm))
		return (irq->targets & (1u << v->id)) != 0;
	return irq->route == vcpu_affinity(v);
}

bool vgic_lr_hw(const struct vgic_irq *irq, unsigned intid)
{
	return irq->hw_intid != 0 &&
	       (intid < GIC_PRIVATE_COUNT || irq->hw_active);
}

/* Whether a pending irq may be signalled to v at all. */
bool vgic_irq_deliverable(const struct vm *vm, const struct vgic_irq *irq,
			  unsigned intid, const struct vcpu *v)
{
	return irq->enabled && irq_group_enabled(vm, irq) &&
	       irq_targets(vm, irq, intid, v);
}

/* The LR state the model gives irq, which is in a list register. */
enum hal_lr_state vgic_lr_state_wanted(const struct vm *vm,
				       const struct vgic_irq *irq,
				       unsigned intid)
{
	const struct vcpu *owner = &vm->vcpus[irq->vcpu];
	unsigned state = irq->active ? HAL_LR_ACTIVE : HAL_LR_INVALID;
	bool pend;

	/* A v2 SGI's LR shows its sender's instance only. */
	if (is_v2_sgi(vm, intid))
		pend = (irq->sgi_sources & (1u << irq->source)) != 0;
	else
		pend = irq_offered(irq);
	/*
	 * A hardware-linked LR is never pending and active: the physical
	 * interrupt stays active until the guest deactivates this one, so a
	 * new instance waits in the model.
	 */
	if (pend && vgic_irq_deliverable(vm, irq, intid, owner) &&
	    !(irq->active && vgic_lr_hw(irq, intid)))
		state |= HAL_LR_PENDING;
	return (enum hal_lr_state)state;
}

/* v must look at the model again; now, if irq waits for it. */
static void rescan(struct vm *vm, struct vcpu *v, const struct vgic_irq *irq,
		   unsigned intid)
{
	v->vgic.rescan = true;
	if (irq_offered(irq) && vgic_irq_deliverable(vm, irq, intid, v))
		vcpu_kick(v);
}

/*
 * The interrupts offered (irq_offered) are also kept as bitmaps, per vCPU
 * for its private ones and per VM for SPIs, so that a flush looks at those
 * only, not at all 96. Every change to the model ends in mark_rescan,
 * which brings the bit of that interrupt up to date.
 */
static void note_offered(struct vm *vm, const struct vgic_irq *irq,
			 unsigned intid)
{
	if (intid < GIC_PRIVATE_COUNT) {
		uint32_t *bits = &vm->vcpus[irq->vcpu].vgic.offered;
		uint32_t bit = 1u << intid;

		*bits = irq_offered(irq) ? *bits | bit : *bits & ~bit;
	} else {
		uint64_t bit = 1ull << (intid - GIC_PRIVATE_COUNT);
		uint64_t *bits = &vm->vgic.spi_offered;

		*bits = irq_offered(irq) ? *bits | bit : *bits & ~bit;
	}
}

/* The interrupts offered for v, private ones in bits 0-31, SPIs above. */
static void mark_rescan(struct vm *vm, const struct vgic_irq *irq,
			unsigned intid)
{
	note_offered(vm, irq, intid);
	if (intid < GIC_PRIVATE_COUNT) {
		rescan(vm, &vm->vcpus[irq->vcpu], irq, intid);
		return;
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		rescan(vm, &vm->vcpus[i], irq, intid);
}

void vgic_lr_release(struct vm *vm, struct vgic_irq *irq)
{
	struct vcpu *owner = &vm->vcpus[irq->vcpu];
	const struct hal_lr none = {.state = HAL_LR_INVALID};

	hal_vgic_lr_write(&owner->arch, irq->lr, &none);
	owner->vgic.lr_used &= (uint16_t) ~(1u << irq->lr);
	owner->vgic.rescan = true;
	irq->lr = VGIC_NO_LR;
}

/* The guest acknowledged irq: the pending instance in its LR is consumed. */
static void irq_consume(const struct vm *vm, struct vgic_irq *irq,
			unsigned intid)
{
	if (is_v2_sgi(vm, intid)) {
		irq->sgi_sources &= (uint8_t) ~(1u << irq->source);
		irq->pending = irq->sgi_sources != 0;
	} else {
		irq->pending = false;
	}
}

/*
 * Folds what the guest did to irq's list register into the model. The
 * guest can only acknowledge (pending -> active) and deactivate (active ->
 * invalid, pending and active -> pending). True when the LR had changed.
 */
static bool irq_fold(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	enum hal_lr_state want;
	struct hal_lr lr;

	if (irq->lr == VGIC_NO_LR)
		return false;
	hal_vgic_lr_read(&vm->vcpus[irq->vcpu].arch, irq->lr, &lr);
	want = vgic_lr_state_wanted(vm, irq, intid);
	if (lr.state == want)
		return false;
	if ((want & HAL_LR_PENDING) && !(lr.state & HAL_LR_PENDING))
		irq_consume(vm, irq, intid);
	irq->active = (lr.state & HAL_LR_ACTIVE) != 0;
	/* The guest deactivated a linked SPI: so did the hardware. */
	if (lr.hw && lr.state == HAL_LR_INVALID && intid >= GIC_PRIVATE_COUNT)
		irq->hw_active = false;
	return true;
}

/* Writes the model's state of irq into its list register, or frees it. */
static void irq_commit(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	struct vcpu *owner;
	enum hal_lr_state want;
	struct hal_lr lr;

	if (irq->lr == VGIC_NO_LR)
		return;
	want = vgic_lr_state_wanted(vm, irq, intid);
	if (want == HAL_LR_INVALID) {
		vgic_lr_release(vm, irq);
		return;
	}
	owner = &vm->vcpus[irq->vcpu];
	hal_vgic_lr_read(&owner->arch, irq->lr, &lr);
	/*
	 * An active interrupt keeps the priority and group it was
	 * acknowledged with: the guest's active priorities hold that one.
	 * A pending one is offered with the current ones.
	 */
	if (!(want & HAL_LR_ACTIVE)) {
		lr.priority = irq->priority;
		lr.group1 = irq->group1;
	}
	lr.intid = intid;
	lr.state = want;
	lr.source = is_v2_sgi(vm, intid) ? irq->source : 0;
	/* An active instance keeps its link: its deactivation is the one
	 * that must reach the hardware (or must not). */
	if (!(want & HAL_LR_ACTIVE)) {
		lr.hw = vgic_lr_hw(irq, intid);
		lr.pintid = lr.hw ? irq->hw_intid : 0;
	}
	hal_vgic_lr_write(&owner->arch, irq->lr, &lr);
}

/*
 * Ends the physical interrupt irq forwards. A private one (the virtual
 * timer's PPI) is banked in the CPU interface of its vCPU's home CPU: from
 * another CPU it is left to that one, at its next vgic_sync.
 */
void vgic_hw_deactivate(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	struct vcpu *owner = &vm->vcpus[irq->vcpu];

	/* A linked SPI: on the CPU that took it (hv/irq.h says why). */
	if (intid >= GIC_PRIVATE_COUNT) {
		if (irq->hw_active)
			irq_deactivate_on(irq->hw_cpu, irq->hw_intid);
		irq->hw_active = false;
		return;
	}
	if (owner->arch.cpu == hal_cpu_id() ||
	    irq->hw_intid >= GIC_PRIVATE_COUNT) {
		hal_irq_deactivate(irq->hw_intid);
		return;
	}
	owner->vgic.hw_deactivate |= 1u << irq->hw_intid;
	owner->vgic.rescan = true;
	vcpu_kick(owner);
}

/*
 * The virtual timer's PPI is forwarded hardware-linked, and it is a level:
 * its line is the vCPU's CNTV_CTL and CVAL, which the guest changes
 * without trapping. So before its pending state is read, changed or
 * offered, the line is looked at again; gone low, the instance latched
 * when the physical PPI fired goes, and the physical PPI, active since
 * then, is deactivated so that it can fire again. True when it went.
 *
 * A level-sensitive linked SPI is the same: its line is a device's, which
 * the guest can lower by writing the device (clearing or masking its
 * interrupt) before it takes the virtual one. The physical SPI is active
 * meanwhile, and an active level-sensitive SPI reads as pending in the
 * distributor exactly while its line is high (IHI 0069 4.1.2).
 */
static bool hw_resample(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	bool high;

	if (irq->hw_intid == 0 || !irq->pending || irq->active)
		return false;
	if (intid == GIC_PPI_VTIMER) {
		if (!vtimer_vtimer_line(&vm->vcpus[irq->vcpu], &high) || high)
			return false;
	} else if (intid < GIC_PRIVATE_COUNT || !irq->hw_level ||
		   !irq->hw_active || hal_irq_pending(irq->hw_intid)) {
		return false;
	}
	irq->pending = false;
	vgic_hw_deactivate(vm, irq, intid);
	return true;
}

void vgic_resample_vtimer(struct vcpu *v)
{
	struct vgic_irq *irq = &v->vgic.priv[GIC_PPI_VTIMER];

	if (irq->hw_intid != 0 && irq->pending && !irq->active)
		vgic_irq_sync(v->vm, irq, GIC_PPI_VTIMER);
}

void vgic_resample_hw_spis(struct vm *vm)
{
	uint64_t set = vm->vgic.spi_offered & vm->vgic.spi_link_level;

	for (unsigned i = 0; set != 0; i++, set >>= 1) {
		struct vgic_irq *irq = &vm->vgic.spi[i];

		if ((set & 1u) && irq->hw_active && irq->pending &&
		    !irq->active)
			vgic_irq_sync(vm, irq, GIC_PRIVATE_COUNT + i);
	}
}

/* Brings the model of irq up to date before it is read or changed. */
void vgic_irq_sync(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	bool changed = irq_fold(vm, irq, intid);

	changed |= hw_resample(vm, irq, intid);
	if (changed) {
		irq_commit(vm, irq, intid);
		mark_rescan(vm, irq, intid);
	}
}

/* After a change to the model of irq (which vgic_irq_sync preceded). */
void vgic_irq_changed(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	irq_commit(vm, irq, intid);
	mark_rescan(vm, irq, intid);
}

/* Every interrupt in some vCPU's list register, for a VM-wide change. */
void vgic_lr_sync_all(struct vm *vm, bool commit)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		for (unsigned n = 0; n < HAL_LR_MAX; n++) {
			unsigned intid = v->vgic.lr_intid[n];
			struct vgic_irq *irq;

			if (!(v->vgic.lr_used & (1u << n)))
				continue;
			irq = irq_of(vm, v, intid);
			if (commit)
				vgic_irq_changed(vm, irq, intid);
			else
				vgic_irq_sync(vm, irq, intid);
		}
	}
}

/*
 * A register write that leaves a hardware-linked interrupt neither
 * pending nor active ends the physical one too, which otherwise would stay
 * active, never to fire again.
 */
void vgic_irq_unlink_if_idle(struct vm *vm, struct vgic_irq *irq,
			     unsigned intid, bool was_live)
{
	if (vgic_lr_hw(irq, intid) && was_live && !irq_pending(irq) &&
	    !irq->active)
		vgic_hw_deactivate(vm, irq, intid);
}

void vgic_sgi_raise(struct vm *vm, struct vcpu *target, unsigned intid,
		    const struct vcpu *sender)
{
	struct vgic_irq *irq;

	/* The callers decode 4-bit INTIDs; this also tells the compiler. */
	if (intid >= GIC_SGI_COUNT)
		return;
	irq = &target->vgic.priv[intid];
	vgic_irq_sync(vm, irq, intid);
	if (is_v2(vm))
		irq->sgi_sources |= (uint8_t)(1u << sender->id);
	irq->pending = true;
	vgic_irq_changed(vm, irq, intid);
}

/* Lifecycle */

/* The identification registers as the general path reads them. */
static void gicd_ident_init(struct vm *vm, const struct mmio_ops *ops)
{
	vm->vgic.gicd_ops = ops;
	for (unsigned i = 0; i < 3; i++) {
		uint64_t val = 0;

		(void)ops->read(vm, &vm->vcpus[0], 4 * i, 4, &val);
		vm->vgic.gicd_ident[i] = (uint32_t)val;
	}
}

void vgic_set_ctlr(struct vm *vm, uint32_t ctlr)
{
	uint64_t val = 0;

	vm->vgic.ctlr = ctlr;
	vm->vgic.ctlr_direct = hv_lock_smp ? 0 : ctlr;
	if (vm->vgic.gicd_ops != NULL) {
		(void)vm->vgic.gicd_ops->read(vm, &vm->vcpus[0], 0, 4, &val);
		vm->vgic.gicd_ident[0] = (uint32_t)val;
	}
}

enum hv_err vgic_init(struct vm *vm)
{
	const struct hal_gic *gic = hal_gic();
	struct mmio_region gicd = {
	    .name = "gicd",
	    .base = ipa_init(VGIC_GICD_IPA),
	    .dev = vm,
	};
	struct mmio_region gicr = {
	    .name = "gicr",
	    .base = ipa_init(VGIC_GICR_IPA),
	    .size = vm->vcpu_count * VGIC_GICR_STRIDE,
	    .ops = &vgic_gicr_ops,
	    .dev = vm,
	};
	enum hv_err err;

	if (gic->version != 2 && gic->version != 3)
		return HV_ERR_NOTSUP;
	vm->vgic.version = gic->version;
	vm->vgic.lr_count =
	    gic->lr_count < HAL_LR_MAX ? gic->lr_count : HAL_LR_MAX;
	vgic_reset(vm);
	if (is_v2(vm)) {
		/* The guest drives the hardware's GICV as its GICC. */
		if (gic->gicv_size < VGIC_GICC_SIZE)
			return HV_ERR_NOTSUP;
		gicd.size = VGIC_GICD_SIZE_V2;
		gicd.ops = &vgic_gicd_v2_ops;
		vm->vgic.gicd_size = gicd.size;
		gicd_ident_init(vm, gicd.ops);
		err =
		    stage2_map(&vm->s2, ipa_init(VGIC_GICC_IPA), gic->gicv,
			       VGIC_GICC_SIZE, S2_DEVICE | S2_READ | S2_WRITE);
		if (err != HV_OK)
			return err;
		return mmio_bus_add(&vm->mmio, &gicd);
	}
	gicd.size = VGIC_GICD_SIZE_V3;
	gicd.ops = &vgic_gicd_v3_ops;
	vm->vgic.gicd_size = gicd.size;
	gicd_ident_init(vm, gicd.ops);
	err = mmio_bus_add(&vm->mmio, &gicd);
	if (err != HV_OK)
		return err;
	return mmio_bus_add(&vm->mmio, &gicr);
}

void vgic_reset(struct vm *vm)
{
	vm_lock(vm);
	/* The vCPUs first: that empties every list register. */
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vgic_vcpu_reset(&vm->vcpus[i]);
	vgic_set_ctlr(vm, 0);
	vm->vgic.spi_offered = 0;
	for (unsigned i = 0; i < VGIC_SPI_COUNT; i++) {
		struct vgic_irq *irq = &vm->vgic.spi[i];

		/* A linked physical SPI taken and not ended is ended now. */
		vgic_hw_deactivate(vm, irq, GIC_PRIVATE_COUNT + i);
		/*
		 * SPIs reset level-sensitive, disabled, at priority 0 and
		 * routed to vCPU 0 on both versions (the architecture
		 * leaves targets and routes UNKNOWN), so that a guest which
		 * only enables one still gets it.
		 */
		*irq = (struct vgic_irq){
		    .group1 = !is_v2(vm),
		    .targets = 1,
		    .route = vcpu_mpidr(0) & MPIDR_AFF_MASK,
		    .hw_intid = vm->vgic.spi_link[i],
		    .hw_level = (vm->vgic.spi_link_level >> i) & 1u,
		    .lr = VGIC_NO_LR,
		};
		if (irq->hw_intid != 0)
			vgic_hw_route(vm, irq, GIC_PRIVATE_COUNT + i);
	}
	vm_unlock(vm);
}

void vgic_vcpu_reset(struct vcpu *v)
{
	struct vm *vm = v->vm;

	/*
	 * Empty its list registers. An SPI it held leaves the model's active
	 * state with it - the CPU that would have deactivated it is gone -
	 * but stays pending for its targets.
	 */
	vm_lock(vm);
	/* First, as it reaches v's interface: its home CPU, if another,
	 * stays paused while v's state is reset here. */
	hal_vgic_underflow(&v->arch, false);
	for (unsigned n = 0; n < HAL_LR_MAX; n++) {
		struct vgic_irq *irq;
		unsigned intid = v->vgic.lr_intid[n];

		if (!(v->vgic.lr_used & (1u << n)))
			continue;
		irq = irq_of(vm, v, intid);
		irq_fold(vm, irq, intid);
		if (intid >= GIC_PRIVATE_COUNT && irq->active && irq->hw_active)
			vgic_hw_deactivate(vm, irq, intid);
		if (intid >= GIC_PRIVATE_COUNT)
			irq->active = false;
		vgic_lr_release(vm, irq);
		mark_rescan(vm, irq, intid);
	}
	for (unsigned i = 0; i < GIC_PRIVATE_COUNT; i++) {
		struct vgic_irq *irq = &v->vgic.priv[i];

		if (irq->hw_intid != 0 && (irq_pending(irq) || irq->active))
			vgic_hw_deactivate(vm, irq, i);
		/*
		 * SGIs are edge-triggered; PPIs reset level-sensitive and
		 * are configurable through ICFGR1. Both versions leave it
		 * IMPLEMENTATION DEFINED whether PPIs are configurable and
		 * whether SGI enables are programmable: here both are, so
		 * a guest can match its device tree.
		 */
		*irq = (struct vgic_irq){
		    .group1 = !is_v2(vm),
		    .edge = i < GIC_SGI_COUNT,
		    .lr = VGIC_NO_LR,
		    .vcpu = (uint8_t)v->id,
		};
	}
	for (unsigned n = 0; n < HAL_LR_MAX; n++)
		v->vgic.lr_intid[n] = 0;
	v->vgic.lr_used = 0;
	v->vgic.offered = 0;
	v->vgic.gicr_waker =
	    GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP;
	v->vgic.rescan = true;
	vm_unlock(vm);
}

void vgic_vcpu_put(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vgic_irq *irq = &v->vgic.priv[GIC_PPI_VTIMER];

	if (irq->hw_intid == 0)
		return;
	vm_lock(vm);
	vgic_irq_sync(vm, irq, GIC_PPI_VTIMER);
	if (irq->hw_intid != 0) {
		/*
		 * Pending only: dropped, the line is sampled again when v's
		 * timer is back in the hardware (it fires again if still
		 * high). Active: v's guest still completes it, in software.
		 */
		if (irq_pending(irq) || irq->active)
			hal_irq_deactivate(irq->hw_intid);
		irq->pending = false;
		irq->hw_intid = 0;
		vgic_irq_changed(vm, irq, GIC_PPI_VTIMER);
		/* An active LR keeps its link through a commit: cut it. */
		if (irq->lr != VGIC_NO_LR) {
			struct hal_lr lr;

			hal_vgic_lr_read(&v->arch, irq->lr, &lr);
			lr.hw = false;
			lr.pintid = 0;
			hal_vgic_lr_write(&v->arch, irq->lr, &lr);
		}
	}
	vm_unlock(vm);
}

/* Interrupt inputs */

void vgic_set_level(struct vm *vm, struct vcpu *target, uint32_t intid,
		    bool level)
{
	struct vgic_irq *irq;

	/* SGIs come from software only (GICD_SGIR, ICC_SGI1R_EL1). */
	if (intid < GIC_SGI_COUNT || intid >= VGIC_INTID_COUNT ||
	    (intid < GIC_PRIVATE_COUNT && target == NULL))
		return;
	irq = irq_of(vm, target, intid);
	/* A linked SPI's input is the physical one's (vgic_inject_hw_spi). */
	if (intid >= GIC_PRIVATE_COUNT && irq->hw_intid != 0)
		return;
	vm_lock(vm);
	if (irq->level != level) {
		vgic_irq_sync(vm, irq, intid);
		/* An edge-triggered interrupt latches a rising edge. */
		if (level && irq->edge)
			irq->pending = true;
		irq->level = level;
		vgic_irq_changed(vm, irq, intid);
	}
	vm_unlock(vm);
}

void vgic_inject_hw(struct vcpu *v, uint32_t intid, uint32_t pintid)
{
	struct vgic_irq *irq;

	if (intid < GIC_SGI_COUNT || intid >= GIC_PRIVATE_COUNT)
		return;
	irq = &v->vgic.priv[intid];
	vm_lock(v->vm);
	vgic_irq_sync(v->vm, irq, intid);
	irq->hw_intid = pintid;
	irq->pending = true;
	vgic_irq_changed(v->vm, irq, intid);
	vm_unlock(v->vm);
}

/* Linked SPIs */

struct vcpu *vgic_hw_spi_target(struct vm *vm, uint32_t intid)
{
	const struct vgic_irq *irq = &vm->vgic.spi[intid - GIC_PRIVATE_COUNT];

	if (is_v2(vm)) {
		int t = lowest_target(irq->targets);

		return t >= 0 && (unsigned)t < vm->vcpu_count ? &vm->vcpus[t]
							      : NULL;
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (irq->route == vcpu_affinity(&vm->vcpus[i]))
			return &vm->vcpus[i];
	return NULL;
}

bool vgic_hw_spi_waiting(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool waiting = false;

	/* Set before the VM runs and never changed: no lock needed. */
	if (vm->vgic.spi_link_level == 0)
		return false;
	vm_lock(vm);
	for (unsigned i = 0; i < VGIC_SPI_COUNT && !waiting; i++) {
		struct vgic_irq *irq = &vm->vgic.spi[i];
		unsigned intid = GIC_PRIVATE_COUNT + i;

		if (!((vm->vgic.spi_link_level >> i) & 1u) ||
		    vgic_hw_spi_target(vm, intid) != v)
			continue;
		/* A deactivation by the guest is seen in its LR. */
		vgic_irq_sync(vm, irq, intid);
		waiting = !irq->hw_active && hal_irq_pending(irq->hw_intid);
	}
	vm_unlock(vm);
	return waiting;
}

void vgic_hw_route(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	struct vcpu *t = vgic_hw_spi_target(vm, intid);

	/* A route to no vCPU leaves the physical one where it was: the
	 * guest cannot take it either way. */
	if (t != NULL)
		hal_irq_route(irq->hw_intid, t->arch.cpu);
}

void vgic_spi_link(struct vm *vm, uint32_t intid, uint32_t pintid, bool level)
{
	unsigned i = intid - GIC_PRIVATE_COUNT;
	struct vgic_irq *irq;

	if (intid < GIC_PRIVATE_COUNT || intid >= VGIC_INTID_COUNT ||
	    pintid < GIC_PRIVATE_COUNT)
		return;
	irq = &vm->vgic.spi[i];
	vm_lock(vm);
	vm->vgic.spi_link[i] = pintid;
	if (level)
		vm->vgic.spi_link_level |= 1ull << i;
	else
		vm->vgic.spi_link_level &= ~(1ull << i);
	vgic_irq_sync(vm, irq, intid);
	irq->hw_intid = pintid;
	irq->hw_level = level;
	vgic_irq_changed(vm, irq, intid);
	vm_unlock(vm);
}

struct vcpu *vgic_inject_hw_spi(struct vm *vm, uint32_t intid)
{
	struct vgic_irq *irq;
	struct vcpu *target;

	if (intid < GIC_PRIVATE_COUNT || intid >= VGIC_INTID_COUNT)
		return NULL;
	irq = &vm->vgic.spi[intid - GIC_PRIVATE_COUNT];
	vm_lock(vm);
	if (irq->hw_intid == 0) {
		vm_unlock(vm);
		return NULL;
	}
	vgic_irq_sync(vm, irq, intid);
	irq->pending = true;
	irq->hw_active = true;
	irq->hw_cpu = (uint8_t)hal_cpu_id();
	vgic_irq_changed(vm, irq, intid);
	target = vgic_hw_spi_target(vm, intid);
	vm_unlock(vm);
	return target;
}
