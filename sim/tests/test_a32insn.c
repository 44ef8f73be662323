/*
 * Unit tests of sim/a32insn.c: the syndromes hvsim gives for A32 and T32
 * instructions. Encodings from llvm-mc (--triple=armv7a / thumbv7a, and
 * armv8a for the acquire/release forms); a T32 32-bit instruction is
 * first halfword << 16 | second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "a32insn.h"
#include "hv/arch.h"

/* The ISS of a valid syndrome: SAS, SSE, SRT, AR, WnR. */
static uint32_t iss(unsigned sas, bool sse, unsigned srt, bool ar, bool wnr)
{
	return ISS_DA_ISV | sas << ISS_DA_SAS_SHIFT | (sse ? ISS_DA_SSE : 0) |
	       srt << ISS_DA_SRT_SHIFT | (ar ? ISS_DA_AR : 0) |
	       (wnr ? ISS_DA_WNR : 0);
}

static uint32_t a32(uint32_t insn, bool write)
{
	return a32insn_dabt_iss(insn, false, 4, write);
}

static uint32_t t16(uint16_t insn, bool write)
{
	return a32insn_dabt_iss(insn, true, 2, write);
}

static uint32_t t32(uint32_t insn, bool write)
{
	return a32insn_dabt_iss(insn, true, 4, write);
}

static void test_a32insn_t32_size_from_the_first_halfword(void **st)
{
	(void)st;
	assert_int_equal(a32insn_t32_size(0x680b), 2); /* ldr r3, [r1] */
	assert_int_equal(a32insn_t32_size(0xe7fe), 2); /* b . */
	assert_int_equal(a32insn_t32_size(0xe8bd), 4); /* pop.w */
	assert_int_equal(a32insn_t32_size(0xf8d1), 4); /* ldr.w */
	assert_int_equal(a32insn_t32_size(0xfb00), 4); /* mla */
	assert_int_equal(a32insn_t32_size(0xbf30), 2); /* wfi */
}

static void test_a32insn_a32_single_loads_and_stores(void **st)
{
	(void)st;
	assert_int_equal(a32(0xe5d60000, false), iss(0, false, 0, 0, 0));
	assert_int_equal(a32(0xe1d620b4, false), iss(1, false, 2, 0, 0));
	assert_int_equal(a32(0xe5963008, false), iss(2, false, 3, 0, 0));
	assert_int_equal(a32(0xe1d641d4, false), iss(0, true, 4, 0, 0));
	assert_int_equal(a32(0xe1d152f4, false), iss(1, true, 5, 0, 0));
	assert_int_equal(a32(0xe1c182b4, true), iss(1, false, 8, 0, 1));
	assert_int_equal(a32(0xe5c19000, true), iss(0, false, 9, 0, 1));
	assert_int_equal(a32(0xe581b000, true), iss(2, false, 11, 0, 1));
	/* ldr r0, [r1, -r2, lsl #2]: register offset. */
	assert_int_equal(a32(0xe7110102, false), iss(2, false, 0, 0, 0));
	/* Conditional: ldrne r14, [r0]. */
	assert_int_equal(a32(0x1590e000, false), iss(2, false, 14, 0, 0));
}

static void test_a32insn_a32_without_syndrome(void **st)
{
	(void)st;
	assert_int_equal(a32(0xe8910018, false), 0); /* ldm r1, {r3, r4} */
	assert_int_equal(a32(0xe8810018, true), ISS_DA_WNR); /* stm */
	assert_int_equal(a32(0xe5b10004, false), 0); /* ldr r0, [r1, #4]! */
	assert_int_equal(a32(0xe4910004, false), 0); /* ldr r0, [r1], #4 */
	assert_int_equal(a32(0xe4b10004, false), 0); /* ldrt r0, [r1], #4 */
	assert_int_equal(a32(0xe0f100b2, false), 0); /* ldrht r0, [r1], #2 */
	assert_int_equal(a32(0xe59f0004, false), 0); /* ldr r0, [pc, #4] */
	assert_int_equal(a32(0xe591f000, false), 0); /* ldr pc, [r1] */
	assert_int_equal(a32(0xe1c120d0, false), 0); /* ldrd r2, r3, [r1] */
	assert_int_equal(a32(0xe1c120f0, true), ISS_DA_WNR); /* strd */
	assert_int_equal(a32(0xe1910f9f, false), 0); /* ldrex r0, [r1] */
	assert_int_equal(a32(0xe1010092, true), ISS_DA_WNR); /* swp */
	assert_int_equal(a32(0xf5d1f000, false), 0);	     /* pld [r1] */
}

