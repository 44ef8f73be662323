/*
 * Unit tests of hv/manifest.c: boot trees written with lib/fdt_write (each
 * checked by libfdt's fdt_check_full first, so an error comes from the
 * parser, not from a broken test tree) and one compiled by dtc, read by
 * manifest_parse: every property of docs/manifest.md, and every error with
 * its exact message.
 */
#include "helpers.h"

#include "hv/manifest.h"
#include "lib/fdt.h"
#include "lib/fdt_write.h"
#include "ref.h"

#include <stdlib.h>

#define MIB 0x100000ull

static uint8_t blob[16384];
static size_t blob_size;
static struct fdtw w;
static struct hv_config cfg;
static struct config_error err;

static const char *const kernel_compat[] = {"multiboot,kernel",
					    "multiboot,module"};
static const char *const ramdisk_compat[] = {"multiboot,ramdisk",
					     "multiboot,module"};
static const char *const dtb_compat[] = {"multiboot,device-tree",
					 "multiboot,module"};

static int setup(void **state)
{
	(void)state;
	memset(&cfg, 0x5a, sizeof(cfg));
	memset(&err, 0x5a, sizeof(err));
	return 0;
}

/* The tree: a root, /chosen open for VMs. */
static void tree_begin(void)
{
	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_begin_node(&w, "chosen");
}

static void end(void)
{
	fdtw_end_node(&w);
}

/* Closes /chosen and the root; the tree must be valid for libfdt. */
static void tree_end(void)
{
	int size;

	end();
	end();
	size = fdtw_finish(&w);
	assert_true(size > 0);
	blob_size = (size_t)size;
	assert_int_equal(ref_check_full(blob, blob_size), 0);
}

static void vm_begin(const char *name)
{
	fdtw_begin_node(&w, name);
	fdtw_prop_string(&w, "compatible", "hv,vm");
}

/* A module node with reg in the default cells (2 and 1). */
static void module(const char *name, const char *const *compat, uint64_t pa,
		   uint32_t size)
{
	const uint32_t reg[3] = {(uint32_t)(pa >> 32), (uint32_t)pa, size};

	fdtw_begin_node(&w, name);
	fdtw_prop_strings(&w, "compatible", compat, 2);
	fdtw_prop_cells(&w, "reg", reg, 3);
}

/* What every VM needs after its own properties: a kernel module. */
static void kernel(void)
{
	module("kernel", kernel_compat, 0x70000000, 0x10000);
	end();
}

/* A whole minimal VM: 64 MiB and a kernel. */
static void minimal_vm(const char *name)
{
	vm_begin(name);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
}

/*
 * manifest_parse, and when the tree passes fdt_check, the boot path's
 * manifest_parse_checked with the root's children the check found (as the
 * HAL hands them over): both must give the same answer, message and VMs.
 */
static enum hv_err parse(void)
{
	static struct hv_config cfg2;
	static struct config_error err2;
	int children[128];
	unsigned count;
	enum hv_err e = manifest_parse(blob, blob_size, &cfg, &err);

	if (fdt_check_children(blob, blob_size, children, 128, &count) == 0 &&
	    count <= 128) {
		assert_int_equal(
		    manifest_parse_checked(blob, children, count, &cfg2, &err2),
		    e);
		assert_string_equal(err2.msg, err.msg);
		assert_int_equal(cfg2.vm_count, cfg.vm_count);
		for (unsigned i = 0; i < cfg.vm_count; i++)
			assert_string_equal(cfg2.vms[i].node, cfg.vms[i].node);
	}
	return e;
}

static void parse_ok(void)
{
	if (parse() != HV_OK)
		fail_msg("manifest_parse: %s", err.msg);
	assert_string_equal(err.msg, "");
}

#define assert_parse_error(e, message)                                         \
	do {                                                                   \
		assert_int_equal(parse(), (e));                                \
		assert_string_equal(err.msg, (message));                       \
	} while (0)

/* One VM "web" with the property name = cells, then memory and a kernel. */
static void vm_with_cells(const char *name, const uint32_t *cells, unsigned n)
{
	tree_begin();
	vm_begin("web");
	fdtw_prop_cells(&w, name, cells, n);
	if (strcmp(name, "memory") != 0)
		fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
	tree_end();
}

static void vm_with_u32(const char *name, uint32_t v)
{
	vm_with_cells(name, &v, 1);
}

static void vm_with_raw(const char *name, const void *val, uint32_t len)
{
	tree_begin();
	vm_begin("web");
	fdtw_prop(&w, name, val, len);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
	tree_end();
}

/* ---- what a VM node says ---------------------------------------------- */

static void test_manifest_minimal_vm_gets_the_defaults(void **st)
{
	const struct vm_config *c = &cfg.vms[0];

	(void)st;
	tree_begin();
	minimal_vm("web");
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vm_count, 1);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->node, "/chosen/web");
	assert_int_equal(c->vcpu_count, 1);
	assert_int_equal(c->ram_size, 64 * MIB);
	assert_int_equal(ipa_addr(c->ram_ipa), VM_RAM_IPA_DEFAULT);
	assert_int_equal(pa_addr(c->ram_pa), 0);
	assert_false(c->ram_pa_fixed);
	assert_false(c->direct_map);
	assert_int_equal(pa_addr(c->kernel.pa), 0x70000000);
	assert_int_equal(c->kernel.size, 0x10000);
	assert_int_equal(c->ramdisk.size, 0);
	assert_int_equal(c->dtb.size, 0);
	assert_int_equal(c->kind, VM_KERNEL_AUTO);
	assert_false(c->load_set);
	assert_int_equal(ipa_addr(c->load), VM_RAM_IPA_DEFAULT);
	assert_false(c->entry_set);
	assert_null(c->bootargs);
	assert_false(c->console);
	assert_false(c->affinity_set);
}

