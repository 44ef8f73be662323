/*
 * passthrough: host devices given to one VM (docs/manifest.md, Devices).
 *
 * A device is a node of the boot device tree, named by its path in the VM
 * node's "passthrough" property. The VM gets:
 *   - its MMIO: each reg range, rounded out to whole 4 KiB pages (the
 *     stage-2 granule), mapped at the same guest-physical address with
 *     Device-nGnRE attributes, read-write, never executable;
 *   - its SPIs: the physical SPI is routed to the physical CPU of the vCPU
 *     the guest targets, and each one taken becomes the VM's virtual SPI
 *     of the same INTID, hardware-linked: the guest's deactivation ends
 *     the physical interrupt (hv/vgic/vgic.h, vgic_spi_link);
 *   - its node, copied into the VM's generated device tree: properties as
 *     they are, but interrupt-parent set to the VM's GIC and clocks
 *     pointing at clocks of the VM's tree.
 * Nothing else gets it: the hypervisor never touches it, and no other
 * VM's stage 2 maps those pages, so another VM's access is a stage-2
 * fault answered with an abort (hv/mmio.h).
 *
 * What is refused, each with a message naming the VM node, the device and
 * what it clashes with: a path with no node, a node with no reg, under
 * /chosen, of host RAM or part of the GIC; a reg whose pages hold the
 * hypervisor's own devices (hal_platform()->mmio), another VM's device,
 * the VM's RAM or its emulated devices; interrupts that are not SPIs of
 * the GIC or clash with the hypervisor's, the VM's emulated devices' or
 * another VM's; properties that refer to other nodes the VM would not
 * have; and a device that can do DMA (a "virtio,mmio" transport, or
 * "dma-coherent"), itself or in its pages, unless the VM is direct-mapped:
 * without a stage-2 IOMMU (QEMU 7.2's SMMUv3 has stage 1 only) such a
 * device takes guest-physical addresses for host-physical ones.
 *
 * A direct-mapped VM's DMA is correct, not contained: its driver's
 * addresses are right, but a hostile guest could still point the device
 * outside its RAM. That VM is trusted as far as its devices can reach.
 */
#ifndef HV_PASSTHROUGH_H
#define HV_PASSTHROUGH_H

#include "hv/err.h"

#include <hal/types.h>

#define VM_PT_DEVICES 4 /* per VM */
#define VM_PT_REGS    4 /* reg ranges of one device */
#define VM_PT_IRQS    4 /* interrupts of one device */
#define VM_PT_CLOCKS  4 /* clocks entries of one device */

struct vm_pt_device {
	const char *path; /* as the manifest names it; in the boot tree */
	int node;	  /* its offset there */
	unsigned reg_count;
	struct {
		paddr_t pa;
		uint64_t size;
	} reg[VM_PT_REGS];
	unsigned irq_count;
	struct {
		uint32_t intid; /* physical = virtual */
		bool edge;	/* rising edge, else level high */
	} irq[VM_PT_IRQS];
	unsigned clock_count;
	int clock[VM_PT_CLOCKS]; /* fixed-clock node of each clocks entry */
	const char *dma;	 /* why it can do DMA, or NULL */
	int dma_neighbour; /* a node in its pages that can do DMA, or -1 */
	const char *neighbour_dma;
};

/* The devices of one VM, read from the boot tree at fdt (which must
 * outlive the configuration). */
struct vm_passthrough {
	const void *fdt;
	unsigned count;
	struct vm_pt_device dev[VM_PT_DEVICES];
};

struct config_error;
struct config_limits;
struct fdtw;
struct hv_config;
struct vcpu;
struct vm;
struct vm_config;

/*
 * Reads the VM node vm_node's passthrough property (val, len bytes: a
 * list of paths) against the boot tree fdt into pt: what the tree alone
 * says (the node, its reg, interrupts, clocks, DMA). HV_OK, or an error
 * with err->msg "<vm_node>: passthrough: <path>: <problem>".
 */
enum hv_err passthrough_parse(const void *fdt, const char *vm_node,
			      const void *val, uint32_t len,
			      struct vm_passthrough *pt,
			      struct config_error *err);

/*
 * Checks every VM's devices against the machine (its RAM, the
 * hypervisor's devices, the IPA size), each VM (its RAM, now placed, its
 * emulated devices and interrupts, direct-map for DMA) and one another.
 * Called by config_validate once RAM is placed.
 */
enum hv_err passthrough_validate(const struct hv_config *cfg,
				 const struct config_limits *lim,
				 struct config_error *err);

/* Upper bound of stage-2 table pages the VM's devices need. */
uint32_t passthrough_s2_pages(const struct vm_config *c, unsigned start_level);

/* Maps the VM's devices into its stage 2 and links their SPIs (vm_create). */
enum hv_err passthrough_map(struct vm *vm);

/*
 * Copies the VM's device nodes into the tree being written (vm_dt.c),
 * under its root: interrupt-parent = gic_phandle; a fixed clock of
 * apb_hz Hz (the VM's own apb-pclk) becomes clk_phandle, any other fixed
 * clock is copied as a node "passthrough-clock<n>" with a phandle from
 * first_phandle up.
 */
void passthrough_dt(struct fdtw *w, const struct vm_config *c,
		    uint32_t gic_phandle, uint32_t clk_phandle, uint32_t apb_hz,
		    uint32_t first_phandle);

/* Before any VM runs: the physical SPIs' owners and triggers (hv_main). */
void passthrough_irq_setup(struct vm *vms, unsigned vm_count);

/* On each physical CPU as it starts: routes to itself, and enables, the
 * SPIs whose vCPU lives there (irq_init_cpu). */
void passthrough_irq_init_cpu(void);

/*
 * A physical SPI taken on this CPU (acknowledged, priority dropped): if a
 * VM owns it, it becomes that VM's hardware-linked virtual SPI and true
 * is returned (the guest deactivates it); false for any other.
 */
bool passthrough_irq(uint32_t intid, struct vcpu *loaded);

#endif
