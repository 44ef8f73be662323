/* Unit tests of hv/linux_image.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "hv/linux_image.h"

#define MIB	 0x100000ull
#define RAM_BASE 0x40000000ull

/* What a Debian 6.1 arm64 kernel carries. */
#define DEBIAN_IMAGE_SIZE 0x2390000ull
#define DEBIAN_FLAGS	  0xaull /* LE, 4K pages, anywhere */

static uint8_t hdr[LINUX_IMAGE_HEADER_SIZE + 8];

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A header at hdr + 1, so that no field is naturally aligned. */
static uint8_t *make_header(uint64_t text_offset, uint64_t image_size,
			    uint64_t flags)
{
	uint8_t *h = hdr + 1;

	memset(hdr, 0, sizeof(hdr));
	put_le(h + 0, 0xfa405a4d, 4); /* "MZ@\xfa": the EFI stub's code0 */
	put_le(h + 4, 0x14000000, 4);
	put_le(h + 8, text_offset, 8);
	put_le(h + 16, image_size, 8);
	put_le(h + 24, flags, 8);
	memcpy(h + 56, "ARM\x64", 4);
	put_le(h + 60, 0x40, 4);
	return h;
}

static void assert_parse_fails(const uint8_t *h, uint64_t len,
			       const char *expected_why)
{
	struct linux_image img = {1, 2, 3};
	const char *why = NULL;

	assert_int_equal(linux_image_parse(h, len, &img, &why), HV_ERR_INVAL);
	assert_non_null(why);
	assert_string_equal(why, expected_why);
	/* Nothing is half-filled on failure. */
	assert_int_equal(img.text_offset, 1);
	assert_int_equal(img.image_size, 2);
	assert_int_equal(img.flags, 3);
}

static void test_linux_image_parse_reads_a_debian_kernel_header(void **st)
{
	uint8_t *h = make_header(0, DEBIAN_IMAGE_SIZE, DEBIAN_FLAGS);
	struct linux_image img;
	const char *why = NULL;

	(void)st;
	assert_int_equal(
	    linux_image_parse(h, LINUX_IMAGE_HEADER_SIZE, &img, &why), HV_OK);
	assert_int_equal(img.text_offset, 0);
	assert_int_equal(img.image_size, DEBIAN_IMAGE_SIZE);
	assert_int_equal(img.flags, DEBIAN_FLAGS);
	assert_null(why);
}

static void test_linux_image_parse_reads_every_byte_little_endian(void **st)
{
	uint8_t *h =
	    make_header(0x1ff000, 0x0000123456789abcull, 0x0123456789abcdeeull);
	struct linux_image img;

	(void)st;
	assert_int_equal(
	    linux_image_parse(h, LINUX_IMAGE_HEADER_SIZE, &img, NULL), HV_OK);
	assert_int_equal(img.text_offset, 0x1ff000);
	assert_int_equal(img.image_size, 0x0000123456789abcull);
	assert_int_equal(img.flags, 0x0123456789abcdeeull);
}

static void test_linux_image_parse_rejects_a_short_buffer(void **st)
{
	uint8_t *h = make_header(0, DEBIAN_IMAGE_SIZE, DEBIAN_FLAGS);

	(void)st;
	assert_parse_fails(h, LINUX_IMAGE_HEADER_SIZE - 1,
			   "shorter than the 64-byte arm64 Image header");
	assert_parse_fails(h, 0, "shorter than the 64-byte arm64 Image header");
	assert_parse_fails(NULL, LINUX_IMAGE_HEADER_SIZE,
			   "shorter than the 64-byte arm64 Image header");
}

static void test_linux_image_parse_rejects_a_bad_magic(void **st)
{
	uint8_t *h = make_header(0, DEBIAN_IMAGE_SIZE, DEBIAN_FLAGS);

	(void)st;
	h[59] = 0x65;
	assert_parse_fails(h, LINUX_IMAGE_HEADER_SIZE,
			   "no arm64 Image magic \"ARM\\x64\" at offset 56");
	/* The magic read big-endian is not the magic. */
	memcpy(h + 56, "\x64MRA", 4);
	assert_parse_fails(h, LINUX_IMAGE_HEADER_SIZE,
			   "no arm64 Image magic \"ARM\\x64\" at offset 56");
}

static void test_linux_image_parse_rejects_a_big_endian_kernel(void **st)
{
	uint8_t *h = make_header(0, DEBIAN_IMAGE_SIZE, DEBIAN_FLAGS | 1);

	(void)st;
	assert_parse_fails(h, LINUX_IMAGE_HEADER_SIZE,
			   "big-endian kernel is not supported");
}

