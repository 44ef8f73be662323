/*
 * insn: decodes the A64 loads and stores of general-purpose registers, so
 * that an access whose data-abort syndrome does not describe it (ISV = 0:
 * pairs, writeback) can be emulated, and gives the syndrome the hardware
 * reports for each.
 *
 * Handled: LDR/STR of every size (LDRB...LDRSW) with an unsigned, unscaled,
 * pre- or post-indexed immediate or a register offset, the unprivileged
 * LDTR/STTR family, LDP/STP/LDPSW/LDNP/STNP, LDAR/STLR/LDAPR (byte,
 * halfword, W, X) and LDAPUR/STLUR. Everything else is refused: SIMD&FP,
 * exclusives, atomics, literal loads, prefetches, pointer authentication,
 * memory tagging, unallocated encodings, and the CONSTRAINED UNPREDICTABLE
 * ones (writeback to a transferred register, LDP of one register twice,
 * LDAR/STLR without their should-be-one fields), whose UNDEFINED choice the
 * caller may then take.
 * Encodings: Arm ARM (ARM DDI 0487) C4.1, "Loads and Stores".
 */
#ifndef HV_INSN_H
#define HV_INSN_H

#include <hal/types.h>

enum ldst_mode {
	LDST_OFFSET, /* [Xn, #imm] / [Xn, Xm{, ext #s}]: no writeback */
	LDST_PRE,    /* [Xn, #imm]! */
	LDST_POST,   /* [Xn], #imm */
};

/* The extend (option) values of the register-offset forms. */
#define LDST_UXTW 2
#define LDST_LSL  3 /* UXTX */
#define LDST_SXTW 6
#define LDST_SXTX 7

/* One AArch64 load or store of general-purpose registers. */
struct ldst {
	unsigned size; /* bytes per register: 1, 2, 4 or 8 */
	bool load;
	bool sign;    /* sign-extending load (LDRSB/LDRSH/LDRSW/LDPSW) */
	bool reg64;   /* the register(s) are Xt (ISS.SF); false: Wt */
	bool pair;    /* LDP/STP/LDPSW: rt2 is the second register */
	bool acqrel;  /* load-acquire / store-release (ISS.AR) */
	bool unpriv;  /* LDTR/STTR: checked at stage 1 as an EL0 access */
	unsigned rt;  /* 31 = XZR/WZR */
	unsigned rt2; /* pair only */
	unsigned rn;  /* base register, 31 = SP */
	enum ldst_mode mode;
	bool reg_offset; /* offset is register rm, extended and shifted */
	unsigned rm;
	unsigned extend; /* option field: UXTW 2, LSL/UXTX 3, SXTW 6, SXTX 7 */
	unsigned shift;	 /* left shift applied to the extended rm */
	int64_t imm;	 /* byte offset of immediate forms, scaled */
};

/*
 * Decodes insn; false when it is not a load/store this decoder handles, in
 * which case *d is left as it was.
 */
bool ldst_decode(uint32_t insn, struct ldst *d);

/*
 * Address of the (first) access: base for LDST_POST, base + offset else.
 * rm_val is the value of rm (ignored unless reg_offset). Wraps modulo 2^64.
 */
uint64_t ldst_address(const struct ldst *d, uint64_t base, uint64_t rm_val);

/* Value of the base register after the access: base + imm for PRE/POST,
 * base for LDST_OFFSET. */
uint64_t ldst_writeback(const struct ldst *d, uint64_t base);

/*
 * The ISS a stage-2 data abort on this access reports (Arm ARM D17.2.40,
 * ESR_EL2 for EC 0x24): ISV = 1 with SAS, SSE, SRT, SF and AR for a single
 * register access without writeback; ISV = 0 for pairs and pre/post-index
 * forms, as the architecture leaves them. WnR is set for stores in both
 * cases. DFSC and the other fault bits are left zero for the caller.
 */
uint32_t ldst_iss(const struct ldst *d);

#endif
