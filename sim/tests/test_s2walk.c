/*
 * Unit tests of sim/s2walk.c, the simulated MMU's stage-2 walker: against
 * tables built by the core's stage2_map/stage2_unmap, and against
 * hand-written descriptors for what the core never produces. Descriptor
 * bits here are written from the Arm ARM (D8.3, VMSAv8-64 descriptors),
 * not taken from hv/stage2.h, so the two sides are checked independently.
 */
#include "tests/unit/helpers.h"

#include "hv/stage2.h"
#include "s2walk.h"

/* Stage-2 descriptor bits, 4 KiB granule. */
#define D_VALID	 (1ull << 0)
#define D_TABLE	 (1ull << 1) /* table at levels 0-2, page at level 3 */
#define D_S2AP_R (1ull << 6)
#define D_S2AP_W (1ull << 7)
#define D_AF	 (1ull << 10)
#define D_XN	 (1ull << 54)
#define D_RW	 (D_S2AP_R | D_S2AP_W)
#define D_NORMAL (0xfull << 2) /* MemAttr: Normal, Write-Back */

#define PERM_RWX (S2_PERM_R | S2_PERM_W | S2_PERM_X)

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

#define VMID 5

/* Where the hand-written tables live in the simulated physical space. */
#define HAND_PA	   0x80000000ull
#define HAND_PAGES 8

/* Table memory as the walker's callback sees it: page_count pages at pa. */
struct table_mem {
	uint64_t base_pa;
	uint64_t (*pages)[512];
	unsigned page_count;
};

static struct test_pool tp;
static struct stage2 s2;
static _Alignas(4096) uint64_t hand[HAND_PAGES][512];
static struct table_mem pool_mem;
static struct table_mem hand_mem = {HAND_PA, hand, HAND_PAGES};

static const uint64_t *mem_table(void *ctx, uint64_t pa)
{
	const struct table_mem *m = ctx;
	uint64_t page = (pa - m->base_pa) / SZ_4K;

	if (pa < m->base_pa || (pa & (SZ_4K - 1)) != 0 || page >= m->page_count)
		return NULL;
	return m->pages[page];
}

static const uint64_t *no_table(void *ctx, uint64_t pa)
{
	(void)ctx;
	(void)pa;
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	test_pool_init(&tp, TEST_POOL_PAGES);
	pool_mem = (struct table_mem){TEST_POOL_PA, (uint64_t(*)[512])tp.mem,
				      TEST_POOL_PAGES};
	memset(hand, 0, sizeof(hand));
	return 0;
}

/* A fresh core stage 2 of the given geometry. */
static void core_init(unsigned ipa_bits, unsigned start_level)
{
	assert_int_equal(
	    stage2_init(&s2, &tp.pool, ipa_bits, start_level, VMID), HV_OK);
}

static void core_map(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t flags)
{
	assert_int_equal(
	    stage2_map(&s2, ipa_init(ipa), pa_init(pa), size, flags), HV_OK);
}

/* The walker looking at the core's tables, through VTTBR (VMID and all). */
static struct s2walk_cfg core_cfg(void)
{
	return (struct s2walk_cfg){
	    .vttbr = stage2_vttbr(&s2),
	    .ipa_bits = s2.ipa_bits,
	    .start_level = s2.start_level,
	    .table = mem_table,
	    .ctx = &pool_mem,
	};
}

/* The walker looking at hand[], root in hand[0]. */
static struct s2walk_cfg hand_cfg(unsigned ipa_bits, unsigned start_level)
{
	return (struct s2walk_cfg){
	    .vttbr = HAND_PA,
	    .ipa_bits = ipa_bits,
	    .start_level = start_level,
	    .table = mem_table,
	    .ctx = &hand_mem,
	};
}

static uint64_t hand_table(unsigned page)
{
	return (HAND_PA + page * SZ_4K) | D_TABLE | D_VALID;
}

static struct s2_result core_walk(uint64_t ipa)
{
	struct s2walk_cfg cfg = core_cfg();

	return s2walk_translate(&cfg, ipa);
}

/* Fails unless ipa translates to pa through a level-`level` leaf. */
static void assert_leaf(const struct s2_result *r, uint64_t pa,
			uint64_t base_ipa, uint64_t size, unsigned level,
			unsigned perms)
{
	assert_int_equal(r->fault, S2_OK);
	assert_int_equal(r->pa, pa);
	assert_int_equal(r->base_ipa, base_ipa);
	assert_int_equal(r->size, size);
	assert_int_equal(r->level, level);
	assert_int_equal(r->perms, perms);
}

