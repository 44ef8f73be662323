/*
 * psci: vCPUs of one VM are addressed by MPIDR affinity (Aff0 = vCPU id,
 * higher levels 0). The 32-bit (SMC32) forms take 32-bit arguments.
 */
#include "hv/psci.h"

#include "hv/sched.h"

#include "hv/abi.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#include <hal/cpu.h>

static inline uint64_t arg(const struct vcpu *v, unsigned n, uint32_t fid)
{
	uint64_t a = vcpu_reg_read(v, n);

	return (fid & SMCCC_SMC64) ? a : (uint32_t)a;
}

static inline void ret(struct vcpu *v, int64_t value)
{
	vcpu_reg_write(v, 0, (uint64_t)value);
}

static void psci_version(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	ret(v, PSCI_VERSION_1_1);
}

static void cpu_suspend(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	/* Standby: a wake-up event may end it at any time, like WFI. */
	v->arch.yield = true;
	ret(v, PSCI_RET_SUCCESS);
}

static void cpu_off(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	vm_lock(v->vm);
	v->power = VCPU_OFF;
	vm_unlock(v->vm);
	v->arch.yield = true;
	ret(v, PSCI_RET_SUCCESS);
}

static void cpu_on(struct vcpu *v, uint32_t fid)
{
	uint64_t mpidr = arg(v, 1, fid);
	uint64_t entry = arg(v, 2, fid);
	uint64_t ctx = arg(v, 3, fid);
	struct vcpu *t = vm_vcpu_by_mpidr(v->vm, mpidr);

	/* Arguments are checked before the target's state. */
	vm_lock(v->vm);
	if (t == NULL) {
		ret(v, PSCI_RET_INVALID_PARAMETERS);
	} else if ((entry & 3) != 0 || !vm_ipa_in_ram(v->vm, entry, 4)) {
		ret(v, PSCI_RET_INVALID_ADDRESS);
	} else if (t->power == VCPU_ON) {
		ret(v, PSCI_RET_ALREADY_ON);
	} else {
		/* Its home CPU resets it: its registers may be there. */
		t->power = VCPU_ON;
		vcpu_request_reset(t, entry, ctx);
		if (t->arch.cpu == hal_cpu_id())
			sched_kick();
		ret(v, PSCI_RET_SUCCESS);
	}
	vm_unlock(v->vm);
}

static void affinity_info(struct vcpu *v, uint32_t fid)
{
	struct vcpu *t = vm_vcpu_by_mpidr(v->vm, arg(v, 1, fid));

	/* No clusters: only level 0 is meaningful. */
	vm_lock(v->vm);
	if (t == NULL || arg(v, 2, fid) != 0)
		ret(v, PSCI_RET_INVALID_PARAMETERS);
	else
		ret(v,
		    t->power == VCPU_ON ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF);
	vm_unlock(v->vm);
}

static void migrate_info_type(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	ret(v, PSCI_MIGRATE_TOS_NOT_PRESENT);
}

static void system_off(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	ret(v, PSCI_RET_SUCCESS);
	vm_power_off(v->vm, v->vm->exit_status, "PSCI SYSTEM_OFF");
}

static void system_reset(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	ret(v, PSCI_RET_SUCCESS);
	vm_request_reset(v->vm);
}

static void features(struct vcpu *v, uint32_t fid)
{
	uint32_t q = (uint32_t)vcpu_reg_read(v, 1);

	(void)fid;
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
		ret(v, PSCI_RET_SUCCESS);
		break;
	default:
		ret(v, PSCI_RET_NOT_SUPPORTED);
		break;
	}
}

#define O smccc_other
/* By number, a row of eight (ids in hv/abi.h). */
/* clang-format off */
const smccc_fn psci_smc32[SMCCC_FNS] = {
    /* 0x00 */ psci_version, cpu_suspend, cpu_off, cpu_on,
	       affinity_info, O, migrate_info_type, O,
    /* 0x08 */ system_off, system_reset, features, O, O, O, O, O,
    /* 0x10 */ SMCCC_OTHER8,
    /* 0x18 */ SMCCC_OTHER8,
};

/* The functions that also exist in the SMC64 convention. */
const smccc_fn psci_smc64[SMCCC_FNS] = {
    /* 0x00 */ O, cpu_suspend, O, cpu_on, affinity_info, O, O, O,
    /* 0x08 */ SMCCC_OTHER8,
    /* 0x10 */ SMCCC_OTHER8,
    /* 0x18 */ SMCCC_OTHER8,
};
/* clang-format on */
#undef O
_Static_assert(
    SMCCC_FN(PSCI_0_2_VERSION) == 0 && SMCCC_FN(PSCI_CPU_SUSPEND_32) == 1 &&
	SMCCC_FN(PSCI_CPU_OFF) == 2 && SMCCC_FN(PSCI_CPU_ON_32) == 3 &&
	SMCCC_FN(PSCI_AFFINITY_INFO_32) == 4 &&
	SMCCC_FN(PSCI_MIGRATE_INFO_TYPE) == 6 &&
	SMCCC_FN(PSCI_SYSTEM_OFF) == 8 && SMCCC_FN(PSCI_SYSTEM_RESET) == 9 &&
	SMCCC_FN(PSCI_FEATURES) == 10 && SMCCC_FN(PSCI_CPU_SUSPEND_64) == 1 &&
	SMCCC_FN(PSCI_CPU_ON_64) == 3 && SMCCC_FN(PSCI_AFFINITY_INFO_64) == 4,
    "the rows of the PSCI tables");
