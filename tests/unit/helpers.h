/*
 * helpers: what several unit tests share - a page pool over test memory, a
 * VM built with vm_create over a hal_sim arena, synthesized exit syndromes
 * and a look at the captured console. Everything is static inline so each
 * test executable takes only what it uses.
 */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "hal_sim.h"
#include "hv/arch.h"
#include "hv/config.h"
#include "hv/page_pool.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

/* Host-physical address the tests give their pool pages (any page-aligned
 * value works: tables are reached through the pool, not through it). */
#define TEST_POOL_PA 0x100000000ull

/* The guest layout most tests use: 2 MiB of RAM, 2 MiB aligned both sides. */
#define TEST_RAM_IPA  0x40000000ull
#define TEST_RAM_SIZE 0x200000ull
#define TEST_RAM_PA   0x48200000ull
#define TEST_ARENA_PA 0x48000000ull
#define TEST_ARENA_SZ 0x600000ull
#define TEST_VBAR     0x40010000ull

#define TEST_POOL_PAGES 64

struct test_pool {
	_Alignas(PAGE_SIZE) uint8_t mem[TEST_POOL_PAGES][PAGE_SIZE];
	uint32_t links[TEST_POOL_PAGES];
	struct page_pool pool;
};

/* A pool of page_count pages (at most TEST_POOL_PAGES) at TEST_POOL_PA. */
static inline struct page_pool *test_pool_init(struct test_pool *tp,
					       uint32_t page_count)
{
	assert_true(page_count <= TEST_POOL_PAGES);
	assert_int_equal(page_pool_init(&tp->pool, tp->mem,
					pa_init(TEST_POOL_PA), page_count,
					tp->links),
			 HV_OK);
	return &tp->pool;
}

/* Everything written to the physical console so far. */
static inline const char *console(void)
{
	return hal_sim_console_output(NULL);
}

/* Fails the test unless the console output contains needle. */
#define assert_console_has(needle)                                             \
	do {                                                                   \
		if (strstr(console(), (needle)) == NULL)                       \
			fail_msg("console lacks \"%s\"; it holds:\n%s",        \
				 (needle), console());                         \
	} while (0)

/* A VM over a fresh hal_sim machine, ready to run vCPU 0. */
struct test_vm {
	struct test_pool tp;
	uint8_t image[64];
	uint8_t dtb[32];
	struct vm_config cfg;
	struct vm vm;
};

/*
 * Resets the machine model, makes the arena and boots a VM named name with
 * vcpu_count vCPUs: image at RAM + 0x80000 (entry), dtb at the RAM base.
 * VBAR_EL1 of vCPU 0 is set to TEST_VBAR so injected exceptions are visible.
 */
static inline struct vm *test_vm_boot(struct test_vm *t, const char *name,
				      unsigned vcpu_count)
{
	hal_sim_reset();
	hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ);
	for (size_t i = 0; i < sizeof(t->image); i++)
		t->image[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < sizeof(t->dtb); i++)
		t->dtb[i] = (uint8_t)(0xd0 + i);
	t->cfg = (struct vm_config){
	    .name = name,
	    .ram_ipa = ipa_init(TEST_RAM_IPA),
	    .ram_size = TEST_RAM_SIZE,
	    .ram_pa = pa_init(TEST_RAM_PA),
	    .entry = ipa_init(TEST_RAM_IPA + 0x80000),
	    .image = {t->image, sizeof(t->image),
		      ipa_init(TEST_RAM_IPA + 0x80000)},
	    .dtb = {t->dtb, sizeof(t->dtb), ipa_init(TEST_RAM_IPA)},
	    .vcpu_count = vcpu_count,
	    .console = false,
	};
	assert_int_equal(vm_create(&t->vm, 0, &t->cfg,
				   test_pool_init(&t->tp, TEST_POOL_PAGES)),
			 HV_OK);
	assert_int_equal(vm_boot(&t->vm), HV_OK);
	/* What the scheduler does before it first runs vCPU 0. */
	vcpu_apply_reset(&t->vm.vcpus[0]);
	hal_vcpu_el1_write(&t->vm.vcpus[0].arch, EL1_VBAR, TEST_VBAR);
	hal_sim_console_clear();
	return &t->vm;
}

/* A data-abort ISS with a valid syndrome. */
static inline uint32_t dabt_iss(unsigned sas, bool sse, unsigned srt, bool sf,
				bool wnr)
{
	return ISS_DA_ISV | (sas << ISS_DA_SAS_SHIFT) | (sse ? ISS_DA_SSE : 0) |
	       (srt << ISS_DA_SRT_SHIFT) | (sf ? ISS_DA_SF : 0) |
	       (wnr ? ISS_DA_WNR : 0) | 0x07 /* translation fault, level 3 */;
}

/* HPFAR_EL2 for a fault at ipa: FIPA [43:4] holds IPA[51:12]. */
static inline uint64_t hpfar_of(uint64_t ipa)
{
	return (ipa >> 12) << 4;
}

#endif
