/*
 * pl011: driver for the physical PL011 at 0x0900_0000 on QEMU virt, the
 * hypervisor's console: output polled, input signalled by interrupt.
 */
#include "pcpu.h"

#include <hal/console.h>

#define UART_BASE PL011_BASE
#define UART_DR	  0x000
#define UART_FR	  0x018
#define UART_IBRD 0x024
#define UART_FBRD 0x028
#define UART_LCRH 0x02c
#define UART_CR	  0x030
#define UART_IMSC 0x038

#define IMSC_RXIM (1u << 4)
#define IMSC_RTIM (1u << 6)

#define FR_TXFF (1u << 5)
#define FR_RXFE (1u << 4)

static inline volatile uint32_t *reg(unsigned off)
{
	return (volatile uint32_t *)(UART_BASE + off);
}

/*
 * The FIFOs stay as the firmware left them (off, on QEMU): switching them
 * on or off empties the receive FIFO in QEMU's model, which would lose a
 * byte typed at that moment, and the hypervisor reads its input whole at
 * each interrupt anyway (hv/console.c), one byte or sixteen.
 */
void hal_pl011_init(void)
{
	uint32_t fen = *reg(UART_LCRH) & (1u << 4);

	/* 8N1, TX and RX enabled; QEMU ignores the baud rate. */
	*reg(UART_CR) = 0;
	*reg(UART_IMSC) = 0;
	*reg(UART_IBRD) = 13;
	*reg(UART_FBRD) = 1;
	*reg(UART_LCRH) = (3u << 5) | fen;
	*reg(UART_CR) = (1u << 0) | (1u << 8) | (1u << 9);
	/* Receive and receive-timeout interrupts: input reaches the
	 * console VM without polling (SPI 1, enabled by the core). */
	*reg(UART_IMSC) = IMSC_RXIM | IMSC_RTIM;
}

static inline void pl011_putc(char c)
{
	while (*reg(UART_FR) & FR_TXFF)
		;
	*reg(UART_DR) = (uint8_t)c;
}

/* One writer at a time, so lines from different CPUs do not mix. */
static atomic_flag tx_busy = ATOMIC_FLAG_INIT;

void hal_console_write(const char *s, size_t len)
{
	bool smp = pcpu_count > 1;

	while (smp && atomic_flag_test_and_set_explicit(&tx_busy,
							memory_order_acquire))
		hal_cpu_relax();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
	if (smp)
		atomic_flag_clear_explicit(&tx_busy, memory_order_release);
}

/* hal_console_putc with several CPUs: they take turns. */
static HAL_NOINLINE void putc_locked(char c)
{
	while (
	    atomic_flag_test_and_set_explicit(&tx_busy, memory_order_acquire))
		hal_cpu_relax();
	if (c == '\n')
		pl011_putc('\r');
	pl011_putc(c);
	atomic_flag_clear_explicit(&tx_busy, memory_order_release);
}

void hal_console_putc(char c)
{
	if (pcpu_count > 1) {
		putc_locked(c);
		return;
	}
	if (c == '\n')
		pl011_putc('\r');
	pl011_putc(c);
}

int hal_console_getc(void)
{
	if (*reg(UART_FR) & FR_RXFE)
		return -1;
	return (int)(*reg(UART_DR) & 0xff);
}
