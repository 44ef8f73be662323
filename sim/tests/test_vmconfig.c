/*
 * Unit tests of sim/vmconfig.c: what valid configuration files produce,
 * and one test per error with its exact "name:line: message".
 */
/* mkdtemp, chdir and friends are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmconfig.h"

static struct sim_config cfg;
static char err[512];
static char dir[64];
static char path[128];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sim_test_vmconfig.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
	(void)state;
	return rmdir(dir);
}

static int cleanup(void **state)
{
	(void)state;
	if (path[0] != '\0')
		unlink(path);
	path[0] = '\0';
	err[0] = '\0';
	return 0;
}

static bool parse(const char *text)
{
	return sim_config_parse(text, "t.cfg", "/cfg", &cfg, err, sizeof(err));
}

/* Fails unless parsing text is refused with exactly msg. */
#define assert_parse_error(text, msg)                                          \
	do {                                                                   \
		assert_false(parse(text));                                     \
		assert_string_equal(err, (msg));                               \
	} while (0)

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

static void test_config_one_vm_gets_the_defaults(void **state)
{
	const struct sim_vm_spec *vm = &cfg.vms[0];

	(void)state;
	assert_true(parse("[vm hello]\nimage = hello.elf\n"));
	assert_int_equal(cfg.vm_count, 1);
	assert_string_equal(vm->name, "hello");
	assert_string_equal(vm->image, "/cfg/hello.elf");
	assert_string_equal(vm->dtb, "");
	assert_int_equal(vm->vcpus, 1);
	assert_int_equal(vm->ram_size, 64ull << 20);
	assert_int_equal(vm->ram_ipa, 0x40000000);
	assert_true(vm->console);
	assert_false(vm->console_set);
}

static void test_config_two_vms_with_every_key(void **state)
{
	const struct sim_vm_spec *a = &cfg.vms[0], *b = &cfg.vms[1];

	(void)state;
	assert_true(parse("# Two VMs sharing the machine.\n"
			  "[vm hello]\n"
			  "image = ../tests/guests/hello.elf\n"
			  "vcpus = 2\n"
			  "ram = 64M\n"
			  "ram_ipa = 0x40000000\n"
			  "dtb = guest.dtb\n"
			  "console = yes\n"
			  "\n"
			  "[vm second-2_B]\n"
			  "image = /abs/second.elf\n"
			  "vcpus = 4\n"
			  "ram = 0x200000\n"
			  "ram_ipa = 0x80000000\n"));
	assert_int_equal(cfg.vm_count, 2);
	assert_string_equal(a->name, "hello");
	assert_string_equal(a->image, "/cfg/../tests/guests/hello.elf");
	assert_string_equal(a->dtb, "/cfg/guest.dtb");
	assert_int_equal(a->vcpus, 2);
	assert_int_equal(a->ram_size, 0x4000000);
	assert_int_equal(a->ram_ipa, 0x40000000);
	assert_true(a->console);
	assert_true(a->console_set);
	assert_string_equal(b->name, "second-2_B");
	assert_string_equal(b->image, "/abs/second.elf");
	assert_string_equal(b->dtb, "");
	assert_int_equal(b->vcpus, 4);
	assert_int_equal(b->ram_size, 0x200000);
	assert_int_equal(b->ram_ipa, 0x80000000);
	assert_false(b->console);
	assert_false(b->console_set);
}

static uint64_t ram_of(const char *value)
{
	char text[256];

	snprintf(text, sizeof(text), "[vm a]\nimage = a\nram = %s\n", value);
	if (!parse(text))
		fail_msg("'%s' refused: %s", value, err);
	return cfg.vms[0].ram_size;
}

static void test_config_sizes_take_suffixes_and_hex(void **state)
{
	(void)state;
	assert_int_equal(ram_of("4096"), 0x1000);
	assert_int_equal(ram_of("4K"), 0x1000);
	assert_int_equal(ram_of("8k"), 0x2000);
	assert_int_equal(ram_of("2M"), 0x200000);
	assert_int_equal(ram_of("512m"), 0x20000000);
	assert_int_equal(ram_of("1G"), 0x40000000);
	assert_int_equal(ram_of("16g"), 0x400000000);
	assert_int_equal(ram_of("0x200000"), 0x200000);
	assert_int_equal(ram_of("0X1aB000"), 0x1ab000);
	assert_int_equal(ram_of("0x10M"), 0x1000000);
	assert_int_equal(ram_of("0002M"), 0x200000);
	assert_true(parse("[vm a]\nimage = a\nram_ipa = 1G\n"));
	assert_int_equal(cfg.vms[0].ram_ipa, 0x40000000);
	assert_true(parse("[vm a]\nimage = a\nram_ipa = 0\n"));
	assert_int_equal(cfg.vms[0].ram_ipa, 0);
}

