/*
 * vtimer: the generic timers a guest sees.
 *
 * The virtual timer (CNTV_*, PPI 27) is the hardware's: the guest programs
 * it directly, CNTVOFF_EL2 makes its count start near zero at the VM's
 * creation, and when it fires while the vCPU runs the physical PPI 27 is
 * forwarded as a hardware-linked virtual PPI 27. A vCPU that is not loaded
 * has its timer saved (hal vcpu switch); the hypervisor's own timer then
 * stands in, waking the vCPU at the deadline.
 *
 * The EL1 physical timer (CNTP_*, PPI 30) traps (CNTHCTL_EL2.EL1PCEN = 0)
 * and is emulated here against the physical count: CTL (ENABLE, IMASK,
 * ISTATUS), CVAL, and TVAL as the signed 32-bit distance to CVAL (Arm ARM
 * D11.2.4). Its interrupt is a level: high while ENABLE, !IMASK and the
 * count has reached CVAL.
 */
#ifndef HV_VTIMER_H
#define HV_VTIMER_H

#include <hal/types.h>

struct vcpu;

#define CNT_CTL_ENABLE	(1u << 0)
#define CNT_CTL_IMASK	(1u << 1)
#define CNT_CTL_ISTATUS (1u << 2)

/* The emulated EL1 physical timer of a vCPU. */
struct vtimer_ptimer {
	uint32_t ctl; /* ENABLE and IMASK as written */
	uint64_t cval;
};

/* The CNTP_CTL_EL0 value a guest reads at physical count now. */
uint32_t vtimer_ctl_read(const struct vtimer_ptimer *t, uint64_t now);

/* TVAL read: CVAL - now, as a sign-extended 32-bit value. */
uint64_t vtimer_tval_read(const struct vtimer_ptimer *t, uint64_t now);

/* TVAL write: CVAL = now + the sign-extended low 32 bits of val. */
void vtimer_tval_write(struct vtimer_ptimer *t, uint64_t now, uint64_t val);

/* True when the timer asserts its interrupt at count now. */
bool vtimer_asserted(uint32_t ctl, uint64_t cval, uint64_t now);

/*
 * A trapped access of CNTP_TVAL_EL0 (op2 0), CNTP_CTL_EL0 (1) or
 * CNTP_CVAL_EL0 (2) by v, to or from register rt. Updates PPI 30.
 */
void vtimer_ptimer_access(struct vcpu *v, unsigned op2, bool read, unsigned rt);

/* Re-evaluates v's emulated physical timer interrupt (PPI 30). */
void vtimer_update(struct vcpu *v);

/* True when v's virtual timer asserts its interrupt now. */
bool vtimer_vtimer_asserted(struct vcpu *v);

/*
 * The line of v's virtual timer into the GIC, sampled now: false when it
 * cannot be known here (v is loaded on another physical CPU, whose
 * registers hold its timer), else true with *high set.
 */
bool vtimer_vtimer_line(struct vcpu *v, bool *high);

/*
 * The physical count at which one of v's timers will next assert its
 * interrupt (the virtual one counted through CNTVOFF), or UINT64_MAX.
 */
uint64_t vtimer_deadline(struct vcpu *v);

/* The same for the emulated physical timer alone. */
uint64_t vtimer_deadline_ptimer(struct vcpu *v);

#endif
