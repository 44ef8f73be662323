/* aarch32: see aarch32.h. */
#include "aarch32.h"

#include "a32insn.h"

#include "hv/arch.h"

#include <string.h>

/* QEMU's exception numbers, as Unicorn's interrupt hook reports them. */
#define EXCP_SWI  2
#define EXCP_BKPT 7

/* 32-bit addresses: what a 32-bit CPU model can map. */
#define A32_SPACE (1ull << 32)

/*
 * The CPSR bits SPSR_ELx carries for AArch32 at the same positions and
 * the model has: NZCV, Q, IT, GE, E, A, I, F, T, M. (SPSR [24:20] hold DIT,
 * SSBS, PAN, SS and IL, which this CPU model does not have at EL0.)
 */
#define A32_PSR_MASK 0xfe0fffffu
#define A32_IT_MASK  (PSR_AA32_IT_LO_MASK | PSR_AA32_IT_HI_MASK)

/* User mode's R0-R14: Unicorn's names, in order. */
static const int a32_gprs[15] = {
    UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
    UC_ARM_REG_R4,  UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
    UC_ARM_REG_R8,  UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,
};

static uint32_t it_bits(uint8_t it)
{
	return (uint32_t)(it & 3) << PSR_AA32_IT_LO_SHIFT |
	       (uint32_t)(it >> 2) << PSR_AA32_IT_HI_SHIFT;
}

static uint8_t it_of(uint64_t psr)
{
	return (uint8_t)(((psr & PSR_AA32_IT_LO_MASK) >> PSR_AA32_IT_LO_SHIFT) |
			 ((psr & PSR_AA32_IT_HI_MASK) >>
			  (PSR_AA32_IT_HI_SHIFT - 2)));
}

static uint32_t cpsr_read(struct a32_cpu *a)
{
	uint32_t v = 0;

	uc_reg_read(a->uc, UC_ARM_REG_CPSR, &v);
	return v;
}

/* The CPSR as SPSR_ELx holds it, with the IT state it of our tracking
 * (QEMU's own is stale inside a translated block). */
static uint64_t spsr_with(struct a32_cpu *a, uint8_t it)
{
	uint32_t cpsr =
	    cpsr_read(a) & A32_PSR_MASK & ~(A32_IT_MASK | PSR_AA32_T);

	return cpsr | it_bits(it) | (a->cur_thumb ? PSR_AA32_T : 0);
}

static void request_fatal(struct a32_cpu *a, const char *why, uint64_t detail)
{
	a->why = why;
	a->why_detail = detail;
	a->fatal = true;
	a->stop_requested = true;
	uc_emu_stop(a->uc);
}

