/*
 * Unit tests of hv/virtio/virtio_blk.c: requests against a disk in host
 * memory, driven through the transport as a guest driver would.
 */
#include "virtio_helpers.h"

#include "hv/virtio/virtio_blk.h"

#define DISK_PA	     0x48100000ull /* in the arena, before the VM's RAM */
#define DISK_SECTORS 128u
#define DISK_SIZE    (DISK_SECTORS * 512ull)
#define HDR	     (TV_DATA_IPA + 0x0000)
#define DATA	     (TV_DATA_IPA + 0x1000)
#define STATUS	     (TV_DATA_IPA + 0x0100)
#define FEATURES     (VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_FLUSH)

static struct test_vm tvm;
static struct vm *vm;
static struct virtio_blk blk;
static struct tv_driver drv;
static uint8_t *disk;

static void start(bool read_only, uint64_t features)
{
	vm = test_vm_boot(&tvm, "test", 1);
	disk = hal_pa_to_ptr(pa_init(DISK_PA), DISK_SIZE);
	for (uint64_t i = 0; i < DISK_SIZE; i++)
		disk[i] = (uint8_t)(i * 7 + i / 512);
	assert_int_equal(virtio_blk_init(&blk, vm, 0, pa_init(DISK_PA),
					 DISK_SIZE + 100, read_only,
					 "hv-test-disk"),
			 HV_OK);
	tv_driver_start(&drv, &blk.t, features, 16);
}

static int setup(void **state)
{
	(void)state;
	start(false, FEATURES);
	return 0;
}

static void header(uint32_t type, uint64_t sector)
{
	tv_put(vm, HDR, type, 4);
	tv_put(vm, HDR + 4, 0xffffffff, 4); /* reserved: ignored */
	tv_put(vm, HDR + 8, sector, 8);
	tv_put(vm, STATUS, 0xee, 1);
}

/* Header, one data buffer (readable for writes), status; kicked. */
static void request(uint32_t type, uint64_t sector, uint32_t len, bool write)
{
	struct tv_seg s[3] = {
	    {HDR, 16, false}, {DATA, len, write}, {STATUS, 1, true}};

	header(type, sector);
	if (len == 0) {
		s[1] = s[2];
		tv_chain(&drv, 0, s, 2);
	} else {
		tv_chain(&drv, 0, s, 3);
	}
	tv_kick(&drv, 0);
}

static uint8_t status(void)
{
	return (uint8_t)tv_get(vm, STATUS, 1);
}

static void expect_used(uint32_t len)
{
	uint32_t id, got;

	tv_take_used(&drv, 0, &id, &got);
	assert_int_equal(got, len);
}

static void test_virtio_blk_offers_capacity_and_features(void **st)
{
	uint64_t v;

	(void)st;
	assert_int_equal(tv_rd(&blk.t, VIRTIO_MMIO_DEVICE_ID), 2);
	assert_int_equal(tv_rd(&blk.t, VIRTIO_MMIO_DEVICE_FEATURES),
			 VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH);
	/* A partial last sector is not offered. */
	assert_int_equal(virtio_mmio_read(&blk.t, 0x100, 4, &v), HV_OK);
	assert_int_equal(v, DISK_SECTORS);
	assert_int_equal(virtio_mmio_read(&blk.t, 0x104, 4, &v), HV_OK);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_read(&blk.t, 0x10c, 4, &v), HV_OK);
	assert_int_equal(v, VQ_NUM_MAX - 2);
	assert_int_equal(virtio_mmio_read(&blk.t, 0x108, 4, &v), HV_OK);
	assert_int_equal(v, 0);
	/* Config writes are ignored. */
	assert_int_equal(virtio_mmio_write(&blk.t, 0x100, 4, 0), HV_OK);
	assert_int_equal(virtio_mmio_read(&blk.t, 0x100, 4, &v), HV_OK);
	assert_int_equal(v, DISK_SECTORS);
}

static void test_virtio_blk_read_only_disk_offers_ro(void **st)
{
	(void)st;
	start(true, FEATURES | VIRTIO_BLK_F_RO);
	assert_int_equal(tv_rd(&blk.t, VIRTIO_MMIO_DEVICE_FEATURES),
			 VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH |
			     VIRTIO_BLK_F_RO);
}

