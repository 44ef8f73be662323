/* sched: the run loop of ARCHITECTURE.md, plus picking the next vCPU. */
#include "hv/sched.h"

#include "hv/console.h"
#include "hv/exit.h"
#include "hv/irq.h"
#include "hv/log.h"
#include "hv/trace.h"
#include "hv/vm.h"

#include <hal/counter.h>
#include <hal/cpu.h>
#include <hal/gic.h>

#include <stdatomic.h>

/* What one physical CPU is doing; only that CPU touches its entry. */
struct sched_cpu {
	struct vcpu *current; /* running, or NULL while idle */
	struct vcpu *loaded;  /* the last one run here */
	uint64_t slice_end;   /* when current must give way, or UINT64_MAX */
	unsigned cursor;      /* round robin position */
};

static struct vm *all_vms;
static unsigned all_vm_count;
static struct sched_cpu cpus[HAL_MAX_CPUS];
/* Counter ticks each CPU slept with nothing to run (sched_idle_ticks). */
static _Atomic uint64_t idle_ticks[HAL_MAX_CPUS];

static struct sched_cpu *this_cpu(void)
{
	return &cpus[hal_cpu_id()];
}

/* With the VM locked. Only the vCPUs homed on this CPU are run here. */
static bool is_on(const struct vm *vm, unsigned i, const struct vcpu *v)
{
	return vm->state == VM_RUNNING && i < vm->vcpu_count &&
	       v->power == VCPU_ON && v->arch.cpu == hal_cpu_id();
}

/*
 * A blocked vCPU (in WFI) wakes when an interrupt is pending for it or one
 * of its timers has reached its deadline: checked here, so every source of
 * interrupts (devices, SGIs from any CPU, timers) wakes it the same way.
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

/* What one pass over the vCPUs homed on this CPU found (pick). */
struct scan {
	struct vcpu *next; /* to run, marked running; NULL when none can */
	bool others;	   /* a vCPU other than next is on here */
	uint64_t deadline; /* the earliest future deadline of a blocked one */
};

/*
 * The next vCPU to run here, round robin, marked running (a VM reset waits
 * for that to clear) and reset first if a reset was asked for; in the same
 * pass, each VM locked once, what the time slice and the hypervisor timer
 * need to know about the others (arm_timer's rules).
 */
static void pick(struct sched_cpu *c, struct scan *s)
{
	unsigned total = all_vm_count * HV_MAX_VCPUS;
	/* The pass starts where the last one left off; picking moves the
	 * cursor for the next pass, not this one (which would then see the
	 * picked vCPU again as another, and miss one). */
	unsigned start = c->cursor;
	uint64_t now = hal_counter_read();
	struct vm *locked = NULL;

	*s = (struct scan){.deadline = UINT64_MAX};
	for (unsigned n = 0; n < total; n++) {
		unsigned i = (start + n) % total;
		struct vm *vm = &all_vms[i / HV_MAX_VCPUS];
		struct vcpu *v = &vm->vcpus[i % HV_MAX_VCPUS];
		uint64_t d;

		/* No vCPU there (the count is fixed at creation). */
		if (i % HV_MAX_VCPUS >= vm->vcpu_count)
			continue;
		if (vm != locked) {
			if (locked != NULL)
				vm_unlock(locked);
			vm_lock(vm);
			locked = vm;
		}
		if (!is_on(vm, i % HV_MAX_VCPUS, v))
			continue;
		if (s->next == NULL) {
			vcpu_apply_reset(v);
			if (runnable(v)) {
				atomic_store(&v->running, true);
				s->next = v;
				c->cursor = (i + 1) % total;
				continue;
			}
		}
		s->others = true;
		if (v->blocked) {
			d = vtimer_deadline(v);
			if (d > now && d < s->deadline)
				s->deadline = d;
		}
	}
	if (locked != NULL)
		vm_unlock(locked);
}

/*
 * The hypervisor timer serves every deadline on this CPU: the running
 * vCPU's emulated physical timer, the timers of blocked vCPUs, and the end
 * of the running vCPU's time slice. A deadline already passed is left out
 * for the running vCPU (its interrupt is already raised) and is "now" for a
 * blocked one (the running vCPU must give way).
 */
