/*
 * trap: what the simulated EL2 hardware does with a guest's system
 * register accesses, and the syndromes (ESR_EL2) it reports for each kind
 * of exit. The trap set mirrors what hal/aarch64/el2.c programs on real
 * hardware: HCR_EL2 {TWI, TWE, TID3, TSC, TACR, TSW}, MDCR_EL2 {TPM,
 * TPMCR, TDA, TDOSA, TDRA}, CNTHCTL_EL2 with EL1PCTEN set and EL1PCEN
 * clear. Keep the two in step.
 *
 * The simulated CPU is the one the QEMU tests run on, QEMU 7.2's
 * Cortex-A57 (its "max" CPU has the same registers where it matters here),
 * not Unicorn's older model, so that a guest gets the same answers:
 *  - a register that CPU does not have is UNDEFINED at EL1 before any EL2
 *    trap is looked at (SYSREG_UNDEF): the debug registers it lacks, every
 *    trace unit register (so CPTR_EL2.TTA never matters);
 *  - HCR_EL2.TIDCP is ignored, as QEMU 7.2 ignores it: the Cortex-A57's
 *    IMPLEMENTATION DEFINED registers QEMU has read as constants and ignore
 *    writes (SYSREG_CONST), every other encoding in that space UNDEFs;
 *  - it has no RAS, so HCR_EL2.TERR has nothing to trap.
 * No Unicorn types here.
 */
#ifndef SIM_TRAP_H
#define SIM_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* A system register or system instruction, by its encoding. */
struct sysreg_enc {
	unsigned op0, op1, crn, crm, op2;
};

enum sysreg_action {
	SYSREG_NATIVE, /* the CPU model executes it */
	SYSREG_TRAP,   /* exits to EL2 with EC 0x18 */
	SYSREG_UNDEF,  /* no such register: an UNDEF at EL1 */
	SYSREG_CONST,  /* reads trap_sysreg_const(), writes are ignored */
	SYSREG_MIDR,   /* reads VPIDR_EL2 */
	SYSREG_MPIDR,  /* reads VMPIDR_EL2 */
	SYSREG_CNTFRQ, /* the simulated counter's frequency */
	SYSREG_CNTPCT, /* the simulated physical count */
	SYSREG_CNTVCT, /* the physical count minus CNTVOFF_EL2 */
	SYSREG_CNTV,   /* CNTV_TVAL/CTL/CVAL_EL0 (op2 0-2): the timer model */
};

enum sysreg_action trap_sysreg(const struct sysreg_enc *r, bool read);

/* What a register trap_sysreg calls SYSREG_CONST reads. */
uint64_t trap_sysreg_const(const struct sysreg_enc *r);

/* ESR_EL2 values (Arm ARM D17.2.37). */
uint64_t trap_esr_wfx(bool wfe);
uint64_t trap_esr_hvc(uint16_t imm16);
uint64_t trap_esr_smc(uint16_t imm16);
uint64_t trap_esr_sysreg(const struct sysreg_enc *r, unsigned rt, bool read);

/* ESR_EL1 of a watchpoint exception taken to EL1, from EL1 (same_el) or
 * EL0: EC 0x35 or 0x34, IL, WnR, DFSC 0x22 (CM = 0). */
uint64_t trap_esr_watchpoint(bool same_el, bool write);

/* Stage-2 fault kinds and the fault status code of each. */
enum trap_fault {
	TRAP_FAULT_ADDRESS_SIZE,
	TRAP_FAULT_TRANSLATION,
	TRAP_FAULT_ACCESS_FLAG,
	TRAP_FAULT_PERMISSION,
};

uint32_t trap_fsc(enum trap_fault f, unsigned level);

/*
 * A data abort at stage 2: iss_access is the access part of the ISS (from
 * ldst_iss(), or just WnR when the instruction is not one the decoder
 * knows, as hardware leaves ISV = 0 then).
 */
uint64_t trap_esr_dabt(uint32_t iss_access, enum trap_fault f, unsigned level);
uint64_t trap_esr_iabt(enum trap_fault f, unsigned level);

/* HPFAR_EL2 for a faulting IPA: FIPA, bits [43:4], holds IPA[51:12]. */
uint64_t trap_hpfar(uint64_t ipa);

#endif
