/*
 * Unit tests of hv/elf.c: ELF64 files built here byte by byte, each check
 * of elf_check with its exact message, and what elf_load and elf_extent
 * do with a checked image.
 */
#include "helpers.h"

#include "hv/elf.h"

#define RAM	 0x40000000ull
#define RAM_SIZE 0x400000ull
#define PHOFF	 64u
#define DATA	 0x400u /* where the segments' bytes start in the file */

static uint8_t file[0x2000];
static uint64_t file_size;
static struct elf_image img;
static char why[160];

struct seg {
	uint32_t type;
	uint64_t off, va, pa, filesz, memsz;
};

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A valid AArch64 executable with segments s[0..n) and entry. */
static void make(const struct seg *s, unsigned n, uint64_t entry)
{
	memset(file, 0, sizeof(file));
	memcpy(file, "\177ELF", 4);
	file[4] = 2;		/* ELFCLASS64 */
	file[5] = 1;		/* ELFDATA2LSB */
	file[6] = 1;		/* EV_CURRENT */
	put(file + 16, 2, 2);	/* ET_EXEC */
	put(file + 18, 183, 2); /* EM_AARCH64 */
	put(file + 20, 1, 4);
	put(file + 24, entry, 8);
	put(file + 32, PHOFF, 8);
	put(file + 52, 64, 2);
	put(file + 54, 56, 2);
	put(file + 56, n, 2);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *ph = file + PHOFF + 56 * i;

		put(ph, s[i].type, 4);
		put(ph + 4, 5, 4); /* R + X */
		put(ph + 8, s[i].off, 8);
		put(ph + 16, s[i].va, 8);
		put(ph + 24, s[i].pa, 8);
		put(ph + 32, s[i].filesz, 8);
		put(ph + 40, s[i].memsz, 8);
		put(ph + 48, 0x10000, 8);
	}
	for (unsigned i = DATA; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 7 + 1);
	file_size = sizeof(file);
}

/* The usual image: code at RAM + 0x1000 (0x100 bytes), data with a bss at
 * RAM + 0x3000 (0x80 bytes in the file, 0x200 in memory). */
static const struct seg usual[2] = {
    {1, DATA, RAM + 0x1000, RAM + 0x1000, 0x100, 0x100},
    {1, DATA + 0x100, RAM + 0x3000, RAM + 0x3000, 0x80, 0x200},
};

static int setup(void **state)
{
	(void)state;
	make(usual, 2, RAM + 0x1000);
	memset(why, 0x55, sizeof(why));
	return 0;
}

static enum hv_err check(void)
{
	return elf_check(file, file_size, RAM, RAM_SIZE, &img, why,
			 sizeof(why));
}

static void check_ok(void)
{
	if (check() != HV_OK)
		fail_msg("elf_check: %s", why);
}

#define assert_elf_error(message)                                              \
	do {                                                                   \
		assert_int_equal(check(), HV_ERR_INVAL);                       \
		assert_string_equal(why, (message));                           \
	} while (0)

static void phdr(unsigned i, unsigned field, uint64_t v)
{
	put(file + PHOFF + 56 * i + field, v, 8);
}

static void test_elf_is_elf_looks_at_the_magic_only(void **st)
{
	(void)st;
	assert_true(elf_is_elf(file, file_size));
	assert_true(elf_is_elf("\177ELF", 4));
	assert_false(elf_is_elf("\177EL", 3));
	assert_false(elf_is_elf("\177ELG", 4));
	assert_false(elf_is_elf("ARM\x64", 4));
	assert_false(elf_is_elf("", 0));
}

static void test_elf_check_accepts_a_valid_image(void **st)
{
	(void)st;
	check_ok();
	assert_ptr_equal(img.file, file);
	assert_int_equal(img.size, sizeof(file));
	assert_int_equal(img.entry, RAM + 0x1000);
	assert_int_equal(img.phoff, PHOFF);
	assert_int_equal(img.phnum, 2);
}

