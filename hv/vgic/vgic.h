/*
 * vgic: a VM's virtual GIC - one distributor model for GICv2 and GICv3, the
 * GICv3 redistributors, and the list registers that deliver its interrupts
 * to the virtual CPU interface.
 *
 * Guest view (the addresses of QEMU virt, so a guest's device tree matches):
 *   GICD  0x0800_0000  distributor (4 KiB on v2, 64 KiB on v3), emulated
 *   GICC  0x0801_0000  v2 CPU interface: stage 2 maps the hardware's GICV
 *   GICR  0x080a_0000  v3 redistributors, 128 KiB per vCPU, emulated
 * The v3 CPU interface is the ICV_* system registers; the one register the
 * hardware traps, ICC_SGI1R_EL1, reaches vgic_sgi1r_write.
 *
 * Interrupts: SGIs 0-15 and PPIs 16-31 per vCPU, SPIs 32-95 per VM.
 * Priorities keep 5 bits (the low 3 read as zero), like the hardware's
 * virtual interface. Groups are the guest's: an interrupt is delivered in
 * its IGROUPR group (the list register's Group bit) when GICD_CTLR enables
 * that group (bit 0 Group 0, bit 1 Group 1; the v3 model is the single
 * security state one, DS = 1, with ARE RAO/WI). v2 guests usually use Group
 * 0, v3 guests Group 1.
 */
#ifndef HV_VGIC_H
#define HV_VGIC_H

#include "hv/err.h"

#include <hal/vcpu.h>

#include <hal/gic.h>
#include <hal/types.h>

#include <stdatomic.h>

struct vm;
struct vcpu;
struct mmio_ops;

#define VGIC_GICD_IPA	   0x08000000ull
#define VGIC_GICD_SIZE_V2  0x1000ull
#define VGIC_GICD_SIZE_V3  0x10000ull
#define VGIC_GICC_IPA	   0x08010000ull
#define VGIC_GICC_SIZE	   0x2000ull
#define VGIC_GICR_IPA	   0x080a0000ull
#define VGIC_GICR_STRIDE   0x20000ull /* RD_base + SGI_base frames */
#define VGIC_SPI_COUNT	   64u
#define VGIC_INTID_COUNT   (GIC_PRIVATE_COUNT + VGIC_SPI_COUNT)
#define VGIC_PRIORITY_MASK 0xf8u
#define VGIC_NO_LR	   0xffu
/* GICD_CTLR group enables (IHI 0048B 4.3.1, IHI 0069 12.9.4). */
#define VGIC_CTLR_GRP0 (1u << 0)
#define VGIC_CTLR_GRP1 (1u << 1)

/* One interrupt's state, as the distributor and redistributors hold it. */
struct vgic_irq {
	bool enabled;
	bool pending; /* latched: edge, SGI, or set through ISPENDR */
	bool level;   /* level-sensitive input line */
	bool active;
	bool group1;
	bool edge; /* ICFGR: edge-triggered */
	uint8_t priority;
	uint8_t targets;   /* v2 ITARGETSR (SPIs), one bit per vCPU */
	uint64_t route;	   /* v3 IROUTER (SPIs): affinity of the target */
	uint8_t source;	   /* v2 SGIs: the sender of the one in the LR */
	uint32_t hw_intid; /* physical INTID it forwards, or 0 */
	/* SPIs linked to a physical one (vgic_spi_link): the physical SPI
	 * is active, taken on physical CPU hw_cpu, until the guest
	 * deactivates this instance (or the hypervisor ends it). */
	bool hw_active;
	bool hw_level; /* the physical SPI is level-sensitive */
	uint8_t hw_cpu;
	uint8_t lr;   /* list register holding it, or VGIC_NO_LR */
	uint8_t vcpu; /* private: its vCPU; SPI in an LR: whose LR */
	/* v2 SGIs: one bit per sending vCPU with an instance pending
	 * (GICD_SPENDSGIR); source is then the sender in the LR. */
	uint8_t sgi_sources;
};

/* Per vCPU: its private interrupts and redistributor. */
struct vgic_vcpu {
	struct vgic_irq priv[GIC_PRIVATE_COUNT];
	uint32_t gicr_waker;
	uint32_t lr_intid[HAL_LR_MAX]; /* what each LR holds, for sync */
	uint16_t lr_used;	       /* bit per list register */
	uint32_t offered; /* bit per private interrupt offered (vgic.c) */
	/* Physical private interrupts (bit per INTID) another CPU ended
	 * for this vCPU: its home CPU deactivates them in vgic_sync. */
	uint32_t hw_deactivate;
	/* The model changed since the last vgic_flush (set from any CPU). */
	atomic_bool rescan;
};

