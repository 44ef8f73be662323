/* smccc: the owner field picks the service; nothing here is logged, since
 * probing with unknown ids is how guests discover services. */
#include "hv/smccc.h"

#include "hv/abi.h"
#include "hv/hypercall.h"
#include "hv/psci.h"
#include "hv/vcpu.h"

static void arch_call(struct vcpu *v, uint32_t fid)
{
	int64_t ret = SMCCC_RET_NOT_SUPPORTED;

	switch (fid) {
	case SMCCC_VERSION:
		ret = SMCCC_VERSION_1_1;
		break;
	case SMCCC_ARCH_FEATURES: {
		uint32_t q = (uint32_t)vcpu_reg_read(v, 1);

		if (q == SMCCC_VERSION || q == SMCCC_ARCH_FEATURES)
			ret = SMCCC_RET_SUCCESS;
		break;
	}
	default:
		break;
	}
	vcpu_reg_write(v, 0, (uint64_t)ret);
}

void smccc_call(struct vcpu *v, uint16_t imm)
{
	uint32_t fid = (uint32_t)vcpu_reg_read(v, 0);

	if (imm != 0 || !(fid & SMCCC_FAST_CALL)) {
		vcpu_reg_write(v, 0,
			       (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED);
		return;
	}
	switch ((fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK) {
	case SMCCC_OWNER_ARCH:
		arch_call(v, fid);
		break;
	case SMCCC_OWNER_STD:
		psci_call(v, fid);
		break;
	case SMCCC_OWNER_VHYP:
		hypercall_call(v, fid);
		break;
	default:
		vcpu_reg_write(v, 0,
			       (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED);
		break;
	}
}
