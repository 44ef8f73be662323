/*
 * inject: delivers a synchronous exception to a vCPU's EL1, as the Arm ARM
 * describes exception entry (D1.10, AArch64.TakeException): ELR_EL1 gets the
 * PC of the instruction, SPSR_EL1 the interrupted PSTATE, ESR_EL1 (and
 * FAR_EL1 for aborts) the syndrome; PSTATE becomes EL1h with D, A, I and F
 * masked; the PC goes to VBAR_EL1 plus the offset for where the exception
 * came from (EL1 with SP_EL0, EL1 with SP_EL1, EL0 AArch64, EL0 AArch32).
 * Only an AArch64 EL1 is supported (HCR_EL2.RW = 1); EL0 may be AArch32,
 * in which case SPSR_EL1 gets the AArch32 CPSR (T and IT bits included),
 * the exception class is the lower-EL one, FAR_EL1 the 32-bit address
 * zero-extended, and the vector VBAR_EL1 + 0x600.
 *
 * Every syndrome here has IL = 1, also for a 16-bit T32 instruction: the
 * Arm ARM fixes IL at 1 for EC 0x00 (UNDEF), instruction aborts and data
 * aborts without a valid ISS (ISV = 0).
 */
#ifndef HV_INJECT_H
#define HV_INJECT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Undefined instruction: ESR_EL1.EC = 0, IL = 1. */
void inject_undef(struct vcpu *v);

/* Synchronous external data abort at virtual address far. */
void inject_dabt(struct vcpu *v, uint64_t far, bool write);

/* Synchronous external instruction abort at virtual address far. */
void inject_pabt(struct vcpu *v, uint64_t far);

/* Vector offset from VBAR_EL1 for a synchronous exception from pstate. */
uint64_t inject_vector_offset(uint64_t pstate);

#endif
