/*
 * hypercall.S: does an HVC preserve the registers SMCCC 1.1 says it must?
 *
 * uint64_t hvc_clobbered_regs(uint32_t fid) fills x4-x17 and x19-x28 with
 * distinct patterns, makes the call with w0 = fid and x1-x3 = 0, and returns
 * a mask with bit n set for every xn that came back changed. This has to be
 * assembly: no C compiler would keep 24 live values in registers across an
 * asm statement for us.
 */

#define PATTERN 0x5a5aa5a5c3c30000

/* .irp over the registers an SMCCC 1.1 call must preserve, as checked here. */
#define PRESERVED_REGS                                                   \
	.irp n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,         \
		19, 20, 21, 22, 23, 24, 25, 26, 27, 28

	.section .text.hvc_clobbered_regs, "ax", %progbits
	.global	hvc_clobbered_regs
	.type	hvc_clobbered_regs, %function
hvc_clobbered_regs:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]

	PRESERVED_REGS
	ldr	x\n, =(PATTERN + \n)
	.endr
	mov	w0, w0
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	hvc	#0

	mov	x2, xzr
	PRESERVED_REGS
	ldr	x1, =(PATTERN + \n)
	cmp	x\n, x1
	cset	x3, ne
	orr	x2, x2, x3, lsl #\n
	.endr
	mov	x0, x2

	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret
	.ltorg
	.size	hvc_clobbered_regs, . - hvc_clobbered_regs

	.section .note.GNU-stack, "", %progbits
