/*
 * fuzz_virtqueue: libFuzzer target for the split virtqueue walker
 * (hv/virtio/virtqueue.c) over a fake guest RAM.
 *
 * The input builds a queue and drives it. Its first bytes choose the queue
 * size (a power of 2 up to 128 mostly, any 16-bit value sometimes) and
 * where the rings lie (aligned inside RAM mostly; misaligned, straddling or
 * outside the end sometimes); then come the descriptors in a compact form
 * whose addresses fall around the RAM window (some below it, some past its
 * end), whose lengths are small or huge, with any flags and next indices,
 * then the available ring's heads. The rest is a script: take a chain
 * (then write into its writable buffers and return it), publish more
 * entries or jump the available index, poke a byte of RAM (rings and
 * buffers may overlap, and the device's used ring writes land in them
 * too), ask whether an interrupt is wanted, reset and enable again.
 *
 * Checked: RAM is a heap block of its exact size, so any access outside
 * it is an ASan report; every enable and every pop answers what an
 * independent reading of the rules (below) expects, chains included
 * (head, segments, lengths, every buffer inside RAM, readable before
 * writable, no more than the queue size); a fault is always described;
 * after a fault the queue is left as it was, as a device then stops.
 * A walk that did not end would be a libFuzzer timeout. (VQ_TOO_LONG needs
 * more than 4 GiB in at most 128 buffers inside RAM, so RAM over 32 MiB:
 * the unit test has it, this 8 KiB RAM cannot.)
 */
#include "hv/virtio/virtqueue.h"

#include <stdlib.h>
#include <string.h>

#define RAM_IPA	 0x40000000ull
#define RAM_SIZE 0x2000ull
#define AVAIL	 0x0800ull
#define USED	 0x0a00ull

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->left > 0; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static uint8_t *ram;
static const struct vq_mem *mem;

/* The rules, read again from VIRTIO 1.2 2.7 and hv/virtio/virtqueue.h. */

static uint64_t rd(uint64_t off, unsigned bytes)
{
	uint64_t v = 0;

	memcpy(&v, ram + off, bytes);
	return v;
}

static bool inside(uint64_t ipa, uint64_t len)
{
	return ipa >= RAM_IPA && len <= RAM_SIZE &&
	       ipa - RAM_IPA <= RAM_SIZE - len;
}

static enum vq_status expect_enable(const struct virtqueue *q)
{
	uint64_t n = q->num;

	if (n == 0 || n > VQ_NUM_MAX || (n & (n - 1)))
		return VQ_BAD_SIZE;
	if ((q->desc_ipa % 16) || !inside(q->desc_ipa, 16 * n) ||
	    (q->avail_ipa % 2) || !inside(q->avail_ipa, 6 + 2 * n) ||
	    (q->used_ipa % 4) || !inside(q->used_ipa, 6 + 8 * n))
		return VQ_BAD_RING;
	return VQ_OK;
}

struct expected {
	enum vq_status status;
	uint16_t head;
	unsigned out_count, in_count;
	uint64_t out_len, in_len;
};

static struct expected expect_pop(const struct virtqueue *q)
{
	uint64_t avail = q->avail_ipa - RAM_IPA, desc = q->desc_ipa - RAM_IPA;
	uint16_t idx = (uint16_t)rd(avail + 2, 2);
	struct expected e = {.status = VQ_OK};
	unsigned visited = 0;
	uint32_t i;

	if (idx == q->last_avail)
		return (struct expected){.status = VQ_EMPTY};
	if ((uint16_t)(idx - q->last_avail) > q->num)
		return (struct expected){.status = VQ_BAD_AVAIL_IDX};
	i = (uint32_t)rd(avail + 4 + 2 * (q->last_avail % q->num), 2);
	if (i >= q->num)
		return (struct expected){.status = VQ_BAD_HEAD};
	e.head = (uint16_t)i;
	for (;;) {
		uint64_t d = desc + 16ull * i;
		uint64_t addr = rd(d, 8), len = rd(d + 8, 4);
		unsigned flags = (unsigned)rd(d + 12, 2);

		if (++visited > q->num)
			return (struct expected){.status = VQ_LOOP};
		if (flags & VIRTQ_DESC_F_INDIRECT)
			return (struct expected){.status = VQ_INDIRECT};
		if (!inside(addr, len))
			return (struct expected){.status = VQ_BAD_BUFFER};
		if (flags & VIRTQ_DESC_F_WRITE) {
			e.in_count++;
			e.in_len += len;
		} else if (e.in_count) {
			return (struct expected){.status = VQ_WRITE_THEN_READ};
		} else {
			e.out_count++;
			e.out_len += len;
		}
		if (e.out_len > 0xffffffffull || e.in_len > 0xffffffffull)
			return (struct expected){.status = VQ_TOO_LONG};
		if (!(flags & VIRTQ_DESC_F_NEXT))
			return e;
		i = (uint32_t)rd(d + 14, 2);
		if (i >= q->num)
			return (struct expected){.status = VQ_BAD_NEXT};
	}
}

