/* Unit tests of hv/sched.c and hv/main.c: whole runs of the hypervisor
 * against a scripted engine (a table of exits), checked by their console
 * transcript, their status and what each step saw. */
#include "helpers.h"

#include "hv/abi.h"
#include "hv/main.h"
#include "hv/sched.h"
#include "hv/vm_ram.h"
#include "lib/fdt.h"
#include "lib/fdt_write.h"

#include <hal/counter.h>
#include <hal/mm.h>

#define ENTRY	 TEST_ENTRY
#define ENTRY2	 (TEST_ENTRY + 0x100)
#define DTB_IPA	 TEST_DTB_IPA
#define MAX_STEP 16

/* One exit of the script: the registers it sets, then the exit it takes. */
struct step {
	void (*hook)(struct vcpu *v); /* runs first, if set */
	unsigned set;		      /* bit n: write x[n] from x[n] below */
	uint64_t x[4];
	struct vcpu_exit exit;
};

static struct {
	const struct step *steps;
	unsigned count;
	unsigned pos;
	unsigned overruns;
	/* What each step saw when it started: */
	unsigned who[MAX_STEP]; /* 10 * VM id + vCPU id */
	uint64_t x0[MAX_STEP];
	uint64_t pc[MAX_STEP];
} script;

/* clang-format off */
/* HVC #0, WFI, WFE and a physical IRQ as the hardware reports them. */
#define HVC {.kind = VCPU_EXIT_SYNC, .esr = 0x5a000000}
#define WFI {.kind = VCPU_EXIT_SYNC, .esr = 0x06000000}
#define WFE {.kind = VCPU_EXIT_SYNC, .esr = 0x06000001}
#define IRQ {.kind = VCPU_EXIT_IRQ}

/* STRB w3 to the PL011 data register (ISV, SAS 0, SRT 3, WnR, L3 fault). */
#define DR_WRITE {.kind = VCPU_EXIT_SYNC, .esr = 0x93030047, \
		  .far = 0xffff000009000000ull, .hpfar = 0x90000}

/* Script steps: print a character, make a call with 0, 1 or 3 arguments. */
#define PUTC(c)                {NULL, 1u << 3, {0, 0, 0, (c)}, DR_WRITE}
#define CALL(fid)              {NULL, 1u, {(fid), 0, 0, 0}, HVC}
#define CALL1(fid, a1)         {NULL, 3u, {(fid), (a1), 0, 0}, HVC}
#define CALL3(fid, a1, a2, a3) {NULL, 15u, {(fid), (a1), (a2), (a3)}, HVC}
#define STEP(exit)             {NULL, 0, {0}, exit}
/* clang-format on */

static void engine_run(void *ctx, struct hal_vcpu *hv, struct vcpu_exit *e)
{
	struct vcpu *v = (struct vcpu *)hv;
	const struct step *s;

	(void)ctx;
	if (script.pos >= script.count) {
		/* Out of script: end the VM so the run always terminates. */
		script.overruns++;
		hv->regs.x[0] = HV_CALL_EXIT;
		hv->regs.x[1] = 99;
		*e = (struct vcpu_exit)HVC;
		return;
	}
	s = &script.steps[script.pos];
	script.who[script.pos] = 10 * v->vm->id + v->id;
	script.x0[script.pos] = hv->regs.x[0];
	script.pc[script.pos] = hv->regs.pc;
	script.pos++;
	if (s->hook != NULL)
		s->hook(v);
	for (unsigned i = 0; i < 4; i++) {
		if (s->set & (1u << i))
			hv->regs.x[i] = s->x[i];
	}
	*e = s->exit;
}

static void load_script(const struct step *steps, unsigned count)
{
	struct hal_sim_engine eng = {.run = engine_run};

	assert_true(count <= MAX_STEP);
	memset(&script, 0, sizeof(script));
	script.steps = steps;
	script.count = count;
	hal_sim_set_engine(&eng);
}

#define LOAD(steps) load_script((steps), sizeof(steps) / sizeof((steps)[0]))

static struct hv_config cfg;