static void test_elf_check_bad_magic(void **st)
{
	(void)st;
	file[1] = 'e';
	assert_elf_error("not an ELF file (bad magic)");
	file_size = 0;
	assert_elf_error("not an ELF file (bad magic)");
}

static void test_elf_check_truncated_header(void **st)
{
	(void)st;
	file_size = 63;
	assert_elf_error("truncated ELF header");
	file_size = 4;
	assert_elf_error("truncated ELF header");
}

static void test_elf_check_class(void **st)
{
	(void)st;
	file[4] = 1;
	assert_elf_error("not a 64-bit ELF (EI_CLASS 1)");
}

static void test_elf_check_endianness(void **st)
{
	(void)st;
	file[5] = 2;
	assert_elf_error("not a little-endian ELF (EI_DATA 2)");
}

static void test_elf_check_version(void **st)
{
	(void)st;
	file[6] = 0;
	assert_elf_error("unsupported ELF version");
	file[6] = 1;
	put(file + 20, 2, 4);
	assert_elf_error("unsupported ELF version");
}

static void test_elf_check_machine(void **st)
{
	(void)st;
	put(file + 18, 62, 2); /* EM_X86_64 */
	assert_elf_error("not an AArch64 ELF (e_machine 62)");
}

static void test_elf_check_type(void **st)
{
	(void)st;
	put(file + 16, 3, 2); /* ET_DYN */
	assert_elf_error("not an executable ELF (e_type 3, expected ET_EXEC)");
}

static void test_elf_check_phentsize(void **st)
{
	(void)st;
	put(file + 54, 32, 2);
	assert_elf_error("bad program header size (e_phentsize 32, expected "
			 "56)");
}

static void test_elf_check_too_many_program_headers(void **st)
{
	(void)st;
	put(file + 56, 33, 2);
	assert_elf_error("33 program headers, at most 32");
	/* 32 is the most: the ones after the two are empty (type 0). */
	put(file + 56, 32, 2);
	check_ok();
}

static void test_elf_check_program_headers_outside_the_file(void **st)
{
	(void)st;
	put(file + 32, sizeof(file) - 100, 8);
	assert_elf_error("program headers at 0x1f9c are outside the file (8192 "
			 "bytes)");
	/* An offset that wraps around when the table's size is added. */
	put(file + 32, UINT64_MAX - 8, 8);
	assert_elf_error("program headers at 0xfffffffffffffff7 are outside "
			 "the file (8192 bytes)");
	/* Ending the file is fine (segments of bss only). */
	put(file + 32, PHOFF, 8);
	file_size = PHOFF + 2 * 56;
	phdr(0, 8, 0);
	phdr(0, 32, 0);
	phdr(1, 8, 0);
	phdr(1, 32, 0);
	check_ok();
}

static void test_elf_check_filesz_larger_than_memsz(void **st)
{
	(void)st;
	phdr(1, 32, 0x201);
	assert_elf_error("segment 1: p_filesz 0x201 is larger than p_memsz "
			 "0x200");
}

static void test_elf_check_segment_outside_the_file(void **st)
{
	(void)st;
	phdr(1, 8, sizeof(file) - 0x7f);
	assert_elf_error("segment 1: file bytes 0x1f81+0x80 are outside the "
			 "file (8192 bytes)");
	phdr(1, 8, UINT64_MAX - 0x10);
	assert_elf_error("segment 1: file bytes 0xffffffffffffffef+0x80 are "
			 "outside the file (8192 bytes)");
	/* Ending at the file's last byte is fine. */
	phdr(1, 8, sizeof(file) - 0x80);
	check_ok();
}

