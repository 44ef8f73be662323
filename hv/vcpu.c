/* vcpu: reset state per the Arm ARM's warm reset into EL1 (D1.9). */
#include "hv/vcpu.h"

#include "hv/vdebug.h"

#include "lib/string.h"

#include <hal/cpu.h>

void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.x[0] = arg;
	v->arch.regs.pc = entry;
	v->arch.regs.pstate = PSR_DAIF | PSR_MODE_EL1H;
	for (unsigned r = 0; r < EL1_REG_COUNT; r++)
		hal_vcpu_el1_write(&v->arch, (enum el1_reg)r, 0);
	hal_vcpu_el1_write(&v->arch, EL1_SCTLR, SCTLR_EL1_RESET);
	vdebug_reset(v);
	v->arch.yield = false;
	v->blocked = false;
	v->ptimer = (struct vtimer_ptimer){0};
}

uint64_t vcpu_mpidr(unsigned id)
{
	return MPIDR_RES1 | id;
}

void vcpu_request_reset(struct vcpu *v, uint64_t entry, uint64_t arg)
{
	v->reset_entry = entry;
	v->reset_arg = arg;
	v->reset_pending = true;
	vcpu_kick(v);
}

void vcpu_apply_reset(struct vcpu *v)
{
	if (!v->reset_pending)
		return;
	v->reset_pending = false;
	vcpu_reset(v, v->reset_entry, v->reset_arg);
}

void vcpu_kick(const struct vcpu *v)
{
	if (v->arch.cpu != hal_cpu_id())
		hal_cpu_kick(v->arch.cpu);
}
