/* Unit tests of lib/fmt.c: conversions, flags, widths, truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "lib/fmt.h"

static char buf[128];

/* Formats into buf and checks both the text and the returned length. */
#define assert_fmt(expect, ...)                                                \
	do {                                                                   \
		size_t n_ = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);       \
		assert_string_equal(buf, (expect));                            \
		assert_int_equal(n_, strlen(expect));                          \
	} while (0)

static void test_fmt_plain_text_is_copied(void **st)
{
	(void)st;
	assert_fmt("", "");
	assert_fmt("hello, world", "hello, world");
}

static void test_fmt_percent_percent_is_one_percent(void **st)
{
	(void)st;
	assert_fmt("100%", "100%%");
	assert_fmt("%%", "%%%%");
}

static void test_fmt_c_prints_a_character(void **st)
{
	(void)st;
	assert_fmt("x", "%c", 'x');
	assert_fmt("    x", "%5c", 'x');
	assert_fmt("x  |", "%-3c|", 'x');
	/* '0' pads strings and characters with spaces. */
	assert_fmt("  x", "%03c", 'x');
}

static void test_fmt_s_prints_strings_and_null(void **st)
{
	(void)st;
	assert_fmt("abc", "%s", "abc");
	assert_fmt("(null)", "%s", (const char *)NULL);
	assert_fmt("   abc", "%6s", "abc");
	assert_fmt("abc   |", "%-6s|", "abc");
	assert_fmt("   abc", "%06s", "abc");
	/* Width smaller than the string never truncates. */
	assert_fmt("abcdef", "%2s", "abcdef");
}

static void test_fmt_d_and_i_print_signed_decimal(void **st)
{
	(void)st;
	assert_fmt("0", "%d", 0);
	assert_fmt("42", "%d", 42);
	assert_fmt("-1", "%i", -1);
	assert_fmt("2147483647", "%d", INT_MAX);
	assert_fmt("-2147483648", "%d", INT_MIN);
}

static void test_fmt_d_width_zero_pad_and_left(void **st)
{
	(void)st;
	assert_fmt("   42", "%5d", 42);
	assert_fmt("00042", "%05d", 42);
	assert_fmt("  -42", "%5d", -42);
	assert_fmt("-0042", "%05d", -42);
	assert_fmt("-42  |", "%-5d|", -42);
	/* '-' wins over '0', in either order. */
	assert_fmt("42   |", "%-05d|", 42);
	assert_fmt("42   |", "%0-5d|", 42);
	assert_fmt("12345", "%3d", 12345);
}

static void test_fmt_l_and_ll_read_64_bit_arguments(void **st)
{
	(void)st;
	assert_fmt("-9223372036854775808", "%ld", LONG_MIN);
	assert_fmt("9223372036854775807", "%lld", LLONG_MAX);
	assert_fmt("-9223372036854775808", "%lli", LLONG_MIN);
	assert_fmt("18446744073709551615", "%lu", ULONG_MAX);
	assert_fmt("18446744073709551615", "%llu", ULLONG_MAX);
	assert_fmt("ffffffffffffffff", "%llx", ULLONG_MAX);
	assert_fmt("FEDCBA9876543210", "%lX", 0xfedcba9876543210ul);
}

static void test_fmt_z_reads_size_t(void **st)
{
	(void)st;
	assert_fmt("18446744073709551615", "%zu", (size_t)SIZE_MAX);
	assert_fmt("1000", "%zx", (size_t)0x1000);
	assert_fmt("  7", "%3zu", (size_t)7);
}

static void test_fmt_u_x_X_print_unsigned(void **st)
{
	(void)st;
	assert_fmt("4294967295", "%u", UINT_MAX);
	assert_fmt("deadbeef", "%x", 0xdeadbeefu);
	assert_fmt("DEADBEEF", "%X", 0xdeadbeefu);
	assert_fmt("0", "%x", 0u);
	assert_fmt("0000beef", "%08x", 0xbeefu);
	assert_fmt("beef    |", "%-8x|", 0xbeefu);
	assert_fmt("    beef", "%8x", 0xbeefu);
	/* Without l, only 32 bits are read. */
	assert_fmt("ffffffff", "%x", (unsigned)-1);
}

static void test_fmt_p_prints_0x_and_lowercase_hex(void **st)
{
	(void)st;
	assert_fmt("0x1234", "%p", (void *)0x1234);
	assert_fmt("0x0", "%p", (void *)NULL);
	assert_fmt("0xffff800000001000", "%p", (void *)0xffff800000001000ull);
	/* The width covers "0x" and the digits together. */
	assert_fmt("0x1234  |", "%-8p|", (void *)0x1234);
	assert_fmt("    0x1234", "%10p", (void *)0x1234);
}

