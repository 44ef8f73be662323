/*
 * hypercall: the hypervisor's own calls (vendor-specific hypervisor service,
 * ids in hv/abi.h).
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include "hv/smccc.h"

/* The vendor hypervisor service's functions (owner 6) by number
 * (hv/smccc.h); results in x0-x3. */
extern const smccc_fn hypercall_smc32[SMCCC_FNS];

/* HV_CALL_UID, whose id is outside the numbered range. */
void hypercall_uid(struct vcpu *v);

#endif
