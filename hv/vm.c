/* vm: creation maps RAM once; boot (and reset) reloads the blobs. */
#include "hv/vm.h"

#include "hv/linux_image.h"
#include "hv/log.h"
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

static void *ram_ptr(const struct vm *vm, ipaddr_t ipa, uint64_t len)
{
	uint64_t off = ipa_addr(ipa) - ipa_addr(vm->cfg->ram_ipa);

	return hal_pa_to_ptr(pa_init(pa_addr(vm->cfg->ram_pa) + off), len);
}

enum hv_err vm_create(struct vm *vm, unsigned id, const struct vm_config *cfg,
		      struct page_pool *pool)
{
	const struct hal_cpu_caps *caps = hal_cpu_caps();
	struct mmio_region uart = {
	    .name = "pl011",
	    .base = ipa_init(VM_PL011_IPA),
	    .size = VM_PL011_SIZE,
	    .ops = &vpl011_mmio_ops,
	    .dev = &vm->uart,
	};
	void *ram;
	enum hv_err err;

	memset(vm, 0, sizeof(*vm));
	hv_lock_init(&vm->lock);
	vm->cfg = cfg;
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
	ram = hal_pa_to_ptr(cfg->ram_pa, cfg->ram_size);
	if (ram == NULL)
		return HV_ERR_RANGE;
	/* A VM never sees what the memory held before it, unless the
	 * machine's loader put its images there. */
	if (cfg->image.data != NULL)
		memset(ram, 0, cfg->ram_size);

	mmio_bus_init(&vm->mmio);
	vpl011_init(&vm->uart, cfg->name, cfg->console, vm);
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
		/* Pinned: vCPU i runs on physical CPU i modulo their count. */
		v->arch.cpu = i % hal_cpu_count();
		atomic_init(&v->running, false);
		v->arch.vttbr = stage2_vttbr(&vm->s2);
		v->arch.vmpidr = vcpu_mpidr(i);
		v->arch.cntvoff = vm->cntvoff;
	}
	/* A machine without a GIC the HAL drives runs VMs without one. */
	if (hal_gic()->version != 0)
		return vgic_init(vm);
	return HV_OK;
}

static enum hv_err load_blob(struct vm *vm, const struct vm_blob *b)
{
	void *dst;

	if (b->size == 0 || b->data == NULL)
		return HV_OK;
	dst = ram_ptr(vm, b->load, b->size);
	if (dst == NULL)
		return HV_ERR_RANGE;
	memcpy(dst, b->data, b->size);
	/* The guest starts with caches off: push the data to memory. */
	hal_cache_sync_range(dst, b->size);
	return HV_OK;
}

/*
 * The arm64 boot protocol: the Image header says where the kernel runs.
 * Its own place is kept if valid (flags bit 3: anywhere in RAM); otherwise
 * it moves, with its BSS room, to the lowest valid place.
 */
static enum hv_err place_linux(struct vm *vm, uint64_t *entry)
{
	const struct vm_config *cfg = vm->cfg;
	uint64_t at = ipa_addr(cfg->image.load);
	uint64_t ram_end = ipa_addr(cfg->ram_ipa) + cfg->ram_size;
	struct linux_range dtb = {cfg->dtb.load, cfg->dtb.size};
	struct linux_image img;
	const char *why = "";
	ipaddr_t load;
	enum hv_err err;
	const void *hdr = ram_ptr(vm, cfg->image.load, LINUX_IMAGE_HEADER_SIZE);

	err = hdr == NULL
		  ? HV_ERR_RANGE
		  : linux_image_parse(hdr, LINUX_IMAGE_HEADER_SIZE, &img, &why);
	if (err == HV_OK && (img.flags & LINUX_IMAGE_ANYWHERE) &&
	    at - ipa_addr(cfg->ram_ipa) >= img.text_offset &&
	    linux_image_place(&img, ipa_init(at - img.text_offset),
			      ram_end - (at - img.text_offset), &dtb,
			      dtb.size != 0, &load, &why) == HV_OK &&
	    ipa_addr(load) == at) {
		*entry = at;
		return HV_OK;
	}
	if (err == HV_OK)
		err = linux_image_place(&img, cfg->ram_ipa, cfg->ram_size, &dtb,
					dtb.size != 0, &load, &why);
	if (err != HV_OK) {
		hv_log("%s: kernel Image at ipa 0x%llx: %s", cfg->name,
		       (unsigned long long)at, why);
		return err;
	}
	/* Copy what may be the Image: up to image_size, within RAM. */
	uint64_t len =
	    img.image_size < ram_end - at ? img.image_size : ram_end - at;
	void *dst = ram_ptr(vm, load, len);

	memmove(dst, ram_ptr(vm, cfg->image.load, len), len);
	hal_cache_sync_range(dst, len);
	hv_log("%s: kernel Image moved from ipa 0x%llx to 0x%llx", cfg->name,
	       (unsigned long long)at, (unsigned long long)ipa_addr(load));
	*entry = ipa_addr(load);
	return HV_OK;
}

enum hv_err vm_boot(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	uint64_t entry = ipa_addr(cfg->entry);
	enum hv_err err;

	err = load_blob(vm, &cfg->image);
	if (err == HV_OK)
		err = load_blob(vm, &cfg->dtb);
	if (err == HV_OK && cfg->linux_image)
		err = place_linux(vm, &entry);
	if (err != HV_OK)
		return err;
	vm_lock(vm);
	vpl011_init(&vm->uart, cfg->name, cfg->console, vm);
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
	vcpu_request_reset(&vm->vcpus[0], entry,
			   cfg->dtb.size != 0 ? ipa_addr(cfg->dtb.load) : 0);
	vm_unlock(vm);
	return HV_OK;
}

bool vm_reloadable(const struct vm *vm)
{
	return !(vm->cfg->linux_image && vm->cfg->image.data == NULL);
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

void vm_power_off(struct vm *vm, int status, const char *why)
{
	vm_lock(vm);
	if (vm->state != VM_OFF) {
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			vm->vcpus[i].power = VCPU_OFF;
		vm->state = VM_OFF;
		vm->exit_status = status;
		stop_vcpus(vm);
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
