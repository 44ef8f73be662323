/* lock: a test-and-set lock with an owner, so that its holder may nest. */
#include "hv/lock.h"

#include <hal/cpu.h>
#include <hal/gic.h>

bool hv_lock_smp;

void hv_lock_init(struct hv_lock *l)
{
	/* The CPU count is known from boot on; locks are made after. */
	hv_lock_smp = hal_cpu_count() > 1;
	atomic_init(&l->owner, 0);
	l->depth = 0;
}

void hv_lock_take(struct hv_lock *l)
{
	unsigned me = hal_cpu_id() + 1, free = 0;

	/* Only this CPU stores its own id there: a relaxed read is exact. */
	if (atomic_load_explicit(&l->owner, memory_order_relaxed) == me) {
		l->depth++;
		return;
	}
	while (!atomic_compare_exchange_weak_explicit(
	    &l->owner, &free, me, memory_order_acquire, memory_order_relaxed)) {
		free = 0;
		hal_cpu_relax();
	}
	l->depth = 1;
}

void hv_lock_drop(struct hv_lock *l)
{
	if (--l->depth != 0)
		return;
	hal_vgic_release();
	atomic_store_explicit(&l->owner, 0, memory_order_release);
}
