/* mmio: region lookup is a linear scan; VMs have a handful of devices. */
#include "hv/mmio.h"
#include "hv/mmio_insn.h"

#include "hv/arch.h"
#include "hv/exit.h"
#include "hv/inject.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"
#include "hv/vm_ram.h"

#include <hal/mm.h>

void mmio_bus_init(struct mmio_bus *bus)
{
	bus->region_count = 0;
}

enum hv_err mmio_bus_add(struct mmio_bus *bus, const struct mmio_region *r)
{
	uint64_t base = ipa_addr(r->base);

	if (r->ops == NULL || r->size == 0 || base + r->size < base)
		return HV_ERR_INVAL;
	for (unsigned i = 0; i < bus->region_count; i++) {
		uint64_t b = ipa_addr(bus->regions[i].base);

		if (base < b + bus->regions[i].size && b < base + r->size)
			return HV_ERR_OVERLAP;
	}
	if (bus->region_count == MMIO_MAX_REGIONS)
		return HV_ERR_NOMEM;
	bus->regions[bus->region_count++] = *r;
	return HV_OK;
}

const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus,
					ipaddr_t ipa)
{
	uint64_t a = ipa_addr(ipa);

	for (unsigned i = 0; i < bus->region_count; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (a >= ipa_addr(r->base) && a - ipa_addr(r->base) < r->size)
			return r;
	}
	return NULL;
}

bool mmio_decode_iss(uint32_t iss, struct mmio_access *acc)
{
	if (!(iss & ISS_DA_ISV))
		return false;
	acc->size = 1u << ((iss >> ISS_DA_SAS_SHIFT) & ISS_DA_SAS_MASK);
	acc->sign = (iss & ISS_DA_SSE) != 0;
	acc->reg64 = (iss & ISS_DA_SF) != 0;
	acc->write = (iss & ISS_DA_WNR) != 0;
	acc->reg = (iss >> ISS_DA_SRT_SHIFT) & ISS_DA_SRT_MASK;
	return true;
}

uint64_t mmio_load_value(const struct mmio_access *acc, uint64_t raw)
{
	uint64_t v = raw & mmio_size_mask(acc->size);

	if (acc->sign && acc->size < 8) {
		uint64_t sign_bit = 1ull << (acc->size * 8 - 1);

		v = (v ^ sign_bit) - sign_bit;
	}
	if (!acc->reg64)
		v &= 0xffffffffull;
	return v;
}

HAL_COLD void mmio_fault(struct vcpu *v, const struct vcpu_exit *e,
			 const char *why)
{
	uint32_t iss = esr_iss(e->esr);
	uint64_t far = (iss & ISS_DA_FNV) ? 0 : e->far;

	hv_log_vcpu(v, "%s %s at ipa 0x%llx, pc 0x%llx: data abort injected",
		    (iss & ISS_DA_WNR) ? "write" : "read", why,
		    (unsigned long long)mmio_fault_ipa(e),
		    (unsigned long long)v->arch.regs.pc);
	inject_dabt(v, far, (iss & ISS_DA_WNR) != 0);
}

/* A load with a valid syndrome: the device's value, extended into Rt. */
static enum hv_err dabt_read(struct vcpu *v, const struct mmio_region *r,
			     uint64_t off, uint32_t iss)
{
	struct mmio_access acc;
	uint64_t raw = 0;
	enum hv_err err;

	(void)mmio_decode_iss(iss, &acc);
	vm_lock(v->vm);
	err = r->ops->read(r->dev, v, off, acc.size, &raw);
	vm_unlock(v->vm);
	if (err == HV_OK)
		vcpu_reg_write(v, acc.reg, mmio_load_value(&acc, raw));
	return err;
}

void mmio_handle_dabt(struct vcpu *v, const struct vcpu_exit *e)
{
	uint32_t iss = esr_iss(e->esr);
	bool s2 =
	    !(iss & ISS_DA_S1PTW) && fsc_is_stage2_fault(iss & ISS_FSC_MASK);
	uint64_t ipa = mmio_fault_ipa(e);
	const struct mmio_region *r;
	enum hv_err err;

	r = s2 ? mmio_bus_find(&v->vm->mmio, ipa_init(ipa)) : NULL;
	if (r == NULL) {
		/* A translation fault in RAM (the guest's, or its table
		 * walk's) is its first touch of a region not zeroed yet. */
		if ((iss & 0x3c) == 0x04 && vm_ram_fault(v, ipa))
			return;
		mmio_fault(v, e,
			   s2 ? "outside RAM and devices"
			      : "that is not a stage-2 fault");
		return;
	}
	ipa -= ipa_addr(r->base);
	if (!(iss & ISS_DA_ISV)) {
		mmio_emulate_insn(v, e, r, ipa);
		return;
	}
	if (iss & ISS_DA_WNR) {
		/* The store, the device's hot path: straight from the ISS. */
		unsigned size =
		    1u << ((iss >> ISS_DA_SAS_SHIFT) & ISS_DA_SAS_MASK);
		uint64_t val = vcpu_reg_read(v, (iss >> ISS_DA_SRT_SHIFT) &
						    ISS_DA_SRT_MASK) &
			       mmio_size_mask(size);

		vm_lock(v->vm);
		err = r->ops->write(r->dev, v, ipa, size, val);
		vm_unlock(v->vm);
		mmio_after_write(r, v);
	} else {
		err = dabt_read(v, r, ipa, iss);
	}
	if (err != HV_OK) {
		mmio_fault(v, e, "refused by the device");
		return;
	}
	exit_skip_insn(v, e->esr);
}
