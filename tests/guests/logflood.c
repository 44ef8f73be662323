/*
 * logflood: a guest that faults in a loop cannot flood the console.
 *
 * Every load outside RAM is a data abort the hypervisor injects and logs
 * ("hv: logflood/0: read outside RAM ..."). For 1050 ms of virtual time
 * (CNTVCT) the guest makes FAULTS_PER_SLOT such faults back to back every
 * SLOT_MS, its handler resuming after each one: 600 faults. The hypervisor's
 * per-vCPU limit (a burst of 10 lines, 5 more a second) lets 10 lines through
 * at once and one more at each 200 ms after the first fault, each of those
 * after a "N lines suppressed" line; one last fault after a quiet spell
 * reports what was left. Pacing the faults on the counter, instead of
 * faulting as fast as the CPU goes, makes every count exact whatever one
 * fault costs the hypervisor, in QEMU under -icount and in hvsim alike; no
 * 200 ms boundary falls within 1 ms of a slot.
 */
#include "gic.h"
#include "guest.h"

#define OUTSIDE_RAM	0x20000000ul
#define ESR_DABT_READ	0x96000010 /* EC 0x25, IL, DFSC 0x10 */
#define FLOOD_MS	1050u
#define SLOT_MS		7u
#define FAULTS_PER_SLOT 4u
#define QUIET_MS	250u
#define CTL_ENABLE	1ul

static volatile bool timer_fired;

static void on_irq(uint32_t intid)
{
	if (intid == GIC_VTIMER) {
		__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::
					 : "memory");
		timer_fired = true;
	}
}

/*
 * Waits in WFI for the virtual timer to reach deadline. IRQs stay masked
 * around the WFI (which a pending interrupt completes anyway) and are
 * opened only to take it, so it cannot slip in between the test and the
 * WFI.
 */
static void sleep_until(uint64_t deadline)
{
	if (read_cntvct() >= deadline)
		return;
	timer_fired = false;
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
			     "msr cntv_ctl_el0, %1\n\t"
			     "isb" ::"r"(deadline),
			     "r"(CTL_ENABLE)
			     : "memory");
	while (!timer_fired) {
		__asm__ __volatile__("wfi" ::: "memory");
		irq_unmask();
		__asm__ __volatile__("isb" ::: "memory");
		irq_mask();
	}
}

/* One load outside RAM; true if it came back as the expected abort. */
static bool fault(void)
{
	struct guest_exc exc;
	uint32_t value;

	exc_expect();
	__asm__ __volatile__("ldr %w0, [%1]"
			     : "=r"(value)
			     : "r"(OUTSIDE_RAM)
			     : "memory");
	(void)value;
	return exc_taken(&exc) && exc.esr == ESR_DABT_READ &&
	       exc.far == OUTSIDE_RAM && exc.vector == EXC_VECTOR_CUR_SPX_SYNC;
}

int main(uint64_t dtb)
{
	uint64_t ms = read_cntfrq() / 1000;
	uint64_t start, end;
	unsigned faults = 0, aborts = 0;

	(void)dtb;
	gprintf("logflood: %u loads outside RAM every %u ms for %u ms\n",
		FAULTS_PER_SLOT, SLOT_MS, FLOOD_MS);
	irq_mask();
	gic_init();
	irq_set_handler(on_irq);
	gic_enable(GIC_VTIMER, true);

	start = read_cntvct();
	end = start + FLOOD_MS * ms;
	for (uint64_t slot = start; slot < end; slot += SLOT_MS * ms) {
		sleep_until(slot);
		for (unsigned i = 0; i < FAULTS_PER_SLOT; i++) {
			faults++;
			if (fault())
				aborts++;
		}
	}
	check_ret("logflood: faults", faults, 600);
	check_ret("logflood: each one a data abort", aborts, faults);

	gprintf("logflood: quiet for %u ms, then one more\n", QUIET_MS);
	sleep_until(end + QUIET_MS * ms);
	check_true("logflood: last load a data abort", fault());

	return guest_done("logflood");
}
