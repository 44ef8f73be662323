/*
 * virtqueue: guest memory is read with volatile accesses, each field once,
 * into locals that are checked before use; a guest changing a descriptor
 * while it is walked changes what the walk sees, never what it checked.
 */
#include "hv/virtio/virtqueue.h"

#include "lib/fmt.h"
#include "lib/string.h"

#include <stdatomic.h>

static uint16_t ld16(const uint8_t *p)
{
	return *(const volatile uint16_t *)(const void *)p;
}

static uint32_t ld32(const uint8_t *p)
{
	return *(const volatile uint32_t *)(const void *)p;
}

static uint64_t ld64(const uint8_t *p)
{
	return *(const volatile uint64_t *)(const void *)p;
}

static void st16(uint8_t *p, uint16_t v)
{
	*(volatile uint16_t *)(void *)p = v;
}

static void st32(uint8_t *p, uint32_t v)
{
	*(volatile uint32_t *)(void *)p = v;
}

uint8_t *vq_mem_ptr(const struct vq_mem *m, uint64_t ipa, uint64_t len)
{
	if (ipa < m->ipa || len > m->size || ipa - m->ipa > m->size - len)
		return NULL;
	return m->host + (ipa - m->ipa);
}

void vq_reset(struct virtqueue *q)
{
	*q = (struct virtqueue){0};
}

static enum vq_status bad_ring(struct vq_fault *f, uint32_t num, unsigned ring,
			       uint64_t addr, uint64_t len)
{
	*f = (struct vq_fault){.status = VQ_BAD_RING,
			       .num = num,
			       .index = ring,
			       .addr = addr,
			       .len = len};
	return VQ_BAD_RING;
}

/* A ring must be aligned (2.7: 16, 2 and 4 bytes) and wholly in RAM. */
static uint8_t *ring_ptr(const struct vq_mem *m, uint64_t addr, uint64_t len,
			 uint64_t align)
{
	if (addr & (align - 1))
		return NULL;
	return vq_mem_ptr(m, addr, len);
}

enum vq_status vq_enable(struct virtqueue *q, const struct vq_mem *m,
			 struct vq_fault *f)
{
	uint64_t num = q->num;
	/* used_event and avail_event included, whatever was negotiated. */
	uint64_t desc_len = num * VIRTQ_DESC_SIZE;
	uint64_t avail_len = VIRTQ_AVAIL_RING + 2 * num + 2;
	uint64_t used_len = VIRTQ_USED_RING + VIRTQ_USED_ELEM_SIZE * num + 2;

	q->ready = false;
	if (num == 0 || num > VQ_NUM_MAX || (num & (num - 1)) != 0) {
		*f = (struct vq_fault){.status = VQ_BAD_SIZE, .num = q->num};
		return VQ_BAD_SIZE;
	}
	q->desc = ring_ptr(m, q->desc_ipa, desc_len, 16);
	if (q->desc == NULL)
		return bad_ring(f, q->num, VQ_RING_DESC, q->desc_ipa, desc_len);
	q->avail = ring_ptr(m, q->avail_ipa, avail_len, 2);
	if (q->avail == NULL)
		return bad_ring(f, q->num, VQ_RING_AVAIL, q->avail_ipa,
				avail_len);
	q->used = ring_ptr(m, q->used_ipa, used_len, 4);
	if (q->used == NULL)
		return bad_ring(f, q->num, VQ_RING_USED, q->used_ipa, used_len);
	q->last_avail = 0;
	q->used_idx = 0;
	q->ready = true;
	return VQ_OK;
}

static enum vq_status fault(struct vq_fault *f, enum vq_status s,
			    const struct virtqueue *q, uint32_t index,
			    uint32_t value)
{
	*f = (struct vq_fault){
	    .status = s, .num = q->num, .index = index, .value = value};
	return s;
}

enum vq_status vq_pop(struct virtqueue *q, const struct vq_mem *m,
		      struct vq_chain *c, struct vq_fault *f)
{
	uint16_t avail_idx = ld16(q->avail + 2);
	uint16_t ahead = (uint16_t)(avail_idx - q->last_avail);
	uint32_t slot = q->last_avail & (q->num - 1);
	uint64_t out_len = 0, in_len = 0;
	uint32_t i, count = 0;

	if (ahead == 0)
		return VQ_EMPTY;
	if (ahead > q->num)
		return fault(f, VQ_BAD_AVAIL_IDX, q, q->last_avail, avail_idx);
	/* The ring entries and descriptors are read after the index. */
	atomic_thread_fence(memory_order_acquire);
	i = ld16(q->avail + VIRTQ_AVAIL_RING + 2 * slot);
	if (i >= q->num)
		return fault(f, VQ_BAD_HEAD, q, slot, i);
	c->head = (uint16_t)i;
	c->out_count = c->in_count = 0;
	for (;;) {
		const uint8_t *d = q->desc + (uint64_t)i * VIRTQ_DESC_SIZE;
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
		uint8_t *p;

		/* num descriptors visited and one more: some came twice. */
		if (count == q->num)
			return fault(f, VQ_LOOP, q, c->head, 0);
		addr = ld64(d);
		len = ld32(d + 8);
		flags = ld16(d + 12);
		next = ld16(d + 14);
		if (flags & VIRTQ_DESC_F_INDIRECT)
			return fault(f, VQ_INDIRECT, q, i, 0);
		p = vq_mem_ptr(m, addr, len);
		if (p == NULL) {
			fault(f, VQ_BAD_BUFFER, q, i, 0);
			f->addr = addr;
			f->len = len;
			return VQ_BAD_BUFFER;
		}
		if (flags & VIRTQ_DESC_F_WRITE) {
			c->in_count++;
			in_len += len;
		} else {
			if (c->in_count != 0)
				return fault(f, VQ_WRITE_THEN_READ, q, i, 0);
			c->out_count++;
			out_len += len;
		}
		if (out_len > UINT32_MAX || in_len > UINT32_MAX)
			return fault(f, VQ_TOO_LONG, q, c->head, 0);
		c->seg[count++] = (struct vq_seg){p, len};
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		if (next >= q->num)
			return fault(f, VQ_BAD_NEXT, q, i, next);
		i = next;
	}
	c->out_len = (uint32_t)out_len;
	c->in_len = (uint32_t)in_len;
	q->last_avail++;
	return VQ_OK;
}

