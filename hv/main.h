/*
 * main: the core's entry point, called by the HAL on the boot CPU once the
 * machine is set up. Validates the configuration, creates and boots every
 * VM, runs them, and returns the status the machine should stop with.
 * Its last line states that status: "hv: all VMs stopped, status N" once
 * guests ran, "hv: stopped, status N" when none could be started. That line
 * is how the status leaves a machine whose power-off carries none (QEMU).
 */
#ifndef HV_MAIN_H
#define HV_MAIN_H

#include "hv/config.h"

/* Stage-2 table pages shared by all VMs. */
#define HV_S2_POOL_PAGES 256

int hv_main(const struct hv_config *cfg);

/*
 * Entry of every other physical CPU, which the HAL starts (hal_cpu_start)
 * once hv_main has created the VMs: runs that CPU's vCPUs until every VM
 * is off, then returns (the HAL parks the CPU).
 */
void hv_secondary_main(void);

#endif
