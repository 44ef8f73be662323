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
#include "hv/vgic.h"

#include "hv/arch.h"
#include "hv/mmio.h"
#include "hv/stage2.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#include <hal/cpu.h>

_Static_assert(HV_MAX_VCPUS <= 8, "GICv2 targets at most 8 CPUs");
_Static_assert(HAL_LR_MAX <= 16, "lr_used has a bit per list register");

/* Distributor (IHI 0048B 4.3, IHI 0069 12.9). */
#define GICD_CTLR	 0x0000
#define GICD_TYPER	 0x0004
#define GICD_IIDR	 0x0008
#define GICD_IGROUPR	 0x0080
#define GICD_ISENABLER	 0x0100
#define GICD_ICENABLER	 0x0180
#define GICD_ISPENDR	 0x0200
#define GICD_ICPENDR	 0x0280
#define GICD_ISACTIVER	 0x0300
#define GICD_ICACTIVER	 0x0380
#define GICD_IPRIORITYR	 0x0400
#define GICD_ITARGETSR	 0x0800
#define GICD_ICFGR	 0x0c00
#define GICD_IGRPMODR	 0x0d00 /* end of the per-INTID arrays */
#define GICD_SGIR	 0x0f00
#define GICD_CPENDSGIR	 0x0f10
#define GICD_SPENDSGIR	 0x0f20
#define GICD_SGI_END	 0x0f30
#define GICD_ICPIDR2	 0x0fe8 /* v2 */
#define GICD_IROUTER	 0x6000
#define GICD_IROUTER_END 0x8000
#define GICD_PIDR2	 0xffe8 /* v3 */

#define GICD_CTLR_ENABLE_GRP0 (1u << 0)
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE	      (1u << 4)
#define GICD_CTLR_DS	      (1u << 6)

#define GICD_TYPER_CPUNUMBER_SHIFT 5
#define GICD_TYPER_IDBITS_SHIFT	   19
#define GICD_TYPER_NO1N		   (1u << 25)

#define GICD_SGIR_FILTER_SHIFT	24
#define GICD_SGIR_TARGETS_SHIFT 16
#define GICD_SGIR_INTID_MASK	0xfu

/* Redistributor frames (IHI 0069 12.10, 12.11). */
#define GICR_SGI_BASE 0x10000
#define GICR_CTLR     0x0000
#define GICR_IIDR     0x0004
#define GICR_TYPER    0x0008
#define GICR_WAKER    0x0014
#define GICR_PIDR2    0xffe8

#define GICR_TYPER_LAST		   (1ull << 4)
#define GICR_TYPER_PROCESSOR_SHIFT 8
#define GICR_TYPER_AFFINITY_SHIFT  32
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* ICC_SGI1R_EL1 (IHI 0069 12.2). */
#define ICC_SGI1R_TARGETS_MASK 0xffffull
#define ICC_SGI1R_AFF1_SHIFT   16
#define ICC_SGI1R_INTID_SHIFT  24
#define ICC_SGI1R_AFF2_SHIFT   32
#define ICC_SGI1R_IRM	       (1ull << 40)
#define ICC_SGI1R_RS_SHIFT     44
#define ICC_SGI1R_AFF3_SHIFT   48

/*
 * GICD_IIDR and GICR_IIDR: Arm's JEP106 code, as software GICs use, with
 * a product ID of our own ('H') so that no guest erratum table keyed on
 * IIDR mistakes this model for a hardware GIC.
 */
#define VGIC_IIDR 0x4800043bu

/*
 * GICD_TYPER.ITLinesNumber: 32 * (N + 1) INTIDs. GICD_TYPER.IDbits (v3):
 * ten bits, enough for SPIs without LPIs. No1N: IROUTER.Interrupt_Routing
 * _Mode is RES0, so every SPI goes to one vCPU. A3V is 0: Aff3 is RES0,
 * as in every vCPU's MPIDR.
 */
#define VGIC_ITLINES	      (VGIC_INTID_COUNT / 32 - 1)
#define VGIC_IDBITS	      9u
#define VGIC_IROUTER_MASK     0x00ffffffull
#define VGIC_PIDR2_ARCHREV(v) ((uint32_t)(v) << 4)

/* Access widths, as the access size in bytes: one bit each. */
#define ACC_BYTE  1u
#define ACC_WORD  4u
#define ACC_DWORD 8u

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

