/* compare: lib/fdt against libfdt (compare.h). */
#include "compare.h"

#include "lib/fdt.h"
#include "lib/fdt_write.h"
#include "ref.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static char msg[1024];

#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			snprintf(msg, sizeof(msg), __VA_ARGS__);               \
			return msg;                                            \
		}                                                              \
	} while (0)

/* fdt_prop_u64 and fdt_prop_string on the property libfdt finds first. */
static const char *compare_values(const void *fdt, int node, const char *name)
{
	int len;
	const uint8_t *v = ref_prop(fdt, node, name, &len);
	uint64_t val = 0, expect = 0;
	int err = fdt_prop_u64(fdt, node, name, &val);
	const char *s = fdt_prop_string(fdt, node, name);
	int is_string = len > 0 && v[len - 1] == '\0' &&
			strlen((const char *)v) == (size_t)len - 1;

	for (int i = 0; i < len && i < 8; i++)
		expect = expect << 8 | v[i];
	if (len == 4 || len == 8)
		EXPECT(err == 0 && val == expect, "%d/%s: u64 %d %llx", node,
		       name, err, (unsigned long long)val);
	else
		EXPECT(err == FDT_ERR_BADVALUE, "%d/%s: u64 of %d bytes: %d",
		       node, name, len, err);
	EXPECT(s == (is_string ? (const char *)v : NULL), "%d/%s: string", node,
	       name);
	return NULL;
}

static const char *compare_props(const void *fdt, int node)
{
	int p = fdt_first_prop(fdt, node);
	int r = ref_first_prop(fdt, node);

	for (;;) {
		const char *name, *rname;
		const void *v, *rv;
		uint32_t len, len2;
		int rlen, rlen2;
		const char *err;

		EXPECT(p == r, "%d: property at %d, libfdt %d", node, p, r);
		if (p < 0)
			return NULL;
		v = fdt_prop_at(fdt, p, &name, &len);
		rv = ref_prop_at(fdt, r, &rname, &rlen);
		EXPECT(v && v == rv && name == rname && len == (uint32_t)rlen,
		       "%d: property %d", node, p);
		v = fdt_prop(fdt, node, name, &len2);
		rv = ref_prop(fdt, node, name, &rlen2);
		EXPECT(v == rv && len2 == (uint32_t)rlen2, "%d: fdt_prop %s",
		       node, name);
		err = compare_values(fdt, node, name);
		if (err)
			return err;
		p = fdt_next_prop(fdt, p);
		r = ref_next_prop(fdt, r);
	}
}

static const char *compare_children(const void *fdt, int node)
{
	for (int c = fdt_first_child(fdt, node); c >= 0;
	     c = fdt_next_sibling(fdt, c)) {
		const char *name = fdt_node_name(fdt, c);
		char base[256];
		size_t n = strcspn(name, "@");

		EXPECT(fdt_child(fdt, node, name) ==
			   ref_subnode(fdt, node, name),
		       "%d: child %s", node, name);
		if (n >= sizeof(base))
			continue;
		memcpy(base, name, n);
		base[n] = '\0';
		EXPECT(fdt_child(fdt, node, base) ==
			   ref_subnode(fdt, node, base),
		       "%d: child %s", node, base);
	}
	return NULL;
}

static const char *compare_compatible(const void *fdt, int node)
{
	int len;
	const char *list = ref_prop(fdt, node, "compatible", &len);

	for (int i = 0; list && i < len;) {
		const char *end = memchr(list + i, '\0', (size_t)(len - i));

		if (!end)
			break;
		EXPECT(fdt_compatible(fdt, node, list + i) &&
			   ref_compatible(fdt, node, list + i) == 1,
		       "%d: compatible %s", node, list + i);
		i = (int)(end - list) + 1;
	}
	EXPECT(!fdt_compatible(fdt, node, "\x7f absent"), "%d: compatible",
	       node);
	return NULL;
}

