/*
 * s1walk: the guest's own stage-1 translation, VA -> IPA, in the EL1&0
 * regime of an AArch64 EL1 (Arm ARM D8, VMSAv8-64), as the MMU answers an
 * access: SCTLR_EL1 (M, WXN), TCR_EL1 (T0SZ/T1SZ, EPD0/1, TG0/TG1, IPS,
 * TBI0/1), TTBR0/1_EL1 and MAIR_EL1 (the leaf's memory type).
 *
 * hvsim needs it where Unicorn gives a virtual address and the architecture
 * wants more: the fault status (and level) of an EL1 abort Unicorn raised
 * without a syndrome, the IPA of a stage-2 fault taken with the guest's MMU
 * on, and the core's VA -> IPA lookups. Descriptors are read through a
 * callback: the caller's stage-2 view of guest memory, so a table outside
 * it is a stage-2 fault on the walk (S1PTW), as on hardware.
 *
 * Modelled: the 4 KiB granule only (s1walk_supported says when the guest
 * asks for another); no hardware access-flag or dirty updates (FEAT_HAFDBS),
 * no PAN, no FEAT_LPA, which the CPU model lacks. Where the architecture
 * leaves a choice this follows QEMU 7.2: TxSZ outside 16..39 is a level-0
 * translation fault; a level-0 block descriptor is a 512 GiB block (QEMU and
 * Unicorn walk it so, and hvsim must agree with both).
 */
#ifndef SIM_S1WALK_H
#define SIM_S1WALK_H

#include <stdbool.h>
#include <stdint.h>

/* The EL1 registers that control stage 1. */
struct s1walk_regs {
	uint64_t sctlr, tcr, ttbr0, ttbr1, mair;
};

struct s1walk_cfg {
	struct s1walk_regs regs;
	unsigned pa_bits; /* the CPU's PARange: caps TCR_EL1.IPS */
	/* Reads the 8-byte descriptor at ipa; false when stage 2 does not
	 * give read access there. */
	bool (*read)(void *ctx, uint64_t ipa, uint64_t *desc);
	void *ctx;
};

enum s1_access {
	S1_READ,
	S1_WRITE,
	S1_FETCH,
};

enum s1_fault {
	S1_OK,
	S1_FAULT_ADDRESS_SIZE,
	S1_FAULT_TRANSLATION,
	S1_FAULT_ACCESS_FLAG,
	S1_FAULT_PERMISSION,
	S1_FAULT_WALK,	      /* a table read that stage 2 refused */
	S1_FAULT_UNSUPPORTED, /* a granule hvsim does not model */
};

struct s1_result {
	enum s1_fault fault;
	unsigned level; /* of the leaf, or where the walk faulted */
	uint64_t ipa;	/* the output (S1_OK) or the table entry read
			   (S1_FAULT_WALK) */
	uint8_t attr;	/* MAIR_EL1 attribute of the output (S1_OK) */
};

/*
 * Translates va for an access of kind acc, made at EL0 when el0 (an EL0
 * access, or LDTR/STTR at EL1) and at EL1 otherwise. With the MMU off the
 * output is the address itself (Device-nGnRnE for data, an address-size
 * fault above pa_bits).
 */
struct s1_result s1walk_translate(const struct s1walk_cfg *cfg, uint64_t va,
				  enum s1_access acc, bool el0);

/*
 * The fault status code (DFSC/IFSC) of a stage-1 fault: 0b0000LL address
 * size, 0b0001LL translation, 0b0010LL access flag, 0b0011LL permission
 * (Arm ARM D17.2.40). Not for S1_OK, S1_FAULT_WALK or S1_FAULT_UNSUPPORTED.
 */
unsigned s1walk_fsc(const struct s1_result *r);

/*
 * False, with *why, when the registers turn on a stage 1 that hvsim does
 * not model exactly (another granule than 4 KiB for an enabled half).
 */
bool s1walk_supported(const struct s1walk_regs *regs, const char **why);

/* True for a MAIR attribute that is Device memory (0b0000dd00). */
static inline bool s1walk_attr_device(uint8_t attr)
{
	return (attr & 0xf0u) == 0;
}

#endif