/* Two VMs, the second's RAM after the first's (its own kernel module in
 * the arena's first 2 MiB); only the first counts until vm_count says. */
static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ + TEST_RAM_SIZE);
	memset(&cfg, 0, sizeof(cfg));
	test_vm_config(&cfg.vms[1], "other", 1);
	cfg.vms[1].ram_pa = pa_init(TEST_RAM_PA + TEST_RAM_SIZE);
	cfg.vms[1].kernel.pa = pa_init(TEST_KERNEL_PA + 0x1000);
	test_vm_config(&cfg.vms[0], "demo", 1);
	memcpy(hal_pa_to_ptr(cfg.vms[1].kernel.pa, TEST_KERNEL_SIZE),
	       hal_pa_to_ptr(cfg.vms[0].kernel.pa, TEST_KERNEL_SIZE),
	       TEST_KERNEL_SIZE);
	cfg.vm_count = 1;
	return 0;
}

#define BANNER                                                                 \
	"hv: hypervisor on hvsim: 1 CPU(s), 44-bit PA, 40-bit IPA (stage 2 "   \
	"from level 0), GICv3 with 4 list registers\n"
#define DEMO_UP                                                                \
	"hv: vm 'demo' (/chosen/demo): RAM at pa 0x48200000\n"                 \
	"hv: demo: 1 vCPU(s), 4 MiB RAM at ipa 0x40000000, entry 0x40080000\n" \
	"hv: input goes to demo\n"

static void test_main_runs_a_guest_to_system_off(void **st)
{
	static const struct step steps[] = {
	    CALL(PSCI_0_2_VERSION), PUTC('h'), PUTC('i'), PUTC('\n'),
	    CALL(PSCI_SYSTEM_OFF),
	};

	(void)st;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_string_equal(console(), DEMO_UP
			    "demo| hi\n"
			    "hv: demo: powered off by PSCI SYSTEM_OFF, status "
			    "0\n"
			    "hv: all VMs stopped, status 0\n");
	assert_int_equal(script.pos, 5);
	assert_int_equal(script.overruns, 0);
	/* vCPU 0 started at the entry with x0 = its device tree's IPA. */
	assert_int_equal(script.pc[0], ENTRY);
	assert_int_equal(script.x0[0], DTB_IPA);
	/* The HVC left the PC alone and returned PSCI 1.1. */
	assert_int_equal(script.x0[1], 0x10001);
	assert_int_equal(script.pc[1], ENTRY);
	/* Each emulated store moved the PC by one instruction. */
	assert_int_equal(script.pc[2], ENTRY + 4);
	assert_int_equal(script.pc[4], ENTRY + 12);
}

static void test_main_exit_hypercall_status_is_the_result(void **st)
{
	static const struct step steps[] = {
	    PUTC('!'),
	    CALL1(HV_CALL_EXIT, 3),
	};

	(void)st;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 3);
	assert_string_equal(console(), DEMO_UP
			    "demo| !\n"
			    "hv: demo: powered off by exit hypercall, status "
			    "3\n"
			    "hv: all VMs stopped, status 3\n");
}

static void test_main_rejects_invalid_configuration(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	cfg.vms[0].vcpu_count = 0;
	assert_int_equal(hv_main(&cfg), 1);
	assert_string_equal(console(),
			    "hv: manifest: /chosen/demo: vcpus: 0 is not 1 to "
			    "4\n"
			    "hv: stopping: no guest was started\n"
			    "hv: stopped, status 1\n");
	assert_int_equal(script.pos, 0);
}

static void test_main_rejects_a_kernel_that_does_not_fit(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	/* The second VM is valid; the first's raw kernel overlaps its tree. */
	cfg.vm_count = 2;
	cfg.vms[0].load = ipa_init(TEST_DTB_IPA - 0x20);
	assert_int_equal(hv_main(&cfg), 1);
	assert_string_equal(console(),
			    "hv: manifest: /chosen/demo/kernel: 64 bytes at "
			    "0x401fffe0 do not fit in RAM [0x40000000, "
			    "0x40200000) below the ramdisk and device tree\n"
			    "hv: stopping: no guest was started\n"
			    "hv: stopped, status 1\n");
	assert_int_equal(script.pos, 0);
}

