/* vtimer: timer arithmetic is pure; the rest reads the vCPU's state. */
#include "hv/vtimer.h"

#include "hv/sched.h"
#include "hv/vcpu.h"
#include "hv/vgic/vgic.h"
#include "hv/vm.h"

#include <hal/counter.h>
#include <hal/cpu.h>
#include <hal/vcpu.h>

bool vtimer_asserted(uint32_t ctl, uint64_t cval, uint64_t now)
{
	return (ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK) && now >= cval;
}

uint32_t vtimer_ctl_read(const struct vtimer_ptimer *t, uint64_t now)
{
	uint32_t ctl = t->ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK);

	/* ISTATUS is the condition met, whatever IMASK says; 0 if off. */
	if ((ctl & CNT_CTL_ENABLE) && now >= t->cval)
		ctl |= CNT_CTL_ISTATUS;
	return ctl;
}

uint64_t vtimer_tval_read(const struct vtimer_ptimer *t, uint64_t now)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)(t->cval - now);
}

void vtimer_tval_write(struct vtimer_ptimer *t, uint64_t now, uint64_t val)
{
	t->cval = now + (uint64_t)(int64_t)(int32_t)(uint32_t)val;
}

void vtimer_update(struct vcpu *v)
{
	struct vtimer_ptimer *t = &v->ptimer;

	vgic_set_level(v->vm, v, GIC_PPI_PTIMER,
		       vtimer_asserted(t->ctl, t->cval, hal_counter_read()));
}

void vtimer_ptimer_access(struct vcpu *v, unsigned op2, bool read, unsigned rt)
{
	struct vtimer_ptimer *t = &v->ptimer;
	uint64_t now = hal_counter_read();

	switch (op2) {
	case 0:
		if (read)
			vcpu_reg_write(v, rt, vtimer_tval_read(t, now));
		else
			vtimer_tval_write(t, now, vcpu_reg_read(v, rt));
		break;
	case 1:
		if (read)
			vcpu_reg_write(v, rt, vtimer_ctl_read(t, now));
		else
			t->ctl = (uint32_t)vcpu_reg_read(v, rt) &
				 (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		break;
	default:
		if (read)
			vcpu_reg_write(v, rt, t->cval);
		else
			t->cval = vcpu_reg_read(v, rt);
		break;
	}
	vtimer_update(v);
	if (!read)
		sched_timer_update();
}

bool vtimer_vtimer_asserted(struct vcpu *v)
{
	uint64_t ctl = hal_vcpu_el1_read(&v->arch, EL1_CNTV_CTL);
	uint64_t cval = hal_vcpu_el1_read(&v->arch, EL1_CNTV_CVAL);

	return vtimer_asserted((uint32_t)ctl, cval,
			       hal_counter_read() - v->arch.cntvoff);
}

bool vtimer_vtimer_line(struct vcpu *v, bool *high)
{
	if (v->arch.loaded_on >= 0 &&
	    (unsigned)v->arch.loaded_on != hal_cpu_id())
		return false;
	*high = vtimer_vtimer_asserted(v);
	return true;
}

static uint64_t deadline_of(uint32_t ctl, uint64_t cval_phys)
{
	if (!(ctl & CNT_CTL_ENABLE) || (ctl & CNT_CTL_IMASK))
		return UINT64_MAX;
	return cval_phys;
}

uint64_t vtimer_deadline_ptimer(struct vcpu *v)
{
	return deadline_of(v->ptimer.ctl, v->ptimer.cval);
}

uint64_t vtimer_deadline(struct vcpu *v)
{
	uint64_t p = vtimer_deadline_ptimer(v);
	uint64_t vcval = hal_vcpu_el1_read(&v->arch, EL1_CNTV_CVAL);
	uint64_t vd = deadline_of(
	    (uint32_t)hal_vcpu_el1_read(&v->arch, EL1_CNTV_CTL),
	    vcval + v->arch.cntvoff < vcval ? UINT64_MAX
					    : vcval + v->arch.cntvoff);

	return p < vd ? p : vd;
}
