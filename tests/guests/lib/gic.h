/*
 * gic: the guests' driver for the GIC the hypervisor gives them: GICv2
 * (distributor and CPU interface in MMIO) or GICv3 (distributor and
 * redistributors in MMIO, CPU interface in ICC_* system registers), chosen
 * by ID_AA64PFR0_EL1.GIC. Interrupts are Group 0 on v2 and Group 1 on v3,
 * as Linux uses them, at priority 0xa0 unless set otherwise.
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_SPURIOUS  1023u
#define GIC_VTIMER    27u
#define GIC_PTIMER    30u
#define GIC_UART      33u
#define GIC_PRIO_DFLT 0xa0u

unsigned gic_version(void);
/* Sets up the distributor (once) and the calling CPU's interface. */
void gic_init(void);
void gic_enable(uint32_t intid, bool on);
void gic_set_priority(uint32_t intid, uint8_t prio);
/* The distributor's (or redistributor's) ISPENDR / ISACTIVER bit. */
bool gic_is_pending(uint32_t intid);
bool gic_is_active(uint32_t intid);
void gic_set_pmr(uint8_t pmr);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_send_sgi_self(uint32_t intid);
/* SGI intid to the CPU with MPIDR_EL1.Aff0 = cpu (the others 0). */
void gic_send_sgi(unsigned cpu, uint32_t intid);

/* Called from the IRQ vector with the acknowledged INTID; the GIC library
 * sends the EOI after it returns. */
void irq_set_handler(void (*fn)(uint32_t intid));

static inline void irq_unmask(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

static inline void irq_mask(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}

#endif
