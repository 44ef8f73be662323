/*
 * vgic_internal: what the files of the vGIC share and nothing outside
 * hv/vgic/ may use.
 *
 *   vgic.c          the interrupt state (struct vgic_irq), its mirror in
 *                   the list registers, the inputs, reset
 *   vgic_lr.c       refilling the list registers (sync, flush, pending)
 *   vgic_mmio.c     the per-INTID register arrays GICD shares with a GICv3
 *                   redistributor, and GICD_CTLR
 *   vgic_mmio_v2.c  the GICv2 distributor
 *   vgic_mmio_v3.c  the GICv3 distributor, redistributors and ICC_SGI1R_EL1
 *
 * Every function here expects the VM's lock held (vm_lock).
 */
#ifndef HV_VGIC_INTERNAL_H
#define HV_VGIC_INTERNAL_H

#include "hv/arch.h"
#include "hv/mmio.h"
#include "hv/vcpu.h"
#include "hv/vgic/vgic.h"
#include "hv/vm.h"

#define GICD_CTLR_ENABLE_GRP0 VGIC_CTLR_GRP0
#define GICD_CTLR_ENABLE_GRP1 VGIC_CTLR_GRP1

/* GICR_WAKER (IHI 0069 12.11.41), reset by vgic.c, read by the guest. */
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

static inline bool is_v2(const struct vm *vm)
{
	return vm->vgic.version == 2;
}

static inline bool is_v2_sgi(const struct vm *vm, unsigned intid)
{
	return is_v2(vm) && intid < GIC_SGI_COUNT;
}

static inline uint8_t present_vcpus(const struct vm *vm)
{
	return (uint8_t)((1u << vm->vcpu_count) - 1);
}

static inline uint64_t vcpu_affinity(const struct vcpu *v)
{
	return vcpu_mpidr(v->id) & MPIDR_AFF_MASK;
}

/* The interrupt intid as cpu sees it (cpu is unused for SPIs), or NULL. */
static inline struct vgic_irq *irq_of(struct vm *vm, struct vcpu *cpu,
				      unsigned intid)
{
	if (intid < GIC_PRIVATE_COUNT)
		return &cpu->vgic.priv[intid];
	if (intid < VGIC_INTID_COUNT)
		return &vm->vgic.spi[intid - GIC_PRIVATE_COUNT];
	return NULL;
}

/* Pending, as GICD_ISPENDR reports it: latched, or a level input high. */
static inline bool irq_pending(const struct vgic_irq *irq)
{
	return irq->pending || (irq->level && !irq->edge);
}

/*
 * Pending and waiting to be handed to the guest. A level-sensitive
 * interrupt the guest acknowledged is active and still asserted; it is
 * offered again once the guest completes it, if its line is still high.
 */
static inline bool irq_offered(const struct vgic_irq *irq)
{
	return irq->pending || (irq->level && !irq->edge && !irq->active);
}

/* The number of trailing zeros of x, not 0 (vgic_lr.c's table). */
extern const uint8_t vgic_debruijn_pos[64];
static inline unsigned vgic_ctz(uint64_t x)
{
	return vgic_debruijn_pos[((x & (~x + 1)) * 0x022fdd63cc95386dull) >>
				 58];
}

/* The bit number of x, a power of two (a 32-bit De Bruijn sequence). */
extern const uint8_t vgic_debruijn32_pos[32];
static inline unsigned vgic_log2_32(uint32_t x)
{
	return vgic_debruijn32_pos[(uint32_t)(x * 0x077cb531u) >> 27];
}

/* Whether a pending irq may be signalled to v at all. */
bool vgic_irq_deliverable(const struct vm *vm, const struct vgic_irq *irq,
			  unsigned intid, const struct vcpu *v);

/* An interrupt flush may put in one of v's free list registers. */
static inline bool irq_candidate(const struct vm *vm,
				 const struct vgic_irq *irq, unsigned intid,
				 const struct vcpu *v)
{
	return irq->lr == VGIC_NO_LR && irq_offered(irq) &&
	       vgic_irq_deliverable(vm, irq, intid, v);
}

/* The LR state the model gives irq, which is in a list register. */
enum hal_lr_state vgic_lr_state_wanted(const struct vm *vm,
				       const struct vgic_irq *irq,
				       unsigned intid);

/*
 * The forwarded virtual timer of v, resampled (vgic.c): its latched
 * pending state goes if the timer's line has gone low meanwhile.
 */
void vgic_resample_vtimer(struct vcpu *v);

