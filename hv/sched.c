/* sched: the run loop of ARCHITECTURE.md, plus picking the next vCPU. */
#include "hv/sched.h"

#include "hv/exit.h"
#include "hv/log.h"
#include "hv/vm.h"

static struct vcpu *pick(struct vm *vms, unsigned vm_count, unsigned *cursor)
{
	unsigned total = vm_count * HV_MAX_VCPUS;

	for (unsigned n = 0; n < total; n++) {
		unsigned i = (*cursor + n) % total;
		struct vm *vm = &vms[i / HV_MAX_VCPUS];
		struct vcpu *v = &vm->vcpus[i % HV_MAX_VCPUS];

		if (vm->state == VM_RUNNING &&
		    i % HV_MAX_VCPUS < vm->vcpu_count && v->power == VCPU_ON) {
			*cursor = (i + 1) % total;
			return v;
		}
	}
	return NULL;
}

static void after_slice(struct vm *vm)
{
	if (vm->state == VM_RESET_PENDING) {
		enum hv_err err;

		hv_log("%s: system reset", vm->cfg->name);
		err = vm_boot(vm);
		if (err != HV_OK)
			vm_power_off(vm, 1, hv_err_str(err));
		return;
	}
	if (vm->state != VM_RUNNING)
		return;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (vm->vcpus[i].power == VCPU_ON)
			return;
	}
	vm_power_off(vm, vm->exit_status, "CPU_OFF of its last vCPU");
}

int sched_run(struct vm *vms, unsigned vm_count)
{
	unsigned cursor = 0;
	struct vcpu *v;
	int status = 0;

	while ((v = pick(vms, vm_count, &cursor)) != NULL) {
		hal_vcpu_run(&v->arch, hv_exit_handler);
		after_slice(v->vm);
	}
	for (unsigned i = 0; i < vm_count; i++) {
		if (status == 0)
			status = vms[i].exit_status;
	}
	return status;
}
