/* Unit tests of hv/stage2.c: descriptors, levels, splits, BBM, the pool. */
#include "helpers.h"

#include "hv/stage2.h"

#include <hal/stage2.h>

#define VMID 5

/* Attributes of a read/write/exec normal-memory leaf, without type bits:
 * AF | SH inner | S2AP RW | MemAttr 0b1111. */
#define ATTR_NORMAL_RWX 0x7fcull
/* Device-nGnRE read/write: AF | S2AP RW | MemAttr 0b0001 | XN. */
#define ATTR_DEVICE_RW (0x4c4ull | S2_DESC_XN)

static struct test_pool tp;
static struct stage2 s2;
static jmp_buf halt_jmp;

static void halt_hook(int status, int halted)
{
	(void)status;
	(void)halted;
	longjmp(halt_jmp, 1);
}

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	test_pool_init(&tp, TEST_POOL_PAGES);
	assert_int_equal(stage2_init(&s2, &tp.pool, 40, 0, VMID), HV_OK);
	return 0;
}

static uint64_t desc_at(uint64_t ipa, unsigned *level)
{
	struct s2_walk w;

	assert_int_equal(stage2_translate(&s2, ipa_init(ipa), &w), HV_OK);
	if (level != NULL)
		*level = w.level;
	return w.desc;
}

static uint64_t pa_at(uint64_t ipa)
{
	struct s2_walk w;

	assert_int_equal(stage2_translate(&s2, ipa_init(ipa), &w), HV_OK);
	return pa_addr(w.pa);
}

/* The table entry for ipa at level, found by walking the pool's tables. */
static uint64_t *entry_at(uint64_t ipa, unsigned level)
{
	uint64_t *table = s2.root;

	for (unsigned l = s2.start_level;; l++) {
		unsigned shift = 12 + 9 * (3 - l);
		unsigned idx = (unsigned)((ipa >> shift) & 511);
		uint64_t *e = &table[idx];

		if (l == level)
			return e;
		assert_true((*e & 3) == 3);
		table = page_pool_ptr(&tp.pool, pa_init(*e & S2_DESC_OA_MASK));
		assert_non_null(table);
	}
}

static void test_stage2_leaf_attrs_normal_rwx_is_wb_inner_shareable(void **st)
{
	(void)st;
	assert_int_equal(stage2_leaf_attrs(S2_RWX), ATTR_NORMAL_RWX);
}

static void test_stage2_leaf_attrs_non_exec_normal_sets_xn(void **st)
{
	(void)st;
	assert_int_equal(stage2_leaf_attrs(S2_READ | S2_WRITE),
			 ATTR_NORMAL_RWX | S2_DESC_XN);
	/* Read-only: S2AP = 0b01. */
	assert_int_equal(stage2_leaf_attrs(S2_READ), 0x77cull | S2_DESC_XN);
	/* No access at all still has AF and the memory type. */
	assert_int_equal(stage2_leaf_attrs(0), 0x73cull | S2_DESC_XN);
}

static void test_stage2_leaf_attrs_device_is_ngnre_xn_not_shareable(void **st)
{
	(void)st;
	assert_int_equal(stage2_leaf_attrs(S2_READ | S2_WRITE | S2_DEVICE),
			 ATTR_DEVICE_RW);
	/* Device memory is never executable, whatever the flags say. */
	assert_int_equal(stage2_leaf_attrs(S2_RWX | S2_DEVICE), ATTR_DEVICE_RW);
	assert_int_equal(stage2_leaf_attrs(S2_WRITE | S2_DEVICE),
			 0x484ull | S2_DESC_XN);
}

static void test_stage2_init_allocates_zeroed_root(void **st)
{
	(void)st;
	assert_int_equal(tp.pool.used_count, 1);
	assert_int_equal(pa_addr(s2.root_pa), TEST_POOL_PA);
	assert_ptr_equal(s2.root, tp.mem[0]);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(s2.root[i], 0);
	assert_int_equal(s2.ipa_bits, 40);
	assert_int_equal(s2.start_level, 0);
	assert_int_equal(s2.vmid, VMID);
}

