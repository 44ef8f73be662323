/*
 * Unit tests of hv/vm_dt.c: the tree a VM gets, read with libfdt
 * (tests/fdt/ref.h). Two configurations are compared whole with the trees
 * dtc makes of tests/fdt/vm-gicv2.dts and vm-gicv3-smp.dts, written from
 * docs/manifest.md and the bindings; the others property by property.
 * Every tree must pass libfdt's fdt_check_full.
 */
#include "helpers.h"

#include "compare.h"
#include "hv/vm_dt.h"
#include "lib/fdt.h"
#include "ref.h"

#include <stdlib.h>

#define MIB 0x100000ull

static struct vm_config cfg;
static struct vm_image_plan plan;
static uint8_t tree[VM_DTB_MAX];
static int tree_size;

/* A VM of vcpus vCPUs with 4 MiB of RAM at 0x40000000, nothing else. */
static void vm(unsigned vcpus)
{
	cfg = (struct vm_config){
	    .vcpu_count = vcpus,
	    .ram_ipa = ipa_init(0x40000000),
	    .ram_size = 4 * MIB,
	};
	strcpy(cfg.name, "t");
	strcpy(cfg.node, "/chosen/t");
	plan = (struct vm_image_plan){.kind = VM_KERNEL_RAW,
				      .dtb_ipa = 0x40200000};
}

static int setup(void **state)
{
	(void)state;
	vm(1);
	return 0;
}

/* Builds the tree, which libfdt must find sound. */
static void build(unsigned gic_version)
{
	memset(tree, 0xa5, sizeof(tree));
	tree_size = vm_dt_build(&cfg, &plan, gic_version, tree, sizeof(tree));
	assert_true(tree_size > 0);
	assert_int_equal(ref_check_full(tree, (size_t)tree_size), 0);
}

static uint8_t *load_tree(const char *name)
{
	char path[512];
	FILE *f;
	uint8_t *b;
	long n;

	snprintf(path, sizeof(path), "%s/%s", FDT_TREE_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return b;
}

static void assert_same_tree(const char *expected)
{
	uint8_t *want = load_tree(expected);
	const char *diff = fdt_compare_trees(tree, want);

	free(want);
	if (diff != NULL)
		fail_msg("differs from %s: %s", expected, diff);
}

static int node(const char *path)
{
	int n = ref_path(tree, path);

	if (n < 0)
		fail_msg("no node %s", path);
	return n;
}

/* The property's big-endian cells in out (at most max): their count. */
static unsigned cells(const char *path, const char *name, uint32_t *out,
		      unsigned max)
{
	int len;
	const uint8_t *v = ref_prop(tree, node(path), name, &len);

	if (v == NULL)
		fail_msg("no %s in %s", name, path);
	assert_int_equal(len % 4, 0);
	assert_true((unsigned)len / 4 <= max);
	for (int i = 0; i < len / 4; i++)
		out[i] = (uint32_t)v[4 * i] << 24 |
			 (uint32_t)v[4 * i + 1] << 16 |
			 (uint32_t)v[4 * i + 2] << 8 | v[4 * i + 3];
	return (unsigned)len / 4;
}

static bool has_prop(const char *path, const char *name)
{
	int len;

	return ref_prop(tree, node(path), name, &len) != NULL;
}

static void test_vm_dt_gicv2_one_vcpu_is_the_expected_tree(void **st)
{
	(void)st;
	build(2);
	assert_same_tree("vm-gicv2.dtb");
}

static void test_vm_dt_gicv3_four_vcpus_bootargs_ramdisk_expected(void **st)
{
	(void)st;
	vm(4);
	cfg.ram_size = 256 * MIB;
	cfg.bootargs = "console=ttyAMA0 rdinit=/init";
	cfg.ramdisk = (struct vm_module){pa_init(0x70000000), 0x123456};
	plan.dtb_ipa = 0x40000000 + 256 * MIB - 2 * MIB;
	plan.ramdisk_ipa = 0x4fcdc000;
	build(3);
	assert_same_tree("vm-gicv3-smp.dtb");
}

static void test_vm_dt_gicv2_four_vcpus(void **st)
{
	uint32_t c[12];

	(void)st;
	vm(4);
	build(2);
	for (unsigned i = 0; i < 4; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		assert_int_equal(cells(path, "reg", c, 1), 1);
		assert_int_equal(c[0], i);
		assert_string_equal(
		    ref_prop(tree, node(path), "enable-method", NULL), "psci");
	}
	assert_true(ref_path(tree, "/cpus/cpu@4") < 0);
	/* The timer's PPIs go to all four CPUs: mask 0xf in [15:8]. */
	assert_int_equal(cells("/timer", "interrupts", c, 12), 12);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(c[3 * i], 1);
		assert_int_equal(c[3 * i + 2], 0xf04);
	}
	assert_int_equal(c[1], 13);
	assert_int_equal(c[4], 14);
	assert_int_equal(c[7], 11);
	assert_int_equal(c[10], 10);
	/* GICv2's registers do not depend on the vCPUs. */
	assert_int_equal(cells("/intc@8000000", "reg", c, 8), 8);
	assert_memory_equal(
	    c,
	    ((uint32_t[]){0, 0x08000000, 0, 0x1000, 0, 0x08010000, 0, 0x2000}),
	    sizeof(uint32_t) * 8);
}

