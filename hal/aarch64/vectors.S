/*
 * vectors: the EL2 vector table and the world switch.
 *
 * While a guest runs, SP_EL2 points at its struct hal_vcpu (registers
 * first), so an exit stores straight into it. An exit saves x0-x17, PC and
 * PSTATE in v->regs and x18 and x30 aside (v->exit_x18_x30), records the
 * syndrome in v->exit and calls the core's handler for it - from its table
 * (v->exits), by vector and for synchronous exits by ESR_EL2.EC - on the
 * EL2 stack (v->host_sp), with x18 = v: the hypervisor is built with
 * -ffixed-x18, so x18 survives the call, and x19-x29, which every C
 * function preserves for its caller, are still the guest's when it
 * returns. Most exits never need x18-x30 (struct vcpu_exit); one that does
 * is declined (v->need_regs), and only then are they put in v->regs and
 * the handler called again. EL1 system registers stay live in the hardware
 * (switched only when another vCPU is loaded). Exceptions taken from EL2
 * itself save a full frame and call hal_el2_fault(), which dumps and stops
 * unless it expected the exception.
 *
 * All of it is in the vector table: the world switch and the EL2 fault
 * path fill the slots whose vectors need less than their 0x80 bytes, which
 * would otherwise be padding (.text is budgeted, tests/bench/budget).
 */
#include "asm.h"

#define KIND_SYNC   0
#define KIND_IRQ    1
#define KIND_FIQ    2
#define KIND_SERROR 3

#define PPI_VTIMER  27
#define GICC_IAR    0x000c
#define GICC_EOIR   0x0010
#define ICC_IAR1_EL1  S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1


/* The guest's registers a C call clobbers, PC and PSTATE; SP = v. */
.macro save_scratch
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #VCPU_EXIT_X18_X30]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #REGS_PC]
.endm

/* x16 = the handler, x2 = the EL2 stack: call it as handler(v) there
 * with x18 = v; then after_call. */
.macro call_handler
	mov	x18, sp
	mov	x0, sp
	mov	sp, x2
	blr	x16
	b	after_call
.endm

/*
 * A synchronous exit: the handler sync[EC]. FAR and HPFAR mean something
 * for ECs 0x20 and up only: the others leave the last ones in v->exit.
 */
