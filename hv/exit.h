/*
 * exit: handles one exit of a vCPU. Synchronous exits go through a single
 * table indexed by ESR_EL2.EC; an EC with no handler gets an UNDEF injected
 * and a log line with the VM, vCPU, EC and PC.
 */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include "hv/arch.h"
#include "hv/vcpu.h"

#include <hal/vcpu.h>

#include <stdint.h>

/* The handlers the scheduler runs vCPUs with (struct hal_exit_table). */
extern const struct hal_exit_table hv_exit_table;

/*
 * Handles e through hv_exit_table, as the backend does, or declines (sets
 * v->arch.need_regs, having changed nothing) when it needs one of x18-x30
 * and e->all_regs is false: a load or store to a device with such a
 * register (or without a syndrome), an MSR/MRS of one.
 */
void hv_handle_exit(struct vcpu *v, const struct vcpu_exit *e);

/*
 * Completes the trapped instruction that esr reports, as the CPU would
 * have: the PC moves past it by ESR_EL2.IL (2 bytes for a 16-bit T32
 * instruction, 4 otherwise), wrapping at 4 GiB in AArch32 state, and a T32
 * instruction inside an IT block advances PSTATE.IT (Arm ARM
 * AArch32.ITAdvance). Every handler that emulates an instruction ends with
 * this; HVC does not need it (ELR_EL2 is already past the HVC).
 */
void exit_skip_insn(struct vcpu *v, uint64_t esr);

/* The same, inline for the hot paths: AArch64's instructions are all four
 * bytes. */
static inline void exit_done_insn(struct vcpu *v, uint64_t esr)
{
	if (psr_is_aarch32(v->arch.regs.pstate))
		exit_skip_insn(v, esr);
	else
		v->arch.regs.pc += 4;
}

#endif
