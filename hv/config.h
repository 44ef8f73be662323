/*
 * config: the static description of the VMs the hypervisor runs, and its
 * validation. A configuration is data (built into the image, or made by
 * hvsim from its command line); config_validate checks it completely before
 * any VM is created, and names the offending field in its message.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include "hv/err.h"

#include <hal/cpu.h>
#include <hal/types.h>

#define HV_MAX_VMS   4
#define HV_MAX_VCPUS 4 /* per VM */
#define HV_NAME_MAX  15

/* Guest-physical window reserved for emulated devices (GIC, UART). */
#define VM_DEVICE_IPA_BASE 0x08000000ull
#define VM_DEVICE_IPA_END  0x0a000000ull
#define VM_PL011_IPA	   0x09000000ull
#define VM_PL011_SIZE	   0x1000ull

/*
 * A blob the hypervisor copies into guest RAM before the VM starts. With
 * data NULL the blob is already there, put by the machine's loader (QEMU's
 * -device loader), and size is the room reserved for it; a VM whose image
 * is preloaded keeps its RAM as the loader left it (not zeroed, and not
 * reloaded by a system reset).
 */
struct vm_blob {
	const void *data;
	uint64_t size;
	ipaddr_t load; /* where it goes in guest RAM */
};

struct vm_config {
	const char *name;
	ipaddr_t ram_ipa;
	uint64_t ram_size;
	paddr_t ram_pa; /* host memory backing the RAM */
	ipaddr_t entry;
	struct vm_blob image;
	struct vm_blob dtb; /* optional: size 0 for none; x0 = its IPA */
	unsigned vcpu_count;
	bool console; /* receives the physical console's input */
	/*
	 * The image is an arm64 Linux kernel Image (hv/linux_image.h): its
	 * header decides where it runs, and entry is ignored. It stays where
	 * it was loaded when that is a valid place (a 2 MiB aligned base plus
	 * text_offset, clear of the device tree's room), and moves to the
	 * lowest valid place otherwise.
	 */
	bool linux_image;
};

struct hv_config {
	const struct vm_config *vms;
	unsigned vm_count;
};

/* Where the checks may place things. */
struct config_limits {
	const struct hal_platform *platform;
	unsigned ipa_bits;
	unsigned s2_start_level;
	uint32_t pool_pages; /* stage-2 table pages available for all VMs */
};

struct config_error {
	char msg[160];
};

/* HV_OK, or an error with err->msg saying which field is wrong and why. */
enum hv_err config_validate(const struct hv_config *cfg,
			    const struct config_limits *lim,
			    struct config_error *err);

/* Upper bound of stage-2 table pages needed to map one RAM region. */
uint32_t config_s2_pages(const struct vm_config *vm, unsigned start_level);

#endif
