/* Unit tests of hv/smccc.c, hv/psci.c and hv/hypercall.c, through
 * smccc_call on a VM built with vm_create. */
#include "helpers.h"

#include "hv/abi.h"
#include "hv/smccc.h"

#define NOT_SUPPORTED ((uint64_t)-1)
#define INVALID_PARAM ((uint64_t)-2)
#define ALREADY_ON    ((uint64_t)-4)
#define INVALID_ADDR  ((uint64_t)-9)

#define ENTRY (TEST_RAM_IPA + 0x100)

static struct test_vm tvm;
static struct vm *vm;
static struct vcpu *v0;
static struct vcpu *v1;

static int setup(void **state)
{
	(void)state;
	vm = test_vm_boot(&tvm, "psci", 2);
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	return 0;
}

/* Makes the call fid from v with x1..x3 and returns x0. */
static uint64_t call(struct vcpu *v, uint64_t fid, uint64_t a1, uint64_t a2,
		     uint64_t a3)
{
	v->arch.regs.x[0] = fid;
	v->arch.regs.x[1] = a1;
	v->arch.regs.x[2] = a2;
	v->arch.regs.x[3] = a3;
	v->arch.exit.esr = 0; /* HVC #0 */
	smccc_call(v);
	return v->arch.regs.x[0];
}

static uint64_t call0(uint64_t fid)
{
	return call(v0, fid, 0, 0, 0);
}

static void test_psci_version_is_1_1(void **st)
{
	(void)st;
	assert_int_equal(call(v0, PSCI_0_2_VERSION, 11, 22, 33), 0x10001);
	/* Registers not used for results are preserved. */
	assert_int_equal(v0->arch.regs.x[1], 11);
	assert_int_equal(v0->arch.regs.x[2], 22);
	assert_int_equal(v0->arch.regs.x[3], 33);
}

static void test_psci_function_id_is_w0(void **st)
{
	(void)st;
	assert_int_equal(call0(0xffffffff00000000ull | PSCI_0_2_VERSION),
			 0x10001);
}

static void test_psci_features_of_supported_ids_is_zero(void **st)
{
	static const uint32_t ids[] = {
	    PSCI_0_2_VERSION,	    PSCI_CPU_SUSPEND_32,
	    PSCI_CPU_SUSPEND_64,    PSCI_CPU_OFF,
	    PSCI_CPU_ON_32,	    PSCI_CPU_ON_64,
	    PSCI_AFFINITY_INFO_32,  PSCI_AFFINITY_INFO_64,
	    PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
	    PSCI_SYSTEM_RESET,	    PSCI_FEATURES,
	    SMCCC_VERSION,
	};

	(void)st;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(call(v0, PSCI_FEATURES, ids[i], 0, 0), 0);
}

static void test_psci_features_of_unknown_ids_is_not_supported(void **st)
{
	static const uint32_t ids[] = {
	    0x84000005, /* MIGRATE */
	    0x84000007, /* MIGRATE_INFO_UP_CPU */
	    0xc4000012, /* SYSTEM_RESET2 */
	    0x8400000b, 0x84000000 | 0x1f,   0xc4000002,
	    0x86000000, SMCCC_ARCH_FEATURES, 0,
	};

	(void)st;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(call(v0, PSCI_FEATURES, ids[i], 0, 0),
				 NOT_SUPPORTED);
}

static void test_smccc_version_is_1_1(void **st)
{
	(void)st;
	assert_int_equal(call0(SMCCC_VERSION), 0x10001);
}

static void test_smccc_arch_features(void **st)
{
	(void)st;
	assert_int_equal(call(v0, SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0), 0);
	assert_int_equal(
	    call(v0, SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0), 0);
	/* SMCCC_ARCH_WORKAROUND_1 and _2 are not offered. */
	assert_int_equal(call(v0, SMCCC_ARCH_FEATURES, 0x80008000, 0, 0),
			 NOT_SUPPORTED);
	assert_int_equal(call(v0, SMCCC_ARCH_FEATURES, 0x80007fff, 0, 0),
			 NOT_SUPPORTED);
	assert_int_equal(call0(0x80000002), NOT_SUPPORTED);
}

