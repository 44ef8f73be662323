/*
 * compare: lib/fdt checked against libfdt (ref.h), for the unit tests and
 * the fuzz target. Each function returns NULL when everything agrees, or a
 * line saying what differed first (in a static buffer).
 */
#ifndef TESTS_FDT_COMPARE_H
#define TESTS_FDT_COMPARE_H

#include <stddef.h>

/*
 * Every answer of lib/fdt's reader about a tree that passed fdt_check,
 * against libfdt's: the walk in document order with depths, each node's
 * name, first child, next sibling, children looked up by full and base
 * name, its path, properties in order (offsets, names, values), lookups
 * by name, cell counts, compatible entries, fdt_prop_u64 and
 * fdt_prop_string.
 */
const char *fdt_compare_ref(const void *fdt);

/* Two trees hold the same nodes in the same order with the same
 * properties and values, as libfdt reads them. */
const char *fdt_compare_trees(const void *a, const void *b);

/* Rewrites a checked tree with lib/fdt_write into buf: fdtw_finish's
 * answer. */
int fdt_copy_tree(const void *src, void *buf, size_t cap);

#endif