static void test_manifest_reads_every_vm_property(void **st)
{
	static const uint32_t ram_base[2] = {0x1, 0x00000000};
	static const uint32_t affinity[4] = {3, 2, 1, 0};
	const struct vm_config *c = &cfg.vms[0];

	(void)st;
	tree_begin();
	vm_begin("db-2_x");
	fdtw_prop_u32(&w, "vcpus", 4);
	fdtw_prop_u64(&w, "memory", 0x100000000ull);
	fdtw_prop_cells(&w, "ram-base", ram_base, 2);
	fdtw_prop_u32(&w, "host-address", 0x50000000);
	fdtw_prop_string(&w, "bootargs", "console=ttyAMA0 quiet");
	fdtw_prop_empty(&w, "console");
	fdtw_prop_cells(&w, "cpu-affinity", affinity, 4);
	fdtw_prop_u32(&w, "phandle", 7);
	fdtw_prop_u32(&w, "linux,phandle", 7);
	kernel();
	end();
	tree_end();
	parse_ok();
	assert_string_equal(c->name, "db-2_x");
	assert_int_equal(c->vcpu_count, 4);
	assert_int_equal(c->ram_size, 0x100000000ull);
	assert_int_equal(ipa_addr(c->ram_ipa), 0x100000000ull);
	assert_int_equal(pa_addr(c->ram_pa), 0x50000000);
	assert_true(c->ram_pa_fixed);
	assert_false(c->direct_map);
	assert_string_equal(c->bootargs, "console=ttyAMA0 quiet");
	/* The string stays in the tree. */
	assert_true((const uint8_t *)c->bootargs > blob &&
		    (const uint8_t *)c->bootargs < blob + blob_size);
	assert_true(c->console);
	assert_true(c->affinity_set);
	assert_memory_equal(c->affinity, ((uint8_t[]){3, 2, 1, 0}), 4);
	/* A raw kernel's load address follows ram-base. */
	assert_int_equal(ipa_addr(c->load), 0x100000000ull);
}

static void test_manifest_memory_of_one_or_two_cells(void **st)
{
	static const uint32_t two[2] = {0x0, 0x4000000};

	(void)st;
	vm_with_u32("memory", 0x200000);
	parse_ok();
	assert_int_equal(cfg.vms[0].ram_size, 0x200000);
	vm_with_cells("memory", two, 2);
	parse_ok();
	assert_int_equal(cfg.vms[0].ram_size, 0x4000000);
	vm_with_cells("memory", (const uint32_t[]){0x2, 0x200000}, 2);
	parse_ok();
	assert_int_equal(cfg.vms[0].ram_size, 0x200200000ull);
}

static void test_manifest_cpu_affinity_may_come_before_vcpus(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_cells(&w, "cpu-affinity", (const uint32_t[]){1, 1}, 2);
	fdtw_prop_u32(&w, "vcpus", 2);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vms[0].vcpu_count, 2);
	assert_memory_equal(cfg.vms[0].affinity, ((uint8_t[]){1, 1}), 2);
}

static void test_manifest_direct_map_with_host_address(void **st)
{
	const struct vm_config *c = &cfg.vms[0];

	(void)st;
	tree_begin();
	vm_begin("dma");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_prop_empty(&w, "direct-map");
	fdtw_prop_u32(&w, "host-address", 0x60000000);
	kernel();
	end();
	tree_end();
	parse_ok();
	assert_true(c->direct_map);
	assert_true(c->ram_pa_fixed);
	assert_int_equal(ipa_addr(c->ram_ipa), 0x60000000);
	assert_int_equal(pa_addr(c->ram_pa), 0x60000000);
	assert_int_equal(ipa_addr(c->load), 0x60000000);
}

static void test_manifest_direct_map_with_equal_ram_base(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("dma");
	fdtw_prop_u32(&w, "ram-base", 0x60000000);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_prop_u32(&w, "host-address", 0x60000000);
	fdtw_prop_empty(&w, "direct-map");
	kernel();
	end();
	tree_end();
	parse_ok();
	assert_int_equal(ipa_addr(cfg.vms[0].ram_ipa), 0x60000000);
}

static void test_manifest_direct_map_placed_later(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("dma");
	fdtw_prop_empty(&w, "direct-map");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
	tree_end();
	parse_ok();
	/* config_validate gives it its host address, and so its base. */
	assert_true(cfg.vms[0].direct_map);
	assert_false(cfg.vms[0].ram_pa_fixed);
}

/* A VM whose module cells are ac and sc, with all three modules. */
static void vm_with_cells_of(uint32_t ac, uint32_t sc)
{
	uint32_t reg[4];
	unsigned n = 0;

	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "#address-cells", ac);
	fdtw_prop_u32(&w, "#size-cells", sc);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	for (unsigned m = 0; m < 3; m++) {
		static const char *const names[] = {"kernel", "initrd", "fdt"};
		const char *const *compat[] = {kernel_compat, ramdisk_compat,
					       dtb_compat};
		uint64_t pa = 0x100000000ull * (ac - 1) + 0x70000000 + m * MIB;
		uint64_t size = 0x100000000ull * (sc - 1) + 0x1000 * (m + 1);

		n = 0;
		if (ac == 2)
			reg[n++] = (uint32_t)(pa >> 32);
		reg[n++] = (uint32_t)pa;
		if (sc == 2)
			reg[n++] = (uint32_t)(size >> 32);
		reg[n++] = (uint32_t)size;
		fdtw_begin_node(&w, names[m]);
		fdtw_prop_strings(&w, "compatible", compat[m], 2);
		fdtw_prop_cells(&w, "reg", reg, n);
		end();
	}
	end();
	tree_end();
}

