/*
 * start: the entry points of every test guest.
 *
 * The hypervisor enters the boot vCPU at the first byte of the image with the
 * device tree address in x0; PSCI CPU_ON enters the others at
 * _secondary_start with the context id in x0. Both give the CPU a stack of its
 * own (indexed by MPIDR_EL1.Aff0) and the guest's vector table before any C
 * runs, so even a fault in early C code is reported on the console.
 */

#define STACK_SIZE 0x4000 /* GUEST_STACK_SIZE */
#define MAX_CPUS   4      /* GUEST_MAX_CPUS */

/* x20 = CPU index: switch to its stack and install the vector table. */
.macro cpu_setup
	msr	daifset, #0xf
	msr	spsel, #1
	adrp	x1, guest_stacks
	add	x1, x1, :lo12:guest_stacks
	add	x2, x20, #1
	lsl	x2, x2, #14		/* log2(STACK_SIZE) */
	add	sp, x1, x2
	adrp	x1, guest_vectors
	add	x1, x1, :lo12:guest_vectors
	msr	vbar_el1, x1
	isb
	mov	x29, xzr
.endm

/* x20 = MPIDR_EL1.Aff0; CPUs past the stack array stop the VM. */
.macro cpu_index_or_give_up
	mrs	x20, mpidr_el1
	and	x20, x20, #0xff
	cmp	x20, #MAX_CPUS
	b.hs	cpu_unsupported
.endm

	.section .text.boot, "ax", %progbits
	.global	_start
	.type	_start, %function
_start:
	/* First of all: when the guest got here (guest_entry_count). */
	mrs	x21, cntpct_el0
	mov	x19, x0
	cpu_index_or_give_up

	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	adrp	x1, guest_entry_count
	str	x21, [x1, :lo12:guest_entry_count]
	cpu_setup
	mov	x0, x19
	bl	main
	bl	guest_exit
	.size	_start, . - _start

	.global	_secondary_start
	.type	_secondary_start, %function
_secondary_start:
	mov	x19, x0
	cpu_index_or_give_up
	cpu_setup
	mov	x0, x19
	bl	secondary_main
	bl	cpu_off
	.size	_secondary_start, . - _secondary_start

/* No stack to run C on: report status 1 with HV_CALL_EXIT directly. */
cpu_unsupported:
	mov	w0, #0x0003
	movk	w0, #0x8600, lsl #16
	mov	x1, #1
	hvc	#0
3:	wfi
	b	3b

	.section .bss.guest_entry_count, "aw", %nobits
	.balign	8
	.global	guest_entry_count
guest_entry_count:
	.space	8

	.section .bss.guest_stacks, "aw", %nobits
	.balign	16
guest_stacks:
	.space	STACK_SIZE * MAX_CPUS

	.section .note.GNU-stack, "", %progbits
