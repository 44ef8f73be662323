/* gic: both versions behind one small interface; see gic.h. */
#include "gic.h"

#include "guest.h"

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define GICR 0x080a0000ul

#define GICD_CTLR	0x000
#define GICD_IGROUPR	0x080
#define GICD_ISENABLER	0x100
#define GICD_ICENABLER	0x180
#define GICD_ISPENDR	0x200
#define GICD_ISACTIVER	0x300
#define GICD_IPRIORITYR 0x400
#define GICD_SGIR	0xf00
#define GICC_CTLR	0x000
#define GICC_PMR	0x004
#define GICC_IAR	0x00c
#define GICC_EOIR	0x010
#define GICR_WAKER	0x014
#define GICR_SGI	0x10000

static void (*handler)(uint32_t intid);

static inline void w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint32_t r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void w8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

unsigned gic_version(void)
{
	/* Read once: the ID register traps, and an interrupt handler that
	 * trapped on every acknowledge would hide how the hypervisor
	 * refills list registers (that must work without any exit). */
	static unsigned version;
	uint64_t pfr0;

	if (version == 0) {
		__asm__ __volatile__("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
		version = ((pfr0 >> 24) & 0xf) != 0 ? 3 : 2;
	}
	return version;
}

static uintptr_t gicr(void)
{
	return GICR + 0x20000ul * cpu_index();
}

void gic_init(void)
{
	if (gic_version() == 2) {
		w32(GICD + GICD_CTLR, 1);
		w32(GICC + GICC_PMR, 0xf0);
		w32(GICC + GICC_CTLR, 1);
		return;
	}
	/* Affinity routing, Group 1. */
	w32(GICD + GICD_CTLR, (1u << 4) | (1u << 1));
	w32(gicr() + GICR_WAKER, r32(gicr() + GICR_WAKER) & ~2u);
	while (r32(gicr() + GICR_WAKER) & 4u)
		;
	w32(gicr() + GICR_SGI + GICD_IGROUPR, ~0u);
	w32(GICD + GICD_IGROUPR + 4, ~0u);
	w32(GICD + GICD_IGROUPR + 8, ~0u);
	__asm__ __volatile__("mrs x0, s3_0_c12_c12_5\n\t" /* ICC_SRE_EL1 */
			     "orr x0, x0, #1\n\t"
			     "msr s3_0_c12_c12_5, x0\n\t"
			     "isb" ::
				 : "x0");
	gic_set_pmr(0xf0);
	__asm__ __volatile__("msr s3_0_c12_c12_7, %0\n\tisb" /* IGRPEN1 */
			     ::"r"(1ul));
}

static uintptr_t dist_base(uint32_t intid)
{
	return (gic_version() == 3 && intid < 32) ? gicr() + GICR_SGI : GICD;
}

void gic_enable(uint32_t intid, bool on)
{
	gic_set_priority(intid, GIC_PRIO_DFLT);
	w32(dist_base(intid) + (on ? GICD_ISENABLER : GICD_ICENABLER) +
		(intid / 32) * 4,
	    1u << (intid % 32));
}

static bool bit_set(uint64_t array, uint32_t intid)
{
	return (r32(dist_base(intid) + array + (intid / 32) * 4) >>
		(intid % 32)) &
	       1u;
}

bool gic_is_pending(uint32_t intid)
{
	return bit_set(GICD_ISPENDR, intid);
}

bool gic_is_active(uint32_t intid)
{
	return bit_set(GICD_ISACTIVER, intid);
}

void gic_set_priority(uint32_t intid, uint8_t prio)
{
	w8(dist_base(intid) + GICD_IPRIORITYR + intid, prio);
}

void gic_set_pmr(uint8_t pmr)
{
	if (gic_version() == 2)
		w32(GICC + GICC_PMR, pmr);
	else
		__asm__ __volatile__("msr s3_0_c4_c6_0, %0" /* ICC_PMR_EL1 */
				     ::"r"((uint64_t)pmr));
}

uint32_t gic_ack(void)
{
	uint64_t v;

	if (gic_version() == 2)
		return r32(GICC + GICC_IAR) & 0x3ff;
	__asm__ __volatile__("mrs %0, s3_0_c12_c12_0" /* ICC_IAR1_EL1 */
			     : "=r"(v));
	return (uint32_t)v & 0xffffff;
}

void gic_eoi(uint32_t intid)
{
	if (gic_version() == 2)
		w32(GICC + GICC_EOIR, intid);
	else
		__asm__ __volatile__("msr s3_0_c12_c12_1, %0\n\tisb" ::"r"(
		    (uint64_t)intid)); /* ICC_EOIR1 */
}

void gic_send_sgi_self(uint32_t intid)
{
	uint64_t mpidr = read_mpidr();

	if (gic_version() == 2) {
		w32(GICD + GICD_SGIR, (2u << 24) | (intid & 0xf));
		return;
	}
	uint64_t sgi1r = (1ul << (mpidr & 0xf)) |
			 (((mpidr >> 8) & 0xff) << 16) |
			 ((uint64_t)(intid & 0xf) << 24);

	__asm__ __volatile__("msr s3_0_c12_c11_5, %0\n\tisb" /* ICC_SGI1R */
			     ::"r"(sgi1r));
}

void gic_send_sgi(unsigned cpu, uint32_t intid)
{
	if (gic_version() == 2) {
		w32(GICD + GICD_SGIR, (1u << (16 + cpu)) | (intid & 0xf));
		return;
	}
	__asm__ __volatile__(
	    "msr s3_0_c12_c11_5, %0\n\tisb" /* ICC_SGI1R */
	    ::"r"((1ul << cpu) | ((uint64_t)(intid & 0xf) << 24)));
}

void irq_set_handler(void (*fn)(uint32_t intid))
{
	handler = fn;
}

/* Called by exc_handle for an IRQ vector. */
bool gic_irq_entry(void);

bool gic_irq_entry(void)
{
	uint32_t intid = gic_ack();

	if (intid >= 1020)
		return true; /* spurious: nothing to do */
	if (handler == NULL)
		return false;
	handler(intid);
	gic_eoi(intid);
	return true;
}
