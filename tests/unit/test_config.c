/* Unit tests of hv/config.c: where config_validate places each VM's RAM in
 * host memory, every check with its exact message, and the stage-2 page
 * estimate. */
#include "helpers.h"

#include "hv/config.h"
#include "hv/stage2.h"

#define MIB 0x100000ull

static struct hv_config cfg;
static struct hal_platform plat;
static struct config_limits lim;
static struct config_error err;

/* A VM as the manifest gives it: 1 vCPU, RAM at the default IPA, a kernel
 * module of 4 KiB at kernel_pa, host memory left to config_validate. */
static struct vm_config *vm(unsigned i, const char *name, uint64_t size,
			    uint64_t kernel_pa)
{
	struct vm_config *c = &cfg.vms[i];

	*c = (struct vm_config){
	    .vcpu_count = 1,
	    .ram_ipa = ipa_init(VM_RAM_IPA_DEFAULT),
	    .ram_size = size,
	    .kernel = {pa_init(kernel_pa), 0x1000},
	    .load = ipa_init(VM_RAM_IPA_DEFAULT),
	};
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->node, sizeof(c->node), "/chosen/%s", name);
	if (i >= cfg.vm_count)
		cfg.vm_count = i + 1;
	return c;
}

/* Gives a VM a host address of its own (host-address). */
static void fix(struct vm_config *c, uint64_t pa)
{
	c->ram_pa = pa_init(pa);
	c->ram_pa_fixed = true;
}

/* A machine with 1 GiB of RAM at 1 GiB, the hypervisor in its first 32 MiB,
 * 4 CPUs; one VM "a" of 64 MiB whose kernel is at 0x70000000. */
static int setup(void **state)
{
	(void)state;
	plat = (struct hal_platform){
	    .name = "test",
	    .ram_base = pa_init(0x40000000),
	    .ram_size = 0x40000000,
	    .hv_base = pa_init(0x40000000),
	    .hv_size = 32 * MIB,
	};
	lim = (struct config_limits){
	    .platform = &plat,
	    .ipa_bits = 40,
	    .s2_start_level = 0,
	    .cpu_count = 4,
	    .pool_pages = 256,
	};
	memset(&cfg, 0, sizeof(cfg));
	vm(0, "a", 64 * MIB, 0x70000000);
	memset(&err, 0x55, sizeof(err));
	return 0;
}

static void validate_ok(void)
{
	if (config_validate(&cfg, &lim, &err) != HV_OK)
		fail_msg("config_validate: %s", err.msg);
	assert_string_equal(err.msg, "");
}

/* Validates and checks the error value and the whole message. */
#define assert_config_error(e, message)                                        \
	do {                                                                   \
		assert_int_equal(config_validate(&cfg, &lim, &err), (e));      \
		assert_string_equal(err.msg, (message));                       \
	} while (0)

static uint64_t ram_pa(unsigned i)
{
	return pa_addr(cfg.vms[i].ram_pa);
}

/* Placement */

static void test_config_places_ram_right_above_the_hypervisor(void **st)
{
	(void)st;
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42000000);
	/* Not direct-mapped: the guest keeps its own RAM base. */
	assert_int_equal(ipa_addr(cfg.vms[0].ram_ipa), 0x40000000);
}

static void test_config_places_vms_one_after_another(void **st)
{
	(void)st;
	vm(1, "b", 32 * MIB, 0x70100000);
	vm(2, "c", 2 * MIB, 0x70200000);
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42000000);
	assert_int_equal(ram_pa(1), 0x46000000);
	assert_int_equal(ram_pa(2), 0x48000000);
}

static void test_config_places_ram_below_a_hypervisor_high_up(void **st)
{
	(void)st;
	plat.hv_base = pa_init(0x40200000);
	plat.hv_size = 2 * MIB;
	vm(0, "a", 4 * MIB, 0x70000000);
	vm(1, "b", 2 * MIB, 0x70100000);
	/* 4 MiB do not fit below it; 2 MiB do. */
	validate_ok();
	assert_int_equal(ram_pa(0), 0x40400000);
	assert_int_equal(ram_pa(1), 0x40000000);
}

