/*
 * psci: PSCI 1.1 for a VM's vCPUs (Arm DEN0022): VERSION, FEATURES,
 * CPU_SUSPEND (as standby), CPU_OFF, CPU_ON, AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET. Arguments are validated and
 * bad ones get the specification's error code.
 */
#ifndef HV_PSCI_H
#define HV_PSCI_H

#include <stdint.h>

struct vcpu;

/* Handles PSCI function fid (owner 4); result in x0. */
void psci_call(struct vcpu *v, uint32_t fid);

#endif