static void test_config_whitespace_and_comments_go_anywhere(void **state)
{
	(void)state;
	assert_true(parse("   # leading comment\n"
			  "\n"
			  "\t[ vm \t hello ]   # the first VM\r\n"
			  "  \t \n"
			  "image=a.elf#no space needed\r\n"
			  "\tvcpus\t=\t3 \t\n"
			  "ram =   2M# trailing\n"
			  "# console = yes\n"
			  "  console   = no   "));
	assert_int_equal(cfg.vm_count, 1);
	assert_string_equal(cfg.vms[0].name, "hello");
	assert_string_equal(cfg.vms[0].image, "/cfg/a.elf");
	assert_int_equal(cfg.vms[0].vcpus, 3);
	assert_int_equal(cfg.vms[0].ram_size, 0x200000);
	assert_false(cfg.vms[0].console);
	assert_true(cfg.vms[0].console_set);
}

static void test_config_paths_are_taken_from_the_base_dir(void **state)
{
	static const char text[] = "[vm a]\nimage = g/a b.elf\ndtb = /d.dtb\n";

	(void)state;
	assert_true(sim_config_parse(text, "t.cfg", "/etc/hv/", &cfg, err,
				     sizeof(err)));
	assert_string_equal(cfg.vms[0].image, "/etc/hv/g/a b.elf");
	assert_string_equal(cfg.vms[0].dtb, "/d.dtb");
	assert_true(
	    sim_config_parse(text, "t.cfg", "rel", &cfg, err, sizeof(err)));
	assert_string_equal(cfg.vms[0].image, "rel/g/a b.elf");
	assert_true(
	    sim_config_parse(text, "t.cfg", "", &cfg, err, sizeof(err)));
	assert_string_equal(cfg.vms[0].image, "g/a b.elf");
	assert_true(
	    sim_config_parse(text, "t.cfg", NULL, &cfg, err, sizeof(err)));
	assert_string_equal(cfg.vms[0].image, "g/a b.elf");
}

static void test_config_file_paths_are_relative_to_the_file(void **state)
{
	static const char text[] = "[vm a]\nimage = ../a.elf\n";
	char want[sizeof(path) + 16];

	(void)state;
	write_file("vms.cfg", text, sizeof(text) - 1);
	assert_true(sim_config_load(path, &cfg, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/../a.elf", dir);
	assert_string_equal(cfg.vms[0].image, want);
}

static void test_config_file_in_the_current_dir_keeps_paths(void **state)
{
	static const char text[] = "[vm a]\nimage = a.elf\n";
	char cwd[SIM_PATH_MAX];

	(void)state;
	write_file("vms.cfg", text, sizeof(text) - 1);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_true(sim_config_load("vms.cfg", &cfg, err, sizeof(err)));
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(cfg.vms[0].image, "a.elf");
}

static void test_config_console_goes_to_the_vm_that_asks(void **state)
{
	(void)state;
	assert_true(parse("[vm a]\nimage = a\n"
			  "[vm b]\nimage = b\nconsole = yes\n"));
	assert_false(cfg.vms[0].console);
	assert_true(cfg.vms[1].console);
}

static void test_config_console_may_go_to_no_vm(void **state)
{
	(void)state;
	assert_true(parse("[vm a]\nimage = a\nconsole = no\n"
			  "[vm b]\nimage = b\n"));
	assert_false(cfg.vms[0].console);
	assert_false(cfg.vms[1].console);
}

static void test_config_holds_the_maximum_of_vms(void **state)
{
	(void)state;
	assert_true(parse("[vm a]\nimage = a\n[vm b]\nimage = b\n"
			  "[vm c]\nimage = c\n[vm d]\nimage = d\n"));
	assert_int_equal(cfg.vm_count, HV_MAX_VMS);
	assert_string_equal(cfg.vms[3].name, "d");
}

static void test_config_name_of_15_characters_is_accepted(void **state)
{
	(void)state;
	assert_true(parse("[vm abcdefghijklmno]\nimage = a\n"));
	assert_string_equal(cfg.vms[0].name, "abcdefghijklmno");
}

static void test_config_line_of_1024_characters_is_accepted(void **state)
{
	char text[SIM_CONFIG_LINE_MAX + 64];

	(void)state;
	strcpy(text, "[vm a]\nimage = a\n");
	memset(text + strlen(text), '#', SIM_CONFIG_LINE_MAX);
	text[17 + SIM_CONFIG_LINE_MAX] = '\0';
	strcat(text, "\r\n");
	assert_true(parse(text));
}

static void test_config_unknown_key_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nmemory = 64M\n",
			   "t.cfg:3: unknown key 'memory' (keys: image, dtb, "
			   "vcpus, ram, ram_ipa, console)");
}

