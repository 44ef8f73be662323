/*
 * eret: illegal exception returns (Arm ARM D1.4.4, "Illegal return
 * events from AArch64 state").
 *
 * From EL1, an ERET whose SPSR_EL1 asks for a higher EL (EL2, EL3), a
 * reserved mode (M[1] set, EL0 with M[0] set, M = 0b1111), an AArch32 EL1
 * (EL1 is AArch64 under HCR_EL2.RW) or an AArch32 mode of a higher EL (Hyp,
 * Monitor) does not change the EL or the stack: it restores NZCV and DAIF
 * from the SPSR, sets PSTATE.IL and goes to ELR_EL1, where the first
 * instruction takes an Illegal Execution state exception (EC 0x0E) at EL1.
 * A legal ERET with SPSR.IL set does the same at the EL it returns to (for
 * EL0, through the lower-EL vector: AArch64's, or AArch32's for a return
 * to AArch32 User mode). Each case prints the ESR_EL1, SPSR_EL1 and
 * vector of that exception and checks that ELR_EL1 is the ERET's target;
 * the hypervisor never sees any of it.
 */
#include "guest.h"
#include "lib/fmt.h"

#define ESR_ILLEGAL_STATE 0x3a000000ul /* EC 0x0E, IL */

#define PSR_NZCV_NV 0x90000000ul /* N and V: shows NZCV restored */
#define PSR_AIF	    0x1c0ul	 /* A, I, F masked, D clear: DAIF restored */
#define PSR_IL	    0x00100000ul
#define M_EL0T	    0x0ul
#define M_EL1H	    0x5ul
#define M_AA32_USR  0x10ul

#define VECTOR_CUR_SPX_SYNC   0x200ul
#define VECTOR_LOWER_A64_SYNC 0x400ul
#define VECTOR_LOWER_A32_SYNC 0x600ul

/* Recorded by eret.S's vectors. */
struct eret_seen {
	uint64_t vector, esr, elr, spsr, taken, resume;
};
volatile struct eret_seen eret_seen;

int eret_try(uint64_t spsr, int to_el0);
extern const char eret_landing_el1[], eret_landing_el0[];

/*
 * One ERET with SPSR_EL1 = spsr: an Illegal Execution state exception at
 * its target, with SPSR_EL1 want_spsr through vector want_vector.
 */
static void check_illegal(const char *what, uint64_t spsr, int to_el0,
			  uint64_t want_spsr, uint64_t want_vector)
{
	uintptr_t target =
	    to_el0 ? (uintptr_t)eret_landing_el0 : (uintptr_t)eret_landing_el1;
	char name[96];

	gprintf("%s: ERET with SPSR_EL1 0x%lx\n", what, (unsigned long)spsr);
	if (!eret_try(spsr, to_el0)) {
		fmt_snprintf(name, sizeof(name), "%s: an exception", what);
		check_true(name, false);
		return;
	}
	fmt_snprintf(name, sizeof(name), "%s: ESR_EL1", what);
	check_eq(name, eret_seen.esr, ESR_ILLEGAL_STATE);
	fmt_snprintf(name, sizeof(name), "%s: SPSR_EL1", what);
	check_eq(name, eret_seen.spsr, want_spsr);
	fmt_snprintf(name, sizeof(name), "%s: vector", what);
	check_eq(name, eret_seen.vector, want_vector);
	fmt_snprintf(name, sizeof(name), "%s: ELR_EL1 is the ERET's target",
		     what);
	check_true(name, eret_seen.elr == target);
}

/* An illegal return from EL1: EL1h kept, NZCV and DAIF from the SPSR. */
static void check_illegal_at_el1(const char *what, uint64_t mode)
{
	check_illegal(what, PSR_NZCV_NV | PSR_AIF | mode, 0,
		      PSR_NZCV_NV | PSR_AIF | PSR_IL | M_EL1H,
		      VECTOR_CUR_SPX_SYNC);
}

int main(uint64_t dtb)
{
	uint64_t legal = PSR_NZCV_NV | PSR_AIF | PSR_IL;

	(void)dtb;
	gprintf("eret: illegal exception returns from EL1\n");

	check_illegal_at_el1("to EL2h", 0x9);
	check_illegal_at_el1("to EL2t", 0x8);
	check_illegal_at_el1("to EL3h", 0xd);
	check_illegal_at_el1("M = 0b1111", 0xf);
	check_illegal_at_el1("M[1] set (0b0110)", 0x6);
	check_illegal_at_el1("EL0 with M[0] set", 0x1);
	check_illegal_at_el1("to AArch32 SVC (EL1 is AArch64)", 0x13);
	check_illegal_at_el1("to AArch32 Hyp", 0x1a);
	check_illegal_at_el1("to AArch32 Monitor", 0x16);

	/* Legal returns carrying SPSR.IL: the exception at the target. */
	check_illegal("EL1h with SPSR.IL", legal | M_EL1H, 0, legal | M_EL1H,
		      VECTOR_CUR_SPX_SYNC);
	check_illegal("EL0t with SPSR.IL", legal | M_EL0T, 1, legal | M_EL0T,
		      VECTOR_LOWER_A64_SYNC);
	/* AArch32 User mode (A32: T clear): no instruction runs there. */
	check_illegal("AArch32 User with SPSR.IL", legal | M_AA32_USR, 1,
		      legal | M_AA32_USR, VECTOR_LOWER_A32_SYNC);

	return guest_done("eret");
}
