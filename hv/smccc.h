/*
 * smccc: answers SMC Calling Convention calls made with HVC #0 or SMC #0.
 * A fast call's bits [31:24] (fast, SMC64, owner) pick a service - the
 * Arm architecture calls here, PSCI (psci.c), the hypervisor's vendor
 * calls (hypercall.c) - and bits [4:0] its function, through two tables;
 * any other id (yielding calls, bits set in [23:5], a function no service
 * has) returns NOT_SUPPORTED in x0, except the vendor service's Call UID.
 * Results are written into the vCPU's registers; the caller moves the PC.
 */
#ifndef HV_SMCCC_H
#define HV_SMCCC_H

#include "hv/vcpu.h"

#include <stdint.h>

/* A function of a service, given the id it was called with. */
typedef void (*smccc_fn)(struct vcpu *v, uint32_t fid);

/* Bits of a fast call's id that no function here has set. */
#define SMCCC_FN_RESERVED 0x00ffffe0u
#define SMCCC_FN(fid)	  ((fid)&0x1fu)
#define SMCCC_FNS	  32

/*
 * The services, by a fast call's id bits [30:24] (SMC64, then the owner),
 * each a table of its functions by number: smccc_none for the owners not
 * served (smccc.c). Every entry is set; smccc_other where nothing is.
 */
extern const smccc_fn *const smccc_services[128];
extern const smccc_fn smccc_none[SMCCC_FNS];

/* Eight entries of nothing, for writing function tables as rows. */
#define SMCCC_OTHER8                                                           \
	smccc_other, smccc_other, smccc_other, smccc_other, smccc_other,       \
	    smccc_other, smccc_other, smccc_other

/*
 * A call the tables do not answer (smccc.c): the vendor service's Call
 * UID, or NOT_SUPPORTED.
 */
void smccc_other(struct vcpu *v, uint32_t fid);

/*
 * The call v made with HVC #imm or SMC #imm, imm from ISS[15:0] of its
 * exit; only #0 is a call. Inline: the exit handler's hot path goes
 * straight to the function, with one indirect branch.
 */
static inline void smccc_call(struct vcpu *v)
{
	uint32_t fid = (uint32_t)v->arch.regs.x[0];
	uint16_t imm = (uint16_t)v->arch.exit.esr;
	smccc_fn f = smccc_services[(fid >> 24) & 0x7f][SMCCC_FN(fid)];

	if (imm != 0 || !(fid & 0x80000000u) || (fid & SMCCC_FN_RESERVED))
		smccc_other(v, fid);
	else
		f(v, fid);
}

#endif
