/*
 * ref: libfdt (Debian's libfdt-dev) as the oracle lib/fdt is tested
 * against. libfdt shares names with lib/fdt (fdt_next_node,
 * fdt_address_cells, ...), so its static library is linked into one object
 * with ref.c and every symbol but these is made local (CMakeLists.txt).
 * Offsets are libfdt's, the same as lib/fdt's; errors are its negative
 * -FDT_ERR_* codes.
 */
#ifndef TESTS_FDT_REF_H
#define TESTS_FDT_REF_H

#include <stddef.h>

int ref_check_full(const void *fdt, size_t size);
int ref_next_node(const void *fdt, int node, int *depth);
int ref_first_subnode(const void *fdt, int node);
int ref_next_subnode(const void *fdt, int node);
int ref_subnode(const void *fdt, int parent, const char *name);
int ref_path(const void *fdt, const char *path);
/* The node's full path in buf (of len bytes): 0 or an error. */
int ref_get_path(const void *fdt, int node, char *buf, int len);
const char *ref_name(const void *fdt, int node);
int ref_first_prop(const void *fdt, int node);
int ref_next_prop(const void *fdt, int prop);
const void *ref_prop_at(const void *fdt, int prop, const char **name, int *len);
const void *ref_prop(const void *fdt, int node, const char *name, int *len);
/* Cell counts: the value, or an error for a bad property. */
int ref_address_cells(const void *fdt, int node);
int ref_size_cells(const void *fdt, int node);
/* 1 when the node's compatible holds compat, 0 when not, or an error. */
int ref_compatible(const void *fdt, int node, const char *compat);
/* Overwrites a property or a whole node with FDT_NOP tokens. */
int ref_nop_prop(void *fdt, int node, const char *name);
int ref_nop_node(void *fdt, int node);
/* The reservation map: its entry count, or an error. */
int ref_num_mem_rsv(const void *fdt);

#endif
