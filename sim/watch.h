/*
 * watch: hardware watchpoints for hvsim, whose CPU model has none (Unicorn
 * 2.0.1 keeps the debug registers but its watchpoint insertion and check
 * are empty). The model decides, for one data access of the loaded vCPU,
 * whether a watchpoint of the debug state the hypervisor gave the hardware
 * (struct vcpu_debug: MDSCR_EL1 and DBGWVR/WCR<n>_EL1) fires, following
 * the Arm ARM (D2.10, AArch64.WatchpointMatch) and, where it leaves a
 * choice, doing what QEMU 7.2 does so that a guest's transcript is the
 * same: a reserved MASK (1, 2), LSC 0 or BAS 0 disables the watchpoint,
 * MASK set ignores BAS, only the first run of ones in BAS counts, and the
 * reported address is the larger of the access's and the watched range's
 * start. Hardware breakpoints, linked watchpoints and software step are
 * not modelled: watch_unmodelled names them when a guest arms them. No
 * Unicorn types here.
 */
#ifndef SIM_WATCH_H
#define SIM_WATCH_H

#include <hal/vcpu.h>

#include <stdbool.h>
#include <stdint.h>

/* Some watchpoint can fire (MDE set and one enabled): check accesses. */
bool watch_armed(const struct vcpu_debug *d);

/* What d arms that the model does not have, or NULL. */
const char *watch_unmodelled(const struct vcpu_debug *d);

/*
 * A data access of size bytes at virtual address addr, from EL el (0 or 1)
 * with PSTATE.D as d_masked: true if a watchpoint fires, with *far the
 * address the exception reports.
 */
bool watch_check(const struct vcpu_debug *d, unsigned el, bool d_masked,
		 uint64_t addr, unsigned size, bool write, uint64_t *far);

#endif
