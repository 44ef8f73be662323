/* page_pool: a free list threaded through a side array of indices. */
#include "hv/page_pool.h"

#include "hv/log.h"

#include "lib/string.h"

enum hv_err page_pool_init(struct page_pool *pool, void *base, paddr_t base_pa,
			   uint32_t page_count, uint32_t *next_free)
{
	if (base == NULL || next_free == NULL || page_count == 0)
		return HV_ERR_INVAL;
	if (((uintptr_t)base | pa_addr(base_pa)) & (PAGE_SIZE - 1))
		return HV_ERR_ALIGN;
	pool->base = base;
	pool->base_pa = base_pa;
	pool->page_count = page_count;
	pool->used_count = 0;
	pool->next_free = next_free;
	for (uint32_t i = 0; i < page_count; i++)
		next_free[i] = i + 1;
	pool->free_head = 0;
	return HV_OK;
}

void *page_pool_alloc(struct page_pool *pool, paddr_t *pa)
{
	uint32_t i = pool->free_head;

	if (i >= pool->page_count)
		return NULL;
	pool->free_head = pool->next_free[i];
	pool->used_count++;
	uint8_t *page = pool->base + (size_t)i * PAGE_SIZE;
	memset(page, 0, PAGE_SIZE);
	*pa = pa_init(pa_addr(pool->base_pa) + (uint64_t)i * PAGE_SIZE);
	return page;
}

void page_pool_free(struct page_pool *pool, void *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)pool->base;
	uint32_t i = (uint32_t)(off / PAGE_SIZE);

	/* The index is checked before its truncation to 32 bits. */
	HV_CHECK((uint8_t *)page >= pool->base &&
		 off / PAGE_SIZE < pool->page_count && off % PAGE_SIZE == 0);
	pool->next_free[i] = pool->free_head;
	pool->free_head = i;
	pool->used_count--;
}

void *page_pool_ptr(const struct page_pool *pool, paddr_t pa)
{
	uint64_t off = pa_addr(pa) - pa_addr(pool->base_pa);

	if (pa_addr(pa) < pa_addr(pool->base_pa) ||
	    off >= (uint64_t)pool->page_count * PAGE_SIZE)
		return NULL;
	return pool->base + off;
}