static void test_config_places_ram_at_the_next_2mib_after_a_module(void **st)
{
	(void)st;
	/* A 4 KiB kernel at the first free byte: RAM 2 MiB above. */
	vm(0, "a", 64 * MIB, 0x42000000);
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42200000);
	/* A module ending one byte into a 2 MiB block skips that block. */
	cfg.vms[0].kernel = (struct vm_module){pa_init(0x42100000), 0x100001};
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42400000);
}

static void test_config_places_ram_in_the_first_gap_big_enough(void **st)
{
	(void)st;
	/* A ramdisk 16 MiB above the hypervisor: a gap of 16 MiB below it. */
	vm(0, "a", 32 * MIB, 0x70000000);
	cfg.vms[0].ramdisk = (struct vm_module){pa_init(0x43000000), 0x1000};
	vm(1, "b", 16 * MIB, 0x70100000);
	vm(2, "c", 2 * MIB, 0x70200000);
	validate_ok();
	/* a does not fit the gap, b fills it exactly, c goes after a. */
	assert_int_equal(ram_pa(0), 0x43200000);
	assert_int_equal(ram_pa(1), 0x42000000);
	assert_int_equal(ram_pa(2), 0x45200000);
}

static void test_config_places_ram_around_the_boot_device_tree(void **st)
{
	(void)st;
	lim.boot_dtb = pa_init(0x42000000);
	lim.boot_dtb_size = 0x10000;
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42200000);
	/* A tree outside host RAM (in flash, say) takes nothing from it. */
	lim.boot_dtb = pa_init(0x1000);
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42000000);
}

static void test_config_places_fixed_vms_first(void **st)
{
	(void)st;
	/* b's host address is where a would go: a goes after it. */
	vm(1, "b", 16 * MIB, 0x70100000);
	fix(&cfg.vms[1], 0x42000000);
	validate_ok();
	assert_int_equal(ram_pa(0), 0x43000000);
	assert_int_equal(ram_pa(1), 0x42000000);
}

static void test_config_keeps_a_fixed_host_address(void **st)
{
	(void)st;
	fix(&cfg.vms[0], 0x7c000000);
	validate_ok();
	assert_int_equal(ram_pa(0), 0x7c000000);
	assert_int_equal(ipa_addr(cfg.vms[0].ram_ipa), 0x40000000);
}

static void test_config_fills_host_ram_to_its_last_byte(void **st)
{
	(void)st;
	vm(0, "a", 0x40000000 - 32 * MIB - 2 * MIB, 0x42000000);
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42200000);
	cfg.vms[0].ram_size += 2 * MIB;
	assert_config_error(HV_ERR_NOMEM,
			    "/chosen/a: memory: no 0x3e000000 bytes of host "
			    "RAM left for it (the hypervisor, the modules and "
			    "the VMs before it have the rest)");
}

static void test_config_direct_map_gets_ipa_equal_to_pa(void **st)
{
	(void)st;
	cfg.vms[0].direct_map = true;
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42000000);
	assert_int_equal(ipa_addr(cfg.vms[0].ram_ipa), 0x42000000);
	/* A raw kernel without a load address goes to the RAM's base. */
	assert_int_equal(ipa_addr(cfg.vms[0].load), 0x42000000);
}

static void test_config_direct_map_keeps_a_given_load_address(void **st)
{
	(void)st;
	cfg.vms[0].direct_map = true;
	cfg.vms[0].load = ipa_init(0x42080000);
	cfg.vms[0].load_set = true;
	validate_ok();
	assert_int_equal(ipa_addr(cfg.vms[0].load), 0x42080000);
}

static void test_config_direct_map_ram_avoids_the_device_window(void **st)
{
	(void)st;
	/* RAM from 0 (as on many boards): a direct-mapped VM's RAM is its
	 * guest-physical RAM, so it must not cover the emulated devices. */
	plat.ram_base = pa_init(0);
	plat.hv_base = pa_init(0);
	plat.hv_size = 2 * MIB;
	vm(0, "a", 256 * MIB, 0x3f000000);
	cfg.vms[0].direct_map = true;
	vm(1, "b", 64 * MIB, 0x3f100000);
	validate_ok();
	assert_int_equal(ram_pa(0), VM_DEVICE_IPA_END);
	assert_int_equal(ipa_addr(cfg.vms[0].ram_ipa), VM_DEVICE_IPA_END);
	/* Others may have that host memory: their RAM is elsewhere. */
	assert_int_equal(ram_pa(1), 0x200000);
}

