/*
 * mmu: which page of a guest access faulted, and at which stage, for the
 * faults Unicorn 2.1 reports without saying (HV_UNICORN_PHYS). Its
 * interrupt hook gets a data or prefetch abort with the PC on the
 * instruction but no address and no syndrome: a fault of the guest's own
 * stage 1 and a walk that read a table at an IPA stage 2 does not map look
 * alike. Its unmapped-memory hook gets the IPA of a stage-2 fault but not
 * the virtual address FAR_EL2 must hold. The access itself comes from the
 * instruction (a64mem.h); this walks it page by page through the guest's
 * stage 1 (s1walk) and stage 2 (s2walk) as the MMU would.
 *
 * An access spans [va, va + len), its pages taken in ascending order, as
 * QEMU makes the elements of one instruction. The fault is reported at the
 * first byte of the access when its first page faults, else at the first
 * byte of the faulting page (QEMU 7.2 and Unicorn report a page-crossing
 * access faulting on its second page so). No Unicorn here.
 */
#ifndef SIM_MMU_H
#define SIM_MMU_H

#include "s1walk.h"
#include "s2walk.h"

#include <stdbool.h>
#include <stdint.h>

/* The vCPU's translations, as engine.c sees them. */
struct mmu_ops {
	struct s1_result (*s1)(void *ctx, uint64_t va, enum s1_access acc,
			       bool el0);
	struct s2_result (*s2)(void *ctx, uint64_t ipa);
	void *ctx;
};

enum mmu_verdict {
	MMU_NO_FAULT,	 /* every page translates and stage 2 permits it */
	MMU_STAGE1,	 /* the guest's own fault: s1 says which, at level */
	MMU_STAGE2,	 /* an IPA stage 2 does not give the access */
	MMU_UNSUPPORTED, /* a stage 1 s1walk does not model */
};

struct mmu_fault {
	enum mmu_verdict verdict;
	uint64_t va;	     /* FAR: where it faulted */
	uint64_t ipa;	     /* MMU_STAGE2: the IPA (a table entry's with
				s1ptw) */
	bool s1ptw;	     /* MMU_STAGE2 on stage 1's walk */
	struct s1_result s1; /* MMU_STAGE1: the fault and its level */
	struct s2_result s2; /* MMU_STAGE2: the walk of ipa */
};

/*
 * The first fault of an access of kind acc (at EL0 when el0) to
 * [va, va + len); len >= 1. Stage 2 must give a data access read or write
 * permission and a fetch execute permission.
 */
struct mmu_fault mmu_find_fault(const struct mmu_ops *ops, uint64_t va,
				uint64_t len, enum s1_access acc, bool el0);

/*
 * The virtual address in [va, va + len) that stage 1 maps to ipa: the
 * FAR of a stage-2 fault reported at ipa. False when no page of the access
 * maps there.
 */
bool mmu_va_of_ipa(const struct mmu_ops *ops, uint64_t va, uint64_t len,
		   enum s1_access acc, bool el0, uint64_t ipa,
		   uint64_t *fault_va);

#endif
