/*
 * fuzz_guest: libFuzzer target for the hypervisor core, through hvsim.
 *
 * The input is a guest: up to 4 KiB of instruction words, run at EL1 after
 * a fixed prologue (a stack, and a vector table whose every entry skips the
 * instruction that trapped), in a VM with two vCPUs and 4 MiB of RAM, for at
 * most 20,000 guest instructions. Whatever the guest does - hypercalls with
 * random arguments, PSCI, MMIO anywhere, system registers, WFI, wild
 * branches - the core must not crash, hit its own HV_CHECK, leak or trip
 * ASan/UBSan.
 */
#include "engine.h"
#include "hal_sim.h"

#include "hv/main.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define MACHINE_RAM 0x40000000ull
#define HV_SIZE	    0x00200000ull
#define KERNEL_PA   (MACHINE_RAM + HV_SIZE) /* the module: 2 MiB */
#define GUEST_PA    (KERNEL_PA + 0x00200000ull)
#define GUEST_IPA   0x40000000ull
#define GUEST_SIZE  0x00400000ull
#define VECTORS_OFF 0x800u
#define BODY_OFF    0x1000u
#define BODY_MAX    4096u
#define MAX_INSNS   20000u

/* adr x0, vectors; msr vbar_el1, x0; mov x1, #0x40100000; mov sp, x1;
 * b body */
static const uint32_t prologue[] = {0x10004000, 0xd518c000, 0xd2a80201,
				    0x9100003f, 0x140003fc};
/* mrs x30, elr_el1; add x30, x30, #4; msr elr_el1, x30; eret */
static const uint32_t vector[] = {0xd538403e, 0x910013de, 0xd518403e,
				  0xd69f03e0};

static uint8_t image[BODY_OFF + BODY_MAX];
static jmp_buf stopped;

static void on_stop(int status, int halted)
{
	(void)status;
	if (halted)
		abort(); /* the core panicked: that is a finding */
	longjmp(stopped, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hv_config hc;
	struct sim_options opt = {.max_insns = MAX_INSNS, .insns_per_tick = 16};
	struct hal_platform *plat;
	size_t body = size < BODY_MAX ? size : BODY_MAX;
	char err[128];

	memset(image, 0, sizeof(image));
	memcpy(image, prologue, sizeof(prologue));
	for (unsigned i = 0; i < 16; i++)
		memcpy(image + VECTORS_OFF + i * 0x80, vector, sizeof(vector));
	memcpy(image + BODY_OFF, data, body);

	hal_sim_reset();
	plat = hal_sim_platform();
	plat->ram_base = pa_init(MACHINE_RAM);
	plat->ram_size = GUEST_PA + GUEST_SIZE - MACHINE_RAM;
	plat->hv_base = pa_init(MACHINE_RAM);
	plat->hv_size = HV_SIZE;
	memcpy((uint8_t *)hal_sim_mem_init(MACHINE_RAM, plat->ram_size) +
		   (KERNEL_PA - MACHINE_RAM),
	       image, BODY_OFF + body);
	hc = (struct hv_config){
	    .vms = {{
		.name = "fuzz",
		.node = "/chosen/fuzz",
		.ram_ipa = ipa_init(GUEST_IPA),
		.ram_size = GUEST_SIZE,
		.ram_pa = pa_init(GUEST_PA),
		.ram_pa_fixed = true,
		.kernel = {pa_init(KERNEL_PA), BODY_OFF + body},
		.kind = VM_KERNEL_RAW,
		.load = ipa_init(GUEST_IPA),
		.vcpu_count = 2,
		.console = true,
	    }},
	    .vm_count = 1,
	};
	if (!sim_engine_init(&opt, err, sizeof(err)))
		abort();
	hal_sim_set_stop_hook(on_stop);
	if (setjmp(stopped) == 0)
		(void)hv_main(&hc);
	sim_engine_fini();
	hal_sim_reset();
	return 0;
}
