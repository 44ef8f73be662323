/*
 * irq: physical interrupts taken at EL2 - at an IRQ exit of the running
 * vCPU, or after the physical CPU idled. Each is acknowledged and its
 * priority dropped, then:
 *   PPI 27 (virtual timer)  forwarded to the vCPU loaded on this CPU as a
 *                           hardware-linked virtual PPI 27: it stays active
 *                           until the guest deactivates its virtual twin
 *   PPI 25 (maintenance)    list registers of that vCPU synced and refilled
 *   PPI 26 (hypervisor timer) nothing more: the scheduler re-reads every
 *                           vCPU's timers when it picks the next one
 *   SPI 33 (console RX)     the input handed to the console (hv/console.h)
 *   SGI 0 (kick)            from another CPU: the loaded vCPU stops if its
 *                           VM or power state changed; the exit itself
 *                           refills its list registers
 * and deactivated unless forwarded. Anything else is deactivated and
 * logged once.
 */
#ifndef HV_IRQ_H
#define HV_IRQ_H

#include <stdint.h>

struct vcpu;

/* The physical console's receive interrupt (SPI 1 on QEMU virt). */
#define IRQ_CONSOLE_RX 33u

/* Enables, on the calling CPU, the physical interrupts the hypervisor
 * uses there: the kick SGI and the PPIs on every CPU, the console's SPI on
 * CPU 0. */
void irq_init_cpu(void);

/* Handles every pending physical interrupt; loaded is the vCPU loaded on
 * this physical CPU (the one that exited, or the last one run), or NULL. */
void irq_handle(struct vcpu *loaded);

/* The same, intid first: acknowledged and its priority dropped already
 * (the backend does that on an IRQ exit). */
void irq_handle_acked(struct vcpu *loaded, uint32_t intid);

/* An IRQ exit of v, for intid: irq_handle_acked, then vgic_update. */
void irq_exit(struct vcpu *v, uint32_t intid);

#endif