static void test_main_reports_a_vm_it_cannot_create(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	/* Valid for the platform, but no host memory backs it. */
	cfg.vms[0].ram_pa = pa_init(0x60000000);
	assert_int_equal(hv_main(&cfg), 1);
	assert_string_equal(console(), "hv: demo: out of range\n"
				       "hv: stopping: no guest was started\n"
				       "hv: stopped, status 1\n");
	assert_int_equal(script.pos, 0);
}

static void test_main_places_ram_in_the_lowest_free_host_memory(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	/* Host RAM from 0x40000000, the hypervisor in its first 32 MiB, the
	 * kernel module at 0x42000000: the VM goes 2 MiB above it. */
	hal_sim_mem_init(0x42000000, 0x800000);
	cfg.vms[0].kernel.pa = pa_init(0x42000000);
	memcpy(hal_pa_to_ptr(cfg.vms[0].kernel.pa, 1), "\x01", 1);
	cfg.vms[0].ram_pa = pa_init(0);
	cfg.vms[0].ram_pa_fixed = false;
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(pa_addr(cfg.vms[0].ram_pa), 0x42200000);
	assert_console_has("hv: vm 'demo' (/chosen/demo): RAM at pa "
			   "0x42200000\n");
	assert_int_equal(
	    *(uint8_t *)hal_pa_to_ptr(pa_init(0x42200000 + 0x80000), 1), 1);
}

static void test_main_announces_the_console_focus(void **st)
{
	static const struct step steps[] = {
	    CALL1(HV_CALL_EXIT, 0), /* demo */
	    CALL1(HV_CALL_EXIT, 0), /* other */
	};

	(void)st;
	LOAD(steps);
	cfg.vm_count = 2;
	cfg.vms[1].console = true;
	assert_int_equal(hv_main(&cfg), 0);
	assert_console_has("hv: other: 1 vCPU(s), 4 MiB RAM at ipa "
			   "0x40000000, entry 0x40080000\n"
			   "hv: input goes to other (VM 2 of 2): Ctrl-A then "
			   "a VM's number switches, Ctrl-A x powers off\n");
}

/* A boot tree with one VM "demo" (its raw kernel the module at
 * TEST_KERNEL_PA), written into buf; its size. */
static size_t boot_tree(uint8_t *buf, size_t cap, unsigned vcpus)
{
	static const char *const compat[] = {"multiboot,kernel",
					     "multiboot,module"};
	const uint32_t reg[2] = {(uint32_t)TEST_KERNEL_PA, TEST_KERNEL_SIZE};
	struct fdtw w;
	int size;

	fdtw_init(&w, buf, cap);
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "chosen");
	fdtw_begin_node(&w, "demo");
	fdtw_prop_string(&w, "compatible", "hv,vm");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 1);
	fdtw_prop_u32(&w, "vcpus", vcpus);
	fdtw_prop_u32(&w, "memory", TEST_RAM_SIZE);
	fdtw_prop_u32(&w, "host-address", (uint32_t)TEST_RAM_PA);
	fdtw_begin_node(&w, "kernel");
	fdtw_prop_strings(&w, "compatible", compat, 2);
	fdtw_prop_cells(&w, "reg", reg, 2);
	fdtw_prop_string(&w, "kind", "raw");
	fdtw_prop_u32(&w, "load", (uint32_t)TEST_ENTRY);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	size = fdtw_finish(&w);
	assert_true(size > 0);
	return (size_t)size;
}

