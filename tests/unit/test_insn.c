/*
 * Unit tests of hv/insn.c: decoding of assembled loads and stores, refusal
 * of everything else, address and writeback arithmetic, and the syndrome
 * each access reports. Instruction words come from aarch64-linux-gnu-as and
 * objdump (binutils 2.40); the ones written by hand say so.
 */
#include "helpers.h"

#include "hv/insn.h"
#include "hv/mmio.h"

/* An instruction, what it decodes to and the ISS its data abort reports. */
struct ldst_row {
	uint32_t insn;
	uint32_t iss;
	struct ldst d;
};

/* clang-format off */
/* Each handled form: word, ISS, decoded fields (zero when not shown). */
static const struct ldst_row ldst_rows[] = {
	/* ldr w1, [x2] */
	{0xb9400041, 0x01810000,
	 {.size = 4, .load = true, .rt = 1, .rn = 2}},
	/* ldr x3, [x4, #8] */
	{0xf9400483, 0x01c38000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 3, .rn = 4, .imm = 8}},
	/* ldr x0, [sp, #32760] */
	{0xf97fffe0, 0x01c08000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 0, .rn = 31,
	  .imm = 32760}},
	/* ldr xzr, [x5, #16] */
	{0xf94008bf, 0x01df8000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 31, .rn = 5,
	  .imm = 16}},
	/* ldrb w3, [x4, #1] */
	{0x39400483, 0x01030000,
	 {.size = 1, .load = true, .rt = 3, .rn = 4, .imm = 1}},
	/* ldrb w5, [x6, #4095] */
	{0x397ffcc5, 0x01050000,
	 {.size = 1, .load = true, .rt = 5, .rn = 6, .imm = 4095}},
	/* ldrh w7, [x8, #2] */
	{0x79400507, 0x01470000,
	 {.size = 2, .load = true, .rt = 7, .rn = 8, .imm = 2}},
	/* ldrsb w9, [x10, #3] */
	{0x39c00d49, 0x01290000,
	 {.size = 1, .load = true, .sign = true, .rt = 9, .rn = 10, .imm = 3}},
	/* ldrsb x11, [x12] */
	{0x3980018b, 0x012b8000,
	 {.size = 1, .load = true, .sign = true, .reg64 = true, .rt = 11,
	  .rn = 12}},
	/* ldrsh w13, [x14, #4] */
	{0x79c009cd, 0x016d0000,
	 {.size = 2, .load = true, .sign = true, .rt = 13, .rn = 14, .imm = 4}},
	/* ldrsh x15, [x16, #8190] */
	{0x79bffe0f, 0x016f8000,
	 {.size = 2, .load = true, .sign = true, .reg64 = true, .rt = 15,
	  .rn = 16, .imm = 8190}},
	/* ldrsw x17, [x18, #4] */
	{0xb9800651, 0x01b18000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .rt = 17,
	  .rn = 18, .imm = 4}},
	/* str w19, [x20, #16380] */
	{0xb93ffe93, 0x01930040,
	 {.size = 4, .rt = 19, .rn = 20, .imm = 16380}},
	/* str x30, [sp, #8] */
	{0xf90007fe, 0x01de8040,
	 {.size = 8, .reg64 = true, .rt = 30, .rn = 31, .imm = 8}},
	/* strb w21, [x22] */
	{0x390002d5, 0x01150040,
	 {.size = 1, .rt = 21, .rn = 22}},
	/* strh wzr, [x0] */
	{0x7900001f, 0x015f0040,
	 {.size = 2, .rt = 31, .rn = 0}},
	/* str xzr, [x1, #8] */
	{0xf900043f, 0x01df8040,
	 {.size = 8, .reg64 = true, .rt = 31, .rn = 1, .imm = 8}},
	/* ldr x1, [x1, #8] */
	{0xf9400421, 0x01c18000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 1, .rn = 1, .imm = 8}},
	/* ldur w0, [x1, #-3] */
	{0xb85fd020, 0x01800000,
	 {.size = 4, .load = true, .rt = 0, .rn = 1, .imm = -3}},
	/* ldur x2, [x3, #255] */
	{0xf84ff062, 0x01c28000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 2, .rn = 3,
	  .imm = 255}},
	/* ldurb w4, [x5, #-256] */
	{0x385000a4, 0x01040000,
	 {.size = 1, .load = true, .rt = 4, .rn = 5, .imm = -256}},
	/* ldurh w6, [x7, #1] */
	{0x784010e6, 0x01460000,
	 {.size = 2, .load = true, .rt = 6, .rn = 7, .imm = 1}},
	/* ldursb x8, [x9, #-1] */
	{0x389ff128, 0x01288000,
	 {.size = 1, .load = true, .sign = true, .reg64 = true, .rt = 8,
	  .rn = 9, .imm = -1}},
	/* ldursh w10, [x11, #3] */
	{0x78c0316a, 0x016a0000,
	 {.size = 2, .load = true, .sign = true, .rt = 10, .rn = 11, .imm = 3}},
	/* ldursw x12, [x13, #-4] */
	{0xb89fc1ac, 0x01ac8000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .rt = 12,
	  .rn = 13, .imm = -4}},
	/* stur x14, [sp, #-8] */
	{0xf81f83ee, 0x01ce8040,
	 {.size = 8, .reg64 = true, .rt = 14, .rn = 31, .imm = -8}},
	/* sturb w15, [x16, #7] */
	{0x3800720f, 0x010f0040,
	 {.size = 1, .rt = 15, .rn = 16, .imm = 7}},
	/* sturh w17, [x18, #-2] */
	{0x781fe251, 0x01510040,
	 {.size = 2, .rt = 17, .rn = 18, .imm = -2}},
	/* ldrsh x5, [x6, #-2]! */
	{0x789fecc5, 0x00000000,
	 {.size = 2, .load = true, .sign = true, .reg64 = true, .rt = 5,
	  .rn = 6, .mode = LDST_PRE, .imm = -2}},
	/* ldr x1, [x2, #8]! */
	{0xf8408c41, 0x00000000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 1, .rn = 2,
	  .mode = LDST_PRE, .imm = 8}},
	/* str w3, [sp, #-16]! */
	{0xb81f0fe3, 0x00000040,
	 {.size = 4, .rt = 3, .rn = 31, .mode = LDST_PRE, .imm = -16}},
	/* strb w4, [x5, #255]! */
	{0x380ffca4, 0x00000040,
	 {.size = 1, .rt = 4, .rn = 5, .mode = LDST_PRE, .imm = 255}},
	/* ldrb w6, [x7, #-256]! */
	{0x38500ce6, 0x00000000,
	 {.size = 1, .load = true, .rt = 6, .rn = 7, .mode = LDST_PRE,
	  .imm = -256}},
	/* str x7, [sp], #16 */
	{0xf80107e7, 0x00000040,
	 {.size = 8, .reg64 = true, .rt = 7, .rn = 31, .mode = LDST_POST,
	  .imm = 16}},
	/* ldr w8, [x9], #-4 */
	{0xb85fc528, 0x00000000,
	 {.size = 4, .load = true, .rt = 8, .rn = 9, .mode = LDST_POST,
	  .imm = -4}},
	/* ldrsw x10, [x11], #4 */
	{0xb880456a, 0x00000000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .rt = 10,
	  .rn = 11, .mode = LDST_POST, .imm = 4}},
	/* ldrh w12, [x13], #2 */
	{0x784025ac, 0x00000000,
	 {.size = 2, .load = true, .rt = 12, .rn = 13, .mode = LDST_POST,
	  .imm = 2}},
	/* ldrsb w14, [x15], #-1 */
	{0x38dff5ee, 0x00000000,
	 {.size = 1, .load = true, .sign = true, .rt = 14, .rn = 15,
	  .mode = LDST_POST, .imm = -1}},
	/* ldr x0, [x1, w2, sxtw #3] */
	{0xf862d820, 0x01c08000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 0, .rn = 1,
	  .reg_offset = true, .rm = 2, .extend = LDST_SXTW, .shift = 3}},
	/* ldrsw x0, [x1, x2] */
	{0xb8a26820, 0x01a08000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .rt = 0,
	  .rn = 1, .reg_offset = true, .rm = 2, .extend = LDST_LSL}},
	/* ldr w3, [x4, x5, lsl #2] */
	{0xb8657883, 0x01830000,
	 {.size = 4, .load = true, .rt = 3, .rn = 4, .reg_offset = true,
	  .rm = 5, .extend = LDST_LSL, .shift = 2}},
	/* ldrb w6, [x7, x8] */
	{0x386868e6, 0x01060000,
	 {.size = 1, .load = true, .rt = 6, .rn = 7, .reg_offset = true,
	  .rm = 8, .extend = LDST_LSL}},
	/* ldrb w6, [x7, x8, lsl #0] */
	{0x386878e6, 0x01060000,
	 {.size = 1, .load = true, .rt = 6, .rn = 7, .reg_offset = true,
	  .rm = 8, .extend = LDST_LSL}},
	/* ldrh w9, [x10, w11, uxtw #1] */
	{0x786b5949, 0x01490000,
	 {.size = 2, .load = true, .rt = 9, .rn = 10, .reg_offset = true,
	  .rm = 11, .extend = LDST_UXTW, .shift = 1}},
	/* ldrsh x12, [x13, w14, sxtw] */
	{0x78aec9ac, 0x016c8000,
	 {.size = 2, .load = true, .sign = true, .reg64 = true, .rt = 12,
	  .rn = 13, .reg_offset = true, .rm = 14, .extend = LDST_SXTW}},
	/* str x15, [x16, x17, sxtx #3] */
	{0xf831fa0f, 0x01cf8040,
	 {.size = 8, .reg64 = true, .rt = 15, .rn = 16, .reg_offset = true,
	  .rm = 17, .extend = LDST_SXTX, .shift = 3}},
	/* strb w18, [sp, w19, uxtw] */
	{0x38334bf2, 0x01120040,
	 {.size = 1, .rt = 18, .rn = 31, .reg_offset = true, .rm = 19,
	  .extend = LDST_UXTW}},
	/* ldrsb w20, [x21, x22, sxtx] */
	{0x38f6eab4, 0x01340000,
	 {.size = 1, .load = true, .sign = true, .rt = 20, .rn = 21,
	  .reg_offset = true, .rm = 22, .extend = LDST_SXTX}},
	/* ldr x23, [x24, w25, uxtw] */
	{0xf8794b17, 0x01d78000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 23, .rn = 24,
	  .reg_offset = true, .rm = 25, .extend = LDST_UXTW}},
	/* ldrsw x0, [x1, w2, uxtw #2] */
	{0xb8a25820, 0x01a08000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .rt = 0,
	  .rn = 1, .reg_offset = true, .rm = 2, .extend = LDST_UXTW,
	  .shift = 2}},
	/* ldrsh w0, [x1, x2, lsl #1] */
	{0x78e27820, 0x01600000,
	 {.size = 2, .load = true, .sign = true, .rt = 0, .rn = 1,
	  .reg_offset = true, .rm = 2, .extend = LDST_LSL, .shift = 1}},
	/* strh w0, [x1, x2, sxtx #1] */
	{0x7822f820, 0x01400040,
	 {.size = 2, .rt = 0, .rn = 1, .reg_offset = true, .rm = 2,
	  .extend = LDST_SXTX, .shift = 1}},
	/* ldr x0, [x0, x0] */
	{0xf8606800, 0x01c08000,
	 {.size = 8, .load = true, .reg64 = true, .rt = 0, .rn = 0,
	  .reg_offset = true, .rm = 0, .extend = LDST_LSL}},
	/* ldtr x0, [x1, #8] */
	{0xf8408820, 0x01c08000,
	 {.size = 8, .load = true, .reg64 = true, .unpriv = true, .rt = 0,
	  .rn = 1, .imm = 8}},
	/* sttrb w2, [x3, #-1] */
	{0x381ff862, 0x01020040,
	 {.size = 1, .unpriv = true, .rt = 2, .rn = 3, .imm = -1}},
	/* ldtrsw x4, [x5] */
	{0xb88008a4, 0x01a48000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .unpriv = true,
	  .rt = 4, .rn = 5}},
	/* ldtrsh w6, [x7, #2] */
	{0x78c028e6, 0x01660000,
	 {.size = 2, .load = true, .sign = true, .unpriv = true, .rt = 6,
	  .rn = 7, .imm = 2}},
	/* sttr w8, [sp, #255] */
	{0xb80ffbe8, 0x01880040,
	 {.size = 4, .unpriv = true, .rt = 8, .rn = 31, .imm = 255}},
	/* ldp x29, x30, [sp, #-16]! */
	{0xa9ff7bfd, 0x00000000,
	 {.size = 8, .load = true, .reg64 = true, .pair = true, .rt = 29,
	  .rt2 = 30, .rn = 31, .mode = LDST_PRE, .imm = -16}},
	/* stp x29, x30, [sp, #-16]! */
	{0xa9bf7bfd, 0x00000040,
	 {.size = 8, .reg64 = true, .pair = true, .rt = 29, .rt2 = 30, .rn = 31,
	  .mode = LDST_PRE, .imm = -16}},
	/* ldp x29, x30, [sp], #16 */
	{0xa8c17bfd, 0x00000000,
	 {.size = 8, .load = true, .reg64 = true, .pair = true, .rt = 29,
	  .rt2 = 30, .rn = 31, .mode = LDST_POST, .imm = 16}},
	/* ldp w1, w2, [x3, #-256] */
	{0x29600861, 0x00000000,
	 {.size = 4, .load = true, .pair = true, .rt = 1, .rt2 = 2, .rn = 3,
	  .imm = -256}},
	/* stp w4, w5, [x6, #252] */
	{0x291f94c4, 0x00000040,
	 {.size = 4, .pair = true, .rt = 4, .rt2 = 5, .rn = 6, .imm = 252}},
	/* ldp x7, x8, [x9, #504] */
	{0xa95fa127, 0x00000000,
	 {.size = 8, .load = true, .reg64 = true, .pair = true, .rt = 7,
	  .rt2 = 8, .rn = 9, .imm = 504}},
	/* stp xzr, xzr, [x0, #-512] */
	{0xa9207c1f, 0x00000040,
	 {.size = 8, .reg64 = true, .pair = true, .rt = 31, .rt2 = 31, .rn = 0,
	  .imm = -512}},
	/* stp x1, x1, [x2] */
	{0xa9000441, 0x00000040,
	 {.size = 8, .reg64 = true, .pair = true, .rt = 1, .rt2 = 1, .rn = 2}},
	/* ldp x0, x1, [x0] */
	{0xa9400400, 0x00000000,
	 {.size = 8, .load = true, .reg64 = true, .pair = true, .rt = 0,
	  .rt2 = 1, .rn = 0}},
	/* stp x1, x2, [sp, #-32]! */
	{0xa9be0be1, 0x00000040,
	 {.size = 8, .reg64 = true, .pair = true, .rt = 1, .rt2 = 2, .rn = 31,
	  .mode = LDST_PRE, .imm = -32}},
	/* ldpsw x1, x2, [x3] */
	{0x69400861, 0x00000000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .pair = true,
	  .rt = 1, .rt2 = 2, .rn = 3}},
	/* ldpsw x4, x5, [x6, #-8]! */
	{0x69ff14c4, 0x00000000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .pair = true,
	  .rt = 4, .rt2 = 5, .rn = 6, .mode = LDST_PRE, .imm = -8}},
	/* ldpsw x7, x8, [x9], #4 */
	{0x68c0a127, 0x00000000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .pair = true,
	  .rt = 7, .rt2 = 8, .rn = 9, .mode = LDST_POST, .imm = 4}},
	/* ldnp x10, x11, [x12, #16] */
	{0xa8412d8a, 0x00000000,
	 {.size = 8, .load = true, .reg64 = true, .pair = true, .rt = 10,
	  .rt2 = 11, .rn = 12, .imm = 16}},
	/* stnp w13, w14, [x15, #-4] */
	{0x283fb9ed, 0x00000040,
	 {.size = 4, .pair = true, .rt = 13, .rt2 = 14, .rn = 15, .imm = -4}},
	/* stlr w1, [x2] */
	{0x889ffc41, 0x01814040,
	 {.size = 4, .acqrel = true, .rt = 1, .rn = 2}},
	/* stlr x3, [sp] */
	{0xc89fffe3, 0x01c3c040,
	 {.size = 8, .reg64 = true, .acqrel = true, .rt = 3, .rn = 31}},
	/* stlrb w4, [x5] */
	{0x089ffca4, 0x01044040,
	 {.size = 1, .acqrel = true, .rt = 4, .rn = 5}},
	/* stlrh w6, [x7] */
	{0x489ffce6, 0x01464040,
	 {.size = 2, .acqrel = true, .rt = 6, .rn = 7}},
	/* ldar x8, [x9] */
	{0xc8dffd28, 0x01c8c000,
	 {.size = 8, .load = true, .reg64 = true, .acqrel = true, .rt = 8,
	  .rn = 9}},
	/* ldar w30, [x0] */
	{0x88dffc1e, 0x019e4000,
	 {.size = 4, .load = true, .acqrel = true, .rt = 30, .rn = 0}},
	/* ldarb w10, [x11] */
	{0x08dffd6a, 0x010a4000,
	 {.size = 1, .load = true, .acqrel = true, .rt = 10, .rn = 11}},
	/* ldarh w12, [x13] */
	{0x48dffdac, 0x014c4000,
	 {.size = 2, .load = true, .acqrel = true, .rt = 12, .rn = 13}},
	/* ldapr w14, [x15] */
	{0xb8bfc1ee, 0x018e4000,
	 {.size = 4, .load = true, .acqrel = true, .rt = 14, .rn = 15}},
	/* ldapr x16, [x17] */
	{0xf8bfc230, 0x01d0c000,
	 {.size = 8, .load = true, .reg64 = true, .acqrel = true, .rt = 16,
	  .rn = 17}},
	/* ldaprb w18, [x19] */
	{0x38bfc272, 0x01124000,
	 {.size = 1, .load = true, .acqrel = true, .rt = 18, .rn = 19}},
	/* ldaprh w20, [x21] */
	{0x78bfc2b4, 0x01544000,
	 {.size = 2, .load = true, .acqrel = true, .rt = 20, .rn = 21}},
	/* ldapur w0, [x1, #-4] */
	{0x995fc020, 0x01804000,
	 {.size = 4, .load = true, .acqrel = true, .rt = 0, .rn = 1,
	  .imm = -4}},
	/* stlurb w2, [x3, #1] */
	{0x19001062, 0x01024040,
	 {.size = 1, .acqrel = true, .rt = 2, .rn = 3, .imm = 1}},
	/* ldapursw x4, [x5, #8] */
	{0x998080a4, 0x01a4c000,
	 {.size = 4, .load = true, .sign = true, .reg64 = true, .acqrel = true,
	  .rt = 4, .rn = 5, .imm = 8}},
	/* ldapursh w6, [x7] */
	{0x59c000e6, 0x01664000,
	 {.size = 2, .load = true, .sign = true, .acqrel = true, .rt = 6,
	  .rn = 7}},
	/* ldapursb x8, [x9, #-256] */
	{0x19900128, 0x0128c000,
	 {.size = 1, .load = true, .sign = true, .reg64 = true, .acqrel = true,
	  .rt = 8, .rn = 9, .imm = -256}},
	/* stlur x10, [sp, #255] */
	{0xd90ff3ea, 0x01cac040,
	 {.size = 8, .reg64 = true, .acqrel = true, .rt = 10, .rn = 31,
	  .imm = 255}},
	/* ldapurh w11, [x12, #2] */
	{0x5940218b, 0x014b4000,
	 {.size = 2, .load = true, .acqrel = true, .rt = 11, .rn = 12,
	  .imm = 2}},
};
/* clang-format on */

