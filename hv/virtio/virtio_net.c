/*
 * virtio_net: the device's queues and the switch between devices. Frames
 * cross from one VM to another through a buffer of the CPU moving them,
 * never with two VMs' locks held.
 */
#include "hv/virtio/virtio_net.h"

#include "hv/vm.h"

#include <hal/cpu.h>

#include <stddef.h>

#define RXQ 0u
#define TXQ 1u

/* Marks a learned address (a MAC is 48 bits). */
#define VNET_LEARNED (1ull << 48)

_Static_assert(offsetof(struct virtio_net, t) == 0,
	       "the transport is the device's first member");

/* The frame each CPU is moving. */
static uint8_t bounce[HAL_MAX_CPUS][VNET_FRAME_MAX];

static struct virtio_net *net_of(struct virtio_mmio *t)
{
	return (struct virtio_net *)t;
}

static uint64_t mac_of(const uint8_t *p)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < VNET_MAC_BYTES; i++)
		m = (m << 8) | p[i];
	return m;
}

/* Receiver's VM locked: the frame into its next receive buffer. */
static void receive(struct virtio_net *n, const uint8_t *frame, uint32_t len)
{
	static const uint8_t hdr[VIRTIO_NET_HDR_SIZE] = {[10] = 1};
	struct virtio_mmio *t = &n->t;

	if (virtio_mmio_queue(t, RXQ) == NULL ||
	    virtio_mmio_pop(t, RXQ) != VQ_OK) {
		n->rx_dropped++;
		return;
	}
	if (t->chain.in_len < VIRTIO_NET_HDR_SIZE + len) {
		n->rx_dropped++;
		virtio_mmio_push(t, RXQ, 0);
		return;
	}
	vq_chain_write(&t->chain, 0, hdr, VIRTIO_NET_HDR_SIZE);
	vq_chain_write(&t->chain, VIRTIO_NET_HDR_SIZE, frame, len);
	virtio_mmio_push(t, RXQ, VIRTIO_NET_HDR_SIZE + len);
}

static void deliver(struct virtio_net *to, const uint8_t *frame, uint32_t len)
{
	vm_lock(to->t.vm);
	receive(to, frame, len);
	vm_unlock(to->t.vm);
}

/* No VM lock held: the switch's part. */
static void switch_frame(struct virtio_net *from, const uint8_t *frame,
			 uint32_t len)
{
	struct vnet_switch *sw = from->sw;
	uint64_t dst = mac_of(frame);

	/* A group address (I/G bit) is never a source worth learning. */
	if (!(frame[6] & 1))
		atomic_store_explicit(&from->learned,
				      mac_of(frame + 6) | VNET_LEARNED,
				      memory_order_relaxed);
	if (!(frame[0] & 1)) {
		for (unsigned i = 0; i < sw->port_count; i++) {
			struct virtio_net *p = sw->ports[i];

			if (p != from &&
			    (p->mac == dst ||
			     atomic_load_explicit(&p->learned,
						  memory_order_relaxed) ==
				 (dst | VNET_LEARNED))) {
				deliver(p, frame, len);
				return;
			}
		}
	}
	for (unsigned i = 0; i < sw->port_count; i++)
		if (sw->ports[i] != from)
			deliver(sw->ports[i], frame, len);
}

/*
 * Sender's VM locked: the next transmitted frame into frame, completed;
 * false when there is none. *len is 0 for a frame dropped here.
 */
static bool transmit(struct virtio_net *n, uint8_t *frame, uint32_t *len)
{
	struct virtio_mmio *t = &n->t;
	uint32_t size;

	if (!n->tx_pending)
		return false;
	if (virtio_mmio_queue(t, TXQ) == NULL ||
	    virtio_mmio_pop(t, TXQ) != VQ_OK) {
		n->tx_pending = false;
		return false;
	}
	size = t->chain.out_len;
	*len = 0;
	if (size < VIRTIO_NET_HDR_SIZE + VNET_FRAME_MIN ||
	    size - VIRTIO_NET_HDR_SIZE > VNET_FRAME_MAX)
		n->tx_dropped++;
	else
		*len = vq_chain_read(&t->chain, VIRTIO_NET_HDR_SIZE, frame,
				     size - VIRTIO_NET_HDR_SIZE);
	virtio_mmio_push(t, TXQ, 0);
	return true;
}

static void net_after_write(struct virtio_mmio *t)
{
	struct virtio_net *n = net_of(t);
	uint8_t *frame = bounce[hal_cpu_id()];

	for (unsigned i = 0; i < VQ_NUM_MAX; i++) {
		uint32_t len;
		bool more;

		vm_lock(t->vm);
		more = transmit(n, frame, &len);
		vm_unlock(t->vm);
		if (!more)
			return;
		if (len != 0)
			switch_frame(n, frame, len);
	}
}

static void net_notify(struct virtio_mmio *t, unsigned queue)
{
	/* Receive buffers wait for frames; nothing is held back for them. */
	if (queue == TXQ)
		net_of(t)->tx_pending = true;
}

static void net_reset(struct virtio_mmio *t)
{
	struct virtio_net *n = net_of(t);

	n->tx_pending = false;
	atomic_store_explicit(&n->learned, 0, memory_order_relaxed);
}

static const struct virtio_device_ops net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .notify = net_notify,
    .reset = net_reset,
    .after_write = net_after_write,
};

void vnet_switch_init(struct vnet_switch *sw, const char *name)
{
	*sw = (struct vnet_switch){.name = name};
}

enum hv_err virtio_net_init(struct virtio_net *n, struct vm *vm, unsigned slot,
			    struct vnet_switch *sw,
			    const uint8_t mac[VNET_MAC_BYTES])
{
	enum hv_err err;

	if (sw->port_count == VNET_MAX_PORTS)
		return HV_ERR_NOMEM;
	err = virtio_mmio_init(&n->t, vm, slot, &net_ops, 2);
	if (err != HV_OK)
		return err;
	n->sw = sw;
	n->mac = mac_of(mac);
	atomic_init(&n->learned, 0);
	n->tx_pending = false;
	n->tx_dropped = 0;
	n->rx_dropped = 0;
	for (unsigned i = 0; i < VNET_MAC_BYTES; i++)
		n->config[i] = mac[i];
	n->t.device_features |= VIRTIO_NET_F_MAC;
	n->t.config = n->config;
	n->t.config_size = VNET_MAC_BYTES;
	sw->ports[sw->port_count++] = n;
	return HV_OK;
}
