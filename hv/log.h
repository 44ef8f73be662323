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

#include <stdarg.h>

struct vcpu;

#if defined(__GNUC__)
#define HV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HV_PRINTF(f, a)
#endif

/* "hv: " + formatted message + "\n". */
void hv_log(const char *fmt, ...) HV_PRINTF(1, 2);

/* "hv: <vm>/<vcpu>: " + formatted message + "\n". */
void hv_log_vcpu(const struct vcpu *v, const char *fmt, ...) HV_PRINTF(2, 3);

_Noreturn void hv_panic(const char *file, int line, const char *fmt, ...)
    HV_PRINTF(3, 4);

#define HV_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond))                                                   \
			hv_panic(__FILE__, __LINE__, "check failed: %s",       \
				 #cond);                                       \
	} while (0)

#endif
