/*
 * vio: a minimal virtio-mmio driver for the test guests (VIRTIO 1.2, 4.2
 * and 2.7): probe a slot of the hypervisor's virtio-mmio window, negotiate,
 * lay out split virtqueues in the guest's RAM, offer chains, take used
 * buffers. Device n of a VM is at VIO_BASE(n) with INTID VIO_INTID(n)
 * (docs/manifest.md, "Devices").
 *
 * The guests run with the MMU and caches off: every access to a ring is a
 * Device-memory access, so ordering holds without barriers; the dsb()s
 * follow 2.7.13 anyway, as a driver with caches on would need them. The
 * hypervisor reaches the rings through a cacheable mapping; QEMU's TCG and
 * hvsim model no caches, so the two views agree (docs/design.md, VirtIO).
 *
 * The rings are also exposed (vio_desc, vio_avail_*, vio_used_*) so that a
 * hostile guest can write what no driver should.
 */
#ifndef GUEST_VIO_H
#define GUEST_VIO_H

#include <stdbool.h>
#include <stdint.h>

#define VIO_BASE(n)  (0x0b000000ul + (n)*0x200ul)
#define VIO_INTID(n) (80u + (n))
#define VIO_SLOTS    4u /* the slots the guests' rings are laid out for */
#define VIO_QUEUES   2u
#define VIO_NUM	     8u /* every queue's size */

/* Registers (4.2.2). */
#define VIO_MAGIC	     0x000
#define VIO_VERSION	     0x004
#define VIO_DEVICE_ID	     0x008
#define VIO_VENDOR_ID	     0x00c
#define VIO_DEV_FEATURES     0x010
#define VIO_DEV_FEATURES_SEL 0x014
#define VIO_DRV_FEATURES     0x020
#define VIO_DRV_FEATURES_SEL 0x024
#define VIO_QUEUE_SEL	     0x030
#define VIO_QUEUE_NUM_MAX    0x034
#define VIO_QUEUE_NUM	     0x038
#define VIO_QUEUE_READY	     0x044
#define VIO_QUEUE_NOTIFY     0x050
#define VIO_INT_STATUS	     0x060
#define VIO_INT_ACK	     0x064
#define VIO_STATUS	     0x070
#define VIO_QUEUE_DESC	     0x080 /* low, high at + 4 */
#define VIO_QUEUE_DRIVER     0x090
#define VIO_QUEUE_DEVICE     0x0a0
#define VIO_CONFIG	     0x100

#define VIO_S_ACK	  1u
#define VIO_S_DRIVER	  2u
#define VIO_S_DRIVER_OK	  4u
#define VIO_S_FEATURES_OK 8u
#define VIO_S_NEEDS_RESET 64u

#define VIO_INT_USED   1u
#define VIO_INT_CONFIG 2u

#define VIO_F_VERSION_1 (1ull << 32)

#define VIO_DESC_F_NEXT	 1u
#define VIO_DESC_F_WRITE 2u

struct vio_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vio_queue {
	uint16_t num;
	volatile struct vio_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[num] */
	volatile uint8_t *used;	  /* flags, idx, then {id, len}[num] */
	uint16_t avail_idx;	  /* the next index to publish */
	uint16_t next_desc;	  /* the next free descriptor */
	uint16_t used_seen;	  /* used entries taken */
};

struct vio_dev {
	uintptr_t base;
	unsigned slot;
	struct vio_queue q[VIO_QUEUES];
};

/* A buffer of a chain. */
struct vio_seg {
	const volatile void *p;
	uint32_t len;
	bool device_writes;
};

uint32_t vio_read(const struct vio_dev *d, unsigned off);
void vio_write(const struct vio_dev *d, unsigned off, uint32_t val);

/* Slot n's registers; checks (one line each, prefixed with what) that a
 * device of device_id answers there with version 2. */
bool vio_probe(struct vio_dev *d, unsigned slot, uint32_t device_id,
	       const char *what);

/* The device's features, both words. */
uint64_t vio_device_features(const struct vio_dev *d);

/*
 * Reset, ACKNOWLEDGE | DRIVER, the driver's features, FEATURES_OK: true
 * when the device kept FEATURES_OK.
 */
bool vio_negotiate(struct vio_dev *d, uint64_t features);

/* Queue q of VIO_NUM entries laid out in this slot's rings, empty, and
 * made ready. */
void vio_queue_setup(struct vio_dev *d, unsigned q);

/* The bytes rings of num entries take in vio_queue_setup_at's layout. */
#define VIO_AREA_SIZE(num) (16u * (num) + 0x1000u + 8u * (num) + 6u)

/*
 * Queue q of num entries (written to QueueNum as is: a hostile guest may
 * give any) over area, zeroed: descriptors first, the available ring
 * right after, the used ring 4 KiB further; then QueueReady = 1.
 */
void vio_queue_setup_at(struct vio_dev *d, unsigned q, uint16_t num,
			void *area);

/* Sets DRIVER_OK. */
void vio_driver_ok(struct vio_dev *d);

/* The chain of count buffers on the queue's next descriptors, made
 * available (not notified); returns its head. */
uint16_t vio_offer(struct vio_dev *d, unsigned q, const struct vio_seg *s,
		   unsigned count);

/* Publishes head as the next available entry (no notification). */
void vio_publish(struct vio_dev *d, unsigned q, uint16_t head);

void vio_kick(struct vio_dev *d, unsigned q);

/* The used ring's index, as the device last wrote it. */
uint16_t vio_used_idx(const struct vio_dev *d, unsigned q);

/* The next used element if there is one (id and len), else false. */
bool vio_take_used(struct vio_dev *d, unsigned q, uint32_t *id, uint32_t *len);

#endif
