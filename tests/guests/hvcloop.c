/*
 * hvcloop: 1,000,000 null hypercalls (HV_CALL_NULL) in a tight loop, then
 * power off. The load of hvsim's exit-rate benchmark (scripts/bench runs it
 * with --stats); not a test.
 */
#include "guest.h"
#include "hv/abi.h"

#define CALLS 1000000u

int main(uint64_t dtb)
{
	uint64_t n = CALLS;

	(void)dtb;
	gprintf("hvcloop: %u null hypercalls\n", CALLS);
	__asm__ __volatile__("1:	mov	w0, %w[fid]\n\t"
			     "hvc	#0\n\t"
			     "subs	%[n], %[n], #1\n\t"
			     "b.ne	1b"
			     : [n] "+r"(n)
			     : [fid] "r"(HV_CALL_NULL)
			     : "x0", "x1", "x2", "x3", "cc", "memory");
	return guest_done("hvcloop");
}
