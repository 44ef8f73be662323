/*
 * Unit tests of hv/virtio/virtqueue.c: the split virtqueue walker over a
 * fake guest RAM, and its exact answer to each malformed queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "hv/virtio/virtqueue.h"

#define RAM_IPA	 0x40000000ull
#define RAM_SIZE 0x10000ull
#define DESC	 (RAM_IPA + 0x0000)
#define AVAIL	 (RAM_IPA + 0x1000)
#define USED	 (RAM_IPA + 0x2000)
#define DATA	 (RAM_IPA + 0x4000)

static _Alignas(16) uint8_t ram[RAM_SIZE];
static const struct vq_mem mem = {RAM_IPA, RAM_SIZE, ram};
static struct virtqueue q;
static struct vq_chain c;
static struct vq_fault f;
static uint16_t avail_idx;

static uint8_t *at(uint64_t ipa)
{
	return &ram[ipa - RAM_IPA];
}

static void put16(uint64_t ipa, uint16_t v)
{
	memcpy(at(ipa), &v, 2);
}

static void put32(uint64_t ipa, uint32_t v)
{
	memcpy(at(ipa), &v, 4);
}

static void put64(uint64_t ipa, uint64_t v)
{
	memcpy(at(ipa), &v, 8);
}

static uint32_t get32(uint64_t ipa)
{
	uint32_t v;

	memcpy(&v, at(ipa), 4);
	return v;
}

static uint16_t get16(uint64_t ipa)
{
	uint16_t v;

	memcpy(&v, at(ipa), 2);
	return v;
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	uint64_t d = DESC + 16ull * i;

	put64(d, addr);
	put32(d + 8, len);
	put16(d + 12, flags);
	put16(d + 14, next);
}

/* Makes head available and publishes the new index. */
static void offer(uint16_t head)
{
	put16(AVAIL + 4 + 2 * (avail_idx & (q.num - 1)), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
}

static void setup_queue(uint32_t num)
{
	memset(ram, 0, sizeof(ram));
	avail_idx = 0;
	vq_reset(&q);
	q.num = num;
	q.desc_ipa = DESC;
	q.avail_ipa = AVAIL;
	q.used_ipa = USED;
	assert_int_equal(vq_enable(&q, &mem, &f), VQ_OK);
}

static int setup(void **state)
{
	(void)state;
	setup_queue(8);
	memset(&c, 0, sizeof(c));
	memset(&f, 0, sizeof(f));
	return 0;
}

static const char *described(void)
{
	static char buf[160];

	vq_fault_describe(&f, buf, sizeof(buf));
	return buf;
}

static void test_vq_mem_ptr_takes_only_ranges_wholly_inside(void **st)
{
	(void)st;
	assert_ptr_equal(vq_mem_ptr(&mem, RAM_IPA, RAM_SIZE), ram);
	assert_ptr_equal(vq_mem_ptr(&mem, RAM_IPA + RAM_SIZE - 4, 4),
			 ram + RAM_SIZE - 4);
	/* Empty, at the very end: nothing to reach, nothing outside. */
	assert_ptr_equal(vq_mem_ptr(&mem, RAM_IPA + RAM_SIZE, 0),
			 ram + RAM_SIZE);
	assert_null(vq_mem_ptr(&mem, RAM_IPA + RAM_SIZE - 4, 5));
	assert_null(vq_mem_ptr(&mem, RAM_IPA + RAM_SIZE, 1));
	assert_null(vq_mem_ptr(&mem, RAM_IPA - 1, 2));
	assert_null(vq_mem_ptr(&mem, RAM_IPA, RAM_SIZE + 1));
	assert_null(vq_mem_ptr(&mem, 0, 1));
	/* An end past 2^64 never wraps into RAM. */
	assert_null(vq_mem_ptr(&mem, RAM_IPA + 0x10, UINT64_MAX - 0x8));
	assert_null(vq_mem_ptr(&mem, UINT64_MAX - 4, 0x10));
}

static void enable_fails(uint32_t num, uint64_t d, uint64_t a, uint64_t u,
			 enum vq_status want, const char *msg)
{
	vq_reset(&q);
	q.num = num;
	q.desc_ipa = d;
	q.avail_ipa = a;
	q.used_ipa = u;
	assert_int_equal(vq_enable(&q, &mem, &f), want);
	assert_false(q.ready);
	assert_string_equal(described(), msg);
}

static void test_vq_enable_refuses_bad_sizes(void **st)
{
	(void)st;
	enable_fails(0, DESC, AVAIL, USED, VQ_BAD_SIZE,
		     "queue size 0 is not a power of 2 from 1 to 128");
	enable_fails(3, DESC, AVAIL, USED, VQ_BAD_SIZE,
		     "queue size 3 is not a power of 2 from 1 to 128");
	enable_fails(256, DESC, AVAIL, USED, VQ_BAD_SIZE,
		     "queue size 256 is not a power of 2 from 1 to 128");
	enable_fails(0x80000000u, DESC, AVAIL, USED, VQ_BAD_SIZE,
		     "queue size 2147483648 is not a power of 2 from 1 to "
		     "128");
	for (uint32_t n = 1; n <= VQ_NUM_MAX; n *= 2) {
		vq_reset(&q);
		q.num = n;
		q.desc_ipa = DESC;
		q.avail_ipa = AVAIL;
		q.used_ipa = USED;
		assert_int_equal(vq_enable(&q, &mem, &f), VQ_OK);
		assert_true(q.ready);
	}
}

static void test_vq_enable_refuses_misaligned_rings(void **st)
{
	(void)st;
	enable_fails(8, DESC + 8, AVAIL, USED, VQ_BAD_RING,
		     "descriptor table at 0x40000008 is not 16-byte aligned");
	enable_fails(8, DESC, AVAIL + 1, USED, VQ_BAD_RING,
		     "available ring at 0x40001001 is not 2-byte aligned");
	enable_fails(8, DESC, AVAIL, USED + 2, VQ_BAD_RING,
		     "used ring at 0x40002002 is not 4-byte aligned");
	/* The smallest alignments are enough. */
	vq_reset(&q);
	q.num = 8;
	q.desc_ipa = DESC + 0x10;
	q.avail_ipa = AVAIL + 2;
	q.used_ipa = USED + 4;
	assert_int_equal(vq_enable(&q, &mem, &f), VQ_OK);
}

static void test_vq_enable_refuses_rings_outside_ram(void **st)
{
	uint64_t end = RAM_IPA + RAM_SIZE;

	(void)st;
	enable_fails(8, 0x1000, AVAIL, USED, VQ_BAD_RING,
		     "descriptor table [0x1000, +0x80) is outside RAM");
	/* 128 descriptors from 0x10 below the end straddle it. */
	enable_fails(128, end - 0x10, AVAIL, USED, VQ_BAD_RING,
		     "descriptor table [0x4000fff0, +0x800) is outside RAM");
	/* The available ring with used_event: 4 + 2 * 8 + 2 = 22 bytes. */
	enable_fails(8, DESC, end - 20, USED, VQ_BAD_RING,
		     "available ring [0x4000ffec, +0x16) is outside RAM");
	/* The used ring with avail_event: 4 + 8 * 8 + 2 = 70 bytes. */
	enable_fails(8, DESC, AVAIL, end - 68, VQ_BAD_RING,
		     "used ring [0x4000ffbc, +0x46) is outside RAM");
	enable_fails(8, DESC, AVAIL, 0xfffffffffffffff0ull, VQ_BAD_RING,
		     "used ring [0xfffffffffffffff0, +0x46) is outside RAM");
	/* Exactly up to the end is inside. */
	vq_reset(&q);
	q.num = 8;
	q.desc_ipa = end - 0x80;
	q.avail_ipa = end - 22;
	q.used_ipa = end - 72;
	assert_int_equal(vq_enable(&q, &mem, &f), VQ_OK);
}

static void test_vq_enable_starts_both_indices_at_zero(void **st)
{
	(void)st;
	q.last_avail = 5;
	q.used_idx = 7;
	q.ready = false;
	assert_int_equal(vq_enable(&q, &mem, &f), VQ_OK);
	assert_int_equal(q.last_avail, 0);
	assert_int_equal(q.used_idx, 0);
	assert_ptr_equal(q.desc, at(DESC));
	assert_ptr_equal(q.avail, at(AVAIL));
	assert_ptr_equal(q.used, at(USED));
}

static void test_vq_pop_of_an_empty_queue_is_empty(void **st)
{
	(void)st;
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_EMPTY);
	assert_int_equal(q.last_avail, 0);
}

