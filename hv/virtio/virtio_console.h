/*
 * virtio_console: a console device (VIRTIO 1.2, 5.3; device ID 3) with one
 * port, no VIRTIO_CONSOLE_F_SIZE and no MULTIPORT: queue 0 (receiveq)
 * brings console input to the guest, queue 1 (transmitq) takes its output.
 * VIRTIO_CONSOLE_F_EMERG_WRITE is offered: a write of emerg_wr (offset 8
 * of the configuration) outputs its low byte, without any queue.
 *
 * Output goes to the sink given at init, which puts it on the console as
 * the VM's (prefixed with its name, like the vPL011's). A transmit chain
 * is output up to VIRTIO_CONSOLE_TX_MAX bytes; the rest is dropped with a
 * log line, so one notification cannot hold the console for long (Linux's
 * hvc writes at most a page). Device-writable buffers on transmitq are
 * ignored; every chain is returned with 0 bytes written.
 *
 * Input: the console hands over a byte at a time (virtio_console_receive,
 * VM locked) while the VM has the console's input; it waits in a FIFO of
 * VIRTIO_CONSOLE_RX_FIFO bytes until the guest gives receive buffers, each
 * filled with as many bytes as it holds and are waiting. While the FIFO
 * is full the console holds input back (virtio_console_rx_full); the sink's
 * room hook says when it may send again. A device reset empties the FIFO.
 */
#ifndef HV_VIRTIO_CONSOLE_H
#define HV_VIRTIO_CONSOLE_H

#include "hv/virtio/virtio_mmio.h"

#include <stddef.h>

#define VIRTIO_CONSOLE_F_EMERG_WRITE (1ull << 2)
#define VIRTIO_CONSOLE_RX_FIFO	     64u
#define VIRTIO_CONSOLE_TX_MAX	     4096u
/* The configuration: cols, rows, max_nr_ports, emerg_wr. */
#define VIRTIO_CONSOLE_CONFIG_SIZE 12u
#define VIRTIO_CONSOLE_EMERG_WR	   8u

/* Where a console device's output goes, and who wants to know when it can
 * take input again. Called with the device's VM locked. */
struct virtio_console_sink {
	void (*write)(void *ctx, const char *s, size_t len);
	void (*room)(void *ctx); /* optional */
	void *ctx;
};

struct virtio_console {
	struct virtio_mmio t; /* first: the device is found from it */
	struct virtio_console_sink sink;
	uint8_t config[VIRTIO_CONSOLE_CONFIG_SIZE];
	uint8_t rx_fifo[VIRTIO_CONSOLE_RX_FIFO];
	unsigned rx_head;
	unsigned rx_count;
};

/* A console device of vm in slot (virtio_mmio_init's errors). */
enum hv_err virtio_console_init(struct virtio_console *c, struct vm *vm,
				unsigned slot,
				const struct virtio_console_sink *sink);

/* True when the input FIFO cannot take another byte. */
bool virtio_console_rx_full(const struct virtio_console *c);

/* A byte of console input (VM locked); dropped when the FIFO is full. */
void virtio_console_receive(struct virtio_console *c, uint8_t byte);

#endif
