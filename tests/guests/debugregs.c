/*
 * debugregs: each vCPU has its own breakpoints and watchpoints.
 *
 * Two vCPUs share one physical CPU (QEMU -smp 1, hvsim), handing over to
 * each other at every stage. vCPU 0 programs breakpoint and watchpoint 0,
 * arms the watchpoint on a variable (MDSCR_EL1.MDE and KDE, PSTATE.D
 * clear) and takes it: EC 0x35, FAR the variable, ELR the load. Then it
 * starts vCPU 1 (PSCI CPU_ON) and leaves it armed. vCPU 1 finds its own
 * pair 0 clear, loads and stores vCPU 0's variable with debug off, then
 * with MDE and KDE set and nothing programmed, then with its own
 * watchpoint armed on another variable, and must take nothing, while its
 * own watchpoint fires for it. Each reads back its own values after the
 * other has run, and vCPU 0's watchpoint keeps firing for it, except while
 * its OS Lock is set. Also: a reset sets the OS Lock, MDRAR_EL1 reads 0,
 * and the ID register gives the pair counts and no OS Double Lock.
 */
#include "guest.h"
#include "hv/abi.h"

#define CPU1_MPIDR 1ul

#define ESR_WATCHPOINT_LOAD  0xd6000022 /* EC 0x35, IL, DFSC 0x22 */
#define ESR_WATCHPOINT_STORE 0xd6000062 /* and WnR */

#define MDSCR_KDE (1ul << 13)
#define MDSCR_MDE (1ul << 15)

#define OSLSR_LOCKED   0xa /* OSLM = 0b10, OSLK */
#define OSLSR_UNLOCKED 0x8

/* DBGWCR: E, PAC = EL1, LSC = load, BAS = 8 bytes (vCPU 0's). */
#define WCR_CPU0 0x1febul
/* DBGWCR: E, PAC = EL1 and EL0, LSC = load and store, BAS = 8 bytes. */
#define WCR_CPU1 0x1ffful
/* DBGBCR, disabled: PMC = EL1 (vCPU 0) or EL1 and EL0, BAS = 0b1111. */
#define BCR_CPU0 0x1e2ul
#define BCR_CPU1 0x1e6ul
#define BVR_CPU0 0x40000100ul
#define BVR_CPU1 0x40000200ul

#define B_INITIAL 0x5555aaaa5555aaaaul

/* Each alone in its doubleword: BAS watches all eight bytes. */
static volatile uint64_t watched_a __attribute__((aligned(16)));
static volatile uint64_t watched_b __attribute__((aligned(16))) = B_INITIAL;

enum stage {
	STAGE_CPU1_UP = 1,     /* cpu0: armed; cpu1 may start */
	STAGE_CPU1_PROGRAMMED, /* cpu1: armed, its pair 0 is set */
	STAGE_CPU0_CHECKED,    /* cpu0: its own values, its watchpoint fires */
	STAGE_CPU1_DONE,       /* cpu1: checked, about to turn off */
};

static volatile uint32_t stage;

static void advance_to(enum stage next)
{
	dsb_sy();
	stage = next;
	dsb_sy();
	sev();
}

static void wait_for(enum stage s)
{
	while (stage < s)
		wait_for_other_cpu();
}

/* One load and one store, each a single instruction at a known address,
 * so a watchpoint's ELR_EL1 can be checked. */
__asm__(".pushsection .text.watched_access, \"ax\", %progbits\n"
	".global load_at, load_at_insn, store_at, store_at_insn\n"
	"load_at:\n"
	"load_at_insn:\n"
	"	ldr	x0, [x0]\n"
	"	ret\n"
	"store_at:\n"
	"store_at_insn:\n"
	"	str	x1, [x0]\n"
	"	ret\n"
	".popsection");
uint64_t load_at(volatile uint64_t *p);
void store_at(volatile uint64_t *p, uint64_t v);
extern const char load_at_insn[], store_at_insn[];

#define READ_SYSREG(name)                                                      \
	static uint64_t read_##name(void)                                      \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ __volatile__("mrs %0, " #name : "=r"(v));              \
		return v;                                                      \
	}
