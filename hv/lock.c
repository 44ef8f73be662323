/* lock: a test-and-set lock with an owner, so that its holder may nest. */
#include "hv/lock.h"

#include "hv/log.h"

#include <hal/cpu.h>
#include <hal/gic.h>

void hv_lock_init(struct hv_lock *l)
{
	atomic_init(&l->owner, 0);
	l->depth = 0;
}

bool hv_lock_held(struct hv_lock *l)
{
	/* Only this CPU stores its own id there: a relaxed read is exact. */
	return atomic_load_explicit(&l->owner, memory_order_relaxed) ==
	       hal_cpu_id() + 1;
}

void hv_lock_acquire(struct hv_lock *l)
{
	unsigned me = hal_cpu_id() + 1;
	unsigned expected = 0;

	if (hv_lock_held(l)) {
		l->depth++;
		return;
	}
	while (!atomic_compare_exchange_weak_explicit(&l->owner, &expected, me,
						      memory_order_acquire,
						      memory_order_relaxed)) {
		expected = 0;
		hal_cpu_relax();
	}
	l->depth = 1;
}

void hv_lock_release(struct hv_lock *l)
{
	HV_CHECK(hv_lock_held(l) && l->depth > 0);
	if (--l->depth != 0)
		return;
	hal_vgic_release();
	atomic_store_explicit(&l->owner, 0, memory_order_release);
}
