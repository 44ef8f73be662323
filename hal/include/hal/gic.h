/*
 * gic: the physical interrupt controller, the virtual CPU interface and the
 * hypervisor's own timer, as the core needs them. GICv2 and GICv3 look the
 * same from here: the HAL finds the version at boot (from the device tree
 * on QEMU virt) and the core asks it with hal_gic().
 *
 * Physical interrupts are taken at EL2 (HCR_EL2.IMO/FMO) with split
 * priority drop and deactivation (EOImode = 1): hal_irq_eoi drops the
 * priority, and an interrupt forwarded to a guest through a hardware-linked
 * list register stays active until the guest deactivates its virtual twin.
 */
#ifndef HAL_GIC_H
#define HAL_GIC_H

#include <hal/types.h>
#include <hal/vcpu.h>

#define GIC_INTID_SPURIOUS 1023u
#define GIC_SGI_COUNT	   16u
#define GIC_PRIVATE_COUNT  32u /* SGIs and PPIs */

/* The SGI one physical CPU sends another (hal_cpu_kick). */
#define GIC_SGI_KICK 0u

/* PPIs of the Arm generic timers and the GIC (Arm BSA; QEMU virt). */
#define GIC_PPI_MAINTENANCE 25u
#define GIC_PPI_HYP_TIMER   26u /* CNTHP: the hypervisor's own timer */
#define GIC_PPI_VTIMER	    27u /* CNTV */
#define GIC_PPI_PTIMER	    30u /* CNTP (EL1 physical timer) */

struct hal_gic {
	unsigned version;  /* 2 or 3 */
	unsigned lr_count; /* list registers of the virtual CPU interface */
	paddr_t gicv;	   /* v2: the virtual CPU interface frame (GICV) */
	uint64_t gicv_size;
};

/* The machine's GIC; version 0 when there is none the HAL can drive. */
const struct hal_gic *hal_gic(void);

/* Acknowledges the highest priority pending physical interrupt: its INTID,
 * or GIC_INTID_SPURIOUS. */
uint32_t hal_irq_ack(void);

/* Priority drop of an acknowledged interrupt (it stays active). */
void hal_irq_eoi(uint32_t intid);

/* Deactivation of an interrupt the hypervisor handled itself. */
void hal_irq_deactivate(uint32_t intid);

/* Enables or disables a physical interrupt (PPIs: on this CPU). */
void hal_irq_enable(uint32_t intid, bool on);

/*
 * SPIs only. hal_irq_route sends the SPI to physical CPU cpu, which must
 * have been set up (it runs the core or is the calling CPU). Its trigger
 * (edge: rising edge, else level high) is set while it is disabled, as the
 * GIC requires. hal_irq_pending reads the distributor's pending state:
 * for a level-sensitive SPI that is active, whether its line is still
 * asserted.
 */
void hal_irq_route(uint32_t intid, unsigned cpu);
void hal_irq_set_trigger(uint32_t intid, bool edge);
bool hal_irq_pending(uint32_t intid);

/*
 * Makes the CPU interface look again at what is pending. Needed on QEMU
 * 7.2's GICv2: after a guest deactivates a hardware-linked interrupt whose
 * level-sensitive source is still asserted, the distributor shows it
 * pending but the CPU interface does not signal it until another GIC
 * register is written. The core calls this when a vCPU's timer, or a
 * device's SPI passed through to it, is asserted and yet nothing reaches
 * it.
 */
void hal_irq_resample(void);

/* List registers, in a form common to both GIC versions. */
enum hal_lr_state {
	HAL_LR_INVALID = 0,
	HAL_LR_PENDING = 1,
	HAL_LR_ACTIVE = 2,
	HAL_LR_PENDING_ACTIVE = 3,
};

struct hal_lr {
	uint32_t intid;	  /* virtual INTID */
	uint32_t pintid;  /* physical INTID, when hw */
	uint8_t priority; /* 8-bit priority; the HAL keeps its top bits */
	uint8_t source;	  /* GICv2 SGIs: the requesting vCPU */
	bool hw;	  /* guest deactivation deactivates pintid */
	bool group1;
	enum hal_lr_state state;
};

/*
 * Reads and writes list register i of a vCPU, wherever its state lives
 * (the hardware while it is loaded, its struct hal_vcpu otherwise).
 *
 * The virtual CPU interface of a vCPU whose home (hal_vcpu.cpu) is another
 * physical CPU is in that CPU's hardware or about to be: reaching it, with
 * these functions and hal_vgic_underflow/pmr, first pauses that CPU, which
 * puts the state of its loaded vCPU in memory and waits in EL2 until
 * hal_vgic_release. The core calls these only with the vCPU's VM locked,
 * and releases when it unlocks; the guest never runs while its interface
 * is being changed from elsewhere.
 */
void hal_vgic_lr_read(struct hal_vcpu *v, unsigned i, struct hal_lr *lr);
void hal_vgic_lr_write(struct hal_vcpu *v, unsigned i, const struct hal_lr *lr);

/*
 * The hot path's list register write, for a vCPU loaded on this physical
 * CPU and in a guest exit there (so no other CPU is reaching its
 * interface): list register i, which the caller knows exists and is empty
 * (state invalid), becomes intid pending, hardware-linked to the physical
 * interrupt of the same number.
 */
void hal_vgic_lr_put_hw_loaded(struct hal_vcpu *v, unsigned i, uint32_t intid,
			       uint8_t priority, bool group1);

/*
 * Asks for a maintenance interrupt (PPI 25) when at most one list register
 * holds a valid interrupt (underflow): the time to refill them.
 */
void hal_vgic_underflow(struct hal_vcpu *v, bool on);

/* Lets every physical CPU the calling one paused go on. */
void hal_vgic_release(void);

/* The virtual CPU interface's running priority and priority mask as the
 * guest set them (for WFI: is a pending interrupt deliverable?). */
uint8_t hal_vgic_pmr(struct hal_vcpu *v);

/*
 * The hypervisor's timer (CNTHP on hardware): fires PPI 26 on this CPU
 * when the physical count reaches cval.
 */
void hal_timer_arm(uint64_t cval);
void hal_timer_cancel(void);

/* Waits until an interrupt is pending on this CPU (WFI, IRQs masked). */
void hal_cpu_idle(void);

#endif
