/*
 * reset: PSCI SYSTEM_RESET of a 2-vCPU VM while its second vCPU runs.
 *
 * First boot: cpu1 is started and spins for good; cpu0 notes the boot in
 * RAM past the image (a reset reloads the image, not the rest of RAM) and
 * asks for a reset. The hypervisor must stop cpu1 wherever it runs (on
 * -smp 2, another physical CPU), reload the image and start cpu0 alone at
 * the entry point. Second boot: cpu1 is off and can be started again.
 */
#include "guest.h"
#include "hv/abi.h"

#define SECONDARY_MPIDR 1
#define WAIT_SECONDS	10

/* Past the image and its stacks: kept across the reset. */
#define BOOTS (*(volatile uint32_t *)(GUEST_RAM_BASE + 0x02000000ul))

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
	if (BOOTS == 0) {
		gprintf("reset: first boot\n");
		if (!start_cpu1())
			return guest_done("reset");
		BOOTS = 1;
		dsb_sy();
		gprintf("reset: SYSTEM_RESET with cpu1 running\n");
		hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		check_true("reset: SYSTEM_RESET does not return", false);
		return guest_done("reset");
	}
	gprintf("reset: second boot, boots so far %u\n", (unsigned)BOOTS);
	check_ret(
	    "reset: AFFINITY_INFO_64(1) after the reset",
	    (int64_t)hvc_call(PSCI_AFFINITY_INFO_64, SECONDARY_MPIDR, 0, 0).x0,
	    PSCI_AFFINITY_OFF);
	start_cpu1();
	return guest_done("reset");
}
