/*
 * victim: a VM that keeps a checksum of 16 MiB of its RAM while other VMs
 * run beside it (tests/vms): one scanning the whole address space, others
 * resetting or powering off. The memory is filled with a pattern, its
 * checksum printed, then recomputed pass after pass for a while: it must
 * never change, whatever the others do.
 */
#include "guest.h"

#define AREA	  (GUEST_RAM_BASE + 0x01000000ul)
#define AREA_SIZE 0x01000000ul
#define PASSES	  8u

static uint64_t checksum(void)
{
	const volatile uint64_t *p = (const volatile uint64_t *)AREA;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < AREA_SIZE / 8; i++)
		sum = (sum ^ p[i]) * 0x100000001b3ull;
	return sum;
}

int main(uint64_t dtb)
{
	volatile uint64_t *p = (volatile uint64_t *)AREA;
	uint64_t x = 0x9e3779b97f4a7c15ull, first;
	unsigned changed = 0;

	(void)dtb;
	for (uint64_t i = 0; i < AREA_SIZE / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
	first = checksum();
	gprintf("victim: checksum of 16 MiB of my RAM: 0x%llx\n",
		(unsigned long long)first);
	for (unsigned n = 0; n < PASSES; n++)
		if (checksum() != first)
			changed++;
	check_eq("victim: passes whose checksum changed", changed, 0);
	return guest_done("victim");
}
