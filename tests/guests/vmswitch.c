/*
 * vmswitch: the cost of switching VMs on one physical CPU; not a test.
 *
 * tests/bench/measure.sh runs two VMs of this guest on -smp 1. Each calls
 * PSCI CPU_SUSPEND (standby, which yields) in a loop, so every call runs
 * the other VM until its own next call: in lockstep, one call of each VM
 * is two VM switches, each from one VM's trap until the other VM runs
 * (its loop's few instructions included, as in bench's vcpu_switch). The
 * first calls let the other VM boot and reach its loop, the last ones keep
 * it switching while this one reports, so the timed calls see only
 * switches between the two VMs.
 */
#include "guest.h"
#include "hv/abi.h"

#define WARM  64u
#define TIMED 1000u

/* n CPU_SUSPEND calls; SMCCC 1.1 keeps all but x0-x3. */
static void suspend_loop(uint64_t n)
{
	__asm__ __volatile__("1:	mov	w0, %w[fid]\n\t"
			     "hvc	#0\n\t"
			     "subs	%[n], %[n], #1\n\t"
			     "b.ne	1b"
			     : [n] "+r"(n)
			     : [fid] "r"(PSCI_CPU_SUSPEND_64)
			     : "x0", "x1", "x2", "x3", "cc", "memory");
}

int main(uint64_t dtb)
{
	uint64_t start, ticks;

	(void)dtb;
	suspend_loop(WARM);
	start = read_cntvct();
	suspend_loop(TIMED);
	ticks = read_cntvct() - start;
	suspend_loop(WARM);
	gprintf("vmswitch: vm_switch %u %lu\n", 2 * TIMED,
		(unsigned long)ticks);
	return guest_done("vmswitch");
}
