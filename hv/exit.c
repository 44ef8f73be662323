/*
 * exit: the trap dispatcher. Handlers complete the instruction themselves
 * (advance the PC) when they emulate it, so an injected exception always
 * reports the trapping instruction's address. The backend calls them
 * from hv_exit_table, by vector and EC, with the exit in v->exit. A
 * handler that needs a register the backend has not saved (x18-x30
 * without all_regs: struct vcpu_exit) sets need_regs and does nothing
 * else; it is then called again with every register in place. Handlers
 * end in tail calls where they can: the hot paths are a few instructions
 * here.
 */
#include "hv/exit.h"

#include "hv/arch.h"
#include "hv/inject.h"
#include "hv/irq.h"
#include "hv/log.h"
#include "hv/mmio.h"
#include "hv/sched.h"
#include "hv/smccc.h"
#include "hv/sysreg.h"
#include "hv/vcpu.h"
#include "hv/vgic/vgic_fast.h"
#include "hv/vm.h"
#include "hv/vm_ram.h"

#include <hal/gic.h>

/* PSTATE.IT after one instruction of an IT block (AArch32.ITAdvance). */
static uint64_t it_advance(uint64_t pstate)
{
	uint32_t it =
	    (uint32_t)((pstate & PSR_AA32_IT_LO_MASK) >> PSR_AA32_IT_LO_SHIFT) |
	    (uint32_t)((pstate & PSR_AA32_IT_HI_MASK) >>
		       (PSR_AA32_IT_HI_SHIFT - 2));

	if ((it & 7) == 0)
		it = 0; /* that was the block's last instruction */
	else
		it = (it & 0xe0) | ((it << 1) & 0x1f);
	pstate &= ~(uint64_t)(PSR_AA32_IT_LO_MASK | PSR_AA32_IT_HI_MASK);
	return pstate | ((uint64_t)(it & 3) << PSR_AA32_IT_LO_SHIFT) |
	       ((uint64_t)(it >> 2) << PSR_AA32_IT_HI_SHIFT);
}

void exit_skip_insn(struct vcpu *v, uint64_t esr)
{
	struct vcpu_regs *r = &v->arch.regs;
	unsigned len = (esr & ESR_IL) ? 4 : 2;

	if (!psr_is_aarch32(r->pstate)) {
		r->pc += len;
		return;
	}
	r->pc = (r->pc + len) & 0xffffffffull;
	if (r->pstate & PSR_AA32_T)
		r->pstate = it_advance(r->pstate);
}

/* Whether Xn (31: XZR) is one the backend may not have in regs. */
static inline bool reg_unsaved(const struct vcpu_exit *e, unsigned n)
{
	return n - 18 <= 30 - 18 && !e->all_regs;
}

/* The vCPU a handler is called for (struct hal_vcpu comes first in it),
 * and the exit it handles. */
#define EXIT_ARGS(a)                                                           \
	struct vcpu *v = (struct vcpu *)(a);                                   \
	const struct vcpu_exit *e = &(a)->exit

static void handle_unknown(struct hal_vcpu *a)
{
	EXIT_ARGS(a);
	hv_log_vcpu(v,
		    "unhandled exception class 0x%02x (esr 0x%08llx) at pc "
		    "0x%llx: UNDEF injected",
		    esr_ec(e->esr), (unsigned long long)e->esr,
		    (unsigned long long)v->arch.regs.pc);
	inject_undef(v);
}

