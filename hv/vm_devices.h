/*
 * vm_devices: a VM's VirtIO devices (docs/manifest.md, "Devices"), made
 * from its configuration: device n of the manifest in virtio-mmio slot n
 * (hv/virtio/virtio_mmio.h) on the VM's MMIO bus.
 *
 * - virtio-console: output on the shared console as the VM's (the same
 *   prefix and line as its vPL011's); input from the VM's console queue,
 *   routed by vm_devices_console_input.
 * - virtio-blk: over the disk image module in host memory, which is never
 *   part of a VM's RAM: what the guest writes outlives its resets.
 * - virtio-net: joined to the switch of its network; one switch per
 *   network name, shared by every VM (struct vm_networks), its ports fixed
 *   before any VM runs.
 *
 * A VM's devices are reset with it (vm_boot), before its RAM is reloaded:
 * from then on no device serves a ring of the old RAM, and a frame another
 * VM sends meanwhile finds the device stopped and is dropped.
 */
#ifndef HV_VM_DEVICES_H
#define HV_VM_DEVICES_H

#include "hv/config.h"
#include "hv/virtio/virtio_blk.h"
#include "hv/virtio/virtio_console.h"
#include "hv/virtio/virtio_net.h"

struct vm;

/* One slot: the transport, first in each device type. */
union vm_virtio_dev {
	struct virtio_mmio t;
	struct virtio_console console;
	struct virtio_blk blk;
	struct virtio_net net;
};

struct vm_devices {
	union vm_virtio_dev virtio[VM_VIRTIO_MAX];
	unsigned virtio_count;
};

/* Every network of the machine: at most one per virtio-net device. */
#define VM_NETWORKS_MAX (HV_MAX_VMS * VM_VIRTIO_MAX)

struct vm_networks {
	struct vnet_switch sw[VM_NETWORKS_MAX];
	unsigned count;
};

/* No networks yet. */
void vm_networks_init(struct vm_networks *nets);

/*
 * Creates the VirtIO devices of a VM that vm_create built, in reset state,
 * joining each virtio-net to its network's switch in nets (made at its
 * first device). Before any VM runs. HV_ERR_NOMEM when a network is full
 * (config_validate refuses that first), else the devices' errors.
 */
enum hv_err vm_devices_create(struct vm *vm, struct vm_networks *nets);

/* Resets every VirtIO device of the VM, as Status = 0 does (VM locked). */
void vm_devices_reset(struct vm *vm);

/*
 * Where the VM's console input goes (VM locked): its first virtio-console
 * when the guest's driver runs it (DRIVER_OK, no DEVICE_NEEDS_RESET) and
 * the vPL011's receive interrupts are masked, i.e. no driver listens on
 * the UART; else NULL, for the vPL011. A Linux shell on ttyAMA0 keeps the
 * keyboard even with a virtio-console bound; one on hvc0 gets it.
 */
struct virtio_console *vm_devices_console_input(struct vm *vm);

#endif