/* Loads and stores of other registers or kinds, and non-loads. */
static const uint32_t other_insns[] = {
    0x3dc00020, /* ldr q0, [x1] */
    0xfd400420, /* ldr d0, [x1, #8] */
    0xbc004420, /* str s0, [x1], #4 */
    0x3c5ff020, /* ldur b0, [x1, #-1] */
    0x7c627820, /* ldr h0, [x1, x2, lsl #1] */
    0xad4007e0, /* ldp q0, q1, [sp] */
    0x6c400400, /* ldnp d0, d1, [x0] */
    0x4c407000, /* ld1 {v0.16b}, [x0] */
    0xc85f7c20, /* ldxr x0, [x1] */
    0xc8027c20, /* stxr w2, x0, [x1] */
    0x885ffc20, /* ldaxr w0, [x1] */
    0x0803fc20, /* stlxrb w3, w0, [x1] */
    0xc87f0440, /* ldxp x0, x1, [x2] */
    0xf8200041, /* ldadd x0, x1, [x2] */
    0xb8e00041, /* ldaddal w0, w1, [x2] */
    0xb820003f, /* stadd w0, [x1] */
    0xf8208041, /* swp x0, x1, [x2] */
    0xc8a07c41, /* cas x0, x1, [x2] */
    0x48207c82, /* casp x0, x1, x2, x3, [x4] */
    0xf9800000, /* prfm pldl1keep, [x0] */
    0xf8a16800, /* prfm pldl1keep, [x0, x1] */
    0xf89ff000, /* prfum pldl1keep, [x0, #-1] */
    0xd8000040, /* prfm pldl1keep, .+8 */
    0x58ffffe0, /* ldr x0, .-4 */
    0x18000800, /* ldr w0, .+0x100 */
    0x98ff8000, /* ldrsw x0, .-0x1000 */
    0x9c000080, /* ldr q0, .+16 */
    0x58000020, /* ldr x0, =0x123456789 (from the literal pool) */
    0xf8200420, /* ldraa x0, [x1] */
    0xf8a01c20, /* ldrab x0, [x1, #8]! */
    0xd9200820, /* stg x0, [x1] */
    0xd9600020, /* ldg x0, [x1] */
    0x69000440, /* stgp x0, x1, [x2] */
    0x68808440, /* stgp x0, x1, [x2], #16 */
    0x88df7c20, /* ldlar w0, [x1] */
    0xc89f7c20, /* stllr x0, [x1] */
    0xf83fd020, /* ld64b x0, [x1] */
    0xf83f9020, /* st64b x0, [x1] */
    0x1d010440, /* cpyp [x0]!, [x1]!, x2! */
    0x19c20420, /* setp [x0]!, x1!, x2 */
    0xd503201f, /* nop */
    0xd4000002, /* hvc #0 */
    0x00000000, /* udf #0 */
};

