/* engine: see engine.h. With aarch32.c, the only file that knows Unicorn. */
#include "engine.h"

#include "aarch32.h"
#include "hal_sim.h"
#include "s2walk.h"
#include "trap.h"
#include "vcpuif.h"
#include "watch.h"

#include "hv/arch.h"
#include "hv/config.h"
#include "hv/inject.h"
#include "hv/insn.h"

#include <hal/counter.h>
#include <hal/mm.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define MAX_CPUS (HV_MAX_VMS * HV_MAX_VCPUS)

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

#define GPR_COUNT 31

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
	bool take_irq;	   /* stopped to take that IRQ */
	uint32_t cntv_ctl; /* the virtual timer: ENABLE, IMASK as written */
	uint64_t cntv_cval;
	bool event;	    /* stopped at eng.next_event: a timer deadline */
	struct a32_cpu a32; /* its AArch32 EL0 (aarch32.h), once used */
	bool in_a32;	    /* running AArch32 EL0 on a32 */
	bool spsr_a32;	    /* SPSR_EL1 says AArch32 User mode */
	bool eret_a32;	    /* stopped before an ERET to AArch32 EL0 */
	/*
	 * A synchronous exception the guest takes at EL1, found in a hook
	 * (an UNDEF of the trap model, a watchpoint): taken once Unicorn has
	 * stopped, with what the instruction changed put back first.
	 */
	struct {
		bool on, with_far;
		uint64_t esr, far, elr;
		bool undo; /* registers and memory below are from before it */
		uint64_t x[GPR_COUNT], sp;
		uint8_t q[32][16];
		uint64_t mem_addr;
		unsigned mem_len;
		uint8_t mem[16];
	} exc;
	uc_hook watch_hook; /* memory accesses, while a watchpoint is armed */
	bool watch_hooked;
	bool watch_dirty; /* v->debug changed: look again before running */
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
	double slice_start;
	int gpr_ids[GPR_COUNT + 2]; /* x0-x30, PC, PSTATE */
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

/* Unicorn's PSTATE write neither switches SP nor re-derives the EL. */
static void put_pstate(struct cpu *c, uint64_t pstate)
{
	uint64_t old = rd_pstate(c);
	uint32_t p32 = (uint32_t)pstate;

	if (old == pstate)
		return;
	if (sp_of(old) != sp_of(pstate)) {
		wr(c, sp_of(old), rd(c, UC_ARM64_REG_SP));
		wr(c, UC_ARM64_REG_SP, rd(c, sp_of(pstate)));
	}
	uc_reg_write(c->uc, UC_ARM64_REG_PSTATE, &p32);
	if ((old & PSR_MODE_MASK) != (pstate & PSR_MODE_MASK)) {
		/* A CP register write makes Unicorn rebuild its hflags. */
		wr_cp(c, 3, 0, 13, 0, 4, rd(c, UC_ARM64_REG_TPIDR_EL1));
	}
}

/*
 * An ERET with this SPSR_EL1 goes to AArch32 User mode, which the AArch32
 * model runs (aarch32.h): while SPSR_EL1 says so, the code hook looks for
 * the ERET. SPSR_EL1 changes only by MSR, exception entry and the core.
 */
