/*
 * vpl011: an emulated Arm PrimeCell UART (PL011), register map and
 * semantics per the PL011 Technical Reference Manual (DDI 0183), identifying
 * itself as QEMU's PL011 does (PeriphID 0x11 0x10 0x14 0x00).
 *
 * Transmit is immediate: every byte written to DR goes to the shared
 * console (hv/console.h: lines prefixed with the VM's name), so the TX FIFO
 * always reads empty. Receive is a 16-entry FIFO (1 entry with LCR_H.FEN =
 * 0) fed by the console while the VM has its input, or from TX in loopback
 * (CR.LBE).
 * Interrupt status (RIS/MIS) is computed as the TRM specifies; the line
 * level is vpl011_irq_pending(). As in QEMU's model, transmission does not
 * wait for CR.UARTEN/TXE, so guests that rely on firmware having enabled the
 * UART (Linux earlycon) work.
 *
 * Accesses: 8, 16 or 32 bits at any naturally aligned offset inside a
 * register (bytes little-endian). 64-bit accesses and reserved offsets are
 * refused (the guest gets a data abort).
 */
#ifndef HV_VPL011_H
#define HV_VPL011_H

#include "hv/err.h"
#include "hv/mmio.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL011_DR	0x000
#define PL011_RSR	0x004 /* ECR on write */
#define PL011_FR	0x018
#define PL011_ILPR	0x020
#define PL011_IBRD	0x024
#define PL011_FBRD	0x028
#define PL011_LCR_H	0x02c
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_DMACR	0x048
#define PL011_ITCR	0x080
#define PL011_ITIP	0x084
#define PL011_ITOP	0x088
#define PL011_TDR	0x08c
#define PL011_PERIPHID0 0xfe0
#define PL011_PCELLID0	0xff0

#define PL011_FR_CTS  (1u << 0)
#define PL011_FR_BUSY (1u << 3)
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_RXFF (1u << 6)
#define PL011_FR_TXFE (1u << 7)

#define PL011_LCR_H_FEN (1u << 4)
#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_LBE	(1u << 7)
#define PL011_CR_TXE	(1u << 8)
#define PL011_CR_RXE	(1u << 9)

#define PL011_INT_RX  (1u << 4)
#define PL011_INT_TX  (1u << 5)
#define PL011_INT_RT  (1u << 6)
#define PL011_INT_FE  (1u << 7)
#define PL011_INT_PE  (1u << 8)
#define PL011_INT_BE  (1u << 9)
#define PL011_INT_OE  (1u << 10)
#define PL011_INT_ALL 0x7ffu

#define PL011_RSR_OE (1u << 3)
#define PL011_DR_OE  (1u << 11)

#define VPL011_FIFO_DEPTH 16
#define VPL011_INTID	  33u /* SPI 1, as on QEMU virt */

struct vm;
struct vcpu;
struct vcpu_exit;

struct vpl011 {
	const char *name; /* VM name, the prefix of its console lines */
	size_t name_len;
	bool line_start; /* the next byte starts a console line (console.c) */
	bool line_cut;	 /* ... the rest of a line another writer cut */
	uint16_t cr;
	uint16_t lcr_h;
	uint16_t ibrd;
	uint16_t fbrd;
	uint16_t ifls;
	uint16_t imsc;
	uint16_t ris;
	uint16_t dmacr;
	uint8_t ilpr;
	uint8_t rsr;
	bool irq_line; /* the level last driven on SPI 1 */
	struct vm *vm; /* whose GIC the interrupt goes to, or NULL */
	uint16_t rx_fifo[VPL011_FIFO_DEPTH];
	unsigned rx_head;
	unsigned rx_count;
};

extern const struct mmio_ops vpl011_mmio_ops;

/* Reset state (TRM 3.2: CR = 0x300, IFLS = 0x12, everything else 0). */
void vpl011_init(struct vpl011 *u, const char *name, struct vm *vm);

/* Queues a received byte; sets the overrun error when the FIFO is full. */
void vpl011_rx_push(struct vpl011 *u, uint8_t byte);

/* The UART's combined interrupt output (UARTINTR): MIS != 0. */
bool vpl011_irq_pending(const struct vpl011 *u);

/* Drives its VM's SPI 1 from the UART's interrupt output. */
void vpl011_update_irq(struct vpl011 *u);

/* A byte of console input for this UART (console.c): queued, with the
 * interrupt updated, under the VM's lock. */
void vpl011_receive(struct vpl011 *u, uint8_t byte);

/* Entries of the receive FIFO: 16, or 1 with LCR_H.FEN clear. */
unsigned vpl011_fifo_depth(const struct vpl011 *u);

/* True when the receive FIFO cannot take another byte. */
bool vpl011_rx_full(const struct vpl011 *u);

enum hv_err vpl011_read(struct vpl011 *u, uint64_t off, unsigned size,
			uint64_t *val);
enum hv_err vpl011_write(struct vpl011 *u, uint64_t off, unsigned size,
			 uint64_t val);

/* A store of c to DR, as vpl011_write of a byte, halfword or word at 0
 * does it (the device's hot path). */
void vpl011_dr_write(struct vpl011 *u, uint8_t c);

/* A data abort exit e of v that stores to its VM's DR (mmio_dabt's direct
 * path): the byte sent, the instruction completed. */
void vpl011_dr_dabt(struct vcpu *v, const struct vcpu_exit *e);

#endif