static void test_manifest_modules_in_one_or_two_cells(void **st)
{
	const struct vm_config *c = &cfg.vms[0];

	(void)st;
	for (uint32_t ac = 1; ac <= 2; ac++) {
		for (uint32_t sc = 1; sc <= 2; sc++) {
			uint64_t hi_a = 0x100000000ull * (ac - 1);
			uint64_t hi_s = 0x100000000ull * (sc - 1);

			vm_with_cells_of(ac, sc);
			parse_ok();
			assert_int_equal(pa_addr(c->kernel.pa),
					 hi_a + 0x70000000);
			assert_int_equal(c->kernel.size, hi_s + 0x1000);
			assert_int_equal(pa_addr(c->ramdisk.pa),
					 hi_a + 0x70100000);
			assert_int_equal(c->ramdisk.size, hi_s + 0x2000);
			assert_int_equal(pa_addr(c->dtb.pa), hi_a + 0x70200000);
			assert_int_equal(c->dtb.size, hi_s + 0x3000);
		}
	}
}

/* A VM whose kernel module carries the properties a writer adds. */
static void vm_with_kernel(void (*props)(void))
{
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	module("kernel", kernel_compat, 0x70000000, 0x10000);
	props();
	end();
	end();
	tree_end();
}

static void raw_load_entry(void)
{
	fdtw_prop_string(&w, "kind", "raw");
	fdtw_prop_u64(&w, "load", 0x40080000);
	fdtw_prop_u32(&w, "entry", 0x40080040);
}

static void kind_elf_entry(void)
{
	fdtw_prop_string(&w, "kind", "elf");
	fdtw_prop_u32(&w, "entry", 0x40000100);
}

static void kind_linux(void)
{
	fdtw_prop_string(&w, "kind", "linux");
}

static void test_manifest_kernel_kind_load_and_entry(void **st)
{
	const struct vm_config *c = &cfg.vms[0];

	(void)st;
	vm_with_kernel(raw_load_entry);
	parse_ok();
	assert_int_equal(c->kind, VM_KERNEL_RAW);
	assert_true(c->load_set);
	assert_int_equal(ipa_addr(c->load), 0x40080000);
	assert_true(c->entry_set);
	assert_int_equal(ipa_addr(c->entry), 0x40080040);
	vm_with_kernel(kind_elf_entry);
	parse_ok();
	assert_int_equal(c->kind, VM_KERNEL_ELF);
	assert_false(c->load_set);
	assert_true(c->entry_set);
	assert_int_equal(ipa_addr(c->entry), 0x40000100);
	vm_with_kernel(kind_linux);
	parse_ok();
	assert_int_equal(c->kind, VM_KERNEL_LINUX);
	assert_false(c->entry_set);
}

static void test_manifest_vm_name_is_the_node_name_before_the_at(void **st)
{
	(void)st;
	tree_begin();
	minimal_vm("web@1");
	minimal_vm("fifteen-chars-x");
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vm_count, 2);
	assert_string_equal(cfg.vms[0].name, "web");
	assert_string_equal(cfg.vms[0].node, "/chosen/web@1");
	assert_string_equal(cfg.vms[1].name, "fifteen-chars-x");
}

static void test_manifest_four_vms_in_document_order(void **st)
{
	(void)st;
	tree_begin();
	minimal_vm("d");
	minimal_vm("c");
	minimal_vm("b");
	minimal_vm("a");
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vm_count, 4);
	assert_string_equal(cfg.vms[0].name, "d");
	assert_string_equal(cfg.vms[3].name, "a");
}

static void test_manifest_ignores_what_is_not_a_vm(void **st)
{
	(void)st;
	tree_begin();
	/* What a boot loader or Xen's tools put in /chosen. */
	fdtw_prop_string(&w, "bootargs", "earlycon");
	fdtw_prop_string(&w, "stdout-path", "/pl011@9000000");
	fdtw_prop_u64(&w, "linux,initrd-start", 0x48000000);
	fdtw_begin_node(&w, "domU0");
	fdtw_prop_string(&w, "compatible", "xen,domain");
	fdtw_prop_u32(&w, "memory", 1);
	end();
	fdtw_begin_node(&w, "module@70000000");
	fdtw_prop_strings(&w, "compatible", kernel_compat, 2);
	end();
	fdtw_begin_node(&w, "no-compatible");
	fdtw_prop_u32(&w, "vcpus", 9);
	end();
	minimal_vm("web");
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vm_count, 1);
	assert_string_equal(cfg.vms[0].name, "web");
}

static void test_manifest_vm_may_be_one_of_several_compatibles(void **st)
{
	static const char *const compat[] = {"acme,partition", "hv,vm"};

	(void)st;
	tree_begin();
	fdtw_begin_node(&w, "web");
	fdtw_prop_strings(&w, "compatible", compat, 2);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vm_count, 1);
}

static uint8_t *load_tree(const char *name, size_t *size)
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
	*size = (size_t)n;
	return b;
}

static void test_manifest_reads_the_documented_example_made_by_dtc(void **st)
{
	size_t size;
	uint8_t *tree = load_tree("boot-vms.dtb", &size);
	const struct vm_config *linux = &cfg.vms[0], *hello = &cfg.vms[1];

	(void)st;
	if (manifest_parse(tree, size, &cfg, &err) != HV_OK)
		fail_msg("manifest_parse: %s", err.msg);
	assert_int_equal(cfg.vm_count, 2);
	assert_string_equal(linux->node, "/chosen/linux");
	assert_int_equal(linux->vcpu_count, 2);
	assert_int_equal(linux->ram_size, 0x10000000);
	assert_string_equal(linux->bootargs, "console=ttyAMA0 rdinit=/init");
	assert_true(linux->console);
	assert_int_equal(pa_addr(linux->kernel.pa), 0x70000000);
	assert_int_equal(linux->kernel.size, 0x02000000);
	assert_int_equal(pa_addr(linux->ramdisk.pa), 0x72000000);
	assert_int_equal(linux->ramdisk.size, 0x00400000);
	assert_string_equal(hello->name, "hello");
	assert_int_equal(hello->vcpu_count, 1);
	assert_int_equal(hello->ram_size, 0x04000000);
	assert_false(hello->console);
	assert_int_equal(pa_addr(hello->kernel.pa), 0x7e000000);
	assert_int_equal(hello->kernel.size, 0x10000);
	free(tree);
}

