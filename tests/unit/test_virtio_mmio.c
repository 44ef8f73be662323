/*
 * Unit tests of hv/virtio/virtio_mmio.c: the transport's registers, feature
 * negotiation, status, queues, interrupts and DEVICE_NEEDS_RESET, with a
 * fake device type behind it.
 */
#include "virtio_helpers.h"

#define SLOT	3u
#define BASE	(VIRTIO_MMIO_BASE + SLOT * VIRTIO_MMIO_SIZE)
#define F_FAKE	(1ull << 7)
#define PREFIX	"hv: test: virtio-fake@0xb000600: "
#define ST_FEAT (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)

/* What the fake device saw. */
static struct {
	unsigned notified[VIRTIO_MMIO_QUEUES];
	unsigned resets;
	unsigned config_writes;
	uint32_t config_off, config_size, config_val;
	unsigned after_writes;
} seen;

static void fake_notify(struct virtio_mmio *t, unsigned queue)
{
	(void)t;
	seen.notified[queue]++;
}

static void fake_reset(struct virtio_mmio *t)
{
	(void)t;
	seen.resets++;
}

static void fake_config_write(struct virtio_mmio *t, uint32_t off,
			      unsigned size, uint32_t val)
{
	(void)t;
	seen.config_writes++;
	seen.config_off = off;
	seen.config_size = size;
	seen.config_val = val;
}

static void fake_after_write(struct virtio_mmio *t)
{
	(void)t;
	seen.after_writes++;
}

static const struct virtio_device_ops fake_ops = {
    .name = "virtio-fake",
    .device_id = 42,
    .notify = fake_notify,
    .reset = fake_reset,
    .config_write = fake_config_write,
    .after_write = fake_after_write,
};

/* A type with only what is required. */
static const struct virtio_device_ops bare_ops = {
    .name = "virtio-bare",
    .device_id = 43,
    .notify = fake_notify,
};

static const uint8_t config[6] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66};

static struct test_vm tvm;
static struct vm *vm;
static struct virtio_mmio t;
static struct tv_driver drv;