/* Unallocated encodings next to the handled ones (by hand; objdump:
 * "undefined"). */
static const uint32_t unallocated_insns[] = {
    0xb9c00000, /* LDRSW into Wt: size 10, opc 11, unsigned offset */
    0xb8c00c00, /* the same, pre-indexed */
    0xf9c00000, /* size 11, opc 11, unsigned offset */
    0xf8c00000, /* size 11, opc 11, unscaled */
    0xf8800c00, /* size 11, opc 10, pre-indexed: no PRFM writes back */
    0xf8c00400, /* size 11, opc 11, post-indexed */
    0xf8a00800, /* size 11, opc 10, unprivileged */
    0xf8621820, /* register offset, option 000 */
    0xf8623820, /* register offset, option 001 */
    0xf8629820, /* register offset, option 100 */
    0xf862b820, /* register offset, option 101 */
    0xe95fa127, /* pair, opc 11, offset */
    0xe8c17bfd, /* pair, opc 11, post-indexed */
    0x68412d8a, /* no-allocate pair, opc 01, load ("ldnpsw") */
    0x68012d8a, /* no-allocate pair, opc 01, store */
    0xb8a0c1ee, /* LDAPR with Rs = 0 */
    0xd9800000, /* LDAPUR class, size 11, opc 10 */
    0x99c00000, /* LDAPUR class, size 10, opc 11 */
    0xd9c00000, /* LDAPUR class, size 11, opc 11 */
};

