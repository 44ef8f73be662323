/*
 * fuzz_manifest: libFuzzer target for the manifest of VMs (hv/manifest.c)
 * and the checks and placement that follow it (hv/config.c,
 * hv/vm_image.c), over hal_sim's machine: 1 GiB of host RAM at 0x4000_0000
 * with the hypervisor in its first 32 MiB, as hvsim has it.
 *
 * The input is a boot device tree. Whatever it holds, parsing must answer
 * HV_OK or an error with a one-line message, never read outside the input
 * (ASan), and a configuration it accepts must pass or fail config_validate
 * and vm_image_plan the same way: a placed VM's RAM inside host RAM, clear
 * of the hypervisor and of every other VM's. Modules are read from the
 * arena, which holds zeros (raw images, then), so the plan runs too.
 */
#include "hal_sim.h"
#include "hv/config.h"
#include "hv/manifest.h"
#include "hv/vm_image.h"
#include "lib/fdt.h"

#include <hal/cpu.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x40000000ull
#define HV_SIZE	 0x02000000ull

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_manifest: " __VA_ARGS__);        \
			fprintf(stderr, "\n");                                 \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hv_config cfg, cfg2;
	static bool ready;
	struct config_error err, err2;
	int children[128];
	unsigned count;
	enum hv_err e;
	struct config_limits lim;
	uint8_t *copy;

	if (!ready) {
		hal_sim_reset();
		hal_sim_platform()->ram_base = pa_init(RAM_BASE);
		hal_sim_platform()->ram_size = RAM_SIZE;
		hal_sim_platform()->hv_base = pa_init(RAM_BASE);
		hal_sim_platform()->hv_size = HV_SIZE;
		/* Zero pages cost nothing until touched. */
		hal_sim_mem_init(RAM_BASE, RAM_SIZE);
		ready = true;
	}
	/* Exactly size bytes, so ASan sees any read past the input. */
	copy = malloc(size != 0 ? size : 1);
	memcpy(copy, data, size);
	memset(&err, 0xa5, sizeof(err));
	e = manifest_parse(copy, size, &cfg, &err);
	/* The boot path's parse with the root's children the HAL's check
	 * found: the same answer and message. */
	if (fdt_check_children(copy, size, children, 128, &count) == 0 &&
	    count <= 128) {
		CHECK(manifest_parse_checked(copy, children, count, &cfg2,
					     &err2) == e &&
			  strcmp(err2.msg, err.msg) == 0 &&
			  cfg2.vm_count == cfg.vm_count,
		      "manifest_parse_checked differs");
	}
	if (e != HV_OK) {
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL &&
			  err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL,
		      "a refusal without a one-line message");
		free(copy);
		return 0;
	}
	CHECK(cfg.vm_count >= 1 && cfg.vm_count <= HV_MAX_VMS, "vm_count %u",
	      cfg.vm_count);
	lim = (struct config_limits){
	    .platform = hal_platform(),
	    .ipa_bits = 40,
	    .s2_start_level = 0,
	    .cpu_count = 2,
	    .pool_pages = 256,
	};
	if (config_validate(&cfg, &lim, &err) == HV_OK) {
		for (unsigned i = 0; i < cfg.vm_count; i++) {
			const struct vm_config *c = &cfg.vms[i];
			struct vm_image_plan plan;
			uint64_t pa = pa_addr(c->ram_pa);

			CHECK(pa >= RAM_BASE + HV_SIZE &&
				  pa + c->ram_size <= RAM_BASE + RAM_SIZE,
			      "%s placed at 0x%llx", c->node,
			      (unsigned long long)pa);
			for (unsigned j = 0; j < i; j++)
				CHECK(!overlaps(pa, c->ram_size,
						pa_addr(cfg.vms[j].ram_pa),
						cfg.vms[j].ram_size),
				      "%s and %s share RAM", c->node,
				      cfg.vms[j].node);
			(void)vm_image_plan(c, &plan, &err);
		}
	}
	free(copy);
	return 0;
}