static void test_psci_migrate_info_type_is_no_trusted_os(void **st)
{
	(void)st;
	assert_int_equal(call0(PSCI_MIGRATE_INFO_TYPE), 2);
}

static void test_psci_cpu_on_starts_the_target_at_entry(void **st)
{
	(void)st;
	v1->arch.regs.x[5] = 0x55;
	v1->arch.regs.pstate = 0;
	hal_vcpu_el1_write(&v1->arch, EL1_VBAR, 0x1234);
	hal_vcpu_el1_write(&v1->arch, EL1_SCTLR, 0x1);
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, ENTRY, 0xc0ffee), 0);
	assert_int_equal(v1->power, VCPU_ON);
	/* Its home CPU resets it when it next runs it (sched.c). */
	assert_true(v1->reset_pending);
	assert_int_equal(v1->arch.regs.x[5], 0x55);
	vcpu_apply_reset(v1);
	assert_false(v1->reset_pending);
	assert_int_equal(v1->arch.regs.pc, ENTRY);
	assert_int_equal(v1->arch.regs.x[0], 0xc0ffee);
	assert_int_equal(v1->arch.regs.x[5], 0);
	assert_int_equal(v1->arch.regs.pstate, 0x3c5);
	assert_int_equal(hal_vcpu_el1_read(&v1->arch, EL1_SCTLR), 0x30d00800);
	assert_int_equal(hal_vcpu_el1_read(&v1->arch, EL1_VBAR), 0);
	/* The caller keeps running. */
	assert_false(v0->arch.yield);
	assert_int_equal(v0->power, VCPU_ON);
}

static void test_psci_cpu_on_kicks_the_home_cpu_of_the_target(void **st)
{
	(void)st;
	/* Two physical CPUs, vCPU 1 homed on the second. */
	hal_sim_set_cpus(2);
	v1->arch.cpu = 1;
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, ENTRY, 0), 0);
	assert_int_equal(hal_sim_stats()->kicks[1], 1);
	assert_int_equal(hal_sim_stats()->kicks[0], 0);
	/* A target on the caller's own CPU needs no kick. */
	assert_int_equal(call(v0, PSCI_CPU_OFF, 0, 0, 0), 0);
	assert_int_equal(call(v1, PSCI_CPU_ON_64, 0, ENTRY, 0), 0);
	assert_int_equal(hal_sim_stats()->kicks[0], 0);
	assert_int_equal(hal_sim_stats()->kicks[1], 1);
}

static void test_psci_cpu_on_with_bits_outside_affinity_is_invalid(void **st)
{
	(void)st;
	/* Bit 31 (RES1 in MPIDR_EL1) and bits [31:24] are not affinity. */
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 0x80000001, ENTRY, 0),
			 INVALID_PARAM);
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 0x01000001, ENTRY, 0),
			 INVALID_PARAM);
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1ull << 40 | 1, ENTRY, 0),
			 INVALID_PARAM);
	assert_int_equal(v1->power, VCPU_OFF);
}

static void test_psci_cpu_on_of_nonexistent_vcpu_is_invalid(void **st)
{
	(void)st;
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 2, ENTRY, 0), INVALID_PARAM);
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 0x101, ENTRY, 0),
			 INVALID_PARAM);
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 0x100000001ull, ENTRY, 0),
			 INVALID_PARAM);
}

static void test_psci_cpu_on_of_running_vcpu_is_already_on(void **st)
{
	(void)st;
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 0, ENTRY, 0), ALREADY_ON);
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, ENTRY, 0), 0);
	v1->arch.regs.pc = 0x1234;
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, ENTRY + 4, 0), ALREADY_ON);
	/* The running target is left alone. */
	assert_int_equal(v1->arch.regs.pc, 0x1234);
}