static void
test_fmt_unknown_conversion_is_copied_and_consumes_nothing(void **st)
{
	(void)st;
	assert_fmt("%q 7", "%q %d", 7);
	assert_fmt("%5q", "%5q");
	assert_fmt("%-08q", "%-08q");
	assert_fmt("%lq", "%lq");
	assert_fmt("%zq", "%zq");
	/* A third l is not a modifier: it is an unknown conversion. */
	assert_fmt("%llld", "%llld", 5ll);
	assert_fmt("%o", "%o", 8);
}

static void test_fmt_format_ending_in_a_spec_stops_there(void **st)
{
	(void)st;
	assert_fmt("abc%", "abc%");
	assert_fmt("abc%5", "abc%5");
	assert_fmt("abc%-l", "abc%-l");
}

static void test_fmt_width_stops_growing_at_1000(void **st)
{
	char big[1100];

	(void)st;
	/* 999 pads: the number is within the limit. */
	assert_int_equal(fmt_snprintf(big, sizeof(big), "%999d", 1), 999);
	assert_int_equal(big[997], ' ');
	assert_int_equal(big[998], '1');
	/* The fifth digit of 10000 is left over: it becomes the conversion. */
	assert_fmt("%10000d", "%10000d", 1);
}

static void test_fmt_snprintf_truncates_and_returns_full_length(void **st)
{
	(void)st;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 5, "hello world"), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'Z');
	assert_int_equal(fmt_snprintf(buf, 6, "hello"), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(fmt_snprintf(buf, 1, "hello"), 5);
	assert_string_equal(buf, "");
	assert_int_equal(fmt_snprintf(buf, 4, "%d", -12345), 6);
	assert_string_equal(buf, "-12");
}

static void test_fmt_snprintf_with_size_zero_writes_nothing(void **st)
{
	(void)st;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 0, "%s=%d", "abc", 42), 6);
	assert_int_equal(buf[0], 'Z');
	assert_int_equal(fmt_snprintf(NULL, 0, "%x", 0xabcu), 3);
}

static void test_fmt_mixed_conversions(void **st)
{
	(void)st;
	assert_fmt("hv: vm0/1: esr 0x96000050 at 0x40001000 (x5)",
		   "hv: %s/%u: esr 0x%08llx at 0x%llx (x%u)", "vm0", 1u,
		   0x96000050ull, 0x40001000ull, 5u);
}

struct counting_sink {
	char text[32];
	size_t calls;
};

static void count_putc(void *ctx, char c)
{
	struct counting_sink *s = ctx;

	if (s->calls < sizeof(s->text) - 1)
		s->text[s->calls] = c;
	s->calls++;
}

static size_t vprint(struct counting_sink *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vprint(count_putc, s, fmt, ap);
	va_end(ap);
	return n;
}

static void test_fmt_vprint_calls_the_sink_once_per_character(void **st)
{
	struct counting_sink s = {{0}, 0};

	(void)st;
	assert_int_equal(vprint(&s, "<%4d|%-3s|%c>", -7, "a", 'z'), 12);
	assert_int_equal(s.calls, 12);
	assert_string_equal(s.text, "<  -7|a  |z>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fmt_plain_text_is_copied),
	    cmocka_unit_test(test_fmt_percent_percent_is_one_percent),
	    cmocka_unit_test(test_fmt_c_prints_a_character),
	    cmocka_unit_test(test_fmt_s_prints_strings_and_null),
	    cmocka_unit_test(test_fmt_d_and_i_print_signed_decimal),
	    cmocka_unit_test(test_fmt_d_width_zero_pad_and_left),
	    cmocka_unit_test(test_fmt_l_and_ll_read_64_bit_arguments),
	    cmocka_unit_test(test_fmt_z_reads_size_t),
	    cmocka_unit_test(test_fmt_u_x_X_print_unsigned),
	    cmocka_unit_test(test_fmt_p_prints_0x_and_lowercase_hex),
	    cmocka_unit_test(
		test_fmt_unknown_conversion_is_copied_and_consumes_nothing),
	    cmocka_unit_test(test_fmt_format_ending_in_a_spec_stops_there),
	    cmocka_unit_test(test_fmt_width_stops_growing_at_1000),
	    cmocka_unit_test(
		test_fmt_snprintf_truncates_and_returns_full_length),
	    cmocka_unit_test(test_fmt_snprintf_with_size_zero_writes_nothing),
	    cmocka_unit_test(test_fmt_mixed_conversions),
	    cmocka_unit_test(test_fmt_vprint_calls_the_sink_once_per_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
