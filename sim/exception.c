/* exception: see exception.h. */
#include "exception.h"

#include "hv/arch.h"
#include "hv/inject.h"

bool exc_from_el0(uint64_t pstate)
{
	return (pstate & PSR_MODE_32) ||
	       (pstate & PSR_MODE_MASK) == PSR_MODE_EL0T;
}

struct exc_entry exc_take(const struct exc_from *from,
			  const struct hal_cpu_caps *caps, enum exc_kind kind,
			  uint64_t esr, bool has_far, uint64_t far)
{
	uint64_t old = from->pstate;
	/* NZCV survives the entry; PAN too, unless set below. AArch32 has
	 * them at the same positions. IL, SS and the rest are cleared. */
	uint64_t pstate =
	    (old & (PSR_NZCV | PSR_PAN)) | PSR_DAIF | PSR_MODE_EL1H;
	uint64_t offset = inject_vector_offset(old);
	struct exc_entry e = {.elr = from->pc, .spsr = old};

	if (caps->pan && !(from->sctlr & SCTLR_EL1_SPAN))
		pstate |= PSR_PAN;
	if (caps->ssbs && (from->sctlr & SCTLR_EL1_DSSBS))
		pstate |= PSR_SSBS;
	if (kind == EXC_IRQ) {
		offset += VEC_IRQ - VEC_SYNC;
	} else {
		e.has_esr = true;
		e.esr = esr;
		e.has_far = has_far;
		e.far = far;
	}
	e.pc = from->vbar + offset;
	e.pstate = pstate;
	return e;
}

uint64_t exc_esr_undef(void)
{
	return esr_make(EC_UNKNOWN, 1, 0);
}

uint64_t exc_esr_illegal_state(void)
{
	return esr_make(EC_ILLEGAL, 1, 0);
}

uint64_t exc_esr_svc(uint16_t imm16)
{
	return esr_make(EC_SVC64, 1, imm16);
}

uint64_t exc_esr_brk(uint16_t imm16)
{
	return esr_make(EC_BRK64, 1, imm16);
}

uint64_t exc_esr_dabt(uint64_t pstate, bool write, bool cm, bool s1ptw,
		      unsigned fsc)
{
	uint32_t iss = (fsc & ISS_FSC_MASK) | (write || cm ? ISS_DA_WNR : 0) |
		       (cm ? ISS_DA_CM : 0) | (s1ptw ? ISS_DA_S1PTW : 0);

	return esr_make(exc_from_el0(pstate) ? EC_DABT_LOW : EC_DABT_CUR, 1,
			iss);
}

uint64_t exc_esr_iabt(uint64_t pstate, bool s1ptw, unsigned fsc)
{
	uint32_t iss = (fsc & ISS_FSC_MASK) | (s1ptw ? ISS_DA_S1PTW : 0);

	return esr_make(exc_from_el0(pstate) ? EC_IABT_LOW : EC_IABT_CUR, 1,
			iss);
}
