/*
 * reset: PSCI SYSTEM_RESET of a 2-vCPU VM while its second vCPU runs.
 *
 * First boot (HV_CALL_VM_BOOTS says 1): cpu1 is started and spins for
 * good; cpu0 leaves a mark in RAM past the image and asks for a reset. The
 * hypervisor must stop cpu1 wherever it runs (on -smp 2, another physical
 * CPU), zero the RAM, reload the image and start cpu0 alone at the entry
 * point. Second boot: the mark is gone, cpu1 is off and can be started
 * again.
 */
#include "guest.h"
#include "hv/abi.h"

#define SECONDARY_MPIDR 1
#define WAIT_SECONDS	10

/* Past the image and its stacks: only a reset that kept RAM keeps it. */
#define MARK	   (*(volatile uint32_t *)(GUEST_RAM_BASE + 0x02000000ul))
#define MARK_VALUE 0x5eb007edu

static uint64_t boots(void)
{
	return hvc_call(HV_CALL_VM_BOOTS, 0, 0, 0).x1;
}

static volatile uint32_t cpu1_up; /* .bss: zero at every boot */

void secondary_main(uint64_t ctx)
{
	(void)ctx;
	dsb_sy();
	cpu1_up = 1;
	dsb_sy();
	sev();
	for (;;)
		wait_for_other_cpu();
}

static bool start_cpu1(void)
{
	uint64_t deadline = read_cntvct() + WAIT_SECONDS * read_cntfrq();

	if (!check_ret("reset: CPU_ON_64(1)",
		       (int64_t)hvc_call(PSCI_CPU_ON_64, SECONDARY_MPIDR,
					 (uintptr_t)_secondary_start, 0)
			   .x0,
		       PSCI_RET_SUCCESS))
		return false;
	while (!cpu1_up && read_cntvct() < deadline)
		wait_for_other_cpu();
	return check_true("reset: cpu1 runs", cpu1_up);
}

int main(uint64_t dtb)
{
	(void)dtb;
	if (boots() == 1) {
		gprintf("reset: first boot\n");
		if (!start_cpu1())
			return guest_done("reset");
		MARK = MARK_VALUE;
		dsb_sy();
		gprintf("reset: SYSTEM_RESET with cpu1 running\n");
		hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		check_true("reset: SYSTEM_RESET does not return", false);
		return guest_done("reset");
	}
	check_eq("reset: boots", boots(), 2);
	check_eq("reset: RAM past the image after the reset", MARK, 0);
	check_ret(
	    "reset: AFFINITY_INFO_64(1) after the reset",
	    (int64_t)hvc_call(PSCI_AFFINITY_INFO_64, SECONDARY_MPIDR, 0, 0).x0,
	    PSCI_AFFINITY_OFF);
	start_cpu1();
	return guest_done("reset");
}
