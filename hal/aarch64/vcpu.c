/*
 * vcpu: entering a vCPU, and the lazy switch of its EL1 and FP/SIMD state.
 * The per-exit path never comes back here: the exit vector calls the core's
 * handler and erets (vectors.S). The EL1 system registers are written only
 * when a different vCPU is loaded on this physical CPU. Debug registers are
 * never saved (the guest cannot change them: every access traps and the
 * core keeps them); they are written only for a vCPU that can take
 * breakpoint and watchpoint exceptions, and only when the hardware does not
 * already hold its values.
 */
#include "pcpu.h"

#include "lib/string.h"

void __guest_enter(struct hal_vcpu *v);
void hal_fpsimd_save(struct vcpu_fpsimd *fp);
void hal_fpsimd_restore(const struct vcpu_fpsimd *fp);
void hal_el1_save(uint64_t *el1);
void hal_el1_restore(const uint64_t *el1);
uint64_t hal_el1_read(unsigned r);
void hal_el1_write(unsigned r, uint64_t val);

/* el1_regs.S stores the registers at these indices, in pairs. */
_Static_assert(EL1_SCTLR == 0 && EL1_TTBR0 == 1 && EL1_TTBR1 == 2 &&
		   EL1_TCR == 3 && EL1_MAIR == 4 && EL1_AMAIR == 5 &&
		   EL1_VBAR == 6 && EL1_CONTEXTIDR == 7 && EL1_TPIDR == 8 &&
		   EL1_TPIDR_EL0 == 9 && EL1_TPIDRRO_EL0 == 10 &&
		   EL1_CPACR == 11 && EL1_ESR == 12 && EL1_FAR == 13 &&
		   EL1_PAR == 14 && EL1_AFSR0 == 15 && EL1_AFSR1 == 16 &&
		   EL1_CNTKCTL == 17 && EL1_CSSELR == 18 && EL1_SP_EL0 == 19 &&
		   EL1_SP_EL1 == 20 && EL1_ELR == 21 && EL1_SPSR == 22 &&
		   EL1_CNTV_CTL == 23 && EL1_CNTV_CVAL == 24 &&
		   EL1_REG_COUNT == 25,
	       "enum el1_reg is el1_regs.S's layout (and EL1_REG_COUNT)");

/* The pointer authentication keys, by their encodings (ARMv8.3). */
static void pauth_save(uint64_t *k)
{
	k[0] = read_sysreg(S3_0_C2_C1_0); /* APIAKeyLo_EL1 */
	k[1] = read_sysreg(S3_0_C2_C1_1);
	k[2] = read_sysreg(S3_0_C2_C1_2); /* APIBKeyLo_EL1 */
	k[3] = read_sysreg(S3_0_C2_C1_3);
	k[4] = read_sysreg(S3_0_C2_C2_0); /* APDAKeyLo_EL1 */
	k[5] = read_sysreg(S3_0_C2_C2_1);
	k[6] = read_sysreg(S3_0_C2_C2_2); /* APDBKeyLo_EL1 */
	k[7] = read_sysreg(S3_0_C2_C2_3);
	k[8] = read_sysreg(S3_0_C2_C3_0); /* APGAKeyLo_EL1 */
	k[9] = read_sysreg(S3_0_C2_C3_1);
}

static void pauth_restore(const uint64_t *k)
{
	write_sysreg(S3_0_C2_C1_0, k[0]);
	write_sysreg(S3_0_C2_C1_1, k[1]);
	write_sysreg(S3_0_C2_C1_2, k[2]);
	write_sysreg(S3_0_C2_C1_3, k[3]);
	write_sysreg(S3_0_C2_C2_0, k[4]);
	write_sysreg(S3_0_C2_C2_1, k[5]);
	write_sysreg(S3_0_C2_C2_2, k[6]);
	write_sysreg(S3_0_C2_C2_3, k[7]);
	write_sysreg(S3_0_C2_C3_0, k[8]);
	write_sysreg(S3_0_C2_C3_1, k[9]);
}

unsigned hal_debug_brps, hal_debug_wrps;

void hal_debug_init_cpu(void)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);

	hal_debug_brps = (unsigned)((dfr0 >> 12) & 0xf) + 1;
	hal_debug_wrps = (unsigned)((dfr0 >> 20) & 0xf) + 1;
	/*
	 * The OS Lock is set by a cold reset and would keep every debug
	 * exception away from the guests; theirs is emulated (hv/vdebug.c).
	 * Nothing of the hardware's debug state may pass from one guest to
	 * another: MDE clear until a vCPU that uses it is loaded.
	 */
	write_sysreg(oslar_el1, 0);
	write_sysreg(osdlr_el1, 0);
	write_sysreg(mdscr_el1, 0);
	this_pcpu()->debug_owner = NULL;
}

