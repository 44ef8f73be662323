/*
 * linux_image: the header is read byte by byte, so neither the buffer's
 * alignment nor the host's endianness matters; every sum is checked
 * against its limit by subtraction, so no input can make it wrap.
 */
#include "hv/linux_image.h"

#define LINUX_IMAGE_MAGIC 0x644d5241ull /* "ARM\x64" */
#define LINUX_FLAG_BE	  0x1ull
#define LINUX_ALIGN	  0x200000ull
#define LINUX_PAGE	  0x1000ull
#define LINUX_PA_LIMIT	  (1ull << 48)

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static enum hv_err fail(const char **why, enum hv_err e, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return e;
}

bool linux_image_is_image(const void *image, uint64_t len)
{
	return len >= LINUX_IMAGE_HEADER_SIZE &&
	       le((const uint8_t *)image + 56, 4) == LINUX_IMAGE_MAGIC;
}

enum hv_err linux_image_parse(const void *image, uint64_t len,
			      struct linux_image *img, const char **why)
{
	const uint8_t *h = image;
	uint64_t text_offset, image_size, flags;

	if (h == NULL || len < LINUX_IMAGE_HEADER_SIZE)
		return fail(why, HV_ERR_INVAL,
			    "shorter than the 64-byte arm64 Image header");
	if (le(h + 56, 4) != LINUX_IMAGE_MAGIC)
		return fail(why, HV_ERR_INVAL,
			    "no arm64 Image magic \"ARM\\x64\" at offset 56");
	text_offset = le(h + 8, 8);
	image_size = le(h + 16, 8);
	flags = le(h + 24, 8);
	/* Before v3.17 the flags did not exist and text_offset was in the
	 * kernel's endianness: nothing else in the header can be trusted. */
	if (image_size == 0)
		return fail(why, HV_ERR_INVAL,
			    "kernel older than 3.17 (image_size 0) is not "
			    "supported");
	if (flags & LINUX_FLAG_BE)
		return fail(why, HV_ERR_INVAL,
			    "big-endian kernel is not supported");
	if (text_offset >= LINUX_ALIGN || (text_offset & (LINUX_PAGE - 1)))
		return fail(why, HV_ERR_INVAL,
			    "text_offset is not a multiple of 4 KiB below "
			    "2 MiB");
	if (image_size > LINUX_PA_LIMIT - text_offset)
		return fail(why, HV_ERR_INVAL,
			    "image_size reaches beyond the 48-bit physical "
			    "address space");
	if (len > image_size)
		return fail(why, HV_ERR_INVAL,
			    "the Image file is larger than its image_size");
	img->text_offset = text_offset;
	img->image_size = image_size;
	img->flags = flags;
	return HV_OK;
}

/* The first reserved range overlapping [start, start + size), or NULL. */
static const struct linux_range *first_overlap(const struct linux_range *r,
					       unsigned count, uint64_t start,
					       uint64_t size)
{
	for (unsigned i = 0; i < count; i++) {
		uint64_t b = ipa_addr(r[i].base);

		/* One starts inside the other; unsigned, so no wrap. */
		if (r[i].size != 0 &&
		    (b - start < size || start - b < r[i].size))
			return &r[i];
	}
	return NULL;
}

enum hv_err linux_image_place(const struct linux_image *img, ipaddr_t ram_base,
			      uint64_t ram_size,
			      const struct linux_range *reserved,
			      unsigned reserved_count, ipaddr_t *load,
			      const char **why)
{
	uint64_t limit, base, start, end;
	const struct linux_range *r;
	bool blocked = false;

	if (ram_size > UINT64_MAX - ipa_addr(ram_base))
		return fail(why, HV_ERR_RANGE,
			    "guest RAM wraps around the address space");
	for (unsigned i = 0; i < reserved_count; i++)
		if (reserved[i].size > UINT64_MAX - ipa_addr(reserved[i].base))
			return fail(why, HV_ERR_RANGE,
				    "a reserved range wraps around the "
				    "address space");
	limit = ipa_addr(ram_base) + ram_size;
	if (limit > LINUX_PA_LIMIT)
		limit = LINUX_PA_LIMIT;
	base = ipa_addr(ram_base);
	if (base < limit)
		base = (base + LINUX_ALIGN - 1) & ~(LINUX_ALIGN - 1);
	/*
	 * Candidates rise from the bottom of RAM. One that hits a reserved
	 * range moves to the first base whose Image starts past the range's
	 * end: the bases in between would hit it too. Each range is passed
	 * at most once, so the search takes at most reserved_count + 1 steps.
	 */
	while (base <= limit && limit - base >= img->text_offset &&
	       limit - base - img->text_offset >= img->image_size) {
		start = base + img->text_offset;
		r = first_overlap(reserved, reserved_count, start,
				  img->image_size);
		if (r == NULL) {
			*load = ipa_init(start);
			return HV_OK;
		}
		blocked = true;
		end = ipa_addr(r->base) + r->size;
		if (end >= limit)
			break;
		base = (end - img->text_offset + LINUX_ALIGN - 1) &
		       ~(LINUX_ALIGN - 1);
	}
	if (blocked)
		return fail(why, HV_ERR_RANGE,
			    "no room for the kernel in guest RAM around the "
			    "device tree and initrd");
	return fail(why, HV_ERR_RANGE,
		    "the kernel's image_size does not fit in guest RAM above "
		    "its first 2 MiB boundary (or below 2^48)");
}
