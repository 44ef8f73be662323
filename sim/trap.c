/* trap: the tables behind trap.h, written as the Arm ARM states them. */
#include "trap.h"

#include "hv/arch.h"

#include <hal/cpu.h>

static bool is(const struct sysreg_enc *r, unsigned op0, unsigned op1,
	       unsigned crn, unsigned crm, unsigned op2)
{
	return r->op0 == op0 && r->op1 == op1 && r->crn == crn &&
	       r->crm == crm && r->op2 == op2;
}

/* HCR_EL2.TID3: the ID group 3 registers, op0 3, op1 0, CRn 0, CRm 1-7. */
static bool tid3(const struct sysreg_enc *r, bool read)
{
	return read && r->op0 == 3 && r->op1 == 0 && r->crn == 0 &&
	       r->crm >= 1 && r->crm <= 7;
}

/*
 * The debug and trace space, op0 = 2: MDCR_EL2.TDA, TDOSA and TDRA trap
 * the debug registers QEMU 7.2's Cortex-A57 has, in the direction it has
 * them (D19.3; its MDCCSR_EL0, MDRAR_EL1 and OSLSR_EL1 are read-only,
 * OSLAR_EL1 write-only); everything else there is unallocated for it,
 * including the trace unit, the claim tags, DBGAUTHSTATUS_EL1 and the
 * DCC data registers.
 */
static enum sysreg_action debug(const struct sysreg_enc *r, bool read)
{
	uint64_t dfr0 = hal_cpu_id_reg(5, 0);
	unsigned brps = (unsigned)((dfr0 >> 12) & 0xf) + 1;
	unsigned wrps = (unsigned)((dfr0 >> 20) & 0xf) + 1;
	bool ok;

	if (r->op1 == 3)
		ok = r->crn == 0 && r->crm == 1 && r->op2 == 0 && read;
	else if (r->op1 != 0)
		ok = false;
	else if (r->crn == 0 && r->op2 >= 4)
		ok = r->crm < (r->op2 < 6 ? brps : wrps); /* DBG{B,W}{V,C}R */
	else if (r->crn == 0)
		ok = r->crm == 2 && (r->op2 == 0 || r->op2 == 2); /* MDCCINT,
								     MDSCR */
	else if (r->crn == 1 && r->op2 == 0)
		ok = r->crm == 0 && read; /* MDRAR_EL1 */
	else if (r->crn == 1 && r->op2 == 4)
		ok = (r->crm == 0 && !read) || (r->crm == 1 && read) ||
		     r->crm == 3; /* OSLAR, OSLSR, OSDLR */
	else
		ok = false;
	return ok ? SYSREG_TRAP : SYSREG_UNDEF;
}

/* The IMPLEMENTATION DEFINED space (op0 3, CRn 11 and 15). */
static bool impdef(const struct sysreg_enc *r)
{
	return r->op0 == 3 && (r->crn == 11 || r->crn == 15);
}

/* QEMU's Cortex-A57 CBAR_EL1: the virt board's GIC base, 0x0800_0000. */
#define CBAR_EL1_VIRT 0x08000000ull

/*
 * What QEMU 7.2's Cortex-A57 (and "max", built on it) has there:
 * L2CTLR_EL1, L2ECTLR_EL1, L2ACTLR, CPUACTLR_EL1, CPUECTLR_EL1,
 * CPUMERRSR_EL1, L2MERRSR_EL1 read as zero (L2CTLR's core count field
 * says one core, as the simulated machine has) and ignore writes;
 * CBAR_EL1 is read-only.
 */
static enum sysreg_action impdef_action(const struct sysreg_enc *r, bool read)
{
	if (r->op1 != 1)
		return SYSREG_UNDEF;
	if (r->crn == 11 && r->crm == 0 && (r->op2 == 2 || r->op2 == 3))
		return SYSREG_CONST;
	if (r->crn == 15 &&
	    ((r->crm == 0 && r->op2 == 0) || (r->crm == 2 && r->op2 <= 3)))
		return SYSREG_CONST;
	if (r->crn == 15 && r->crm == 3 && r->op2 == 0 && read)
		return SYSREG_CONST;
	return SYSREG_UNDEF;
}

uint64_t trap_sysreg_const(const struct sysreg_enc *r)
{
	return r->op1 == 1 && r->crn == 15 && r->crm == 3 && r->op2 == 0
		   ? CBAR_EL1_VIRT
		   : 0;
}

/* HCR_EL2.TSW: DC ISW, DC CSW, DC CISW. */
static bool tsw(const struct sysreg_enc *r)
{
	return r->op0 == 1 && r->op1 == 0 && r->crn == 7 && r->op2 == 2 &&
	       (r->crm == 6 || r->crm == 10 || r->crm == 14);
}

/*
 * MDCR_EL2.TPM/TPMCR: the PMU registers (op1 3, CRn 9, CRm 12-14; the
 * event counters and types at CRn 14, CRm 8-15) and PMINTEN{SET,CLR}_EL1.
 */
