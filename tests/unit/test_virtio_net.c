/*
 * Unit tests of hv/virtio/virtio_net.c: three VMs on one network, each
 * with a virtio-net device driven from its own RAM; frames switched
 * between them, drops, and hostile queues that break one device only.
 */
#include "virtio_helpers.h"

#include "hv/virtio/virtio_net.h"

#define RXQ	 0u
#define TXQ	 1u
#define VM_COUNT 3u
#define RAM_SIZE 0x200000ull
#define ARENA_PA 0x48000000ull
#define TX_BUF	 (TV_DATA_IPA + 0x0000)
#define RX_BUF	 (TV_DATA_IPA + 0x10000)
#define HDR	 VIRTIO_NET_HDR_SIZE

struct net_vm {
	struct test_pool tp;
	struct vm_config cfg;
	struct vm_image_plan plan; /* never booted: nothing to plan */
	struct vm vm;
	struct virtio_net net;
	struct tv_driver drv;
	uint16_t rx_next; /* receive buffers given, in RX_BUF slots */
};

static struct net_vm vms[VM_COUNT];
static struct vnet_switch sw;
static const char *const names[VM_COUNT] = {"a", "b", "c"};

static const uint8_t mac[VM_COUNT][6] = {
    {0x52, 0x54, 0x00, 0x00, 0x00, 0x0a},
    {0x52, 0x54, 0x00, 0x00, 0x00, 0x0b},
    {0x52, 0x54, 0x00, 0x00, 0x00, 0x0c},
};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t nobody[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x99};

static void make_vm(unsigned i)
{
	struct net_vm *n = &vms[i];

	n->cfg = (struct vm_config){
	    .ram_ipa = ipa_init(TEST_RAM_IPA),
	    .ram_size = RAM_SIZE,
	    .ram_pa = pa_init(ARENA_PA + i * RAM_SIZE),
	    .ram_pa_fixed = true,
	    .vcpu_count = 1,
	};
	strncpy(n->cfg.name, names[i], HV_NAME_MAX);
	snprintf(n->cfg.node, sizeof(n->cfg.node), "/chosen/%s", names[i]);
	n->plan = (struct vm_image_plan){.kind = VM_KERNEL_RAW};
	assert_int_equal(vm_create(&n->vm, i, &n->cfg, &n->plan,
				   test_pool_init(&n->tp, TEST_POOL_PAGES)),
			 HV_OK);
	assert_int_equal(virtio_net_init(&n->net, &n->vm, 0, &sw, mac[i]),
			 HV_OK);
	n->drv = (struct tv_driver){.t = &n->net.t};
	n->rx_next = 0;
}

/* Three VMs on a machine of cpus physical CPUs, their drivers started. */
static void build(unsigned cpus)
{
	hal_sim_reset();
	hal_sim_set_cpus(cpus);
	hal_sim_mem_init(ARENA_PA, VM_COUNT * RAM_SIZE);
	vnet_switch_init(&sw, "lan");
	for (unsigned i = 0; i < VM_COUNT; i++)
		make_vm(i);
	for (unsigned i = 0; i < VM_COUNT; i++)
		tv_driver_start(&vms[i].drv, &vms[i].net.t, VIRTIO_F_VERSION_1,
				16);
	hal_sim_console_clear();
}

static int setup(void **state)
{
	(void)state;
	build(1);
	return 0;
}

static struct vm *vm_of(unsigned i)
{
	return &vms[i].vm;
}

/* Gives VM i a receive buffer of len bytes. */
static void give_rx(unsigned i, uint32_t len)
{
	struct net_vm *n = &vms[i];
	struct tv_seg s = {RX_BUF + 0x1000ull * n->rx_next++, len, true};

	memset(tv_ram(vm_of(i), s.ipa), 0xee, 0x1000);
	tv_chain(&n->drv, RXQ, &s, 1);
	tv_kick(&n->drv, RXQ);
}

/* A frame of len bytes (14 of Ethernet header) from src to dst in VM i's
 * transmit buffer, behind a header of 0xaa bytes; returns its address. */
