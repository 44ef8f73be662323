/*
 * bench: raw costs of the hypervisor's hottest paths, for scripts/bench and
 * the bench gate (tests/bench).
 *
 * Run under "qemu -icount shift=0,sleep=off" every instruction takes the
 * same time and CNTVCT_EL0 ticks once per 16 of them, so a tick count is an
 * instruction count, the hypervisor's included. Every timed loop has the same
 * shape: LOOP_INSNS instructions of loop plus the one operation under test,
 * so subtracting the empty loop leaves the cost of that operation alone.
 *
 * The same image runs natively (at EL1 on QEMU without the hypervisor,
 * which then answers PSCI itself): what the hypervisor adds to an operation
 * is its count here minus its count there. The guest finds out where it is
 * from SMCCC_VERSION, which the hypervisor implements and QEMU's PSCI does
 * not, and skips what has no native counterpart.
 *
 * Output, one line per measure: "bench: NAME COUNT TICKS" (COUNT
 * operations took TICKS counter ticks). Not a test: it checks nothing and
 * always exits 0.
 */
#include "gic.h"
#include "guest.h"
#include "hv/abi.h"

/* Fewer for a traced run (scripts/insn-profile). */
#ifndef BENCH_ITERATIONS
#define BENCH_ITERATIONS 100000
#endif
#define ITERATIONS     BENCH_ITERATIONS
#define UART_LINES     (ITERATIONS / 100)
#define IRQS	       (ITERATIONS / 10)
#define LOOP_INSNS     3 /* mov, subs, b.ne */
#define UNKNOWN_HV_FID 0x860000ffu
#define UART_DR	       (PL011_BASE + 0x000)
#define GICD	       0x08000000ul
#define GICD_TYPER     (GICD + 0x004)
#define GICD_IIDR      (GICD + 0x008)
#define GICD_ISENABLER (GICD + 0x100)
#define GICD_IPRIO     (GICD + 0x400)
#define BENCH_SPI      48u /* wired to nothing, on both machines */
#define TIMER_IRQS     100
#define TIMER_LEAD     1000 /* ticks from arming to the deadline */
#define SGI_PING       1u   /* cpu0 -> cpu1 */
#define SGI_PONG       2u   /* cpu1 -> cpu0 */
#define SGI_WAKE       3u   /* cpu0 -> cpu1: look at cpu1_mode again */

static bool native;

/* The loop every timed operation sits in: w0 = arg, then op, n times. */
#define TIMED_LOOP(op, ...)                                                    \
	__asm__ __volatile__("1:	mov	w0, %w[arg]\n\t" op "\n\t"     \
			     "subs	%[n], %[n], #1\n\t"                         \
			     "b.ne	1b"                                         \
			     : [n] "+r"(n)                                     \
			     : __VA_ARGS__                                     \
			     : "x0", "x1", "x2", "x3", "cc", "memory")

static uint64_t time_empty_loop(uint64_t n)
{
	uint64_t start = read_cntvct();

	TIMED_LOOP("", [arg] "r"(0));
	return read_cntvct() - start;
}

/* SMCCC 1.1 preserves x4-x17 and x19-x30, so only x0-x3 are lost. */
static uint64_t time_hvc_loop(uint64_t n, uint32_t fid)
{
	uint64_t start = read_cntvct();

	TIMED_LOOP("hvc	#0", [arg] "r"(fid));
	return read_cntvct() - start;
}

/* A trapped store of w0 to addr, of the width op gives (strb, str). */
static uint64_t time_store_loop(uint64_t n, uintptr_t addr, uint32_t val,
				bool byte)
{
	uint64_t start = read_cntvct();

	if (byte)
		TIMED_LOOP(
		    "strb	w0, [%[a]]", [arg] "r"(val), [a] "r"(addr));
	else
		TIMED_LOOP("str	w0, [%[a]]", [arg] "r"(val), [a] "r"(addr));
	return read_cntvct() - start;
}

/* A trapped word load from addr. */
static uint64_t time_load_loop(uint64_t n, uintptr_t addr)
{
	uint64_t start = read_cntvct();

	TIMED_LOOP("ldr	w0, [%[a]]", [arg] "r"(0), [a] "r"(addr));
	return read_cntvct() - start;
}

