/*
 * a32insn: what hvsim needs to know about A32 and T32 instructions to play
 * the hardware for AArch32 EL0 (Arm ARM, F3-F4 for the encodings, D17.2.37
 * ESR_ELx for the syndromes). Pure functions of the instruction; no Unicorn.
 *
 * An instruction is given as its 32-bit word (A32), its halfword (16-bit
 * T32) or its two halfwords as first << 16 | second (32-bit T32), with its
 * size in bytes.
 */
#ifndef SIM_A32INSN_H
#define SIM_A32INSN_H

#include <stdbool.h>
#include <stdint.h>

/* The size of the T32 instruction whose first halfword is hw: 2 or 4. */
unsigned a32insn_t32_size(uint16_t hw);

/*
 * The data-abort ISS a stage-2 fault on this instruction's access reports
 * (ISV, SAS, SSE, SRT, WnR; the fault status is the caller's): ISV = 1 only
 * for the single loads and stores the Arm ARM lists (LDR, LDRB, LDRH,
 * LDRSB, LDRSH and their T and acquire/release forms, STR, STRB, STRH...)
 * with no base writeback and no R15 as a register; everything else (LDM,
 * STM, PUSH, POP, LDRD, STRD, exclusives, writeback forms, literal loads)
 * gives ISV = 0 with only WnR, which is write.
 */
uint32_t a32insn_dabt_iss(uint32_t insn, bool thumb, unsigned size, bool write);

/* A WFI or WFE (any condition): true, with *wfe set for a WFE. */
bool a32insn_is_wfx(uint32_t insn, bool thumb, unsigned size, bool *wfe);

/* The condition an A32 instruction is executed under (0xe for T32). */
unsigned a32insn_cond(uint32_t insn, bool thumb);

/* SVC: the ISS of EC 0x11 (imm24[15:0] for A32, imm8 for T32). */
bool a32insn_svc_imm(uint32_t insn, bool thumb, unsigned size, uint16_t *imm);

/* BKPT: the ISS of EC 0x38, its 16-bit (A32) or 8-bit (T32) comment. */
bool a32insn_bkpt_imm(uint32_t insn, bool thumb, unsigned size, uint16_t *imm);

/* A T32 IT instruction: true, with the ITSTATE it starts in *it. */
bool a32insn_it(uint32_t insn, bool thumb, unsigned size, uint8_t *it);

/* ITSTATE after one instruction of an IT block (AArch32.ITAdvance). */
uint8_t a32insn_it_advance(uint8_t it);

/*
 * Instructions in the coprocessor, floating-point and Advanced SIMD
 * spaces, which touch state the simulator does not carry between its
 * AArch64 and AArch32 CPU models. Two kinds are fine: the CP15 barriers
 * (CP15ISB, CP15DSB, CP15DMB) and the thread ID registers TPIDRURW and
 * TPIDRURO, which the simulator does carry.
 */
enum a32insn_coproc {
	A32INSN_NOT_COPROC,
	A32INSN_COPROC_CARRIED,
	A32INSN_COPROC_OTHER,
};

enum a32insn_coproc a32insn_coproc(uint32_t insn, bool thumb, unsigned size);

#endif
