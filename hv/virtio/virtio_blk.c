/* virtio_blk: each request is served whole while the queue is walked. */
#include "hv/virtio/virtio_blk.h"

#include "lib/string.h"

#include <hal/mm.h>

#include <stddef.h>

#define REQQ 0u

_Static_assert(offsetof(struct virtio_blk, t) == 0,
	       "the transport is the device's first member");

static struct virtio_blk *blk_of(struct virtio_mmio *t)
{
	return (struct virtio_blk *)t;
}

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The byte offset of len bytes from sector when they are whole sectors
 * inside the disk. */
static bool disk_range(const struct virtio_blk *b, uint64_t sector,
		       uint32_t len, uint64_t *off)
{
	if (len % VIRTIO_BLK_SECTOR != 0 || sector > b->sectors ||
	    len / VIRTIO_BLK_SECTOR > b->sectors - sector)
		return false;
	*off = sector * VIRTIO_BLK_SECTOR;
	return true;
}

/* Serves t->chain; returns the bytes written before the status byte, and
 * the status in *status. */
static uint32_t serve(struct virtio_blk *b, uint32_t type, uint64_t sector,
		      uint8_t *status)
{
	const struct vq_chain *c = &b->t.chain;
	uint32_t in = c->in_len - 1; /* room before the status byte */
	uint32_t out = c->out_len - VIRTIO_BLK_HEADER;
	uint64_t off;

	*status = VIRTIO_BLK_S_OK;
	switch (type) {
	case VIRTIO_BLK_T_IN:
		if (!disk_range(b, sector, in, &off)) {
			*status = VIRTIO_BLK_S_IOERR;
			return 0;
		}
		return vq_chain_write(c, 0, b->disk + off, in);
	case VIRTIO_BLK_T_OUT:
		if (b->read_only || !disk_range(b, sector, out, &off))
			*status = VIRTIO_BLK_S_IOERR;
		else
			vq_chain_read(c, VIRTIO_BLK_HEADER, b->disk + off, out);
		return 0;
	case VIRTIO_BLK_T_FLUSH:
		if (!(b->t.driver_features & VIRTIO_BLK_F_FLUSH))
			*status = VIRTIO_BLK_S_UNSUPP;
		return 0;
	case VIRTIO_BLK_T_GET_ID:
		return vq_chain_write(c, 0, b->id,
				      in < sizeof(b->id) ? in : sizeof(b->id));
	default:
		*status = VIRTIO_BLK_S_UNSUPP;
		return 0;
	}
}

static void blk_notify(struct virtio_mmio *t, unsigned queue)
{
	struct virtio_blk *b = blk_of(t);
	const struct vq_chain *c = &t->chain;

	(void)queue;
	for (unsigned i = 0; i < VQ_NUM_MAX; i++) {
		uint8_t hdr[VIRTIO_BLK_HEADER], status;
		uint32_t n;

		if (virtio_mmio_pop(t, REQQ) != VQ_OK)
			return;
		if (c->out_len < VIRTIO_BLK_HEADER || c->in_len == 0) {
			virtio_mmio_fail(
			    t,
			    "queue 0: request at descriptor %u has "
			    "%u readable and %u writable bytes "
			    "(16 and 1 at least)",
			    c->head, c->out_len, c->in_len);
			return;
		}
		vq_chain_read(c, 0, hdr, sizeof(hdr));
		n = serve(b, (uint32_t)le(hdr, 4), le(hdr + 8, 8), &status);
		vq_chain_write(c, c->in_len - 1, &status, 1);
		virtio_mmio_push(t, REQQ, n + 1);
	}
}

static const struct virtio_device_ops blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .notify = blk_notify,
};

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

enum hv_err virtio_blk_init(struct virtio_blk *b, struct vm *vm, unsigned slot,
			    paddr_t disk, uint64_t size, bool read_only,
			    const char *id)
{
	enum hv_err err;
	size_t i;

	b->disk = hal_pa_to_ptr(disk, size);
	if (b->disk == NULL)
		return HV_ERR_RANGE;
	err = virtio_mmio_init(&b->t, vm, slot, &blk_ops, 1);
	if (err != HV_OK)
		return err;
	b->sectors = size / VIRTIO_BLK_SECTOR;
	b->read_only = read_only;
	memset(b->id, 0, sizeof(b->id));
	for (i = 0; i < sizeof(b->id) && id[i] != '\0'; i++)
		b->id[i] = id[i];
	memset(b->config, 0, sizeof(b->config));
	put_le32(b->config, (uint32_t)b->sectors);
	put_le32(b->config + 4, (uint32_t)(b->sectors >> 32));
	/* seg_max: what a chain of VQ_NUM_MAX holds besides header and
	 * status; size_max, geometry and blk_size are not offered. */
	put_le32(b->config + 12, VQ_NUM_MAX - 2);
	b->t.device_features |= VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH;
	if (read_only)
		b->t.device_features |= VIRTIO_BLK_F_RO;
	b->t.config = b->config;
	b->t.config_size = VIRTIO_BLK_CONFIG_SIZE;
	return HV_OK;
}
