/* engine: see engine.h. With aarch32.c, the only file that knows Unicorn. */
#include "engine.h"

#include "a64mem.h"
#include "aarch32.h"
#include "exception.h"
#include "hal_sim.h"
#include "mmu.h"
#include "pl031.h"
#include "s1walk.h"
#include "s2walk.h"
#include "trap.h"
#include "vcpuif.h"
#include "watch.h"

#include "hv/arch.h"
#include "hv/config.h"
#include "hv/insn.h"

#include <hal/counter.h>
#include <hal/mm.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define MAX_CPUS (HV_MAX_VMS * HV_MAX_VCPUS)

/*
 * Unicorn 2.1 (HV_UNICORN_PHYS) looks guest memory up by the physical
 * address the guest's MMU gives, 2.0.1 by the virtual one; each reports a
 * fault differently (docs/design.md, "Unicorn with the guest's MMU on").
 */
#define SIM_UC_BY_PA (UC_API_MAJOR > 2 || UC_API_MINOR >= 1)

/*
 * For the cold paths of the per-instruction hook: inlined there, their
 * stack frame and saved registers would cost every guest instruction.
 */
#if defined(__GNUC__)
#define SIM_COLD __attribute__((noinline, cold))
#else
#define SIM_COLD
#endif

/* QEMU's exception numbers, as Unicorn's interrupt hook reports them. */
#define EXCP_UDEF	    1
#define EXCP_SWI	    2
#define EXCP_PREFETCH_ABORT 3
#define EXCP_DATA_ABORT	    4
#define EXCP_BKPT	    7
#define EXCP_HVC	    11
#define EXCP_SMC	    13

#define INSN_WFX_MASK 0xffffffdfu /* WFI 0xd503207f, WFE 0xd503205f */
#define INSN_WFX      0xd503205fu
#define INSN_WFE_BIT  0x20u
#define INSN_ERET     0xd69f03e0u

/* SCR_EL3 of the CPU model: NS, HCE (HVC enabled), RW (EL2 is AArch64). */
#define SCR_EL3_NS_HCE_RW 0x501ull
/*
 * HCR_EL2 of the CPU model: RW only, EL1 is AArch64 as hal/aarch64 sets
 * it. Without it Unicorn takes EL1 for AArch32: it would walk the guest's
 * stage 1 with the short-descriptor format and let an ERET to AArch32 EL1
 * through. Nothing else: hvsim plays EL2 itself.
 */
#define HCR_EL2_RW (1ull << 31)
/* HCR_EL2.IMO and VI: a virtual IRQ for rebuild_el1(). */
#define HCR_EL2_IMO (1ull << 4)
#define HCR_EL2_VI  (1ull << 7)

/* SCTLR_EL1.A: alignment checks (hv/arch.h has the other bits). */
#define SCTLR_EL1_A (1ull << 1)

/* Memory accesses of one instruction recorded while probing. */
#define PROBE_MAX 8

#define GPR_COUNT 31
/*
 * The most registers an exit hands the core first (hal_sim_exit_regs):
 * x0-x17, as the aarch64 backend saves them (x0-x7 for an SMCCC call);
 * the rest only if the handler declines without them (need_regs), by
 * engine_full_regs.
 */
#define EXIT_GPRS     18
#define EXIT_GPRS_MIN 8

struct cpu {
	struct hal_vcpu *v;
	uc_engine *uc;
	unsigned index;
	const struct hal_exit_table *on_exit;
	uint64_t last_pc;   /* the instruction being executed */
	bool mem_stale;	    /* stage 2 changed: remap before running */
	bool stopped;	    /* uc_emu_stop was called by a hook */
	bool reload;	    /* put the core's registers back once stopped */
	bool fatal;	    /* something not modelled happened */
	bool fault_pending; /* an abort exit, delivered after the stop */
	struct vcpu_exit fault;
	uint64_t fault_pc;
	uint64_t fault_regs[GPR_COUNT];
	uint64_t fault_pstate;
	struct vcpuif vif; /* its GIC virtual CPU interface */
	bool virq;	   /* a virtual IRQ is asserted to it */
	/* update_gic: the interface's registers virq and maintenance were
	 * found from (once gic_known). */
	bool gic_known, maintenance;
	struct vcpu_vgic gic_seen;
	bool take_irq;	   /* stopped to take that IRQ */
	uint32_t cntv_ctl; /* the virtual timer: ENABLE, IMASK as written */
	uint64_t cntv_cval;
	bool event;	/* stopped at eng.next_event: a timer deadline */
	uint64_t sctlr; /* SCTLR_EL1 as last written: M and A */
	bool illegal;	/* stopped before an instruction with PSTATE.IL */
	/* PSTATE.IL may be set at the next block (on_block reads PSTATE):
	 * an ERET with SPSR_EL1 now would set it, or hvsim wrote it set. */
	bool spsr_il, pstate_il, il_check;
	/*
	 * A synchronous exception the guest takes at EL1, found by a hook
	 * (an UNDEF of the trap model or of the CPU model at EL0, a stage-1
	 * or alignment fault, a watchpoint) and entered once Unicorn has
	 * stopped, from the state saved here: the general registers, PSTATE
	 * and its ELR as the instruction found them. With undo, what the
	 * instruction went on to change (SP, the vector registers, the
	 * bytes it stored) is put back too: it never happened.
	 */
	struct {
		bool pending, has_far;
		uint64_t esr, far, elr, pstate;
		uint64_t x[GPR_COUNT];
		bool undo;
		uint64_t sp;
		uint8_t q[32][16];
		uint64_t mem_ipa;
		unsigned mem_len;
		uint8_t mem[16];
	} entry;
	bool el_switch; /* running only to take rebuild_el1's IRQ */
	/* What on_code must look at besides its usual checks, one test on
	 * the hot path: el_switch, probe.on, SCTLR_EL1.A, an SPSR_EL1 for
	 * AArch32 EL0 (see special()). */
	unsigned char special;
	/* Unicorn raised an EL1 data abort without saying where: the
	 * instruction at fault_pc runs again, its accesses recorded. */
	bool dabt_raised;
	struct probe {
		bool on, started, faulted;
		unsigned count;
		struct probe_access {
			uint64_t va;
			unsigned size;
			bool write;
		} acc[PROBE_MAX];
	} probe;
	struct a32_cpu a32; /* its AArch32 EL0 (aarch32.h), once used */
	bool a32_mapped;    /* a32 maps the memory map the CPU has */
	bool in_a32;	    /* running AArch32 EL0 on a32 */
	bool spsr_a32;	    /* SPSR_EL1 says AArch32 User mode */
	bool eret_a32;	    /* stopped before an ERET to AArch32 EL0 */
	uc_hook watch_hook; /* memory accesses, while a watchpoint is armed */
	bool watch_hooked;
	bool watch_dirty; /* v->debug changed: look again before running */
	/* In exit_in_hook: x(exit_first)-x30 of v->regs are not the CPU's
	 * (exit_hi false), or were read for a second pass, as they were
	 * then. */
	bool exit_partial, exit_hi;
	unsigned exit_first;
	uint64_t exit_hi_before[GPR_COUNT];
	/* Where read_exit_regs reads to: x0-x(n-1) of v->regs, then PSTATE
	 * and PC to exit_pstate and exit_pc, at [n == EXIT_GPRS]
	 * (eng.exit_ids). */
	void *exit_ptrs[2][EXIT_GPRS + 2];
	uint32_t exit_pstate;
	uint64_t exit_pc;
};

/*
 * Guest memory as Unicorn maps it: the leaves of stage 2, merged into runs
 * of contiguous host memory with one set of permissions. The map of each
 * engine is kept: a run whose stage 2 maps the same is not remapped (a new
 * mapping costs Unicorn a flush of every page of it).
 */
#define MAP_MAX 64

/* What a run of guest memory is: RAM (host memory), or a device frame
 * hvsim plays: the GICv2 virtual CPU interface, the PL031 given to a VM. */
enum mapping_kind {
	MAP_RAM,
	MAP_GICV,
	MAP_PL031,
};

struct mapping {
	uint64_t ipa, size;
	uint8_t *host; /* MAP_RAM only */
	unsigned perms;
	enum mapping_kind kind;
};

struct memory_map {
	unsigned count;
	bool overflow; /* more runs than MAP_MAX: never equal to another */
	struct mapping m[MAP_MAX];
};

static struct {
	struct sim_options opt;
	struct sim_stats stats;
	struct cpu cpus[MAX_CPUS];
	unsigned cpu_count;
	uint64_t limit;
	bool limit_reached;
	uint64_t next_event; /* instruction count of the next timer deadline */
	struct cpu *last;    /* the vCPU loaded on the (one) physical CPU */
	/* The memory map of one stage 2, shared by the vCPUs of its VM:
	 * valid while no stage 2 changed since (s2_changes). */
	unsigned s2_changes;
	struct {
		bool valid;
		uint64_t vttbr;
		unsigned s2_changes;
		struct memory_map map;
	} map_cache;
	double slice_start;
	int gpr_ids[GPR_COUNT + 2]; /* x0-x30, PC, PSTATE */
	/* x0-x(n-1), PSTATE, PC, at [n == EXIT_GPRS] */
	int exit_ids[2][EXIT_GPRS + 2];
} eng;

