/*
 * cpu: the physical CPU and machine as the core sees them.
 *
 * Identity, capabilities read once at boot, halting and powering the machine
 * off. Implemented by hal/aarch64 (real EL2) and hal/sim (host model).
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <hal/types.h>

#define HAL_MAX_CPUS 4

/* What the core needs to know about the physical CPU. */
struct hal_cpu_caps {
	uint64_t midr;	   /* MIDR_EL1: presented to guests via VPIDR_EL2 */
	unsigned pa_bits;  /* physical address size (ID_AA64MMFR0.PARange) */
	unsigned ipa_bits; /* stage-2 input size the HAL programs in VTCR */
	unsigned s2_start_level; /* first stage-2 lookup level in VTCR.SL0 */
	bool pan;  /* FEAT_PAN: exception entry may set PSTATE.PAN */
	bool ssbs; /* FEAT_SSBS: exception entry copies SCTLR.DSSBS */
};

/* Host-physical memory the platform owns and the part the hypervisor uses. */
struct hal_platform {
	const char *name;
	paddr_t ram_base;
	uint64_t ram_size;
	paddr_t hv_base; /* reserved for the hypervisor image and pools */
	uint64_t hv_size;
};

const struct hal_cpu_caps *hal_cpu_caps(void);
const struct hal_platform *hal_platform(void);

/* Index of the calling physical CPU, 0 .. HAL_MAX_CPUS - 1. */
unsigned hal_cpu_id(void);

/*
 * Raw value of the AArch64 ID register op0=3, op1=0, CRn=0, CRm=crm,
 * op2=op2 (crm 1..7), as the hardware gives it to EL2. The core sanitises
 * these before a guest sees them.
 */
uint64_t hal_cpu_id_reg(unsigned crm, unsigned op2);

/* Stops the machine after the last VM ended; status 0 means success. */
_Noreturn void hal_system_off(int status);

/* Stops this CPU for good after an internal error. */
_Noreturn void hal_halt(void);

#endif
