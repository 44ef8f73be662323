/*
 * log: the hypervisor's messages on the physical console.
 *
 * Every line starts with "hv: ". Lines about a VM name it and the vCPU as
 * "hv: <vm>/<vcpu>: ..." so a test can pick out everything said about one
 * VM. HV_CHECK is for the hypervisor's own invariants only: a guest's input
 * is validated and answered, never CHECKed.
 *
 * What a guest can make the hypervisor say again and again is rate-limited,
 * so that a guest faulting (or resetting) in a loop cannot take the console
 * from everyone: each vCPU, and each VM for its lines that a guest can
 * repeat, has a token bucket of HV_LOG_BURST lines, refilled at HV_LOG_RATE
 * lines a second of the counter (hal_counter_read: virtual time under
 * QEMU's -icount and in hvsim). A line finding the bucket empty is dropped
 * and counted, and the next line printed comes after
 * "hv: <vm>/<vcpu>: N lines suppressed" ("hv: <vm>: ..." for a VM's). The
 * buckets live in struct vcpu and struct vm, set up by vm_create only, and
 * survive vCPU and VM resets: resetting itself must not let a guest past
 * the limit.
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <hal/core.h> /* hv_log, hv_panic: the backends log too */

#include <stdarg.h>
#include <stdint.h>

#define HV_LOG_BURST 10u
#define HV_LOG_RATE  5u /* lines per second */

/*
 * A vCPU's bucket, kept as the counter time at which it is full again
 * (zero-initialised: full). At time t it holds HV_LOG_BURST minus
 * (full_at - t) / interval tokens, interval being a second / HV_LOG_RATE;
 * a line takes one, which moves full_at one interval on.
 */
struct log_limit {
	uint64_t full_at;
	uint64_t suppressed; /* lines dropped since the last one printed */
};

struct vcpu;
struct vm;

#define HV_PRINTF(f, a) HAL_PRINTF(f, a)

/*
 * "hv: <vm>/<vcpu>: " + formatted message + "\n", within v's rate limit
 * (above). Called on v's home CPU, from v's exits: the bucket is v's own.
 */
void hv_log_vcpu(struct vcpu *v, const char *fmt, ...) HV_PRINTF(2, 3);

/*
 * "hv: <vm>: " + formatted message + "\n", within vm's rate limit, for the
 * lines about a VM that its guest can have repeated (a system reset).
 * Lines a VM gets once (created, powered off) use hv_log: they must not be
 * lost. Called by one CPU at a time for a VM (under its lock, or by the
 * CPU that owns the VM's reset).
 */
void hv_log_vm(struct vm *vm, const char *fmt, ...) HV_PRINTF(2, 3);

#define HV_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond))                                                   \
			hv_panic(__FILE__, __LINE__, "check failed: %s",       \
				 #cond);                                       \
	} while (0)

#endif
