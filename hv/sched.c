/* sched: the run loop of ARCHITECTURE.md, plus picking the next vCPU. */
#include "hv/sched.h"

#include "hv/exit.h"
#include "hv/irq.h"
#include "hv/log.h"
#include "hv/vm.h"

#include <hal/counter.h>
#include <hal/gic.h>

static bool is_on(const struct vm *vm, unsigned i, const struct vcpu *v)
{
	return vm->state == VM_RUNNING && i < vm->vcpu_count &&
	       v->power == VCPU_ON;
}

/*
 * A blocked vCPU (in WFI) wakes when an interrupt is pending for it or one
 * of its timers has reached its deadline: checked here, so every source of
 * interrupts (devices, SGIs, timers) wakes it the same way.
 */
static bool runnable(struct vcpu *v)
{
	if (v->blocked) {
		vtimer_update(v);
		if (!vgic_has_pending(v) &&
		    vtimer_deadline(v) > hal_counter_read())
			return false;
		v->blocked = false;
	}
	return true;
}

static struct vcpu *pick(struct vm *vms, unsigned vm_count, unsigned *cursor)
{
	unsigned total = vm_count * HV_MAX_VCPUS;

	for (unsigned n = 0; n < total; n++) {
		unsigned i = (*cursor + n) % total;
		struct vm *vm = &vms[i / HV_MAX_VCPUS];
		struct vcpu *v = &vm->vcpus[i % HV_MAX_VCPUS];

		if (is_on(vm, i % HV_MAX_VCPUS, v) && runnable(v)) {
			*cursor = (i + 1) % total;
			return v;
		}
	}
	return NULL;
}

static struct {
	struct vm *vms;
	unsigned vm_count;
	struct vcpu *current; /* running, or NULL while idle */
	uint64_t slice_end;   /* when current must give way, or UINT64_MAX */
} sched;

/*
 * The hypervisor timer serves every deadline on this CPU: the running
 * vCPU's emulated physical timer, the timers of blocked vCPUs, and the end
 * of the running vCPU's time slice. A deadline already passed is left out
 * for the running vCPU (its interrupt is already raised) and is "now" for a
 * blocked one (the running vCPU must give way). Returns false when no vCPU
 * is on at all.
 */
static bool arm_timer(void)
{
	uint64_t now = hal_counter_read();
	uint64_t deadline =
	    sched.slice_end > now ? sched.slice_end : UINT64_MAX;
	bool any = false;

	for (unsigned m = 0; m < sched.vm_count; m++) {
		struct vm *vm = &sched.vms[m];

		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			struct vcpu *v = &vm->vcpus[i];
			uint64_t d;

			if (!is_on(vm, i, v))
				continue;
			any = true;
			if (v == sched.current) {
				/* Its virtual timer is the hardware's. */
				d = vtimer_deadline_ptimer(v);
				if (d <= now)
					continue;
			} else if (v->blocked) {
				/* Passed: runnable now (sched_should_yield). */
				d = vtimer_deadline(v);
				if (d <= now)
					continue;
			} else {
				continue;
			}
			if (d < deadline)
				deadline = d;
		}
	}
	if (deadline != UINT64_MAX)
		hal_timer_arm(deadline);
	else
		hal_timer_cancel();
	return any;
}

void sched_timer_update(void)
{
	(void)arm_timer();
}

void sched_kick(void)
{
	if (sched.current == NULL || sched.slice_end != UINT64_MAX)
		return;
	sched.slice_end = hal_counter_read() + SCHED_SLICE_TICKS;
	arm_timer();
}

bool sched_should_yield(void)
{
	uint64_t now = hal_counter_read();

	if (now >= sched.slice_end)
		return true;
	for (unsigned m = 0; m < sched.vm_count; m++) {
		struct vm *vm = &sched.vms[m];

		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			struct vcpu *v = &vm->vcpus[i];

			if (v != sched.current && is_on(vm, i, v) &&
			    v->blocked && vtimer_deadline(v) <= now)
				return true;
		}
	}
	return false;
}

/* Is a vCPU other than v on (running, runnable or blocked)? */
static bool others_on(const struct vcpu *v)
{
	for (unsigned m = 0; m < sched.vm_count; m++) {
		struct vm *vm = &sched.vms[m];

		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			if (&vm->vcpus[i] != v && is_on(vm, i, &vm->vcpus[i]))
				return true;
		}
	}
	return false;
}

/*
 * Nothing can run, but some vCPU is on: sleep until the earliest timer of a
 * blocked vCPU, or any interrupt. False when no VM is running at all.
 */
static bool idle(struct vcpu *loaded)
{
	sched.current = NULL;
	sched.slice_end = UINT64_MAX;
	if (!arm_timer())
		return false;
	hal_cpu_idle();
	irq_handle(loaded);
	return true;
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
	struct vcpu *loaded = NULL;
	unsigned cursor = 0;
	int status = 0;

	struct vm *console = NULL;

	for (unsigned i = 0; i < vm_count; i++) {
		if (vms[i].cfg != NULL && vms[i].cfg->console &&
		    console == NULL)
			console = &vms[i];
	}
	sched.vms = vms;
	sched.vm_count = vm_count;
	irq_init(console);
	for (;;) {
		struct vcpu *v = pick(vms, vm_count, &cursor);

		if (v == NULL) {
			if (!idle(loaded))
				break;
			continue;
		}
		irq_resume();
		/* A vCPU that never waits must still let others run. */
		sched.current = v;
		sched.slice_end = others_on(v)
				      ? hal_counter_read() + SCHED_SLICE_TICKS
				      : UINT64_MAX;
		vtimer_update(v);
		arm_timer();
		vgic_sync(v);
		vgic_flush(v);
		loaded = v;
		hal_vcpu_run(&v->arch, hv_exit_handler);
		after_slice(v->vm);
	}
	hal_timer_cancel();
	sched.current = NULL;
	for (unsigned i = 0; i < vm_count; i++) {
		if (status == 0)
			status = vms[i].exit_status;
	}
	return status;
}
