/*
 * Unit tests of sim/a64mem.c: the memory access decoded from an A64
 * instruction, every field checked. Encodings from llvm-mc
 * (--triple=aarch64 -mattr=+v8.1a --show-encoding); literal loads
 * assembled by hand from the Arm ARM's encoding (imm19 at bit 5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "a64mem.h"

#define ZVA 64 /* DCZID_EL0.BS = 4 */

static struct a64mem decode(uint32_t insn)
{
	struct a64mem m;

	assert_true(a64mem_decode(insn, ZVA, &m));
	return m;
}

/* Every field of a decoded access against the expected one. */
static void check(uint32_t insn, struct a64mem want)
{
	struct a64mem m = decode(insn);

	assert_int_equal(m.len, want.len);
	assert_int_equal(m.esize, want.esize);
	assert_int_equal(m.write, want.write);
	assert_int_equal(m.cm, want.cm);
	assert_int_equal(m.unpriv, want.unpriv);
	assert_int_equal(m.align, want.align);
	assert_int_equal(m.addr, want.addr);
	assert_int_equal(m.rn, want.rn);
	assert_int_equal(m.reg_offset, want.reg_offset);
	if (want.reg_offset) {
		assert_int_equal(m.rm, want.rm);
		assert_int_equal(m.extend, want.extend);
		assert_int_equal(m.shift, want.shift);
	}
	if (want.addr == A64MEM_OFFSET || want.addr == A64MEM_LITERAL)
		assert_int_equal(m.imm, want.imm);
}

static void test_a64mem_single_register_immediate(void **st)
{
	(void)st;
	/* ldrb w1, [x2] */
	check(0x39400041u, (struct a64mem){.len = 1, .esize = 1, .rn = 2});
	/* ldrsh x3, [x4, #6] */
	check(0x79800c83u,
	      (struct a64mem){.len = 2, .esize = 2, .rn = 4, .imm = 6});
	/* ldr x1, [x2, #32760]: imm12 scaled by 8 */
	check(0xf97ffc41u,
	      (struct a64mem){.len = 8, .esize = 8, .rn = 2, .imm = 32760});
	/* str x9, [sp, #32] */
	check(0xf90013e9u,
	      (struct a64mem){
		  .len = 8, .esize = 8, .write = true, .rn = 31, .imm = 32});
	/* ldr w5, [x6, #-3]!: pre-index accesses base + imm */
	check(0xb85fdcc5u,
	      (struct a64mem){.len = 4, .esize = 4, .rn = 6, .imm = -3});
	/* ldr x7, [x8], #16: post-index accesses the base itself */
	check(0xf8410507u,
	      (struct a64mem){
		  .len = 8, .esize = 8, .addr = A64MEM_POST, .rn = 8});
	/* ldur q10, [x11, #-1] */
	check(0x3cdff16au,
	      (struct a64mem){.len = 16, .esize = 16, .rn = 11, .imm = -1});
}

static void test_a64mem_single_register_offset(void **st)
{
	(void)st;
	/* ldr x12, [x13, x14, lsl #3] */
	check(0xf86e79acu, (struct a64mem){.len = 8,
					   .esize = 8,
					   .rn = 13,
					   .reg_offset = true,
					   .rm = 14,
					   .extend = 3,
					   .shift = 3});
	/* ldr w15, [x16, w17, sxtw] */
	check(0xb871ca0fu, (struct a64mem){.len = 4,
					   .esize = 4,
					   .rn = 16,
					   .reg_offset = true,
					   .rm = 17,
					   .extend = 6,
					   .shift = 0});
	/* strh w18, [x19, w20, uxtw #1] */
	check(0x78345a72u, (struct a64mem){.len = 2,
					   .esize = 2,
					   .write = true,
					   .rn = 19,
					   .reg_offset = true,
					   .rm = 20,
					   .extend = 2,
					   .shift = 1});
}

