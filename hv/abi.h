/*
 * abi: the guest-visible calling interface of the hypervisor.
 *
 * Pure constants, shared by the hypervisor and the test guests. Calls follow
 * the Arm SMC Calling Convention (SMCCC 1.1): function id in w0, arguments in
 * x1-x3, results in x0-x3; registers not used for results are preserved.
 * Both HVC #0 and SMC #0 reach the hypervisor (SMC is trapped with
 * HCR_EL2.TSC). A non-zero immediate is not an SMCCC call and returns
 * SMCCC_RET_NOT_SUPPORTED.
 */
#ifndef HV_ABI_H
#define HV_ABI_H

/* SMCCC return values. */
#define SMCCC_RET_SUCCESS	0
#define SMCCC_RET_NOT_SUPPORTED (-1)

/* SMCCC function id fields. */
#define SMCCC_FAST_CALL	  (1u << 31)
#define SMCCC_SMC64	  (1u << 30)
#define SMCCC_OWNER_SHIFT 24
#define SMCCC_OWNER_MASK  0x3fu
#define SMCCC_OWNER_ARCH  0u
#define SMCCC_OWNER_STD	  4u /* standard secure service: PSCI */
#define SMCCC_OWNER_HYP	  5u /* standard hypervisor service */
#define SMCCC_OWNER_VHYP  6u /* vendor-specific hypervisor service */

/* Arm architecture calls. */
#define SMCCC_VERSION	    0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_VERSION_1_1   0x10001

/* PSCI 1.1 (function ids as in the PSCI specification, DEN0022). */
#define PSCI_0_2_VERSION       0x84000000u
#define PSCI_CPU_SUSPEND_32    0x84000001u
#define PSCI_CPU_SUSPEND_64    0xc4000001u
#define PSCI_CPU_OFF	       0x84000002u
#define PSCI_CPU_ON_32	       0x84000003u
#define PSCI_CPU_ON_64	       0xc4000003u
#define PSCI_AFFINITY_INFO_32  0x84000004u
#define PSCI_AFFINITY_INFO_64  0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF	       0x84000008u
#define PSCI_SYSTEM_RESET      0x84000009u
#define PSCI_FEATURES	       0x8400000au
#define PSCI_VERSION_1_1       0x10001

#define PSCI_RET_SUCCESS	    0
#define PSCI_RET_NOT_SUPPORTED	    (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED		    (-3)
#define PSCI_RET_ALREADY_ON	    (-4)
#define PSCI_RET_ON_PENDING	    (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_NOT_PRESENT	    (-7)
#define PSCI_RET_DISABLED	    (-8)
#define PSCI_RET_INVALID_ADDRESS    (-9)

/* AFFINITY_INFO results. */
#define PSCI_AFFINITY_ON	 0
#define PSCI_AFFINITY_OFF	 1
#define PSCI_AFFINITY_ON_PENDING 2

/* MIGRATE_INFO_TYPE: no Trusted OS that needs migration. */
#define PSCI_MIGRATE_TOS_NOT_PRESENT 2

/*
 * The hypervisor's own calls, in the vendor-specific hypervisor range
 * (owner 6, fast, SMC32 convention).
 */
#define HV_CALL_VERSION 0x86000000u /* x0 = HV_ABI_VERSION */
#define HV_CALL_NULL	0x86000001u /* x0 = 0; does nothing (benchmarks) */
#define HV_CALL_VM_INFO                                                        \
	0x86000002u		 /* x0 = 0, x1 = VM id, x2 = vCPU id,          \
				    x3 = vCPU count */
#define HV_CALL_EXIT 0x86000003u /* x1 = status: the VM stops with it */
#define HV_CALL_VM_BOOTS                                                       \
	0x86000004u /* x0 = 0, x1 = times the VM has booted: 1 at the first    \
		       boot, one more after each SYSTEM_RESET */
#define HV_CALL_UID 0x8600ff01u /* x0-x3 = HV_UID0..3 (SMCCC Call UID) */

#define HV_ABI_VERSION 0x00010001u /* major 1, minor 1 */

/* The hypervisor's SMCCC Call UID: 6f4d2a3c-81b5-4f4e-9e21-5a1c0b7d44e2. */
#define HV_UID0 0x3c2a4d6fu
#define HV_UID1 0x4e4fb581u
#define HV_UID2 0x1c5a219eu
#define HV_UID3 0xe2447d0bu

#endif
