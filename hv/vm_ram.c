/* vm_ram: lazily zeroed guest RAM (the contract is in vm_ram.h). */
#include "hv/vm_ram.h"

#include "hv/log.h"
#include "hv/vm.h"
#include "hv/vm_image.h"

#include <hal/mm.h>
#include <hal/stage2.h>

bool vm_ram_eager(const struct vm_config *c)
{
	return c->virtio_count != 0 || c->pt.count != 0;
}

enum hv_err vm_ram_load(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	uint8_t *ram = hal_pa_to_ptr(c->ram_pa, c->ram_size);
	struct vm_image_ranges w;
	enum hv_err err;

	/* Checked by vm_create; a machine model may lose it (hal_sim). */
	if (ram == NULL)
		return HV_ERR_RANGE;
	if (vm_ram_eager(c)) {
		/* The mapping of all of RAM stays valid (vm_create). */
		hal_mem_zero(ram, c->ram_size);
		return vm_image_load(c, &vm->image, ram, vm->vgic.version, &w);
	}
	err = stage2_invalidate(&vm->s2, c->ram_ipa, c->ram_size);
	if (err != HV_OK)
		return err;
	err = vm_image_load(c, &vm->image, ram, vm->vgic.version, &w);
	for (unsigned i = 0; err == HV_OK && i < w.count; i++)
		err = stage2_map(&vm->s2, ipa_init(w.r[i].ipa),
				 pa_init(pa_addr(c->ram_pa) + w.r[i].ipa -
					 ipa_addr(c->ram_ipa)),
				 w.r[i].size, S2_RWX);
	hal_s2_mapped(vm->s2.vmid);
	return err;
}

/*
 * Zeroes and maps the hole at ipa (stage2_hole), clipped to RAM; nothing
 * when it is mapped already. With the VM's lock held.
 */
static enum hv_err fill_hole(struct vm *vm, uint64_t ipa)
{
	const struct vm_config *c = vm->cfg;
	uint64_t ram = ipa_addr(c->ram_ipa), base, size, end;
	enum hv_err err = stage2_hole(&vm->s2, ipa_init(ipa), &base, &size);

	if (err == HV_ERR_EXIST)
		return HV_OK;
	if (err != HV_OK)
		return err;
	end = base + size;
	/* The RAM's mapping never has a leaf reaching outside it, so this
	 * only guards against a hole the RAM does not fill. */
	if (base < ram)
		base = ram;
	if (end > ram + c->ram_size)
		end = ram + c->ram_size;
	hal_mem_zero((uint8_t *)hal_pa_to_ptr(c->ram_pa, c->ram_size) +
			 (base - ram),
		     end - base);
	err = stage2_map(&vm->s2, ipa_init(base),
			 pa_init(pa_addr(c->ram_pa) + (base - ram)), end - base,
			 S2_RWX);
	hal_s2_mapped(vm->s2.vmid);
	return err;
}

bool vm_ram_fault(struct vcpu *v, uint64_t ipa)
{
	struct vm *vm = v->vm;
	enum hv_err err;

	if (!vm_ipa_in_ram(vm, ipa, 1))
		return false;
	vm_lock(vm);
	err = fill_hole(vm, ipa);
	vm_unlock(vm);
	/* Only a pool too small for the tables could fail: never with the
	 * tables vm_create made. */
	HV_CHECK(err == HV_OK);
	return true;
}

enum hv_err vm_ram_touch(struct vm *vm, uint64_t ipa, uint64_t len)
{
	uint64_t end = ipa + len;

	if (!vm_ipa_in_ram(vm, ipa, len))
		return HV_ERR_RANGE;
	for (uint64_t a = ipa & ~(uint64_t)(PAGE_SIZE - 1); a < end;
	     a += PAGE_SIZE) {
		enum hv_err err = fill_hole(vm, a);

		if (err != HV_OK)
			return err;
	}
	return HV_OK;
}
