/* trace: the exit table that reports to a sink, and the console sink. */
#include "hv/trace.h"

#include "hv/arch.h"
#include "hv/dev/vpl011.h"
#include "hv/log.h"
#include "hv/mmio.h"
#include "hv/vcpu.h"
#include "hv/vgic/vgic.h"
#include "hv/vm.h"

#include <hal/counter.h>
#include <hal/cpu.h>

const struct trace_sink *hv_trace_sink;

const char *trace_handler_name(const struct vcpu *v, const struct vcpu_exit *e)
{
	uint64_t ipa = mmio_fault_ipa(e);

	if (e->kind == VCPU_EXIT_IRQ)
		return e->intid == GIC_PPI_VTIMER ? "handle_vtimer"
						  : "handle_irq";
	if (e->kind == VCPU_EXIT_FIQ)
		return "handle_fiq";
	if (e->kind == VCPU_EXIT_SERROR)
		return "handle_serror";
	switch (esr_ec(e->esr)) {
	case EC_WFX:
		return "handle_wfx";
	case EC_HVC64:
		return "handle_hvc";
	case EC_SMC64:
		return "handle_smc";
	case EC_SYS64:
		return "handle_sysreg";
	case EC_IABT_LOW:
		return vm_ipa_in_ram(v->vm, ipa, 1) ? "handle_iabt ram"
						    : "handle_iabt";
	case EC_DABT_LOW:
		/* The path handle_dabt takes for the IPA (hv/exit.c). */
		if (ipa - VGIC_GICD_IPA < VGIC_GICD_SIZE_V3)
			return "handle_dabt gicd";
		if (ipa == VM_PL011_IPA + PL011_DR)
			return "handle_dabt pl011-dr";
		if (vm_ipa_in_ram(v->vm, ipa, 1))
			return "handle_dabt ram";
		return "handle_dabt mmio";
	default:
		return "handle_unknown";
	}
}

static void traced(struct hal_vcpu *a, hal_exit_fn fn)
{
	const struct trace_sink *s = hv_trace_sink;
	const struct vcpu *v = (const struct vcpu *)a;
	struct vcpu_exit e = a->exit;
	uint64_t t0 = s->now();

	fn(a);
	/* Declined: the backend runs it again, with every register. */
	if (a->need_regs)
		return;
	s->exit(v, t0, s->now(), &e, trace_handler_name(v, &e));
}

static void trace_sync(struct hal_vcpu *a)
{
	traced(a, hv_exit_table.sync[esr_ec(a->exit.esr)]);
}

static void trace_irq(struct hal_vcpu *a)
{
	traced(a, hv_exit_table.irq);
}

static void trace_vtimer(struct hal_vcpu *a)
{
	traced(a, hv_exit_table.vtimer);
}

static void trace_fiq(struct hal_vcpu *a)
{
	traced(a, hv_exit_table.fiq);
}

static void trace_serror(struct hal_vcpu *a)
{
	traced(a, hv_exit_table.serror);
}

#define S  trace_sync
#define S8 S, S, S, S, S, S, S, S
const struct hal_exit_table hv_trace_exit_table = {
    .sync = {S8, S8, S8, S8, S8, S8, S8, S8},
    .irq = trace_irq,
    .vtimer = trace_vtimer,
    .fiq = trace_fiq,
    .serror = trace_serror,
};
#undef S8
#undef S

void trace_inject(const struct vcpu *v, uint32_t intid)
{
	hv_trace_sink->inject(v, hv_trace_sink->now(), intid);
}

void trace_enter(unsigned cpu, const struct vcpu *v, bool switched)
{
	hv_trace_sink->enter(cpu, v, hv_trace_sink->now(), switched);
}

/* ---- the console sink ------------------------------------------------ */

#define PENDING_MAX 16

typedef unsigned long long ull;

static struct pending {
	const struct vcpu *v;
	uint64_t t;
	uint32_t intid;
} pending[HAL_MAX_CPUS][PENDING_MAX];
static unsigned pending_count[HAL_MAX_CPUS];
static unsigned pending_lost[HAL_MAX_CPUS];

static void flush_injects(void)
{
	unsigned cpu = hal_cpu_id();

	for (unsigned i = 0; i < pending_count[cpu]; i++) {
		const struct pending *p = &pending[cpu][i];

		hv_log("T I %x %x %x %llx %x", cpu, p->v->vm->id, p->v->id,
		       (ull)p->t, p->intid);
	}
	pending_count[cpu] = 0;
	if (pending_lost[cpu] != 0) {
		hv_log("trace: %u injections not recorded on CPU %u",
		       pending_lost[cpu], cpu);
		pending_lost[cpu] = 0;
	}
}

static void console_exit(const struct vcpu *v, uint64_t t0, uint64_t t1,
			 const struct vcpu_exit *e, const char *handler)
{
	bool sync = e->kind == VCPU_EXIT_SYNC;

	flush_injects();
	/* An IRQ exit has no syndrome: its INTID where the IPA goes. */
	hv_log("T X %x %x %x %llx %llx %llx %llx %s", hal_cpu_id(), v->vm->id,
	       v->id, (ull)t0, (ull)t1, (ull)(sync ? e->esr : 0),
	       (ull)(sync ? mmio_fault_ipa(e) : e->intid), handler);
}

static void console_enter(unsigned cpu, const struct vcpu *v, uint64_t t,
			  bool switched)
{
	flush_injects();
	hv_log("T E %x %x %x %llx %x", cpu, v->vm->id, v->id, (ull)t,
	       switched ? 1u : 0u);
}

static void console_inject(const struct vcpu *v, uint64_t t, uint32_t intid)
{
	unsigned cpu = hal_cpu_id();

	if (pending_count[cpu] == PENDING_MAX) {
		pending_lost[cpu]++;
		return;
	}
	pending[cpu][pending_count[cpu]++] = (struct pending){v, t, intid};
}

static const struct trace_sink console_sink = {
    .now = hal_counter_read,
    .exit = console_exit,
    .enter = console_enter,
    .inject = console_inject,
};

void trace_console_start(void)
{
	hv_log("T F %llx", (ull)hal_counter_freq());
	hv_trace_sink = &console_sink;
}