static int gpr_id(unsigned n)
{
	if (n < 29)
		return UC_ARM64_REG_X0 + (int)n;
	return n == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

/* The general register number of a hook's uc_arm64_reg; 31 for XZR. */
static unsigned reg_number(int reg)
{
	if (reg >= UC_ARM64_REG_X0 && reg <= UC_ARM64_REG_X28)
		return (unsigned)(reg - UC_ARM64_REG_X0);
	if (reg >= UC_ARM64_REG_W0 && reg <= UC_ARM64_REG_W30)
		return (unsigned)(reg - UC_ARM64_REG_W0);
	if (reg == UC_ARM64_REG_X29)
		return 29;
	if (reg == UC_ARM64_REG_X30)
		return 30;
	return 31;
}

static uint64_t rd(struct cpu *c, int id)
{
	uint64_t v = 0;

	uc_reg_read(c->uc, id, &v);
	return v;
}

static void wr(struct cpu *c, int id, uint64_t v)
{
	uc_reg_write(c->uc, id, &v);
}

/* PSTATE is a 32-bit register in Unicorn's interface. */
static uint64_t rd_pstate(struct cpu *c)
{
	uint32_t v = 0;

	uc_reg_read(c->uc, UC_ARM64_REG_PSTATE, &v);
	return v;
}

static uint64_t rd_cp(struct cpu *c, unsigned op0, unsigned op1, unsigned crn,
		      unsigned crm, unsigned op2, bool *ok)
{
	uc_arm64_cp_reg r = {
	    .crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2};
	bool good = uc_reg_read(c->uc, UC_ARM64_REG_CP_REG, &r) == UC_ERR_OK;

	if (ok != NULL)
		*ok = good;
	return good ? r.val : 0;
}

static void wr_cp(struct cpu *c, unsigned op0, unsigned op1, unsigned crn,
		  unsigned crm, unsigned op2, uint64_t val)
{
	uc_arm64_cp_reg r = {.crn = crn,
			     .crm = crm,
			     .op0 = op0,
			     .op1 = op1,
			     .op2 = op2,
			     .val = val};

	uc_reg_write(c->uc, UC_ARM64_REG_CP_REG, &r);
}

static struct cpu *cpu_of(struct hal_vcpu *v)
{
	for (unsigned i = 0; i < eng.cpu_count; i++) {
		if (eng.cpus[i].v == v)
			return &eng.cpus[i];
	}
	return NULL;
}

#define SPECIAL_EL_SWITCH 1u
#define SPECIAL_PROBE	  2u
#define SPECIAL_ALIGN	  4u
#define SPECIAL_ERET_A32  8u

/* Recomputes c->special after el_switch, probe.on, sctlr or spsr_a32
 * changed. */
static void special(struct cpu *c)
{
	c->special =
	    (unsigned char)((c->el_switch ? SPECIAL_EL_SWITCH : 0) |
			    (c->probe.on ? SPECIAL_PROBE : 0) |
			    ((c->sctlr & SCTLR_EL1_A) ? SPECIAL_ALIGN : 0) |
			    (c->spsr_a32 ? SPECIAL_ERET_A32 : 0));
}

/* Stops the machine: the simulator met something it does not model. */
static void fatal(struct cpu *c, const char *what, uint64_t detail)
{
	fprintf(stderr,
		"hvsim: cpu%u: %s (%#" PRIx64 ") at pc %#" PRIx64
		": not modelled by the simulator, stopping\n",
		c->index, what, detail, c->last_pc);
	c->fatal = true;
	c->stopped = true;
	uc_emu_stop(c->uc);
}

/* Stack pointer banking: which SP_ELx a PSTATE selects. */
static int sp_of(uint64_t pstate)
{
	unsigned mode = (unsigned)pstate & PSR_MODE_MASK;

	return (mode & 1) ? UC_ARM64_REG_SP_EL0 + (int)(mode >> 2)
			  : UC_ARM64_REG_SP_EL0;
}

/* The EL of an AArch64 PSTATE. */
static unsigned el_of(uint64_t pstate)
{
	return ((unsigned)pstate >> 2) & 3;
}

/*
 * Unicorn 2.0.1 caches the EL its translator and its MMU index assume (its
 * hflags) and recomputes them only in its own exception entries and
 * returns, never when PSTATE is written (nor on any register write hvsim
 * can make). To bring the guest from EL0 to EL1, hvsim lets the CPU take a
 * virtual IRQ (HCR_EL2.IMO and VI, PSTATE.I clear) - an entry Unicorn
 * makes itself - and stops before the vector's first instruction. The
 * caller writes the state it wants next; ELR_EL1 and SPSR_EL1, which the
 * IRQ's entry overwrote, are put back. SP is banked by that entry.
 */
static void rebuild_el1(struct cpu *c)
{
	uint64_t elr = rd(c, UC_ARM64_REG_ELR_EL1);
	uint64_t spsr = rd_cp(c, 3, 0, 4, 0, 0, NULL);
	uint64_t pc = rd(c, UC_ARM64_REG_PC);
	uint32_t p32 = (uint32_t)(rd_pstate(c) & ~PSR_I);

	uc_reg_write(c->uc, UC_ARM64_REG_PSTATE, &p32);
	wr_cp(c, 3, 4, 1, 1, 0, HCR_EL2_RW | HCR_EL2_IMO | HCR_EL2_VI);
	c->el_switch = true;
	special(c);
	uc_emu_start(c->uc, pc, ~0ull, 0, 0);
	c->el_switch = false;
	special(c);
	wr_cp(c, 3, 4, 1, 1, 0, HCR_EL2_RW);
	wr(c, UC_ARM64_REG_ELR_EL1, elr);
	wr_cp(c, 3, 0, 4, 0, 0, spsr);
	if ((rd_pstate(c) & PSR_MODE_MASK) != PSR_MODE_EL1H)
		fatal(c, "the CPU model did not take its virtual IRQ", pc);
}

/*
 * Unicorn's PSTATE write neither switches SP nor re-derives the EL: hvsim
 * banks SP itself, and an EL change goes through rebuild_el1(). hvsim never
 * moves a guest from EL1 down to EL0 (only its ERET does).
 */
static void put_pstate(struct cpu *c, uint64_t pstate)
{
	uint64_t old = rd_pstate(c);
	uint32_t p32 = (uint32_t)pstate;

	c->pstate_il = (pstate & PSR_IL) != 0;
	c->il_check = c->spsr_il || c->pstate_il;
	if (old == pstate)
		return;
	if (el_of(old) != el_of(pstate)) {
		if (el_of(pstate) != 1) {
			fatal(c, "a move to EL0 or EL2 by the hypervisor",
			      pstate);
			return;
		}
		rebuild_el1(c);
		old = rd_pstate(c);
	}
	if (sp_of(old) != sp_of(pstate)) {
		wr(c, sp_of(old), rd(c, UC_ARM64_REG_SP));
		wr(c, UC_ARM64_REG_SP, rd(c, sp_of(pstate)));
	}
	uc_reg_write(c->uc, UC_ARM64_REG_PSTATE, &p32);
}

/*
 * An ERET at EL1 with this SPSR_EL1 sets PSTATE.IL: SPSR.IL is set, or
 * the return is illegal (Arm ARM D1.4.4), M naming anything but EL0t,
 * EL1t, EL1h or AArch32 User mode (EL1 is AArch64, EL2 and EL3 are above).
 */
static bool spsr_sets_il(uint64_t spsr)
{
	switch (spsr & PSR_MODE_MASK) {
	case PSR_MODE_EL0T:
	case PSR_MODE_EL1T:
	case PSR_MODE_EL1H:
	case PSR_AA32_USR:
		return (spsr & PSR_IL) != 0;
	default:
		return true;
	}
}

/*
 * An ERET with this SPSR_EL1 goes to AArch32 User mode, which the AArch32
 * model runs (aarch32.h): while SPSR_EL1 says so, the code hook looks for
 * the ERET; while it would set PSTATE.IL, the block hook looks for that.
 * SPSR_EL1 changes only by MSR, exception entry and the core.
 */
static void note_spsr(struct cpu *c, uint64_t spsr)
{
	c->spsr_a32 = (spsr & PSR_MODE_MASK) == PSR_AA32_USR;
	c->spsr_il = spsr_sets_il(spsr);
	c->il_check = c->spsr_il || c->pstate_il;
	special(c);
}

/* EL1 registers: where each one lives in the CPU model. */
struct el1_loc {
	int id; /* a named Unicorn register, or 0 for a CP register */
	unsigned char op0, op1, crn, crm, op2;
};

static const struct el1_loc el1_locs[EL1_REG_COUNT] = {
    [EL1_SCTLR] = {0, 3, 0, 1, 0, 0},
    [EL1_TTBR0] = {0, 3, 0, 2, 0, 0},
    [EL1_TTBR1] = {0, 3, 0, 2, 0, 1},
    [EL1_TCR] = {0, 3, 0, 2, 0, 2},
    [EL1_MAIR] = {0, 3, 0, 10, 2, 0},
    [EL1_AMAIR] = {0, 3, 0, 10, 3, 0},
    [EL1_VBAR] = {UC_ARM64_REG_VBAR_EL1, 0, 0, 0, 0, 0},
    [EL1_CONTEXTIDR] = {0, 3, 0, 13, 0, 1},
    [EL1_TPIDR] = {0, 3, 0, 13, 0, 4},
    [EL1_TPIDR_EL0] = {0, 3, 3, 13, 0, 2},
    [EL1_TPIDRRO_EL0] = {0, 3, 3, 13, 0, 3},
    [EL1_CPACR] = {0, 3, 0, 1, 0, 2},
    [EL1_ESR] = {UC_ARM64_REG_ESR_EL1, 0, 0, 0, 0, 0},
    [EL1_FAR] = {UC_ARM64_REG_FAR_EL1, 0, 0, 0, 0, 0},
    [EL1_PAR] = {0, 3, 0, 7, 4, 0},
    [EL1_AFSR0] = {0, 3, 0, 5, 1, 0},
    [EL1_AFSR1] = {0, 3, 0, 5, 1, 1},
    [EL1_CNTKCTL] = {0, 3, 0, 14, 1, 0},
    [EL1_CSSELR] = {0, 3, 2, 0, 0, 0},
    [EL1_SP_EL0] = {UC_ARM64_REG_SP_EL0, 0, 0, 0, 0, 0},
    [EL1_SP_EL1] = {UC_ARM64_REG_SP_EL1, 0, 0, 0, 0, 0},
    [EL1_ELR] = {UC_ARM64_REG_ELR_EL1, 0, 0, 0, 0, 0},
    [EL1_SPSR] = {0, 3, 0, 4, 0, 0},
    [EL1_CNTV_CTL] = {0, 3, 3, 14, 3, 1},
    [EL1_CNTV_CVAL] = {0, 3, 3, 14, 3, 2},
};

static uint64_t el1_get(struct cpu *c, enum el1_reg r)
{
	const struct el1_loc *l = &el1_locs[r];

	if (r == EL1_CNTV_CTL)
		return c->cntv_ctl;
	if (r == EL1_CNTV_CVAL)
		return c->cntv_cval;

	if (l->id == UC_ARM64_REG_SP_EL0 || l->id == UC_ARM64_REG_SP_EL1) {
		if (sp_of(rd_pstate(c)) == l->id)
			return rd(c, UC_ARM64_REG_SP);
	}
	if (l->id != 0)
		return rd(c, l->id);
	return rd_cp(c, l->op0, l->op1, l->crn, l->crm, l->op2, NULL);
}

static void plan_events(void);

static void el1_put(struct cpu *c, enum el1_reg r, uint64_t val)
{
	const struct el1_loc *l = &el1_locs[r];

	if (r == EL1_CNTV_CTL || r == EL1_CNTV_CVAL) {
		if (r == EL1_CNTV_CTL)
			c->cntv_ctl = (uint32_t)val & 3;
		else
			c->cntv_cval = val;
		plan_events();
		return;
	}
	if (r == EL1_SPSR)
		note_spsr(c, val);

	if (l->id == UC_ARM64_REG_SP_EL0 || l->id == UC_ARM64_REG_SP_EL1) {
		if (sp_of(rd_pstate(c)) == l->id) {
			wr(c, UC_ARM64_REG_SP, val);
			return;
		}
	}
	if (l->id != 0)
		wr(c, l->id, val);
	else
		wr_cp(c, l->op0, l->op1, l->crn, l->crm, l->op2, val);
	if (r == EL1_SCTLR) {
		c->sctlr = val;
		special(c);
	}
}

static uint64_t engine_el1_read(void *ctx, struct hal_vcpu *v, enum el1_reg r)
{
	struct cpu *c = cpu_of(v);

	(void)ctx;
	return c != NULL ? el1_get(c, r) : v->el1[r];
}

static void engine_el1_write(void *ctx, struct hal_vcpu *v, enum el1_reg r,
			     uint64_t val)
{
	struct cpu *c = cpu_of(v);

	(void)ctx;
	if (c != NULL)
		el1_put(c, r, val);
	else
		v->el1[r] = val;
}

/* Guest memory: the leaves of the VM's stage-2 tables. */

static const uint64_t *s2_table(void *ctx, uint64_t pa)
{
	void *p = hal_pa_to_ptr(pa_init(pa), 4096);

	(void)ctx;
	/* Table pages come from the core's pool, which is host memory whose
	 * physical address is its pointer (hal_sim's hal_ptr_to_pa). */
	if (p == NULL && (pa & 0xfff) == 0 && pa != 0)
		p = (void *)(uintptr_t)pa;
	return p;
}

static struct s2walk_cfg s2_cfg(const struct hal_vcpu *v)
{
	const struct hal_cpu_caps *caps = hal_cpu_caps();

	return (struct s2walk_cfg){
	    .vttbr = v->vttbr,
	    .ipa_bits = caps->ipa_bits,
	    .start_level = caps->s2_start_level,
	    .table = s2_table,
	};
}

/*
 * The guest's stage 1 (s1walk.c): its tables are read the way the MMU reads
 * them, through stage 2; an entry stage 2 does not map readable (or maps
 * to a device) faults the walk.
 */
static bool s1_read_desc(void *ctx, uint64_t ipa, uint64_t *desc)
{
	struct cpu *c = ctx;
	struct s2walk_cfg cfg = s2_cfg(c->v);
	struct s2_result r = s2walk_translate(&cfg, ipa);
	const void *p;

	if (r.fault != S2_OK || !(r.perms & S2_PERM_R))
		return false;
	p = hal_pa_to_ptr(pa_init(r.pa), sizeof(*desc));
	if (p == NULL)
		return false;
	memcpy(desc, p, sizeof(*desc));
	return true;
}

static struct s1_result s1_translate(struct cpu *c, uint64_t va,
				     enum s1_access acc, bool el0)
{
	unsigned pa_bits = hal_cpu_caps()->pa_bits;

	/* The common case, stage 1 off and an address in range: flat, and
	 * no register to read (TCR_EL1 matters above pa_bits only). */
	if (!(c->sctlr & SCTLR_EL1_M) && (va >> pa_bits) == 0)
		return (struct s1_result){
		    .fault = S1_OK,
		    .ipa = va,
		    .attr = acc == S1_FETCH ? 0x44 : 0x00,
		};

	struct s1walk_cfg cfg = {
	    .regs = {.sctlr = c->sctlr,
		     .tcr = el1_get(c, EL1_TCR),
		     .ttbr0 = el1_get(c, EL1_TTBR0),
		     .ttbr1 = el1_get(c, EL1_TTBR1),
		     .mair = el1_get(c, EL1_MAIR)},
	    .pa_bits = pa_bits,
	    .read = s1_read_desc,
	    .ctx = c,
	};

	return s1walk_translate(&cfg, va, acc, el0);
}

/*
 * Unicorn engines outlive a run: opening one costs milliseconds, which a
 * fuzzer running a VM per input would spend on nothing else. The engine of
 * CPU slot i (whose hooks point at eng.cpus[i]) is kept by
 * sim_engine_fini and made new again for the next run: no state of one run
 * reaches the next. With it go what it maps, the range of addresses it
 * ran code from (the blocks translated there must go when the bytes do)
 * and a copy of those bytes as the last run left them.
 */
static struct engine_slot {
	uc_engine *uc;
	uc_context *fresh; /* the CPU as cpu_open left it */
	struct memory_map mapped;
	/* Guest code run since its blocks were last all dropped, the pages
	 * [code_lo, code_hi); code_mmu: some of it with stage 1 on. */
	uint64_t code_lo, code_hi;
	bool code_mmu;
	uint8_t *copy; /* those pages at the end of the last run */
	size_t copy_len, copy_cap;
	bool recheck_code; /* reset: compare them in the first mem_sync */
} engines[MAX_CPUS];

/* The most guest code whose bytes are kept between runs. */
#define CODE_COPY_MAX (16u << 20)

static struct engine_slot *slot_of(const struct cpu *c)
{
	return &engines[c->index];
}

static void code_ran(struct cpu *c, uint64_t addr, uint64_t size)
{
	struct engine_slot *s = &engines[c->index];

	if (addr < s->code_lo)
		s->code_lo = addr & ~0xfffull;
	if (addr + size > s->code_hi)
		s->code_hi = (addr + size + 0xfff) & ~0xfffull;
	if (c->sctlr & SCTLR_EL1_M)
		s->code_mmu = true;
}

static bool map_append(struct memory_map *map, struct mapping m)
{
	if (map->count == MAP_MAX) {
		map->overflow = true;
		return false;
	}
	map->m[map->count++] = m;
	return true;
}

static bool map_leaf(void *arg, const struct s2_result *leaf)
{
	struct memory_map *map = arg;
	struct mapping *last = map->count != 0 ? &map->m[map->count - 1] : NULL;
	uint8_t *host = hal_pa_to_ptr(pa_init(leaf->pa), leaf->size);
	const struct hal_gic *gic = hal_gic();
	uint64_t gicv = pa_addr(gic->gicv);

	if (host == NULL && gic->version == 2 && leaf->pa >= gicv &&
	    leaf->pa - gicv < VCPUIF_GICV_SIZE) {
		/* The GICv2 virtual CPU interface frame, where stage 2 maps
		 * it: one MMIO region from its first page. */
		if (leaf->pa == gicv)
			map_append(map, (struct mapping){leaf->base_ipa,
							 VCPUIF_GICV_SIZE, NULL,
							 0, MAP_GICV});
		return true;
	}
	/* The machine's PL031, where stage 2 maps it for a VM it is given
	 * to (hv/passthrough.h). */
	if (host == NULL && leaf->pa == SIM_PL031_BASE &&
	    leaf->size == SIM_PL031_SIZE) {
		map_append(map, (struct mapping){leaf->base_ipa, SIM_PL031_SIZE,
						 NULL, 0, MAP_PL031});
		return true;
	}
	if (host == NULL) {
		fprintf(stderr,
			"hvsim: stage 2 maps ipa %#" PRIx64 " to pa %#" PRIx64
			", outside the machine's memory: left unmapped\n",
			leaf->base_ipa, leaf->pa);
		return true;
	}
	if (last != NULL && last->host != NULL &&
	    last->ipa + last->size == leaf->base_ipa &&
	    last->host + last->size == host && last->perms == leaf->perms) {
		last->size += leaf->size;
		return true;
	}
	map_append(map, (struct mapping){leaf->base_ipa, leaf->size, host,
					 leaf->perms, MAP_RAM});
	return true;
}

static bool maps_equal(const struct memory_map *a, const struct memory_map *b)
{
	if (a->overflow || b->overflow || a->count != b->count)
		return false;
	for (unsigned i = 0; i < a->count; i++) {
		if (a->m[i].ipa != b->m[i].ipa ||
		    a->m[i].size != b->m[i].size ||
		    a->m[i].host != b->m[i].host ||
		    a->m[i].perms != b->m[i].perms ||
		    a->m[i].kind != b->m[i].kind)
			return false;
	}
	return true;
}

static void update_gic(struct cpu *c);
static bool phys_irq_pending(void);

static uint64_t gicv_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct cpu *c = ud;
	uint64_t val = 0;

	(void)uc;
	if (!vcpuif_mmio_read(&c->vif, off, size, &val))
		val = 0;
	update_gic(c);
	return val;
}

