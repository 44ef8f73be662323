/*
 * exit: handles one exit of a vCPU. Synchronous exits go through a single
 * table indexed by ESR_EL2.EC; an EC with no handler gets an UNDEF injected
 * and a log line with the VM, vCPU, EC and PC.
 */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include <hal/vcpu.h>

struct vcpu;

/* The handlers the scheduler runs vCPUs with (struct hal_exit_table). */
extern const struct hal_exit_table hv_exit_table;

/*
 * Handles e through hv_exit_table, as the backend does, or declines (sets
 * v->arch.need_regs, having changed nothing) when it needs one of x18-x30
 * and e->all_regs is false: a load or store to a device with such a
 * register (or without a syndrome), an MSR/MRS of one.
 */
void hv_handle_exit(struct vcpu *v, const struct vcpu_exit *e);

#endif