static void test_psci_cpu_on_entry_outside_ram_or_misaligned(void **st)
{
	static const uint64_t bad[] = {
	    ENTRY + 2,
	    ENTRY + 1,
	    TEST_RAM_IPA - 4,
	    TEST_RAM_IPA + TEST_RAM_SIZE,
	    TEST_RAM_IPA + TEST_RAM_SIZE - 2,
	    0,
	    0xfffffffffffffffcull,
	};

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, bad[i], 0),
				 INVALID_ADDR);
	assert_int_equal(v1->power, VCPU_OFF);
	/* The last word of RAM is a valid entry point. */
	assert_int_equal(
	    call(v0, PSCI_CPU_ON_64, 1, TEST_RAM_IPA + TEST_RAM_SIZE - 4, 0),
	    0);
	vcpu_apply_reset(v1);
	assert_int_equal(v1->arch.regs.pc, TEST_RAM_IPA + TEST_RAM_SIZE - 4);
}

static void test_psci_cpu_on_32_truncates_arguments(void **st)
{
	(void)st;
	assert_int_equal(call(v0, PSCI_CPU_ON_32, 0xffffffff00000001ull,
			      0xabcdef0000000000ull | ENTRY,
			      0xdeadbeef00001234ull),
			 0);
	assert_int_equal(v1->power, VCPU_ON);
	vcpu_apply_reset(v1);
	assert_int_equal(v1->arch.regs.pc, ENTRY);
	assert_int_equal(v1->arch.regs.x[0], 0x1234);
	/* The same arguments in the SMC64 form are wrong. */
	v1->power = VCPU_OFF;
	assert_int_equal(
	    call(v0, PSCI_CPU_ON_64, 0xffffffff00000001ull, ENTRY, 0),
	    INVALID_PARAM);
}

static void test_psci_affinity_info_reports_power_state(void **st)
{
	(void)st;
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_64, 0, 0, 0), 0);
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_64, 1, 0, 0), 1);
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, ENTRY, 0), 0);
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_32, 1, 0, 0), 0);
	/* The 32-bit form ignores the upper halves. */
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_32, 0xffffffff00000001ull,
			      0xffffffff00000000ull, 0),
			 0);
}

static void test_psci_affinity_info_rejects_bad_target_or_level(void **st)
{
	(void)st;
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_64, 0, 1, 0),
			 INVALID_PARAM);
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_64, 0, 3, 0),
			 INVALID_PARAM);
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_64, 2, 0, 0),
			 INVALID_PARAM);
	assert_int_equal(call(v0, PSCI_AFFINITY_INFO_64, 0x80000000, 0, 0),
			 INVALID_PARAM);
}

static void test_psci_cpu_off_powers_the_caller_down(void **st)
{
	(void)st;
	assert_int_equal(call0(PSCI_CPU_OFF), 0);
	assert_int_equal(v0->power, VCPU_OFF);
	assert_true(v0->arch.yield);
	/* The VM itself keeps running until the scheduler sees it. */
	assert_int_equal(vm->state, VM_RUNNING);
	assert_string_equal(console(), "");
}

static void test_psci_cpu_suspend_yields_and_stays_on(void **st)
{
	(void)st;
	assert_int_equal(call0(PSCI_CPU_SUSPEND_64), 0);
	assert_true(v0->arch.yield);
	assert_int_equal(v0->power, VCPU_ON);
	v0->arch.yield = false;
	assert_int_equal(call0(PSCI_CPU_SUSPEND_32), 0);
	assert_true(v0->arch.yield);
}

static void test_psci_system_off_stops_the_vm_and_logs(void **st)
{
	(void)st;
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, ENTRY, 0), 0);
	assert_int_equal(call0(PSCI_SYSTEM_OFF), 0);
	assert_int_equal(vm->state, VM_OFF);
	assert_int_equal(vm->exit_status, 0);
	assert_int_equal(v0->power, VCPU_OFF);
	assert_int_equal(v1->power, VCPU_OFF);
	assert_true(v0->arch.yield);
	assert_true(v1->arch.yield);
	assert_string_equal(console(), "hv: psci: powered off by PSCI "
				       "SYSTEM_OFF, status 0\n");
}

