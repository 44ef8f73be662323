/*
 * mmu.S: single-instruction probes and the vectors that catch their
 * faults.
 *
 * mmu_try(probe, a, b, align) calls probe with x0 = a, x1 = b, with
 * SCTLR_EL1.A set around the call when align is not 0. Meanwhile VBAR_EL1
 * is mmu_vectors: every entry records the vector, ESR_EL1, FAR_EL1 and
 * ELR_EL1 in mmu_seen and resumes where mmu_try returns 1; a probe that
 * returns makes it return 0. The vectors are the guest's own so that a
 * fault taken with SCTLR_EL1.A set, or from EL0, runs no C.
 */

/* struct mmu_seen */
#define SEEN_VECTOR 0
#define SEEN_ESR    8
#define SEEN_FAR    16
#define SEEN_ELR    24
#define SEEN_TAKEN  32
#define SEEN_RESUME 40

#define SCTLR_A 2

.macro record offset
	.balign	0x80
	mov	x9, #\offset
	b	mmu_record
.endm

	.section .text.mmu_vectors, "ax", %progbits
	.balign	2048
mmu_vectors:
	record 0x000
	record 0x080
	record 0x100
	record 0x180
	record 0x200
	record 0x280
	record 0x300
	record 0x380
	record 0x400
	record 0x480
	record 0x500
	record 0x580
	record 0x600
	record 0x680
	record 0x700
	record 0x780

mmu_record:
	adrp	x10, mmu_seen
	add	x10, x10, :lo12:mmu_seen
	str	x9, [x10, #SEEN_VECTOR]
	mrs	x11, esr_el1
	str	x11, [x10, #SEEN_ESR]
	mrs	x11, far_el1
	str	x11, [x10, #SEEN_FAR]
	mrs	x11, elr_el1
	str	x11, [x10, #SEEN_ELR]
	mov	x11, #1
	str	x11, [x10, #SEEN_TAKEN]
	ldr	x11, [x10, #SEEN_RESUME]
	br	x11

	.section .text.mmu_try, "ax", %progbits
	.global	mmu_try
	.type	mmu_try, %function
mmu_try:
	stp	x29, x30, [sp, #-32]!
	stp	x19, x20, [sp, #16]
	mov	x19, x0
	mrs	x20, vbar_el1
	adr	x9, mmu_vectors
	msr	vbar_el1, x9
	adrp	x10, mmu_seen
	add	x10, x10, :lo12:mmu_seen
	adr	x11, 2f
	str	x11, [x10, #SEEN_RESUME]
	str	xzr, [x10, #SEEN_TAKEN]
	isb
	mov	x0, x1
	mov	x1, x2
	cbz	x3, 1f
	mrs	x9, sctlr_el1
	orr	x9, x9, #SCTLR_A
	msr	sctlr_el1, x9
	isb
1:	blr	x19
2:	mrs	x9, sctlr_el1
	bic	x9, x9, #SCTLR_A
	msr	sctlr_el1, x9
	msr	vbar_el1, x20
	isb
	adrp	x10, mmu_seen
	add	x10, x10, :lo12:mmu_seen
	ldr	x0, [x10, #SEEN_TAKEN]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	.size	mmu_try, . - mmu_try

/* The probes: the first instruction of each is the one that faults. */
.macro probe name, insn:vararg
	.global	\name
	.type	\name, %function
\name:
	\insn
	ret
	.size	\name, . - \name
.endm

	.section .text.mmu_probes, "ax", %progbits
	probe	probe_ldr_x, ldr x0, [x0]
	probe	probe_ldr_w, ldr w0, [x0]
	probe	probe_str_x, str x1, [x0]
	probe	probe_str_w, str w1, [x0]
	probe	probe_ldp_x, ldp x2, x3, [x0]
	probe	probe_ldxr_x, ldxr x2, [x0]
	probe	probe_br, br x0

/*
 * probe_el0(addr): runs probe_ldr_x at EL0 with x0 = addr (its stack is
 * not used), masked; an EL0 that gets through makes SVC #0x55.
 */
	.global	probe_el0
	.type	probe_el0, %function
probe_el0:
	adr	x9, el0_code
	msr	elr_el1, x9
	mov	x9, #0x3c0		/* EL0t, D, A, I, F */
	msr	spsr_el1, x9
	eret
	.global	el0_code
el0_code:
	ldr	x0, [x0]
	svc	#0x55
	.size	probe_el0, . - probe_el0

	.section .note.GNU-stack, "", %progbits