static void test_virtio_blk_init_refuses_an_unreachable_disk(void **st)
{
	struct virtio_blk b;

	(void)st;
	assert_int_equal(
	    virtio_blk_init(&b, vm, 1, pa_init(0x1000), 512, false, "x"),
	    HV_ERR_RANGE);
	assert_int_equal(
	    virtio_blk_init(&b, vm, 16, pa_init(DISK_PA), 512, false, "x"),
	    HV_ERR_INVAL);
}

static void test_virtio_blk_read_copies_sectors_to_the_guest(void **st)
{
	(void)st;
	request(VIRTIO_BLK_T_IN, 3, 1024, true);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(tv_ram(vm, DATA), disk + 3 * 512, 1024);
	expect_used(1025);
	assert_int_equal(tv_rd(&blk.t, VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_INT_USED_BUFFER);
	assert_true(tv_spi_level(&blk.t));
}

static void test_virtio_blk_write_copies_sectors_to_the_disk(void **st)
{
	(void)st;
	memset(tv_ram(vm, DATA), 0x5a, 512);
	request(VIRTIO_BLK_T_OUT, 127, 512, false);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_int_equal(disk[127 * 512], 0x5a);
	assert_int_equal(disk[128 * 512 - 1], 0x5a);
	assert_int_equal(disk[127 * 512 - 1],
			 (uint8_t)((127 * 512 - 1) * 7 + 126));
	expect_used(1);
}

static void test_virtio_blk_write_to_a_read_only_disk_is_ioerr(void **st)
{
	(void)st;
	start(true, FEATURES);
	memset(tv_ram(vm, DATA), 0x5a, 512);
	request(VIRTIO_BLK_T_OUT, 0, 512, false);
	assert_int_equal(status(), VIRTIO_BLK_S_IOERR);
	assert_int_equal(disk[0], 0);
	expect_used(1);
	/* Reads still work. */
	request(VIRTIO_BLK_T_IN, 1, 512, true);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
}

static void test_virtio_blk_sectors_outside_the_disk_are_ioerr(void **st)
{
	static const struct {
		uint64_t sector;
		uint32_t len;
		uint8_t status;
	} cases[] = {
	    {127, 1024, VIRTIO_BLK_S_IOERR},
	    {128, 512, VIRTIO_BLK_S_IOERR},
	    {129, 0, VIRTIO_BLK_S_IOERR},
	    {UINT64_MAX, 512, VIRTIO_BLK_S_IOERR},
	    {1ull << 55, 512, VIRTIO_BLK_S_IOERR},
	    {3, 100, VIRTIO_BLK_S_IOERR}, /* not whole sectors */
	    {0, 128 * 512, VIRTIO_BLK_S_OK},
	    {128, 0, VIRTIO_BLK_S_OK},
	    {127, 512, VIRTIO_BLK_S_OK},
	};

	(void)st;
	memset(tv_ram(vm, DATA), 0xa5, 128 * 512);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		request(VIRTIO_BLK_T_IN, cases[i].sector, cases[i].len, true);
		assert_int_equal(status(), cases[i].status);
		expect_used(
		    cases[i].status == VIRTIO_BLK_S_OK ? cases[i].len + 1 : 1);
		request(VIRTIO_BLK_T_OUT, cases[i].sector, cases[i].len, false);
		assert_int_equal(status(), cases[i].status);
		expect_used(1);
	}
	/* Each write that succeeded wrote back what its read brought; the
	 * ones refused wrote nothing. */
	for (uint64_t i = 0; i < DISK_SIZE; i++)
		assert_int_equal(disk[i], (uint8_t)(i * 7 + i / 512));
}

static void test_virtio_blk_flush_is_ok_once_negotiated(void **st)
{
	(void)st;
	request(VIRTIO_BLK_T_FLUSH, 0, 0, false);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	expect_used(1);
	start(false, VIRTIO_F_VERSION_1);
	request(VIRTIO_BLK_T_FLUSH, 0, 0, false);
	assert_int_equal(status(), VIRTIO_BLK_S_UNSUPP);
}

