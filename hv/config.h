/*
 * config: the description of the VMs the hypervisor runs, and its
 * validation against the machine.
 *
 * A configuration is data: hv/manifest.c makes it from the device tree the
 * hypervisor boots with (docs/manifest.md), hvsim and the tests feed the
 * same tree or fill it in directly. config_validate checks the whole of it
 * against the machine before any VM is created, and gives each VM whose
 * host memory is not fixed its place in host RAM: every message names the
 * VM's manifest node and the property at fault.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include "hv/err.h"
#include "hv/passthrough.h"

#include <hal/cpu.h>
#include <hal/types.h>

#define HV_MAX_VMS   4
#define HV_MAX_VCPUS 4 /* per VM */
#define HV_NAME_MAX  15

/* VM RAM sizes, bases and host addresses are multiples of this: stage 2
 * maps them with 2 MiB blocks. */
#define VM_RAM_ALIGN 0x200000ull

/* Guest-physical window reserved for emulated devices (GIC, UART). */
#define VM_DEVICE_IPA_BASE 0x08000000ull
#define VM_DEVICE_IPA_END  0x0c000000ull
#define VM_PL011_IPA	   0x09000000ull
#define VM_PL011_SIZE	   0x1000ull

/* Where RAM starts in a VM unless its manifest says otherwise. */
#define VM_RAM_IPA_DEFAULT 0x40000000ull

/* The room for a VM's device tree: 2 MiB below the top of its RAM. */
#define VM_DTB_BELOW_TOP 0x200000ull
#define VM_DTB_MAX	 0x10000ull

/* The longest bootargs with its NUL (arm64 Linux's COMMAND_LINE_SIZE has
 * been at most this): what keeps every generated tree in its room. */
#define VM_BOOTARGS_MAX 4096u

/* Bytes the boot loader put in host memory; size 0 for none. */
struct vm_module {
	paddr_t pa;
	uint64_t size;
};

/*
 * VirtIO devices of a VM (docs/manifest.md, "Devices"): sub-nodes of its
 * manifest node, device n in virtio-mmio slot n (hv/virtio/virtio_mmio.h).
 */
#define VM_VIRTIO_MAX	    16
#define VM_NETWORK_NAME_MAX 15
#define VM_MAC_BYTES	    6

enum vm_virtio_type {
	VM_VIRTIO_CONSOLE,
	VM_VIRTIO_BLK,
	VM_VIRTIO_NET,
};

struct vm_virtio {
	enum vm_virtio_type type;
	const char *node;	   /* its sub-node's name, for messages */
	struct vm_module disk;	   /* blk: the disk image module */
	bool read_only;		   /* blk */
	const char *network;	   /* net: the switch it is joined to */
	uint8_t mac[VM_MAC_BYTES]; /* net */
};

enum vm_kernel_kind {
	VM_KERNEL_AUTO, /* found from the bytes (vm_image_plan) */
	VM_KERNEL_RAW,
	VM_KERNEL_ELF,
	VM_KERNEL_LINUX,
};

struct vm_config {
	char name[HV_NAME_MAX + 1];
	char node[48]; /* its manifest node, for messages: "/chosen/web" */
	unsigned vcpu_count;
	ipaddr_t ram_ipa;
	uint64_t ram_size;
	paddr_t ram_pa;	   /* host memory backing the RAM */
	bool ram_pa_fixed; /* given (host-address): config_place keeps it */
	bool direct_map;   /* ram_ipa == ram_pa, wherever that is */
	struct vm_module kernel;
	struct vm_module ramdisk; /* optional */
	struct vm_module dtb;	  /* optional: else the tree is generated */
	enum vm_kernel_kind kind;
	ipaddr_t load;	/* raw: where the kernel is copied */
	ipaddr_t entry; /* raw, elf: where vCPU 0 starts */
	bool load_set;
	bool entry_set;
	const char *bootargs; /* NULL for none; kept by the caller */
	bool console;	      /* has the console input at boot */
	bool affinity_set;
	uint8_t affinity[HV_MAX_VCPUS]; /* physical CPU of each vCPU */
	struct vm_passthrough pt;	/* host devices it is given */
	/* Strings point into the manifest, which must outlive the config. */
	struct vm_virtio virtio[VM_VIRTIO_MAX];
	unsigned virtio_count;
};

struct hv_config {
	struct vm_config vms[HV_MAX_VMS];
	unsigned vm_count;
};

/* Where the checks may place things. */
struct config_limits {
	const struct hal_platform *platform;
	unsigned ipa_bits;
	unsigned s2_start_level;
	unsigned cpu_count;  /* physical CPUs: cpu-affinity must be below */
	uint32_t pool_pages; /* stage-2 table pages available for all VMs */
	/* Host memory no VM may use besides the hypervisor's own: the boot
	 * device tree, when it is in host RAM (size 0: none). */
	paddr_t boot_dtb;
	uint64_t boot_dtb_size;
};

struct config_error {
	char msg[200];
};

/*
 * Makes err's message one printable line: each byte below 0x20 and 0x7f
 * becomes '?'. A message may quote names from the boot tree (a property's,
 * a node's), which can hold any byte; every refusal's message goes
 * through this before the caller sees it.
 */
void config_error_printable(struct config_error *err);

/*
 * Checks cfg against the machine: each VM's RAM inside the IPA space and
 * clear of the device window, modules (disk images included) inside host
 * RAM and clear of the hypervisor, the boot tree and one another, vCPU
 * affinities, one console owner, enough stage-2 pages, at most
 * VNET_MAX_PORTS devices on a network and no MAC address twice on one. Then
 * gives every VM without a fixed host address the lowest 2 MiB aligned place in
 * host RAM clear of all that and of the VMs placed before it (fixed ones count
 * first); a direct-mapped VM's RAM base becomes that address, which is then
 * also clear of the device window. HV_OK, or an error with err->msg
 * "<node>: <property>: <problem>".
 */
enum hv_err config_validate(struct hv_config *cfg,
			    const struct config_limits *lim,
			    struct config_error *err);

/* Upper bound of stage-2 table pages one VM needs: its RAM, and the blocks
 * its loader splits to map the pages it writes (hv/vm_ram.h). */
uint32_t config_s2_pages(const struct vm_config *vm, unsigned start_level);

#endif
