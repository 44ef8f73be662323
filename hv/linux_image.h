/*
 * linux_image: the arm64 Linux kernel Image header and where the Image may
 * run in guest RAM (Documentation/arch/arm64/booting.rst, "Call the kernel
 * image"). The Image runs text_offset bytes above a 2 MiB aligned base, and
 * image_size bytes from its start must be free for the kernel. The header
 * comes from a file the user supplies: every field is checked, and a
 * failure returns an error with *why, a static string naming the problem.
 *
 * Accepted: little-endian kernels with a non-zero image_size (v3.17 and
 * later), text_offset a multiple of 4 KiB below 2 MiB (what the kernel's
 * own head.S required while text_offset existed; 0 since v5.10), and the
 * whole Image below 2^48 (flags bit 3: the 48-bit addressable region).
 */
#ifndef HV_LINUX_IMAGE_H
#define HV_LINUX_IMAGE_H

#include "hv/err.h"

#include <hal/types.h>

#define LINUX_IMAGE_HEADER_SIZE 64
#define LINUX_IMAGE_ANYWHERE	(1ull << 3) /* flags: any 2 MiB base */

struct linux_image {
	uint64_t text_offset;
	uint64_t image_size; /* bytes from the Image start, file and BSS */
	uint64_t flags;	     /* as in the header; bit 0 (big-endian) clear */
};

/* Guest RAM the kernel must not overlap: the device tree, the initrd. */
struct linux_range {
	ipaddr_t base;
	uint64_t size;
};

/* True when the file carries the arm64 Image magic ("ARM\x64" at 56). */
bool linux_image_is_image(const void *image, uint64_t len);

/*
 * Checks the header of the Image file at image, len bytes long (its first
 * 64 bytes suffice, but given the whole file it is also checked to fit in
 * image_size). HV_OK and *img, or HV_ERR_INVAL and *why.
 */
enum hv_err linux_image_parse(const void *image, uint64_t len,
			      struct linux_image *img, const char **why);

/*
 * The lowest load address for img in guest RAM [ram_base, ram_base +
 * ram_size): a 2 MiB aligned base plus text_offset, with [load, load +
 * image_size) inside RAM and clear of every reserved range. Lowest is also
 * what flags bit 3 clear asks for (booting.rst: memory below the base is
 * lost to the kernel's linear map). HV_OK and *load, or HV_ERR_RANGE and
 * *why.
 */
enum hv_err linux_image_place(const struct linux_image *img, ipaddr_t ram_base,
			      uint64_t ram_size,
			      const struct linux_range *reserved,
			      unsigned reserved_count, ipaddr_t *load,
			      const char **why);

#endif
