/* Unit tests of hv/config.c: every check of config_validate, and the
 * stage-2 page estimate. */
#include "helpers.h"

#include "hv/config.h"
#include "hv/stage2.h"

static const uint8_t image[0x1000];
static const uint8_t dtb[0x800];

static struct vm_config vms[HV_MAX_VMS + 1];
static struct hv_config cfg;
static struct hal_platform plat;
static struct config_limits lim;
static struct config_error err;

/* Two valid VMs on a machine with RAM at 1 GiB, the hypervisor in its first
 * 32 MiB. */
static int setup(void **state)
{
	(void)state;
	plat = (struct hal_platform){
	    .name = "test",
	    .ram_base = pa_init(0x40000000),
	    .ram_size = 0x40000000,
	    .hv_base = pa_init(0x40000000),
	    .hv_size = 0x02000000,
	};
	lim = (struct config_limits){&plat, 40, 0, 256};
	memset(vms, 0, sizeof(vms));
	vms[0] = (struct vm_config){
	    .name = "alpha",
	    .ram_ipa = ipa_init(0x40000000),
	    .ram_size = 0x200000,
	    .ram_pa = pa_init(0x42000000),
	    .entry = ipa_init(0x40080000),
	    .image = {image, sizeof(image), ipa_init(0x40080000)},
	    .dtb = {dtb, sizeof(dtb), ipa_init(0x40000000)},
	    .vcpu_count = 2,
	    .console = true,
	};
	vms[1] = vms[0];
	vms[1].name = "beta";
	vms[1].ram_pa = pa_init(0x44000000);
	vms[1].console = false;
	cfg = (struct hv_config){vms, 2};
	memset(&err, 0x55, sizeof(err));
	return 0;
}

/* Validates and checks the error value and that the message names what. */
#define assert_config_error(e, what)                                           \
	do {                                                                   \
		assert_int_equal(config_validate(&cfg, &lim, &err), (e));      \
		if (strstr(err.msg, (what)) == NULL)                           \
			fail_msg("message \"%s\" does not name \"%s\"",        \
				 err.msg, (what));                             \
	} while (0)

static void test_config_valid_configuration_passes(void **st)
{
	(void)st;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
	assert_string_equal(err.msg, "");
}

static void test_config_vm_count_zero_or_too_many(void **st)
{
	(void)st;
	cfg.vm_count = 0;
	assert_config_error(HV_ERR_INVAL, "vm_count 0 is not in 1..4");
	cfg.vm_count = HV_MAX_VMS + 1;
	assert_config_error(HV_ERR_INVAL, "vm_count 5");
	cfg.vm_count = 1;
	cfg.vms = NULL;
	assert_config_error(HV_ERR_INVAL, "vm_count");
}

