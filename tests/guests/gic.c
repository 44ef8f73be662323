/*
 * gic: the virtual GIC as a guest driver sees it, on GICv2 or GICv3.
 *
 * SGIs to itself; an interrupt that is disabled stays pending and is taken
 * once enabled; ISPENDR/ICPENDR and ISACTIVER/ICACTIVER; masking by the
 * priority mask; preemption by priority (a more urgent SGI sent from a
 * handler nests, a less urgent one waits for the running one to end); and
 * the end of an interrupt with and without split priority drop and
 * deactivation (EOImode).
 */
#include "gic.h"
#include "guest.h"

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define GICR 0x080a0000ul

#define ISENABLER 0x100
#define ISPENDR	  0x200
#define ICPENDR	  0x280
#define ISACTIVER 0x300
#define ICACTIVER 0x380

#define SGI_SELF     1u
#define SGI_DISABLED 2u
#define SGI_ACTIVE   3u
#define SGI_MASKED   4u
#define SGI_OUTER    5u
#define SGI_URGENT   6u
#define SGI_LATER    7u
#define SGI_SPLIT    8u
#define PPI_PENDING  20u

static volatile unsigned order[8];
static volatile unsigned order_len;
static volatile unsigned taken[32];

static uintptr_t priv_base(void)
{
	return gic_version() == 3 ? GICR + 0x10000ul : GICD;
}

static uint32_t priv_reg(unsigned off)
{
	return *(volatile uint32_t *)(priv_base() + off);
}

static void priv_write(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(priv_base() + off) = v;
}

static void record(uint32_t intid)
{
	if (order_len < 8)
		order[order_len++] = intid;
}

static void on_irq(uint32_t intid)
{
	if (intid < 32)
		taken[intid]++;
	if (intid != SGI_OUTER) {
		record(intid);
		return;
	}
	record(intid);
	/* Inside the handler, with interrupts unmasked again: a more urgent
	 * SGI preempts it, a less urgent one waits for its end. */
	gic_send_sgi_self(SGI_LATER);
	gic_send_sgi_self(SGI_URGENT);
	irq_unmask();
	for (volatile int i = 0; i < 1000; i++)
		;
	irq_mask();
	record(100 + intid);
}

static void settle(void)
{
	for (volatile int i = 0; i < 1000; i++)
		;
}

static void set_eoimode(bool split)
{
	if (gic_version() == 2) {
		volatile uint32_t *ctlr = (volatile uint32_t *)GICC;

		*ctlr = split ? (*ctlr | (1u << 9)) : (*ctlr & ~(1u << 9));
		return;
	}
	uint64_t v;

	__asm__ __volatile__("mrs %0, s3_0_c12_c12_4" : "=r"(v)); /* CTLR */
	v = split ? v | 2 : v & ~2ul;
	__asm__ __volatile__("msr s3_0_c12_c12_4, %0\n\tisb" ::"r"(v));
}

static void deactivate(uint32_t intid)
{
	if (gic_version() == 2)
		*(volatile uint32_t *)(GICC + 0x1000) = intid;
	else
		__asm__ __volatile__("msr s3_0_c12_c11_1, %0\n\tisb" /* DIR */
				     ::"r"((uint64_t)intid));
}

int main(uint64_t dtb)
{
	uint32_t intid;

	(void)dtb;
	gprintf("gic: the virtual GIC from a guest driver\n");
	gic_init();
	irq_set_handler(on_irq);
	for (unsigned i = 0; i < 16; i++)
		gic_enable(i, true);

	/* SGI to itself. */
	irq_unmask();
	gic_send_sgi_self(SGI_SELF);
	settle();
	check_eq("gic: SGI 1 to itself taken", taken[SGI_SELF], 1);

	/* Disabled: stays pending, taken once enabled. */
	gic_enable(SGI_DISABLED, false);
	gic_send_sgi_self(SGI_DISABLED);
	settle();
	check_eq("gic: disabled SGI 2 not taken", taken[SGI_DISABLED], 0);
	check_eq("gic: disabled SGI 2 pending in ISPENDR0",
		 (priv_reg(ISPENDR) >> SGI_DISABLED) & 1, 1);
	gic_enable(SGI_DISABLED, true);
	settle();
	check_eq("gic: SGI 2 taken once enabled", taken[SGI_DISABLED], 1);

	/* Pending set and clear, by register. */
	irq_mask();
	gic_enable(PPI_PENDING, false);
	priv_write(ISPENDR, 1u << PPI_PENDING);
	check_eq("gic: ISPENDR0 sets PPI 20 pending",
		 (priv_reg(ISPENDR) >> PPI_PENDING) & 1, 1);
	priv_write(ICPENDR, 1u << PPI_PENDING);
	check_eq("gic: ICPENDR0 clears it",
		 (priv_reg(ISPENDR) >> PPI_PENDING) & 1, 0);
	priv_write(ISPENDR, 1u << PPI_PENDING);
	gic_enable(PPI_PENDING, true);
	irq_unmask();
	settle();
	check_eq("gic: PPI 20 set pending by software taken",
		 taken[PPI_PENDING], 1);

	/* Active set and clear, by register. */
	priv_write(ISACTIVER, 1u << SGI_ACTIVE);
	check_eq("gic: ISACTIVER0 sets SGI 3 active",
		 (priv_reg(ISACTIVER) >> SGI_ACTIVE) & 1, 1);
	priv_write(ICACTIVER, 1u << SGI_ACTIVE);
	check_eq("gic: ICACTIVER0 clears it",
		 (priv_reg(ISACTIVER) >> SGI_ACTIVE) & 1, 0);

	/* The priority mask. */
	gic_set_priority(SGI_MASKED, 0xa0);
	gic_set_pmr(0x80);
	gic_send_sgi_self(SGI_MASKED);
	settle();
	check_eq("gic: SGI 4 (priority 0xa0) masked by PMR 0x80",
		 taken[SGI_MASKED], 0);
	gic_set_pmr(0xf0);
	settle();
	check_eq("gic: SGI 4 taken after PMR 0xf0", taken[SGI_MASKED], 1);

	/* Preemption: 5 (0xa0) is interrupted by 6 (0x40), not by 7 (0xc0). */
	order_len = 0;
	gic_set_priority(SGI_OUTER, 0xa0);
	gic_set_priority(SGI_URGENT, 0x40);
	gic_set_priority(SGI_LATER, 0xc0);
	gic_send_sgi_self(SGI_OUTER);
	settle();
	check_eq("gic: order 1st (SGI 5 begins)", order[0], SGI_OUTER);
	check_eq("gic: order 2nd (SGI 6 preempts)", order[1], SGI_URGENT);
	check_eq("gic: order 3rd (SGI 5 ends)", order[2], 100 + SGI_OUTER);
	check_eq("gic: order 4th (SGI 7 after)", order[3], SGI_LATER);

	/* Split EOI: after EOIR the interrupt stays active until DIR. */
	irq_mask();
	set_eoimode(true);
	gic_send_sgi_self(SGI_SPLIT);
	settle();
	intid = gic_ack();
	check_eq("gic: SGI 8 acknowledged", intid & 0x3ff, SGI_SPLIT);
	gic_eoi(intid);
	check_eq("gic: SGI 8 still active after EOIR (EOImode 1)",
		 (priv_reg(ISACTIVER) >> SGI_SPLIT) & 1, 1);
	deactivate(intid);
	check_eq("gic: SGI 8 inactive after DIR",
		 (priv_reg(ISACTIVER) >> SGI_SPLIT) & 1, 0);
	set_eoimode(false);
	return guest_done("gic");
}