struct vgic {
	unsigned version;  /* 2 or 3, the machine's */
	unsigned lr_count; /* list registers the machine has */
	uint32_t ctlr;	   /* GICD_CTLR */
	/* ctlr's group enables as the direct paths (vgic_fast.h) see them:
	 * none when several CPUs share the VM (those paths take no lock). */
	uint32_t ctlr_direct;
	/* GICD_CTLR, GICD_TYPER, GICD_IIDR as the general path reads them,
	 * for vgic_gicd_dabt (vgic_set_ctlr keeps CTLR's up to date). */
	uint32_t gicd_ident[3];
	const struct mmio_ops *gicd_ops; /* the general path's */
	uint64_t gicd_size;		 /* the distributor's frame */
	uint64_t spi_offered;		 /* bit per SPI offered (vgic.c) */
	struct vgic_irq spi[VGIC_SPI_COUNT];
	/* Physical SPI each SPI is linked to (0: none), and whether it is
	 * level-sensitive: kept across resets (vgic_spi_link). */
	uint32_t spi_link[VGIC_SPI_COUNT];
	uint64_t spi_link_level;
};

/*
 * Sets up the VM's vGIC for the machine's GIC version: MMIO regions on its
 * bus, and for v2 the stage-2 mapping of GICC onto the hardware's GICV.
 * HV_ERR_NOTSUP when the machine has no GIC the HAL drives.
 */
enum hv_err vgic_init(struct vm *vm);

/*
 * Puts the distributor and every vCPU's interface in their reset state
 * (vgic_init does it; also for a VM reset).
 */
void vgic_reset(struct vm *vm);

/*
 * v is switched out on its home CPU for another vCPU. The hardware-linked
 * virtual timer it may hold is banked in that CPU: left active there it
 * would block the next vCPU's timer, for good if v never ran again (its
 * VM powered off). The physical PPI is ended; a pending instance goes (the
 * line is sampled again when v's timer is back in the hardware) and an
 * active one stays v's to complete, as a software interrupt.
 */
void vgic_vcpu_put(struct vcpu *v);

/* Puts a vCPU's private interrupts and redistributor in their reset state. */
void vgic_vcpu_reset(struct vcpu *v);

/*
 * Drives an interrupt input. intid < 32 is private to target; SPIs ignore
 * target. A level-sensitive interrupt follows level; an edge-triggered one
 * becomes pending on a rising edge (level true).
 */
void vgic_set_level(struct vm *vm, struct vcpu *target, uint32_t intid,
		    bool level);

/*
 * Makes private interrupt intid of v pending and links it to physical
 * pintid: the guest's deactivation deactivates the physical interrupt
 * (list register HW bit). Used for the virtual timer.
 */
void vgic_inject_hw(struct vcpu *v, uint32_t intid, uint32_t pintid);

/*
 * A data abort e of v at offset off of the distributor: the accesses
 * guests make all the time - reading CTLR, TYPER, IIDR; setting and
 * clearing SPI enables; setting SPI priorities - decoded by a table of
 * those registers (vgic_gicd.c) and done there, when nothing else has to
 * follow; anything else by mmio_dabt_general.
 */
void vgic_gicd_dabt(struct vcpu *v, const struct vcpu_exit *e, uint32_t off);

/*
 * Links SPI intid of vm to physical SPI pintid for the VM's lifetime (a
 * host device passed through, hv/passthrough.h); level says the physical
 * SPI is level-sensitive. A linked SPI goes to one vCPU only (on v2 the
 * lowest-numbered of its targets) and the physical SPI follows: it is
 * routed to that vCPU's physical CPU (hal_irq_route) at every reset and
 * retarget.
 */
void vgic_spi_link(struct vm *vm, uint32_t intid, uint32_t pintid, bool level);

/*
 * The linked physical SPI of intid was taken on this CPU (acknowledged,
 * its priority dropped): the SPI becomes pending, hardware-linked, so the
 * guest's deactivation ends the physical one. A level-sensitive one whose
 * line falls before the guest takes it is withdrawn and the physical SPI
 * deactivated. Returns the vCPU it goes to, or NULL (none targeted).
 */
struct vcpu *vgic_inject_hw_spi(struct vm *vm, uint32_t intid);

/*
 * True when a level-sensitive linked SPI that goes to v has its line high
 * and is not taken: the physical SPI is pending and must reach the CPU
 * (hal_irq_resample says why it may not by itself).
 */
bool vgic_hw_spi_waiting(struct vcpu *v);

/* The vCPU a linked SPI goes to, or NULL (v3: a route to no vCPU). */
struct vcpu *vgic_hw_spi_target(struct vm *vm, uint32_t intid);

/* A trapped write of ICC_SGI1R_EL1 (v3) by v. */
void vgic_sgi1r_write(struct vcpu *v, uint64_t val);

/*
 * List registers. vgic_sync folds what the guest did with them (acknowledged,
 * completed) back into the model; vgic_flush fills free ones with the
 * highest-priority pending interrupts for v and asks for an underflow
 * maintenance interrupt when some did not fit. Both run with v loaded.
 */
void vgic_sync(struct vcpu *v);
void vgic_flush(struct vcpu *v);

/* vgic_sync, then vgic_flush: what vgic_update (vgic_fast.h) does when
 * it must. */
void vgic_update_lrs(struct vcpu *v);

/*
 * True when v has an interrupt the guest could take now or after a WFI: in
 * its LRs as pending, or pending and enabled for it in the model, with a
 * priority above the guest's priority mask.
 */
bool vgic_has_pending(struct vcpu *v);

#endif
