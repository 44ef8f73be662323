/*
 * Unit tests of sim/s1walk.c: the guest's stage 1 built here, table by
 * table, in a small fake guest-physical memory; one test per kind of
 * answer (output, fault kind and level, memory type).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "s1walk.h"

/* Fake guest memory: eight 4 KiB table pages at IPA 0x10000 + n * 4096. */
#define TABLE_BASE  0x10000ull
#define TABLE_COUNT 8
static uint64_t tables[TABLE_COUNT][512];
static uint64_t refused_ipa; /* a read there fails (stage-2 fault) */

static bool read_desc(void *ctx, uint64_t ipa, uint64_t *desc)
{
	uint64_t n = (ipa - TABLE_BASE) / 4096;

	(void)ctx;
	if (ipa == refused_ipa || ipa < TABLE_BASE || n >= TABLE_COUNT ||
	    (ipa & 7) != 0)
		return false;
	*desc = tables[n][(ipa % 4096) / 8];
	return true;
}

static uint64_t table_ipa(unsigned n)
{
	return TABLE_BASE + n * 4096ull;
}

#define SCTLR_M	  1ull
#define SCTLR_WXN (1ull << 19)
#define T0SZ(n)	  ((uint64_t)(n))
#define T1SZ(n)	  ((uint64_t)(n) << 16)
#define EPD0	  (1ull << 7)
#define EPD1	  (1ull << 23)
#define TG0_64K	  (1ull << 14)
#define TG1_4K	  (2ull << 30)
#define TG1_64K	  (3ull << 30)
#define IPS(n)	  ((uint64_t)(n) << 32)
#define TBI0	  (1ull << 37)

#define TABLE	 3ull
#define PAGE	 3ull
#define BLOCK	 1ull
#define AF	 (1ull << 10)
#define AP_EL0	 (1ull << 6)
#define AP_RO	 (1ull << 7)
#define PXN	 (1ull << 53)
#define UXN	 (1ull << 54)
#define PXNTABLE (1ull << 59)
#define XNTABLE	 (1ull << 60)
#define APTABLE0 (1ull << 61)
#define APTABLE1 (1ull << 62)
#define ATTR(i)	 ((uint64_t)(i) << 2)

static struct s1walk_cfg cfg;

/*
 * The standard map (T0SZ 25, start at level 1, 40-bit output):
 *   L1 (table 0) [1] -> L2 (table 1); [2] -> 1 GiB block at 0x80000000
 *   L2 [0] -> L3 (table 2); [1] -> 2 MiB block at 0x40200000, attr 1
 *   L3 [0] -> page 0x40000000; [1] invalid; [2] page, AF clear;
 *      [3] page 0x7fff000 read-only, EL0 too
 */
static int setup(void **state)
{
	(void)state;
	memset(tables, 0, sizeof(tables));
	refused_ipa = 0;
	tables[0][1] = table_ipa(1) | TABLE;
	tables[0][2] = 0x80000000ull | BLOCK | AF;
	tables[1][0] = table_ipa(2) | TABLE;
	tables[1][1] = 0x40200000ull | BLOCK | AF | ATTR(1);
	tables[2][0] = 0x40000000ull | PAGE | AF;
	tables[2][2] = 0x40002000ull | PAGE;
	tables[2][3] = 0x07fff000ull | PAGE | AF | AP_EL0 | AP_RO;
	cfg = (struct s1walk_cfg){
	    .regs = {.sctlr = SCTLR_M,
		     .tcr = T0SZ(25) | T1SZ(25) | EPD1 | TG1_4K | IPS(2),
		     .ttbr0 = table_ipa(0),
		     .mair = 0x04ff},
	    .pa_bits = 44,
	    .read = read_desc,
	};
	return 0;
}

static struct s1_result el1(uint64_t va, enum s1_access acc)
{
	return s1walk_translate(&cfg, va, acc, false);
}

static void assert_fault(struct s1_result r, enum s1_fault f, unsigned level)
{
	assert_int_equal(r.fault, f);
	assert_int_equal(r.level, level);
}

static void test_s1walk_mmu_off_is_flat_device_memory(void **state)
{
	struct s1_result r;

	(void)state;
	cfg.regs.sctlr = 0;
	r = el1(0x09000004, S1_WRITE);
	assert_int_equal(r.fault, S1_OK);
	assert_int_equal(r.ipa, 0x09000004);
	assert_int_equal(r.attr, 0x00);
	assert_true(s1walk_attr_device(r.attr));
	assert_false(s1walk_attr_device(el1(0x40000000, S1_FETCH).attr));
}