static bool tpm(const struct sysreg_enc *r)
{
	if (r->op0 != 3)
		return false;
	if (r->op1 == 3 && r->crn == 9 && r->crm >= 12 && r->crm <= 14)
		return true;
	if (r->op1 == 3 && r->crn == 14 && r->crm >= 8)
		return true;
	return r->op1 == 0 && r->crn == 9 && r->crm == 14 &&
	       (r->op2 == 1 || r->op2 == 2);
}

/* CNTHCTL_EL2.EL1PCEN = 0: CNTP_TVAL_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0. */
static bool el1pcen(const struct sysreg_enc *r)
{
	return r->op0 == 3 && r->op1 == 3 && r->crn == 14 && r->crm == 2 &&
	       r->op2 <= 2;
}

/* HCR_EL2.IMO/FMO: writes of ICC_SGI1R, ICC_ASGI1R and ICC_SGI0R. */
static bool sgi(const struct sysreg_enc *r, bool read)
{
	return !read && r->op0 == 3 && r->op1 == 0 && r->crn == 12 &&
	       r->crm == 11 && r->op2 >= 5;
}

enum sysreg_action trap_sysreg(const struct sysreg_enc *r, bool read)
{
	if (r->op0 == 2)
		return debug(r, read);
	if (impdef(r))
		return impdef_action(r, read);
	if (tid3(r, read) || tsw(r) || tpm(r) || el1pcen(r) ||
	    is(r, 3, 0, 1, 0, 1) /* TACR: ACTLR_EL1 */ || sgi(r, read))
		return SYSREG_TRAP;
	/* The virtual timer is the CPU's, so not trapped; hvsim models it
	 * because the CPU model's timer runs on the host's clock. */
	if (r->op0 == 3 && r->op1 == 3 && r->crn == 14 && r->crm == 3 &&
	    r->op2 <= 2)
		return SYSREG_CNTV;
	if (!read)
		return SYSREG_NATIVE;
	if (is(r, 3, 0, 0, 0, 0))
		return SYSREG_MIDR;
	if (is(r, 3, 0, 0, 0, 5))
		return SYSREG_MPIDR;
	if (is(r, 3, 3, 14, 0, 0))
		return SYSREG_CNTFRQ;
	if (is(r, 3, 3, 14, 0, 1))
		return SYSREG_CNTPCT;
	if (is(r, 3, 3, 14, 0, 2))
		return SYSREG_CNTVCT;
	return SYSREG_NATIVE;
}

/* For exceptions from AArch64, CV = 1 and COND = 0b1110. */
#define ISS_WFX_CV_COND ((1u << 24) | (0xeu << 20))

uint64_t trap_esr_wfx(bool wfe)
{
	return esr_make(EC_WFX, 1,
			ISS_WFX_CV_COND |
			    (wfe ? ISS_WFX_TI_WFE : ISS_WFX_TI_WFI));
}

uint64_t trap_esr_hvc(uint16_t imm16)
{
	return esr_make(EC_HVC64, 1, imm16);
}

uint64_t trap_esr_smc(uint16_t imm16)
{
	return esr_make(EC_SMC64, 1, imm16);
}

uint64_t trap_esr_sysreg(const struct sysreg_enc *r, unsigned rt, bool read)
{
	uint32_t iss = SYSREG_ISS(r->op0, r->op1, r->crn, r->crm, r->op2) |
		       ((rt & 31u) << ISS_SYS_RT_SHIFT) |
		       (read ? ISS_SYS_READ : 0);

	return esr_make(EC_SYS64, 1, iss);
}

uint64_t trap_esr_watchpoint(bool same_el, bool write)
{
	return esr_make(same_el ? EC_WPT_CUR : EC_WPT_LOW, 1,
			(write ? ISS_DA_WNR : 0) | FSC_DEBUG);
}

uint32_t trap_fsc(enum trap_fault f, unsigned level)
{
	static const uint32_t base[] = {
	    [TRAP_FAULT_ADDRESS_SIZE] = 0x00,
	    [TRAP_FAULT_TRANSLATION] = 0x04,
	    [TRAP_FAULT_ACCESS_FLAG] = 0x08,
	    [TRAP_FAULT_PERMISSION] = 0x0c,
	};

	return base[f] | (level & 3);
}

uint64_t trap_esr_dabt(uint32_t iss_access, enum trap_fault f, unsigned level)
{
	return esr_make(EC_DABT_LOW, 1,
			(iss_access & ~ISS_FSC_MASK) | trap_fsc(f, level));
}

uint64_t trap_esr_iabt(enum trap_fault f, unsigned level)
{
	return esr_make(EC_IABT_LOW, 1, trap_fsc(f, level));
}

uint64_t trap_hpfar(uint64_t ipa)
{
	return ((ipa >> 12) << 4) & 0x00000ffffffffff0ull;
}
