/*
 * Typed addresses. A host-physical address (paddr_t), a guest-physical
 * address (ipaddr_t) and a virtual address (vaddr_t) are distinct types so
 * that one can never be passed where another is expected.
 */
#ifndef HAL_TYPES_H
#define HAL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * HAL_NOINLINE: a slow path split out of a hot function and kept out of
 * it, so that the hot path needs no stack frame. HAL_COLD: a rare path (a
 * guest's error, a fault) in a file built for speed: compiled for size,
 * and calls to it are taken as unlikely. Hints; nothing depends on them.
 */
#if defined(__GNUC__)
#define HAL_NOINLINE __attribute__((noinline))
#define HAL_COLD     __attribute__((cold))
#else
#define HAL_NOINLINE
#define HAL_COLD
#endif

/*
 * HAL_NOINIT places a zero-initialised static object where the boot does
 * not clear it (the AArch64 image's .noinit): for big buffers whose every
 * part is written before it is read (stacks, the page pool, which zeroes a
 * page when it hands it out), so that the boot does not spend its time
 * clearing them. Elsewhere (hosted builds) it is plain .bss.
 */
#if defined(HV_BARE_METAL) && defined(__GNUC__)
#define HAL_NOINIT __attribute__((section(".noinit")))
#else
#define HAL_NOINIT
#endif

typedef struct {
	uint64_t pa;
} paddr_t;

typedef struct {
	uint64_t ipa;
} ipaddr_t;

typedef struct {
	uint64_t va;
} vaddr_t;

static inline paddr_t pa_init(uint64_t a)
{
	return (paddr_t){a};
}

static inline uint64_t pa_addr(paddr_t a)
{
	return a.pa;
}

static inline ipaddr_t ipa_init(uint64_t a)
{
	return (ipaddr_t){a};
}

static inline uint64_t ipa_addr(ipaddr_t a)
{
	return a.ipa;
}

static inline vaddr_t va_init(uint64_t a)
{
	return (vaddr_t){a};
}

static inline uint64_t va_addr(vaddr_t a)
{
	return a.va;
}

#endif