static void test_vq_pop_takes_a_chain_readable_then_writable(void **st)
{
	(void)st;
	desc(3, DATA, 16, VIRTQ_DESC_F_NEXT, 5);
	desc(5, DATA + 0x100, 100, VIRTQ_DESC_F_NEXT, 1);
	desc(1, DATA + 0x200, 7, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	desc(0, DATA + 0x300, 1, VIRTQ_DESC_F_WRITE, 6);
	offer(3);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.out_count, 2);
	assert_int_equal(c.in_count, 2);
	assert_int_equal(c.out_len, 116);
	assert_int_equal(c.in_len, 8);
	assert_ptr_equal(c.seg[0].p, at(DATA));
	assert_int_equal(c.seg[0].len, 16);
	assert_ptr_equal(c.seg[1].p, at(DATA + 0x100));
	assert_ptr_equal(c.seg[2].p, at(DATA + 0x200));
	assert_ptr_equal(c.seg[3].p, at(DATA + 0x300));
	assert_int_equal(c.seg[3].len, 1);
	assert_int_equal(q.last_avail, 1);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_EMPTY);
}

static void test_vq_pop_takes_a_full_ring_and_a_chain_of_every_desc(void **st)
{
	(void)st;
	/* A chain through all 8 descriptors is as long as allowed. */
	for (unsigned i = 0; i < 8; i++)
		desc(i, DATA + i, 1, i < 7 ? VIRTQ_DESC_F_NEXT : 0,
		     (uint16_t)(i + 1));
	for (unsigned i = 0; i < 8; i++)
		offer(0);
	/* Exactly the queue size ahead is a full ring, not a jump. */
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
		assert_int_equal(c.out_count, 8);
	}
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_EMPTY);
}

