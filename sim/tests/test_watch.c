/*
 * Unit tests of sim/watch.c: which data accesses fire which watchpoint,
 * with DBGWCR values written out field by field from the Arm ARM's layout
 * (D19.3.12: E [0], PAC [2:1], LSC [4:3], BAS [12:5], SSC [15:14], WT [20],
 * MASK [28:24]) so the test does not share arithmetic with the model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "hv/arch.h"
#include "watch.h"

#define ADDR 0x40001000ull

/* E, PAC = EL1 only, LSC = load, BAS = all eight bytes. */
#define WCR_EL1_LOAD_8 0x1febull
/* E, PAC = EL1 and EL0, LSC = load and store, BAS = all eight bytes. */
#define WCR_ANY_8 0x1fffull

static struct vcpu_debug d;

static int setup(void **st)
{
	(void)st;
	memset(&d, 0, sizeof(d));
	d.mdscr = MDSCR_MDE | MDSCR_KDE;
	d.wvr[0] = ADDR;
	d.wcr[0] = WCR_EL1_LOAD_8;
	return 0;
}

static bool fires(unsigned el, bool d_masked, uint64_t addr, unsigned size,
		  bool write, uint64_t *far)
{
	uint64_t f = 0xdead;
	bool hit = watch_check(&d, el, d_masked, addr, size, write, &f);

	if (far != NULL)
		*far = f;
	return hit;
}

static void test_watch_load_at_el1_fires_with_far_the_address(void **st)
{
	uint64_t far;

	(void)st;
	assert_true(fires(1, false, ADDR, 8, false, &far));
	assert_int_equal(far, ADDR);
	/* A byte inside, and an access that starts before the range. */
	assert_true(fires(1, false, ADDR + 5, 1, false, &far));
	assert_int_equal(far, ADDR + 5);
	assert_true(fires(1, false, ADDR - 4, 8, false, &far));
	assert_int_equal(far, ADDR);
	/* Just outside on both sides. */
	assert_false(fires(1, false, ADDR + 8, 8, false, NULL));
	assert_false(fires(1, false, ADDR - 8, 8, false, NULL));
}

static void test_watch_el1_needs_mde_kde_and_pstate_d_clear(void **st)
{
	(void)st;
	assert_false(fires(1, true, ADDR, 8, false, NULL));
	d.mdscr = MDSCR_MDE;
	assert_false(fires(1, false, ADDR, 8, false, NULL));
	d.mdscr = MDSCR_KDE;
	assert_false(fires(1, false, ADDR, 8, false, NULL));
	assert_false(watch_armed(&d));
}

static void test_watch_el0_needs_mde_only_and_pac_bit_1(void **st)
{
	(void)st;
	/* PAC = EL1 only: never at EL0. */
	assert_false(fires(0, false, ADDR, 8, false, NULL));
	d.wcr[0] = WCR_ANY_8;
	d.mdscr = MDSCR_MDE;
	assert_true(fires(0, true, ADDR, 8, false, NULL));
	/* EL2 is never the guest's. */
	assert_false(fires(2, false, ADDR, 8, false, NULL));
}

static void test_watch_lsc_selects_loads_stores_or_both(void **st)
{
	(void)st;
	assert_false(fires(1, false, ADDR, 8, true, NULL));
	d.wcr[0] = 0x1ff3; /* LSC = store */
	assert_true(fires(1, false, ADDR, 8, true, NULL));
	assert_false(fires(1, false, ADDR, 8, false, NULL));
	d.wcr[0] = 0x1ffb; /* LSC = both */
	assert_true(fires(1, false, ADDR, 8, true, NULL));
	assert_true(fires(1, false, ADDR, 8, false, NULL));
	d.wcr[0] = 0x1fe3; /* LSC = 0b00, reserved: disabled */
	assert_false(fires(1, false, ADDR, 8, true, NULL));
	assert_false(fires(1, false, ADDR, 8, false, NULL));
}

static void test_watch_bas_selects_bytes_of_the_doubleword(void **st)
{
	uint64_t far;

	(void)st;
	d.wcr[0] = 0x018b; /* BAS = 0b00001100: bytes 2 and 3 */
	assert_false(fires(1, false, ADDR, 2, false, NULL));
	assert_true(fires(1, false, ADDR + 1, 2, false, &far));
	assert_int_equal(far, ADDR + 2);
	assert_true(fires(1, false, ADDR + 3, 1, false, NULL));
	assert_false(fires(1, false, ADDR + 4, 4, false, NULL));
	/* Only the first run of ones counts: 0b10000011 is bytes 0-1. */
	d.wcr[0] = 0x106b;
	assert_true(fires(1, false, ADDR + 1, 1, false, NULL));
	assert_false(fires(1, false, ADDR + 7, 1, false, NULL));
	/* BAS = 0: disabled. */
	d.wcr[0] = 0x000b;
	assert_false(fires(1, false, ADDR, 8, false, NULL));
}