static void arm_timer(struct sched_cpu *c)
{
	uint64_t now = hal_counter_read();
	uint64_t deadline = c->slice_end > now ? c->slice_end : UINT64_MAX;

	for (unsigned m = 0; m < all_vm_count; m++) {
		struct vm *vm = &all_vms[m];

		vm_lock(vm);
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			struct vcpu *v = &vm->vcpus[i];
			uint64_t d;

			if (!is_on(vm, i, v))
				continue;
			if (v == c->current) {
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
		vm_unlock(vm);
	}
	if (deadline != UINT64_MAX)
		hal_timer_arm(deadline);
	else
		hal_timer_cancel();
}

/* arm_timer for the vCPU pick chose, from what its pass found. */
static void arm_timer_picked(struct sched_cpu *c, const struct scan *s)
{
	uint64_t now = hal_counter_read();
	uint64_t deadline = c->slice_end > now ? c->slice_end : UINT64_MAX;
	/* Its virtual timer is the hardware's. */
	uint64_t d = vtimer_deadline_ptimer(s->next);

	if (d > now && d < deadline)
		deadline = d;
	if (s->deadline < deadline)
		deadline = s->deadline;
	if (deadline != UINT64_MAX)
		hal_timer_arm(deadline);
	else
		hal_timer_cancel();
}

void sched_timer_update(void)
{
	arm_timer(this_cpu());
}

static bool others_on(const struct vcpu *v);

void sched_kick(void)
{
	struct sched_cpu *c = this_cpu();

	if (c->current == NULL || c->slice_end != UINT64_MAX ||
	    !others_on(c->current))
		return;
	c->slice_end = hal_counter_read() + SCHED_SLICE_TICKS;
	arm_timer(c);
}

bool sched_should_yield(void)
{
	struct sched_cpu *c = this_cpu();
	uint64_t now = hal_counter_read();
	bool yield = now >= c->slice_end;

	for (unsigned m = 0; m < all_vm_count && !yield; m++) {
		struct vm *vm = &all_vms[m];

		vm_lock(vm);
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			struct vcpu *v = &vm->vcpus[i];

			if (v != c->current && is_on(vm, i, v) && v->blocked &&
			    vtimer_deadline(v) <= now)
				yield = true;
		}
		vm_unlock(vm);
	}
	return yield;
}

/* Is a vCPU other than v on (running, runnable or blocked) on this CPU? */
static bool others_on(const struct vcpu *v)
{
	bool any = false;

	for (unsigned m = 0; m < all_vm_count && !any; m++) {
		struct vm *vm = &all_vms[m];

		vm_lock(vm);
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			if (&vm->vcpus[i] != v && is_on(vm, i, &vm->vcpus[i]))
				any = true;
		}
		vm_unlock(vm);
	}
	return any;
}

/*
 * Can anything still run, on any CPU: a VM about to reset, or a vCPU on?
 * A VM none of whose vCPUs is on can never have one turned on again.
 */
static bool any_vm_alive(void)
{
	bool alive = false;

	for (unsigned m = 0; m < all_vm_count && !alive; m++) {
		struct vm *vm = &all_vms[m];

		vm_lock(vm);
		alive = vm->state == VM_RESET_PENDING;
		for (unsigned i = 0; i < vm->vcpu_count; i++) {
			if (vm->state == VM_RUNNING &&
			    vm->vcpus[i].power == VCPU_ON)
				alive = true;
		}
		vm_unlock(vm);
	}
	return alive;
}

/*
 * Nothing can run here: sleep until the earliest timer of a blocked vCPU,
 * a kick from another CPU, or any interrupt. False when no VM is left.
 */
static bool idle(struct sched_cpu *c)
{
	uint64_t slept;

	c->current = NULL;
	c->slice_end = UINT64_MAX;
	if (!any_vm_alive())
		return false;
	arm_timer(c);
	slept = hal_counter_read();
	hal_cpu_idle();
	atomic_fetch_add(&idle_ticks[hal_cpu_id()], hal_counter_read() - slept);
	irq_handle(c->loaded);
	return true;
}

/* Is v still on, with its VM running? (The kick that says otherwise may
 * already have been taken by the wait.) */
static bool still_on(struct vcpu *v)
{
	bool on;

	vm_lock(v->vm);
	on = v->vm->state == VM_RUNNING && v->power == VCPU_ON;
	vm_unlock(v->vm);
	return on;
}

