/* Unit tests of hv/sched.c and hv/main.c: whole runs of the hypervisor
 * against a scripted engine (a table of exits), checked by their console
 * transcript, their status and what each step saw. */
#include "helpers.h"

#include "hv/abi.h"
#include "hv/main.h"
#include "hv/sched.h"

#include <hal/counter.h>
#include <hal/mm.h>

#define ENTRY	 (TEST_RAM_IPA + 0x80000)
#define ENTRY2	 (TEST_RAM_IPA + 0x80100)
#define DTB_IPA	 TEST_RAM_IPA
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

static uint8_t image[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2,  3,  4,
			    5,	  6,	7,    8,    9, 10, 11, 12};
static uint8_t dtb[8] = {0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x38};
static struct vm_config vms[2];
static struct hv_config cfg;

static struct vm_config vm_cfg(const char *name, uint64_t ram_pa,
			       unsigned vcpus)
{
	return (struct vm_config){
	    .name = name,
	    .ram_ipa = ipa_init(TEST_RAM_IPA),
	    .ram_size = TEST_RAM_SIZE,
	    .ram_pa = pa_init(ram_pa),
	    .entry = ipa_init(ENTRY),
	    .image = {image, sizeof(image), ipa_init(ENTRY)},
	    .dtb = {dtb, sizeof(dtb), ipa_init(DTB_IPA)},
	    .vcpu_count = vcpus,
	    .console = false,
	};
}

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ);
	vms[0] = vm_cfg("demo", TEST_RAM_PA, 1);
	vms[1] = vm_cfg("other", TEST_RAM_PA + TEST_RAM_SIZE, 1);
	cfg = (struct hv_config){vms, 1};
	return 0;
}

#define BANNER                                                                 \
	"hv: hypervisor on hvsim: 1 CPU(s), 44-bit PA, 40-bit IPA (stage 2 "   \
	"from level 0), GICv3 with 4 list registers\n"
#define DEMO_UP                                                                \
	"hv: demo: 1 vCPU(s), 2 MiB RAM at ipa 0x40000000, entry 0x40080000\n"

static void test_main_runs_a_guest_to_system_off(void **st)
{
	static const struct step steps[] = {
	    CALL(PSCI_0_2_VERSION), PUTC('h'), PUTC('i'), PUTC('\n'),
	    CALL(PSCI_SYSTEM_OFF),
	};

	(void)st;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_string_equal(console(), BANNER DEMO_UP
			    "demo| hi\n"
			    "hv: demo: powered off by PSCI SYSTEM_OFF, status "
			    "0\n"
			    "hv: all VMs stopped, status 0\n");
	assert_int_equal(script.pos, 5);
	assert_int_equal(script.overruns, 0);
	/* vCPU 0 started at the entry with x0 = the dtb's IPA. */
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
	assert_string_equal(console(), BANNER DEMO_UP
			    "demo| !"
			    "hv: demo: powered off by exit hypercall, status "
			    "3\n"
			    "hv: all VMs stopped, status 3\n");
}

static void test_main_rejects_invalid_configuration(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	vms[0].vcpu_count = 0;
	assert_int_equal(hv_main(&cfg), 1);
	assert_string_equal(console(),
			    BANNER "hv: config error: vm 'demo': vcpu_count 0 "
				   "is not in 1..4\n"
				   "hv: stopping: no guest was started\n"
				   "hv: stopped, status 1\n");
	assert_int_equal(script.pos, 0);
}

static void test_main_reports_a_vm_it_cannot_create(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	/* Valid for the platform, but no host memory backs it. */
	vms[0].ram_pa = pa_init(0x60000000);
	assert_int_equal(hv_main(&cfg), 1);
	assert_string_equal(console(),
			    BANNER "hv: demo: cannot create: out of range\n"
				   "hv: stopping: no guest was started\n"
				   "hv: stopped, status 1\n");
	assert_int_equal(script.pos, 0);
}

static void test_main_banner_shows_the_platform(void **st)
{
	(void)st;
	LOAD((const struct step[]){CALL(PSCI_SYSTEM_OFF)});
	hal_sim_caps()->pa_bits = 40;
	hal_sim_caps()->ipa_bits = 39;
	hal_sim_caps()->s2_start_level = 1;
	hal_sim_platform()->name = "board";
	hal_sim_set_cpus(2);
	assert_int_equal(hv_main(&cfg), 0);
	assert_string_equal(console(),
			    "hv: hypervisor on board: 2 CPU(s), 40-bit PA, "
			    "39-bit IPA (stage 2 from level 1), GICv3 with 4 "
			    "list registers\n" DEMO_UP
			    "hv: demo: powered off by PSCI SYSTEM_OFF, status "
			    "0\n"
			    "hv: all VMs stopped, status 0\n");
}

static void test_sched_vm_whose_last_vcpu_turns_off_stops(void **st)
{
	static const struct step steps[] = {
	    CALL(PSCI_CPU_OFF),
	};

	(void)st;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_string_equal(console(), BANNER DEMO_UP
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
	vms[0].vcpu_count = 2;
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
			    BANNER "hv: demo: 2 vCPU(s), 2 MiB RAM at ipa "
				   "0x40000000, entry 0x40080000\n"
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

static void test_sched_wfi_blocks_until_the_timer_deadline(void **st)
{
	static const struct step steps[] = {
	    {arm_vtimer, 0, {0}, WFI},
	    CALL(PSCI_SYSTEM_OFF),
	};

	(void)st;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.overruns, 0);
	/* It ran again only once the machine had idled to the deadline. */
	assert_true(hal_counter_read() >= timer_deadline);
	assert_int_equal(script.pc[1], ENTRY + 4);
}

static void test_sched_interrupt_exits_do_not_end_the_slice(void **st)
{
	static const struct step steps[] = {
	    STEP(IRQ),
	    STEP(IRQ),
	    CALL(PSCI_SYSTEM_OFF),
	};

	(void)st;
	vms[0].vcpu_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.pos, 3);
	assert_int_equal(script.overruns, 0);
}