static void test_a64mem_unprivileged_and_literal(void **st)
{
	(void)st;
	/* ldtr x21, [x22, #8] */
	check(0xf8408ad5u,
	      (struct a64mem){
		  .len = 8, .esize = 8, .unpriv = true, .rn = 22, .imm = 8});
	/* sttrb w23, [x24] */
	check(
	    0x38000b17u,
	    (struct a64mem){
		.len = 1, .esize = 1, .write = true, .unpriv = true, .rn = 24});
	/* ldr x25, .+8 */
	check(0x58000059u,
	      (struct a64mem){
		  .len = 8, .esize = 8, .addr = A64MEM_LITERAL, .imm = 8});
	/* ldr q0, .-16 */
	check(0x9cffff80u,
	      (struct a64mem){
		  .len = 16, .esize = 16, .addr = A64MEM_LITERAL, .imm = -16});
	/* ldrsw x1, .+4 */
	check(0x98000021u,
	      (struct a64mem){
		  .len = 4, .esize = 4, .addr = A64MEM_LITERAL, .imm = 4});
}

static void test_a64mem_pairs(void **st)
{
	(void)st;
	/* ldp x1, x2, [sp, #-16]! */
	check(0xa9ff0be1u,
	      (struct a64mem){.len = 16, .esize = 8, .rn = 31, .imm = -16});
	/* stp w3, w4, [x5], #8 */
	check(0x288110a3u, (struct a64mem){.len = 8,
					   .esize = 4,
					   .write = true,
					   .addr = A64MEM_POST,
					   .rn = 5});
	/* ldpsw x6, x7, [x8, #-8]: two 4-byte elements */
	check(0x697f1d06u,
	      (struct a64mem){.len = 8, .esize = 4, .rn = 8, .imm = -8});
	/* ldp q0, q1, [x9, #32] */
	check(0xad410520u,
	      (struct a64mem){.len = 32, .esize = 16, .rn = 9, .imm = 32});
	/* stnp d2, d3, [x10, #-512] */
	check(0x6c200d42u,
	      (struct a64mem){
		  .len = 16, .esize = 8, .write = true, .rn = 10, .imm = -512});
}

static void test_a64mem_exclusives_and_ordered(void **st)
{
	(void)st;
	/* ldxr x1, [x2] */
	check(0xc85f7c41u,
	      (struct a64mem){.len = 8, .esize = 8, .align = true, .rn = 2});
	/* stxr w3, x4, [x5]: the access is the 4-byte w4 */
	check(0x88037ca4u,
	      (struct a64mem){
		  .len = 4, .esize = 4, .write = true, .align = true, .rn = 5});
	/* ldaxp x6, x7, [x8]: aligned to the pair's 16 bytes */
	check(0xc87f9d06u,
	      (struct a64mem){.len = 16, .esize = 8, .align = true, .rn = 8});
	/* stlxp w9, w10, w11, [x12] */
	check(
	    0x8829ad8au,
	    (struct a64mem){
		.len = 8, .esize = 4, .write = true, .align = true, .rn = 12});
	/* ldxrh w16, [x17] */
	check(0x485f7e30u,
	      (struct a64mem){.len = 2, .esize = 2, .align = true, .rn = 17});
	/* ldarb w13, [x14]: load-acquire is alignment-checked too */
	check(0x08dffdcdu,
	      (struct a64mem){.len = 1, .esize = 1, .align = true, .rn = 14});
	/* stlr x15, [sp] */
	check(
	    0xc89fffefu,
	    (struct a64mem){
		.len = 8, .esize = 8, .write = true, .align = true, .rn = 31});
}

static void test_a64mem_dc_zva_and_cache_maintenance(void **st)
{
	struct a64mem m;

	(void)st;
	/* dc zva, x18: a write of the whole block */
	check(0xd50b7432u, (struct a64mem){.len = ZVA,
					   .esize = ZVA,
					   .write = true,
					   .addr = A64MEM_BLOCK,
					   .rn = 18});
	/* dc zva, xzr */
	check(0xd50b743fu, (struct a64mem){.len = ZVA,
					   .esize = ZVA,
					   .write = true,
					   .addr = A64MEM_BLOCK,
					   .rn = 31});
	/* DCZID_EL0.DZP: no block size, no DC ZVA to decode */
	assert_false(a64mem_decode(0xd50b7432u, 0, &m));
	/* dc civac, x19 and ic ivau, x20: CM, reported as writes */
	check(0xd50b7e33u, (struct a64mem){.len = 1,
					   .esize = 1,
					   .write = true,
					   .cm = true,
					   .addr = A64MEM_BLOCK,
					   .rn = 19});
	check(0xd50b7534u, (struct a64mem){.len = 1,
					   .esize = 1,
					   .write = true,
					   .cm = true,
					   .addr = A64MEM_BLOCK,
					   .rn = 20});
}