static void test_config_direct_map_beyond_the_ipa_space(void **st)
{
	(void)st;
	cfg.vms[0].direct_map = true;
	lim.ipa_bits = 30;
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a: direct-map: RAM at 0x42000000 exceeds "
			    "the 30-bit guest-physical address space");
}

/* Errors */

static void test_config_vm_count_zero_or_too_many(void **st)
{
	(void)st;
	cfg.vm_count = 0;
	assert_config_error(HV_ERR_INVAL, "0 VMs: 1 to 4 are possible");
	cfg.vm_count = HV_MAX_VMS + 1;
	assert_config_error(HV_ERR_INVAL, "5 VMs: 1 to 4 are possible");
}

static void test_config_four_vms_are_allowed(void **st)
{
	(void)st;
	vm(1, "b", 2 * MIB, 0x70100000);
	vm(2, "c", 2 * MIB, 0x70200000);
	vm(3, "d", 2 * MIB, 0x70300000);
	/* With all three modules each. */
	for (unsigned i = 0; i < 4; i++) {
		cfg.vms[i].ramdisk =
		    (struct vm_module){pa_init(0x71000000 + i * MIB), 0x1000};
		cfg.vms[i].dtb =
		    (struct vm_module){pa_init(0x72000000 + i * MIB), 0x1000};
	}
	validate_ok();
	assert_int_equal(ram_pa(3), 0x46400000);
}

static void test_config_vcpus_zero_or_five(void **st)
{
	(void)st;
	cfg.vms[0].vcpu_count = 0;
	assert_config_error(HV_ERR_INVAL, "/chosen/a: vcpus: 0 is not 1 to 4");
	cfg.vms[0].vcpu_count = 5;
	assert_config_error(HV_ERR_INVAL, "/chosen/a: vcpus: 5 is not 1 to 4");
	cfg.vms[0].vcpu_count = 4;
	validate_ok();
}

static void test_config_memory_zero_or_not_2mib_multiple(void **st)
{
	(void)st;
	cfg.vms[0].ram_size = 0;
	assert_config_error(HV_ERR_ALIGN,
			    "/chosen/a: memory: 0x0 is not a non-zero multiple "
			    "of 2 MiB");
	cfg.vms[0].ram_size = 0x200800;
	assert_config_error(HV_ERR_ALIGN,
			    "/chosen/a: memory: 0x200800 is not a non-zero "
			    "multiple of 2 MiB");
}

static void test_config_ram_base_or_host_address_misaligned(void **st)
{
	(void)st;
	cfg.vms[0].ram_ipa = ipa_init(0x40100000);
	assert_config_error(HV_ERR_ALIGN,
			    "/chosen/a: ram-base 0x40100000 or host-address "
			    "0x0 is not 2 MiB aligned");
	setup(NULL);
	fix(&cfg.vms[0], 0x44001000);
	assert_config_error(HV_ERR_ALIGN,
			    "/chosen/a: ram-base 0x40000000 or host-address "
			    "0x44001000 is not 2 MiB aligned");
}

static void test_config_ram_beyond_the_ipa_space(void **st)
{
	(void)st;
	cfg.vms[0].ram_ipa = ipa_init(0xfffe000000ull);
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a: ram-base: [0xfffe000000, "
			    "0x10002000000) exceeds the 40-bit guest-physical "
			    "address space");
	/* Ending exactly at the top is fine. */
	cfg.vms[0].ram_ipa = ipa_init(0xfffc000000ull);
	validate_ok();
	/* Wrapping around the 64-bit space is caught too. */
	cfg.vms[0].ram_ipa = ipa_init(0xfffffffffe000000ull);
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a: ram-base: [0xfffffffffe000000, "
			    "0x2000000) exceeds the 40-bit guest-physical "
			    "address space");
	lim.ipa_bits = 32;
	cfg.vms[0].ram_ipa = ipa_init(0xfe000000ull);
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a: ram-base: [0xfe000000, 0x102000000) "
			    "exceeds the 32-bit guest-physical address space");
}

