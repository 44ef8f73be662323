/*
 * psci: vCPUs of one VM are addressed by MPIDR affinity (Aff0 = vCPU id,
 * higher levels 0). The 32-bit (SMC32) forms take 32-bit arguments.
 */
#include "hv/psci.h"

#include "hv/abi.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

static uint64_t arg(const struct vcpu *v, unsigned n, uint32_t fid)
{
	uint64_t a = vcpu_reg_read(v, n);

	return (fid & SMCCC_SMC64) ? a : (uint32_t)a;
}

static int64_t cpu_on(struct vcpu *v, uint32_t fid)
{
	uint64_t mpidr = arg(v, 1, fid);
	uint64_t entry = arg(v, 2, fid);
	uint64_t ctx = arg(v, 3, fid);
	struct vcpu *t = vm_vcpu_by_mpidr(v->vm, mpidr);

	if (t == NULL)
		return PSCI_RET_INVALID_PARAMETERS;
	if (t->power == VCPU_ON)
		return PSCI_RET_ALREADY_ON;
	if ((entry & 3) != 0 || !vm_ipa_in_ram(v->vm, entry, 4))
		return PSCI_RET_INVALID_ADDRESS;
	vcpu_reset(t, entry, ctx);
	t->power = VCPU_ON;
	return PSCI_RET_SUCCESS;
}

static int64_t affinity_info(struct vcpu *v, uint32_t fid)
{
	struct vcpu *t = vm_vcpu_by_mpidr(v->vm, arg(v, 1, fid));

	/* No clusters: only level 0 is meaningful. */
	if (t == NULL || arg(v, 2, fid) != 0)
		return PSCI_RET_INVALID_PARAMETERS;
	return t->power == VCPU_ON ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
}

static int64_t features(uint32_t q)
{
	switch (q) {
	case PSCI_0_2_VERSION:
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		/* For CPU_SUSPEND: original power_state format, no OSI. */
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

void psci_call(struct vcpu *v, uint32_t fid)
{
	int64_t ret;

	switch (fid) {
	case PSCI_0_2_VERSION:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* Standby: a wake-up event may end it at any time, like WFI. */
		v->yield = true;
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_CPU_OFF:
		v->power = VCPU_OFF;
		v->yield = true;
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		ret = cpu_on(v, fid);
		break;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		ret = affinity_info(v, fid);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_MIGRATE_TOS_NOT_PRESENT;
		break;
	case PSCI_SYSTEM_OFF:
		vm_power_off(v->vm, v->vm->exit_status, "PSCI SYSTEM_OFF");
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_SYSTEM_RESET:
		vm_request_reset(v->vm);
		ret = PSCI_RET_SUCCESS;
		break;
	case PSCI_FEATURES:
		ret = features((uint32_t)vcpu_reg_read(v, 1));
		break;
	default:
		ret = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	vcpu_reg_write(v, 0, (uint64_t)ret);
}