static void note_spsr(struct cpu *c, uint64_t spsr)
{
	c->spsr_a32 = (spsr & (PSR_MODE_MASK | PSR_IL)) == PSR_AA32_USR;
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

struct map_run {
	struct cpu *c;
	uint64_t ipa, size;
	uint8_t *host;
	unsigned perms;
};

static void map_flush(struct map_run *m)
{
	uint32_t prot = ((m->perms & S2_PERM_R) ? UC_PROT_READ : 0) |
			((m->perms & S2_PERM_W) ? UC_PROT_WRITE : 0) |
			((m->perms & S2_PERM_X) ? UC_PROT_EXEC : 0);
	uc_err err;

	if (m->size == 0)
		return;
	err = uc_mem_map_ptr(m->c->uc, m->ipa, m->size, prot, m->host);
	if (err != UC_ERR_OK)
		fprintf(stderr,
			"hvsim: cannot map ipa %#" PRIx64 "+%#" PRIx64 ": %s\n",
			m->ipa, m->size, uc_strerror(err));
	if (m->c->a32.uc != NULL)
		a32_map(&m->c->a32, m->ipa, m->size, prot, m->host);
	m->size = 0;
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

/* The GICv2 virtual CPU interface frame, where stage 2 maps it. */
static bool map_gicv(struct map_run *m, const struct s2_result *leaf)
{
	const struct hal_gic *gic = hal_gic();
	uint64_t gicv = pa_addr(gic->gicv);

	if (gic->version != 2 || leaf->pa < gicv ||
	    leaf->pa - gicv >= VCPUIF_GICV_SIZE)
		return false;
	map_flush(m);
	if (leaf->pa == gicv)
		uc_mmio_map(m->c->uc, leaf->base_ipa, VCPUIF_GICV_SIZE,
			    gicv_read, m->c, gicv_write, m->c);
	if (leaf->pa == gicv && m->c->a32.uc != NULL)
		a32_map_mmio(&m->c->a32, leaf->base_ipa, VCPUIF_GICV_SIZE,
			     gicv_read, gicv_write, m->c);
	return true;
}

static bool map_leaf(void *arg, const struct s2_result *leaf)
{
	struct map_run *m = arg;
	uint8_t *host = hal_pa_to_ptr(pa_init(leaf->pa), leaf->size);

	if (host == NULL && map_gicv(m, leaf))
		return true;
	if (host == NULL) {
		fprintf(stderr,
			"hvsim: stage 2 maps ipa %#" PRIx64 " to pa %#" PRIx64
			", outside the machine's memory: left unmapped\n",
			leaf->base_ipa, leaf->pa);
		return true;
	}
	if (m->size != 0 && m->ipa + m->size == leaf->base_ipa &&
	    m->host + m->size == host && m->perms == leaf->perms) {
		m->size += leaf->size;
		return true;
	}
	map_flush(m);
	*m = (struct map_run){m->c, leaf->base_ipa, leaf->size, host,
			      leaf->perms};
	return true;
}

static void mem_sync(struct cpu *c)
{
	struct s2walk_cfg cfg = s2_cfg(c->v);
	struct map_run run = {.c = c};
	uc_mem_region *regions;
	uint32_t count;

	if (uc_mem_regions(c->uc, &regions, &count) == UC_ERR_OK) {
		for (uint32_t i = 0; i < count; i++)
			uc_mem_unmap(c->uc, regions[i].begin,
				     regions[i].end - regions[i].begin + 1);
		uc_free(regions);
	}
	if (c->a32.uc != NULL)
		a32_unmap_all(&c->a32);
	s2walk_each(&cfg, map_leaf, &run);
	map_flush(&run);
	c->mem_stale = false;
}

static void engine_s2_changed(void *ctx, int vmid)
{
	(void)ctx;
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
	plan_events();
}

/*
 * After anything that may change what the virtual CPU interface asserts:
 * the virtual IRQ (taken by the per-instruction hook once PSTATE.I is
 * clear) and the maintenance interrupt (a physical PPI 25 to EL2).
 */
static void update_gic(struct cpu *c)
{
	if (hal_gic()->version == 0)
		return;
	c->virq = vcpuif_virq(&c->vif);
	if (vcpuif_maintenance(&c->vif)) {
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
	hal_sim_exit(c->v, e, c->on_exit);
	update_gic(c);
	/* Exits count towards the limit too: a guest that faults forever
	 * without retiring an instruction must stop as well. */
	if (eng.stats.insns + eng.stats.exits > eng.limit) {
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
static void exit_in_hook(struct cpu *c, const struct vcpu_exit *e, uint64_t elr,
			 uint64_t natural_pc)
{
	struct vcpu_regs *r = &c->v->regs;
	uint64_t before[GPR_COUNT];
	uint64_t pstate;

	get_gprs(c, r->x);
	memcpy(before, r->x, sizeof(before));
	pstate = rd_pstate(c);
	r->pstate = pstate;
	r->pc = elr;
	deliver(c, e);
	if (r->pc != natural_pc || r->pstate != pstate) {
		/*
		 * A PC written from a hook does not always survive the rest of
		 * the translation block: stop, and load the whole state once
		 * Unicorn has returned.
		 */
		c->reload = true;
	} else {
		for (unsigned i = 0; i < GPR_COUNT; i++) {
			if (r->x[i] != before[i])
				wr(c, gpr_id(i), r->x[i]);
		}
	}
	if (c->reload || c->v->yield || c->mem_stale) {
		c->stopped = true;
		uc_emu_stop(c->uc);
	}
}

/* An exception the guest takes at EL1 by itself, as the CPU would. */
static void guest_exception(struct cpu *c, uint64_t esr, uint64_t elr)
{
	uint64_t old = rd_pstate(c);
	uint64_t vbar = rd(c, UC_ARM64_REG_VBAR_EL1);

	eng.stats.guest_exceptions++;
	wr(c, UC_ARM64_REG_ELR_EL1, elr);
	wr_cp(c, 3, 0, 4, 0, 0, old);
	note_spsr(c, old);
	wr(c, UC_ARM64_REG_ESR_EL1, esr);
	put_pstate(c, (old & PSR_NZCV) | PSR_DAIF | PSR_MODE_EL1H);
	wr(c, UC_ARM64_REG_PC, vbar + inject_vector_offset(old));
}

/*
 * An exception from AArch32 EL0 to EL1, as the CPU takes it: ELR_EL1,
 * SPSR_EL1 (the CPSR) and, for a synchronous one, ESR_EL1 from x; EL1h with
 * D, A, I, F masked at VBAR_EL1 + vector; X0-X14 from R0-R14.
 */
static void a32_to_el1(struct cpu *c, const struct a32_exception *x,
		       unsigned vector)
{
	struct vcpu_regs *r = &c->v->regs;

	get_state(c, r);
	wr(c, UC_ARM64_REG_ELR_EL1, x->elr);
	wr_cp(c, 3, 0, 4, 0, 0, x->spsr);
	note_spsr(c, x->spsr);
	if (vector == VEC_LOWER_A32 + VEC_SYNC)
		wr(c, UC_ARM64_REG_ESR_EL1, x->esr);
	r->pstate = (x->spsr & PSR_NZCV) | PSR_DAIF | PSR_MODE_EL1H;
	r->pc = rd(c, UC_ARM64_REG_VBAR_EL1) + vector;
	put_state(c);
}

/* The guest takes its virtual IRQ: ELR is the next instruction. */
static void take_irq(struct cpu *c)
{
	uint64_t old = rd_pstate(c);
	uint64_t vbar = rd(c, UC_ARM64_REG_VBAR_EL1);

	c->take_irq = false;
	if (c->in_a32) {
		struct vcpu_regs *r = &c->v->regs;

		get_state(c, r);
		a32_to_el1(
		    c, &(struct a32_exception){.elr = r->pc, .spsr = r->pstate},
		    VEC_LOWER_A32 + VEC_IRQ);
		return;
	}
	wr(c, UC_ARM64_REG_ELR_EL1, rd(c, UC_ARM64_REG_PC));
	wr_cp(c, 3, 0, 4, 0, 0, old);
	note_spsr(c, old);
	put_pstate(c, (old & PSR_NZCV) | PSR_DAIF | PSR_MODE_EL1H);
	wr(c, UC_ARM64_REG_PC,
	   vbar + inject_vector_offset(old) - VEC_SYNC + VEC_IRQ);
}

/* Asks for exception esr at elr once Unicorn stops (from a hook). */
static void pend_exception(struct cpu *c, uint64_t esr, uint64_t elr)
{
	c->exc.on = true;
	c->exc.esr = esr;
	c->exc.elr = elr;
	c->stopped = true;
	uc_emu_stop(c->uc);
}

static void take_pending_exception(struct cpu *c)
{
	c->exc.on = false;
	/* A later access of the same instruction that faulted at stage 2
	 * never happened either. */
	c->fault_pending = false;
	if (c->exc.undo) {
		c->exc.undo = false;
		for (unsigned i = 0; i < GPR_COUNT; i++)
			wr(c, gpr_id(i), c->exc.x[i]);
		wr(c, UC_ARM64_REG_SP, c->exc.sp);
		for (unsigned i = 0; i < 32; i++)
			uc_reg_write(c->uc, UC_ARM64_REG_Q0 + (int)i,
				     c->exc.q[i]);
		uc_mem_write(c->uc, c->exc.mem_addr, c->exc.mem,
			     c->exc.mem_len);
	}
	guest_exception(c, c->exc.esr, c->exc.elr);
	if (c->exc.with_far)
		wr(c, UC_ARM64_REG_FAR_EL1, c->exc.far);
	c->exc.with_far = false;
}

/*
 * A data access while a watchpoint is armed. Unicorn calls this before
 * the access, but the instruction completes before it stops: what it
 * may change (general, SP and vector registers, the bytes accessed) is
 * saved here and put back, as if it had never run.
 */
static void on_watch(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
		     int64_t value, void *ud)
{
	struct cpu *c = ud;
	uint64_t pstate = rd_pstate(c), far;
	bool write = type == UC_MEM_WRITE;
	unsigned el = (unsigned)(pstate >> 2) & 3;
	unsigned len = size > 0 && size <= 16 ? (unsigned)size : 16;

	(void)value;
	if (c->exc.on || !watch_check(&c->v->debug, el, (pstate & PSR_D) != 0,
				      addr, len, write, &far))
		return;
	get_gprs(c, c->exc.x);
	c->exc.sp = rd(c, UC_ARM64_REG_SP);
	for (unsigned i = 0; i < 32; i++)
		uc_reg_read(uc, UC_ARM64_REG_Q0 + (int)i, c->exc.q[i]);
	c->exc.mem_addr = addr;
	c->exc.mem_len = len;
	uc_mem_read(uc, addr, c->exc.mem, len);
	c->exc.undo = true;
	c->exc.far = far;
	c->exc.with_far = true;
	pend_exception(c, trap_esr_watchpoint(el == 1, write), c->last_pc);
}

/*
 * After the vCPU's debug state changed: memory accesses are hooked only
 * while a watchpoint can fire, and code translated without the hook never
 * looks for one, so the translations of guest memory go too.
 */
static void watch_update(struct cpu *c)
{
	bool want = watch_armed(&c->v->debug);
	const char *what = watch_unmodelled(&c->v->debug);
	uc_mem_region *regions;
	uint32_t count;

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
	/* Only what the guest can execute: a whole flush (uc_ctl_flush_tlb)
	 * zeroes Unicorn's gigabyte of code buffer. */
	if (uc_mem_regions(c->uc, &regions, &count) == UC_ERR_OK) {
		for (uint32_t i = 0; i < count; i++)
			uc_ctl_remove_cache(c->uc, regions[i].begin,
					    regions[i].end + 1);
		uc_free(regions);
	}
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

static bool read_insn(struct cpu *c, uint64_t pc, uint32_t *insn)
{
	return uc_mem_read(c->uc, pc, insn, 4) == UC_ERR_OK;
}

static uint16_t insn_imm16(struct cpu *c, uint64_t pc)
{
	uint32_t insn = 0;

	read_insn(c, pc, &insn);
	return (uint16_t)(insn >> 5);
}

/* Hooks. */

/*
 * Before each guest instruction, on either CPU model (irq_masked: PSTATE.I
 * or CPSR.I): false means stop before it.
 */
static bool insn_step(struct cpu *c, uint64_t addr, bool irq_masked)
{
	/* Kept exact even after a stop request: the instruction that a
	 * memory hook reports must be the one that is executing. */
	c->last_pc = addr;
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
	eng.stats.insns++;
	return true;
}

/* An ERET at EL1 (at EL0 it is UNDEFINED) while SPSR_EL1 is AArch32. */
static bool eret_to_a32(struct cpu *c, uint64_t pc)
{
	uint32_t insn = 0;

	return (rd_pstate(c) & PSR_MODE_MASK) != PSR_MODE_EL0T &&
	       read_insn(c, pc, &insn) && insn == INSN_ERET;
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct cpu *c = ud;

	(void)size;
	if (c->spsr_a32 && !c->stopped && eret_to_a32(c, addr)) {
		/* The AArch32 model takes over: enter_a32 does the ERET. */
		c->last_pc = addr;
		c->eret_a32 = true;
		c->stopped = true;
		uc_emu_stop(uc);
		return;
	}
	if (!insn_step(c, addr, !c->virq || (rd_pstate(c) & PSR_I) != 0))
		uc_emu_stop(uc);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct cpu *c = ud;
	uint64_t pc = rd(c, UC_ARM64_REG_PC);
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC};

	(void)uc;
	switch (intno) {
	case EXCP_HVC:
		/* Unicorn's PC is past the HVC, as ELR_EL2 is. */
		e.esr = trap_esr_hvc(insn_imm16(c, pc - 4));
		exit_in_hook(c, &e, pc, pc);
		break;
	case EXCP_SMC:
		/* HCR_EL2.TSC: ELR_EL2 is the SMC itself. */
		e.esr = trap_esr_smc(insn_imm16(c, pc - 4));
		exit_in_hook(c, &e, pc - 4, pc);
		break;
	case EXCP_UDEF:
		guest_exception(c, esr_make(EC_UNKNOWN, 1, 0), pc);
		break;
	case EXCP_SWI:
		guest_exception(c, esr_make(EC_SVC64, 1, insn_imm16(c, pc - 4)),
				pc);
		break;
	case EXCP_BKPT:
		guest_exception(c, esr_make(EC_BRK64, 1, insn_imm16(c, pc)),
				pc);
		break;
	default:
		fatal(c,
		      intno == EXCP_DATA_ABORT || intno == EXCP_PREFETCH_ABORT
			  ? "an abort at EL1 (stage 1 or alignment)"
			  : "an exception of the CPU model",
		      intno);
		break;
	}
}

/*
 * A stage-2 abort, from either CPU model's memory hook: iss is the access
 * part of a data abort's ISS, il its IL bit. Delivered once the CPU model
 * has stopped.
 */
static void record_abort(struct cpu *c, uint64_t addr, bool fetch, uint32_t iss,
			 bool il)
{
	struct s2walk_cfg cfg = s2_cfg(c->v);
	struct s2_result r = s2walk_translate(&cfg, addr);
	enum trap_fault f = TRAP_FAULT_TRANSLATION;
	unsigned level = r.level;

	switch (r.fault) {
	case S2_OK: /* mapped: the access lacked the permission */
		f = TRAP_FAULT_PERMISSION;
		break;
	case S2_FAULT_ACCESS_FLAG:
		f = TRAP_FAULT_ACCESS_FLAG;
		break;
	case S2_FAULT_INPUT_RANGE:
		level = 0;
		break;
	case S2_FAULT_TRANSLATION:
		break;
	}
	c->fault = (struct vcpu_exit){
	    .kind = VCPU_EXIT_SYNC, .far = addr, .hpfar = trap_hpfar(addr)};
	if (fetch)
		c->fault.esr = trap_esr_iabt(f, level);
	else
		c->fault.esr = trap_esr_dabt(iss, f, level);
	if (!il)
		c->fault.esr &= ~(uint64_t)ESR_IL;
	get_gprs(c, c->fault_regs);
	if (c->in_a32) {
		a32_get(&c->a32, c->fault_regs, &c->fault_pc, &c->fault_pstate);
	} else {
		c->fault_pc = fetch ? addr : c->last_pc;
		c->fault_pstate = rd_pstate(c);
	}
	c->fault_pending = true;
}

static bool on_mem_fault(uc_engine *uc, uc_mem_type type, uint64_t addr,
			 int size, int64_t value, void *ud)
{
	struct cpu *c = ud;
	bool fetch = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
	bool write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
	uint32_t iss = write ? ISS_DA_WNR : 0;
	struct ldst d;
	uint32_t insn;

	(void)uc;
	(void)size;
	(void)value;
	if (!fetch && read_insn(c, c->last_pc, &insn) &&
	    ldst_decode(insn, &d) && d.load == !write)
		iss = ldst_iss(&d);
	record_abort(c, addr, fetch, iss, true);
	/* Not handled: Unicorn stops before the next instruction. */
	return false;
}

/* The AArch32 model's side of the same (struct a32_ops). */
static bool a32_insn(void *ctx, uint64_t pc, bool irq_masked)
{
	return insn_step(ctx, pc, irq_masked);
}

static void a32_abort(void *ctx, uint64_t addr, bool fetch, uint32_t iss,
		      bool il)
{
	record_abort(ctx, addr, fetch, iss, il);
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

/* System register accesses, by direction. */
static uint32_t on_sys(struct cpu *c, int reg, const uc_arm64_cp_reg *cp,
		       bool read)
{
	struct sysreg_enc r = {cp->op0, cp->op1, cp->crn, cp->crm, cp->op2};
	unsigned rt = reg_number(reg);
	uint64_t pc = c->last_pc;
	uint64_t val;

	enum vcpuif_reg vr;

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
		pend_exception(c, esr_make(EC_UNKNOWN, 1, 0), pc);
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
	if (ue == UC_ERR_OK)
		ue = uc_hook_add(c->uc, &h, UC_HOOK_CODE, (void *)on_code, c, 1,
				 0);
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
	if (!cpu_open(c, err, sizeof(err))) {
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

/*
 * The guest's ERET to AArch32 User mode, done here because the AArch32
 * model runs EL0 (aarch32.h): R0-R14 = X0-X14, CPSR = SPSR_EL1, PC =
 * ELR_EL1, TPIDRURW/URO = TPIDR(RO)_EL0[31:0].
 */
static void enter_a32(struct cpu *c)
{
	static const struct a32_ops ops = {a32_insn, a32_abort};
	struct vcpu_regs *r = &c->v->regs;
	uint64_t sctlr = el1_get(c, EL1_SCTLR);
	char err[128];

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
		c->mem_stale = true;
	}
	get_gprs(c, r->x);
	r->pc = el1_get(c, EL1_ELR) & 0xffffffffull;
	r->pstate = el1_get(c, EL1_SPSR);
	a32_put_tpidr(&c->a32, el1_get(c, EL1_TPIDR_EL0),
		      el1_get(c, EL1_TPIDRRO_EL0));
	/* EL1 may have written the code EL0 is about to run. */
	a32_flush(&c->a32);
	eng.stats.insns++; /* the ERET */
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
		eng.stats.guest_exceptions++;
		a32_to_el1(c,
			   &(struct a32_exception){
			       .esr = esr, .elr = r->pc, .spsr = r->pstate},
			   VEC_LOWER_A32 + VEC_SYNC);
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
		eng.stats.guest_exceptions++;
		a32_to_el1(c, &c->a32.exc, VEC_LOWER_A32 + VEC_SYNC);
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
	fprintf(stderr,
		"hvsim: stopped: %" PRIu64 " guest instructions and %" PRIu64
		" exits reached --max-insns %" PRIu64 " (cpu%u, pc %#" PRIx64
		")\n",
		eng.stats.insns, eng.stats.exits, eng.opt.max_insns, c->index,
		c->last_pc);
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
		c->eret_a32 = false;
		update_gic(c);
		if (c->in_a32)
			a32_stop = a32_run(&c->a32);
		else
			ue = uc_emu_start(c->uc, rd(c, UC_ARM64_REG_PC), ~0ull,
					  0, 0);
		if (eng.limit_reached)
			limit_stop(c);
		if (c->fatal)
			stop_machine(SIM_STATUS_ENGINE);
		if (c->reload)
			put_state(c);
		else if (c->exc.on)
			take_pending_exception(c);
		else if (c->take_irq)
			take_irq(c);
		else if (c->event)
			raise_timers();
		else if (c->fault_pending)
			deliver_fault(c);
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

	(void)ctx;
	/* Only a guest with its MMU off is modelled: VA = IPA. */
	if (c == NULL || (el1_get(c, EL1_SCTLR) & 1))
		return false;
	*ipa = ipa_init(va);
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
	return true;
}

void sim_engine_fini(void)
{
	for (unsigned i = 0; i < eng.cpu_count; i++) {
		uc_close(eng.cpus[i].uc);
		a32_close(&eng.cpus[i].a32);
	}
	memset(&eng, 0, sizeof(eng));
}

const struct sim_stats *sim_engine_stats(void)
{
	return &eng.stats;
}
