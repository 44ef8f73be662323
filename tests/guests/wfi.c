/*
 * wfi: WFI and WFE with every interrupt masked.
 *
 * The hypervisor traps both (HCR_EL2.TWI/TWE) and must complete them and
 * return to the guest; a guest that hangs here has been descheduled for good.
 * QEMU 7.2 never traps WFE (it is a yield hint there), so on QEMU only the
 * WFI half reaches the hypervisor; the WFE half checks that it returns.
 */
#include "guest.h"

#define REPEATS 3

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("wfi: WFI and WFE with DAIF masked\n");

	__asm__ __volatile__("msr daifset, #0xf" ::: "memory");

	for (unsigned i = 0; i < REPEATS; i++)
		__asm__ __volatile__("wfi" ::: "memory");
	gprintf("wfi: %u x wfi completed\n", REPEATS);

	for (unsigned i = 0; i < REPEATS; i++)
		__asm__ __volatile__("wfe" ::: "memory");
	gprintf("wfi: %u x wfe completed\n", REPEATS);

	return guest_done("wfi");
}
