/*
 * vm_ram: a VM's RAM is zeroed as the VM first touches it, not at boot.
 *
 * No VM may see what its memory held before (another VM's data, or its own
 * from before a reset), but zeroing all of it at boot would make a VM with
 * 64 MiB wait ~12 million instructions for its first one. So a boot leaves
 * every RAM mapping invalid (the tables stay: stage2_invalidate) except the
 * pages the loader wrote whole (vm_image_load: the blobs, the zeros around
 * them in their pages, the device tree). The first access to any other
 * part is a stage-2 translation fault, which zeroes the region one invalid
 * entry covers (a 2 MiB block, or a page in the blocks the loader split)
 * and maps it; the access then runs again.
 *
 * Whatever in the hypervisor writes into a VM's RAM through its own
 * mapping must first make the pages it writes valid (vm_ram_touch), or a
 * later first touch by the guest would zero them.
 *
 * Devices reach a VM's RAM without a stage-2 fault: a VirtIO device reads
 * and writes the guest's buffers (and an inter-VM network writes frames
 * into another VM's), a passed-through device may do DMA. Lazily, a
 * device would read what the memory held before (another VM's data) from
 * a buffer the guest never touched, and what it wrote would be zeroed at
 * the guest's first touch. So the RAM of a VM with any VirtIO or
 * passed-through device is zeroed whole at each boot and stays mapped
 * (vm_ram_eager).
 */
#ifndef HV_VM_RAM_H
#define HV_VM_RAM_H

#include "hv/err.h"

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vm_config;
struct vcpu;

/*
 * Boots the VM's RAM: invalidates its mappings, loads its image
 * (vm_image_load) and maps the pages that wrote. HV_ERR_NOMEM when the
 * page pool cannot give the tables of the split blocks (config_s2_pages
 * counts them).
 */
enum hv_err vm_ram_load(struct vm *vm);

/* Is c's RAM zeroed whole at boot, never lazily (devices reach it)? */
bool vm_ram_eager(const struct vm_config *c);

/*
 * A stage-2 translation fault of v at ipa: when ipa is RAM, makes it
 * readable (zeroed and mapped, or already mapped by another vCPU) and
 * returns true; the faulting access is to run again. False for anything
 * else. Takes the VM's lock.
 */
bool vm_ram_fault(struct vcpu *v, uint64_t ipa);

/*
 * Makes [ipa, ipa + len) of the VM's RAM valid (zeroing what was not), for
 * the hypervisor to write into. With the VM's lock held. HV_ERR_RANGE
 * outside RAM.
 */
enum hv_err vm_ram_touch(struct vm *vm, uint64_t ipa, uint64_t len);

#endif