static int setup(void **state)
{
	(void)state;
	vm = test_vm_boot(&tvm, "test", 1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(virtio_mmio_init(&t, vm, SLOT, &fake_ops, 2), HV_OK);
	t.device_features |= F_FAKE;
	t.config = config;
	t.config_size = sizeof(config);
	drv = (struct tv_driver){.t = &t};
	return 0;
}

static enum hv_err rd_size(uint64_t off, unsigned size, uint64_t *val)
{
	return virtio_mmio_read(&t, off, size, val);
}

static uint64_t rd(uint64_t off)
{
	return tv_rd(&t, off);
}

static void wr(uint64_t off, uint32_t val)
{
	tv_wr(&t, off, val);
}

static void test_virtio_mmio_init_places_the_window_and_the_spi(void **st)
{
	const struct mmio_region *r;

	(void)st;
	assert_int_equal(t.base, 0x0b000600);
	assert_int_equal(t.intid, 83);
	r = mmio_bus_find(&vm->mmio, ipa_init(BASE + 0x1ff));
	assert_non_null(r);
	assert_ptr_equal(r->dev, &t);
	assert_ptr_equal(r->ops, &virtio_mmio_ops);
	assert_int_equal(ipa_addr(r->base), BASE);
	assert_int_equal(r->size, 0x200);
	assert_string_equal(r->name, "virtio-fake");
	assert_null(mmio_bus_find(&vm->mmio, ipa_init(BASE + 0x200)));
	assert_int_equal(t.mem.ipa, TEST_RAM_IPA);
	assert_int_equal(t.mem.size, TEST_RAM_SIZE);
	assert_ptr_equal(t.mem.host, tv_ram(vm, TEST_RAM_IPA));
	assert_int_equal(t.device_features, VIRTIO_F_VERSION_1 | F_FAKE);
	assert_int_equal(t.status, 0);
}

static void test_virtio_mmio_init_refuses_bad_slots_and_queues(void **st)
{
	struct virtio_mmio u;
	struct vm_config cfg = *vm->cfg;

	(void)st;
	assert_int_equal(virtio_mmio_init(&u, vm, 16, &fake_ops, 1),
			 HV_ERR_INVAL);
	assert_int_equal(virtio_mmio_init(&u, vm, 0, &fake_ops, 0),
			 HV_ERR_INVAL);
	assert_int_equal(virtio_mmio_init(&u, vm, 0, &fake_ops, 3),
			 HV_ERR_INVAL);
	/* The same slot twice overlaps on the bus. */
	assert_int_equal(virtio_mmio_init(&u, vm, SLOT, &fake_ops, 1),
			 HV_ERR_OVERLAP);
	assert_int_equal(virtio_mmio_init(&u, vm, 15, &fake_ops, 1), HV_OK);
	assert_int_equal(u.intid, 95);
	/* RAM the hypervisor cannot reach. */
	cfg.ram_pa = pa_init(0x1000);
	vm->cfg = &cfg;
	assert_int_equal(virtio_mmio_init(&u, vm, 4, &fake_ops, 1),
			 HV_ERR_RANGE);
}

static void test_virtio_mmio_identifies_as_a_version_2_device(void **st)
{
	(void)st;
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 42);
	assert_int_equal(rd(VIRTIO_MMIO_VENDOR_ID_REG), 0x5648);
	/* Read-only registers ignore writes. */
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(VIRTIO_MMIO_VERSION_REG, 1);
	wr(VIRTIO_MMIO_DEVICE_ID, 7);
	wr(VIRTIO_MMIO_VENDOR_ID_REG, 7);
	wr(VIRTIO_MMIO_DEVICE_FEATURES, 7);
	wr(VIRTIO_MMIO_QUEUE_NUM_MAX, 7);
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 7);
	wr(VIRTIO_MMIO_CONFIG_GENERATION, 7);
	assert_int_equal(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(VIRTIO_MMIO_VERSION_REG), 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_ID), 42);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 128);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
}

static void test_virtio_mmio_device_features_by_word(void **st)
{
	(void)st;
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), F_FAKE);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void test_virtio_mmio_features_ok_with_version_1(void **st)
{
	(void)st;
	tv_negotiate(&t, VIRTIO_F_VERSION_1 | F_FAKE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS),
			 ST_FEAT | VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(t.driver_features, VIRTIO_F_VERSION_1 | F_FAKE);
	/* Accepted features are fixed. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(t.driver_features, VIRTIO_F_VERSION_1 | F_FAKE);
	/* A subset is fine too. */
	wr(VIRTIO_MMIO_STATUS, 0);
	tv_negotiate(&t, VIRTIO_F_VERSION_1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS),
			 ST_FEAT | VIRTIO_STATUS_FEATURES_OK);
	assert_string_equal(console(), "");
}

static void test_virtio_mmio_driver_feature_words_beyond_1_vanish(void **st)
{
	(void)st;
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	assert_int_equal(t.driver_features, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0x80000001);
	assert_int_equal(t.driver_features, 0x8000000100000000ull);
}

static void test_virtio_mmio_legacy_driver_is_refused(void **st)
{
	(void)st;
	tv_negotiate(&t, F_FAKE);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ST_FEAT);
	assert_string_equal(console(),
			    PREFIX "driver features 0x80 lack "
				   "VIRTIO_F_VERSION_1 (legacy drivers are not "
				   "served): FEATURES_OK refused\n");
	/* The device is not broken: the driver may try again. */
	tv_negotiate(&t, VIRTIO_F_VERSION_1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS),
			 ST_FEAT | VIRTIO_STATUS_FEATURES_OK);
}

