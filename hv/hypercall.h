/*
 * hypercall: the hypervisor's own calls (vendor-specific hypervisor service,
 * ids in hv/abi.h).
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>

struct vcpu;

/* Handles vendor hypervisor function fid (owner 6); results in x0-x3. */
void hypercall_call(struct vcpu *v, uint32_t fid);

#endif