static void gicv_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val,
		       void *ud)
{
	struct cpu *c = ud;

	vcpuif_mmio_write(&c->vif, off, size, val);
	update_gic(c);
	if (phys_irq_pending()) {
		c->stopped = true;
		uc_emu_stop(uc);
	}
}

static uint32_t map_prot(const struct mapping *m)
{
	return ((m->perms & S2_PERM_R) ? UC_PROT_READ : 0) |
	       ((m->perms & S2_PERM_W) ? UC_PROT_WRITE : 0) |
	       ((m->perms & S2_PERM_X) ? UC_PROT_EXEC : 0);
}

static uint64_t counter_now(void);
static void raise_timers(void);

static uint64_t pl031_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	(void)uc;
	(void)size;
	(void)ud;
	return sim_pl031_read(off, counter_now());
}

static void pl031_write(uc_engine *uc, uint64_t off, unsigned size,
			uint64_t val, void *ud)
{
	struct cpu *c = ud;

	(void)size;
	sim_pl031_write(off, (uint32_t)val, counter_now());
	raise_timers();
	/* Its interrupt, unmasked: taken at EL2 before the next one. */
	if (phys_irq_pending()) {
		c->stopped = true;
		uc_emu_stop(uc);
	}
}

static void map_apply(struct cpu *c, const struct memory_map *map)
{
	for (unsigned i = 0; i < map->count; i++) {
		const struct mapping *m = &map->m[i];
		uint32_t prot = map_prot(m);
		uc_err err;

		switch (m->kind) {
		case MAP_GICV:
			err = uc_mmio_map(c->uc, m->ipa, m->size, gicv_read, c,
					  gicv_write, c);
			break;
		case MAP_PL031:
			err = uc_mmio_map(c->uc, m->ipa, m->size, pl031_read, c,
					  pl031_write, c);
			break;
		default:
			err = uc_mem_map_ptr(c->uc, m->ipa, m->size, prot,
					     m->host);
			break;
		}

		if (err != UC_ERR_OK)
			fprintf(stderr,
				"hvsim: cannot map ipa %#" PRIx64 "+%#" PRIx64
				": %s\n",
				m->ipa, m->size, uc_strerror(err));
	}
}

/*
 * The same map for the vCPU's AArch32 model, as far as 32 bits reach; its
 * translations go with the old map (EL0 code is dropped at each ERET too).
 */
static void a32_map_apply(struct cpu *c, const struct memory_map *map)
{
	a32_unmap_all(&c->a32);
	for (unsigned i = 0; i < map->count; i++) {
		const struct mapping *m = &map->m[i];

		if (m->kind == MAP_GICV)
			a32_map_mmio(&c->a32, m->ipa, m->size, gicv_read,
				     gicv_write, c);
		else if (m->kind == MAP_PL031)
			a32_map_mmio(&c->a32, m->ipa, m->size, pl031_read,
				     pl031_write, c);
		else
			a32_map(&c->a32, m->ipa, m->size, map_prot(m), m->host);
	}
	a32_flush(&c->a32);
	c->a32_mapped = true;
}

/* TLBI ALLE1, made as a system register write: every EL1&0 entry goes,
 * and with them Unicorn's lookup cache of translated blocks by PC. */
static void tlb_flush_all(struct cpu *c)
{
	wr_cp(c, 1, 4, 8, 7, 4, 0);
}

/*
 * Drops the blocks Unicorn translated from the guest code run since the
 * last time: it keys them by offsets into its own RAM, which a later
 * mapping may reuse for other bytes, and it cannot see the host write
 * other bytes where they came from (flushing every block instead costs
 * Unicorn 2.0.1 a memset of its whole 1 GiB code buffer). It finds the
 * range through the guest's stage 1, which is turned off meanwhile
 * (SCTLR_EL1 written raw: nothing else changes); code run with stage 1 on
 * is dropped from all of guest memory.
 */
static void forget_code(struct cpu *c)
{
	struct engine_slot *s = slot_of(c);
	uint64_t sctlr = rd_cp(c, 3, 0, 1, 0, 0, NULL);
	uc_mem_region *regions;
	uint32_t count;

	if (s->code_lo >= s->code_hi)
		return;
	tlb_flush_all(c);
	wr_cp(c, 3, 0, 1, 0, 0, sctlr & ~SCTLR_EL1_M);
	if (uc_mem_regions(c->uc, &regions, &count) == UC_ERR_OK) {
		for (uint32_t i = 0; i < count; i++) {
			uint64_t b = regions[i].begin, e = regions[i].end + 1;

			if (!s->code_mmu) {
				b = b > s->code_lo ? b : s->code_lo;
				e = e < s->code_hi ? e : s->code_hi;
			}
			if (b < e)
				uc_ctl_remove_cache(c->uc, b, e);
		}
		uc_free(regions);
	}
	wr_cp(c, 3, 0, 1, 0, 0, sctlr);
	s->code_lo = UINT64_MAX;
	s->code_hi = 0;
	s->code_mmu = false;
	s->copy_len = 0;
}

/* The host memory behind IPAs [ipa, ipa + len) as mapped, or NULL. */
static const uint8_t *mapped_host(const struct engine_slot *s, uint64_t ipa,
				  uint64_t len)
{
	for (unsigned i = 0; i < s->mapped.count; i++) {
		const struct mapping *m = &s->mapped.m[i];

		if (m->host != NULL && ipa >= m->ipa && len <= m->size &&
		    ipa - m->ipa <= m->size - len)
			return m->host + (ipa - m->ipa);
	}
	return NULL;
}

/* At the end of a run: a copy of the code pages, if they are RAM. */
static void keep_code_bytes(struct cpu *c)
{
	struct engine_slot *s = slot_of(c);
	size_t len = s->code_lo < s->code_hi ? s->code_hi - s->code_lo : 0;
	const uint8_t *src = mapped_host(s, s->code_lo, len);

	s->copy_len = 0;
	if (len == 0 || s->code_mmu || len > CODE_COPY_MAX || src == NULL)
		return;
	if (s->copy_cap < len) {
		uint8_t *p = realloc(s->copy, len);

		if (p == NULL)
			return;
		s->copy = p;
		s->copy_cap = len;
	}
	memcpy(s->copy, src, len);
	s->copy_len = len;
}

/*
 * At the start of the next run, with the new guest's bytes in place: the
 * blocks of the pages whose bytes changed go, the others stay (a fuzzer's
 * guests share most of their code, and translating it again would cost
 * most of a run). Without a copy, all of them go.
 */
static void forget_changed_code(struct cpu *c)
{
	struct engine_slot *s = slot_of(c);
	const uint8_t *now = mapped_host(s, s->code_lo, s->copy_len);
	uint64_t sctlr = rd_cp(c, 3, 0, 1, 0, 0, NULL);

	if (s->code_lo >= s->code_hi)
		return;
	if (s->copy_len != s->code_hi - s->code_lo || now == NULL) {
		forget_code(c);
		return;
	}
	tlb_flush_all(c);
	wr_cp(c, 3, 0, 1, 0, 0, sctlr & ~SCTLR_EL1_M);
	for (size_t off = 0; off < s->copy_len; off += 4096) {
		if (memcmp(now + off, s->copy + off, 4096) != 0)
			uc_ctl_remove_cache(c->uc, s->code_lo + off,
					    s->code_lo + off + 4096);
	}
	wr_cp(c, 3, 0, 1, 0, 0, sctlr);
	tlb_flush_all(c);
}

/* Unmaps all guest memory from Unicorn; the TLB entries of it go too. */
static void forget_memory(struct cpu *c)
{
	uc_mem_region *regions;
	uint32_t count;

	forget_code(c);
	if (uc_mem_regions(c->uc, &regions, &count) == UC_ERR_OK) {
		for (uint32_t i = 0; i < count; i++)
			uc_mem_unmap(c->uc, regions[i].begin,
				     regions[i].end - regions[i].begin + 1);
		uc_free(regions);
	}
	slot_of(c)->mapped = (struct memory_map){0};
	tlb_flush_all(c);
#if SIM_UC_BY_PA
	/*
	 * Unicorn 2.1 crashed chaining a translated block (tb_set_jmp_target)
	 * in a Linux boot after its RAM had been unmapped and mapped again
	 * (the first touches of lazily zeroed RAM, a reset): every block
	 * goes, not only those of the code ranges seen.
	 */
	uc_ctl_flush_tb(c->uc);
#endif
}

/* Does piece p of what Unicorn maps lie inside w, mapping the same? */
static bool piece_of(const struct mapping *p, const struct mapping *w)
{
	if (p->kind != w->kind || p->perms != w->perms || p->ipa < w->ipa ||
	    p->size > w->size || p->ipa - w->ipa > w->size - p->size)
		return false;
	if (w->kind != MAP_RAM)
		return p->ipa == w->ipa && p->size == w->size;
	return p->host == w->host + (p->ipa - w->ipa);
}

/*
 * Stage 2 only gained mappings since Unicorn's were made (now): every piece
 * of now lies in one of want, mapping the same. Then the parts of want no
 * piece covers go into *gaps and true; false for anything else (a mapping
 * gone or changed), or when gaps or now would hold too many.
 */
static bool map_gained(const struct memory_map *now,
		       const struct memory_map *want, struct memory_map *gaps)
{
	*gaps = (struct memory_map){0};
	if (now->overflow || want->overflow)
		return false;
	for (unsigned i = 0; i < now->count; i++) {
		unsigned j = 0;

		while (j < want->count && !piece_of(&now->m[i], &want->m[j]))
			j++;
		if (j == want->count)
			return false;
	}
	for (unsigned j = 0; j < want->count; j++) {
		const struct mapping *w = &want->m[j];
		uint64_t at = w->ipa, end = w->ipa + w->size;

		/* From at, the piece starting there, else up to the next. */
		while (at < end) {
			uint64_t next = end;
			bool covered = false;

			for (unsigned i = 0; i < now->count; i++) {
				const struct mapping *p = &now->m[i];

				if (!piece_of(p, w))
					continue;
				if (p->ipa == at) {
					at += p->size;
					covered = true;
					break;
				}
				if (p->ipa > at && p->ipa < next)
					next = p->ipa;
			}
			if (covered)
				continue;
			if (w->kind != MAP_RAM && next != end)
				return false;
			if (!map_append(gaps, (struct mapping){
						  at, next - at,
						  w->host != NULL
						      ? w->host + (at - w->ipa)
						      : NULL,
						  w->perms, w->kind}))
				return false;
			at = next;
		}
	}
	return now->count + gaps->count <= MAP_MAX;
}

static void mem_sync(struct cpu *c)
{
	struct s2walk_cfg cfg = s2_cfg(c->v);
	struct memory_map *want = &eng.map_cache.map;
	struct memory_map *now = &slot_of(c)->mapped;
	struct memory_map gaps;
	bool same, gained;

	if (!eng.map_cache.valid || eng.map_cache.vttbr != c->v->vttbr ||
	    eng.map_cache.s2_changes != eng.s2_changes) {
		*want = (struct memory_map){0};
		s2walk_each(&cfg, map_leaf, want);
		eng.map_cache.valid = true;
		eng.map_cache.vttbr = c->v->vttbr;
		eng.map_cache.s2_changes = eng.s2_changes;
	}
	same = maps_equal(want, now);
	gained = !same && map_gained(now, want, &gaps);
	if (gained && gaps.count == 0)
		same = true; /* the same coverage, in more pieces */
	if (same) {
		/* The same host memory as the last run: valid to compare. */
		if (slot_of(c)->recheck_code)
			forget_changed_code(c);
	} else if (gained) {
		/*
		 * What the first touches of lazily zeroed RAM do: the new
		 * parts are mapped beside the old, whose translated code
		 * stays (forgetting all of it at each touch cost most of a
		 * Linux boot's time, and Unicorn 2.1 once crashed on it).
		 */
		map_apply(c, &gaps);
		for (unsigned k = 0; k < gaps.count; k++)
			map_append(now, gaps.m[k]);
		tlb_flush_all(c);
		c->a32_mapped = false;
	} else {
		forget_memory(c);
		map_apply(c, want);
		*now = *want;
		c->a32_mapped = false;
	}
	slot_of(c)->recheck_code = false;
	if (c->a32.uc != NULL && !c->a32_mapped)
		a32_map_apply(c, now);
	c->mem_stale = false;
}

static void engine_s2_changed(void *ctx, int vmid)
{
	(void)ctx;
	eng.s2_changes++;
	for (unsigned i = 0; i < eng.cpu_count; i++) {
		struct cpu *c = &eng.cpus[i];

		if (vmid < 0 || (int)(c->v->vttbr >> 48) == vmid)
			c->mem_stale = true;
	}
}

/* Moving state between the core's view (struct hal_vcpu) and the CPU. */

static void get_gprs(struct cpu *c, uint64_t *x)
{
	void *ptrs[GPR_COUNT];

	for (unsigned i = 0; i < GPR_COUNT; i++)
		ptrs[i] = &x[i];
	uc_reg_read_batch(c->uc, eng.gpr_ids, ptrs, GPR_COUNT);
}

/* x(first)-x30 into x[first..30]. */
static void get_high_gprs(struct cpu *c, uint64_t *x, unsigned first)
{
	void *ptrs[GPR_COUNT];

	for (unsigned i = first; i < GPR_COUNT; i++)
		ptrs[i - first] = &x[i];
	uc_reg_read_batch(c->uc, eng.gpr_ids + first, ptrs,
			  (int)(GPR_COUNT - first));
}

/* The vCPU's registers, from the CPU model that runs it. */
static void get_state(struct cpu *c, struct vcpu_regs *r)
{
	/* X15-X30 live in the AArch64 model either way. */
	get_gprs(c, r->x);
	if (c->in_a32) {
		a32_get(&c->a32, r->x, &r->pc, &r->pstate);
		return;
	}
	r->pstate = rd_pstate(c);
	r->pc = rd(c, UC_ARM64_REG_PC);
}

/* Back to AArch64: TPIDRURW was TPIDR_EL0[31:0] while EL0 ran. */
static void leave_a32(struct cpu *c)
{
	uint64_t tpidr = el1_get(c, EL1_TPIDR_EL0);

	el1_put(c, EL1_TPIDR_EL0,
		(tpidr & ~0xffffffffull) | a32_get_tpidrurw(&c->a32));
	c->in_a32 = false;
}