/* CONSTRAINED UNPREDICTABLE encodings, refused so that UNDEFINED is taken. */
static const uint32_t unpredictable_insns[] = {
    0xf8408c21, /* ldr x1, [x1, #8]! */
    0xf8408400, /* ldr x0, [x0], #8 */
    0xf80104e7, /* str x7, [x7], #16 */
    0xa9810821, /* stp x1, x2, [x1, #16]! */
    0xa8c17bdd, /* ldp x29, x30, [x30], #16 */
    0xa95f9d27, /* ldp x7, x7, [x9, #504] */
    0xa9400020, /* ldp x0, x0, [x1] */
    0x69400461, /* ldpsw x1, x1, [x3] */
    0xc8c0fd28, /* ldar x8, [x9] with Rs = 0 (by hand) */
    0xc8df8128, /* ldar x8, [x9] with Rt2 = 0 (by hand) */
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The row for insn in ldst_rows. */
static const struct ldst_row *row(uint32_t insn)
{
	for (size_t i = 0; i < ARRAY_LEN(ldst_rows); i++) {
		if (ldst_rows[i].insn == insn)
			return &ldst_rows[i];
	}
	fail_msg("0x%08x is not in ldst_rows", insn);
	return NULL;
}

/* Decodes insn, which must be a handled load or store. */
static struct ldst decode(uint32_t insn)
{
	struct ldst d;

	if (!ldst_decode(insn, &d))
		fail_msg("0x%08x was refused", insn);
	return d;
}

#define EXPECT_FIELD(insn, got, want, field)                                   \
	do {                                                                   \
		if ((got).field != (want).field)                               \
			fail_msg("0x%08x: " #field " is %lld, expected %lld",  \
				 (insn), (long long)(got).field,               \
				 (long long)(want).field);                     \
	} while (0)

static void test_ldst_decode_assembled_loads_and_stores(void **st)
{
	(void)st;
	for (size_t i = 0; i < ARRAY_LEN(ldst_rows); i++) {
		const struct ldst_row *r = &ldst_rows[i];
		struct ldst d = decode(r->insn);

		EXPECT_FIELD(r->insn, d, r->d, size);
		EXPECT_FIELD(r->insn, d, r->d, load);
		EXPECT_FIELD(r->insn, d, r->d, sign);
		EXPECT_FIELD(r->insn, d, r->d, reg64);
		EXPECT_FIELD(r->insn, d, r->d, pair);
		EXPECT_FIELD(r->insn, d, r->d, acqrel);
		EXPECT_FIELD(r->insn, d, r->d, unpriv);
		EXPECT_FIELD(r->insn, d, r->d, rt);
		EXPECT_FIELD(r->insn, d, r->d, rt2);
		EXPECT_FIELD(r->insn, d, r->d, rn);
		EXPECT_FIELD(r->insn, d, r->d, mode);
		EXPECT_FIELD(r->insn, d, r->d, reg_offset);
		EXPECT_FIELD(r->insn, d, r->d, rm);
		EXPECT_FIELD(r->insn, d, r->d, extend);
		EXPECT_FIELD(r->insn, d, r->d, shift);
		EXPECT_FIELD(r->insn, d, r->d, imm);
	}
}

static void test_ldst_iss_of_assembled_loads_and_stores(void **st)
{
	(void)st;
	for (size_t i = 0; i < ARRAY_LEN(ldst_rows); i++) {
		const struct ldst_row *r = &ldst_rows[i];
		struct ldst d = decode(r->insn);
		uint32_t iss = ldst_iss(&d);

		if (iss != r->iss)
			fail_msg("0x%08x: ISS 0x%08x, expected 0x%08x", r->insn,
				 iss, r->iss);
	}
}

/* Fails unless every word of insns is refused and leaves *d alone. */
static void expect_refused(const uint32_t *insns, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct ldst d;

		memset(&d, 0xa5, sizeof(d));
		if (ldst_decode(insns[i], &d))
			fail_msg("0x%08x was decoded", insns[i]);
		assert_int_equal(d.size, 0xa5a5a5a5u);
		assert_int_equal(d.rt, 0xa5a5a5a5u);
	}
}

