/*
 * start: the entry point (ENTRY in hal.ld; the vector table is before it
 * in the image). QEMU enters at EL2 on CPU 0 with the MMU off; other CPUs
 * stay off until started with PSCI. Sets a stack, zeroes .bss and calls
 * hal_boot(), which refuses to run anywhere but EL2.
 */
#include "asm.h"

	.section .text.boot, "ax"
	.global _start
_start:
	/* Stack of CPU 0: top of its slot in pcpu_stacks. */
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	mov	x2, #PCPU_STACK_SIZE
	add	sp, x1, x2

	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
	/* 64 bytes an iteration (hal.ld aligns .bss to 64): the MMU is off,
	 * memory is Device, so no DC ZVA. Big buffers are in .noinit. */
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1]
	stp	xzr, xzr, [x1, #16]
	stp	xzr, xzr, [x1, #32]
	stp	xzr, xzr, [x1, #48]
	add	x1, x1, #64
	b	1b
2:
	mrs	x0, CurrentEL
	lsr	x0, x0, #2
	bl	hal_boot
3:	wfe
	b	3b

/*
 * Entry of the other CPUs, started by hal_cpu_start_others with PSCI
 * CPU_ON: at EL2 with the MMU off, x0 = the CPU's index (the context).
 */
	.global _start_secondary
_start_secondary:
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	mov	x2, #PCPU_STACK_SIZE
	madd	x1, x0, x2, x1
	add	sp, x1, x2
	bl	hal_secondary_boot
4:	wfe
	b	4b