static void test_virtio_mmio_features_the_device_lacks_are_refused(void **st)
{
	(void)st;
	tv_negotiate(&t, VIRTIO_F_VERSION_1 | F_FAKE | (1ull << 28));
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), ST_FEAT);
	assert_string_equal(console(),
			    PREFIX "driver features 0x110000080 are not "
				   "among the device's 0x100000080: "
				   "FEATURES_OK refused\n");
}

static void test_virtio_mmio_driver_ok_without_features_ok_fails(void **st)
{
	(void)st;
	wr(VIRTIO_MMIO_STATUS, ST_FEAT);
	wr(VIRTIO_MMIO_STATUS, ST_FEAT | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS),
			 ST_FEAT | VIRTIO_STATUS_DRIVER_OK |
			     VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(tv_spi_level(&t));
	assert_false(virtio_mmio_running(&t));
	assert_string_equal(console(), PREFIX "DRIVER_OK without FEATURES_OK: "
					      "device needs reset\n");
}

static void test_virtio_mmio_status_bits_only_accumulate(void **st)
{
	(void)st;
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 3);
	/* The device's own bit is not the driver's to set. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DEVICE_NEEDS_RESET | 0x30);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 3);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0x83);
	assert_int_equal(seen.resets, 0);
}

static void test_virtio_mmio_status_0_resets_everything(void **st)
{
	(void)st;
	tv_driver_start(&drv, &t, VIRTIO_F_VERSION_1, 8);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	virtio_mmio_fail(&t, "broken");
	assert_true(tv_spi_level(&t));
	hal_sim_console_clear();
	wr(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(seen.resets, 1);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(tv_spi_level(&t));
	assert_int_equal(t.driver_features, 0);
	assert_int_equal(rd(VIRTIO_MMIO_DEVICE_FEATURES), F_FAKE);
	assert_int_equal(t.queue_sel, 0);
	for (unsigned q = 0; q < 2; q++) {
		assert_false(t.queues[q].ready);
		assert_int_equal(t.queues[q].num, 0);
		assert_int_equal(t.queues[q].desc_ipa, 0);
	}
	/* Broken again after a reset: a new line. */
	virtio_mmio_fail(&t, "broken");
	assert_string_equal(console(), PREFIX "broken: device needs reset\n");
}

static void test_virtio_mmio_needs_reset_is_logged_once(void **st)
{
	(void)st;
	virtio_mmio_fail(&t, "first %u", 1);
	virtio_mmio_fail(&t, "second %u", 2);
	assert_string_equal(console(), PREFIX "first 1: device needs reset\n");
	assert_int_equal(t.status, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void test_virtio_mmio_queue_registers(void **st)
{
	struct virtqueue *q = &t.queues[1];

	(void)st;
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 128);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 16);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x40100000);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0x1);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, 0x40101000);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0x2);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0x40102000);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0x3);
	assert_int_equal(q->num, 16);
	assert_int_equal(q->desc_ipa, 0x140100000ull);
	assert_int_equal(q->avail_ipa, 0x240101000ull);
	assert_int_equal(q->used_ipa, 0x340102000ull);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	assert_int_equal(q->desc_ipa, 0x40100000ull);
	/* Write-only registers read as 0. */
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_SEL), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	assert_false(t.queues[0].ready);
	/* A ready queue keeps still, bar QueueReady = 0. */
	wr(VIRTIO_MMIO_QUEUE_NUM, 4);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(q->num, 16);
	assert_int_equal(q->desc_ipa, 0x40100000ull);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_string_equal(console(), "");
}

static void test_virtio_mmio_missing_queue_reads_0_ignores_writes(void **st)
{
	(void)st;
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(t.queues[0].num, 0);
	assert_int_equal(t.queues[1].num, 0);
	assert_int_equal(t.status, 0);
}

