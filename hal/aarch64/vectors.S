/*
 * vectors: the EL2 vector table and the world switch.
 *
 * Exceptions from a guest (lower EL, AArch64 or AArch32) save only x0-x30,
 * ELR_EL2 and SPSR_EL2 into the running vCPU's struct vcpu_regs, record
 * ESR/FAR/HPFAR in its struct vcpu_exit, and return from __guest_enter into
 * C. EL1 system registers stay live in the hardware (switched only when
 * another vCPU is loaded). Exceptions taken from EL2 itself save a full frame
 * and call hal_el2_fault(), which dumps and stops unless it expected the
 * exception.
 */
#include "asm.h"

#define KIND_SYNC   0
#define KIND_IRQ    1
#define KIND_FIQ    2
#define KIND_SERROR 3

	.text

/*
 * void __guest_enter(struct hal_vcpu *v, hal_exit_fn on_exit)
 *
 * Saves the caller's callee-saved registers once, then runs the vCPU. Each
 * exit calls on_exit(v, &pcpu->exit) on the stack below that frame, then
 * resumes the guest straight away unless on_exit set v->yield.
 */
	.global __guest_enter
	.type __guest_enter, %function
__guest_enter:
	sub	sp, sp, #96
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	mrs	x2, tpidr_el2
	stp	x0, x1, [x2, #PCPU_VCPU]
	strb	wzr, [x0, #HAL_VCPU_YIELD]
	b	guest_resume
	.size __guest_enter, . - __guest_enter

/* x0 = struct hal_vcpu * (registers first): load them and enter. */
guest_resume:
	ldp	x3, x4, [x0, #REGS_PC]
	msr	elr_el2, x3
	msr	spsr_el2, x4
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #REGS_X30]
	ldp	x0, x1, [x0, #0]
	eret

/*
 * Entered with the guest's x0-x30 live, SP at the __guest_enter frame.
 * Saves them, records the syndrome, calls on_exit with x19 = the vCPU
 * (callee-saved, so it survives the call) and resumes or returns.
 */
.macro guest_exit kind
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_VCPU]
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #REGS_X30]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #REGS_PC]
	mrs	x4, tpidr_el2
	mov	x19, x0
	add	x1, x4, #PCPU_EXIT
	mov	w2, #\kind
	mrs	x3, esr_el2
	mrs	x5, far_el2
	mrs	x6, hpfar_el2
	str	w2, [x1, #EXIT_KIND]
	str	x3, [x1, #EXIT_ESR]
	stp	x5, x6, [x1, #EXIT_FAR]
	ldr	x3, [x4, #PCPU_ON_EXIT]
	blr	x3
	ldrb	w1, [x19, #HAL_VCPU_YIELD]
	mov	x0, x19
	cbz	w1, guest_resume
	b	guest_return
.endm

guest_return:
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #96
	ret

/* An exception taken from EL2 itself: full frame, then C. */
.macro el2_fault kind
	sub	sp, sp, #EL2_FRAME_SIZE
	stp	x0, x1, [sp, #0]
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
	mrs	x0, elr_el2
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el2
	mrs	x1, esr_el2
	stp	x0, x1, [sp, #256]
	mrs	x0, far_el2
	str	x0, [sp, #272]
	mov	x0, sp
	mov	x1, #\kind
	bl	hal_el2_fault
	ldp	x0, x1, [sp, #256]
	msr	spsr_el2, x0
	ldp	x30, x0, [sp, #240]
	msr	elr_el2, x0
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
	add	sp, sp, #EL2_FRAME_SIZE
	eret
.endm

.macro ventry label
	.balign 0x80
	b	\label
.endm

	.balign 0x800
	.global el2_vectors
el2_vectors:
	ventry	el2_sync	/* current EL with SP_EL0 */
	ventry	el2_irq
	ventry	el2_fiq
	ventry	el2_serror
	ventry	el2_sync	/* current EL with SP_ELx */
	ventry	el2_irq
	ventry	el2_fiq
	ventry	el2_serror
	ventry	guest_sync	/* lower EL, AArch64 */
	ventry	guest_irq
	ventry	guest_fiq
	ventry	guest_serror
	ventry	guest_sync	/* lower EL, AArch32 */
	ventry	guest_irq
	ventry	guest_fiq
	ventry	guest_serror

guest_sync:
	guest_exit KIND_SYNC
guest_irq:
	guest_exit KIND_IRQ
guest_fiq:
	guest_exit KIND_FIQ
guest_serror:
	guest_exit KIND_SERROR

el2_sync:
	el2_fault KIND_SYNC
el2_irq:
	el2_fault KIND_IRQ
el2_fiq:
	el2_fault KIND_FIQ
el2_serror:
	el2_fault KIND_SERROR