static uint64_t time_uart_lines(unsigned n)
{
	uint64_t start = read_cntvct();

	for (unsigned i = 0; i < n; i++)
		uart_puts("bench line 0123456789abcdef\n");
	return read_cntvct() - start;
}

static volatile uint64_t timer_deadline, timer_latency;
static volatile unsigned timer_irqs;

/* Runs after the vector's register save and the acknowledge (an ICV or
 * GICV access, not trapped): that is the guest's IRQ handler. */
static void on_timer(uint32_t intid)
{
	uint64_t now = read_cntvct();

	if (intid != GIC_VTIMER)
		return;
	timer_latency += now - timer_deadline;
	timer_irqs++;
	__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

/*
 * Ticks from the virtual timer's deadline to the guest's handler, summed
 * over n interrupts, the guest busy (not in WFI) when each fires. Each one
 * is rounded down to a tick, so this is the latency to within 16
 * instructions, guest vector included.
 */
static uint64_t time_vtimer_latency(unsigned n)
{
	timer_latency = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned seen = timer_irqs;

		timer_deadline = read_cntvct() + TIMER_LEAD;
		__asm__ __volatile__(
		    "msr cntv_cval_el0, %0\n\t"
		    "msr cntv_ctl_el0, %1\n\tisb" ::"r"(timer_deadline),
		    "r"(1ul));
		while (timer_irqs == seen)
			;
	}
	return timer_latency;
}

/*
 * The same interrupt, exactly: the timer armed with a deadline already
 * passed fires at the instruction after the enabling write; the handler
 * turns it off. Each loop is the write, the interrupt (vector, handler,
 * EOI, return) and the loop, so the loop's count minus the native one is
 * exactly what the hypervisor adds between the deadline and the handler
 * (it does nothing after: the deactivation goes through the
 * hardware-linked list register).
 */
static uint64_t time_vtimer_loop(uint64_t n)
{
	uint64_t start;

	__asm__ __volatile__("msr cntv_cval_el0, xzr" ::: "memory");
	start = read_cntvct();
	TIMED_LOOP("msr	cntv_ctl_el0, x0\n\tisb", [arg] "r"(1));
	return read_cntvct() - start;
}

/* Two vCPUs: cpu1 answers pings, or yields in a loop. */
enum cpu1_mode {
	CPU1_OFF,
	CPU1_PONG,   /* waits in WFI, answers SGI_PING with SGI_PONG */
	CPU1_YIELD,  /* PSCI CPU_SUSPEND (standby) in a loop */
	CPU1_PARKED, /* done: waits in WFI for good */
};

static volatile unsigned cpu1_mode, cpu1_ready, pongs;
static volatile uint64_t yields_left;

static void on_sgi(uint32_t intid)
{
	if (intid == SGI_PING)
		gic_send_sgi(0, SGI_PONG);
	else if (intid == SGI_PONG)
		pongs++;
}

void secondary_main(uint64_t ctx)
{
	(void)ctx;
	gic_init();
	gic_enable(SGI_PING, true);
	gic_enable(SGI_WAKE, true);
	irq_unmask();
	cpu1_ready = 1;
	dsb_sy();
	gic_send_sgi(0, SGI_PONG);
	while (cpu1_mode == CPU1_PONG)
		__asm__ __volatile__("wfi" ::: "memory");
	/* Yields until cpu0 has made as many. */
	if (cpu1_mode == CPU1_YIELD) {
		uint64_t n = yields_left;

		TIMED_LOOP("hvc	#0", [arg] "r"(PSCI_CPU_SUSPEND_64));
	}
	for (;;)
		__asm__ __volatile__("wfi" ::: "memory");
}

/*
 * SGI round trips: cpu0 sends SGI_PING to cpu1 and waits in WFI until
 * cpu1's handler has answered with SGI_PONG. Both wait in WFI, so with one
 * vCPU per physical CPU only one CPU runs at a time under -icount and the
 * ticks count the instructions of both CPUs along the round trip.
 */
