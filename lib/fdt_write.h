/*
 * lib/fdt_write.h -- building a flattened device tree in a caller's buffer
 * (freestanding; the hypervisor makes each VM's tree with it).
 * Sequential: begin_node/prop/end_node in document order, then finish.
 * Errors are sticky: after the first error every call does nothing and
 * fdtw_finish returns it, so callers check once at the end.
 */
#ifndef LIB_FDT_WRITE_H
#define LIB_FDT_WRITE_H

#include <stddef.h>
#include <stdint.h>

struct fdtw {
	uint8_t *buf;
	size_t cap;
	size_t struct_end;  /* structure block grows up from after the header */
	size_t strings_len; /* strings kept at the end of buf, growing down */
	int depth;
	int err;
	uint32_t boot_cpuid;
	/* The last names given, where they are in the strings (most trees
	 * name a few properties over and over): checked, not trusted. */
	const char *recent[8];
	uint32_t recent_dist[8];
	unsigned recent_next;
};

void fdtw_init(struct fdtw *w, void *buf, size_t cap);
void fdtw_begin_node(struct fdtw *w, const char *name); /* "" for root */
void fdtw_end_node(struct fdtw *w);
void fdtw_prop(struct fdtw *w, const char *name, const void *val, uint32_t len);
void fdtw_prop_empty(struct fdtw *w, const char *name);
void fdtw_prop_u32(struct fdtw *w, const char *name, uint32_t v);
void fdtw_prop_u64(struct fdtw *w, const char *name, uint64_t v); /* 2 cells */
void fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *cells,
		     unsigned n);
void fdtw_prop_string(struct fdtw *w, const char *name, const char *s);
/* Several strings, e.g. compatible lists: n strings, each with its NUL. */
void fdtw_prop_strings(struct fdtw *w, const char *name, const char *const *s,
		       unsigned n);
/* Ends the tree (header, empty reservation map, FDT_END, strings placed
 * after the structure block): the total size, or a negative fdt_err. */
int fdtw_finish(struct fdtw *w);

#endif
