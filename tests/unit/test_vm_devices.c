/*
 * Unit tests of hv/vm_devices.c: VMs built from configurations with VirtIO
 * devices, as hv_main builds them - the devices on the bus in their slots,
 * reset with the VM before its RAM is reloaded, a disk whose writes outlive
 * the reset, virtio-console on the shared console (output with the VM's
 * prefix, input routed between it and the vPL011), one switch per network.
 */
#include "virtio_helpers.h"

#include "hv/vm_devices.h"

#include <hal/console.h>

#define VM_COUNT      2u
#define RAM_PA(i)     (0x48400000ull + (i)*TEST_RAM_SIZE)
#define DISK_PA	      0x48100000ull /* beside the kernel, outside all RAM */
#define DISK_SIZE     0x10000ull
#define ARENA_SIZE    0x1000000ull
#define BLK_HDR	      (TV_DATA_IPA + 0x0000)
#define BLK_STATUS    (TV_DATA_IPA + 0x0100)
#define BLK_DATA      (TV_DATA_IPA + 0x1000)
#define NET_TX	      (TV_DATA_IPA + 0x2000)
#define NET_RX	      (TV_DATA_IPA + 0x3000)
#define CON_BUF	      (TV_DATA_IPA + 0x4000)
#define RX_INTERRUPTS (PL011_INT_RX | PL011_INT_RT)

static struct test_pool tp;
static struct vm_config cfgs[VM_COUNT];
static struct vm_image_plan plans[VM_COUNT];
static struct vm vms[VM_COUNT];
static struct vm_networks nets;
static uint8_t *disk;

/* Configurations of VMs "a" and "b" without devices yet. */
static int setup(void **state)
{
	static const char *const names[VM_COUNT] = {"a", "b"};

	(void)state;
	hal_sim_reset();
	hal_sim_mem_init(TEST_ARENA_PA, ARENA_SIZE);
	test_pool_init(&tp, TEST_POOL_PAGES);
	for (unsigned i = 0; i < VM_COUNT; i++) {
		test_vm_config(&cfgs[i], names[i], 1);
		cfgs[i].ram_pa = pa_init(RAM_PA(i));
	}
	disk = hal_pa_to_ptr(pa_init(DISK_PA), DISK_SIZE);
	memset(disk, 0, DISK_SIZE);
	vm_networks_init(&nets);
	return 0;
}

static struct vm_virtio *add(unsigned vm, enum vm_virtio_type type,
			     const char *node)
{
	struct vm_config *c = &cfgs[vm];
	struct vm_virtio *d = &c->virtio[c->virtio_count];

	*d = (struct vm_virtio){.type = type, .node = node};
	d->mac[0] = 0x52;
	d->mac[5] = (uint8_t)(0x10 * vm + c->virtio_count);
	c->virtio_count++;
	return d;
}

static void add_disk(unsigned vm, bool read_only)
{
	struct vm_virtio *d = add(vm, VM_VIRTIO_BLK, "rootfs");

	d->disk = (struct vm_module){pa_init(DISK_PA), DISK_SIZE};
	d->read_only = read_only;
}

static void add_net(unsigned vm, const char *network)
{
	add(vm, VM_VIRTIO_NET, "eth")->network = network;
}

/* Builds the first count VMs as hv_main does, the console shared. */
static void build(unsigned count)
{
	struct config_error err;

	for (unsigned i = 0; i < count; i++) {
		if (vm_image_plan(&cfgs[i], &plans[i], &err) != HV_OK)
			fail_msg("%s", err.msg);
		assert_int_equal(
		    vm_create(&vms[i], i, &cfgs[i], &plans[i], &tp.pool),
		    HV_OK);
		assert_int_equal(vm_devices_create(&vms[i], &nets), HV_OK);
		assert_int_equal(vm_boot(&vms[i]), HV_OK);
	}
	console_init(vms, count, 0);
	hal_sim_console_clear();
}

static struct virtio_mmio *dev(unsigned vm, unsigned slot)
{
	return &vms[vm].devices.virtio[slot].t;
}