.macro guest_sync
	save_scratch
	mrs	x1, esr_el2
	stp	xzr, x1, [sp, #VCPU_EXIT_INTID]	/* intid 0, SYNC, ESR */
	/* FAR and HPFAR: for ECs 0x20-0x3f (aborts, alignment, debug). */
	tbz	x1, #31, 1f
	mrs	x2, far_el2
	mrs	x3, hpfar_el2
	stp	x2, x3, [sp, #VCPU_EXIT_FAR]
1:	ubfx	x1, x1, #26, #6
	ldp	x2, x16, [sp, #VCPU_HOST_SP]
	ldr	x16, [x16, x1, lsl #3]
	call_handler
.endm

/* An FIQ or SError exit: its handler; ESR only for an SError. */
.macro guest_async kind, handler
	save_scratch
	mov	x1, #(\kind << 32)	/* intid 0, kind */
.if \kind == KIND_SERROR
	mrs	x2, esr_el2
	stp	x1, x2, [sp, #VCPU_EXIT_INTID]
.else
	str	x1, [sp, #VCPU_EXIT_INTID]
.endif
	ldp	x2, x16, [sp, #VCPU_HOST_SP]
	ldr	x16, [x16, #\handler]
	call_handler
.endm

/*
 * An IRQ exit: the interrupt is acknowledged and its priority dropped
 * here, from the GIC's CPU interface - the ICC_* registers on v3, GICC on
 * v2, whose address (v->gicc, 0 on v3) tells them apart - and given to the
 * handler in v->exit.intid (on v2 the whole GICC_IAR, sender included:
 * hal_irq_exit sorts it out). The virtual timer's PPI, the one a running
 * guest takes most, goes to the core's vtimer handler directly; anything
 * else through hal_irq_exit to its irq handler (irq_exit).
 */
.macro guest_irq
	save_scratch
	ldr	x2, [sp, #VCPU_GICC]
	cbz	x2, 1f
	ldr	w1, [x2, #GICC_IAR]
	str	w1, [x2, #GICC_EOIR]
	b	2f
1:	mrs	x1, ICC_IAR1_EL1
	msr	ICC_EOIR1_EL1, x1
2:	orr	x2, x1, #(KIND_IRQ << 32)
	str	x2, [sp, #VCPU_EXIT_INTID]	/* intid, IRQ */
	ldp	x2, x16, [sp, #VCPU_HOST_SP]
	cmp	w1, #PPI_VTIMER
	b.ne	irq_exit
	ldr	x16, [x16, #EXITS_VTIMER]
	call_handler
.endm

/*
 * An exception taken from EL2 itself: a full frame, then C. The vector
 * saves x0 and x1 and gives the kind in x1; the rest is shared.
 */
.macro el2_fault kind
	sub	sp, sp, #EL2_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	el2_fault_common
.endm

/* A vector slot: its vector's code, then whatever else fits; the
 * assembler refuses a slot over its 0x80 bytes. */
.macro slot
	.balign 0x80
9990:
.endm
.macro end_slot
	.org	9990b + 0x80
.endm

/* Only the table: hal.ld puts this section at the image base, which is
 * 2 KiB aligned; in .text, the alignment would pad the code before it. */
	.section .text.vectors, "ax"
	.balign 0x800
	.global el2_vectors
el2_vectors:

/* Current EL with SP_EL0 (never used at EL2): as with SP_ELx. */
	slot
	b	el2_sync

/* x18 = the vCPU: every register from v->regs, then into the guest. */
resume_all:
	mov	sp, x18
	ldp	x19, x20, [sp, #REGS_X19]
	ldp	x21, x22, [sp, #REGS_X19 + 16]
	ldp	x23, x24, [sp, #REGS_X19 + 32]
	ldp	x25, x26, [sp, #REGS_X19 + 48]
	ldp	x27, x28, [sp, #REGS_X19 + 64]
	ldp	x29, x3, [sp, #REGS_X19 + 80]	/* x29, x30 */
	ldr	x2, [sp, #REGS_X18]
	stp	x2, x3, [sp, #VCPU_EXIT_X18_X30]
/* A handler returned (x18 = the vCPU): resume, or go on in exit_slow. */
after_call:
	ldrh	w0, [x18, #VCPU_YIELD]
	cbnz	w0, exit_slow
	mov	sp, x18
/* SP = the vCPU, x19-x29 already the guest's: the rest, then eret. */
resume_partial:
	ldp	x2, x3, [sp, #REGS_PC]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #VCPU_EXIT_X18_X30]
	eret
	end_slot

	slot
	b	el2_irq

/*
 * The handler declined (need_regs) or yields: x18-x30 go to v->regs
 * (x19-x29 are still the guest's). Declined, it runs again with all_regs;
 * it then has changed any of them it wanted in v->regs, so they all come
 * back from there. Only synchronous exits decline.
 */
exit_slow:
	ldp	x2, x3, [x18, #VCPU_EXIT_X18_X30]
	stp	x19, x20, [x18, #REGS_X19]
	stp	x21, x22, [x18, #REGS_X19 + 16]
	stp	x23, x24, [x18, #REGS_X19 + 32]
	stp	x25, x26, [x18, #REGS_X19 + 48]
	stp	x27, x28, [x18, #REGS_X19 + 64]
	stp	x29, x3, [x18, #REGS_X19 + 80]	/* x29, x30 */
	str	x2, [x18, #REGS_X18]
	ldrb	w0, [x18, #VCPU_NEED_REGS]
	cbz	w0, guest_return
	strb	wzr, [x18, #VCPU_NEED_REGS]
	mov	w0, #1
	strb	w0, [x18, #VCPU_EXIT_ALL_REGS]
	ldr	x1, [x18, #VCPU_EXIT_ESR]
	ubfx	x1, x1, #26, #6
	ldr	x16, [x18, #VCPU_EXITS]
	ldr	x16, [x16, x1, lsl #3]
	mov	x0, x18
	blr	x16
	/* all_regs is false whenever the vector calls a handler. */
	strb	wzr, [x18, #VCPU_EXIT_ALL_REGS]
	ldrb	w0, [x18, #VCPU_YIELD]
	cbz	w0, resume_all

/* Back to __guest_enter's caller (SP = its frame). */
guest_return:
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #96
	ret
	end_slot

	slot
	b	el2_fiq

/*
 * void __guest_enter(struct hal_vcpu *v)
 *
 * Saves the caller's callee-saved registers once, in the frame below which
 * every exit's handler runs (v->host_sp), then runs the vCPU with all its
 * registers. Returns when a handler asks for it (v->yield), with every
 * register of the vCPU in v->regs.
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
	mov	x1, sp
	str	x1, [x0, #VCPU_HOST_SP]
	mrs	x2, tpidr_el2
	str	x0, [x2, #PCPU_VCPU]
	mov	x18, x0
	b	resume_all
	.size __guest_enter, . - __guest_enter

/* Any interrupt but the virtual timer's: through hal_irq_exit. */
irq_exit:
	adrp	x16, hal_irq_exit
	add	x16, x16, :lo12:hal_irq_exit
	call_handler
	end_slot

	slot
	b	el2_serror

/* The rest of an EL2 exception's frame; hal_el2_fault; back if it
 * returns (el2_fault_return). */
el2_fault_common:
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
	mrs	x2, esr_el2
	stp	x0, x2, [sp, #256]
	mrs	x0, far_el2
	str	x0, [sp, #272]
	mov	x0, sp
	bl	hal_el2_fault
	b	el2_fault_return
	end_slot

/* Current EL with SP_ELx: the hypervisor's own exceptions. */
	slot
el2_sync:
	el2_fault KIND_SYNC

el2_fault_return:
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
	end_slot

	slot
el2_irq:
	el2_fault KIND_IRQ
	end_slot

	slot
el2_fiq:
	el2_fault KIND_FIQ
	end_slot

	slot
el2_serror:
	el2_fault KIND_SERROR
	end_slot

/* Lower EL, AArch64, then AArch32: the exits. */
	slot
	guest_sync
	end_slot
	slot
	guest_irq
	end_slot
	slot
	guest_async KIND_FIQ, EXITS_FIQ
	end_slot
	slot
	guest_async KIND_SERROR, EXITS_SERROR
	end_slot
	slot
	guest_sync
	end_slot
	slot
	guest_irq
	end_slot
	slot
	guest_async KIND_FIQ, EXITS_FIQ
	end_slot
	slot
	guest_async KIND_SERROR, EXITS_SERROR
	end_slot
