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

#include <stdio.h>
#include <string.h>

#include "hal_sim.h"
#include "hv/arch.h"
#include "hv/config.h"
#include "hv/console.h"
#include "hv/page_pool.h"
#include "hv/vcpu.h"
#include "hv/vm.h"
#include <hal/mm.h>

/* Host-physical address the tests give their pool pages (any page-aligned
 * value works: tables are reached through the pool, not through it). */
#define TEST_POOL_PA 0x100000000ull

/*
 * The guest layout most tests use: 4 MiB of RAM, 2 MiB aligned both sides
 * (the smallest a VM may have: its device tree goes 2 MiB below the top),
 * and a raw kernel module in the arena's first 2 MiB.
 */
#define TEST_RAM_IPA   0x40000000ull
#define TEST_RAM_SIZE  0x400000ull
#define TEST_RAM_PA    0x48200000ull
#define TEST_ARENA_PA  0x48000000ull
#define TEST_ARENA_SZ  0x600000ull
#define TEST_KERNEL_PA 0x48000000ull
#define TEST_ENTRY     (TEST_RAM_IPA + 0x80000)
#define TEST_DTB_IPA   (TEST_RAM_IPA + TEST_RAM_SIZE - VM_DTB_BELOW_TOP)
#define TEST_VBAR      0x40010000ull

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
	struct vm_config cfg;
	struct vm_image_plan plan;
	struct vm vm;
};

/* The bytes of the test kernel: 0xa0, 0xa1, ... */
#define TEST_KERNEL_SIZE 64

/*
 * The configuration test_vm_boot uses: a raw kernel of TEST_KERNEL_SIZE
 * bytes (put in the arena) loaded and entered at TEST_ENTRY, the device
 * tree generated.
 */
static inline void test_vm_config(struct vm_config *c, const char *name,
				  unsigned vcpu_count)
{
	uint8_t *k = hal_pa_to_ptr(pa_init(TEST_KERNEL_PA), TEST_KERNEL_SIZE);

	assert_non_null(k);
	for (size_t i = 0; i < TEST_KERNEL_SIZE; i++)
		k[i] = (uint8_t)(0xa0 + i);
	*c = (struct vm_config){
	    .ram_ipa = ipa_init(TEST_RAM_IPA),
	    .ram_size = TEST_RAM_SIZE,
	    .ram_pa = pa_init(TEST_RAM_PA),
	    .ram_pa_fixed = true,
	    .kernel = {pa_init(TEST_KERNEL_PA), TEST_KERNEL_SIZE},
	    .kind = VM_KERNEL_RAW,
	    .load = ipa_init(TEST_ENTRY),
	    .load_set = true,
	    .vcpu_count = vcpu_count,
	};
	strncpy(c->name, name, HV_NAME_MAX);
	snprintf(c->node, sizeof(c->node), "/chosen/%s", name);
}

/*
 * Resets the machine model, makes the arena and boots a VM named name with
 * vcpu_count vCPUs (test_vm_config), the console's only VM (so no line of
 * an earlier test's VM is left unfinished on it). VBAR_EL1 of vCPU 0 is
 * set to TEST_VBAR so injected exceptions are visible.
 */
static inline struct vm *test_vm_boot(struct test_vm *t, const char *name,
				      unsigned vcpu_count)
{
	struct config_error err;

	hal_sim_reset();
	hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ);
	test_vm_config(&t->cfg, name, vcpu_count);
	if (vm_image_plan(&t->cfg, &t->plan, &err) != HV_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(vm_create(&t->vm, 0, &t->cfg, &t->plan,
				   test_pool_init(&t->tp, TEST_POOL_PAGES)),
			 HV_OK);
	assert_int_equal(vm_boot(&t->vm), HV_OK);
	console_init(&t->vm, 1, 0);
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
