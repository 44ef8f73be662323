/*
 * Unit tests of the engine's reuse of its Unicorn CPUs between runs
 * (sim_engine_fini keeps them, cpu_get resets them): a run on a reused CPU
 * must see nothing of the run before. Two tiny guests, hand-assembled:
 *
 *   B writes TPIDR_EL0, opens an exclusive monitor with LDXR on a word,
 *   runs (so translates) the code at 0x4000_0800, which prints 'B'.
 *   A prints TPIDR_EL0 + '0', then the status of a STXR to B's word
 *   (1: no monitor), then runs the code at 0x4000_0800, which for A
 *   prints 'A'.
 *
 * A alone prints "01A". After B on the same CPU, a leaked TPIDR_EL0
 * prints 5, a leaked monitor 0, a block still translated from B's bytes B.
 *
 * C runs AArch32 EL0, which hvsim runs on a second CPU model (aarch32.h)
 * that a run does not keep: it ERETs to A32 code that prints 'C' and makes
 * an SVC, whose vector at VBAR_EL1 + 0x600 prints the EC ('0' + 0x11).
 * Its memory map is the one the kept CPU has already: the new AArch32
 * model must get it all the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hal_sim.h"

#include "hv/config.h"
#include "hv/main.h"

#define MACHINE_RAM 0x40000000ull
#define HV_SIZE	    0x00200000ull
#define GUEST_PA    (MACHINE_RAM + HV_SIZE)
#define GUEST_IPA   0x40000000ull
#define GUEST_SIZE  0x00400000ull /* the least: the tree is 2 MiB below */
#define KERNEL_PA   (GUEST_PA + GUEST_SIZE)
#define SHARED_OFF  0x800u
#define IMAGE_SIZE  0x1000u

/* mov x9, #0x09000000; mrs x0, tpidr_el0; add x0, x0, #'0'; str w0, [x9];
 * mov x1, #0x40001000; mov x2, #1; stxr w3, x2, [x1]; add w3, w3, #'0';
 * str w3, [x9]; mov x4, #0x40000800; blr x4; mov w0, #'\n'; str w0, [x9];
 * mov w0, #0x84000008 (PSCI SYSTEM_OFF); hvc #0 */
static const uint32_t guest_a[] = {
    0xd2a12009, 0xd53bd040, 0x9100c000, 0xb9000120, 0xd2a80001, 0xf2820001,
    0xd2800022, 0xc8037c22, 0x1100c063, 0xb9000123, 0xd2a80004, 0xf2810004,
    0xd63f0080, 0x52800140, 0xb9000120, 0x52b08000, 0x72800100, 0xd4000002};
/* mov w0, #'A'; str w0, [x9]; ret */
static const uint32_t shared_a[] = {0x52800820, 0xb9000120, 0xd65f03c0};

/* mov x9, #0x09000000; mov x0, #5; msr tpidr_el0, x0;
 * mov x1, #0x40001000; ldxr x2, [x1]; mov x4, #0x40000800; blr x4;
 * mov w0, #'\n'; str w0, [x9]; mov w0, #0x84000008; hvc #0 */
static const uint32_t guest_b[] = {
    0xd2a12009, 0xd28000a0, 0xd51bd040, 0xd2a80001, 0xf2820001,
    0xc85f7c22, 0xd2a80004, 0xf2810004, 0xd63f0080, 0x52800140,
    0xb9000120, 0x52b08000, 0x72800100, 0xd4000002};
/* mov w0, #'B'; str w0, [x9]; ret */
static const uint32_t shared_b[] = {0x52800840, 0xb9000120, 0xd65f03c0};

/* mov x9, #0x09000000; mov x0, #0x40000800; msr vbar_el1, x0;
 * mov x0, #0x10 (AArch32 User, A32); msr spsr_el1, x0;
 * mov x0, #0x40000800; msr elr_el1, x0; eret */
static const uint32_t guest_c[] = {
    0xd2a12009, 0xd2a80000, 0xf2810000, 0xd518c000, 0xd2800200,
    0xd5184000, 0xd2a80000, 0xf2810000, 0xd5184020, 0xd69f03e0};
/*
 * At VBAR_EL1, where no exception of C goes, A32 code: mov r0, #'C';
 * str r0, [r9]; svc #0. At VBAR_EL1 + 0x600: mrs x0, esr_el1;
 * lsr x0, x0, #26; add x0, x0, #'0'; str w0, [x9]; mov w0, #'\n';
 * str w0, [x9]; mov w0, #0x84000008 (PSCI SYSTEM_OFF); hvc #0
 */