static void test_config_key_outside_a_section_is_refused(void **state)
{
	(void)state;
	assert_parse_error("# no section yet\nimage = a\n[vm a]\n",
			   "t.cfg:2: 'image' outside a [vm NAME] section");
}

static void test_config_bad_section_headers_are_refused(void **state)
{
	static const char *const headers[] = {
	    "[vm]", "[vm   ]", "[vm a", "vm a]",  "[]",	      "[ ]",
	    "[",    "[box a]", "[vma]", "[VM a]", "[vm a]]x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "\n%s\nimage = a\n", headers[i]);
		assert_false(parse(text));
		if (strcmp(headers[i], "vm a]") == 0)
			assert_string_equal(
			    err, "t.cfg:2: expected 'key = value' or '[vm "
				 "NAME]'");
		else
			assert_string_equal(
			    err, "t.cfg:2: bad section header (expected [vm "
				 "NAME])");
	}
}

static void test_config_vm_without_image_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nvcpus = 2\n[vm b]\nimage = b\n",
			   "t.cfg:1: vm 'a' has no image");
	assert_parse_error("[vm a]\nimage = a\n\n[vm b]\nvcpus = 2\n",
			   "t.cfg:4: vm 'b' has no image");
}

static void test_config_duplicate_vm_name_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\n[vm b]\nimage = b\n[vm a]\n",
			   "t.cfg:5: duplicate VM name 'a' (first at line 1)");
}

static void test_config_duplicate_key_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nvcpus = 1\nimage = a\nvcpus = 2\n",
			   "t.cfg:4: duplicate key 'vcpus' (first at line 2)");
}

static void test_config_same_key_in_two_sections_is_accepted(void **state)
{
	(void)state;
	assert_true(parse("[vm a]\nimage = a\nvcpus = 2\n"
			  "[vm b]\nimage = b\nvcpus = 3\n"));
	assert_int_equal(cfg.vms[1].vcpus, 3);
}

static void test_config_name_of_16_characters_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm abcdefghijklmnop]\nimage = a\n",
			   "t.cfg:1: VM name 'abcdefghijklmnop' is longer than "
			   "15 characters");
}

static void test_config_name_with_other_characters_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a.b]\nimage = a\n",
			   "t.cfg:1: VM name 'a.b' may only hold A-Z, a-z, "
			   "0-9, '_' and '-'");
	assert_parse_error("[vm a b]\nimage = a\n",
			   "t.cfg:1: VM name 'a b' may only hold A-Z, a-z, "
			   "0-9, '_' and '-'");
}

static void test_config_more_than_4_vms_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\n[vm b]\nimage = b\n"
			   "[vm c]\nimage = c\n[vm d]\nimage = d\n"
			   "[vm e]\nimage = e\n",
			   "t.cfg:9: more than 4 VMs");
}

static void test_config_vcpus_out_of_range_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nvcpus = 0\n",
			   "t.cfg:3: vcpus 0 is not in 1..4");
	assert_parse_error("[vm a]\nimage = a\nvcpus = 5\n",
			   "t.cfg:3: vcpus 5 is not in 1..4");
	assert_parse_error("[vm a]\nimage = a\nvcpus = 0x100000001\n",
			   "t.cfg:3: vcpus 4294967297 is not in 1..4");
}

