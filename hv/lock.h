/*
 * lock: the spinlock that serialises the physical CPUs on one VM's shared
 * state (its vGIC, vPL011, vCPU power states and VM state).
 *
 * The holder may take it again (every vGIC and vPL011 entry point locks,
 * and the vPL011 drives vGIC lines): only the outermost release frees it.
 * That release also lets go of the CPUs paused to reach the virtual CPU
 * interface of a vCPU running elsewhere (hal_vgic_release). A waiter
 * serves other CPUs' requests while it spins (hal_cpu_relax), and a CPU
 * holds at most one VM's lock at a time, so two CPUs never wait for each
 * other forever.
 *
 * On a machine with one physical CPU the lock does nothing: the
 * hypervisor runs with interrupts masked at EL2, so nothing else can be
 * inside it, and the trap paths do not pay for exclusion they do not need.
 */
#ifndef HV_LOCK_H
#define HV_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>

struct hv_lock {
	atomic_uint owner; /* holder's physical CPU + 1, or 0 when free */
	unsigned depth;	   /* how many times the holder took it */
};

/* Whether there is more than one CPU, recorded by hv_lock_init. */
extern bool hv_lock_smp;

void hv_lock_init(struct hv_lock *l);
void hv_lock_take(struct hv_lock *l);
void hv_lock_drop(struct hv_lock *l);

static inline void hv_lock_acquire(struct hv_lock *l)
{
	if (hv_lock_smp)
		hv_lock_take(l);
}

static inline void hv_lock_release(struct hv_lock *l)
{
	if (hv_lock_smp)
		hv_lock_drop(l);
}

#endif