static void test_virtio_mmio_bad_queue_at_ready_needs_reset(void **st)
{
	(void)st;
	tv_negotiate(&t, VIRTIO_F_VERSION_1);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(VIRTIO_MMIO_QUEUE_NUM, 3);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(VIRTIO_MMIO_STATUS),
			 ST_FEAT | VIRTIO_STATUS_FEATURES_OK |
			     VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_string_equal(console(),
			    PREFIX "queue 1: queue size 3 is not a power of 2 "
				   "from 1 to 128: device needs reset\n");
}

static void test_virtio_mmio_ring_straddling_ram_end_needs_reset(void **st)
{
	(void)st;
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x403ffff0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_string_equal(console(),
			    PREFIX "queue 0: descriptor table [0x403ffff0, "
				   "+0x80) is outside RAM: device needs "
				   "reset\n");
}

static void test_virtio_mmio_notify_only_a_running_device(void **st)
{
	(void)st;
	tv_negotiate(&t, VIRTIO_F_VERSION_1);
	tv_queue_setup(&drv, 0, 8);
	/* Before DRIVER_OK: not yet. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(seen.notified[0], 0);
	/* DRIVER_OK serves the ready queue 0, not the unready 1. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(seen.notified[0], 1);
	assert_int_equal(seen.notified[1], 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(seen.notified[0], 2);
	/* Queue 1 is not ready, queue 2 does not exist. */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0x10000);
	assert_int_equal(seen.notified[1], 0);
	/* A broken device serves nothing. */
	virtio_mmio_fail(&t, "broken");
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(seen.notified[0], 2);
	assert_null(virtio_mmio_queue(&t, 0));
}

static void test_virtio_mmio_every_register_write_calls_after_write(void **st)
{
	unsigned before;

	(void)st;
	before = seen.after_writes;
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 0);
	assert_int_equal(seen.after_writes, before + 2);
	virtio_mmio_ops.after_write(&t, NULL);
	assert_int_equal(seen.after_writes, before + 3);
}

static void test_virtio_mmio_used_buffers_raise_the_spi(void **st)
{
	(void)st;
	tv_driver_start(&drv, &t, VIRTIO_F_VERSION_1, 8);
	t.chain.head = 6;
	virtio_mmio_push(&t, 1, 20);
	assert_int_equal(tv_used_idx(&drv, 1), 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_INT_USED_BUFFER);
	assert_true(tv_spi_level(&t));
	virtio_mmio_fail(&t, "broken");
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 3);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED_BUFFER);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_true(tv_spi_level(&t));
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(tv_spi_level(&t));
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_ACK), 0);
}

