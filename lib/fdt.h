/*
 * lib/fdt.h -- flattened device tree reader (DTSpec v0.4 ch. 5), freestanding.
 * Used by the hypervisor core (the manifest of VMs under /chosen), by
 * hal/aarch64 (machine discovery) and by hvsim/tests on the host.
 *
 * Contract: fdt_check() validates a whole blob once (header, block bounds
 * within both totalsize and the caller's size, version >= 16, every token
 * of the structure block in bounds, node names NUL-terminated inside the
 * block, property name offsets inside the strings block and NUL-terminated
 * there, nesting balanced, exactly one root, FDT_END last). Every other
 * function assumes a blob that passed fdt_check and never reads outside
 * it. Offsets are byte offsets of a node's FDT_BEGIN_NODE token from the
 * start of the structure block; negative values are errors (enum fdt_err).
 *
 * fdt_check also requires what the rest relies on: the root is the first
 * token (offset 0) and named "", properties come before a node's children
 * (DTSpec 5.4.1), nesting is at most FDT_MAX_DEPTH deep, the memory
 * reservation map ends inside the blob, and with version 17 nothing follows
 * FDT_END in the structure block (version 16 has no size_dt_struct: the
 * block then runs to totalsize). Whatever it accepts, libfdt's
 * fdt_check_full accepts too. The accessors decode every token with bounds
 * checks, so an offset that is not what they expect (not a node's, or an
 * error passed on) gives an error or NULL, never a read outside the blob.
 */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fdt_err {
	FDT_ERR_NOTFOUND = -1,
	FDT_ERR_BADMAGIC = -2,
	FDT_ERR_BADVERSION = -3,
	FDT_ERR_TRUNCATED = -4,	   /* a block or token beyond the blob's end */
	FDT_ERR_BADSTRUCTURE = -5, /* bad token, nesting, name, string offset */
	FDT_ERR_NOSPACE = -6,	   /* writer: the buffer is full */
	FDT_ERR_BADVALUE = -7,	   /* a property of the wrong length */
};

/* The format (DTSpec 5.2-5.4), shared by the reader and the writer. */
#define FDT_MAGIC	0xd00dfeedu
#define FDT_HEADER_SIZE 40u /* version 17: ten big-endian words */
enum fdt_header_word {
	FDT_H_MAGIC,
	FDT_H_TOTALSIZE,
	FDT_H_OFF_DT_STRUCT,
	FDT_H_OFF_DT_STRINGS,
	FDT_H_OFF_MEM_RSVMAP,
	FDT_H_VERSION,
	FDT_H_LAST_COMP_VERSION,
	FDT_H_BOOT_CPUID_PHYS,
	FDT_H_SIZE_DT_STRINGS,
	FDT_H_SIZE_DT_STRUCT,
};
enum fdt_token {
	FDT_BEGIN_NODE = 1,
	FDT_END_NODE = 2,
	FDT_PROP = 3,
	FDT_NOP = 4,
	FDT_END = 9,
};

/* The deepest nesting fdt_check accepts (the root is level 1) and the
 * writer makes, so that walking a tree costs no more than that. */
#define FDT_MAX_DEPTH 64

/* A short text for an fdt_err, e.g. "bad magic". */
const char *fdt_strerror(int err);

/* 0 when fdt (of at most size bytes) is a well-formed tree, else an error. */
int fdt_check(const void *fdt, size_t size);

/* fdt_check, which also gives what its walk passes over: the offsets of the
 * root's children in document order, at most max of them in children, and
 * in *count how many there are (all of them, also past max); meaningful
 * when it returns 0. */
int fdt_check_children(const void *fdt, size_t size, int *children,
		       unsigned max, unsigned *count);

/* The header's totalsize (after fdt_check). */
uint32_t fdt_totalsize(const void *fdt);

/* The root node's offset (0 for any blob that passed fdt_check's rules). */
int fdt_root(const void *fdt);

/* The node's name including any unit address ("memory@40000000"). */
const char *fdt_node_name(const void *fdt, int node);

/* First child of node / next sibling of node: offset or FDT_ERR_NOTFOUND. */
int fdt_first_child(const void *fdt, int node);
int fdt_next_sibling(const void *fdt, int node);

/* The child of parent named name (exact match of the full name, or of the
 * part before '@' when name has no '@'), or FDT_ERR_NOTFOUND. */
int fdt_child(const void *fdt, int parent, const char *name);

/* The first of count nodes (offsets, e.g. fdt_check_children's) that
 * fdt_child would take for name, or FDT_ERR_NOTFOUND: a lookup among
 * nodes already found, without a walk. */
int fdt_named(const void *fdt, const int *nodes, unsigned count,
	      const char *name);

/* The node at an absolute path like "/chosen" or "/soc/uart@9000000". */
int fdt_path(const void *fdt, const char *path);

/* Property value and its length, or NULL when absent. */
const void *fdt_prop(const void *fdt, int node, const char *name,
		     uint32_t *len);

/* Iterating a node's properties: off is a property offset (>= 0). */
int fdt_first_prop(const void *fdt, int node);
int fdt_next_prop(const void *fdt, int prop);
const void *fdt_prop_at(const void *fdt, int prop, const char *name_out[1],
			uint32_t *len);

/* The next node in document order after node (depth-first), with *depth
 * adjusted (+1 into a child, 0 or negative back up); FDT_ERR_NOTFOUND at
 * the end. Visiting from fdt_root with depth 0 walks the whole tree. */
int fdt_next_node(const void *fdt, int node, int *depth);

/* True when the node's "compatible" string list contains compat. */
bool fdt_compatible(const void *fdt, int node, const char *compat);

/* A string-list property contains s (exact entry match). */
bool fdt_stringlist_contains(const char *list, uint32_t len, const char *s);

/* Big-endian cells: a value of ncells (1 or 2) cells at p. */
uint64_t fdt_read_cells(const void *p, unsigned ncells);
uint32_t fdt_be32(const void *p);

/* #address-cells / #size-cells of a node (defaults 2 and 1, DTSpec 2.3.5). */
unsigned fdt_address_cells(const void *fdt, int node);
unsigned fdt_size_cells(const void *fdt, int node);

/* A numeric property of 4 or 8 bytes (u32 or u64): 0 and *val set, or
 * FDT_ERR_NOTFOUND, or FDT_ERR_BADVALUE for another length. */
int fdt_prop_u64(const void *fdt, int node, const char *name, uint64_t *val);

/* A NUL-terminated string property (the whole value, terminated at its
 * last byte): the string, or NULL when absent or not a string. */
const char *fdt_prop_string(const void *fdt, int node, const char *name);

#endif
