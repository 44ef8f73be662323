/*
 * Unit tests of sim/image.c: ELF executables built here, byte by byte, in a
 * temporary directory; one test per reason a file is refused, with the
 * exact message; raw binaries and whole files.
 */
/* mkdtemp, chdir and friends are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "image.h"

/* The ELF structs are written as they are: the host must be little-endian. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "tests write ELF structs in host order");

#define RAM_IPA	 0x40000000ull
#define RAM_SIZE 0x04000000ull

/*
 * The valid image: text (program header 0) and data + bss (header 2) with a
 * page-sized gap between them, a PT_GNU_STACK in between to be ignored, and
 * filler around the segments' bytes in the file that must not be loaded.
 */
#define TEXT_IPA    0x40080000ull
#define TEXT_OFF    0x100
#define TEXT_SIZE   0x20
#define DATA_IPA    0x40081000ull
#define DATA_OFF    0x200
#define DATA_FILESZ 0x10
#define DATA_MEMSZ  0x40
#define ENTRY	    (TEXT_IPA + 8)
#define FILE_LEN    0x300
#define FILLER	    0xee
#define MAX_PH	    4

struct elf_file {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PH];
	uint8_t bytes[FILE_LEN]; /* the file around the headers */
	size_t len;		 /* bytes written: may cut the file short */
};

static char dir[64];
static char path[128];
static struct elf_file elf;
static struct sim_image img;
static char err[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sim_test_image.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
	(void)state;
	return rmdir(dir);
}

static uint8_t text_byte(size_t i)
{
	return (uint8_t)(0x10 + i);
}

static uint8_t data_byte(size_t i)
{
	return (uint8_t)(0x80 + i);
}

static Elf64_Phdr load_segment(uint64_t ipa, uint64_t off, uint64_t filesz,
			       uint64_t memsz)
{
	return (Elf64_Phdr){
	    .p_type = PT_LOAD,
	    .p_flags = PF_R,
	    .p_offset = off,
	    .p_vaddr = ipa,
	    .p_paddr = ipa,
	    .p_filesz = filesz,
	    .p_memsz = memsz,
	    .p_align = 0x1000,
	};
}

static int setup_elf(void **state)
{
	(void)state;
	memset(&elf, 0, sizeof(elf));
	memcpy(elf.eh.e_ident, ELFMAG, SELFMAG);
	elf.eh.e_ident[EI_CLASS] = ELFCLASS64;
	elf.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	elf.eh.e_ident[EI_VERSION] = EV_CURRENT;
	elf.eh.e_type = ET_EXEC;
	elf.eh.e_machine = EM_AARCH64;
	elf.eh.e_version = EV_CURRENT;
	elf.eh.e_entry = ENTRY;
	elf.eh.e_phoff = sizeof(Elf64_Ehdr);
	elf.eh.e_ehsize = sizeof(Elf64_Ehdr);
	elf.eh.e_phentsize = sizeof(Elf64_Phdr);
	elf.eh.e_phnum = 3;
	elf.ph[0] = load_segment(TEXT_IPA, TEXT_OFF, TEXT_SIZE, TEXT_SIZE);
	elf.ph[0].p_flags = PF_R | PF_X;
	elf.ph[1] = (Elf64_Phdr){.p_type = PT_GNU_STACK, .p_flags = PF_R};
	elf.ph[2] = load_segment(DATA_IPA, DATA_OFF, DATA_FILESZ, DATA_MEMSZ);
	elf.ph[2].p_flags = PF_R | PF_W;
	memset(elf.bytes, FILLER, sizeof(elf.bytes));
	for (size_t i = 0; i < TEXT_SIZE; i++)
		elf.bytes[TEXT_OFF + i] = text_byte(i);
	for (size_t i = 0; i < DATA_FILESZ; i++)
		elf.bytes[DATA_OFF + i] = data_byte(i);
	elf.len = FILE_LEN;
	img = (struct sim_image){0};
	err[0] = '\0';
	return 0;
}