static void test_config_bad_numbers_are_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nvcpus = two\n",
			   "t.cfg:3: bad value 'two' for vcpus (expected a "
			   "number)");
	assert_parse_error("[vm a]\nimage = a\nvcpus = 1K\n",
			   "t.cfg:3: bad value '1K' for vcpus (expected a "
			   "number)");
	assert_parse_error("[vm a]\nimage = a\nvcpus = -1\n",
			   "t.cfg:3: bad value '-1' for vcpus (expected a "
			   "number)");
	assert_parse_error(
	    "[vm a]\nimage = a\nram = 64X\n",
	    "t.cfg:3: bad value '64X' for ram (expected a number "
	    "with an optional K, M or G suffix)");
	assert_parse_error("[vm a]\nimage = a\nram = 64 M\n",
			   "t.cfg:3: bad value '64 M' for ram (expected a "
			   "number with an optional K, M or G suffix)");
	assert_parse_error("[vm a]\nimage = a\nram = 64MB\n",
			   "t.cfg:3: bad value '64MB' for ram (expected a "
			   "number with an optional K, M or G suffix)");
	assert_parse_error("[vm a]\nimage = a\nram = M\n",
			   "t.cfg:3: bad value 'M' for ram (expected a number "
			   "with an optional K, M or G suffix)");
	assert_parse_error("[vm a]\nimage = a\nram_ipa = 0x\n",
			   "t.cfg:3: bad value '0x' for ram_ipa (expected a "
			   "number with an optional K, M or G suffix)");
	assert_parse_error("[vm a]\nimage = a\nram_ipa = 0x4g000000\n",
			   "t.cfg:3: bad value '0x4g000000' for ram_ipa "
			   "(expected a number with an optional K, M or G "
			   "suffix)");
}

static void test_config_numbers_beyond_64_bits_are_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nram = 18446744073709551616\n",
			   "t.cfg:3: ram value '18446744073709551616' does not "
			   "fit in 64 bits");
	assert_parse_error("[vm a]\nimage = a\nram = 0x10000000000000000\n",
			   "t.cfg:3: ram value '0x10000000000000000' does not "
			   "fit in 64 bits");
	assert_parse_error("[vm a]\nimage = a\nram = 17179869184G\n",
			   "t.cfg:3: ram value '17179869184G' does not fit in "
			   "64 bits");
	assert_parse_error("[vm a]\nimage = a\nvcpus = 99999999999999999999\n",
			   "t.cfg:3: vcpus value '99999999999999999999' does "
			   "not fit in 64 bits");
}

static void test_config_ram_not_a_multiple_of_4k_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nram = 0x1800\n",
			   "t.cfg:3: ram 0x1800 is not a non-zero multiple of "
			   "4 KiB");
	assert_parse_error("[vm a]\nimage = a\nram = 0\n",
			   "t.cfg:3: ram 0x0 is not a non-zero multiple of 4 "
			   "KiB");
}

static void test_config_misaligned_ram_ipa_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nram_ipa = 0x40000800\n",
			   "t.cfg:3: ram_ipa 0x40000800 is not 4 KiB aligned");
}

static void test_config_ram_past_the_address_space_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nram = 2M\nimage = a\n"
			   "ram_ipa = 0xfffffffffff00000\n",
			   "t.cfg:4: ram_ipa 0xfffffffffff00000 + ram 0x200000 "
			   "is beyond the 64-bit address space");
	/* Up to the last byte is fine. */
	assert_true(parse("[vm a]\nimage = a\nram_ipa = 0xffffffffffe00000\n"
			  "ram = 2M\n"));
}

static void test_config_empty_file_is_refused(void **state)
{
	(void)state;
	assert_parse_error("", "t.cfg:1: no [vm NAME] section");
	assert_parse_error("# only\n\n  # comments\n",
			   "t.cfg:3: no [vm NAME] section");
}

static void test_config_line_too_long_is_refused(void **state)
{
	char text[SIM_CONFIG_LINE_MAX + 64];

	(void)state;
	strcpy(text, "[vm a]\nimage = ");
	memset(text + strlen(text), 'a', SIM_CONFIG_LINE_MAX);
	text[15 + SIM_CONFIG_LINE_MAX] = '\0';
	assert_parse_error(text, "t.cfg:2: line is longer than 1024 "
				 "characters");
}

static void test_config_nul_byte_is_refused(void **state)
{
	static const char text[] = "[vm a]\nimage = a\0b\n";
	char want[sizeof(path) + 64];

	(void)state;
	write_file("nul.cfg", text, sizeof(text) - 1);
	assert_false(sim_config_load(path, &cfg, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:2: NUL byte in the line", path);
	assert_string_equal(err, want);
}

static void test_config_second_console_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nconsole = yes\n"
			   "[vm b]\nimage = b\nconsole = yes\n",
			   "t.cfg:6: console = yes again (first at line 3): at "
			   "most one VM gets the console input");
}

static void test_config_console_other_than_yes_or_no_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = a\nconsole = true\n",
			   "t.cfg:3: console must be yes or no, not 'true'");
}

