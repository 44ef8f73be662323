/*
 * Unit tests of hv/vm_image.c: the kind of a kernel found from its bytes,
 * where the kernel, ramdisk and device tree go in a VM's RAM (and each
 * error when they do not fit), and what vm_image_load leaves in RAM.
 */
#include "helpers.h"

#include "hv/vm_image.h"
#include "lib/fdt.h"

#include <hal/mm.h>

#define MIB	   0x100000ull
#define ARENA	   0x48000000ull
#define ARENA_SIZE (18 * MIB) /* 2 MiB after the RAM */
#define KERNEL_PA  ARENA
#define RAMDISK_PA (ARENA + 4 * MIB)
#define DTB_PA	   (ARENA + 6 * MIB)
#define RAM_PA	   (ARENA + 8 * MIB)
#define RAM	   0x40000000ull
#define RAM_SIZE   (8 * MIB)
#define DTB_IPA	   (RAM + RAM_SIZE - 2 * MIB)

static struct vm_config cfg;
static struct vm_image_plan plan;
static struct config_error err;
static uint8_t *arena;

static uint8_t *at_pa(uint64_t pa)
{
	return arena + (pa - ARENA);
}

static uint8_t *ram(uint64_t ipa)
{
	return at_pa(RAM_PA + (ipa - RAM));
}

/* Module bytes: a pattern of their own for each. */
static void fill(uint64_t pa, uint64_t size, uint8_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		at_pa(pa)[i] = (uint8_t)(seed + i * 3);
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An arm64 Image header in the kernel module (the rest of its 4 KiB
 * zero). */
static void linux_kernel(uint64_t text_offset, uint64_t image_size)
{
	uint8_t *k = at_pa(KERNEL_PA);

	memset(k, 0, 0x1000);
	k[0] = 0x4d;
	put(k + 8, text_offset, 8);
	put(k + 16, image_size, 8);
	put(k + 24, 0xa, 8); /* LE, 4 KiB pages, anywhere */
	memcpy(k + 56, "ARM\x64", 4);
	cfg.kernel.size = 0x1000;
}

/* An ELF executable in the kernel module: one PT_LOAD segment of filesz
 * bytes (memsz in memory) at pa, entry at entry. */
static void elf_kernel(uint64_t pa, uint64_t filesz, uint64_t memsz,
		       uint64_t entry)
{
	uint8_t *f = at_pa(KERNEL_PA);

	memset(f, 0, 0x200);
	memcpy(f, "\177ELF", 4);
	f[4] = 2;
	f[5] = 1;
	f[6] = 1;
	put(f + 16, 2, 2);
	put(f + 18, 183, 2);
	put(f + 20, 1, 4);
	put(f + 24, entry, 8);
	put(f + 32, 64, 8);
	put(f + 54, 56, 2);
	put(f + 56, 1, 2);
	put(f + 64, 1, 4);
	put(f + 64 + 8, 0x200, 8);
	put(f + 64 + 16, pa, 8);
	put(f + 64 + 24, pa, 8);
	put(f + 64 + 32, filesz, 8);
	put(f + 64 + 40, memsz, 8);
	fill(KERNEL_PA + 0x200, filesz, 0x31);
	cfg.kernel.size = 0x200 + filesz;
}

/* A VM "t" with 8 MiB of RAM and a raw kernel of 0x40 bytes (found from
 * its bytes) at the RAM base; host memory filled with 0xee. */
static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	arena = hal_sim_mem_init(ARENA, ARENA_SIZE);
	memset(arena, 0xee, ARENA_SIZE);
	fill(KERNEL_PA, 0x40, 0x10);
	fill(RAMDISK_PA, 2 * MIB, 0x20);
	fill(DTB_PA, 0x100, 0x30);
	cfg = (struct vm_config){
	    .vcpu_count = 1,
	    .ram_ipa = ipa_init(RAM),
	    .ram_size = RAM_SIZE,
	    .ram_pa = pa_init(RAM_PA),
	    .ram_pa_fixed = true,
	    .kernel = {pa_init(KERNEL_PA), 0x40},
	    .load = ipa_init(RAM),
	};
	strcpy(cfg.name, "t");
	strcpy(cfg.node, "/chosen/t");
	memset(&plan, 0x5a, sizeof(plan));
	memset(&err, 0x5a, sizeof(err));
	return 0;
}

