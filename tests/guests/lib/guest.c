/*
 * guest: how a test guest stops, and the default for CPUs it never planned
 * to start.
 */
#include "guest.h"
#include "hv/abi.h"

noreturn void guest_exit(int status)
{
	if (status == 0)
		hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	else
		hvc_call(HV_CALL_EXIT, (uint64_t)(int64_t)status, 0, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}

noreturn void cpu_off(void)
{
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	gprintf("cpu%u: PSCI CPU_OFF returned\n", cpu_index());
	guest_exit(1);
}

/* A guest that starts no secondary CPU has no business running one. */
__attribute__((weak)) void secondary_main(uint64_t ctx)
{
	(void)ctx;
	gprintf("cpu%u: started without a secondary_main\n", cpu_index());
	guest_exit(1);
}
