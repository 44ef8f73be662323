/*
 * aarch32: AArch32 EL0 for hvsim's vCPUs (a 32-bit task under a 64-bit
 * EL1, as Linux runs compat tasks).
 *
 * Why a second CPU model: Unicorn 2.0.1's AArch64 CPU does execute A32 and
 * T32 code after an ERET to AArch32 EL0, but its register interface reads
 * and writes only the AArch64 view (X0-X30, PC, PSTATE), which QEMU does
 * not keep current in AArch32 state, and Unicorn never takes an exception
 * itself (it hands each one to a hook), so nothing can bring that CPU back
 * to AArch64. So hvsim runs AArch32 EL0 on a Unicorn 32-bit Arm CPU ("max":
 * a Cortex-A15 with the ARMv8 AArch32 additions) in User mode, mapped onto
 * the same memory, and moves the state across at each change of Execution
 * state: the ERET to AArch32 that engine.c stops before, and every
 * exception out of EL0, which goes to EL1 (VBAR_EL1 + 0x600 or 0x680) or
 * to EL2 (an exit to the core).
 *
 * This file plays the hardware for EL0: it tracks the T32 IT state (which
 * QEMU does not write back while it translates), and turns what the CPU
 * model stops on into the Arm ARM's syndromes: SVC (EC 0x11), BKPT (0x38),
 * UNDEF (0x00), WFI/WFE (0x01, with IL and COND), stage-2 data aborts with
 * the ISS of a32insn.h. Not modelled, and reported as such: coprocessor,
 * floating-point and Advanced SIMD instructions (but the CP15 barriers and
 * the thread ID registers), EL0 under an EL1 with its MMU on or big-endian
 * EL0 (engine.c checks those two at the ERET).
 */
#ifndef SIM_AARCH32_H
#define SIM_AARCH32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

/* What the CPU reports to the engine that owns it, from inside its hooks. */
struct a32_ops {
	/*
	 * Before each instruction at pc; irq_masked is CPSR.I. False stops
	 * the CPU before the instruction.
	 */
	bool (*insn)(void *ctx, uint64_t pc, bool irq_masked);
	/*
	 * An access (or a fetch) to an address without memory or without
	 * the permission: iss is the access part of the data-abort ISS
	 * (0 for a fetch), il the IL bit of the syndrome. The CPU stops.
	 */
	void (*abort)(void *ctx, uint64_t addr, bool fetch, uint32_t iss,
		      bool il);
};

/* Why a32_run returned. */
enum a32_stop {
	A32_STOP_HOOK,	/* an a32_ops callback stopped it */
	A32_STOP_EL1,	/* an exception to EL1: a32_cpu.exc */
	A32_STOP_WFX,	/* a WFI or WFE: a32_cpu.wfx_esr, trap or not */
	A32_STOP_FATAL, /* not modelled: a32_cpu.why, a32_cpu.why_detail */
};

/* A synchronous exception to EL1 (ESR_EL1, ELR_EL1, SPSR_EL1). */
struct a32_exception {
	uint64_t esr;
	uint64_t elr;
	uint64_t spsr;
};

struct a32_cpu {
	uc_engine *uc; /* NULL until the vCPU first runs AArch32 code */
	struct a32_ops ops;
	void *ctx;
	/* The instruction the code hook saw last, and its ITSTATE. */
	uint32_t cur_pc, cur_insn;
	unsigned cur_size;
	bool cur_thumb;
	uint8_t cur_it;
	/* Where the next instruction is expected, with its ITSTATE. */
	uint32_t next_pc;
	uint8_t next_it;
	bool stop_requested;
	struct a32_exception exc; /* A32_STOP_EL1 */
	uint64_t wfx_esr;	  /* A32_STOP_WFX: the syndrome of the trap */
	const char *why;	  /* A32_STOP_FATAL */
	uint64_t why_detail;
	bool fatal;
	bool exc_pending;
};

/* Creates the CPU model; false with err filled if Unicorn refuses. */
bool a32_open(struct a32_cpu *a, const struct a32_ops *ops, void *ctx,
	      char *err, size_t len);
void a32_close(struct a32_cpu *a);

/* Memory: what the AArch64 CPU maps, as far as 32 bits reach. */
void a32_unmap_all(struct a32_cpu *a);
void a32_map(struct a32_cpu *a, uint64_t ipa, uint64_t size, uint32_t prot,
	     void *host);
void a32_map_mmio(struct a32_cpu *a, uint64_t ipa, uint64_t size,
		  uc_cb_mmio_read_t read, uc_cb_mmio_write_t write, void *ud);
/* Forgets every translated instruction (EL1 may have written code). */
void a32_flush(struct a32_cpu *a);

/*
 * Loads the state EL0 runs with: R0-R14 from x[0..14] (low halves), the
 * CPSR from pstate (SPSR_ELx layout, IT included) and the PC.
 */
void a32_put(struct a32_cpu *a, const uint64_t *x, uint64_t pc,
	     uint64_t pstate);

/*
 * The state as hardware would report it for the instruction the CPU
 * stopped at (the one that faulted, trapped, or was not executed yet):
 * x[0..14] (zero-extended), its PC, and the CPSR in SPSR_ELx layout.
 */
void a32_get(struct a32_cpu *a, uint64_t *x, uint64_t *pc, uint64_t *pstate);

/* TPIDRURW and TPIDRURO: TPIDR_EL0[31:0] and TPIDRRO_EL0[31:0]. */
void a32_put_tpidr(struct a32_cpu *a, uint64_t tpidr, uint64_t tpidrro);
uint32_t a32_get_tpidrurw(struct a32_cpu *a);

/* Runs from the state loaded (or where it stopped) until something stops
 * it. */
enum a32_stop a32_run(struct a32_cpu *a);

#endif