static void test_watch_word_aligned_address_uses_bas_3_0(void **st)
{
	(void)st;
	d.wvr[0] = ADDR + 4;
	d.wcr[0] = 0x1e0b; /* BAS = 0b11110000: ignored past bit 3 -> 0 */
	assert_false(fires(1, false, ADDR + 4, 4, false, NULL));
	d.wcr[0] = 0x002b; /* BAS = 0b00000001: byte 4 */
	assert_true(fires(1, false, ADDR + 4, 1, false, NULL));
	assert_false(fires(1, false, ADDR + 5, 1, false, NULL));
}

static void test_watch_mask_covers_an_aligned_power_of_two(void **st)
{
	uint64_t far;

	(void)st;
	d.wvr[0] = ADDR + 0x10;		   /* low bits are masked off */
	d.wcr[0] = (12ull << 24) | 0x1feb; /* 4 KiB: BAS ignored */
	assert_true(fires(1, false, ADDR + 0xff8, 8, false, &far));
	assert_int_equal(far, ADDR + 0xff8);
	assert_true(fires(1, false, ADDR, 1, false, NULL));
	assert_false(fires(1, false, ADDR + 0x1000, 1, false, NULL));
	/* MASK 1 and 2 are reserved: disabled. */
	d.wcr[0] = (2ull << 24) | 0x1feb;
	assert_false(fires(1, false, ADDR + 0x10, 4, false, NULL));
}

static void test_watch_secure_only_ssc_and_disabled_never_fire(void **st)
{
	(void)st;
	d.wcr[0] = WCR_EL1_LOAD_8 | (2ull << 14); /* SSC = 0b10: Secure */
	assert_false(fires(1, false, ADDR, 8, false, NULL));
	d.wcr[0] = WCR_EL1_LOAD_8 | (1ull << 14); /* SSC = 0b01 */
	assert_true(fires(1, false, ADDR, 8, false, NULL));
	d.wcr[0] = WCR_EL1_LOAD_8 & ~1ull;
	assert_false(fires(1, false, ADDR, 8, false, NULL));
	assert_false(watch_armed(&d));
}

static void test_watch_any_of_the_sixteen_pairs(void **st)
{
	uint64_t far;

	(void)st;
	d.wcr[0] = 0;
	d.wvr[15] = ADDR + 0x100;
	d.wcr[15] = WCR_EL1_LOAD_8;
	assert_true(watch_armed(&d));
	assert_true(fires(1, false, ADDR + 0x100, 8, false, &far));
	assert_int_equal(far, ADDR + 0x100);
	assert_false(fires(1, false, ADDR, 8, false, NULL));
}

static void test_watch_unmodelled_names_what_it_cannot_do(void **st)
{
	(void)st;
	assert_null(watch_unmodelled(&d));
	d.wcr[0] |= 1ull << 20; /* WT: linked to a context breakpoint */
	assert_string_equal(watch_unmodelled(&d), "a linked watchpoint");
	assert_false(fires(1, false, ADDR, 8, false, NULL));
	d.wcr[0] = WCR_EL1_LOAD_8;
	d.bcr[3] = 0x1e7; /* E, PMC = EL1 and EL0, BAS = 0b1111 */
	assert_string_equal(watch_unmodelled(&d), "a hardware breakpoint");
	/* Without MDE neither can fire: nothing to model. */
	d.mdscr = MDSCR_KDE;
	assert_null(watch_unmodelled(&d));
	d.mdscr |= MDSCR_SS;
	assert_string_equal(watch_unmodelled(&d),
			    "software step (MDSCR_EL1.SS)");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
	    T(test_watch_load_at_el1_fires_with_far_the_address),
	    T(test_watch_el1_needs_mde_kde_and_pstate_d_clear),
	    T(test_watch_el0_needs_mde_only_and_pac_bit_1),
	    T(test_watch_lsc_selects_loads_stores_or_both),
	    T(test_watch_bas_selects_bytes_of_the_doubleword),
	    T(test_watch_word_aligned_address_uses_bas_3_0),
	    T(test_watch_mask_covers_an_aligned_power_of_two),
	    T(test_watch_secure_only_ssc_and_disabled_never_fire),
	    T(test_watch_any_of_the_sixteen_pairs),
	    T(test_watch_unmodelled_names_what_it_cannot_do),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