static void test_stage2_init_rejects_bad_geometry(void **st)
{
	struct stage2 o;

	(void)st;
	assert_int_equal(stage2_init(&o, &tp.pool, 31, 1, 1), HV_ERR_INVAL);
	assert_int_equal(stage2_init(&o, &tp.pool, 49, 0, 1), HV_ERR_INVAL);
	assert_int_equal(stage2_init(&o, &tp.pool, 40, 2, 1), HV_ERR_INVAL);
	/* Level 1 resolves at most 39 bits without concatenation... */
	assert_int_equal(stage2_init(&o, &tp.pool, 40, 1, 1), HV_ERR_INVAL);
	/* ...and level 0 is for more than 39. */
	assert_int_equal(stage2_init(&o, &tp.pool, 39, 0, 1), HV_ERR_INVAL);
	assert_int_equal(tp.pool.used_count, 1);
	assert_int_equal(stage2_init(&o, &tp.pool, 32, 1, 1), HV_OK);
	assert_int_equal(stage2_init(&o, &tp.pool, 39, 1, 1), HV_OK);
	assert_int_equal(stage2_init(&o, &tp.pool, 48, 0, 1), HV_OK);
	assert_int_equal(tp.pool.used_count, 4);
}

static void test_stage2_init_with_empty_pool_is_nomem(void **st)
{
	struct stage2 o;

	(void)st;
	test_pool_init(&tp, 1);
	assert_int_equal(stage2_init(&o, &tp.pool, 40, 0, 1), HV_OK);
	assert_int_equal(stage2_init(&o, &tp.pool, 40, 0, 1), HV_ERR_NOMEM);
}

static void test_stage2_vttbr_holds_root_and_vmid(void **st)
{
	(void)st;
	assert_int_equal(stage2_vttbr(&s2), 0x0005000100000000ull);
}

static void test_stage2_map_1gib_aligned_uses_level1_block(void **st)
{
	unsigned level;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xc0000000), 0x40000000, S2_RWX),
			 HV_OK);
	assert_int_equal(desc_at(0x40000000, &level), 0xc00007fdull);
	assert_int_equal(level, 1);
	assert_int_equal(pa_at(0x7fffffff), 0xffffffff);
	assert_int_equal(pa_at(0x40123456), 0xc0123456);
	/* Root and one level-1 table. */
	assert_int_equal(tp.pool.used_count, 2);
	/* Nothing was live before: no TLB maintenance. */
	assert_int_equal(hal_sim_stats()->tlb_flush_ipa, 0);
	assert_int_equal(hal_sim_stats()->tlb_flush_vmid, 0);
}

static void test_stage2_map_2mib_aligned_uses_level2_block(void **st)
{
	unsigned level;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40200000),
				    pa_init(0x80400000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(desc_at(0x40200000, &level), 0x804007fdull);
	assert_int_equal(level, 2);
	assert_int_equal(pa_at(0x403fffff), 0x805fffff);
	assert_int_equal(tp.pool.used_count, 3);
}

static void test_stage2_map_4kib_uses_level3_page(void **st)
{
	unsigned level;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x09000000),
				    pa_init(0x09000000), 0x1000,
				    S2_READ | S2_WRITE | S2_DEVICE),
			 HV_OK);
	assert_int_equal(desc_at(0x09000abc, &level),
			 0x09000000ull | ATTR_DEVICE_RW | 3);
	assert_int_equal(level, 3);
	assert_int_equal(pa_at(0x09000abc), 0x09000abc);
	assert_int_equal(tp.pool.used_count, 4);
}