static void test_vm_dt_gicv3_one_vcpu(void **st)
{
	uint32_t c[12];

	(void)st;
	build(3);
	assert_string_equal(
	    ref_prop(tree, node("/intc@8000000"), "compatible", NULL),
	    "arm,gic-v3");
	/* One redistributor: 0x20000 bytes. */
	assert_int_equal(cells("/intc@8000000", "reg", c, 8), 8);
	assert_memory_equal(c,
			    ((uint32_t[]){0, 0x08000000, 0, 0x10000, 0,
					  0x080a0000, 0, 0x20000}),
			    sizeof(uint32_t) * 8);
	assert_int_equal(cells("/intc@8000000", "#redistributor-regions", c, 1),
			 1);
	assert_int_equal(c[0], 1);
	assert_int_equal(cells("/timer", "interrupts", c, 12), 12);
	assert_int_equal(c[2], 4);
	assert_int_equal(c[11], 4);
	assert_true(ref_path(tree, "/cpus/cpu@1") < 0);
}

static void test_vm_dt_gicv3_redistributors_follow_the_vcpus(void **st)
{
	uint32_t c[8];

	(void)st;
	for (unsigned n = 1; n <= HV_MAX_VCPUS; n++) {
		vm(n);
		build(3);
		cells("/intc@8000000", "reg", c, 8);
		assert_int_equal(c[7], n * 0x20000);
	}
}

static void test_vm_dt_chosen_without_bootargs_or_ramdisk(void **st)
{
	(void)st;
	build(3);
	assert_false(has_prop("/chosen", "bootargs"));
	assert_false(has_prop("/chosen", "linux,initrd-start"));
	assert_false(has_prop("/chosen", "linux,initrd-end"));
	assert_string_equal(
	    ref_prop(tree, node("/chosen"), "stdout-path", NULL),
	    "/pl011@9000000");
	/* stdout-path names a node of the tree. */
	node("/pl011@9000000");
}

static void test_vm_dt_chosen_with_bootargs_only(void **st)
{
	(void)st;
	cfg.bootargs = "";
	build(2);
	assert_string_equal(ref_prop(tree, node("/chosen"), "bootargs", NULL),
			    "");
	assert_false(has_prop("/chosen", "linux,initrd-start"));
}

static void test_vm_dt_chosen_with_ramdisk_only(void **st)
{
	uint32_t c[2];

	(void)st;
	cfg.ramdisk = (struct vm_module){pa_init(0x70000000), 0x1000};
	plan.ramdisk_ipa = 0x401ff000;
	build(2);
	assert_false(has_prop("/chosen", "bootargs"));
	assert_int_equal(cells("/chosen", "linux,initrd-start", c, 2), 2);
	assert_int_equal((uint64_t)c[0] << 32 | c[1], 0x401ff000);
	assert_int_equal(cells("/chosen", "linux,initrd-end", c, 2), 2);
	assert_int_equal((uint64_t)c[0] << 32 | c[1], 0x40200000);
}