static void handle_wfx(struct hal_vcpu *a)
{
	EXIT_ARGS(a);
	bool wfe = (esr_iss(e->esr) & ISS_WFX_TI_MASK) == ISS_WFX_TI_WFE;

	/* A conditional WFx that fails its condition code check does not
	 * trap (Arm ARM, ESR_ELx EC 0b000001): no condition to test here. */
	exit_skip_insn(v, e->esr);
	/*
	 * WFI with nothing to take blocks until an interrupt or a timer
	 * wakes the vCPU; WFE (no events are tracked) only gives way.
	 */
	if (!wfe && !vgic_has_pending(v)) {
		/* Its PPI 27 or a device's SPI, asserted, must come. */
		if (vtimer_vtimer_asserted(v) || vgic_hw_spi_waiting(v)) {
			hal_irq_resample();
		} else if (sched_wait_here(v)) {
			/* Woken in place: the interrupt into its LR. */
			vgic_update(v);
			return;
		} else {
			v->blocked = true;
		}
	}
	v->arch.yield = true;
}

/* SMCCC calls pass everything in x0-x17: never a register left behind. */
static void handle_hvc(struct hal_vcpu *a)
{
	/* ELR_EL2 already points after the HVC. */
	smccc_call((struct vcpu *)a);
}

static void handle_smc(struct hal_vcpu *a)
{
	struct vcpu *v = (struct vcpu *)a;

	/* A trapped SMC leaves ELR_EL2 on the SMC itself. */
	smccc_call(v);
	exit_skip_insn(v, a->exit.esr);
}

static void handle_sysreg(struct hal_vcpu *a)
{
	EXIT_ARGS(a);
	uint32_t iss = esr_iss(e->esr);

	if (reg_unsaved(e, (iss >> ISS_SYS_RT_SHIFT) & 31)) {
		v->arch.need_regs = true;
		return;
	}
	sysreg_handle(v, e->esr);
	vgic_update(v);
}

/*
 * A data abort. The devices every VM has at fixed addresses, which guests
 * use all the time, are reached directly: the vGIC's distributor (its hot
 * registers) and the vPL011's data register; the rest through the MMIO
 * bus. Without a syndrome (ISV = 0) the instruction is decoded: it may
 * name any register.
 */
static void handle_dabt(struct hal_vcpu *a)
{
	EXIT_ARGS(a);
	uint32_t iss = esr_iss(e->esr);
	uint64_t ipa;

	/* With a syndrome, a stage-2 translation fault: a device's IPA. */
	if ((iss & (ISS_DA_ISV | ISS_DA_S1PTW | 0x3c)) != (ISS_DA_ISV | 0x04)) {
		if (!(iss & ISS_DA_ISV) && !e->all_regs)
			v->arch.need_regs = true;
		else
			mmio_dabt_general(v, e);
		return;
	}
	if (reg_unsaved(e, (iss >> ISS_DA_SRT_SHIFT) & ISS_DA_SRT_MASK)) {
		v->arch.need_regs = true;
		return;
	}
	ipa = mmio_fault_ipa(e);
	/* The larger (v3) frame: on v2 the rest of it is a hole, which the
	 * distributor's direct path leaves to the general one. */
	if (ipa - VGIC_GICD_IPA < VGIC_GICD_SIZE_V3) {
		uint32_t off = (uint32_t)(ipa - VGIC_GICD_IPA);

		/* Its identification registers, read most, right here. */
		if (vgic_gicd_ident_read(v, off, iss))
			exit_done_insn(v, e->esr);
		else
			vgic_gicd_dabt(v, e, off);
	} else if (ipa == VM_PL011_IPA + PL011_DR && (iss & ISS_DA_WNR))
		vpl011_dr_dabt(v, e);
	else
		mmio_dabt_general(v, e);
}