#define WRITE_SYSREG(name)                                                     \
	static void write_##name(uint64_t v)                                   \
	{                                                                      \
		__asm__ __volatile__("msr " #name ", %0\n\tisb" ::"r"(v)       \
				     : "memory");                              \
	}
#define SYSREG(name) READ_SYSREG(name) WRITE_SYSREG(name)

READ_SYSREG(id_aa64dfr0_el1)
READ_SYSREG(oslsr_el1)
READ_SYSREG(mdrar_el1)
WRITE_SYSREG(oslar_el1)
SYSREG(mdscr_el1)
SYSREG(dbgbvr0_el1)
SYSREG(dbgbcr0_el1)
SYSREG(dbgwvr0_el1)
SYSREG(dbgwcr0_el1)

static void debug_exceptions_unmasked(bool on)
{
	if (on)
		__asm__ __volatile__("msr daifclr, #8\n\tisb" ::: "memory");
	else
		__asm__ __volatile__("msr daifset, #8\n\tisb" ::: "memory");
}

static uint64_t field(uint64_t reg, unsigned lsb, unsigned width)
{
	return (reg >> lsb) & ((1ul << width) - 1);
}

/* A load of *p that must raise a watchpoint exception reporting p. */
static void check_load_fires(const char *what, volatile uint64_t *p)
{
	struct guest_exc exc;

	exc_expect();
	(void)load_at(p);
	if (!check_exc(what, ESR_WATCHPOINT_LOAD, EXC_FAR_ANY, &exc))
		return;
	check_true("  FAR_EL1 is the variable", exc.far == (uintptr_t)p);
	check_true("  ELR_EL1 is the load", exc.elr == (uintptr_t)load_at_insn);
}

/* Loads and stores of *p that must not raise anything. */
static void check_quiet(const char *what, volatile uint64_t *p)
{
	struct guest_exc exc;
	bool taken;

	exc_expect();
	(void)load_at(p);
	store_at(p, load_at(p));
	taken = exc_taken(&exc);
	if (taken)
		gprintf("%s: esr 0x%08lx\n", what, (unsigned long)exc.esr);
	check_true(what, !taken);
}

static void check_own_pair(const char *who, uint64_t bvr, uint64_t bcr,
			   volatile uint64_t *wvr, uint64_t wcr)
{
	gprintf("%s: pair 0 reads back its own values:\n", who);
	check_eq("  DBGBVR0_EL1", read_dbgbvr0_el1(), bvr);
	check_eq("  DBGBCR0_EL1", read_dbgbcr0_el1(), bcr);
	check_true("  DBGWVR0_EL1 is its variable",
		   read_dbgwvr0_el1() == (uintptr_t)wvr);
	check_eq("  DBGWCR0_EL1", read_dbgwcr0_el1(), wcr);
}

void secondary_main(uint64_t ctx)
{
	struct guest_exc exc;

	(void)ctx;
	wait_for(STAGE_CPU1_UP);
	check_eq("cpu1: OSLSR_EL1 after CPU_ON", read_oslsr_el1(),
		 OSLSR_LOCKED);
	check_eq("cpu1: DBGWVR0_EL1 after CPU_ON", read_dbgwvr0_el1(), 0);
	check_eq("cpu1: DBGWCR0_EL1 after CPU_ON", read_dbgwcr0_el1(), 0);
	check_eq("cpu1: MDSCR_EL1 after CPU_ON", read_mdscr_el1(), 0);
	write_oslar_el1(0);
	debug_exceptions_unmasked(true);
	check_quiet("cpu1: vCPU 0's variable, debug off: no exception",
		    &watched_a);
	write_mdscr_el1(MDSCR_MDE | MDSCR_KDE);
	check_quiet("cpu1: vCPU 0's variable, MDE and KDE set, no watchpoint "
		    "of its own: no exception",
		    &watched_a);
	write_dbgbvr0_el1(BVR_CPU1);
	write_dbgbcr0_el1(BCR_CPU1);
	write_dbgwvr0_el1((uintptr_t)&watched_b);
	write_dbgwcr0_el1(WCR_CPU1);
	advance_to(STAGE_CPU1_PROGRAMMED);

	wait_for(STAGE_CPU0_CHECKED);
	check_own_pair("cpu1", BVR_CPU1, BCR_CPU1, &watched_b, WCR_CPU1);
	check_eq("cpu1: MDSCR_EL1", read_mdscr_el1(), MDSCR_MDE | MDSCR_KDE);
	check_quiet("cpu1: vCPU 0's variable, its own watchpoint armed: no "
		    "exception",
		    &watched_a);
	check_load_fires("cpu1: load of its own variable", &watched_b);
	exc_expect();
	store_at(&watched_b, 0);
	if (check_exc("cpu1: store to it", ESR_WATCHPOINT_STORE, EXC_FAR_ANY,
		      &exc))
		check_true("  FAR_EL1 is the variable, ELR_EL1 the store",
			   exc.far == (uintptr_t)&watched_b &&
			       exc.elr == (uintptr_t)store_at_insn);
	debug_exceptions_unmasked(false);
	write_mdscr_el1(0);
	check_eq("  the store did not happen", watched_b, B_INITIAL);
	advance_to(STAGE_CPU1_DONE);
}

