/*
 * main: the core's entry points. hv_boot (hal/core.h), called by the HAL
 * on the boot CPU once the machine is set up, reads the manifest from the
 * boot device tree and hands it to hv_main, which validates it, places
 * every VM, creates and boots them, runs them, and returns the status the
 * machine should stop with: the worst of the VMs' (any non-zero beats 0,
 * the highest non-zero wins).
 * Its last line states that status: "hv: all VMs stopped, status N" once
 * guests ran, "hv: stopped, status N" when none could be started. That line
 * is how the status leaves a machine whose power-off carries none (QEMU).
 */
#ifndef HV_MAIN_H
#define HV_MAIN_H

#include "hv/config.h"

/* Stage-2 table pages shared by all VMs. */
#define HV_S2_POOL_PAGES 256

int hv_main(struct hv_config *cfg);

/* hv_boot and hv_secondary_main, the entries the HAL calls, are in
 * hal/core.h. */
#include <hal/core.h>

#endif
