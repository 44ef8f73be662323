/*
 * uart: polled output on the PL011 at 0x0900_0000.
 *
 * Only the transmit path exists: the guests talk, the tests listen. Lines
 * end in '\n' alone; the hypervisor's console adds the VM's prefix.
 */
#include <stdarg.h>

#include "guest.h"
#include "lib/fmt.h"

#define UART_DR	     0x000
#define UART_FR	     0x018
#define UART_FR_TXFF (1u << 5)

static inline volatile uint32_t *uart_reg(unsigned offset)
{
	return (volatile uint32_t *)(PL011_BASE + offset);
}

void uart_putc(char c)
{
	while (*uart_reg(UART_FR) & UART_FR_TXFF)
		;
	*uart_reg(UART_DR) = (uint32_t)(unsigned char)c;
}

void uart_puts(const char *s)
{
	while (*s != '\0')
		uart_putc(*s++);
}

static void uart_sink(void *ctx, char c)
{
	(void)ctx;
	uart_putc(c);
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vprint(uart_sink, NULL, fmt, ap);
	va_end(ap);
}