static const char *compare_node(const void *fdt, int node)
{
	static char path[8192];
	const char *err;
	int cells;

	EXPECT(fdt_node_name(fdt, node) == ref_name(fdt, node), "%d: name",
	       node);
	EXPECT(fdt_first_child(fdt, node) == ref_first_subnode(fdt, node),
	       "%d: first child", node);
	EXPECT(fdt_next_sibling(fdt, node) == ref_next_subnode(fdt, node),
	       "%d: next sibling", node);
	if (ref_get_path(fdt, node, path, sizeof(path)) == 0)
		EXPECT(fdt_path(fdt, path) == ref_path(fdt, path),
		       "%d: path %.200s: %d, libfdt %d", node, path,
		       fdt_path(fdt, path), ref_path(fdt, path));
	cells = ref_address_cells(fdt, node);
	if (cells >= 0)
		EXPECT(fdt_address_cells(fdt, node) == (unsigned)cells,
		       "%d: #address-cells", node);
	cells = ref_size_cells(fdt, node);
	if (cells >= 0)
		EXPECT(fdt_size_cells(fdt, node) == (unsigned)cells,
		       "%d: #size-cells", node);
	if ((err = compare_props(fdt, node)) ||
	    (err = compare_children(fdt, node)))
		return err;
	return compare_compatible(fdt, node);
}

const char *fdt_compare_ref(const void *fdt)
{
	int node = fdt_root(fdt), ref = 0, depth = 0, ref_depth = 0;

	EXPECT(node == 0, "root at %d", node);
	for (;;) {
		const char *err = compare_node(fdt, node);

		if (err)
			return err;
		node = fdt_next_node(fdt, node, &depth);
		ref = ref_next_node(fdt, ref, &ref_depth);
		/* libfdt stops when the depth falls below the start's. */
		if (node < 0) {
			EXPECT(node == FDT_ERR_NOTFOUND && depth == -1 &&
				   ref_depth == -1,
			       "end of walk: %d at depth %d, libfdt %d at %d",
			       node, depth, ref, ref_depth);
			return NULL;
		}
		EXPECT(node == ref && depth == ref_depth,
		       "walk: %d at depth %d, libfdt %d at %d", node, depth,
		       ref, ref_depth);
	}
}

const char *fdt_compare_trees(const void *a, const void *b)
{
	int na = 0, nb = 0, da = 0, db = 0;

	for (;;) {
		int pa, pb;

		/* libfdt's walk ends when the depth falls below the root's. */
		EXPECT(na >= 0 && nb >= 0 && da == db,
		       "walk: %d at depth %d, %d at %d", na, da, nb, db);
		if (da < 0)
			return NULL;
		EXPECT(strcmp(ref_name(a, na), ref_name(b, nb)) == 0,
		       "node %s, %s", ref_name(a, na), ref_name(b, nb));
		for (pa = ref_first_prop(a, na), pb = ref_first_prop(b, nb);
		     pa >= 0 && pb >= 0;
		     pa = ref_next_prop(a, pa), pb = ref_next_prop(b, pb)) {
			const char *sa, *sb;
			int la, lb;
			const void *va = ref_prop_at(a, pa, &sa, &la);
			const void *vb = ref_prop_at(b, pb, &sb, &lb);

			EXPECT(strcmp(sa, sb) == 0 && la == lb &&
				   memcmp(va, vb, (size_t)la) == 0,
			       "%s: property %s", ref_name(a, na), sa);
		}
		EXPECT(pa < 0 && pb < 0, "%s: property count", ref_name(a, na));
		na = ref_next_node(a, na, &da);
		nb = ref_next_node(b, nb, &db);
	}
}

int fdt_copy_tree(const void *src, void *buf, size_t cap)
{
	struct fdtw w;
	int depth = 0, open = 0;

	fdtw_init(&w, buf, cap);
	w.boot_cpuid =
	    fdt_be32((const uint8_t *)src + 4 * FDT_H_BOOT_CPUID_PHYS);
	for (int n = fdt_root(src); n >= 0; n = fdt_next_node(src, n, &depth)) {
		for (; open > depth; open--)
			fdtw_end_node(&w);
		fdtw_begin_node(&w, fdt_node_name(src, n));
		for (int p = fdt_first_prop(src, n); p >= 0;
		     p = fdt_next_prop(src, p)) {
			const char *name;
			uint32_t len;
			const void *v = fdt_prop_at(src, p, &name, &len);

			fdtw_prop(&w, name, v, len);
		}
		open++;
	}
	for (; open > 0; open--)
		fdtw_end_node(&w);
	return fdtw_finish(&w);
}
