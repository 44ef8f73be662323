/*
 * virtqueue: the split virtqueue (VIRTIO 1.2, 2.7) seen from the device,
 * over a VM's RAM.
 *
 * Everything in a virtqueue is written by the guest and is hostile input:
 * the walker reaches guest memory only through a vq_mem window (the VM's
 * RAM as stage 2 maps it), checks every address and length against it,
 * and reads each descriptor once into a local copy before it trusts a
 * field (another vCPU may rewrite it meanwhile). What it refuses, with
 * the answer a device gives (DEVICE_NEEDS_RESET, virtio_mmio.h):
 *   - at QueueReady: a queue size that is 0, not a power of 2 or above
 *     VQ_NUM_MAX; a ring not aligned as 2.7 requires (descriptor table
 *     16, available ring 2, used ring 4) or not wholly inside RAM;
 *   - at each chain: an available index more than the queue size ahead
 *     of the last one served, a head or next index not below the queue
 *     size, a chain longer than the queue size (a loop: the walk is
 *     bounded by it), a buffer not wholly inside RAM (or whose end
 *     overflows), VIRTQ_DESC_F_INDIRECT (VIRTIO_F_INDIRECT_DESC is never
 *     offered), a device-readable descriptor after a device-writable one,
 *     and readable or writable bytes totalling more than 4 GiB - 1.
 * VIRTIO_F_EVENT_IDX is not offered either: a used buffer notification is
 * sent unless the available ring's flags ask for none.
 *
 * Layout and byte order: virtio structures are little-endian, and so is
 * every host the core runs on (AArch64 EL2 and the x86 test builds). With
 * the rings aligned, each index and descriptor field is read with one
 * naturally aligned access. Barriers follow 2.7.13: the available index is
 * read before the ring and descriptors (acquire), used elements are
 * written before the used index (release), and the used index before the
 * available ring's flags are read to decide on a notification (full).
 */
#ifndef HV_VIRTIO_VIRTQUEUE_H
#define HV_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* QueueNumMax of every queue, and so the longest chain. */
#define VQ_NUM_MAX 128u

#define VIRTQ_DESC_F_NEXT	   1u
#define VIRTQ_DESC_F_WRITE	   2u
#define VIRTQ_DESC_F_INDIRECT	   4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* Split ring layout (2.7.5, 2.7.6, 2.7.8). */
#define VIRTQ_DESC_SIZE	     16u
#define VIRTQ_AVAIL_RING     4u /* flags, idx, then ring[num] */
#define VIRTQ_USED_RING	     4u /* flags, idx, then ring[num] */
#define VIRTQ_USED_ELEM_SIZE 8u /* id, len */

/* The guest-physical range a device may reach, and where the hypervisor
 * reaches it. */
struct vq_mem {
	uint64_t ipa;
	uint64_t size;
	uint8_t *host;
};

/* Host pointer to [ipa, ipa + len) when it lies wholly inside m, else
 * NULL (also when ipa + len overflows). */
uint8_t *vq_mem_ptr(const struct vq_mem *m, uint64_t ipa, uint64_t len);

/*
 * One queue. num and the three ring addresses are the transport's
 * registers (QueueNum, QueueDesc, QueueDriver, QueueDevice), written by the
 * guest; vq_enable checks them and fills in the rest.
 */
struct virtqueue {
	uint32_t num;
	uint64_t desc_ipa;
	uint64_t avail_ipa;
	uint64_t used_ipa;
	bool ready;
	uint8_t *desc; /* host pointers, valid while ready */
	uint8_t *avail;
	uint8_t *used;
	uint16_t last_avail; /* the next available entry to serve */
	uint16_t used_idx;   /* the used index the device publishes */
};

/* A buffer of a chain: host pointer into the VM's RAM, and its length. */
struct vq_seg {
	uint8_t *p;
	uint32_t len;
};

/*
 * A chain taken from the available ring: out_count device-readable
 * segments, then in_count device-writable ones, with their byte totals.
 */
struct vq_chain {
	uint16_t head;
	uint16_t out_count;
	uint16_t in_count;
	uint32_t out_len;
	uint32_t in_len;
	struct vq_seg seg[VQ_NUM_MAX];
};

enum vq_status {
	VQ_OK,		    /* a chain was taken */
	VQ_EMPTY,	    /* nothing available */
	VQ_BAD_SIZE,	    /* queue size 0, not a power of 2, too large */
	VQ_BAD_RING,	    /* a ring misaligned or outside RAM */
	VQ_BAD_AVAIL_IDX,   /* the available index jumped */
	VQ_BAD_HEAD,	    /* a head index outside the queue */
	VQ_BAD_NEXT,	    /* a next index outside the queue */
	VQ_LOOP,	    /* a chain longer than the queue */
	VQ_BAD_BUFFER,	    /* a buffer outside RAM */
	VQ_INDIRECT,	    /* an indirect descriptor */
	VQ_WRITE_THEN_READ, /* readable after writable */
	VQ_TOO_LONG,	    /* more than 4 GiB - 1 readable or writable */
};

/* What was wrong, for the log line (vq_fault_describe). */
struct vq_fault {
	enum vq_status status;
	uint32_t num;	/* the queue size */
	uint32_t index; /* descriptor, available entry or ring (VQ_RING_*) */
	uint32_t value; /* the next, head or available index found */
	uint64_t addr;	/* the buffer or ring address */
	uint64_t len;	/* its length */
};

enum { VQ_RING_DESC, VQ_RING_AVAIL, VQ_RING_USED };

/*
 * QueueReady = 1: checks num and the rings against m; on success the
 * queue is ready with both indices at 0 (VQ_OK), else it stays not ready
 * (VQ_BAD_SIZE or VQ_BAD_RING, with *f filled in).
 */
enum vq_status vq_enable(struct virtqueue *q, const struct vq_mem *m,
			 struct vq_fault *f);

/* Forgets everything, registers included (device reset). */
void vq_reset(struct virtqueue *q);

/*
 * Takes the next available chain of a ready queue into c: VQ_OK, VQ_EMPTY,
 * or the first fault found (then *f says where, and the queue is left as
 * it was). Never touches memory outside m, never visits more than num
 * descriptors.
 */
enum vq_status vq_pop(struct virtqueue *q, const struct vq_mem *m,
		      struct vq_chain *c, struct vq_fault *f);

/* Returns the chain at head to the driver with len bytes written. */
void vq_push(struct virtqueue *q, uint16_t head, uint32_t len);

/* After vq_push: whether the driver wants a used buffer notification. */
bool vq_wants_interrupt(const struct virtqueue *q);

/* Copies up to len readable bytes from offset off of the chain into dst;
 * returns how many there were. */
uint32_t vq_chain_read(const struct vq_chain *c, uint32_t off, void *dst,
		       uint32_t len);

/* Copies up to len bytes into the writable buffers from offset off;
 * returns how many fitted. */
uint32_t vq_chain_write(const struct vq_chain *c, uint32_t off, const void *src,
			uint32_t len);

/* The fault as a phrase for a log line, NUL-terminated in buf. */
void vq_fault_describe(const struct vq_fault *f, char *buf, size_t size);

#endif