static bool is_v2(const struct vm *vm)
{
	return vm->vgic.version == 2;
}

static bool is_v2_sgi(const struct vm *vm, unsigned intid)
{
	return is_v2(vm) && intid < GIC_SGI_COUNT;
}

static unsigned lr_count(void)
{
	unsigned n = hal_gic()->lr_count;

	return n < HAL_LR_MAX ? n : HAL_LR_MAX;
}

static uint8_t present_vcpus(const struct vm *vm)
{
	return (uint8_t)((1u << vm->vcpu_count) - 1);
}

static uint64_t vcpu_affinity(const struct vcpu *v)
{
	return vcpu_mpidr(v->id) & MPIDR_AFF_MASK;
}

/* The interrupt intid as cpu sees it (cpu is unused for SPIs), or NULL. */
static struct vgic_irq *irq_of(struct vm *vm, struct vcpu *cpu, unsigned intid)
{
	if (intid < GIC_PRIVATE_COUNT)
		return &cpu->vgic.priv[intid];
	if (intid < VGIC_INTID_COUNT)
		return &vm->vgic.spi[intid - GIC_PRIVATE_COUNT];
	return NULL;
}

/* Pending, as GICD_ISPENDR reports it: latched, or a level input high. */
static bool irq_pending(const struct vgic_irq *irq)
{
	return irq->pending || (irq->level && !irq->edge);
}

/*
 * Pending and waiting to be handed to the guest. A level-sensitive
 * interrupt the guest acknowledged is active and still asserted; it is
 * offered again once the guest completes it, if its line is still high.
 */
static bool irq_offered(const struct vgic_irq *irq)
{
	return irq->pending || (irq->level && !irq->edge && !irq->active);
}

static bool irq_group_enabled(const struct vm *vm, const struct vgic_irq *irq)
{
	return vm->vgic.ctlr &
	       (irq->group1 ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_ENABLE_GRP0);
}

static bool irq_targets(const struct vm *vm, const struct vgic_irq *irq,
			unsigned intid, const struct vcpu *v)
{
	if (intid < GIC_PRIVATE_COUNT)
		return irq->vcpu == v->id;
	if (is_v2(vm))
		return (irq->targets & (1u << v->id)) != 0;
	return irq->route == vcpu_affinity(v);
}

/* Whether a pending irq may be signalled to v at all. */
static bool irq_deliverable(const struct vm *vm, const struct vgic_irq *irq,
			    unsigned intid, const struct vcpu *v)
{
	return irq->enabled && irq_group_enabled(vm, irq) &&
	       irq_targets(vm, irq, intid, v);
}

/* An interrupt flush may put in one of v's free list registers. */
static bool irq_candidate(const struct vm *vm, const struct vgic_irq *irq,
			  unsigned intid, const struct vcpu *v)
{
	return irq->lr == VGIC_NO_LR && irq_offered(irq) &&
	       irq_deliverable(vm, irq, intid, v);
}

/* The LR state the model gives irq, which is in a list register. */
static enum hal_lr_state
lr_state_wanted(const struct vm *vm, const struct vgic_irq *irq, unsigned intid)
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
	if (pend && irq_deliverable(vm, irq, intid, owner) &&
	    !(irq->active && irq->hw_intid != 0))
		state |= HAL_LR_PENDING;
	return (enum hal_lr_state)state;
}