static int cleanup(void **state)
{
	(void)state;
	sim_image_free(&img);
	if (path[0] != '\0')
		unlink(path);
	path[0] = '\0';
	return 0;
}

/* Writes len bytes of data to name in the test directory. */
static const char *write_file(const char *name, const void *data, size_t len)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* The file elf describes: headers laid over the bytes, cut at elf.len. */
static void elf_bytes(uint8_t out[FILE_LEN])
{
	size_t ph_size = elf.eh.e_phnum * sizeof(Elf64_Phdr);

	memcpy(out, elf.bytes, FILE_LEN);
	memcpy(out, &elf.eh, sizeof(elf.eh));
	if (elf.eh.e_phoff <= FILE_LEN - sizeof(elf.ph) &&
	    ph_size <= sizeof(elf.ph))
		memcpy(out + elf.eh.e_phoff, elf.ph, ph_size);
}

static const char *write_elf(const char *name)
{
	uint8_t out[FILE_LEN];

	elf_bytes(out);
	return write_file(name, out, elf.len);
}

static bool load(const char *name)
{
	return sim_image_load(write_elf(name), RAM_IPA, RAM_SIZE, &img, err,
			      sizeof(err));
}

/* Fails unless loading the file elf describes is refused with "path: msg". */
static void assert_refused(const char *msg)
{
	char want[sizeof(err)];

	assert_false(load("bad.elf"));
	snprintf(want, sizeof(want), "%s: %s", path, msg);
	assert_string_equal(err, want);
	assert_null(img.data);
	assert_int_equal(img.size, 0);
}

static void assert_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != 0)
			fail_msg("byte %zu is 0x%02x, not 0", i, p[i]);
}

static void test_image_elf_is_flattened_from_its_load_segments(void **state)
{
	(void)state;
	assert_true(load("hello.elf"));
	assert_int_equal(img.load, TEXT_IPA);
	assert_int_equal(img.size, DATA_IPA + DATA_MEMSZ - TEXT_IPA);
	assert_int_equal(img.entry, ENTRY);
	for (size_t i = 0; i < TEXT_SIZE; i++)
		assert_int_equal(img.data[i], text_byte(i));
	/* The gap between the segments, then the data and its bss. */
	assert_zero(img.data + TEXT_SIZE, DATA_IPA - TEXT_IPA - TEXT_SIZE);
	for (size_t i = 0; i < DATA_FILESZ; i++)
		assert_int_equal(img.data[DATA_IPA - TEXT_IPA + i],
				 data_byte(i));
	assert_zero(img.data + (DATA_IPA - TEXT_IPA) + DATA_FILESZ,
		    DATA_MEMSZ - DATA_FILESZ);
}

static void test_image_segments_are_placed_by_physical_address(void **state)
{
	(void)state;
	/* Linked to run high, loaded low: the entry follows the text down. */
	elf.ph[0].p_vaddr = 0xffff000000080000ull;
	elf.ph[2].p_vaddr = 0xffff000000081000ull;
	elf.eh.e_entry = 0xffff000000080010ull;
	assert_true(load("high.elf"));
	assert_int_equal(img.load, TEXT_IPA);
	assert_int_equal(img.entry, TEXT_IPA + 0x10);
	assert_int_equal(img.data[0], text_byte(0));
}

static void test_image_segments_may_come_in_any_order(void **state)
{
	Elf64_Phdr text = elf.ph[0];

	(void)state;
	elf.ph[0] = elf.ph[2];
	elf.ph[2] = text;
	assert_true(load("swapped.elf"));
	assert_int_equal(img.load, TEXT_IPA);
	assert_int_equal(img.entry, ENTRY);
	assert_int_equal(img.data[DATA_IPA - TEXT_IPA], data_byte(0));
}

