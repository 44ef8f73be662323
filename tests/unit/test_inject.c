/* Unit tests of hv/inject.c: synchronous exception entry into EL1. */
#include "helpers.h"

#include "hv/inject.h"

#define PC	 0x40001234ull
#define VA	 0xffff000012345678ull
#define FAR_MARK 0x5a5a5a5a5a5a5a5aull

/* Old PSTATE values the guest may be in when the exception is taken. */
#define PS_EL1H_NZCV (0x60000000ull | PSR_MODE_EL1H) /* Z and C set */
#define PS_EL1T	     (0x90000000ull | PSR_MODE_EL1T) /* N and V set */
#define PS_EL0T	     (0x20000000ull | PSR_MODE_EL0T)
#define PS_A32_USR   (0x80000000ull | 0x10ull) /* AArch32 User mode */

static struct vcpu v;

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	memset(&v, 0, sizeof(v));
	hal_vcpu_init(&v.arch);
	hal_vcpu_el1_write(&v.arch, EL1_VBAR, TEST_VBAR);
	hal_vcpu_el1_write(&v.arch, EL1_FAR, FAR_MARK);
	v.arch.regs.pc = PC;
	v.arch.regs.pstate = PS_EL1H_NZCV;
	return 0;
}

static uint64_t el1(enum el1_reg r)
{
	return hal_vcpu_el1_read(&v.arch, r);
}

static void test_inject_vector_offset_per_source(void **st)
{
	(void)st;
	assert_int_equal(inject_vector_offset(PSR_MODE_EL1T), 0x000);
	assert_int_equal(inject_vector_offset(PSR_MODE_EL1H), 0x200);
	assert_int_equal(inject_vector_offset(PSR_MODE_EL0T), 0x400);
	assert_int_equal(inject_vector_offset(PSR_MODE_32 | 0x0), 0x600);
	assert_int_equal(inject_vector_offset(PSR_MODE_32 | 0xf), 0x600);
	/* Flags and masks do not change the source. */
	assert_int_equal(inject_vector_offset(0xf00003c4ull), 0x000);
}

static void test_inject_undef_from_el1h(void **st)
{
	(void)st;
	inject_undef(&v);
	assert_int_equal(el1(EL1_ELR), PC);
	assert_int_equal(el1(EL1_SPSR), PS_EL1H_NZCV);
	assert_int_equal(el1(EL1_ESR), 0x02000000);
	/* UNDEF reports no address. */
	assert_int_equal(el1(EL1_FAR), FAR_MARK);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x200);
	/* EL1h, DAIF masked, NZCV kept. */
	assert_int_equal(v.arch.regs.pstate, 0x600003c5);
}

static void test_inject_undef_from_el1t_uses_sp0_vector(void **st)
{
	(void)st;
	v.arch.regs.pstate = PS_EL1T;
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x000);
	assert_int_equal(el1(EL1_SPSR), PS_EL1T);
	assert_int_equal(el1(EL1_ESR), 0x02000000);
	assert_int_equal(v.arch.regs.pstate, 0x900003c5);
}

static void test_inject_undef_from_el0_aarch64_uses_lower_vector(void **st)
{
	(void)st;
	v.arch.regs.pstate = PS_EL0T;
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x400);
	assert_int_equal(el1(EL1_ESR), 0x02000000);
	assert_int_equal(v.arch.regs.pstate, 0x200003c5);
}

static void test_inject_undef_from_el0_aarch32_uses_a32_vector(void **st)
{
	(void)st;
	v.arch.regs.pstate = PS_A32_USR;
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x600);
	assert_int_equal(el1(EL1_SPSR), PS_A32_USR);
	assert_int_equal(v.arch.regs.pstate, 0x800003c5);
}

static void test_inject_dabt_read_from_el1(void **st)
{
	(void)st;
	inject_dabt(&v, VA, false);
	assert_int_equal(el1(EL1_ESR), 0x96000010);
	assert_int_equal(el1(EL1_FAR), VA);
	assert_int_equal(el1(EL1_ELR), PC);
	assert_int_equal(el1(EL1_SPSR), PS_EL1H_NZCV);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5);
}