static void test_config_ram_over_the_device_window(void **st)
{
	(void)st;
	cfg.vms[0].ram_size = 4 * MIB;
	cfg.vms[0].ram_ipa = ipa_init(0x0a000000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a: ram-base: RAM [0xa000000, 0xa400000) "
			    "overlaps the device window [0x8000000, "
			    "0xc000000)");
	cfg.vms[0].ram_ipa = ipa_init(0x07e00000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a: ram-base: RAM [0x7e00000, 0x8200000) "
			    "overlaps the device window [0x8000000, "
			    "0xc000000)");
	/* All of it, from below. */
	cfg.vms[0].ram_ipa = ipa_init(0);
	cfg.vms[0].ram_size = 256 * MIB;
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_ERR_OVERLAP);
	/* Touching it from below or above is fine. */
	cfg.vms[0].ram_size = 4 * MIB;
	cfg.vms[0].ram_ipa = ipa_init(0x07c00000);
	validate_ok();
	cfg.vms[0].ram_ipa = ipa_init(0x0c000000);
	validate_ok();
}

static void test_config_cpu_affinity_beyond_the_machine(void **st)
{
	(void)st;
	cfg.vms[0].vcpu_count = 2;
	cfg.vms[0].affinity_set = true;
	cfg.vms[0].affinity[0] = 3;
	cfg.vms[0].affinity[1] = 4;
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a: cpu-affinity: vCPU 1 on CPU 4, but the "
			    "machine has 4");
	cfg.vms[0].affinity[1] = 0;
	validate_ok();
	/* Only the VM's own vCPUs count. */
	cfg.vms[0].vcpu_count = 1;
	cfg.vms[0].affinity[1] = 9;
	validate_ok();
}

static void test_config_no_kernel_module(void **st)
{
	(void)st;
	cfg.vms[0].kernel.size = 0;
	assert_config_error(HV_ERR_NOENT, "/chosen/a: no kernel module");
}

static void test_config_module_outside_host_ram(void **st)
{
	(void)st;
	cfg.vms[0].kernel.pa = pa_init(0x90000000);
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a/kernel: reg: [0x90000000, 0x90001000) "
			    "is outside host RAM [0x40000000, 0x80000000)");
	/* Across either end of it. */
	cfg.vms[0].kernel.pa = pa_init(0x7ffff800);
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a/kernel: reg: [0x7ffff800, 0x80000800) "
			    "is outside host RAM [0x40000000, 0x80000000)");
	cfg.vms[0].kernel.pa = pa_init(0x3ffff800);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_ERR_RANGE);
	/* Its last byte the last of host RAM is fine. */
	cfg.vms[0].kernel.pa = pa_init(0x7ffff000);
	validate_ok();
	/* Each module is checked, the ramdisk and the tree too. */
	cfg.vms[0].ramdisk = (struct vm_module){pa_init(0x80000000), 1};
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a/ramdisk: reg: [0x80000000, 0x80000001) "
			    "is outside host RAM [0x40000000, 0x80000000)");
	cfg.vms[0].ramdisk.size = 0;
	cfg.vms[0].dtb =
	    (struct vm_module){pa_init(0xfffffffffffff000ull), 0x2000};
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a/device-tree: reg: [0xfffffffffffff000, "
			    "0x1000) is outside host RAM [0x40000000, "
			    "0x80000000)");
}

static void test_config_module_over_the_hypervisor(void **st)
{
	(void)st;
	cfg.vms[0].kernel.pa = pa_init(0x41fff800);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a/kernel: reg: [0x41fff800, 0x42000800) "
			    "overlaps the hypervisor");
}

static void test_config_module_over_another_module(void **st)
{
	(void)st;
	vm(1, "b", 2 * MIB, 0x70100000);
	cfg.vms[1].ramdisk = (struct vm_module){pa_init(0x70000800), 0x1000};
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/b/ramdisk: reg: [0x70000800, 0x70001800) "
			    "overlaps kernel of /chosen/a");
	/* Right after it is fine. */
	cfg.vms[1].ramdisk.pa = pa_init(0x70001000);
	validate_ok();
	/* A VM's own modules may not overlap either. */
	cfg.vms[0].dtb = (struct vm_module){pa_init(0x70000000), 0x10};
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a/device-tree: reg: [0x70000000, "
			    "0x70000010) overlaps kernel of /chosen/a");
}