static uint64_t frame(unsigned i, const uint8_t *dst, const uint8_t *src,
		      uint32_t len)
{
	uint8_t *p = tv_ram(vm_of(i), TX_BUF);

	memset(p, 0xaa, HDR);
	memcpy(p + HDR, dst, 6);
	memcpy(p + HDR + 6, src, 6);
	for (uint32_t b = 12; b < len; b++)
		p[HDR + b] = (uint8_t)(b + i);
	return TX_BUF;
}

static void send(unsigned i, const uint8_t *dst, const uint8_t *src,
		 uint32_t len)
{
	struct tv_seg s = {frame(i, dst, src, len), HDR + len, false};

	tv_chain(&vms[i].drv, TXQ, &s, 1);
	tv_kick(&vms[i].drv, TXQ);
}

/* VM i received one frame of len bytes, as sent by VM from. */
static void expect_rx(unsigned i, unsigned from, uint32_t len)
{
	struct net_vm *n = &vms[i];
	uint32_t id, got;
	uint64_t buf;

	tv_take_used(&n->drv, RXQ, &id, &got);
	assert_int_equal(got, HDR + len);
	buf = RX_BUF + 0x1000ull * id;
	/* The header: all zeros but num_buffers = 1. */
	assert_memory_equal(tv_ram(vm_of(i), buf), "\0\0\0\0\0\0\0\0\0\0\1\0",
			    HDR);
	assert_memory_equal(tv_ram(vm_of(i), buf + HDR),
			    tv_ram(vm_of(from), TX_BUF + HDR), len);
	assert_int_equal(tv_ram(vm_of(i), buf)[HDR + len], 0xee);
}

static void expect_nothing(unsigned i)
{
	assert_int_equal(tv_used_idx(&vms[i].drv, RXQ),
			 vms[i].drv.q[RXQ].used_seen);
}

/* VM i's transmit queue gave back n more chains, each with 0 bytes. */
static void expect_tx_done(unsigned i, unsigned n)
{
	uint32_t id, len;

	for (unsigned k = 0; k < n; k++) {
		tv_take_used(&vms[i].drv, TXQ, &id, &len);
		assert_int_equal(len, 0);
	}
	assert_int_equal(tv_used_idx(&vms[i].drv, TXQ),
			 vms[i].drv.q[TXQ].used_seen);
}

static void test_virtio_net_offers_its_mac(void **st)
{
	struct virtio_mmio *t = &vms[1].net.t;
	uint64_t v;

	(void)st;
	assert_int_equal(tv_rd(t, VIRTIO_MMIO_DEVICE_ID), 1);
	assert_int_equal(tv_rd(t, VIRTIO_MMIO_DEVICE_FEATURES),
			 VIRTIO_NET_F_MAC);
	assert_int_equal(virtio_mmio_read(t, 0x100, 4, &v), HV_OK);
	assert_int_equal(v, 0x00005452);
	assert_int_equal(virtio_mmio_read(t, 0x104, 2, &v), HV_OK);
	assert_int_equal(v, 0x0b00);
	/* Nothing past it (no status, no MTU). */
	assert_int_equal(virtio_mmio_read(t, 0x106, 2, &v), HV_OK);
	assert_int_equal(v, 0);
	assert_int_equal(sw.port_count, 3);
	assert_string_equal(sw.name, "lan");
}

static void test_virtio_net_switch_has_room_for_8_ports(void **st)
{
	static struct virtio_net more[VNET_MAX_PORTS];
	struct vm *vm = vm_of(0);

	(void)st;
	for (unsigned i = 3; i < VNET_MAX_PORTS; i++)
		assert_int_equal(virtio_net_init(&more[i], vm, i, &sw, mac[0]),
				 HV_OK);
	assert_int_equal(virtio_net_init(&more[0], vm, 9, &sw, mac[0]),
			 HV_ERR_NOMEM);
	assert_int_equal(sw.port_count, VNET_MAX_PORTS);
	/* A transport error leaves the network as it was. */
	vnet_switch_init(&sw, "other");
	assert_int_equal(virtio_net_init(&more[0], vm, 16, &sw, mac[0]),
			 HV_ERR_INVAL);
	assert_int_equal(sw.port_count, 0);
}

