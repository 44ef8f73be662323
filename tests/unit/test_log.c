/*
 * Unit tests of hv/log.c and hv/err.c: line format, truncation, panic, and
 * the per-vCPU rate limit on the counter hal_sim lets the test set.
 */
#include "helpers.h"

#include "hv/err.h"
#include "hv/log.h"

#include <hal/counter.h>

#include <stdio.h>

static jmp_buf halt_jmp;
static int halt_status;
static int halt_halted;

static void halt_hook(int status, int halted)
{
	halt_status = status;
	halt_halted = halted;
	longjmp(halt_jmp, 1);
}

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	return 0;
}

static void test_log_line_has_prefix_and_newline(void **st)
{
	(void)st;
	hv_log("value %d, name %s", 5, "x");
	assert_string_equal(console(), "hv: value 5, name x\n");
	hv_log("%s", "");
	assert_string_equal(console(), "hv: value 5, name x\nhv: \n");
}

/* A VM named "guest" with two vCPUs, enough for hv_log_vcpu. */
static struct vm_config flood_cfg = {.name = "guest", .vcpu_count = 2};
static struct vm flood_vm;

static struct vcpu *flood_vcpu(unsigned id)
{
	struct vcpu *v = &flood_vm.vcpus[id];

	flood_vm.cfg = &flood_cfg;
	v->vm = &flood_vm;
	v->id = id;
	return v;
}

static int setup_flood(void **state)
{
	(void)state;
	hal_sim_reset();
	memset(&flood_vm, 0, sizeof(flood_vm));
	/* Any start: the bucket is full at first, whatever the time. */
	hal_sim_set_counter(1000000000ull);
	return 0;
}

/* Counter ticks for one token: hal_sim's 62.5 MHz / 5 lines a second. */
#define TOKEN_TICKS (62500000ull / HV_LOG_RATE)

static void advance(uint64_t ticks)
{
	hal_sim_set_counter(hal_counter_read() + ticks);
}

/* Logs n lines "line <first + i>" about v; returns how many were printed. */
static unsigned log_lines(struct vcpu *v, unsigned first, unsigned n)
{
	const char *out;
	size_t before, after;
	unsigned printed = 0;

	for (unsigned i = 0; i < n; i++) {
		hal_sim_console_output(&before);
		hv_log_vcpu(v, "line %u", first + i);
		out = hal_sim_console_output(&after);
		if (after != before && strstr(out + before, "line ") != NULL)
			printed++;
	}
	return printed;
}

static void test_log_vcpu_burst_of_ten_then_suppressed(void **st)
{
	struct vcpu *v = flood_vcpu(0);
	char want[512] = "";

	(void)st;
	assert_int_equal(HV_LOG_BURST, 10);
	for (unsigned i = 0; i < 10; i++) {
		char line[32];

		snprintf(line, sizeof(line), "hv: guest/0: line %u\n", i);
		strcat(want, line);
	}
	assert_int_equal(log_lines(v, 0, 10), 10);
	assert_string_equal(console(), want);
	/* At the same time, the eleventh and after are dropped silently. */
	assert_int_equal(log_lines(v, 10, 25), 0);
	assert_string_equal(console(), want);
	assert_int_equal(v->log_limit.suppressed, 25);
}

static void test_log_vcpu_summary_comes_before_next_line(void **st)
{
	struct vcpu *v = flood_vcpu(0);

	(void)st;
	log_lines(v, 0, 10 + 37);
	hal_sim_console_clear();
	/* One tick short of a token: still nothing. */
	advance(TOKEN_TICKS - 1);
	hv_log_vcpu(v, "early");
	assert_string_equal(console(), "");
	advance(1);
	hv_log_vcpu(v, "pc 0x%llx", 0x40001000ull);
	assert_string_equal(console(), "hv: guest/0: 38 lines suppressed\n"
				       "hv: guest/0: pc 0x40001000\n");
	assert_int_equal(v->log_limit.suppressed, 0);
	/* That token is spent: the next line waits for another. */
	hal_sim_console_clear();
	hv_log_vcpu(v, "dropped");
	advance(TOKEN_TICKS);
	hv_log_vcpu(v, "kept");
	assert_string_equal(console(), "hv: guest/0: 1 line suppressed\n"
				       "hv: guest/0: kept\n");
}

