/*
 * Unit tests of lib/fdt.c and lib/fdt_write.c. libfdt (tests/fdt/ref.h) is
 * the oracle: on real trees (tests/fdt/CMakeLists.txt makes them with dtc
 * and QEMU) every answer of the reader must be libfdt's, and what the
 * writer makes must read back exactly through libfdt. Hand-made blobs pin
 * down the answer to each kind of malformed header and structure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "lib/fdt.h"
#include "lib/fdt_write.h"
#include "ref.h"

/* ---- helpers ---------------------------------------------------------- */

static uint8_t *load(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	uint8_t *b;
	long n;

	snprintf(path, sizeof(path), "%s/%s", FDT_TREE_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return b;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_hdr(const uint8_t *b, enum fdt_header_word f)
{
	return fdt_be32(b + 4 * f);
}

static void set_hdr(uint8_t *b, enum fdt_header_word f, uint32_t v)
{
	put_be32(b + 4 * f, v);
}

/*
 * Hand-made blobs: a structure block written token by token into st, then
 * blob() puts the header, an empty reservation map (at 40), the block (at
 * 56) and the strings together in b (version 17).
 */
static uint8_t st[4096], b[8192];
static size_t st_len;

static void w32(uint32_t v)
{
	put_be32(st + st_len, v);
	st_len += 4;
}

static void begin(const char *name)
{
	size_t n = strlen(name) + 1;

	w32(FDT_BEGIN_NODE);
	memset(st + st_len, 0, (n + 3) & ~(size_t)3);
	memcpy(st + st_len, name, n);
	st_len += (n + 3) & ~(size_t)3;
}

static void prop(uint32_t nameoff, uint32_t len, uint32_t value)
{
	w32(FDT_PROP);
	w32(len);
	w32(nameoff);
	w32(value); /* len 4, or the first 4 bytes of len */
}

static const char strings[] = "reg\0compatible";
#define REG	   0u
#define COMPATIBLE 4u

static size_t blob_with(const char *str, size_t str_len)
{
	uint32_t total = (uint32_t)(56 + st_len + str_len);

	memset(b, 0, sizeof(b));
	set_hdr(b, FDT_H_MAGIC, FDT_MAGIC);
	set_hdr(b, FDT_H_TOTALSIZE, total);
	set_hdr(b, FDT_H_OFF_DT_STRUCT, 56);
	set_hdr(b, FDT_H_OFF_DT_STRINGS, (uint32_t)(56 + st_len));
	set_hdr(b, FDT_H_OFF_MEM_RSVMAP, 40);
	set_hdr(b, FDT_H_VERSION, 17);
	set_hdr(b, FDT_H_LAST_COMP_VERSION, 16);
	set_hdr(b, FDT_H_SIZE_DT_STRINGS, (uint32_t)str_len);
	set_hdr(b, FDT_H_SIZE_DT_STRUCT, (uint32_t)st_len);
	memcpy(b + 56, st, st_len);
	memcpy(b + 56 + st_len, str, str_len);
	return total;
}

static size_t blob(void)
{
	return blob_with(strings, sizeof(strings));
}

/* The well-formed blob each malformed case departs from: a root with a
 * property and a child with one. */
static size_t good_blob(void)
{
	st_len = 0;
	begin("");
	prop(COMPATIBLE, 4, 0x61626300); /* "abc" */
	begin("child@1");
	prop(REG, 4, 0x1000);
	w32(FDT_END_NODE);
	w32(FDT_END_NODE);
	w32(FDT_END);
	return blob();
}

static int check_good_blob_with(enum fdt_header_word f, uint32_t v)
{
	size_t size = good_blob();

	set_hdr(b, f, v);
	return fdt_check(b, size);
}

/* ---- real trees against libfdt --------------------------------------- */

static const char *const trees[] = {
    "manifest.dtb",   "manifest-v16.dtb",   "guest.dtb",
    "linux-gic2.dtb", "linux-gic3-smp.dtb", "qemu-gicv2.dtb",
    "qemu-gicv3.dtb",
};

static void test_fdt_reader_answers_as_libfdt_on_real_trees(void **st_)
{
	(void)st_;
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		size_t size;
		uint8_t *t = load(trees[i], &size);
		const char *diff;

		print_message("%s\n", trees[i]);
		assert_int_equal(fdt_check(t, size), 0);
		assert_int_equal(ref_check_full(t, size), 0);
		assert_int_equal(fdt_totalsize(t), size);
		diff = fdt_compare_ref(t);
		if (diff)
			fail_msg("%s: %s", trees[i], diff);
		free(t);
	}
}

/* fdt_check_children: the root's children as libfdt finds them, also when
 * there are more than the caller has room for. */
static void test_fdt_check_children_are_the_roots(void **st_)
{
	(void)st_;
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		size_t size;
		uint8_t *t = load(trees[i], &size);
		int offs[128], few[3];
		unsigned count, n = 0, count_few;
		int c;

		assert_int_equal(fdt_check_children(t, size, offs, 128, &count),
				 0);
		for (c = ref_first_subnode(t, 0); c >= 0;
		     c = ref_next_subnode(t, c))
			assert_int_equal(offs[n++], c);
		assert_int_equal(count, n);
		/* fdt_named among them finds what fdt_child's walk finds, by
		 * full and by base name. */
		for (unsigned k = 0; k < count; k++) {
			char base[64];
			const char *name = fdt_node_name(t, offs[k]);
			size_t len = strcspn(name, "@");

			assert_int_equal(fdt_named(t, offs, count, name),
					 fdt_child(t, 0, name));
			assert_true(len < sizeof(base));
			memcpy(base, name, len);
			base[len] = '\0';
			assert_int_equal(fdt_named(t, offs, count, base),
					 fdt_child(t, 0, base));
		}
		assert_int_equal(fdt_named(t, offs, count, "no-such-node"),
				 FDT_ERR_NOTFOUND);
		assert_int_equal(
		    fdt_check_children(t, size, few, 3, &count_few), 0);
		assert_int_equal(count_few, count);
		assert_memory_equal(few, offs,
				    sizeof(int) * (count < 3 ? count : 3));
		/* A refusal is fdt_check's. */
		t[size - 5] ^= 0xff;
		assert_int_equal(fdt_check_children(t, size, offs, 128, &count),
				 fdt_check(t, size));
		free(t);
	}
}

