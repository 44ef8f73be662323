/*
 * sysreg: trapped MSR/MRS/SYS instructions (ESR_EL2.EC 0x18).
 *
 * What the hypervisor traps and answers:
 *  - the ID register group 3 space (HCR_EL2.TID3): reads return the
 *    hardware's values with features the VM must not use hidden (PMU, SPE,
 *    trace, SVE, SME, MTE, AMU, MPAM, RAS, EL2, EL3, the OS Double Lock);
 *    unallocated encodings read as zero; writes are UNDEF;
 *  - ACTLR_EL1 (HCR_EL2.TACR): RAZ/WI, the physical one stays the
 *    hypervisor's;
 *  - DC ISW/CSW/CISW (HCR_EL2.TSW): done as clean+invalidate by set/way;
 *  - the debug registers (op0 = 2; MDCR_EL2.TDA, TDOSA, TDRA): emulated by
 *    hv/vdebug.c on the vCPU's own copy;
 *  - the RAS error record registers (HCR_EL2.TERR, on CPUs with RAS): RAS
 *    is hidden, so an UNDEF and no log line, as a CPU without RAS answers;
 * everything else that traps (e.g. the PMU with MDCR_EL2.TPM, IMPLEMENTATION
 * DEFINED registers with HCR_EL2.TIDCP) gets an UNDEF injected and a log
 * line naming the register.
 */
#ifndef HV_SYSREG_H
#define HV_SYSREG_H

#include <stdint.h>

struct vcpu;

/* Handles the trap esr (EC 0x18) reports; completes the instruction
 * (exit_skip_insn) unless an UNDEF is injected. */
void sysreg_handle(struct vcpu *v, uint64_t esr);

/* What the VM reads for ID register op0=3, op1=0, CRn=0, CRm=crm, op2. */
uint64_t sysreg_id_value(unsigned crm, unsigned op2);

#endif