static void test_image_empty_load_segments_are_ignored(void **state)
{
	(void)state;
	/* Neither its address nor its file offset matters. */
	elf.ph[1] = load_segment(0x10, 0xffffffffffffff00ull, 0, 0);
	assert_true(load("empty_seg.elf"));
	assert_int_equal(img.load, TEXT_IPA);
	assert_int_equal(img.size, DATA_IPA + DATA_MEMSZ - TEXT_IPA);
}

static void test_image_bss_only_segment_is_zero_filled(void **state)
{
	(void)state;
	elf.ph[2] = load_segment(DATA_IPA, 0xffffffffffffff00ull, 0, 0x100);
	assert_true(load("bss.elf"));
	assert_int_equal(img.size, DATA_IPA + 0x100 - TEXT_IPA);
	assert_zero(img.data + TEXT_SIZE, img.size - TEXT_SIZE);
}

static void test_image_may_fill_guest_ram_to_its_last_byte(void **state)
{
	(void)state;
	elf.ph[2].p_memsz = RAM_IPA + RAM_SIZE - DATA_IPA;
	assert_true(load("full.elf"));
	assert_int_equal(img.load + img.size, RAM_IPA + RAM_SIZE);
	assert_int_equal(img.data[img.size - 1], 0);
}

static void test_image_parse_elf_reads_only_the_given_bytes(void **state)
{
	uint8_t out[FILE_LEN];
	uint8_t *copy;

	(void)state;
	elf_bytes(out);
	/* Every prefix of a valid file, alone in its allocation. */
	for (size_t len = 0; len < DATA_OFF + DATA_FILESZ; len++) {
		/* At least a byte: the parser gets a real (if empty) block. */
		copy = malloc(len != 0 ? len : 1);
		assert_non_null(copy);
		memcpy(copy, out, len);
		assert_false(sim_image_parse_elf(copy, len, "cut.elf", RAM_IPA,
						 RAM_SIZE, &img, err,
						 sizeof(err)));
		assert_null(img.data);
		free(copy);
	}
	assert_true(sim_image_parse_elf(out, DATA_OFF + DATA_FILESZ, "cut.elf",
					RAM_IPA, RAM_SIZE, &img, err,
					sizeof(err)));
}

static void test_image_random_corruption_gets_a_message(void **state)
{
	uint8_t out[FILE_LEN], bad[FILE_LEN];
	uint32_t seed = 12345;

	(void)state;
	elf_bytes(out);
	/* A fixed-seed smoke test; the fuzzer goes further. */
	for (unsigned round = 0; round < 20000; round++) {
		memcpy(bad, out, FILE_LEN);
		for (unsigned flips = 0; flips < 1 + round % 4; flips++) {
			seed = seed * 1664525u + 1013904223u;
			/* Mostly the headers, where the decisions are. */
			bad[(seed >> 8) % (round & 1 ? 0xe8 : FILE_LEN)] ^=
			    (uint8_t)(1u << (seed >> 29));
		}
		err[0] = '\0';
		if (sim_image_parse_elf(bad, FILE_LEN, "f.elf", RAM_IPA,
					RAM_SIZE, &img, err, sizeof(err))) {
			assert_true(img.size > 0 && img.size <= RAM_SIZE);
			assert_true(img.entry >= img.load &&
				    img.entry - img.load < img.size);
			sim_image_free(&img);
		} else {
			assert_true(strncmp(err, "f.elf: ", 7) == 0);
			assert_null(img.data);
		}
	}
}

