/* pl031: see pl031.h. */
#include "pl031.h"

#include "hal_sim.h"

#define RTC_DR	 0x00
#define RTC_MR	 0x04
#define RTC_LR	 0x08
#define RTC_CR	 0x0c
#define RTC_IMSC 0x10
#define RTC_RIS	 0x14
#define RTC_MIS	 0x18
#define RTC_ICR	 0x1c
#define RTC_ID	 0xfe0

#define NS_PER_TICK 16u /* 62.5 MHz */
#define NS_PER_S    1000000000ull

static const uint8_t ids[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct rtc_state {
	uint32_t offset; /* DR = offset + seconds of the counter */
	uint32_t mr, lr;
	uint32_t im, is;
	bool armed;
	uint64_t deadline; /* counter tick of the alarm */
};

static struct rtc_state rtc;

static uint32_t count(uint64_t now)
{
	return rtc.offset + (uint32_t)(now * NS_PER_TICK / NS_PER_S);
}

static void line(void)
{
	hal_sim_irq_set_level(SIM_PL031_INTID, (rtc.is & rtc.im) != 0);
}

/* MR - DR seconds from now, as QEMU counts them (modulo 2^32). */
static void set_alarm(uint64_t now)
{
	uint32_t s = rtc.mr - count(now);

	if (s == 0) {
		rtc.armed = false;
		rtc.is = 1;
		line();
		return;
	}
	rtc.armed = true;
	rtc.deadline =
	    now + ((uint64_t)s * NS_PER_S + NS_PER_TICK - 1) / NS_PER_TICK;
}

void sim_pl031_reset(uint64_t now)
{
	rtc = (struct rtc_state){0};
	rtc.offset = SIM_PL031_EPOCH - count(now);
	line();
}

uint32_t sim_pl031_read(uint64_t off, uint64_t now)
{
	switch (off) {
	case RTC_DR:
		return count(now);
	case RTC_MR:
		return rtc.mr;
	case RTC_LR:
		return rtc.lr;
	case RTC_CR:
		return 1; /* always enabled */
	case RTC_IMSC:
		return rtc.im;
	case RTC_RIS:
		return rtc.is;
	case RTC_MIS:
		return rtc.is & rtc.im;
	default:
		if (off >= RTC_ID && off < RTC_ID + 4 * sizeof(ids))
			return ids[(off - RTC_ID) / 4];
		return 0;
	}
}

void sim_pl031_write(uint64_t off, uint32_t val, uint64_t now)
{
	switch (off) {
	case RTC_MR:
		rtc.mr = val;
		set_alarm(now);
		break;
	case RTC_LR:
		rtc.lr = val;
		rtc.offset += val - count(now);
		set_alarm(now);
		break;
	case RTC_IMSC:
		rtc.im = val & 1;
		line();
		break;
	case RTC_ICR:
		rtc.is &= ~val;
		line();
		break;
	default:
		break; /* CR ignores what is written; the rest is read-only */
	}
}

bool sim_pl031_deadline(uint64_t *tick)
{
	if (rtc.armed)
		*tick = rtc.deadline;
	return rtc.armed;
}

void sim_pl031_update(uint64_t now)
{
	if (rtc.armed && now >= rtc.deadline) {
		rtc.armed = false;
		rtc.is = 1;
	}
	line();
}
