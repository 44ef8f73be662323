/*
 * fuzz_guest: libFuzzer target for the hypervisor core, through hvsim.
 *
 * The input is a guest: up to 4 KiB of instruction words, run at EL1 after
 * a fixed prologue (a stack, and a vector table whose every entry skips the
 * instruction that trapped, or after an instruction abort or an UNDEF
 * outside the image returns to the epilogue), in a VM with two vCPUs and 4 MiB
 * of RAM (the least a VM has: its device tree goes 2 MiB below the top), booted
 * as the hypervisor boots any VM: a raw kernel module in host memory, copied to
 * the RAM's base. Whatever the guest does - hypercalls with random arguments,
 * PSCI, MMIO anywhere, system registers, WFI, wild branches - the core must not
 * crash, hit its own HV_CHECK, leak or trip ASan/UBSan.
 *
 * Every word of the image that is not the prologue, the vectors, the
 * epilogue or the input, up to FILL_END, branches to an epilogue that
 * powers the VM off: a guest that runs off its end (or branches near it)
 * stops there instead of spending its budget on UNDEFs of zeros, which
 * cost a translation each and found nothing. For the same reason an
 * UNDEF outside the image (a wild branch into RAM, whose zeros are all
 * UDF #0) returns to the epilogue rather than skipping to the next zero:
 * before, one input in seven of a run from the seeds spent its whole
 * budget there, ~450 exceptions and translations each, 70% of all the
 * translating the fuzzer did. The budget, 4,096 instructions and exits
 * (four times the longest input) with at most 256 exits, ends loops: a
 * guest that faults or resets forever repeats itself.
 *
 * One Unicorn engine per vCPU serves every input (sim_engine_fini keeps
 * it, reset): the fuzzer measures guests, not engine start-up.
 */
#include "engine.h"
#include "hal_sim.h"

#include "hv/console.h"
#include "hv/main.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hypervisor's region is only checked for overlaps in hvsim: the
 * smallest one, below the guest's RAM (2 MiB aligned, one block); the
 * kernel module above it. */
#define HV_SIZE	    0x00010000ull
#define MACHINE_RAM (0x40000000ull - HV_SIZE)
#define GUEST_PA    0x40000000ull
#define GUEST_IPA   0x40000000ull
#define GUEST_SIZE  0x00400000ull
#define KERNEL_PA   (GUEST_PA + GUEST_SIZE)
#define VECTORS_OFF 0x800u
#define BODY_OFF    0x1000u
#define BODY_MAX    4096u
#define FILL_END    0x10000u
#define EPILOGUE    0x20u
#define MAX_INSNS   4096u
#define MAX_EXITS   256u

/* adr x0, vectors; msr vbar_el1, x0; mov x1, #0x40100000; mov sp, x1;
 * b body */
static const uint32_t prologue[] = {0x10004000, 0xd518c000, 0xd2a80201,
				    0x9100003f, 0x140003fc};
/* At EPILOGUE: movz w0, #0x8400, lsl #16; movk w0, #8 (PSCI SYSTEM_OFF);
 * hvc #0; b . */
static const uint32_t epilogue[] = {0x52b08000, 0x72800100, 0xd4000002,
				    0x14000000};
/* mrs x30, elr_el1; add x30, x30, #4; msr elr_el1, x30; eret */
static const uint32_t vector[] = {0xd538403e, 0x910013de, 0xd518403e,
				  0xd69f03e0};
/*
 * The synchronous entries: the same, except after an instruction abort
 * (EC 0x20/0x21), whose next word cannot be fetched either, and after an
 * UNDEF (EC 0x00) outside the image: there they return to the epilogue.
 *	mrs x30, esr_el1; lsr x30, x30, #26; cbz x30, 2f
 *	lsr x30, x30, #1; cmp x30, #0x10; b.eq 3f
 * 1:	<vector>
 * 2:	mrs x30, elr_el1; lsr x30, x30, #16; cmp x30, #0x4000 (the image's
 *	64 KiB at 0x40000000); b.eq 1b
 * 3:	mov x30, #0x40000000; movk x30, #EPILOGUE; msr elr_el1, x30; eret
 */
static const uint32_t vector_sync[] = {
    0xd538521e, 0xd35affde, 0xb400011e, 0xd341ffde, 0xf10043df, 0x54000120,
    0xd538403e, 0x910013de, 0xd518403e, 0xd69f03e0, 0xd538403e, 0xd350ffde,
    0xf14013df, 0x54ffff20, 0xd2a8001e, 0xf280041e, 0xd518403e, 0xd69f03e0};

/* The image without an input: built once (build_image). */
static uint8_t image[FILL_END];
static jmp_buf stopped;
static int stop_status;

/* What a run did, for FUZZ_GUEST_TWICE. */
struct outcome {
	int status; /* hal_system_off's, -1: hv_main returned */
	struct sim_stats stats;
	char *console; /* malloc'd */
	size_t console_len;
};

