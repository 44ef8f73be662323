/*
 * log: the hypervisor's messages on the physical console.
 *
 * Every line starts with "hv: ". Lines about a VM name it and the vCPU as
 * "hv: <vm>/<vcpu>: ..." so a test can pick out everything said about one
 * VM. HV_CHECK is for the hypervisor's own invariants only: a guest's input
 * is validated and answered, never CHECKed.
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <hal/core.h> /* hv_log, hv_panic: the backends log too */

#include <stdarg.h>

struct vcpu;

#define HV_PRINTF(f, a) HAL_PRINTF(f, a)

/* "hv: <vm>/<vcpu>: " + formatted message + "\n". */
void hv_log_vcpu(const struct vcpu *v, const char *fmt, ...) HV_PRINTF(2, 3);

#define HV_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond))                                                   \
			hv_panic(__FILE__, __LINE__, "check failed: %s",       \
				 #cond);                                       \
	} while (0)

#endif