static void assert_fault(const struct s2_result *r, enum s2_fault fault,
			 unsigned level)
{
	assert_int_equal(r->fault, fault);
	assert_int_equal(r->level, level);
}

static void test_s2walk_2mib_block_is_a_level2_leaf_with_rwx(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	core_map(0x40200000, 0x80400000, SZ_2M, S2_RWX);
	r = core_walk(0x40212345);
	assert_leaf(&r, 0x80412345, 0x40200000, SZ_2M, 2, PERM_RWX);
	r = core_walk(0x403fffff);
	assert_leaf(&r, 0x805fffff, 0x40200000, SZ_2M, 2, PERM_RWX);
}

static void test_s2walk_read_only_block_gives_only_read(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	core_map(0x40200000, 0x80400000, SZ_2M, S2_READ);
	r = core_walk(0x40200010);
	assert_leaf(&r, 0x80400010, 0x40200000, SZ_2M, 2, S2_PERM_R);
}

static void test_s2walk_device_block_is_never_executable(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	core_map(0x08000000, 0x08000000, SZ_2M, S2_RWX | S2_DEVICE);
	r = core_walk(0x08010000);
	assert_leaf(&r, 0x08010000, 0x08000000, SZ_2M, 2,
		    S2_PERM_R | S2_PERM_W);
}

static void test_s2walk_unaligned_ends_of_a_mapping_are_level3_pages(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	/* One page below a 2 MiB boundary, a whole block, one page above. */
	core_map(0x401ff000, 0x801ff000, 0x202000, S2_READ | S2_WRITE);
	r = core_walk(0x401ffabc);
	assert_leaf(&r, 0x801ffabc, 0x401ff000, SZ_4K, 3,
		    S2_PERM_R | S2_PERM_W);
	r = core_walk(0x40200000);
	assert_leaf(&r, 0x80200000, 0x40200000, SZ_2M, 2,
		    S2_PERM_R | S2_PERM_W);
	r = core_walk(0x40400fff);
	assert_leaf(&r, 0x80400fff, 0x40400000, SZ_4K, 3,
		    S2_PERM_R | S2_PERM_W);
}

static void test_s2walk_1gib_block_is_a_level1_leaf(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	core_map(0x40000000, 0xc0000000, SZ_1G, S2_RWX);
	r = core_walk(0x7fedcba9);
	assert_leaf(&r, 0xffedcba9, 0x40000000, SZ_1G, 1, PERM_RWX);
}

static void test_s2walk_empty_root_is_translation_fault_at_level1(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	r = core_walk(0x40000000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 1);
}

static void test_s2walk_unmapped_ipa_faults_where_walk_found_invalid(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	core_map(0x40000000, 0x80000000, SZ_4K, S2_RWX);
	/* Same level-3 table, next page. */
	r = core_walk(0x40001000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 3);
	/* Same level-2 table, next 2 MiB. */
	r = core_walk(0x40200000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 2);
	/* Next root entry. */
	r = core_walk(0x80000000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 1);
}

static void test_s2walk_sees_unmap_of_part_of_a_block(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	core_map(0x40000000, 0x80000000, SZ_2M, S2_RWX);
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40003000), SZ_4K), HV_OK);
	r = core_walk(0x40003000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 3);
	/* The rest of the block is now pages with the block's output. */
	r = core_walk(0x40004008);
	assert_leaf(&r, 0x80004008, 0x40004000, SZ_4K, 3, PERM_RWX);
	/* Unmapping everything frees the tables: the root is empty again. */
	assert_int_equal(stage2_unmap(&s2, ipa_init(0x40000000), SZ_2M), HV_OK);
	r = core_walk(0x40004008);
	assert_fault(&r, S2_FAULT_TRANSLATION, 1);
}

static void test_s2walk_ipa_beyond_ipa_bits_is_address_size_fault(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(39, 1);
	core_map(0x7fffe00000ull, 0x80000000, SZ_2M, S2_RWX);
	r = core_walk(0x7fffffffffull);
	assert_leaf(&r, 0x801fffff, 0x7fffe00000ull, SZ_2M, 2, PERM_RWX);
	r = core_walk(1ull << 39);
	assert_int_equal(r.fault, S2_FAULT_INPUT_RANGE);
	r = core_walk(~0ull);
	assert_int_equal(r.fault, S2_FAULT_INPUT_RANGE);
}

