/*
 * trace: the exits as a timeline (docs/design.md, "The exits as a
 * timeline").
 *
 * With a sink set, the vCPUs run with hv_trace_exit_table, whose every
 * entry calls hv_exit_table's and tells the sink when the exit began and
 * ended (the sink's clock), its syndrome and IPA and which handler took
 * it; the scheduler tells it each time a vCPU enters its guest (and
 * whether another vCPU was loaded on that CPU before: a switch); the vGIC
 * each interrupt it puts in a list register. hvsim's --trace-json sink
 * writes Chrome trace events; the aarch64 image built with -DHV_TRACE=ON
 * prints compact lines on the console (trace_console_start), which
 * scripts/hv-trace turns into the same events.
 *
 * Compiled in where HV_TRACE_BUILD is 1 (every host build; the aarch64
 * image only with HV_TRACE), so the image the benchmarks measure carries
 * none of it.
 */
#ifndef HV_TRACE_H
#define HV_TRACE_H

#include "hv/exit.h"

#include <stdbool.h>
#include <stdint.h>

#ifndef HV_TRACE_BUILD
#define HV_TRACE_BUILD 0
#endif

struct vcpu;

struct trace_sink {
	uint64_t (*now)(void); /* the clock of every time below */
	/* An exit of v handled from t0 to t1 by handler ("handle_hvc"...). */
	void (*exit)(const struct vcpu *v, uint64_t t0, uint64_t t1,
		     const struct vcpu_exit *e, const char *handler);
	/* v enters its guest on physical CPU cpu; switch: it was not the
	 * vCPU loaded there. */
	void (*enter)(unsigned cpu, const struct vcpu *v, uint64_t t,
		      bool switched);
	/* intid put in a list register of v. */
	void (*inject)(const struct vcpu *v, uint64_t t, uint32_t intid);
};

/* The sink, or NULL: set before the VMs run, never changed after. */
extern const struct trace_sink *hv_trace_sink;

extern const struct hal_exit_table hv_trace_exit_table;

/* What handled e: the exit table's handler, and for a data abort the
 * device path its IPA takes ("handle_dabt gicd" ...). */
const char *trace_handler_name(const struct vcpu *v, const struct vcpu_exit *e);

/* The table to run vCPUs with. */
static inline const struct hal_exit_table *trace_exit_table(void)
{
#if HV_TRACE_BUILD
	if (hv_trace_sink != NULL)
		return &hv_trace_exit_table;
#endif
	return &hv_exit_table;
}

void trace_inject(const struct vcpu *v, uint32_t intid);
void trace_enter(unsigned cpu, const struct vcpu *v, bool switched);

#if HV_TRACE_BUILD
#define TRACE_INJECT(v, intid)                                                 \
	do {                                                                   \
		if (hv_trace_sink != NULL)                                     \
			trace_inject((v), (intid));                            \
	} while (0)
#define TRACE_ENTER(cpu, v, switched)                                          \
	do {                                                                   \
		if (hv_trace_sink != NULL)                                     \
			trace_enter((cpu), (v), (switched));                   \
	} while (0)
#else
#define TRACE_INJECT(v, intid)	      ((void)0)
#define TRACE_ENTER(cpu, v, switched) ((void)0)
#endif

/*
 * The console sink of the aarch64 trace image: one line per record,
 *   hv: T X <cpu> <vm> <vcpu> <t0> <t1> <esr> <ipa> <handler>
 *   hv: T E <cpu> <vm> <vcpu> <t> <switched>
 *   hv: T I <cpu> <vm> <vcpu> <t> <intid>
 * numbers in hex, times in counter ticks (T F <frequency> comes first),
 * an IRQ exit's INTID where the IPA goes; scripts/hv-trace reads them.
 * Injections are kept per CPU and printed at its next exit or entry (the
 * vGIC holds the VM's lock when it injects).
 */
void trace_console_start(void);

#endif