/* ---- errors ------------------------------------------------------------ */

static void test_manifest_unknown_property(void **st)
{
	(void)st;
	vm_with_u32("vpcus", 2);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: unknown property 'vpcus'");
}

/* A name from the tree may hold any byte: the message stays one printable
 * line (fuzz_manifest found a property name with a newline in it). */
static void test_manifest_message_quoting_a_control_character(void **st)
{
	(void)st;
	vm_with_u32("con\nsole\x1b", 2);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: unknown property 'con?sole?'");
}

static void test_manifest_memory_missing(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	kernel();
	end();
	tree_end();
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: memory: missing: the VM's RAM size in "
			   "bytes");
}

static void test_manifest_memory_zero(void **st)
{
	(void)st;
	vm_with_u32("memory", 0);
	assert_parse_error(HV_ERR_INVAL, "/chosen/web: memory: must not be 0");
}

static void test_manifest_memory_not_a_2mib_multiple(void **st)
{
	(void)st;
	vm_with_u32("memory", 0x1234);
	assert_parse_error(HV_ERR_ALIGN,
			   "/chosen/web: memory: 0x1234 is not a multiple of 2 "
			   "MiB");
	vm_with_u32("memory", 0x300000);
	assert_parse_error(HV_ERR_ALIGN,
			   "/chosen/web: memory: 0x300000 is not a multiple of "
			   "2 MiB");
}

static void test_manifest_number_of_the_wrong_size(void **st)
{
	(void)st;
	vm_with_raw("memory", "\x00\x40\x00", 3);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: memory: must be a number of one or "
			   "two cells, not 3 bytes");
	vm_with_cells("vcpus", (const uint32_t[]){0, 0, 1}, 3);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: vcpus: must be a number of one or two "
			   "cells, not 12 bytes");
	vm_with_raw("host-address", "", 0);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: host-address: must be a number of one "
			   "or two cells, not 0 bytes");
}

static void test_manifest_vcpus_zero_or_five(void **st)
{
	(void)st;
	vm_with_u32("vcpus", 0);
	assert_parse_error(HV_ERR_INVAL, "/chosen/web: vcpus: 0 is not 1 to 4");
	vm_with_u32("vcpus", 5);
	assert_parse_error(HV_ERR_INVAL, "/chosen/web: vcpus: 5 is not 1 to 4");
	vm_with_cells("vcpus", (const uint32_t[]){1, 1}, 2);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: vcpus: 4294967297 is not 1 to 4");
}

static void test_manifest_ram_base_and_host_address_misaligned(void **st)
{
	(void)st;
	vm_with_u32("ram-base", 0x40100000);
	assert_parse_error(HV_ERR_ALIGN,
			   "/chosen/web: ram-base: 0x40100000 is not a "
			   "multiple of 2 MiB");
	vm_with_cells("host-address", (const uint32_t[]){0x1, 0x1000}, 2);
	assert_parse_error(HV_ERR_ALIGN,
			   "/chosen/web: host-address: 0x100001000 is not a "
			   "multiple of 2 MiB");
}

static void bad_name(const char *node, const char *message)
{
	tree_begin();
	minimal_vm(node);
	tree_end();
	assert_parse_error(HV_ERR_INVAL, message);
}

static void test_manifest_name_with_bad_characters(void **st)
{
	(void)st;
	bad_name("Web", "/chosen/Web: a VM's name may only have a-z, 0-9, - "
			"and _");
	bad_name("web.1", "/chosen/web.1: a VM's name may only have a-z, 0-9, "
			  "- and _");
	bad_name("we,b@1", "/chosen/we,b@1: a VM's name may only have a-z, "
			   "0-9, - and _");
}

static void test_manifest_name_empty_or_too_long(void **st)
{
	(void)st;
	bad_name("sixteen-chars-xx", "/chosen/sixteen-chars-xx: a VM's name "
				     "must be 1 to 15 characters");
	bad_name("sixteen-chars-xx@1", "/chosen/sixteen-chars-xx@1: a VM's "
				       "name must be 1 to 15 characters");
	bad_name("@1", "/chosen/@1: a VM's name must be 1 to 15 characters");
}

static void test_manifest_duplicate_names(void **st)
{
	(void)st;
	tree_begin();
	minimal_vm("a@1");
	minimal_vm("b");
	minimal_vm("a@2");
	tree_end();
	assert_parse_error(
	    HV_ERR_EXIST, "/chosen/a@2: the name 'a' is already /chosen/a@1's");
}

static void test_manifest_no_kernel(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	module("ramdisk", ramdisk_compat, 0x71000000, 0x1000);
	end();
	end();
	tree_end();
	assert_parse_error(HV_ERR_NOENT,
			   "/chosen/web: no kernel: a sub-node with compatible "
			   "\"multiboot,kernel\" is needed");
}

static void test_manifest_two_kernels(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	module("kernel2", kernel_compat, 0x71000000, 0x1000);
	end();
	end();
	tree_end();
	assert_parse_error(HV_ERR_EXIST,
			   "/chosen/web/kernel2: a second multiboot,kernel "
			   "module for the VM");
}

static void test_manifest_two_ramdisks(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	module("r1", ramdisk_compat, 0x71000000, 0x1000);
	end();
	module("r2", ramdisk_compat, 0x72000000, 0x1000);
	end();
	end();
	tree_end();
	assert_parse_error(HV_ERR_EXIST,
			   "/chosen/web/r2: a second multiboot,ramdisk module "
			   "for the VM");
}

