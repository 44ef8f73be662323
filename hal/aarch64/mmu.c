/*
 * mmu: the hypervisor's own stage-1 translation at EL2. Identity map with a
 * 39-bit VA (start at level 1): the first GiB (devices) as Device-nGnRE, RAM
 * as Normal write-back, never executable, except the image itself, mapped
 * page by page: text read-only and executable, rodata read-only, data and
 * bss read-write. SCTLR_EL2.WXN enforces that nothing writable executes.
 */
#include "pcpu.h"

#include <hal/core.h>

#define PAGE	  4096ull
#define BLOCK_2M  (1ull << 21)
#define BLOCK_1G  (1ull << 30)
#define L3_TABLES 4 /* the image may span up to 8 MiB */

#define D_BLOCK	   1ull
#define D_TABLE	   3ull /* table at L1/L2, page at L3 */
#define D_ATTR(i)  ((uint64_t)(i) << 2)
#define D_AP_RW	   (1ull << 6) /* AP[1] is RES1 at EL2 */
#define D_AP_RO	   ((1ull << 7) | (1ull << 6))
#define D_SH_INNER (3ull << 8)
#define D_AF	   (1ull << 10)
#define D_XN	   (1ull << 54)

#define MAIR_DEVICE_NGNRNE 0
#define MAIR_DEVICE_NGNRE  1
#define MAIR_NORMAL_WB	   2
#define MAIR_VALUE	   ((0x00ull << 0) | (0x04ull << 8) | (0xffull << 16))

#define NORMAL (D_ATTR(MAIR_NORMAL_WB) | D_SH_INNER | D_AF)
#define DEVICE (D_ATTR(MAIR_DEVICE_NGNRE) | D_AF | D_XN | D_AP_RW)

extern char __hv_start[], __text_end[], __rodata_end[], __hv_end[];

static _Alignas(PAGE) uint64_t l1[512];
static _Alignas(PAGE) uint64_t l2_ram[512];
static _Alignas(PAGE) uint64_t l3[L3_TABLES][512];

void hal_mmu_init(unsigned pa_range)
{
	uint64_t ram = 1ull << 30;
	uint64_t first = (uint64_t)__hv_start & ~(BLOCK_2M - 1);
	uint64_t last = ((uint64_t)__hv_end - 1) & ~(BLOCK_2M - 1);
	unsigned n3 = 0;

	if ((last - first) / BLOCK_2M + 1 > L3_TABLES)
		hv_panic(__FILE__, __LINE__, "image too large for the EL2 map");
	l1[0] = 0 | DEVICE | D_BLOCK;
	l1[1] = (uint64_t)l2_ram | D_TABLE;
	for (unsigned i = 2; i < 4; i++)
		l1[i] = i * BLOCK_1G | NORMAL | D_AP_RW | D_XN | D_BLOCK;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t a = ram + i * BLOCK_2M;

		if (a < first || a > last) {
			l2_ram[i] = a | NORMAL | D_AP_RW | D_XN | D_BLOCK;
			continue;
		}
		for (unsigned j = 0; j < 512; j++)
			l3[n3][j] =
			    (a + j * PAGE) | NORMAL | D_AP_RW | D_XN | D_TABLE;
		l2_ram[i] = (uint64_t)l3[n3++] | D_TABLE;
	}
	/* Then the text and rodata pages over those (l3's tables follow
	 * each other from the block at first): one pass over them, not a
	 * range test for every page of the 2 MiB blocks. */
	for (uint64_t p = (uint64_t)__hv_start; p < (uint64_t)__rodata_end;
	     p += PAGE) {
		uint64_t k = (p - first) / PAGE;

		l3[k / 512][k % 512] = p | NORMAL | D_AP_RO | D_TABLE |
				       (p < (uint64_t)__text_end ? 0 : D_XN);
	}

	hal_mmu_enable(pa_range);
}

void hal_mmu_enable(unsigned pa_range)
{
	uint64_t tcr = 25 | (1ull << 8) | (1ull << 10) | (3ull << 12) |
		       ((uint64_t)(pa_range > 5 ? 5 : pa_range) << 16) |
		       (1ull << 23) | (1ull << 31);

	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, tcr);
	write_sysreg(ttbr0_el2, (uint64_t)l1);
	dsb_sy();
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb_sy();
	isb();
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I |
				    SCTLR_SA | SCTLR_WXN);
	isb();
}
