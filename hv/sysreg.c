/* sysreg: a switch on the ISS register name; the ID space is a mask table. */
#include "hv/sysreg.h"

#include "hv/arch.h"
#include "hv/exit.h"
#include "hv/inject.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vdebug.h"
#include "hv/vgic/vgic.h"
#include "hv/vm.h"
#include "hv/vtimer.h"

#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/vcpu.h>

#define ISS_ACTLR_EL1 SYSREG_ISS(3, 0, 1, 0, 1)
#define ISS_DC_ISW    SYSREG_ISS(1, 0, 7, 6, 2)
#define ISS_DC_CSW    SYSREG_ISS(1, 0, 7, 10, 2)
#define ISS_DC_CISW   SYSREG_ISS(1, 0, 7, 14, 2)
#define ISS_ICC_SGI1R SYSREG_ISS(3, 0, 12, 11, 5)
/* CNTP_TVAL_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0: op2 0, 1, 2. */
#define ISS_CNTP_BASE SYSREG_ISS(3, 3, 14, 2, 0)

#define FIELD(shift) (0xfull << (shift))

/*
 * Fields hidden from the guest in each ID register: cleared, then set to
 * what a CPU without the feature reads there (signed fields say "not
 * implemented" with 0xf).
 */
struct id_mask {
	unsigned crm;
	unsigned op2;
	uint64_t clear;
	uint64_t set;
};

static const struct id_mask id_masks[] = {
    /* ID_AA64PFR0_EL1: EL2, EL3, RAS, SVE, MPAM, AMU */
    {4, 0, FIELD(8) | FIELD(12) | FIELD(28) | FIELD(32) | FIELD(40) | FIELD(44),
     0},
    /* ID_AA64PFR1_EL1: MTE, RAS_frac, SME, MPAM_frac */
    {4, 1, FIELD(8) | FIELD(12) | FIELD(16) | FIELD(24), 0},
    /* ID_AA64ZFR0_EL1: SVE features */
    {4, 4, ~0ull, 0},
    /* ID_AA64SMFR0_EL1: SME features */
    {4, 5, ~0ull, 0},
    /* ID_AA64DFR0_EL1: TraceVer, PMUVer, PMSVer, TraceFilt, TraceBuffer;
     * DoubleLock [39:36] = 0xf, not implemented: OSDLR_EL1 is RAZ/WI. */
    {5, 0, FIELD(4) | FIELD(8) | FIELD(32) | FIELD(36) | FIELD(40) | FIELD(44),
     FIELD(36)},
    /* ID_AA64AFR0/1_EL1: implementation defined */
    {5, 4, ~0ull, 0},
    {5, 5, ~0ull, 0},
    /* ID_PFR0_EL1 (AArch32 view): RAS */
    {1, 0, FIELD(28), 0},
    /* ID_DFR0_EL1 (AArch32 view): CopTrc, MMapTrc, PerfMon, TraceFilt */
    {1, 2, FIELD(12) | FIELD(16) | FIELD(24) | FIELD(28), 0},
    /* ID_AFR0_EL1 */
    {1, 3, ~0ull, 0},
    /* ID_PFR1_EL1: Security (EL3), Virtualization (EL2) */
    {1, 1, FIELD(4) | FIELD(12), 0},
};

#define ID_AA64PFR0_GIC_SHIFT 24

uint64_t sysreg_id_value(unsigned crm, unsigned op2)
{
	uint64_t v = hal_cpu_id_reg(crm, op2);

	/* ID_AA64PFR0_EL1.GIC: the system register interface is there for
	 * the guest exactly when the machine's GIC is a v3. */
	if (crm == 4 && op2 == 0) {
		v &= ~FIELD(ID_AA64PFR0_GIC_SHIFT);
		if (hal_gic()->version == 3)
			v |= 1ull << ID_AA64PFR0_GIC_SHIFT;
	}

	for (unsigned i = 0; i < sizeof(id_masks) / sizeof(id_masks[0]); i++) {
		if (id_masks[i].crm == crm && id_masks[i].op2 == op2)
			v = (v & ~id_masks[i].clear) | id_masks[i].set;
	}
	return v;
}