static void test_boot_reads_the_manifest_and_runs_its_vms(void **st)
{
	static uint8_t tree[1024];
	size_t size;

	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	hal_sim_caps()->pa_bits = 40;
	hal_sim_caps()->ipa_bits = 39;
	hal_sim_caps()->s2_start_level = 1;
	hal_sim_platform()->name = "board";
	hal_sim_set_cpus(2);
	size = boot_tree(tree, sizeof(tree), 1);
	hal_sim_set_boot_dtb(tree, size);
	assert_int_equal(hv_boot(), 0);
	assert_string_equal(console(),
			    "hv: hypervisor on board: 2 CPU(s), 40-bit PA, "
			    "39-bit IPA (stage 2 from level 1), GICv3 with 4 "
			    "list registers\n" DEMO_UP
			    "hv: demo: powered off by PSCI SYSTEM_OFF, status "
			    "0\n"
			    "hv: all VMs stopped, status 0\n");
}

static void test_boot_without_a_device_tree_stops(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	assert_int_equal(hv_boot(), 1);
	assert_string_equal(console(),
			    BANNER "hv: manifest: no device tree from the boot "
				   "loader, so no VM is described "
				   "(docs/manifest.md)\n"
				   "hv: stopping: no guest was started\n"
				   "hv: stopped, status 1\n");
	assert_int_equal(script.pos, 0);
}

static void test_boot_with_a_bad_manifest_stops(void **st)
{
	static uint8_t tree[1024];

	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	hal_sim_set_boot_dtb(tree, boot_tree(tree, sizeof(tree), 5));
	assert_int_equal(hv_boot(), 1);
	assert_string_equal(console(),
			    BANNER "hv: manifest: /chosen/demo: vcpus: 5 is "
				   "not 1 to 4\n"
				   "hv: stopping: no guest was started\n"
				   "hv: stopped, status 1\n");
	assert_int_equal(script.pos, 0);
}

static void test_sched_vm_whose_last_vcpu_turns_off_stops(void **st)
{
	static const struct step steps[] = {
	    CALL(PSCI_CPU_OFF),
	};

	(void)st;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_string_equal(console(), DEMO_UP
			    "hv: demo: powered off by CPU_OFF of its last "
			    "vCPU, status 0\n"
			    "hv: all VMs stopped, status 0\n");
	assert_int_equal(script.overruns, 0);
}

static void test_sched_runs_a_secondary_vcpu_after_cpu_on(void **st)
{
	static const struct step steps[] = {
	    CALL3(PSCI_CPU_ON_64, 1, ENTRY2, 0xc0ffee),
	    STEP(WFE),
	    CALL(HV_CALL_VM_INFO),
	    CALL(PSCI_CPU_OFF),
	    CALL(PSCI_SYSTEM_OFF),
	};

	(void)st;
	cfg.vms[0].vcpu_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.overruns, 0);
	/* vCPU 0 keeps the CPU after CPU_ON, gives it up on WFE. */
	assert_int_equal(script.who[0], 0);
	assert_int_equal(script.who[1], 0);
	assert_int_equal(script.x0[1], 0);
	/* vCPU 1 starts at its entry with x0 = context. */
	assert_int_equal(script.who[2], 1);
	assert_int_equal(script.pc[2], ENTRY2);
	assert_int_equal(script.x0[2], 0xc0ffee);
	assert_int_equal(script.who[3], 1);
	assert_int_equal(script.x0[3], 0);
	/* Back on vCPU 0, past its WFE. */
	assert_int_equal(script.who[4], 0);
	assert_int_equal(script.pc[4], ENTRY + 4);
	assert_string_equal(console(),
			    "hv: vm 'demo' (/chosen/demo): RAM at pa "
			    "0x48200000\n"
			    "hv: demo: 2 vCPU(s), 4 MiB RAM at ipa "
			    "0x40000000, entry 0x40080000\n"
			    "hv: input goes to demo\n"
			    "hv: demo: powered off by PSCI SYSTEM_OFF, "
			    "status 0\n"
			    "hv: all VMs stopped, status 0\n");
}

/* Arms vCPU 0's virtual timer 1000 ticks ahead. */
static uint64_t timer_deadline;

static void arm_vtimer(struct vcpu *v)
{
	timer_deadline = hal_counter_read() + 1000;
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CVAL,
			   timer_deadline - v->arch.cntvoff);
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CTL, CNT_CTL_ENABLE);
}