static void test_manifest_unknown_module_compatible(void **st)
{
	static const char *const disk[] = {"multiboot,disk",
					   "multiboot,module"};

	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	module("disk", disk, 0x71000000, 0x1000);
	end();
	end();
	tree_end();
	assert_parse_error(
	    HV_ERR_INVAL,
	    "/chosen/web/disk: compatible: not a module or a "
	    "device: \"multiboot,kernel\", \"multiboot,ramdisk\", "
	    "\"multiboot,device-tree\", \"hv,virtio-console\", "
	    "\"hv,virtio-blk\" or \"hv,virtio-net\" expected");
}

static void test_manifest_module_without_compatible(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_begin_node(&w, "thing");
	end();
	end();
	tree_end();
	assert_parse_error(
	    HV_ERR_INVAL,
	    "/chosen/web/thing: compatible: not a module or a "
	    "device: \"multiboot,kernel\", \"multiboot,ramdisk\", "
	    "\"multiboot,device-tree\", \"hv,virtio-console\", "
	    "\"hv,virtio-blk\" or \"hv,virtio-net\" expected");
}

/* A VM whose kernel's reg is the given cells. */
static void kernel_reg(const uint32_t *cells, unsigned n)
{
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_begin_node(&w, "kernel");
	fdtw_prop_strings(&w, "compatible", kernel_compat, 2);
	if (n != 0)
		fdtw_prop_cells(&w, "reg", cells, n);
	end();
	end();
	tree_end();
}

static void test_manifest_module_reg_of_the_wrong_size(void **st)
{
	(void)st;
	kernel_reg((const uint32_t[]){0x70000000, 0x1000}, 2);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: reg: must be <address size> in "
			   "the VM node's #address-cells (2) and #size-cells "
			   "(1)");
	kernel_reg((const uint32_t[]){0, 0x70000000, 0, 0x1000}, 4);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: reg: must be <address size> in "
			   "the VM node's #address-cells (2) and #size-cells "
			   "(1)");
}

static void test_manifest_module_cells_not_1_or_2(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "#address-cells", 3);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_begin_node(&w, "kernel");
	fdtw_prop_strings(&w, "compatible", kernel_compat, 2);
	fdtw_prop_cells(&w, "reg", (const uint32_t[]){0, 0, 0x70000000, 1}, 4);
	end();
	end();
	tree_end();
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: reg: must be <address size> in "
			   "the VM node's #address-cells (3) and #size-cells "
			   "(1)");
}

static void test_manifest_module_reg_missing(void **st)
{
	(void)st;
	kernel_reg(NULL, 0);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: reg: missing: where the boot "
			   "loader put the module");
}

static void test_manifest_empty_module(void **st)
{
	(void)st;
	kernel_reg((const uint32_t[]){0, 0x70000000, 0}, 3);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: reg: the module is empty");
}

static void test_manifest_module_wrapping_around(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_begin_node(&w, "kernel");
	fdtw_prop_strings(&w, "compatible", kernel_compat, 2);
	fdtw_prop_cells(&w, "reg",
			(const uint32_t[]){0xffffffff, 0xfffff000, 0x0, 0x2000},
			4);
	end();
	end();
	tree_end();
	assert_parse_error(HV_ERR_RANGE,
			   "/chosen/web/kernel: reg: wraps around the address "
			   "space");
}

static void ramdisk_with_load(void)
{
	fdtw_prop_u32(&w, "load", 0x40000000);
}

static void test_manifest_module_unknown_property(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	module("initrd", ramdisk_compat, 0x71000000, 0x1000);
	ramdisk_with_load();
	end();
	end();
	tree_end();
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/initrd: unknown property 'load'");
}

static void kernel_with_bootargs(void)
{
	fdtw_prop_string(&w, "bootargs", "quiet");
}

static void test_manifest_kernel_unknown_property(void **st)
{
	(void)st;
	/* Xen's place for the command line; here it is the VM's. */
	vm_with_kernel(kernel_with_bootargs);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: unknown property 'bootargs'");
}

static void kind_bad(void)
{
	fdtw_prop_string(&w, "kind", "zimage");
}

static void kind_number(void)
{
	fdtw_prop_u32(&w, "kind", 1);
}

static void test_manifest_kind_bad(void **st)
{
	(void)st;
	vm_with_kernel(kind_bad);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: kind: must be \"raw\", \"elf\" "
			   "or \"linux\"");
	vm_with_kernel(kind_number);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: kind: must be \"raw\", \"elf\" "
			   "or \"linux\"");
}

static void load_without_kind(void)
{
	fdtw_prop_u32(&w, "load", 0x40080000);
}

static void load_on_elf(void)
{
	fdtw_prop_string(&w, "kind", "elf");
	fdtw_prop_u32(&w, "load", 0x40080000);
}

static void load_of_three_bytes(void)
{
	fdtw_prop(&w, "load", "abc", 3);
}

static void test_manifest_load_on_a_kernel_not_raw(void **st)
{
	(void)st;
	vm_with_kernel(load_on_elf);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: load: only a raw kernel (kind = "
			   "\"raw\") has a load address");
	/* The kind found from the bytes later is not known to be raw. */
	vm_with_kernel(load_without_kind);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: load: only a raw kernel (kind = "
			   "\"raw\") has a load address");
	vm_with_kernel(load_of_three_bytes);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/kernel: load: must be a number of one "
			   "or two cells, not 3 bytes");
}

static void test_manifest_flags_with_a_value(void **st)
{
	(void)st;
	vm_with_u32("console", 1);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: console: takes no value");
	vm_with_raw("direct-map", "", 1);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: direct-map: takes no value");
}

static void test_manifest_bootargs_not_a_string(void **st)
{
	(void)st;
	vm_with_raw("bootargs", "quiet", 5);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: bootargs: must be a string");
	vm_with_raw("bootargs", "", 0);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: bootargs: must be a string");
	/* A string list is not one string. */
	vm_with_raw("bootargs", "a\0b", 4);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: bootargs: must be a string");
	/* An empty string is one. */
	vm_with_raw("bootargs", "", 1);
	parse_ok();
	assert_string_equal(cfg.vms[0].bootargs, "");
}

