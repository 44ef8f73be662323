/*
 * Unit tests of sim/mmu.c: an access walked page by page through a fake
 * stage 1 (VA page -> IPA page or a fault) and stage 2 (IPA pages with
 * permissions), checking which page faults, at which stage, and the VA
 * reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mmu.h"

#define VA(n)  (0xffff800000100000ull + (n)*4096ull)
#define IPA(n) (0x40000000ull + (n)*4096ull)

/* Stage 1: VA(n) for n < 4 maps to ipa_of[n] unless s1_fault[n] says. */
static uint64_t ipa_of[4];
static struct s1_result s1_fault[4];
/* Stage 2: the IPA pages IPA(0..7) with these permissions (0: unmapped). */
static unsigned s2_perms[8];
static unsigned s1_calls;

static struct s1_result fake_s1(void *ctx, uint64_t va, enum s1_access acc,
				bool el0)
{
	uint64_t n = (va - VA(0)) / 4096;

	(void)ctx;
	(void)acc;
	(void)el0;
	s1_calls++;
	if (va < VA(0) || n >= 4)
		return (struct s1_result){.fault = S1_FAULT_TRANSLATION,
					  .level = 1};
	if (s1_fault[n].fault != S1_OK)
		return s1_fault[n];
	return (struct s1_result){
	    .fault = S1_OK, .level = 3, .ipa = ipa_of[n] + (va & 4095)};
}

static struct s2_result fake_s2(void *ctx, uint64_t ipa)
{
	uint64_t n = (ipa - IPA(0)) / 4096;

	(void)ctx;
	if (ipa < IPA(0) || n >= 8 || s2_perms[n] == 0)
		return (struct s2_result){.fault = S2_FAULT_TRANSLATION,
					  .level = 3};
	return (struct s2_result){.fault = S2_OK,
				  .level = 3,
				  .pa = ipa,
				  .base_ipa = ipa & ~4095ull,
				  .size = 4096,
				  .perms = s2_perms[n]};
}

static const struct mmu_ops ops = {fake_s1, fake_s2, NULL};

/* VA(n) -> IPA(2n + 1), not contiguous; every IPA page read-write. */
static int setup(void **st)
{
	(void)st;
	for (unsigned n = 0; n < 4; n++) {
		ipa_of[n] = IPA(2 * n + 1);
		s1_fault[n] = (struct s1_result){.fault = S1_OK};
	}
	for (unsigned n = 0; n < 8; n++)
		s2_perms[n] = S2_PERM_R | S2_PERM_W;
	s1_calls = 0;
	return 0;
}

static void test_mmu_no_fault_across_pages(void **st)
{
	struct mmu_fault f;

	(void)st;
	f = mmu_find_fault(&ops, VA(0) + 4088, 16, S1_WRITE, false);
	assert_int_equal(f.verdict, MMU_NO_FAULT);
	assert_int_equal(s1_calls, 2);
	/* len 0 is taken as one byte */
	f = mmu_find_fault(&ops, VA(1) + 8, 0, S1_READ, false);
	assert_int_equal(f.verdict, MMU_NO_FAULT);
}

static void test_mmu_stage1_fault_on_the_first_page_at_the_va(void **st)
{
	struct mmu_fault f;

	(void)st;
	s1_fault[0] =
	    (struct s1_result){.fault = S1_FAULT_PERMISSION, .level = 3};
	f = mmu_find_fault(&ops, VA(0) + 4088, 16, S1_WRITE, false);
	assert_int_equal(f.verdict, MMU_STAGE1);
	assert_int_equal(f.va, VA(0) + 4088);
	assert_int_equal(f.s1.fault, S1_FAULT_PERMISSION);
	assert_int_equal(f.s1.level, 3);
}

static void test_mmu_stage1_fault_on_the_second_page_at_its_start(void **st)
{
	struct mmu_fault f;

	(void)st;
	s1_fault[1] =
	    (struct s1_result){.fault = S1_FAULT_TRANSLATION, .level = 2};
	f = mmu_find_fault(&ops, VA(0) + 4088, 16, S1_READ, false);
	assert_int_equal(f.verdict, MMU_STAGE1);
	assert_int_equal(f.va, VA(1));
	assert_int_equal(f.s1.fault, S1_FAULT_TRANSLATION);
	assert_int_equal(f.s1.level, 2);
}