static void test_vq_pop_available_index_jump_is_refused(void **st)
{
	(void)st;
	desc(0, DATA, 1, 0, 0);
	offer(0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
	put16(AVAIL + 2, 1 + 9);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_BAD_AVAIL_IDX);
	assert_string_equal(described(), "available index jumped from 1 to 10 "
					 "(queue size 8)");
	/* Backwards is a jump of almost 65536. */
	put16(AVAIL + 2, 0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_BAD_AVAIL_IDX);
	assert_string_equal(described(), "available index jumped from 1 to 0 "
					 "(queue size 8)");
	/* Nothing was taken. */
	assert_int_equal(q.last_avail, 1);
}

static void test_vq_pop_head_outside_the_queue_is_refused(void **st)
{
	(void)st;
	desc(0, DATA, 1, 0, 0);
	offer(0);
	offer(8);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_BAD_HEAD);
	assert_string_equal(described(), "available entry 1: head 8 is "
					 "outside the queue (size 8)");
	offer(0xffff);
	q.last_avail = 2;
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_BAD_HEAD);
	assert_string_equal(described(), "available entry 2: head 65535 is "
					 "outside the queue (size 8)");
}

static void test_vq_pop_next_outside_the_queue_is_refused(void **st)
{
	(void)st;
	desc(2, DATA, 1, VIRTQ_DESC_F_NEXT, 4);
	desc(4, DATA, 1, VIRTQ_DESC_F_NEXT, 8);
	offer(2);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_BAD_NEXT);
	assert_string_equal(described(), "descriptor 4: next 8 is outside the "
					 "queue (size 8)");
	assert_int_equal(q.last_avail, 0);
	/* Without F_NEXT the next field means nothing. */
	desc(4, DATA, 1, 0, 0xffff);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
}

static void test_vq_pop_a_loop_ends_at_the_queue_size(void **st)
{
	(void)st;
	desc(6, DATA, 1, VIRTQ_DESC_F_NEXT, 6);
	offer(6);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_LOOP);
	assert_string_equal(described(), "chain from head 6 is longer than "
					 "the queue (size 8): it loops");
	/* A loop that starts further down the chain. */
	desc(0, DATA, 1, VIRTQ_DESC_F_NEXT, 1);
	desc(1, DATA, 1, VIRTQ_DESC_F_NEXT, 2);
	desc(2, DATA, 1, VIRTQ_DESC_F_NEXT, 1);
	q.last_avail = 1;
	offer(0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_LOOP);
	assert_string_equal(described(), "chain from head 0 is longer than "
					 "the queue (size 8): it loops");
}

static void test_vq_pop_a_loop_in_the_largest_queue_is_bounded(void **st)
{
	(void)st;
	setup_queue(VQ_NUM_MAX);
	for (unsigned i = 0; i < VQ_NUM_MAX; i++)
		desc(i, DATA, 1, VIRTQ_DESC_F_NEXT,
		     (uint16_t)((i + 1) % VQ_NUM_MAX));
	offer(0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_LOOP);
	assert_string_equal(described(), "chain from head 0 is longer than "
					 "the queue (size 128): it loops");
}