static void test_manifest_bootargs_too_long(void **st)
{
	static char line[VM_BOOTARGS_MAX + 1];

	(void)st;
	/* Every VM tree must fit its 64 KiB room (vm_dt). */
	memset(line, 'x', VM_BOOTARGS_MAX);
	vm_with_raw("bootargs", line, VM_BOOTARGS_MAX + 1);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: bootargs: 4096 characters, at most "
			   "4095");
	line[VM_BOOTARGS_MAX - 1] = '\0';
	vm_with_raw("bootargs", line, VM_BOOTARGS_MAX);
	parse_ok();
	assert_int_equal(strlen(cfg.vms[0].bootargs), VM_BOOTARGS_MAX - 1);
}

static void test_manifest_cpu_affinity_of_the_wrong_length(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "vcpus", 2);
	fdtw_prop_u32(&w, "cpu-affinity", 1);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
	tree_end();
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: cpu-affinity: needs one cell per vCPU "
			   "(2), has 4 bytes");
}

static void test_manifest_cpu_affinity_beyond_the_cpus(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "vcpus", 2);
	fdtw_prop_cells(&w, "cpu-affinity",
			(const uint32_t[]){HAL_MAX_CPUS - 1, HAL_MAX_CPUS}, 2);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	end();
	tree_end();
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: cpu-affinity: CPU 4 of vCPU 1 is not "
			   "below 4");
	vm_with_u32("cpu-affinity", 0x100);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web: cpu-affinity: CPU 256 of vCPU 0 is "
			   "not below 4");
}

static void test_manifest_direct_map_with_another_ram_base(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("dma");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_prop_empty(&w, "direct-map");
	fdtw_prop_u32(&w, "host-address", 0x50000000);
	fdtw_prop_u32(&w, "ram-base", 0x40000000);
	kernel();
	end();
	tree_end();
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/dma: ram-base: 0x40000000 differs from "
			   "host-address 0x50000000 in a direct-mapped VM");
}

static void test_manifest_direct_map_with_ram_base_only(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("dma");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_prop_empty(&w, "direct-map");
	fdtw_prop_u32(&w, "ram-base", 0x50000000);
	kernel();
	end();
	tree_end();
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/dma: ram-base: a direct-mapped VM's RAM "
			   "base is its host address");
}

static void test_manifest_more_than_four_vms(void **st)
{
	(void)st;
	tree_begin();
	minimal_vm("a");
	minimal_vm("b");
	minimal_vm("c");
	minimal_vm("d");
	minimal_vm("e");
	tree_end();
	assert_parse_error(HV_ERR_NOMEM, "/chosen/e: more than 4 VMs");
}

static void test_manifest_no_vm_at_all(void **st)
{
	(void)st;
	tree_begin();
	fdtw_begin_node(&w, "web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	end();
	tree_end();
	assert_parse_error(HV_ERR_NOENT,
			   "no VM in the boot device tree: no node under "
			   "/chosen has compatible \"hv,vm\"");
	assert_int_equal(cfg.vm_count, 0);
}

static void test_manifest_no_chosen(void **st)
{
	int size;

	(void)st;
	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	/* A VM node anywhere else is not one. */
	minimal_vm("web");
	end();
	size = fdtw_finish(&w);
	assert_true(size > 0);
	blob_size = (size_t)size;
	assert_parse_error(HV_ERR_NOENT,
			   "no VM in the boot device tree: no node under "
			   "/chosen has compatible \"hv,vm\"");
}

static void test_manifest_garbage_blob(void **st)
{
	(void)st;
	memset(blob, 0xa5, 256);
	blob_size = 256;
	assert_parse_error(HV_ERR_INVAL,
			   "the boot device tree is not valid: bad magic");
	assert_int_equal(cfg.vm_count, 0);
	/* Too short for a header. */
	blob_size = 3;
	assert_parse_error(HV_ERR_INVAL,
			   "the boot device tree is not valid: truncated");
}

static void test_manifest_truncated_blob(void **st)
{
	(void)st;
	tree_begin();
	minimal_vm("web");
	tree_end();
	/* Fewer bytes than the header's totalsize. */
	blob_size = fdt_totalsize(blob) - 1;
	assert_parse_error(HV_ERR_INVAL,
			   "the boot device tree is not valid: truncated");
	blob_size = 39;
	assert_parse_error(HV_ERR_INVAL,
			   "the boot device tree is not valid: truncated");
}

static void test_manifest_first_error_wins(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "vcpus", 0);
	fdtw_prop_u32(&w, "memory", 1);
	end();
	minimal_vm("Bad");
	tree_end();
	assert_parse_error(HV_ERR_INVAL, "/chosen/web: vcpus: 0 is not 1 to 4");
}

/* ---- VirtIO device nodes ------------------------------------------------ */

/* A device node of compatible compat, left open for its properties. */
static void device(const char *name, const char *compat)
{
	fdtw_begin_node(&w, name);
	fdtw_prop_string(&w, "compatible", compat);
}

/* A disk node with reg in the default cells (2 and 1). */
static void disk(const char *name, uint64_t pa, uint32_t size)
{
	const uint32_t reg[3] = {(uint32_t)(pa >> 32), (uint32_t)pa, size};

	device(name, "hv,virtio-blk");
	fdtw_prop_cells(&w, "reg", reg, 3);
}

/* VM "web" (64 MiB, a kernel) and the device node the caller opened with
 * open(), closed here. */
static void vm_with_device(void (*open)(void))
{
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	open();
	end();
	end();
	tree_end();
}

