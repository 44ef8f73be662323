/*
 * aarch32.S: the AArch32 EL0 side of the aarch32 guest.
 *
 * void a32_run(struct a32_ctx *ctx) enters AArch32 User mode (EL0) at
 * ctx->pc with CPSR = ctx->cpsr and R0-R14 = ctx->r[], by ERET from EL1
 * (SPSR_EL1.M[4] = 1). EL0 runs until it takes an exception to EL1: the
 * AArch32-EL0 entries of the vector table here (0x600-0x780) store R0-R14
 * (X0-X14, the Arm ARM's mapping of the AArch32 registers of User mode),
 * ESR_EL1, FAR_EL1, ELR_EL1, SPSR_EL1 and the vector offset in ctx, and
 * a32_run returns as from a call. The snippets below end with an SVC, or
 * with the exception they are there to provoke.
 *
 * The A32 and T32 code is written as raw words and halfwords (the guests are
 * built with an AArch64 toolchain), each with its mnemonic; a T32 32-bit
 * instruction is its two halfwords, first halfword first.
 */

/* struct a32_ctx, as in aarch32.c */
#define CTX_R	   0
#define CTX_PC	   64
#define CTX_CPSR   72
#define CTX_ESR	   80
#define CTX_FAR	   88
#define CTX_ELR	   96
#define CTX_SPSR   104
#define CTX_VECTOR 112

	.section .text.a32_run, "ax", %progbits
	.global	a32_run
	.type	a32_run, %function