static void test_a32insn_a32_acquire_release(void **st)
{
	(void)st;
	assert_int_equal(a32(0xe1910c9f, false), iss(2, false, 0, 1, 0));
	assert_int_equal(a32(0xe1d10c9f, false), iss(0, false, 0, 1, 0));
	assert_int_equal(a32(0xe1f12c9f, false), iss(1, false, 2, 1, 0));
	/* stl r3, [r1]: Rt is in [3:0] for a store. */
	assert_int_equal(a32(0xe181fc93, true), iss(2, false, 3, 1, 1));
	assert_int_equal(a32(0xe1e1fc93, true), iss(1, false, 3, 1, 1));
}

static void test_a32insn_t16_loads_and_stores(void **st)
{
	(void)st;
	assert_int_equal(t16(0x7008, true), iss(0, false, 0, 0, 1));
	assert_int_equal(t16(0x800a, true), iss(1, false, 2, 0, 1));
	assert_int_equal(t16(0x600b, true), iss(2, false, 3, 0, 1));
	assert_int_equal(t16(0x7830, false), iss(0, false, 0, 0, 0));
	assert_int_equal(t16(0x88b2, false), iss(1, false, 2, 0, 0));
	assert_int_equal(t16(0x68b3, false), iss(2, false, 3, 0, 0));
	assert_int_equal(t16(0x5734, false), iss(0, true, 4, 0, 0));
	assert_int_equal(t16(0x5f4d, false), iss(1, true, 5, 0, 0));
	/* str r1, [r2, r3]; strh; strb; ldr; ldrh; ldrb (register). */
	assert_int_equal(t16(0x50d1, true), iss(2, false, 1, 0, 1));
	assert_int_equal(t16(0x52d1, true), iss(1, false, 1, 0, 1));
	assert_int_equal(t16(0x54d1, true), iss(0, false, 1, 0, 1));
	assert_int_equal(t16(0x58d1, false), iss(2, false, 1, 0, 0));
	assert_int_equal(t16(0x5ad1, false), iss(1, false, 1, 0, 0));
	assert_int_equal(t16(0x5cd1, false), iss(0, false, 1, 0, 0));
	/* ldr r5, [sp, #8]; str r5, [sp, #8]. */
	assert_int_equal(t16(0x9d02, false), iss(2, false, 5, 0, 0));
	assert_int_equal(t16(0x9502, true), iss(2, false, 5, 0, 1));
}

static void test_a32insn_t16_without_syndrome(void **st)
{
	(void)st;
	assert_int_equal(t16(0xc918, false), 0);	 /* ldm r1!, {r3, r4} */
	assert_int_equal(t16(0xc118, true), ISS_DA_WNR); /* stm r1!, {r3, r4} */
	assert_int_equal(t16(0xb418, true), ISS_DA_WNR); /* push {r3, r4} */
	assert_int_equal(t16(0xbc18, false), 0);	 /* pop {r3, r4} */
	assert_int_equal(t16(0x4801, false), 0);	 /* ldr r0, [pc, #4] */
}