/*
 * The machine sleeps until the loaded vCPU's virtual timer fires: the
 * hardware's timer, which raises PPI 27 at its deadline whether the vCPU
 * is in its guest or waits in place (sched_wait_here).
 */
static void idle_until_vtimer(void *ctx)
{
	(void)ctx;
	if (hal_counter_read() < timer_deadline)
		hal_sim_set_counter(timer_deadline);
	hal_sim_irq_raise(GIC_PPI_VTIMER);
}

static void test_sched_wfi_blocks_until_the_timer_deadline(void **st)
{
	static const struct step steps[] = {
	    {arm_vtimer, 0, {0}, WFI},
	    CALL(PSCI_SYSTEM_OFF),
	};
	const struct hal_sim_engine eng = {.run = engine_run,
					   .idle = idle_until_vtimer};
	uint64_t slept = sched_idle_ticks(0);

	(void)st;
	LOAD(steps);
	hal_sim_set_engine(&eng);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.overruns, 0);
	/* It ran again only once the machine had idled to the deadline. */
	assert_true(hal_counter_read() >= timer_deadline);
	assert_int_equal(script.pc[1], ENTRY + 4);
	/* The sleep is counted: at most the 1000 ticks to the deadline. */
	slept = sched_idle_ticks(0) - slept;
	assert_true(slept > 0 && slept <= 1000);
	assert_int_equal(sched_idle_ticks(HAL_MAX_CPUS), 0);
	/* Alone on its CPU, it waited in place (sched_wait_here): entered
	 * once, no second trip through the scheduler. */
	assert_int_equal(hal_sim_stats()->vcpu_runs, 1);
}

/* With another VM's vCPU on the same CPU, a WFI is the scheduler's: the
 * other VM runs while the first waits for its timer. */
static void test_sched_wfi_with_others_on_goes_through_the_scheduler(void **st)
{
	static const struct step steps[] = {
	    {arm_vtimer, 0, {0}, WFI},
	    CALL(PSCI_SYSTEM_OFF),
	    CALL(PSCI_SYSTEM_OFF),
	};

	(void)st;
	cfg.vm_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.overruns, 0);
	assert_int_equal(script.who[0], 0);
	assert_int_equal(script.who[1], 10);
	/* demo again, past its WFI, once its deadline had come. */
	assert_int_equal(script.who[2], 0);
	assert_int_equal(script.pc[2], ENTRY + 4);
	assert_true(hal_counter_read() >= timer_deadline);
	assert_int_equal(hal_sim_stats()->vcpu_runs, 3);
}

static void test_sched_interrupt_exits_do_not_end_the_slice(void **st)
{
	static const struct step steps[] = {
	    STEP(IRQ),
	    STEP(IRQ),
	    CALL(PSCI_SYSTEM_OFF),
	};

	(void)st;
	cfg.vms[0].vcpu_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.pos, 3);
	assert_int_equal(script.overruns, 0);
}

/* The guest overwrites its kernel, its device tree and some RAM. */
static void scribble(struct vcpu *v)
{
	uint8_t *ram = hal_pa_to_ptr(v->vm->cfg->ram_pa, TEST_RAM_SIZE);

	memset(ram + (ENTRY - TEST_RAM_IPA), 0, TEST_KERNEL_SIZE);
	memset(ram + (DTB_IPA - TEST_RAM_IPA), 0, 64);
	/* Its first touch of that page (hv/vm_ram.h), then the store. */
	assert_true(vm_ram_fault(v, TEST_RAM_IPA + 0x100));
	ram[0x100] = 0x55;
	v->vm->uart.ibrd = 42;
}

static bool image_reloaded;