static void check_described(const struct vq_fault *f)
{
	char buf[160];

	memset(buf, 0x55, sizeof(buf));
	vq_fault_describe(f, buf, sizeof(buf));
	CHECK(memchr(buf, '\0', sizeof(buf)) != NULL && buf[0] != '\0');
}

static bool enable(struct virtqueue *q)
{
	struct vq_fault f;
	enum vq_status want = expect_enable(q), got = vq_enable(q, mem, &f);

	CHECK(got == want);
	CHECK(q->ready == (got == VQ_OK));
	if (got != VQ_OK) {
		CHECK(f.status == got);
		check_described(&f);
		return false;
	}
	CHECK(q->last_avail == 0 && q->used_idx == 0);
	return true;
}

/* A chain the walker gave: what the rules expect, all of it in RAM. */
static void check_chain(const struct vq_chain *c, const struct expected *e,
			const struct virtqueue *q)
{
	uint64_t out = 0, in = 0;

	CHECK(c->head == e->head);
	CHECK(c->out_count == e->out_count && c->in_count == e->in_count);
	CHECK(c->out_len == e->out_len && c->in_len == e->in_len);
	CHECK((unsigned)c->out_count + c->in_count <= q->num);
	for (unsigned s = 0; s < (unsigned)c->out_count + c->in_count; s++) {
		const struct vq_seg *g = &c->seg[s];

		CHECK(g->p >= ram && g->p <= ram + RAM_SIZE);
		CHECK(g->len <= (uint64_t)(ram + RAM_SIZE - g->p));
		if (s < c->out_count)
			out += g->len;
		else
			in += g->len;
	}
	CHECK(out == c->out_len && in == c->in_len);
}

/* Takes a chain; on success reads it all, fills what is writable and
 * returns it. False once the queue is at fault. */
static bool pop(struct virtqueue *q, struct vq_chain *c)
{
	struct expected e = expect_pop(q);
	uint16_t before = q->last_avail;
	struct vq_fault f;
	enum vq_status s = vq_pop(q, mem, c, &f);
	static uint8_t scratch[RAM_SIZE + 1];

	CHECK(s == e.status);
	if (s == VQ_EMPTY) {
		CHECK(q->last_avail == before);
		return true;
	}
	if (s != VQ_OK) {
		CHECK(f.status == s && q->last_avail == before);
		check_described(&f);
		return false;
	}
	check_chain(c, &e, q);
	CHECK(q->last_avail == (uint16_t)(before + 1));
	/* Within RAM, a chain's bytes one way can exceed RAM (buffers may
	 * overlap): copy what fits. */
	CHECK(vq_chain_read(c, 0, scratch,
			    c->out_len < sizeof(scratch)
				? c->out_len
				: (uint32_t)sizeof(scratch)) ==
	      (c->out_len < sizeof(scratch) ? c->out_len : sizeof(scratch)));
	memset(scratch, 0xc3, sizeof(scratch));
	CHECK(vq_chain_write(c, 0, scratch,
			     c->in_len < sizeof(scratch)
				 ? c->in_len
				 : (uint32_t)sizeof(scratch)) ==
	      (c->in_len < sizeof(scratch) ? c->in_len : sizeof(scratch)));
	vq_push(q, c->head, c->in_len);
	return true;
}

