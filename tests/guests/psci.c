/*
 * psci: PSCI 1.1 as the hypervisor implements it, seen from a 2-vCPU VM.
 *
 * Checks the version and feature queries, the error codes of CPU_ON and
 * AFFINITY_INFO for bad arguments, and a full secondary CPU life cycle: cpu1
 * is started with a context id, is reported on (and ALREADY_ON to a second
 * CPU_ON) while it waits for permission to stop, then turns itself off with
 * CPU_OFF and is reported off. The two CPUs never print at the same time.
 */
#include "guest.h"
#include "hv/abi.h"

#define SECONDARY_MPIDR	  1
#define SECONDARY_CONTEXT 0x1234
#define UNKNOWN_PSCI_FID  0x8400001fu
#define NO_SUCH_MPIDR	  0x7
#define NO_SUCH_AFFINITY  0x100
#define ENTRY_OUTSIDE_RAM 0x1000

#define WAIT_SECONDS	   10
#define DEFAULT_COUNTER_HZ 62500000

/*
 * The hand-over between the two CPUs, so that only one of them prints at a
 * time: cpu0 starts cpu1 and reports it, cpu1 reports in, cpu0 checks it
 * while it is on, cpu1 turns itself off.
 */
enum stage {
	STAGE_CPU1_MAY_PRINT = 1, /* set by cpu0 */
	STAGE_CPU1_PRINTED,	  /* set by cpu1 */
	STAGE_CPU1_MAY_STOP,	  /* set by cpu0 */
};

static volatile uint32_t stage;

static void advance_to(enum stage next)
{
	dsb_sy();
	stage = next;
	dsb_sy();
	sev();
}

/* PSCI calls with SMC32 ids return a 32-bit value in w0. */
static int64_t psci32(uint32_t fid, uint64_t a1)
{
	return (int32_t)hvc_call(fid, a1, 0, 0).x0;
}

static int64_t psci64(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)hvc_call(fid, a1, a2, a3).x0;
}

static uint64_t counter_deadline(void)
{
	uint64_t hz = read_cntfrq();

	return read_cntvct() +
	       WAIT_SECONDS * (hz != 0 ? hz : DEFAULT_COUNTER_HZ);
}

static bool wait_for_stage(enum stage want)
{
	uint64_t deadline = counter_deadline();

	while (stage < want) {
		if (read_cntvct() > deadline)
			return false;
		wait_for_other_cpu();
	}
	return true;
}