static void check_reloaded(struct vcpu *v)
{
	uint8_t *ram = hal_pa_to_ptr(v->vm->cfg->ram_pa, TEST_RAM_SIZE);
	const uint8_t *kernel =
	    hal_pa_to_ptr(v->vm->cfg->kernel.pa, TEST_KERNEL_SIZE);

	struct s2_walk w;

	/* The page it wrote is unmapped again: its first touch zeroes it. */
	if (stage2_translate(&v->vm->s2, ipa_init(TEST_RAM_IPA + 0x100), &w) !=
		HV_ERR_NOENT ||
	    !vm_ram_fault(v, TEST_RAM_IPA + 0x100))
		return;
	image_reloaded =
	    memcmp(ram + (ENTRY - TEST_RAM_IPA), kernel, TEST_KERNEL_SIZE) ==
		0 &&
	    fdt_check(ram + (DTB_IPA - TEST_RAM_IPA), VM_DTB_MAX) == 0 &&
	    ram[0x100] == 0 && v->vm->uart.ibrd == 0;
}

static void test_sched_system_reset_reloads_and_restarts(void **st)
{
	static const struct step steps[] = {
	    PUTC('a'),
	    {scribble, 1, {PSCI_SYSTEM_RESET}, HVC},
	    {check_reloaded, 3, {HV_CALL_EXIT, 0}, HVC},
	};

	(void)st;
	image_reloaded = false;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_true(image_reloaded);
	assert_int_equal(script.pc[2], ENTRY);
	assert_int_equal(script.x0[2], DTB_IPA);
	assert_string_equal(console(), DEMO_UP "demo| a\n"
					       "hv: demo: system reset\n"
					       "hv: demo: powered off by exit "
					       "hypercall, status 0\n"
					       "hv: all VMs stopped, status "
					       "0\n");
}

static void test_sched_reset_linux_vm_boots_again(void **st)
{
	static const struct step steps[] = {
	    CALL(PSCI_SYSTEM_RESET),
	    CALL(PSCI_SYSTEM_OFF),
	};
	uint8_t *k = hal_pa_to_ptr(cfg.vms[0].kernel.pa, TEST_KERNEL_SIZE);

	(void)st;
	/* An arm64 Image: text_offset 0x80000 from a 2 MiB base, 64 KiB,
	 * any base; the kind found from its bytes. */
	memset(k, 0, TEST_KERNEL_SIZE);
	k[8 + 2] = 0x08;
	k[16 + 2] = 0x01;
	k[24] = 0x0a;
	memcpy(k + 56, "ARM\x64", 4);
	cfg.vms[0].kind = VM_KERNEL_AUTO;
	cfg.vms[0].load_set = false;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.overruns, 0);
	assert_int_equal(script.pc[0], ENTRY);
	assert_int_equal(script.x0[0], DTB_IPA);
	/* Started again where it first ran, as the firmware would. */
	assert_int_equal(script.pc[1], ENTRY);
	assert_int_equal(script.x0[1], DTB_IPA);
	assert_string_equal(console(), DEMO_UP "hv: demo: system reset\n"
					       "hv: demo: powered off by PSCI "
					       "SYSTEM_OFF, status 0\n"
					       "hv: all VMs stopped, status "
					       "0\n");
}

static void lose_ram(struct vcpu *v)
{
	(void)v;
	hal_sim_mem_init(0x10000000, 0x1000);
}

static void test_sched_failed_reset_powers_the_vm_off(void **st)
{
	static const struct step steps[] = {
	    {lose_ram, 1, {PSCI_SYSTEM_RESET}, HVC},
	};

	(void)st;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 1);
	assert_string_equal(console(),
			    DEMO_UP "hv: demo: system reset\n"
				    "hv: demo: powered off by out of range, "
				    "status 1\n"
				    "hv: all VMs stopped, status 1\n");
	assert_int_equal(script.overruns, 0);
}

static void test_sched_round_robin_between_vms(void **st)
{
	static const struct step steps[] = {
	    STEP(WFE),		    /* demo */
	    STEP(WFE),		    /* other */
	    CALL(PSCI_SYSTEM_OFF),  /* demo */
	    CALL1(HV_CALL_EXIT, 5), /* other */
	};

	(void)st;
	cfg.vm_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 5);
	assert_int_equal(script.who[0], 0);
	assert_int_equal(script.who[1], 10);
	assert_int_equal(script.who[2], 0);
	assert_int_equal(script.who[3], 10);
	assert_int_equal(script.overruns, 0);
	assert_console_has("hv: vm 'other' (/chosen/other): RAM at pa "
			   "0x48600000\n"
			   "hv: other: 1 vCPU(s), 4 MiB RAM at ipa "
			   "0x40000000, entry 0x40080000\n"
			   "hv: input goes to demo (VM 1 of 2): Ctrl-A then "
			   "a VM's number switches, Ctrl-A x powers off\n");
	assert_console_has("hv: all VMs stopped, status 5\n");
}

