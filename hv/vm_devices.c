/* vm_devices: a table from the manifest's device types to their inits. */
#include "hv/vm_devices.h"

#include "hv/console.h"
#include "hv/vm.h"
#include "lib/string.h"

void vm_networks_init(struct vm_networks *nets)
{
	nets->count = 0;
}

/* The switch of the network named name, made when first named. */
static struct vnet_switch *network(struct vm_networks *nets, const char *name)
{
	for (unsigned i = 0; i < nets->count; i++)
		if (strcmp(nets->sw[i].name, name) == 0)
			return &nets->sw[i];
	if (nets->count == VM_NETWORKS_MAX)
		return NULL;
	vnet_switch_init(&nets->sw[nets->count], name);
	return &nets->sw[nets->count++];
}

/* virtio-console output: the VM's, line by line with its prefix. */
static void console_out(void *ctx, const char *s, size_t len)
{
	struct vm *vm = ctx;

	console_write(&vm->uart, s, len);
}

/* The device's input FIFO has room again: input held back may come. */
static void console_room(void *ctx)
{
	struct vm *vm = ctx;

	console_feed(&vm->uart);
}

static enum hv_err create(struct vm *vm, unsigned slot,
			  const struct vm_virtio *d, struct vm_networks *nets)
{
	union vm_virtio_dev *dev = &vm->devices.virtio[slot];
	struct vnet_switch *sw;

	switch (d->type) {
	case VM_VIRTIO_CONSOLE: {
		const struct virtio_console_sink sink = {
		    .write = console_out,
		    .room = console_room,
		    .ctx = vm,
		};

		return virtio_console_init(&dev->console, vm, slot, &sink);
	}
	case VM_VIRTIO_BLK:
		/* GET_ID answers the manifest node's name. */
		return virtio_blk_init(&dev->blk, vm, slot, d->disk.pa,
				       d->disk.size, d->read_only, d->node);
	case VM_VIRTIO_NET:
		sw = network(nets, d->network);
		if (sw == NULL)
			return HV_ERR_NOMEM;
		return virtio_net_init(&dev->net, vm, slot, sw, d->mac);
	}
	return HV_ERR_INVAL;
}

enum hv_err vm_devices_create(struct vm *vm, struct vm_networks *nets)
{
	const struct vm_config *cfg = vm->cfg;

	vm->devices.virtio_count = 0;
	for (unsigned i = 0; i < cfg->virtio_count; i++) {
		enum hv_err err = create(vm, i, &cfg->virtio[i], nets);

		if (err != HV_OK)
			return err;
		vm->devices.virtio_count++;
	}
	return HV_OK;
}

void vm_devices_reset(struct vm *vm)
{
	for (unsigned i = 0; i < vm->devices.virtio_count; i++)
		virtio_mmio_reset(&vm->devices.virtio[i].t);
}

struct virtio_console *vm_devices_console_input(struct vm *vm)
{
	if (vm->uart.imsc & (PL011_INT_RX | PL011_INT_RT))
		return NULL;
	for (unsigned i = 0; i < vm->devices.virtio_count; i++) {
		union vm_virtio_dev *dev = &vm->devices.virtio[i];

		if (dev->t.ops->device_id == VIRTIO_ID_CONSOLE &&
		    virtio_mmio_running(&dev->t))
			return &dev->console;
	}
	return NULL;
}
