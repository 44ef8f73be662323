/*
 * Freestanding memory helpers. Compilers emit calls to memcpy/memset/memmove
 * for struct copies and zeroing even with -ffreestanding, so the hypervisor
 * image and the guests link these. Host builds use libc's instead.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
