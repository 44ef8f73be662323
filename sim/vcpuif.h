/*
 * vcpuif: the GIC virtual CPU interface of one vCPU, as the hardware
 * presents list registers to a guest (IHI 0069: virtual interrupt handling
 * and prioritization, the ICV_* and ICH_* registers; IHI 0048 chapter 5 for
 * the GICv2 GICV frame).
 *
 * The core programs list registers through hal_vgic_lr_write, which hal_sim
 * keeps in struct vcpu_vgic in the ICH_LR<n>_EL2 layout, with ICH_HCR_EL2,
 * ICH_VMCR_EL2 and the active priorities beside them (apr[0] ICH_AP1R0_EL2,
 * apr[1] ICH_AP0R0_EL2). This model is the hardware that reads them: the
 * engine forwards the guest's ICV_* system register accesses (GICv3) or its
 * accesses to the GICC frame at IPA 0x08010000 (GICv2, the GICV frame), and
 * asks whether a virtual IRQ, virtual FIQ or maintenance interrupt is
 * asserted. It changes only that struct and calls deactivate_phys.
 *
 * The interface modelled is QEMU virt's (ICH_VTR_EL2 0x90b80003): 5 bits of
 * priority and of preemption, so one active priorities register per group
 * where bit n stands for group priority n << 3, and 16-bit INTIDs.
 * ICH_HCR_EL2.En is not consulted: hal_sim never sets it, and the real HAL
 * turns the interface on once at boot. No Unicorn here.
 */
#ifndef SIM_VCPUIF_H
#define SIM_VCPUIF_H

#include <hal/vcpu.h>

#include <stdbool.h>
#include <stdint.h>

#define VCPUIF_GICV_SIZE 0x2000u /* the GICv2 GICV frame */

struct vcpuif {
	struct vcpu_vgic *g; /* the vCPU's list registers and their control */
	unsigned lr_count;   /* implemented list registers, <= HAL_LR_MAX */
	unsigned version;    /* 2 or 3: the view the guest has */
	/* The guest deactivated the virtual twin of physical pintid (an LR
	 * with HW = 1); may be NULL. */
	void (*deactivate_phys)(void *ctx, uint32_t pintid);
	void *ctx;
};

/* The GICv3 CPU interface registers the virtual interface implements. */
enum vcpuif_reg {
	VCPUIF_IAR0,
	VCPUIF_IAR1,
	VCPUIF_EOIR0,
	VCPUIF_EOIR1,
	VCPUIF_DIR,
	VCPUIF_HPPIR0,
	VCPUIF_HPPIR1,
	VCPUIF_PMR,
	VCPUIF_BPR0,
	VCPUIF_BPR1,
	VCPUIF_CTLR,
	VCPUIF_RPR,
	VCPUIF_IGRPEN0,
	VCPUIF_IGRPEN1,
	VCPUIF_AP0R0,
	VCPUIF_AP1R0,
	VCPUIF_SRE, /* ICC_SRE_EL1: not virtualised, reads SRE, DFB, DIB */
};

/*
 * Decodes an MRS (read) or MSR of the ICC_*_EL1 encoding (op0, op1, CRn,
 * CRm, op2) by a guest at EL1 with HCR_EL2.IMO/FMO set. False when the
 * virtual interface does not perform it:
 *   - not a CPU interface register;
 *   - the SGI generation registers (ICC_SGI0R/SGI1R/ASGI1R_EL1): with IMO
 *     and FMO set these trap to EL2 (EC 0x18), they never reach ICV_*;
 *   - an MRS of a write-only register (EOIR, DIR) or an MSR of a read-only
 *     one (IAR, HPPIR, RPR), and ICC_AP{0,1}R{1,2,3}_EL1, which exist only
 *     with 6 or more preemption bits: all UNDEFINED.
 */
bool vcpuif_sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
		   unsigned op2, bool read, enum vcpuif_reg *r);

/* An ICV_* register access (GICv3 semantics), r from vcpuif_sysreg. */
uint64_t vcpuif_read(struct vcpuif *c, enum vcpuif_reg r);
void vcpuif_write(struct vcpuif *c, enum vcpuif_reg r, uint64_t val);

/*
 * An access to the GICV frame at offset off (GICv2 semantics). False when
 * the frame does not decode it: off outside the frame, not a 32-bit access
 * or not word aligned (every CPU interface register is word-access only).
 * Within the frame, reserved offsets read as zero and ignore writes, reads
 * of write-only registers return zero and writes of read-only ones are
 * ignored (IHI 0048: reserved register addresses are RAZ/WI).
 */
bool vcpuif_mmio_read(struct vcpuif *c, uint64_t off, unsigned size,
		      uint64_t *val);
bool vcpuif_mmio_write(struct vcpuif *c, uint64_t off, unsigned size,
		       uint64_t val);

/*
 * The virtual interrupt signals: the highest priority pending interrupt
 * of an enabled group, above the priority mask and preempting the running
 * priority, is asserted as a virtual FIQ when it is Group 0 (GICv3, or
 * GICv2 with FIQEn) and as a virtual IRQ otherwise. The engine takes the
 * exception when PSTATE.I (F) is clear.
 */
bool vcpuif_virq(const struct vcpuif *c);
bool vcpuif_vfiq(const struct vcpuif *c);

/*
 * ICH_MISR_EL2: which maintenance interrupts are asserted (EOI, U, LRENP,
 * NP, VGrp0E/D, VGrp1E/D, as enabled by ICH_HCR_EL2 and the list registers'
 * EOI bits); vcpuif_maintenance says whether PPI 25 is asserted.
 */
uint32_t vcpuif_misr(const struct vcpuif *c);
bool vcpuif_maintenance(const struct vcpuif *c);

#endif