static void test_config_four_vms_are_allowed(void **st)
{
	(void)st;
	vms[2] = vms[1];
	vms[2].name = "gamma";
	vms[2].ram_pa = pa_init(0x46000000);
	vms[3] = vms[1];
	vms[3].name = "delta";
	vms[3].ram_pa = pa_init(0x48000000);
	cfg.vm_count = 4;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_name_empty_null_or_too_long(void **st)
{
	(void)st;
	vms[1].name = "";
	assert_config_error(HV_ERR_INVAL, "vm[1]: name must be 1 to 15");
	vms[1].name = NULL;
	assert_config_error(HV_ERR_INVAL, "name");
	vms[1].name = "sixteen-chars-xx";
	assert_config_error(HV_ERR_INVAL, "name");
	vms[1].name = "fifteen-chars-x";
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_duplicate_name(void **st)
{
	(void)st;
	vms[1].name = "alpha";
	assert_config_error(HV_ERR_EXIST,
			    "vm[1]: name 'alpha' is already used by vm[0]");
}

static void test_config_vcpu_count_zero_or_five(void **st)
{
	(void)st;
	vms[0].vcpu_count = 0;
	assert_config_error(HV_ERR_INVAL,
			    "vm 'alpha': vcpu_count 0 is not in 1..4");
	vms[0].vcpu_count = 5;
	assert_config_error(HV_ERR_INVAL, "vcpu_count 5");
	vms[0].vcpu_count = 4;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_ram_size_zero_or_misaligned(void **st)
{
	(void)st;
	vms[0].ram_size = 0;
	assert_config_error(HV_ERR_ALIGN, "ram_size 0x0");
	vms[0].ram_size = 0x200800;
	assert_config_error(HV_ERR_ALIGN, "vm 'alpha': ram_size 0x200800");
}

static void test_config_ram_ipa_or_pa_misaligned(void **st)
{
	(void)st;
	vms[1].ram_ipa = ipa_init(0x40000800);
	assert_config_error(HV_ERR_ALIGN, "vm 'beta': ram_ipa 0x40000800");
	setup(NULL);
	vms[1].ram_pa = pa_init(0x44000010);
	assert_config_error(HV_ERR_ALIGN, "vm 'beta': ram_pa 0x44000010");
}

static void test_config_ram_beyond_ipa_space(void **st)
{
	(void)st;
	vms[0].ram_ipa = ipa_init(0xfffff00000ull);
	assert_config_error(HV_ERR_RANGE, "exceeds the 40-bit IPA space");
	assert_config_error(HV_ERR_RANGE, "ram_ipa 0xfffff00000");
	/* Wrapping around the 64-bit space is caught too. */
	vms[0].ram_ipa = ipa_init(0xfffffffffff00000ull);
	assert_config_error(HV_ERR_RANGE, "IPA space");
	/* Ending exactly at the top is fine (checks stop at the image). */
	vms[0].ram_ipa = ipa_init(0xffffe00000ull);
	assert_config_error(HV_ERR_RANGE, "image");
	lim.ipa_bits = 32;
	vms[0].ram_ipa = ipa_init(0xfff00000ull);
	assert_config_error(HV_ERR_RANGE, "32-bit IPA space");
}

static void test_config_ram_overlapping_device_window(void **st)
{
	(void)st;
	vms[0].ram_ipa = ipa_init(0x09f00000);
	vms[0].image.load = ipa_init(0x09f80000);
	vms[0].entry = ipa_init(0x09f80000);
	vms[0].dtb.load = ipa_init(0x09f00000);
	assert_config_error(HV_ERR_OVERLAP,
			    "ram_ipa range overlaps the device window "
			    "[0x8000000, 0xa000000)");
	vms[0].ram_ipa = ipa_init(0x07f00000);
	vms[0].image.load = ipa_init(0x07f80000);
	vms[0].entry = ipa_init(0x07f80000);
	vms[0].dtb.load = ipa_init(0x07f00000);
	assert_config_error(HV_ERR_OVERLAP, "device window");
	/* Touching the window from below or above is fine. */
	vms[0].ram_ipa = ipa_init(0x07e00000);
	vms[0].image.load = ipa_init(0x07e80000);
	vms[0].entry = ipa_init(0x07e80000);
	vms[0].dtb.load = ipa_init(0x07e00000);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
	vms[0].ram_ipa = ipa_init(0x0a000000);
	vms[0].image.load = ipa_init(0x0a080000);
	vms[0].entry = ipa_init(0x0a080000);
	vms[0].dtb.load = ipa_init(0x0a000000);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_ram_pa_outside_machine_ram(void **st)
{
	(void)st;
	vms[1].ram_pa = pa_init(0x80000000);
	assert_config_error(HV_ERR_RANGE,
			    "vm 'beta': ram_pa [0x80000000, 0x80200000) is "
			    "outside the machine's RAM [0x40000000, "
			    "0x80000000)");
	vms[1].ram_pa = pa_init(0x7ff00000);
	assert_config_error(HV_ERR_RANGE, "ram_pa");
	vms[1].ram_pa = pa_init(0x3ff00000);
	assert_config_error(HV_ERR_RANGE, "ram_pa");
	vms[1].ram_pa = pa_init(0x7fe00000);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_ram_pa_overlapping_the_hypervisor(void **st)
{
	(void)st;
	vms[0].ram_pa = pa_init(0x41f00000);
	assert_config_error(HV_ERR_OVERLAP,
			    "vm 'alpha': ram_pa range overlaps the hypervisor "
			    "at [0x40000000, 0x42000000)");
	vms[0].ram_pa = pa_init(0x40000000);
	assert_config_error(HV_ERR_OVERLAP, "hypervisor");
}

static void test_config_ram_pa_overlapping_another_vm(void **st)
{
	(void)st;
	vms[1].ram_pa = pa_init(0x42100000);
	assert_config_error(HV_ERR_OVERLAP,
			    "vm 'beta': ram_pa range overlaps the RAM of vm "
			    "'alpha'");
	/* The same IPA range in two VMs is fine: separate spaces. */
	vms[1].ram_pa = pa_init(0x42200000);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_image_empty_or_preloaded(void **st)
{
	(void)st;
	vms[0].image.size = 0;
	assert_config_error(HV_ERR_INVAL, "vm 'alpha': image is empty");
	/* No data: the machine's loader put it there; it must still fit. */
	setup(NULL);
	vms[0].image.data = NULL;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
	vms[0].image.size = 0x400000;
	assert_config_error(HV_ERR_RANGE, "vm 'alpha': image (4194304 bytes");
}

static void test_config_image_not_fitting_in_ram(void **st)
{
	(void)st;
	vms[0].image.load = ipa_init(0x401ff800);
	vms[0].entry = ipa_init(0x401ff800);
	assert_config_error(HV_ERR_RANGE,
			    "vm 'alpha': image (4096 bytes at ipa 0x401ff800) "
			    "does not fit in its RAM [0x40000000, 0x40200000)");
	vms[0].image.load = ipa_init(0x3ffff000);
	assert_config_error(HV_ERR_RANGE, "image");
	vms[0].image.load = ipa_init(0x40000000);
	vms[0].image.size = 0x200001;
	assert_config_error(HV_ERR_RANGE, "image");
	/* Exactly at the end of RAM is fine. */
	vms[0].image.size = sizeof(image);
	vms[0].image.load = ipa_init(0x401ff000);
	vms[0].entry = ipa_init(0x401ff000);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_dtb_not_fitting_or_overlapping(void **st)
{
	(void)st;
	vms[1].dtb.load = ipa_init(0x40200000);
	assert_config_error(HV_ERR_RANGE, "vm 'beta': dtb (2048 bytes");
	setup(NULL);
	vms[1].dtb.data = NULL;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
	setup(NULL);
	vms[1].dtb.load = ipa_init(0x40080800);
	assert_config_error(HV_ERR_OVERLAP,
			    "vm 'beta': dtb at ipa 0x40080800 overlaps the "
			    "image");
	vms[1].dtb.load = ipa_init(0x4007f900);
	assert_config_error(HV_ERR_OVERLAP, "dtb");
	/* Right after the image is fine; and no dtb at all needs no data. */
	vms[1].dtb.load = ipa_init(0x40081000);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
	vms[1].dtb = (struct vm_blob){NULL, 0, ipa_init(0)};
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_entry_outside_image_or_misaligned(void **st)
{
	(void)st;
	vms[0].entry = ipa_init(0x40081000);
	assert_config_error(HV_ERR_RANGE,
			    "vm 'alpha': entry 0x40081000 is not an aligned "
			    "address inside the image");
	vms[0].entry = ipa_init(0x4007fffc);
	assert_config_error(HV_ERR_RANGE, "entry");
	vms[0].entry = ipa_init(0x40080ffe);
	assert_config_error(HV_ERR_RANGE, "entry");
	vms[0].entry = ipa_init(0x40080002);
	assert_config_error(HV_ERR_RANGE, "entry 0x40080002");
	vms[0].entry = ipa_init(0x40080ffc);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_two_console_vms(void **st)
{
	(void)st;
	vms[1].console = true;
	assert_config_error(HV_ERR_INVAL,
			    "console: 2 VMs claim the console input, at most "
			    "one may");
}

static void test_config_no_console_vm_is_fine(void **st)
{
	(void)st;
	vms[0].console = false;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_pool_too_small(void **st)
{
	(void)st;
	/* Each VM: root, L1, L2 and an L3 bound: 4 pages. */
	lim.pool_pages = 7;
	assert_config_error(HV_ERR_NOMEM,
			    "stage-2 page pool: 8 pages needed, 7 configured");
	lim.pool_pages = 8;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_OK);
}

static void test_config_first_error_wins(void **st)
{
	(void)st;
	vms[0].vcpu_count = 0;
	vms[1].name = "";
	assert_config_error(HV_ERR_INVAL, "vm 'alpha': vcpu_count");
}

static void test_config_message_is_bounded(void **st)
{
	(void)st;
	vms[0].image.load = ipa_init(0xffffffffffff0000ull);
	assert_config_error(HV_ERR_RANGE, "image");
	assert_true(strlen(err.msg) < sizeof(err.msg));
}

static struct vm_config layout(uint64_t ipa, uint64_t pa, uint64_t size)
{
	return (struct vm_config){
	    .ram_ipa = ipa_init(ipa), .ram_pa = pa_init(pa), .ram_size = size};
}

static void test_config_s2_pages_for_aligned_layouts(void **st)
{
	struct vm_config c;

	(void)st;
	/* 2 MiB, 2 MiB aligned: root + L1 + L2 + one L3 bound. */
	c = layout(0x40000000, 0x42000000, 0x200000);
	assert_int_equal(config_s2_pages(&c, 0), 4);
	assert_int_equal(config_s2_pages(&c, 1), 3);
	/* 1 GiB, 1 GiB aligned: the L3 bound is two (the ends). */
	c = layout(0x40000000, 0x80000000, 0x40000000);
	assert_int_equal(config_s2_pages(&c, 0), 5);
	/* 8 MiB starting 1 MiB into a 2 MiB block, same offset on both
	 * sides: blocks in the middle, L3 tables at the two ends. */
	c = layout(0x40100000, 0x42100000, 0x800000);
	assert_int_equal(config_s2_pages(&c, 0), 5);
	/* 4 GiB over four L1 entries, 1 GiB aligned: two L2 tables. */
	c = layout(0x40000000, 0x40000000, 0x100000000ull);
	assert_int_equal(config_s2_pages(&c, 0), 1 + 1 + 2 + 2);
}

static void test_config_s2_pages_for_misaligned_layouts(void **st)
{
	struct vm_config c;

	(void)st;
	/* IPA and PA disagree in their 4 KiB-page offsets inside a 2 MiB
	 * block: every 2 MiB needs an L3 table. */
	c = layout(0x40000000, 0x40001000, 0x40000000);
	assert_int_equal(config_s2_pages(&c, 0), 1 + 1 + 1 + 512);
	/* 2 MiB agreement, 1 GiB disagreement: L2 tables for each 1 GiB. */
	c = layout(0x40000000, 0x80200000, 0x80000000);
	assert_int_equal(config_s2_pages(&c, 0), 1 + 1 + 2 + 2);
	/* One page across no boundary. */
	c = layout(0x40001000, 0x40003000, 0x1000);
	assert_int_equal(config_s2_pages(&c, 0), 4);
	assert_int_equal(config_s2_pages(&c, 1), 3);
}

/* Maps the layout with stage2 and checks config_s2_pages bounds what it
 * really takes. */
static void check_bound(uint64_t ipa, uint64_t pa, uint64_t size)
{
	static struct test_pool tp;
	struct vm_config c = layout(ipa, pa, size);
	struct stage2 s2;

	test_pool_init(&tp, TEST_POOL_PAGES);
	assert_int_equal(stage2_init(&s2, &tp.pool, 40, 0, 1), HV_OK);
	assert_int_equal(stage2_map(&s2, c.ram_ipa, c.ram_pa, size, S2_RWX),
			 HV_OK);
	assert_in_range(tp.pool.used_count, 1, config_s2_pages(&c, 0));
}

static void test_config_s2_pages_bounds_what_stage2_map_uses(void **st)
{
	(void)st;
	hal_sim_reset();
	check_bound(0x40000000, 0x42000000, 0x200000);
	check_bound(0x40100000, 0x42100000, 0x800000);
	check_bound(0x401ff000, 0x403ff000, 0x402000);
	check_bound(0x40000000, 0x40001000, 0x1000000);
	check_bound(0x3fe00000, 0x80200000, 0x400000);
	check_bound(0x7ffffff000ull, 0x40000000, 0x2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_config_valid_configuration_passes),
	    T(test_config_vm_count_zero_or_too_many),
	    T(test_config_four_vms_are_allowed),
	    T(test_config_name_empty_null_or_too_long),
	    T(test_config_duplicate_name),
	    T(test_config_vcpu_count_zero_or_five),
	    T(test_config_ram_size_zero_or_misaligned),
	    T(test_config_ram_ipa_or_pa_misaligned),
	    T(test_config_ram_beyond_ipa_space),
	    T(test_config_ram_overlapping_device_window),
	    T(test_config_ram_pa_outside_machine_ram),
	    T(test_config_ram_pa_overlapping_the_hypervisor),
	    T(test_config_ram_pa_overlapping_another_vm),
	    T(test_config_image_empty_or_preloaded),
	    T(test_config_image_not_fitting_in_ram),
	    T(test_config_dtb_not_fitting_or_overlapping),
	    T(test_config_entry_outside_image_or_misaligned),
	    T(test_config_two_console_vms),
	    T(test_config_no_console_vm_is_fine),
	    T(test_config_pool_too_small),
	    T(test_config_first_error_wins),
	    T(test_config_message_is_bounded),
	    T(test_config_s2_pages_for_aligned_layouts),
	    T(test_config_s2_pages_for_misaligned_layouts),
	    T(test_config_s2_pages_bounds_what_stage2_map_uses),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
