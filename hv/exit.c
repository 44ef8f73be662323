/*
 * exit: the trap dispatcher. Handlers complete the instruction themselves
 * (advance the PC) when they emulate it, so an injected exception always
 * reports the trapping instruction's address.
 */
#include "hv/exit.h"

#include "hv/arch.h"
#include "hv/inject.h"
#include "hv/irq.h"
#include "hv/log.h"
#include "hv/mmio.h"
#include "hv/smccc.h"
#include "hv/sysreg.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#include <hal/gic.h>

typedef void (*exit_handler_fn)(struct vcpu *v, const struct vcpu_exit *e);

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

static void handle_unknown(struct vcpu *v, const struct vcpu_exit *e)
{
	hv_log_vcpu(v,
		    "unhandled exception class 0x%02x (esr 0x%08llx) at pc "
		    "0x%llx: UNDEF injected",
		    esr_ec(e->esr), (unsigned long long)e->esr,
		    (unsigned long long)v->arch.regs.pc);
	inject_undef(v);
}

static void handle_wfx(struct vcpu *v, const struct vcpu_exit *e)
{
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
		if (!vtimer_vtimer_asserted(v) && !vgic_hw_spi_waiting(v))
			v->blocked = true;
		else
			hal_irq_resample();
	}
	v->arch.yield = true;
}

static void handle_hvc(struct vcpu *v, const struct vcpu_exit *e)
{
	/* ELR_EL2 already points after the HVC. */
	smccc_call(v, (uint16_t)(esr_iss(e->esr) & ISS_IMM16_MASK));
}

static void handle_smc(struct vcpu *v, const struct vcpu_exit *e)
{
	/* A trapped SMC leaves ELR_EL2 on the SMC itself. */
	smccc_call(v, (uint16_t)(esr_iss(e->esr) & ISS_IMM16_MASK));
	exit_skip_insn(v, e->esr);
}

/*
 * After an exit that may have changed interrupt state (a device or vGIC
 * register, a timer, a physical interrupt): refresh the list registers.
 * Hypercalls do not, which keeps their path short.
 */
static void update_lrs(struct vcpu *v)
{
	/* Nothing in the LRs and nothing new: the common device access. */
	if (v->vgic.lr_used == 0 && !v->vgic.rescan)
		return;
	vgic_sync(v);
	vgic_flush(v);
}

static void handle_sysreg(struct vcpu *v, const struct vcpu_exit *e)
{
	sysreg_handle(v, e->esr);
	update_lrs(v);
}

static void handle_dabt(struct vcpu *v, const struct vcpu_exit *e)
{
	mmio_handle_dabt(v, e);
	update_lrs(v);
}

static void handle_iabt(struct vcpu *v, const struct vcpu_exit *e)
{
	uint64_t vector = hal_vcpu_el1_read(&v->arch, EL1_VBAR) +
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

static void handle_async(struct vcpu *v, const struct vcpu_exit *e)
{
	if (e->kind == VCPU_EXIT_SERROR)
		hv_log_vcpu(v, "SError (esr 0x%08llx) at pc 0x%llx: ignored",
			    (unsigned long long)e->esr,
			    (unsigned long long)v->arch.regs.pc);
	else
		irq_handle(v);
	update_lrs(v);
}

#define U handle_unknown
/* Every EC has an entry, so dispatch is one load and one branch. */
static const exit_handler_fn exit_handlers[EC_COUNT] = {
    /* 0x00 */ U,
    handle_wfx,
    U,
    U,
    U,
    U,
    U,
    U,
    /* 0x08 */ U,
    U,
    U,
    U,
    U,
    U,
    U,
    U,
    /* 0x10 */ U,
    U,
    U,
    U,
    U,
    U,
    handle_hvc,
    handle_smc,
    /* 0x18 */ handle_sysreg,
    U,
    U,
    U,
    U,
    U,
    U,
    U,
    /* 0x20 */ handle_iabt,
    U,
    U,
    U,
    handle_dabt,
    U,
    U,
    U,
    /* 0x28 */ U,
    U,
    U,
    U,
    U,
    U,
    U,
    U,
    /* 0x30 */ U,
    U,
    U,
    U,
    U,
    U,
    U,
    U,
    /* 0x38 */ U,
    U,
    U,
    U,
    U,
    U,
    U,
    U,
};
#undef U

void hv_handle_exit(struct vcpu *v, const struct vcpu_exit *e)
{
	if (e->kind == VCPU_EXIT_SYNC)
		exit_handlers[esr_ec(e->esr)](v, e);
	else
		handle_async(v, e);
}

void hv_exit_handler(struct hal_vcpu *arch, const struct vcpu_exit *e)
{
	/* struct hal_vcpu is the first member of struct vcpu. */
	hv_handle_exit((struct vcpu *)arch, e);
}