static void test_vm_devices_on_the_bus_in_their_slots(void **st)
{
	static const char *const names[3] = {"virtio-console", "virtio-blk",
					     "virtio-net"};
	static const uint32_t ids[3] = {3, 2, 1};

	(void)st;
	add(0, VM_VIRTIO_CONSOLE, "hvc");
	add_disk(0, false);
	add_net(0, "lan");
	build(1);
	assert_int_equal(vms[0].devices.virtio_count, 3);
	for (unsigned n = 0; n < 3; n++) {
		uint64_t base = 0x0b000000 + n * 0x200;
		const struct mmio_region *r =
		    mmio_bus_find(&vms[0].mmio, ipa_init(base + 0x1ff));

		assert_non_null(r);
		assert_string_equal(r->name, names[n]);
		assert_int_equal(ipa_addr(r->base), base);
		assert_int_equal(tv_rd(dev(0, n), VIRTIO_MMIO_MAGIC_VALUE),
				 0x74726976);
		assert_int_equal(tv_rd(dev(0, n), VIRTIO_MMIO_DEVICE_ID),
				 ids[n]);
		assert_int_equal(dev(0, n)->intid, 80 + n);
	}
	assert_null(mmio_bus_find(&vms[0].mmio, ipa_init(0x0b000600)));
	/* The UART and the vGIC are still there. */
	assert_non_null(mmio_bus_find(&vms[0].mmio, ipa_init(0x09000000)));
	assert_non_null(mmio_bus_find(&vms[0].mmio, ipa_init(0x08000000)));
}

static void test_vm_devices_sixteen_fit_on_the_bus(void **st)
{
	(void)st;
	for (unsigned n = 0; n < VM_VIRTIO_MAX; n++)
		add(0, VM_VIRTIO_CONSOLE, "hvc");
	build(1);
	assert_int_equal(vms[0].devices.virtio_count, 16);
	assert_non_null(mmio_bus_find(&vms[0].mmio, ipa_init(0x0b001e00)));
	assert_int_equal(dev(0, 15)->intid, 95);
}

/* A block request of one sector through slot 0 of VM 0; its status. */
static uint8_t blk_request(struct tv_driver *d, uint32_t type, uint64_t sector)
{
	struct vm *vm = &vms[0];
	struct tv_seg s[3] = {{BLK_HDR, 16, false},
			      {BLK_DATA, 512, type == VIRTIO_BLK_T_IN},
			      {BLK_STATUS, 1, true}};
	uint32_t id, len;

	tv_put(vm, BLK_HDR, type, 4);
	tv_put(vm, BLK_HDR + 8, sector, 8);
	tv_put(vm, BLK_STATUS, 0xee, 1);
	tv_chain(d, 0, s, 3);
	tv_kick(d, 0);
	tv_take_used(d, 0, &id, &len);
	return (uint8_t)tv_get(vm, BLK_STATUS, 1);
}