static void test_linux_image_parse_rejects_a_pre_3_17_kernel(void **st)
{
	/* Such a kernel's flags are 0 and its text_offset 0x80000. */
	uint8_t *h = make_header(0x80000, 0, 0);

	(void)st;
	assert_parse_fails(h, LINUX_IMAGE_HEADER_SIZE,
			   "kernel older than 3.17 (image_size 0) is not "
			   "supported");
}

static void test_linux_image_parse_rejects_text_offset_out_of_range(void **st)
{
	const char *msg = "text_offset is not a multiple of 4 KiB below 2 MiB";

	(void)st;
	assert_parse_fails(make_header(2 * MIB, DEBIAN_IMAGE_SIZE, 0xa),
			   LINUX_IMAGE_HEADER_SIZE, msg);
	assert_parse_fails(make_header(0x80800, DEBIAN_IMAGE_SIZE, 0xa),
			   LINUX_IMAGE_HEADER_SIZE, msg);
	assert_parse_fails(make_header(UINT64_MAX, DEBIAN_IMAGE_SIZE, 0xa),
			   LINUX_IMAGE_HEADER_SIZE, msg);
	assert_parse_fails(make_header(1ull << 63, DEBIAN_IMAGE_SIZE, 0xa),
			   LINUX_IMAGE_HEADER_SIZE, msg);
}

static void test_linux_image_parse_rejects_sizes_that_overflow(void **st)
{
	const char *msg = "image_size reaches beyond the 48-bit physical "
			  "address space";
	struct linux_image img;

	(void)st;
	assert_parse_fails(make_header(0x1ff000, UINT64_MAX, 0xa),
			   LINUX_IMAGE_HEADER_SIZE, msg);
	assert_parse_fails(
	    make_header(0x1ff000, UINT64_MAX - 0x1ff000 + 1, 0xa),
	    LINUX_IMAGE_HEADER_SIZE, msg);
	assert_parse_fails(make_header(0x1000, (1ull << 48) - 0xfff, 0xa),
			   LINUX_IMAGE_HEADER_SIZE, msg);
	/* Up to the limit exactly is fine. */
	assert_int_equal(
	    linux_image_parse(make_header(0x1000, (1ull << 48) - 0x1000, 0xa),
			      LINUX_IMAGE_HEADER_SIZE, &img, NULL),
	    HV_OK);
}

static void test_linux_image_parse_rejects_a_file_beyond_image_size(void **st)
{
	uint8_t *h = make_header(0, LINUX_IMAGE_HEADER_SIZE, DEBIAN_FLAGS);
	struct linux_image img;

	(void)st;
	assert_int_equal(
	    linux_image_parse(h, LINUX_IMAGE_HEADER_SIZE, &img, NULL), HV_OK);
	assert_parse_fails(h, LINUX_IMAGE_HEADER_SIZE + 1,
			   "the Image file is larger than its image_size");
}

static enum hv_err place(uint64_t text_offset, uint64_t image_size,
			 uint64_t ram_base, uint64_t ram_size,
			 const struct linux_range *reserved, unsigned count,
			 uint64_t *load, const char **why)
{
	struct linux_image img = {text_offset, image_size, DEBIAN_FLAGS};
	ipaddr_t at = ipa_init(0xdead);
	enum hv_err e;

	*why = NULL;
	e = linux_image_place(&img, ipa_init(ram_base), ram_size, reserved,
			      count, &at, why);
	*load = ipa_addr(at);
	return e;
}

static const char *no_room_reserved = "no room for the kernel in guest RAM "
				      "around the device tree and initrd";
static const char *no_room = "the kernel's image_size does not fit in guest "
			     "RAM above its first 2 MiB boundary (or below "
			     "2^48)";

static void test_linux_image_place_at_the_base_of_ram(void **st)
{
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(place(0, DEBIAN_IMAGE_SIZE, RAM_BASE, 256 * MIB, NULL,
			       0, &load, &why),
			 HV_OK);
	assert_int_equal(load, RAM_BASE);
	assert_null(why);
	/* Exactly as big as RAM still fits. */
	assert_int_equal(
	    place(0, 256 * MIB, RAM_BASE, 256 * MIB, NULL, 0, &load, &why),
	    HV_OK);
	assert_int_equal(load, RAM_BASE);
}

static void test_linux_image_place_rounds_ram_base_up_to_2_mib(void **st)
{
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(place(0, 4 * MIB, RAM_BASE + 0x1000, 64 * MIB, NULL, 0,
			       &load, &why),
			 HV_OK);
	assert_int_equal(load, RAM_BASE + 2 * MIB);
}