static void test_inject_dabt_write_from_el1_sets_wnr(void **st)
{
	(void)st;
	inject_dabt(&v, VA, true);
	assert_int_equal(el1(EL1_ESR), 0x96000050);
	assert_int_equal(el1(EL1_FAR), VA);
}

static void test_inject_dabt_from_el1t(void **st)
{
	(void)st;
	v.arch.regs.pstate = PS_EL1T;
	inject_dabt(&v, VA, false);
	assert_int_equal(el1(EL1_ESR), 0x96000010);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x000);
}

static void test_inject_dabt_from_el0_is_lower_el_class(void **st)
{
	(void)st;
	v.arch.regs.pstate = PS_EL0T;
	inject_dabt(&v, 0x1000, false);
	assert_int_equal(el1(EL1_ESR), 0x92000010);
	assert_int_equal(el1(EL1_FAR), 0x1000);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x400);
	setup(NULL);
	v.arch.regs.pstate = PS_EL0T;
	inject_dabt(&v, 0x1000, true);
	assert_int_equal(el1(EL1_ESR), 0x92000050);
}

static void test_inject_dabt_from_el0_aarch32(void **st)
{
	(void)st;
	v.arch.regs.pstate = PS_A32_USR;
	inject_dabt(&v, 0x8000, true);
	assert_int_equal(el1(EL1_ESR), 0x92000050);
	assert_int_equal(el1(EL1_FAR), 0x8000);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x600);
}

/*
 * From AArch32 EL0 (a T32 instruction, IT block in progress): SPSR_EL1 is
 * the CPSR as it was, T and IT included; FAR_EL1 the 32-bit address
 * zero-extended; IL = 1 even for a 16-bit instruction (ISV = 0).
 */
static void test_inject_dabt_from_t32_keeps_cpsr_and_zero_extends_far(void **st)
{
	const uint64_t cpsr = 0x90000000ull | PSR_AA32_IT_LO_MASK |
			      (0x2aull << PSR_AA32_IT_HI_SHIFT) | PSR_AA32_T |
			      PSR_AA32_USR;

	(void)st;
	v.arch.regs.pc = 0x8002;
	v.arch.regs.pstate = cpsr;
	inject_dabt(&v, 0xffffffff09000fe0ull, false);
	assert_int_equal(el1(EL1_ESR), 0x92000010);
	assert_int_equal(el1(EL1_FAR), 0x09000fe0);
	assert_int_equal(el1(EL1_ELR), 0x8002);
	assert_int_equal(el1(EL1_SPSR), cpsr);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x600);
	/* N and V kept, DAIF masked, AArch64 EL1h. */
	assert_int_equal(v.arch.regs.pstate, 0x900003c5);
	setup(NULL);
	v.arch.regs.pstate = cpsr;
	inject_pabt(&v, 0x100000000ull | 0x8000);
	assert_int_equal(el1(EL1_FAR), 0x8000);
}

static void test_inject_pabt_from_el1(void **st)
{
	(void)st;
	inject_pabt(&v, VA);
	assert_int_equal(el1(EL1_ESR), 0x86000010);
	assert_int_equal(el1(EL1_FAR), VA);
	assert_int_equal(el1(EL1_ELR), PC);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5);
}

static void test_inject_pabt_from_el0(void **st)
{
	(void)st;
	v.arch.regs.pstate = PS_EL0T;
	inject_pabt(&v, 0x400000);
	assert_int_equal(el1(EL1_ESR), 0x82000010);
	assert_int_equal(el1(EL1_FAR), 0x400000);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x400);
	setup(NULL);
	v.arch.regs.pstate = PS_A32_USR;
	inject_pabt(&v, 0x400000);
	assert_int_equal(el1(EL1_ESR), 0x82000010);
	assert_int_equal(v.arch.regs.pc, TEST_VBAR + 0x600);
}

static void test_inject_clears_ss_il_uao_and_other_state(void **st)
{
	(void)st;
	v.arch.regs.pstate =
	    PSR_NZCV | PSR_SS | PSR_IL | PSR_UAO | PSR_SSBS | PSR_MODE_EL1H;
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate, 0xf00003c5);
	assert_int_equal(el1(EL1_SPSR), 0xf0b01005);
}

