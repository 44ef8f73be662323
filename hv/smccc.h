/*
 * smccc: answers SMC Calling Convention calls made with HVC #0 or SMC #0.
 * Routes by owner: Arm architecture calls here, PSCI to psci.c, the
 * hypervisor's vendor calls to hypercall.c; any other id (including yielding
 * calls) returns NOT_SUPPORTED in x0. Results are written into the vCPU's
 * registers; the caller moves the PC.
 */
#ifndef HV_SMCCC_H
#define HV_SMCCC_H

#include <stdint.h>

struct vcpu;

void smccc_call(struct vcpu *v, uint16_t imm);

#endif
