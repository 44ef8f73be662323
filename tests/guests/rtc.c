/*
 * rtc: drives QEMU virt's PL031 real-time clock, passed through to its VM
 * (tests/vms: "passthrough = "/pl031@9010000";"). Its registers are the
 * device's own, mapped at stage 2: the PrimeCell IDs, the control register
 * (always enabled) and the data register, which counts seconds. Then the
 * alarm: the match register set one second ahead, the interrupt unmasked
 * at the device, and the vCPU asleep in WFI until SPI 2 (INTID 34) comes,
 * forwarded hardware-linked: the handler clears it at the device and its
 * EOI ends the physical SPI too. A second alarm is left asserted through
 * the first EOI to show the level comes back until the device is cleared.
 * Counting seconds are relative: the RTC's clock is QEMU's (-rtc clock=vm
 * in the tests, so the alarm comes after a second of virtual time).
 */
#include "gic.h"
#include "guest.h"

#define RTC_BASE  0x09010000ul
#define RTC_DR	  (RTC_BASE + 0x00)
#define RTC_MR	  (RTC_BASE + 0x04)
#define RTC_CR	  (RTC_BASE + 0x0c)
#define RTC_IMSC  (RTC_BASE + 0x10)
#define RTC_RIS	  (RTC_BASE + 0x14)
#define RTC_MIS	  (RTC_BASE + 0x18)
#define RTC_ICR	  (RTC_BASE + 0x1c)
#define RTC_ID	  (RTC_BASE + 0xfe0)
#define RTC_INTID 34u

static volatile unsigned irqs;
static volatile uint32_t mis_in_handler, dr_in_handler;
/* The second alarm's handler leaves the device asserting once. */
static volatile bool keep_once;

static uint32_t r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/* Four ID registers, one byte each, as one word (PrimeCell). */
static uint32_t id(uintptr_t at)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 4; i++)
		v |= (r32(at + 4 * i) & 0xff) << (8 * i);
	return v;
}

static void on_irq(uint32_t intid)
{
	if (intid != RTC_INTID)
		return;
	irqs++;
	mis_in_handler = r32(RTC_MIS);
	dr_in_handler = r32(RTC_DR);
	if (keep_once) {
		keep_once = false;
		return;
	}
	w32(RTC_ICR, 1);
}

/* Sets the alarm one second ahead and sleeps until want interrupts. */
static uint32_t alarm(unsigned want)
{
	uint32_t dr = r32(RTC_DR);

	w32(RTC_MR, dr + 1);
	while (irqs < want)
		__asm__ __volatile__("wfi" ::: "memory");
	return dr;
}

int main(uint64_t dtb)
{
	uint32_t before;

	(void)dtb;
	gprintf("rtc: the PL031 passed through\n");
	check_eq("rtc: peripheral ID", id(RTC_ID), 0x00141031);
	check_eq("rtc: PrimeCell ID", id(RTC_ID + 0x10), 0xb105f00d);
	check_eq("rtc: control register (enabled)", r32(RTC_CR), 1);
	check_true("rtc: the data register counts seconds (not 0)",
		   r32(RTC_DR) != 0);

	gic_init();
	irq_set_handler(on_irq);
	gic_enable(RTC_INTID, true);
	w32(RTC_ICR, 1);
	w32(RTC_IMSC, 1);
	irq_unmask();
	before = alarm(1);
	check_eq("rtc: alarm interrupts", irqs, 1);
	check_eq("rtc: masked status in the handler", mis_in_handler, 1);
	check_eq("rtc: seconds from setting it to the alarm",
		 dr_in_handler - before, 1);
	check_eq("rtc: raw status once cleared", r32(RTC_RIS), 0);

	/* Left asserted through one EOI: the level brings it back. */
	keep_once = true;
	before = alarm(3);
	check_eq("rtc: interrupts for an alarm left asserted once", irqs, 3);
	check_eq("rtc: seconds to the second alarm", dr_in_handler - before, 1);
	check_true("rtc: not pending in the GIC once cleared",
		   !gic_is_pending(RTC_INTID));
	irq_mask();
	w32(RTC_IMSC, 0);
	return guest_done("rtc");
}