static void test_vm_dt_memory_names_its_base(void **st)
{
	uint32_t c[4];

	(void)st;
	cfg.ram_ipa = ipa_init(0x880000000ull);
	cfg.ram_size = 0x100000000ull;
	build(3);
	assert_true(ref_path(tree, "/memory@40000000") < 0);
	assert_int_equal(cells("/memory@880000000", "reg", c, 4), 4);
	assert_memory_equal(c, ((uint32_t[]){0x8, 0x80000000, 0x1, 0x0}),
			    sizeof(c));
}

static void test_vm_dt_uart_and_its_clock(void **st)
{
	uint32_t c[4], phandle;

	(void)st;
	build(3);
	assert_int_equal(cells("/pl011@9000000", "reg", c, 4), 4);
	assert_memory_equal(c, ((uint32_t[]){0, 0x09000000, 0, 0x1000}),
			    sizeof(c));
	/* SPI 1 (INTID 33), level high. */
	assert_int_equal(cells("/pl011@9000000", "interrupts", c, 3), 3);
	assert_memory_equal(c, ((uint32_t[]){0, 1, 4}), 12);
	/* Both clocks are the fixed 24 MHz one. */
	cells("/apb-pclk", "phandle", &phandle, 1);
	assert_int_equal(cells("/pl011@9000000", "clocks", c, 2), 2);
	assert_int_equal(c[0], phandle);
	assert_int_equal(c[1], phandle);
	cells("/apb-pclk", "clock-frequency", c, 1);
	assert_int_equal(c[0], 24000000);
	/* Interrupts go to the GIC. */
	cells("/", "interrupt-parent", c, 1);
	cells("/intc@8000000", "phandle", &phandle, 1);
	assert_int_equal(c[0], phandle);
	assert_true(has_prop("/intc@8000000", "interrupt-controller"));
}

static void test_vm_dt_psci_over_hvc(void **st)
{
	int len;
	const char *compat;

	(void)st;
	build(2);
	compat = ref_prop(tree, node("/psci"), "compatible", &len);
	assert_int_equal(len, sizeof("arm,psci-1.0") + sizeof("arm,psci-0.2"));
	assert_string_equal(compat, "arm,psci-1.0");
	assert_string_equal(compat + sizeof("arm,psci-1.0"), "arm,psci-0.2");
	assert_string_equal(ref_prop(tree, node("/psci"), "method", NULL),
			    "hvc");
}

static void test_vm_dt_every_variant_is_sound_and_small(void **st)
{
	static char bootargs[VM_BOOTARGS_MAX];

	(void)st;
	/* The largest a manifest allows: the tree fits its room. */
	memset(bootargs, 'b', sizeof(bootargs) - 1);
	for (unsigned gic = 2; gic <= 3; gic++) {
		for (unsigned n = 1; n <= HV_MAX_VCPUS; n++) {
			for (unsigned extra = 0; extra < 4; extra++) {
				vm(n);
				if (extra & 1)
					cfg.bootargs = bootargs;
				if (extra & 2)
					cfg.ramdisk = (struct vm_module){
					    pa_init(0x70000000), 0x1000};
				build(gic);
				assert_true(tree_size < 8192);
				assert_int_equal(ref_num_mem_rsv(tree), 0);
			}
		}
	}
}

static void test_vm_dt_buffer_too_small(void **st)
{
	(void)st;
	build(3);
	assert_int_equal(
	    vm_dt_build(&cfg, &plan, 3, tree, (size_t)tree_size - 1),
	    FDT_ERR_NOSPACE);
	assert_int_equal(vm_dt_build(&cfg, &plan, 3, tree, (size_t)tree_size),
			 tree_size);
}

