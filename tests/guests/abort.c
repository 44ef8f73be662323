/*
 * abort: accesses outside guest RAM, which stage 2 does not map.
 *
 * The hypervisor must turn each one into the synchronous external abort a
 * real machine would give for a hole in the address map, delivered to the
 * guest's own vector: a data abort for a load and for a store (WnR set), and
 * an instruction abort for a branch there, after which the guest resumes at
 * the branch's return address and carries on.
 */
#include "guest.h"

#define OUTSIDE_RAM	 0x20000000ul
#define ESR_DABT_READ	 0x96000010 /* EC 0x25, IL, DFSC 0x10 */
#define ESR_DABT_WRITE	 0x96000050 /* ... and WnR */
#define ESR_IABT	 0x86000010 /* EC 0x21, IL, IFSC 0x10 */
#define STORE_PROBE_ADDR (OUTSIDE_RAM + 8)

/*
 * branch_to(target) calls target; if that aborts, the handler resumes at
 * branch_to_return, where the frame pushed before the blr is still intact.
 */
__asm__(".pushsection .text.branch_to, \"ax\", %progbits\n"
	".global branch_to\n"
	".global branch_to_return\n"
	".type branch_to, %function\n"
	"branch_to:\n"
	"	stp	x29, x30, [sp, #-16]!\n"
	"	blr	x0\n"
	"branch_to_return:\n"
	"	ldp	x29, x30, [sp], #16\n"
	"	ret\n"
	".size branch_to, . - branch_to\n"
	".popsection");
void branch_to(uintptr_t target);
extern const char branch_to_return[];

static unsigned aborts;

static void check_load_aborts(void)
{
	uint32_t value;

	exc_expect();
	__asm__ __volatile__("ldr %w0, [%1]"
			     : "=r"(value)
			     : "r"(OUTSIDE_RAM)
			     : "memory");
	(void)value;
	if (check_exc("ldr w from 0x20000000", ESR_DABT_READ, OUTSIDE_RAM,
		      NULL))
		aborts++;
}

static void check_store_aborts(void)
{
	exc_expect();
	__asm__ __volatile__("str %w0, [%1]"
			     :
			     : "r"(0x5a5a5a5au), "r"(STORE_PROBE_ADDR)
			     : "memory");
	if (check_exc("str w to 0x20000008", ESR_DABT_WRITE, STORE_PROBE_ADDR,
		      NULL))
		aborts++;
}

static void check_fetch_aborts(void)
{
	struct guest_exc exc;

	exc_expect();
	exc_set_resume((uintptr_t)branch_to_return);
	branch_to(OUTSIDE_RAM);
	if (check_exc("blr to 0x20000000", ESR_IABT, OUTSIDE_RAM, &exc)) {
		aborts++;
		check_eq("blr to 0x20000000: ELR_EL1", exc.elr, OUTSIDE_RAM);
	}
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("abort: loads, stores and a branch outside guest RAM\n");

	check_load_aborts();
	check_store_aborts();
	check_fetch_aborts();
	gprintf("abort: continued after %u aborts\n", aborts);

	return guest_done("abort");
}