a32_run:
	stp	x29, x30, [sp, #-96]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]

	adrp	x1, a32_state
	add	x1, x1, :lo12:a32_state
	mov	x2, sp
	stp	x0, x2, [x1]		/* ctx, the EL1 stack to come back to */
	mrs	x2, vbar_el1
	str	x2, [x1, #16]
	adrp	x2, a32_vectors
	add	x2, x2, :lo12:a32_vectors
	msr	vbar_el1, x2
	ldr	x2, [x0, #CTX_PC]
	msr	elr_el1, x2
	ldr	x2, [x0, #CTX_CPSR]
	msr	spsr_el1, x2
	isb

	mov	x15, x0
	ldp	w0, w1, [x15, #CTX_R + 0]
	ldp	w2, w3, [x15, #CTX_R + 8]
	ldp	w4, w5, [x15, #CTX_R + 16]
	ldp	w6, w7, [x15, #CTX_R + 24]
	ldp	w8, w9, [x15, #CTX_R + 32]
	ldp	w10, w11, [x15, #CTX_R + 40]
	ldp	w12, w13, [x15, #CTX_R + 48]
	ldr	w14, [x15, #CTX_R + 56]
	eret
	.size	a32_run, . - a32_run

/* The exception that ended the EL0 run, from vector offset x16. */
a32_exit:
	adrp	x15, a32_state
	add	x15, x15, :lo12:a32_state
	ldr	x15, [x15]
	stp	w0, w1, [x15, #CTX_R + 0]
	stp	w2, w3, [x15, #CTX_R + 8]
	stp	w4, w5, [x15, #CTX_R + 16]
	stp	w6, w7, [x15, #CTX_R + 24]
	stp	w8, w9, [x15, #CTX_R + 32]
	stp	w10, w11, [x15, #CTX_R + 40]
	stp	w12, w13, [x15, #CTX_R + 48]
	str	w14, [x15, #CTX_R + 56]
	mrs	x0, esr_el1
	str	x0, [x15, #CTX_ESR]
	mrs	x0, far_el1
	str	x0, [x15, #CTX_FAR]
	mrs	x0, elr_el1
	str	x0, [x15, #CTX_ELR]
	mrs	x0, spsr_el1
	str	x0, [x15, #CTX_SPSR]
	str	x16, [x15, #CTX_VECTOR]

	adrp	x1, a32_state
	add	x1, x1, :lo12:a32_state
	ldr	x2, [x1, #16]
	msr	vbar_el1, x2
	isb
	ldr	x2, [x1, #8]
	mov	sp, x2
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/*
 * While EL0 runs: the EL1 entries go on to the guest's own table (an
 * exception at EL1 here is a failure it reports), the AArch32-EL0 ones end
 * the run.
 */
.macro to_guest_vectors offset
	.balign	0x80
	b	guest_vectors + \offset
.endm

.macro from_aarch32 offset
	.balign	0x80
	mov	x16, #\offset
	b	a32_exit
.endm

	.section .text.a32_vectors, "ax", %progbits
	.balign	2048
a32_vectors:
	to_guest_vectors 0x000
	to_guest_vectors 0x080
	to_guest_vectors 0x100
	to_guest_vectors 0x180
	to_guest_vectors 0x200
	to_guest_vectors 0x280
	to_guest_vectors 0x300
	to_guest_vectors 0x380
	to_guest_vectors 0x400
	to_guest_vectors 0x480
	to_guest_vectors 0x500
	to_guest_vectors 0x580
	from_aarch32 0x600	/* synchronous */
	from_aarch32 0x680	/* IRQ */
	from_aarch32 0x700	/* FIQ */
	from_aarch32 0x780	/* SError */

/*
 * EL0 code. Register use (set by aarch32.c): r1 = the PL011, r6 = its
 * PeriphID0 (0x0900_0fe0), r7 = 0, a counter every instruction after a
 * trapped one increments, so a skipped instruction shows.
 */
	.section .text.a32_code, "ax", %progbits

/* A32: every load/store width against the PL011, 10 increments of r7. */
	.balign	4
	.global	a32_mmio
a32_mmio:
	.word	0xe5d60000	/* ldrb   r0, [r6]		PeriphID0 */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe1d620b4	/* ldrh   r2, [r6, #4]		PeriphID1 */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe5963008	/* ldr    r3, [r6, #8]		PeriphID2 */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe1d641d4	/* ldrsb  r4, [r6, #20]	PCellID1 */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe1c182b4	/* strh   r8, [r1, #36]	IBRD */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe1d152f4	/* ldrsh  r5, [r1, #36]	IBRD */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe5c19000	/* strb   r9, [r1]		DR */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe1c1a0b0	/* strh   r10, [r1]		DR */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe581b000	/* str    r11, [r1]		DR */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xe5c1c000	/* strb   r12, [r1]		DR */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.global	a32_mmio_svc
a32_mmio_svc:
	.word	0xef654321	/* svc    #0x654321 */

/* A32 WFI (32 bits: IL = 1), then one increment. */
	.balign	4
	.global	a32_wfi
a32_wfi:
	.word	0xe320f003	/* wfi */
	.word	0xe2877001	/* add    r7, r7, #1 */
	.word	0xef654321	/* svc    #0x654321 */

/* A32 load and store multiple: no syndrome (ISV = 0). */
	.balign	4
	.global	a32_ldm
a32_ldm:
	.word	0xe8910018	/* ldm    r1, {r3, r4} */
	.word	0xef654321	/* svc    #0x654321 */

	.balign	4
	.global	a32_stm
a32_stm:
	.word	0xe8810018	/* stm    r1, {r3, r4} */
	.word	0xef654321	/* svc    #0x654321 */

/*
 * T32: the same, in 16-bit encodings where there is one and in 32-bit
 * ones (.w) for the rest; 13 increments of r7.
 */
	.balign	4
	.global	t32_mmio
t32_mmio:
	.hword	0x7008		/* strb   r0, [r1]		DR */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0x800a		/* strh   r2, [r1]		DR */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0x600b		/* str    r3, [r1]		DR */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0xf881, 0xc000	/* strb.w r12, [r1]		DR */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0xf8a1, 0x8024	/* strh.w r8, [r1, #36]	IBRD */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0x7830		/* ldrb   r0, [r6]		PeriphID0 */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0x88b2		/* ldrh   r2, [r6, #4]		PeriphID1 */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0x68b3		/* ldr    r3, [r6, #8]		PeriphID2 */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0x5734		/* ldrsb  r4, [r6, r4]		PCellID1 */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0x5f4d		/* ldrsh  r5, [r1, r5]		IBRD */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0xf8d6, 0xa010	/* ldr.w  r10, [r6, #16]	PCellID0 */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0xf996, 0xb01c	/* ldrsb.w r11, [r6, #28]	PCellID3 */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0xf8b6, 0x9018	/* ldrh.w r9, [r6, #24]	PCellID2 */
	.hword	0x3701		/* adds   r7, #1 */
	.global	t32_mmio_svc
t32_mmio_svc:
	.hword	0xdf42		/* svc    #0x42 */

/*
 * A trapped load inside an IT block (entered with Z set): completing it
 * must advance ITSTATE, or the ADDNE would run as the block's second
 * instruction. r7 ends at 2.
 */
	.balign	4
	.global	t16_it
t16_it:
	.hword	0xbf06		/* itte   eq */
	.hword	0x69f0		/* ldreq  r0, [r6, #28]	PCellID3 */
	.hword	0x3701		/* addeq  r7, #1 */
	.hword	0x3710		/* addne  r7, #16 */
	.hword	0x3701		/* adds   r7, #1 */
	.global	t16_it_svc
t16_it_svc:
	.hword	0xdf42		/* svc    #0x42 */

/* T32 WFI (16 bits: IL = 0), then one increment. */
	.balign	4
	.global	t16_wfi
t16_wfi:
	.hword	0xbf30		/* wfi */
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0xdf42		/* svc    #0x42 */

/* An endless loop with IRQs unmasked: the virtual timer's interrupt is
 * taken from it at VBAR_EL1 + 0x680. */
	.balign	4
	.global	t16_spin
t16_spin:
	.hword	0x3701		/* adds   r7, #1 */
	.hword	0xe7fd		/* b.n    t16_spin */

/* T32 load multiple with writeback: no syndrome (ISV = 0). */
	.balign	4
	.global	t16_ldm
t16_ldm:
	.hword	0xc918		/* ldmia  r1!, {r3, r4} */
	.hword	0xdf42		/* svc    #0x42 */

/* A permanently undefined T32 instruction: UNDEF at EL1. */
	.balign	4
	.global	t16_udf
t16_udf:
	.hword	0xde00		/* udf    #0 */
	.hword	0xdf42		/* svc    #0x42 */

	.section .bss.a32_state, "aw", %nobits
	.balign	8
a32_state:
	.skip	24		/* ctx, EL1 sp, EL1 vbar */

	.section .note.GNU-stack, "", %progbits
