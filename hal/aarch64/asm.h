/*
 * asm: offsets of the C structures the assembly touches. Checked against the
 * C layout with static assertions in el2.c.
 */
#ifndef HAL_AARCH64_ASM_H
#define HAL_AARCH64_ASM_H

#define REGS_X0	    0
#define REGS_X30    240
#define REGS_PC	    248
#define REGS_PSTATE 256

#define HAL_VCPU_YIELD 1020 /* struct hal_vcpu: yield */

#define EXIT_KIND  0
#define EXIT_ESR   8
#define EXIT_FAR   16
#define EXIT_HPFAR 24

#define PCPU_VCPU    0	/* struct hal_vcpu * running here (regs first) */
#define PCPU_ON_EXIT 8	/* hal_exit_fn to call on each exit */
#define PCPU_EXIT    16 /* struct vcpu_exit filled on each exit */

#define EL2_FRAME_SIZE 288 /* x0-x30, ELR, SPSR, ESR, FAR, pad */

#define PCPU_STACK_SIZE 16384

#endif
