/*
 * arch: the architecture's data the core works with - ESR_EL2 fields,
 * exception classes, PSTATE bits, system-register encodings. Values come
 * from the Arm Architecture Reference Manual (ARM DDI 0487), sections
 * D17.2.37 (ESR_ELx), C5.2.19 (SPSR_EL2) and C5.3 (system instruction
 * encodings). No code here touches hardware.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* ESR_ELx */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3fu
#define ESR_IL	     (1u << 25)
#define ESR_ISS_MASK 0x1ffffffu

#define EC_UNKNOWN  0x00
#define EC_WFX	    0x01
#define EC_CP15_32  0x03 /* MCR/MRC p15 from AArch32 */
#define EC_CP15_64  0x04 /* MCRR/MRRC p15 from AArch32 */
#define EC_CP14_MR  0x05
#define EC_CP14_LS  0x06
#define EC_FP_ASIMD 0x07
#define EC_PAC	    0x09
#define EC_CP14_64  0x0c
#define EC_ILLEGAL  0x0e
#define EC_SVC32    0x11
#define EC_SVC64    0x15
#define EC_HVC64    0x16
#define EC_SMC64    0x17
#define EC_SYS64    0x18
#define EC_SVE	    0x19
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR   0x2f
#define EC_BKPT32   0x38
#define EC_WPT_LOW  0x34 /* watchpoint from a lower EL */
#define EC_WPT_CUR  0x35 /* watchpoint at the EL it is taken to */
#define EC_BRK64    0x3c
#define EC_COUNT    64

/* Data abort ISS */
#define ISS_DA_ISV	 (1u << 24)
#define ISS_DA_SAS_SHIFT 22
#define ISS_DA_SAS_MASK	 0x3u
#define ISS_DA_SSE	 (1u << 21)
#define ISS_DA_SRT_SHIFT 16
#define ISS_DA_SRT_MASK	 0x1fu
#define ISS_DA_SF	 (1u << 15)
#define ISS_DA_AR	 (1u << 14)
#define ISS_DA_FNV	 (1u << 10)
#define ISS_DA_EA	 (1u << 9)
#define ISS_DA_CM	 (1u << 8)
#define ISS_DA_S1PTW	 (1u << 7)
#define ISS_DA_WNR	 (1u << 6)
#define ISS_FSC_MASK	 0x3fu

/* Fault status codes */
#define FSC_TRANSLATION_L0 0x04
#define FSC_EXTERNAL_SYNC  0x10
#define FSC_DEBUG	   0x22 /* a debug exception (watchpoint) */

/* WFI/WFE ISS: CV, COND (AArch32 only; an A64 WFx reports CV = 1 and
 * COND = 0xe), TI */
#define ISS_WFX_CV	   (1u << 24)
#define ISS_WFX_COND_SHIFT 20
#define ISS_WFX_TI_MASK	   0x3u
#define ISS_WFX_TI_WFI	   0u
#define ISS_WFX_TI_WFE	   1u

/* HVC/SMC ISS */
#define ISS_IMM16_MASK 0xffffu

/* MSR/MRS/SYS ISS (EC 0x18) */
#define ISS_SYS_OP0_SHIFT 20
#define ISS_SYS_OP2_SHIFT 17
#define ISS_SYS_OP1_SHIFT 14
#define ISS_SYS_CRN_SHIFT 10
#define ISS_SYS_RT_SHIFT  5
#define ISS_SYS_CRM_SHIFT 1
#define ISS_SYS_READ	  1u
/* The ISS bits that name the register: everything but Rt and Direction. */
#define ISS_SYS_REG_MASK 0x3ffc1eu

/* Builds the ISS "name" of a system register from its encoding. */
#define SYSREG_ISS(op0, op1, crn, crm, op2)                                    \
	(((uint32_t)(op0) << ISS_SYS_OP0_SHIFT) |                              \
	 ((uint32_t)(op2) << ISS_SYS_OP2_SHIFT) |                              \
	 ((uint32_t)(op1) << ISS_SYS_OP1_SHIFT) |                              \
	 ((uint32_t)(crn) << ISS_SYS_CRN_SHIFT) |                              \
	 ((uint32_t)(crm) << ISS_SYS_CRM_SHIFT))

