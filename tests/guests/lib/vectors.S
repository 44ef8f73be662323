/*
 * vectors: the guest's EL1 exception vector table.
 *
 * Every one of the 16 entries saves x0-x30, ELR_EL1 and SPSR_EL1 in a
 * struct exc_frame on the current stack and calls exc_handle() with the
 * entry's offset, so the tests can check which vector an injected exception
 * arrived through. exc_handle() may change the saved ELR to resume elsewhere.
 */

#define FRAME_SIZE (34 * 8) /* sizeof(struct exc_frame) */
#define FRAME_ELR  (31 * 8)
#define FRAME_SPSR (32 * 8)

.macro vector_entry offset
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\offset
	b	exc_common
.endm

	.section .text.vectors, "ax", %progbits
	.balign	2048
	.global	guest_vectors
guest_vectors:
	vector_entry 0x000	/* current EL, SP_EL0: sync */
	vector_entry 0x080	/* IRQ */
	vector_entry 0x100	/* FIQ */
	vector_entry 0x180	/* SError */
	vector_entry 0x200	/* current EL, SP_ELx: sync */
	vector_entry 0x280
	vector_entry 0x300
	vector_entry 0x380
	vector_entry 0x400	/* lower EL, AArch64: sync */
	vector_entry 0x480
	vector_entry 0x500
	vector_entry 0x580
	vector_entry 0x600	/* lower EL, AArch32: sync */
	vector_entry 0x680
	vector_entry 0x700
	vector_entry 0x780

	.balign	0x80
exc_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x30, x1, [sp, #240]
	str	x2, [sp, #FRAME_SPSR]

	mov	x1, sp
	bl	exc_handle

	ldr	x1, [sp, #FRAME_ELR]
	ldr	x2, [sp, #FRAME_SPSR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #FRAME_SIZE
	eret

	.section .note.GNU-stack, "", %progbits
