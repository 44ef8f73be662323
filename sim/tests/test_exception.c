/*
 * Unit tests of sim/exception.c: the entry to EL1 (what it writes, where
 * it goes from each mode) and the syndromes, values from the Arm ARM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exception.h"

#define VBAR	 0x40000800ull
#define PC	 0x40001234ull
#define NZCV	 0xa0000000ull
#define DAIF	 0x3c0ull
#define IL	 (1ull << 20)
#define SS	 (1ull << 21)
#define PAN	 (1ull << 22)
#define SSBS	 (1ull << 12)
#define EL0T	 0x0ull
#define EL1T	 0x4ull
#define EL1H	 0x5ull
#define A32_USR	 0x10ull
#define SPAN	 (1ull << 23)
#define DSSBS	 (1ull << 44)
#define ESR_UDEF 0x02000000ull

static const struct hal_cpu_caps plain = {.pan = false, .ssbs = false};

static struct exc_entry take(uint64_t pstate, enum exc_kind kind)
{
	struct exc_from from = {
	    .pc = PC, .pstate = pstate, .vbar = VBAR, .sctlr = 0};

	return exc_take(&from, &plain, kind, ESR_UDEF, false, 0);
}

static void test_exception_sync_entry_writes_the_syndrome(void **state)
{
	struct exc_from from = {
	    .pc = PC, .pstate = NZCV | IL | SS | EL1H, .vbar = VBAR};
	struct exc_entry e;

	(void)state;
	e = exc_take(&from, &plain, EXC_SYNC, 0x96000007, true, 0x41001000);
	assert_int_equal(e.elr, PC);
	assert_int_equal(e.spsr, NZCV | IL | SS | EL1H);
	assert_true(e.has_esr);
	assert_int_equal(e.esr, 0x96000007);
	assert_true(e.has_far);
	assert_int_equal(e.far, 0x41001000);
	assert_int_equal(e.pc, VBAR + 0x200);
	/* NZCV kept, D A I F masked, IL and SS cleared, EL1h. */
	assert_int_equal(e.pstate, NZCV | DAIF | EL1H);
}

static void test_exception_vector_by_the_mode_it_came_from(void **state)
{
	(void)state;
	assert_int_equal(take(EL1H, EXC_SYNC).pc, VBAR + 0x200);
	assert_int_equal(take(EL1T, EXC_SYNC).pc, VBAR + 0x000);
	assert_int_equal(take(EL0T, EXC_SYNC).pc, VBAR + 0x400);
	assert_int_equal(take(A32_USR, EXC_SYNC).pc, VBAR + 0x600);
	assert_int_equal(take(EL1H, EXC_IRQ).pc, VBAR + 0x280);
	assert_int_equal(take(EL0T, EXC_IRQ).pc, VBAR + 0x480);
}

static void test_exception_irq_writes_no_syndrome(void **state)
{
	struct exc_entry e;

	(void)state;
	e = take(EL0T, EXC_IRQ);
	assert_false(e.has_esr);
	assert_false(e.has_far);
	assert_int_equal(e.elr, PC);
	assert_int_equal(e.pstate, DAIF | EL1H);
}

static void test_exception_pan_and_ssbs_as_the_cpu_has_them(void **state)
{
	struct hal_cpu_caps caps = {.pan = true, .ssbs = true};
	struct exc_from from = {.pc = PC, .pstate = EL1H, .vbar = VBAR};

	(void)state;
	/* SPAN clear: PAN set; DSSBS set: SSBS set. */
	from.sctlr = DSSBS;
	assert_int_equal(exc_take(&from, &caps, EXC_SYNC, 0, false, 0).pstate,
			 DAIF | PAN | SSBS | EL1H);
	/* SPAN set: PAN as it was. */
	from.sctlr = SPAN;
	assert_int_equal(exc_take(&from, &caps, EXC_SYNC, 0, false, 0).pstate,
			 DAIF | EL1H);
	from.pstate = EL1H | PAN;
	assert_int_equal(exc_take(&from, &caps, EXC_SYNC, 0, false, 0).pstate,
			 DAIF | PAN | EL1H);
	/* Without the features, neither. */
	from.sctlr = DSSBS;
	from.pstate = EL1H;
	assert_int_equal(exc_take(&from, &plain, EXC_SYNC, 0, false, 0).pstate,
			 DAIF | EL1H);
}

static void test_exception_syndromes(void **state)
{
	(void)state;
	assert_int_equal(exc_esr_undef(), 0x02000000);
	assert_int_equal(exc_esr_illegal_state(), 0x3a000000);
	assert_int_equal(exc_esr_svc(0x55), 0x56000055);
	assert_int_equal(exc_esr_brk(0x7), 0xf2000007);
	/* Data aborts: EC by the EL, WnR, CM (with WnR), S1PTW, DFSC. */
	assert_int_equal(exc_esr_dabt(EL1H, false, false, false, 0x07),
			 0x96000007);
	assert_int_equal(exc_esr_dabt(EL1T, true, false, false, 0x21),
			 0x96000061);
	assert_int_equal(exc_esr_dabt(EL0T, false, false, false, 0x0f),
			 0x9200000f);
	assert_int_equal(exc_esr_dabt(A32_USR, false, false, false, 0x05),
			 0x92000005);
	assert_int_equal(exc_esr_dabt(EL1H, false, true, false, 0x06),
			 0x96000146);
	assert_int_equal(exc_esr_dabt(EL1H, false, false, true, 0x07),
			 0x96000087);
	/* Instruction aborts. */
	assert_int_equal(exc_esr_iabt(EL1H, false, 0x05), 0x86000005);
	assert_int_equal(exc_esr_iabt(EL0T, true, 0x07), 0x82000087);
	assert_true(exc_from_el0(A32_USR));
	assert_false(exc_from_el0(EL1T));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exception_sync_entry_writes_the_syndrome),
	    cmocka_unit_test(test_exception_vector_by_the_mode_it_came_from),
	    cmocka_unit_test(test_exception_irq_writes_no_syndrome),
	    cmocka_unit_test(test_exception_pan_and_ssbs_as_the_cpu_has_them),
	    cmocka_unit_test(test_exception_syndromes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