static void test_virtio_blk_get_id_is_nul_padded_to_20_bytes(void **st)
{
	(void)st;
	memset(tv_ram(vm, DATA), 0xff, 32);
	request(VIRTIO_BLK_T_GET_ID, 0, 20, true);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(tv_ram(vm, DATA), "hv-test-disk\0\0\0\0\0\0\0\0",
			    20);
	assert_int_equal(tv_ram(vm, DATA)[20], 0xff);
	expect_used(21);
	/* A smaller buffer gets what fits; a larger one only 20 bytes. */
	memset(tv_ram(vm, DATA), 0xff, 32);
	request(VIRTIO_BLK_T_GET_ID, 0, 5, true);
	assert_memory_equal(tv_ram(vm, DATA), "hv-te\xff", 6);
	expect_used(6);
	request(VIRTIO_BLK_T_GET_ID, 0, 32, true);
	expect_used(21);
}

static void test_virtio_blk_id_longer_than_20_bytes_is_cut(void **st)
{
	struct virtio_blk b;

	(void)st;
	assert_int_equal(virtio_blk_init(&b, vm, 2, pa_init(DISK_PA), 512,
					 false, "0123456789abcdefghijKLMN"),
			 HV_OK);
	assert_memory_equal(b.id, "0123456789abcdefghij", 20);
}

static void test_virtio_blk_unknown_types_are_unsupp(void **st)
{
	(void)st;
	request(11, 0, 512, false); /* DISCARD, not offered */
	assert_int_equal(status(), VIRTIO_BLK_S_UNSUPP);
	expect_used(1);
	request(0xffffffff, 0, 0, false);
	assert_int_equal(status(), VIRTIO_BLK_S_UNSUPP);
}

static void test_virtio_blk_split_header_and_scattered_data(void **st)
{
	struct tv_seg s[5] = {
	    {HDR, 10, false},  {HDR + 10, 6, false}, {DATA + 0x800, 100, true},
	    {DATA, 924, true}, {STATUS, 1, true},
	};

	(void)st;
	header(VIRTIO_BLK_T_IN, 10);
	tv_chain(&drv, 0, s, 5);
	tv_kick(&drv, 0);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
	assert_memory_equal(tv_ram(vm, DATA + 0x800), disk + 10 * 512, 100);
	assert_memory_equal(tv_ram(vm, DATA), disk + 10 * 512 + 100, 924);
	expect_used(1025);
}

static void test_virtio_blk_serves_every_request_of_a_kick(void **st)
{
	struct tv_seg a[3] = {
	    {HDR, 16, false}, {DATA, 512, true}, {STATUS, 1, true}};
	struct tv_seg b[3] = {{HDR + 0x20, 16, false},
			      {DATA + 0x400, 512, true},
			      {STATUS + 1, 1, true}};
	uint32_t id, len;

	(void)st;
	header(VIRTIO_BLK_T_IN, 1);
	tv_put(vm, HDR + 0x20, VIRTIO_BLK_T_IN, 4);
	tv_put(vm, HDR + 0x28, 2, 8);
	tv_chain(&drv, 0, a, 3);
	tv_chain(&drv, 0, b, 3);
	tv_kick(&drv, 0);
	assert_memory_equal(tv_ram(vm, DATA), disk + 512, 512);
	assert_memory_equal(tv_ram(vm, DATA + 0x400), disk + 1024, 512);
	tv_take_used(&drv, 0, &id, &len);
	assert_int_equal(id, 0);
	tv_take_used(&drv, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 513);
}

