/*
 * Unit tests of sim/pl031.c: hvsim's PL031 behaves as QEMU 7.2's does for
 * the accesses a driver makes, on hvsim's counter (16 ns a tick), and
 * drives its SPI's line in hal_sim's GIC model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hal_sim.h"
#include "pl031.h"

#define TICKS_PER_S 62500000ull

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	sim_pl031_reset(0);
	return 0;
}

static void test_pl031_ids_and_control(void **st)
{
	static const uint8_t ids[8] = {0x31, 0x10, 0x14, 0x00,
				       0x0d, 0xf0, 0x05, 0xb1};

	(void)st;
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(sim_pl031_read(0xfe0 + 4 * i, 0), ids[i]);
	assert_int_equal(sim_pl031_read(0x0c, 0), 1);
	sim_pl031_write(0x0c, 0, 0);
	assert_int_equal(sim_pl031_read(0x0c, 0), 1);
	/* Write-only ICR and reserved offsets read 0. */
	assert_int_equal(sim_pl031_read(0x1c, 0), 0);
	assert_int_equal(sim_pl031_read(0x20, 0), 0);
	assert_int_equal(sim_pl031_read(0x1000, 0), 0);
}

static void test_pl031_counts_seconds_of_the_counter(void **st)
{
	(void)st;
	assert_int_equal(sim_pl031_read(0x00, 0), SIM_PL031_EPOCH);
	assert_int_equal(sim_pl031_read(0x00, TICKS_PER_S - 1),
			 SIM_PL031_EPOCH);
	assert_int_equal(sim_pl031_read(0x00, TICKS_PER_S),
			 SIM_PL031_EPOCH + 1);
	/* DR is read-only; LR loads it. */
	sim_pl031_write(0x00, 5, TICKS_PER_S);
	assert_int_equal(sim_pl031_read(0x00, TICKS_PER_S),
			 SIM_PL031_EPOCH + 1);
	sim_pl031_write(0x08, 1000, TICKS_PER_S);
	assert_int_equal(sim_pl031_read(0x08, 0), 1000);
	assert_int_equal(sim_pl031_read(0x00, 3 * TICKS_PER_S), 1002);
	/* Reset at a later time: the epoch then. */
	sim_pl031_reset(7 * TICKS_PER_S);
	assert_int_equal(sim_pl031_read(0x00, 7 * TICKS_PER_S),
			 SIM_PL031_EPOCH);
}

static void test_pl031_alarm_one_second_ahead(void **st)
{
	uint64_t t0 = TICKS_PER_S / 2, d = 0;

	(void)st;
	sim_pl031_write(0x10, 1, t0);
	assert_int_equal(sim_pl031_read(0x10, t0), 1);
	sim_pl031_write(0x04, SIM_PL031_EPOCH + 1, t0);
	assert_int_equal(sim_pl031_read(0x04, t0), SIM_PL031_EPOCH + 1);
	/* A second from the write, as QEMU arms it, not at the next second
	 * boundary. */
	assert_true(sim_pl031_deadline(&d));
	assert_int_equal(d, t0 + TICKS_PER_S);
	sim_pl031_update(d - 1);
	assert_int_equal(sim_pl031_read(0x14, d - 1), 0);
	assert_false(hal_sim_irq_pending(SIM_PL031_INTID));
	sim_pl031_update(d);
	assert_false(sim_pl031_deadline(&d));
	assert_int_equal(sim_pl031_read(0x14, d), 1);
	assert_int_equal(sim_pl031_read(0x18, d), 1);
	assert_int_equal(sim_pl031_read(0x00, d), SIM_PL031_EPOCH + 1);
	/* A level: high until cleared at the device or masked. */
	assert_true(hal_sim_irq_pending(SIM_PL031_INTID));
	sim_pl031_write(0x10, 0, d);
	assert_false(hal_sim_irq_pending(SIM_PL031_INTID));
	assert_int_equal(sim_pl031_read(0x18, d), 0);
	assert_int_equal(sim_pl031_read(0x14, d), 1);
	sim_pl031_write(0x10, 1, d);
	assert_true(hal_sim_irq_pending(SIM_PL031_INTID));
	sim_pl031_write(0x1c, 1, d);
	assert_false(hal_sim_irq_pending(SIM_PL031_INTID));
	assert_int_equal(sim_pl031_read(0x14, d), 0);
}

static void test_pl031_match_now_fires_at_once(void **st)
{
	uint64_t d;

	(void)st;
	sim_pl031_write(0x10, 1, 0);
	sim_pl031_write(0x04, SIM_PL031_EPOCH, 0);
	assert_false(sim_pl031_deadline(&d));
	assert_int_equal(sim_pl031_read(0x14, 0), 1);
	assert_true(hal_sim_irq_pending(SIM_PL031_INTID));
	/* A match in the past wraps around: 2^32 - 1 seconds ahead. */
	sim_pl031_write(0x1c, 1, 0);
	sim_pl031_write(0x04, SIM_PL031_EPOCH - 1, 0);
	assert_true(sim_pl031_deadline(&d));
	assert_int_equal(d, 0xffffffffull * TICKS_PER_S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_pl031_ids_and_control, setup),
	    cmocka_unit_test_setup(test_pl031_counts_seconds_of_the_counter,
				   setup),
	    cmocka_unit_test_setup(test_pl031_alarm_one_second_ahead, setup),
	    cmocka_unit_test_setup(test_pl031_match_now_fires_at_once, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