/* Loads v->regs into the CPU model for its Execution state. */
static void put_state(struct cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;
	void *ptrs[GPR_COUNT];

	for (unsigned i = 0; i < GPR_COUNT; i++)
		ptrs[i] = &r->x[i];
	uc_reg_write_batch(c->uc, eng.gpr_ids, ptrs, GPR_COUNT);
	/* Only hvsim's own ERET (enter_a32) puts a vCPU in AArch32 state. */
	if (psr_is_aarch32(r->pstate) && c->a32.uc != NULL) {
		c->in_a32 = true;
		a32_put(&c->a32, r->x, r->pc, r->pstate);
		return;
	}
	if (c->in_a32)
		leave_a32(c);
	put_pstate(c, r->pstate);
	wr(c, UC_ARM64_REG_PC, r->pc);
}

/* Loads a vCPU that is not loaded: all of its state from hal_vcpu. */
static void load(struct cpu *c)
{
	struct hal_vcpu *v = c->v;

	for (unsigned r = 0; r < EL1_REG_COUNT; r++) {
		if (r != EL1_SP_EL0 && r != EL1_SP_EL1)
			el1_put(c, (enum el1_reg)r, v->el1[r]);
	}
	wr(c, UC_ARM64_REG_SP_EL0, v->el1[EL1_SP_EL0]);
	wr(c, UC_ARM64_REG_SP_EL1, v->el1[EL1_SP_EL1]);
	wr(c, UC_ARM64_REG_SP, v->el1[EL1_SP_EL1]);
	for (unsigned i = 0; i < 32; i++)
		uc_reg_write(c->uc, UC_ARM64_REG_Q0 + (int)i, v->fp.q[i]);
	uint32_t fpsr = (uint32_t)v->fp.fpsr, fpcr = (uint32_t)v->fp.fpcr;

	uc_reg_write(c->uc, UC_ARM64_REG_FPSR, &fpsr);
	uc_reg_write(c->uc, UC_ARM64_REG_FPCR, &fpcr);
	/* The reset state is EL1h: SP is SP_EL1 until PSTATE says else. */
	uint32_t el1h = PSR_DAIF | PSR_MODE_EL1H;

	uc_reg_write(c->uc, UC_ARM64_REG_PSTATE, &el1h);
	v->loaded_on = 0;
	c->mem_stale = true;
	c->watch_dirty = true;
}

/* Exits. */

static void trace_exit(struct cpu *c, const struct vcpu_exit *e)
{
	unsigned ec = esr_ec(e->esr);

	fprintf(eng.opt.trace,
		"hvsim: exit cpu%u ec %#04x esr %#010" PRIx64 " pc %#" PRIx64,
		c->index, ec, (uint64_t)e->esr, (uint64_t)c->v->regs.pc);
	if (e->kind != VCPU_EXIT_SYNC)
		fprintf(eng.opt.trace, " irq");
	else if (ec == EC_DABT_LOW || ec == EC_IABT_LOW)
		fprintf(eng.opt.trace, " ipa %#" PRIx64,
			(uint64_t)(((e->hpfar & 0x00000ffffffffff0ull) << 8) |
				   (e->far & 0xfff)));
	fputc('\n', eng.opt.trace);
}

static uint64_t counter_now(void)
{
	return eng.stats.insns / eng.opt.insns_per_tick + eng.stats.idle_ticks;
}

/* The virtual timer's deadline in physical counter ticks, if it can fire. */
static bool vtimer_deadline(const struct cpu *c, uint64_t *ticks)
{
	if ((c->cntv_ctl & 3) != 1)
		return false; /* disabled or masked */
	*ticks = c->cntv_cval + c->v->cntvoff;
	if (*ticks < c->cntv_cval)
		*ticks = UINT64_MAX;
	return true;
}

static bool vtimer_asserted(const struct cpu *c)
{
	uint64_t d;

	return vtimer_deadline(c, &d) && counter_now() >= d;
}

/* Instruction count at which the counter reaches ticks. */
static uint64_t insns_at(uint64_t ticks)
{
	uint64_t now = counter_now();

	if (ticks <= now)
		return eng.stats.insns;
	if (ticks - now > UINT64_MAX / eng.opt.insns_per_tick)
		return UINT64_MAX;
	return eng.stats.insns + (ticks - now) * eng.opt.insns_per_tick;
}

/*
 * The next instruction count at which a timer fires: the loaded vCPU's
 * virtual timer or the hypervisor's. The per-instruction hook stops there.
 */
static void plan_events(void)
{
	uint64_t next = UINT64_MAX, d;

	if (eng.last != NULL && vtimer_deadline(eng.last, &d) &&
	    !hal_sim_irq_active(GIC_PPI_VTIMER))
		next = insns_at(d);
	if (hal_sim_timer(&d) && insns_at(d) < next)
		next = insns_at(d);
	if (sim_pl031_deadline(&d) && insns_at(d) < next)
		next = insns_at(d);
	eng.next_event = next;
}

/* Timer interrupts are levels: raised while their condition holds. */
static void raise_timers(void)
{
	uint64_t d;

	if (eng.last != NULL) {
		if (vtimer_asserted(eng.last) &&
		    !hal_sim_irq_active(GIC_PPI_VTIMER))
			hal_sim_irq_raise(GIC_PPI_VTIMER);
		else if (!vtimer_asserted(eng.last))
			hal_sim_irq_lower(GIC_PPI_VTIMER);
	}
	if (hal_sim_timer(&d) && counter_now() >= d &&
	    !hal_sim_irq_active(GIC_PPI_HYP_TIMER))
		hal_sim_irq_raise(GIC_PPI_HYP_TIMER);
	sim_pl031_update(counter_now());
	plan_events();
}

/*
 * After anything that may change what the virtual CPU interface asserts:
 * the virtual IRQ (taken by the per-instruction hook once PSTATE.I is
 * clear) and the maintenance interrupt (a physical PPI 25 to EL2).
 */
/* Whether the interface's registers are as update_gic last saw them: the
 * implemented list registers, the control and the active priorities. */
static bool gic_same(const struct cpu *c)
{
	const struct vcpu_vgic *g = c->vif.g, *s = &c->gic_seen;
	uint64_t diff = (g->hcr ^ s->hcr) | (g->vmcr ^ s->vmcr) |
			(g->apr[0] ^ s->apr[0]) | (g->apr[1] ^ s->apr[1]) |
			(g->apr[2] ^ s->apr[2]) | (g->apr[3] ^ s->apr[3]);

	for (unsigned i = 0; i < c->vif.lr_count && i < HAL_LR_MAX; i++)
		diff |= g->lr[i] ^ s->lr[i];
	return diff == 0;
}

static void update_gic(struct cpu *c)
{
	if (hal_gic()->version == 0)
		return;
	/* Both signals are functions of the interface's registers alone:
	 * most exits change none of them. */
	if (!c->gic_known || !gic_same(c)) {
		c->gic_seen = *c->vif.g;
		c->gic_known = true;
		c->virq = vcpuif_virq(&c->vif);
		c->maintenance = vcpuif_maintenance(&c->vif);
	}
	if (c->maintenance) {
		if (!hal_sim_irq_active(GIC_PPI_MAINTENANCE))
			hal_sim_irq_raise(GIC_PPI_MAINTENANCE);
	} else {
		hal_sim_irq_lower(GIC_PPI_MAINTENANCE);
	}
}

static void deactivate_phys(void *ctx, uint32_t pintid)
{
	(void)ctx;
	hal_sim_irq_deactivate(pintid);
	raise_timers(); /* a level still high raises it again */
}

/*
 * hal_sim_exit's second pass of an exit (all_regs): exit_in_hook read
 * x0-x17 only, the rest comes now, and is what its write-back compares.
 */
static void engine_full_regs(void *ctx, struct hal_vcpu *v)
{
	struct cpu *c = cpu_of(v);

	(void)ctx;
	if (c == NULL || !c->exit_partial || c->exit_hi)
		return;
	get_high_gprs(c, v->regs.x, c->exit_first);
	memcpy(&c->exit_hi_before[c->exit_first], &v->regs.x[c->exit_first],
	       (GPR_COUNT - c->exit_first) * sizeof(uint64_t));
	c->exit_hi = true;
}

static bool phys_irq_pending(void)
{
	for (uint32_t i = 0; i < HAL_SIM_IRQ_COUNT; i++) {
		if (hal_sim_irq_pending(i) && hal_sim_irq_enabled(i) &&
		    !hal_sim_irq_active(i))
			return true;
	}
	return false;
}

/* Hands one exit to the core; v->regs must be current. */
static void deliver(struct cpu *c, const struct vcpu_exit *e)
{
	eng.stats.exits++;
	if (e->kind == VCPU_EXIT_SYNC)
		eng.stats.exits_by_ec[esr_ec(e->esr)]++;
	else
		eng.stats.irq_exits++;
	if (eng.opt.trace != NULL)
		trace_exit(c, e);
	if (c->exit_partial)
		hal_sim_exit_partial(c->v, e, c->on_exit);
	else
		hal_sim_exit(c->v, e, c->on_exit);
	update_gic(c);
	/* Exits count towards the limit too: a guest that faults forever
	 * without retiring an instruction must stop as well. */
	if (eng.stats.insns + eng.stats.exits > eng.limit ||
	    (eng.opt.max_exits != 0 && eng.stats.exits >= eng.opt.max_exits)) {
		eng.limit_reached = true;
		c->stopped = true;
		uc_emu_stop(c->uc);
	}
}

/*
 * An exit taken inside a hook, while Unicorn runs: the registers come from
 * the CPU, go to the core, and only what the core changed goes back.
 * natural_pc is where the CPU continues if the core leaves the PC there.
 */
/*
 * One call for what the first pass of an exit has (n registers from x0,
 * hal_sim_exit_regs), PSTATE and, with pc, the PC (c->exit_pstate,
 * c->exit_pc): most exits need no more.
 */
static void read_exit_regs(struct cpu *c, unsigned n, bool pc)
{
	uc_reg_read_batch(c->uc, eng.exit_ids[n == EXIT_GPRS],
			  c->exit_ptrs[n == EXIT_GPRS],
			  (int)n + 1 + (pc ? 1 : 0));
}

/* exit_in_hook once read_exit_regs has read the registers. */
static void exit_read(struct cpu *c, const struct vcpu_exit *e, uint64_t elr,
		      uint64_t natural_pc)
{
	struct vcpu_regs *r = &c->v->regs;
	unsigned n = hal_sim_exit_regs(e);
	uint64_t before[EXIT_GPRS];
	uint64_t pstate = c->exit_pstate;

	/* Copies of constant sizes: a variable one is a slow rep movs. */
	if (n == EXIT_GPRS_MIN)
		memcpy(before, r->x, EXIT_GPRS_MIN * sizeof(before[0]));
	else
		memcpy(before, r->x, EXIT_GPRS * sizeof(before[0]));
	c->exit_partial = true;
	c->exit_hi = false;
	c->exit_first = n;
	r->pstate = pstate;
	r->pc = elr;
	deliver(c, e);
	c->exit_partial = false;
	if (r->pc != natural_pc || r->pstate != pstate) {
		/*
		 * A PC written from a hook does not always survive the rest of
		 * the translation block: stop, and load the whole state once
		 * Unicorn has returned (x18-x30 as the CPU has them, unless
		 * the core's second pass changed them).
		 */
		if (!c->exit_hi)
			get_high_gprs(c, r->x, n);
		c->reload = true;
	} else {
		for (unsigned i = 0; i < n; i++) {
			if (r->x[i] != before[i])
				wr(c, eng.gpr_ids[i], r->x[i]);
		}
		for (unsigned i = n; c->exit_hi && i < GPR_COUNT; i++) {
			if (r->x[i] != c->exit_hi_before[i])
				wr(c, eng.gpr_ids[i], r->x[i]);
		}
	}
	if (c->reload || c->v->yield || c->mem_stale) {
		c->stopped = true;
		uc_emu_stop(c->uc);
	}
}

static void exit_in_hook(struct cpu *c, const struct vcpu_exit *e, uint64_t elr,
			 uint64_t natural_pc)
{
	read_exit_regs(c, hal_sim_exit_regs(e), false);
	exit_read(c, e, elr, natural_pc);
}

/*
 * Every exception the guest takes at EL1 by itself goes through exc_take
 * (exception.c): from AArch64 (enter_el1) and from AArch32 EL0
 * (a32_to_el1). These write what it returns: the EL1 registers here,
 * PSTATE and PC by the caller, for the CPU model the vCPU runs on.
 */
static struct exc_entry take_entry(struct cpu *c, uint64_t pc, uint64_t pstate,
				   enum exc_kind kind, uint64_t esr,
				   bool has_far, uint64_t far)
{
	struct exc_from from = {
	    .pc = pc,
	    .pstate = pstate,
	    .vbar = rd(c, UC_ARM64_REG_VBAR_EL1),
	    .sctlr = c->sctlr,
	};

	if (kind == EXC_SYNC)
		eng.stats.guest_exceptions++;
	if (eng.opt.trace_exc != NULL)
		fprintf(eng.opt.trace_exc,
			"hvsim: exception cpu%u %s esr %#010" PRIx64
			" pc %#" PRIx64 " far %#" PRIx64 "\n",
			c->index, kind == EXC_SYNC ? "sync" : "irq",
			kind == EXC_SYNC ? esr : 0, pc, has_far ? far : 0);
	return exc_take(&from, hal_cpu_caps(), kind, esr, has_far, far);
}

static void write_entry(struct cpu *c, const struct exc_entry *e)
{
	wr(c, UC_ARM64_REG_ELR_EL1, e->elr);
	wr_cp(c, 3, 0, 4, 0, 0, e->spsr);
	note_spsr(c, e->spsr);
	if (e->has_esr)
		wr(c, UC_ARM64_REG_ESR_EL1, e->esr);
	if (e->has_far)
		wr(c, UC_ARM64_REG_FAR_EL1, e->far);
}

/* The CPU's own entry to EL1, from the AArch64 PSTATE it has now. */
static void enter_el1(struct cpu *c, enum exc_kind kind, uint64_t esr,
		      bool has_far, uint64_t far, uint64_t pc)
{
	struct exc_entry e =
	    take_entry(c, pc, rd_pstate(c), kind, esr, has_far, far);

	/* First: an EL change (rebuild_el1) puts ELR and SPSR back. */
	put_pstate(c, e.pstate);
	write_entry(c, &e);
	wr(c, UC_ARM64_REG_PC, e.pc);
}

/*
 * An exception from AArch32 EL0 to EL1 (VBAR_EL1 + 0x600 or 0x680): x
 * holds ELR_EL1, SPSR_EL1 (the CPSR) and, for a synchronous one, ESR_EL1.
 * The AArch64 model, which stopped at EL1 before the ERET, takes over with
 * X0-X14 from R0-R14.
 */