static void plan_ok(void)
{
	if (vm_image_plan(&cfg, &plan, &err) != HV_OK)
		fail_msg("vm_image_plan: %s", err.msg);
}

#define assert_plan_error(e, message)                                          \
	do {                                                                   \
		assert_int_equal(vm_image_plan(&cfg, &plan, &err), (e));       \
		assert_string_equal(err.msg, (message));                       \
	} while (0)

/* ---- the kind ---------------------------------------------------------- */

static void test_vm_image_kind_raw_when_the_bytes_say_nothing(void **st)
{
	(void)st;
	plan_ok();
	assert_int_equal(plan.kind, VM_KERNEL_RAW);
}

static void test_vm_image_kind_elf_from_its_magic(void **st)
{
	(void)st;
	elf_kernel(RAM + 0x1000, 0x100, 0x100, RAM + 0x1000);
	plan_ok();
	assert_int_equal(plan.kind, VM_KERNEL_ELF);
}

static void test_vm_image_kind_linux_from_the_image_magic(void **st)
{
	(void)st;
	linux_kernel(0, MIB);
	plan_ok();
	assert_int_equal(plan.kind, VM_KERNEL_LINUX);
	/* The magic alone, at offset 56 of a file too short for the
	 * header, is not an Image. */
	cfg.kernel.size = 59;
	plan_ok();
	assert_int_equal(plan.kind, VM_KERNEL_RAW);
}

static void test_vm_image_kind_given_wins_over_the_bytes(void **st)
{
	(void)st;
	elf_kernel(RAM + 0x1000, 0x100, 0x100, RAM + 0x1000);
	cfg.kind = VM_KERNEL_RAW;
	plan_ok();
	assert_int_equal(plan.kind, VM_KERNEL_RAW);
	assert_int_equal(plan.kernel_ipa, RAM);
	/* Said to be Linux, but no Image: refused. */
	setup(NULL);
	cfg.kind = VM_KERNEL_LINUX;
	cfg.kernel.size = 63;
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: arm64 Image: shorter than the "
			  "64-byte arm64 Image header");
	cfg.kernel.size = 0x1000;
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: arm64 Image: no arm64 Image magic "
			  "\"ARM\\x64\" at offset 56");
	cfg.kind = VM_KERNEL_ELF;
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: not an ELF file (bad magic)");
}

/* ---- raw --------------------------------------------------------------- */

static void test_vm_image_raw_goes_to_its_load_address(void **st)
{
	(void)st;
	plan_ok();
	assert_int_equal(plan.kernel_ipa, RAM);
	assert_int_equal(plan.entry, RAM);
	assert_int_equal(plan.dtb_ipa, DTB_IPA);
	cfg.load = ipa_init(RAM + 0x80000);
	cfg.entry = ipa_init(RAM + 0x80010);
	cfg.entry_set = true;
	plan_ok();
	assert_int_equal(plan.kernel_ipa, RAM + 0x80000);
	assert_int_equal(plan.entry, RAM + 0x80010);
}

static void test_vm_image_raw_must_fit_below_the_device_tree(void **st)
{
	(void)st;
	cfg.load = ipa_init(DTB_IPA - 0x3f);
	assert_plan_error(HV_ERR_RANGE,
			  "/chosen/t/kernel: 64 bytes at 0x405fffc1 do not fit "
			  "in RAM [0x40000000, 0x40600000) below the ramdisk "
			  "and device tree");
	cfg.load = ipa_init(RAM - 0x20);
	assert_plan_error(HV_ERR_RANGE,
			  "/chosen/t/kernel: 64 bytes at 0x3fffffe0 do not fit "
			  "in RAM [0x40000000, 0x40600000) below the ramdisk "
			  "and device tree");
	cfg.load = ipa_init(UINT64_MAX - 0x10);
	assert_int_equal(vm_image_plan(&cfg, &plan, &err), HV_ERR_RANGE);
	/* Its last byte right below the tree is fine. */
	cfg.load = ipa_init(DTB_IPA - 0x40);
	plan_ok();
}

