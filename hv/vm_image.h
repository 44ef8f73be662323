/*
 * vm_image: what a VM boots and where it goes in its RAM.
 *
 * vm_image_plan decides, from the VM's configuration and the bytes of its
 * modules, the kind of its kernel (when the manifest left it to the bytes),
 * where the kernel, the ramdisk and the device tree go and where vCPU 0
 * starts, and checks that it all fits without overlapping (docs/manifest.md,
 * "Where things go in the VM"). It runs for every VM before any is created.
 * vm_image_load does what the plan says, at every boot and reset: the RAM
 * zeroed, the modules copied in afresh, the device tree generated (or
 * copied), all of it made visible to a guest whose caches are off.
 */
#ifndef HV_VM_IMAGE_H
#define HV_VM_IMAGE_H

#include "hv/config.h"
#include "hv/elf.h"

struct vm_image_plan {
	enum vm_kernel_kind kind; /* never VM_KERNEL_AUTO */
	uint64_t entry;		  /* guest-physical */
	uint64_t kernel_ipa;	  /* raw and linux: the module's first byte */
	uint64_t ramdisk_ipa;	  /* when the VM has a ramdisk */
	uint64_t dtb_ipa;	  /* x0 */
	struct elf_image elf;	  /* elf */
};

/* HV_OK and *plan, or an error with err->msg "<node>/<module>: ...". */
enum hv_err vm_image_plan(const struct vm_config *c, struct vm_image_plan *plan,
			  struct config_error *err);

/* The pages vm_image_load wrote: the kernel's, the ramdisk's, the tree's. */
#define VM_IMAGE_RANGES 3
struct vm_image_ranges {
	unsigned count;
	struct {
		uint64_t ipa, size; /* page aligned */
	} r[VM_IMAGE_RANGES];
};

/*
 * Writes the VM's blobs into its RAM (ram: its first byte, ram_ipa) as
 * plan says; the device tree is generated for a machine with a GIC of
 * gic_version unless the VM brings one. It writes whole pages: the blobs
 * and zeros around them in their first and last pages (for an ELF kernel,
 * zeros wherever its segments' file bytes leave a gap), and says which in
 * *written. Everything else in RAM it leaves as it was (for hv/vm_ram.c to
 * zero on first touch), an ELF segment's zero fill past its file bytes
 * too. HV_ERR_NOMEM when the generated tree does not fit its room (cannot
 * happen with bootargs of at most VM_BOOTARGS_MAX bytes, as the manifest's
 * are; checked anyway).
 */
enum hv_err vm_image_load(const struct vm_config *c,
			  const struct vm_image_plan *plan, uint8_t *ram,
			  unsigned gic_version,
			  struct vm_image_ranges *written);

#endif
