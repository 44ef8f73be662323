/* inject: one entry routine shared by every synchronous exception kind. */
#include "hv/inject.h"

#include "hv/arch.h"
#include "hv/vcpu.h"

#include <hal/cpu.h>

static bool from_el0(uint64_t pstate)
{
	/* With an AArch64 EL1 (HCR_EL2.RW), AArch32 state can only be EL0. */
	return psr_is_aarch32(pstate) ||
	       (pstate & PSR_MODE_MASK) == PSR_MODE_EL0T;
}

uint64_t inject_vector_offset(uint64_t pstate)
{
	if (pstate & PSR_MODE_32)
		return VEC_LOWER_A32 + VEC_SYNC;
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL0T:
		return VEC_LOWER_A64 + VEC_SYNC;
	case PSR_MODE_EL1T:
		return VEC_CUR_SP0 + VEC_SYNC;
	default:
		return VEC_CUR_SPX + VEC_SYNC;
	}
}

static void take_exception(struct vcpu *v, uint64_t esr, bool set_far,
			   uint64_t far)
{
	struct vcpu_regs *r = &v->arch.regs;
	const struct hal_cpu_caps *caps = hal_cpu_caps();
	uint64_t old = r->pstate;
	uint64_t sctlr = hal_vcpu_el1_read(&v->arch, EL1_SCTLR);
	uint64_t vbar = hal_vcpu_el1_read(&v->arch, EL1_VBAR);
	/* NZCV and (unless set below) PAN are kept; AArch32 has them at the
	 * same bit positions. */
	uint64_t pstate =
	    (old & (PSR_NZCV | PSR_PAN)) | PSR_DAIF | PSR_MODE_EL1H;

	/* FEAT_PAN: entry to EL1 sets PAN unless SCTLR_EL1.SPAN is set. */
	if (caps->pan && !(sctlr & SCTLR_EL1_SPAN))
		pstate |= PSR_PAN;
	/* FEAT_SSBS: PSTATE.SSBS takes SCTLR_EL1.DSSBS. */
	if (caps->ssbs && (sctlr & SCTLR_EL1_DSSBS))
		pstate |= PSR_SSBS;

	hal_vcpu_el1_write(&v->arch, EL1_ELR, r->pc);
	hal_vcpu_el1_write(&v->arch, EL1_SPSR, old);
	hal_vcpu_el1_write(&v->arch, EL1_ESR, esr);
	if (set_far)
		hal_vcpu_el1_write(&v->arch, EL1_FAR, far);
	r->pc = vbar + inject_vector_offset(old);
	r->pstate = pstate;
}

void inject_undef(struct vcpu *v)
{
	take_exception(v, esr_make(EC_UNKNOWN, 1, 0), false, 0);
}

/* An AArch32 virtual address is 32 bits: FAR_EL1 holds it zero-extended. */
static uint64_t fault_address(const struct vcpu *v, uint64_t far)
{
	return psr_is_aarch32(v->arch.regs.pstate) ? far & 0xffffffffull : far;
}

/*
 * IL is 1 in both abort syndromes whatever the instruction's length: the
 * Arm ARM defines it so for instruction aborts and for data aborts with
 * ISV = 0, which an external abort reported this way is.
 */
void inject_dabt(struct vcpu *v, uint64_t far, bool write)
{
	unsigned ec = from_el0(v->arch.regs.pstate) ? EC_DABT_LOW : EC_DABT_CUR;
	uint32_t iss = FSC_EXTERNAL_SYNC | (write ? ISS_DA_WNR : 0);

	take_exception(v, esr_make(ec, 1, iss), true, fault_address(v, far));
}

void inject_pabt(struct vcpu *v, uint64_t far)
{
	unsigned ec = from_el0(v->arch.regs.pstate) ? EC_IABT_LOW : EC_IABT_CUR;

	take_exception(v, esr_make(ec, 1, FSC_EXTERNAL_SYNC), true,
		       fault_address(v, far));
}
