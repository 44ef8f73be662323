/* smccc: two table lookups; nothing here is logged, since probing with
 * unknown ids is how guests discover services. */
#include "hv/smccc.h"

#include "hv/abi.h"
#include "hv/hypercall.h"
#include "hv/psci.h"
#include "hv/vcpu.h"

static void not_supported(struct vcpu *v)
{
	vcpu_reg_write(v, 0, (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED);
}

static void smccc_version(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	vcpu_reg_write(v, 0, SMCCC_VERSION_1_1);
}

static void arch_features(struct vcpu *v, uint32_t fid)
{
	uint32_t q = (uint32_t)vcpu_reg_read(v, 1);

	(void)fid;
	if (q == SMCCC_VERSION || q == SMCCC_ARCH_FEATURES)
		vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
	else
		not_supported(v);
}

#define O smccc_other
/* clang-format off */
static const smccc_fn arch_smc32[SMCCC_FNS] = {
    /* 0x00 */ smccc_version, arch_features, O, O, O, O, O, O,
    /* 0x08 */ SMCCC_OTHER8,
    /* 0x10 */ SMCCC_OTHER8,
    /* 0x18 */ SMCCC_OTHER8,
};
/* clang-format on */
#undef O
_Static_assert(SMCCC_FN(SMCCC_VERSION) == 0 &&
		   SMCCC_FN(SMCCC_ARCH_FEATURES) == 1,
	       "arch_smc32 by number");

const smccc_fn smccc_none[SMCCC_FNS] = {SMCCC_OTHER8, SMCCC_OTHER8,
					SMCCC_OTHER8, SMCCC_OTHER8};

#define N smccc_none
/* By fid bits [30:24] of a fast call: SMC64, then the owner; every entry
 * set, a row of eight. */
/* clang-format off */
const smccc_fn *const smccc_services[128] = {
    /* 0x00 */ arch_smc32, N, N, N, psci_smc32, N, hypercall_smc32, N,
    /* 0x08 */ N, N, N, N, N, N, N, N,
    /* 0x10 */ N, N, N, N, N, N, N, N,
    /* 0x18 */ N, N, N, N, N, N, N, N,
    /* 0x20 */ N, N, N, N, N, N, N, N,
    /* 0x28 */ N, N, N, N, N, N, N, N,
    /* 0x30 */ N, N, N, N, N, N, N, N,
    /* 0x38 */ N, N, N, N, N, N, N, N,
    /* 0x40 */ N, N, N, N, psci_smc64, N, N, N,
    /* 0x48 */ N, N, N, N, N, N, N, N,
    /* 0x50 */ N, N, N, N, N, N, N, N,
    /* 0x58 */ N, N, N, N, N, N, N, N,
    /* 0x60 */ N, N, N, N, N, N, N, N,
    /* 0x68 */ N, N, N, N, N, N, N, N,
    /* 0x70 */ N, N, N, N, N, N, N, N,
    /* 0x78 */ N, N, N, N, N, N, N, N,
};
/* clang-format on */
#undef N
_Static_assert(SMCCC_OWNER_ARCH == 0 && SMCCC_OWNER_STD == 4 &&
		   SMCCC_OWNER_VHYP == 6 && SMCCC_SMC64 == 1u << 30,
	       "the rows of smccc_services");

void smccc_other(struct vcpu *v, uint32_t fid)
{
	/* The one id with bits in [23:5]. */
	if ((uint16_t)v->arch.exit.esr == 0 && fid == HV_CALL_UID)
		hypercall_uid(v);
	else
		not_supported(v);
}
