/*
 * exit: the trap dispatcher. Handlers complete the instruction themselves
 * (advance the PC) when they emulate it, so an injected exception always
 * reports the trapping instruction's address.
 */
#include "hv/exit.h"

#include "hv/arch.h"
#include "hv/inject.h"
#include "hv/log.h"
#include "hv/mmio.h"
#include "hv/smccc.h"
#include "hv/sysreg.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

typedef void (*exit_handler_fn)(struct vcpu *v, const struct vcpu_exit *e);

#define HPFAR_FIPA_MASK 0x00000ffffffffff0ull

uint64_t exit_fault_ipa(const struct vcpu_exit *e)
{
	return ((e->hpfar & HPFAR_FIPA_MASK) << 8) | (e->far & 0xfff);
}

static void handle_unknown(struct vcpu *v, const struct vcpu_exit *e)
{
	hv_log_vcpu(v, "unhandled exception class 0x%02x (esr 0x%08llx) at pc "
		       "0x%llx: UNDEF injected",
		    esr_ec(e->esr), (unsigned long long)e->esr,
		    (unsigned long long)v->arch.regs.pc);
	inject_undef(v);
}

static void handle_wfx(struct vcpu *v, const struct vcpu_exit *e)
{
	(void)e;
	/* Nothing can wake a vCPU yet but time passing: yield and go on. */
	v->yield = true;
	v->arch.regs.pc += 4;
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
	v->arch.regs.pc += 4;
}

static void handle_sysreg(struct vcpu *v, const struct vcpu_exit *e)
{
	sysreg_handle(v, esr_iss(e->esr));
}

static bool fsc_is_stage2_fault(uint32_t fsc)
{
	/* Translation (0b0001LL), access flag (0b0010LL), permission. */
	return (fsc & 0x3c) == 0x04 || (fsc & 0x3c) == 0x08 ||
	       (fsc & 0x3c) == 0x0c;
}

static void handle_dabt(struct vcpu *v, const struct vcpu_exit *e)
{
	uint32_t iss = esr_iss(e->esr);
	uint64_t far = (iss & ISS_DA_FNV) ? 0 : e->far;

	if ((iss & ISS_DA_S1PTW) || !fsc_is_stage2_fault(iss & ISS_FSC_MASK)) {
		hv_log_vcpu(v, "data abort (esr 0x%08llx, far 0x%llx) at pc "
			       "0x%llx: injected",
			    (unsigned long long)e->esr, (unsigned long long)far,
			    (unsigned long long)v->arch.regs.pc);
		inject_dabt(v, far, (iss & ISS_DA_WNR) != 0);
		return;
	}
	mmio_handle_abort(v, ipa_init(exit_fault_ipa(e)), far, iss);
}

static void handle_iabt(struct vcpu *v, const struct vcpu_exit *e)
{
	hv_log_vcpu(v, "instruction fetch from ipa 0x%llx outside RAM: "
		       "instruction abort injected",
		    (unsigned long long)exit_fault_ipa(e));
	inject_pabt(v, e->far);
}

static const exit_handler_fn exit_handlers[EC_COUNT] = {
	[EC_WFX] = handle_wfx,         [EC_HVC64] = handle_hvc,
	[EC_SMC64] = handle_smc,       [EC_SYS64] = handle_sysreg,
	[EC_DABT_LOW] = handle_dabt,   [EC_IABT_LOW] = handle_iabt,
};

void hv_handle_exit(struct vcpu *v, const struct vcpu_exit *e)
{
	unsigned ec;
	exit_handler_fn fn;

	v->exit_count++;
	switch (e->kind) {
	case VCPU_EXIT_SYNC:
		ec = esr_ec(e->esr);
		v->exits_by_ec[ec]++;
		fn = exit_handlers[ec];
		(fn != NULL ? fn : handle_unknown)(v, e);
		break;
	case VCPU_EXIT_IRQ:
	case VCPU_EXIT_FIQ:
		/* No physical interrupt is enabled yet; nothing to forward. */
		break;
	case VCPU_EXIT_SERROR:
		hv_log_vcpu(v, "SError (esr 0x%08llx) at pc 0x%llx: ignored",
			    (unsigned long long)e->esr,
			    (unsigned long long)v->arch.regs.pc);
		break;
	}
}
