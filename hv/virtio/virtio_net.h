/*
 * virtio_net: a network device (VIRTIO 1.2, 5.1; device ID 1) on a switch
 * in the hypervisor that joins the devices naming the same network.
 *
 * Queues: 0 receiveq, 1 transmitq; no control queue, no offloads, no
 * mergeable buffers. Features: VIRTIO_NET_F_MAC (the MAC from the VM's
 * description, in the configuration). Every frame is preceded by the
 * 12-byte struct virtio_net_hdr of VERSION_1; the device reads and
 * ignores it on transmit and writes it on receive as zeros but
 * num_buffers = 1.
 *
 * Switching: a frame with a group destination (broadcast, multicast) is
 * flooded to every other port of the network; a unicast one goes to the
 * port whose configured MAC, or last source MAC sent (learned), is its
 * destination, and is flooded when no port has it. A port receives a
 * frame into its next receive buffer; with none (or the device not
 * running) the frame is dropped, and a buffer smaller than header and
 * frame is returned empty (used length 0). Frames shorter than an
 * Ethernet header (14 bytes) or longer than VNET_FRAME_MAX (1500 bytes of
 * payload, a VLAN tag) are dropped on transmit. Drops are counted.
 *
 * Where the work runs, and the locks: QueueNotify of transmitq only marks
 * the queue (VM locked, in the trap). After the access, with no VM lock
 * held (the transport's after_write), the same CPU moves the frames: for
 * each one it takes the sender's lock to copy it into a buffer of its own
 * and complete it, drops it, then takes each receiver's lock in turn to
 * deliver. A CPU so holds one VM's lock at a time (hv/lock.h). One
 * pass moves at most VQ_NUM_MAX frames; later ones come with the
 * driver's later notifications. Frames one pass moves keep their order;
 * two vCPUs of one VM kicking on two CPUs may interleave theirs.
 */
#ifndef HV_VIRTIO_NET_H
#define HV_VIRTIO_NET_H

#include "hv/virtio/virtio_mmio.h"

#include <stdatomic.h>

#define VIRTIO_NET_F_MAC    (1ull << 5)
#define VIRTIO_NET_HDR_SIZE 12u
#define VNET_FRAME_MIN	    14u
#define VNET_FRAME_MAX	    1518u
#define VNET_MAX_PORTS	    8u
#define VNET_MAC_BYTES	    6u

struct virtio_net;

/*
 * A network: its ports are fixed before any VM runs (virtio_net_init), so
 * the switch reads them without a lock.
 */
struct vnet_switch {
	const char *name;
	struct virtio_net *ports[VNET_MAX_PORTS];
	unsigned port_count;
};

struct virtio_net {
	struct virtio_mmio t; /* first: the device is found from it */
	struct vnet_switch *sw;
	uint64_t mac;		  /* configured, as a 48-bit number */
	_Atomic uint64_t learned; /* last source MAC sent | VNET_LEARNED */
	bool tx_pending;	  /* transmitq was notified */
	uint64_t tx_dropped;
	uint64_t rx_dropped;
	uint8_t config[VNET_MAC_BYTES];
};

/* An empty network named name (kept by the caller). */
void vnet_switch_init(struct vnet_switch *sw, const char *name);

/*
 * A network device of vm in slot with the MAC mac, joined to sw: before
 * any VM runs. HV_ERR_NOMEM when the network has VNET_MAX_PORTS ports,
 * else virtio_mmio_init's errors.
 */
enum hv_err virtio_net_init(struct virtio_net *n, struct vm *vm, unsigned slot,
			    struct vnet_switch *sw,
			    const uint8_t mac[VNET_MAC_BYTES]);

#endif
