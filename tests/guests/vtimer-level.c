/*
 * vtimer-level: the virtual timer's interrupt is a level, though the
 * hypervisor forwards it as a hardware-linked interrupt latched when the
 * physical PPI fires. The guest changes the line without trapping (CNTV_CTL
 * ENABLE and IMASK); what the distributor shows and delivers must follow it:
 *
 *   (a) PPI 27 disabled at the distributor, (b) the timer fires: pending,
 *   (c) the timer turned off: no longer pending, (d) PPI 27 enabled again:
 *   no interrupt. Re-armed, it fires once; its handler masks the timer
 *   (IMASK, deadline passed): active, not pending, and no second interrupt.
 *   Unmasked, the line is high again and the interrupt comes back.
 */
#include "gic.h"
#include "guest.h"

#define CTL_ENABLE 1ul
#define CTL_IMASK  2ul
#define CTL_STATUS 4ul
#define WAIT_TICKS 1000u /* 16,000 instructions at 62.5 MHz */

static volatile unsigned taken, wrong;
static volatile bool pending_in_handler, active_in_handler;

static void set_cval(uint64_t v)
{
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\tisb" ::"r"(v));
}

static void set_ctl(uint64_t v)
{
	__asm__ __volatile__("msr cntv_ctl_el0, %0\n\tisb" ::"r"(v));
}

static uint64_t get_ctl(void)
{
	uint64_t v;

	__asm__ __volatile__("isb\n\tmrs %0, cntv_ctl_el0" : "=r"(v));
	return v;
}

static void on_irq(uint32_t intid)
{
	if (intid != GIC_VTIMER) {
		wrong++;
		return;
	}
	taken++;
	/* The deadline has passed; masking drops the line. */
	set_ctl(CTL_ENABLE | CTL_IMASK);
	pending_in_handler = gic_is_pending(GIC_VTIMER);
	active_in_handler = gic_is_active(GIC_VTIMER);
}

/* Spins with interrupts unmasked for ticks of the counter, or until want
 * interrupts have been taken. */
static void run_for(uint64_t ticks, unsigned want)
{
	uint64_t start = read_cntvct();

	irq_unmask();
	while (read_cntvct() - start < ticks && taken < want)
		;
	irq_mask();
}

int main(uint64_t dtb)
{
	(void)dtb;
	gic_init();
	irq_set_handler(on_irq);

	gic_enable(GIC_VTIMER, false);
	set_cval(read_cntvct() + 100);
	set_ctl(CTL_ENABLE);
	while (!(get_ctl() & CTL_STATUS))
		;
	run_for(16, 1); /* the physical interrupt reaches the hypervisor */
	check_eq("vtimer-level: (b) fired while disabled: pending",
		 gic_is_pending(GIC_VTIMER), 1);
	set_ctl(0);
	check_eq("vtimer-level: (c) timer off: pending",
		 gic_is_pending(GIC_VTIMER), 0);
	gic_enable(GIC_VTIMER, true);
	run_for(WAIT_TICKS, 1);
	check_eq("vtimer-level: (d) enabled with the line low: interrupts",
		 taken, 0);

	set_cval(read_cntvct());
	set_ctl(CTL_ENABLE);
	run_for(WAIT_TICKS, 1);
	check_eq("vtimer-level: re-armed: interrupts", taken, 1);
	check_eq("vtimer-level: masked in its handler: pending",
		 pending_in_handler, 0);
	check_eq("vtimer-level: masked in its handler: active",
		 active_in_handler, 1);
	run_for(WAIT_TICKS, 2);
	check_eq("vtimer-level: masked: interrupts", taken, 1);
	check_eq("vtimer-level: masked: pending", gic_is_pending(GIC_VTIMER),
		 0);
	check_eq("vtimer-level: masked: active", gic_is_active(GIC_VTIMER), 0);

	set_ctl(CTL_ENABLE);
	run_for(WAIT_TICKS, 2);
	check_eq("vtimer-level: unmasked: interrupts", taken, 2);
	set_ctl(0);
	check_eq("vtimer-level: other interrupts", wrong, 0);
	return guest_done("vtimer-level");
}
