/*
 * semihost: semihosting calls (HLT #0xf000) from the guest reach nobody.
 *
 * QEMU serves semihosting for EL1 code before EL2 could trap it, so with
 * semihosting enabled a guest could end QEMU with a status of its choice,
 * write on the host's terminal or open host files. No command line that runs
 * a guest enables it; then HLT is what the architecture makes it without
 * halting debug: UNDEFINED, taken by the guest's own vector at EL1 with
 * EC 0x00 and ELR_EL1 on the HLT. The hypervisor never sees it.
 *
 * SYS_EXIT asks for status 42: if it were served, QEMU would stop before
 * "semihost: done". SYS_WRITE0's text starts like this guest's own console
 * lines, so if it reached the host's terminal it would be an extra line in
 * the transcript.
 */
#include "guest.h"
#include "lib/fmt.h"

#define SYS_WRITE0		     0x04
#define SYS_EXIT		     0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ESR_UNDEF		     0x02000000 /* EC 0x00, IL */

/* semihost_call(op, arg): x0 = op, x1 = arg, HLT #0xf000; returns x0. */
__asm__(".pushsection .text.semihost_call, \"ax\", %progbits\n"
	".global semihost_call\n"
	".global semihost_hlt\n"
	".type semihost_call, %function\n"
	"semihost_call:\n"
	"semihost_hlt:\n"
	"	hlt	#0xf000\n"
	"	ret\n"
	".size semihost_call, . - semihost_call\n"
	".popsection");
uint64_t semihost_call(uint64_t op, uint64_t arg);
extern const char semihost_hlt[];

static const uint64_t exit_block[2] = {ADP_STOPPED_APPLICATION_EXIT, 42};
static const char leak[] = "semihost| SYS_WRITE0 reached the host\n";

static void check_undef(const char *name, uint64_t op, uint64_t arg)
{
	struct guest_exc exc;
	char what[64];
	uint64_t x0;

	exc_expect();
	x0 = semihost_call(op, arg);
	fmt_snprintf(what, sizeof(what), "%s: HLT #0xf000", name);
	if (check_exc(what, ESR_UNDEF, EXC_FAR_ANY, &exc)) {
		fmt_snprintf(what, sizeof(what), "%s: ELR_EL1 on the HLT",
			     name);
		check_true(what, exc.elr == (uintptr_t)semihost_hlt);
	}
	fmt_snprintf(what, sizeof(what), "%s: x0 after it", name);
	check_eq(what, x0, op);
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("semihost: semihosting calls (HLT #0xf000) from EL1\n");

	check_undef("SYS_EXIT (ApplicationExit, 42)", SYS_EXIT,
		    (uintptr_t)exit_block);
	check_undef("SYS_WRITE0", SYS_WRITE0, (uintptr_t)leak);

	return guest_done("semihost");
}