static void scribble_image(struct vcpu *v)
{
	uint8_t *ram = hal_pa_to_ptr(v->vm->cfg->ram_pa, TEST_RAM_SIZE);

	memset(ram + (ENTRY - TEST_RAM_IPA), 0, sizeof(image));
	memset(ram + (DTB_IPA - TEST_RAM_IPA), 0, sizeof(dtb));
	v->vm->uart.ibrd = 42;
}

static bool image_reloaded;

static void check_reloaded(struct vcpu *v)
{
	uint8_t *ram = hal_pa_to_ptr(v->vm->cfg->ram_pa, TEST_RAM_SIZE);

	image_reloaded =
	    memcmp(ram + (ENTRY - TEST_RAM_IPA), image, sizeof(image)) == 0 &&
	    memcmp(ram + (DTB_IPA - TEST_RAM_IPA), dtb, sizeof(dtb)) == 0 &&
	    v->vm->uart.ibrd == 0;
}

static void test_sched_system_reset_reloads_and_restarts(void **st)
{
	static const struct step steps[] = {
	    PUTC('a'),
	    {scribble_image, 1, {PSCI_SYSTEM_RESET}, HVC},
	    {check_reloaded, 3, {HV_CALL_EXIT, 0}, HVC},
	};

	(void)st;
	image_reloaded = false;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_true(image_reloaded);
	assert_int_equal(script.pc[2], ENTRY);
	assert_int_equal(script.x0[2], DTB_IPA);
	assert_string_equal(console(),
			    BANNER DEMO_UP "demo| a"
					   "hv: demo: system reset\n"
					   "hv: demo: powered off by exit "
					   "hypercall, status 0\n"
					   "hv: all VMs stopped, status 0\n");
}

static void test_sched_reset_of_a_preloaded_kernel_powers_off(void **st)
{
	static const struct step steps[] = {
	    CALL(PSCI_SYSTEM_RESET),
	};
	uint8_t *ram = hal_pa_to_ptr(pa_init(TEST_RAM_PA), TEST_RAM_SIZE);

	(void)st;
	/* An arm64 Image header the loader left at ENTRY: text_offset
	 * 0x80000 from the RAM base, 64 KiB, any 2 MiB base. */
	memset(ram + (ENTRY - TEST_RAM_IPA), 0, 64);
	ram[ENTRY - TEST_RAM_IPA + 8 + 2] = 0x08;  /* text_offset */
	ram[ENTRY - TEST_RAM_IPA + 16 + 2] = 0x01; /* image_size */
	ram[ENTRY - TEST_RAM_IPA + 24] = 0x0a;	   /* flags */
	memcpy(ram + (ENTRY - TEST_RAM_IPA) + 56, "ARM\x64", 4);
	vms[0].image.data = NULL;
	vms[0].dtb.data = NULL;
	vms[0].linux_image = true;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 0);
	assert_int_equal(script.pc[0], ENTRY);
	assert_int_equal(script.x0[0], DTB_IPA);
	assert_string_equal(
	    console(),
	    BANNER DEMO_UP "hv: demo: powered off by SYSTEM_RESET (its kernel, "
			   "placed by the machine's loader, cannot be "
			   "reloaded), status 0\n"
			   "hv: all VMs stopped, status 0\n");
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
	assert_string_equal(console(), BANNER DEMO_UP
			    "hv: demo: system reset\n"
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
	assert_console_has("hv: other: 1 vCPU(s), 2 MiB RAM at ipa "
			   "0x40000000, entry 0x40080000\n");
	assert_console_has("hv: all VMs stopped, status 5\n");
}

static void test_sched_status_is_the_first_nonzero_in_vm_order(void **st)
{
	static const struct step steps[] = {
	    STEP(WFE),		    /* demo */
	    CALL1(HV_CALL_EXIT, 6), /* other: stops first */
	    CALL1(HV_CALL_EXIT, 4), /* demo */
	};

	(void)st;
	cfg.vm_count = 2;
	LOAD(steps);
	assert_int_equal(hv_main(&cfg), 4);
	assert_int_equal(script.who[2], 0);
	assert_string_equal(console() + strlen(console()) -
				strlen("hv: all VMs stopped, status 4\n"),
			    "hv: all VMs stopped, status 4\n");
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
	    T(test_main_reports_a_vm_it_cannot_create),
	    T(test_main_banner_shows_the_platform),
	    T(test_sched_vm_whose_last_vcpu_turns_off_stops),
	    T(test_sched_runs_a_secondary_vcpu_after_cpu_on),
	    T(test_sched_wfi_blocks_until_the_timer_deadline),
	    T(test_sched_interrupt_exits_do_not_end_the_slice),
	    T(test_sched_system_reset_reloads_and_restarts),
	    T(test_sched_failed_reset_powers_the_vm_off),
	    T(test_sched_reset_of_a_preloaded_kernel_powers_off),
	    T(test_sched_round_robin_between_vms),
	    T(test_sched_status_is_the_first_nonzero_in_vm_order),
	    T(test_sched_run_without_running_vms_returns_at_once),
	    T(test_sched_script_overrun_is_caught),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