static void test_manifest_virtio_devices_in_document_order(void **st)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x2a};
	const struct vm_config *c = &cfg.vms[1];

	(void)st;
	tree_begin();
	minimal_vm("first");
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	device("hvc", "hv,virtio-console");
	end();
	kernel();
	disk("root", 0x71000000, 0x100000);
	end();
	disk("data@72000000", 0x72000000, 0x200);
	fdtw_prop_empty(&w, "read-only");
	end();
	device("eth0", "hv,virtio-net");
	fdtw_prop_string(&w, "network", "lan-1_a");
	end();
	device("eth1", "hv,virtio-net");
	fdtw_prop_string(&w, "network", "dmz");
	fdtw_prop(&w, "mac-address", mac, 6);
	end();
	end();
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vms[0].virtio_count, 0);
	assert_int_equal(c->virtio_count, 5);
	assert_int_equal(c->virtio[0].type, VM_VIRTIO_CONSOLE);
	assert_string_equal(c->virtio[0].node, "hvc");
	assert_int_equal(c->virtio[1].type, VM_VIRTIO_BLK);
	assert_string_equal(c->virtio[1].node, "root");
	assert_int_equal(pa_addr(c->virtio[1].disk.pa), 0x71000000);
	assert_int_equal(c->virtio[1].disk.size, 0x100000);
	assert_false(c->virtio[1].read_only);
	assert_int_equal(c->virtio[2].type, VM_VIRTIO_BLK);
	assert_string_equal(c->virtio[2].node, "data@72000000");
	assert_int_equal(c->virtio[2].disk.size, 0x200);
	assert_true(c->virtio[2].read_only);
	assert_int_equal(c->virtio[3].type, VM_VIRTIO_NET);
	assert_string_equal(c->virtio[3].network, "lan-1_a");
	/* The default: 52:54:00:00, the VM's number from 1, the slot. */
	assert_memory_equal(c->virtio[3].mac,
			    ((uint8_t[]){0x52, 0x54, 0x00, 0x00, 0x02, 0x03}),
			    6);
	assert_string_equal(c->virtio[4].network, "dmz");
	assert_memory_equal(c->virtio[4].mac, mac, 6);
	/* The kernel among them is still the kernel. */
	assert_int_equal(pa_addr(c->kernel.pa), 0x70000000);
}

static void test_manifest_virtio_disk_in_two_cells(void **st)
{
	const uint32_t reg[4] = {0x1, 0x0, 0x0, 0x4000};

	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	fdtw_begin_node(&w, "kernel");
	fdtw_prop_strings(&w, "compatible", kernel_compat, 2);
	fdtw_prop_cells(&w, "reg", ((uint32_t[]){0, 0x70000000, 0, 0x1000}), 4);
	end();
	device("disk", "hv,virtio-blk");
	fdtw_prop_cells(&w, "reg", reg, 4);
	end();
	end();
	tree_end();
	parse_ok();
	assert_int_equal(pa_addr(cfg.vms[0].virtio[0].disk.pa), 0x100000000ull);
	assert_int_equal(cfg.vms[0].virtio[0].disk.size, 0x4000);
}

static void open_console_with_reg(void)
{
	device("hvc", "hv,virtio-console");
	fdtw_prop_u32(&w, "reg", 1);
}

static void open_disk_with_network(void)
{
	disk("disk", 0x71000000, 0x1000);
	fdtw_prop_string(&w, "network", "lan");
}

static void open_net_with_read_only(void)
{
	device("eth0", "hv,virtio-net");
	fdtw_prop_string(&w, "network", "lan");
	fdtw_prop_empty(&w, "read-only");
}

static void test_manifest_virtio_unknown_properties(void **st)
{
	(void)st;
	vm_with_device(open_console_with_reg);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/hvc: unknown property 'reg'");
	vm_with_device(open_disk_with_network);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/disk: unknown property 'network'");
	vm_with_device(open_net_with_read_only);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: unknown property 'read-only'");
}

static void test_manifest_virtio_at_most_16_devices(void **st)
{
	(void)st;
	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	for (unsigned i = 0; i < VM_VIRTIO_MAX; i++) {
		char name[16];

		snprintf(name, sizeof(name), "hvc%u", i);
		device(name, "hv,virtio-console");
		end();
	}
	end();
	tree_end();
	parse_ok();
	assert_int_equal(cfg.vms[0].virtio_count, 16);

	tree_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
	kernel();
	for (unsigned i = 0; i <= VM_VIRTIO_MAX; i++) {
		char name[16];

		snprintf(name, sizeof(name), "hvc%u", i);
		device(name, "hv,virtio-console");
		end();
	}
	end();
	tree_end();
	assert_parse_error(HV_ERR_NOMEM,
			   "/chosen/web/hvc16: more than 16 VirtIO devices in "
			   "the VM");
}

static void open_disk_without_reg(void)
{
	device("disk", "hv,virtio-blk");
	fdtw_prop_empty(&w, "read-only");
}

static void open_disk_of_511_bytes(void)
{
	disk("disk", 0x71000000, 511);
}

static void open_disk_with_bad_reg(void)
{
	device("disk", "hv,virtio-blk");
	fdtw_prop_cells(&w, "reg", ((uint32_t[]){0x71000000, 0x1000}), 2);
}

static void open_disk_wrapping(void)
{
	disk("disk", 0xfffffffffffff000ull, 0x2000);
}

static void open_disk_read_only_with_value(void)
{
	disk("disk", 0x71000000, 0x1000);
	fdtw_prop_u32(&w, "read-only", 1);
}

static void test_manifest_virtio_blk_errors(void **st)
{
	(void)st;
	vm_with_device(open_disk_without_reg);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/disk: reg: missing: where the boot "
			   "loader put the disk image");
	vm_with_device(open_disk_of_511_bytes);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/disk: reg: a disk of 511 bytes holds "
			   "no 512-byte sector");
	vm_with_device(open_disk_with_bad_reg);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/disk: reg: must be <address size> in "
			   "the VM node's #address-cells (2) and #size-cells "
			   "(1)");
	vm_with_device(open_disk_wrapping);
	assert_parse_error(HV_ERR_RANGE,
			   "/chosen/web/disk: reg: wraps around the address "
			   "space");
	vm_with_device(open_disk_read_only_with_value);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/disk: read-only: takes no value");
}