static void test_elf_check_segment_outside_ram(void **st)
{
	(void)st;
	phdr(0, 24, RAM - 0x80);
	assert_elf_error("segment 0 at 0x3fffff80+0x100 is outside guest RAM "
			 "[0x40000000, 0x40400000)");
	phdr(0, 24, RAM + RAM_SIZE - 0xff);
	assert_elf_error("segment 0 at 0x403fff01+0x100 is outside guest RAM "
			 "[0x40000000, 0x40400000)");
	phdr(0, 24, UINT64_MAX - 0x10);
	assert_elf_error("segment 0 at 0xffffffffffffffef+0x100 is outside "
			 "guest RAM [0x40000000, 0x40400000)");
	/* Its last byte the last of RAM is fine (the entry moves too). */
	phdr(0, 24, RAM + RAM_SIZE - 0x100);
	check_ok();
}

static void test_elf_check_overlapping_segments(void **st)
{
	(void)st;
	phdr(1, 24, RAM + 0x10ff);
	assert_elf_error("segments 0 and 1 overlap at 0x400010ff");
	phdr(1, 24, RAM + 0xf01);
	assert_elf_error("segments 0 and 1 overlap at 0x40001000");
	/* Touching is fine. */
	phdr(1, 24, RAM + 0x1100);
	check_ok();
	phdr(1, 24, RAM + 0xe00);
	check_ok();
}

static void test_elf_check_entry_misaligned(void **st)
{
	(void)st;
	put(file + 24, RAM + 0x1002, 8);
	assert_elf_error("entry point 0x40001002 is not 4-byte aligned");
}

static void test_elf_check_entry_outside_the_segments(void **st)
{
	(void)st;
	put(file + 24, RAM + 0x2000, 8);
	assert_elf_error("entry point 0x40002000 is not inside a loaded "
			 "segment");
	/* Its last 4 bytes must be in the segment too. */
	put(file + 24, RAM + 0x10fd, 8);
	assert_elf_error("entry point 0x400010fd is not inside a loaded "
			 "segment");
	put(file + 24, RAM + 0x10fc, 8);
	check_ok();
	/* In the bss part of a segment is inside it. */
	put(file + 24, RAM + 0x3100, 8);
	check_ok();
}

static void test_elf_check_without_a_loadable_segment(void **st)
{
	static const struct seg none[2] = {
	    {4, DATA, 0, 0, 0x10, 0x10},		 /* PT_NOTE */
	    {1, DATA, RAM + 0x1000, RAM + 0x1000, 0, 0}, /* empty PT_LOAD */
	};

	(void)st;
	make(none, 2, RAM + 0x1000);
	assert_elf_error("no PT_LOAD segment");
	make(none, 0, RAM + 0x1000);
	assert_elf_error("no PT_LOAD segment");
}

static void test_elf_check_ignores_other_segment_types(void **st)
{
	static const struct seg s[3] = {
	    /* PT_GNU_STACK and a PT_NOTE with nonsense: not looked at. */
	    {0x6474e551, 0, 0, 0, 0, 0},
	    {4, UINT64_MAX, 0, UINT64_MAX, 0x1000, 0x10},
	    {1, DATA, RAM + 0x1000, RAM + 0x1000, 0x100, 0x100},
	};

	(void)st;
	make(s, 3, RAM + 0x1000);
	check_ok();
	assert_int_equal(img.phnum, 3);
}

static void
test_elf_check_translates_the_entry_to_its_physical_address(void **st)
{
	static const struct seg s[1] = {
	    {1, DATA, 0xffff000000081000ull, RAM + 0x81000, 0x100, 0x100},
	};

	(void)st;
	make(s, 1, 0xffff000000081040ull);
	check_ok();
	assert_int_equal(img.entry, RAM + 0x81040);
}

static void test_elf_check_message_fits_a_short_buffer(void **st)
{
	char small[8];

	(void)st;
	file[4] = 1;
	memset(small, 0x55, sizeof(small));
	assert_int_equal(elf_check(file, file_size, RAM, RAM_SIZE, &img, small,
				   sizeof(small)),
			 HV_ERR_INVAL);
	assert_string_equal(small, "not a 6");
}