static void on_stop(int status, int halted)
{
	if (halted)
		abort(); /* the core panicked: that is a finding */
	stop_status = status;
	longjmp(stopped, 1);
}

static void build_image(void)
{
	for (uint32_t off = 0; off < FILL_END; off += 4) {
		/* B EPILOGUE: imm26, the offset in words. */
		int64_t words = ((int64_t)EPILOGUE - (int64_t)off) / 4;
		uint32_t b = 0x14000000u | ((uint32_t)words & 0x03ffffffu);

		memcpy(image + off, &b, sizeof(b));
	}
	memcpy(image, prologue, sizeof(prologue));
	memcpy(image + EPILOGUE, epilogue, sizeof(epilogue));
	for (unsigned i = 0; i < 16; i++) {
		if (i % 4 == 0)
			memcpy(image + VECTORS_OFF + i * 0x80, vector_sync,
			       sizeof(vector_sync));
		else
			memcpy(image + VECTORS_OFF + i * 0x80, vector,
			       sizeof(vector));
	}
}

/* One input in a new VM; what it did into *out if not NULL. */
static void run(const uint8_t *data, size_t size, struct outcome *out)
{
	static struct hv_config hc;
	struct sim_options opt = {.max_insns = MAX_INSNS,
				  .max_exits = MAX_EXITS,
				  .insns_per_tick = 16};
	struct hal_platform *plat;
	size_t body = size < BODY_MAX ? size : BODY_MAX;
	char err[128];
	static bool image_built;
	uint8_t *kernel;

	if (!image_built) {
		build_image();
		image_built = true;
	}
	hal_sim_reset();
	plat = hal_sim_platform();
	plat->ram_base = pa_init(MACHINE_RAM);
	plat->ram_size = KERNEL_PA + FILL_END - MACHINE_RAM;
	plat->hv_base = pa_init(MACHINE_RAM);
	plat->hv_size = HV_SIZE;
	kernel = (uint8_t *)hal_sim_mem_init(MACHINE_RAM, plat->ram_size) +
		 (KERNEL_PA - MACHINE_RAM);
	memcpy(kernel, image, FILL_END);
	/* The input, and zeros in the rest of its last word. */
	memcpy(kernel + BODY_OFF, data, body);
	memset(kernel + BODY_OFF + body, 0, (4 - body % 4) % 4);
	hc = (struct hv_config){
	    .vms = {{
		.name = "fuzz",
		.node = "/chosen/fuzz",
		.ram_ipa = ipa_init(GUEST_IPA),
		.ram_size = GUEST_SIZE,
		.ram_pa = pa_init(GUEST_PA),
		.ram_pa_fixed = true,
		.kernel = {pa_init(KERNEL_PA), FILL_END},
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
	stop_status = -1;
	/*
	 * What a machine's power-on gives the core and hv_main does not set
	 * before its first line: the console's unfinished line (the last
	 * input may have stopped in the middle of one, and the next run's
	 * first line would end it: "fuzz|+ ", found by FUZZ_GUEST_TWICE).
	 */
	console_init(NULL, 0, 0);
	if (setjmp(stopped) == 0)
		(void)hv_main(&hc);
	if (out != NULL) {
		const char *text = hal_sim_console_output(&out->console_len);

		out->status = stop_status;
		out->stats = *sim_engine_stats();
		out->stats.run_seconds = 0; /* wall time differs */
		out->console = malloc(out->console_len + 1);
		if (out->console == NULL)
			abort();
		memcpy(out->console, text, out->console_len);
	}
	sim_engine_fini();
	hal_sim_reset();
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->status == b->status &&
	       memcmp(&a->stats, &b->stats, sizeof(a->stats)) == 0 &&
	       a->console_len == b->console_len &&
	       memcmp(a->console, b->console, a->console_len) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * With FUZZ_GUEST_TWICE in the environment each input runs twice, and
 * the two runs must agree (how the VM stopped, instructions, exits by
 * class, the console's transcript with the core's log lines): every input
 * starts from the same state whatever ran before it (the kept engines,
 * their translations, the recycled memory).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int twice = -1;
	struct outcome a, b;

	if (twice < 0)
		twice = getenv("FUZZ_GUEST_TWICE") != NULL;
	if (!twice) {
		run(data, size, NULL);
		return 0;
	}
	run(data, size, &a);
	run(data, size, &b);
	if (!same_outcome(&a, &b)) {
		fprintf(stderr,
			"fuzz_guest: the same input ran differently: status "
			"%d/%d, %llu/%llu instructions, %llu/%llu exits\n"
			"first transcript:\n%.*s\nsecond transcript:\n%.*s\n",
			a.status, b.status, (unsigned long long)a.stats.insns,
			(unsigned long long)b.stats.insns,
			(unsigned long long)a.stats.exits,
			(unsigned long long)b.stats.exits, (int)a.console_len,
			a.console, (int)b.console_len, b.console);
		abort();
	}
	free(a.console);
	free(b.console);
	return 0;
}
