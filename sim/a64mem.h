/*
 * a64mem: the memory an A64 instruction accesses, from its encoding and
 * the registers it names. Unicorn 2.1 reports a guest's abort without the
 * address (its interrupt hook replaces the exception entry, and FAR_EL1 is
 * never written) and a stage-2 fault with the IPA alone: hvsim works the
 * virtual address out from the instruction, as the syndrome needs it.
 *
 * Every A64 instruction that accesses data memory accesses one contiguous
 * range of virtual addresses, made of elements of one size accessed in
 * ascending order (Arm ARM C4.1, "Loads and Stores", and the DC and IC
 * instructions of C5.3): a single register, a pair, the registers of an
 * Advanced SIMD structure load or store, an exclusive pair, a DC ZVA
 * block. That is what is decoded here:
 *   LDR/STR of general and SIMD&FP registers (every size, immediate,
 *   unscaled, pre/post-indexed, register offset, unprivileged, literal),
 *   LDP/STP/LDNP/STNP/LDPSW of both register files, the exclusive and
 *   acquire/release family (LDXR, STXR, LDAXP, LDAR, STLR...), LD1-LD4 and
 *   ST1-ST4 (multiple structures, single structure, replicate, with and
 *   without post-index), DC ZVA and the cache maintenance by VA that can
 *   fault (DC IVAC, CVAC, CVAU, CIVAC, IC IVAU).
 * Refused (false): prefetches (no access), everything of FEAT_LSE, FEAT_PAuth,
 * FEAT_MTE, FEAT_LRCPC2 and FEAT_LOR, which the CPU model (Cortex-A57)
 * lacks and so never executes, and unallocated encodings.
 */
#ifndef SIM_A64MEM_H
#define SIM_A64MEM_H

#include <stdbool.h>
#include <stdint.h>

enum a64mem_addr {
	A64MEM_OFFSET,	/* Xn|SP + imm, or + Rm extended and shifted */
	A64MEM_POST,	/* Xn|SP itself (post-indexed) */
	A64MEM_LITERAL, /* PC + imm */
	A64MEM_BLOCK,	/* Xt (XZR for 31) aligned down to the length */
};

struct a64mem {
	uint64_t len;	/* bytes accessed in all */
	unsigned esize; /* bytes per element, accessed in ascending order */
	bool write;	/* a store, or DC ZVA; cache maintenance reports
			   WnR = 1 too (Arm ARM D17.2.40) */
	bool cm;	/* cache maintenance by VA (ESR.CM) */
	bool unpriv;	/* LDTR/STTR: checked at stage 1 as EL0 accesses */
	bool align;	/* exclusive or ordered: an alignment fault unless the
			   address is a multiple of len */
	enum a64mem_addr addr;
	unsigned rn; /* base: 31 is SP (Xt for A64MEM_BLOCK: 31 is XZR) */
	bool reg_offset;
	unsigned rm;	 /* A64MEM_OFFSET with reg_offset */
	unsigned extend; /* option: 2 UXTW, 3 LSL, 6 SXTW, 7 SXTX */
	unsigned shift;
	int64_t imm;
};

/*
 * Decodes insn; zva_bytes is DC ZVA's block size (4 << DCZID_EL0.BS).
 * False when insn accesses no data memory or is not one of the above.
 */
bool a64mem_decode(uint32_t insn, unsigned zva_bytes, struct a64mem *m);

/*
 * The first virtual address accessed: base is the value of rn (SP for 31
 * unless A64MEM_BLOCK, where the caller passes 0 for XZR), rm_val that of
 * rm (reg_offset only), pc the instruction's address (A64MEM_LITERAL).
 */
uint64_t a64mem_address(const struct a64mem *m, uint64_t pc, uint64_t base,
			uint64_t rm_val);

#endif
