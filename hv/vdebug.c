/* vdebug: a switch on the register name over the vCPU's debug copy. */
#include "hv/vdebug.h"

#include "hv/arch.h"
#include "hv/sysreg.h"
#include "hv/vcpu.h"

#include "lib/string.h"

#include <hal/vcpu.h>

/* Encodings, op0 = 2 (Arm ARM C5.3, Table C5-5). */
#define DBG(op1, crn, crm, op2) SYSREG_ISS(2, op1, crn, crm, op2)
#define ISS_OSDTRRX_EL1		DBG(0, 0, 0, 2)
#define ISS_MDCCINT_EL1		DBG(0, 0, 2, 0)
#define ISS_MDSCR_EL1		DBG(0, 0, 2, 2)
#define ISS_OSDTRTX_EL1		DBG(0, 0, 3, 2)
#define ISS_OSECCR_EL1		DBG(0, 0, 6, 2)
#define ISS_MDRAR_EL1		DBG(0, 1, 0, 0)
#define ISS_OSLAR_EL1		DBG(0, 1, 0, 4)
#define ISS_OSLSR_EL1		DBG(0, 1, 1, 4)
#define ISS_OSDLR_EL1		DBG(0, 1, 3, 4)
#define ISS_DBGPRCR_EL1		DBG(0, 1, 4, 4)
#define ISS_DBGCLAIMSET_EL1	DBG(0, 7, 8, 6)
#define ISS_DBGCLAIMCLR_EL1	DBG(0, 7, 9, 6)
#define ISS_DBGAUTHSTATUS_EL1	DBG(0, 7, 14, 6)
#define ISS_MDCCSR_EL0		DBG(3, 0, 1, 0)
#define ISS_DBGDTR_EL0		DBG(3, 0, 4, 0)
#define ISS_DBGDTRRXTX_EL0	DBG(3, 0, 5, 0) /* RX read, TX written */

/* DBGBVR<n> (op2 4), DBGBCR<n> (5), DBGWVR<n> (6), DBGWCR<n> (7): CRm = n. */
#define ISS_DBG_PAIR_BASE DBG(0, 0, 0, 0)
#define ISS_CRM_MASK	  (15u << ISS_SYS_CRM_SHIFT)

/* The fields a guest can write (D19.3.2, D19.3.4, D19.3.11, D19.3.12). */
#define DBGBCR_MASK   0x00ffe1e7ull /* E PMC BAS HMC SSC LBN BT */
#define DBGWCR_MASK   0x1f1fffffull /* E PAC LSC BAS HMC SSC LBN WT MASK */
#define DBGWVR_RES0   0x3ull
#define MDSCR_GUEST   (MDSCR_SS | MDSCR_TDCC | MDSCR_KDE | MDSCR_MDE)
#define MDCCINT_MASK  0x60000000ull /* RX [30], TX [29] */
#define OSLSR_OSLM_10 0x8ull	    /* OSLM = 0b10: the OS Lock is there */
#define OSLSR_OSLK    0x2ull
#define CLAIM_TAGS    0xffu
#define AUTHSTATUS_NS 0x0full /* NSID, NSNID: implemented and enabled */

#define ID_AA64DFR0_BRPS_SHIFT 12
#define ID_AA64DFR0_WRPS_SHIFT 20

static unsigned pairs(unsigned shift)
{
	unsigned n = (unsigned)((sysreg_id_value(5, 0) >> shift) & 0xf) + 1;

	return n < HAL_DEBUG_PAIRS_MAX ? n : HAL_DEBUG_PAIRS_MAX;
}

unsigned vdebug_brps(void)
{
	return pairs(ID_AA64DFR0_BRPS_SHIFT);
}

unsigned vdebug_wrps(void)
{
	return pairs(ID_AA64DFR0_WRPS_SHIFT);
}

/*
 * What the hardware runs the vCPU with: with the OS Lock set no debug
 * exception but BRK may be taken (AArch64.GenerateDebugExceptionsFrom),
 * which clearing MDE, KDE and SS gives on any CPU; the hardware's own OS
 * Lock stays clear (hal_debug_init_cpu).
 */
static void changed(struct vcpu *v)
{
	struct vcpu_debug *d = &v->arch.debug;

	d->mdscr = d->guest_mdscr;
	if (d->os_lock)
		d->mdscr &= ~(MDSCR_SS | MDSCR_KDE | MDSCR_MDE);
	hal_vcpu_debug_changed(&v->arch);
}

