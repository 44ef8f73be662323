/*
 * engine: the Unicorn-based instruction engine behind hal/sim. Each vCPU is
 * one Unicorn AArch64 CPU (a Cortex-A57 model) running at EL1, and, for
 * AArch32 EL0 code, one 32-bit CPU that aarch32.h describes; what real
 * hardware would trap to EL2 becomes an exit with the syndrome the
 * architecture defines, handed to the core's exit handler in place:
 *
 *   HVC, SMC          the interrupt hook (exceptions 11 and 13); the ISS
 *                     imm16 comes from the instruction word
 *   stage-2 aborts    guest memory is what the VM's stage-2 tables map,
 *                     walked by s2walk; an access anywhere else is a data or
 *                     instruction abort, its ISS built by hv/insn's decoder
 *   WFI, WFE          Unicorn halts after them; the exit reports the WFx
 *   system registers  the MRS/MSR/SYS hooks, filtered by trap.c
 *
 * What the guest takes at EL1 without EL2 - UNDEF, SVC, BRK, an Illegal
 * Execution state, aborts from its own stage 1 (walked by s1walk) or
 * alignment checks, watchpoints (watch.c), the virtual IRQ, and all of
 * these from AArch32 EL0 - hvsim takes as the CPU would (exception.c):
 * Unicorn reports those without making the entry.
 *
 * Time is deterministic: the counter advances one tick per insns_per_tick
 * guest instructions, counted by a per-instruction hook (which also gives
 * the exact PC of a faulting access).
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit status of a run ended by the simulator, not by its guests. */
#define SIM_STATUS_LIMIT  124 /* --max-insns reached, or nothing can run */
#define SIM_STATUS_ENGINE 125 /* something the simulator does not model */

struct sim_options {
	uint64_t max_insns;	 /* instructions and exits; 0: no limit */
	uint64_t max_exits;	 /* exits alone; 0: no limit */
	unsigned insns_per_tick; /* guest instructions per counter tick */
	FILE *trace;		 /* one line per exit, or NULL */
	FILE *trace_exc;	 /* one line per guest exception, or NULL */
};

struct sim_stats {
	uint64_t insns;		   /* guest instructions, all vCPUs */
	uint64_t exits;		   /* exits to the core */
	uint64_t exits_by_ec[64];  /* synchronous exits by EC */
	uint64_t guest_exceptions; /* taken at EL1 without EL2 (SVC...) */
	uint64_t irq_exits;	   /* physical interrupts taken at EL2 */
	uint64_t idle_ticks;	   /* counter ticks skipped while idle */
	double run_seconds;	   /* wall time running vCPUs, setup excluded */
};

/*
 * Installs the engine in hal_sim and sets hal_sim's CPU capabilities and ID
 * registers from the CPU model. False (err says why) if Unicorn fails.
 */
bool sim_engine_init(const struct sim_options *opt, char *err, size_t len);

/*
 * Ends a run; the engine can be initialised again. The CPUs' Unicorn
 * engines are kept and reset for the next run (cheaper than new ones).
 */
void sim_engine_fini(void);

/* sim_engine_fini, and closes the Unicorn engines too. */
void sim_engine_release(void);

const struct sim_stats *sim_engine_stats(void);

#endif