static void log_unhandled(struct vcpu *v, uint32_t iss)
{
	hv_log_vcpu(
	    v,
	    "unhandled %s of S%u_%u_C%u_C%u_%u (x%u) at pc 0x%llx: "
	    "UNDEF injected",
	    (iss & ISS_SYS_READ) ? "read" : "write",
	    (iss >> ISS_SYS_OP0_SHIFT) & 3, (iss >> ISS_SYS_OP1_SHIFT) & 7,
	    (iss >> ISS_SYS_CRN_SHIFT) & 15, (iss >> ISS_SYS_CRM_SHIFT) & 15,
	    (iss >> ISS_SYS_OP2_SHIFT) & 7, (iss >> ISS_SYS_RT_SHIFT) & 31,
	    (unsigned long long)v->arch.regs.pc);
}

static bool is_id_space(uint32_t name)
{
	unsigned crm = (name >> ISS_SYS_CRM_SHIFT) & 15;

	return (name & ~(uint32_t)((15u << ISS_SYS_CRM_SHIFT) |
				   (7u << ISS_SYS_OP2_SHIFT))) ==
		   SYSREG_ISS(3, 0, 0, 0, 0) &&
	       crm >= 1 && crm <= 7;
}

/*
 * The RAS error record registers (ERRIDR_EL1, ERRSELR_EL1, ERX*_EL1: op0 3,
 * op1 0, CRn 5, CRm 3-5), which HCR_EL2.TERR traps on a CPU with RAS.
 */
static bool is_ras_error_record(uint32_t name)
{
	unsigned crm = (name >> ISS_SYS_CRM_SHIFT) & 15;
	unsigned op2 = (name >> ISS_SYS_OP2_SHIFT) & 7;

	if ((name & ~(uint32_t)((15u << ISS_SYS_CRM_SHIFT) |
				(7u << ISS_SYS_OP2_SHIFT))) !=
	    SYSREG_ISS(3, 0, 5, 0, 0))
		return false;
	return (crm == 3 && op2 <= 1) || (crm == 4 && op2 <= 6) ||
	       (crm == 5 && op2 <= 3);
}

void sysreg_handle(struct vcpu *v, uint64_t esr)
{
	uint32_t iss = esr_iss(esr);
	uint32_t name = iss & ISS_SYS_REG_MASK;
	unsigned rt = (iss >> ISS_SYS_RT_SHIFT) & 31;
	bool read = (iss & ISS_SYS_READ) != 0;

	if (is_id_space(name) && read) {
		vcpu_reg_write(
		    v, rt,
		    sysreg_id_value((name >> ISS_SYS_CRM_SHIFT) & 15,
				    (name >> ISS_SYS_OP2_SHIFT) & 7));
	} else if ((name & ~(7u << ISS_SYS_OP2_SHIFT)) == ISS_CNTP_BASE &&
		   ((name >> ISS_SYS_OP2_SHIFT) & 7) <= 2) {
		vtimer_ptimer_access(v, (name >> ISS_SYS_OP2_SHIFT) & 7, read,
				     rt);
	} else if (name == ISS_ICC_SGI1R && !read && v->vm->vgic.version == 3) {
		vgic_sgi1r_write(v, vcpu_reg_read(v, rt));
	} else if (name == ISS_ACTLR_EL1) {
		if (read)
			vcpu_reg_write(v, rt, 0);
	} else if (!read && (name == ISS_DC_ISW || name == ISS_DC_CSW ||
			     name == ISS_DC_CISW)) {
		hal_dcache_clean_inval_setway(vcpu_reg_read(v, rt));
	} else if ((name >> ISS_SYS_OP0_SHIFT) == 2) {
		if (!vdebug_access(v, name, read, rt)) {
			log_unhandled(v, iss);
			inject_undef(v);
			return;
		}
	} else if (is_ras_error_record(name)) {
		/*
		 * RAS is hidden (ID_AA64PFR0_EL1.RAS reads 0): the guest gets
		 * what a CPU without it gives, an UNDEF and nothing else, so
		 * it reads the same on every machine (docs/design.md).
		 */
		inject_undef(v);
		return;
	} else {
		log_unhandled(v, iss);
		inject_undef(v);
		return;
	}
	exit_skip_insn(v, esr);
}