static void test_a32insn_t32_loads_and_stores(void **st)
{
	(void)st;
	assert_int_equal(t32(0xf881c000, true), iss(0, false, 12, 0, 1));
	assert_int_equal(t32(0xf8a18024, true), iss(1, false, 8, 0, 1));
	assert_int_equal(t32(0xf8d6a010, false), iss(2, false, 10, 0, 0));
	assert_int_equal(t32(0xf996b01c, false), iss(0, true, 11, 0, 0));
	assert_int_equal(t32(0xf8b69018, false), iss(1, false, 9, 0, 0));
	assert_int_equal(t32(0xf9b1e000, false), iss(1, true, 14, 0, 0));
	/* ldr.w r0, [r1, #-4]; ldrt r0, [r1, #4]: imm8, no writeback. */
	assert_int_equal(t32(0xf8510c04, false), iss(2, false, 0, 0, 0));
	assert_int_equal(t32(0xf8510e04, false), iss(2, false, 0, 0, 0));
	/* ldr.w r0, [r1, r2, lsl #2]; strb.w r0, [r1, r2]. */
	assert_int_equal(t32(0xf8510022, false), iss(2, false, 0, 0, 0));
	assert_int_equal(t32(0xf8010002, true), iss(0, false, 0, 0, 1));
	/* lda r0, [r1]; stlh r3, [r1] (ARMv8). */
	assert_int_equal(t32(0xe8d10faf, false), iss(2, false, 0, 1, 0));
	assert_int_equal(t32(0xe8c13f9f, true), iss(1, false, 3, 1, 1));
}

static void test_a32insn_t32_without_syndrome(void **st)
{
	(void)st;
	assert_int_equal(t32(0xf8510b04, false), 0); /* ldr r0, [r1], #4 */
	assert_int_equal(t32(0xf8510f04, false), 0); /* ldr r0, [r1, #4]! */
	assert_int_equal(t32(0xf8df0004, false), 0); /* ldr.w r0, [pc, #4] */
	assert_int_equal(t32(0xf8d1f000, false), 0); /* ldr.w pc, [r1] */
	assert_int_equal(t32(0xe9d12300, false), 0); /* ldrd r2, r3, [r1] */
	assert_int_equal(t32(0xe8910018, false), 0); /* ldm.w r1, {r3, r4} */
	assert_int_equal(t32(0xe8410000, true), ISS_DA_WNR); /* strex */
	assert_int_equal(t32(0xf891f000, false), 0);	     /* pld [r1] */
}

static void test_a32insn_wfx_svc_bkpt(void **st)
{
	uint16_t imm = 0;
	bool wfe = true;

	(void)st;
	assert_true(a32insn_is_wfx(0xe320f003, false, 4, &wfe));
	assert_false(wfe);
	assert_true(a32insn_is_wfx(0x1320f002, false, 4, &wfe)); /* wfene */
	assert_true(wfe);
	assert_int_equal(a32insn_cond(0x1320f002, false), 1);
	assert_int_equal(a32insn_cond(0xbf30, true), 0xe);
	assert_true(a32insn_is_wfx(0xbf30, true, 2, &wfe));
	assert_false(wfe);
	assert_true(a32insn_is_wfx(0xbf20, true, 2, &wfe));
	assert_true(wfe);
	assert_true(a32insn_is_wfx(0xf3af8003, true, 4, &wfe));
	assert_false(wfe);
	assert_false(a32insn_is_wfx(0xe320f000, false, 4, &wfe)); /* nop */
	assert_false(a32insn_is_wfx(0xbf10, true, 2, &wfe));	  /* yield */
	assert_false(a32insn_is_wfx(0xbf00, true, 2, &wfe));	  /* nop */

	assert_true(a32insn_svc_imm(0xef654321, false, 4, &imm));
	assert_int_equal(imm, 0x4321);
	assert_true(a32insn_svc_imm(0xdf42, true, 2, &imm));
	assert_int_equal(imm, 0x42);
	assert_false(a32insn_svc_imm(0xfd000000, false, 4, &imm));
	assert_true(a32insn_bkpt_imm(0xe1212374, false, 4, &imm));
	assert_int_equal(imm, 0x1234);
	assert_true(a32insn_bkpt_imm(0xbe12, true, 2, &imm));
	assert_int_equal(imm, 0x12);
	assert_false(a32insn_bkpt_imm(0xde00, true, 2, &imm)); /* udf */
}