void vdebug_reset(struct vcpu *v)
{
	struct vcpu_debug *d = &v->arch.debug;
	uint32_t gen = d->gen; /* the backend compares it: keep it moving */

	memset(d, 0, sizeof(*d));
	d->gen = gen;
	d->os_lock = true;
	changed(v);
}

/* DBGBVR/BCR/WVR/WCR<n>_EL1; false if name is none of them. */
static bool pair_access(struct vcpu *v, uint32_t name, bool read, uint64_t *x)
{
	struct vcpu_debug *d = &v->arch.debug;
	unsigned n = (name & ISS_CRM_MASK) >> ISS_SYS_CRM_SHIFT;
	unsigned op2 = (name >> ISS_SYS_OP2_SHIFT) & 7;
	uint64_t *reg;
	uint64_t mask;

	if ((name & ~(ISS_CRM_MASK | (7u << ISS_SYS_OP2_SHIFT))) !=
		ISS_DBG_PAIR_BASE ||
	    op2 < 4)
		return false;
	switch (op2) {
	case 4:
		reg = &d->bvr[n];
		mask = ~0ull; /* a context breakpoint's ID includes [1:0] */
		break;
	case 5:
		reg = &d->bcr[n];
		mask = DBGBCR_MASK;
		break;
	case 6:
		reg = &d->wvr[n];
		mask = ~DBGWVR_RES0;
		break;
	default:
		reg = &d->wcr[n];
		mask = DBGWCR_MASK;
		break;
	}
	if (n >= (op2 < 6 ? vdebug_brps() : vdebug_wrps()))
		return false;
	if (read) {
		*x = *reg;
	} else {
		*reg = *x & mask;
		changed(v);
	}
	return true;
}

/* The registers with one direction only, or none of the guest's state. */
static bool other_access(struct vcpu *v, uint32_t name, bool read, uint64_t *x)
{
	struct vcpu_debug *d = &v->arch.debug;

	switch (name) {
	case ISS_MDSCR_EL1:
		if (read) {
			*x = d->guest_mdscr;
		} else {
			d->guest_mdscr = *x & MDSCR_GUEST;
			changed(v);
		}
		return true;
	case ISS_OSLAR_EL1:
		if (read)
			return false;
		d->os_lock = (*x & 1) != 0;
		changed(v);
		return true;
	case ISS_OSLSR_EL1:
		if (!read)
			return false;
		*x = OSLSR_OSLM_10 | (d->os_lock ? OSLSR_OSLK : 0);
		return true;
	case ISS_MDCCINT_EL1:
		if (read)
			*x = d->mdccint;
		else
			d->mdccint = *x & MDCCINT_MASK;
		return true;
	case ISS_DBGPRCR_EL1:
		if (read)
			*x = d->corenpdrq ? 1 : 0;
		else
			d->corenpdrq = (*x & 1) != 0;
		return true;
	case ISS_DBGCLAIMSET_EL1:
		if (read)
			*x = CLAIM_TAGS; /* which tags are implemented */
		else
			d->claim |= (uint8_t)(*x & CLAIM_TAGS);
		return true;
	case ISS_DBGCLAIMCLR_EL1:
		if (read)
			*x = d->claim;
		else
			d->claim &= (uint8_t) ~(*x & CLAIM_TAGS);
		return true;
	case ISS_DBGAUTHSTATUS_EL1:
	case ISS_MDRAR_EL1:
	case ISS_MDCCSR_EL0:
		if (!read)
			return false;
		*x = name == ISS_DBGAUTHSTATUS_EL1 ? AUTHSTATUS_NS : 0;
		return true;
	case ISS_OSDLR_EL1:
	case ISS_OSDTRRX_EL1:
	case ISS_OSDTRTX_EL1:
	case ISS_OSECCR_EL1:
	case ISS_DBGDTR_EL0:
	case ISS_DBGDTRRXTX_EL0:
		if (read)
			*x = 0;
		return true;
	default:
		return false;
	}
}

bool vdebug_access(struct vcpu *v, uint32_t name, bool read, unsigned rt)
{
	uint64_t x = vcpu_reg_read(v, rt);

	if (!pair_access(v, name, read, &x) && !other_access(v, name, read, &x))
		return false;
	if (read)
		vcpu_reg_write(v, rt, x);
	return true;
}
