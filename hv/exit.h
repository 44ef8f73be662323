/*
 * exit: handles one exit of a vCPU. Synchronous exits go through a single
 * table indexed by ESR_EL2.EC; an EC with no handler gets an UNDEF injected
 * and a log line with the VM, vCPU, EC and PC.
 */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include <hal/vcpu.h>

#include <stdint.h>

struct vcpu;

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

/* The hal_exit_fn the scheduler runs vCPUs with. */
void hv_exit_handler(struct hal_vcpu *arch, const struct vcpu_exit *e);

#endif