static void test_ldst_decode_refuses_other_loads_and_non_loads(void **st)
{
	(void)st;
	expect_refused(other_insns, ARRAY_LEN(other_insns));
}

static void test_ldst_decode_refuses_unallocated_encodings(void **st)
{
	(void)st;
	expect_refused(unallocated_insns, ARRAY_LEN(unallocated_insns));
}

static void test_ldst_decode_refuses_constrained_unpredictable(void **st)
{
	(void)st;
	expect_refused(unpredictable_insns, ARRAY_LEN(unpredictable_insns));
}

static void test_ldst_writeback_into_base_refused_unless_sp(void **st)
{
	(void)st;
	/* ldr xT, [xN, #8]! for every T and N: only N = T != SP is refused,
	 * and without writeback N = T is fine. */
	for (unsigned n = 0; n < 32; n++) {
		for (unsigned t = 0; t < 32; t++) {
			uint32_t pre = 0xf8408c00 | n << 5 | t;
			uint32_t off = 0xf9400400 | n << 5 | t;
			struct ldst d;

			assert_int_equal(ldst_decode(pre, &d),
					 n != t || n == 31);
			assert_true(ldst_decode(off, &d));
			assert_int_equal(d.rn, n);
			assert_int_equal(d.rt, t);
		}
	}
}

