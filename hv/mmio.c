/* mmio: region lookup is a linear scan; VMs have a handful of devices. */
#include "hv/mmio.h"

#include "hv/arch.h"
#include "hv/inject.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

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

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

uint64_t mmio_load_value(const struct mmio_access *acc, uint64_t raw)
{
	uint64_t v = raw & size_mask(acc->size);

	if (acc->sign && acc->size < 8) {
		uint64_t sign_bit = 1ull << (acc->size * 8 - 1);

		v = (v ^ sign_bit) - sign_bit;
	}
	if (!acc->reg64)
		v &= 0xffffffffull;
	return v;
}

static void mmio_fault(struct vcpu *v, uint64_t far, uint32_t iss,
		       const char *why, uint64_t ipa)
{
	hv_log_vcpu(v, "%s %s at ipa 0x%llx, pc 0x%llx: data abort injected",
		    (iss & ISS_DA_WNR) ? "write" : "read", why,
		    (unsigned long long)ipa,
		    (unsigned long long)v->arch.regs.pc);
	inject_dabt(v, far, (iss & ISS_DA_WNR) != 0);
}

void mmio_handle_abort(struct vcpu *v, ipaddr_t ipa, uint64_t far,
		       uint32_t iss)
{
	const struct mmio_region *r = mmio_bus_find(&v->vm->mmio, ipa);
	struct mmio_access acc;
	enum hv_err err;
	uint64_t off;

	if (r == NULL) {
		mmio_fault(v, far, iss, "outside RAM and devices", ipa_addr(ipa));
		return;
	}
	if (!mmio_decode_iss(iss, &acc)) {
		mmio_fault(v, far, iss, "with no syndrome (ISV=0)",
			   ipa_addr(ipa));
		return;
	}
	off = ipa_addr(ipa) - ipa_addr(r->base);
	if (acc.write) {
		uint64_t val = vcpu_reg_read(v, acc.reg) & size_mask(acc.size);

		err = r->ops->write(r->dev, v, off, acc.size, val);
	} else {
		uint64_t raw = 0;

		err = r->ops->read(r->dev, v, off, acc.size, &raw);
		if (err == HV_OK)
			vcpu_reg_write(v, acc.reg, mmio_load_value(&acc, raw));
	}
	if (err != HV_OK) {
		mmio_fault(v, far, iss, "refused by device", ipa_addr(ipa));
		return;
	}
	v->arch.regs.pc += 4;
}
