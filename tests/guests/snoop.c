/*
 * snoop: a VM beside the one given the PL031 (tests/vms, passthrough): the
 * device's page is in no stage 2 but its owner's, so each access here is
 * a stage-2 fault the hypervisor answers with a synchronous external
 * abort, the device untouched.
 */
#include "guest.h"

#define RTC_DR	 0x09010000ul
#define RTC_MR	 0x09010004ul
#define ESR_DABT 0x96000010u /* EC 0x25, IL, DFSC 0x10 */
#define ESR_WNR	 (1u << 6)

int main(uint64_t dtb)
{
	uint32_t v = 0;

	(void)dtb;
	gprintf("snoop: touching another VM's PL031\n");
	exc_expect();
	__asm__ __volatile__("ldr %w0, [%1]"
			     : "+r"(v)
			     : "r"(RTC_DR)
			     : "memory");
	check_exc("snoop: read of its data register", ESR_DABT, RTC_DR, NULL);
	check_eq("snoop: value read", v, 0);
	exc_expect();
	__asm__ __volatile__("str %w0, [%1]"
			     :
			     : "r"(0x5a5a5a5au), "r"(RTC_MR)
			     : "memory");
	check_exc("snoop: write of its match register", ESR_DABT | ESR_WNR,
		  RTC_MR, NULL);
	return guest_done("snoop");
}
