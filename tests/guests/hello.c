/*
 * hello: the default demo guest.
 *
 * Shows the smallest useful conversation with the hypervisor: find the
 * device tree it passed in x0, ask who we are with HV_CALL_VM_INFO and which
 * hypervisor ABI we talk to, then power off cleanly.
 */
#include "guest.h"
#include "hv/abi.h"

#define FDT_MAGIC 0xd00dfeedu

static bool in_guest_ram(uint64_t addr, uint64_t size)
{
	return addr >= GUEST_RAM_BASE &&
	       addr - GUEST_RAM_BASE <= GUEST_RAM_SIZE - size;
}

/* The device tree header is big-endian; read it a byte at a time. */
static uint32_t read_be32(uint64_t addr)
{
	const volatile uint8_t *p = (const volatile uint8_t *)addr;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int main(uint64_t dtb)
{
	struct smccc_res res;

	gprintf("Hello from a guest at EL1!\n");

	if (in_guest_ram(dtb, 4))
		check_eq("hello: device tree magic", read_be32(dtb), FDT_MAGIC);
	else
		check_true("hello: device tree in guest RAM", false);

	res = hvc_call(HV_CALL_VM_INFO, 0, 0, 0);
	if ((int32_t)res.x0 == SMCCC_RET_SUCCESS)
		gprintf("hello: I am vCPU %u of %u in VM %u\n",
			(unsigned)res.x2, (unsigned)res.x3, (unsigned)res.x1);
	else
		check_ret("hello: HV_CALL_VM_INFO", (int32_t)res.x0,
			  SMCCC_RET_SUCCESS);

	res = hvc_call(HV_CALL_VERSION, 0, 0, 0);
	if ((int32_t)res.x0 >= 0)
		gprintf("hello: hypervisor ABI version %u.%u\n",
			(unsigned)(res.x0 >> 16) & 0xffff,
			(unsigned)res.x0 & 0xffff);
	else
		check_eq("hello: HV_CALL_VERSION", (uint32_t)res.x0,
			 HV_ABI_VERSION);

	return guest_done("hello");
}
