/*
 * fmt: freestanding formatter. Kept free of any libc dependency so the same
 * object builds for EL2, for the test guests and for host unit tests.
 */
#include "lib/fmt.h"

#include <stdint.h>

struct fmt_spec {
	unsigned width;
	int zero_pad;
	int left;
};

static size_t emit_padded(fmt_putc_fn putc, void *ctx, const char *s,
			  size_t len, const struct fmt_spec *spec)
{
	size_t pad = spec->width > len ? spec->width - len : 0;
	size_t n = 0;

	if (!spec->left) {
		for (; pad > 0; pad--, n++)
			putc(ctx, ' ');
	}
	for (size_t i = 0; i < len; i++, n++)
		putc(ctx, s[i]);
	for (; pad > 0; pad--, n++)
		putc(ctx, ' ');
	return n;
}

static size_t emit_number(fmt_putc_fn putc, void *ctx, uint64_t v, int negative,
			  unsigned base, int upper, const struct fmt_spec *spec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	size_t len = 0;
	size_t n = 0;

	do {
		buf[len++] = digits[v % base];
		v /= base;
	} while (v != 0);

	size_t total = len + (negative ? 1 : 0);
	size_t pad = spec->width > total ? spec->width - total : 0;

	if (!spec->left && !spec->zero_pad) {
		for (; pad > 0; pad--, n++)
			putc(ctx, ' ');
	}
	if (negative) {
		putc(ctx, '-');
		n++;
	}
	if (!spec->left && spec->zero_pad) {
		for (; pad > 0; pad--, n++)
			putc(ctx, '0');
	}
	while (len > 0) {
		putc(ctx, buf[--len]);
		n++;
	}
	for (; pad > 0; pad--, n++)
		putc(ctx, ' ');
	return n;
}

size_t fmt_vprint(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
	size_t n = 0;

	while (*fmt != '\0') {
		if (*fmt != '%') {
			putc(ctx, *fmt++);
			n++;
			continue;
		}
		const char *start = fmt++;
		struct fmt_spec spec = {0, 0, 0};
		int lng = 0;

		for (;; fmt++) {
			if (*fmt == '0')
				spec.zero_pad = 1;
			else if (*fmt == '-')
				spec.left = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9' && spec.width < 1000)
			spec.width = spec.width * 10 + (unsigned)(*fmt++ - '0');
		if (*fmt == 'z') {
			lng = 2;
			fmt++;
		} else {
			while (*fmt == 'l' && lng < 2) {
				lng++;
				fmt++;
			}
		}

		switch (*fmt) {
		case '%':
			putc(ctx, '%');
			n++;
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			n += emit_padded(putc, ctx, &c, 1, &spec);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t len = 0;

			if (s == NULL)
				s = "(null)";
			while (s[len] != '\0')
				len++;
			n += emit_padded(putc, ctx, s, len, &spec);
			break;
		}
		case 'd':
		case 'i': {
			int64_t v = lng == 0   ? va_arg(ap, int)
				    : lng == 1 ? va_arg(ap, long)
					       : va_arg(ap, long long);
			uint64_t mag =
			    v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			n += emit_number(putc, ctx, mag, v < 0, 10, 0, &spec);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng == 0 ? va_arg(ap, unsigned)
				     : lng == 1
					 ? va_arg(ap, unsigned long)
					 : va_arg(ap, unsigned long long);
			n += emit_number(putc, ctx, v, 0, *fmt == 'u' ? 10 : 16,
					 *fmt == 'X', &spec);
			break;
		}
		case 'p': {
			/* "0x" and the digits are one field for the width. */
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			char hex[2 + 2 * sizeof(uintptr_t)];
			size_t len = 0;
			unsigned shift = 4;

			while (shift < 8 * sizeof(uintptr_t) &&
			       (v >> shift) != 0)
				shift += 4;
			hex[len++] = '0';
			hex[len++] = 'x';
			while (shift > 0) {
				shift -= 4;
				hex[len++] =
				    "0123456789abcdef"[(v >> shift) & 0xf];
			}
			n += emit_padded(putc, ctx, hex, len, &spec);
			break;
		}
		default:
			/* Unknown conversion: copy it through, consume nothing.
			 */
			for (; start <= fmt && *start != '\0'; start++, n++)
				putc(ctx, *start);
			if (*fmt == '\0')
				return n;
			break;
		}
		fmt++;
	}
	return n;
}

struct buf_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_putc(void *ctx, char c)
{
	struct buf_sink *s = ctx;

	if (s->pos + 1 < s->size)
		s->buf[s->pos] = c;
	s->pos++;
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink s = {buf, size, 0};
	size_t n = fmt_vprint(buf_putc, &s, fmt, ap);

	if (size > 0)
		buf[s.pos < size ? s.pos : size - 1] = '\0';
	return n;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
