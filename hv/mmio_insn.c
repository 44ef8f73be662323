/*
 * mmio_insn: data aborts without a syndrome (ISV = 0), emulated from the
 * decoded instruction. Apart from mmio.c so that the syndrome path, taken by
 * every ordinary device access, stays small.
 */
#include "hv/mmio_insn.h"
#include "hv/vgic/vgic_fast.h"

#include "hv/arch.h"
#include "hv/exit.h"
#include "hv/insn.h"
#include "hv/stage2.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#include <hal/mm.h>

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
 * a pre/post-indexed form (in AArch32 state: LDM/STM, LDRD/STRD, writeback
 * forms, PC as a register): the architecture leaves the decoding to the
 * hypervisor. Emulated when the faulting access is the instruction's first
 * and every access falls in the one region; registers (and the written-back
 * base) change only once every access has succeeded.
 */
void mmio_emulate_insn(struct vcpu *v, const struct vcpu_exit *e,
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

	/*
	 * The decoder knows A64 only: an A32 or T32 instruction (LDM, STM,
	 * LDRD, a writeback form...) read as A64 would be emulated as some
	 * other access. Refused with an external abort, as KVM does.
	 */
	if (psr_is_aarch32(v->arch.regs.pstate)) {
		mmio_fault(v, e,
			   "with no syndrome (ISV=0) from AArch32 state, "
			   "whose instructions are not decoded");
		return;
	}
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
						mmio_size_mask(d.size));
		else
			err = r->ops->read(r->dev, v, o, d.size, &vals[i]);
	}
	vm_unlock(v->vm);
	if (write)
		mmio_after_write(r, v);
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
	exit_skip_insn(v, e->esr);
}

HAL_NOINLINE void mmio_dabt_general(struct vcpu *v, const struct vcpu_exit *e)
{
	mmio_handle_dabt(v, e);
	vgic_update(v);
}