void vq_push(struct virtqueue *q, uint16_t head, uint32_t len)
{
	uint8_t *e = q->used + VIRTQ_USED_RING +
		     (q->used_idx & (q->num - 1)) * VIRTQ_USED_ELEM_SIZE;

	st32(e, head);
	st32(e + 4, len);
	/* The element is visible before the index that publishes it. */
	atomic_thread_fence(memory_order_release);
	q->used_idx++;
	st16(q->used + 2, q->used_idx);
}

bool vq_wants_interrupt(const struct virtqueue *q)
{
	/* The used index is visible before the driver's flags are read
	 * (2.7.7.2), so a driver re-enabling interrupts is not missed. */
	atomic_thread_fence(memory_order_seq_cst);
	return !(ld16(q->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

uint32_t vq_chain_read(const struct vq_chain *c, uint32_t off, void *dst,
		       uint32_t len)
{
	uint8_t *out = dst;
	uint32_t done = 0;

	for (unsigned s = 0; s < c->out_count && done < len; s++) {
		const struct vq_seg *g = &c->seg[s];
		uint32_t n;

		if (off >= g->len) {
			off -= g->len;
			continue;
		}
		n = g->len - off < len - done ? g->len - off : len - done;
		memcpy(out + done, g->p + off, n);
		done += n;
		off = 0;
	}
	return done;
}

uint32_t vq_chain_write(const struct vq_chain *c, uint32_t off, const void *src,
			uint32_t len)
{
	const uint8_t *in = src;
	uint32_t done = 0;

	for (unsigned s = c->out_count;
	     s < c->out_count + c->in_count && done < len; s++) {
		const struct vq_seg *g = &c->seg[s];
		uint32_t n;

		if (off >= g->len) {
			off -= g->len;
			continue;
		}
		n = g->len - off < len - done ? g->len - off : len - done;
		memcpy(g->p + off, in + done, n);
		done += n;
		off = 0;
	}
	return done;
}

static const char *const ring_names[] = {
    [VQ_RING_DESC] = "descriptor table",
    [VQ_RING_AVAIL] = "available ring",
    [VQ_RING_USED] = "used ring",
};

static const unsigned ring_align[] = {
    [VQ_RING_DESC] = 16,
    [VQ_RING_AVAIL] = 2,
    [VQ_RING_USED] = 4,
};

void vq_fault_describe(const struct vq_fault *f, char *buf, size_t size)
{
	unsigned long long a = f->addr, l = f->len;

	switch (f->status) {
	case VQ_BAD_SIZE:
		fmt_snprintf(buf, size,
			     "queue size %u is not a power of 2 from 1 to %u",
			     f->num, VQ_NUM_MAX);
		break;
	case VQ_BAD_RING:
		if (a & (ring_align[f->index] - 1))
			fmt_snprintf(
			    buf, size, "%s at 0x%llx is not %u-byte aligned",
			    ring_names[f->index], a, ring_align[f->index]);
		else
			fmt_snprintf(buf, size,
				     "%s [0x%llx, +0x%llx) is outside RAM",
				     ring_names[f->index], a, l);
		break;
	case VQ_BAD_AVAIL_IDX:
		fmt_snprintf(buf, size,
			     "available index jumped from %u to %u "
			     "(queue size %u)",
			     f->index, f->value, f->num);
		break;
	case VQ_BAD_HEAD:
		fmt_snprintf(buf, size,
			     "available entry %u: head %u is outside the queue "
			     "(size %u)",
			     f->index, f->value, f->num);
		break;
	case VQ_BAD_NEXT:
		fmt_snprintf(buf, size,
			     "descriptor %u: next %u is outside the queue "
			     "(size %u)",
			     f->index, f->value, f->num);
		break;
	case VQ_LOOP:
		fmt_snprintf(buf, size,
			     "chain from head %u is longer than the queue "
			     "(size %u): it loops",
			     f->index, f->num);
		break;
	case VQ_BAD_BUFFER:
		fmt_snprintf(buf, size,
			     "descriptor %u: buffer [0x%llx, +0x%llx) is "
			     "outside RAM",
			     f->index, a, l);
		break;
	case VQ_INDIRECT:
		fmt_snprintf(buf, size,
			     "descriptor %u: indirect descriptors were not "
			     "offered",
			     f->index);
		break;
	case VQ_WRITE_THEN_READ:
		fmt_snprintf(buf, size,
			     "descriptor %u: device-readable after "
			     "device-writable",
			     f->index);
		break;
	default: /* VQ_TOO_LONG; VQ_OK and VQ_EMPTY are no faults */
		fmt_snprintf(buf, size,
			     "chain from head %u holds more than 4 GiB - 1 "
			     "bytes one way",
			     f->index);
		break;
	}
}