static void test_virtio_mmio_no_interrupt_flag_is_honoured(void **st)
{
	(void)st;
	tv_driver_start(&drv, &t, VIRTIO_F_VERSION_1, 8);
	tv_put(vm, tv_avail(0), VIRTQ_AVAIL_F_NO_INTERRUPT, 2);
	virtio_mmio_push(&t, 0, 0);
	assert_int_equal(tv_used_idx(&drv, 0), 1);
	assert_int_equal(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_false(tv_spi_level(&t));
}

static void test_virtio_mmio_pop_fault_needs_reset(void **st)
{
	(void)st;
	tv_driver_start(&drv, &t, VIRTIO_F_VERSION_1, 8);
	tv_offer(&drv, 1, 9);
	assert_int_equal(virtio_mmio_pop(&t, 1), VQ_BAD_HEAD);
	assert_int_equal(t.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			 VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_string_equal(console(),
			    PREFIX "queue 1: available entry 0: head 9 is "
				   "outside the queue (size 8): device needs "
				   "reset\n");
	assert_int_equal(virtio_mmio_pop(&t, 0), VQ_EMPTY);
}

static void test_virtio_mmio_registers_take_32_bit_aligned_only(void **st)
{
	static const uint64_t reserved[] = {0x018, 0x01c, 0x028, 0x03c,
					    0x040, 0x048, 0x054, 0x068,
					    0x074, 0x0a8, 0x0c0, 0x0f8};
	uint64_t val;

	(void)st;
	for (unsigned size = 1; size <= 8; size *= 2) {
		if (size == 4)
			continue;
		assert_int_equal(rd_size(VIRTIO_MMIO_MAGIC_VALUE, size, &val),
				 HV_ERR_ACCESS);
		assert_int_equal(
		    virtio_mmio_write(&t, VIRTIO_MMIO_STATUS, size, 1),
		    HV_ERR_ACCESS);
	}
	assert_int_equal(rd_size(0x002, 4, &val), HV_ERR_ACCESS);
	assert_int_equal(virtio_mmio_write(&t, 0x072, 4, 1), HV_ERR_ACCESS);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		assert_int_equal(rd_size(reserved[i], 4, &val), HV_ERR_ACCESS);
		assert_int_equal(virtio_mmio_write(&t, reserved[i], 4, 0),
				 HV_ERR_ACCESS);
	}
	assert_int_equal(t.status, 0);
}

static void test_virtio_mmio_has_no_shared_memory(void **st)
{
	(void)st;
	wr(VIRTIO_MMIO_SHM_SEL, 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_SEL), 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_BASE_LOW), 0xffffffff);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
	wr(VIRTIO_MMIO_SHM_LEN_LOW, 0);
	wr(VIRTIO_MMIO_SHM_LEN_HIGH, 0);
	wr(VIRTIO_MMIO_SHM_BASE_LOW, 0);
	wr(VIRTIO_MMIO_SHM_BASE_HIGH, 0);
	assert_int_equal(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
}

static void test_virtio_mmio_config_space_reads(void **st)
{
	uint64_t val;

	(void)st;
	assert_int_equal(rd_size(0x100, 1, &val), HV_OK);
	assert_int_equal(val, 0x11);
	assert_int_equal(rd_size(0x105, 1, &val), HV_OK);
	assert_int_equal(val, 0x66);
	assert_int_equal(rd_size(0x102, 2, &val), HV_OK);
	assert_int_equal(val, 0x4433);
	assert_int_equal(rd_size(0x100, 4, &val), HV_OK);
	assert_int_equal(val, 0x44332211);
	/* Past the device's configuration: zeros. */
	assert_int_equal(rd_size(0x104, 4, &val), HV_OK);
	assert_int_equal(val, 0x6655);
	assert_int_equal(rd_size(0x1fc, 4, &val), HV_OK);
	assert_int_equal(val, 0);
	/* Misaligned or 64-bit accesses are refused. */
	assert_int_equal(rd_size(0x101, 2, &val), HV_ERR_ACCESS);
	assert_int_equal(rd_size(0x102, 4, &val), HV_ERR_ACCESS);
	assert_int_equal(rd_size(0x100, 8, &val), HV_ERR_ACCESS);
}

static void test_virtio_mmio_config_space_writes(void **st)
{
	(void)st;
	assert_int_equal(virtio_mmio_write(&t, 0x104, 2, 0xabcd), HV_OK);
	assert_int_equal(seen.config_writes, 1);
	assert_int_equal(seen.config_off, 4);
	assert_int_equal(seen.config_size, 2);
	assert_int_equal(seen.config_val, 0xabcd);
	/* Not wholly inside the configuration: ignored. */
	assert_int_equal(virtio_mmio_write(&t, 0x104, 4, 1), HV_OK);
	assert_int_equal(virtio_mmio_write(&t, 0x1fc, 4, 1), HV_OK);
	assert_int_equal(seen.config_writes, 1);
	assert_int_equal(virtio_mmio_write(&t, 0x101, 2, 1), HV_ERR_ACCESS);
	assert_int_equal(virtio_mmio_write(&t, 0x100, 8, 1), HV_ERR_ACCESS);
	assert_int_equal(seen.config_writes, 1);
}

