/*
 * wfi: WFI blocks a vCPU until an interrupt is pending for it.
 *
 * With the virtual timer armed one period ahead, its interrupt enabled at
 * the GIC and IRQs masked in PSTATE, WFI must return at the deadline, not
 * before (WFI wakes on a pending interrupt whatever PSTATE.I says); the
 * guest then takes the interrupt by polling the GIC. WFE is a hint that
 * must return (QEMU's TCG does not even trap it). Last, with nothing armed
 * and IRQs masked, the vCPU must stay in its WFI loop for good: the test
 * ends on a timeout in QEMU, and hvsim stops because no interrupt can ever
 * come (which also shows that the vCPU was blocked, not spinning).
 */
#include "gic.h"
#include "guest.h"

#define REPEATS	   3
#define CTL_ENABLE 1ul

int main(uint64_t dtb)
{
	uint64_t deadline, woke;
	unsigned wakeups = 0;
	uint32_t intid;

	(void)dtb;
	gprintf("wfi: WFI blocks until an interrupt is pending\n");
	__asm__ __volatile__("msr daifset, #0xf" ::: "memory");
	gic_init();
	gic_enable(GIC_VTIMER, true);

	deadline = read_cntvct() + read_cntfrq() / 1000;
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
			     "msr cntv_ctl_el0, %1\n\t"
			     "isb" ::"r"(deadline),
			     "r"(CTL_ENABLE));
	/* WFI may return early (a hint: any interrupt pending at the PE,
	 * the hypervisor's included, completes it): wait in a loop. */
	do
		__asm__ __volatile__("wfi" ::: "memory");
	while (read_cntvct() < deadline && wakeups++ < 100);
	woke = read_cntvct();
	check_true("wfi: woke at the timer deadline, not before",
		   woke >= deadline);
	intid = gic_ack();
	check_eq("wfi: pending interrupt", intid, GIC_VTIMER);
	__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	gic_eoi(intid);

	for (unsigned i = 0; i < REPEATS; i++)
		__asm__ __volatile__("wfe" ::: "memory");
	gprintf("wfi: %u x wfe completed\n", REPEATS);

	gprintf("wfi: blocking with nothing armed and IRQs masked\n");
	for (;;)
		__asm__ __volatile__("wfi" ::: "memory");
}