/* v must look at the model again; now, if irq waits for it. */
static void rescan(struct vm *vm, struct vcpu *v, const struct vgic_irq *irq,
		   unsigned intid)
{
	v->vgic.rescan = true;
	if (irq_offered(irq) && irq_deliverable(vm, irq, intid, v))
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
static void offered_for(const struct vm *vm, const struct vcpu *v,
			uint64_t set[2])
{
	set[0] = v->vgic.offered;
	set[1] = vm->vgic.spi_offered;
}

/* Takes the lowest INTID out of set, or returns VGIC_INTID_COUNT. */
static unsigned next_intid(uint64_t set[2])
{
	/* De Bruijn sequence 0x022fdd63cc95386d: a portable count of
	 * trailing zeros. */
	static const uint8_t pos[64] = {
	    0,	1,  2,	53, 3,	7,  54, 27, 4,	38, 41, 8,  34, 55, 48, 28,
	    62, 5,  39, 46, 44, 42, 22, 9,  24, 35, 59, 56, 49, 18, 29, 11,
	    63, 52, 6,	26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
	    51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12};

	for (unsigned w = 0; w < 2; w++) {
		uint64_t low = set[w] & (~set[w] + 1);

		if (low == 0)
			continue;
		set[w] &= ~low;
		return w * GIC_PRIVATE_COUNT +
		       pos[(low * 0x022fdd63cc95386dull) >> 58];
	}
	return VGIC_INTID_COUNT;
}

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

static void lr_release(struct vm *vm, struct vgic_irq *irq)
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
	want = lr_state_wanted(vm, irq, intid);
	if (lr.state == want)
		return false;
	if ((want & HAL_LR_PENDING) && !(lr.state & HAL_LR_PENDING))
		irq_consume(vm, irq, intid);
	irq->active = (lr.state & HAL_LR_ACTIVE) != 0;
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
	want = lr_state_wanted(vm, irq, intid);
	if (want == HAL_LR_INVALID) {
		lr_release(vm, irq);
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
	lr.hw = irq->hw_intid != 0;
	lr.pintid = irq->hw_intid;
	hal_vgic_lr_write(&owner->arch, irq->lr, &lr);
}

/* Brings the model of irq up to date before it is read or changed. */
static void irq_sync(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	if (irq_fold(vm, irq, intid)) {
		irq_commit(vm, irq, intid);
		mark_rescan(vm, irq, intid);
	}
}

/* After a change to the model of irq (which irq_sync preceded). */
static void irq_changed(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	irq_commit(vm, irq, intid);
	mark_rescan(vm, irq, intid);
}

/* Every interrupt in some vCPU's list register, for a VM-wide change. */
static void lr_sync_all(struct vm *vm, bool commit)
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
				irq_changed(vm, irq, intid);
			else
				irq_sync(vm, irq, intid);
		}
	}
}

/*
 * Ends the physical interrupt irq forwards. A private one (the virtual
 * timer's PPI) is banked in the CPU interface of its vCPU's home CPU: from
 * another CPU it is left to that one, at its next vgic_sync.
 */
static void hw_deactivate(struct vm *vm, struct vgic_irq *irq, unsigned intid)
{
	struct vcpu *owner = &vm->vcpus[irq->vcpu];

	if (intid >= GIC_PRIVATE_COUNT || owner->arch.cpu == hal_cpu_id() ||
	    irq->hw_intid >= GIC_PRIVATE_COUNT) {
		hal_irq_deactivate(irq->hw_intid);
		return;
	}
	owner->vgic.hw_deactivate |= 1u << irq->hw_intid;
	owner->vgic.rescan = true;
	vcpu_kick(owner);
}

/*
 * A register write that leaves a hardware-linked interrupt neither
 * pending nor active ends the physical one too, which otherwise would stay
 * active, never to fire again.
 */
static void irq_unlink_if_idle(struct vm *vm, struct vgic_irq *irq,
			       unsigned intid, bool was_live)
{
	if (irq->hw_intid != 0 && was_live && !irq_pending(irq) && !irq->active)
		hw_deactivate(vm, irq, intid);
}

static void sgi_raise(struct vm *vm, struct vcpu *target, unsigned intid,
		      const struct vcpu *sender)
{
	struct vgic_irq *irq = &target->vgic.priv[intid];

	irq_sync(vm, irq, intid);
	if (is_v2(vm))
		irq->sgi_sources |= (uint8_t)(1u << sender->id);
	irq->pending = true;
	irq_changed(vm, irq, intid);
}

/* Distributor and redistributor registers */

static bool width_ok(unsigned widths, uint64_t off, unsigned size)
{
	return (size == 1 || size == 4 || size == 8) && (widths & size) &&
	       (off & (size - 1)) == 0;
}

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

	irq_sync(vm, irq, intid);
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

	irq_sync(vm, irq, intid);
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
		break;
	case REG_ICFGR:
		irq->edge = (f & 2) != 0;
		break;
	}
	irq_unlink_if_idle(vm, irq, intid, was_live);
	irq_changed(vm, irq, intid);
}

/*
 * The per-INTID arrays (0x080-0xcff) of GICD or of a GICR SGI_base frame.
 * cpu is the vCPU whose private interrupts the frame shows (for GICD, the
 * one accessing it). INTIDs outside [first, limit) are RAZ/WI: v3's GICD
 * leaves SGIs and PPIs to the redistributors, GICR has nothing else.
 */
