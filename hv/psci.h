/*
 * psci: PSCI 1.1 for a VM's vCPUs (Arm DEN0022): VERSION, FEATURES,
 * CPU_SUSPEND (as standby), CPU_OFF, CPU_ON, AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET. Arguments are validated and
 * bad ones get the specification's error code.
 */
#ifndef HV_PSCI_H
#define HV_PSCI_H

#include "hv/smccc.h"

/* PSCI's functions (owner 4) by number, in the SMC32 and SMC64
 * conventions (hv/smccc.h); each leaves its result in x0. */
extern const smccc_fn psci_smc32[SMCCC_FNS];
extern const smccc_fn psci_smc64[SMCCC_FNS];

#endif