HAL_COLD static void handle_iabt(struct hal_vcpu *a)
{
	EXIT_ARGS(a);
	uint64_t vector;

	/* The first fetch from a RAM region not zeroed yet (hv/vm_ram.h). */
	if ((esr_iss(e->esr) & 0x3c) == 0x04 &&
	    vm_ram_fault(v, mmio_fault_ipa(e)))
		return;
	vector = hal_vcpu_el1_read(&v->arch, EL1_VBAR) +
		 inject_vector_offset(v->arch.regs.pstate);
	/*
	 * The abort would be taken at the very address that cannot be
	 * fetched: the guest would fault forever without running one more
	 * instruction. Stop the VM instead of spinning on it.
	 */
	if (e->far == vector) {
		hv_log_vcpu(v,
			    "instruction fetch from its own exception vector "
			    "at ipa 0x%llx, outside RAM: cannot take the abort",
			    (unsigned long long)mmio_fault_ipa(e));
		vm_power_off(v->vm, 1, "a fault on its exception vector");
		return;
	}
	hv_log_vcpu(v,
		    "instruction fetch from ipa 0x%llx outside RAM: "
		    "instruction abort injected",
		    (unsigned long long)mmio_fault_ipa(e));
	inject_pabt(v, e->far);
}

/* An IRQ exit, its interrupt acknowledged by the backend. */
static void handle_irq(struct hal_vcpu *a)
{
	irq_exit((struct vcpu *)a, a->exit.intid);
}

/*
 * The same for the virtual timer's PPI, the interrupt a running guest
 * takes most: when the vGIC can put it straight into a list register,
 * that is all this exit does.
 */
static void handle_vtimer(struct hal_vcpu *a)
{
	struct vcpu *v = (struct vcpu *)a;

	if (!vgic_vtimer_fire(v))
		irq_exit(v, GIC_PPI_VTIMER);
}

/* FIQs are not used: anything pending is handled as IRQs are. */
HAL_COLD static void handle_fiq(struct hal_vcpu *a)
{
	struct vcpu *v = (struct vcpu *)a;

	irq_handle(v);
	vgic_update(v);
}

HAL_COLD static void handle_serror(struct hal_vcpu *a)
{
	EXIT_ARGS(a);
	hv_log_vcpu(v, "SError (esr 0x%08llx) at pc 0x%llx: ignored",
		    (unsigned long long)e->esr,
		    (unsigned long long)v->arch.regs.pc);
	vgic_update(v);
}

#define U handle_unknown
/*
 * Every entry set: the backend calls through it without a check. By EC, a
 * row of eight; U, unknown to the hypervisor, injects an UNDEF.
 */
/* clang-format off */
const struct hal_exit_table hv_exit_table = {
    .sync = {
	/* 0x00 */ U, handle_wfx, U, U, U, U, U, U,
	/* 0x08 */ U, U, U, U, U, U, U, U,
	/* 0x10 */ U, U, U, U, U, U, handle_hvc, handle_smc,
	/* 0x18 */ handle_sysreg, U, U, U, U, U, U, U,
	/* 0x20 */ handle_iabt, U, U, U, handle_dabt, U, U, U,
	/* 0x28 */ U, U, U, U, U, U, U, U,
	/* 0x30 */ U, U, U, U, U, U, U, U,
	/* 0x38 */ U, U, U, U, U, U, U, U,
    },
    .irq = handle_irq,
    .vtimer = handle_vtimer,
    .fiq = handle_fiq,
    .serror = handle_serror,
};
/* clang-format on */
#undef U
_Static_assert(EC_COUNT == 64 && EC_HVC64 == 0x16 && EC_SMC64 == 0x17 &&
		   EC_SYS64 == 0x18 && EC_IABT_LOW == 0x20 &&
		   EC_DABT_LOW == 0x24 && EC_WFX == 0x01,
	       "the rows of hv_exit_table");

void hv_handle_exit(struct vcpu *v, const struct vcpu_exit *e)
{
	const struct hal_exit_table *t = &hv_exit_table;

	v->arch.exit = *e;
	switch (e->kind) {
	case VCPU_EXIT_SYNC:
		t->sync[esr_ec(e->esr)](&v->arch);
		break;
	case VCPU_EXIT_IRQ:
		t->irq(&v->arch);
		break;
	case VCPU_EXIT_FIQ:
		t->fiq(&v->arch);
		break;
	case VCPU_EXIT_SERROR:
		t->serror(&v->arch);
		break;
	}
}