static void a32_to_el1(struct cpu *c, const struct a32_exception *x,
		       enum exc_kind kind)
{
	struct vcpu_regs *r = &c->v->regs;
	struct exc_entry e =
	    take_entry(c, x->elr, x->spsr, kind, x->esr, false, 0);

	get_state(c, r);
	r->pstate = e.pstate;
	r->pc = e.pc;
	put_state(c);
	write_entry(c, &e);
}

/* The registers at a fault, for an exit made once stopped. */
static void save_fault_state(struct cpu *c, uint64_t pc)
{
	get_gprs(c, c->fault_regs);
	c->fault_pstate = rd_pstate(c);
	c->fault_pc = pc;
}

/*
 * A synchronous exception found in a hook, entered once Unicorn has
 * stopped (deliver_entry) from the registers as they are now; the caller
 * stops it. A later fault of the same instruction never happens: the
 * first one found wins.
 */
static void pend_entry(struct cpu *c, uint64_t esr, bool has_far, uint64_t far,
		       uint64_t elr)
{
	if (c->entry.pending)
		return;
	get_gprs(c, c->entry.x);
	c->entry.pstate = rd_pstate(c);
	c->entry.elr = elr;
	c->entry.esr = esr;
	c->entry.has_far = has_far;
	c->entry.far = far;
	c->entry.undo = false;
	c->entry.pending = true;
}

static void stop_for_entry(struct cpu *c, uint64_t esr, bool has_far,
			   uint64_t far, uint64_t elr)
{
	pend_entry(c, esr, has_far, far, elr);
	c->stopped = true;
	uc_emu_stop(c->uc);
}

/*
 * A synchronous exception the guest takes at EL1 by itself, from a hook
 * (in_hook) or not. An entry from EL0 changes the EL, which needs the CPU
 * to run (rebuild_el1): from a hook it is made once Unicorn has stopped.
 */
static void guest_sync(struct cpu *c, uint64_t esr, bool has_far, uint64_t far,
		       uint64_t elr, bool in_hook)
{
	if (in_hook && el_of(rd_pstate(c)) != 1) {
		stop_for_entry(c, esr, has_far, far, elr);
		return;
	}
	enter_el1(c, EXC_SYNC, esr, has_far, far, elr);
}

/* From the interrupt hook: UNDEF, SVC, BRK. */
static void guest_exception(struct cpu *c, uint64_t esr, uint64_t elr)
{
	guest_sync(c, esr, false, 0, elr, true);
}

/* The guest takes its virtual IRQ: ELR is the next instruction. */
static void take_irq(struct cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;

	c->take_irq = false;
	if (c->in_a32) {
		get_state(c, r);
		a32_to_el1(
		    c, &(struct a32_exception){.elr = r->pc, .spsr = r->pstate},
		    EXC_IRQ);
		return;
	}
	enter_el1(c, EXC_IRQ, 0, false, 0, rd(c, UC_ARM64_REG_PC));
}

/* The instruction word at guest VA pc; false when it cannot be fetched. */
static bool read_insn(struct cpu *c, uint64_t pc, uint32_t *insn)
{
	uint64_t ipa = pc;

	/* uc_mem_read takes the address as an IPA: through stage 1 first. */
	if (c->sctlr & SCTLR_EL1_M) {
		struct s1_result t =
		    s1_translate(c, pc, S1_FETCH, exc_from_el0(rd_pstate(c)));

		if (t.fault != S1_OK)
			return false;
		ipa = t.ipa;
	}
	/* Guest RAM is hvsim's own memory: read it there, not through
	 * Unicorn's memory API (an exit's syndrome is built from it). */
	const uint8_t *host = mapped_host(slot_of(c), ipa, 4);

	if (host != NULL) {
		memcpy(insn, host, 4);
		return true;
	}
	return uc_mem_read(c->uc, ipa, insn, 4) == UC_ERR_OK;
}

static uint16_t insn_imm16(struct cpu *c, uint64_t pc)
{
	uint32_t insn = 0;

	read_insn(c, pc, &insn);
	return (uint16_t)(insn >> 5);
}

/*
 * SCTLR_EL1.A: a load or store whose address is not a multiple of its
 * access size takes an alignment fault (DFSC 0x21) before it touches
 * memory. Unicorn 2.0.1 checks alignment for exclusives only, so with A
 * set hvsim decodes each instruction before it runs. Covered: what
 * hv/insn.c decodes (loads and stores of general registers); SIMD&FP
 * accesses are not checked.
 */
static SIM_COLD bool misaligned(struct cpu *c, uint64_t pc)
{
	struct ldst d;
	uint32_t insn;
	uint64_t base, rm = 0, va;

	if (!read_insn(c, pc, &insn) || !ldst_decode(insn, &d))
		return false;
	base = rd(c, d.rn == 31 ? UC_ARM64_REG_SP : gpr_id(d.rn));
	if (d.reg_offset && d.rm != 31)
		rm = rd(c, gpr_id(d.rm));
	va = ldst_address(&d, base, rm);
	if ((va & (d.size - 1)) == 0)
		return false;
	pend_entry(c,
		   exc_esr_dabt(rd_pstate(c), !d.load, false, false,
				EXC_FSC_ALIGNMENT),
		   true, va, pc);
	return true;
}

/* Hooks. */

/*
 * PSTATE.IL set (an illegal exception return, or a legal one whose SPSR.IL
 * was set): the next instruction takes an Illegal Execution state
 * exception (EC 0x0E) instead of running (Arm ARM D1.4.4). Unicorn 2.0.1
 * sets the bit but never raises the exception. An ERET ends a block, and
 * so does every stop of hvsim's, so the first instruction after one is the
 * first of a block: checked here, once per block, while an ERET or hvsim
 * may have set it (il_check: reading PSTATE costs every block).
 */
static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct cpu *c = ud;
	uint64_t pstate;

	code_ran(c, addr, size);
	if (c->el_switch) {
		/* rebuild_el1's IRQ is taken: stop before the vector. */
		c->stopped = true;
		uc_emu_stop(uc);
		return;
	}
	if (!c->il_check || c->probe.on || c->stopped)
		return;
	pstate = rd_pstate(c);
	if (!(pstate & PSR_IL))
		return;
	/* An interrupt comes first: on_code takes it before the insn. */
	if (c->virq && !(pstate & PSR_I))
		return;
	c->illegal = true;
	c->stopped = true;
	uc_emu_stop(uc);
}

/*
 * Before each guest instruction, on either CPU model (irq_masked: PSTATE.I
 * or CPSR.I): false means stop before it. The caller counts it.
 */
static bool insn_gate(struct cpu *c, bool irq_masked)
{
	if (c->stopped) {
		/*
		 * A stop asked for from an MRS/MSR hook that skipped its
		 * instruction does not always take effect: ask again from
		 * here, where it stops Unicorn before this instruction.
		 */
		return false;
	}
	if (c->virq && !irq_masked) {
		/* Taken before this instruction, as the CPU would. */
		c->take_irq = true;
		c->stopped = true;
		return false;
	}
	if (eng.stats.insns >= eng.next_event) {
		c->event = true;
		c->stopped = true;
		return false;
	}
	if (eng.stats.insns + eng.stats.exits >= eng.limit) {
		/* This instruction would go over: it is not executed. */
		eng.limit_reached = true;
		c->stopped = true;
		return false;
	}
	return true;
}

/* An ERET at EL1 (at EL0 it is UNDEFINED) while SPSR_EL1 is AArch32. */
static SIM_COLD bool eret_to_a32(struct cpu *c, uint64_t pc)
{
	uint32_t insn = 0;

	return (rd_pstate(c) & PSR_MODE_MASK) != PSR_MODE_EL0T &&
	       read_insn(c, pc, &insn) && insn == INSN_ERET;
}

/*
 * on_code with something of c->special to look at, out of the hot path:
 * false stops Unicorn before the instruction.
 */
static SIM_COLD bool insn_special(struct cpu *c, uint64_t addr)
{
	if (c->special & SPECIAL_EL_SWITCH)
		return false;
	if (c->special & SPECIAL_PROBE) {
		/* Only the probed instruction runs; it is not counted. */
		if (c->probe.started) {
			c->stopped = true;
			return false;
		}
		c->probe.started = true;
		return true;
	}
	if (!insn_gate(c, !c->virq || (rd_pstate(c) & PSR_I) != 0))
		return false;
	if ((c->special & SPECIAL_ERET_A32) && eret_to_a32(c, addr)) {
		/* The AArch32 model takes over: enter_a32 does the ERET. */
		c->eret_a32 = true;
		c->stopped = true;
		return false;
	}
	if ((c->special & SPECIAL_ALIGN) && misaligned(c, addr)) {
		c->stopped = true;
		return false;
	}
	eng.stats.insns++;
	return true;
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct cpu *c = ud;

	(void)size;
	/* Kept exact even after a stop request: the instruction that a
	 * memory hook reports must be the one that is executing. */
	c->last_pc = addr;
	if (c->special != 0) {
		if (!insn_special(c, addr))
			uc_emu_stop(uc);
		return;
	}
	if (!insn_gate(c, !c->virq || (rd_pstate(c) & PSR_I) != 0)) {
		uc_emu_stop(uc);
		return;
	}
	eng.stats.insns++;
}

/* A stage-2 fault kind and level from the walk of an IPA. */
static enum trap_fault s2_fault(const struct s2_result *r, unsigned *level)
{
	*level = r->level;
	switch (r->fault) {
	case S2_OK: /* mapped: the access lacked the permission */
		return TRAP_FAULT_PERMISSION;
	case S2_FAULT_ACCESS_FLAG:
		return TRAP_FAULT_ACCESS_FLAG;
	case S2_FAULT_INPUT_RANGE:
		*level = 0;
		return TRAP_FAULT_TRANSLATION;
	case S2_FAULT_TRANSLATION:
	default:
		return TRAP_FAULT_TRANSLATION;
	}
}

/* Stage 2 gives the access its permission (X for a fetch). */
static bool s2_permits(const struct s2_result *r, bool fetch, bool write)
{
	unsigned need = fetch ? S2_PERM_X : write ? S2_PERM_W : S2_PERM_R;

	return r->fault == S2_OK && (r->perms & need);
}

/*
 * The exit for a stage-2 fault on an access to va, whose stage 1 gave ipa
 * (or, with s1ptw, on the walk's read of the table entry at ipa). iss is
 * the access part of a data abort's ISS. False when stage 2 permits it
 * after all: the access failed because Unicorn 2.0.1 looks guest memory up
 * by virtual address, which only works while stage 1 is the identity.
 */
static bool stage2_exit(struct cpu *c, struct vcpu_exit *e, uint64_t va,
			uint64_t ipa, bool fetch, bool write, bool s1ptw,
			uint32_t iss)
{
	struct s2walk_cfg cfg = s2_cfg(c->v);
	struct s2_result r = s2walk_translate(&cfg, ipa);
	unsigned level;
	enum trap_fault f = s2_fault(&r, &level);

	if (s2_permits(&r, fetch, write) && (s1ptw || ipa != va))
		return false;
	*e = (struct vcpu_exit){
	    .kind = VCPU_EXIT_SYNC, .far = va, .hpfar = trap_hpfar(ipa)};
	if (fetch)
		e->esr = trap_esr_iabt(f, level) | (s1ptw ? ISS_DA_S1PTW : 0);
	else if (s1ptw)
		e->esr = trap_esr_dabt((write ? ISS_DA_WNR : 0) | ISS_DA_S1PTW,
				       f, level);
	else
		e->esr = trap_esr_dabt(iss, f, level);
	return true;
}

/*
 * Unicorn raised an EL1 instruction abort (its stage-1 walk refused the
 * fetch at va, the PC): the guest takes it with the syndrome s1walk finds,
 * or EL2 does for a stage-2 fault on the walk.
 */
static void prefetch_abort(struct cpu *c, uint64_t va)
{
	uint64_t pstate = rd_pstate(c);
	struct s1_result t =
	    s1_translate(c, va, S1_FETCH, exc_from_el0(pstate));
	struct vcpu_exit e;

	switch (t.fault) {
	case S1_OK:
		fatal(c, "an instruction abort stage 1 does not explain", va);
		break;
	case S1_FAULT_UNSUPPORTED:
		fatal(c, "a fetch through an unmodelled stage 1", va);
		break;
	case S1_FAULT_WALK:
		if (!stage2_exit(c, &e, va, t.ipa, true, false, true, 0)) {
			fatal(c, "a stage-1 table stage 2 maps as a device",
			      t.ipa);
			break;
		}
		exit_in_hook(c, &e, va, va);
		break;
	default:
		guest_sync(c, exc_esr_iabt(pstate, false, s1walk_fsc(&t)), true,
			   va, va, true);
		break;
	}
}

#if SIM_UC_BY_PA
/*
 * Unicorn 2.1 finds guest memory by the IPA the guest's stage 1 gives and
 * reports faults without the virtual address: mmu.c walks the access the
 * instruction makes (a64mem.c) to find where, and at which stage.
 */
static struct s1_result mmu_s1(void *ctx, uint64_t va, enum s1_access acc,
			       bool el0)
{
	return s1_translate(ctx, va, acc, el0);
}

static struct s2_result mmu_s2(void *ctx, uint64_t ipa)
{
	struct cpu *c = ctx;
	struct s2walk_cfg cfg = s2_cfg(c->v);

	return s2walk_translate(&cfg, ipa);
}

/* DC ZVA's block: 4 << DCZID_EL0.BS bytes. */
static unsigned zva_bytes(struct cpu *c)
{
	return 4u << (rd_cp(c, 3, 3, 0, 0, 7, NULL) & 0xf);
}

/*
 * The memory the instruction at pc accesses, from the registers as they
 * are at it (in a hook, or once stopped on it); *va is its first byte.
 * False when it is nothing a64mem decodes.
 */
static bool insn_access(struct cpu *c, uint64_t pc, struct a64mem *m,
			uint64_t *va)
{
	uint64_t base = 0, rm = 0;
	uint32_t insn;

	if (!read_insn(c, pc, &insn) || !a64mem_decode(insn, zva_bytes(c), m))
		return false;
	if (m->rn != 31)
		base = rd(c, gpr_id(m->rn));
	else if (m->addr != A64MEM_BLOCK)
		base = rd(c, UC_ARM64_REG_SP);
	if (m->reg_offset && m->rm != 31)
		rm = rd(c, gpr_id(m->rm));
	*va = a64mem_address(m, pc, base, rm);
	return true;
}

/* The access part of a stage-2 data abort's ISS for the insn at pc. */
static uint32_t data_iss(struct cpu *c, uint64_t pc, bool write)
{
	struct ldst d;
	uint32_t insn;

	if (read_insn(c, pc, &insn) && ldst_decode(insn, &d) &&
	    d.load == !write)
		return ldst_iss(&d);
	return write ? ISS_DA_WNR : 0;
}