static void test_config_key_without_value_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage = # later\n",
			   "t.cfg:2: missing value for 'image'");
}

static void test_config_line_without_equals_is_refused(void **state)
{
	(void)state;
	assert_parse_error("[vm a]\nimage a\n",
			   "t.cfg:2: expected 'key = value' or '[vm NAME]'");
	assert_parse_error("[vm a]\n= a\n",
			   "t.cfg:2: expected 'key = value' or '[vm NAME]'");
}

static void test_config_path_too_long_is_refused(void **state)
{
	char base[SIM_PATH_MAX];

	(void)state;
	memset(base, 'd', SIM_PATH_MAX - 8);
	base[SIM_PATH_MAX - 8] = '\0';
	assert_false(sim_config_parse("[vm a]\nimage = abcdefgh\n", "t.cfg",
				      base, &cfg, err, sizeof(err)));
	assert_string_equal(
	    err, "t.cfg:2: image path is longer than 4095 characters");
}

static void test_config_missing_file_is_refused(void **state)
{
	char want[sizeof(path) + 64];

	(void)state;
	snprintf(path, sizeof(path), "%s/nofile.cfg", dir);
	assert_false(sim_config_load(path, &cfg, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "%s: cannot open: No such file or directory", path);
	assert_string_equal(err, want);
}

static void test_config_file_too_large_is_refused(void **state)
{
	size_t len = SIM_CONFIG_FILE_MAX + 1;
	char *text = malloc(len);
	char want[sizeof(path) + 64];

	(void)state;
	assert_non_null(text);
	memset(text, '\n', len);
	write_file("big.cfg", text, len);
	free(text);
	assert_false(sim_config_load(path, &cfg, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: file is larger than 1048576 bytes",
		 path);
	assert_string_equal(err, want);
}

static void test_config_message_is_cut_to_the_buffer(void **state)
{
	char small[6];

	(void)state;
	assert_false(
	    sim_config_parse("x", "t.cfg", "", &cfg, small, sizeof(small)));
	assert_string_equal(small, "t.cfg");
	assert_false(sim_config_parse("x", "t.cfg", "", &cfg, NULL, 0));
}

#define T(f) cmocka_unit_test_teardown(f, cleanup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_config_one_vm_gets_the_defaults),
	    T(test_config_two_vms_with_every_key),
	    T(test_config_sizes_take_suffixes_and_hex),
	    T(test_config_whitespace_and_comments_go_anywhere),
	    T(test_config_paths_are_taken_from_the_base_dir),
	    T(test_config_file_paths_are_relative_to_the_file),
	    T(test_config_file_in_the_current_dir_keeps_paths),
	    T(test_config_console_goes_to_the_vm_that_asks),
	    T(test_config_console_may_go_to_no_vm),
	    T(test_config_holds_the_maximum_of_vms),
	    T(test_config_name_of_15_characters_is_accepted),
	    T(test_config_line_of_1024_characters_is_accepted),
	    T(test_config_unknown_key_is_refused),
	    T(test_config_key_outside_a_section_is_refused),
	    T(test_config_bad_section_headers_are_refused),
	    T(test_config_vm_without_image_is_refused),
	    T(test_config_duplicate_vm_name_is_refused),
	    T(test_config_duplicate_key_is_refused),
	    T(test_config_same_key_in_two_sections_is_accepted),
	    T(test_config_name_of_16_characters_is_refused),
	    T(test_config_name_with_other_characters_is_refused),
	    T(test_config_more_than_4_vms_is_refused),
	    T(test_config_vcpus_out_of_range_is_refused),
	    T(test_config_bad_numbers_are_refused),
	    T(test_config_numbers_beyond_64_bits_are_refused),
	    T(test_config_ram_not_a_multiple_of_4k_is_refused),
	    T(test_config_misaligned_ram_ipa_is_refused),
	    T(test_config_ram_past_the_address_space_is_refused),
	    T(test_config_empty_file_is_refused),
	    T(test_config_line_too_long_is_refused),
	    T(test_config_nul_byte_is_refused),
	    T(test_config_second_console_is_refused),
	    T(test_config_console_other_than_yes_or_no_is_refused),
	    T(test_config_key_without_value_is_refused),
	    T(test_config_line_without_equals_is_refused),
	    T(test_config_path_too_long_is_refused),
	    T(test_config_missing_file_is_refused),
	    T(test_config_file_too_large_is_refused),
	    T(test_config_message_is_cut_to_the_buffer),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
