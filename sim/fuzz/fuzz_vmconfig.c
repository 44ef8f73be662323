/* fuzz_vmconfig: libFuzzer target for hvsim's VM configuration parser
 * (sim/vmconfig.c). Anything it accepts is within the hypervisor's limits. */
#include "vmconfig.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config cfg;
	char *text = malloc(size + 1);
	char err[256];
	unsigned consoles = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (sim_config_parse(text, "fuzz.cfg", "/base", &cfg, err,
			     sizeof(err))) {
		if (cfg.vm_count == 0 || cfg.vm_count > HV_MAX_VMS)
			abort();
		for (unsigned i = 0; i < cfg.vm_count; i++) {
			const struct sim_vm_spec *s = &cfg.vms[i];

			if (s->vcpus == 0 || s->vcpus > HV_MAX_VCPUS ||
			    s->image[0] == '\0' || s->name[0] == '\0' ||
			    s->ram_size == 0)
				abort();
			consoles += s->console;
		}
		if (consoles > 1)
			abort();
	} else if (strlen(err) == 0) {
		abort();
	}
	free(text);
	return 0;
}