/* PSTATE / SPSR (AArch64 view) */
#define PSR_MODE_MASK 0x1fu
#define PSR_MODE_EL0T 0x00u
#define PSR_MODE_EL1T 0x04u
#define PSR_MODE_EL1H 0x05u
#define PSR_MODE_EL2T 0x08u
#define PSR_MODE_EL2H 0x09u
#define PSR_MODE_32   0x10u /* M[4]: the interrupted state was AArch32 */
#define PSR_AA32_USR  0x10u /* M[4:0] of AArch32 User mode: EL0 */
#define PSR_F	      (1u << 6)
#define PSR_I	      (1u << 7)
#define PSR_A	      (1u << 8)
#define PSR_D	      (1u << 9)
#define PSR_DAIF      (PSR_D | PSR_A | PSR_I | PSR_F)
#define PSR_SSBS      (1u << 12)
#define PSR_IL	      (1u << 20)
#define PSR_SS	      (1u << 21)
#define PSR_PAN	      (1u << 22)
#define PSR_UAO	      (1u << 23)
#define PSR_NZCV      (0xfu << 28)

/* MDSCR_EL1 (D19.3.24): the fields a guest can set. */
#define MDSCR_SS   (1ull << 0)
#define MDSCR_TDCC (1ull << 12)
#define MDSCR_KDE  (1ull << 13)
#define MDSCR_MDE  (1ull << 15)

/*
 * SPSR_ELx of an exception taken from AArch32 (C5.2.19): T, the Thumb
 * state, and IT[7:0], split into IT[1:0] at [26:25] and IT[7:2] at [15:10].
 */
#define PSR_AA32_T	     (1u << 5)
#define PSR_AA32_IT_LO_SHIFT 25
#define PSR_AA32_IT_LO_MASK  (0x3u << PSR_AA32_IT_LO_SHIFT)
#define PSR_AA32_IT_HI_SHIFT 10
#define PSR_AA32_IT_HI_MASK  (0x3fu << PSR_AA32_IT_HI_SHIFT)

/* SCTLR_EL1 bits the injection logic (and hvsim) reads. */
#define SCTLR_EL1_M	(1ull << 0)
#define SCTLR_EL1_NTWI	(1ull << 16) /* 0: EL0 WFI traps to EL1 */
#define SCTLR_EL1_NTWE	(1ull << 18) /* 0: EL0 WFE traps to EL1 */
#define SCTLR_EL1_SPAN	(1ull << 23)
#define SCTLR_EL1_E0E	(1ull << 24)
#define SCTLR_EL1_DSSBS (1ull << 44)

/* Exception vector offsets from VBAR_EL1 (D1.10.2). */
#define VEC_CUR_SP0   0x000u
#define VEC_CUR_SPX   0x200u
#define VEC_LOWER_A64 0x400u
#define VEC_LOWER_A32 0x600u
#define VEC_SYNC      0x000u
#define VEC_IRQ	      0x080u
#define VEC_FIQ	      0x100u
#define VEC_SERROR    0x180u

/* MPIDR_EL1 */
#define MPIDR_RES1 (1ull << 31)

static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline uint32_t esr_iss(uint64_t esr)
{
	return (uint32_t)esr & ESR_ISS_MASK;
}

/* The interrupted state was AArch32 (SPSR M[4], "nRW"). */
static inline bool psr_is_aarch32(uint64_t pstate)
{
	return (pstate & PSR_MODE_32) != 0;
}

static inline uint64_t esr_make(unsigned ec, int il, uint32_t iss)
{
	return ((uint64_t)ec << ESR_EC_SHIFT) | (il ? ESR_IL : 0) |
	       (iss & ESR_ISS_MASK);
}

#endif