static void test_s2walk_leaf_with_af_clear_is_access_flag_fault(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(39, 1);
	struct s2_result r;

	(void)st;
	hand[0][0] = hand_table(1);
	hand[1][1] = 0x40200000ull | D_NORMAL | D_RW | D_VALID;
	hand[0][1] = 0xc0000000ull | D_NORMAL | D_RW | D_VALID;
	r = s2walk_translate(&cfg, 0x200000);
	assert_fault(&r, S2_FAULT_ACCESS_FLAG, 2);
	r = s2walk_translate(&cfg, 0x40000000);
	assert_fault(&r, S2_FAULT_ACCESS_FLAG, 1);
	/* The same descriptor with AF set translates. */
	hand[1][1] |= D_AF;
	r = s2walk_translate(&cfg, 0x200000);
	assert_leaf(&r, 0x40200000, 0x200000, SZ_2M, 2, PERM_RWX);
}

static void
test_s2walk_level3_descriptor_without_bit1_is_translation_fault(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(39, 1);
	struct s2_result r;

	(void)st;
	hand[0][0] = hand_table(1);
	hand[1][0] = hand_table(2);
	/* Type 0b01 at level 3 is reserved: it is not a page. */
	hand[2][5] = 0x90005000ull | D_AF | D_NORMAL | D_RW | D_VALID;
	r = s2walk_translate(&cfg, 0x5000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 3);
	hand[2][5] |= D_TABLE;
	r = s2walk_translate(&cfg, 0x5000);
	assert_leaf(&r, 0x90005000, 0x5000, SZ_4K, 3, PERM_RWX);
}

static void test_s2walk_level0_block_is_translation_fault(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(40, 0);
	struct s2_result r;

	(void)st;
	/* A 4 KiB granule has no blocks at level 0. */
	hand[0][1] = 0x8000000000ull | D_AF | D_NORMAL | D_RW | D_VALID;
	r = s2walk_translate(&cfg, 0x8000001000ull);
	assert_fault(&r, S2_FAULT_TRANSLATION, 0);
}

static void test_s2walk_xn_removes_execute(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(39, 1);
	struct s2_result r;

	(void)st;
	hand[0][1] = 0xc0000000ull | D_XN | D_AF | D_NORMAL | D_RW | D_VALID;
	r = s2walk_translate(&cfg, 0x40000000);
	assert_leaf(&r, 0xc0000000, 0x40000000, SZ_1G, 1,
		    S2_PERM_R | S2_PERM_W);
}

static void test_s2walk_s2ap_gives_read_and_write_separately(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(39, 1);
	struct s2_result r;

	(void)st;
	/* S2AP 0b00: no data access, execute only. */
	hand[0][1] = 0xc0000000ull | D_AF | D_NORMAL | D_VALID;
	r = s2walk_translate(&cfg, 0x40000000);
	assert_leaf(&r, 0xc0000000, 0x40000000, SZ_1G, 1, S2_PERM_X);
	/* S2AP 0b10: write only. */
	hand[0][1] |= D_S2AP_W | D_XN;
	r = s2walk_translate(&cfg, 0x40000000);
	assert_int_equal(r.perms, S2_PERM_W);
	/* S2AP 0b01: read only. */
	hand[0][1] ^= D_S2AP_W | D_S2AP_R;
	r = s2walk_translate(&cfg, 0x40000000);
	assert_int_equal(r.perms, S2_PERM_R);
}

static void test_s2walk_concatenated_root_tables_at_level1(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(40, 1);
	struct s2_result r;

	(void)st;
	/* 40 bits from level 1: two root tables, hand[0] and hand[1]. */
	hand[1][1] = 0xc0000000ull | D_AF | D_NORMAL | D_RW | D_VALID;
	r = s2walk_translate(&cfg, 0x8040000123ull);
	assert_leaf(&r, 0xc0000123, 0x8040000000ull, SZ_1G, 1, PERM_RWX);
	r = s2walk_translate(&cfg, 0x40000123);
	assert_fault(&r, S2_FAULT_TRANSLATION, 1);
}

static void test_s2walk_start_level0_40_bit_ipa_from_core(void **st)
{
	struct s2_result r;

	(void)st;
	/* hal_sim's default geometry. */
	core_init(40, 0);
	core_map(0x8000000000ull, 0xc0000000, SZ_1G, S2_RWX);
	core_map(0x40000000, 0x80001000, SZ_4K, S2_READ);
	r = core_walk(0x8000001234ull);
	assert_leaf(&r, 0xc0001234, 0x8000000000ull, SZ_1G, 1, PERM_RWX);
	r = core_walk(0x40000ff8);
	assert_leaf(&r, 0x80001ff8, 0x40000000, SZ_4K, 3, S2_PERM_R);
	/* Root entry 1 is a table; its next 1 GiB entry is not. */
	r = core_walk(0x8040000000ull);
	assert_fault(&r, S2_FAULT_TRANSLATION, 1);
	/* Root entry 0 is a table (for the page); 256 GiB in, nothing. */
	r = core_walk(0x4000000000ull);
	assert_fault(&r, S2_FAULT_TRANSLATION, 1);
	r = core_walk(0xffffffffffull);
	assert_fault(&r, S2_FAULT_TRANSLATION, 1);
	r = core_walk(1ull << 40);
	assert_int_equal(r.fault, S2_FAULT_INPUT_RANGE);
}