static const char *net_name;
static const void *net_mac;
static uint32_t net_mac_len;

static void open_net(void)
{
	device("eth0", "hv,virtio-net");
	if (net_name != NULL)
		fdtw_prop_string(&w, "network", net_name);
	if (net_mac != NULL)
		fdtw_prop(&w, "mac-address", net_mac, net_mac_len);
}

static void net_node(const char *name, const void *mac, uint32_t mac_len)
{
	net_name = name;
	net_mac = mac;
	net_mac_len = mac_len;
	vm_with_device(open_net);
}

static void test_manifest_virtio_net_network_errors(void **st)
{
	(void)st;
	net_node(NULL, NULL, 0);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: network: missing: the name of "
			   "the network to join");
	net_node("", NULL, 0);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: network: must be a name of 1 to "
			   "15 characters");
	net_node("abcdefghijklmnop", NULL, 0);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: network: must be a name of 1 to "
			   "15 characters");
	net_node("Lan", NULL, 0);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: network: a network's name may "
			   "only have a-z, 0-9, - and _");
	net_node("abcdefghijklmno", NULL, 0);
	parse_ok();
	assert_string_equal(cfg.vms[0].virtio[0].network, "abcdefghijklmno");
}

static void test_manifest_virtio_net_mac_errors(void **st)
{
	static const uint8_t five[5] = {0x52, 0x54, 0, 0, 1};
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t zero[6] = {0};

	(void)st;
	net_node("lan", five, 5);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: mac-address: must be 6 bytes, "
			   "not 5");
	net_node("lan", group, 6);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: mac-address: 01:00:5e:00:00:01 "
			   "is not a station's (unicast, non-zero) address");
	net_node("lan", zero, 6);
	assert_parse_error(HV_ERR_INVAL,
			   "/chosen/web/eth0: mac-address: 00:00:00:00:00:00 "
			   "is not a station's (unicast, non-zero) address");
}

static void open_unknown_virtio(void)
{
	device("gpu", "hv,virtio-gpu");
}

static void test_manifest_virtio_unknown_type_is_no_device(void **st)
{
	(void)st;
	vm_with_device(open_unknown_virtio);
	assert_parse_error(
	    HV_ERR_INVAL,
	    "/chosen/web/gpu: compatible: not a module or a "
	    "device: \"multiboot,kernel\", \"multiboot,ramdisk\", "
	    "\"multiboot,device-tree\", \"hv,virtio-console\", "
	    "\"hv,virtio-blk\" or \"hv,virtio-net\" expected");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_manifest_minimal_vm_gets_the_defaults),
	    T(test_manifest_reads_every_vm_property),
	    T(test_manifest_memory_of_one_or_two_cells),
	    T(test_manifest_cpu_affinity_may_come_before_vcpus),
	    T(test_manifest_direct_map_with_host_address),
	    T(test_manifest_direct_map_with_equal_ram_base),
	    T(test_manifest_direct_map_placed_later),
	    T(test_manifest_modules_in_one_or_two_cells),
	    T(test_manifest_kernel_kind_load_and_entry),
	    T(test_manifest_vm_name_is_the_node_name_before_the_at),
	    T(test_manifest_four_vms_in_document_order),
	    T(test_manifest_ignores_what_is_not_a_vm),
	    T(test_manifest_vm_may_be_one_of_several_compatibles),
	    T(test_manifest_reads_the_documented_example_made_by_dtc),
	    T(test_manifest_unknown_property),
	    T(test_manifest_message_quoting_a_control_character),
	    T(test_manifest_memory_missing),
	    T(test_manifest_memory_zero),
	    T(test_manifest_memory_not_a_2mib_multiple),
	    T(test_manifest_number_of_the_wrong_size),
	    T(test_manifest_vcpus_zero_or_five),
	    T(test_manifest_ram_base_and_host_address_misaligned),
	    T(test_manifest_name_with_bad_characters),
	    T(test_manifest_name_empty_or_too_long),
	    T(test_manifest_duplicate_names),
	    T(test_manifest_no_kernel),
	    T(test_manifest_two_kernels),
	    T(test_manifest_two_ramdisks),
	    T(test_manifest_unknown_module_compatible),
	    T(test_manifest_module_without_compatible),
	    T(test_manifest_module_reg_of_the_wrong_size),
	    T(test_manifest_module_cells_not_1_or_2),
	    T(test_manifest_module_reg_missing),
	    T(test_manifest_empty_module),
	    T(test_manifest_module_wrapping_around),
	    T(test_manifest_module_unknown_property),
	    T(test_manifest_kernel_unknown_property),
	    T(test_manifest_kind_bad),
	    T(test_manifest_load_on_a_kernel_not_raw),
	    T(test_manifest_flags_with_a_value),
	    T(test_manifest_bootargs_not_a_string),
	    T(test_manifest_bootargs_too_long),
	    T(test_manifest_cpu_affinity_of_the_wrong_length),
	    T(test_manifest_cpu_affinity_beyond_the_cpus),
	    T(test_manifest_direct_map_with_another_ram_base),
	    T(test_manifest_direct_map_with_ram_base_only),
	    T(test_manifest_more_than_four_vms),
	    T(test_manifest_no_vm_at_all),
	    T(test_manifest_no_chosen),
	    T(test_manifest_garbage_blob),
	    T(test_manifest_truncated_blob),
	    T(test_manifest_first_error_wins),
	    T(test_manifest_virtio_devices_in_document_order),
	    T(test_manifest_virtio_disk_in_two_cells),
	    T(test_manifest_virtio_unknown_properties),
	    T(test_manifest_virtio_at_most_16_devices),
	    T(test_manifest_virtio_blk_errors),
	    T(test_manifest_virtio_net_network_errors),
	    T(test_manifest_virtio_net_mac_errors),
	    T(test_manifest_virtio_unknown_type_is_no_device),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