static void test_ldst_imm9_is_signed_and_unscaled(void **st)
{
	(void)st;
	/* ldur x0, [x1, #imm] for imm9 = 0..511 */
	for (unsigned imm9 = 0; imm9 < 512; imm9++) {
		struct ldst d = decode(0xf8400020 | imm9 << 12);

		assert_int_equal(d.imm, imm9 < 256 ? (int64_t)imm9
						   : (int64_t)imm9 - 512);
	}
}

static void test_ldst_pair_imm7_is_scaled_by_register_size(void **st)
{
	(void)st;
	/* ldp x0, x1, [x2, #imm] and ldp w0, w1, [x2, #imm] */
	for (unsigned imm7 = 0; imm7 < 128; imm7++) {
		int64_t v = imm7 < 64 ? (int64_t)imm7 : (int64_t)imm7 - 128;

		assert_int_equal(decode(0xa9400440 | imm7 << 15).imm, v * 8);
		assert_int_equal(decode(0x29400440 | imm7 << 15).imm, v * 4);
	}
}

static void test_ldst_uimm12_is_scaled_by_access_size(void **st)
{
	(void)st;
	/* ldrb/ldrh/ldr w/ldr x w0, [x1, #imm] with imm12 = 0xfff */
	assert_int_equal(decode(0x397ffc20).imm, 4095);
	assert_int_equal(decode(0x797ffc20).imm, 8190);
	assert_int_equal(decode(0xb97ffc20).imm, 16380);
	assert_int_equal(decode(0xf97ffc20).imm, 32760);
}

static void test_ldst_address_adds_a_negative_offset(void **st)
{
	struct ldst d = decode(0xb85fd020); /* ldur w0, [x1, #-3] */

	(void)st;
	assert_int_equal(ldst_address(&d, 0x9000f000, 0), 0x9000effd);
	/* rm_val means nothing without a register offset. */
	assert_int_equal(ldst_address(&d, 0x9000f000, 0x1234), 0x9000effd);
	/* Wraps modulo 2^64. */
	assert_int_equal(ldst_address(&d, 1, 0), 0xfffffffffffffffeull);
}

static void test_ldst_address_and_writeback_of_sp_pre_index(void **st)
{
	struct ldst d = decode(0xa9bf7bfd); /* stp x29, x30, [sp, #-16]! */

	(void)st;
	assert_int_equal(d.rn, 31);
	assert_int_equal(ldst_address(&d, 0x40080000, 0), 0x4007fff0);
	assert_int_equal(ldst_writeback(&d, 0x40080000), 0x4007fff0);
}

static void test_ldst_address_of_post_index_is_the_base(void **st)
{
	struct ldst d = decode(0xf80107e7); /* str x7, [sp], #16 */
	struct ldst n = decode(0xb85fc528); /* ldr w8, [x9], #-4 */
	struct ldst p = decode(0xa8c17bfd); /* ldp x29, x30, [sp], #16 */

	(void)st;
	assert_int_equal(ldst_address(&d, 0x40080000, 0), 0x40080000);
	assert_int_equal(ldst_writeback(&d, 0x40080000), 0x40080010);
	assert_int_equal(ldst_address(&n, 0x1000, 0), 0x1000);
	assert_int_equal(ldst_writeback(&n, 0x1000), 0xffc);
	assert_int_equal(ldst_address(&p, 0x4007fff0, 0), 0x4007fff0);
	assert_int_equal(ldst_writeback(&p, 0x4007fff0), 0x40080000);
}

static void test_ldst_writeback_without_index_keeps_the_base(void **st)
{
	struct ldst d = decode(0xf9400483); /* ldr x3, [x4, #8] */
	struct ldst r = decode(0xf862d820); /* ldr x0, [x1, w2, sxtw #3] */

	(void)st;
	assert_int_equal(ldst_writeback(&d, 0x5000), 0x5000);
	assert_int_equal(ldst_writeback(&r, 0x5000), 0x5000);
}

