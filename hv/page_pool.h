/*
 * page_pool: fixed pool of 4 KiB pages for page tables. The hypervisor has
 * no heap; every page-table page comes from a pool sized at build time, and
 * running out is an error value the caller reports.
 */
#ifndef HV_PAGE_POOL_H
#define HV_PAGE_POOL_H

#include "hv/err.h"

#include <hal/types.h>

#define PAGE_SIZE  4096u
#define PAGE_SHIFT 12

struct page_pool {
	uint8_t *base;	 /* pointer to the first page */
	paddr_t base_pa; /* its host-physical address */
	uint32_t page_count;
	uint32_t used_count;
	uint32_t free_head;  /* index of the first free page, or page_count */
	uint32_t *next_free; /* free list links, one per page */
};

/*
 * Makes a pool of page_count pages at base (page aligned, host-physical
 * base_pa); next_free must have room for page_count links.
 */
enum hv_err page_pool_init(struct page_pool *pool, void *base, paddr_t base_pa,
			   uint32_t page_count, uint32_t *next_free);

/* A zeroed page, its address in *pa; NULL when the pool is empty. */
void *page_pool_alloc(struct page_pool *pool, paddr_t *pa);

/* Returns a page obtained from page_pool_alloc. */
void page_pool_free(struct page_pool *pool, void *page);

/* Pointer to the pool page at host-physical pa; NULL if not in the pool. */
void *page_pool_ptr(const struct page_pool *pool, paddr_t pa);

#endif