static void test_s1walk_mmu_off_checks_the_output_size(void **state)
{
	(void)state;
	cfg.regs.sctlr = 0;
	assert_fault(el1(1ull << 44, S1_READ), S1_FAULT_ADDRESS_SIZE, 0);
	assert_int_equal(el1((1ull << 44) - 8, S1_READ).fault, S1_OK);
	/* With TBI the top byte is not part of the address. */
	assert_fault(el1(0xff00000040000000ull, S1_READ), S1_FAULT_ADDRESS_SIZE,
		     0);
	cfg.regs.tcr |= TBI0;
	assert_int_equal(el1(0x7f00000040000000ull, S1_READ).fault, S1_OK);
}

static void test_s1walk_translates_pages_and_blocks(void **state)
{
	struct s1_result r;

	(void)state;
	r = el1(0x40000abc, S1_READ);
	assert_int_equal(r.fault, S1_OK);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.ipa, 0x40000abc);
	assert_int_equal(r.attr, 0xff);

	r = el1(0x40212345, S1_WRITE);
	assert_int_equal(r.fault, S1_OK);
	assert_int_equal(r.level, 2);
	assert_int_equal(r.ipa, 0x40212345);
	assert_int_equal(r.attr, 0x04);

	r = el1(0x81234567, S1_FETCH);
	assert_int_equal(r.fault, S1_OK);
	assert_int_equal(r.level, 1);
	assert_int_equal(r.ipa, 0x81234567);

	/* Not the identity: the page's output address. */
	r = el1(0x40003010, S1_READ);
	assert_int_equal(r.ipa, 0x07fff010);
}

static void test_s1walk_translation_fault_at_each_level(void **state)
{
	(void)state;
	assert_fault(el1(0x00000000, S1_READ), S1_FAULT_TRANSLATION, 1);
	assert_fault(el1(0x40400000, S1_READ), S1_FAULT_TRANSLATION, 2);
	assert_fault(el1(0x40001000, S1_READ), S1_FAULT_TRANSLATION, 3);
	/* Bit 1 clear at level 3 is reserved, not a block. */
	tables[2][4] = 0x40004000ull | BLOCK | AF;
	assert_fault(el1(0x40004000, S1_READ), S1_FAULT_TRANSLATION, 3);
}

static void test_s1walk_out_of_range_addresses_fault_at_level_0(void **state)
{
	(void)state;
	assert_fault(el1(1ull << 39, S1_READ), S1_FAULT_TRANSLATION, 0);
	assert_fault(el1(0x0000800000000000ull, S1_READ), S1_FAULT_TRANSLATION,
		     0);
	/* The upper half, walks disabled by EPD1. */
	assert_fault(el1(0xffffff8040000000ull, S1_READ), S1_FAULT_TRANSLATION,
		     0);
	/* TBI: the top byte does not matter. */
	cfg.regs.tcr |= TBI0;
	assert_int_equal(el1(0x5a00000040000000ull, S1_READ).fault, S1_OK);
}

static void test_s1walk_upper_half_walks_ttbr1(void **state)
{
	struct s1_result r;

	(void)state;
	cfg.regs.tcr &= ~EPD1;
	cfg.regs.ttbr1 = table_ipa(0);
	/* 0xffffff8040000000: index 1 at level 1, as in TTBR0's half. */
	r = el1(0xffffff8040000abcull, S1_READ);
	assert_int_equal(r.fault, S1_OK);
	assert_int_equal(r.ipa, 0x40000abc);
	cfg.regs.tcr |= EPD0;
	assert_fault(el1(0x40000abc, S1_READ), S1_FAULT_TRANSLATION, 0);
}

static void test_s1walk_txsz_out_of_range_faults_at_level_0(void **state)
{
	(void)state;
	cfg.regs.tcr = (cfg.regs.tcr & ~0x3full) | T0SZ(40);
	assert_fault(el1(0x40000000, S1_READ), S1_FAULT_TRANSLATION, 0);
	cfg.regs.tcr = (cfg.regs.tcr & ~0x3full) | T0SZ(15);
	assert_fault(el1(0x40000000, S1_READ), S1_FAULT_TRANSLATION, 0);
}