static void test_mmu_stage2_fault_gives_the_ipa_of_the_page(void **st)
{
	struct mmu_fault f;

	(void)st;
	s2_perms[3] = 0; /* VA(1)'s IPA page: unmapped */
	f = mmu_find_fault(&ops, VA(0) + 4092, 8, S1_READ, false);
	assert_int_equal(f.verdict, MMU_STAGE2);
	assert_false(f.s1ptw);
	assert_int_equal(f.va, VA(1));
	assert_int_equal(f.ipa, IPA(3));
	assert_int_equal(f.s2.fault, S2_FAULT_TRANSLATION);
	/* On the first page: the IPA of the access's first byte. */
	s2_perms[1] = 0;
	f = mmu_find_fault(&ops, VA(0) + 0x123, 4, S1_READ, false);
	assert_int_equal(f.verdict, MMU_STAGE2);
	assert_int_equal(f.va, VA(0) + 0x123);
	assert_int_equal(f.ipa, IPA(1) + 0x123);
}

static void test_mmu_stage2_permission_by_access_kind(void **st)
{
	struct mmu_fault f;

	(void)st;
	s2_perms[1] = S2_PERM_R; /* VA(0): read-only at stage 2 */
	f = mmu_find_fault(&ops, VA(0) + 8, 8, S1_READ, false);
	assert_int_equal(f.verdict, MMU_NO_FAULT);
	f = mmu_find_fault(&ops, VA(0) + 8, 8, S1_WRITE, false);
	assert_int_equal(f.verdict, MMU_STAGE2);
	assert_int_equal(f.ipa, IPA(1) + 8);
	assert_int_equal(f.s2.fault, S2_OK);
	assert_int_equal(f.s2.perms, S2_PERM_R);
	/* A fetch needs execute permission. */
	f = mmu_find_fault(&ops, VA(0) + 8, 4, S1_FETCH, false);
	assert_int_equal(f.verdict, MMU_STAGE2);
}

static void test_mmu_walk_fault_is_stage2_with_s1ptw(void **st)
{
	struct mmu_fault f;

	(void)st;
	s1_fault[2] = (struct s1_result){
	    .fault = S1_FAULT_WALK, .level = 2, .ipa = IPA(6) + 0x18};
	s2_perms[6] = 0;
	f = mmu_find_fault(&ops, VA(2) + 0x40, 8, S1_READ, false);
	assert_int_equal(f.verdict, MMU_STAGE2);
	assert_true(f.s1ptw);
	assert_int_equal(f.va, VA(2) + 0x40);
	assert_int_equal(f.ipa, IPA(6) + 0x18);
	assert_int_equal(f.s2.fault, S2_FAULT_TRANSLATION);
}

static void test_mmu_unmodelled_stage1(void **st)
{
	struct mmu_fault f;

	(void)st;
	s1_fault[0] = (struct s1_result){.fault = S1_FAULT_UNSUPPORTED};
	f = mmu_find_fault(&ops, VA(0), 8, S1_READ, false);
	assert_int_equal(f.verdict, MMU_UNSUPPORTED);
	assert_int_equal(f.va, VA(0));
}

static void test_mmu_va_of_ipa(void **st)
{
	uint64_t va = 0;

	(void)st;
	/* A pair across VA(0) and VA(1), which map to IPA(1) and IPA(3). */
	assert_true(mmu_va_of_ipa(&ops, VA(0) + 4088, 16, S1_WRITE, false,
				  IPA(3) + 4, &va));
	assert_int_equal(va, VA(1) + 4);
	assert_true(mmu_va_of_ipa(&ops, VA(0) + 4088, 16, S1_WRITE, false,
				  IPA(1) + 4092, &va));
	assert_int_equal(va, VA(0) + 4092);
	/* An IPA no page of the access maps to. */
	va = 7;
	assert_false(mmu_va_of_ipa(&ops, VA(0) + 4088, 16, S1_WRITE, false,
				   IPA(5), &va));
	assert_int_equal(va, 7);
	/* A page stage 1 does not map is skipped. */
	s1_fault[0] =
	    (struct s1_result){.fault = S1_FAULT_TRANSLATION, .level = 3};
	assert_false(
	    mmu_va_of_ipa(&ops, VA(0) + 8, 8, S1_READ, false, IPA(1) + 8, &va));
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_mmu_no_fault_across_pages),
	    T(test_mmu_stage1_fault_on_the_first_page_at_the_va),
	    T(test_mmu_stage1_fault_on_the_second_page_at_its_start),
	    T(test_mmu_stage2_fault_gives_the_ipa_of_the_page),
	    T(test_mmu_stage2_permission_by_access_kind),
	    T(test_mmu_walk_fault_is_stage2_with_s1ptw),
	    T(test_mmu_unmodelled_stage1),
	    T(test_mmu_va_of_ipa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