/* Ring places: aligned and inside by default; a few inputs move them. */
static void place_rings(struct virtqueue *q, struct input *in)
{
	uint8_t mode = (uint8_t)take(in, 1);

	q->desc_ipa = RAM_IPA;
	q->avail_ipa = RAM_IPA + AVAIL;
	q->used_ipa = RAM_IPA + USED;
	if ((mode & 0xe0) != 0xe0)
		return;
	if (mode & 1)
		q->desc_ipa += 8;
	if (mode & 2)
		q->avail_ipa += 1;
	if (mode & 4)
		q->used_ipa += 2;
	if (mode & 8)
		q->desc_ipa = RAM_IPA + RAM_SIZE - 16 * (take(in, 1) & 0x7f);
	if (mode & 16)
		q->used_ipa = RAM_IPA + RAM_SIZE - 4 * (take(in, 1) & 0x7f);
}

/* Descriptor i from 6 input bytes: an address around RAM, a length that
 * is mostly small, any flags (indirect rarely), a next index. */
static void put_desc(uint64_t table, unsigned i, uint32_t num, struct input *in)
{
	uint16_t off = (uint16_t)take(in, 2);
	uint16_t len = (uint16_t)take(in, 2);
	uint8_t fl = (uint8_t)take(in, 1);
	uint8_t next = (uint8_t)take(in, 1);
	uint64_t addr = RAM_IPA + off % (RAM_SIZE + 0x40) - 0x20;
	uint32_t l = (fl & 0x80) ? 0xffffffffu - len : len % 0x400u;
	uint16_t flags = fl & (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	/* A next index inside the queue, but for a quarter of them. */
	uint16_t nx = (fl & 0x60) == 0x60 || num == 0 ? next : next % num;

	if ((fl & 0x1c) == 0x1c)
		flags |= VIRTQ_DESC_F_INDIRECT;
	if (table + 16ull * i + 16 > RAM_SIZE)
		return;
	memcpy(ram + table + 16ull * i, &addr, 8);
	memcpy(ram + table + 16ull * i + 8, &l, 4);
	memcpy(ram + table + 16ull * i + 12, &flags, 2);
	memcpy(ram + table + 16ull * i + 14, &nx, 2);
}

static void run(struct input *in)
{
	static struct vq_chain chain;
	struct virtqueue q;
	uint8_t b0 = (uint8_t)take(in, 1);
	uint16_t avail_idx = 0;
	uint64_t table;
	unsigned heads;

	vq_reset(&q);
	q.num = (b0 & 0x80) ? (uint32_t)take(in, 2) : 1u << (b0 % 8);
	place_rings(&q, in);
	/* Descriptors and heads go where the layout says, if in RAM. */
	table = q.desc_ipa - RAM_IPA;
	for (unsigned i = 0;
	     i < (q.num < VQ_NUM_MAX ? q.num : VQ_NUM_MAX) && table < RAM_SIZE;
	     i++)
		put_desc(table, i, q.num, in);
	heads = (unsigned)take(in, 1);
	for (unsigned i = 0; i < heads; i++) {
		uint64_t a = AVAIL + 4 + 2ull * (i % VQ_NUM_MAX);

		ram[a] = (uint8_t)take(in, 1);
		ram[a + 1] = 0;
	}
	if (!enable(&q))
		return;
	while (in->left > 0) {
		uint8_t op = (uint8_t)take(in, 1);
		uint8_t arg = (uint8_t)take(in, 1);

		switch (op % 8) {
		case 1:
			avail_idx = (uint16_t)(avail_idx + arg % (q.num + 2));
			memcpy(q.avail + 2, &avail_idx, 2);
			break;
		case 2:
			avail_idx = (uint16_t)(arg | take(in, 1) << 8);
			memcpy(q.avail + 2, &avail_idx, 2);
			break;
		case 3:
			ram[(arg | take(in, 1) << 8) % RAM_SIZE] =
			    (uint8_t)take(in, 1);
			break;
		case 4:
			/* The flags decide, whatever else they hold. */
			CHECK(vq_wants_interrupt(&q) ==
			      !(rd(q.avail_ipa - RAM_IPA, 2) &
				VIRTQ_AVAIL_F_NO_INTERRUPT));
			break;
		case 5:
			q.ready = false;
			if (!enable(&q))
				return;
			/* As a driver does: a fresh available index. */
			avail_idx = 0;
			memcpy(q.avail + 2, &avail_idx, 2);
			break;
		default:
			if (!pop(&q, &chain))
				return;
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct vq_mem m;

	ram = calloc(1, RAM_SIZE);
	CHECK(ram != NULL);
	m = (struct vq_mem){RAM_IPA, RAM_SIZE, ram};
	mem = &m;
	run(&in);
	free(ram);
	return 0;
}
