/*
 * vm: a virtual machine - its configuration, stage-2 tables, MMIO bus,
 * emulated devices and vCPUs - and its lifecycle: create, boot (load images,
 * start vCPU 0), power off with a status, reset.
 */
#ifndef HV_VM_H
#define HV_VM_H

#include "hv/config.h"
#include "hv/dev/vpl011.h"
#include "hv/lock.h"
#include "hv/log.h"
#include "hv/mmio.h"
#include "hv/stage2.h"
#include "hv/vcpu.h"
#include "hv/vgic/vgic.h"
#include "hv/vm_devices.h"
#include "hv/vm_image.h"

enum vm_state {
	VM_RUNNING,
	VM_RESET_PENDING,
	VM_OFF,
};

struct vm {
	const struct vm_config *cfg;
	struct vm_image_plan image; /* what it boots, and where */
	unsigned id;
	struct hv_lock lock; /* vm_lock */
	enum vm_state state;
	bool resetting; /* a CPU is doing the pending reset */
	int exit_status;
	uint64_t boots; /* vm_boot calls: the first boot and each reset */
	struct stage2 s2;
	struct mmio_bus mmio;
	struct vpl011 uart;
	struct vgic vgic;
	struct vm_devices devices; /* VirtIO: vm_devices_create */
	uint64_t cntvoff;
	struct vcpu vcpus[HV_MAX_VCPUS];
	unsigned vcpu_count;
	struct log_limit log_limit; /* hv_log_vm's: no reset refills it */
};

/*
 * The VM's lock (hv/lock.h): held around every access to its shared state
 * from any physical CPU. The vGIC and vPL011 entry points, PSCI and the
 * scheduler take it; it nests.
 */
static inline void vm_lock(struct vm *vm)
{
	hv_lock_acquire(&vm->lock);
}

static inline void vm_unlock(struct vm *vm)
{
	hv_lock_release(&vm->lock);
}

/*
 * Builds the VM from a validated configuration and its image plan (both
 * must outlive it): stage-2 tables for its RAM (from pool), its devices
 * and vCPUs. Does not start it.
 */
enum hv_err vm_create(struct vm *vm, unsigned id, const struct vm_config *cfg,
		      const struct vm_image_plan *image,
		      struct page_pool *pool);

/*
 * Resets the VM's VirtIO devices, leaves its RAM to be zeroed as it is
 * touched (hv/vm_ram.h; eagerly when a DMA-capable device is passed
 * through), copies its modules in afresh, writes its device tree
 * (vm_image_load) and powers on vCPU 0 at the entry point with x0 the tree.
 * Also used for SYSTEM_RESET, once none of the VM's vCPUs is running.
 */
enum hv_err vm_boot(struct vm *vm);

/* Stops every vCPU (kicking the CPUs that run them); the VM ends with
 * status. */
void vm_power_off(struct vm *vm, int status, const char *why);

/* Asks for a reset, done by the scheduler once the current exit is handled. */
void vm_request_reset(struct vm *vm);

/* The vCPU whose MPIDR affinity is mpidr, or NULL. */
struct vcpu *vm_vcpu_by_mpidr(struct vm *vm, uint64_t mpidr);

/* True when [ipa, ipa + len) is inside the VM's RAM. */
bool vm_ipa_in_ram(const struct vm *vm, uint64_t ipa, uint64_t len);

#endif