static void test_vq_pop_buffers_outside_ram_are_refused(void **st)
{
	static const struct {
		uint64_t addr;
		uint32_t len;
		const char *msg;
	} cases[] = {
	    {0x1000, 4, "descriptor 0: buffer [0x1000, +0x4) is outside RAM"},
	    {RAM_IPA - 1, 2,
	     "descriptor 0: buffer [0x3fffffff, +0x2) is outside RAM"},
	    {RAM_IPA + RAM_SIZE - 4, 8,
	     "descriptor 0: buffer [0x4000fffc, +0x8) is outside RAM"},
	    {RAM_IPA + RAM_SIZE, 1,
	     "descriptor 0: buffer [0x40010000, +0x1) is outside RAM"},
	    {0xfffffffffffffff0ull, 0x20,
	     "descriptor 0: buffer [0xfffffffffffffff0, +0x20) is outside "
	     "RAM"},
	    {RAM_IPA, 0xffffffffu,
	     "descriptor 0: buffer [0x40000000, +0xffffffff) is outside RAM"},
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		desc(0, cases[i].addr, cases[i].len, 0, 0);
		q.last_avail = avail_idx;
		offer(0);
		assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_BAD_BUFFER);
		assert_string_equal(described(), cases[i].msg);
	}
	/* The last bytes of RAM, and an empty buffer at its end, are fine. */
	desc(0, RAM_IPA + RAM_SIZE - 4, 4, VIRTQ_DESC_F_NEXT, 1);
	desc(1, RAM_IPA + RAM_SIZE, 0, 0, 0);
	q.last_avail = avail_idx;
	offer(0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
	assert_int_equal(c.out_len, 4);
}