static void test_virtio_mmio_optional_ops_may_be_absent(void **st)
{
	struct virtio_mmio u;

	(void)st;
	assert_int_equal(virtio_mmio_init(&u, vm, 0, &bare_ops, 1), HV_OK);
	assert_int_equal(
	    virtio_mmio_read(&u, VIRTIO_MMIO_DEVICE_ID, 4, &(uint64_t){0}),
	    HV_OK);
	/* No configuration at all, no config_write, reset or after_write. */
	u.config_size = 0;
	assert_int_equal(virtio_mmio_write(&u, 0x100, 1, 1), HV_OK);
	tv_wr(&u, VIRTIO_MMIO_STATUS, 1);
	tv_wr(&u, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(u.status, 0);
	assert_int_equal(seen.resets + seen.config_writes + seen.after_writes,
			 0);
}

/* Through the VM's MMIO bus, as a guest store reaches it. */
static void test_virtio_mmio_guest_store_reaches_it_through_the_bus(void **st)
{
	struct vcpu *v = &vm->vcpus[0];
	uint64_t pc = v->arch.regs.pc;
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SYNC,
	    .esr = esr_make(EC_DABT_LOW, 1, dabt_iss(2, false, 3, false, true)),
	    .far = BASE + VIRTIO_MMIO_STATUS,
	    .hpfar = hpfar_of(BASE + VIRTIO_MMIO_STATUS),
	};

	(void)st;
	v->arch.regs.x[3] = VIRTIO_STATUS_ACKNOWLEDGE;
	mmio_handle_dabt(v, &e);
	assert_int_equal(t.status, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(seen.after_writes, 1);
	assert_int_equal(v->arch.regs.pc, pc + 4);
	/* A load of the magic value. */
	e.esr = esr_make(EC_DABT_LOW, 1, dabt_iss(2, false, 4, false, false));
	e.far = BASE;
	e.hpfar = hpfar_of(BASE);
	mmio_handle_dabt(v, &e);
	assert_int_equal(v->arch.regs.x[4], 0x74726976);
	assert_int_equal(seen.after_writes, 1);
	assert_string_equal(console(), "");
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_virtio_mmio_init_places_the_window_and_the_spi),
	    T(test_virtio_mmio_init_refuses_bad_slots_and_queues),
	    T(test_virtio_mmio_identifies_as_a_version_2_device),
	    T(test_virtio_mmio_device_features_by_word),
	    T(test_virtio_mmio_features_ok_with_version_1),
	    T(test_virtio_mmio_driver_feature_words_beyond_1_vanish),
	    T(test_virtio_mmio_legacy_driver_is_refused),
	    T(test_virtio_mmio_features_the_device_lacks_are_refused),
	    T(test_virtio_mmio_driver_ok_without_features_ok_fails),
	    T(test_virtio_mmio_status_bits_only_accumulate),
	    T(test_virtio_mmio_status_0_resets_everything),
	    T(test_virtio_mmio_needs_reset_is_logged_once),
	    T(test_virtio_mmio_queue_registers),
	    T(test_virtio_mmio_missing_queue_reads_0_ignores_writes),
	    T(test_virtio_mmio_bad_queue_at_ready_needs_reset),
	    T(test_virtio_mmio_ring_straddling_ram_end_needs_reset),
	    T(test_virtio_mmio_notify_only_a_running_device),
	    T(test_virtio_mmio_every_register_write_calls_after_write),
	    T(test_virtio_mmio_used_buffers_raise_the_spi),
	    T(test_virtio_mmio_no_interrupt_flag_is_honoured),
	    T(test_virtio_mmio_pop_fault_needs_reset),
	    T(test_virtio_mmio_registers_take_32_bit_aligned_only),
	    T(test_virtio_mmio_has_no_shared_memory),
	    T(test_virtio_mmio_config_space_reads),
	    T(test_virtio_mmio_config_space_writes),
	    T(test_virtio_mmio_optional_ops_may_be_absent),
	    T(test_virtio_mmio_guest_store_reaches_it_through_the_bus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