static void test_ldst_address_sxtw_sign_extends_the_low_word(void **st)
{
	struct ldst d = decode(0xf862d820); /* ldr x0, [x1, w2, sxtw #3] */

	(void)st;
	assert_int_equal(ldst_address(&d, 0x10000, 0xfffffffe), 0x10000 - 16);
	/* The top half of x2 is not part of w2. */
	assert_int_equal(ldst_address(&d, 0x10000, 0x12345678fffffffeull),
			 0x10000 - 16);
	assert_int_equal(ldst_address(&d, 0x10000, 0xffffffff00000002ull),
			 0x10000 + 16);
}

static void test_ldst_address_uxtw_ignores_the_top_half(void **st)
{
	struct ldst d = decode(0xf8794b17); /* ldr x23, [x24, w25, uxtw] */
	struct ldst h = decode(0x786b5949); /* ldrh w9, [x10, w11, uxtw #1] */

	(void)st;
	assert_int_equal(ldst_address(&d, 0x10000, 0xffffffff00000004ull),
			 0x10004);
	assert_int_equal(ldst_address(&h, 0, 0xdeadbeef80000000ull),
			 0x100000000ull);
}

static void test_ldst_address_lsl_and_sxtx_use_all_of_xm(void **st)
{
	struct ldst l = decode(0xb8657883); /* ldr w3, [x4, x5, lsl #2] */
	struct ldst s = decode(0xf831fa0f); /* str x15, [x16, x17, sxtx #3] */
	struct ldst b = decode(0x386868e6); /* ldrb w6, [x7, x8] */

	(void)st;
	assert_int_equal(ldst_address(&l, 0x1000, 0x100000000ull),
			 0x400001000ull);
	assert_int_equal(ldst_address(&s, 0x1000, ~0ull), 0xff8);
	assert_int_equal(ldst_address(&b, 0x1000, 0x10), 0x1010);
}

static void test_ldst_post_index_has_no_syndrome(void **st)
{
	struct ldst s = decode(0xf80107e7); /* str x7, [sp], #16 */
	struct ldst l = decode(0xb880456a); /* ldrsw x10, [x11], #4 */

	(void)st;
	assert_int_equal(ldst_iss(&s), ISS_DA_WNR);
	assert_int_equal(ldst_iss(&l), 0);
}

static void test_ldst_pre_index_has_no_syndrome(void **st)
{
	struct ldst s = decode(0xb81f0fe3); /* str w3, [sp, #-16]! */
	struct ldst l = decode(0x789fecc5); /* ldrsh x5, [x6, #-2]! */

	(void)st;
	assert_int_equal(ldst_iss(&s), ISS_DA_WNR);
	assert_int_equal(ldst_iss(&l), 0);
}

static void test_ldst_pair_has_no_syndrome_even_without_writeback(void **st)
{
	struct ldst l = decode(0x29600861); /* ldp w1, w2, [x3, #-256] */
	struct ldst s = decode(0xa9207c1f); /* stp xzr, xzr, [x0, #-512] */
	struct ldst n = decode(0xa8412d8a); /* ldnp x10, x11, [x12, #16] */
	struct ldst w = decode(0x69400861); /* ldpsw x1, x2, [x3] */

	(void)st;
	assert_int_equal(ldst_iss(&l), 0);
	assert_int_equal(ldst_iss(&s), ISS_DA_WNR);
	assert_int_equal(ldst_iss(&n), 0);
	assert_int_equal(ldst_iss(&w), 0);
}

static void test_ldst_iss_sign_extension_sets_sse_and_width_sets_sf(void **st)
{
	(void)st;
	/* ldrsb w9, [x10, #3]: byte, SSE, SRT 9, W */
	assert_int_equal(ldst_iss(&row(0x39c00d49)->d),
			 ISS_DA_ISV | 0u << ISS_DA_SAS_SHIFT | ISS_DA_SSE |
			     9u << ISS_DA_SRT_SHIFT);
	/* ldrsb x11, [x12]: the same into an X register */
	assert_int_equal(ldst_iss(&row(0x3980018b)->d),
			 ISS_DA_ISV | 0u << ISS_DA_SAS_SHIFT | ISS_DA_SSE |
			     11u << ISS_DA_SRT_SHIFT | ISS_DA_SF);
	/* ldrsw x17, [x18, #4]: word, SSE, X */
	assert_int_equal(ldst_iss(&row(0xb9800651)->d),
			 ISS_DA_ISV | 2u << ISS_DA_SAS_SHIFT | ISS_DA_SSE |
			     17u << ISS_DA_SRT_SHIFT | ISS_DA_SF);
	/* ldrb w3, [x4, #1]: zero-extended */
	assert_int_equal(ldst_iss(&row(0x39400483)->d),
			 ISS_DA_ISV | 0u << ISS_DA_SAS_SHIFT |
			     3u << ISS_DA_SRT_SHIFT);
	/* ldr x3, [x4, #8]: doubleword, SF */
	assert_int_equal(ldst_iss(&row(0xf9400483)->d),
			 ISS_DA_ISV | 3u << ISS_DA_SAS_SHIFT |
			     3u << ISS_DA_SRT_SHIFT | ISS_DA_SF);
}

static void test_ldst_iss_store_sets_wnr_and_zero_register_is_srt_31(void **st)
{
	(void)st;
	/* strh wzr, [x0] */
	assert_int_equal(ldst_iss(&row(0x7900001f)->d),
			 ISS_DA_ISV | 1u << ISS_DA_SAS_SHIFT |
			     31u << ISS_DA_SRT_SHIFT | ISS_DA_WNR);
	/* str x30, [sp, #8] */
	assert_int_equal(ldst_iss(&row(0xf90007fe)->d),
			 ISS_DA_ISV | 3u << ISS_DA_SAS_SHIFT |
			     30u << ISS_DA_SRT_SHIFT | ISS_DA_SF | ISS_DA_WNR);
}

