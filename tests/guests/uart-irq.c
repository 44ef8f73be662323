/*
 * uart-irq: an interrupt-driven console. The guest enables the PL011's
 * receive and receive-timeout interrupts (SPI 1, INTID 33) and sleeps in
 * WFI; the bytes typed on the machine's serial input (QEMU's stdin, or
 * hvsim --input-file) must reach it by interrupt, up to the end of the
 * line, which it echoes.
 */
#include "gic.h"
#include "guest.h"

#define UART_DR	  (PL011_BASE + 0x00)
#define UART_FR	  (PL011_BASE + 0x18)
#define UART_IMSC (PL011_BASE + 0x38)
#define UART_ICR  (PL011_BASE + 0x44)
#define FR_RXFE	  (1u << 4)
#define INT_RX	  (1u << 4)
#define INT_RT	  (1u << 6)
#define LINE_MAX  64

static char line[LINE_MAX];
static volatile unsigned len, irqs;
static volatile bool eol;

static uint32_t r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static void on_irq(uint32_t intid)
{
	if (intid != GIC_UART)
		return;
	irqs++;
	while (!(r32(UART_FR) & FR_RXFE)) {
		char c = (char)(r32(UART_DR) & 0xff);

		if (c == '\n' || c == '\r')
			eol = true;
		else if (!eol && len < LINE_MAX - 1)
			line[len++] = c;
	}
	w32(UART_ICR, INT_RX | INT_RT);
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("uart-irq: reading a line by interrupt\n");
	gic_init();
	irq_set_handler(on_irq);
	gic_enable(GIC_UART, true);
	w32(UART_IMSC, INT_RX | INT_RT);
	irq_unmask();
	while (!eol)
		__asm__ __volatile__("wfi" ::: "memory");
	irq_mask();
	line[len] = '\0';
	gprintf("uart-irq: echo: %s\n", line);
	check_true("uart-irq: bytes came by interrupt", irqs > 0);
	return guest_done("uart-irq");
}
