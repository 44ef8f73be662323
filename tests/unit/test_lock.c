/* Unit tests of hv/lock.c: two host threads play two physical CPUs. */
#include "helpers.h"

#include "hv/lock.h"

#include <pthread.h>

#define ROUNDS 200000

static struct hv_lock lock;
static unsigned long counter; /* only changed with lock held */

static void *hammer(void *arg)
{
	hal_sim_set_cpu_id((unsigned)(uintptr_t)arg);
	for (unsigned i = 0; i < ROUNDS; i++) {
		hv_lock_acquire(&lock);
		/* The holder may take it again: only the outer release
		 * frees it. */
		hv_lock_acquire(&lock);
		counter++;
		hv_lock_release(&lock);
		counter++;
		hv_lock_release(&lock);
	}
	return NULL;
}

static void test_lock_excludes_the_other_cpu(void **st)
{
	pthread_t t[2];

	(void)st;
	hal_sim_reset();
	hal_sim_set_cpus(2);
	hv_lock_init(&lock);
	counter = 0;
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, hammer, (void *)(uintptr_t)i),
		    0);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(counter, 4ul * ROUNDS);
	assert_int_equal(atomic_load(&lock.owner), 0);
}

static unsigned owner(void)
{
	return atomic_load(&lock.owner);
}

static void test_lock_nests_for_its_holder_only(void **st)
{
	(void)st;
	hal_sim_reset();
	hal_sim_set_cpus(2);
	hal_sim_set_cpu_id(1);
	hv_lock_init(&lock);
	assert_int_equal(owner(), 0);
	hv_lock_acquire(&lock);
	hv_lock_acquire(&lock);
	assert_int_equal(owner(), 2);
	assert_int_equal(lock.depth, 2);
	hv_lock_release(&lock);
	assert_int_equal(owner(), 2);
	hv_lock_release(&lock);
	assert_int_equal(owner(), 0);
	hal_sim_set_cpu_id(0);
}

static void test_lock_is_a_no_op_on_one_cpu(void **st)
{
	(void)st;
	hal_sim_reset();
	hv_lock_init(&lock);
	hv_lock_acquire(&lock);
	assert_int_equal(owner(), 0);
	assert_int_equal(lock.depth, 0);
	hv_lock_release(&lock);
	assert_int_equal(lock.depth, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lock_nests_for_its_holder_only),
	    cmocka_unit_test(test_lock_is_a_no_op_on_one_cpu),
	    cmocka_unit_test(test_lock_excludes_the_other_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