int main(uint64_t dtb)
{
	uint64_t dfr0 = read_id_aa64dfr0_el1();
	struct smccc_res res;

	(void)dtb;
	gprintf("debugregs: each vCPU has its own breakpoints and "
		"watchpoints\n");
	check_eq("ID_AA64DFR0_EL1.BRPs", field(dfr0, 12, 4), 5);
	check_eq("ID_AA64DFR0_EL1.WRPs", field(dfr0, 20, 4), 3);
	check_eq("ID_AA64DFR0_EL1.DoubleLock", field(dfr0, 36, 4), 0xf);
	check_eq("cpu0: OSLSR_EL1 after reset", read_oslsr_el1(), OSLSR_LOCKED);
	write_oslar_el1(0);
	check_eq("cpu0: OSLSR_EL1 after OSLAR_EL1 = 0", read_oslsr_el1(),
		 OSLSR_UNLOCKED);
	check_eq("cpu0: MDRAR_EL1", read_mdrar_el1(), 0);
	write_dbgbvr0_el1(BVR_CPU0);
	write_dbgbcr0_el1(BCR_CPU0);
	write_dbgwvr0_el1((uintptr_t)&watched_a);
	write_dbgwcr0_el1(WCR_CPU0);
	write_mdscr_el1(MDSCR_MDE | MDSCR_KDE);
	debug_exceptions_unmasked(true);
	check_load_fires("cpu0: load of its watched variable", &watched_a);

	/* Left armed, D clear, while vCPU 1 runs. */
	res = hvc_call(PSCI_CPU_ON_64, CPU1_MPIDR, (uintptr_t)_secondary_start,
		       0);
	check_ret("cpu0: CPU_ON_64(1)", (int64_t)res.x0, 0);
	advance_to(STAGE_CPU1_UP);
	wait_for(STAGE_CPU1_PROGRAMMED);

	check_own_pair("cpu0", BVR_CPU0, BCR_CPU0, &watched_a, WCR_CPU0);
	check_load_fires("cpu0: its watchpoint after vCPU 1 ran", &watched_a);
	advance_to(STAGE_CPU0_CHECKED);
	wait_for(STAGE_CPU1_DONE);

	check_load_fires("cpu0: and after vCPU 1 ran again", &watched_a);
	write_oslar_el1(1);
	check_eq("cpu0: OSLSR_EL1 after OSLAR_EL1 = 1", read_oslsr_el1(),
		 OSLSR_LOCKED);
	check_eq("cpu0: MDSCR_EL1 with the OS Lock set", read_mdscr_el1(),
		 MDSCR_MDE | MDSCR_KDE);
	check_quiet("cpu0: its variable with the OS Lock set: no exception",
		    &watched_a);
	write_oslar_el1(0);
	check_load_fires("cpu0: and with it clear again", &watched_a);
	debug_exceptions_unmasked(false);
	write_mdscr_el1(0);
	return guest_done("debugregs");
}