static void test_sched_status_is_the_highest_of_the_vms(void **st)
{
	static const struct step steps[] = {
	    STEP(WFE),		    /* demo */
	    CALL1(HV_CALL_EXIT, 6), /* other: stops first */
	    CALL1(HV_CALL_EXIT, 4), /* demo */
	};

	(void)st;
	cfg.vm_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 6);
	assert_int_equal(script.who[2], 0);
	assert_string_equal(console() + strlen(console()) -
				strlen("hv: all VMs stopped, status 6\n"),
			    "hv: all VMs stopped, status 6\n");
}

static void test_sched_negative_status_is_not_lost(void **st)
{
	static const struct step steps[] = {
	    STEP(WFE),			     /* demo */
	    CALL1(HV_CALL_EXIT, 0),	     /* other */
	    CALL1(HV_CALL_EXIT, 0xffffffff), /* demo: exit(-1) */
	};

	(void)st;
	cfg.vm_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), -1);
	assert_console_has("hv: demo: powered off by exit hypercall, status "
			   "-1\n");
	assert_console_has("hv: all VMs stopped, status -1\n");
}

static void test_sched_run_without_running_vms_returns_at_once(void **st)
{
	static struct vm idle[2];

	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	memset(idle, 0, sizeof(idle));
	idle[0].state = VM_OFF;
	idle[1].state = VM_OFF;
	idle[1].exit_status = 7;
	sched_init(idle, 2);
	assert_int_equal(sched_run(), 7);
	/* A running VM without powered-on vCPUs has nothing to run either. */
	idle[0].state = VM_RUNNING;
	idle[0].vcpu_count = 1;
	idle[1].exit_status = 0;
	assert_int_equal(sched_run(), 0);
	/* What another physical CPU runs: the same loop. */
	hv_secondary_main();
	assert_int_equal(script.pos, 0);
}

static void test_sched_script_overrun_is_caught(void **st)
{
	static const struct step steps[] = {
	    PUTC('x'),
	};

	(void)st;
	LOAD(steps);
	/* The helper engine ends a run that outlives its script. */
	assert_int_equal(hv_main(&cfg), 99);
	assert_int_equal(script.overruns, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_main_runs_a_guest_to_system_off),
	    T(test_main_exit_hypercall_status_is_the_result),
	    T(test_main_rejects_invalid_configuration),
	    T(test_main_rejects_a_kernel_that_does_not_fit),
	    T(test_main_reports_a_vm_it_cannot_create),
	    T(test_main_places_ram_in_the_lowest_free_host_memory),
	    T(test_main_announces_the_console_focus),
	    T(test_boot_reads_the_manifest_and_runs_its_vms),
	    T(test_boot_without_a_device_tree_stops),
	    T(test_boot_with_a_bad_manifest_stops),
	    T(test_sched_vm_whose_last_vcpu_turns_off_stops),
	    T(test_sched_runs_a_secondary_vcpu_after_cpu_on),
	    T(test_sched_wfi_blocks_until_the_timer_deadline),
	    T(test_sched_wfi_with_others_on_goes_through_the_scheduler),
	    T(test_sched_interrupt_exits_do_not_end_the_slice),
	    T(test_sched_system_reset_reloads_and_restarts),
	    T(test_sched_reset_linux_vm_boots_again),
	    T(test_sched_failed_reset_powers_the_vm_off),
	    T(test_sched_round_robin_between_vms),
	    T(test_sched_status_is_the_highest_of_the_vms),
	    T(test_sched_negative_status_is_not_lost),
	    T(test_sched_run_without_running_vms_returns_at_once),
	    T(test_sched_script_overrun_is_caught),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