/* The same for the VM's level-sensitive linked SPIs on offer. */
void vgic_resample_hw_spis(struct vm *vm);

/*
 * Whether irq's list register is hardware-linked: a forwarded private
 * interrupt (the virtual timer), or a linked SPI whose physical SPI is
 * active for the instance on offer.
 */
bool vgic_lr_hw(const struct vgic_irq *irq, unsigned intid);

/*
 * Ends the physical interrupt irq forwards: a private one on its vCPU's
 * home CPU, a linked SPI on the CPU that took it (hv/irq.h).
 */
void vgic_hw_deactivate(struct vm *vm, struct vgic_irq *irq, unsigned intid);

/* Routes a linked SPI's physical SPI to its target vCPU's CPU. */
void vgic_hw_route(struct vm *vm, struct vgic_irq *irq, unsigned intid);

/* Empties the list register irq holds. */
void vgic_lr_release(struct vm *vm, struct vgic_irq *irq);

/* Brings the model of irq up to date before it is read or changed. */
void vgic_irq_sync(struct vm *vm, struct vgic_irq *irq, unsigned intid);

/* After a change to the model of irq (which vgic_irq_sync preceded). */
void vgic_irq_changed(struct vm *vm, struct vgic_irq *irq, unsigned intid);

/*
 * Every interrupt in some vCPU's list register, for a VM-wide change:
 * folded into the model (commit false) or written back (commit true).
 */
void vgic_lr_sync_all(struct vm *vm, bool commit);

/*
 * A register write that leaves a hardware-linked interrupt neither
 * pending nor active ends the physical one too, which otherwise would stay
 * active, never to fire again. was_live: pending or active before.
 */
void vgic_irq_unlink_if_idle(struct vm *vm, struct vgic_irq *irq,
			     unsigned intid, bool was_live);

/* SGI intid from sender becomes pending for target. */
void vgic_sgi_raise(struct vm *vm, struct vcpu *target, unsigned intid,
		    const struct vcpu *sender);

/* Register access helpers (vgic_mmio.c). */

/* Access widths, as the access size in bytes: one bit each. */
#define ACC_BYTE  1u
#define ACC_WORD  4u
#define ACC_DWORD 8u

/* GICD_IGROUPR .. GICD_ICFGR: the per-INTID arrays (both frames). */
#define GICD_IGROUPR  0x0080
#define GICD_IGRPMODR 0x0d00 /* end of the per-INTID arrays */

/* Whether an access of size bytes at off is one the register takes. */
static inline bool width_ok(unsigned widths, uint64_t off, unsigned size)
{
	return (size == 1 || size == 4 || size == 8) && (widths & size) &&
	       (off & (size - 1)) == 0;
}

/*
 * The per-INTID arrays (0x080-0xcff) of GICD or of a GICR SGI_base frame.
 * cpu is the vCPU whose private interrupts the frame shows (for GICD, the
 * one accessing it). INTIDs outside [first, limit) are RAZ/WI: v3's GICD
 * leaves SGIs and PPIs to the redistributors, GICR has nothing else.
 */
enum hv_err vgic_irq_array_access(struct vm *vm, struct vcpu *cpu, uint64_t off,
				  unsigned size, uint64_t *val, bool write,
				  unsigned first, unsigned limit, bool gicd);

/* Sets GICD_CTLR's group enables, and what the direct paths see of them
 * (vgic.c: GICD_CTLR read back as the general path reads it). */
void vgic_set_ctlr(struct vm *vm, uint32_t ctlr);

/* A write of GICD_CTLR's group enables. */
void vgic_ctlr_write(struct vm *vm, uint32_t val);

/*
 * GICD_IIDR and GICR_IIDR: Arm's JEP106 code, as software GICs use, with
 * a product ID of our own ('H') so that no guest erratum table keyed on
 * IIDR mistakes this model for a hardware GIC.
 */
#define VGIC_IIDR 0x4800043bu

/*
 * GICD_TYPER.ITLinesNumber: 32 * (N + 1) INTIDs.
 */
#define VGIC_ITLINES	      (VGIC_INTID_COUNT / 32 - 1)
#define VGIC_PIDR2_ARCHREV(v) ((uint32_t)(v) << 4)

/* The register frames of each version (vgic_mmio_v2.c, vgic_mmio_v3.c);
 * vgic_gicd_dabt (vgic.h) takes the hot registers first. */
extern const struct mmio_ops vgic_gicd_v2_ops;
extern const struct mmio_ops vgic_gicd_v3_ops;
extern const struct mmio_ops vgic_gicr_ops;

#endif