static void test_stage2_map_block_sized_but_pa_misaligned_uses_pages(void **st)
{
	unsigned level;

	(void)st;
	/* IPA 2 MiB aligned, PA only 4 KiB aligned: no block can be used. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80001000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(desc_at(0x40000000, &level), 0x800017ffull);
	assert_int_equal(level, 3);
	assert_int_equal(pa_at(0x401ff010), 0x80200010);
	assert_int_equal(tp.pool.used_count, 4);
}

static void
test_stage2_map_1gib_with_pa_2mib_aligned_uses_level2_blocks(void **st)
{
	unsigned level;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80200000), 0x40000000, S2_RWX),
			 HV_OK);
	desc_at(0x40000000, &level);
	assert_int_equal(level, 2);
	assert_int_equal(pa_at(0x7fffffff), 0xc01fffff);
	assert_int_equal(tp.pool.used_count, 3);
}

static void test_stage2_map_unaligned_range_uses_largest_blocks(void **st)
{
	struct s2_walk w;
	unsigned level;

	(void)st;
	/* 4 KiB below a 2 MiB boundary, a whole 2 MiB block, 4 KiB above. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x401ff000),
				    pa_init(0x801ff000), 0x202000, S2_RWX),
			 HV_OK);
	desc_at(0x401ff000, &level);
	assert_int_equal(level, 3);
	desc_at(0x40200000, &level);
	assert_int_equal(level, 2);
	desc_at(0x40400000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pa_at(0x40400fff), 0x80400fff);
	/* root, L1, L2, and two L3 tables */
	assert_int_equal(tp.pool.used_count, 5);
	assert_int_equal(stage2_translate(&s2, ipa_init(0x401fe000), &w),
			 HV_ERR_NOENT);
	assert_int_equal(stage2_translate(&s2, ipa_init(0x40401000), &w),
			 HV_ERR_NOENT);
}

static void test_stage2_map_over_block_splits_it_and_keeps_the_rest(void **st)
{
	unsigned level;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40001000),
				    pa_init(0x09000000), 0x1000,
				    S2_READ | S2_WRITE | S2_DEVICE),
			 HV_OK);
	assert_int_equal(desc_at(0x40001000, &level),
			 0x09000000ull | ATTR_DEVICE_RW | 3);
	assert_int_equal(level, 3);
	/* The other 511 pages keep the block's output and attributes. */
	assert_int_equal(desc_at(0x40000000, &level), 0x800007ffull);
	assert_int_equal(level, 3);
	assert_int_equal(desc_at(0x40002000, NULL), 0x800027ffull);
	assert_int_equal(desc_at(0x401ff000, NULL), 0x801ff7ffull);
	assert_int_equal(tp.pool.used_count, 4);
}

static void test_stage2_split_of_1gib_block_makes_2mib_blocks(void **st)
{
	unsigned level;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xc0000000), 0x40000000,
				    S2_READ | S2_WRITE),
			 HV_OK);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40200000),
				    pa_init(0x10200000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(desc_at(0x40000000, &level),
			 0xc0000000ull | ATTR_NORMAL_RWX | S2_DESC_XN | 1);
	assert_int_equal(level, 2);
	assert_int_equal(desc_at(0x40200000, &level), 0x102007fdull);
	assert_int_equal(level, 2);
	assert_int_equal(pa_at(0x7fe00001), 0xffe00001);
}

static void test_stage2_split_and_replace_flush_with_vmid(void **st)
{
	struct hal_sim_stats *stats = hal_sim_stats();

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(stats->tlb_flush_ipa, 0);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40005000),
				    pa_init(0x90000000), 0x1000, S2_RWX),
			 HV_OK);
	/* Break-before-make twice: block -> table, then the old page. */
	assert_int_equal(stats->tlb_flush_ipa, 2);
	assert_int_equal(stats->last_flush_ipa, 0x40005000);
	assert_int_equal(stats->last_flush_vmid, VMID);
	assert_int_equal(stats->tlb_flush_vmid, 0);
}

static void test_stage2_remap_of_live_page_is_break_before_make(void **st)
{
	struct hal_sim_stats *stats = hal_sim_stats();

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40003000),
				    pa_init(0x80003000), 0x1000, S2_RWX),
			 HV_OK);
	assert_int_equal(stats->tlb_flush_ipa, 0);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40003000),
				    pa_init(0x90000000), 0x1000, S2_READ),
			 HV_OK);
	assert_int_equal(stats->tlb_flush_ipa, 1);
	assert_int_equal(stats->last_flush_ipa, 0x40003000);
	assert_int_equal(stats->last_flush_vmid, VMID);
	assert_int_equal(desc_at(0x40003000, NULL),
			 0x90000000ull | 0x77cull | S2_DESC_XN | 3);
}

