/*
 * offtimer: a VM that powers off from inside its virtual timer's interrupt
 * handler, the interrupt still active. Beside it on the same physical CPU
 * (tests/vms), the timer guest must keep getting its own timer's
 * interrupts: the physical PPI the hypervisor forwarded to this VM must
 * not stay active on that CPU after the VM is gone.
 */
#include "gic.h"
#include "guest.h"

#include "hv/abi.h"

static void on_irq(uint32_t intid)
{
	gprintf("offtimer: interrupt %u taken; powering off without EOI\n",
		(unsigned)intid);
	hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	check_true("offtimer: SYSTEM_OFF does not return", false);
}

int main(uint64_t dtb)
{
	(void)dtb;
	gic_init();
	irq_set_handler(on_irq);
	gic_enable(GIC_VTIMER, true);
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\tisb" ::"r"(
	    read_cntvct() + read_cntfrq() / 1000));
	__asm__ __volatile__("msr cntv_ctl_el0, %0\n\tisb" ::"r"(1ul));
	irq_unmask();
	for (;;)
		__asm__ __volatile__("wfi" ::: "memory");
}
