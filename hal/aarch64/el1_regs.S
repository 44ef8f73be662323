/*
 * el1_regs: a vCPU's EL1 system registers in enum el1_reg order
 * (hal/include/hal/vcpu.h; vcpu.c checks the indices this file uses):
 * save and restore of all of them, straight-line, when another vCPU is
 * switched in; one of them by number, through a table of two-instruction
 * stubs and a computed branch (the register is part of the MRS/MSR
 * encoding), where a switch costs some forty instructions.
 */
	.text

.macro	el1_stubs op
	.irp reg, sctlr_el1, ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, \
		amair_el1, vbar_el1, contextidr_el1, tpidr_el1, tpidr_el0, \
		tpidrro_el0, cpacr_el1, esr_el1, far_el1, par_el1, afsr0_el1, \
		afsr1_el1, cntkctl_el1, csselr_el1, sp_el0, sp_el1, elr_el1, \
		spsr_el1, cntv_ctl_el0, cntv_cval_el0
	\op
	ret
	.endr
.endm

#define EL1_REG_COUNT 25

/* uint64_t hal_el1_read(unsigned r): 0 for r out of range */
	.global hal_el1_read
	.type hal_el1_read, %function
hal_el1_read:
	cmp	w0, #EL1_REG_COUNT
	b.hs	2f
	adr	x1, 1f
	add	x1, x1, w0, uxtw #3
	br	x1
1:	el1_stubs "mrs x0, \reg"
2:	mov	x0, #0
	ret
	.size hal_el1_read, . - hal_el1_read

/* void hal_el1_write(unsigned r, uint64_t val): nothing for r out of range */
	.global hal_el1_write
	.type hal_el1_write, %function
hal_el1_write:
	cmp	w0, #EL1_REG_COUNT
	b.hs	2f
	adr	x2, 1f
	add	x2, x2, w0, uxtw #3
	br	x2
1:	el1_stubs "msr \reg, x1"
2:	ret
	.size hal_el1_write, . - hal_el1_write

.macro	pair_save r0, r1, off
	mrs	x1, \r0
	mrs	x2, \r1
	stp	x1, x2, [x0, #\off]
.endm

.macro	pair_restore r0, r1, off
	ldp	x1, x2, [x0, #\off]
	msr	\r0, x1
	msr	\r1, x2
.endm

/* void hal_el1_save(uint64_t el1[EL1_REG_COUNT]) */
	.global hal_el1_save
hal_el1_save:
	pair_save	sctlr_el1, ttbr0_el1, 0
	pair_save	ttbr1_el1, tcr_el1, 16
	pair_save	mair_el1, amair_el1, 32
	pair_save	vbar_el1, contextidr_el1, 48
	pair_save	tpidr_el1, tpidr_el0, 64
	pair_save	tpidrro_el0, cpacr_el1, 80
	pair_save	esr_el1, far_el1, 96
	pair_save	par_el1, afsr0_el1, 112
	pair_save	afsr1_el1, cntkctl_el1, 128
	pair_save	csselr_el1, sp_el0, 144
	pair_save	sp_el1, elr_el1, 160
	pair_save	spsr_el1, cntv_ctl_el0, 176
	mrs	x1, cntv_cval_el0
	str	x1, [x0, #192]
	ret

/* void hal_el1_restore(const uint64_t el1[EL1_REG_COUNT]) */
	.global hal_el1_restore
hal_el1_restore:
	pair_restore	sctlr_el1, ttbr0_el1, 0
	pair_restore	ttbr1_el1, tcr_el1, 16
	pair_restore	mair_el1, amair_el1, 32
	pair_restore	vbar_el1, contextidr_el1, 48
	pair_restore	tpidr_el1, tpidr_el0, 64
	pair_restore	tpidrro_el0, cpacr_el1, 80
	pair_restore	esr_el1, far_el1, 96
	pair_restore	par_el1, afsr0_el1, 112
	pair_restore	afsr1_el1, cntkctl_el1, 128
	pair_restore	csselr_el1, sp_el0, 144
	pair_restore	sp_el1, elr_el1, 160
	pair_restore	spsr_el1, cntv_ctl_el0, 176
	ldr	x1, [x0, #192]
	msr	cntv_cval_el0, x1
	ret

	.section .note.GNU-stack, "", %progbits
