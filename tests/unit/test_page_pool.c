/* Unit tests of hv/page_pool.c. */
#include "helpers.h"

#include "hv/page_pool.h"

static struct test_pool tp;
static jmp_buf halt_jmp;
static int halt_status;
static int halt_halted;

static void halt_hook(int status, int halted)
{
	halt_status = status;
	halt_halted = halted;
	longjmp(halt_jmp, 1);
}

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	memset(tp.mem, 0xa5, sizeof(tp.mem));
	return 0;
}

static void test_page_pool_init_rejects_missing_memory_or_count(void **st)
{
	struct page_pool p;

	(void)st;
	assert_int_equal(page_pool_init(&p, NULL, pa_init(0), 4, tp.links),
			 HV_ERR_INVAL);
	assert_int_equal(page_pool_init(&p, tp.mem, pa_init(0), 4, NULL),
			 HV_ERR_INVAL);
	assert_int_equal(page_pool_init(&p, tp.mem, pa_init(0), 0, tp.links),
			 HV_ERR_INVAL);
}

static void test_page_pool_init_rejects_misaligned_base(void **st)
{
	struct page_pool p;

	(void)st;
	assert_int_equal(
	    page_pool_init(&p, &tp.mem[0][8], pa_init(0x10000), 4, tp.links),
	    HV_ERR_ALIGN);
	assert_int_equal(
	    page_pool_init(&p, tp.mem, pa_init(0x10800), 4, tp.links),
	    HV_ERR_ALIGN);
}

static void test_page_pool_init_starts_empty_and_links_every_page(void **st)
{
	struct page_pool *p = test_pool_init(&tp, 4);

	(void)st;
	assert_int_equal(p->page_count, 4);
	assert_int_equal(p->used_count, 0);
	assert_int_equal(p->free_head, 0);
	assert_int_equal(tp.links[0], 1);
	assert_int_equal(tp.links[3], 4);
}

static void test_page_pool_alloc_hands_out_zeroed_pages_in_order(void **st)
{
	struct page_pool *p = test_pool_init(&tp, 4);
	uint8_t zero[PAGE_SIZE] = {0};
	paddr_t pa;

	(void)st;
	for (unsigned i = 0; i < 4; i++) {
		uint8_t *page = page_pool_alloc(p, &pa);

		assert_ptr_equal(page, tp.mem[i]);
		assert_int_equal(pa_addr(pa), TEST_POOL_PA + i * PAGE_SIZE);
		assert_memory_equal(page, zero, PAGE_SIZE);
		assert_int_equal(p->used_count, i + 1);
	}
}

static void test_page_pool_alloc_when_empty_returns_null(void **st)
{
	struct page_pool *p = test_pool_init(&tp, 2);
	paddr_t pa = pa_init(0x1234);

	(void)st;
	assert_non_null(page_pool_alloc(p, &pa));
	assert_non_null(page_pool_alloc(p, &pa));
	assert_null(page_pool_alloc(p, &pa));
	assert_int_equal(p->used_count, 2);
	/* The out value is untouched on failure. */
	assert_int_equal(pa_addr(pa), TEST_POOL_PA + PAGE_SIZE);
}

static void test_page_pool_free_then_alloc_reuses_the_page_zeroed(void **st)
{
	struct page_pool *p = test_pool_init(&tp, 3);
	paddr_t pa;
	uint8_t *a = page_pool_alloc(p, &pa);
	uint8_t *b = page_pool_alloc(p, &pa);

	(void)st;
	assert_ptr_equal(b, tp.mem[1]);
	b[100] = 0x5a;
	page_pool_free(p, b);
	assert_int_equal(p->used_count, 1);
	assert_ptr_equal(page_pool_alloc(p, &pa), b);
	assert_int_equal(pa_addr(pa), TEST_POOL_PA + PAGE_SIZE);
	assert_int_equal(b[100], 0);
	/* Last freed, first reused. */
	page_pool_free(p, a);
	page_pool_free(p, b);
	assert_ptr_equal(page_pool_alloc(p, &pa), b);
	assert_ptr_equal(page_pool_alloc(p, &pa), a);
	assert_ptr_equal(page_pool_alloc(p, &pa), tp.mem[2]);
	assert_null(page_pool_alloc(p, &pa));
}

static void test_page_pool_ptr_maps_pool_addresses_only(void **st)
{
	struct page_pool *p = test_pool_init(&tp, 4);

	(void)st;
	assert_ptr_equal(page_pool_ptr(p, pa_init(TEST_POOL_PA)), tp.mem[0]);
	assert_ptr_equal(page_pool_ptr(p, pa_init(TEST_POOL_PA + 0x2010)),
			 &tp.mem[2][0x10]);
	assert_ptr_equal(page_pool_ptr(p, pa_init(TEST_POOL_PA + 0x3fff)),
			 &tp.mem[3][0xfff]);
	assert_null(page_pool_ptr(p, pa_init(TEST_POOL_PA + 0x4000)));
	assert_null(page_pool_ptr(p, pa_init(TEST_POOL_PA - 1)));
	assert_null(page_pool_ptr(p, pa_init(0)));
}

static void expect_free_panics(struct page_pool *p, void *page)
{
	halt_halted = 0;
	hal_sim_console_clear();
	hal_sim_set_stop_hook(halt_hook);
	if (setjmp(halt_jmp) == 0) {
		page_pool_free(p, page);
		fail_msg("page_pool_free accepted %p", page);
	}
	assert_int_equal(halt_halted, 1);
	assert_int_equal(halt_status, 1);
	assert_console_has("hv: PANIC at ");
	assert_console_has("page_pool.c:");
	assert_console_has("hv: check failed: ");
}

static void test_page_pool_free_of_foreign_page_panics(void **st)
{
	struct page_pool *p = test_pool_init(&tp, 4);
	paddr_t pa;

	(void)st;
	page_pool_alloc(p, &pa);
	expect_free_panics(p, tp.mem[4]);
	expect_free_panics(p, &tp.mem[0][16]);
	expect_free_panics(p, (void *)((uintptr_t)tp.mem - PAGE_SIZE));
	assert_int_equal(p->used_count, 1);
}

static void test_page_pool_free_far_above_the_pool_panics(void **st)
{
	struct page_pool *p = test_pool_init(&tp, 4);
	paddr_t pa;

	(void)st;
	page_pool_alloc(p, &pa);
	/* 2^32 pages above the base: the page index must not wrap to 0. */
	expect_free_panics(p, (void *)((uintptr_t)tp.mem +
				       ((uintptr_t)1 << (32 + PAGE_SHIFT))));
	assert_int_equal(p->used_count, 1);
	assert_int_equal(p->free_head, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_page_pool_init_rejects_missing_memory_or_count),
	    T(test_page_pool_init_rejects_misaligned_base),
	    T(test_page_pool_init_starts_empty_and_links_every_page),
	    T(test_page_pool_alloc_hands_out_zeroed_pages_in_order),
	    T(test_page_pool_alloc_when_empty_returns_null),
	    T(test_page_pool_free_then_alloc_reuses_the_page_zeroed),
	    T(test_page_pool_ptr_maps_pool_addresses_only),
	    T(test_page_pool_free_of_foreign_page_panics),
	    T(test_page_pool_free_far_above_the_pool_panics),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
