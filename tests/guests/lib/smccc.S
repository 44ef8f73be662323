/*
 * smccc: SMC Calling Convention calls through HVC #0 and SMC #0.
 *
 * struct smccc_res is 32 bytes, so the AAPCS64 returns it through memory at
 * x8. x8 is saved across the call rather than trusting the callee to
 * preserve it: these calls are how the tests find out whether it does.
 */

.macro smccc_call name, insn
	.section .text.\name, "ax", %progbits
	.global	\name
	.type	\name, %function
\name:
	mov	w0, w0			/* the function id is 32 bits */
	str	x8, [sp, #-16]!
	\insn	#0
	ldr	x8, [sp], #16
	stp	x0, x1, [x8]
	stp	x2, x3, [x8, #16]
	ret
	.size	\name, . - \name
.endm

	smccc_call hvc_call, hvc
	smccc_call smc_call, smc

	.section .note.GNU-stack, "", %progbits