static void test_vm_devices_disk_writes_outlive_a_reset(void **st)
{
	struct tv_driver d;

	(void)st;
	add_disk(0, false);
	build(1);
	tv_driver_start(&d, dev(0, 0), VIRTIO_F_VERSION_1, 8);
	memset(tv_ram(&vms[0], BLK_DATA), 'w', 512);
	assert_int_equal(blk_request(&d, VIRTIO_BLK_T_OUT, 3), 0);
	assert_int_equal(disk[3 * 512], 'w');
	/* SYSTEM_RESET: the RAM is zeroed, the device reset, the disk kept. */
	assert_int_equal(vm_boot(&vms[0]), HV_OK);
	assert_int_equal(tv_get(&vms[0], BLK_DATA, 1), 0);
	assert_int_equal(tv_rd(dev(0, 0), VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(tv_rd(dev(0, 0), VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(disk[3 * 512 + 511], 'w');
	/* The guest's next life reads it back. */
	tv_driver_start(&d, dev(0, 0), VIRTIO_F_VERSION_1, 8);
	assert_int_equal(blk_request(&d, VIRTIO_BLK_T_IN, 3), 0);
	assert_int_equal(tv_get(&vms[0], BLK_DATA + 100, 1), 'w');
	assert_string_equal(console(), "");
}

static void test_vm_devices_read_only_disk_refuses_writes(void **st)
{
	struct tv_driver d;

	(void)st;
	add_disk(0, true);
	build(1);
	assert_true(dev(0, 0)->device_features & VIRTIO_BLK_F_RO);
	tv_driver_start(&d, dev(0, 0), VIRTIO_F_VERSION_1, 8);
	memset(tv_ram(&vms[0], BLK_DATA), 'w', 512);
	assert_int_equal(blk_request(&d, VIRTIO_BLK_T_OUT, 0),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk[0], 0);
}

static void test_vm_devices_reset_lowers_the_interrupt(void **st)
{
	struct tv_driver d;
	struct virtio_mmio *t;

	(void)st;
	add_disk(0, false);
	build(1);
	t = dev(0, 0);
	tv_driver_start(&d, t, VIRTIO_F_VERSION_1, 8);
	blk_request(&d, VIRTIO_BLK_T_IN, 0);
	assert_true(tv_spi_level(t));
	assert_int_equal(vm_boot(&vms[0]), HV_OK);
	assert_false(tv_spi_level(t));
	assert_int_equal(tv_rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

static void test_vm_devices_console_output_is_the_vms(void **st)
{
	struct tv_driver d;
	struct tv_seg s = {CON_BUF, 0, false};

	(void)st;
	add(0, VM_VIRTIO_CONSOLE, "hvc");
	build(1);
	tv_driver_start(&d, dev(0, 0), VIRTIO_F_VERSION_1, 8);
	/* The UART's unfinished line goes on with the virtio-console's. */
	assert_int_equal(vpl011_write(&vms[0].uart, PL011_DR, 4, 'u'), HV_OK);
	memcpy(tv_ram(&vms[0], CON_BUF), "hvc line\nnext", 13);
	s.len = 13;
	tv_chain(&d, 1, &s, 1);
	tv_kick(&d, 1);
	assert_string_equal(console(), "a| uhvc line\na| next");
}

/* Types s on the console. */
static void type(const char *s)
{
	hal_sim_console_feed(s, strlen(s));
	console_input();
}

/* The bytes VM 0's UART holds, as a string. */
static const char *uart_input(void)
{
	static char buf[VPL011_FIFO_DEPTH + 1];
	unsigned n = 0;
	uint64_t fr, v;

	for (;;) {
		assert_int_equal(vpl011_read(&vms[0].uart, PL011_FR, 4, &fr),
				 HV_OK);
		if (fr & PL011_FR_RXFE)
			break;
		assert_int_equal(vpl011_read(&vms[0].uart, PL011_DR, 4, &v),
				 HV_OK);
		buf[n++] = (char)v;
	}
	buf[n] = '\0';
	return buf;
}

/* The next used receive buffer of the virtio-console, as a string. */
static const char *hvc_input(struct tv_driver *d)
{
	static char buf[0x101];
	uint32_t id, len;

	tv_take_used(d, 0, &id, &len);
	assert_true(len < sizeof(buf));
	memcpy(buf, tv_ram(&vms[0], CON_BUF + 0x100 * id), len);
	buf[len] = '\0';
	return buf;
}

static void give_hvc_buffers(struct tv_driver *d, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		struct tv_seg s = {CON_BUF + 0x100 * d->q[0].next_desc, 0x100,
				   true};

		tv_chain(d, 0, &s, 1);
	}
	tv_kick(d, 0);
}

static void test_vm_devices_console_input_follows_the_driver(void **st)
{
	struct tv_driver d;

	(void)st;
	add(0, VM_VIRTIO_CONSOLE, "hvc");
	build(1);
	/* No driver yet: the UART has it. */
	type("1");
	assert_string_equal(uart_input(), "1");
	/* The driver runs and nobody listens on the UART: virtio-console. */
	tv_driver_start(&d, dev(0, 0), VIRTIO_F_VERSION_1, 8);
	give_hvc_buffers(&d, 2);
	type("2");
	assert_string_equal(hvc_input(&d), "2");
	assert_string_equal(uart_input(), "");
	/* The UART's receive interrupts on (a shell on ttyAMA0): the UART. */
	assert_int_equal(
	    vpl011_write(&vms[0].uart, PL011_IMSC, 4, PL011_INT_RX), HV_OK);
	type("3");
	assert_string_equal(uart_input(), "3");
	assert_int_equal(d.q[0].used_seen, tv_used_idx(&d, 0));
	assert_int_equal(
	    vpl011_write(&vms[0].uart, PL011_IMSC, 4, PL011_INT_RT), HV_OK);
	type("4");
	assert_string_equal(uart_input(), "4");
	/* Masked again: back to virtio-console. */
	assert_int_equal(vpl011_write(&vms[0].uart, PL011_IMSC, 4, 0), HV_OK);
	type("5");
	assert_string_equal(hvc_input(&d), "5");
	/* A device needing reset takes nothing: the UART again. */
	tv_put(&vms[0], tv_avail(1) + 2, 100, 2);
	tv_kick(&d, 1);
	assert_false(virtio_mmio_running(dev(0, 0)));
	hal_sim_console_clear();
	type("6");
	assert_string_equal(uart_input(), "6");
}

static void test_vm_devices_console_input_waits_for_buffers(void **st)
{
	struct tv_driver d;
	char many[VIRTIO_CONSOLE_RX_FIFO + 11];

	(void)st;
	add(0, VM_VIRTIO_CONSOLE, "hvc");
	build(1);
	tv_driver_start(&d, dev(0, 0), VIRTIO_F_VERSION_1, 8);
	/* More than the device's FIFO holds, with no buffer given: the rest
	 * waits in the console's queue, not in the UART. */
	memset(many, 'k', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	type(many);
	assert_true(virtio_console_rx_full(&vms[0].devices.virtio[0].console));
	assert_string_equal(uart_input(), "");
	/* A buffer takes the FIFO's 64; the room lets the other 10 in. */
	give_hvc_buffers(&d, 1);
	assert_int_equal(strlen(hvc_input(&d)), 64);
	give_hvc_buffers(&d, 1);
	assert_string_equal(hvc_input(&d), "kkkkkkkkkk");
}

/* A frame of 60 bytes from VM from's slot 0 to dst; kicked. */
static void send(struct tv_driver *d, unsigned from, const uint8_t *dst)
{
	uint8_t *p = tv_ram(&vms[from], NET_TX);
	struct tv_seg s = {NET_TX, VIRTIO_NET_HDR_SIZE + 60, false};

	memset(p, 0, VIRTIO_NET_HDR_SIZE + 60);
	memcpy(p + VIRTIO_NET_HDR_SIZE, dst, 6);
	memcpy(p + VIRTIO_NET_HDR_SIZE + 6, cfgs[from].virtio[0].mac, 6);
	p[VIRTIO_NET_HDR_SIZE + 59] = (uint8_t)(0x40 + from);
	tv_chain(d, 1, &s, 1);
	tv_kick(d, 1);
}

static void give_rx(struct tv_driver *d, unsigned vm)
{
	struct tv_seg s = {NET_RX, 0x800, true};

	memset(tv_ram(&vms[vm], NET_RX), 0, 0x800);
	tv_chain(d, 0, &s, 1);
	tv_kick(d, 0);
}

static void test_vm_devices_one_switch_per_network(void **st)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct tv_driver d[VM_COUNT];
	uint32_t id, len;

	(void)st;
	add_net(0, "lan");
	add_net(0, "dmz");
	add_net(1, "lan");
	add_net(1, "dmz");
	build(2);
	assert_int_equal(nets.count, 2);
	assert_string_equal(nets.sw[0].name, "lan");
	assert_int_equal(nets.sw[0].port_count, 2);
	assert_ptr_equal(nets.sw[0].ports[0], &vms[0].devices.virtio[0].net);
	assert_ptr_equal(nets.sw[0].ports[1], &vms[1].devices.virtio[0].net);
	assert_string_equal(nets.sw[1].name, "dmz");
	assert_int_equal(nets.sw[1].port_count, 2);
	/* The helpers' rings are per queue, not per device: only the lan
	 * devices get a driver. */
	for (unsigned v = 0; v < VM_COUNT; v++)
		tv_driver_start(&d[v], dev(v, 0), VIRTIO_F_VERSION_1, 8);
	/* VM a's broadcast on lan reaches b's lan device only: a dmz device
	 * would have dropped it (not running) and counted the drop. */
	give_rx(&d[1], 1);
	send(&d[0], 0, bcast);
	tv_take_used(&d[1], 0, &id, &len);
	assert_int_equal(len, VIRTIO_NET_HDR_SIZE + 60);
	assert_int_equal(tv_get(&vms[1], NET_RX + VIRTIO_NET_HDR_SIZE + 59, 1),
			 0x40);
	assert_int_equal(vms[1].devices.virtio[1].net.rx_dropped, 0);
	assert_int_equal(vms[0].devices.virtio[1].net.rx_dropped, 0);
	/* The MAC of the configuration is the device's. */
	assert_int_equal(tv_rd(dev(1, 1), VIRTIO_MMIO_CONFIG + 4) & 0xffff,
			 0x1100);
}

static void test_vm_devices_full_network(void **st)
{
	(void)st;
	for (unsigned n = 0; n < VNET_MAX_PORTS + 1; n++)
		add_net(0, "lan");
	assert_int_equal(
	    vm_image_plan(&cfgs[0], &plans[0], &(struct config_error){{0}}),
	    HV_OK);
	assert_int_equal(vm_create(&vms[0], 0, &cfgs[0], &plans[0], &tp.pool),
			 HV_OK);
	assert_int_equal(vm_devices_create(&vms[0], &nets), HV_ERR_NOMEM);
	assert_int_equal(vms[0].devices.virtio_count, VNET_MAX_PORTS);
}

static void test_vm_devices_no_room_for_another_network(void **st)
{
	static const char *const names[2] = {"a", "b"};

	(void)st;
	/* Every network name a machine can have is taken. */
	for (unsigned i = 0; i < VM_NETWORKS_MAX; i++)
		vnet_switch_init(&nets.sw[i], names[i % 2]);
	nets.count = VM_NETWORKS_MAX;
	add_net(0, "lan");
	assert_int_equal(
	    vm_image_plan(&cfgs[0], &plans[0], &(struct config_error){{0}}),
	    HV_OK);
	assert_int_equal(vm_create(&vms[0], 0, &cfgs[0], &plans[0], &tp.pool),
			 HV_OK);
	assert_int_equal(vm_devices_create(&vms[0], &nets), HV_ERR_NOMEM);
	/* A network already there is joined. */
	cfgs[0].virtio[0].network = "b";
	assert_int_equal(vm_create(&vms[0], 0, &cfgs[0], &plans[0], &tp.pool),
			 HV_OK);
	assert_int_equal(vm_devices_create(&vms[0], &nets), HV_OK);
	assert_int_equal(nets.sw[1].port_count, 1);
}

static void test_vm_devices_unknown_type_is_refused(void **st)
{
	(void)st;
	add(0, (enum vm_virtio_type)7, "what");
	assert_int_equal(
	    vm_image_plan(&cfgs[0], &plans[0], &(struct config_error){{0}}),
	    HV_OK);
	assert_int_equal(vm_create(&vms[0], 0, &cfgs[0], &plans[0], &tp.pool),
			 HV_OK);
	assert_int_equal(vm_devices_create(&vms[0], &nets), HV_ERR_INVAL);
	assert_int_equal(vms[0].devices.virtio_count, 0);
}

static void test_vm_devices_frames_to_a_resetting_vm_are_dropped(void **st)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct tv_driver d[VM_COUNT];
	struct virtio_net *b;

	(void)st;
	add_net(0, "lan");
	add_net(1, "lan");
	build(2);
	for (unsigned v = 0; v < VM_COUNT; v++)
		tv_driver_start(&d[v], dev(v, 0), VIRTIO_F_VERSION_1, 8);
	give_rx(&d[1], 1);
	/* VM b resets: its device with it, so its old receive buffer in the
	 * old RAM is never written again. */
	assert_int_equal(vm_boot(&vms[1]), HV_OK);
	b = &vms[1].devices.virtio[0].net;
	send(&d[0], 0, bcast);
	assert_int_equal(b->rx_dropped, 1);
	assert_int_equal(tv_get(&vms[1], tv_used(0) + 2, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_vm_devices_on_the_bus_in_their_slots),
	    T(test_vm_devices_sixteen_fit_on_the_bus),
	    T(test_vm_devices_disk_writes_outlive_a_reset),
	    T(test_vm_devices_read_only_disk_refuses_writes),
	    T(test_vm_devices_reset_lowers_the_interrupt),
	    T(test_vm_devices_console_output_is_the_vms),
	    T(test_vm_devices_console_input_follows_the_driver),
	    T(test_vm_devices_console_input_waits_for_buffers),
	    T(test_vm_devices_one_switch_per_network),
	    T(test_vm_devices_full_network),
	    T(test_vm_devices_frames_to_a_resetting_vm_are_dropped),
	    T(test_vm_devices_no_room_for_another_network),
	    T(test_vm_devices_unknown_type_is_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
