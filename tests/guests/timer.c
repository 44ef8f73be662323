/*
 * timer: 100 periodic interrupts of a generic timer at 1 kHz, through the
 * virtual GIC.
 *
 * Each interrupt must arrive after its deadline and before the next one;
 * the handler re-arms the timer one period later (CVAL += period, so the
 * period does not drift) and the main loop waits in WFI. With TIMER_PHYS
 * the EL1 physical timer (CNTP_*, PPI 30, emulated by the hypervisor) is
 * used instead of the virtual one (CNTV_*, PPI 27, the hardware's).
 */
#include "gic.h"
#include "guest.h"

#define TICKS	   100u
#define RATE_HZ	   1000u
#define CTL_ENABLE 1ul

#ifdef TIMER_PHYS
#define NAME  "ptimer"
#define TIMER "CNTP"
#define INTID GIC_PTIMER
#define SET_CVAL(v)                                                            \
	__asm__ __volatile__("msr cntp_cval_el0, %0\n\tisb" ::"r"(v))
#define SET_CTL(v) __asm__ __volatile__("msr cntp_ctl_el0, %0\n\tisb" ::"r"(v))
static uint64_t now(void)
{
	uint64_t v;

	__asm__ __volatile__("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}
#else
#define NAME  "timer"
#define TIMER "CNTV"
#define INTID GIC_VTIMER
#define SET_CVAL(v)                                                            \
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\tisb" ::"r"(v))
#define SET_CTL(v) __asm__ __volatile__("msr cntv_ctl_el0, %0\n\tisb" ::"r"(v))
static uint64_t now(void)
{
	return read_cntvct();
}
#endif

static volatile unsigned ticks;
static volatile unsigned early, late, wrong;
static uint64_t period, deadline;

static void on_irq(uint32_t intid)
{
	uint64_t t = now();

	if (intid != INTID) {
		wrong++;
		return;
	}
	if (t < deadline)
		early++;
	if (t >= deadline + period)
		late++;
	ticks++;
	if (ticks == TICKS) {
		SET_CTL(0ul);
		return;
	}
	deadline += period;
	SET_CVAL(deadline);
}

int main(uint64_t dtb)
{
	uint64_t start, elapsed;

	(void)dtb;
	period = read_cntfrq() / RATE_HZ;
	gprintf("%s: %u interrupts of the %s timer at %u Hz\n", NAME, TICKS,
		TIMER, RATE_HZ);
	gic_init();
	irq_set_handler(on_irq);
	gic_enable(INTID, true);

	start = now();
	deadline = start + period;
	SET_CVAL(deadline);
	SET_CTL(CTL_ENABLE);
	irq_unmask();
	while (ticks < TICKS)
		__asm__ __volatile__("wfi" ::: "memory");
	irq_mask();
	elapsed = now() - start;

	check_eq(NAME ": interrupts", ticks, TICKS);
	check_eq(NAME ": before their deadline", early, 0);
	check_eq(NAME ": after the next deadline", late, 0);
	check_eq(NAME ": other interrupts", wrong, 0);
	check_true(NAME ": elapsed time is 100 periods",
		   elapsed >= TICKS * period && elapsed < (TICKS + 1) * period);
	return guest_done(NAME);
}
