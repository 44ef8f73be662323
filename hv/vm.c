/* vm: creation maps RAM once; boot (and reset) reloads the blobs. */
#include "hv/vm.h"

#include "hv/log.h"
#include "hv/passthrough.h"
#include "hv/vm_ram.h"
#include "lib/string.h"

#include <hal/counter.h>
#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/mm.h>

bool vm_ipa_in_ram(const struct vm *vm, uint64_t ipa, uint64_t len)
{
	uint64_t base = ipa_addr(vm->cfg->ram_ipa);

	return ipa >= base && len <= vm->cfg->ram_size &&
	       ipa - base <= vm->cfg->ram_size - len;
}

enum hv_err vm_create(struct vm *vm, unsigned id, const struct vm_config *cfg,
		      const struct vm_image_plan *image, struct page_pool *pool)
{
	const struct hal_cpu_caps *caps = hal_cpu_caps();
	struct mmio_region uart = {
	    .name = "pl011",
	    .base = ipa_init(VM_PL011_IPA),
	    .size = VM_PL011_SIZE,
	    .ops = &vpl011_mmio_ops,
	    .dev = &vm->uart,
	};
	enum hv_err err;

	memset(vm, 0, sizeof(*vm));
	hv_lock_init(&vm->lock);
	vm->cfg = cfg;
	vm->image = *image;
	vm->id = id;
	vm->state = VM_OFF;
	vm->vcpu_count = cfg->vcpu_count;
	err = stage2_init(&vm->s2, pool, caps->ipa_bits, caps->s2_start_level,
			  (uint16_t)(id + 1));
	if (err != HV_OK)
		return err;
	err = stage2_map(&vm->s2, cfg->ram_ipa, cfg->ram_pa, cfg->ram_size,
			 S2_RWX);
	if (err != HV_OK)
		return err;
	if (hal_pa_to_ptr(cfg->ram_pa, cfg->ram_size) == NULL)
		return HV_ERR_RANGE;

	mmio_bus_init(&vm->mmio);
	vpl011_init(&vm->uart, cfg->name, vm);
	err = mmio_bus_add(&vm->mmio, &uart);
	if (err != HV_OK)
		return err;

	/* The guest's virtual counter starts near zero at its creation. */
	vm->cntvoff = hal_counter_read();
	for (unsigned i = 0; i < cfg->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->power = VCPU_OFF;
		hal_vcpu_init(&v->arch);
		/* Pinned: where the manifest says, else vCPU i on physical
		 * CPU i modulo their count. */
		v->arch.cpu =
		    cfg->affinity_set ? cfg->affinity[i] : i % hal_cpu_count();
		atomic_init(&v->running, false);
		v->arch.vttbr = stage2_vttbr(&vm->s2);
		v->arch.vmpidr = vcpu_mpidr(i);
		v->arch.cntvoff = vm->cntvoff;
	}
	/* A machine without a GIC the HAL drives runs VMs without one. */
	if (hal_gic()->version != 0) {
		err = vgic_init(vm);
		if (err != HV_OK)
			return err;
	}
	return passthrough_map(vm);
}

enum hv_err vm_boot(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	enum hv_err err;

	/* Before the RAM changes: a device must not serve rings of the old
	 * RAM, nor another VM's frame land in it while it is reloaded. */
	vm_lock(vm);
	vm_devices_reset(vm);
	vm_unlock(vm);
	/* Zeroed as the VM touches it, or now if devices reach it
	 * (hv/vm_ram.h). */
	err = vm_ram_load(vm);
	if (err != HV_OK)
		return err;
	vm_lock(vm);
	vpl011_init(&vm->uart, cfg->name, vm);
	/* The whole GIC resets with the machine: distributor, SPIs and
	 * every vCPU's private interrupts and list registers. */
	if (vm->vgic.version != 0)
		vgic_reset(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		vm->vcpus[i].power = VCPU_OFF;
		vm->vcpus[i].blocked = false;
		vm->vcpus[i].reset_pending = false;
	}
	vm->vcpus[0].power = VCPU_ON;
	vm->state = VM_RUNNING;
	vm->boots++;
	vcpu_request_reset(&vm->vcpus[0], vm->image.entry, vm->image.dtb_ipa);
	vm_unlock(vm);
	return HV_OK;
}

/* Every vCPU of the VM leaves its guest soon: the VM's state changed. */
static void stop_vcpus(struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		/* A running one on another CPU sees the state at the kick. */
		if (v->arch.cpu == hal_cpu_id())
			v->arch.yield = true;
		vcpu_kick(v);
	}
}

/*
 * A VM went off: its vCPUs on this CPU yield, and every other CPU looks
 * again, those running its vCPUs to see it off, an idle one to see whether
 * any VM is left: the CPU the last VM stops on may not be the one that
 * reports the end (hv_main's, CPU 0), asleep with nothing of its own.
 */
static void stop_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i].arch.cpu == hal_cpu_id())
			vm->vcpus[i].arch.yield = true;
	for (unsigned cpu = 0; cpu < hal_cpu_count(); cpu++)
		if (cpu != hal_cpu_id())
			hal_cpu_kick(cpu);
}

void vm_power_off(struct vm *vm, int status, const char *why)
{
	vm_lock(vm);
	if (vm->state != VM_OFF) {
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			vm->vcpus[i].power = VCPU_OFF;
		vm->state = VM_OFF;
		vm->exit_status = status;
		stop_all(vm);
		hv_log("%s: powered off by %s, status %d", vm->cfg->name, why,
		       status);
	}
	vm_unlock(vm);
}

void vm_request_reset(struct vm *vm)
{
	vm_lock(vm);
	if (vm->state == VM_RUNNING) {
		vm->state = VM_RESET_PENDING;
		stop_vcpus(vm);
	}
	vm_unlock(vm);
}

struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	/* Bits outside the affinity fields must be zero (PSCI 5.1.4). */
	if (mpidr & ~MPIDR_AFF_MASK)
		return NULL;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if ((vcpu_mpidr(i) & MPIDR_AFF_MASK) == mpidr)
			return &vm->vcpus[i];
	}
	return NULL;
}
