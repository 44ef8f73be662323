/* Unit tests of hv/log.c and hv/err.c: line format, truncation, panic. */
#include "helpers.h"

#include "hv/err.h"
#include "hv/log.h"

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
	    T(test_log_line_of_254_characters_is_kept_whole),
	    T(test_log_long_line_is_cut_but_ends_with_newline),
	    T(test_log_panic_prints_location_and_message_then_halts),
	    T(test_log_check_panics_only_when_false),
	    T(test_err_names_every_value),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