/* A stage-2 fault exit, made once Unicorn has stopped on pc. */
static void pend_stage2(struct cpu *c, uint64_t pc, uint64_t va, uint64_t ipa,
			bool fetch, bool write, bool s1ptw)
{
	save_fault_state(c, pc);
	if (!stage2_exit(c, &c->fault, va, ipa, fetch, write, s1ptw,
			 fetch ? 0 : data_iss(c, pc, write))) {
		fatal(c, "a fault at an IPA stage 2 gives the access", ipa);
		return;
	}
	c->fault_pending = true;
	c->stopped = true;
	uc_emu_stop(c->uc);
}

/*
 * The unmapped-memory hook with the IPA of a stage-2 fault: a fetch's VA
 * is the PC Unicorn went to, a data access's is found in the access the
 * instruction makes.
 */
static void fault_at_ipa(struct cpu *c, bool fetch, bool write, uint64_t ipa)
{
	struct mmu_ops ops = {mmu_s1, mmu_s2, c};
	uint64_t pc = fetch ? rd(c, UC_ARM64_REG_PC) : c->last_pc, va = pc;
	bool el0 = exc_from_el0(rd_pstate(c));
	struct a64mem m;

	if (!fetch &&
	    (!insn_access(c, pc, &m, &va) ||
	     !mmu_va_of_ipa(&ops, va, m.len, write ? S1_WRITE : S1_READ,
			    el0 || m.unpriv, ipa, &va))) {
		fatal(
		    c,
		    "a stage-2 fault outside the access its instruction makes",
		    ipa);
		return;
	}
	pend_stage2(c, pc, va, ipa, fetch, write, false);
}

/*
 * Unicorn 2.1 raised an EL1 data abort at pc, the PC on the instruction:
 * an exclusive's alignment, a fault of the guest's stage 1 (the guest takes
 * it), or a walk reading a table at an IPA stage 2 refuses (EL2 does).
 */
static void phys_data_abort(struct cpu *c, uint64_t pc)
{
	struct mmu_ops ops = {mmu_s1, mmu_s2, c};
	uint64_t pstate = rd_pstate(c), va;
	struct mmu_fault f;
	struct a64mem m;

	if (!insn_access(c, pc, &m, &va)) {
		fatal(c, "a data abort of an instruction hvsim cannot decode",
		      pc);
		return;
	}
	if (m.align && (va & (m.len - 1)) != 0) {
		guest_sync(c,
			   exc_esr_dabt(pstate, m.write, m.cm, false,
					EXC_FSC_ALIGNMENT),
			   true, va, pc, true);
		return;
	}
	f = mmu_find_fault(&ops, va, m.len, m.write ? S1_WRITE : S1_READ,
			   exc_from_el0(pstate) || m.unpriv);
	switch (f.verdict) {
	case MMU_STAGE1:
		guest_sync(c,
			   exc_esr_dabt(pstate, m.write, m.cm, false,
					s1walk_fsc(&f.s1)),
			   true, f.va, pc, true);
		break;
	case MMU_STAGE2:
		pend_stage2(c, pc, f.va, f.ipa, false, m.write, f.s1ptw);
		break;
	case MMU_UNSUPPORTED:
		fatal(c, "an access through an unmodelled stage 1", f.va);
		break;
	case MMU_NO_FAULT:
	default:
		fatal(c, "a data abort stage 1 and stage 2 do not explain", va);
		break;
	}
}
#endif

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct cpu *c = ud;
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC};
	bool call = (intno == EXCP_HVC || intno == EXCP_SMC) && !c->el_switch;
	uint64_t pc;

	/* An SMCCC call's registers and PC in one read (exit_read). */
	if (call) {
		read_exit_regs(c, EXIT_GPRS_MIN, true);
		pc = c->exit_pc;
	} else {
		pc = rd(c, UC_ARM64_REG_PC);
	}
	if (c->el_switch) {
		/* The vector cannot be fetched: the caller sets the PC. */
		c->stopped = true;
		uc_emu_stop(uc);
		return;
	}
	switch (intno) {
	case EXCP_HVC:
		/* Unicorn's PC is past the HVC, as ELR_EL2 is. */
		e.esr = trap_esr_hvc(insn_imm16(c, pc - 4));
		exit_read(c, &e, pc, pc);
		break;
	case EXCP_SMC:
		/* HCR_EL2.TSC: ELR_EL2 is the SMC itself. */
		e.esr = trap_esr_smc(insn_imm16(c, pc - 4));
		exit_read(c, &e, pc - 4, pc);
		break;
	case EXCP_UDEF:
		guest_exception(c, exc_esr_undef(), pc);
		break;
	case EXCP_SWI:
		guest_exception(c, exc_esr_svc(insn_imm16(c, pc - 4)), pc);
		break;
	case EXCP_BKPT:
		guest_exception(c, exc_esr_brk(insn_imm16(c, pc)), pc);
		break;
	case EXCP_PREFETCH_ABORT:
		/* Raised before the block at PC is translated. */
		prefetch_abort(c, pc);
		break;
	case EXCP_DATA_ABORT:
#if SIM_UC_BY_PA
		phys_data_abort(c, pc);
#else
		/* Unicorn has put the PC back on the faulting instruction
		 * but keeps the address: found once stopped. */
		if (c->probe.on)
			c->probe.faulted = true;
		else
			c->dabt_raised = true;
		c->fault_pc = c->last_pc;
		c->stopped = true;
		uc_emu_stop(uc);
#endif
		break;
	default:
		fatal(c, "an exception of the CPU model", intno);
		break;
	}
}

#if !SIM_UC_BY_PA
static const char *const unreachable_ipa =
    "a guest virtual address whose stage 1 maps it to another guest-physical "
    "one (Unicorn 2.0.1 finds guest memory by virtual address)";

/*
 * Unicorn 2.0.1: an access to an address that is not guest memory as
 * Unicorn maps it (the leaves of stage 2, by address as the guest issued
 * it). The guest's stage 1 is walked first, as the MMU would: its faults
 * are the guest's own (an EL1 abort); what it translates is an IPA, and a
 * stage-2 fault on that (or on the walk) is an exit to the core.
 */
static void fault_at_va(struct cpu *c, bool fetch, bool write, uint64_t addr)
{
	uint64_t pstate = rd_pstate(c);
	uint64_t pc = fetch ? addr : c->last_pc;
	bool el0 = exc_from_el0(pstate);
	uint32_t iss = write ? ISS_DA_WNR : 0;
	struct s1_result t;
	struct ldst d;
	uint32_t insn;

	if (!fetch && read_insn(c, pc, &insn) && ldst_decode(insn, &d) &&
	    d.load == !write) {
		iss = ldst_iss(&d);
		el0 = el0 || d.unpriv; /* LDTR/STTR: checked as at EL0 */
	}
	t = s1_translate(c, addr,
			 fetch	 ? S1_FETCH
			 : write ? S1_WRITE
				 : S1_READ,
			 el0);
	switch (t.fault) {
	case S1_OK:
	case S1_FAULT_WALK:
		save_fault_state(c, pc);
		if (!stage2_exit(c, &c->fault, addr, t.ipa, fetch, write,
				 t.fault == S1_FAULT_WALK, iss)) {
			fatal(c,
			      t.fault == S1_FAULT_WALK
				  ? "a stage-1 table stage 2 maps as a device"
				  : unreachable_ipa,
			      addr);
			return;
		}
		c->fault_pending = true;
		break;
	case S1_FAULT_UNSUPPORTED:
		fatal(c, "an access through an unmodelled stage 1", addr);
		break;
	default:
		pend_entry(c,
			   fetch ? exc_esr_iabt(pstate, false, s1walk_fsc(&t))
				 : exc_esr_dabt(pstate, write, false, false,
						s1walk_fsc(&t)),
			   true, addr, pc);
		break;
	}
}
#endif

/*
 * An access Unicorn could not make: no guest memory at the address, or not
 * with that permission (2.0.1: by VA; 2.1: by IPA).
 */
static bool on_mem_fault(uc_engine *uc, uc_mem_type type, uint64_t addr,
			 int size, int64_t value, void *ud)
{
	struct cpu *c = ud;
	bool fetch = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
	bool write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;

	(void)uc;
	(void)size;
	(void)value;
	if (c->el_switch)
		return false; /* fetching the vector: the caller sets the PC */
	if (c->probe.on) {
		c->probe.faulted = true;
		return false;
	}
#if SIM_UC_BY_PA
	fault_at_ipa(c, fetch, write, addr);
#else
	fault_at_va(c, fetch, write, addr);
#endif
	/* Not handled: Unicorn stops before the next instruction. */
	return false;
}

/* The AArch32 model's side (struct a32_ops): its instructions count as the
 * AArch64 model's do, and what it cannot access is a stage-2 fault (EL1's
 * stage 1 is off while it runs, enter_a32). */
static bool a32_insn(void *ctx, uint64_t pc, bool irq_masked)
{
	struct cpu *c = ctx;

	c->last_pc = pc;
	if (!insn_gate(c, irq_masked))
		return false;
	eng.stats.insns++;
	return true;
}

static void a32_abort(void *ctx, uint64_t addr, bool fetch, uint32_t iss,
		      bool il)
{
	struct cpu *c = ctx;

	stage2_exit(c, &c->fault, addr, addr, fetch, (iss & ISS_DA_WNR) != 0,
		    false, iss);
	if (!il)
		c->fault.esr &= ~(uint64_t)ESR_IL;
	get_gprs(c, c->fault_regs);
	a32_get(&c->a32, c->fault_regs, &c->fault_pc, &c->fault_pstate);
	c->fault_pending = true;
}

/*
 * A data access while a watchpoint is armed. Unicorn calls this before
 * the access, but the instruction completes before it stops: what it
 * may change (general, SP and vector registers, the bytes accessed) is
 * saved here and put back, as if it had never run. An access that faults
 * at either stage takes that fault instead, as QEMU finds the translation
 * before it looks at the watchpoints.
 */
static void on_watch(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
		     int64_t value, void *ud)
{
	struct cpu *c = ud;
	uint64_t pstate = rd_pstate(c), far;
	bool write = type == UC_MEM_WRITE;
	unsigned el = el_of(pstate);
	unsigned len = size > 0 && size <= 16 ? (unsigned)size : 16;
	struct s2walk_cfg cfg;
	struct s2_result r;
	struct s1_result t;

	(void)value;
	if (c->entry.pending || c->probe.on || c->el_switch ||
	    !watch_check(&c->v->debug, el, (pstate & PSR_D) != 0, addr, len,
			 write, &far))
		return;
	t = s1_translate(c, addr, write ? S1_WRITE : S1_READ, el == 0);
	if (t.fault != S1_OK)
		return;
	cfg = s2_cfg(c->v);
	r = s2walk_translate(&cfg, t.ipa);
	if (!s2_permits(&r, false, write))
		return;
	pend_entry(c, trap_esr_watchpoint(el == 1, write), true, far,
		   c->last_pc);
	c->entry.sp = rd(c, UC_ARM64_REG_SP);
	for (unsigned i = 0; i < 32; i++)
		uc_reg_read(uc, UC_ARM64_REG_Q0 + (int)i, c->entry.q[i]);
	c->entry.mem_ipa = t.ipa;
	c->entry.mem_len = len;
	if (uc_mem_read(uc, t.ipa, c->entry.mem, len) != UC_ERR_OK)
		c->entry.mem_len = 0; /* not RAM: nothing to put back */
	c->entry.undo = true;
	c->stopped = true;
	uc_emu_stop(uc);
}

/*
 * After the vCPU's debug state changed: memory accesses are hooked only
 * while a watchpoint can fire, and code translated without the hook never
 * looks for one, so the blocks translated from guest code go too.
 */
static void watch_update(struct cpu *c)
{
	bool want = watch_armed(&c->v->debug);
	const char *what = watch_unmodelled(&c->v->debug);

	c->watch_dirty = false;
	if (what != NULL) {
		fatal(c, what, c->v->debug.mdscr);
		return;
	}
	if (want == c->watch_hooked)
		return;
	if (want)
		uc_hook_add(c->uc, &c->watch_hook,
			    UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
			    (void *)on_watch, c, 1, 0);
	else
		uc_hook_del(c->uc, c->watch_hook);
	c->watch_hooked = want;
	forget_code(c);
}

static void engine_debug_changed(void *ctx, struct hal_vcpu *v)
{
	struct cpu *c = cpu_of(v);

	(void)ctx;
	if (c == NULL)
		return;
	/* Hooks change between runs, not inside one. */
	c->watch_dirty = true;
	c->stopped = true;
	uc_emu_stop(c->uc);
}

/*
 * CNTV_TVAL_EL0 (op2 0), CNTV_CTL_EL0 (1), CNTV_CVAL_EL0 (2) against the
 * deterministic counter (Arm ARM D11.2.4): the value a read returns.
 */
static uint64_t cntv_access(struct cpu *c, unsigned op2, bool read, unsigned rt)
{
	uint64_t vcount = counter_now() - c->v->cntvoff;
	uint64_t val = rt < 31 ? rd(c, gpr_id(rt)) : 0;

	switch (op2) {
	case 0:
		if (read)
			return (
			    uint64_t)(int64_t)(int32_t)(uint32_t)(c->cntv_cval -
								  vcount);
		c->cntv_cval = vcount + (uint64_t)(int64_t)(int32_t)val;
		break;
	case 1:
		if (read)
			return c->cntv_ctl |
			       ((c->cntv_ctl & 1) && vcount >= c->cntv_cval
				    ? 4u
				    : 0u);
		c->cntv_ctl = (uint32_t)val & 3;
		break;
	default:
		if (read)
			return c->cntv_cval;
		c->cntv_cval = val;
		break;
	}
	raise_timers();
	return 0;
}

/*
 * A write to SCTLR_EL1 or TCR_EL1, which the CPU model executes: hvsim
 * keeps SCTLR (its M and A bits steer the fault paths and the alignment
 * check), and stops (not modelled) when the guest turns on a stage 1
 * s1walk cannot follow. False when stopped.
 */
static bool stage1_write(struct cpu *c, const struct sysreg_enc *r,
			 uint64_t val)
{
	bool sctlr = r->op0 == 3 && r->op1 == 0 && r->crn == 1 && r->crm == 0 &&
		     r->op2 == 0;
	bool tcr = r->op0 == 3 && r->op1 == 0 && r->crn == 2 && r->crm == 0 &&
		   r->op2 == 2;
	struct s1walk_regs regs = {.sctlr = c->sctlr};
	const char *why = NULL;

	if (!sctlr && !tcr)
		return true;
	if (sctlr)
		regs.sctlr = val;
	regs.tcr = tcr ? val : el1_get(c, EL1_TCR);
	if (!s1walk_supported(&regs, &why)) {
		fatal(c, why, val);
		return false;
	}
	c->sctlr = regs.sctlr;
	special(c);
	return true;
}