static void test_log_vcpu_refills_five_a_second_up_to_the_burst(void **st)
{
	struct vcpu *v = flood_vcpu(0);

	(void)st;
	assert_int_equal(log_lines(v, 0, 11), 10);
	advance(62500000ull); /* one second: five tokens */
	assert_int_equal(log_lines(v, 0, 8), 5);
	advance(62500000ull / 2); /* half a second: two, and a half kept */
	assert_int_equal(log_lines(v, 0, 8), 2);
	advance(62500000ull / 2); /* the half and another half: three */
	assert_int_equal(log_lines(v, 0, 8), 3);
	/* A long quiet time fills the bucket, no more. */
	advance(62500000ull * 3600);
	assert_int_equal(log_lines(v, 0, 30), 10);
}

static void test_log_vcpu_limits_each_vcpu_on_its_own(void **st)
{
	struct vcpu *v0 = flood_vcpu(0), *v1 = flood_vcpu(1);

	(void)st;
	assert_int_equal(log_lines(v0, 0, 50), 10);
	hal_sim_console_clear();
	assert_int_equal(log_lines(v1, 0, 3), 3);
	assert_string_equal(console(), "hv: guest/1: line 0\n"
				       "hv: guest/1: line 1\n"
				       "hv: guest/1: line 2\n");
	/* Lines of the hypervisor's own are never limited. */
	hv_log("still here");
	assert_console_has("hv: still here\n");
}

static void test_log_vcpu_limit_survives_a_vcpu_reset(void **st)
{
	struct vcpu *v = flood_vcpu(0);

	(void)st;
	assert_int_equal(log_lines(v, 0, 12), 10);
	vcpu_reset(v, 0x40000000, 0);
	assert_int_equal(log_lines(v, 0, 5), 0);
	assert_int_equal(v->log_limit.suppressed, 7);
}

static void test_log_vm_lines_have_their_own_limit(void **st)
{
	struct vcpu *v = flood_vcpu(0);

	(void)st;
	assert_int_equal(log_lines(v, 0, 20), 10);
	hal_sim_console_clear();
	/* The VM's bucket is not the vCPU's: still full. */
	for (unsigned i = 0; i < 13; i++)
		hv_log_vm(&flood_vm, "system reset");
	assert_int_equal(flood_vm.log_limit.suppressed, 3);
	advance(TOKEN_TICKS);
	hv_log_vm(&flood_vm, "system reset");
	assert_console_has("hv: guest: system reset\n"
			   "hv: guest: 3 lines suppressed\n"
			   "hv: guest: system reset\n");
	assert_int_equal(strlen(console()),
			 11 * strlen("hv: guest: system reset\n") +
			     strlen("hv: guest: 3 lines suppressed\n"));
}

static void test_log_vcpu_line_names_vm_and_vcpu(void **st)
{
	struct vm_config cfg = {.name = "guest"};
	struct vm vm;

	(void)st;
	memset(&vm, 0, sizeof(vm));
	vm.cfg = &cfg;
	vm.vcpus[3].vm = &vm;
	vm.vcpus[3].id = 3;
	hv_log_vcpu(&vm.vcpus[3], "pc 0x%llx", 0x40000000ull);
	assert_string_equal(console(), "hv: guest/3: pc 0x40000000\n");
}

static void fill(char *s, char c, size_t n)
{
	memset(s, c, n);
	s[n] = '\0';
}

static void test_log_line_of_254_characters_is_kept_whole(void **st)
{
	char msg[251];
	size_t len;

	(void)st;
	fill(msg, 'a', 250);
	hv_log("%s", msg);
	assert_int_equal(strlen(console()), 255);
	hal_sim_console_output(&len);
	assert_int_equal(len, 255);
	assert_memory_equal(console(), "hv: aaaa", 8);
	assert_int_equal(console()[253], 'a');
	assert_int_equal(console()[254], '\n');
}