static void test_psci_system_reset_asks_for_a_reset(void **st)
{
	(void)st;
	assert_int_equal(call0(PSCI_SYSTEM_RESET), 0);
	assert_int_equal(vm->state, VM_RESET_PENDING);
	assert_true(v0->arch.yield);
	assert_true(v1->arch.yield);
	/* The reset happens later, in the scheduler. */
	assert_int_equal(v0->power, VCPU_ON);
}

static void test_psci_unknown_function_is_not_supported(void **st)
{
	static const uint32_t ids[] = {
	    0x84000005, 0x84000007, 0x8400000b, 0x8400001f, 0xc4000000,
	    0xc4000002, 0xc4000008, 0xc4000012, 0x84000100, 0x84010000,
	};

	(void)st;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(call(v0, ids[i], 1, ENTRY, 0), NOT_SUPPORTED);
		assert_int_equal(v0->power, VCPU_ON);
		assert_int_equal(v1->power, VCPU_OFF);
		assert_int_equal(vm->state, VM_RUNNING);
	}
}

static void test_smccc_nonzero_immediate_is_not_supported(void **st)
{
	(void)st;
	v0->arch.regs.x[0] = PSCI_0_2_VERSION;
	v0->arch.exit.esr = 1; /* HVC #1 */
	smccc_call(v0);
	assert_int_equal(v0->arch.regs.x[0], NOT_SUPPORTED);
	v0->arch.regs.x[0] = PSCI_SYSTEM_OFF;
	v0->arch.exit.esr = 0xffff;
	smccc_call(v0);
	assert_int_equal(v0->arch.regs.x[0], NOT_SUPPORTED);
	assert_int_equal(vm->state, VM_RUNNING);
}

static void test_smccc_yielding_call_is_not_supported(void **st)
{
	(void)st;
	/* Bit 31 clear: a yielding call, even with a PSCI-looking id. */
	assert_int_equal(call0(PSCI_SYSTEM_OFF & ~SMCCC_FAST_CALL),
			 NOT_SUPPORTED);
	assert_int_equal(call0(0x06000000), NOT_SUPPORTED);
	assert_int_equal(vm->state, VM_RUNNING);
}

static void test_smccc_unknown_owner_is_not_supported(void **st)
{
	(void)st;
	assert_int_equal(call0(0x81000000), NOT_SUPPORTED); /* CPU service */
	assert_int_equal(call0(0x82000000), NOT_SUPPORTED); /* SiP */
	assert_int_equal(call0(0x83000000), NOT_SUPPORTED); /* OEM */
	assert_int_equal(call0(0x85000000), NOT_SUPPORTED); /* std hyp */
	assert_int_equal(call0(0xb0000000), NOT_SUPPORTED); /* trusted app */
	assert_int_equal(call0(0xbf00ff01), NOT_SUPPORTED); /* trusted OS */
}

static void test_hypercall_version(void **st)
{
	(void)st;
	assert_int_equal(call0(HV_CALL_VERSION), 0x10001);
}

static void test_hypercall_null_returns_zero(void **st)
{
	(void)st;
	assert_int_equal(call(v0, HV_CALL_NULL, 7, 8, 9), 0);
	assert_int_equal(v0->arch.regs.x[1], 7);
}

static void test_hypercall_vm_info_names_vm_vcpu_and_count(void **st)
{
	(void)st;
	vm->id = 2;
	assert_int_equal(call(v0, PSCI_CPU_ON_64, 1, ENTRY, 0), 0);
	assert_int_equal(call(v1, HV_CALL_VM_INFO, 0, 0, 0), 0);
	assert_int_equal(v1->arch.regs.x[1], 2);
	assert_int_equal(v1->arch.regs.x[2], 1);
	assert_int_equal(v1->arch.regs.x[3], 2);
}