/* System register accesses, by direction. */
static uint32_t on_sys(struct cpu *c, int reg, const uc_arm64_cp_reg *cp,
		       bool read)
{
	struct sysreg_enc r = {cp->op0, cp->op1, cp->crn, cp->crm, cp->op2};
	unsigned rt = reg_number(reg);
	uint64_t pc = c->last_pc;
	uint64_t val;

	enum vcpuif_reg vr;

	if (!read && !stage1_write(c, &r, rt < 31 ? rd(c, gpr_id(rt)) : 0))
		return 1;
	if (hal_gic()->version == 3 &&
	    vcpuif_sysreg(r.op0, r.op1, r.crn, r.crm, r.op2, read, &vr)) {
		if (read) {
			val = vcpuif_read(&c->vif, vr);
			if (rt != 31)
				wr(c, gpr_id(rt), val);
		} else {
			vcpuif_write(&c->vif, vr,
				     rt < 31 ? rd(c, gpr_id(rt)) : 0);
		}
		update_gic(c);
		wr(c, UC_ARM64_REG_PC, pc + 4);
		if (phys_irq_pending()) {
			c->stopped = true;
			uc_emu_stop(c->uc);
		}
		return 1;
	}
	/* msr spsr_el1: may arm the ERET to AArch32 (note_spsr). */
	if (!read && r.op0 == 3 && r.op1 == 0 && r.crn == 4 && r.crm == 0 &&
	    r.op2 == 0)
		note_spsr(c, rt < 31 ? rd(c, gpr_id(rt)) : 0);
	switch (trap_sysreg(&r, read)) {
	case SYSREG_NATIVE:
		return 0;
	case SYSREG_TRAP: {
		struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
				      .esr = trap_esr_sysreg(&r, rt, read)};

		exit_in_hook(c, &e, pc, pc + 4);
		if (!c->reload)
			wr(c, UC_ARM64_REG_PC, pc + 4); /* skips the access */
		return 1;
	}
	case SYSREG_UNDEF:
		wr(c, UC_ARM64_REG_PC, pc);
		stop_for_entry(c, exc_esr_undef(), false, 0, pc);
		return 1;
	case SYSREG_CONST:
		if (!read) {
			wr(c, UC_ARM64_REG_PC, pc + 4);
			return 1;
		}
		val = trap_sysreg_const(&r);
		break;
	case SYSREG_MIDR:
		val = hal_cpu_caps()->midr;
		break;
	case SYSREG_MPIDR:
		val = c->v->vmpidr;
		break;
	case SYSREG_CNTFRQ:
		val = hal_counter_freq();
		break;
	case SYSREG_CNTPCT:
		val = counter_now();
		break;
	case SYSREG_CNTV:
		val = cntv_access(c, cp->op2, read, rt);
		if (!read) {
			wr(c, UC_ARM64_REG_PC, pc + 4);
			return 1;
		}
		break;
	case SYSREG_CNTVCT:
	default:
		val = counter_now() - c->v->cntvoff;
		break;
	}
	if (rt != 31)
		wr(c, gpr_id(rt), val);
	wr(c, UC_ARM64_REG_PC, pc + 4);
	return 1;
}

static uint32_t on_mrs(uc_engine *uc, uc_arm64_reg reg,
		       const uc_arm64_cp_reg *cp, void *ud)
{
	(void)uc;
	return on_sys(ud, reg, cp, true);
}

static uint32_t on_msr(uc_engine *uc, uc_arm64_reg reg,
		       const uc_arm64_cp_reg *cp, void *ud)
{
	(void)uc;
	return on_sys(ud, reg, cp, false);
}

static uint32_t on_sysl(uc_engine *uc, uc_arm64_reg reg,
			const uc_arm64_cp_reg *cp, void *ud)
{
	(void)uc;
	return on_sys(ud, reg, cp, true);
}

/* Creating CPUs. */

static bool cpu_open(struct cpu *c, char *err, size_t len)
{
	uc_hook h;
	uc_err ue;

	ue = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &c->uc);
	if (ue == UC_ERR_OK)
		ue = uc_ctl_set_cpu_model(c->uc, UC_CPU_ARM64_A57);
	if (ue == UC_ERR_OK) {
		uc_arm64_cp_reg scr = {.crn = 1,
				       .crm = 1,
				       .op0 = 3,
				       .op1 = 6,
				       .op2 = 0,
				       .val = SCR_EL3_NS_HCE_RW};

		ue = uc_reg_write(c->uc, UC_ARM64_REG_CP_REG, &scr);
	}
	if (ue == UC_ERR_OK) {
		uc_arm64_cp_reg hcr = {.crn = 1,
				       .crm = 1,
				       .op0 = 3,
				       .op1 = 4,
				       .op2 = 0,
				       .val = HCR_EL2_RW};

		ue = uc_reg_write(c->uc, UC_ARM64_REG_CP_REG, &hcr);
	}
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_CODE, (void *)on_code, c, 1,
				 0);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_BLOCK, (void *)on_block, c,
				 1, 0);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_INTR, (void *)on_intr, c, 1,
				 0);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h,
				 UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
				 (void *)on_mem_fault, c, 1, 0);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_INSN, (void *)on_mrs, c, 1,
				 0, UC_ARM64_INS_MRS);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_INSN, (void *)on_msr, c, 1,
				 0, UC_ARM64_INS_MSR);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_INSN, (void *)on_msr, c, 1,
				 0, UC_ARM64_INS_SYS);
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_INSN, (void *)on_sysl, c, 1,
				 0, UC_ARM64_INS_SYSL);
	if (ue != UC_ERR_OK) {
		snprintf(err, len, "cannot set up a Unicorn AArch64 CPU: %s",
			 uc_strerror(ue));
		if (c->uc != NULL)
			uc_close(c->uc);
		c->uc = NULL;
		return false;
	}
	return true;
}

static bool keep_engine(struct cpu *c, char *err, size_t len)
{
	uc_context *fresh = NULL;
	uc_err ue = uc_context_alloc(c->uc, &fresh);

	if (ue == UC_ERR_OK)
		ue = uc_context_save(c->uc, fresh);
	if (ue != UC_ERR_OK) {
		snprintf(err, len, "cannot save a Unicorn CPU's state: %s",
			 uc_strerror(ue));
		if (fresh != NULL)
			uc_context_free(fresh);
		return false;
	}
	*slot_of(c) = (struct engine_slot){
	    .uc = c->uc, .fresh = fresh, .code_lo = UINT64_MAX};
	return true;
}

/*
 * The CPU state (registers, system registers, the exclusive monitor,
 * Unicorn's cached EL) comes back from the saved context; what lives
 * outside it is dropped by hand: the TLB, a virtual IRQ line rebuild_el1
 * may have left (rewriting HCR_EL2 recomputes it), and the blocks
 * translated from guest code whose bytes the next run changed. Those are
 * found by the first mem_sync: if the next run's stage 2 maps memory as
 * the last did, by comparing its pages (the host memory is still the
 * same); else all of them go with the mapping.
 */
static void reset_engine(struct cpu *c)
{
	uc_context_restore(c->uc, slot_of(c)->fresh);
	wr_cp(c, 3, 4, 1, 1, 0, HCR_EL2_RW);
	tlb_flush_all(c);
	/* The first mem_sync compares, when the memory is known the same. */
	slot_of(c)->recheck_code = true;
}

static struct cpu *cpu_get(struct hal_vcpu *v)
{
	struct cpu *c = cpu_of(v);
	char err[128];

	if (c != NULL)
		return c;
	if (eng.cpu_count == MAX_CPUS) {
		fprintf(stderr, "hvsim: more than %u vCPUs\n", MAX_CPUS);
		hal_system_off(SIM_STATUS_ENGINE);
	}
	c = &eng.cpus[eng.cpu_count];
	memset(c, 0, sizeof(*c));
	c->v = v;
	c->index = eng.cpu_count;
	c->vif = (struct vcpuif){
	    .g = &v->vgic,
	    .lr_count = hal_gic()->lr_count,
	    .version = hal_gic()->version,
	    .deactivate_phys = deactivate_phys,
	};
	for (unsigned k = 0; k < 2; k++) {
		unsigned n = k ? EXIT_GPRS : EXIT_GPRS_MIN;

		for (unsigned i = 0; i < n; i++)
			c->exit_ptrs[k][i] = &v->regs.x[i];
		c->exit_ptrs[k][n] = &c->exit_pstate;
		c->exit_ptrs[k][n + 1] = &c->exit_pc;
	}
	if (slot_of(c)->uc != NULL) {
		c->uc = slot_of(c)->uc;
		reset_engine(c);
	} else if (!cpu_open(c, err, sizeof(err)) ||
		   !keep_engine(c, err, sizeof(err))) {
		fprintf(stderr, "hvsim: %s\n", err);
		hal_system_off(SIM_STATUS_ENGINE);
	}
	eng.cpu_count++;
	return c;
}

/* Running. */

/* Physical interrupts pending: IRQ exits until none is left. */
static void deliver_irqs(struct cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;
	struct vcpu_exit e = {.kind = VCPU_EXIT_IRQ};

	raise_timers();
	while (!c->v->yield && phys_irq_pending()) {
		get_state(c, r);
		deliver(c, &e);
		put_state(c);
		raise_timers();
	}
}

static void deliver_fault(struct cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;

	c->fault_pending = false;
	memcpy(r->x, c->fault_regs, sizeof(r->x));
	r->pstate = c->fault_pstate;
	r->pc = c->fault_pc;
	deliver(c, &c->fault);
	put_state(c);
}

/*
 * The guest takes the exception a hook found, from the state it saved: a
 * later access of the same instruction that faulted (at either stage)
 * never happened either.
 */
static void deliver_entry(struct cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;

	c->entry.pending = false;
	c->fault_pending = false;
	c->dabt_raised = false;
	memcpy(r->x, c->entry.x, sizeof(r->x));
	r->pstate = c->entry.pstate;
	r->pc = c->entry.elr;
	put_state(c);
	if (c->entry.undo) {
		c->entry.undo = false;
		wr(c, UC_ARM64_REG_SP, c->entry.sp);
		for (unsigned i = 0; i < 32; i++)
			uc_reg_write(c->uc, UC_ARM64_REG_Q0 + (int)i,
				     c->entry.q[i]);
		if (c->entry.mem_len != 0)
			uc_mem_write(c->uc, c->entry.mem_ipa, c->entry.mem,
				     c->entry.mem_len);
	}
	guest_sync(c, c->entry.esr, c->entry.has_far, c->entry.far,
		   c->entry.elr, false);
}

static void on_probe_access(uc_engine *uc, uc_mem_type type, uint64_t addr,
			    int size, int64_t value, void *ud)
{
	struct cpu *c = ud;

	(void)uc;
	(void)value;
	if (c->probe.count < PROBE_MAX)
		c->probe.acc[c->probe.count++] = (struct probe_access){
		    addr, (unsigned)size, type == UC_MEM_WRITE};
}

/*
 * Runs the instruction at pc once more with every memory access recorded
 * (a load that crosses a page is recorded whole and as its two halves).
 * Unicorn calls memory hooks before it translates an address, so the
 * access that faults is among them. Nothing of the instruction has taken
 * effect when it faults (stores of a pair excepted, which repeat the same
 * bytes), so running it again is safe.
 */
static void probe(struct cpu *c, uint64_t pc)
{
	uc_hook h;

	c->probe = (struct probe){.on = true};
	special(c);
	if (uc_hook_add(c->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
			(void *)on_probe_access, c, 1, 0) == UC_ERR_OK) {
		c->stopped = false;
		uc_emu_start(c->uc, pc, ~0ull, 0, 0);
		uc_hook_del(c->uc, h);
	}
	c->probe.on = false;
	special(c);
	c->stopped = false;
}

/* The stage-1 fault of one recorded access, or of its second page. */
static struct s1_result access_fault(struct cpu *c,
				     const struct probe_access *a, bool el0,
				     uint64_t *far)
{
	enum s1_access kind = a->write ? S1_WRITE : S1_READ;
	struct s1_result t = s1_translate(c, a->va, kind, el0);
	uint64_t last = a->va + (a->size != 0 ? a->size - 1 : 0);

	*far = a->va;
	/* A page-crossing access faulting on its second page reports that
	 * page's first byte, as QEMU does. */
	if (t.fault == S1_OK && (last >> 12) != (a->va >> 12)) {
		*far = last & ~0xfffull;
		t = s1_translate(c, *far, kind, el0);
	}
	return t;
}

/*
 * Unicorn raised an EL1 data abort at fault_pc (its stage-1 walk refused
 * an access, or an exclusive was misaligned) without saying where: the
 * probe finds the access, s1walk the fault. None faulting at stage 1 means
 * the alignment fault. A stage-2 fault on the walk goes to EL2.
 */
static void deliver_raised_dabt(struct cpu *c)
{
	uint64_t pc = c->fault_pc;
	uint64_t pstate = rd_pstate(c);
	bool el0 = exc_from_el0(pstate);
	struct s1_result t = {.fault = S1_OK};
	const struct probe_access *a = NULL;
	struct vcpu_exit e;
	uint64_t far = 0;
	struct ldst d;
	uint32_t insn;

	c->dabt_raised = false;
	if (read_insn(c, pc, &insn) && ldst_decode(insn, &d) && d.unpriv)
		el0 = true;
	probe(c, pc);
	if (!c->probe.faulted || c->probe.count == 0) {
		fatal(c, "a data abort the CPU model did not raise again", pc);
		return;
	}
	for (unsigned i = 0; i < c->probe.count && t.fault == S1_OK; i++) {
		a = &c->probe.acc[i];
		t = access_fault(c, a, el0, &far);
	}
	switch (t.fault) {
	case S1_OK:
		a = &c->probe.acc[0];
		guest_sync(c,
			   exc_esr_dabt(pstate, a->write, false, false,
					EXC_FSC_ALIGNMENT),
			   true, a->va, pc, false);
		break;
	case S1_FAULT_WALK:
		if (!stage2_exit(c, &e, far, t.ipa, false, a->write, true, 0)) {
			fatal(c, "a stage-1 table stage 2 maps as a device",
			      t.ipa);
			return;
		}
		save_fault_state(c, pc);
		c->fault = e;
		deliver_fault(c);
		break;
	case S1_FAULT_UNSUPPORTED:
		fatal(c, "an access through an unmodelled stage 1", far);
		break;
	default:
		guest_sync(c,
			   exc_esr_dabt(pstate, a->write, false, false,
					s1walk_fsc(&t)),
			   true, far, pc, false);
		break;
	}
}

