/*
 * fdt_write: a device tree built front to back in one buffer. The structure
 * block grows up after the header and an empty reservation map; the
 * strings grow down from the end of the buffer, each name stored once (or
 * found as the tail of a longer one). While building, a property's nameoff
 * holds its name's distance from the end of the buffer; fdtw_finish turns
 * that into an offset in the strings block when it moves the block down to
 * follow the structure block.
 */
#include "lib/fdt_write.h"

#include "lib/fdt.h"
#include "lib/string.h"

#define STRUCT_START (FDT_HEADER_SIZE + 16) /* after the empty rsvmap */

static uint64_t align4(uint64_t n)
{
	return (n + 3) & ~3ull;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void fdtw_init(struct fdtw *w, void *buf, size_t cap)
{
	w->buf = buf;
	/* Offsets and the total size are ints. */
	w->cap = cap < INT32_MAX ? cap : INT32_MAX;
	w->struct_end = STRUCT_START;
	w->strings_len = 0;
	w->depth = 0;
	w->err = cap < STRUCT_START ? FDT_ERR_NOSPACE : 0;
	w->boot_cpuid = 0;
	for (unsigned i = 0; i < 8; i++)
		w->recent[i] = NULL;
	w->recent_next = 0;
}

static size_t room(const struct fdtw *w)
{
	return w->cap - w->strings_len - w->struct_end;
}

/* n zeroed bytes at the end of the structure block, or NULL on error. */
static uint8_t *grow(struct fdtw *w, uint64_t n)
{
	uint8_t *p;

	if (!w->err && n > room(w))
		w->err = FDT_ERR_NOSPACE;
	if (w->err)
		return NULL;
	p = w->buf + w->struct_end;
	w->struct_end += n;
	memset(p, 0, n);
	return p;
}

void fdtw_begin_node(struct fdtw *w, const char *name)
{
	size_t n = strlen(name) + 1;
	uint8_t *p;

	/* One root, named "", and no deeper than a reader accepts. */
	if (!w->err && (w->depth == 0 ? w->struct_end != STRUCT_START || n != 1
				      : w->depth == FDT_MAX_DEPTH))
		w->err = FDT_ERR_BADSTRUCTURE;
	p = grow(w, 4 + align4(n));
	if (!p)
		return;
	put32(p, FDT_BEGIN_NODE);
	memcpy(p + 4, name, n);
	w->depth++;
}

void fdtw_end_node(struct fdtw *w)
{
	uint8_t *p;

	if (!w->err && w->depth == 0)
		w->err = FDT_ERR_BADSTRUCTURE;
	p = grow(w, 4);
	if (!p)
		return;
	put32(p, FDT_END_NODE);
	w->depth--;
}

static uint32_t string_find(struct fdtw *w, const char *name, size_t n,
			    const uint8_t *strings);

/* name in the strings: its distance from the end of buf, or 0 on error. */
static uint32_t string(struct fdtw *w, const char *name)
{
	size_t n = strlen(name) + 1;
	const uint8_t *strings = w->buf + w->cap - w->strings_len;
	uint32_t dist;

	for (unsigned i = 0; i < 8; i++) {
		dist = w->recent_dist[i];
		if (w->recent[i] == name && n <= dist &&
		    memcmp(w->buf + w->cap - dist, name, n) == 0)
			return dist;
	}
	dist = string_find(w, name, n, strings);
	if (dist != 0) {
		w->recent[w->recent_next] = name;
		w->recent_dist[w->recent_next] = dist;
		w->recent_next = (w->recent_next + 1) % 8;
	}
	return dist;
}

/* Looks name (n bytes with its NUL) up in the strings, else adds it. */
static uint32_t string_find(struct fdtw *w, const char *name, size_t n,
			    const uint8_t *strings)
{

	const uint8_t *end = strings + w->strings_len;
	const uint8_t first = (uint8_t)name[0];

	/* Any match, a suffix of another name too; the first byte is tested
	 * before the call, which most offsets fail (a pointer walk with the
	 * bounds in locals: the loop every new name runs over all the
	 * strings). */
	if (n <= w->strings_len) {
		for (const uint8_t *p = strings, *last = end - n; p <= last;
		     p++) {
			if (*p == first && memcmp(p, name, n) == 0)
				return (uint32_t)(end - p);
		}
	}
	if (n > room(w)) {
		w->err = FDT_ERR_NOSPACE;
		return 0;
	}
	w->strings_len += n;
	memcpy(w->buf + w->cap - w->strings_len, name, n);
	return (uint32_t)w->strings_len;
}

/* A property of len bytes: where its value goes, or NULL on error. */
static uint8_t *prop_value(struct fdtw *w, const char *name, uint64_t len)
{
	uint32_t dist;
	uint8_t *p;

	if (!w->err && w->depth == 0)
		w->err = FDT_ERR_BADSTRUCTURE;
	if (w->err)
		return NULL;
	dist = string(w, name);
	p = grow(w, 12 + align4(len));
	if (!p)
		return NULL;
	put32(p, FDT_PROP);
	put32(p + 4, (uint32_t)len);
	put32(p + 8, dist);
	return p + 12;
}

void fdtw_prop(struct fdtw *w, const char *name, const void *val, uint32_t len)
{
	uint8_t *p = prop_value(w, name, len);

	if (p && len)
		memcpy(p, val, len);
}

void fdtw_prop_empty(struct fdtw *w, const char *name)
{
	prop_value(w, name, 0);
}

void fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *cells,
		     unsigned n)
{
	uint8_t *p = prop_value(w, name, 4ull * n);

	for (unsigned i = 0; p && i < n; i++)
		put32(p + 4 * i, cells[i]);
}

