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
 * A slow path split out of a hot function and kept out of it, so that the
 * hot path needs no stack frame (a hint; nothing depends on it).
 */
#if defined(__GNUC__)
#define HAL_NOINLINE __attribute__((noinline))
#else
#define HAL_NOINLINE
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