static void test_s2walk_start_level0_empty_root_faults_at_level0(void **st)
{
	struct s2_result r;

	(void)st;
	core_init(40, 0);
	r = core_walk(0x40000000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 0);
	r = core_walk(0x8000000000ull);
	assert_fault(&r, S2_FAULT_TRANSLATION, 0);
}

/* What a visitor saw, and when it asks the walk to stop. */
#define MAX_SEEN 16

struct seen {
	struct s2_result leaf[MAX_SEEN];
	unsigned count;
	unsigned stop_after; /* 0: never */
};

static bool record(void *arg, const struct s2_result *leaf)
{
	struct seen *s = arg;

	assert_true(s->count < MAX_SEEN);
	s->leaf[s->count++] = *leaf;
	return s->stop_after == 0 || s->count < s->stop_after;
}

static void assert_seen(const struct seen *s, unsigned i, uint64_t base_ipa,
			uint64_t size, uint64_t pa, unsigned level,
			unsigned perms)
{
	const struct s2_result *l = &s->leaf[i];

	assert_true(i < s->count);
	assert_int_equal(l->fault, S2_OK);
	assert_int_equal(l->base_ipa, base_ipa);
	assert_int_equal(l->size, size);
	assert_int_equal(l->pa, pa);
	assert_int_equal(l->level, level);
	assert_int_equal(l->perms, perms);
}

static void test_s2walk_each_visits_every_leaf_in_ipa_order(void **st)
{
	struct s2walk_cfg cfg;
	struct seen s = {0};

	(void)st;
	core_init(40, 0);
	/* Mapped out of IPA order: above 512 GiB, pages + block, device. */
	core_map(0x8000000000ull, 0xc0000000, SZ_1G, S2_READ);
	core_map(0x401fe000, 0x801fe000, 0x204000, S2_RWX);
	core_map(0x09000000, 0x09000000, SZ_4K, S2_READ | S2_WRITE | S2_DEVICE);
	cfg = core_cfg();
	assert_true(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 7);
	assert_seen(&s, 0, 0x09000000, SZ_4K, 0x09000000, 3,
		    S2_PERM_R | S2_PERM_W);
	assert_seen(&s, 1, 0x401fe000, SZ_4K, 0x801fe000, 3, PERM_RWX);
	assert_seen(&s, 2, 0x401ff000, SZ_4K, 0x801ff000, 3, PERM_RWX);
	assert_seen(&s, 3, 0x40200000, SZ_2M, 0x80200000, 2, PERM_RWX);
	assert_seen(&s, 4, 0x40400000, SZ_4K, 0x80400000, 3, PERM_RWX);
	assert_seen(&s, 5, 0x40401000, SZ_4K, 0x80401000, 3, PERM_RWX);
	assert_seen(&s, 6, 0x8000000000ull, SZ_1G, 0xc0000000, 1, S2_PERM_R);
}

static void test_s2walk_each_skips_invalid_and_af_clear_leaves(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(39, 1);
	struct seen s = {0};

	(void)st;
	hand[0][0] = hand_table(1);
	hand[1][0] = 0x80000000ull | D_NORMAL | D_RW | D_VALID; /* AF clear */
	hand[1][1] = 0x80200000ull | D_AF | D_NORMAL | D_RW | D_VALID;
	hand[1][2] = 0x80400000ull | D_AF | D_NORMAL | D_RW; /* invalid */
	hand[1][3] = hand_table(2);
	hand[2][0] = 0x90000000ull | D_AF | D_NORMAL | D_RW | D_VALID;
	hand[2][1] = 0x90001000ull | D_AF | D_NORMAL | D_RW | D_TABLE | D_VALID;
	hand[2][2] = 0x90002000ull | D_NORMAL | D_RW | D_TABLE | D_VALID;
	hand[0][1] =
	    0xc0000000ull | D_XN | D_AF | D_NORMAL | D_S2AP_R | D_VALID;
	hand[0][2] = 0xc0000000ull | D_AF | D_NORMAL | D_RW; /* invalid */
	assert_true(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 3);
	assert_seen(&s, 0, 0x200000, SZ_2M, 0x80200000, 2, PERM_RWX);
	assert_seen(&s, 1, 0x601000, SZ_4K, 0x90001000, 3, PERM_RWX);
	assert_seen(&s, 2, 0x40000000, SZ_1G, 0xc0000000, 1, S2_PERM_R);
}