/* The reader's answers about two copies of one tree: the same. */
static void assert_same_answers(const uint8_t *x, const uint8_t *y)
{
	int na = 0, nb = 0, da = 0, db = 0;

	for (; na >= 0;
	     na = fdt_next_node(x, na, &da), nb = fdt_next_node(y, nb, &db)) {
		const char *name = fdt_node_name(x, na);
		uint64_t va = 0, vb = 0;
		uint32_t la, lb;

		assert_int_equal(na, nb);
		assert_int_equal(da, db);
		assert_string_equal(name, fdt_node_name(y, nb));
		assert_int_equal(fdt_first_child(x, na),
				 fdt_first_child(y, nb));
		assert_int_equal(fdt_next_sibling(x, na),
				 fdt_next_sibling(y, nb));
		assert_int_equal(fdt_address_cells(x, na),
				 fdt_address_cells(y, nb));
		assert_int_equal(fdt_prop_u64(x, na, "reg", &va),
				 fdt_prop_u64(y, nb, "reg", &vb));
		assert_int_equal(va, vb);
		assert_int_equal(fdt_compatible(x, na, "arm,pl011"),
				 fdt_compatible(y, nb, "arm,pl011"));
		assert_int_equal(fdt_prop(x, na, "compatible", &la) != NULL,
				 fdt_prop(y, nb, "compatible", &lb) != NULL);
	}
	assert_int_equal(nb, na);
	assert_int_equal(fdt_path(x, "/chosen"), fdt_path(y, "/chosen"));
}

/* A tree at an address that is not 4-byte aligned is read byte by byte
 * (libfdt refuses such a tree, so it is the oracle only through a copy):
 * the same answers as at an aligned one, and the same refusals. */
static void test_fdt_reader_answers_the_same_at_any_alignment(void **st_)
{
	static uint8_t copy[1 << 16];

	(void)st_;
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		size_t size;
		uint8_t *t = load(trees[i], &size);
		uint8_t *buf = malloc(size + 3);
		const char *diff;
		int total;

		assert_non_null(buf);
		for (size_t shift = 1; shift < 4; shift++) {
			memcpy(buf + shift, t, size);
			assert_int_equal(fdt_check(buf + shift, size), 0);
			assert_same_answers(t, buf + shift);
			total = fdt_copy_tree(buf + shift, copy, sizeof(copy));
			assert_true(total > 0);
			diff = fdt_compare_trees(t, copy);
			if (diff)
				fail_msg("%s at +%zu: %s", trees[i], shift,
					 diff);
			/* A damaged copy is refused as the aligned one is (at
			 * about 200 places: QEMU's trees are 1 MiB). */
			for (size_t at = 0; at < size; at += size / 199 + 1) {
				buf[shift + at] ^= 0x5a;
				t[at] ^= 0x5a;
				assert_int_equal(fdt_check(buf + shift, size),
						 fdt_check(t, size));
				t[at] ^= 0x5a;
				buf[shift + at] ^= 0x5a;
			}
		}
		free(buf);
		free(t);
	}
}

static void test_fdt_writer_copies_real_trees_exactly(void **st_)
{
	static uint8_t copy[1 << 16];

	(void)st_;
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		size_t size;
		uint8_t *t = load(trees[i], &size);
		int total = fdt_copy_tree(t, copy, sizeof(copy));
		const char *diff;

		assert_true(total > 0);
		assert_int_equal(fdt_check(copy, (size_t)total), 0);
		assert_int_equal(ref_check_full(copy, (size_t)total), 0);
		diff = fdt_compare_trees(t, copy);
		if (diff)
			fail_msg("%s: %s", trees[i], diff);
		assert_int_equal(get_hdr(copy, FDT_H_BOOT_CPUID_PHYS),
				 get_hdr(t, FDT_H_BOOT_CPUID_PHYS));
		free(t);
	}
}

/* ---- exact answers about the manifest --------------------------------- */