#define DBG_PAIR(n, v, c, vr, cr)                                              \
	case n:                                                                \
		write_sysreg(v##n##_el1, (vr));                                \
		write_sysreg(c##n##_el1, (cr));                                \
		break

#define DBG_PAIRS(v, c, vr, cr)                                                \
	DBG_PAIR(0, v, c, vr, cr);                                             \
	DBG_PAIR(1, v, c, vr, cr);                                             \
	DBG_PAIR(2, v, c, vr, cr);                                             \
	DBG_PAIR(3, v, c, vr, cr);                                             \
	DBG_PAIR(4, v, c, vr, cr);                                             \
	DBG_PAIR(5, v, c, vr, cr);                                             \
	DBG_PAIR(6, v, c, vr, cr);                                             \
	DBG_PAIR(7, v, c, vr, cr);                                             \
	DBG_PAIR(8, v, c, vr, cr);                                             \
	DBG_PAIR(9, v, c, vr, cr);                                             \
	DBG_PAIR(10, v, c, vr, cr);                                            \
	DBG_PAIR(11, v, c, vr, cr);                                            \
	DBG_PAIR(12, v, c, vr, cr);                                            \
	DBG_PAIR(13, v, c, vr, cr);                                            \
	DBG_PAIR(14, v, c, vr, cr);                                            \
	DBG_PAIR(15, v, c, vr, cr)

static void bp_write(unsigned n, uint64_t bvr, uint64_t bcr)
{
	switch (n) {
		DBG_PAIRS(dbgbvr, dbgbcr, bvr, bcr);
	default:
		break;
	}
}

static void wp_write(unsigned n, uint64_t wvr, uint64_t wcr)
{
	switch (n) {
		DBG_PAIRS(dbgwvr, dbgwcr, wvr, wcr);
	default:
		break;
	}
}

/* Makes the hardware's debug state v's, as far as it can matter. */
static void debug_load(struct hal_vcpu *v, struct pcpu *c)
{
	const struct vcpu_debug *d = &v->debug;

	write_sysreg(mdscr_el1, d->mdscr);
	if (!(d->mdscr & MDSCR_MDE) ||
	    (c->debug_owner == v && c->debug_gen == d->gen))
		return;
	for (unsigned n = 0; n < hal_debug_brps && n < HAL_DEBUG_PAIRS_MAX; n++)
		bp_write(n, d->bvr[n], d->bcr[n]);
	for (unsigned n = 0; n < hal_debug_wrps && n < HAL_DEBUG_PAIRS_MAX; n++)
		wp_write(n, d->wvr[n], d->wcr[n]);
	c->debug_owner = v;
	c->debug_gen = d->gen;
}

static bool is_loaded(const struct hal_vcpu *v)
{
	return v->loaded_on >= 0 && (unsigned)v->loaded_on == this_pcpu()->id;
}

static __attribute__((noinline)) void vcpu_put(struct hal_vcpu *v)
{
	hal_el1_save(v->el1);
	/* Its timer must not fire for the next vCPU: the core stands in. */
	write_sysreg(cntv_ctl_el0, 0);
	hal_fpsimd_save(&v->fp);
	if (hal_pauth)
		pauth_save(v->pauth_keys);
	hal_gic_vcpu_save(v);
	v->loaded_on = -1;
}

static __attribute__((noinline)) void vcpu_load(struct hal_vcpu *v,
						struct pcpu *c)
{
	hal_el1_restore(v->el1);
	hal_fpsimd_restore(&v->fp);
	if (hal_pauth)
		pauth_restore(v->pauth_keys);
	debug_load(v, c);
	hal_gic_vcpu_restore(v);
	write_sysreg(vttbr_el2, v->vttbr);
	write_sysreg(vmpidr_el2, v->vmpidr);
	write_sysreg(cntvoff_el2, v->cntvoff);
	isb();
	v->loaded_on = (int)c->id;
	c->loaded = v;
}

void hal_vcpu_init(struct hal_vcpu *v)
{
	memset(v, 0, sizeof(*v));
	v->el1[EL1_SCTLR] = SCTLR_EL1_RESET;
	v->loaded_on = -1;
}

void hal_vcpu_run(struct hal_vcpu *v, const struct hal_exit_table *exits)
{
	struct pcpu *c = this_pcpu();

	if (c->loaded != v) {
		if (c->loaded != NULL)
			vcpu_put(c->loaded);
		vcpu_load(v, c);
	}
	v->exits = exits;
	v->gicc = hal_gicc;
	v->yield = false;
	v->need_regs = false;
	__guest_enter(v);
}

void hal_vcpu_debug_changed(struct hal_vcpu *v)
{
	v->debug.gen++;
	if (is_loaded(v))
		debug_load(v, this_pcpu());
}

uint64_t hal_vcpu_el1_read(struct hal_vcpu *v, enum el1_reg r)
{
	return is_loaded(v) ? hal_el1_read(r) : v->el1[r];
}

void hal_vcpu_el1_write(struct hal_vcpu *v, enum el1_reg r, uint64_t val)
{
	if (is_loaded(v))
		hal_el1_write(r, val);
	else
		v->el1[r] = val;
}
