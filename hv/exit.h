/*
 * exit: handles one exit of a vCPU. Synchronous exits go through a single
 * table indexed by ESR_EL2.EC; an EC with no handler gets an UNDEF injected
 * and a log line with the VM, vCPU, EC and PC.
 */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include <hal/vcpu.h>

struct vcpu;

void hv_handle_exit(struct vcpu *v, const struct vcpu_exit *e);

/* The hal_exit_fn the scheduler runs vCPUs with. */
void hv_exit_handler(struct hal_vcpu *arch, const struct vcpu_exit *e);

#endif