static void test_vm_image_raw_must_fit_below_the_ramdisk(void **st)
{
	(void)st;
	cfg.ramdisk = (struct vm_module){pa_init(RAMDISK_PA), MIB};
	cfg.load = ipa_init(DTB_IPA - MIB - 0x20);
	assert_plan_error(HV_ERR_RANGE,
			  "/chosen/t/kernel: 64 bytes at 0x404fffe0 do not fit "
			  "in RAM [0x40000000, 0x40500000) below the ramdisk "
			  "and device tree");
}

static void test_vm_image_entry_must_be_aligned_in_ram(void **st)
{
	(void)st;
	cfg.entry_set = true;
	cfg.entry = ipa_init(RAM + 2);
	assert_plan_error(
	    HV_ERR_RANGE,
	    "/chosen/t/kernel: entry 0x40000002 is not an aligned "
	    "address in RAM");
	cfg.entry = ipa_init(RAM + RAM_SIZE);
	assert_plan_error(
	    HV_ERR_RANGE,
	    "/chosen/t/kernel: entry 0x40800000 is not an aligned "
	    "address in RAM");
	cfg.entry = ipa_init(RAM - 4);
	assert_int_equal(vm_image_plan(&cfg, &plan, &err), HV_ERR_RANGE);
	/* Anywhere in RAM is the guest's business, the last word too. */
	cfg.entry = ipa_init(RAM + RAM_SIZE - 4);
	plan_ok();
	assert_int_equal(plan.entry, RAM + RAM_SIZE - 4);
}

static void test_vm_image_ram_of_2mib_has_no_room(void **st)
{
	(void)st;
	cfg.ram_size = 2 * MIB;
	assert_plan_error(HV_ERR_RANGE,
			  "/chosen/t/kernel: RAM of 0x200000 bytes leaves no "
			  "room below the device tree (2 MiB below its top)");
}

/* ---- ramdisk ----------------------------------------------------------- */

static void test_vm_image_ramdisk_right_below_the_tree_4k_aligned(void **st)
{
	(void)st;
	cfg.ramdisk = (struct vm_module){pa_init(RAMDISK_PA), 0x12345};
	plan_ok();
	assert_int_equal(plan.ramdisk_ipa, 0x405ed000);
	assert_true(plan.ramdisk_ipa + 0x12345 <= plan.dtb_ipa);
	cfg.ramdisk.size = MIB;
	plan_ok();
	assert_int_equal(plan.ramdisk_ipa, DTB_IPA - MIB);
}

static void test_vm_image_ramdisk_too_big(void **st)
{
	(void)st;
	cfg.ramdisk = (struct vm_module){pa_init(RAMDISK_PA), 6 * MIB + 1};
	assert_plan_error(HV_ERR_RANGE,
			  "/chosen/t/ramdisk: 6291457 bytes do not fit in RAM "
			  "below the device tree at 0x40600000");
	/* All of it leaves the kernel no room. */
	cfg.ramdisk.size = 6 * MIB;
	assert_plan_error(HV_ERR_RANGE,
			  "/chosen/t/kernel: 64 bytes at 0x40000000 do not fit "
			  "in RAM [0x40000000, 0x40000000) below the ramdisk "
			  "and device tree");
}

/* ---- elf --------------------------------------------------------------- */

static void test_vm_image_elf_enters_at_e_entry(void **st)
{
	(void)st;
	elf_kernel(RAM + 0x1000, 0x100, 0x300, RAM + 0x1040);
	plan_ok();
	assert_int_equal(plan.entry, RAM + 0x1040);
	assert_int_equal(plan.elf.phnum, 1);
	/* entry overrides it. */
	cfg.entry_set = true;
	cfg.entry = ipa_init(RAM + 0x1100);
	plan_ok();
	assert_int_equal(plan.entry, RAM + 0x1100);
}

