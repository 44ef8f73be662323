/*
 * mmio_insn: the part of the MMIO emulation (hv/mmio.h) for data aborts
 * without a valid syndrome, and what it shares with mmio.c.
 */
#ifndef HV_MMIO_INSN_H
#define HV_MMIO_INSN_H

#include "hv/mmio.h"

/* The low size bytes of a register. */
static inline uint64_t mmio_size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* Runs r's after_write hook, if it has one, with no VM lock held. */
static inline void mmio_after_write(const struct mmio_region *r, struct vcpu *v)
{
	if (r->ops->after_write != NULL)
		r->ops->after_write(r->dev, v);
}

/* Answers an access that cannot be emulated with an external abort
 * injected into the guest, and a log line saying why. */
void mmio_fault(struct vcpu *v, const struct vcpu_exit *e, const char *why);

/*
 * A data abort with ISV = 0 on region r at offset off: the instruction is
 * fetched and decoded (hv/insn.h), then emulated like a syndrome, or
 * answered with mmio_fault. From AArch32 state (SPSR M[4]) it is always
 * answered with mmio_fault: only A64 is decoded.
 */
void mmio_emulate_insn(struct vcpu *v, const struct vcpu_exit *e,
		       const struct mmio_region *r, uint64_t off);

#endif