static uint64_t time_sgi_round_trips(unsigned n)
{
	uint64_t start = read_cntvct();

	for (unsigned i = 0; i < n; i++) {
		unsigned seen = pongs;

		gic_send_sgi(1, SGI_PING);
		while (pongs == seen)
			__asm__ __volatile__("wfi" ::: "memory");
	}
	return read_cntvct() - start;
}

/*
 * vCPU switches on one physical CPU: both vCPUs call PSCI CPU_SUSPEND
 * (standby, which yields) in a loop of the usual shape, so each call runs
 * the other vCPU until its next call. n calls on cpu0 make 2n switches.
 */
static uint64_t time_vcpu_switches(uint64_t n)
{
	uint64_t start;

	yields_left = n;
	dsb_sy();
	cpu1_mode = CPU1_YIELD;
	dsb_sy();
	gic_send_sgi(1, SGI_WAKE);
	start = read_cntvct();
	TIMED_LOOP("hvc	#0", [arg] "r"(PSCI_CPU_SUSPEND_64));
	return read_cntvct() - start;
}

static void report(const char *what, unsigned n, uint64_t ticks)
{
	gprintf("bench: %s %u %lu\n", what, n, (unsigned long)ticks);
}

int main(uint64_t dtb)
{
	(void)dtb;
	native =
	    (int64_t)hvc_call(SMCCC_VERSION, 0, 0, 0).x0 != SMCCC_VERSION_1_1;
	gprintf("bench: hypervisor path costs in CNTVCT_EL0 ticks%s\n",
		native ? ", native" : "");
	gprintf("bench: loop_insns %u\n", LOOP_INSNS);
	/* CNTPCT at the first instruction: instructions since QEMU's start,
	 * one tick per 16. */
	report("first_insn", 1, guest_entry_count);

	report("empty", ITERATIONS, time_empty_loop(ITERATIONS));
	/* Natively an unknown id is an UNDEF: there is no EL2 to take it. */
	if (!native)
		report("hvc_unknown", ITERATIONS,
		       time_hvc_loop(ITERATIONS, UNKNOWN_HV_FID));
	report("psci_version", ITERATIONS,
	       time_hvc_loop(ITERATIONS, PSCI_0_2_VERSION));

	uint64_t ticks = time_store_loop(ITERATIONS, UART_DR, '.', true);
	uart_putc('\n');
	report("dr_write", ITERATIONS, ticks);
	report("uart_line", UART_LINES, time_uart_lines(UART_LINES));

	report("gicd_iidr", ITERATIONS, time_load_loop(ITERATIONS, GICD_IIDR));
	report("gicd_typer", ITERATIONS,
	       time_load_loop(ITERATIONS, GICD_TYPER));
	gic_init();
	report("gicd_ipriorityr", ITERATIONS,
	       time_store_loop(ITERATIONS, GICD_IPRIO + BENCH_SPI, 0xa0, true));
	report("gicd_isenabler1", ITERATIONS,
	       time_store_loop(ITERATIONS, GICD_ISENABLER + 4,
			       1u << (BENCH_SPI % 32), false));

	irq_set_handler(on_timer);
	gic_enable(GIC_VTIMER, true);
	irq_unmask();
	report("vtimer", IRQS, time_vtimer_loop(IRQS));
	report("vtimer_latency", TIMER_IRQS, time_vtimer_latency(TIMER_IRQS));
	gic_enable(GIC_VTIMER, false);

	/* cpu1 joins for the two-vCPU measures. */
	irq_set_handler(on_sgi);
	gic_enable(SGI_PONG, true);
	cpu1_mode = CPU1_PONG;
	/* Natively on one CPU there is no cpu1. */
	if (hvc_call(PSCI_CPU_ON_64, 1, (uint64_t)_secondary_start, 0).x0 !=
	    PSCI_RET_SUCCESS) {
		gprintf("bench: done\n");
		return 0;
	}
	/* cpu1 sends SGI_PONG once it is ready. */
	while (!cpu1_ready)
		__asm__ __volatile__("wfi" ::: "memory");
	report("sgi_round_trip", IRQS, time_sgi_round_trips(IRQS));
	irq_mask();
	/* Switching vCPUs is the hypervisor's alone. */
	if (!native)
		report("vcpu_switch", 2 * IRQS, time_vcpu_switches(IRQS));

	gprintf("bench: done\n");
	return 0;
}