static void test_vm_image_elf_errors_name_the_kernel(void **st)
{
	(void)st;
	elf_kernel(RAM + 0x1000, 0x100, 0x100, RAM + 0x1040);
	put(at_pa(KERNEL_PA) + 18, 62, 2);
	assert_plan_error(HV_ERR_INVAL, "/chosen/t/kernel: not an AArch64 ELF "
					"(e_machine 62)");
	/* Its segments are checked against the VM's RAM. */
	elf_kernel(RAM + RAM_SIZE, 0x100, 0x100, RAM + RAM_SIZE);
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: segment 0 at 0x40800000+0x100 is "
			  "outside guest RAM [0x40000000, 0x40800000)");
}

static void test_vm_image_elf_must_stay_below_the_tree(void **st)
{
	(void)st;
	elf_kernel(DTB_IPA - 0x100, 0x100, 0x200, DTB_IPA - 0x100);
	assert_plan_error(HV_ERR_OVERLAP,
			  "/chosen/t/kernel: its segments reach 0x40600100, "
			  "over the ramdisk or device tree from 0x40600000");
	cfg.ramdisk = (struct vm_module){pa_init(RAMDISK_PA), 0x1000};
	elf_kernel(DTB_IPA - 0x1100, 0x100, 0x101, DTB_IPA - 0x1100);
	assert_plan_error(HV_ERR_OVERLAP,
			  "/chosen/t/kernel: its segments reach 0x405ff001, "
			  "over the ramdisk or device tree from 0x405ff000");
	elf_kernel(DTB_IPA - 0x1100, 0x100, 0x100, DTB_IPA - 0x1100);
	plan_ok();
}

/* ---- linux ------------------------------------------------------------- */

static void test_vm_image_linux_at_the_lowest_2mib_plus_text_offset(void **st)
{
	(void)st;
	linux_kernel(0, MIB);
	plan_ok();
	assert_int_equal(plan.kernel_ipa, RAM);
	assert_int_equal(plan.entry, RAM);
	linux_kernel(0x80000, MIB);
	plan_ok();
	assert_int_equal(plan.kernel_ipa, RAM + 0x80000);
	assert_int_equal(plan.entry, RAM + 0x80000);
}

static void test_vm_image_linux_clear_of_the_ramdisk(void **st)
{
	(void)st;
	/* image_size up to the ramdisk is fine; one byte more is not, and
	 * above the ramdisk only the tree is left. */
	cfg.ramdisk = (struct vm_module){pa_init(RAMDISK_PA), 2 * MIB};
	linux_kernel(0, 4 * MIB);
	plan_ok();
	assert_int_equal(plan.kernel_ipa, RAM);
	linux_kernel(0, 4 * MIB + 0x1000);
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: arm64 Image: no room for the "
			  "kernel in guest RAM around the device tree and "
			  "initrd");
}

static void test_vm_image_linux_header_errors(void **st)
{
	(void)st;
	linux_kernel(0, 0);
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: arm64 Image: kernel older than "
			  "3.17 (image_size 0) is not supported");
	linux_kernel(0, 0x800);
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: arm64 Image: the Image file is "
			  "larger than its image_size");
}

static void test_vm_image_linux_refuses_an_entry(void **st)
{
	(void)st;
	linux_kernel(0, MIB);
	cfg.entry_set = true;
	cfg.entry = ipa_init(RAM + 0x40);
	assert_plan_error(HV_ERR_INVAL,
			  "/chosen/t/kernel: entry: an arm64 Image starts at "
			  "its first byte; entry is for raw and elf kernels");
}

/* ---- vm_image_load ----------------------------------------------------- */

static struct vm_image_ranges written;

static void load_ok(unsigned gic_version)
{
	assert_int_equal(
	    vm_image_load(&cfg, &plan, ram(RAM), gic_version, &written), HV_OK);
}

