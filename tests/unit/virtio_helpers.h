/*
 * virtio_helpers: the guest's side of a virtio-mmio device for the unit
 * tests - a minimal driver that negotiates, lays out split virtqueues in
 * the VM's RAM, builds chains and reads the used rings - plus register
 * accesses made the way the MMIO bus makes them (write, then after_write).
 */
#ifndef TEST_VIRTIO_HELPERS_H
#define TEST_VIRTIO_HELPERS_H

#include "helpers.h"

#include "hv/virtio/virtio_mmio.h"

#include <hal/mm.h>

/* Queue q's rings at RING_IPA + q * 0x10000: descriptors, then the
 * available ring at +0x1000, the used ring at +0x2000. */
#define TV_RING_IPA (TEST_RAM_IPA + 0x100000)
#define TV_DATA_IPA (TEST_RAM_IPA + 0x180000)

struct tv_queue {
	uint32_t num;
	uint16_t avail_idx;
	uint16_t next_desc;
	uint16_t used_seen;
};

struct tv_driver {
	struct virtio_mmio *t;
	struct tv_queue q[VIRTIO_MMIO_QUEUES];
};

/* A buffer of a chain: guest address, length, device-writable. */
struct tv_seg {
	uint64_t ipa;
	uint32_t len;
	bool write;
};

static inline uint8_t *tv_ram(struct vm *vm, uint64_t ipa)
{
	uint64_t off = ipa - ipa_addr(vm->cfg->ram_ipa);

	return hal_pa_to_ptr(pa_init(pa_addr(vm->cfg->ram_pa) + off), 1);
}

static inline uint64_t tv_desc(unsigned q)
{
	return TV_RING_IPA + q * 0x10000ull;
}

static inline uint64_t tv_avail(unsigned q)
{
	return tv_desc(q) + 0x1000;
}

static inline uint64_t tv_used(unsigned q)
{
	return tv_desc(q) + 0x2000;
}

static inline void tv_put(struct vm *vm, uint64_t ipa, uint64_t v,
			  unsigned bytes)
{
	memcpy(tv_ram(vm, ipa), &v, bytes);
}

static inline uint64_t tv_get(struct vm *vm, uint64_t ipa, unsigned bytes)
{
	uint64_t v = 0;

	memcpy(&v, tv_ram(vm, ipa), bytes);
	return v;
}

static inline uint64_t tv_rd(struct virtio_mmio *t, uint64_t off)
{
	uint64_t val = 0xdeadbeefdeadbeefull;

	assert_int_equal(virtio_mmio_ops.read(t, NULL, off, 4, &val), HV_OK);
	return val;
}

/* A 32-bit store as the bus makes it: the write, then after_write. */
static inline void tv_wr(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	assert_int_equal(virtio_mmio_ops.write(t, NULL, off, 4, val), HV_OK);
	virtio_mmio_ops.after_write(t, NULL);
}

/* Status ACKNOWLEDGE | DRIVER, then the features, then FEATURES_OK. */
static inline void tv_negotiate(struct virtio_mmio *t, uint64_t features)
{
	tv_wr(t, VIRTIO_MMIO_STATUS,
	      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	tv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	tv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	tv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	tv_wr(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	tv_wr(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
}

/* Queue q of num entries at its place, zeroed, and ready. */
static inline void tv_queue_setup(struct tv_driver *d, unsigned q, uint32_t num)
{
	struct virtio_mmio *t = d->t;

	memset(tv_ram(t->vm, tv_desc(q)), 0, 0x3000);
	d->q[q] = (struct tv_queue){.num = num};
	tv_wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
	tv_wr(t, VIRTIO_MMIO_QUEUE_NUM, num);
	tv_wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)tv_desc(q));
	tv_wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	tv_wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)tv_avail(q));
	tv_wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	tv_wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)tv_used(q));
	tv_wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	tv_wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(tv_rd(t, VIRTIO_MMIO_QUEUE_READY), 1);
}

/* The whole bring-up (3.1.1): features, queues of num entries, DRIVER_OK. */
static inline void tv_driver_start(struct tv_driver *d, struct virtio_mmio *t,
				   uint64_t features, uint32_t num)
{
	d->t = t;
	tv_negotiate(t, features);
	for (unsigned q = 0; q < t->queue_count; q++)
		tv_queue_setup(d, q, num);
	tv_wr(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(tv_rd(t, VIRTIO_MMIO_STATUS),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			     VIRTIO_STATUS_FEATURES_OK |
			     VIRTIO_STATUS_DRIVER_OK);
}

/* Writes descriptor i of queue q. */
static inline void tv_put_desc(struct tv_driver *d, unsigned q, unsigned i,
			       uint64_t addr, uint32_t len, uint16_t flags,
			       uint16_t next)
{
	struct vm *vm = d->t->vm;
	uint64_t a = tv_desc(q) + 16ull * i;

	tv_put(vm, a, addr, 8);
	tv_put(vm, a + 8, len, 4);
	tv_put(vm, a + 12, flags, 2);
	tv_put(vm, a + 14, next, 2);
}

/* Makes the chain at head available (no notification). */
static inline void tv_offer(struct tv_driver *d, unsigned q, uint16_t head)
{
	struct tv_queue *tq = &d->q[q];
	struct vm *vm = d->t->vm;

	tv_put(vm, tv_avail(q) + 4 + 2 * (tq->avail_idx & (tq->num - 1)), head,
	       2);
	tq->avail_idx++;
	tv_put(vm, tv_avail(q) + 2, tq->avail_idx, 2);
}

/* Builds a chain of count buffers on the next free descriptors and makes
 * it available; returns its head. */
static inline uint16_t tv_chain(struct tv_driver *d, unsigned q,
				const struct tv_seg *s, unsigned count)
{
	struct tv_queue *tq = &d->q[q];
	uint16_t head = tq->next_desc;

	for (unsigned i = 0; i < count; i++) {
		uint16_t me = (uint16_t)((head + i) % tq->num);
		uint16_t flags = (i + 1 < count ? VIRTQ_DESC_F_NEXT : 0) |
				 (s[i].write ? VIRTQ_DESC_F_WRITE : 0);

		tv_put_desc(d, q, me, s[i].ipa, s[i].len, flags,
			    (uint16_t)((me + 1) % tq->num));
	}
	tq->next_desc = (uint16_t)((head + count) % tq->num);
	tv_offer(d, q, head);
	return head;
}

static inline void tv_kick(struct tv_driver *d, unsigned q)
{
	tv_wr(d->t, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* The used ring's index. */
static inline uint16_t tv_used_idx(struct tv_driver *d, unsigned q)
{
	return (uint16_t)tv_get(d->t->vm, tv_used(q) + 2, 2);
}

/* Takes the next used element; fails the test when there is none. */
static inline void tv_take_used(struct tv_driver *d, unsigned q, uint32_t *id,
				uint32_t *len)
{
	struct tv_queue *tq = &d->q[q];
	uint64_t e;

	assert_true(tq->used_seen != tv_used_idx(d, q));
	e = tv_used(q) + 4 + 8ull * (tq->used_seen & (tq->num - 1));
	*id = (uint32_t)tv_get(d->t->vm, e, 4);
	*len = (uint32_t)tv_get(d->t->vm, e + 4, 4);
	tq->used_seen++;
}

/* The level the device drives on its SPI, as the vGIC sees it. */
static inline bool tv_spi_level(struct virtio_mmio *t)
{
	return t->vm->vgic.spi[t->intid - 32].level;
}

#endif
