/* Unit tests of hv/vm.c and hv/vcpu.c: creation, boot, power, lookup. */
#include "helpers.h"

#include "hv/stage2.h"
#include "hv/vm_ram.h"

#include "lib/fdt.h"

#define IMAGE_OFF (TEST_ENTRY - TEST_RAM_IPA) /* the raw kernel in RAM */
#define DTB_OFF	  (TEST_DTB_IPA - TEST_RAM_IPA)
#define DTB_PA	  (TEST_KERNEL_PA + 0x1000) /* the device-tree module */

static struct test_pool tp;
static uint8_t image[TEST_KERNEL_SIZE];
static uint8_t dtb[32];
static struct vm_config cfg;
static struct vm_image_plan plan;
static struct vm vm;
static uint8_t *arena;

/* The VM of test_vm_config with 3 vCPUs, entered 0x10 into its raw kernel,
 * with a device-tree module; RAM filled with 0xee as a machine's might be. */
static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	arena = hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ);
	memset(arena, 0xee, TEST_ARENA_SZ);
	test_vm_config(&cfg, "vmt", 3);
	memcpy(image, hal_pa_to_ptr(cfg.kernel.pa, TEST_KERNEL_SIZE),
	       sizeof(image));
	for (size_t i = 0; i < sizeof(dtb); i++)
		dtb[i] = (uint8_t)(0xd0 + i);
	memcpy(hal_pa_to_ptr(pa_init(DTB_PA), sizeof(dtb)), dtb, sizeof(dtb));
	cfg.dtb = (struct vm_module){pa_init(DTB_PA), sizeof(dtb)};
	cfg.entry = ipa_init(TEST_ENTRY + 0x10);
	cfg.entry_set = true;
	cfg.console = true;
	test_pool_init(&tp, TEST_POOL_PAGES);
	return 0;
}

/* Pointer to guest RAM at offset off, through the arena. */
static uint8_t *ram(uint64_t off)
{
	return arena + (TEST_RAM_PA - TEST_ARENA_PA) + off;
}