static void test_s2walk_each_skips_level0_block(void **st)
{
	struct s2walk_cfg cfg = hand_cfg(40, 0);
	struct seen s = {0};

	(void)st;
	hand[0][0] = 0x0ull | D_AF | D_NORMAL | D_RW | D_VALID;
	hand[0][1] = hand_table(1);
	hand[1][3] = 0xc0000000ull | D_AF | D_NORMAL | D_RW | D_VALID;
	assert_true(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 1);
	assert_seen(&s, 0, 0x80c0000000ull, SZ_1G, 0xc0000000, 1, PERM_RWX);
}

static void test_s2walk_each_stops_when_visit_returns_false(void **st)
{
	struct s2walk_cfg cfg;
	struct seen s = {.stop_after = 2};

	(void)st;
	core_init(40, 0);
	core_map(0x40000000, 0x80000000, 4 * SZ_4K, S2_RWX);
	cfg = core_cfg();
	assert_false(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 2);
	assert_seen(&s, 1, 0x40001000, SZ_4K, 0x80001000, 3, PERM_RWX);
	/* A stop on the last page of a level-3 table ends the whole walk:
	 * the level-1 block under the next root entry is not visited. */
	core_map(0x8000000000ull, 0xc0000000, SZ_1G, S2_RWX);
	s = (struct seen){.stop_after = 4};
	assert_false(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 4);
	s = (struct seen){.stop_after = 5};
	assert_false(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 5);
	assert_seen(&s, 4, 0x8000000000ull, SZ_1G, 0xc0000000, 1, PERM_RWX);
}

static void test_s2walk_table_callback_null_is_translation_fault(void **st)
{
	struct s2walk_cfg cfg;
	struct seen s = {0};
	struct s2_result r;

	(void)st;
	core_init(40, 0);
	core_map(0x40000000, 0x80000000, SZ_4K, S2_RWX);
	/* No memory behind the root at all. */
	cfg = core_cfg();
	cfg.table = no_table;
	r = s2walk_translate(&cfg, 0x40000000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 0);
	assert_true(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 0);
	/* A table descriptor pointing outside the table memory. */
	cfg = hand_cfg(39, 1);
	hand[0][1] = hand_table(1);
	hand[1][0] = 0x7000000000ull | D_TABLE | D_VALID;
	r = s2walk_translate(&cfg, 0x40000000);
	assert_fault(&r, S2_FAULT_TRANSLATION, 3);
	assert_true(s2walk_each(&cfg, record, &s));
	assert_int_equal(s.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_s2walk_2mib_block_is_a_level2_leaf_with_rwx),
	    T(test_s2walk_read_only_block_gives_only_read),
	    T(test_s2walk_device_block_is_never_executable),
	    T(test_s2walk_unaligned_ends_of_a_mapping_are_level3_pages),
	    T(test_s2walk_1gib_block_is_a_level1_leaf),
	    T(test_s2walk_empty_root_is_translation_fault_at_level1),
	    T(test_s2walk_unmapped_ipa_faults_where_walk_found_invalid),
	    T(test_s2walk_sees_unmap_of_part_of_a_block),
	    T(test_s2walk_ipa_beyond_ipa_bits_is_address_size_fault),
	    T(test_s2walk_leaf_with_af_clear_is_access_flag_fault),
	    T(test_s2walk_level3_descriptor_without_bit1_is_translation_fault),
	    T(test_s2walk_level0_block_is_translation_fault),
	    T(test_s2walk_xn_removes_execute),
	    T(test_s2walk_s2ap_gives_read_and_write_separately),
	    T(test_s2walk_concatenated_root_tables_at_level1),
	    T(test_s2walk_start_level0_40_bit_ipa_from_core),
	    T(test_s2walk_start_level0_empty_root_faults_at_level0),
	    T(test_s2walk_each_visits_every_leaf_in_ipa_order),
	    T(test_s2walk_each_skips_invalid_and_af_clear_leaves),
	    T(test_s2walk_each_skips_level0_block),
	    T(test_s2walk_each_stops_when_visit_returns_false),
	    T(test_s2walk_table_callback_null_is_translation_fault),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
