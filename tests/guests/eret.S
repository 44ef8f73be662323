/*
 * eret.S: exception returns the architecture calls illegal, and their
 * vectors.
 *
 * eret_try(spsr, to_el0) sets SPSR_EL1 to spsr and ELR_EL1 to a landing
 * instruction (one run at EL1, or one run at EL0 when to_el0), and ERETs.
 * An illegal return (Arm ARM D1.4.4) stays at EL1 with PSTATE.IL set, and
 * the landing instruction takes an Illegal Execution state exception; so
 * does a legal return whose SPSR.IL is set. While eret_try runs, VBAR_EL1
 * is eret_vectors: every entry records the vector, ESR_EL1, ELR_EL1 and
 * SPSR_EL1 in eret_seen and resumes where eret_try returns 1. A landing
 * that runs instead returns 0 (or, at EL0, makes an SVC, which is
 * recorded too).
 *
 * Only x9-x12 are used between the ERET and the return: the caller's
 * registers, stack and link register are untouched.
 */

/* struct eret_seen */
#define SEEN_VECTOR 0
#define SEEN_ESR    8
#define SEEN_ELR    16
#define SEEN_SPSR   24
#define SEEN_TAKEN  32
#define SEEN_RESUME 40

.macro record offset
	.balign	0x80
	mov	x9, #\offset
	b	eret_record
.endm

	.section .text.eret_vectors, "ax", %progbits
	.balign	2048
eret_vectors:
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

eret_record:
	adrp	x10, eret_seen
	add	x10, x10, :lo12:eret_seen
	str	x9, [x10, #SEEN_VECTOR]
	mrs	x11, esr_el1
	str	x11, [x10, #SEEN_ESR]
	mrs	x11, elr_el1
	str	x11, [x10, #SEEN_ELR]
	mrs	x11, spsr_el1
	str	x11, [x10, #SEEN_SPSR]
	mov	x11, #1
	str	x11, [x10, #SEEN_TAKEN]
	ldr	x11, [x10, #SEEN_RESUME]
	br	x11

	.section .text.eret_try, "ax", %progbits
	.global	eret_try
	.global	eret_landing_el1
	.global	eret_landing_el0
	.type	eret_try, %function
eret_try:
	mrs	x12, vbar_el1
	adr	x10, eret_vectors
	msr	vbar_el1, x10
	adrp	x10, eret_seen
	add	x10, x10, :lo12:eret_seen
	adr	x11, 2f
	str	x11, [x10, #SEEN_RESUME]
	str	xzr, [x10, #SEEN_TAKEN]
	adr	x11, eret_landing_el1
	cbz	x1, 1f
	adr	x11, eret_landing_el0
1:	msr	elr_el1, x11
	msr	spsr_el1, x0
	isb
	eret
eret_landing_el1:
	b	3f
eret_landing_el0:
	svc	#0x55
2:	mov	x0, #1
	b	4f
3:	mov	x0, #0
4:	msr	vbar_el1, x12
	isb
	ret
	.size	eret_try, . - eret_try

	.section .note.GNU-stack, "", %progbits