#define PAGE_UP(x) (((x) + 0xfffull) & ~0xfffull)

static void assert_written(unsigned i, uint64_t ipa, uint64_t size)
{
	assert_true(i < written.count);
	assert_int_equal(written.r[i].ipa, ipa);
	assert_int_equal(written.r[i].size, size);
}

static void test_vm_image_load_copies_the_kernel_in_whole_pages(void **st)
{
	uint64_t tree;

	(void)st;
	cfg.load = ipa_init(RAM + 0x80000);
	plan_ok();
	load_ok(3);
	tree = fdt_totalsize(ram(DTB_IPA));
	/* The kernel's page and the tree's: what the blobs leave of them
	 * zeroed, and nothing else. */
	assert_int_equal(written.count, 2);
	assert_written(0, RAM + 0x80000, 0x1000);
	assert_written(1, DTB_IPA, PAGE_UP(tree));
	assert_int_equal(hal_sim_stats()->mem_zero_bytes,
			 (0x1000 - 0x40) + (PAGE_UP(tree) - tree));
	assert_memory_equal(ram(RAM + 0x80000), at_pa(KERNEL_PA), 0x40);
	assert_int_equal(ram(RAM + 0x80040)[0], 0);
	assert_int_equal(ram(RAM + 0x80fff)[0], 0);
	assert_int_equal(ram(DTB_IPA + PAGE_UP(tree) - 1)[0], 0);
	/* The rest of RAM is left for its first touch to zero (vm_ram). */
	assert_int_equal(ram(RAM)[0], 0xee);
	assert_int_equal(ram(RAM + 0x7ffff)[0], 0xee);
	assert_int_equal(ram(RAM + 0x81000)[0], 0xee);
	assert_int_equal(ram(DTB_IPA + PAGE_UP(tree))[0], 0xee);
	assert_int_equal(ram(RAM)[-1], 0xee);
	assert_int_equal(ram(RAM + RAM_SIZE)[0], 0xee);
	/* The kernel and the generated tree pushed to memory. */
	assert_int_equal(hal_sim_stats()->cache_syncs, 2);
}

static void test_vm_image_load_generates_the_tree(void **st)
{
	const uint8_t *tree = ram(DTB_IPA);
	uint64_t start;

	(void)st;
	cfg.ramdisk = (struct vm_module){pa_init(RAMDISK_PA), 0x12345};
	cfg.bootargs = "console=ttyAMA0";
	plan_ok();
	load_ok(2);
	assert_int_equal(fdt_check(tree, VM_DTB_MAX), 0);
	assert_true(fdt_totalsize(tree) <= VM_DTB_MAX);
	assert_string_equal(
	    fdt_prop_string(tree, fdt_path(tree, "/chosen"), "bootargs"),
	    "console=ttyAMA0");
	assert_int_equal(fdt_prop_u64(tree, fdt_path(tree, "/chosen"),
				      "linux,initrd-start", &start),
			 0);
	assert_int_equal(start, 0x405ed000);
	assert_true(fdt_path(tree, "/intc@8000000") >= 0);
	/* The ramdisk too, right below it, the rest of its last page
	 * zeroed (its first starts with it). */
	assert_memory_equal(ram(0x405ed000), at_pa(RAMDISK_PA), 0x12345);
	assert_written(1, 0x405ed000, 0x13000);
	assert_int_equal(ram(0x405ed000 + 0x12345)[0], 0);
	assert_int_equal(ram(0x405ed000 + 0x12fff)[0], 0);
	assert_int_equal(ram(0x405ed000)[-1], 0xee);
	/* Kernel, ramdisk and tree each pushed to memory. */
	assert_int_equal(hal_sim_stats()->cache_syncs, 3);
}

static void test_vm_image_load_copies_a_device_tree_module(void **st)
{
	(void)st;
	cfg.dtb = (struct vm_module){pa_init(DTB_PA), 0x100};
	cfg.bootargs = "unused";
	plan_ok();
	load_ok(3);
	assert_memory_equal(ram(DTB_IPA), at_pa(DTB_PA), 0x100);
	assert_int_equal(ram(DTB_IPA + 0x100)[0], 0);
	assert_written(1, DTB_IPA, 0x1000);
}