static void test_stage2_map_block_over_table_frees_the_subtree(void **st)
{
	struct hal_sim_stats *stats = hal_sim_stats();
	unsigned level;

	(void)st;
	/* Pages under one 1 GiB entry: L2 table plus two L3 tables. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80001000), 0x1000, S2_RWX),
			 HV_OK);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40400000),
				    pa_init(0x80001000), 0x1000, S2_RWX),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 5);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xc0000000), 0x40000000, S2_RWX),
			 HV_OK);
	assert_int_equal(desc_at(0x40400000, &level), 0xc00007fdull);
	assert_int_equal(level, 1);
	assert_int_equal(pa_at(0x40400000), 0xc0400000);
	assert_int_equal(tp.pool.used_count, 2);
	assert_int_equal(stats->tlb_flush_vmid, 1);
	assert_int_equal(stats->last_flush_vmid, VMID);
}

static void test_stage2_unmap_part_of_block_splits_and_keeps_rest(void **st)
{
	struct s2_walk w;
	unsigned level;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40002000), 0x1000),
			 HV_OK);
	assert_int_equal(stage2_translate(&s2, ipa_init(0x40002000), &w),
			 HV_ERR_NOENT);
	assert_int_equal(desc_at(0x40001000, &level), 0x800017ffull);
	assert_int_equal(level, 3);
	assert_int_equal(pa_at(0x40003000), 0x80003000);
	assert_int_equal(pa_at(0x401fffff), 0x801fffff);
	/* Split (BBM on the block) and the page itself. */
	assert_int_equal(hal_sim_stats()->tlb_flush_ipa, 2);
	assert_int_equal(hal_sim_stats()->last_flush_ipa, 0x40002000);
	assert_int_equal(tp.pool.used_count, 4);
}

static void test_stage2_unmap_whole_block_flushes_its_ipa(void **st)
{
	struct s2_walk w;

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xc0000000), 0x40000000, S2_RWX),
			 HV_OK);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0x40000000),
			 HV_OK);
	assert_int_equal(stage2_translate(&s2, ipa_init(0x40000000), &w),
			 HV_ERR_NOENT);
	assert_int_equal(hal_sim_stats()->tlb_flush_ipa, 1);
	assert_int_equal(hal_sim_stats()->last_flush_ipa, 0x40000000);
	/* The emptied level-1 table goes back to the pool. */
	assert_int_equal(tp.pool.used_count, 1);
	assert_int_equal(s2.root[0], 0);
}

static void test_stage2_unmap_whole_range_frees_table_pages(void **st)
{
	struct hal_sim_stats *stats = hal_sim_stats();

	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80001000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 4);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0x200000),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 1);
	/* Whole tables go at once: no per-page flush, one per freed table
	 * (L3, L2, L1). */
	assert_int_equal(stats->tlb_flush_ipa, 0);
	assert_int_equal(stats->tlb_flush_vmid, 3);
	assert_int_equal(stats->last_flush_vmid, VMID);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(s2.root[i], 0);
}

static void test_stage2_unmap_of_table_covering_entry_frees_subtree(void **st)
{
	(void)st;
	/* Two 2 MiB blocks below one level-1 entry, then unmap all 1 GiB. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x400000, S2_RWX),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 3);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0x40000000),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 1);
	assert_int_equal(hal_sim_stats()->tlb_flush_vmid, 2);
	assert_int_equal(hal_sim_stats()->tlb_flush_ipa, 0);
}

static void test_stage2_unmap_of_unmapped_range_changes_nothing(void **st)
{
	(void)st;
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0x200000),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 1);
	assert_int_equal(hal_sim_stats()->tlb_flush_ipa, 0);
	assert_int_equal(hal_sim_stats()->tlb_flush_vmid, 0);
}

static void test_stage2_unmap_keeps_table_with_other_mappings(void **st)
{
	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x2000, S2_RWX),
			 HV_OK);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0x1000),
			 HV_OK);
	assert_int_equal(pa_at(0x40001000), 0x80001000);
	assert_int_equal(tp.pool.used_count, 4);
	assert_int_equal(hal_sim_stats()->tlb_flush_vmid, 0);
}

static void test_stage2_translate_of_unmapped_is_noent(void **st)
{
	struct s2_walk w;

	(void)st;
	assert_int_equal(stage2_translate(&s2, ipa_init(0), &w), HV_ERR_NOENT);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x1000, S2_RWX),
			 HV_OK);
	/* Same L3 table, next page; same L1 table, next L2 entry. */
	assert_int_equal(stage2_translate(&s2, ipa_init(0x40001000), &w),
			 HV_ERR_NOENT);
	assert_int_equal(stage2_translate(&s2, ipa_init(0x40200000), &w),
			 HV_ERR_NOENT);
	assert_int_equal(stage2_translate(&s2, ipa_init(0xffffffffff), &w),
			 HV_ERR_NOENT);
}

