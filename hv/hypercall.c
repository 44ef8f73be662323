/* hypercall: a small, fixed set; see hv/abi.h for the contract. */
#include "hv/hypercall.h"

#include "hv/abi.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

static void version(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	vcpu_reg_write(v, 0, HV_ABI_VERSION);
}

static void null_call(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
}

static void vm_info(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
	vcpu_reg_write(v, 1, v->vm->id);
	vcpu_reg_write(v, 2, v->id);
	vcpu_reg_write(v, 3, v->vm->vcpu_count);
}

static void exit_call(struct vcpu *v, uint32_t fid)
{
	int status = (int)(uint32_t)vcpu_reg_read(v, 1);

	(void)fid;
	vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
	vm_power_off(v->vm, status, "exit hypercall");
}

static void vm_boots(struct vcpu *v, uint32_t fid)
{
	(void)fid;
	vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
	vcpu_reg_write(v, 1, v->vm->boots);
}

/* By number, a row of eight. */
/* clang-format off */
const smccc_fn hypercall_smc32[SMCCC_FNS] = {
    /* 0x00 */ version, null_call, vm_info, exit_call, vm_boots,
	       smccc_other, smccc_other, smccc_other,
    /* 0x08 */ SMCCC_OTHER8,
    /* 0x10 */ SMCCC_OTHER8,
    /* 0x18 */ SMCCC_OTHER8,
};
/* clang-format on */
_Static_assert(SMCCC_FN(HV_CALL_VERSION) == 0 && SMCCC_FN(HV_CALL_NULL) == 1 &&
		   SMCCC_FN(HV_CALL_VM_INFO) == 2 &&
		   SMCCC_FN(HV_CALL_EXIT) == 3 &&
		   SMCCC_FN(HV_CALL_VM_BOOTS) == 4,
	       "hypercall_smc32 by number");

void hypercall_uid(struct vcpu *v)
{
	vcpu_reg_write(v, 0, HV_UID0);
	vcpu_reg_write(v, 1, HV_UID1);
	vcpu_reg_write(v, 2, HV_UID2);
	vcpu_reg_write(v, 3, HV_UID3);
}