/* The instruction at pc as a32insn takes it; size is the hook's. */
static uint32_t fetch(struct a32_cpu *a, uint64_t pc, unsigned size, bool thumb)
{
	uint8_t b[4] = {0};

	uc_mem_read(a->uc, pc, b, size > 4 ? 4 : size);
	if (thumb && size == 4)
		return (uint32_t)(b[0] | b[1] << 8) << 16 | (b[2] | b[3] << 8);
	if (thumb)
		return (uint32_t)(b[0] | b[1] << 8);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/*
 * ITSTATE of the T32 instruction at pc. Unicorn calls no code hook for an
 * instruction an IT block skips (its condition failed), so walk over those
 * from where the previous one ended; anything else off the straight line
 * is a branch, which only the last instruction of a block may be.
 */
static uint8_t it_at(struct a32_cpu *a, uint32_t pc)
{
	uint32_t pos = a->next_pc;
	uint8_t it = a->next_it;

	for (unsigned i = 0; it != 0 && pos != pc && i < 4; i++) {
		uint16_t hw = 0;

		uc_mem_read(a->uc, pos, &hw, 2);
		pos += a32insn_t32_size(hw);
		it = a32insn_it_advance(it);
	}
	return pos == pc ? it : 0;
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct a32_cpu *a = ud;
	uint32_t cpsr = cpsr_read(a);
	bool thumb = (cpsr & PSR_AA32_T) != 0;
	uint8_t new_it;

	if (a->stop_requested) {
		/* Asked before and not taken yet: ask again, before this. */
		uc_emu_stop(uc);
		return;
	}
	a->cur_pc = (uint32_t)addr;
	a->cur_size = size;
	a->cur_thumb = thumb;
	a->cur_insn = fetch(a, addr, size, thumb);
	a->cur_it = thumb ? it_at(a, a->cur_pc) : 0;
	a->next_pc = a->cur_pc + size;
	if (a32insn_it(a->cur_insn, thumb, size, &new_it))
		a->next_it = new_it;
	else
		a->next_it = a32insn_it_advance(a->cur_it);

	if (a32insn_coproc(a->cur_insn, thumb, size) == A32INSN_COPROC_OTHER) {
		request_fatal(a,
			      "a coprocessor, floating-point or Advanced SIMD "
			      "instruction at AArch32 EL0",
			      a->cur_insn);
		return;
	}
	if (!a->ops.insn(a->ctx, addr, (cpsr & PSR_I) != 0)) {
		a->stop_requested = true;
		uc_emu_stop(uc);
	}
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct a32_cpu *a = ud;
	bool wide = a->cur_size == 4;
	uint16_t imm = 0;

	(void)uc;
	if (intno == EXCP_SWI &&
	    a32insn_svc_imm(a->cur_insn, a->cur_thumb, a->cur_size, &imm)) {
		/* Taken after the SVC: the return address and ITSTATE are
		 * those of the next instruction (AArch32.CallSupervisor). */
		a->exc = (struct a32_exception){
		    .esr = esr_make(EC_SVC32, wide, imm),
		    .elr = a->cur_pc + a->cur_size,
		    .spsr = spsr_with(a, a32insn_it_advance(a->cur_it)),
		};
	} else if (intno == EXCP_BKPT &&
		   a32insn_bkpt_imm(a->cur_insn, a->cur_thumb, a->cur_size,
				    &imm)) {
		a->exc = (struct a32_exception){
		    .esr = esr_make(EC_BKPT32, wide, imm),
		    .elr = a->cur_pc,
		    .spsr = spsr_with(a, a->cur_it),
		};
	} else {
		request_fatal(a, "an exception of the AArch32 CPU model",
			      intno);
		return;
	}
	a->exc_pending = true;
	a->stop_requested = true;
	uc_emu_stop(a->uc);
}

static bool on_mem_fault(uc_engine *uc, uc_mem_type type, uint64_t addr,
			 int size, int64_t value, void *ud)
{
	struct a32_cpu *a = ud;
	bool fetch_fault =
	    type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
	bool write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
	uint32_t iss = 0;
	bool il = true;

	(void)uc;
	(void)size;
	(void)value;
	if (fetch_fault) {
		/* No code hook ran for it: this is the instruction now. */
		a->cur_it = (uint32_t)addr == a->next_pc ? a->next_it : 0;
		a->cur_pc = (uint32_t)addr;
		a->cur_thumb = (cpsr_read(a) & PSR_AA32_T) != 0;
	} else {
		iss = a32insn_dabt_iss(a->cur_insn, a->cur_thumb, a->cur_size,
				       write);
		/* IL is the instruction's length only with a syndrome. */
		il = !(iss & ISS_DA_ISV) || a->cur_size == 4;
	}
	a->stop_requested = true;
	a->ops.abort(a->ctx, addr, fetch_fault, iss, il);
	return false;
}

bool a32_open(struct a32_cpu *a, const struct a32_ops *ops, void *ctx,
	      char *err, size_t len)
{
	uint32_t usr = PSR_AA32_USR;
	uc_hook h;
	uc_err ue;

	memset(a, 0, sizeof(*a));
	a->ops = *ops;
	a->ctx = ctx;
	ue = uc_open(UC_ARCH_ARM, UC_MODE_ARM, &a->uc);
	if (ue == UC_ERR_OK)
		ue = uc_ctl_set_cpu_model(a->uc, UC_CPU_ARM_MAX);
	if (ue == UC_ERR_OK)
		ue = uc_reg_write(a->uc, UC_ARM_REG_CPSR, &usr);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(a->uc, &h, UC_HOOK_CODE, (void *)on_code, a, 1,
				 0);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(a->uc, &h, UC_HOOK_INTR, (void *)on_intr, a, 1,
				 0);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(a->uc, &h,
				 UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
				 (void *)on_mem_fault, a, 1, 0);
	if (ue != UC_ERR_OK) {
		snprintf(err, len, "cannot set up a Unicorn AArch32 CPU: %s",
			 uc_strerror(ue));
		a32_close(a);
		return false;
	}
	return true;
}

void a32_close(struct a32_cpu *a)
{
	if (a->uc != NULL)
		uc_close(a->uc);
	a->uc = NULL;
}

void a32_unmap_all(struct a32_cpu *a)
{
	uc_mem_region *regions;
	uint32_t count;

	if (uc_mem_regions(a->uc, &regions, &count) != UC_ERR_OK)
		return;
	for (uint32_t i = 0; i < count; i++)
		uc_mem_unmap(a->uc, regions[i].begin,
			     regions[i].end - regions[i].begin + 1);
	uc_free(regions);
}

void a32_map(struct a32_cpu *a, uint64_t ipa, uint64_t size, uint32_t prot,
	     void *host)
{
	if (ipa >= A32_SPACE)
		return;
	if (size > A32_SPACE - ipa)
		size = A32_SPACE - ipa;
	uc_mem_map_ptr(a->uc, ipa, size, prot, host);
}

void a32_map_mmio(struct a32_cpu *a, uint64_t ipa, uint64_t size,
		  uc_cb_mmio_read_t read, uc_cb_mmio_write_t write, void *ud)
{
	if (ipa < A32_SPACE && size <= A32_SPACE - ipa)
		uc_mmio_map(a->uc, ipa, size, read, ud, write, ud);
}

void a32_flush(struct a32_cpu *a)
{
	uc_mem_region *regions;
	uint32_t count;

	/* Region by region: Unicorn's whole-cache flush (uc_ctl_flush_tlb)
	 * costs seconds, this a fraction of a millisecond. */
	if (uc_mem_regions(a->uc, &regions, &count) != UC_ERR_OK)
		return;
	for (uint32_t i = 0; i < count; i++)
		uc_ctl_remove_cache(a->uc, regions[i].begin,
				    regions[i].end + 1);
	uc_free(regions);
}

void a32_put(struct a32_cpu *a, const uint64_t *x, uint64_t pc, uint64_t pstate)
{
	/* The mode first: a CPSR write banks SP and LR. */
	uint32_t cpsr = (uint32_t)pstate & A32_PSR_MASK;

	uc_reg_write(a->uc, UC_ARM_REG_CPSR, &cpsr);
	for (unsigned i = 0; i < 15; i++) {
		uint32_t r = (uint32_t)x[i];

		uc_reg_write(a->uc, a32_gprs[i], &r);
	}
	a->cur_thumb = (pstate & PSR_AA32_T) != 0;
	a->cur_pc = (uint32_t)pc & (a->cur_thumb ? ~1u : ~3u);
	a->cur_it = a->cur_thumb ? it_of(pstate) : 0;
	a->cur_size = 0;
}

void a32_get(struct a32_cpu *a, uint64_t *x, uint64_t *pc, uint64_t *pstate)
{
	for (unsigned i = 0; i < 15; i++) {
		uint32_t r = 0;

		uc_reg_read(a->uc, a32_gprs[i], &r);
		x[i] = r;
	}
	*pc = a->cur_pc;
	*pstate = spsr_with(a, a->cur_it);
}

static void cp15_c13_write(struct a32_cpu *a, unsigned opc2, uint32_t val)
{
	uc_arm_cp_reg r = {
	    .cp = 15, .crn = 13, .crm = 0, .opc1 = 0, .opc2 = opc2, .val = val};

	uc_reg_write(a->uc, UC_ARM_REG_CP_REG, &r);
}

void a32_put_tpidr(struct a32_cpu *a, uint64_t tpidr, uint64_t tpidrro)
{
	cp15_c13_write(a, 2, (uint32_t)tpidr);
	cp15_c13_write(a, 3, (uint32_t)tpidrro);
}

uint32_t a32_get_tpidrurw(struct a32_cpu *a)
{
	uc_arm_cp_reg r = {.cp = 15, .crn = 13, .crm = 0, .opc1 = 0, .opc2 = 2};

	uc_reg_read(a->uc, UC_ARM_REG_CP_REG, &r);
	return (uint32_t)r.val;
}

/* ESR of a WFI/WFE trap: CV = 1 with the A32 condition (AL for T32, as
 * QEMU reports it), TI, and IL by the instruction's length. */
static uint64_t wfx_esr(struct a32_cpu *a, bool wfe)
{
	unsigned cond = a32insn_cond(a->cur_insn, a->cur_thumb);

	return esr_make(EC_WFX, a->cur_size == 4,
			ISS_WFX_CV | cond << ISS_WFX_COND_SHIFT |
			    (wfe ? ISS_WFX_TI_WFE : ISS_WFX_TI_WFI));
}

enum a32_stop a32_run(struct a32_cpu *a)
{
	for (;;) {
		uint32_t cpsr = (cpsr_read(a) & ~(A32_IT_MASK | PSR_AA32_T)) |
				it_bits(a->cur_it) |
				(a->cur_thumb ? PSR_AA32_T : 0);
		uint32_t pc = 0;
		bool wfe = false;
		uc_err ue;

		uc_reg_write(a->uc, UC_ARM_REG_CPSR, &cpsr);
		/* The first code hook sees the instruction at cur_pc. */
		a->next_pc = a->cur_pc;
		a->next_it = a->cur_it;
		a->stop_requested = false;
		a->exc_pending = false;
		a->fatal = false;
		ue = uc_emu_start(a->uc, a->cur_pc | (a->cur_thumb ? 1u : 0u),
				  ~0ull, 0, 0);
		if (a->fatal)
			return A32_STOP_FATAL;
		if (a->exc_pending)
			return A32_STOP_EL1;
		if (a->stop_requested)
			return A32_STOP_HOOK;
		uc_reg_read(a->uc, UC_ARM_REG_PC, &pc);
		if (ue == UC_ERR_OK &&
		    a32insn_is_wfx(a->cur_insn, a->cur_thumb, a->cur_size,
				   &wfe) &&
		    !wfe) {
			/* A WFI halts the model, PC past it. */
			a->wfx_esr = wfx_esr(a, false);
			return A32_STOP_WFX;
		}
		if (ue == UC_ERR_INSN_INVALID && pc != a->cur_pc) {
			/* WFE and YIELD leave the model, PC past them. */
			if (a32insn_is_wfx(a->cur_insn, a->cur_thumb,
					   a->cur_size, &wfe)) {
				a->wfx_esr = wfx_esr(a, true);
				return A32_STOP_WFX;
			}
			a->cur_pc = pc;
			a->cur_it = a->next_it;
			continue;
		}
		if (ue == UC_ERR_INSN_INVALID) {
			/* An UNDEF: EC 0x00 has IL = 1 whatever the length. */
			a->exc = (struct a32_exception){
			    .esr = esr_make(EC_UNKNOWN, 1, 0),
			    .elr = a->cur_pc,
			    .spsr = spsr_with(a, a->cur_it),
			};
			return A32_STOP_EL1;
		}
		a->why = ue == UC_ERR_OK ? "the AArch32 CPU model stopped"
					 : uc_strerror(ue);
		a->why_detail = pc;
		return A32_STOP_FATAL;
	}
}