static void test_virtio_blk_short_header_needs_reset(void **st)
{
	struct tv_seg s[2] = {{HDR, 8, false}, {STATUS, 1, true}};

	(void)st;
	tv_chain(&drv, 0, s, 2);
	tv_kick(&drv, 0);
	assert_int_equal(tv_used_idx(&drv, 0), 0);
	assert_int_equal(tv_rd(&blk.t, VIRTIO_MMIO_STATUS) &
			     VIRTIO_STATUS_DEVICE_NEEDS_RESET,
			 VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	assert_int_equal(tv_rd(&blk.t, VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_INT_CONFIG);
	assert_string_equal(console(),
			    "hv: test: virtio-blk@0xb000000: queue 0: request "
			    "at descriptor 0 has 8 readable and 1 writable "
			    "bytes (16 and 1 at least): device needs reset\n");
}

static void test_virtio_blk_no_status_byte_needs_reset(void **st)
{
	struct tv_seg s[2] = {{HDR, 16, false}, {DATA, 512, false}};

	(void)st;
	memset(tv_ram(vm, DATA), 0x5a, 512);
	header(VIRTIO_BLK_T_OUT, 0);
	tv_chain(&drv, 0, s, 2);
	tv_kick(&drv, 0);
	assert_int_equal(disk[0], 0);
	assert_console_has("has 528 readable and 0 writable bytes");
	assert_false(virtio_mmio_running(&blk.t));
}

static void test_virtio_blk_buffer_outside_ram_touches_nothing(void **st)
{
	struct tv_seg s[3] = {{HDR, 16, false},
			      {TEST_RAM_IPA + TEST_RAM_SIZE - 256, 512, true},
			      {STATUS, 1, true}};

	(void)st;
	header(VIRTIO_BLK_T_IN, 0);
	tv_chain(&drv, 0, s, 3);
	tv_kick(&drv, 0);
	assert_int_equal(status(), 0xee);
	assert_int_equal(tv_used_idx(&drv, 0), 0);
	assert_string_equal(console(),
			    "hv: test: virtio-blk@0xb000000: queue 0: "
			    "descriptor 1: buffer [0x403fff00, +0x200) is "
			    "outside RAM: device needs reset\n");
	/* Nothing more is served until the driver resets the device. */
	request(VIRTIO_BLK_T_IN, 0, 512, true);
	assert_int_equal(tv_used_idx(&drv, 0), 0);
	tv_wr(&blk.t, VIRTIO_MMIO_STATUS, 0);
	tv_driver_start(&drv, &blk.t, FEATURES, 16);
	request(VIRTIO_BLK_T_IN, 0, 512, true);
	assert_int_equal(status(), VIRTIO_BLK_S_OK);
}

/* Writes persist across a device reset (and so a VM's). */
static void test_virtio_blk_writes_survive_a_reset(void **st)
{
	(void)st;
	memset(tv_ram(vm, DATA), 0x77, 512);
	request(VIRTIO_BLK_T_OUT, 9, 512, false);
	virtio_mmio_reset(&blk.t);
	tv_driver_start(&drv, &blk.t, FEATURES, 16);
	memset(tv_ram(vm, DATA), 0, 512);
	request(VIRTIO_BLK_T_IN, 9, 512, true);
	assert_int_equal(tv_ram(vm, DATA)[0], 0x77);
	assert_int_equal(tv_ram(vm, DATA)[511], 0x77);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_virtio_blk_offers_capacity_and_features),
	    T(test_virtio_blk_read_only_disk_offers_ro),
	    T(test_virtio_blk_init_refuses_an_unreachable_disk),
	    T(test_virtio_blk_read_copies_sectors_to_the_guest),
	    T(test_virtio_blk_write_copies_sectors_to_the_disk),
	    T(test_virtio_blk_write_to_a_read_only_disk_is_ioerr),
	    T(test_virtio_blk_sectors_outside_the_disk_are_ioerr),
	    T(test_virtio_blk_flush_is_ok_once_negotiated),
	    T(test_virtio_blk_get_id_is_nul_padded_to_20_bytes),
	    T(test_virtio_blk_id_longer_than_20_bytes_is_cut),
	    T(test_virtio_blk_unknown_types_are_unsupp),
	    T(test_virtio_blk_split_header_and_scattered_data),
	    T(test_virtio_blk_serves_every_request_of_a_kick),
	    T(test_virtio_blk_short_header_needs_reset),
	    T(test_virtio_blk_no_status_byte_needs_reset),
	    T(test_virtio_blk_buffer_outside_ram_touches_nothing),
	    T(test_virtio_blk_writes_survive_a_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