static void test_log_long_line_is_cut_but_ends_with_newline(void **st)
{
	char msg[400];

	(void)st;
	fill(msg, 'b', 251);
	hv_log("%s", msg);
	assert_int_equal(strlen(console()), 255);
	assert_int_equal(console()[253], 'b');
	assert_int_equal(console()[254], '\n');
	hal_sim_console_clear();
	fill(msg, 'c', 399);
	hv_log("%s!", msg);
	assert_int_equal(strlen(console()), 255);
	assert_int_equal(console()[254], '\n');
	/* The next line starts clean. */
	hv_log("next");
	assert_string_equal(console() + 255, "hv: next\n");
}

static void test_log_panic_prints_location_and_message_then_halts(void **st)
{
	(void)st;
	hal_sim_set_stop_hook(halt_hook);
	if (setjmp(halt_jmp) == 0) {
		hv_panic("dir/file.c", 42, "broken %u", 7u);
		fail_msg("hv_panic returned");
	}
	assert_int_equal(halt_halted, 1);
	assert_int_equal(halt_status, 1);
	assert_string_equal(console(), "hv: PANIC at dir/file.c:42\n"
				       "hv: broken 7\n"
				       "hv: halted\n");
}

static void test_log_check_panics_only_when_false(void **st)
{
	volatile int line = 0;
	char want[64];

	(void)st;
	hal_sim_set_stop_hook(halt_hook);
	HV_CHECK(1 + 1 == 2);
	assert_string_equal(console(), "");
	if (setjmp(halt_jmp) == 0) {
		line = __LINE__ + 1;
		HV_CHECK(1 + 1 == 3);
		fail_msg("HV_CHECK passed");
	}
	snprintf(want, sizeof(want), "test_log.c:%d\n", line);
	assert_console_has(want);
	assert_console_has("hv: check failed: 1 + 1 == 3\n");
}

static void test_err_names_every_value(void **st)
{
	(void)st;
	assert_string_equal(hv_err_str(HV_OK), "ok");
	assert_string_equal(hv_err_str(HV_ERR_NOMEM), "out of pool memory");
	assert_string_equal(hv_err_str(HV_ERR_INVAL), "invalid argument");
	assert_string_equal(hv_err_str(HV_ERR_ALIGN), "misaligned");
	assert_string_equal(hv_err_str(HV_ERR_RANGE), "out of range");
	assert_string_equal(hv_err_str(HV_ERR_OVERLAP), "overlapping");
	assert_string_equal(hv_err_str(HV_ERR_EXIST), "already exists");
	assert_string_equal(hv_err_str(HV_ERR_NOENT), "not found");
	assert_string_equal(hv_err_str(HV_ERR_ACCESS), "access refused");
	assert_string_equal(hv_err_str(HV_ERR_NOTSUP),
			    "not supported by this machine");
	assert_string_equal(hv_err_str((enum hv_err)(HV_ERR_NOTSUP + 1)),
			    "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_log_line_has_prefix_and_newline),
	    T(test_log_vcpu_line_names_vm_and_vcpu),
	    cmocka_unit_test_setup(test_log_vcpu_burst_of_ten_then_suppressed,
				   setup_flood),
	    cmocka_unit_test_setup(test_log_vcpu_summary_comes_before_next_line,
				   setup_flood),
	    cmocka_unit_test_setup(
		test_log_vcpu_refills_five_a_second_up_to_the_burst,
		setup_flood),
	    cmocka_unit_test_setup(test_log_vcpu_limits_each_vcpu_on_its_own,
				   setup_flood),
	    cmocka_unit_test_setup(test_log_vcpu_limit_survives_a_vcpu_reset,
				   setup_flood),
	    cmocka_unit_test_setup(test_log_vm_lines_have_their_own_limit,
				   setup_flood),
	    T(test_log_line_of_254_characters_is_kept_whole),
	    T(test_log_long_line_is_cut_but_ends_with_newline),
	    T(test_log_panic_prints_location_and_message_then_halts),
	    T(test_log_check_panics_only_when_false),
	    T(test_err_names_every_value),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