static void test_virtio_net_unicast_goes_to_the_port_with_the_mac(void **st)
{
	(void)st;
	give_rx(1, 2048);
	give_rx(2, 2048);
	send(0, mac[1], mac[0], 60);
	expect_rx(1, 0, 60);
	expect_nothing(2);
	expect_tx_done(0, 1);
	assert_true(tv_spi_level(&vms[0].net.t));
	assert_true(tv_spi_level(&vms[1].net.t));
	assert_false(tv_spi_level(&vms[2].net.t));
	assert_string_equal(console(), "");
}

static void test_virtio_net_broadcast_and_multicast_flood(void **st)
{
	(void)st;
	give_rx(0, 2048);
	give_rx(1, 2048);
	give_rx(1, 2048);
	give_rx(2, 2048);
	give_rx(2, 2048);
	send(0, bcast, mac[0], 42);
	expect_rx(1, 0, 42);
	expect_rx(2, 0, 42);
	send(0, mcast, mac[0], 100);
	expect_rx(1, 0, 100);
	expect_rx(2, 0, 100);
	/* Never back to the sender. */
	expect_nothing(0);
	expect_tx_done(0, 2);
}

static void test_virtio_net_unknown_unicast_floods(void **st)
{
	(void)st;
	give_rx(1, 2048);
	give_rx(2, 2048);
	send(0, nobody, mac[0], 64);
	expect_rx(1, 0, 64);
	expect_rx(2, 0, 64);
}

static void test_virtio_net_learns_the_source_a_port_sends_from(void **st)
{
	(void)st;
	give_rx(0, 2048);
	give_rx(1, 2048);
	give_rx(1, 2048);
	/* C takes another address: its first frame floods. */
	send(2, bcast, nobody, 60);
	expect_rx(0, 2, 60);
	expect_rx(1, 2, 60);
	give_rx(2, 2048);
	send(0, nobody, mac[0], 70);
	expect_rx(2, 0, 70);
	expect_nothing(1);
	/* A group source is never learned. */
	send(2, mac[0], mcast, 60);
	give_rx(2, 2048);
	send(1, nobody, mac[1], 80);
	expect_rx(2, 1, 80);
}

static void test_virtio_net_frame_without_rx_buffer_is_dropped(void **st)
{
	(void)st;
	send(0, mac[1], mac[0], 60);
	expect_tx_done(0, 1);
	assert_int_equal(vms[1].net.rx_dropped, 1);
	/* A buffer given later does not get it. */
	give_rx(1, 2048);
	expect_nothing(1);
	assert_false(tv_spi_level(&vms[1].net.t));
}

static void test_virtio_net_small_rx_buffer_comes_back_empty(void **st)
{
	uint32_t id, len;

	(void)st;
	give_rx(1, HDR + 59);
	send(0, mac[1], mac[0], 60);
	tv_take_used(&vms[1].drv, RXQ, &id, &len);
	assert_int_equal(len, 0);
	assert_int_equal(tv_ram(vm_of(1), RX_BUF)[0], 0xee);
	assert_int_equal(vms[1].net.rx_dropped, 1);
	/* Exactly header and frame fit. */
	give_rx(1, HDR + 60);
	send(0, mac[1], mac[0], 60);
	expect_rx(1, 0, 60);
}

static void test_virtio_net_bad_frame_sizes_are_dropped(void **st)
{
	(void)st;
	give_rx(1, 4096);
	send(0, mac[1], mac[0], 13);
	send(0, mac[1], mac[0], VNET_FRAME_MAX + 1);
	expect_tx_done(0, 2);
	assert_int_equal(vms[0].net.tx_dropped, 2);
	expect_nothing(1);
	send(0, mac[1], mac[0], 14);
	expect_rx(1, 0, 14);
	give_rx(1, 4096);
	send(0, mac[1], mac[0], VNET_FRAME_MAX);
	expect_rx(1, 0, VNET_FRAME_MAX);
	/* Not even a whole virtio-net header. */
	struct tv_seg s = {TX_BUF, HDR - 1, false};

	tv_chain(&vms[0].drv, TXQ, &s, 1);
	tv_kick(&vms[0].drv, TXQ);
	assert_int_equal(vms[0].net.tx_dropped, 3);
}

