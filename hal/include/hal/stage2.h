/*
 * stage2: TLB maintenance for stage-2 translations. The tables themselves
 * are built by the core (hv/stage2.c); the HAL only invalidates what the
 * hardware may have cached, and activates a VM's tables on vCPU entry.
 */
#ifndef HAL_STAGE2_H
#define HAL_STAGE2_H

#include <hal/types.h>

/* Invalidates stage-2 (and combined stage-1+2) entries for one IPA page. */
void hal_s2_tlb_flush_ipa(uint16_t vmid, ipaddr_t ipa);

/* Invalidates every TLB entry tagged with the VMID. */
void hal_s2_tlb_flush_vmid(uint16_t vmid);

/*
 * Entries of the VMID's tables went from invalid to valid: no TLB can hold
 * them, so nothing is flushed, but every CPU's table walks must see them
 * before the VM runs on.
 */
void hal_s2_mapped(uint16_t vmid);

#endif