static void test_stage2_translate_outside_ipa_space_is_range(void **st)
{
	struct s2_walk w;

	(void)st;
	assert_int_equal(stage2_translate(&s2, ipa_init(1ull << 40), &w),
			 HV_ERR_RANGE);
}

static void test_stage2_translate_rejects_reserved_encodings(void **st)
{
	struct s2_walk w;

	(void)st;
	/* A "block" at level 0 does not exist with a 4 KiB granule. */
	s2.root[0] = 0x1ull | ATTR_NORMAL_RWX;
	assert_int_equal(stage2_translate(&s2, ipa_init(0x1000), &w),
			 HV_ERR_NOENT);
	s2.root[0] = 0;
	/* Nor does a level-3 descriptor with type 0b01. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x1000, S2_RWX),
			 HV_OK);
	*entry_at(0x40000000, 3) &= ~2ull;
	assert_int_equal(stage2_translate(&s2, ipa_init(0x40000000), &w),
			 HV_ERR_NOENT);
}

static void test_stage2_map_rejects_misaligned_arguments(void **st)
{
	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000800),
				    pa_init(0x80000000), 0x1000, S2_RWX),
			 HV_ERR_ALIGN);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x1800, S2_RWX),
			 HV_ERR_ALIGN);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000010), 0x1000, S2_RWX),
			 HV_ERR_ALIGN);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000001), 0x1000),
			 HV_ERR_ALIGN);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0xfff),
			 HV_ERR_ALIGN);
	assert_int_equal(tp.pool.used_count, 1);
}

static void test_stage2_map_rejects_out_of_range_arguments(void **st)
{
	(void)st;
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0, S2_RWX),
			 HV_ERR_RANGE);
	/* Ends one page beyond the 40-bit IPA space. */
	assert_int_equal(stage2_map(&s2, ipa_init(0xffc0000000ull),
				    pa_init(0x80000000), 0x40001000, S2_RWX),
			 HV_ERR_RANGE);
	assert_int_equal(stage2_map(&s2, ipa_init(0xfffffff000ull),
				    pa_init(0x80000000), 0x2000, S2_RWX),
			 HV_ERR_RANGE);
	/* Wraps around the 64-bit space. */
	assert_int_equal(stage2_map(&s2, ipa_init(0xfffffffffffff000ull),
				    pa_init(0x80000000), 0x2000, S2_RWX),
			 HV_ERR_RANGE);
	/* Output beyond 48 bits, and an output range that wraps. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xfffffffff000ull), 0x2000, S2_RWX),
			 HV_ERR_RANGE);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xfffffffffffff000ull), 0x2000,
				    S2_RWX),
			 HV_ERR_RANGE);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0),
			 HV_ERR_RANGE);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0xffffffe000ull), 0x3000),
			 HV_ERR_RANGE);
	/* The last page of the IPA space is fine. */
	assert_int_equal(stage2_map(&s2, ipa_init(0xfffffff000ull),
				    pa_init(0x80000000), 0x1000, S2_RWX),
			 HV_OK);
	assert_int_equal(pa_at(0xffffffffffull), 0x80000fff);
}