static enum hv_err irq_array_access(struct vm *vm, struct vcpu *cpu,
				    uint64_t off, unsigned size, uint64_t *val,
				    bool write, unsigned first, unsigned limit,
				    bool gicd)
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
static void ctlr_write(struct vm *vm, uint32_t val)
{
	/* Enabling or disabling a group changes what every LR may show. */
	lr_sync_all(vm, false);
	vm->vgic.ctlr = val & (GICD_CTLR_ENABLE_GRP0 | GICD_CTLR_ENABLE_GRP1);
	lr_sync_all(vm, true);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vm->vcpus[i].vgic.rescan = true;
}

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
			sgi_raise(vm, &vm->vcpus[i], intid, v);
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
			irq_sync(vm, irq, intid0 + k);
			word |= (uint64_t)irq->sgi_sources << (8 * k);
			continue;
		}
		if (bits == 0)
			continue;
		irq_sync(vm, irq, intid0 + k);
		if (set)
			irq->sgi_sources |= bits;
		else
			irq->sgi_sources &= (uint8_t)~bits;
		irq->pending = irq->sgi_sources != 0;
		irq_changed(vm, irq, intid0 + k);
	}
	if (!write)
		*val = word;
}

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
	irq_sync(vm, irq, intid);
	irq->route = ((irq->route & ~half) | ((*val << shift) & half)) &
		     VGIC_IROUTER_MASK;
	irq_changed(vm, irq, intid);
}

static unsigned gicd_widths(const struct vm *vm, uint64_t off)
{
	if (off >= GICD_CPENDSGIR && off < GICD_SGI_END)
		return ACC_BYTE | ACC_WORD;
	if (!is_v2(vm) && off >= GICD_IROUTER && off < GICD_IROUTER_END)
		return ACC_WORD | ACC_DWORD;
	return ACC_WORD;
}

