/*
 * vcpu: a virtual CPU of a VM - its backend state (registers), its PSCI
 * power state and its exit statistics.
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include "hv/arch.h"
#include "hv/log.h"
#include "hv/vgic/vgic.h"
#include "hv/vtimer.h"

#include <hal/vcpu.h>

#include <stdatomic.h>

struct vm;

enum vcpu_power {
	VCPU_OFF,
	VCPU_ON,
};

struct vcpu {
	struct hal_vcpu arch; /* first: the exit handlers rely on it */
	struct vm *vm;
	unsigned id;
	enum vcpu_power power;
	bool blocked; /* in WFI with nothing to take: not run until woken */
	/* A reset asked for from any CPU (PSCI CPU_ON, VM boot), done by its
	 * home CPU before it next runs the vCPU: the EL1 state may be in that
	 * CPU's registers. Under the VM's lock. */
	bool reset_pending;
	uint64_t reset_entry, reset_arg;
	atomic_bool running; /* in hal_vcpu_run on its home CPU */
	struct vgic_vcpu vgic;
	struct vtimer_ptimer ptimer;
	/* hv_log_vcpu's rate limit: set up by vm_create only, so that no
	 * reset refills it. */
	struct log_limit log_limit;
};

/* Xn, with n = 31 reading as zero (XZR). */
static inline uint64_t vcpu_reg_read(const struct vcpu *v, unsigned n)
{
	return n < 31 ? v->arch.regs.x[n] : 0;
}

/* Writes Xn; n = 31 (XZR) discards the value. */
static inline void vcpu_reg_write(struct vcpu *v, unsigned n, uint64_t val)
{
	if (n < 31)
		v->arch.regs.x[n] = val;
}

/*
 * Architectural warm reset into AArch64 EL1h at entry with D, A, I, F
 * masked, MMU and caches off, x0 = arg and every other register zero.
 */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg);

/*
 * Asks v's home CPU to reset v (vcpu_reset with entry and arg) before it
 * runs v next, and kicks that CPU. With the VM locked.
 */
void vcpu_request_reset(struct vcpu *v, uint64_t entry, uint64_t arg);

/* On v's home CPU, with the VM locked: does the reset asked for, if any. */
void vcpu_apply_reset(struct vcpu *v);

/* Makes v's home CPU look at v again soon (nothing if it is this CPU). */
void vcpu_kick(const struct vcpu *v);

/* The MPIDR_EL1 value the guest sees for vCPU id. */
uint64_t vcpu_mpidr(unsigned id);

#endif