static void test_fdt_manifest_paths_and_children(void **st_)
{
	size_t size;
	uint8_t *t = load("manifest.dtb", &size);
	int chosen, vm1, vm, cpus, node, depth, count;
	static const char *const root_children[] = {
	    "chosen", "memory@40000000", "memory@100000000",
	    "cpus",   "intc@8000000",	 "pl011@9000000",
	    "a"};

	(void)st_;
	assert_int_equal(fdt_check(t, size), 0);
	assert_int_equal(fdt_root(t), 0);
	assert_string_equal(fdt_node_name(t, 0), "");
	assert_int_equal(fdt_path(t, "/"), 0);
	assert_int_equal(fdt_path(t, ""), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path(t, "chosen"), FDT_ERR_NOTFOUND);
	chosen = fdt_path(t, "/chosen");
	assert_true(chosen > 0);
	assert_int_equal(fdt_path(t, "//chosen/"), chosen);
	assert_int_equal(fdt_child(t, 0, "chosen"), chosen);

	/* vm@1 comes first, so a lookup of the base name "vm" finds it. */
	vm1 = fdt_child(t, chosen, "vm@1");
	vm = fdt_next_sibling(t, vm1);
	assert_string_equal(fdt_node_name(t, vm1), "vm@1");
	assert_string_equal(fdt_node_name(t, vm), "vm");
	assert_int_equal(fdt_child(t, chosen, "vm"), vm1);
	assert_int_equal(fdt_path(t, "/chosen/vm"), vm1);
	assert_int_equal(fdt_child(t, chosen, "vm@2"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_child(t, chosen, "vm@"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_child(t, chosen, "v"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_next_sibling(t, vm), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_first_child(t, vm), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path(t, "/chosen/vm@1/module@4a000000"),
			 fdt_first_child(t, vm1));
	assert_int_equal(fdt_path(t, "/chosen/nope/vm"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_next_sibling(t, 0), FDT_ERR_NOTFOUND);

	node = fdt_first_child(t, 0);
	for (size_t i = 0; i < 7; i++, node = fdt_next_sibling(t, node))
		assert_string_equal(fdt_node_name(t, node), root_children[i]);
	assert_int_equal(node, FDT_ERR_NOTFOUND);

	cpus = fdt_path(t, "/cpus");
	assert_string_equal(fdt_node_name(t, fdt_first_child(t, cpus)),
			    "cpu@0");

	/* The whole walk: 19 nodes, "h"'s node 7 levels below the root. */
	count = 0;
	depth = 0;
	for (node = 0; node >= 0; node = fdt_next_node(t, node, &depth)) {
		count++;
		if (node == fdt_path(t, "/a/b/c/d/e/f/g"))
			assert_int_equal(depth, 7);
	}
	assert_int_equal(node, FDT_ERR_NOTFOUND);
	assert_int_equal(depth, -1);
	assert_int_equal(count, 19);
	assert_int_equal(ref_num_mem_rsv(t), 2);
	free(t);
}

static void test_fdt_manifest_properties(void **st_)
{
	size_t size;
	uint8_t *t = load("manifest.dtb", &size);
	int vm1, vm, p;
	uint32_t len;
	uint64_t v;
	const char *name, *list;
	const uint8_t *reg;
	static const char *const vm1_props[] = {"compatible", "vm-name", "cpus",
						"memory", "vpl011"};

	(void)st_;
	assert_int_equal(fdt_check(t, size), 0);
	vm1 = fdt_path(t, "/chosen/vm@1");
	vm = fdt_next_sibling(t, vm1);
	p = fdt_first_prop(t, vm1);
	for (size_t i = 0; i < 5; i++, p = fdt_next_prop(t, p)) {
		assert_non_null(fdt_prop_at(t, p, &name, NULL));
		assert_string_equal(name, vm1_props[i]);
	}
	assert_int_equal(p, FDT_ERR_NOTFOUND);

	assert_string_equal(fdt_prop_string(t, vm1, "vm-name"), "two");
	assert_int_equal(fdt_prop_u64(t, vm1, "cpus", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(fdt_prop_u64(t, vm1, "memory", &v), 0);
	assert_int_equal(v, 0x10000000);
	assert_int_equal(fdt_prop_u64(t, vm, "memory", &v), 0);
	assert_int_equal(v, 0x4000000);
	assert_int_equal(fdt_prop_u64(t, vm1, "absent", &v), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_prop_u64(t, vm1, "vpl011", &v), FDT_ERR_BADVALUE);
	assert_int_equal(fdt_prop_u64(t, vm, "odd", &v), FDT_ERR_BADVALUE);
	assert_int_equal(fdt_prop_u64(t, vm, "five", &v), FDT_ERR_BADVALUE);
	len = 99;
	assert_non_null(fdt_prop(t, vm1, "vpl011", &len));
	assert_int_equal(len, 0);
	assert_null(fdt_prop(t, vm1, "absent", &len));
	assert_int_equal(len, 0); /* left alone */
	assert_non_null(fdt_prop(t, vm1, "cpus", NULL));

	/* Strings: exactly one, NUL-terminated at the value's last byte. */
	assert_null(fdt_prop_string(t, vm1, "vpl011"));
	assert_null(fdt_prop_string(t, vm, "list"));
	assert_null(fdt_prop_string(t, vm, "unterminated"));
	assert_null(fdt_prop_string(t, vm, "absent"));
	assert_string_equal(fdt_prop_string(t, vm, "empty-string"), "");
	list = fdt_prop(t, vm, "list", &len);
	assert_int_equal(len, 6);
	assert_true(fdt_stringlist_contains(list, len, "a"));
	assert_true(fdt_stringlist_contains(list, len, ""));
	assert_true(fdt_stringlist_contains(list, len, "bc"));
	assert_false(fdt_stringlist_contains(list, len, "b"));
	assert_false(fdt_stringlist_contains(list, len, "abc"));

	assert_true(fdt_compatible(t, 0, "hv,test-board"));
	assert_true(fdt_compatible(t, 0, "linux,dummy-virt"));
	assert_false(fdt_compatible(t, 0, "linux"));
	assert_true(fdt_compatible(t, fdt_first_child(t, vm1), "hv,module"));
	assert_false(fdt_compatible(t, fdt_path(t, "/cpus"), "arm,armv8"));

	/* Cell counts: the node's own, the defaults, or the default when
	 * the property is not one cell (vm's is 8 bytes). */
	assert_int_equal(fdt_address_cells(t, 0), 2);
	assert_int_equal(fdt_size_cells(t, 0), 2);
	assert_int_equal(fdt_address_cells(t, fdt_path(t, "/chosen")), 1);
	assert_int_equal(fdt_size_cells(t, fdt_path(t, "/cpus")), 0);
	assert_int_equal(fdt_address_cells(t, vm), 2);
	assert_int_equal(fdt_size_cells(t, vm), 1);

	reg = fdt_prop(t, fdt_path(t, "/intc@8000000"), "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(fdt_read_cells(reg, 2), 0x8000000);
	assert_int_equal(fdt_read_cells(reg + 24, 2), 0xf60000);
	reg = fdt_prop(t, fdt_first_child(t, vm1), "reg", &len);
	assert_int_equal(fdt_read_cells(reg, 1), 0x4a000000);
	assert_int_equal(fdt_be32(reg + 4), 0x200000);
	reg = fdt_prop(t, fdt_path(t, "/memory@100000000"), "reg", &len);
	assert_int_equal(fdt_read_cells(reg, 2), 0x100000000ull);
	assert_int_equal(
	    fdt_prop_u64(t, fdt_path(t, "/cpus/cpu@100"), "reg", &v), 0);
	assert_int_equal(v, 0x100);
	assert_string_equal(
	    fdt_prop_string(t, fdt_path(t, "/a/b/c/d/e/f/g"), "h"), "deep");
	free(t);
}

static void test_fdt_nops_are_skipped_everywhere(void **st_)
{
	size_t size;
	uint8_t *t = load("manifest.dtb", &size);
	int vm, cpus;
	const char *diff;

	(void)st_;
	assert_int_equal(ref_nop_prop(t, 0, "#address-cells"), 0);
	vm = fdt_next_sibling(t, fdt_path(t, "/chosen/vm@1"));
	assert_int_equal(ref_nop_prop(t, vm, "odd"), 0);
	assert_int_equal(ref_nop_prop(t, vm, "#address-cells"), 0);
	assert_int_equal(ref_nop_node(t, fdt_path(t, "/cpus/cpu@0")), 0);
	assert_int_equal(ref_nop_node(t, fdt_path(t, "/a")), 0);
	assert_int_equal(fdt_check(t, size), 0);
	diff = fdt_compare_ref(t);
	if (diff)
		fail_msg("%s", diff);
	assert_null(fdt_prop(t, vm, "odd", NULL));
	assert_non_null(fdt_prop(t, vm, "five", NULL));
	assert_null(fdt_prop(t, 0, "#address-cells", NULL));
	assert_non_null(fdt_prop(t, 0, "#size-cells", NULL));
	cpus = fdt_path(t, "/cpus");
	assert_string_equal(fdt_node_name(t, fdt_first_child(t, cpus)),
			    "cpu@100");
	assert_int_equal(fdt_path(t, "/cpus/cpu@0"), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_path(t, "/a"), FDT_ERR_NOTFOUND);
	assert_string_equal(fdt_prop_string(t, vm, "vm-name"), "one");
	free(t);
}

/* ---- the header ------------------------------------------------------- */

static void test_fdt_check_header_errors(void **st_)
{
	size_t size = good_blob();

	(void)st_;
	assert_int_equal(fdt_check(b, size), 0);
	assert_int_equal(ref_check_full(b, size), 0);
	assert_int_equal(fdt_check(b, size + 100), 0); /* room after it */
	assert_int_equal(fdt_check(b, size - 1), FDT_ERR_TRUNCATED);
	assert_int_equal(fdt_check(b, 39), FDT_ERR_TRUNCATED);
	assert_int_equal(check_good_blob_with(FDT_H_MAGIC, 0xedfe0dd0),
			 FDT_ERR_BADMAGIC);
	assert_int_equal(check_good_blob_with(FDT_H_VERSION, 15),
			 FDT_ERR_BADVERSION);
	assert_int_equal(check_good_blob_with(FDT_H_LAST_COMP_VERSION, 18),
			 FDT_ERR_BADVERSION);
	assert_int_equal(check_good_blob_with(FDT_H_LAST_COMP_VERSION, 17), 0);
	/* A version 16 blob cannot need readers of version 17. */
	good_blob();
	set_hdr(b, FDT_H_VERSION, 16);
	set_hdr(b, FDT_H_LAST_COMP_VERSION, 17);
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADVERSION);

	assert_int_equal(check_good_blob_with(FDT_H_TOTALSIZE, 39),
			 FDT_ERR_TRUNCATED);
	assert_int_equal(
	    check_good_blob_with(FDT_H_TOTALSIZE, (uint32_t)size + 1),
	    FDT_ERR_TRUNCATED);
	/* Offsets are ints: even a caller's size that allows it is refused. */
	good_blob();
	set_hdr(b, FDT_H_TOTALSIZE, 0x80000000u);
	assert_int_equal(fdt_check(b, SIZE_MAX), FDT_ERR_TRUNCATED);
}

static void test_fdt_check_block_bounds(void **st_)
{
	size_t size = good_blob();
	uint32_t strings_off = get_hdr(b, FDT_H_OFF_DT_STRINGS);

	(void)st_;
	/* Blocks wholly inside [40, totalsize), offset + size not wrapping. */
	assert_int_equal(check_good_blob_with(FDT_H_OFF_DT_STRUCT, 0xfffffff0),
			 FDT_ERR_TRUNCATED);
	assert_int_equal(check_good_blob_with(FDT_H_SIZE_DT_STRUCT, 0xfffffff0),
			 FDT_ERR_TRUNCATED);
	assert_int_equal(
	    check_good_blob_with(FDT_H_SIZE_DT_STRUCT, (uint32_t)size - 56 + 1),
	    FDT_ERR_TRUNCATED);
	assert_int_equal(check_good_blob_with(FDT_H_OFF_DT_STRUCT, 36),
			 FDT_ERR_TRUNCATED);
	assert_int_equal(
	    check_good_blob_with(FDT_H_OFF_DT_STRINGS, (uint32_t)size + 1),
	    FDT_ERR_TRUNCATED);
	assert_int_equal(check_good_blob_with(FDT_H_OFF_DT_STRINGS, 0),
			 FDT_ERR_TRUNCATED);
	assert_int_equal(
	    check_good_blob_with(FDT_H_SIZE_DT_STRINGS, 0xffffffff),
	    FDT_ERR_TRUNCATED);
	assert_int_equal(check_good_blob_with(FDT_H_SIZE_DT_STRINGS,
					      (uint32_t)size - strings_off + 1),
			 FDT_ERR_TRUNCATED);
	/* The reservation map must end (an entry of size 0) inside. */
	assert_int_equal(
	    check_good_blob_with(FDT_H_OFF_MEM_RSVMAP, (uint32_t)size),
	    FDT_ERR_TRUNCATED);
	assert_int_equal(check_good_blob_with(FDT_H_OFF_MEM_RSVMAP, 8),
			 FDT_ERR_TRUNCATED);
	assert_int_equal(check_good_blob_with(FDT_H_OFF_MEM_RSVMAP, 0xfffffff8),
			 FDT_ERR_TRUNCATED);
	good_blob();
	memset(b + 40, 0xff, 16); /* the only entry is no terminator */
	assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
	/* Whose entries run on to the blob's end: read no further. */
	set_hdr(b, FDT_H_OFF_MEM_RSVMAP, (uint32_t)size - 20);
	memset(b + size - 20, 0x11, 20);
	assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
}

/* The structure block at an offset that is not a multiple of 4. */
static void test_fdt_check_misaligned_structure_block(void **st_)
{
	size_t size = good_blob();

	(void)st_;
	for (uint32_t shift = 1; shift <= 4; shift++) {
		good_blob();
		memmove(b + 56 + shift, b + 56, size - 56);
		set_hdr(b, FDT_H_OFF_DT_STRUCT, 56 + shift);
		set_hdr(b, FDT_H_OFF_DT_STRINGS,
			get_hdr(b, FDT_H_OFF_DT_STRINGS) + shift);
		set_hdr(b, FDT_H_TOTALSIZE, (uint32_t)size + shift);
		assert_int_equal(fdt_check(b, size + shift),
				 shift == 4 ? 0 : FDT_ERR_BADSTRUCTURE);
	}
}

/* Version 16 has no size_dt_struct: the block runs to totalsize. */
static void test_fdt_check_version_16(void **st_)
{
	size_t size;
	uint8_t *t = load("manifest-v16.dtb", &size);

	(void)st_;
	assert_int_equal(get_hdr(t, FDT_H_VERSION), 16);
	assert_int_equal(fdt_check(t, size), 0);
	set_hdr(t, FDT_H_OFF_DT_STRUCT, (uint32_t)size + 4);
	assert_int_equal(fdt_check(t, size), FDT_ERR_TRUNCATED);
	free(t);

	/* FDT_END is then what ends it; what follows is not looked at. */
	size = good_blob();
	set_hdr(b, FDT_H_VERSION, 16);
	set_hdr(b, FDT_H_SIZE_DT_STRUCT, 0xdeadbeef);
	assert_int_equal(fdt_check(b, size), 0);
	assert_int_equal(fdt_path(b, "/child"), 24);
}

/* ---- the structure block ---------------------------------------------- */

static void test_fdt_check_token_stream_running_off_the_block(void **st_)
{
	size_t size;

	(void)st_;
	/* No FDT_END. */
	st_len = 0;
	begin("");
	w32(FDT_END_NODE);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
	/* The block ends in the middle of FDT_END. */
	size = good_blob();
	set_hdr(b, FDT_H_SIZE_DT_STRUCT, (uint32_t)st_len - 2);
	assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
	/* A property token whose len and nameoff are past the end. */
	st_len = 0;
	begin("");
	w32(FDT_PROP);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
	/* An empty block. */
	st_len = 0;
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
}

static void test_fdt_check_property_lengths(void **st_)
{
	size_t size;
	uint32_t lens[] = {0xffffffff, 0xfffffffc, 0x80000000, 45};

	(void)st_;
	/* len past the block: wrapping, far, by one byte; then a value
	 * inside the block whose padding to 4 is not. */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		good_blob();
		put_be32(st + 12, lens[i]); /* the root's property */
		size = blob();
		print_message("len %u\n", lens[i]);
		assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
	}
	st_len = 0;
	begin("");
	prop(REG, 1, 0x01000000);
	size = blob();
	set_hdr(b, FDT_H_SIZE_DT_STRUCT, 21);
	assert_int_equal(fdt_check(b, size), FDT_ERR_TRUNCATED);
	/* Exactly up to FDT_END is fine. */
	st_len = 0;
	begin("");
	prop(REG, 4, 0);
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), 0);
}

static void test_fdt_check_names(void **st_)
{
	size_t size;

	(void)st_;
	/* A node name running to the block's end without its NUL. */
	st_len = 0;
	w32(FDT_BEGIN_NODE);
	w32(0x61626364);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* The root must be named "". */
	st_len = 0;
	begin("root");
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* Property names: nameoff inside the strings block ... */
	size = good_blob();
	put_be32(b + 56 + 16, sizeof(strings));
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	put_be32(b + 56 + 16, 0xffffffff);
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	put_be32(b + 56 + 16, sizeof(strings) - 1); /* the last NUL: "" */
	assert_int_equal(fdt_check(b, size), 0);
	/* ... and NUL-terminated inside it. */
	good_blob();
	size = blob_with("reg\0compatible", 14);
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
}

static void test_fdt_check_nesting(void **st_)
{
	size_t size;

	(void)st_;
	/* A node left open. */
	st_len = 0;
	begin("");
	begin("a");
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* One FDT_END_NODE too many. */
	st_len = 0;
	begin("");
	w32(FDT_END_NODE);
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* A second root. */
	st_len = 0;
	begin("");
	w32(FDT_END_NODE);
	begin("");
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* No root at all. */
	st_len = 0;
	w32(FDT_NOP);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* The root is first: not even a NOP before it. */
	st_len = 0;
	w32(FDT_NOP);
	begin("");
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* NOPs inside it are fine; after it only FDT_END may come, as
	 * libfdt has it. */
	st_len = 0;
	begin("");
	w32(FDT_NOP);
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), 0);
	assert_int_equal(ref_check_full(b, size), 0);
	st_len -= 4;
	w32(FDT_NOP);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	assert_int_equal(ref_check_full(b, size), -11); /* BADSTRUCTURE */
}

static void test_fdt_check_token_order(void **st_)
{
	size_t size;

	(void)st_;
	/* A property outside the root. */
	st_len = 0;
	begin("");
	w32(FDT_END_NODE);
	prop(REG, 4, 0);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* A property after a child node (DTSpec 5.4.1). */
	st_len = 0;
	begin("");
	begin("a");
	w32(FDT_END_NODE);
	prop(REG, 4, 0);
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* An unknown token. */
	good_blob();
	put_be32(st + 8, 5);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	/* Data after FDT_END inside the block (version 17). */
	good_blob();
	w32(FDT_NOP);
	size = blob();
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
}

static size_t nested_blob(int levels)
{
	st_len = 0;
	begin("");
	for (int i = 1; i < levels; i++)
		begin("n");
	for (int i = 0; i < levels; i++)
		w32(FDT_END_NODE);
	w32(FDT_END);
	return blob();
}

static void test_fdt_check_depth_limit(void **st_)
{
	size_t size = nested_blob(FDT_MAX_DEPTH);
	int node = 0, depth = 0, deepest = 0;

	(void)st_;
	assert_int_equal(fdt_check(b, size), 0);
	while ((node = fdt_next_node(b, node, &depth)) >= 0)
		deepest = depth > deepest ? depth : deepest;
	assert_int_equal(deepest, FDT_MAX_DEPTH - 1);
	size = nested_blob(FDT_MAX_DEPTH + 1);
	assert_int_equal(fdt_check(b, size), FDT_ERR_BADSTRUCTURE);
	assert_int_equal(ref_check_full(b, size), 0); /* stricter than libfdt */
}

/* ---- accessors given offsets that are not what they expect ------------ */

static void test_fdt_accessors_refuse_wrong_offsets(void **st_)
{
	size_t size = good_blob();
	int child = fdt_path(b, "/child@1");
	int root_prop = fdt_first_prop(b, 0);
	int child_prop = fdt_first_prop(b, child);
	int depth = 0;
	uint32_t len = 7;
	const char *name = "unset";

	(void)st_;
	assert_int_equal(fdt_check(b, size), 0);
	assert_int_equal(root_prop, 8);
	assert_int_equal(child, 24);
	assert_int_equal(child_prop, 36);
	/* Errors pass through. */
	assert_null(fdt_node_name(b, FDT_ERR_NOTFOUND));
	assert_int_equal(fdt_first_child(b, FDT_ERR_BADVALUE),
			 FDT_ERR_BADVALUE);
	assert_int_equal(fdt_next_sibling(b, FDT_ERR_NOTFOUND),
			 FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_first_prop(b, FDT_ERR_NOTFOUND), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_child(b, FDT_ERR_NOTFOUND, "x"), FDT_ERR_NOTFOUND);
	assert_null(fdt_prop(b, FDT_ERR_NOTFOUND, "reg", NULL));
	/* Misaligned, past the end: no token there. */
	assert_null(fdt_node_name(b, 2));
	assert_int_equal(fdt_next_node(b, 2, &depth), FDT_ERR_TRUNCATED);
	assert_int_equal(fdt_next_node(b, (int)st_len, &depth),
			 FDT_ERR_TRUNCATED);
	assert_int_equal(fdt_next_prop(b, 0x7ffffffc), FDT_ERR_TRUNCATED);
	assert_int_equal(depth, 0);
	/* A property where a node is expected, and the other way round. */
	assert_null(fdt_node_name(b, root_prop));
	assert_int_equal(fdt_first_child(b, root_prop), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_first_prop(b, root_prop), FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_next_prop(b, child), FDT_ERR_NOTFOUND);
	assert_null(fdt_prop_at(b, child, &name, &len));
	assert_string_equal(name, "unset");
	assert_int_equal(len, 7);
	assert_null(fdt_prop_at(b, -1, &name, &len));
	assert_non_null(fdt_prop_at(b, root_prop, NULL, NULL));
	/* Tokens inside the value of a real property, read on purpose: a
	 * node "x" whose property has a nameoff outside the strings, then
	 * a bad token. Nothing is read outside the blob. */
	st_len = 0;
	begin("");
	prop(REG, 24, FDT_BEGIN_NODE);
	w32(0x78000000); /* "x" */
	w32(FDT_PROP);
	w32(0);
	w32(0xfffffff0);
	w32(7);
	w32(FDT_END_NODE);
	w32(FDT_END);
	size = blob();
	assert_int_equal(fdt_check(b, size), 0);
	assert_int_equal(fdt_next_prop(b, 8), FDT_ERR_NOTFOUND);
	assert_string_equal(fdt_node_name(b, 20), "x");
	assert_null(fdt_prop_at(b, 28, &name, &len));
	assert_null(fdt_prop(b, 20, "reg", &len));
	assert_int_equal(fdt_next_prop(b, 28), FDT_ERR_BADSTRUCTURE);
	assert_int_equal(fdt_next_node(b, 20, &depth), FDT_ERR_BADSTRUCTURE);
	assert_int_equal(fdt_first_child(b, 20), FDT_ERR_BADSTRUCTURE);
	assert_int_equal(depth, 0);
}

/* ---- the writer ------------------------------------------------------- */

static const uint8_t raw[5] = {1, 2, 3, 4, 5};

static void build_sample(struct fdtw *w)
{
	static const char *const compat[] = {"hv,vm-board", "linux,dummy-virt"};
	static const uint32_t reg[] = {0, 0x40000000, 0, 0x4000000};

	w->boot_cpuid = 3;
	fdtw_begin_node(w, "");
	fdtw_prop_u32(w, "#address-cells", 2);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_strings(w, "compatible", compat, 2);
	fdtw_begin_node(w, "chosen");
	fdtw_prop_string(w, "bootargs", "console=ttyAMA0");
	fdtw_prop_empty(w, "hv,console");
	fdtw_end_node(w);
	fdtw_begin_node(w, "memory@40000000");
	fdtw_prop_string(w, "device_type", "memory");
	fdtw_prop_cells(w, "reg", reg, 4);
	fdtw_end_node(w);
	fdtw_begin_node(w, "cpus");
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 0);
	fdtw_begin_node(w, "cpu@0");
	fdtw_prop_u32(w, "reg", 0);
	fdtw_prop_u64(w, "clock", 0x123456789abcdef0ull);
	fdtw_prop(w, "raw", raw, sizeof(raw));
	fdtw_prop(w, "cells", NULL, 0); /* the tail of "#size-cells" */
	fdtw_end_node(w);
	fdtw_end_node(w);
	fdtw_end_node(w);
}

