/* Freestanding implementations of the few libc memory functions we need. */
#include "lib/string.h"

#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t i = 0;

	/* Both aligned: 8 bytes at a time, then the tail bytewise. */
	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		uint64_t *d8 = dst;
		const uint64_t *s8 = src;

		for (; i + 4 <= n / 8; i += 4) {
			d8[i] = s8[i];
			d8[i + 1] = s8[i + 1];
			d8[i + 2] = s8[i + 2];
			d8[i + 3] = s8[i + 3];
		}
		for (; i < n / 8; i++)
			d8[i] = s8[i];
		i *= 8;
	}
	for (; i < n; i++)
		d[i] = s[i];
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n-- > 0)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (c == 0) {
		/* Bytes up to an 8-byte boundary (a range that starts mid-word:
		 * the rest of a page after a guest's device tree), then 32
		 * bytes an iteration: pages of tables, the VM array; the
		 * last few bytewise. */
		for (; n > 0 && ((uintptr_t)d & 7) != 0; n--)
			*d++ = 0;
		for (; n >= 32; n -= 32, d += 32) {
			uint64_t *d8 = (uint64_t *)(void *)d;

			d8[0] = 0;
			d8[1] = 0;
			d8[2] = 0;
			d8[3] = 0;
		}
	}
	for (; n > 0; n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