static void test_hypercall_uid(void **st)
{
	(void)st;
	assert_int_equal(call0(HV_CALL_UID), 0x3c2a4d6f);
	assert_int_equal(v0->arch.regs.x[1], 0x4e4fb581);
	assert_int_equal(v0->arch.regs.x[2], 0x1c5a219e);
	assert_int_equal(v0->arch.regs.x[3], 0xe2447d0b);
}

static void test_hypercall_exit_stops_the_vm_with_status(void **st)
{
	(void)st;
	assert_int_equal(call(v0, HV_CALL_EXIT, 0xffffffff00000007ull, 0, 0),
			 0);
	assert_int_equal(vm->state, VM_OFF);
	assert_int_equal(vm->exit_status, 7);
	assert_true(v0->arch.yield);
	assert_string_equal(console(),
			    "hv: psci: powered off by exit hypercall, status "
			    "7\n");
}

static void test_hypercall_exit_status_is_a_signed_32_bit_value(void **st)
{
	(void)st;
	call(v0, HV_CALL_EXIT, 0xfffffffe, 0, 0);
	assert_int_equal(vm->exit_status, -2);
	assert_console_has("status -2\n");
}

static void test_hypercall_vm_boots_counts_the_boots(void **st)
{
	(void)st;
	assert_int_equal(call(v0, HV_CALL_VM_BOOTS, 0, 0, 0), 0);
	assert_int_equal(v0->arch.regs.x[1], 1);
	vm->boots = 3;
	assert_int_equal(call(v0, HV_CALL_VM_BOOTS, 0, 0, 0), 0);
	assert_int_equal(v0->arch.regs.x[1], 3);
}

static void test_hypercall_unknown_ids_are_not_supported(void **st)
{
	static const uint32_t ids[] = {0x86000005, 0x8600ff00, 0x8600ff02,
				       0x86ffffff, 0xc6000000, 0xc6000003};

	(void)st;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(call(v0, ids[i], 5, 0, 0), NOT_SUPPORTED);
		assert_int_equal(vm->state, VM_RUNNING);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_psci_version_is_1_1),
	    T(test_psci_function_id_is_w0),
	    T(test_psci_features_of_supported_ids_is_zero),
	    T(test_psci_features_of_unknown_ids_is_not_supported),
	    T(test_smccc_version_is_1_1),
	    T(test_smccc_arch_features),
	    T(test_psci_migrate_info_type_is_no_trusted_os),
	    T(test_psci_cpu_on_starts_the_target_at_entry),
	    T(test_psci_cpu_on_kicks_the_home_cpu_of_the_target),
	    T(test_psci_cpu_on_with_bits_outside_affinity_is_invalid),
	    T(test_psci_cpu_on_of_nonexistent_vcpu_is_invalid),
	    T(test_psci_cpu_on_of_running_vcpu_is_already_on),
	    T(test_psci_cpu_on_entry_outside_ram_or_misaligned),
	    T(test_psci_cpu_on_32_truncates_arguments),
	    T(test_psci_affinity_info_reports_power_state),
	    T(test_psci_affinity_info_rejects_bad_target_or_level),
	    T(test_psci_cpu_off_powers_the_caller_down),
	    T(test_psci_cpu_suspend_yields_and_stays_on),
	    T(test_psci_system_off_stops_the_vm_and_logs),
	    T(test_psci_system_reset_asks_for_a_reset),
	    T(test_psci_unknown_function_is_not_supported),
	    T(test_smccc_nonzero_immediate_is_not_supported),
	    T(test_smccc_yielding_call_is_not_supported),
	    T(test_smccc_unknown_owner_is_not_supported),
	    T(test_hypercall_version),
	    T(test_hypercall_null_returns_zero),
	    T(test_hypercall_vm_info_names_vm_vcpu_and_count),
	    T(test_hypercall_uid),
	    T(test_hypercall_exit_stops_the_vm_with_status),
	    T(test_hypercall_exit_status_is_a_signed_32_bit_value),
	    T(test_hypercall_vm_boots_counts_the_boots),
	    T(test_hypercall_unknown_ids_are_not_supported),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
