/*
 * manifest: the VMs described in the device tree the hypervisor boots with
 * (docs/manifest.md): nodes under /chosen with compatible "hv,vm", their
 * properties and their module sub-nodes (kernel, ramdisk, device tree).
 *
 * The tree comes from the boot loader, that is from the user: it is checked
 * whole (lib/fdt.h) before it is read, every property is checked for its
 * type and range, and anything unknown is refused, so a typo is an error
 * rather than a VM silently configured otherwise. What needs the machine
 * (host RAM, CPUs, the other VMs) is config_validate's.
 */
#ifndef HV_MANIFEST_H
#define HV_MANIFEST_H

#include "hv/config.h"

#include <stddef.h>

/*
 * Reads the VMs of the tree at fdt (at most size bytes) into cfg, in
 * document order. HV_OK, or an error with err->msg naming the node and the
 * property: "/chosen/web: memory: 0x1234 is not a multiple of 2 MiB".
 * Strings in cfg (bootargs) point into the tree, which must outlive it.
 */
enum hv_err manifest_parse(const void *fdt, size_t size, struct hv_config *cfg,
			   struct config_error *err);

/* The same for a tree that has passed fdt_check (the boot tree the HAL
 * has already checked: hal_boot_dtb), without checking it again; /chosen
 * is looked for among the root's count children at root_children
 * (fdt_check_children's), or, when root_children is NULL, by a walk. */
enum hv_err manifest_parse_checked(const void *fdt, const int *root_children,
				   unsigned count, struct hv_config *cfg,
				   struct config_error *err);

#endif