static void test_elf_load_copies_the_file_bytes_only(void **st)
{
	static uint8_t ram[RAM_SIZE];

	(void)st;
	check_ok();
	memset(ram, 0xee, sizeof(ram));
	elf_load(&img, ram, RAM);
	assert_memory_equal(ram + 0x1000, file + DATA, 0x100);
	assert_memory_equal(ram + 0x3000, file + DATA + 0x100, 0x80);
	/* The bss (p_memsz - p_filesz) is the caller's: RAM that reads as
	 * zero. Nothing else is touched. */
	assert_int_equal(ram[0x3080], 0xee);
	assert_int_equal(ram[0x31ff], 0xee);
	assert_int_equal(ram[0xfff], 0xee);
	assert_int_equal(ram[0x1100], 0xee);
	assert_int_equal(ram[0x2fff], 0xee);
	assert_int_equal(ram[0x3200], 0xee);
}

static void test_elf_load_skips_what_is_not_loaded(void **st)
{
	static uint8_t ram[RAM_SIZE];
	static const struct seg s[3] = {
	    {4, DATA, RAM, RAM, 0x10, 0x10},
	    {1, DATA, RAM + 0x2000, RAM + 0x2000, 0, 0},
	    {1, DATA, RAM + 0x1000, RAM + 0x1000, 0x10, 0x10},
	};

	(void)st;
	make(s, 3, RAM + 0x1000);
	check_ok();
	memset(ram, 0xee, sizeof(ram));
	elf_load(&img, ram, RAM);
	assert_int_equal(ram[0], 0xee);
	assert_int_equal(ram[0x2000], 0xee);
	assert_memory_equal(ram + 0x1000, file + DATA, 0x10);
}

static void test_elf_extent_spans_the_loaded_segments(void **st)
{
	static const struct seg s[3] = {
	    {1, DATA, RAM + 0x5000, RAM + 0x5000, 0x10, 0x800},
	    {4, DATA, RAM, RAM, 0x10, 0x10},
	    {1, DATA, RAM + 0x2000, RAM + 0x2000, 0x10, 0x10},
	};
	uint64_t start, end;

	(void)st;
	make(s, 3, RAM + 0x2000);
	check_ok();
	elf_extent(&img, &start, &end);
	assert_int_equal(start, RAM + 0x2000);
	assert_int_equal(end, RAM + 0x5800);
	/* The file bytes only: the last segment's end at its p_filesz. */
	elf_file_extent(&img, &start, &end);
	assert_int_equal(start, RAM + 0x2000);
	assert_int_equal(end, RAM + 0x5010);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_elf_is_elf_looks_at_the_magic_only),
	    T(test_elf_check_accepts_a_valid_image),
	    T(test_elf_check_bad_magic),
	    T(test_elf_check_truncated_header),
	    T(test_elf_check_class),
	    T(test_elf_check_endianness),
	    T(test_elf_check_version),
	    T(test_elf_check_machine),
	    T(test_elf_check_type),
	    T(test_elf_check_phentsize),
	    T(test_elf_check_too_many_program_headers),
	    T(test_elf_check_program_headers_outside_the_file),
	    T(test_elf_check_filesz_larger_than_memsz),
	    T(test_elf_check_segment_outside_the_file),
	    T(test_elf_check_segment_outside_ram),
	    T(test_elf_check_overlapping_segments),
	    T(test_elf_check_entry_misaligned),
	    T(test_elf_check_entry_outside_the_segments),
	    T(test_elf_check_without_a_loadable_segment),
	    T(test_elf_check_ignores_other_segment_types),
	    T(test_elf_check_translates_the_entry_to_its_physical_address),
	    T(test_elf_check_message_fits_a_short_buffer),
	    T(test_elf_load_copies_the_file_bytes_only),
	    T(test_elf_load_skips_what_is_not_loaded),
	    T(test_elf_extent_spans_the_loaded_segments),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
