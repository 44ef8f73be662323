/* mmio: region lookup is a linear scan; VMs have a handful of devices. */
#include "hv/mmio.h"

#include "hv/arch.h"
#include "hv/inject.h"
#include "hv/insn.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

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

#define HPFAR_FIPA_MASK 0x00000ffffffffff0ull

uint64_t mmio_fault_ipa(const struct vcpu_exit *e)
{
	return ((e->hpfar & HPFAR_FIPA_MASK) << 8) | (e->far & 0xfff);
}

static bool fsc_is_stage2_fault(uint32_t fsc)
{
	/* Translation (0b0001LL), access flag (0b0010LL), permission. */
	return (fsc & 0x3c) == 0x04 || (fsc & 0x3c) == 0x08 ||
	       (fsc & 0x3c) == 0x0c;
}

/* Answers an access that cannot be emulated with an external abort. */
static void mmio_fault(struct vcpu *v, const struct vcpu_exit *e,
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

/* The stack pointer PSTATE selects, for a base register of 31. */
static enum el1_reg sp_reg(const struct vcpu *v)
{
	return (v->arch.regs.pstate & PSR_MODE_MASK) == PSR_MODE_EL1H
		   ? EL1_SP_EL1
		   : EL1_SP_EL0;
}

static uint64_t base_read(struct vcpu *v, unsigned rn)
{
	return rn == 31 ? hal_vcpu_el1_read(&v->arch, sp_reg(v))
			: v->arch.regs.x[rn];
}

static void base_write(struct vcpu *v, unsigned rn, uint64_t val)
{
	if (rn == 31)
		hal_vcpu_el1_write(&v->arch, sp_reg(v), val);
	else
		v->arch.regs.x[rn] = val;
}

/* The instruction at the guest's PC, read from its RAM. */
static bool fetch_insn(struct vcpu *v, uint32_t *insn)
{
	const uint8_t *p;
	struct s2_walk w;
	ipaddr_t ipa;

	if (!hal_vcpu_va_to_ipa(&v->arch, v->arch.regs.pc, &ipa) ||
	    stage2_translate(&v->vm->s2, ipa, &w) != HV_OK)
		return false;
	p = hal_pa_to_ptr(w.pa, 4);
	if (p == NULL)
		return false;
	/* Instructions are little-endian whatever the data endianness. */
	*insn = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
	return true;
}

/*
 * A data abort without a syndrome (ISV = 0) comes from a load/store pair or
 * a pre/post-indexed form: the architecture leaves the decoding to the
 * hypervisor. Emulated when the faulting access is the instruction's first
 * and every access falls in the one region; registers (and the written-back
 * base) change only once every access has succeeded.
 */
static void emulate_insn(struct vcpu *v, const struct vcpu_exit *e,
			 const struct mmio_region *r, uint64_t off)
{
	bool write = (esr_iss(e->esr) & ISS_DA_WNR) != 0;
	uint64_t vals[2] = {0, 0};
	enum hv_err err = HV_OK;
	struct mmio_access acc;
	unsigned count;
	uint64_t base;
	uint32_t insn;
	struct ldst d;

	if (!fetch_insn(v, &insn) || !ldst_decode(insn, &d) ||
	    d.load == write) {
		mmio_fault(v, e,
			   "with no syndrome (ISV=0) by an instruction it "
			   "does not emulate");
		return;
	}
	count = d.pair ? 2 : 1;
	base = base_read(v, d.rn);
	if (ldst_address(&d, base, vcpu_reg_read(v, d.rm)) != e->far ||
	    off + count * d.size > r->size) {
		mmio_fault(v, e, "by a pair that is not all in the device");
		return;
	}
	acc = (struct mmio_access){
	    .size = d.size, .sign = d.sign, .reg64 = d.reg64, .write = write};
	/* A pair is one access for the device's other users too. */
	vm_lock(v->vm);
	for (unsigned i = 0; i < count && err == HV_OK; i++) {
		unsigned rt = i == 0 ? d.rt : d.rt2;
		uint64_t o = off + i * d.size;

		if (write)
			err = r->ops->write(r->dev, v, o, d.size,
					    vcpu_reg_read(v, rt) &
						size_mask(d.size));
		else
			err = r->ops->read(r->dev, v, o, d.size, &vals[i]);
	}
	vm_unlock(v->vm);
	if (err != HV_OK) {
		mmio_fault(v, e, "refused by the device");
		return;
	}
	if (!write) {
		vcpu_reg_write(v, d.rt, mmio_load_value(&acc, vals[0]));
		if (d.pair)
			vcpu_reg_write(v, d.rt2,
				       mmio_load_value(&acc, vals[1]));
	}
	if (d.mode != LDST_OFFSET)
		base_write(v, d.rn, ldst_writeback(&d, base));
	v->arch.regs.pc += 4;
}

void mmio_handle_dabt(struct vcpu *v, const struct vcpu_exit *e)
{
	uint32_t iss = esr_iss(e->esr);
	const struct mmio_region *r;
	struct mmio_access acc;
	enum hv_err err;
	uint64_t ipa;

	if ((iss & ISS_DA_S1PTW) || !fsc_is_stage2_fault(iss & ISS_FSC_MASK)) {
		mmio_fault(v, e, "that is not a stage-2 fault");
		return;
	}
	ipa = mmio_fault_ipa(e);
	r = mmio_bus_find(&v->vm->mmio, ipa_init(ipa));
	if (r == NULL) {
		mmio_fault(v, e, "outside RAM and devices");
		return;
	}
	if (!mmio_decode_iss(iss, &acc)) {
		emulate_insn(v, e, r, ipa - ipa_addr(r->base));
		return;
	}
	ipa -= ipa_addr(r->base);
	vm_lock(v->vm);
	if (acc.write) {
		err = r->ops->write(r->dev, v, ipa, acc.size,
				    vcpu_reg_read(v, acc.reg) &
					size_mask(acc.size));
	} else {
		uint64_t raw = 0;

		err = r->ops->read(r->dev, v, ipa, acc.size, &raw);
		if (err == HV_OK)
			vcpu_reg_write(v, acc.reg, mmio_load_value(&acc, raw));
	}
	vm_unlock(v->vm);
	if (err != HV_OK) {
		mmio_fault(v, e, "refused by the device");
		return;
	}
	v->arch.regs.pc += 4;
}
