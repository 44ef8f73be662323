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
 *   SPIs passed through     to the VM that owns the device, as a
 *                           hardware-linked virtual SPI (hv/passthrough.h)
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

/*
 * Deactivates SPI intid on physical CPU cpu, the one that acknowledged it:
 * now when that is the calling CPU, else at that CPU's next
 * irq_handle_acked (every IRQ exit but the virtual timer's fast one, and
 * every idle wake-up), which a kick brings: the kick SGI never takes the
 * fast path. That path (vgic_vtimer_fire) runs only on a one-CPU machine,
 * where nothing is ever left for another CPU. A GICv2 (QEMU 7.2's model
 * too) keeps an SPI's active state per CPU interface: a deactivation from
 * another CPU would leave it active, never to fire again.
 */
void irq_deactivate_on(unsigned cpu, uint32_t intid);

#endif
