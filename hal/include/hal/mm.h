/*
 * mm: how the hypervisor reaches host-physical memory, and cache maintenance.
 *
 * On aarch64 the hypervisor identity-maps memory (VA == PA); in the simulator
 * host-physical memory is an arena. The core never assumes either.
 */
#ifndef HAL_MM_H
#define HAL_MM_H

#include <hal/types.h>

/*
 * Pointer through which the hypervisor reads and writes host-physical memory
 * at pa, valid for len bytes; NULL if [pa, pa + len) is not memory the
 * hypervisor can reach.
 */
void *hal_pa_to_ptr(paddr_t pa, uint64_t len);

/* Host-physical address of a pointer into hypervisor-owned memory. */
paddr_t hal_ptr_to_pa(const void *p);

/*
 * Zeroes [p, p + len) and makes the zeros visible to a guest running with
 * its MMU and caches off (hal_cache_sync_range's promise), the fast way
 * the machine has (DC ZVA on aarch64): for whole VM RAMs.
 */
void hal_mem_zero(void *p, uint64_t len);

/*
 * Makes memory written by the hypervisor visible to a guest that runs with
 * its MMU and caches off: clean and invalidate to the point of coherency,
 * then invalidate the instruction cache.
 */
void hal_cache_sync_range(const void *p, uint64_t len);

#endif