static void test_virtio_net_scattered_frames_are_gathered(void **st)
{
	struct tv_seg tx[3] = {{TX_BUF, 5, false},
			       {TX_BUF + 5, 7, false},
			       {TX_BUF + 12, 88, false}};
	struct tv_seg rx[2] = {{RX_BUF, 20, true}, {RX_BUF + 0x100, 80, true}};

	(void)st;
	tv_chain(&vms[1].drv, RXQ, rx, 2);
	frame(0, mac[1], mac[0], 88);
	tv_chain(&vms[0].drv, TXQ, tx, 3);
	tv_kick(&vms[0].drv, TXQ);
	assert_int_equal(tv_used_idx(&vms[1].drv, RXQ), 1);
	assert_memory_equal(tv_ram(vm_of(1), RX_BUF + HDR),
			    tv_ram(vm_of(0), TX_BUF + HDR), 8);
	assert_memory_equal(tv_ram(vm_of(1), RX_BUF + 0x100),
			    tv_ram(vm_of(0), TX_BUF + HDR + 8), 80);
}

static void test_virtio_net_one_kick_moves_every_frame_in_order(void **st)
{
	struct tv_seg s[2] = {{TX_BUF, HDR + 60, false},
			      {TX_BUF + 0x1000, HDR + 61, false}};
	uint32_t id, len;

	(void)st;
	give_rx(1, 2048);
	give_rx(1, 2048);
	frame(0, mac[1], mac[0], 60);
	memcpy(tv_ram(vm_of(0), TX_BUF + 0x1000), tv_ram(vm_of(0), TX_BUF),
	       HDR + 61);
	tv_chain(&vms[0].drv, TXQ, &s[0], 1);
	tv_chain(&vms[0].drv, TXQ, &s[1], 1);
	tv_kick(&vms[0].drv, TXQ);
	tv_take_used(&vms[1].drv, RXQ, &id, &len);
	assert_int_equal(len, HDR + 60);
	tv_take_used(&vms[1].drv, RXQ, &id, &len);
	assert_int_equal(len, HDR + 61);
	expect_tx_done(0, 2);
}

static void test_virtio_net_hostile_rx_queue_breaks_only_its_vm(void **st)
{
	(void)st;
	give_rx(2, 2048);
	tv_offer(&vms[1].drv, RXQ, 16);
	send(0, bcast, mac[0], 60);
	expect_tx_done(0, 1);
	expect_rx(2, 0, 60);
	assert_false(virtio_mmio_running(&vms[1].net.t));
	assert_true(virtio_mmio_running(&vms[0].net.t));
	assert_int_equal(vms[1].net.rx_dropped, 1);
	assert_string_equal(console(),
			    "hv: b: virtio-net@0xb000000: queue 0: available "
			    "entry 0: head 16 is outside the queue (size 16): "
			    "device needs reset\n");
	/* B drops everything until it is reset; the others go on. */
	give_rx(2, 2048);
	send(0, bcast, mac[0], 60);
	expect_rx(2, 0, 60);
	assert_int_equal(vms[1].net.rx_dropped, 2);
}

static void test_virtio_net_hostile_tx_queue_breaks_only_its_vm(void **st)
{
	(void)st;
	give_rx(1, 2048);
	tv_put_desc(&vms[0].drv, TXQ, 0, TX_BUF, HDR + 60, VIRTQ_DESC_F_NEXT,
		    0);
	tv_offer(&vms[0].drv, TXQ, 0);
	tv_kick(&vms[0].drv, TXQ);
	assert_false(virtio_mmio_running(&vms[0].net.t));
	expect_nothing(1);
	assert_string_equal(console(),
			    "hv: a: virtio-net@0xb000000: queue 1: chain from "
			    "head 0 is longer than the queue (size 16): it "
			    "loops: device needs reset\n");
	/* B still sends to C. */
	give_rx(2, 2048);
	send(1, mac[2], mac[1], 60);
	expect_rx(2, 1, 60);
}