static void test_vm_image_load_places_elf_segments(void **st)
{
	(void)st;
	elf_kernel(RAM + 0x1000, 0x100, 0x300, RAM + 0x1040);
	plan_ok();
	memset(ram(RAM), 0xee, RAM_SIZE);
	load_ok(3);
	assert_memory_equal(ram(RAM + 0x1000), at_pa(KERNEL_PA + 0x200), 0x100);
	/* Its file bytes' pages zeroed whole first: its bss there too. */
	assert_written(0, RAM + 0x1000, 0x1000);
	for (uint64_t a = RAM + 0x1100; a < RAM + 0x2000; a++)
		assert_int_equal(ram(a)[0], 0);
	/* The ELF headers are not copied anywhere. */
	assert_int_equal(ram(RAM)[0], 0xee);
	/* The segments and the tree pushed to memory. */
	assert_int_equal(hal_sim_stats()->cache_syncs, 2);
}

static void test_vm_image_load_again_gives_the_same_ram(void **st)
{
	static uint8_t first[RAM_SIZE];

	(void)st;
	linux_kernel(0x80000, MIB);
	cfg.ramdisk = (struct vm_module){pa_init(RAMDISK_PA), 0x3000};
	plan_ok();
	load_ok(3);
	memcpy(first, ram(RAM), RAM_SIZE);
	/* What the guest did to the pages the loader writes is gone at the
	 * next boot (the rest is vm_ram's to zero). */
	for (unsigned i = 0; i < written.count; i++)
		memset(ram(written.r[i].ipa), 0x77, written.r[i].size);
	load_ok(3);
	assert_memory_equal(ram(RAM), first, RAM_SIZE);
	assert_int_equal(ram(RAM + 0x80000)[0], 0x4d);
}

static void test_vm_image_load_tree_too_big_for_its_room(void **st)
{
	static char bootargs[VM_DTB_MAX];

	(void)st;
	/* Not from a manifest (it limits bootargs): a tree over 64 KiB. */
	memset(bootargs, 'x', sizeof(bootargs) - 1);
	cfg.bootargs = bootargs;
	plan_ok();
	assert_int_equal(vm_image_load(&cfg, &plan, ram(RAM), 3, &written),
			 HV_ERR_NOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_vm_image_kind_raw_when_the_bytes_say_nothing),
	    T(test_vm_image_kind_elf_from_its_magic),
	    T(test_vm_image_kind_linux_from_the_image_magic),
	    T(test_vm_image_kind_given_wins_over_the_bytes),
	    T(test_vm_image_raw_goes_to_its_load_address),
	    T(test_vm_image_raw_must_fit_below_the_device_tree),
	    T(test_vm_image_raw_must_fit_below_the_ramdisk),
	    T(test_vm_image_entry_must_be_aligned_in_ram),
	    T(test_vm_image_ram_of_2mib_has_no_room),
	    T(test_vm_image_ramdisk_right_below_the_tree_4k_aligned),
	    T(test_vm_image_ramdisk_too_big),
	    T(test_vm_image_elf_enters_at_e_entry),
	    T(test_vm_image_elf_errors_name_the_kernel),
	    T(test_vm_image_elf_must_stay_below_the_tree),
	    T(test_vm_image_linux_at_the_lowest_2mib_plus_text_offset),
	    T(test_vm_image_linux_clear_of_the_ramdisk),
	    T(test_vm_image_linux_header_errors),
	    T(test_vm_image_linux_refuses_an_entry),
	    T(test_vm_image_load_copies_the_kernel_in_whole_pages),
	    T(test_vm_image_load_generates_the_tree),
	    T(test_vm_image_load_copies_a_device_tree_module),
	    T(test_vm_image_load_places_elf_segments),
	    T(test_vm_image_load_again_gives_the_same_ram),
	    T(test_vm_image_load_tree_too_big_for_its_room),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
