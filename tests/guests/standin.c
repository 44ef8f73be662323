/*
 * standin: a virtual timer that fires while its vCPU is switched out.
 *
 * Two vCPUs on one physical CPU. vCPU 1 arms its virtual timer 2 ms ahead
 * and waits in WFI, so it is blocked and switched out; vCPU 0 meanwhile
 * never waits, spinning until vCPU 1 reports. The saved timer must not be
 * lost: the hypervisor's own timer stands in at its deadline, vCPU 1 runs
 * again and takes the interrupt within a period of the deadline.
 */
#include "gic.h"
#include "guest.h"
#include "hv/abi.h"

#define CPU1_MPIDR 1ul

static volatile uint64_t deadline, taken_at;
static volatile bool fired, cpu1_ready;

static void on_irq(uint32_t intid)
{
	if (intid != GIC_VTIMER)
		return;
	taken_at = read_cntvct();
	__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	fired = true;
}

void secondary_main(uint64_t ctx)
{
	(void)ctx;
	gic_init();
	irq_set_handler(on_irq);
	gic_enable(GIC_VTIMER, true);
	deadline = read_cntvct() + 2 * (read_cntfrq() / 1000);
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
			     "msr cntv_ctl_el0, %1\n\tisb" ::"r"(deadline),
			     "r"(1ul));
	cpu1_ready = true;
	irq_unmask();
	while (!fired)
		__asm__ __volatile__("wfi" ::: "memory");
	irq_mask();
}

int main(uint64_t dtb)
{
	struct smccc_res res;
	uint64_t period = read_cntfrq() / 1000;

	(void)dtb;
	gprintf("standin: vCPU 1's timer fires while vCPU 0 spins\n");
	res = hvc_call(PSCI_CPU_ON_64, CPU1_MPIDR, (uintptr_t)_secondary_start,
		       0);
	check_ret("standin: CPU_ON_64(1)", (int64_t)res.x0, 0);
	/* Never WFI here: vCPU 1 runs only when the hypervisor makes vCPU 0
	 * give way (its time slice, or vCPU 1's deadline). */
	while (!fired)
		;
	check_true("standin: vCPU 1 armed its timer", cpu1_ready);
	check_true("standin: interrupt after the deadline",
		   taken_at >= deadline);
	check_true("standin: and within a period of it",
		   taken_at < deadline + period);
	return guest_done("standin");
}