static void test_virtio_net_stopped_receiver_drops(void **st)
{
	(void)st;
	give_rx(1, 2048);
	tv_wr(&vms[1].net.t, VIRTIO_MMIO_STATUS, 0);
	send(0, mac[1], mac[0], 60);
	assert_int_equal(vms[1].net.rx_dropped, 1);
	expect_tx_done(0, 1);
}

static void test_virtio_net_transmit_before_driver_ok_waits(void **st)
{
	struct net_vm *n = &vms[0];

	(void)st;
	give_rx(1, 2048);
	tv_wr(&n->net.t, VIRTIO_MMIO_STATUS, 0);
	tv_negotiate(&n->net.t, VIRTIO_F_VERSION_1);
	tv_queue_setup(&n->drv, RXQ, 16);
	tv_queue_setup(&n->drv, TXQ, 16);
	send(0, mac[1], mac[0], 60);
	expect_nothing(1);
	tv_wr(&n->net.t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER_OK);
	expect_rx(1, 0, 60);
	expect_tx_done(0, 1);
}

static void test_virtio_net_reset_forgets_the_learned_address(void **st)
{
	(void)st;
	give_rx(0, 2048);
	give_rx(1, 2048);
	send(2, bcast, nobody, 60);
	tv_wr(&vms[2].net.t, VIRTIO_MMIO_STATUS, 0);
	assert_false(vms[2].net.tx_pending);
	tv_driver_start(&vms[2].drv, &vms[2].net.t, VIRTIO_F_VERSION_1, 16);
	vms[2].rx_next = 0;
	give_rx(1, 2048);
	give_rx(2, 2048);
	/* nobody is unknown again: flooded. */
	send(0, nobody, mac[0], 60);
	expect_rx(1, 2, 60);
	expect_rx(1, 0, 60);
	expect_rx(2, 0, 60);
}

/* With two CPUs the locks are real: each VM's is free after a pass. */
static void test_virtio_net_leaves_every_lock_free(void **st)
{
	(void)st;
	build(2);
	assert_true(hv_lock_smp);
	give_rx(1, 2048);
	give_rx(2, 2048);
	send(0, bcast, mac[0], 60);
	expect_rx(1, 0, 60);
	expect_rx(2, 0, 60);
	for (unsigned i = 0; i < VM_COUNT; i++)
		assert_int_equal(atomic_load(&vms[i].vm.lock.owner), 0);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_virtio_net_offers_its_mac),
	    T(test_virtio_net_switch_has_room_for_8_ports),
	    T(test_virtio_net_unicast_goes_to_the_port_with_the_mac),
	    T(test_virtio_net_broadcast_and_multicast_flood),
	    T(test_virtio_net_unknown_unicast_floods),
	    T(test_virtio_net_learns_the_source_a_port_sends_from),
	    T(test_virtio_net_frame_without_rx_buffer_is_dropped),
	    T(test_virtio_net_small_rx_buffer_comes_back_empty),
	    T(test_virtio_net_bad_frame_sizes_are_dropped),
	    T(test_virtio_net_scattered_frames_are_gathered),
	    T(test_virtio_net_one_kick_moves_every_frame_in_order),
	    T(test_virtio_net_hostile_rx_queue_breaks_only_its_vm),
	    T(test_virtio_net_hostile_tx_queue_breaks_only_its_vm),
	    T(test_virtio_net_stopped_receiver_drops),
	    T(test_virtio_net_transmit_before_driver_ok_waits),
	    T(test_virtio_net_reset_forgets_the_learned_address),
	    T(test_virtio_net_leaves_every_lock_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