/* Unicorn stopped by itself: after a WFI or WFE, PC past it. */
static void deliver_wfx(struct cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;
	uint64_t pc = rd(c, UC_ARM64_REG_PC);
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC};
	uint32_t insn = 0;

	if (!read_insn(c, c->last_pc, &insn) ||
	    (insn & INSN_WFX_MASK) != INSN_WFX || pc != c->last_pc + 4) {
		fatal(c, "the CPU model stopped", pc);
		return;
	}
	e.esr = trap_esr_wfx((insn & INSN_WFE_BIT) == 0);
	get_gprs(c, r->x);
	r->pstate = rd_pstate(c);
	r->pc = c->last_pc;
	deliver(c, &e);
	put_state(c);
}

/* Stopped before an instruction with PSTATE.IL set (on_block). */
static void take_illegal(struct cpu *c)
{
	c->illegal = false;
	guest_sync(c, exc_esr_illegal_state(), false, 0, rd(c, UC_ARM64_REG_PC),
		   false);
}

/*
 * The guest's ERET to AArch32 User mode, done here because the AArch32
 * model runs EL0 (aarch32.h): R0-R14 = X0-X14, CPSR = SPSR_EL1, PC =
 * ELR_EL1, TPIDRURW/URO = TPIDR(RO)_EL0[31:0]. With SPSR_EL1.IL set the
 * return is legal, and the first instruction at EL0 takes an Illegal
 * Execution state exception instead of running (Arm ARM D1.4.4): that
 * needs no AArch32 model.
 */
static void enter_a32(struct cpu *c)
{
	static const struct a32_ops ops = {a32_insn, a32_abort};
	struct vcpu_regs *r = &c->v->regs;
	uint64_t sctlr = el1_get(c, EL1_SCTLR);
	uint64_t spsr = el1_get(c, EL1_SPSR);
	char err[128];

	eng.stats.insns++; /* the ERET */
	if (spsr & PSR_IL) {
		uint64_t pc = el1_get(c, EL1_ELR) & 0xffffffffull &
			      ((spsr & PSR_AA32_T) ? ~1ull : ~3ull);
		struct exc_entry e = take_entry(
		    c, pc, spsr, EXC_SYNC, exc_esr_illegal_state(), false, 0);

		put_pstate(c, e.pstate);
		write_entry(c, &e);
		wr(c, UC_ARM64_REG_PC, e.pc);
		return;
	}
	if (sctlr & (SCTLR_EL1_M | SCTLR_EL1_E0E)) {
		fatal(c,
		      "AArch32 EL0 with the EL1 MMU on or big-endian "
		      "(SCTLR_EL1)",
		      sctlr);
		return;
	}
	if (c->a32.uc == NULL) {
		if (!a32_open(&c->a32, &ops, c, err, sizeof(err))) {
			fprintf(stderr, "hvsim: %s\n", err);
			c->fatal = true;
			return;
		}
		c->a32_mapped = false;
		c->mem_stale = true;
	}
	get_gprs(c, r->x);
	r->pc = el1_get(c, EL1_ELR) & 0xffffffffull;
	r->pstate = spsr;
	a32_put_tpidr(&c->a32, el1_get(c, EL1_TPIDR_EL0),
		      el1_get(c, EL1_TPIDRRO_EL0));
	/* EL1 may have written the code EL0 is about to run. */
	a32_flush(&c->a32);
	put_state(c);
}

/*
 * A WFI or WFE at AArch32 EL0: SCTLR_EL1.nTWI (nTWE) clear traps it to
 * EL1 before HCR_EL2.TWI (TWE) is looked at; otherwise the trap that
 * hal/aarch64 sets takes it to EL2.
 */
static void a32_wfx(struct cpu *c)
{
	struct vcpu_regs *r = &c->v->regs;
	uint64_t esr = c->a32.wfx_esr;
	bool wfe = (esr_iss(esr) & ISS_WFX_TI_MASK) == ISS_WFX_TI_WFE;
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC, .esr = esr};

	get_state(c, r);
	if (!(el1_get(c, EL1_SCTLR) &
	      (wfe ? SCTLR_EL1_NTWE : SCTLR_EL1_NTWI))) {
		a32_to_el1(c,
			   &(struct a32_exception){
			       .esr = esr, .elr = r->pc, .spsr = r->pstate},
			   EXC_SYNC);
		return;
	}
	deliver(c, &e);
	put_state(c);
}

/* What stopped the AArch32 model, once the hooks' own flags are handled. */
static void a32_stopped(struct cpu *c, enum a32_stop stop)
{
	switch (stop) {
	case A32_STOP_HOOK:
		break;
	case A32_STOP_EL1:
		a32_to_el1(c, &c->a32.exc, EXC_SYNC);
		break;
	case A32_STOP_WFX:
		a32_wfx(c);
		break;
	case A32_STOP_FATAL:
		c->last_pc = c->a32.cur_pc;
		fatal(c, c->a32.why, c->a32.why_detail);
		break;
	}
}

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void run_vcpu(struct cpu *c);

static void account_time(void)
{
	eng.stats.run_seconds += seconds() - eng.slice_start;
	eng.slice_start = seconds();
}

/* Ends the whole run: the machine stops with status. */
static _Noreturn void stop_machine(int status)
{
	account_time();
	hal_system_off(status);
}

static void engine_run_loop(void *ctx, struct hal_vcpu *v,
			    const struct hal_exit_table *on_exit)
{
	struct cpu *c = cpu_get(v);

	(void)ctx;
	c->on_exit = on_exit;
	eng.last = c;
	plan_events();
	eng.slice_start = seconds();
	run_vcpu(c);
	account_time();
}

static _Noreturn void limit_stop(struct cpu *c)
{
	if (eng.opt.max_exits != 0 && eng.stats.exits >= eng.opt.max_exits)
		fprintf(stderr,
			"hvsim: stopped: %" PRIu64
			" exits reached the limit (cpu%u, pc %#" PRIx64 ")\n",
			eng.stats.exits, c->index, c->last_pc);
	else
		fprintf(stderr,
			"hvsim: stopped: %" PRIu64
			" guest instructions and %" PRIu64
			" exits reached --max-insns %" PRIu64
			" (cpu%u, pc %#" PRIx64 ")\n",
			eng.stats.insns, eng.stats.exits, eng.opt.max_insns,
			c->index, c->last_pc);
	stop_machine(SIM_STATUS_LIMIT);
}

static void run_vcpu(struct cpu *c)
{
	struct hal_vcpu *v = c->v;

	if (v->loaded_on < 0)
		load(c);
	put_state(c);
	while (!v->yield) {
		enum a32_stop a32_stop = A32_STOP_HOOK;
		uc_err ue = UC_ERR_OK;
		uint64_t pc;

		if (eng.limit_reached)
			limit_stop(c);
		if (c->mem_stale)
			mem_sync(c);
		if (c->watch_dirty)
			watch_update(c);
		if (c->fatal)
			stop_machine(SIM_STATUS_ENGINE);
		deliver_irqs(c);
		if (v->yield)
			break;
		c->stopped = false;
		c->reload = false;
		c->event = false;
		c->take_irq = false;
		c->illegal = false;
		c->eret_a32 = false;
		update_gic(c);
		if (c->in_a32) {
			a32_stop = a32_run(&c->a32);
		} else {
			pc = rd(c, UC_ARM64_REG_PC);
			/* Its block may be translated and not run, if Unicorn
			 * is asked to stop before: forget_code must know it
			 * all the same. */
			code_ran(c, pc, 4);
			ue = uc_emu_start(c->uc, pc, ~0ull, 0, 0);
		}
		if (eng.limit_reached)
			limit_stop(c);
		if (c->fatal)
			stop_machine(SIM_STATUS_ENGINE);
		if (c->reload)
			put_state(c);
		else if (c->entry.pending)
			deliver_entry(c);
		else if (c->take_irq)
			take_irq(c);
		else if (c->illegal)
			take_illegal(c);
		else if (c->event)
			raise_timers();
		else if (c->fault_pending)
			deliver_fault(c);
		else if (c->dabt_raised)
			deliver_raised_dabt(c);
		else if (c->eret_a32)
			enter_a32(c);
		else if (c->in_a32)
			a32_stopped(c, a32_stop);
		else if (!c->stopped && ue == UC_ERR_OK)
			deliver_wfx(c);
		else if (!c->stopped)
			fatal(c, uc_strerror(ue), ue);
		if (c->fatal)
			stop_machine(SIM_STATUS_ENGINE);
	}
	if (eng.limit_reached)
		limit_stop(c);
	/* Leave the core's copy of the registers current. */
	get_state(c, &v->regs);
}

/*
 * Every vCPU waits: time jumps to the next deadline (the hypervisor's timer
 * or the loaded vCPU's virtual timer) and its interrupt is raised. With
 * no deadline at all nothing can ever run again: the run ends.
 */
static void engine_idle(void *ctx)
{
	uint64_t next = UINT64_MAX, d;

	(void)ctx;
	if (phys_irq_pending())
		return;
	if (eng.last != NULL && vtimer_deadline(eng.last, &d) &&
	    !hal_sim_irq_active(GIC_PPI_VTIMER))
		next = d;
	if (hal_sim_timer(&d) && d < next)
		next = d;
	if (sim_pl031_deadline(&d) && d < next)
		next = d;
	if (next == UINT64_MAX) {
		fprintf(stderr, "hvsim: stopped: every vCPU waits for an "
				"interrupt and none can come\n");
		stop_machine(SIM_STATUS_LIMIT);
	}
	if (next > counter_now())
		eng.stats.idle_ticks += next - counter_now();
	raise_timers();
}

static uint64_t engine_counter(void *ctx)
{
	(void)ctx;
	return counter_now();
}

static bool engine_translate_va(void *ctx, struct hal_vcpu *v, uint64_t va,
				ipaddr_t *ipa)
{
	struct cpu *c = cpu_of(v);
	struct s1_result t;

	(void)ctx;
	if (c == NULL)
		return false;
	t = s1_translate(c, va, S1_READ, false);
	if (t.fault != S1_OK)
		return false;
	*ipa = ipa_init(t.ipa);
	return true;
}

/* The CPU model's identity and ID registers, for hal_sim. */
static void read_caps(struct cpu *c, struct hal_cpu_caps *caps,
		      uint64_t id_regs[8][8])
{
	static const unsigned pa_bits[] = {32, 36, 40, 42, 44, 48, 52};
	uint64_t mmfr0;
	unsigned parange;

	for (unsigned crm = 1; crm <= 7; crm++) {
		for (unsigned op2 = 0; op2 <= 7; op2++)
			id_regs[crm][op2] = rd_cp(c, 3, 0, 0, crm, op2, NULL);
	}
	caps->midr = rd_cp(c, 3, 0, 0, 0, 0, NULL);
	mmfr0 = rd_cp(c, 3, 0, 0, 7, 0, NULL);
	parange = (unsigned)(mmfr0 & 0xf);
	caps->pa_bits = parange < 7 ? pa_bits[parange] : 48;
	/* As hal/aarch64 does: at most 39 bits, one level-1 root table. */
	caps->ipa_bits = caps->pa_bits < 39 ? caps->pa_bits : 39;
	caps->s2_start_level = 1;
	caps->pan = false;
	caps->ssbs = false;
}

bool sim_engine_init(const struct sim_options *opt, char *err, size_t len)
{
	struct hal_sim_engine e = {
	    .run_loop = engine_run_loop,
	    .el1_read = engine_el1_read,
	    .el1_write = engine_el1_write,
	    .s2_changed = engine_s2_changed,
	    .translate_va = engine_translate_va,
	    .debug_changed = engine_debug_changed,
	    .idle = engine_idle,
	    .counter = engine_counter,
	    .full_regs = engine_full_regs,
	};
	static struct hal_cpu_caps caps;
	static uint64_t id_regs[8][8];
	static bool probed;
	struct cpu probe = {0};

	sim_engine_fini();
	eng.opt = *opt;
	if (eng.opt.insns_per_tick == 0)
		eng.opt.insns_per_tick = 1;
	eng.limit = opt->max_insns != 0 ? opt->max_insns : UINT64_MAX;
	for (unsigned i = 0; i < GPR_COUNT; i++)
		eng.gpr_ids[i] = gpr_id(i);
	for (unsigned k = 0; k < 2; k++) {
		unsigned n = k ? EXIT_GPRS : EXIT_GPRS_MIN;

		for (unsigned i = 0; i < n; i++)
			eng.exit_ids[k][i] = gpr_id(i);
		eng.exit_ids[k][n] = UC_ARM64_REG_PSTATE;
		eng.exit_ids[k][n + 1] = UC_ARM64_REG_PC;
	}
	/* The CPU model does not change: ask it once per process. */
	if (!probed) {
		if (!cpu_open(&probe, err, len))
			return false;
		read_caps(&probe, &caps, id_regs);
		uc_close(probe.uc);
		probed = true;
	}
	*hal_sim_caps() = caps;
	for (unsigned crm = 1; crm <= 7; crm++) {
		for (unsigned op2 = 0; op2 <= 7; op2++)
			hal_sim_set_id_reg(crm, op2, id_regs[crm][op2]);
	}
	hal_sim_set_engine(&e);
	sim_pl031_reset(0);
	return true;
}

/*
 * What a kept CPU must not carry into the next run besides its state
 * (reset_engine): the watchpoint hook, with the blocks translated to call
 * it, and the AArch32 model, which is opened again if a guest needs it.
 */
static void cpu_end(struct cpu *c, bool keep)
{
	if (c->watch_hooked) {
		uc_hook_del(c->uc, c->watch_hook);
		c->watch_hooked = false;
		forget_code(c);
	}
	if (keep)
		keep_code_bytes(c);
	a32_close(&c->a32);
}

void sim_engine_fini(void)
{
	for (unsigned i = 0; i < eng.cpu_count; i++)
		cpu_end(&eng.cpus[i], true);
	memset(&eng, 0, sizeof(eng));
}

void sim_engine_release(void)
{
	for (unsigned i = 0; i < eng.cpu_count; i++)
		cpu_end(&eng.cpus[i], false);
	memset(&eng, 0, sizeof(eng));
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (engines[i].uc == NULL)
			continue;
		uc_context_free(engines[i].fresh);
		uc_close(engines[i].uc);
		free(engines[i].copy);
		engines[i] = (struct engine_slot){0};
	}
}

const struct sim_stats *sim_engine_stats(void)
{
	return &eng.stats;
}
