/*
 * bench: raw costs of the hypervisor's hottest paths, for scripts/bench.
 *
 * Run under "qemu -icount shift=0,sleep=off" every instruction takes the
 * same time and CNTVCT_EL0 ticks once per 16 of them, so a tick count is an
 * instruction count, the hypervisor's included. Every timed loop has the same
 * shape: LOOP_INSNS instructions of loop plus the one operation under test,
 * so subtracting the empty loop leaves the cost of that operation alone.
 * Not a test: it checks nothing and always exits 0.
 */
#include "gic.h"
#include "guest.h"
#include "hv/abi.h"

#define ITERATIONS     100000
#define UART_LINES     1000
#define LOOP_INSNS     3 /* mov, subs, b.ne */
#define UNKNOWN_HV_FID 0x860000ffu
#define UART_DR	       (PL011_BASE + 0x000)
#define GICD_TYPER     0x08000004ul
#define TIMER_IRQS     100
#define TIMER_LEAD     1000 /* ticks from arming to the deadline */

static uint64_t time_empty_loop(uint64_t n)
{
	uint64_t start = read_cntvct();

	__asm__ __volatile__("1:	mov	w0, %w[arg]\n\t"
			     "subs	%[n], %[n], #1\n\t"
			     "b.ne	1b"
			     : [n] "+r"(n)
			     : [arg] "r"(UNKNOWN_HV_FID)
			     : "x0", "cc", "memory");
	return read_cntvct() - start;
}

/* SMCCC 1.1 preserves x4-x17 and x19-x30, so only x0-x3 are lost. */
static uint64_t time_hvc_loop(uint64_t n, uint32_t fid)
{
	uint64_t start = read_cntvct();

	__asm__ __volatile__("1:	mov	w0, %w[arg]\n\t"
			     "hvc	#0\n\t"
			     "subs	%[n], %[n], #1\n\t"
			     "b.ne	1b"
			     : [n] "+r"(n)
			     : [arg] "r"(fid)
			     : "x0", "x1", "x2", "x3", "cc", "memory");
	return read_cntvct() - start;
}

/* Unpolled: the emulated UART never fills up; QEMU's does not either. */
static uint64_t time_dr_write_loop(uint64_t n)
{
	uint64_t start = read_cntvct();

	__asm__ __volatile__("1:	mov	w0, %w[arg]\n\t"
			     "strb	w0, [%[dr]]\n\t"
			     "subs	%[n], %[n], #1\n\t"
			     "b.ne	1b"
			     : [n] "+r"(n)
			     : [arg] "r"('.'), [dr] "r"(UART_DR)
			     : "x0", "cc", "memory");
	return read_cntvct() - start;
}

static uint64_t time_uart_lines(unsigned n)
{
	uint64_t start = read_cntvct();

	for (unsigned i = 0; i < n; i++)
		uart_puts("bench line 0123456789abcdef\n");
	return read_cntvct() - start;
}

/* A trapped, emulated distributor register read. */
static uint64_t time_gicd_read_loop(uint64_t n)
{
	uint64_t start = read_cntvct();

	__asm__ __volatile__("1:	ldr	w0, [%[typer]]\n\t"
			     "subs	%[n], %[n], #1\n\t"
			     "b.ne	1b"
			     : [n] "+r"(n)
			     : [typer] "r"(GICD_TYPER)
			     : "x0", "cc", "memory");
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

/* Ticks from the virtual timer's deadline to the guest's handler, summed
 * over n interrupts, the guest busy (not in WFI) when each fires. */
static uint64_t time_vtimer_irqs(unsigned n)
{
	gic_init();
	irq_set_handler(on_timer);
	gic_enable(GIC_VTIMER, true);
	irq_unmask();
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
	irq_mask();
	return timer_latency;
}

static void report(const char *what, unsigned n, uint64_t ticks)
{
	gprintf("bench: %s %u %lu\n", what, n, (unsigned long)ticks);
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("bench: hypervisor path costs in CNTVCT_EL0 ticks\n");
	gprintf("bench: loop_insns %u\n", LOOP_INSNS);

	report("empty", ITERATIONS, time_empty_loop(ITERATIONS));
	report("hvc_unknown", ITERATIONS,
	       time_hvc_loop(ITERATIONS, UNKNOWN_HV_FID));
	report("psci_version", ITERATIONS,
	       time_hvc_loop(ITERATIONS, PSCI_0_2_VERSION));

	uint64_t ticks = time_dr_write_loop(ITERATIONS);
	uart_putc('\n');
	report("dr_write", ITERATIONS, ticks);

	report("uart_line", UART_LINES, time_uart_lines(UART_LINES));
	report("gicd_read", ITERATIONS, time_gicd_read_loop(ITERATIONS));
	report("vtimer_irq", TIMER_IRQS, time_vtimer_irqs(TIMER_IRQS));

	gprintf("bench: done\n");
	return 0;
}