static void
test_stage2_start_level0_uses_two_root_entries_for_40_bits(void **st)
{
	(void)st;
	/* Bit 39 picks root entry 1. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x8000000000ull),
				    pa_init(0x80000000), 0x40000000, S2_RWX),
			 HV_OK);
	assert_int_equal(s2.root[0], 0);
	assert_int_equal(s2.root[1] & 3, 3);
	assert_int_equal(pa_at(0x8000001000ull), 0x80001000);
}

static void test_stage2_start_level1_with_32_bit_ipa(void **st)
{
	struct stage2 o;
	struct s2_walk w;

	(void)st;
	test_pool_init(&tp, TEST_POOL_PAGES);
	assert_int_equal(stage2_init(&o, &tp.pool, 32, 1, 7), HV_OK);
	/* The 1 GiB block sits in the root itself: entry 3 of 4. */
	assert_int_equal(stage2_map(&o, ipa_init(0xc0000000),
				    pa_init(0x40000000), 0x40000000, S2_RWX),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 1);
	assert_int_equal(o.root[3], 0x400007fdull);
	assert_int_equal(stage2_translate(&o, ipa_init(0xc0000010), &w), HV_OK);
	assert_int_equal(w.level, 1);
	assert_int_equal(pa_addr(w.pa), 0x40000010);
	assert_int_equal(stage2_map(&o, ipa_init(0xfffff000),
				    pa_init(0x40000000), 0x2000, S2_RWX),
			 HV_ERR_RANGE);
	assert_int_equal(stage2_translate(&o, ipa_init(0x100000000ull), &w),
			 HV_ERR_RANGE);
	assert_int_equal(stage2_vttbr(&o), 0x0007000100000000ull);
}

static void test_stage2_start_level1_with_39_bit_ipa(void **st)
{
	struct stage2 o;
	struct s2_walk w;

	(void)st;
	test_pool_init(&tp, TEST_POOL_PAGES);
	assert_int_equal(stage2_init(&o, &tp.pool, 39, 1, 1), HV_OK);
	assert_int_equal(stage2_map(&o, ipa_init(0x7fffe00000ull),
				    pa_init(0x40000000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal((o.root[511] & 3), 3);
	assert_int_equal(stage2_translate(&o, ipa_init(0x7fffffffffull), &w),
			 HV_OK);
	assert_int_equal(w.level, 2);
	assert_int_equal(pa_addr(w.pa), 0x401fffff);
	assert_int_equal(tp.pool.used_count, 2);
}

static void test_stage2_pool_exhaustion_returns_nomem(void **st)
{
	struct s2_walk w;

	(void)st;
	test_pool_init(&tp, 3);
	assert_int_equal(stage2_init(&s2, &tp.pool, 40, 0, VMID), HV_OK);
	/* Pages need L1, L2 and L3 tables; only two pages are left. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80001000), 0x1000, S2_RWX),
			 HV_ERR_NOMEM);
	assert_int_equal(tp.pool.used_count, 3);
	assert_int_equal(stage2_translate(&s2, ipa_init(0x40000000), &w),
			 HV_ERR_NOENT);
	/* The empty tables left behind are reclaimed by an unmap. */
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0x1000),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 1);
}

static void test_stage2_split_without_pool_page_keeps_the_block(void **st)
{
	unsigned level;

	(void)st;
	test_pool_init(&tp, 3);
	assert_int_equal(stage2_init(&s2, &tp.pool, 40, 0, VMID), HV_OK);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80000000), 0x200000, S2_RWX),
			 HV_OK);
	assert_int_equal(tp.pool.used_count, 3);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40001000),
				    pa_init(0x90000000), 0x1000, S2_RWX),
			 HV_ERR_NOMEM);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40001000), 0x1000),
			 HV_ERR_NOMEM);
	assert_int_equal(desc_at(0x40001000, &level), 0x800007fdull);
	assert_int_equal(level, 2);
	assert_int_equal(hal_sim_stats()->tlb_flush_ipa, 0);
}

static void
test_stage2_split_of_1gib_block_without_pool_page_is_nomem(void **st)
{
	(void)st;
	test_pool_init(&tp, 2);
	assert_int_equal(stage2_init(&s2, &tp.pool, 40, 0, VMID), HV_OK);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xc0000000), 0x40000000, S2_RWX),
			 HV_OK);
	/* Mapping a page needs the split at level 1 first. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x10000000), 0x1000, S2_RWX),
			 HV_ERR_NOMEM);
	/* Unmapping inside a 2 MiB block under a split 1 GiB block. */
	test_pool_init(&tp, 3);
	assert_int_equal(stage2_init(&s2, &tp.pool, 40, 0, VMID), HV_OK);
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0xc0000000), 0x40000000, S2_RWX),
			 HV_OK);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), 0x1000),
			 HV_ERR_NOMEM);
	assert_int_equal(pa_at(0x40000000), 0xc0000000);
}

