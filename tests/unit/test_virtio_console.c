/*
 * Unit tests of hv/virtio/virtio_console.c: output to the sink, input
 * through the FIFO into receive buffers, emergency writes.
 */
#include "virtio_helpers.h"

#include "hv/virtio/virtio_console.h"

#define RXQ 0u
#define TXQ 1u
#define BUF (TV_DATA_IPA + 0x0000)

static struct test_vm tvm;
static struct vm *vm;
static struct virtio_console con;
static struct tv_driver drv;

/* What the console was given. */
static struct {
	char out[8192];
	size_t len;
	unsigned rooms;
} sink;

static void sink_write(void *ctx, const char *s, size_t len)
{
	assert_ptr_equal(ctx, &sink);
	assert_true(sink.len + len <= sizeof(sink.out));
	memcpy(sink.out + sink.len, s, len);
	sink.len += len;
}

static void sink_room(void *ctx)
{
	assert_ptr_equal(ctx, &sink);
	sink.rooms++;
}

static const struct virtio_console_sink the_sink = {sink_write, sink_room,
						    &sink};

static int setup(void **state)
{
	(void)state;
	vm = test_vm_boot(&tvm, "test", 1);
	memset(&sink, 0, sizeof(sink));
	assert_int_equal(virtio_console_init(&con, vm, 0, &the_sink), HV_OK);
	drv = (struct tv_driver){.t = &con.t};
	return 0;
}

static void start(void)
{
	tv_driver_start(&drv, &con.t, VIRTIO_F_VERSION_1, 8);
}

static void give(uint64_t ipa, uint32_t len)
{
	struct tv_seg s = {ipa, len, true};

	tv_chain(&drv, RXQ, &s, 1);
	tv_kick(&drv, RXQ);
}

static void type(const char *s)
{
	while (*s != '\0')
		virtio_console_receive(&con, (uint8_t)*s++);
}

static void expect_used(unsigned q, uint32_t want)
{
	uint32_t id, len;

	tv_take_used(&drv, q, &id, &len);
	assert_int_equal(len, want);
}

static void test_virtio_console_offers_emergency_write(void **st)
{
	uint64_t v = 1;

	(void)st;
	assert_int_equal(tv_rd(&con.t, VIRTIO_MMIO_DEVICE_ID), 3);
	assert_int_equal(tv_rd(&con.t, VIRTIO_MMIO_DEVICE_FEATURES),
			 VIRTIO_CONSOLE_F_EMERG_WRITE);
	for (uint64_t off = 0x100; off < 0x10c; off += 4) {
		assert_int_equal(virtio_mmio_read(&con.t, off, 4, &v), HV_OK);
		assert_int_equal(v, 0);
	}
}

static void test_virtio_console_emergency_write_needs_no_queue(void **st)
{
	(void)st;
	assert_int_equal(virtio_mmio_write(&con.t, 0x108, 4, 0x141), HV_OK);
	assert_int_equal(virtio_mmio_write(&con.t, 0x108, 1, 'b'), HV_OK);
	/* cols, rows, max_nr_ports are not written through. */
	assert_int_equal(virtio_mmio_write(&con.t, 0x100, 4, 'x'), HV_OK);
	assert_int_equal(virtio_mmio_write(&con.t, 0x104, 4, 'y'), HV_OK);
	assert_int_equal(sink.len, 2);
	assert_memory_equal(sink.out, "Ab", 2);
}

static void test_virtio_console_output_goes_to_the_sink(void **st)
{
	struct tv_seg s[2] = {{BUF, 6, false}, {BUF + 0x100, 6, false}};

	(void)st;
	start();
	memcpy(tv_ram(vm, BUF), "hello ", 6);
	memcpy(tv_ram(vm, BUF + 0x100), "world\n", 6);
	tv_chain(&drv, TXQ, s, 2);
	tv_chain(&drv, TXQ, s, 1);
	tv_kick(&drv, TXQ);
	assert_int_equal(sink.len, 18);
	assert_memory_equal(sink.out, "hello world\nhello ", 18);
	expect_used(TXQ, 0);
	expect_used(TXQ, 0);
	assert_true(tv_spi_level(&con.t));
	assert_string_equal(console(), "");
}

