/*
 * vm_dt: the device tree a VM gets when its manifest brings none. It says
 * exactly what the hypervisor gives the VM (docs/manifest.md, "The
 * generated device tree"): its RAM, its vCPUs started through PSCI over
 * HVC, the GIC of the machine's version at the vGIC's addresses, the
 * generic timer's PPIs, the vPL011 and its SPI, a virtio,mmio node per
 * VirtIO device, and /chosen with the command line, the console and the
 * ramdisk.
 */
#ifndef HV_VM_DT_H
#define HV_VM_DT_H

#include "hv/config.h"
#include "hv/vm_image.h"

#include <stddef.h>

/* Writes the tree into buf (cap bytes): its size, or a negative fdt_err. */
int vm_dt_build(const struct vm_config *c, const struct vm_image_plan *plan,
		unsigned gic_version, void *buf, size_t cap);

#endif