static void test_s1walk_48_bit_va_starts_at_level_0(void **state)
{
	struct s1_result r;

	(void)state;
	cfg.regs.tcr = (cfg.regs.tcr & ~0x3full) | T0SZ(16);
	tables[3][0] = table_ipa(0) | TABLE;
	cfg.regs.ttbr0 = table_ipa(3);
	r = el1(0x40000abc, S1_READ);
	assert_int_equal(r.fault, S1_OK);
	assert_int_equal(r.ipa, 0x40000abc);
	assert_fault(el1(0x0000008000000000ull, S1_READ), S1_FAULT_TRANSLATION,
		     0);
	/* A block at level 0 maps 512 GiB, as QEMU and Unicorn walk it. */
	tables[3][1] = 0x8000000000ull | BLOCK | AF;
	cfg.regs.tcr = (cfg.regs.tcr & ~IPS(7)) | IPS(5);
	r = el1(0x8012345678ull, S1_READ);
	assert_int_equal(r.fault, S1_OK);
	assert_int_equal(r.level, 0);
	assert_int_equal(r.ipa, 0x8012345678ull);
}

static void test_s1walk_output_beyond_ips_is_an_address_size_fault(void **state)
{
	(void)state;
	cfg.regs.tcr = (cfg.regs.tcr & ~IPS(7)) | IPS(0); /* 32 bits */
	tables[2][5] = 0x100005000ull | PAGE | AF;
	assert_fault(el1(0x40005000, S1_READ), S1_FAULT_ADDRESS_SIZE, 3);
	cfg.regs.ttbr0 = 0x100000000ull;
	assert_fault(el1(0x40000000, S1_READ), S1_FAULT_ADDRESS_SIZE, 0);
	/* IPS above the CPU's PARange is capped by it. */
	cfg.regs.tcr = (cfg.regs.tcr & ~IPS(7)) | IPS(6);
	cfg.pa_bits = 32;
	assert_fault(el1(0x40000000, S1_READ), S1_FAULT_ADDRESS_SIZE, 0);
}

static void test_s1walk_access_flag_clear_faults(void **state)
{
	(void)state;
	assert_fault(el1(0x40002000, S1_READ), S1_FAULT_ACCESS_FLAG, 3);
}

static void test_s1walk_permissions_by_ap_and_el(void **state)
{
	(void)state;
	/* EL1 RW, EL0 none: 0x40000000. */
	assert_int_equal(el1(0x40000000, S1_WRITE).fault, S1_OK);
	assert_fault(s1walk_translate(&cfg, 0x40000000, S1_READ, true),
		     S1_FAULT_PERMISSION, 3);
	/* Read-only for both: 0x40003000. */
	assert_fault(el1(0x40003000, S1_WRITE), S1_FAULT_PERMISSION, 3);
	assert_int_equal(
	    s1walk_translate(&cfg, 0x40003000, S1_READ, true).fault, S1_OK);
	assert_fault(s1walk_translate(&cfg, 0x40003000, S1_WRITE, true),
		     S1_FAULT_PERMISSION, 3);
	/* EL0 read-write: EL0 may write, EL1 may not run it. */
	tables[2][6] = 0x40006000ull | PAGE | AF | AP_EL0;
	assert_int_equal(
	    s1walk_translate(&cfg, 0x40006000, S1_WRITE, true).fault, S1_OK);
	assert_int_equal(
	    s1walk_translate(&cfg, 0x40006000, S1_FETCH, true).fault, S1_OK);
	assert_fault(el1(0x40006000, S1_FETCH), S1_FAULT_PERMISSION, 3);
}

static void test_s1walk_execute_never(void **state)
{
	(void)state;
	tables[2][7] = 0x40007000ull | PAGE | AF | PXN;
	tables[2][8] = 0x40008000ull | PAGE | AF | UXN;
	assert_fault(el1(0x40007000, S1_FETCH), S1_FAULT_PERMISSION, 3);
	assert_int_equal(
	    s1walk_translate(&cfg, 0x40007000, S1_FETCH, true).fault, S1_OK);
	assert_int_equal(el1(0x40008000, S1_FETCH).fault, S1_OK);
	assert_fault(s1walk_translate(&cfg, 0x40008000, S1_FETCH, true),
		     S1_FAULT_PERMISSION, 3);
	/* SCTLR_EL1.WXN: writable is never executable. */
	cfg.regs.sctlr |= SCTLR_WXN;
	assert_fault(el1(0x40000000, S1_FETCH), S1_FAULT_PERMISSION, 3);
	assert_int_equal(el1(0x40003000, S1_FETCH).fault, S1_OK);
}