static uint32_t vectors_c[0x189] = {0xe3a00043, 0xe5890000, 0xef000000};
static const uint32_t lower_a32_sync[] = {0xd5385200, 0xd35afc00, 0x9100c000,
					  0xb9000120, 0x52800140, 0xb9000120,
					  0x52b08000, 0x72800100, 0xd4000002};

static uint8_t image[IMAGE_SIZE];
static char console[4096];

/* Runs one VM with the guest and code at SHARED_OFF; the console output
 * goes to console, the instruction count is returned. */
static uint64_t run(const uint32_t *code, size_t code_len,
		    const uint32_t *shared, size_t shared_len)
{
	static struct hv_config hc;
	struct sim_options opt = {.max_insns = 100000, .insns_per_tick = 16};
	struct hal_platform *plat;
	const char *out;
	size_t len;
	uint64_t insns;
	char err[128];

	memset(image, 0, sizeof(image));
	memcpy(image, code, code_len);
	memcpy(image + SHARED_OFF, shared, shared_len);
	hal_sim_reset();
	plat = hal_sim_platform();
	plat->ram_base = pa_init(MACHINE_RAM);
	plat->ram_size = KERNEL_PA + IMAGE_SIZE - MACHINE_RAM;
	plat->hv_base = pa_init(MACHINE_RAM);
	plat->hv_size = HV_SIZE;
	memcpy((uint8_t *)hal_sim_mem_init(MACHINE_RAM, plat->ram_size) +
		   (KERNEL_PA - MACHINE_RAM),
	       image, sizeof(image));
	hc = (struct hv_config){
	    .vms = {{
		.name = "t",
		.node = "/chosen/t",
		.ram_ipa = ipa_init(GUEST_IPA),
		.ram_size = GUEST_SIZE,
		.ram_pa = pa_init(GUEST_PA),
		.ram_pa_fixed = true,
		.kernel = {pa_init(KERNEL_PA), IMAGE_SIZE},
		.kind = VM_KERNEL_RAW,
		.load = ipa_init(GUEST_IPA),
		.vcpu_count = 1,
		.console = true,
	    }},
	    .vm_count = 1,
	};
	assert_true(sim_engine_init(&opt, err, sizeof(err)));
	assert_int_equal(hv_main(&hc), 0);
	insns = sim_engine_stats()->insns;
	out = hal_sim_console_output(&len);
	assert_true(len < sizeof(console));
	memcpy(console, out, len);
	console[len] = '\0';
	sim_engine_fini();
	return insns;
}

#define RUN_A() run(guest_a, sizeof(guest_a), shared_a, sizeof(shared_a))
#define RUN_B() run(guest_b, sizeof(guest_b), shared_b, sizeof(shared_b))
#define RUN_C() run(guest_c, sizeof(guest_c), vectors_c, sizeof(vectors_c))

static void test_engine_reused_cpu_keeps_nothing_of_the_last_run(void **state)
{
	char first[sizeof(console)];
	uint64_t insns;

	(void)state;
	sim_engine_release(); /* a new CPU for the reference run */
	insns = RUN_A();
	assert_non_null(strstr(console, "t| 01A\n"));
	memcpy(first, console, sizeof(first));

	RUN_B();
	assert_non_null(strstr(console, "t| B\n"));

	assert_int_equal(RUN_A(), insns);
	assert_string_equal(console, first);
	sim_engine_release();
}

static void test_engine_aarch32_el0_runs_on_a_reused_cpu(void **state)
{
	char first[sizeof(console)];
	uint64_t insns_a, insns_c;

	(void)state;
	sim_engine_release();
	insns_a = RUN_A();
	memcpy(first, console, sizeof(first));

	memcpy(&vectors_c[0x600 / 4], lower_a32_sync, sizeof(lower_a32_sync));
	insns_c = RUN_C();
	assert_non_null(strstr(console, "t| CA\n"));
	assert_int_equal(RUN_C(), insns_c);
	assert_non_null(strstr(console, "t| CA\n"));

	assert_int_equal(RUN_A(), insns_a);
	assert_string_equal(console, first);
	sim_engine_release();
}

static void test_engine_release_then_init_runs_again(void **state)
{
	(void)state;
	RUN_B();
	sim_engine_release();
	RUN_B();
	assert_non_null(strstr(console, "t| B\n"));
	sim_engine_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
		test_engine_reused_cpu_keeps_nothing_of_the_last_run),
	    cmocka_unit_test(test_engine_aarch32_el0_runs_on_a_reused_cpu),
	    cmocka_unit_test(test_engine_release_then_init_runs_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
