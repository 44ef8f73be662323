/*
 * fmt: a small freestanding printf-style formatter shared by the hypervisor
 * and the test guests.
 *
 * Conversions: %% %c %s %d %i %u %x %X %p, length modifiers l, ll, z, and
 * the flags '0' and '-' with a decimal field width. Anything else is copied
 * through verbatim so a bad format string can never read past its arguments
 * in an unexpected way.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Sink for formatted characters. */
typedef void (*fmt_putc_fn)(void *ctx, char c);

/* Formats into a sink; returns the number of characters produced. */
size_t fmt_vprint(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap);

/*
 * Formats into buf (always NUL-terminated when size > 0); returns the length
 * the full output would have had, like C99 snprintf.
 */
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...);
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
