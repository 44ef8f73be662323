/*
 * exception: the exceptions a guest takes at EL1 by itself, without EL2,
 * which Unicorn reports but does not take (its interrupt hook fires instead
 * of the architectural entry): UNDEF, SVC, BRK, an Illegal Execution state,
 * aborts from the guest's own stage 1 or alignment checks, and the virtual
 * IRQ. What hvsim writes for each is what the CPU would (Arm ARM D1.10.2,
 * AArch64.TakeException, for an AArch64 EL1: HCR_EL2.RW = 1):
 *
 *   ELR_EL1  the preferred return address (the instruction for synchronous
 *            exceptions, the next one for an IRQ)
 *   SPSR_EL1 PSTATE at the exception, IL included
 *   ESR_EL1  the syndrome (synchronous exceptions only)
 *   FAR_EL1  the faulting virtual address (aborts only)
 *   PSTATE   EL1h, D, A, I and F masked, IL and SS clear, NZCV kept; PAN
 *            and SSBS as FEAT_PAN / FEAT_SSBS say when the CPU has them
 *   PC       VBAR_EL1 + the offset for where it came from and what it is
 *
 * The syndromes follow QEMU 7.2 where the architecture leaves a choice,
 * since hvsim's transcripts must equal QEMU's: an abort taken to EL1 never
 * has ISV set. No Unicorn here; engine.c applies the result.
 */
#ifndef SIM_EXCEPTION_H
#define SIM_EXCEPTION_H

#include <hal/cpu.h>

#include <stdbool.h>
#include <stdint.h>

enum exc_kind {
	EXC_SYNC,
	EXC_IRQ,
};

/* The EL1 state an exception entry reads. */
struct exc_from {
	uint64_t pc;	 /* preferred return address */
	uint64_t pstate; /* PSTATE at the exception */
	uint64_t vbar;	 /* VBAR_EL1 */
	uint64_t sctlr;	 /* SCTLR_EL1 (SPAN, DSSBS) */
};

/* What the entry writes. esr and far only when the kind has them. */
struct exc_entry {
	uint64_t elr, spsr;
	bool has_esr, has_far;
	uint64_t esr, far;
	uint64_t pc, pstate; /* where the guest continues */
};

/*
 * The entry for an exception of kind taken from `from` with syndrome esr
 * (ignored for EXC_IRQ); has_far with the fault address far for aborts.
 */
struct exc_entry exc_take(const struct exc_from *from,
			  const struct hal_cpu_caps *caps, enum exc_kind kind,
			  uint64_t esr, bool has_far, uint64_t far);

/* True when pstate is EL0 (AArch64 or AArch32): aborts use the LOW ECs. */
bool exc_from_el0(uint64_t pstate);

/* DFSC of an alignment fault (Arm ARM D17.2.40). */
#define EXC_FSC_ALIGNMENT 0x21u

/* Syndromes (ESR_EL1), each with IL = 1 (all A64 instructions). */
uint64_t exc_esr_undef(void);
uint64_t exc_esr_illegal_state(void);
uint64_t exc_esr_svc(uint16_t imm16);
uint64_t exc_esr_brk(uint16_t imm16);

/*
 * A data abort taken to EL1 (EC 0x24 from EL0, 0x25 from EL1): WnR, CM (a
 * cache maintenance instruction, which also reports WnR = 1), S1PTW and the
 * fault status code; ISV = 0.
 */
uint64_t exc_esr_dabt(uint64_t pstate, bool write, bool cm, bool s1ptw,
		      unsigned fsc);

/* An instruction abort taken to EL1 (EC 0x20 from EL0, 0x21 from EL1). */
uint64_t exc_esr_iabt(uint64_t pstate, bool s1ptw, unsigned fsc);

#endif
