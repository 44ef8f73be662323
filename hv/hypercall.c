/* hypercall: a small, fixed set; see hv/abi.h for the contract. */
#include "hv/hypercall.h"

#include "hv/abi.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

void hypercall_call(struct vcpu *v, uint32_t fid)
{
	/* Unknown ids are the common probe: reject them before the switch. */
	if (fid > HV_CALL_VM_BOOTS && fid != HV_CALL_UID) {
		vcpu_reg_write(v, 0,
			       (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED);
		return;
	}
	switch (fid) {
	case HV_CALL_VERSION:
		vcpu_reg_write(v, 0, HV_ABI_VERSION);
		break;
	case HV_CALL_NULL:
		vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
		break;
	case HV_CALL_VM_INFO:
		vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
		vcpu_reg_write(v, 1, v->vm->id);
		vcpu_reg_write(v, 2, v->id);
		vcpu_reg_write(v, 3, v->vm->vcpu_count);
		break;
	case HV_CALL_EXIT: {
		int status = (int)(uint32_t)vcpu_reg_read(v, 1);

		vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
		vm_power_off(v->vm, status, "exit hypercall");
		break;
	}
	case HV_CALL_VM_BOOTS:
		vcpu_reg_write(v, 0, SMCCC_RET_SUCCESS);
		vcpu_reg_write(v, 1, v->vm->boots);
		break;
	case HV_CALL_UID:
		vcpu_reg_write(v, 0, HV_UID0);
		vcpu_reg_write(v, 1, HV_UID1);
		vcpu_reg_write(v, 2, HV_UID2);
		vcpu_reg_write(v, 3, HV_UID3);
		break;
	default:
		/* Every other id was rejected above. */
		break;
	}
}