/* A property as libfdt reads it back. */
static void assert_ref_prop(const void *t, const char *path, const char *name,
			    const void *value, int len)
{
	int rlen;
	const void *v = ref_prop(t, ref_path(t, path), name, &rlen);

	assert_non_null(v);
	assert_int_equal(rlen, len);
	assert_memory_equal(v, value, (size_t)len);
}

static void test_fdt_writer_output_reads_back_through_libfdt(void **st_)
{
	static uint8_t buf[4096];
	struct fdtw w;
	int total;
	const char *diff;

	(void)st_;
	fdtw_init(&w, buf, sizeof(buf));
	build_sample(&w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	assert_int_equal(ref_check_full(buf, (size_t)total), 0);
	assert_int_equal(fdt_totalsize(buf), total);
	assert_int_equal(get_hdr(buf, FDT_H_VERSION), 17);
	assert_int_equal(get_hdr(buf, FDT_H_LAST_COMP_VERSION), 16);
	assert_int_equal(get_hdr(buf, FDT_H_BOOT_CPUID_PHYS), 3);
	assert_int_equal(ref_num_mem_rsv(buf), 0);
	/* Each name once, "cells" inside "#size-cells": 15 + 12 + 11 + 9 +
	 * 11 + 12 + 4 + 6 + 4 bytes. */
	assert_int_equal(get_hdr(buf, FDT_H_SIZE_DT_STRINGS), 84);
	/* Nothing between the blocks, nothing after them. */
	assert_int_equal(get_hdr(buf, FDT_H_OFF_DT_STRUCT) +
			     get_hdr(buf, FDT_H_SIZE_DT_STRUCT),
			 get_hdr(buf, FDT_H_OFF_DT_STRINGS));
	assert_int_equal(get_hdr(buf, FDT_H_OFF_DT_STRINGS) +
			     get_hdr(buf, FDT_H_SIZE_DT_STRINGS),
			 total);

	assert_ref_prop(buf, "/", "#address-cells", "\0\0\0\2", 4);
	assert_ref_prop(buf, "/", "compatible", "hv,vm-board\0linux,dummy-virt",
			29);
	assert_ref_prop(buf, "/chosen", "bootargs", "console=ttyAMA0", 16);
	assert_ref_prop(buf, "/chosen", "hv,console", "", 0);
	assert_ref_prop(buf, "/memory@40000000", "device_type", "memory", 7);
	assert_ref_prop(buf, "/memory@40000000", "reg",
			"\0\0\0\0\x40\0\0\0\0\0\0\0\x04\0\0\0", 16);
	assert_ref_prop(buf, "/cpus", "#size-cells", "\0\0\0\0", 4);
	assert_ref_prop(buf, "/cpus/cpu@0", "reg", "\0\0\0\0", 4);
	assert_ref_prop(buf, "/cpus/cpu@0", "clock",
			"\x12\x34\x56\x78\x9a\xbc\xde\xf0", 8);
	assert_ref_prop(buf, "/cpus/cpu@0", "raw", raw, 5);
	assert_ref_prop(buf, "/cpus/cpu@0", "cells", "", 0);
	assert_int_equal(ref_first_subnode(buf, ref_path(buf, "/cpus/cpu@0")),
			 -1);
	diff = fdt_compare_ref(buf);
	if (diff)
		fail_msg("%s", diff);
}

static void test_fdt_writer_nospace_at_every_size_below_the_tree(void **st_)
{
	static uint8_t buf[4096 + 64];
	struct fdtw w;
	int total;

	(void)st_;
	fdtw_init(&w, buf, 4096);
	build_sample(&w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	for (int cap = 0; cap <= total; cap++) {
		memset(buf, 0xa5, sizeof(buf));
		fdtw_init(&w, buf, (size_t)cap);
		build_sample(&w);
		assert_int_equal(fdtw_finish(&w),
				 cap < total ? FDT_ERR_NOSPACE : total);
		for (size_t i = (size_t)cap; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xa5);
	}
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
}

static int finish_after(void (*steps)(struct fdtw *w))
{
	static uint8_t buf[8192];
	struct fdtw w;

	fdtw_init(&w, buf, sizeof(buf));
	steps(&w);
	return fdtw_finish(&w);
}

static void prop_before_root(struct fdtw *w)
{
	fdtw_prop_u32(w, "x", 1);
	fdtw_begin_node(w, "");
	fdtw_end_node(w);
}

static void end_before_root(struct fdtw *w)
{
	fdtw_end_node(w);
}

static void named_root(struct fdtw *w)
{
	fdtw_begin_node(w, "root");
	fdtw_end_node(w);
}

static void two_roots(struct fdtw *w)
{
	fdtw_begin_node(w, "");
	fdtw_end_node(w);
	fdtw_begin_node(w, "");
	fdtw_end_node(w);
}

static void node_left_open(struct fdtw *w)
{
	fdtw_begin_node(w, "");
	fdtw_begin_node(w, "a");
	fdtw_end_node(w);
}

static void no_root(struct fdtw *w)
{
	(void)w;
}

static void prop_after_child(struct fdtw *w)
{
	fdtw_begin_node(w, "");
	fdtw_begin_node(w, "a");
	fdtw_end_node(w);
	fdtw_prop_u32(w, "x", 1);
	fdtw_end_node(w);
}

static void too_deep(struct fdtw *w)
{
	for (int i = 0; i <= FDT_MAX_DEPTH; i++)
		fdtw_begin_node(w, i ? "n" : "");
	for (int i = 0; i <= FDT_MAX_DEPTH; i++)
		fdtw_end_node(w);
}

/* The first error stays: a full buffer later does not replace it. */
static void error_then_full(struct fdtw *w)
{
	fdtw_end_node(w);
	fdtw_begin_node(w, "");
	for (int i = 0; i < 10000; i++)
		fdtw_prop_u64(w, "x", 1);
	fdtw_end_node(w);
}

static void test_fdt_writer_refuses_bad_structure(void **st_)
{
	static void (*const cases[])(struct fdtw *) = {
	    prop_before_root, end_before_root, named_root,
	    two_roots,	      node_left_open,  no_root,
	    prop_after_child, too_deep,	       error_then_full,
	};

	(void)st_;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(finish_after(cases[i]), FDT_ERR_BADSTRUCTURE);
	}
}

static void test_fdt_writer_depth_limit_passes_both_checks(void **st_)
{
	static uint8_t buf[4096];
	struct fdtw w;
	int total;

	(void)st_;
	fdtw_init(&w, buf, sizeof(buf));
	for (int i = 0; i < FDT_MAX_DEPTH; i++)
		fdtw_begin_node(&w, i ? "n" : "");
	fdtw_prop_string(&w, "deepest", "yes");
	for (int i = 0; i < FDT_MAX_DEPTH; i++)
		fdtw_end_node(&w);
	total = fdtw_finish(&w);
	assert_true(total > 0);
	assert_int_equal(fdt_check(buf, (size_t)total), 0);
	assert_int_equal(ref_check_full(buf, (size_t)total), 0);
}

static void test_fdt_writer_too_small_a_buffer_for_a_header(void **st_)
{
	uint8_t buf[56];
	struct fdtw w;

	(void)st_;
	fdtw_init(&w, buf, 55);
	assert_int_equal(w.err, FDT_ERR_NOSPACE);
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	assert_int_equal(fdtw_finish(&w), FDT_ERR_NOSPACE);
	/* 56 bytes hold the header and the map, not a root and FDT_END. */
	fdtw_init(&w, buf, 56);
	assert_int_equal(w.err, 0);
	fdtw_begin_node(&w, "");
	assert_int_equal(w.err, FDT_ERR_NOSPACE);
}

/* ---- small functions -------------------------------------------------- */

static void test_fdt_cells_and_string_lists(void **st_)
{
	static const uint8_t cells[] = {0x12, 0x34, 0x56, 0x78,
					0x9a, 0xbc, 0xde, 0xf0};

	(void)st_;
	assert_int_equal(fdt_be32(cells), 0x12345678);
	assert_int_equal(fdt_be32(cells + 4), 0x9abcdef0);
	assert_int_equal(fdt_read_cells(cells, 1), 0x12345678);
	assert_int_equal(fdt_read_cells(cells, 2), 0x123456789abcdef0ull);
	assert_true(fdt_stringlist_contains("a\0bc", 5, "bc"));
	assert_false(fdt_stringlist_contains("a\0bc", 4, "bc")); /* no NUL */
	assert_false(fdt_stringlist_contains("a\0bc", 5, "b"));
	assert_false(fdt_stringlist_contains("", 0, ""));
	assert_true(fdt_stringlist_contains("", 1, ""));
}

static void test_fdt_strerror_names_each_error(void **st_)
{
	(void)st_;
	assert_string_equal(fdt_strerror(0), "no error");
	assert_string_equal(fdt_strerror(FDT_ERR_NOTFOUND), "not found");
	assert_string_equal(fdt_strerror(FDT_ERR_BADMAGIC), "bad magic");
	assert_string_equal(fdt_strerror(FDT_ERR_BADVERSION),
			    "unsupported version");
	assert_string_equal(fdt_strerror(FDT_ERR_TRUNCATED), "truncated");
	assert_string_equal(fdt_strerror(FDT_ERR_BADSTRUCTURE),
			    "bad structure");
	assert_string_equal(fdt_strerror(FDT_ERR_NOSPACE), "no space");
	assert_string_equal(fdt_strerror(FDT_ERR_BADVALUE), "bad value");
	assert_string_equal(fdt_strerror(-8), "unknown error");
	assert_string_equal(fdt_strerror(1), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fdt_reader_answers_as_libfdt_on_real_trees),
	    cmocka_unit_test(test_fdt_reader_answers_the_same_at_any_alignment),
	    cmocka_unit_test(test_fdt_check_children_are_the_roots),
	    cmocka_unit_test(test_fdt_writer_copies_real_trees_exactly),
	    cmocka_unit_test(test_fdt_manifest_paths_and_children),
	    cmocka_unit_test(test_fdt_manifest_properties),
	    cmocka_unit_test(test_fdt_nops_are_skipped_everywhere),
	    cmocka_unit_test(test_fdt_check_header_errors),
	    cmocka_unit_test(test_fdt_check_block_bounds),
	    cmocka_unit_test(test_fdt_check_misaligned_structure_block),
	    cmocka_unit_test(test_fdt_check_version_16),
	    cmocka_unit_test(test_fdt_check_token_stream_running_off_the_block),
	    cmocka_unit_test(test_fdt_check_property_lengths),
	    cmocka_unit_test(test_fdt_check_names),
	    cmocka_unit_test(test_fdt_check_nesting),
	    cmocka_unit_test(test_fdt_check_token_order),
	    cmocka_unit_test(test_fdt_check_depth_limit),
	    cmocka_unit_test(test_fdt_accessors_refuse_wrong_offsets),
	    cmocka_unit_test(test_fdt_writer_output_reads_back_through_libfdt),
	    cmocka_unit_test(
		test_fdt_writer_nospace_at_every_size_below_the_tree),
	    cmocka_unit_test(test_fdt_writer_refuses_bad_structure),
	    cmocka_unit_test(test_fdt_writer_depth_limit_passes_both_checks),
	    cmocka_unit_test(test_fdt_writer_too_small_a_buffer_for_a_header),
	    cmocka_unit_test(test_fdt_cells_and_string_lists),
	    cmocka_unit_test(test_fdt_strerror_names_each_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