static void test_s1walk_table_attributes_restrict_below(void **state)
{
	(void)state;
	tables[0][1] |= APTABLE1;
	assert_fault(el1(0x40000000, S1_WRITE), S1_FAULT_PERMISSION, 3);
	tables[0][1] = table_ipa(1) | TABLE | APTABLE0;
	assert_fault(s1walk_translate(&cfg, 0x40003000, S1_READ, true),
		     S1_FAULT_PERMISSION, 3);
	tables[0][1] = table_ipa(1) | TABLE | PXNTABLE;
	assert_fault(el1(0x40000000, S1_FETCH), S1_FAULT_PERMISSION, 3);
	tables[0][1] = table_ipa(1) | TABLE | XNTABLE;
	tables[2][6] = 0x40006000ull | PAGE | AF | AP_EL0;
	assert_fault(s1walk_translate(&cfg, 0x40006000, S1_FETCH, true),
		     S1_FAULT_PERMISSION, 3);
}

static void test_s1walk_refused_table_read_is_a_walk_fault(void **state)
{
	struct s1_result r;

	(void)state;
	refused_ipa = table_ipa(1) + 8 * 1; /* the level-2 entry [1] */
	r = el1(0x40200000, S1_READ);
	assert_fault(r, S1_FAULT_WALK, 2);
	assert_int_equal(r.ipa, table_ipa(1) + 8);
	/* A table outside the fake memory: at level 1. */
	cfg.regs.ttbr0 = 0x90000000;
	r = el1(0x40000000, S1_READ);
	assert_fault(r, S1_FAULT_WALK, 1);
	assert_int_equal(r.ipa, 0x90000008);
}

static void test_s1walk_other_granules_are_not_modelled(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_true(s1walk_supported(&cfg.regs, &why));
	cfg.regs.tcr |= TG0_64K;
	assert_fault(el1(0x40000000, S1_READ), S1_FAULT_UNSUPPORTED, 0);
	assert_false(s1walk_supported(&cfg.regs, &why));
	assert_string_equal(why, "a stage-1 granule other than 4 KiB");
	/* Off, or only in a disabled half: nothing to model. */
	cfg.regs.sctlr = 0;
	assert_true(s1walk_supported(&cfg.regs, &why));
	cfg.regs.sctlr = SCTLR_M;
	cfg.regs.tcr = T0SZ(25) | T1SZ(25) | EPD1 | TG1_64K;
	assert_true(s1walk_supported(&cfg.regs, &why));
	cfg.regs.tcr = T0SZ(12) | EPD1;
	assert_false(s1walk_supported(&cfg.regs, &why));
	assert_string_equal(why, "a stage-1 TxSZ outside 16..39");
}

static void test_s1walk_fault_status_codes(void **state)
{
	struct s1_result r = {.fault = S1_FAULT_TRANSLATION, .level = 3};

	(void)state;
	assert_int_equal(s1walk_fsc(&r), 0x07);
	r = (struct s1_result){.fault = S1_FAULT_ADDRESS_SIZE, .level = 0};
	assert_int_equal(s1walk_fsc(&r), 0x00);
	r = (struct s1_result){.fault = S1_FAULT_ACCESS_FLAG, .level = 2};
	assert_int_equal(s1walk_fsc(&r), 0x0a);
	r = (struct s1_result){.fault = S1_FAULT_PERMISSION, .level = 1};
	assert_int_equal(s1walk_fsc(&r), 0x0d);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_s1walk_mmu_off_is_flat_device_memory),
	    T(test_s1walk_mmu_off_checks_the_output_size),
	    T(test_s1walk_translates_pages_and_blocks),
	    T(test_s1walk_translation_fault_at_each_level),
	    T(test_s1walk_out_of_range_addresses_fault_at_level_0),
	    T(test_s1walk_upper_half_walks_ttbr1),
	    T(test_s1walk_txsz_out_of_range_faults_at_level_0),
	    T(test_s1walk_48_bit_va_starts_at_level_0),
	    T(test_s1walk_output_beyond_ips_is_an_address_size_fault),
	    T(test_s1walk_access_flag_clear_faults),
	    T(test_s1walk_permissions_by_ap_and_el),
	    T(test_s1walk_execute_never),
	    T(test_s1walk_table_attributes_restrict_below),
	    T(test_s1walk_refused_table_read_is_a_walk_fault),
	    T(test_s1walk_other_granules_are_not_modelled),
	    T(test_s1walk_fault_status_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