static void test_stage2_nomem_deep_in_a_large_map_stops_the_map(void **st)
{
	(void)st;
	test_pool_init(&tp, 4);
	assert_int_equal(stage2_init(&s2, &tp.pool, 40, 0, VMID), HV_OK);
	/* Two 2 MiB regions of pages need two L3 tables; one page is left
	 * after L1 and L2. */
	assert_int_equal(stage2_map(&s2, ipa_init(0x40000000),
				    pa_init(0x80001000), 0x400000, S2_RWX),
			 HV_ERR_NOMEM);
	assert_int_equal(pa_at(0x401ff000), 0x80200000);
	assert_int_equal(tp.pool.used_count, 4);
}

static void test_stage2_table_outside_pool_is_an_internal_error(void **st)
{
	struct s2_walk w;

	(void)st;
	/* A table descriptor pointing outside the pool is the hypervisor's
	 * own bug: it panics with the file and the failed check. */
	s2.root[0] = 0x7000000000ull | 3;
	hal_sim_set_stop_hook(halt_hook);
	if (setjmp(halt_jmp) == 0) {
		stage2_translate(&s2, ipa_init(0x1000), &w);
		fail_msg("stage2_translate returned");
	}
	assert_console_has("hv: PANIC at ");
	assert_console_has("stage2.c:");
	assert_console_has("hv: check failed: t != NULL\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_stage2_leaf_attrs_normal_rwx_is_wb_inner_shareable),
	    T(test_stage2_leaf_attrs_non_exec_normal_sets_xn),
	    T(test_stage2_leaf_attrs_device_is_ngnre_xn_not_shareable),
	    T(test_stage2_init_allocates_zeroed_root),
	    T(test_stage2_init_rejects_bad_geometry),
	    T(test_stage2_init_with_empty_pool_is_nomem),
	    T(test_stage2_vttbr_holds_root_and_vmid),
	    T(test_stage2_map_1gib_aligned_uses_level1_block),
	    T(test_stage2_map_2mib_aligned_uses_level2_block),
	    T(test_stage2_map_4kib_uses_level3_page),
	    T(test_stage2_map_block_sized_but_pa_misaligned_uses_pages),
	    T(test_stage2_map_1gib_with_pa_2mib_aligned_uses_level2_blocks),
	    T(test_stage2_map_unaligned_range_uses_largest_blocks),
	    T(test_stage2_map_over_block_splits_it_and_keeps_the_rest),
	    T(test_stage2_split_of_1gib_block_makes_2mib_blocks),
	    T(test_stage2_split_and_replace_flush_with_vmid),
	    T(test_stage2_remap_of_live_page_is_break_before_make),
	    T(test_stage2_map_block_over_table_frees_the_subtree),
	    T(test_stage2_unmap_part_of_block_splits_and_keeps_rest),
	    T(test_stage2_unmap_whole_block_flushes_its_ipa),
	    T(test_stage2_unmap_whole_range_frees_table_pages),
	    T(test_stage2_unmap_of_table_covering_entry_frees_subtree),
	    T(test_stage2_unmap_of_unmapped_range_changes_nothing),
	    T(test_stage2_unmap_keeps_table_with_other_mappings),
	    T(test_stage2_translate_of_unmapped_is_noent),
	    T(test_stage2_translate_outside_ipa_space_is_range),
	    T(test_stage2_translate_rejects_reserved_encodings),
	    T(test_stage2_map_rejects_misaligned_arguments),
	    T(test_stage2_map_rejects_out_of_range_arguments),
	    T(test_stage2_start_level0_uses_two_root_entries_for_40_bits),
	    T(test_stage2_start_level1_with_32_bit_ipa),
	    T(test_stage2_start_level1_with_39_bit_ipa),
	    T(test_stage2_pool_exhaustion_returns_nomem),
	    T(test_stage2_split_without_pool_page_keeps_the_block),
	    T(test_stage2_split_of_1gib_block_without_pool_page_is_nomem),
	    T(test_stage2_nomem_deep_in_a_large_map_stops_the_map),
	    T(test_stage2_table_outside_pool_is_an_internal_error),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
