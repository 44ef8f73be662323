/*
 * scan: a hostile VM. It reads and writes every 2 MiB of the whole
 * guest-physical address space outside its own RAM and its emulated
 * devices, where the RAM of the other VMs is in host memory, and must get
 * a synchronous external abort for every access: never another VM's bytes,
 * never a write that lands. Run with the victim VM (tests/vms), whose
 * checksum of its own RAM must not change.
 */
#include "guest.h"

#define STEP	    0x200000ul
#define IPA_LIMIT   (1ul << 39) /* the hypervisor's stage-2 input size */
#define DEVICES	    0x08000000ul
#define DEVICES_END 0x0c000000ul
#define ESR_DABT    0x96000010u /* EC 0x25, IL, DFSC 0x10 */
#define ESR_WNR	    (1u << 6)

static uint64_t reads, writes, read_aborts, write_aborts, wrong;

static bool aborted(uint64_t addr, uint32_t want)
{
	struct guest_exc exc;

	if (!exc_taken(&exc))
		return false;
	if ((uint32_t)exc.esr != want || exc.far != addr)
		wrong++;
	return true;
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("scan: every 2 MiB of the %u-bit IPA space outside my RAM "
		"and devices\n",
		39u);
	for (uint64_t a = 0; a < IPA_LIMIT; a += STEP) {
		uint64_t value = 0;

		if ((a >= GUEST_RAM_BASE &&
		     a < GUEST_RAM_BASE + GUEST_RAM_SIZE) ||
		    (a >= DEVICES && a < DEVICES_END))
			continue;
		exc_expect();
		__asm__ __volatile__("ldr %0, [%1]"
				     : "+r"(value)
				     : "r"(a)
				     : "memory");
		reads++;
		if (aborted(a, ESR_DABT))
			read_aborts++;
		else if (value != 0)
			gprintf("scan: read 0x%llx at 0x%llx\n",
				(unsigned long long)value,
				(unsigned long long)a);
		exc_expect();
		__asm__ __volatile__("str %0, [%1]"
				     :
				     : "r"(0x5ca5ca5ca5ca5ca5ul), "r"(a)
				     : "memory");
		writes++;
		if (aborted(a, ESR_DABT | ESR_WNR))
			write_aborts++;
	}
	check_eq("scan: reads", reads,
		 (IPA_LIMIT - GUEST_RAM_SIZE - (DEVICES_END - DEVICES)) / STEP);
	check_eq("scan: reads that aborted", read_aborts, reads);
	check_eq("scan: writes that aborted", write_aborts, writes);
	check_eq("scan: aborts with another syndrome or address", wrong, 0);
	return guest_done("scan");
}