/* VM_VIRTIO_MAX devices of every type, or count consoles. */
static void with_devices(unsigned count)
{
	static const enum vm_virtio_type types[3] = {
	    VM_VIRTIO_CONSOLE, VM_VIRTIO_BLK, VM_VIRTIO_NET};

	for (unsigned n = 0; n < count; n++)
		cfg.virtio[n] = (struct vm_virtio){
		    .type = types[n % 3], .node = "dev", .network = "lan"};
	cfg.virtio_count = count;
}

static void test_vm_dt_a_virtio_mmio_node_per_device(void **st)
{
	uint32_t c[4];
	int n, len;

	(void)st;
	with_devices(3);
	build(2);
	for (unsigned i = 0; i < 3; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/virtio_mmio@%x",
			 0x0b000000 + i * 0x200);
		n = node(path);
		assert_int_equal(ref_compatible(tree, n, "virtio,mmio"), 1);
		assert_int_equal(cells(path, "reg", c, 4), 4);
		assert_memory_equal(
		    c, ((uint32_t[]){0, 0x0b000000 + i * 0x200, 0, 0x200}),
		    sizeof(c));
		/* SPI 48 + n (INTID 80 + n), level high. */
		assert_int_equal(cells(path, "interrupts", c, 3), 3);
		assert_memory_equal(c, ((uint32_t[]){0, 48 + i, 4}), 12);
		assert_non_null(ref_prop(tree, n, "dma-coherent", &len));
		assert_int_equal(len, 0);
	}
	/* Only as many as there are devices. */
	assert_true(ref_path(tree, "/virtio_mmio@b000600") < 0);
}

static void test_vm_dt_virtio_nodes_follow_the_slots(void **st)
{
	int prev = -1;

	(void)st;
	with_devices(VM_VIRTIO_MAX);
	build(3);
	/* In slot order, after the UART, the last at 0x0b001e00, SPI 63. */
	for (unsigned i = 0; i < VM_VIRTIO_MAX; i++) {
		char path[32];
		int n;

		snprintf(path, sizeof(path), "/virtio_mmio@%x",
			 0x0b000000 + i * 0x200);
		n = node(path);
		assert_true(n > prev);
		prev = n;
	}
	assert_true(node("/pl011@9000000") < node("/virtio_mmio@b000000"));
	{
		uint32_t c[3];

		cells("/virtio_mmio@b001e00", "interrupts", c, 3);
		assert_memory_equal(c, ((uint32_t[]){0, 63, 4}), 12);
	}
	/* No device: no node. */
	vm(1);
	build(3);
	assert_true(ref_path(tree, "/virtio_mmio@b000000") < 0);
}

static void test_vm_dt_sixteen_devices_fit_the_room(void **st)
{
	static char bootargs[VM_BOOTARGS_MAX];

	(void)st;
	memset(bootargs, 'b', sizeof(bootargs) - 1);
	vm(HV_MAX_VCPUS);
	cfg.bootargs = bootargs;
	cfg.ramdisk = (struct vm_module){pa_init(0x70000000), 0x1000};
	with_devices(VM_VIRTIO_MAX);
	build(3);
	assert_true(tree_size < 12288);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_vm_dt_gicv2_one_vcpu_is_the_expected_tree),
	    T(test_vm_dt_gicv3_four_vcpus_bootargs_ramdisk_expected),
	    T(test_vm_dt_gicv2_four_vcpus),
	    T(test_vm_dt_gicv3_one_vcpu),
	    T(test_vm_dt_gicv3_redistributors_follow_the_vcpus),
	    T(test_vm_dt_chosen_without_bootargs_or_ramdisk),
	    T(test_vm_dt_chosen_with_bootargs_only),
	    T(test_vm_dt_chosen_with_ramdisk_only),
	    T(test_vm_dt_memory_names_its_base),
	    T(test_vm_dt_uart_and_its_clock),
	    T(test_vm_dt_psci_over_hvc),
	    T(test_vm_dt_every_variant_is_sound_and_small),
	    T(test_vm_dt_buffer_too_small),
	    T(test_vm_dt_a_virtio_mmio_node_per_device),
	    T(test_vm_dt_virtio_nodes_follow_the_slots),
	    T(test_vm_dt_sixteen_devices_fit_the_room),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