static void test_linux_image_place_honours_text_offset(void **st)
{
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(place(0x80000, DEBIAN_IMAGE_SIZE, RAM_BASE, 256 * MIB,
			       NULL, 0, &load, &why),
			 HV_OK);
	assert_int_equal(load, RAM_BASE + 0x80000);
	/* The offset counts against RAM: 0x80000 + RAM size does not fit. */
	assert_int_equal(
	    place(0x80000, 8 * MIB, RAM_BASE, 8 * MIB, NULL, 0, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why, no_room);
}

static void
test_linux_image_place_skips_a_reserved_range_at_the_start(void **st)
{
	/* A device tree in the first 2 MiB pushes the kernel to the next. */
	struct linux_range dtb = {ipa_init(RAM_BASE), 0x10000};
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(place(0, DEBIAN_IMAGE_SIZE, RAM_BASE, 256 * MIB, &dtb,
			       1, &load, &why),
			 HV_OK);
	assert_int_equal(load, RAM_BASE + 2 * MIB);
}

static void test_linux_image_place_uses_room_below_text_offset(void **st)
{
	/* The bytes between the 2 MiB base and text_offset are free for
	 * other uses, so a device tree there does not move the kernel. */
	struct linux_range dtb = {ipa_init(RAM_BASE), 0x80000};
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(place(0x80000, DEBIAN_IMAGE_SIZE, RAM_BASE, 256 * MIB,
			       &dtb, 1, &load, &why),
			 HV_OK);
	assert_int_equal(load, RAM_BASE + 0x80000);
	dtb.size = 0x80001;
	assert_int_equal(place(0x80000, DEBIAN_IMAGE_SIZE, RAM_BASE, 256 * MIB,
			       &dtb, 1, &load, &why),
			 HV_OK);
	assert_int_equal(load, RAM_BASE + 2 * MIB + 0x80000);
	/* Past the next 2 MiB boundary but below its text_offset. */
	dtb.size = 2 * MIB + 0x80000;
	assert_int_equal(place(0x80000, DEBIAN_IMAGE_SIZE, RAM_BASE, 256 * MIB,
			       &dtb, 1, &load, &why),
			 HV_OK);
	assert_int_equal(load, RAM_BASE + 2 * MIB + 0x80000);
}

static void test_linux_image_place_finds_the_lowest_gap(void **st)
{
	/* Listed out of order: a 4 MiB kernel fits neither at 0 (the first
	 * 4 MiB are taken) nor at 4 MiB (the initrd at 6 MiB) but at 8 MiB. */
	struct linux_range r[] = {
	    {ipa_init(RAM_BASE + 6 * MIB), 2 * MIB},
	    {ipa_init(RAM_BASE + 14 * MIB), 0x100},
	    {ipa_init(RAM_BASE), 4 * MIB},
	    {ipa_init(RAM_BASE + 10 * MIB), 0}, /* empty: reserves nothing */
	};
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(
	    place(0, 4 * MIB, RAM_BASE, 64 * MIB, r, 4, &load, &why), HV_OK);
	assert_int_equal(load, RAM_BASE + 8 * MIB);
}

static void test_linux_image_place_ignores_ranges_outside_the_kernel(void **st)
{
	struct linux_range r[] = {
	    {ipa_init(RAM_BASE - 4 * MIB), 4 * MIB}, /* ends at RAM */
	    {ipa_init(RAM_BASE + 4 * MIB), 1},	     /* starts at its end */
	};
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(
	    place(0, 4 * MIB, RAM_BASE, 64 * MIB, r, 2, &load, &why), HV_OK);
	assert_int_equal(load, RAM_BASE);
}

static void test_linux_image_place_fails_when_the_image_exceeds_ram(void **st)
{
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(place(0, DEBIAN_IMAGE_SIZE, RAM_BASE, 32 * MIB, NULL,
			       0, &load, &why),
			 HV_ERR_RANGE);
	assert_string_equal(why, no_room);
	assert_int_equal(load, 0xdead);
	/* RAM big enough, but not once rounded up to 2 MiB. */
	assert_int_equal(
	    place(0, 4 * MIB, RAM_BASE + 0x1000, 5 * MIB, NULL, 0, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why, no_room);
	/* RAM smaller than its first 2 MiB boundary. */
	assert_int_equal(
	    place(0, 0x1000, RAM_BASE + 0x1000, 0x2000, NULL, 0, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why, no_room);
}

static void test_linux_image_place_fails_when_ranges_leave_no_gap(void **st)
{
	/* Gaps of 2 MiB and 1 MiB for a 4 MiB kernel. */
	struct linux_range r[] = {
	    {ipa_init(RAM_BASE + 2 * MIB), 2 * MIB},
	    {ipa_init(RAM_BASE + 6 * MIB), 1 * MIB},
	};
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(
	    place(0, 4 * MIB, RAM_BASE, 8 * MIB, r, 2, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why, no_room_reserved);
	assert_int_equal(load, 0xdead);
	/* A range that runs past the end of RAM. */
	r[1].size = UINT64_MAX - (RAM_BASE + 6 * MIB);
	assert_int_equal(
	    place(0, 4 * MIB, RAM_BASE, 64 * MIB, r, 2, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why, no_room_reserved);
}

static void test_linux_image_place_rejects_wrapping_inputs(void **st)
{
	struct linux_range r = {ipa_init(UINT64_MAX - 0xfff), 0x1001};
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(place(0, 4 * MIB, UINT64_MAX - 2 * MIB + 1, 4 * MIB,
			       NULL, 0, &load, &why),
			 HV_ERR_RANGE);
	assert_string_equal(why, "guest RAM wraps around the address space");
	/* The last MiB of the address space: rounding up must not wrap. */
	assert_int_equal(place(0, 4 * MIB, UINT64_MAX - MIB + 1, MIB - 1, NULL,
			       0, &load, &why),
			 HV_ERR_RANGE);
	assert_string_equal(why, no_room);
	assert_int_equal(
	    place(0, 4 * MIB, RAM_BASE, 64 * MIB, &r, 1, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why,
			    "a reserved range wraps around the address space");
	assert_int_equal(load, 0xdead);
}

static void test_linux_image_place_stays_below_2_pow_48(void **st)
{
	uint64_t load;
	const char *why;

	(void)st;
	/* RAM entirely above 2^48. */
	assert_int_equal(
	    place(0, 4 * MIB, 1ull << 60, 64 * MIB, NULL, 0, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why, no_room);
	/* RAM straddling 2^48: only what lies below it is used. */
	assert_int_equal(place(0, 4 * MIB, (1ull << 48) - 4 * MIB, 64 * MIB,
			       NULL, 0, &load, &why),
			 HV_OK);
	assert_int_equal(load, (1ull << 48) - 4 * MIB);
	assert_int_equal(place(0x1000, 4 * MIB, (1ull << 48) - 4 * MIB,
			       64 * MIB, NULL, 0, &load, &why),
			 HV_ERR_RANGE);
	assert_string_equal(why, no_room);
}

static void test_linux_image_place_survives_huge_caller_values(void **st)
{
	/* A struct not from linux_image_parse: no sum may wrap into a fit. */
	struct linux_range r = {ipa_init(RAM_BASE + 62 * MIB), 1};
	uint64_t load;
	const char *why;

	(void)st;
	assert_int_equal(
	    place(UINT64_MAX, 1, RAM_BASE, 64 * MIB, NULL, 0, &load, &why),
	    HV_ERR_RANGE);
	assert_int_equal(
	    place(0, UINT64_MAX, RAM_BASE, 64 * MIB, NULL, 0, &load, &why),
	    HV_ERR_RANGE);
	/* Skipping the range leaves less than text_offset above the base. */
	assert_int_equal(
	    place(62 * MIB, 2 * MIB, RAM_BASE, 64 * MIB, &r, 1, &load, &why),
	    HV_ERR_RANGE);
	assert_string_equal(why, no_room_reserved);
	assert_int_equal(load, 0xdead);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
		test_linux_image_parse_reads_a_debian_kernel_header),
	    cmocka_unit_test(
		test_linux_image_parse_reads_every_byte_little_endian),
	    cmocka_unit_test(test_linux_image_parse_rejects_a_short_buffer),
	    cmocka_unit_test(test_linux_image_parse_rejects_a_bad_magic),
	    cmocka_unit_test(
		test_linux_image_parse_rejects_a_big_endian_kernel),
	    cmocka_unit_test(test_linux_image_parse_rejects_a_pre_3_17_kernel),
	    cmocka_unit_test(
		test_linux_image_parse_rejects_text_offset_out_of_range),
	    cmocka_unit_test(
		test_linux_image_parse_rejects_sizes_that_overflow),
	    cmocka_unit_test(
		test_linux_image_parse_rejects_a_file_beyond_image_size),
	    cmocka_unit_test(test_linux_image_place_at_the_base_of_ram),
	    cmocka_unit_test(
		test_linux_image_place_rounds_ram_base_up_to_2_mib),
	    cmocka_unit_test(test_linux_image_place_honours_text_offset),
	    cmocka_unit_test(
		test_linux_image_place_skips_a_reserved_range_at_the_start),
	    cmocka_unit_test(
		test_linux_image_place_uses_room_below_text_offset),
	    cmocka_unit_test(test_linux_image_place_finds_the_lowest_gap),
	    cmocka_unit_test(
		test_linux_image_place_ignores_ranges_outside_the_kernel),
	    cmocka_unit_test(
		test_linux_image_place_fails_when_the_image_exceeds_ram),
	    cmocka_unit_test(
		test_linux_image_place_fails_when_ranges_leave_no_gap),
	    cmocka_unit_test(test_linux_image_place_rejects_wrapping_inputs),
	    cmocka_unit_test(test_linux_image_place_stays_below_2_pow_48),
	    cmocka_unit_test(
		test_linux_image_place_survives_huge_caller_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
