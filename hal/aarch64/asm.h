/*
 * asm: offsets of the C structures the assembly touches. Checked against the
 * C layout with static assertions in el2.c.
 */
#ifndef HAL_AARCH64_ASM_H
#define HAL_AARCH64_ASM_H

/* struct hal_vcpu: the registers first, then the exit. */
#define REGS_X0	    0
#define REGS_X18    144
#define REGS_X19    152
#define REGS_X30    240
#define REGS_PC	    248
#define REGS_PSTATE 256

#define VCPU_EXIT	   264		   /* struct vcpu_exit */
#define VCPU_EXIT_INTID	   (VCPU_EXIT + 0) /* intid, then kind */
#define VCPU_EXIT_KIND	   (VCPU_EXIT + 4)
#define VCPU_EXIT_ESR	   (VCPU_EXIT + 8)
#define VCPU_EXIT_FAR	   (VCPU_EXIT + 16)
#define VCPU_EXIT_HPFAR	   (VCPU_EXIT + 24)
#define VCPU_EXIT_ALL_REGS (VCPU_EXIT + 32)
#define VCPU_HOST_SP	   (VCPU_EXIT + 40)
#define VCPU_EXITS	   (VCPU_EXIT + 48) /* struct hal_exit_table * */
#define VCPU_EXIT_X18_X30  (VCPU_EXIT + 56)

/* struct hal_exit_table */
#define EXITS_IRQ    (64 * 8)
#define EXITS_FIQ    (65 * 8)
#define EXITS_SERROR (66 * 8)
#define EXITS_VTIMER (67 * 8)

/* struct hal_vcpu: yield, need_regs (one halfword). */
#define VCPU_GICC      (VCPU_EXIT_X18_X30 + 16) /* GICC, 0 on a GICv3 */
#define VCPU_YIELD     (VCPU_GICC + 8)
#define VCPU_NEED_REGS (VCPU_YIELD + 1)

#define PCPU_VCPU 0 /* struct hal_vcpu * running here (regs first) */

#define EL2_FRAME_SIZE 288 /* x0-x30, ELR, SPSR, ESR, FAR, pad */

#define PCPU_STACK_SIZE 16384

#endif