static void test_a64mem_simd_structures(void **st)
{
	(void)st;
	/* ld1 {v0.16b}, [x1] */
	check(0x4c407020u, (struct a64mem){.len = 16, .esize = 1, .rn = 1});
	/* st4 {v0.4s-v3.4s}, [x2], #64 */
	check(0x4c9f0840u, (struct a64mem){.len = 64,
					   .esize = 4,
					   .write = true,
					   .addr = A64MEM_POST,
					   .rn = 2});
	/* st1 {v0.2d, v1.2d}, [x6], x7 */
	check(0x4c87acc0u, (struct a64mem){.len = 32,
					   .esize = 8,
					   .write = true,
					   .addr = A64MEM_POST,
					   .rn = 6});
	/* ld1 {v0.d}[1], [x3]: one lane */
	check(0x4d408460u, (struct a64mem){.len = 8, .esize = 8, .rn = 3});
	/* ld3 {v0.s-v2.s}[2], [x8] */
	check(0x4d40a100u, (struct a64mem){.len = 12, .esize = 4, .rn = 8});
	/* ld4r {v0.8h-v3.8h}, [x4], x5: four halfwords */
	check(0x4de5e480u,
	      (struct a64mem){
		  .len = 8, .esize = 2, .addr = A64MEM_POST, .rn = 4});
}

static void test_a64mem_refuses_what_accesses_nothing(void **st)
{
	struct a64mem m = {.len = 99};

	(void)st;
	assert_false(a64mem_decode(0xf9800020u, ZVA, &m)); /* prfm [x1] */
	assert_false(a64mem_decode(0xd8000000u, ZVA, &m)); /* prfm literal */
	assert_false(a64mem_decode(0xf8210062u, ZVA, &m)); /* ldadd (LSE) */
	assert_false(a64mem_decode(0xd503201fu, ZVA, &m)); /* nop */
	assert_false(a64mem_decode(0x8b020020u, ZVA, &m)); /* add */
	assert_false(a64mem_decode(0xd5087640u, ZVA, &m)); /* dc isw, x0 */
	assert_false(a64mem_decode(0x00000000u, ZVA, &m)); /* udf */
	assert_int_equal(m.len, 99); /* untouched when refused */
}

static void test_a64mem_address(void **st)
{
	struct a64mem m;

	(void)st;
	m = decode(0xb85fdcc5u); /* ldr w5, [x6, #-3]! */
	assert_int_equal(a64mem_address(&m, 0, 0x1000, 0), 0xffd);
	m = decode(0xf8410507u); /* ldr x7, [x8], #16 */
	assert_int_equal(a64mem_address(&m, 0, 0x1000, 0), 0x1000);
	m = decode(0xf86e79acu); /* ldr x12, [x13, x14, lsl #3] */
	assert_int_equal(a64mem_address(&m, 0, 0x1000, 2), 0x1010);
	m = decode(0xb871ca0fu); /* ldr w15, [x16, w17, sxtw] */
	assert_int_equal(a64mem_address(&m, 0, 0x1000, 0xfffffffffffffff0ull),
			 0xff0);
	assert_int_equal(a64mem_address(&m, 0, 0x1000, 0x1fffffff0ull),
			 0xff0); /* the upper word is ignored */
	m = decode(0x78345a72u); /* strh w18, [x19, w20, uxtw #1] */
	assert_int_equal(a64mem_address(&m, 0, 0x1000, 0x1ffffffffull),
			 0x1000 + 0x1fffffffeull);
	m = decode(0x9cffff80u); /* ldr q0, .-16 */
	assert_int_equal(a64mem_address(&m, 0x8010, 0, 0), 0x8000);
	m = decode(0xd50b7432u); /* dc zva: the block holding Xt */
	assert_int_equal(a64mem_address(&m, 0, 0x12345, 0), 0x12340);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a64mem_single_register_immediate),
	    cmocka_unit_test(test_a64mem_single_register_offset),
	    cmocka_unit_test(test_a64mem_unprivileged_and_literal),
	    cmocka_unit_test(test_a64mem_pairs),
	    cmocka_unit_test(test_a64mem_exclusives_and_ordered),
	    cmocka_unit_test(test_a64mem_dc_zva_and_cache_maintenance),
	    cmocka_unit_test(test_a64mem_simd_structures),
	    cmocka_unit_test(test_a64mem_refuses_what_accesses_nothing),
	    cmocka_unit_test(test_a64mem_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