static void test_inject_sets_pan_when_feat_pan_and_span_clear(void **st)
{
	(void)st;
	/* SPAN (bit 23) is among SCTLR_EL1's reset RES1 bits: clear it. */
	assert_int_equal(SCTLR_EL1_RESET & SCTLR_EL1_SPAN, SCTLR_EL1_SPAN);
	hal_sim_caps()->pan = true;
	hal_vcpu_el1_write(&v.arch, EL1_SCTLR,
			   SCTLR_EL1_RESET & ~SCTLR_EL1_SPAN);
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5 | PSR_PAN);
}

static void test_inject_keeps_pan_when_span_set(void **st)
{
	(void)st;
	hal_sim_caps()->pan = true;
	hal_vcpu_el1_write(&v.arch, EL1_SCTLR,
			   SCTLR_EL1_RESET | SCTLR_EL1_SPAN);
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5);
	setup(NULL);
	hal_sim_caps()->pan = true;
	hal_vcpu_el1_write(&v.arch, EL1_SCTLR,
			   SCTLR_EL1_RESET | SCTLR_EL1_SPAN);
	v.arch.regs.pstate = PS_EL1H_NZCV | PSR_PAN;
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5 | PSR_PAN);
}

static void test_inject_without_feat_pan_does_not_set_pan(void **st)
{
	(void)st;
	hal_sim_caps()->pan = false;
	hal_vcpu_el1_write(&v.arch, EL1_SCTLR,
			   SCTLR_EL1_RESET & ~SCTLR_EL1_SPAN);
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate & PSR_PAN, 0);
}

static void test_inject_ssbs_follows_sctlr_dssbs(void **st)
{
	(void)st;
	hal_sim_caps()->ssbs = true;
	hal_vcpu_el1_write(&v.arch, EL1_SCTLR,
			   SCTLR_EL1_RESET | SCTLR_EL1_DSSBS);
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5 | PSR_SSBS);
	/* DSSBS = 0: SSBS is cleared even if it was set. */
	setup(NULL);
	hal_sim_caps()->ssbs = true;
	v.arch.regs.pstate = PS_EL1H_NZCV | PSR_SSBS;
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5);
}

static void test_inject_without_feat_ssbs_ignores_dssbs(void **st)
{
	(void)st;
	hal_sim_caps()->ssbs = false;
	hal_vcpu_el1_write(&v.arch, EL1_SCTLR,
			   SCTLR_EL1_RESET | SCTLR_EL1_DSSBS);
	inject_undef(&v);
	assert_int_equal(v.arch.regs.pstate, 0x600003c5);
}

static void test_inject_leaves_general_registers_alone(void **st)
{
	struct vcpu_regs before;

	(void)st;
	for (unsigned i = 0; i < 31; i++)
		v.arch.regs.x[i] = 0x1000 + i;
	before = v.arch.regs;
	inject_dabt(&v, VA, true);
	assert_memory_equal(v.arch.regs.x, before.x, sizeof(before.x));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_inject_vector_offset_per_source),
	    T(test_inject_undef_from_el1h),
	    T(test_inject_undef_from_el1t_uses_sp0_vector),
	    T(test_inject_undef_from_el0_aarch64_uses_lower_vector),
	    T(test_inject_undef_from_el0_aarch32_uses_a32_vector),
	    T(test_inject_dabt_read_from_el1),
	    T(test_inject_dabt_write_from_el1_sets_wnr),
	    T(test_inject_dabt_from_el1t),
	    T(test_inject_dabt_from_el0_is_lower_el_class),
	    T(test_inject_dabt_from_el0_aarch32),
	    T(test_inject_dabt_from_t32_keeps_cpsr_and_zero_extends_far),
	    T(test_inject_pabt_from_el1),
	    T(test_inject_pabt_from_el0),
	    T(test_inject_clears_ss_il_uao_and_other_state),
	    T(test_inject_sets_pan_when_feat_pan_and_span_clear),
	    T(test_inject_keeps_pan_when_span_set),
	    T(test_inject_without_feat_pan_does_not_set_pan),
	    T(test_inject_ssbs_follows_sctlr_dssbs),
	    T(test_inject_without_feat_ssbs_ignores_dssbs),
	    T(test_inject_leaves_general_registers_alone),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