static enum hv_err gicd_access(struct vm *vm, struct vcpu *v, uint64_t off,
			       unsigned size, uint64_t *val, bool write)
{
	bool v2 = is_v2(vm);

	if (off >= GICD_IGROUPR && off < GICD_IGRPMODR)
		return irq_array_access(vm, v, off, size, val, write,
					v2 ? 0 : GIC_PRIVATE_COUNT,
					VGIC_INTID_COUNT, true);
	if (!width_ok(gicd_widths(vm, off), off, size))
		return HV_ERR_ACCESS;
	if (v2 && off >= GICD_CPENDSGIR && off < GICD_SGI_END) {
		sgi_sources_access(vm, v, off, size, val, write);
		return HV_OK;
	}
	if (!v2 && off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		irouter_access(vm, off, size, val, write);
		return HV_OK;
	}
	if (write) {
		if (off == GICD_CTLR)
			ctlr_write(vm, (uint32_t)*val);
		else if (v2 && off == GICD_SGIR)
			sgir_write(vm, v, (uint32_t)*val);
		/* Everything else is read-only or RAZ/WI. */
		return HV_OK;
	}
	switch (off) {
	case GICD_CTLR:
		*val = vm->vgic.ctlr;
		if (!v2)
			*val |= GICD_CTLR_ARE | GICD_CTLR_DS;
		break;
	case GICD_TYPER:
		*val = VGIC_ITLINES;
		if (v2)
			*val |= (vm->vcpu_count - 1u)
				<< GICD_TYPER_CPUNUMBER_SHIFT;
		else
			*val |= (VGIC_IDBITS << GICD_TYPER_IDBITS_SHIFT) |
				GICD_TYPER_NO1N;
		break;
	case GICD_IIDR:
		*val = VGIC_IIDR;
		break;
	case GICD_ICPIDR2:
		*val = v2 ? VGIC_PIDR2_ARCHREV(2) : 0;
		break;
	case GICD_PIDR2:
		*val = VGIC_PIDR2_ARCHREV(3);
		break;
	default:
		/* GICD_SGIR is write-only; the rest is reserved. */
		*val = 0;
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
		return irq_array_access(vm, cpu, off, size, val, write, 0,
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

static const struct mmio_ops gicd_ops = {
    .read = gicd_read,
    .write = gicd_write,
};

static const struct mmio_ops gicr_ops = {
    .read = gicr_read,
    .write = gicr_write,
};

/* Lifecycle */

enum hv_err vgic_init(struct vm *vm)
{
	const struct hal_gic *gic = hal_gic();
	struct mmio_region gicd = {
	    .name = "gicd",
	    .base = ipa_init(VGIC_GICD_IPA),
	    .ops = &gicd_ops,
	    .dev = vm,
	};
	struct mmio_region gicr = {
	    .name = "gicr",
	    .base = ipa_init(VGIC_GICR_IPA),
	    .size = vm->vcpu_count * VGIC_GICR_STRIDE,
	    .ops = &gicr_ops,
	    .dev = vm,
	};
	enum hv_err err;

	if (gic->version != 2 && gic->version != 3)
		return HV_ERR_NOTSUP;
	vm->vgic.version = gic->version;
	vgic_reset(vm);
	if (is_v2(vm)) {
		/* The guest drives the hardware's GICV as its GICC. */
		if (gic->gicv_size < VGIC_GICC_SIZE)
			return HV_ERR_NOTSUP;
		gicd.size = VGIC_GICD_SIZE_V2;
		err =
		    stage2_map(&vm->s2, ipa_init(VGIC_GICC_IPA), gic->gicv,
			       VGIC_GICC_SIZE, S2_DEVICE | S2_READ | S2_WRITE);
		if (err != HV_OK)
			return err;
		return mmio_bus_add(&vm->mmio, &gicd);
	}
	gicd.size = VGIC_GICD_SIZE_V3;
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
	vm->vgic.ctlr = 0;
	vm->vgic.spi_offered = 0;
	for (unsigned i = 0; i < VGIC_SPI_COUNT; i++) {
		/*
		 * SPIs reset level-sensitive, disabled, at priority 0 and
		 * routed to vCPU 0 on both versions (the architecture
		 * leaves targets and routes UNKNOWN), so that a guest which
		 * only enables one still gets it.
		 */
		vm->vgic.spi[i] = (struct vgic_irq){
		    .group1 = !is_v2(vm),
		    .targets = 1,
		    .route = vcpu_mpidr(0) & MPIDR_AFF_MASK,
		    .lr = VGIC_NO_LR,
		};
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
		if (intid >= GIC_PRIVATE_COUNT)
			irq->active = false;
		lr_release(vm, irq);
		mark_rescan(vm, irq, intid);
	}
	for (unsigned i = 0; i < GIC_PRIVATE_COUNT; i++) {
		struct vgic_irq *irq = &v->vgic.priv[i];

		if (irq->hw_intid != 0 && (irq_pending(irq) || irq->active))
			hw_deactivate(vm, irq, i);
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
	vm_lock(vm);
	if (irq->level != level) {
		irq_sync(vm, irq, intid);
		/* An edge-triggered interrupt latches a rising edge. */
		if (level && irq->edge)
			irq->pending = true;
		irq->level = level;
		irq_changed(vm, irq, intid);
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
	irq_sync(v->vm, irq, intid);
	irq->hw_intid = pintid;
	irq->pending = true;
	irq_changed(v->vm, irq, intid);
	vm_unlock(v->vm);
}

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
			sgi_raise(vm, t, intid, v);
	}
	vm_unlock(vm);
}

/* List registers */

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
			irq_sync(vm, irq_of(vm, v, v->vgic.lr_intid[n]),
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
	    .hw = irq->hw_intid != 0,
	    .pintid = irq->hw_intid,
	};

	if (is_v2_sgi(vm, intid)) {
		/* The lowest-numbered sender goes first. */
		irq->source = 0;
		while (!(irq->sgi_sources & (1u << irq->source)))
			irq->source++;
		lr.source = irq->source;
	}
	irq->lr = (uint8_t)n;
	irq->vcpu = (uint8_t)v->id;
	lr.state = lr_state_wanted(vm, irq, intid);
	hal_vgic_lr_write(&v->arch, n, &lr);
	v->vgic.lr_used |= (uint16_t)(1u << n);
	v->vgic.lr_intid[n] = intid;
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
			    lr_state_wanted(vm, irq, intid) != HAL_LR_PENDING ||
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
			lr_release(vm, victim);
			return (int)victim_lr;
		}
		irq_sync(vm, victim, victim_intid);
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

void vgic_flush(struct vcpu *v)
{
	vm_lock(v->vm);
	flush(v);
	vm_unlock(v->vm);
}

static bool has_pending(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint8_t pmr = hal_vgic_pmr(&v->arch);
	uint64_t set[2];

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
