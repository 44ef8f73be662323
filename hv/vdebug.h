/*
 * vdebug: the self-hosted debug registers of a vCPU, emulated (Arm ARM D2,
 * "AArch64 Self-hosted Debug", and the registers in D19.3).
 *
 * Every guest access to a debug register traps (MDCR_EL2.TDA, TDOSA, TDRA)
 * and is answered from the vCPU's own copy, struct vcpu_debug in
 * hal/vcpu.h. The backend makes the hardware follow that copy only as far
 * as it matters: MDSCR_EL1 whenever the vCPU runs, the breakpoint and
 * watchpoint values only while it can take their exceptions (MDE set). So
 * no vCPU sees or triggers another's breakpoints, and a world switch costs
 * nothing for vCPUs that do not debug (docs/design.md).
 *
 * What the guest gets:
 *  - DBGBVR/BCR/WVR/WCR<n>_EL1 for n below the BRPs and WRPs the guest
 *    reads in ID_AA64DFR0_EL1 (the hardware's): read/write, with the RES0
 *    bits of the control registers and DBGWVR[1:0] reading as zero;
 *  - MDSCR_EL1: SS, TDCC, KDE and MDE are the guest's; the other fields
 *    (Debug Communications Channel status, external debug) read as zero;
 *  - the OS Lock (OSLAR_EL1, OSLSR_EL1 = 0b10 OSLM, OSLK): set by a vCPU
 *    reset as by a cold reset; while it is set no breakpoint, watchpoint
 *    or software step exception is taken (the hardware runs the vCPU with
 *    MDE, KDE and SS clear), whatever MDSCR_EL1 reads;
 *  - OSDLR_EL1 RAZ/WI: ID_AA64DFR0_EL1.DoubleLock says not implemented;
 *  - DBGPRCR_EL1.CORENPDRQ kept, without effect; DBGCLAIMSET/CLR_EL1 with
 *    eight claim tags; DBGAUTHSTATUS_EL1 0x0f (non-secure invasive and
 *    non-invasive debug implemented and enabled, no Secure state);
 *  - no external debugger: MDRAR_EL1 (no ROM table), MDCCSR_EL0,
 *    DBGDTR_EL0, DBGDTRRX/TX_EL0, OSDTRRX/TX_EL1 and OSECCR_EL1 read as zero
 *    and ignore writes; MDCCINT_EL1 keeps its RX and TX enables.
 */
#ifndef HV_VDEBUG_H
#define HV_VDEBUG_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * A trapped MSR/MRS: name is the ISS with Rt and the direction masked
 * (ISS_SYS_REG_MASK). Returns false when name is not a debug register
 * the guest can access that way (the caller answers UNDEF); otherwise the
 * access is done, except for advancing the PC.
 */
bool vdebug_access(struct vcpu *v, uint32_t name, bool read, unsigned rt);

/* The debug state after a cold reset: OS Lock set, everything else 0. */
void vdebug_reset(struct vcpu *v);

/* Breakpoint and watchpoint pairs the guest has (ID_AA64DFR0_EL1). */
unsigned vdebug_brps(void);
unsigned vdebug_wrps(void);

#endif