static void test_config_module_over_the_boot_device_tree(void **st)
{
	(void)st;
	lim.boot_dtb = pa_init(0x70000fff);
	lim.boot_dtb_size = 0x100;
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a/kernel: reg: [0x70000000, 0x70001000) "
			    "overlaps the boot device tree");
}

static void test_config_device_tree_module_too_big(void **st)
{
	(void)st;
	cfg.vms[0].dtb = (struct vm_module){pa_init(0x71000000), 0x10001};
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a/device-tree: reg: 65537 bytes, at most "
			    "65536");
	cfg.vms[0].dtb.size = 0x10000;
	validate_ok();
}

static void test_config_fixed_ram_outside_host_ram(void **st)
{
	(void)st;
	fix(&cfg.vms[0], 0x7e000000);
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a: host-address: RAM [0x7e000000, "
			    "0x82000000) is outside host RAM [0x40000000, "
			    "0x80000000)");
	fix(&cfg.vms[0], 0x3e000000);
	assert_int_equal(config_validate(&cfg, &lim, &err), HV_ERR_RANGE);
	fix(&cfg.vms[0], 0x7c000000);
	validate_ok();
}

static void test_config_fixed_ram_over_the_hypervisor(void **st)
{
	(void)st;
	fix(&cfg.vms[0], 0x41e00000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a: host-address: RAM [0x41e00000, "
			    "0x45e00000) overlaps the hypervisor");
}

static void test_config_fixed_ram_over_another_vm(void **st)
{
	(void)st;
	fix(&cfg.vms[0], 0x50000000);
	vm(1, "b", 2 * MIB, 0x70100000);
	fix(&cfg.vms[1], 0x53e00000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/b: host-address: RAM [0x53e00000, "
			    "0x54000000) overlaps RAM of /chosen/a");
	/* Right after it is fine. */
	fix(&cfg.vms[1], 0x54000000);
	validate_ok();
}

static void test_config_fixed_ram_over_a_module(void **st)
{
	(void)st;
	vm(1, "b", 2 * MIB, 0x70100000);
	fix(&cfg.vms[1], 0x70000000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/b: host-address: RAM [0x70000000, "
			    "0x70200000) overlaps kernel of /chosen/a");
	/* Its own module is no better. */
	fix(&cfg.vms[1], 0x70100000 & ~(2 * MIB - 1));
	cfg.vms[0].kernel.pa = pa_init(0x72000000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/b: host-address: RAM [0x70000000, "
			    "0x70200000) overlaps kernel of /chosen/b");
}

static void test_config_fixed_ram_over_the_boot_device_tree(void **st)
{
	(void)st;
	lim.boot_dtb = pa_init(0x44000000);
	lim.boot_dtb_size = 0x1000;
	fix(&cfg.vms[0], 0x44000000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a: host-address: RAM [0x44000000, "
			    "0x48000000) overlaps the boot device tree");
}

static void test_config_no_room_left_for_a_vm(void **st)
{
	(void)st;
	vm(0, "a", 512 * MIB, 0x70000000);
	vm(1, "b", 480 * MIB, 0x70100000);
	assert_config_error(HV_ERR_NOMEM,
			    "/chosen/b: memory: no 0x1e000000 bytes of host "
			    "RAM left for it (the hypervisor, the modules and "
			    "the VMs before it have the rest)");
	cfg.vms[1].ram_size = 224 * MIB;
	validate_ok();
	assert_int_equal(ram_pa(1), 0x62000000);
}

static void test_config_two_consoles(void **st)
{
	(void)st;
	vm(1, "b", 2 * MIB, 0x70100000);
	vm(2, "c", 2 * MIB, 0x70200000);
	cfg.vms[0].console = true;
	validate_ok();
	cfg.vms[2].console = true;
	assert_config_error(HV_ERR_INVAL,
			    "console: 2 VMs claim the console input, at most "
			    "one may");
	/* None is fine: the first VM gets it. */
	cfg.vms[0].console = false;
	cfg.vms[2].console = false;
	validate_ok();
}

static void test_config_stage2_pool_too_small(void **st)
{
	(void)st;
	vm(0, "a", 2 * MIB, 0x70000000);
	vm(1, "b", 2 * MIB, 0x70100000);
	/* Each VM: root, L1, L2, an L3 bound and the 6 L3 tables of the
	 * blocks its loader may split: 10 pages. */
	lim.pool_pages = 19;
	assert_config_error(
	    HV_ERR_NOMEM, "stage-2 page pool: 20 pages needed, 19 configured");
	lim.pool_pages = 20;
	validate_ok();
}

static void test_config_first_error_wins(void **st)
{
	(void)st;
	vm(1, "b", 2 * MIB, 0x70100000);
	cfg.vms[0].vcpu_count = 0;
	cfg.vms[1].kernel.size = 0;
	assert_config_error(HV_ERR_INVAL, "/chosen/a: vcpus: 0 is not 1 to 4");
}

static void test_config_message_with_the_longest_node_is_whole(void **st)
{
	char node[sizeof(cfg.vms[0].node)];
	char expected[sizeof(err.msg)];

	(void)st;
	memset(node, 'n', sizeof(node) - 1);
	node[sizeof(node) - 1] = '\0';
	memcpy(cfg.vms[0].node, node, sizeof(node));
	vm(1, "b", 2 * MIB, 0x70100000);
	memcpy(cfg.vms[1].node, node, sizeof(node));
	cfg.vms[1].dtb = (struct vm_module){pa_init(0x70000000), 0x1000};
	snprintf(expected, sizeof(expected),
		 "%s/device-tree: reg: [0x70000000, 0x70001000) overlaps "
		 "kernel of %s",
		 node, node);
	assert_config_error(HV_ERR_OVERLAP, expected);
}

static struct vm_config layout(uint64_t ipa, uint64_t pa, uint64_t size)
{
	return (struct vm_config){
	    .ram_ipa = ipa_init(ipa), .ram_pa = pa_init(pa), .ram_size = size};
}

/* The blocks the loader may split to map its pages (hv/vm_ram.h). */
#define LOADER 6 /* 2 * VM_IMAGE_RANGES */

static void test_config_s2_pages_for_aligned_layouts(void **st)
{
	struct vm_config c;

	(void)st;
	/* 2 MiB, 2 MiB aligned: root + L1 + L2 + one L3 bound. */
	c = layout(0x40000000, 0x42000000, 0x200000);
	assert_int_equal(config_s2_pages(&c, 0), 4 + LOADER);
	assert_int_equal(config_s2_pages(&c, 1), 3 + LOADER);
	/* 1 GiB, 1 GiB aligned: the L3 bound is two (the ends). */
	c = layout(0x40000000, 0x80000000, 0x40000000);
	assert_int_equal(config_s2_pages(&c, 0), 5 + LOADER);
	/* 8 MiB starting 1 MiB into a 2 MiB block, same offset on both
	 * sides: blocks in the middle, L3 tables at the two ends. */
	c = layout(0x40100000, 0x42100000, 0x800000);
	assert_int_equal(config_s2_pages(&c, 0), 5 + LOADER);
	/* 4 GiB over four L1 entries, 1 GiB aligned: two L2 tables. */
	c = layout(0x40000000, 0x40000000, 0x100000000ull);
	assert_int_equal(config_s2_pages(&c, 0), 1 + 1 + 2 + 2 + LOADER);
}

static void test_config_s2_pages_for_misaligned_layouts(void **st)
{
	struct vm_config c;

	(void)st;
	/* IPA and PA disagree in their 4 KiB-page offsets inside a 2 MiB
	 * block: every 2 MiB needs an L3 table. */
	c = layout(0x40000000, 0x40001000, 0x40000000);
	assert_int_equal(config_s2_pages(&c, 0), 1 + 1 + 1 + 512 + LOADER);
	/* 2 MiB agreement, 1 GiB disagreement: L2 tables for each 1 GiB. */
	c = layout(0x40000000, 0x80200000, 0x80000000);
	assert_int_equal(config_s2_pages(&c, 0), 1 + 1 + 2 + 2 + LOADER);
	/* One page across no boundary. */
	c = layout(0x40001000, 0x40003000, 0x1000);
	assert_int_equal(config_s2_pages(&c, 0), 4 + LOADER);
	assert_int_equal(config_s2_pages(&c, 1), 3 + LOADER);
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

/* VirtIO devices */

/* A disk of size bytes at pa for VM i, in its next device slot. */
static struct vm_virtio *add_disk(unsigned i, const char *node, uint64_t pa,
				  uint64_t size)
{
	struct vm_config *c = &cfg.vms[i];
	struct vm_virtio *d = &c->virtio[c->virtio_count++];

	*d = (struct vm_virtio){
	    .type = VM_VIRTIO_BLK,
	    .node = node,
	    .disk = {pa_init(pa), size},
	};
	return d;
}

/* A network device of VM i on network with the last MAC byte mac_low. */
static struct vm_virtio *add_net(unsigned i, const char *node,
				 const char *network, uint8_t mac_low)
{
	struct vm_config *c = &cfg.vms[i];
	struct vm_virtio *d = &c->virtio[c->virtio_count++];

	*d = (struct vm_virtio){
	    .type = VM_VIRTIO_NET,
	    .node = node,
	    .network = network,
	    .mac = {0x52, 0x54, 0x00, 0x00, 0x00, mac_low},
	};
	return d;
}

static void test_config_disk_is_kept_out_of_every_vms_ram(void **st)
{
	(void)st;
	/* Where the first VM's RAM would go: it goes after the disk. */
	add_disk(0, "disk", 0x42000000, 0x200000);
	validate_ok();
	assert_int_equal(ram_pa(0), 0x42200000);
}

static void test_config_disk_outside_host_ram(void **st)
{
	(void)st;
	add_disk(0, "disk", 0x7ff00000, 0x200000);
	assert_config_error(HV_ERR_RANGE,
			    "/chosen/a/disk: reg: [0x7ff00000, 0x80100000) is "
			    "outside host RAM [0x40000000, 0x80000000)");
}

static void test_config_disk_over_a_module_or_another_disk(void **st)
{
	(void)st;
	add_disk(0, "root", 0x70000800, 0x1000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a/root: reg: [0x70000800, 0x70001800) "
			    "overlaps kernel of /chosen/a");
	cfg.vms[0].virtio[0].disk.pa = pa_init(0x71000000);
	vm(1, "b", 2 * MIB, 0x70100000);
	add_disk(1, "data", 0x71000fff, 0x1000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/b/data: reg: [0x71000fff, 0x71001fff) "
			    "overlaps root of /chosen/a");
	/* And over the hypervisor. */
	cfg.vms[1].virtio[0].disk.pa = pa_init(0x40000000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/b/data: reg: [0x40000000, 0x40001000) "
			    "overlaps the hypervisor");
}

static void test_config_disk_under_fixed_ram(void **st)
{
	(void)st;
	fix(&cfg.vms[0], 0x50000000);
	add_disk(0, "disk", 0x51000000, 0x1000);
	assert_config_error(HV_ERR_OVERLAP,
			    "/chosen/a: host-address: RAM [0x50000000, "
			    "0x54000000) overlaps disk of /chosen/a");
}

static void test_config_sixteen_disks_per_vm_for_four_vms(void **st)
{
	static const char *const names[4] = {"a", "b", "c", "d"};

	(void)st;
	for (unsigned i = 0; i < HV_MAX_VMS; i++) {
		vm(i, names[i], 2 * MIB, 0x70000000 + i * MIB);
		for (unsigned d = 0; d < VM_VIRTIO_MAX; d++)
			add_disk(i, "disk", 0x60000000 + (i * 16 + d) * MIB,
				 0x1000);
	}
	validate_ok();
}

static void test_config_network_of_eight_ports_at_most(void **st)
{
	static const char *const nodes[9] = {"n0", "n1", "n2", "n3", "n4",
					     "n5", "n6", "n7", "n8"};

	(void)st;
	vm(1, "b", 2 * MIB, 0x70100000);
	for (unsigned i = 0; i < 8; i++)
		add_net(i % 2, nodes[i], "lan", (uint8_t)i);
	/* Another network does not count. */
	add_net(1, "other", "dmz", 0);
	validate_ok();
	add_net(1, nodes[8], "lan", 8);
	assert_config_error(HV_ERR_NOMEM,
			    "/chosen/b/n8: network: 'lan' would have more than "
			    "8 devices");
}

static void test_config_mac_address_twice_on_a_network(void **st)
{
	(void)st;
	vm(1, "b", 2 * MIB, 0x70100000);
	add_net(0, "eth0", "lan", 1);
	add_net(1, "eth1", "dmz", 1);
	/* The same address on two networks is fine. */
	validate_ok();
	add_net(1, "eth0", "lan", 1);
	assert_config_error(HV_ERR_EXIST,
			    "/chosen/b/eth0: mac-address: 52:54:00:00:00:01 is "
			    "already /chosen/a/eth0's on network 'lan'");
	/* Within one VM too. */
	cfg.vms[1].virtio_count = 1;
	add_net(0, "eth9", "lan", 1);
	assert_config_error(HV_ERR_EXIST,
			    "/chosen/a/eth9: mac-address: 52:54:00:00:00:01 is "
			    "already /chosen/a/eth0's on network 'lan'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_config_places_ram_right_above_the_hypervisor),
	    T(test_config_places_vms_one_after_another),
	    T(test_config_places_ram_below_a_hypervisor_high_up),
	    T(test_config_places_ram_at_the_next_2mib_after_a_module),
	    T(test_config_places_ram_in_the_first_gap_big_enough),
	    T(test_config_places_ram_around_the_boot_device_tree),
	    T(test_config_places_fixed_vms_first),
	    T(test_config_keeps_a_fixed_host_address),
	    T(test_config_fills_host_ram_to_its_last_byte),
	    T(test_config_direct_map_gets_ipa_equal_to_pa),
	    T(test_config_direct_map_keeps_a_given_load_address),
	    T(test_config_direct_map_ram_avoids_the_device_window),
	    T(test_config_direct_map_beyond_the_ipa_space),
	    T(test_config_vm_count_zero_or_too_many),
	    T(test_config_four_vms_are_allowed),
	    T(test_config_vcpus_zero_or_five),
	    T(test_config_memory_zero_or_not_2mib_multiple),
	    T(test_config_ram_base_or_host_address_misaligned),
	    T(test_config_ram_beyond_the_ipa_space),
	    T(test_config_ram_over_the_device_window),
	    T(test_config_cpu_affinity_beyond_the_machine),
	    T(test_config_no_kernel_module),
	    T(test_config_module_outside_host_ram),
	    T(test_config_module_over_the_hypervisor),
	    T(test_config_module_over_another_module),
	    T(test_config_module_over_the_boot_device_tree),
	    T(test_config_device_tree_module_too_big),
	    T(test_config_fixed_ram_outside_host_ram),
	    T(test_config_fixed_ram_over_the_hypervisor),
	    T(test_config_fixed_ram_over_another_vm),
	    T(test_config_fixed_ram_over_a_module),
	    T(test_config_fixed_ram_over_the_boot_device_tree),
	    T(test_config_no_room_left_for_a_vm),
	    T(test_config_two_consoles),
	    T(test_config_stage2_pool_too_small),
	    T(test_config_first_error_wins),
	    T(test_config_message_with_the_longest_node_is_whole),
	    T(test_config_s2_pages_for_aligned_layouts),
	    T(test_config_s2_pages_for_misaligned_layouts),
	    T(test_config_s2_pages_bounds_what_stage2_map_uses),
	    T(test_config_disk_is_kept_out_of_every_vms_ram),
	    T(test_config_disk_outside_host_ram),
	    T(test_config_disk_over_a_module_or_another_disk),
	    T(test_config_disk_under_fixed_ram),
	    T(test_config_sixteen_disks_per_vm_for_four_vms),
	    T(test_config_network_of_eight_ports_at_most),
	    T(test_config_mac_address_twice_on_a_network),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