static void test_virtio_console_output_ignores_writable_buffers(void **st)
{
	struct tv_seg s[2] = {{BUF, 3, false}, {BUF + 0x100, 6, true}};

	(void)st;
	start();
	memcpy(tv_ram(vm, BUF), "abc", 3);
	memcpy(tv_ram(vm, BUF + 0x100), "ZZZZZZ", 6);
	tv_chain(&drv, TXQ, s, 2);
	tv_kick(&drv, TXQ);
	assert_int_equal(sink.len, 3);
	assert_memory_equal(tv_ram(vm, BUF + 0x100), "ZZZZZZ", 6);
	expect_used(TXQ, 0);
}

static void test_virtio_console_long_output_is_cut(void **st)
{
	struct tv_seg s[2] = {{BUF, 4000, false}, {BUF + 0x1000, 1000, false}};

	(void)st;
	start();
	memset(tv_ram(vm, BUF), 'a', 4000);
	memset(tv_ram(vm, BUF + 0x1000), 'b', 1000);
	tv_chain(&drv, TXQ, s, 2);
	tv_kick(&drv, TXQ);
	assert_int_equal(sink.len, VIRTIO_CONSOLE_TX_MAX);
	assert_int_equal(sink.out[3999], 'a');
	assert_int_equal(sink.out[4000], 'b');
	assert_int_equal(sink.out[4095], 'b');
	expect_used(TXQ, 0);
	assert_string_equal(console(), "hv: test: virtio-console@0xb000000: "
				       "output of 5000 bytes cut to 4096\n");
}

static void test_virtio_console_input_waits_for_buffers(void **st)
{
	(void)st;
	start();
	type("hello");
	assert_int_equal(con.rx_count, 5);
	assert_int_equal(tv_used_idx(&drv, RXQ), 0);
	give(BUF, 4);
	expect_used(RXQ, 4);
	assert_memory_equal(tv_ram(vm, BUF), "hell", 4);
	assert_true(tv_spi_level(&con.t));
	give(BUF + 0x100, 64);
	expect_used(RXQ, 1);
	assert_memory_equal(tv_ram(vm, BUF + 0x100), "o", 1);
	assert_int_equal(con.rx_count, 0);
	/* A buffer waiting gets the next byte at once. */
	give(BUF + 0x200, 64);
	assert_int_equal(tv_used_idx(&drv, RXQ), 2);
	type("x");
	expect_used(RXQ, 1);
	assert_int_equal(tv_ram(vm, BUF + 0x200)[0], 'x');
}

static void test_virtio_console_input_before_driver_ok_waits(void **st)
{
	(void)st;
	type("ab");
	tv_negotiate(&con.t, VIRTIO_F_VERSION_1);
	tv_queue_setup(&drv, RXQ, 8);
	tv_queue_setup(&drv, TXQ, 8);
	give(BUF, 16);
	assert_int_equal(tv_used_idx(&drv, RXQ), 0);
	tv_wr(&con.t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER_OK);
	expect_used(RXQ, 2);
	assert_memory_equal(tv_ram(vm, BUF), "ab", 2);
}

static void test_virtio_console_full_fifo_drops_and_asks_room(void **st)
{
	(void)st;
	start();
	for (unsigned i = 0; i < VIRTIO_CONSOLE_RX_FIFO; i++)
		virtio_console_receive(&con, (uint8_t)i);
	assert_true(virtio_console_rx_full(&con));
	virtio_console_receive(&con, 0xff);
	assert_int_equal(con.rx_count, VIRTIO_CONSOLE_RX_FIFO);
	assert_int_equal(sink.rooms, 0);
	give(BUF, 10);
	assert_false(virtio_console_rx_full(&con));
	assert_int_equal(sink.rooms, 1);
	/* No more room calls until it was full again. */
	give(BUF + 0x100, 10);
	assert_int_equal(sink.rooms, 1);
	give(BUF + 0x200, 100);
	expect_used(RXQ, 10);
	expect_used(RXQ, 10);
	expect_used(RXQ, 44);
	assert_int_equal(tv_ram(vm, BUF + 0x200)[43], 63);
}

