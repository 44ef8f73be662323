/* watch: the watchpoint match of watch.h, one DBGWCR field at a time. */
#include "watch.h"

#include "hv/arch.h"

/* DBGWCR<n>_EL1 and DBGBCR<n>_EL1 fields (Arm ARM D19.3.12, D19.3.2). */
#define WCR_E	       1ull
#define WCR_PAC_SHIFT  1
#define WCR_LSC_SHIFT  3
#define WCR_LSC_LOAD   1u
#define WCR_LSC_STORE  2u
#define WCR_BAS_SHIFT  5
#define WCR_SSC_SHIFT  14
#define WCR_SSC_SECURE 2u /* the only SSC that never matches non-secure */
#define WCR_WT	       (1ull << 20)
#define WCR_MASK_SHIFT 24
#define BCR_E	       1ull

/* The byte range [*start, *start + *len) watchpoint n covers, if any. */
static bool range(const struct vcpu_debug *d, unsigned n, uint64_t *start,
		  uint64_t *len)
{
	uint64_t wcr = d->wcr[n];
	unsigned mask = (unsigned)(wcr >> WCR_MASK_SHIFT) & 0x1f;
	unsigned bas = (unsigned)(wcr >> WCR_BAS_SHIFT) & 0xff;
	unsigned first = 0, run = 0;

	if (mask == 1 || mask == 2)
		return false;
	if (mask != 0) {
		*len = 1ull << mask;
		*start = d->wvr[n] & ~(*len - 1);
		return true;
	}
	if (d->wvr[n] & 4)
		bas &= 0xf; /* a word-aligned address: BAS[3:0] only */
	if (bas == 0)
		return false;
	while (!(bas & (1u << first)))
		first++;
	while (first + run < 8 && (bas & (1u << (first + run))))
		run++;
	*start = d->wvr[n] + first;
	*len = run;
	return true;
}

bool watch_armed(const struct vcpu_debug *d)
{
	if (!(d->mdscr & MDSCR_MDE))
		return false;
	for (unsigned n = 0; n < HAL_DEBUG_PAIRS_MAX; n++) {
		if (d->wcr[n] & WCR_E)
			return true;
	}
	return false;
}

const char *watch_unmodelled(const struct vcpu_debug *d)
{
	if (d->mdscr & MDSCR_SS)
		return "software step (MDSCR_EL1.SS)";
	if (!(d->mdscr & MDSCR_MDE))
		return NULL;
	for (unsigned n = 0; n < HAL_DEBUG_PAIRS_MAX; n++) {
		if (d->bcr[n] & BCR_E)
			return "a hardware breakpoint";
		if ((d->wcr[n] & WCR_E) && (d->wcr[n] & WCR_WT))
			return "a linked watchpoint";
	}
	return NULL;
}

bool watch_check(const struct vcpu_debug *d, unsigned el, bool d_masked,
		 uint64_t addr, unsigned size, bool write, uint64_t *far)
{
	/* AArch64.GenerateDebugExceptionsFrom with the debug target at EL1:
	 * from EL1 only with KDE set and PSTATE.D clear, from EL0 always. */
	if (!(d->mdscr & MDSCR_MDE) || el > 1)
		return false;
	if (el == 1 && (!(d->mdscr & MDSCR_KDE) || d_masked))
		return false;
	for (unsigned n = 0; n < HAL_DEBUG_PAIRS_MAX; n++) {
		uint64_t wcr = d->wcr[n], start, len;
		unsigned lsc = (unsigned)(wcr >> WCR_LSC_SHIFT) & 3;
		unsigned pac = (unsigned)(wcr >> WCR_PAC_SHIFT) & 3;
		unsigned ssc = (unsigned)(wcr >> WCR_SSC_SHIFT) & 3;

		if (!(wcr & WCR_E) || (wcr & WCR_WT) ||
		    !range(d, n, &start, &len))
			continue;
		if (!(lsc & (write ? WCR_LSC_STORE : WCR_LSC_LOAD)))
			continue;
		/* PAC bit 0 is EL1, bit 1 EL0; the guest is non-secure. */
		if (!(pac & (el == 1 ? 1u : 2u)) || ssc == WCR_SSC_SECURE)
			continue;
		if (addr >= start + len || start >= addr + size)
			continue;
		*far = addr > start ? addr : start;
		return true;
	}
	return false;
}
