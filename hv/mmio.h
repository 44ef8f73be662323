/*
 * mmio: a VM's bus of emulated device regions, and the emulation of a
 * trapped data abort against it.
 *
 * A data abort whose syndrome is valid (ISV = 1) is decoded from SAS, SSE,
 * SRT, SF and WnR, sent to the device that owns the IPA, and completed:
 * loads are zero- or sign-extended into the target register (XZR discards),
 * stores take the low bytes of the source (XZR stores zero), and the PC
 * moves past the instruction (2 or 4 bytes, by ESR_EL2.IL). With ISV = 0 (a
 * load/store pair, a pre- or post-indexed form) the instruction is fetched
 * from guest memory, decoded (hv/insn.h) and emulated the same way, base
 * writeback included. Anything else - no device, an instruction that is not
 * a general-register load/store, an access the device refuses, any ISV = 0
 * abort from AArch32 state - is answered with a synchronous external abort
 * injected into the guest, and logged; the PC is left on the instruction.
 *
 * AArch32 EL0 (User mode under an AArch64 EL1): SRT is the AArch64 view of
 * the register, and R0-R14 of User mode are X0-X14, so the syndrome path
 * needs no mapping; SF is 0 (32-bit registers), and ISV is never 1 for an
 * instruction that uses R15 or writes its base back (Arm ARM, ESR_EL2.ISV).
 */
#ifndef HV_MMIO_H
#define HV_MMIO_H

#include "hv/err.h"

#include <hal/types.h>
#include <hal/vcpu.h>

struct vcpu;

#define MMIO_MAX_REGIONS 32 /* the UART, the vGIC, 16 VirtIO devices */

/*
 * Device callbacks. off is the byte offset inside the region, size is 1, 2,
 * 4 or 8. Returning an error makes the access fault in the guest.
 */
/* Called with the device's VM locked (vm_lock): the bus serialises the
 * accesses of every vCPU, on every physical CPU. */
struct mmio_ops {
	enum hv_err (*read)(void *dev, struct vcpu *v, uint64_t off,
			    unsigned size, uint64_t *val);
	enum hv_err (*write)(void *dev, struct vcpu *v, uint64_t off,
			     unsigned size, uint64_t val);
	/*
	 * Optional: called after an access that wrote to the device (a
	 * store, or a pair of them), once the VM's lock is dropped, for
	 * work that takes another VM's lock (a CPU holds at most one VM's
	 * lock, hv/lock.h). Called even if the device refused the store.
	 */
	void (*after_write)(void *dev, struct vcpu *v);
};

struct mmio_region {
	const char *name;
	ipaddr_t base;
	uint64_t size;
	const struct mmio_ops *ops;
	void *dev;
};

struct mmio_bus {
	struct mmio_region regions[MMIO_MAX_REGIONS];
	unsigned region_count;
};

/* A decoded data-abort syndrome (ISV = 1). */
struct mmio_access {
	unsigned size; /* bytes: 1 << SAS */
	bool sign;     /* SSE: sign-extend the loaded value */
	bool reg64;    /* SF: the register is Xn, not Wn */
	bool write;    /* WnR */
	unsigned reg;  /* SRT: 0-30, 31 = XZR */
};

void mmio_bus_init(struct mmio_bus *bus);

/* Adds a region; HV_ERR_OVERLAP / HV_ERR_NOMEM / HV_ERR_INVAL on failure. */
enum hv_err mmio_bus_add(struct mmio_bus *bus, const struct mmio_region *r);

/* The region holding ipa, or NULL. */
const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus,
					ipaddr_t ipa);

/* Decodes an ISS with ISV = 1; false when ISV = 0. */
bool mmio_decode_iss(uint32_t iss, struct mmio_access *acc);

/*
 * Value a load leaves in its register: the device's bytes, sign-extended
 * when asked, limited to 32 bits for a W register.
 */
uint64_t mmio_load_value(const struct mmio_access *acc, uint64_t raw);

/*
 * Handles a data abort from a lower EL (EC 0x24): stage-2 faults on an IPA
 * the VM has no memory at are emulated; anything else is injected.
 */
void mmio_handle_dabt(struct vcpu *v, const struct vcpu_exit *e);

/*
 * A data abort exit the direct paths do not take (hv/exit.c): the devices
 * every VM has at fixed addresses are reached first (the vGIC's
 * distributor, vgic_gicd_dabt; the vPL011's data register,
 * vpl011_dr_dabt); anything else here: mmio_handle_dabt, then the list
 * registers brought up to date (vgic_update). mmio_insn.c.
 */
void mmio_dabt_general(struct vcpu *v, const struct vcpu_exit *e);

/* A stage-2 fault status: translation (0b0001LL), access flag (0b0010LL)
 * or permission (0b0011LL). */
static inline bool fsc_is_stage2_fault(uint32_t fsc)
{
	unsigned kind = (fsc & 0x3c) >> 2;

	return kind >= 1 && kind <= 3;
}

/* The faulting IPA of a stage-2 abort: HPFAR_EL2.FIPA with FAR's offset. */
static inline uint64_t mmio_fault_ipa(const struct vcpu_exit *e)
{
	return ((e->hpfar & 0x00000ffffffffff0ull) << 8) | (e->far & 0xfff);
}

#endif