static void test_virtio_console_fifo_wraps_into_one_buffer(void **st)
{
	uint8_t want[VIRTIO_CONSOLE_RX_FIFO];

	(void)st;
	start();
	/* 60 in and out: the next bytes wrap round the FIFO's end. */
	for (unsigned i = 0; i < 60; i++)
		virtio_console_receive(&con, 0);
	give(BUF, 60);
	expect_used(RXQ, 60);
	for (unsigned i = 0; i < sizeof(want); i++) {
		want[i] = (uint8_t)(0x40 + i);
		virtio_console_receive(&con, want[i]);
	}
	assert_int_equal(con.rx_head, 60);
	give(BUF + 0x100, 128);
	expect_used(RXQ, sizeof(want));
	assert_memory_equal(tv_ram(vm, BUF + 0x100), want, sizeof(want));
	/* A buffer smaller than the first run takes what fits. */
	type("0123456789");
	give(BUF + 0x200, 3);
	expect_used(RXQ, 3);
	assert_memory_equal(tv_ram(vm, BUF + 0x200), "012", 3);
	assert_int_equal(con.rx_count, 7);
}

static void test_virtio_console_empty_receive_buffer_takes_nothing(void **st)
{
	(void)st;
	start();
	type("q");
	give(BUF, 0);
	expect_used(RXQ, 0);
	assert_int_equal(con.rx_count, 1);
}

static void test_virtio_console_reset_empties_the_fifo(void **st)
{
	(void)st;
	start();
	for (unsigned i = 0; i < VIRTIO_CONSOLE_RX_FIFO; i++)
		virtio_console_receive(&con, 'z');
	tv_wr(&con.t, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(con.rx_count, 0);
	assert_int_equal(sink.rooms, 1);
	tv_wr(&con.t, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(sink.rooms, 1);
}

static void test_virtio_console_bad_receive_buffer_needs_reset(void **st)
{
	(void)st;
	start();
	give(TEST_RAM_IPA + TEST_RAM_SIZE, 1);
	type("k");
	assert_int_equal(con.rx_count, 1);
	assert_false(virtio_mmio_running(&con.t));
	assert_string_equal(console(),
			    "hv: test: virtio-console@0xb000000: queue 0: "
			    "descriptor 0: buffer [0x40400000, +0x1) is "
			    "outside RAM: device needs reset\n");
}

static void test_virtio_console_sink_without_room_hook(void **st)
{
	static const struct virtio_console_sink plain = {sink_write, NULL,
							 &sink};

	(void)st;
	assert_int_equal(virtio_console_init(&con, vm, 1, &plain), HV_OK);
	drv = (struct tv_driver){.t = &con.t};
	start();
	for (unsigned i = 0; i < VIRTIO_CONSOLE_RX_FIFO; i++)
		virtio_console_receive(&con, 'z');
	give(BUF, 1);
	assert_false(virtio_console_rx_full(&con));
	assert_int_equal(sink.rooms, 0);
	assert_int_equal(virtio_console_init(&con, vm, 16, &plain),
			 HV_ERR_INVAL);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_virtio_console_offers_emergency_write),
	    T(test_virtio_console_emergency_write_needs_no_queue),
	    T(test_virtio_console_output_goes_to_the_sink),
	    T(test_virtio_console_output_ignores_writable_buffers),
	    T(test_virtio_console_long_output_is_cut),
	    T(test_virtio_console_input_waits_for_buffers),
	    T(test_virtio_console_input_before_driver_ok_waits),
	    T(test_virtio_console_full_fifo_drops_and_asks_room),
	    T(test_virtio_console_fifo_wraps_into_one_buffer),
	    T(test_virtio_console_empty_receive_buffer_takes_nothing),
	    T(test_virtio_console_reset_empties_the_fifo),
	    T(test_virtio_console_bad_receive_buffer_needs_reset),
	    T(test_virtio_console_sink_without_room_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