bool sched_wait_here(struct vcpu *v)
{
	struct sched_cpu *c = this_cpu();

	/* slice_end is UINT64_MAX exactly while no other vCPU is on here
	 * (pick, sched_kick). */
	if (c->current != v || c->slice_end != UINT64_MAX)
		return false;
	do {
		uint64_t slept = hal_counter_read();

		hal_cpu_idle();
		atomic_fetch_add(&idle_ticks[hal_cpu_id()],
				 hal_counter_read() - slept);
		irq_handle(v);
		if (v->arch.yield || c->slice_end != UINT64_MAX || !still_on(v))
			return false;
		/* What wakes a blocked vCPU in the scheduler (runnable). */
		vtimer_update(v);
	} while (!vgic_has_pending(v) &&
		 vtimer_deadline(v) > hal_counter_read());
	return true;
}

uint64_t sched_idle_ticks(unsigned cpu)
{
	return cpu < HAL_MAX_CPUS ? atomic_load(&idle_ticks[cpu]) : 0;
}

/* Waits until no vCPU of vm is in a guest on any CPU. */
static void wait_stopped(struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		while (atomic_load(&vm->vcpus[i].running))
			hal_cpu_relax();
	}
}

static void after_slice(struct vm *vm, const struct vcpu *v)
{
	bool reset = false;
	bool none_on = true;

	vm_lock(vm);
	/* Nothing happened to the VM (v on means one is on): done. */
	if (vm->state == VM_RUNNING && v->power == VCPU_ON) {
		vm_unlock(vm);
		return;
	}
	if (vm->state == VM_RESET_PENDING && !vm->resetting) {
		vm->resetting = true;
		reset = true;
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (vm->vcpus[i].power == VCPU_ON)
			none_on = false;
	}
	if (vm->state == VM_RUNNING && none_on)
		vm_power_off(vm, vm->exit_status, "CPU_OFF of its last vCPU");
	vm_unlock(vm);
	if (reset) {
		enum hv_err err;

		/* Its vCPUs on other CPUs were kicked out of their guests. */
		wait_stopped(vm);
		hv_log_vm(vm, "system reset");
		err = vm_boot(vm);
		if (err != HV_OK)
			vm_power_off(vm, 1, hv_err_str(err));
		vm_lock(vm);
		vm->resetting = false;
		vm_unlock(vm);
	}
}

void sched_init(struct vm *vms, unsigned vm_count)
{
	unsigned focus = 0;

	all_vms = vms;
	all_vm_count = vm_count;
	for (unsigned i = 0; i < HAL_MAX_CPUS; i++)
		cpus[i] = (struct sched_cpu){.slice_end = UINT64_MAX};
	for (unsigned i = vm_count; i-- > 0;) {
		if (vms[i].cfg != NULL && vms[i].cfg->console)
			focus = i;
	}
	console_init(vms, vm_count, focus);
}

int sched_run(void)
{
	struct sched_cpu *c = this_cpu();
	int status = 0;

	irq_init_cpu();
	for (;;) {
		struct scan s;
		struct vcpu *v;

		pick(c, &s);
		v = s.next;
		if (v == NULL) {
			if (!idle(c))
				break;
			continue;
		}
		/* A vCPU that never waits must still let others run. */
		c->current = v;
		c->slice_end = s.others ? hal_counter_read() + SCHED_SLICE_TICKS
					: UINT64_MAX;
		vtimer_update(v);
		arm_timer_picked(c, &s);
		if (c->loaded != NULL && c->loaded != v)
			vgic_vcpu_put(c->loaded);
		vgic_sync(v);
		vgic_flush(v);
		TRACE_ENTER(hal_cpu_id(), v, c->loaded != v);
		c->loaded = v;
		hal_vcpu_run(&v->arch, trace_exit_table());
		atomic_store(&v->running, false);
		after_slice(v->vm, v);
	}
	hal_timer_cancel();
	c->current = NULL;
	/* The worst of the VMs' statuses: any failure beats 0 (a guest's
	 * exit(-1) too), the highest among failures. */
	for (unsigned i = 0; i < all_vm_count; i++) {
		int s = all_vms[i].exit_status;

		if (s != 0 && (status == 0 || s > status))
			status = s;
	}
	return status;
}