static void test_a32insn_it_blocks(void **st)
{
	uint8_t it = 0;

	(void)st;
	assert_true(a32insn_it(0xbf06, true, 2, &it)); /* itte eq */
	assert_int_equal(it, 0x06);
	assert_int_equal(a32insn_it_advance(it), 0x0c);
	assert_int_equal(a32insn_it_advance(0x0c), 0x18);
	assert_int_equal(a32insn_it_advance(0x18), 0);
	/* ITSTATE[7:5] (the base condition) does not shift. */
	assert_int_equal(a32insn_it_advance(0xa3), 0xa6);
	assert_false(a32insn_it(0xbf00, true, 2, &it));	 /* nop */
	assert_false(a32insn_it(0xbf06, false, 4, &it)); /* A32 */
}

static void test_a32insn_coprocessor_space(void **st)
{
	(void)st;
	/* mcr p15, 0, r0, c7, c10, 5 (CP15DMB), c7, c10, 4, c7, c5, 4. */
	assert_int_equal(a32insn_coproc(0xee070fba, false, 4),
			 A32INSN_COPROC_CARRIED);
	assert_int_equal(a32insn_coproc(0xee070f9a, false, 4),
			 A32INSN_COPROC_CARRIED);
	assert_int_equal(a32insn_coproc(0xee070f95, false, 4),
			 A32INSN_COPROC_CARRIED);
	/* mrc p15, 0, r0, c13, c0, 2 / 3 (TPIDRURW, TPIDRURO), A32, T32. */
	assert_int_equal(a32insn_coproc(0xee1d0f50, false, 4),
			 A32INSN_COPROC_CARRIED);
	assert_int_equal(a32insn_coproc(0xee1d0f70, true, 4),
			 A32INSN_COPROC_CARRIED);
	/* mrrc p15, 1, r0, r1, c14 (CNTVCT); mrc p15, 0, r0, c9, c13, 0
	 * (PMCCNTR); vadd.f32 s0, s0, s0; vadd.i32 d0, d0, d0; vld1. */
	assert_int_equal(a32insn_coproc(0xec510f1e, false, 4),
			 A32INSN_COPROC_OTHER);
	assert_int_equal(a32insn_coproc(0xee190f1d, false, 4),
			 A32INSN_COPROC_OTHER);
	assert_int_equal(a32insn_coproc(0xee300a00, false, 4),
			 A32INSN_COPROC_OTHER);
	assert_int_equal(a32insn_coproc(0xf2200800, false, 4),
			 A32INSN_COPROC_OTHER);
	assert_int_equal(a32insn_coproc(0xf421078f, false, 4),
			 A32INSN_COPROC_OTHER);
	assert_int_equal(a32insn_coproc(0xef200800, true, 4),
			 A32INSN_COPROC_OTHER);
	assert_int_equal(a32insn_coproc(0xf921078f, true, 4),
			 A32INSN_COPROC_OTHER);
	/* Not coprocessor instructions: svc, blx, dmb, ldr, a T16 one. */
	assert_int_equal(a32insn_coproc(0xef654321, false, 4),
			 A32INSN_NOT_COPROC);
	assert_int_equal(a32insn_coproc(0xfa000000, false, 4),
			 A32INSN_NOT_COPROC);
	assert_int_equal(a32insn_coproc(0xf57ff05f, false, 4),
			 A32INSN_NOT_COPROC);
	assert_int_equal(a32insn_coproc(0xe5963008, false, 4),
			 A32INSN_NOT_COPROC);
	assert_int_equal(a32insn_coproc(0xee07, true, 2), A32INSN_NOT_COPROC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a32insn_t32_size_from_the_first_halfword),
	    cmocka_unit_test(test_a32insn_a32_single_loads_and_stores),
	    cmocka_unit_test(test_a32insn_a32_without_syndrome),
	    cmocka_unit_test(test_a32insn_a32_acquire_release),
	    cmocka_unit_test(test_a32insn_t16_loads_and_stores),
	    cmocka_unit_test(test_a32insn_t16_without_syndrome),
	    cmocka_unit_test(test_a32insn_t32_loads_and_stores),
	    cmocka_unit_test(test_a32insn_t32_without_syndrome),
	    cmocka_unit_test(test_a32insn_wfx_svc_bkpt),
	    cmocka_unit_test(test_a32insn_it_blocks),
	    cmocka_unit_test(test_a32insn_coprocessor_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