static void test_ldst_iss_acquire_release_sets_ar(void **st)
{
	(void)st;
	/* stlr w1, [x2] */
	assert_int_equal(ldst_iss(&row(0x889ffc41)->d),
			 ISS_DA_ISV | 2u << ISS_DA_SAS_SHIFT |
			     1u << ISS_DA_SRT_SHIFT | ISS_DA_AR | ISS_DA_WNR);
	/* ldar x8, [x9] */
	assert_int_equal(ldst_iss(&row(0xc8dffd28)->d),
			 ISS_DA_ISV | 3u << ISS_DA_SAS_SHIFT |
			     8u << ISS_DA_SRT_SHIFT | ISS_DA_SF | ISS_DA_AR);
	/* ldaprb w18, [x19] */
	assert_int_equal(ldst_iss(&row(0x38bfc272)->d),
			 ISS_DA_ISV | 0u << ISS_DA_SAS_SHIFT |
			     18u << ISS_DA_SRT_SHIFT | ISS_DA_AR);
	/* ldapursw x4, [x5, #8] */
	assert_int_equal(ldst_iss(&row(0x998080a4)->d),
			 ISS_DA_ISV | 2u << ISS_DA_SAS_SHIFT | ISS_DA_SSE |
			     4u << ISS_DA_SRT_SHIFT | ISS_DA_SF | ISS_DA_AR);
	/* ldr w1, [x2]: no AR */
	assert_int_equal(ldst_iss(&row(0xb9400041)->d) & ISS_DA_AR, 0);
}

static void test_ldst_unprivileged_access_has_a_syndrome(void **st)
{
	(void)st;
	/* ldtr x0, [x1, #8] */
	assert_true(row(0xf8408820)->d.unpriv);
	assert_int_equal(ldst_iss(&row(0xf8408820)->d),
			 ISS_DA_ISV | 3u << ISS_DA_SAS_SHIFT | ISS_DA_SF);
}

static void test_ldst_iss_leaves_the_fault_bits_zero(void **st)
{
	(void)st;
	for (size_t i = 0; i < ARRAY_LEN(ldst_rows); i++) {
		uint32_t iss = ldst_iss(&ldst_rows[i].d);

		assert_int_equal(iss & (ISS_DA_FNV | ISS_DA_EA | ISS_DA_CM |
					ISS_DA_S1PTW | ISS_FSC_MASK),
				 0);
		assert_int_equal(iss & ~ESR_ISS_MASK, 0);
	}
}

/* What ldst_iss reports is what mmio reads back from the syndrome. */
static void test_ldst_iss_decodes_back_through_mmio(void **st)
{
	(void)st;
	for (size_t i = 0; i < ARRAY_LEN(ldst_rows); i++) {
		const struct ldst *d = &ldst_rows[i].d;
		struct mmio_access acc;
		bool valid = !d->pair && d->mode == LDST_OFFSET;

		assert_int_equal(mmio_decode_iss(ldst_iss(d), &acc), valid);
		if (!valid)
			continue;
		assert_int_equal(acc.size, d->size);
		assert_int_equal(acc.sign, d->sign);
		assert_int_equal(acc.reg64, d->reg64);
		assert_int_equal(acc.write, !d->load);
		assert_int_equal(acc.reg, d->rt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ldst_decode_assembled_loads_and_stores),
	    cmocka_unit_test(test_ldst_iss_of_assembled_loads_and_stores),
	    cmocka_unit_test(
		test_ldst_decode_refuses_other_loads_and_non_loads),
	    cmocka_unit_test(test_ldst_decode_refuses_unallocated_encodings),
	    cmocka_unit_test(
		test_ldst_decode_refuses_constrained_unpredictable),
	    cmocka_unit_test(test_ldst_writeback_into_base_refused_unless_sp),
	    cmocka_unit_test(test_ldst_imm9_is_signed_and_unscaled),
	    cmocka_unit_test(test_ldst_pair_imm7_is_scaled_by_register_size),
	    cmocka_unit_test(test_ldst_uimm12_is_scaled_by_access_size),
	    cmocka_unit_test(test_ldst_address_adds_a_negative_offset),
	    cmocka_unit_test(test_ldst_address_and_writeback_of_sp_pre_index),
	    cmocka_unit_test(test_ldst_address_of_post_index_is_the_base),
	    cmocka_unit_test(test_ldst_writeback_without_index_keeps_the_base),
	    cmocka_unit_test(test_ldst_address_sxtw_sign_extends_the_low_word),
	    cmocka_unit_test(test_ldst_address_uxtw_ignores_the_top_half),
	    cmocka_unit_test(test_ldst_address_lsl_and_sxtx_use_all_of_xm),
	    cmocka_unit_test(test_ldst_post_index_has_no_syndrome),
	    cmocka_unit_test(test_ldst_pre_index_has_no_syndrome),
	    cmocka_unit_test(
		test_ldst_pair_has_no_syndrome_even_without_writeback),
	    cmocka_unit_test(
		test_ldst_iss_sign_extension_sets_sse_and_width_sets_sf),
	    cmocka_unit_test(
		test_ldst_iss_store_sets_wnr_and_zero_register_is_srt_31),
	    cmocka_unit_test(test_ldst_iss_acquire_release_sets_ar),
	    cmocka_unit_test(test_ldst_unprivileged_access_has_a_syndrome),
	    cmocka_unit_test(test_ldst_iss_leaves_the_fault_bits_zero),
	    cmocka_unit_test(test_ldst_iss_decodes_back_through_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