static void test_image_missing_file_is_refused(void **state)
{
	char want[sizeof(err)];

	(void)state;
	snprintf(path, sizeof(path), "%s/nofile.elf", dir);
	assert_false(
	    sim_image_load(path, RAM_IPA, RAM_SIZE, &img, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "%s: cannot open: No such file or directory", path);
	assert_string_equal(err, want);
}

static void test_image_directory_is_refused(void **state)
{
	char want[sizeof(err)];

	(void)state;
	assert_false(
	    sim_image_load(dir, RAM_IPA, RAM_SIZE, &img, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: read error: Is a directory", dir);
	assert_string_equal(err, want);
}

static void test_image_empty_file_is_refused(void **state)
{
	(void)state;
	elf.len = 0;
	assert_refused("empty file");
}

static void test_image_bad_magic_is_refused(void **state)
{
	(void)state;
	elf.eh.e_ident[EI_MAG1] = 'X';
	assert_refused("not an ELF file (bad magic)");
}

static void test_image_truncated_identification_is_refused(void **state)
{
	(void)state;
	elf.len = EI_NIDENT - 1;
	assert_refused("truncated ELF header");
}

static void test_image_truncated_header_is_refused(void **state)
{
	(void)state;
	elf.len = sizeof(Elf64_Ehdr) - 1;
	assert_refused("truncated ELF header");
}

static void test_image_elf32_is_refused(void **state)
{
	(void)state;
	elf.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_refused("not a 64-bit ELF (EI_CLASS 1)");
}

static void test_image_big_endian_is_refused(void **state)
{
	(void)state;
	elf.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	assert_refused("not a little-endian ELF (EI_DATA 2)");
}

static void test_image_unknown_ident_version_is_refused(void **state)
{
	(void)state;
	elf.eh.e_ident[EI_VERSION] = EV_NONE;
	assert_refused("unsupported ELF version (EI_VERSION 0)");
}

static void test_image_unknown_header_version_is_refused(void **state)
{
	(void)state;
	elf.eh.e_version = 2;
	assert_refused("unsupported ELF version (e_version 2)");
}

static void test_image_other_machine_is_refused(void **state)
{
	(void)state;
	elf.eh.e_machine = EM_X86_64;
	assert_refused("not an AArch64 ELF (e_machine 62)");
}

static void test_image_position_independent_executable_is_refused(void **state)
{
	(void)state;
	elf.eh.e_type = ET_DYN;
	assert_refused("not an executable ELF (e_type 3, expected ET_EXEC)");
}

static void test_image_wrong_program_header_size_is_refused(void **state)
{
	(void)state;
	elf.eh.e_phentsize = sizeof(Elf32_Phdr);
	assert_refused("bad program header size (e_phentsize 32, expected 56)");
}

static void test_image_extended_program_header_count_is_refused(void **state)
{
	(void)state;
	elf.eh.e_phnum = PN_XNUM;
	assert_refused("extended program header count (PN_XNUM) is not "
		       "supported");
}

static void test_image_program_headers_past_the_end_are_refused(void **state)
{
	(void)state;
	elf.eh.e_phoff = FILE_LEN - 2 * sizeof(Elf64_Phdr);
	assert_refused("program headers at 0x290+0xa8 are outside the file "
		       "(768 bytes)");
}

static void test_image_program_header_offset_near_2_64_is_refused(void **state)
{
	(void)state;
	elf.eh.e_phoff = 0xfffffffffffffff0ull;
	assert_refused("program headers at 0xfffffffffffffff0+0xa8 are outside "
		       "the file (768 bytes)");
}

static void test_image_segment_bytes_past_the_end_are_refused(void **state)
{
	(void)state;
	elf.ph[2].p_offset = FILE_LEN - 8;
	assert_refused("segment 2: file bytes 0x2f8+0x10 are outside the file "
		       "(768 bytes)");
}

static void test_image_segment_offset_near_2_64_is_refused(void **state)
{
	(void)state;
	elf.ph[0].p_offset = 0xfffffffffffffff8ull;
	assert_refused("segment 0: file bytes 0xfffffffffffffff8+0x20 are "
		       "outside the file (768 bytes)");
}

static void
test_image_segment_larger_in_file_than_memory_is_refused(void **state)
{
	(void)state;
	elf.ph[2].p_memsz = 8;
	assert_refused("segment 2: p_filesz 0x10 is larger than p_memsz 0x8");
}

static void
test_image_segment_wrapping_the_address_space_is_refused(void **state)
{
	(void)state;
	elf.ph[2].p_paddr = 0xfffffffffffff000ull;
	elf.ph[2].p_memsz = 0x2000;
	assert_refused("segment 2 at 0xfffffffffffff000+0x2000 wraps around "
		       "the address space");
}

static void test_image_segment_outside_ram_is_refused(void **state)
{
	(void)state;
	elf.ph[2].p_paddr = 0x20000000;
	elf.ph[2].p_memsz = 0x1000;
	assert_refused("segment 2 at 0x20000000+0x1000 is outside guest RAM "
		       "0x40000000-0x43ffffff");
}

static void test_image_segment_crossing_the_end_of_ram_is_refused(void **state)
{
	(void)state;
	elf.ph[2].p_paddr = RAM_IPA + RAM_SIZE - 0x10;
	elf.ph[2].p_memsz = 0x11;
	assert_refused("segment 2 at 0x43fffff0+0x11 is outside guest RAM "
		       "0x40000000-0x43ffffff");
}

static void test_image_without_load_segment_is_refused(void **state)
{
	(void)state;
	elf.ph[0].p_type = PT_NOTE;
	elf.ph[2].p_type = PT_NOTE;
	assert_refused("no PT_LOAD segment");
}

static void test_image_without_program_headers_is_refused(void **state)
{
	(void)state;
	elf.eh.e_phnum = 0;
	assert_refused("no PT_LOAD segment");
}

static void test_image_overlapping_segments_are_refused(void **state)
{
	(void)state;
	elf.ph[2].p_paddr = TEXT_IPA + TEXT_SIZE - 4;
	assert_refused("segments 0 and 2 overlap at 0x4008001c");
}

static void test_image_entry_outside_segments_is_refused(void **state)
{
	(void)state;
	elf.eh.e_entry = 0x40100000;
	assert_refused("entry point 0x40100000 is not inside a loaded segment");
}

static void
test_image_entry_in_the_last_bytes_of_a_segment_is_refused(void **state)
{
	(void)state;
	/* An instruction is 4 bytes: it must fit. */
	elf.ph[0].p_memsz = TEXT_SIZE + 2;
	elf.eh.e_entry = TEXT_IPA + TEXT_SIZE;
	assert_refused("entry point 0x40080020 is not inside a loaded segment");
}

static void test_image_misaligned_entry_is_refused(void **state)
{
	(void)state;
	elf.eh.e_entry = ENTRY + 2;
	assert_refused("entry point 0x4008000a is not 4-byte aligned");
}

static void test_image_invalid_guest_ram_is_refused(void **state)
{
	char want[sizeof(err)];

	(void)state;
	assert_false(sim_image_load(write_elf("hello.elf"), RAM_IPA, 0, &img,
				    err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: invalid guest RAM 0x40000000+0x0",
		 path);
	assert_string_equal(err, want);
}

static void test_image_message_is_cut_to_the_buffer(void **state)
{
	char small[8];

	(void)state;
	elf.eh.e_machine = EM_X86_64;
	assert_false(sim_image_load(write_elf("x.elf"), RAM_IPA, RAM_SIZE, &img,
				    small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_false(sim_image_load(path, RAM_IPA, RAM_SIZE, &img, NULL, 0));
}

static const uint8_t raw[] = {0x1f, 0x20, 0x03, 0xd5, 0x00, 0x00,
			      0x00, 0x14, 0xaa, 0xbb, 0xcc, 0xdd};

static void assert_raw_refused(uint64_t load_at, uint64_t ram_size,
			       const char *msg)
{
	char want[sizeof(err)];

	assert_false(sim_image_load_raw(path, load_at, RAM_IPA, ram_size, &img,
					err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: %s", path, msg);
	assert_string_equal(err, want);
	assert_null(img.data);
}

static void test_raw_binary_is_loaded_where_asked(void **state)
{
	(void)state;
	assert_true(sim_image_load_raw(write_file("raw.bin", raw, sizeof(raw)),
				       RAM_IPA + 0x80000, RAM_IPA, RAM_SIZE,
				       &img, err, sizeof(err)));
	assert_int_equal(img.load, RAM_IPA + 0x80000);
	assert_int_equal(img.entry, RAM_IPA + 0x80000);
	assert_int_equal(img.size, sizeof(raw));
	assert_memory_equal(img.data, raw, sizeof(raw));
}

static void test_raw_binary_may_fill_guest_ram_exactly(void **state)
{
	(void)state;
	write_file("raw.bin", raw, sizeof(raw));
	assert_true(sim_image_load_raw(path, RAM_IPA, RAM_IPA, sizeof(raw),
				       &img, err, sizeof(err)));
	assert_int_equal(img.size, sizeof(raw));
}

static void test_raw_binary_outside_ram_is_refused(void **state)
{
	(void)state;
	write_file("raw.bin", raw, sizeof(raw));
	assert_raw_refused(0x20000000, RAM_SIZE,
			   "image at 0x20000000+0xc is outside guest RAM "
			   "0x40000000-0x43ffffff");
}

static void test_raw_binary_crossing_the_end_of_ram_is_refused(void **state)
{
	(void)state;
	write_file("raw.bin", raw, sizeof(raw));
	assert_raw_refused(RAM_IPA + RAM_SIZE - 8, RAM_SIZE,
			   "image at 0x43fffff8+0xc is outside guest RAM "
			   "0x40000000-0x43ffffff");
}

static void test_raw_binary_larger_than_ram_is_refused(void **state)
{
	(void)state;
	write_file("raw.bin", raw, sizeof(raw));
	assert_raw_refused(RAM_IPA, sizeof(raw) - 1,
			   "file is larger than guest RAM (11 bytes)");
}

static void test_raw_binary_empty_is_refused(void **state)
{
	(void)state;
	write_file("raw.bin", raw, 0);
	assert_raw_refused(RAM_IPA, RAM_SIZE, "empty file");
}

static void test_file_is_read_whole(void **state)
{
	/* Larger than the first read buffer, so the buffer has to grow. */
	size_t len = 200000;
	uint8_t *data = malloc(len);

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	write_file("guest.dtb", data, len);
	assert_true(sim_file_read(path, len, &img, err, sizeof(err)));
	assert_int_equal(img.size, len);
	assert_int_equal(img.load, 0);
	assert_memory_equal(img.data, data, len);
	free(data);
}

static void test_file_larger_than_max_is_refused(void **state)
{
	char want[sizeof(err)];

	(void)state;
	write_file("guest.dtb", raw, sizeof(raw));
	assert_false(
	    sim_file_read(path, sizeof(raw) - 1, &img, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: file is larger than 11 bytes", path);
	assert_string_equal(err, want);
	assert_null(img.data);
}

static void test_file_empty_is_refused(void **state)
{
	char want[sizeof(err)];

	(void)state;
	write_file("guest.dtb", raw, 0);
	assert_false(sim_file_read(path, 100, &img, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: empty file", path);
	assert_string_equal(err, want);
}

static void test_file_missing_is_refused(void **state)
{
	char want[sizeof(err)];

	(void)state;
	snprintf(path, sizeof(path), "%s/nofile.dtb", dir);
	assert_false(sim_file_read(path, 100, &img, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "%s: cannot open: No such file or directory", path);
	assert_string_equal(err, want);
}

/* A minimal device tree: header, empty memory map, struct and strings. */
#define DTB_LEN 76

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void make_dtb(uint8_t *d)
{
	memset(d, 0, DTB_LEN);
	put_be32(d + 0, 0xd00dfeed);
	put_be32(d + 4, DTB_LEN); /* totalsize */
	put_be32(d + 8, 56);	  /* off_dt_struct */
	put_be32(d + 12, 72);	  /* off_dt_strings */
	put_be32(d + 16, 40);	  /* off_mem_rsvmap */
	put_be32(d + 20, 17);	  /* version */
	put_be32(d + 24, 16);	  /* last_comp_version */
	put_be32(d + 32, 4);	  /* size_dt_strings */
	put_be32(d + 36, 16);	  /* size_dt_struct */
	put_be32(d + 56, 1);	  /* FDT_BEGIN_NODE "" */
	put_be32(d + 64, 2);	  /* FDT_END_NODE */
	put_be32(d + 68, 9);	  /* FDT_END */
}

static void test_dtb_is_accepted_whole(void **state)
{
	uint8_t d[DTB_LEN];

	(void)state;
	make_dtb(d);
	assert_true(sim_dtb_check(d, sizeof(d), "t.dtb", err, sizeof(err)));
}

/* d, cut to len bytes, is refused with "t.dtb: " followed by want. */
static void assert_dtb_refused(const uint8_t *d, size_t len, const char *want)
{
	char full[sizeof(err)];

	snprintf(full, sizeof(full), "t.dtb: %s", want);
	assert_false(sim_dtb_check(d, len, "t.dtb", err, sizeof(err)));
	assert_string_equal(err, full);
}

static void test_dtb_bad_magic_is_refused(void **state)
{
	uint8_t d[DTB_LEN];

	(void)state;
	make_dtb(d);
	assert_dtb_refused(d, 3, "not a device tree blob (bad magic)");
	d[3] ^= 1;
	assert_dtb_refused(d, sizeof(d), "not a device tree blob (bad magic)");
}

static void test_dtb_truncated_header_is_refused(void **state)
{
	uint8_t d[DTB_LEN];

	(void)state;
	make_dtb(d);
	assert_dtb_refused(
	    d, 39, "truncated device tree: 39 bytes, its header has 40");
}

static void test_dtb_unknown_version_is_refused(void **state)
{
	uint8_t d[DTB_LEN];

	(void)state;
	make_dtb(d);
	put_be32(d + 20, 15);
	assert_dtb_refused(
	    d, sizeof(d),
	    "device tree version 15 (compatible with 16) is not 16 or 17");
	make_dtb(d);
	put_be32(d + 24, 18);
	assert_dtb_refused(
	    d, sizeof(d),
	    "device tree version 17 (compatible with 18) is not 16 or 17");
}

static void test_dtb_version_16_has_no_struct_size(void **state)
{
	uint8_t d[DTB_LEN];

	(void)state;
	make_dtb(d);
	put_be32(d + 20, 16);
	put_be32(d + 36, 0xffffffff); /* not a field in version 16 */
	assert_true(sim_dtb_check(d, sizeof(d), "t.dtb", err, sizeof(err)));
}

static void test_dtb_totalsize_must_fit_the_file(void **state)
{
	uint8_t d[DTB_LEN];

	(void)state;
	make_dtb(d);
	assert_dtb_refused(
	    d, DTB_LEN - 1,
	    "device tree totalsize 76 is larger than the file (75 bytes)");
	put_be32(d + 4, 39);
	assert_dtb_refused(
	    d, sizeof(d),
	    "device tree totalsize 39 is smaller than its header");
}

static void test_dtb_blocks_must_lie_inside_it(void **state)
{
	static const struct {
		unsigned field;
		uint32_t value;
	} bad[] = {
	    {8, 77},	      /* struct past the end */
	    {36, 21},	      /* struct too long */
	    {12, 8},	      /* strings inside the header */
	    {32, 0xfffffff0}, /* strings size that wraps */
	    {16, 80},	      /* memory map past the end */
	};
	uint8_t d[DTB_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_dtb(d);
		put_be32(d + bad[i].field, bad[i].value);
		assert_dtb_refused(
		    d, sizeof(d),
		    "device tree blocks lie outside its totalsize 76");
	}
}

/* hvsim's boot tree (and an image's --dtb) is refused by the same checks,
 * its bytes freed. */
static void test_dtb_boot_tree_refused_by_the_same_checks(void **state)
{
	uint8_t d[DTB_LEN];
	char want[sizeof(err)];
	struct sim_boot b;

	(void)state;
	make_dtb(d);
	write_file("boot.dtb", d, 20);
	assert_false(sim_boot_read_dtb(path, &b, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "%s: truncated device tree: 20 bytes, its header has 40",
		 path);
	assert_string_equal(err, want);
	sim_boot_free(&b);
	assert_null(b.dtb);
	write_file("boot.dtb", d, sizeof(d));
	assert_false(sim_boot_read_dtb(path, &b, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: no /memory node with a RAM range",
		 path);
	assert_string_equal(err, want);
	sim_boot_free(&b);
}

static void test_image_free_empties_the_image(void **state)
{
	(void)state;
	assert_true(load("hello.elf"));
	sim_image_free(&img);
	assert_null(img.data);
	assert_int_equal(img.size, 0);
	sim_image_free(&img);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_elf, cleanup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_image_elf_is_flattened_from_its_load_segments),
	    T(test_image_segments_are_placed_by_physical_address),
	    T(test_image_segments_may_come_in_any_order),
	    T(test_image_empty_load_segments_are_ignored),
	    T(test_image_bss_only_segment_is_zero_filled),
	    T(test_image_may_fill_guest_ram_to_its_last_byte),
	    T(test_image_parse_elf_reads_only_the_given_bytes),
	    T(test_image_random_corruption_gets_a_message),
	    T(test_image_missing_file_is_refused),
	    T(test_image_directory_is_refused),
	    T(test_image_empty_file_is_refused),
	    T(test_image_bad_magic_is_refused),
	    T(test_image_truncated_identification_is_refused),
	    T(test_image_truncated_header_is_refused),
	    T(test_image_elf32_is_refused),
	    T(test_image_big_endian_is_refused),
	    T(test_image_unknown_ident_version_is_refused),
	    T(test_image_unknown_header_version_is_refused),
	    T(test_image_other_machine_is_refused),
	    T(test_image_position_independent_executable_is_refused),
	    T(test_image_wrong_program_header_size_is_refused),
	    T(test_image_extended_program_header_count_is_refused),
	    T(test_image_program_headers_past_the_end_are_refused),
	    T(test_image_program_header_offset_near_2_64_is_refused),
	    T(test_image_segment_bytes_past_the_end_are_refused),
	    T(test_image_segment_offset_near_2_64_is_refused),
	    T(test_image_segment_larger_in_file_than_memory_is_refused),
	    T(test_image_segment_wrapping_the_address_space_is_refused),
	    T(test_image_segment_outside_ram_is_refused),
	    T(test_image_segment_crossing_the_end_of_ram_is_refused),
	    T(test_image_without_load_segment_is_refused),
	    T(test_image_without_program_headers_is_refused),
	    T(test_image_overlapping_segments_are_refused),
	    T(test_image_entry_outside_segments_is_refused),
	    T(test_image_entry_in_the_last_bytes_of_a_segment_is_refused),
	    T(test_image_misaligned_entry_is_refused),
	    T(test_image_invalid_guest_ram_is_refused),
	    T(test_image_message_is_cut_to_the_buffer),
	    T(test_raw_binary_is_loaded_where_asked),
	    T(test_raw_binary_may_fill_guest_ram_exactly),
	    T(test_raw_binary_outside_ram_is_refused),
	    T(test_raw_binary_crossing_the_end_of_ram_is_refused),
	    T(test_raw_binary_larger_than_ram_is_refused),
	    T(test_raw_binary_empty_is_refused),
	    T(test_file_is_read_whole),
	    T(test_file_larger_than_max_is_refused),
	    T(test_file_empty_is_refused),
	    T(test_file_missing_is_refused),
	    T(test_dtb_is_accepted_whole),
	    T(test_dtb_bad_magic_is_refused),
	    T(test_dtb_truncated_header_is_refused),
	    T(test_dtb_unknown_version_is_refused),
	    T(test_dtb_version_16_has_no_struct_size),
	    T(test_dtb_totalsize_must_fit_the_file),
	    T(test_dtb_blocks_must_lie_inside_it),
	    T(test_dtb_boot_tree_refused_by_the_same_checks),
	    T(test_image_free_empties_the_image),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
