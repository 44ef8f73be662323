/*
 * sysreg: access to system registers from C. Only hal/aarch64 includes it;
 * it is the one place where the core's build knows it is on aarch64.
 */
#ifndef HAL_AARCH64_SYSREG_H
#define HAL_AARCH64_SYSREG_H

#include <stdint.h>

#define read_sysreg(r)                                                         \
	({                                                                     \
		uint64_t __v;                                                  \
		__asm__ volatile("mrs %0, " #r : "=r"(__v));                   \
		__v;                                                           \
	})

#define write_sysreg(r, v)                                                     \
	do {                                                                   \
		uint64_t __w = (uint64_t)(v);                                  \
		__asm__ volatile("msr " #r ", %0" : : "r"(__w));               \
	} while (0)

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

static inline void dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/* HCR_EL2 (D17.2.48) */
/* PAR_EL1 after an address translation instruction (Arm ARM D17.2.113). */
#define DCZID_DZP   (1ull << 4) /* DC ZVA prohibited */
#define PAR_F	    (1ull << 0)
#define PAR_PA_MASK 0x0000fffffffff000ull

#define HCR_VM	      (1ull << 0)
#define HCR_SWIO      (1ull << 1)
#define HCR_FMO	      (1ull << 3)
#define HCR_IMO	      (1ull << 4)
#define HCR_AMO	      (1ull << 5)
#define HCR_FB	      (1ull << 9)
#define HCR_BSU_INNER (1ull << 10)
#define HCR_TWI	      (1ull << 13)
#define HCR_TWE	      (1ull << 14)
#define HCR_TID3      (1ull << 18)
#define HCR_TSC	      (1ull << 19)
#define HCR_TIDCP     (1ull << 20)
#define HCR_TACR      (1ull << 21)
#define HCR_TSW	      (1ull << 22)
#define HCR_RW	      (1ull << 31)
#define HCR_TERR      (1ull << 36)
#define HCR_APK	      (1ull << 40)
#define HCR_API	      (1ull << 41)

/* CNTHCTL_EL2 with HCR_EL2.E2H = 0 */
#define CNTHCTL_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL1PCEN	 (1ull << 1)

/* MDCR_EL2 */
#define MDCR_TPMCR (1ull << 5)
#define MDCR_TPM   (1ull << 6)
#define MDCR_TDA   (1ull << 9)
#define MDSCR_MDE  (1ull << 15) /* MDSCR_EL1: monitor debug events */
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDRA  (1ull << 11)

/* CPTR_EL2 with E2H = 0: RES1 bits 13:12, 9:0 (8 = TZ traps SVE), TTA 20 */
#define CPTR_EL2_RES1 0x33ffull
#define CPTR_TTA      (1ull << 20)

/* SCTLR_EL2 */
#define SCTLR_EL2_RES1 0x30c50830ull
#define SCTLR_M	       (1ull << 0)
#define SCTLR_A	       (1ull << 1)
#define SCTLR_C	       (1ull << 2)
#define SCTLR_SA       (1ull << 3)
#define SCTLR_I	       (1ull << 12)
#define SCTLR_WXN      (1ull << 19)

#endif
