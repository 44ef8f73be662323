/* fuzz_image: libFuzzer target for hvsim's ELF loader and device tree check
 * (sim/image.c): every input is tried as both. A malformed file gets an
 * error message, never a crash or an overread. Seeds: image_seeds. */
#include "image.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_image img;
	char err[256];

	if (sim_image_parse_elf(data, size, "fuzz.elf", 0x40000000ull,
				0x04000000ull, &img, err, sizeof(err))) {
		/* A loaded image lies inside guest RAM, entry included. */
		if (img.load < 0x40000000ull || img.size > 0x04000000ull ||
		    img.load - 0x40000000ull > 0x04000000ull - img.size ||
		    img.entry < img.load || img.entry - img.load >= img.size)
			abort();
		sim_image_free(&img);
	} else if (strlen(err) == 0) {
		abort(); /* every refusal says why */
	}
	err[0] = '\0';
	if (!sim_dtb_check(data, size, "fuzz.dtb", err, sizeof(err)) &&
	    strlen(err) == 0)
		abort();
	return 0;
}