static void test_vq_pop_indirect_descriptors_are_refused(void **st)
{
	(void)st;
	desc(0, DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(1, DATA + 0x100, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_INDIRECT);
	assert_string_equal(described(), "descriptor 1: indirect descriptors "
					 "were not offered");
}

static void test_vq_pop_readable_after_writable_is_refused(void **st)
{
	(void)st;
	desc(0, DATA, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 7);
	desc(7, DATA, 16, 0, 0);
	offer(0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_WRITE_THEN_READ);
	assert_string_equal(described(), "descriptor 7: device-readable after "
					 "device-writable");
}

static void test_vq_pop_more_than_4gib_one_way_is_refused(void **st)
{
	/* Memory large enough for such buffers; none is dereferenced. */
	static const struct vq_mem big = {RAM_IPA, 1ull << 34, ram};

	(void)st;
	desc(0, RAM_IPA, 0x80000000u, VIRTQ_DESC_F_NEXT, 1);
	desc(1, RAM_IPA, 0x7fffffffu, VIRTQ_DESC_F_NEXT, 2);
	desc(2, RAM_IPA, 0x10, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	/* 4 GiB - 1 readable bytes are still fine. */
	assert_int_equal(vq_pop(&q, &big, &c, &f), VQ_OK);
	assert_int_equal(c.out_len, 0xffffffffu);
	assert_int_equal(c.in_len, 0x10);
	desc(1, RAM_IPA, 0x80000000u, VIRTQ_DESC_F_NEXT, 2);
	offer(0);
	assert_int_equal(vq_pop(&q, &big, &c, &f), VQ_TOO_LONG);
	assert_string_equal(described(), "chain from head 0 holds more than "
					 "4 GiB - 1 bytes one way");
	/* The same on the writable side. */
	desc(0, RAM_IPA, 0x80000000u, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE,
	     1);
	desc(1, RAM_IPA, 0x80000000u, VIRTQ_DESC_F_WRITE, 0);
	assert_int_equal(vq_pop(&q, &big, &c, &f), VQ_TOO_LONG);
}

static void test_vq_push_publishes_the_element_then_the_index(void **st)
{
	(void)st;
	vq_push(&q, 5, 0x1234);
	assert_int_equal(get32(USED + 4), 5);
	assert_int_equal(get32(USED + 8), 0x1234);
	assert_int_equal(get16(USED + 2), 1);
	vq_push(&q, 2, 9);
	assert_int_equal(get32(USED + 12), 2);
	assert_int_equal(get32(USED + 16), 9);
	assert_int_equal(get16(USED + 2), 2);
	/* The device never writes the used ring's flags. */
	assert_int_equal(get16(USED), 0);
}

static void test_vq_indices_wrap_at_65536(void **st)
{
	(void)st;
	desc(1, DATA, 1, 0, 0);
	q.last_avail = 0xffff;
	q.used_idx = 0xffff;
	avail_idx = 0xffff;
	offer(1);
	offer(1);
	assert_int_equal(get16(AVAIL + 2), 1);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
	assert_int_equal(q.last_avail, 0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_EMPTY);
	vq_push(&q, 1, 3);
	/* Slot 0xffff % 8 = 7. */
	assert_int_equal(get32(USED + 4 + 7 * 8), 1);
	assert_int_equal(get16(USED + 2), 0);
}

static void test_vq_wants_interrupt_unless_the_driver_says_no(void **st)
{
	(void)st;
	assert_true(vq_wants_interrupt(&q));
	put16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_false(vq_wants_interrupt(&q));
	put16(AVAIL, 0xfffe);
	assert_true(vq_wants_interrupt(&q));
}

static void test_vq_chain_read_and_write_cross_segments(void **st)
{
	uint8_t buf[32];

	(void)st;
	for (unsigned i = 0; i < 16; i++)
		at(DATA)[i] = (uint8_t)(0x10 + i);
	desc(0, DATA, 4, VIRTQ_DESC_F_NEXT, 1);
	desc(1, DATA + 4, 0, VIRTQ_DESC_F_NEXT, 2);
	desc(2, DATA + 4, 12, VIRTQ_DESC_F_NEXT, 3);
	desc(3, DATA + 0x100, 3, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 4);
	desc(4, DATA + 0x200, 5, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(vq_pop(&q, &mem, &c, &f), VQ_OK);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(vq_chain_read(&c, 2, buf, 6), 6);
	assert_memory_equal(buf, "\x12\x13\x14\x15\x16\x17", 6);
	/* Past the end: what there is. */
	assert_int_equal(vq_chain_read(&c, 14, buf, 8), 2);
	assert_memory_equal(buf, "\x1e\x1f", 2);
	assert_int_equal(vq_chain_read(&c, 16, buf, 8), 0);
	/* Writes go to the writable buffers only. */
	assert_int_equal(vq_chain_write(&c, 1, "abcdefghij", 10), 7);
	assert_memory_equal(at(DATA + 0x101), "ab", 2);
	assert_int_equal(at(DATA + 0x100)[0], 0);
	assert_memory_equal(at(DATA + 0x200), "cdefg", 5);
	assert_int_equal(at(DATA)[0], 0x10);
	assert_int_equal(vq_chain_write(&c, 8, "z", 1), 0);
}

static void test_vq_reset_forgets_everything(void **st)
{
	(void)st;
	q.last_avail = 3;
	vq_reset(&q);
	assert_int_equal(q.num, 0);
	assert_int_equal(q.desc_ipa, 0);
	assert_int_equal(q.avail_ipa, 0);
	assert_int_equal(q.used_ipa, 0);
	assert_false(q.ready);
	assert_null(q.desc);
	assert_int_equal(q.last_avail, 0);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_vq_mem_ptr_takes_only_ranges_wholly_inside),
	    T(test_vq_enable_refuses_bad_sizes),
	    T(test_vq_enable_refuses_misaligned_rings),
	    T(test_vq_enable_refuses_rings_outside_ram),
	    T(test_vq_enable_starts_both_indices_at_zero),
	    T(test_vq_pop_of_an_empty_queue_is_empty),
	    T(test_vq_pop_takes_a_chain_readable_then_writable),
	    T(test_vq_pop_takes_a_full_ring_and_a_chain_of_every_desc),
	    T(test_vq_pop_available_index_jump_is_refused),
	    T(test_vq_pop_head_outside_the_queue_is_refused),
	    T(test_vq_pop_next_outside_the_queue_is_refused),
	    T(test_vq_pop_a_loop_ends_at_the_queue_size),
	    T(test_vq_pop_a_loop_in_the_largest_queue_is_bounded),
	    T(test_vq_pop_buffers_outside_ram_are_refused),
	    T(test_vq_pop_indirect_descriptors_are_refused),
	    T(test_vq_pop_readable_after_writable_is_refused),
	    T(test_vq_pop_more_than_4gib_one_way_is_refused),
	    T(test_vq_push_publishes_the_element_then_the_index),
	    T(test_vq_indices_wrap_at_65536),
	    T(test_vq_wants_interrupt_unless_the_driver_says_no),
	    T(test_vq_chain_read_and_write_cross_segments),
	    T(test_vq_reset_forgets_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