static int64_t wait_for_cpu_off(uint64_t mpidr)
{
	uint64_t deadline = counter_deadline();
	int64_t state;

	for (;;) {
		state = psci64(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
		if (state == PSCI_AFFINITY_OFF || read_cntvct() > deadline)
			return state;
		wait_for_other_cpu();
	}
}

void secondary_main(uint64_t ctx)
{
	while (stage < STAGE_CPU1_MAY_PRINT)
		wait_for_other_cpu();
	gprintf("cpu%u: up, context 0x%lx\n", cpu_index(), (unsigned long)ctx);
	advance_to(STAGE_CPU1_PRINTED);
	while (stage < STAGE_CPU1_MAY_STOP)
		wait_for_other_cpu();
	cpu_off();
}

static void check_secondary_life_cycle(void)
{
	uintptr_t entry = (uintptr_t)_secondary_start;
	int64_t state;

	if (!check_ret("CPU_ON_64(1, _secondary_start, 0x1234)",
		       psci64(PSCI_CPU_ON_64, SECONDARY_MPIDR, entry,
			      SECONDARY_CONTEXT),
		       PSCI_RET_SUCCESS))
		return;
	advance_to(STAGE_CPU1_MAY_PRINT);
	if (!check_true("cpu1 reported in", wait_for_stage(STAGE_CPU1_PRINTED)))
		return;

	check_ret("AFFINITY_INFO_64(1, 0) while on",
		  psci64(PSCI_AFFINITY_INFO_64, SECONDARY_MPIDR, 0, 0),
		  PSCI_AFFINITY_ON);
	check_ret(
	    "CPU_ON_64(1) while on",
	    psci64(PSCI_CPU_ON_64, SECONDARY_MPIDR, entry, SECONDARY_CONTEXT),
	    PSCI_RET_ALREADY_ON);

	advance_to(STAGE_CPU1_MAY_STOP);

	state = wait_for_cpu_off(SECONDARY_MPIDR);
	if (state == PSCI_AFFINITY_OFF)
		gprintf("cpu1 is off\n");
	else
		check_ret("AFFINITY_INFO_64(1, 0) after CPU_OFF", state,
			  PSCI_AFFINITY_OFF);
}

int main(uint64_t dtb)
{
	uintptr_t entry = (uintptr_t)_secondary_start;
	struct smccc_res res;

	(void)dtb;
	gprintf("psci: PSCI 1.1 from EL1, 2 vCPUs\n");

	check_eq("PSCI_VERSION",
		 (uint32_t)hvc_call(PSCI_0_2_VERSION, 0, 0, 0).x0,
		 PSCI_VERSION_1_1);
	check_eq("SMCCC_VERSION", (uint32_t)hvc_call(SMCCC_VERSION, 0, 0, 0).x0,
		 SMCCC_VERSION_1_1);
	check_ret("PSCI_FEATURES(PSCI_VERSION)",
		  psci32(PSCI_FEATURES, PSCI_0_2_VERSION), PSCI_RET_SUCCESS);
	check_ret("PSCI_FEATURES(CPU_ON_64)",
		  psci32(PSCI_FEATURES, PSCI_CPU_ON_64), PSCI_RET_SUCCESS);
	check_ret("PSCI_FEATURES(SYSTEM_OFF)",
		  psci32(PSCI_FEATURES, PSCI_SYSTEM_OFF), PSCI_RET_SUCCESS);
	check_ret("PSCI_FEATURES(0x8400001f)",
		  psci32(PSCI_FEATURES, UNKNOWN_PSCI_FID),
		  PSCI_RET_NOT_SUPPORTED);
	check_ret("PSCI call 0x8400001f", psci32(UNKNOWN_PSCI_FID, 0),
		  PSCI_RET_NOT_SUPPORTED);
	check_ret("MIGRATE_INFO_TYPE", psci32(PSCI_MIGRATE_INFO_TYPE, 0),
		  PSCI_MIGRATE_TOS_NOT_PRESENT);
	check_ret("AFFINITY_INFO_64(0, 0)",
		  psci64(PSCI_AFFINITY_INFO_64, 0, 0, 0), PSCI_AFFINITY_ON);
	check_ret("AFFINITY_INFO_64(1, 0) before CPU_ON",
		  psci64(PSCI_AFFINITY_INFO_64, SECONDARY_MPIDR, 0, 0),
		  PSCI_AFFINITY_OFF);
	check_ret("AFFINITY_INFO_64(0x100, 0)",
		  psci64(PSCI_AFFINITY_INFO_64, NO_SUCH_AFFINITY, 0, 0),
		  PSCI_RET_INVALID_PARAMETERS);
	check_ret("CPU_ON_64(0) of the calling CPU",
		  psci64(PSCI_CPU_ON_64, 0, entry, 0), PSCI_RET_ALREADY_ON);
	check_ret("CPU_ON_64(0x7)",
		  psci64(PSCI_CPU_ON_64, NO_SUCH_MPIDR, entry, 0),
		  PSCI_RET_INVALID_PARAMETERS);

	check_secondary_life_cycle();

	check_ret("CPU_ON_64(1) with entry 0x1000 outside RAM",
		  psci64(PSCI_CPU_ON_64, SECONDARY_MPIDR, ENTRY_OUTSIDE_RAM, 0),
		  PSCI_RET_INVALID_ADDRESS);

	if (smc_call_without_exception("PSCI_VERSION via SMC", &res,
				       PSCI_0_2_VERSION, 0, 0, 0))
		check_eq("PSCI_VERSION via SMC", (uint32_t)res.x0,
			 PSCI_VERSION_1_1);

	return guest_done("psci");
}