static void create(unsigned id)
{
	struct config_error err;

	if (vm_image_plan(&cfg, &plan, &err) != HV_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(vm_create(&vm, id, &cfg, &plan, &tp.pool), HV_OK);
}

static void test_vm_create_leaves_ram_alone_and_the_vm_off(void **st)
{
	(void)st;
	create(0);
	/* RAM is filled at boot, not at creation. */
	assert_int_equal(ram(0)[0], 0xee);
	assert_int_equal(hal_sim_stats()->mem_zero_bytes, 0);
	assert_int_equal(vm.state, VM_OFF);
	assert_int_equal(vm.vcpus[0].power, VCPU_OFF);
	/* The VM keeps its own copy of the plan. */
	plan.entry = 0;
	assert_int_equal(vm.image.entry, TEST_ENTRY + 0x10);
}

/* The machine model's counts since mark(). */
static struct hal_sim_stats marked;

static void mark(void)
{
	marked = *hal_sim_stats();
}

static uint64_t zeroed(void)
{
	return hal_sim_stats()->mem_zero_bytes - marked.mem_zero_bytes;
}

/* Is ipa mapped at stage 2? */
static bool mapped(uint64_t ipa)
{
	struct s2_walk w;

	return stage2_translate(&vm.s2, ipa_init(ipa), &w) == HV_OK;
}

static void test_vm_boot_writes_whole_pages_and_leaves_the_rest(void **st)
{
	(void)st;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	/* The kernel's page and the tree's, the rest of each zeroed: 64 and
	 * 32 bytes of blob in them. Nothing else is zeroed or mapped. */
	assert_int_equal(hal_sim_stats()->mem_zero_bytes,
			 (0x1000 - sizeof(image)) + (0x1000 - sizeof(dtb)));
	assert_int_equal(ram(IMAGE_OFF + sizeof(image))[0], 0);
	assert_int_equal(ram(IMAGE_OFF + 0xfff)[0], 0);
	assert_int_equal(ram(DTB_OFF + 0xfff)[0], 0);
	assert_true(mapped(TEST_ENTRY) && mapped(TEST_ENTRY + 0xfff));
	assert_true(mapped(TEST_DTB_IPA) && mapped(TEST_DTB_IPA + 0xfff));
	assert_false(mapped(TEST_ENTRY - 1) || mapped(TEST_ENTRY + 0x1000));
	assert_false(mapped(TEST_RAM_IPA) || mapped(TEST_DTB_IPA + 0x1000));
	assert_int_equal(ram(0)[0], 0xee);
	assert_int_equal(ram(IMAGE_OFF - 1)[0], 0xee);
	assert_int_equal(ram(IMAGE_OFF + 0x1000)[0], 0xee);
	/* Below it, the arena's first 2 MiB (RAM ends with the arena). */
	assert_int_equal(ram(0)[-1], 0xee);
	assert_int_equal(ram(0)[-(int)VM_RAM_ALIGN + 0x10000], 0xee);
}

static void test_vm_ram_first_touch_zeroes_the_page_of_a_split_block(void **st)
{
	(void)st;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	mark();
	/* The first 2 MiB holds the kernel's page: split, page by page. */
	assert_true(vm_ram_fault(&vm.vcpus[1], TEST_RAM_IPA + 0x1234));
	assert_int_equal(zeroed(), 0x1000);
	assert_int_equal(hal_sim_stats()->s2_mapped - marked.s2_mapped, 1);
	assert_true(mapped(TEST_RAM_IPA + 0x1000) &&
		    mapped(TEST_RAM_IPA + 0x1fff));
	assert_false(mapped(TEST_RAM_IPA + 0x2000) || mapped(TEST_RAM_IPA));
	assert_int_equal(ram(0x1000)[0], 0);
	assert_int_equal(ram(0x1fff)[0], 0);
	assert_int_equal(ram(0x2000)[0], 0xee);
	assert_int_equal(ram(0xfff)[0], 0xee);
	/* Another vCPU faulting on it too, before it saw the mapping:
	 * nothing zeroed again (the guest may have written there). */
	ram(0x1000)[0] = 0x42;
	assert_true(vm_ram_fault(&vm.vcpus[0], TEST_RAM_IPA + 0x1000));
	assert_int_equal(ram(0x1000)[0], 0x42);
	assert_int_equal(zeroed(), 0x1000);
	/* The loader's pages are mapped: no fault zeroes them. */
	assert_true(vm_ram_fault(&vm.vcpus[0], TEST_ENTRY));
	assert_memory_equal(ram(IMAGE_OFF), image, sizeof(image));
	/* Outside RAM: not RAM's business. */
	assert_false(vm_ram_fault(&vm.vcpus[0], TEST_RAM_IPA - 1));
	assert_false(vm_ram_fault(&vm.vcpus[0], TEST_RAM_IPA + TEST_RAM_SIZE));
	assert_int_equal(zeroed(), 0x1000);
}

static void test_vm_ram_first_touch_zeroes_a_whole_block(void **st)
{
	struct s2_walk w;

	(void)st;
	/* 8 MiB: the blocks at 2 and 4 MiB hold neither kernel nor tree. */
	arena = hal_sim_mem_init(TEST_ARENA_PA, 0xa00000);
	memset(arena, 0xee, 0xa00000);
	memcpy(hal_pa_to_ptr(cfg.kernel.pa, sizeof(image)), image,
	       sizeof(image));
	memcpy(hal_pa_to_ptr(pa_init(DTB_PA), sizeof(dtb)), dtb, sizeof(dtb));
	cfg.ram_size = 0x800000;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	mark();
	assert_true(vm_ram_fault(&vm.vcpus[0], TEST_RAM_IPA + 0x280000));
	assert_int_equal(zeroed(), 0x200000);
	assert_int_equal(
	    stage2_translate(&vm.s2, ipa_init(TEST_RAM_IPA + 0x3fffff), &w),
	    HV_OK);
	assert_int_equal(w.level, 2);
	assert_int_equal(pa_addr(w.pa), TEST_RAM_PA + 0x3fffff);
	assert_int_equal(ram(0x200000)[0], 0);
	assert_int_equal(ram(0x3fffff)[0], 0);
	assert_int_equal(ram(0x400000)[0], 0xee);
	assert_false(mapped(TEST_RAM_IPA + 0x400000));
}

static void test_vm_ram_touch_maps_what_the_hypervisor_writes(void **st)
{
	(void)st;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	mark();
	vm_lock(&vm);
	assert_int_equal(vm_ram_touch(&vm, TEST_RAM_IPA + 0xff8, 0x10), HV_OK);
	assert_int_equal(vm_ram_touch(&vm, TEST_RAM_IPA + TEST_RAM_SIZE - 4, 8),
			 HV_ERR_RANGE);
	vm_unlock(&vm);
	/* Both pages the range crosses. */
	assert_int_equal(zeroed(), 0x2000);
	assert_true(mapped(TEST_RAM_IPA) && mapped(TEST_RAM_IPA + 0x1fff));
	assert_int_equal(ram(0)[0], 0);
}

static void test_vm_create_maps_ram_at_stage2(void **st)
{
	struct s2_walk w;

	(void)st;
	create(0);
	assert_int_equal(stage2_translate(&vm.s2, ipa_init(TEST_RAM_IPA), &w),
			 HV_OK);
	assert_int_equal(pa_addr(w.pa), TEST_RAM_PA);
	/* 2 MiB aligned on both sides: one level-2 block, RWX normal. */
	assert_int_equal(w.level, 2);
	assert_int_equal(w.desc, TEST_RAM_PA | 0x7fd);
	assert_int_equal(
	    stage2_translate(&vm.s2, ipa_init(TEST_RAM_IPA + 0x1fffff), &w),
	    HV_OK);
	assert_int_equal(pa_addr(w.pa), TEST_RAM_PA + 0x1fffff);
	/* Nothing else is mapped: devices are emulated. */
	assert_int_equal(
	    stage2_translate(&vm.s2, ipa_init(TEST_RAM_IPA + TEST_RAM_SIZE),
			     &w),
	    HV_ERR_NOENT);
	assert_int_equal(stage2_translate(&vm.s2, ipa_init(VM_PL011_IPA), &w),
			 HV_ERR_NOENT);
	assert_int_equal(vm.s2.ipa_bits, 40);
	assert_int_equal(vm.s2.start_level, 0);
}

static void test_vm_create_sets_vttbr_vmpidr_and_cntvoff(void **st)
{
	(void)st;
	hal_sim_set_counter(123456789);
	create(2);
	assert_int_equal(vm.id, 2);
	assert_int_equal(vm.vcpu_count, 3);
	assert_int_equal(vm.cntvoff, 123456789);
	for (unsigned i = 0; i < 3; i++) {
		struct vcpu *v = &vm.vcpus[i];

		assert_ptr_equal(v->vm, &vm);
		assert_int_equal(v->id, i);
		assert_int_equal(v->arch.vttbr, stage2_vttbr(&vm.s2));
		/* VMID = id + 1, root in the pool. */
		assert_int_equal(v->arch.vttbr, 0x0003000100000000ull);
		assert_int_equal(v->arch.vmpidr, 0x80000000ull | i);
		assert_int_equal(v->arch.cntvoff, 123456789);
		assert_int_equal(v->arch.loaded_on, -1);
	}
}

static void test_vm_create_puts_the_uart_on_the_bus(void **st)
{
	const struct mmio_region *r;

	(void)st;
	create(0);
	r = mmio_bus_find(&vm.mmio, ipa_init(VM_PL011_IPA + 0xfff));
	assert_non_null(r);
	assert_int_equal(ipa_addr(r->base), 0x09000000);
	assert_int_equal(r->size, 0x1000);
	assert_ptr_equal(r->ops, &vpl011_mmio_ops);
	assert_ptr_equal(r->dev, &vm.uart);
	assert_string_equal(vm.uart.name, "vmt");
	assert_ptr_equal(vm.uart.vm, &vm);
	/* With the vGIC's distributor and redistributors (GICv3). */
	assert_int_equal(vm.mmio.region_count, 3);
}

static void test_vm_create_fails_without_reachable_ram(void **st)
{
	(void)st;
	cfg.ram_pa = pa_init(TEST_ARENA_PA + TEST_ARENA_SZ);
	assert_int_equal(vm_create(&vm, 0, &cfg, &plan, &tp.pool),
			 HV_ERR_RANGE);
}

static void test_vm_create_fails_when_the_pool_is_short(void **st)
{
	(void)st;
	test_pool_init(&tp, 2);
	assert_int_equal(vm_create(&vm, 0, &cfg, &plan, &tp.pool),
			 HV_ERR_NOMEM);
	test_pool_init(&tp, 1);
	assert_int_equal(vm_create(&vm, 0, &cfg, &plan, &tp.pool),
			 HV_ERR_NOMEM);
}

static void test_vm_create_fails_with_unusable_ipa_geometry(void **st)
{
	(void)st;
	hal_sim_caps()->ipa_bits = 40;
	hal_sim_caps()->s2_start_level = 1;
	assert_int_equal(vm_create(&vm, 0, &cfg, &plan, &tp.pool),
			 HV_ERR_INVAL);
}

static void test_vm_create_with_start_level_1(void **st)
{
	struct s2_walk w;

	(void)st;
	hal_sim_caps()->ipa_bits = 32;
	hal_sim_caps()->s2_start_level = 1;
	create(0);
	assert_int_equal(stage2_translate(&vm.s2, ipa_init(TEST_RAM_IPA), &w),
			 HV_OK);
	assert_int_equal(pa_addr(w.pa), TEST_RAM_PA);
	assert_int_equal(tp.pool.used_count, 2);
}

static void test_vm_boot_loads_image_and_dtb(void **st)
{
	(void)st;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	vcpu_apply_reset(&vm.vcpus[0]);
	assert_memory_equal(ram(IMAGE_OFF), image, sizeof(image));
	assert_memory_equal(ram(DTB_OFF), dtb, sizeof(dtb));
	/* Around them in their pages, RAM is zeroed; before those pages it
	 * waits for its first touch (test_vm_ram_*). */
	assert_int_equal(ram(IMAGE_OFF + sizeof(image))[0], 0);
	assert_int_equal(ram(DTB_OFF + sizeof(dtb))[0], 0);
	assert_false(mapped(TEST_ENTRY - 1) || mapped(TEST_DTB_IPA - 1));
	/* Both pushed to memory for a guest with caches off. */
	assert_int_equal(hal_sim_stats()->cache_syncs, 2);
}

static void test_vm_boot_starts_vcpu0_only(void **st)
{
	struct vcpu *v0 = &vm.vcpus[0];

	(void)st;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	assert_int_equal(vm.state, VM_RUNNING);
	assert_int_equal(v0->power, VCPU_ON);
	/* vCPU 0's home CPU resets it before it runs it. */
	assert_true(v0->reset_pending);
	assert_int_equal(v0->arch.regs.pc, 0);
	vcpu_apply_reset(v0);
	assert_false(v0->reset_pending);
	assert_int_equal(v0->arch.regs.pc, TEST_ENTRY + 0x10);
	/* x0 = the device tree's IPA, every other register zero. */
	assert_int_equal(v0->arch.regs.x[0], TEST_DTB_IPA);
	for (unsigned i = 1; i < 31; i++)
		assert_int_equal(v0->arch.regs.x[i], 0);
	assert_int_equal(v0->arch.regs.pstate, 0x3c5);
	assert_int_equal(hal_vcpu_el1_read(&v0->arch, EL1_SCTLR), 0x30d00800);
	assert_false(v0->arch.yield);
	assert_int_equal(vm.vcpus[1].power, VCPU_OFF);
	assert_int_equal(vm.vcpus[2].power, VCPU_OFF);
}

static void test_vm_boot_without_dtb_module_generates_one(void **st)
{
	const uint8_t *tree = ram(DTB_OFF);
	int memory;
	uint64_t reg[2];

	(void)st;
	cfg.dtb = (struct vm_module){pa_init(0), 0};
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	vcpu_apply_reset(&vm.vcpus[0]);
	assert_int_equal(vm.vcpus[0].arch.regs.x[0], TEST_DTB_IPA);
	assert_int_equal(fdt_check(tree, VM_DTB_MAX), 0);
	memory = fdt_path(tree, "/memory@40000000");
	assert_true(memory >= 0);
	reg[0] = fdt_read_cells(fdt_prop(tree, memory, "reg", NULL), 2);
	reg[1] = fdt_read_cells(
	    (const uint8_t *)fdt_prop(tree, memory, "reg", NULL) + 8, 2);
	assert_int_equal(reg[0], TEST_RAM_IPA);
	assert_int_equal(reg[1], TEST_RAM_SIZE);
	/* The kernel and the tree pushed to memory. */
	assert_int_equal(hal_sim_stats()->cache_syncs, 2);
}

static void test_vm_boot_again_zeroes_ram_and_reloads_everything(void **st)
{
	unsigned used;

	(void)st;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	memset(ram(IMAGE_OFF), 0, sizeof(image));
	ram(DTB_OFF)[0] = 0;
	assert_true(vm_ram_fault(&vm.vcpus[0], TEST_RAM_IPA + 0x200));
	ram(0x200)[0] = 0x77;
	used = tp.pool.used_count;
	vm.vcpus[0].arch.regs.pc = 0x1234;
	vm.vcpus[1].power = VCPU_ON;
	vm.vcpus[2].blocked = true;
	vm.uart.ibrd = 9;
	vm_request_reset(&vm);
	assert_int_equal(vm.state, VM_RESET_PENDING);
	mark();
	assert_int_equal(vm_boot(&vm), HV_OK);
	vcpu_apply_reset(&vm.vcpus[0]);
	assert_memory_equal(ram(IMAGE_OFF), image, sizeof(image));
	assert_int_equal(ram(DTB_OFF)[0], dtb[0]);
	/* No VM sees what its RAM held before, not even its own: the page
	 * it wrote is unmapped again, its next first touch zeroes it. */
	assert_false(mapped(TEST_RAM_IPA + 0x200));
	assert_true(vm_ram_fault(&vm.vcpus[0], TEST_RAM_IPA + 0x200));
	assert_int_equal(ram(0x200)[0], 0);
	/* The tables stay: the reboot took no page from the pool. */
	assert_int_equal(tp.pool.used_count, used);
	assert_int_equal(
	    hal_sim_stats()->tlb_flush_vmid - marked.tlb_flush_vmid, 1);
	assert_int_equal(vm.vcpus[0].arch.regs.pc, TEST_ENTRY + 0x10);
	assert_int_equal(vm.vcpus[1].power, VCPU_OFF);
	assert_false(vm.vcpus[2].blocked);
	assert_int_equal(vm.uart.ibrd, 0);
	assert_int_equal(vm.state, VM_RUNNING);
}

/*
 * A VirtIO device reads and writes the VM's buffers without a stage-2
 * fault: such a VM's RAM is zeroed whole at each boot and stays mapped, so
 * no device reads what the memory held before nor has what it wrote zeroed
 * by the guest's first touch.
 */
static void test_vm_boot_zeroes_all_ram_of_a_vm_with_devices(void **st)
{
	(void)st;
	cfg.virtio[0] =
	    (struct vm_virtio){.type = VM_VIRTIO_CONSOLE, .node = "con"};
	cfg.virtio_count = 1;
	assert_true(vm_ram_eager(&cfg));
	create(0);
	mark();
	assert_int_equal(vm_boot(&vm), HV_OK);
	/* All of it, then (vm_image_load) what the blobs leave of their
	 * pages once more. */
	assert_int_equal(zeroed(), TEST_RAM_SIZE + (0x1000 - sizeof(image)) +
				       (0x1000 - sizeof(dtb)));
	assert_int_equal(ram(0)[0], 0);
	assert_int_equal(ram(TEST_RAM_SIZE - 1)[0], 0);
	assert_memory_equal(ram(IMAGE_OFF), image, sizeof(image));
	assert_true(mapped(TEST_RAM_IPA) && mapped(TEST_RAM_IPA + 0x200000));
	assert_true(mapped(TEST_RAM_IPA + TEST_RAM_SIZE - 1));
	/* A reboot zeroes it all again, and unmaps nothing. */
	ram(0x200)[0] = 0x77;
	vm_request_reset(&vm);
	mark();
	assert_int_equal(vm_boot(&vm), HV_OK);
	assert_int_equal(zeroed(), TEST_RAM_SIZE + (0x1000 - sizeof(image)) +
				       (0x1000 - sizeof(dtb)));
	assert_int_equal(ram(0x200)[0], 0);
	assert_true(mapped(TEST_RAM_IPA + 0x200));
	/* A passed-through device may do DMA: the same. */
	cfg.virtio_count = 0;
	assert_false(vm_ram_eager(&cfg));
	cfg.pt.count = 1;
	assert_true(vm_ram_eager(&cfg));
}

static void test_vm_boot_again_restarts_a_linux_image(void **st)
{
	uint8_t *k = hal_pa_to_ptr(cfg.kernel.pa, TEST_KERNEL_SIZE);

	(void)st;
	/* An arm64 Image: text_offset 0, image_size 64 KiB, any base. */
	memset(k, 0, TEST_KERNEL_SIZE);
	k[0] = 0x4d;
	k[16 + 2] = 0x01;
	k[24] = 0x0a;
	memcpy(k + 56, "ARM\x64", 4);
	cfg.kind = VM_KERNEL_AUTO;
	cfg.load_set = false;
	cfg.entry_set = false;
	create(0);
	assert_int_equal(plan.kind, VM_KERNEL_LINUX);
	assert_int_equal(vm_boot(&vm), HV_OK);
	/* The guest overwrites its kernel, then resets. */
	memset(ram(0), 0, TEST_KERNEL_SIZE);
	vm_request_reset(&vm);
	assert_int_equal(vm_boot(&vm), HV_OK);
	vcpu_apply_reset(&vm.vcpus[0]);
	assert_int_equal(vm.vcpus[0].arch.regs.pc, TEST_RAM_IPA);
	assert_int_equal(ram(0)[0], 0x4d);
	assert_memory_equal(ram(0), k, TEST_KERNEL_SIZE);
}

static void test_vm_boot_fails_when_ram_is_unreachable(void **st)
{
	(void)st;
	create(0);
	/* The arena moved away from the VM's RAM. */
	hal_sim_mem_init(0x10000000, 0x1000);
	assert_int_equal(vm_boot(&vm), HV_ERR_RANGE);
	assert_int_equal(vm.state, VM_OFF);
	assert_int_equal(vm.vcpus[0].power, VCPU_OFF);
}

static void test_vm_boot_fails_when_its_tree_does_not_fit(void **st)
{
	static char bootargs[VM_DTB_MAX];

	(void)st;
	/* Longer than a manifest allows: the generated tree overflows. */
	memset(bootargs, 'x', sizeof(bootargs) - 1);
	cfg.bootargs = bootargs;
	cfg.dtb = (struct vm_module){pa_init(0), 0};
	create(0);
	assert_int_equal(vm_boot(&vm), HV_ERR_NOMEM);
	assert_int_equal(vm.state, VM_OFF);
}

static void test_vm_create_without_a_gic_has_no_vgic(void **st)
{
	(void)st;
	hal_sim_gic()->version = 0;
	create(0);
	assert_int_equal(vm.vgic.version, 0);
	/* Only the UART on its bus. */
	assert_int_equal(vm.mmio.region_count, 1);
	assert_int_equal(vm_boot(&vm), HV_OK);
	assert_int_equal(vm.state, VM_RUNNING);
}

static void test_vm_power_off_stops_every_vcpu_once(void **st)
{
	(void)st;
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	vm.vcpus[2].power = VCPU_ON;
	hal_sim_console_clear();
	vm_power_off(&vm, 3, "a test");
	assert_int_equal(vm.state, VM_OFF);
	assert_int_equal(vm.exit_status, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(vm.vcpus[i].power, VCPU_OFF);
		assert_true(vm.vcpus[i].arch.yield);
	}
	/* Powering off an off VM changes nothing and says nothing. */
	vm_power_off(&vm, 9, "again");
	assert_int_equal(vm.exit_status, 3);
	assert_string_equal(console(),
			    "hv: vmt: powered off by a test, status 3\n");
}

static void test_vm_create_homes_vcpu_i_on_cpu_i_mod_count(void **st)
{
	(void)st;
	hal_sim_set_cpus(2);
	create(0);
	assert_int_equal(vm.vcpus[0].arch.cpu, 0);
	assert_int_equal(vm.vcpus[1].arch.cpu, 1);
	assert_int_equal(vm.vcpus[2].arch.cpu, 0);
}

static void test_vm_create_homes_vcpus_where_cpu_affinity_says(void **st)
{
	(void)st;
	hal_sim_set_cpus(4);
	cfg.affinity_set = true;
	cfg.affinity[0] = 3;
	cfg.affinity[1] = 3;
	cfg.affinity[2] = 1;
	create(0);
	assert_int_equal(vm.vcpus[0].arch.cpu, 3);
	assert_int_equal(vm.vcpus[1].arch.cpu, 3);
	assert_int_equal(vm.vcpus[2].arch.cpu, 1);
}

static void test_vm_power_off_kicks_the_cpus_running_its_vcpus(void **st)
{
	(void)st;
	hal_sim_set_cpus(3);
	cfg.affinity_set = true;
	memcpy(cfg.affinity, ((uint8_t[]){0, 1, 0}), 3);
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	vm.vcpus[1].power = VCPU_ON;
	vm_power_off(&vm, 0, "a test");
	/* vCPU 1 runs on CPU 1: a kick, which makes it see the VM off.
	 * vCPUs 0 and 2 are this CPU's: they yield at once. CPU 2 has none
	 * of the VM's, but may be idle waiting for the last VM to stop: it
	 * is kicked too. */
	assert_int_equal(hal_sim_stats()->kicks[1], 1);
	assert_int_equal(hal_sim_stats()->kicks[2], 1);
	assert_int_equal(hal_sim_stats()->kicks[0], 0);
	assert_true(vm.vcpus[0].arch.yield);
	assert_false(vm.vcpus[1].arch.yield);
	assert_true(vm.vcpus[2].arch.yield);
	vm_request_reset(&vm);
	assert_int_equal(hal_sim_stats()->kicks[1], 1);
}

static void test_vm_power_off_kicks_every_other_cpu(void **st)
{
	(void)st;
	hal_sim_set_cpus(3);
	create(0);
	assert_int_equal(vm_boot(&vm), HV_OK);
	/* Its last vCPU stops on CPU 1: CPU 0, which has none of its vCPUs
	 * and may be idle, must see that no VM is left. */
	hal_sim_set_cpu_id(1);
	vm_power_off(&vm, 0, "a test");
	hal_sim_set_cpu_id(0);
	assert_int_equal(hal_sim_stats()->kicks[0], 1);
	assert_int_equal(hal_sim_stats()->kicks[1], 0);
	assert_int_equal(hal_sim_stats()->kicks[2], 1);
	assert_true(vm.vcpus[1].arch.yield);
}

static void test_vm_request_reset_only_when_running(void **st)
{
	(void)st;
	create(0);
	vm_request_reset(&vm);
	assert_int_equal(vm.state, VM_OFF);
	assert_false(vm.vcpus[0].arch.yield);
	assert_int_equal(vm_boot(&vm), HV_OK);
	vm_request_reset(&vm);
	assert_int_equal(vm.state, VM_RESET_PENDING);
	for (unsigned i = 0; i < 3; i++)
		assert_true(vm.vcpus[i].arch.yield);
}

static void test_vm_ipa_in_ram_edges(void **st)
{
	const uint64_t base = TEST_RAM_IPA, end = TEST_RAM_IPA + TEST_RAM_SIZE;

	(void)st;
	create(0);
	assert_true(vm_ipa_in_ram(&vm, base, 1));
	assert_true(vm_ipa_in_ram(&vm, base, TEST_RAM_SIZE));
	assert_true(vm_ipa_in_ram(&vm, end - 4, 4));
	assert_true(vm_ipa_in_ram(&vm, end - 1, 1));
	assert_false(vm_ipa_in_ram(&vm, base - 1, 1));
	assert_false(vm_ipa_in_ram(&vm, base - 4, 8));
	assert_false(vm_ipa_in_ram(&vm, end - 3, 4));
	assert_false(vm_ipa_in_ram(&vm, end, 1));
	assert_false(vm_ipa_in_ram(&vm, base, TEST_RAM_SIZE + 1));
	assert_false(vm_ipa_in_ram(&vm, base + 4, UINT64_MAX));
	assert_false(vm_ipa_in_ram(&vm, UINT64_MAX - 3, 4));
	assert_false(vm_ipa_in_ram(&vm, 0, 4));
}

static void test_vm_vcpu_by_mpidr_matches_affinity_only(void **st)
{
	(void)st;
	create(0);
	assert_ptr_equal(vm_vcpu_by_mpidr(&vm, 0), &vm.vcpus[0]);
	assert_ptr_equal(vm_vcpu_by_mpidr(&vm, 2), &vm.vcpus[2]);
	assert_null(vm_vcpu_by_mpidr(&vm, 3));
	assert_null(vm_vcpu_by_mpidr(&vm, 0x100));
	assert_null(vm_vcpu_by_mpidr(&vm, 0x10000));
	assert_null(vm_vcpu_by_mpidr(&vm, 0x100000000ull));
	/* The MPIDR_EL1 value as read (RES1 bit 31) is not an affinity. */
	assert_null(vm_vcpu_by_mpidr(&vm, 0x80000001ull));
	assert_null(vm_vcpu_by_mpidr(&vm, 0x40000000ull));
	assert_null(vm_vcpu_by_mpidr(&vm, 1ull << 63));
}

static void test_vcpu_mpidr_is_res1_plus_id(void **st)
{
	(void)st;
	assert_int_equal(vcpu_mpidr(0), 0x80000000);
	assert_int_equal(vcpu_mpidr(3), 0x80000003);
}

static void test_vcpu_reset_clears_state_and_sets_el1h(void **st)
{
	struct vcpu v;

	(void)st;
	memset(&v, 0, sizeof(v));
	hal_vcpu_init(&v.arch);
	for (unsigned i = 0; i < 31; i++)
		v.arch.regs.x[i] = i + 1;
	v.arch.regs.pstate = 0xf0000000;
	for (unsigned r = 0; r < EL1_REG_COUNT; r++)
		hal_vcpu_el1_write(&v.arch, (enum el1_reg)r, 0x99);
	v.arch.yield = true;
	vcpu_reset(&v, 0x40080000, 0xabc);
	assert_int_equal(v.arch.regs.pc, 0x40080000);
	assert_int_equal(v.arch.regs.x[0], 0xabc);
	for (unsigned i = 1; i < 31; i++)
		assert_int_equal(v.arch.regs.x[i], 0);
	assert_int_equal(v.arch.regs.pstate, PSR_DAIF | PSR_MODE_EL1H);
	for (unsigned r = 0; r < EL1_REG_COUNT; r++)
		assert_int_equal(hal_vcpu_el1_read(&v.arch, (enum el1_reg)r),
				 r == EL1_SCTLR ? SCTLR_EL1_RESET : 0);
	assert_false(v.arch.yield);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_vm_create_homes_vcpu_i_on_cpu_i_mod_count),
	    T(test_vm_power_off_kicks_the_cpus_running_its_vcpus),
	    T(test_vm_power_off_kicks_every_other_cpu),
	    T(test_vm_create_homes_vcpus_where_cpu_affinity_says),
	    T(test_vm_create_leaves_ram_alone_and_the_vm_off),
	    T(test_vm_boot_writes_whole_pages_and_leaves_the_rest),
	    T(test_vm_ram_first_touch_zeroes_the_page_of_a_split_block),
	    T(test_vm_ram_first_touch_zeroes_a_whole_block),
	    T(test_vm_ram_touch_maps_what_the_hypervisor_writes),
	    T(test_vm_create_maps_ram_at_stage2),
	    T(test_vm_create_sets_vttbr_vmpidr_and_cntvoff),
	    T(test_vm_create_puts_the_uart_on_the_bus),
	    T(test_vm_create_fails_without_reachable_ram),
	    T(test_vm_create_fails_when_the_pool_is_short),
	    T(test_vm_create_fails_with_unusable_ipa_geometry),
	    T(test_vm_create_with_start_level_1),
	    T(test_vm_boot_loads_image_and_dtb),
	    T(test_vm_boot_starts_vcpu0_only),
	    T(test_vm_boot_without_dtb_module_generates_one),
	    T(test_vm_boot_again_zeroes_ram_and_reloads_everything),
	    T(test_vm_boot_zeroes_all_ram_of_a_vm_with_devices),
	    T(test_vm_boot_again_restarts_a_linux_image),
	    T(test_vm_boot_fails_when_ram_is_unreachable),
	    T(test_vm_boot_fails_when_its_tree_does_not_fit),
	    T(test_vm_create_without_a_gic_has_no_vgic),
	    T(test_vm_power_off_stops_every_vcpu_once),
	    T(test_vm_request_reset_only_when_running),
	    T(test_vm_ipa_in_ram_edges),
	    T(test_vm_vcpu_by_mpidr_matches_affinity_only),
	    T(test_vcpu_mpidr_is_res1_plus_id),
	    T(test_vcpu_reset_clears_state_and_sets_el1h),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
