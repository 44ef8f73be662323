/*
 * fuzz_fdt: libFuzzer target for lib/fdt, the reader and the writer.
 *
 * The input is a device tree blob. fdt_check must never read outside it
 * (ASan), and what it accepts libfdt's fdt_check_full must accept too (ours
 * may be stricter). A blob it accepts is copied to a buffer of exactly
 * totalsize bytes, so that ASan also catches any read between totalsize
 * and the input's end, and then:
 * - every answer of the reader is compared with libfdt's
 *   (tests/fdt/compare.c: the walk, names, children, paths, properties,
 *   cell counts, compatible, fdt_prop_u64, fdt_prop_string);
 * - the accessors are called at every offset from just before the
 *   structure block to past the blob's end, aligned or not, node or not:
 *   each must answer or refuse without reading outside;
 * - the tree is rewritten with lib/fdt_write, which must make a tree both
 *   checks accept and libfdt reads as the same, and which must stop with
 *   FDT_ERR_NOSPACE, writing nothing past its end, in a buffer one byte
 *   (or up to 64) too small.
 * Any disagreement aborts.
 */
#include "compare.h"
#include "lib/fdt.h"
#include "lib/fdt_write.h"
#include "ref.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_fdt: " __VA_ARGS__);             \
			fprintf(stderr, "\n");                                 \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void probe_every_offset(const uint8_t *fdt)
{
	int end = (int)fdt_totalsize(fdt) + 8;

	for (int off = -8; off < end; off++) {
		const char *name = NULL;
		uint32_t len = 0;
		int depth = 0;
		const char *node_name = fdt_node_name(fdt, off);

		if (node_name)
			CHECK(strlen(node_name) < fdt_totalsize(fdt), "name");
		fdt_prop_at(fdt, off, &name, &len);
		fdt_first_prop(fdt, off);
		fdt_next_prop(fdt, off);
		fdt_next_node(fdt, off, &depth);
		fdt_first_child(fdt, off);
		fdt_prop(fdt, off, "reg", &len);
		fdt_prop_string(fdt, off, "compatible");
		fdt_compatible(fdt, off, "arm,pl011");
	}
}

static void rewrite(const uint8_t *fdt, uint8_t byte)
{
	static uint8_t out[1 << 16];
	const char *diff;
	int n = fdt_copy_tree(fdt, out, sizeof(out));
	size_t cap;
	uint8_t *small;

	/* Names shared as tails in the input may not be in the copy. */
	if (n == FDT_ERR_NOSPACE)
		return;
	CHECK(n > 0, "copy: %d", n);
	CHECK(fdt_check(out, (size_t)n) == 0, "copy: fdt_check");
	CHECK(ref_check_full(out, (size_t)n) == 0, "copy: libfdt check");
	diff = fdt_compare_trees(fdt, out);
	CHECK(!diff, "copy: %s", diff);

	/* A tree is at least 72 bytes: header, map, root, FDT_END. */
	cap = (size_t)n - 1 - byte % 64;
	small = malloc(cap);
	CHECK(small, "malloc");
	CHECK(fdt_copy_tree(fdt, small, cap) == FDT_ERR_NOSPACE,
	      "%zu bytes: not NOSPACE", cap);
	free(small);
}

/* The same bytes at an odd address (read bytewise, not by words) get the
 * same answers. data is aligned (libFuzzer allocates it). */
static void unaligned(const uint8_t *data, size_t size, int ours)
{
	static uint8_t out[1 << 16];
	uint8_t *buf = malloc(size + 1);
	const char *diff;

	CHECK(buf, "malloc");
	memcpy(buf + 1, data, size);
	CHECK(fdt_check(buf + 1, size) == ours, "unaligned: check differs");
	/* libfdt refuses a tree at an odd address: what the reader makes of
	 * it is compared through a copy at an aligned one. */
	if (ours == 0 && fdt_copy_tree(buf + 1, out, sizeof(out)) > 0) {
		diff = fdt_compare_trees(data, out);
		CHECK(!diff, "unaligned: %s", diff);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int ours = fdt_check(data, size);
	int ref = ref_check_full(data, size);
	int children[4];
	unsigned count;
	size_t total;
	uint8_t *fdt;
	const char *diff;

	CHECK(ours <= 0 && ours >= FDT_ERR_BADVALUE, "check gave %d", ours);
	CHECK(fdt_check_children(data, size, children, 4, &count) == ours,
	      "fdt_check_children differs");
	unaligned(data, size, ours);
	if (ours != 0)
		return 0;
	CHECK(ref == 0, "we accept, libfdt says %d", ref);
	total = fdt_totalsize(data);
	fdt = malloc(total);
	CHECK(fdt, "malloc");
	memcpy(fdt, data, total);
	CHECK(fdt_check(fdt, total) == 0, "totalsize copy");
	diff = fdt_compare_ref(fdt);
	CHECK(!diff, "%s", diff);
	probe_every_offset(fdt);
	rewrite(fdt, size ? data[size - 1] : 0);
	free(fdt);
	return 0;
}