void fdtw_prop_u32(struct fdtw *w, const char *name, uint32_t v)
{
	fdtw_prop_cells(w, name, &v, 1);
}

void fdtw_prop_u64(struct fdtw *w, const char *name, uint64_t v)
{
	const uint32_t cells[2] = {(uint32_t)(v >> 32), (uint32_t)v};

	fdtw_prop_cells(w, name, cells, 2);
}

void fdtw_prop_strings(struct fdtw *w, const char *name, const char *const *s,
		       unsigned n)
{
	uint64_t len = 0;
	uint8_t *p;

	for (unsigned i = 0; i < n; i++)
		len += strlen(s[i]) + 1;
	p = prop_value(w, name, len);
	for (unsigned i = 0; p && i < n; i++) {
		size_t k = strlen(s[i]) + 1;

		memcpy(p, s[i], k);
		p += k;
	}
}

void fdtw_prop_string(struct fdtw *w, const char *name, const char *s)
{
	fdtw_prop_strings(w, name, &s, 1);
}

int fdtw_finish(struct fdtw *w)
{
	uint8_t *p, *b = w->buf;
	uint32_t header[FDT_H_SIZE_DT_STRUCT + 1];
	size_t off, end;
	bool after_child = false;

	if (!w->err && (w->depth != 0 || w->struct_end == STRUCT_START))
		w->err = FDT_ERR_BADSTRUCTURE; /* a node open, or no root */
	p = grow(w, 4);
	if (!p)
		return w->err;
	put32(p, FDT_END);
	end = w->struct_end - 4;
	/* Name offsets into the block; a property after a child is refused
	 * here (DTSpec 5.4.1) rather than tracked as the tree is built. */
	for (off = STRUCT_START; off < end;) {
		uint32_t tag = fdt_be32(b + off);

		if (tag == FDT_BEGIN_NODE) {
			off += 4 + align4(strlen((char *)b + off + 4) + 1);
			after_child = false;
		} else if (tag == FDT_PROP && !after_child) {
			put32(b + off + 8,
			      (uint32_t)w->strings_len - fdt_be32(b + off + 8));
			off += 12 + align4(fdt_be32(b + off + 4));
		} else if (tag == FDT_PROP) {
			w->err = FDT_ERR_BADSTRUCTURE;
			return w->err;
		} else {
			off += 4;
			after_child = true;
		}
	}
	memmove(b + w->struct_end, b + w->cap - w->strings_len, w->strings_len);
	header[FDT_H_MAGIC] = FDT_MAGIC;
	header[FDT_H_TOTALSIZE] = (uint32_t)(w->struct_end + w->strings_len);
	header[FDT_H_OFF_DT_STRUCT] = STRUCT_START;
	header[FDT_H_OFF_DT_STRINGS] = (uint32_t)w->struct_end;
	header[FDT_H_OFF_MEM_RSVMAP] = FDT_HEADER_SIZE;
	header[FDT_H_VERSION] = 17;
	header[FDT_H_LAST_COMP_VERSION] = 16;
	header[FDT_H_BOOT_CPUID_PHYS] = w->boot_cpuid;
	header[FDT_H_SIZE_DT_STRINGS] = (uint32_t)w->strings_len;
	header[FDT_H_SIZE_DT_STRUCT] = (uint32_t)(w->struct_end - STRUCT_START);
	for (unsigned i = 0; i <= FDT_H_SIZE_DT_STRUCT; i++)
		put32(b + 4 * i, header[i]);
	memset(b + FDT_HEADER_SIZE, 0, STRUCT_START - FDT_HEADER_SIZE);
	return (int)header[FDT_H_TOTALSIZE];
}
