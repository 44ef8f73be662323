/* vio: one ring area per slot and queue, in .bss (zero at every boot). */
#include "vio.h"

#include "guest.h"

/* Descriptors (16-byte aligned), then the available ring, then the used
 * ring (4-byte aligned): 2.7's alignments with room to spare. */
struct vio_ring {
	_Alignas(4096) struct vio_desc desc[VIO_NUM];
	uint16_t avail[2 + VIO_NUM + 1];
	_Alignas(16) uint8_t used[4 + 8 * VIO_NUM + 2];
};

static struct vio_ring rings[VIO_SLOTS][VIO_QUEUES];

static void dsb(void)
{
	__asm__ __volatile__("dsb sy" ::: "memory");
}

uint32_t vio_read(const struct vio_dev *d, unsigned off)
{
	return *(volatile uint32_t *)(d->base + off);
}

void vio_write(const struct vio_dev *d, unsigned off, uint32_t val)
{
	*(volatile uint32_t *)(d->base + off) = val;
}

bool vio_probe(struct vio_dev *d, unsigned slot, uint32_t device_id,
	       const char *what)
{
	bool ok;

	d->base = VIO_BASE(slot);
	d->slot = slot;
	gprintf("%s: slot %u\n", what, slot);
	ok = check_eq("  magic", vio_read(d, VIO_MAGIC), 0x74726976);
	ok &= check_eq("  version", vio_read(d, VIO_VERSION), 2);
	ok &= check_eq("  device id", vio_read(d, VIO_DEVICE_ID), device_id);
	ok &= check_eq("  vendor id", vio_read(d, VIO_VENDOR_ID), 0x5648);
	return ok;
}

uint64_t vio_device_features(const struct vio_dev *d)
{
	uint64_t f;

	vio_write(d, VIO_DEV_FEATURES_SEL, 1);
	f = (uint64_t)vio_read(d, VIO_DEV_FEATURES) << 32;
	vio_write(d, VIO_DEV_FEATURES_SEL, 0);
	return f | vio_read(d, VIO_DEV_FEATURES);
}

bool vio_negotiate(struct vio_dev *d, uint64_t features)
{
	vio_write(d, VIO_STATUS, 0);
	vio_write(d, VIO_STATUS, VIO_S_ACK);
	vio_write(d, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER);
	vio_write(d, VIO_DRV_FEATURES_SEL, 0);
	vio_write(d, VIO_DRV_FEATURES, (uint32_t)features);
	vio_write(d, VIO_DRV_FEATURES_SEL, 1);
	vio_write(d, VIO_DRV_FEATURES, (uint32_t)(features >> 32));
	vio_write(d, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	return (vio_read(d, VIO_STATUS) & VIO_S_FEATURES_OK) != 0;
}

static void write64(struct vio_dev *d, unsigned off, uint64_t v)
{
	vio_write(d, off, (uint32_t)v);
	vio_write(d, off + 4, (uint32_t)(v >> 32));
}

static void setup(struct vio_dev *d, unsigned q, uint16_t num,
		  volatile struct vio_desc *desc, volatile uint16_t *avail,
		  volatile uint8_t *used)
{
	d->q[q] = (struct vio_queue){
	    .num = num,
	    .desc = desc,
	    .avail = avail,
	    .used = used,
	};
	vio_write(d, VIO_QUEUE_SEL, q);
	vio_write(d, VIO_QUEUE_NUM, num);
	write64(d, VIO_QUEUE_DESC, (uintptr_t)desc);
	write64(d, VIO_QUEUE_DRIVER, (uintptr_t)avail);
	write64(d, VIO_QUEUE_DEVICE, (uintptr_t)used);
	vio_write(d, VIO_QUEUE_READY, 1);
}

void vio_queue_setup(struct vio_dev *d, unsigned q)
{
	struct vio_ring *r = &rings[d->slot][q];
	volatile uint8_t *p = (volatile uint8_t *)r;

	for (unsigned i = 0; i < sizeof(*r); i++)
		p[i] = 0;
	setup(d, q, VIO_NUM, r->desc, r->avail, r->used);
}

void vio_queue_setup_at(struct vio_dev *d, unsigned q, uint16_t num, void *area)
{
	volatile uint8_t *p = area;

	for (unsigned i = 0; i < VIO_AREA_SIZE(num); i++)
		p[i] = 0;
	setup(d, q, num, area, (volatile uint16_t *)(p + 16u * num),
	      p + 16u * num + 0x1000u);
}

void vio_driver_ok(struct vio_dev *d)
{
	vio_write(d, VIO_STATUS, vio_read(d, VIO_STATUS) | VIO_S_DRIVER_OK);
}

void vio_publish(struct vio_dev *d, unsigned q, uint16_t head)
{
	struct vio_queue *vq = &d->q[q];

	vq->avail[2 + vq->avail_idx % vq->num] = head;
	/* The entry before the index that publishes it (2.7.13). */
	dsb();
	vq->avail_idx++;
	vq->avail[1] = vq->avail_idx;
	dsb();
}

uint16_t vio_offer(struct vio_dev *d, unsigned q, const struct vio_seg *s,
		   unsigned count)
{
	struct vio_queue *vq = &d->q[q];
	uint16_t head = vq->next_desc;

	for (unsigned i = 0; i < count; i++) {
		uint16_t me = (uint16_t)((head + i) % vq->num);
		volatile struct vio_desc *desc = &vq->desc[me];

		desc->addr = (uintptr_t)s[i].p;
		desc->len = s[i].len;
		desc->flags =
		    (uint16_t)((i + 1 < count ? VIO_DESC_F_NEXT : 0) |
			       (s[i].device_writes ? VIO_DESC_F_WRITE : 0));
		desc->next = (uint16_t)((me + 1) % vq->num);
	}
	vq->next_desc = (uint16_t)((head + count) % vq->num);
	vio_publish(d, q, head);
	return head;
}

void vio_kick(struct vio_dev *d, unsigned q)
{
	vio_write(d, VIO_QUEUE_NOTIFY, q);
}

uint16_t vio_used_idx(const struct vio_dev *d, unsigned q)
{
	return *(const volatile uint16_t *)(d->q[q].used + 2);
}

bool vio_take_used(struct vio_dev *d, unsigned q, uint32_t *id, uint32_t *len)
{
	struct vio_queue *vq = &d->q[q];
	const volatile uint32_t *e;

	if (vio_used_idx(d, q) == vq->used_seen)
		return false;
	/* The index before the element it publishes. */
	dsb();
	e = (const volatile uint32_t *)(vq->used + 4 +
					8 * (vq->used_seen % vq->num));
	*id = e[0];
	*len = e[1];
	vq->used_seen++;
	return true;
}
