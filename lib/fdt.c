/*
 * fdt: the flattened device tree reader (DTSpec v0.4, chapter 5).
 *
 * Safety rests on token(): it decodes the token at an offset and refuses
 * one that does not lie wholly inside the structure block. Every accessor
 * moves through the tree with it alone and reads property names through
 * string_at(), bounded by the strings block. fdt_check adds what token()
 * cannot see: the header, where the blocks are, the order of the tokens.
 * A tree at a 4-byte aligned address (the DTSpec asks for 8) is read a word
 * at a time: every token, property value and header word is then aligned
 * too, since offsets inside the structure block are multiples of 4. A tree
 * at any other address is read byte by byte: at EL2 with the MMU off
 * (Device memory) an unaligned load would fault, and the hypervisor builds
 * with -mstrict-align, so no wider load is ever made from a byte pointer.
 */
#include "lib/fdt.h"

#include "lib/string.h"

#define RSV_ENTRY_SIZE 16u /* address and size, 64 bits each */

/* The host's byte order, folded to a constant by the compiler. */
static const union {
	uint32_t word;
	uint8_t bytes[4];
} byte_order = {.word = 1};

static inline bool aligned4(const void *p)
{
	return ((uintptr_t)p & 3u) == 0;
}

/*
 * A big-endian word at b: one load where b is aligned (see above). The
 * bytes are gathered in a loop: written out as one expression, gcc sees
 * the same value as the load's and merges both paths into the bytewise one.
 */
static inline uint32_t be32(const uint8_t *b)
{
	uint32_t w = 0;

	if (!aligned4(b)) {
		for (unsigned i = 0; i < 4; i++)
			w = w << 8 | b[i];
		return w;
	}
	w = *(const uint32_t *)(const void *)b;
	if (byte_order.bytes[0] == 1)
		w = w >> 24 | (w >> 8 & 0xff00u) | (w << 8 & 0xff0000u) |
		    w << 24;
	return w;
}

/* A word with a zero byte in it (the classic test: no false positives). */
static inline bool has_zero_byte(uint32_t w)
{
	return ((w - 0x01010101u) & ~w & 0x80808080u) != 0;
}

uint32_t fdt_be32(const void *p)
{
	return be32(p);
}

uint64_t fdt_read_cells(const void *p, unsigned ncells)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < ncells; i++)
		v = v << 32 | be32((const uint8_t *)p + 4 * i);
	return v;
}

static uint32_t hdr(const void *fdt, enum fdt_header_word field)
{
	return be32((const uint8_t *)fdt + 4 * field);
}

uint32_t fdt_totalsize(const void *fdt)
{
	return hdr(fdt, FDT_H_TOTALSIZE);
}

/*
 * Where the blocks are, read from the header once per call into this file
 * rather than once per token: a walk over a tree decodes thousands.
 */
struct view {
	const uint8_t *s;    /* the structure block */
	uint32_t size;	     /* its size */
	const char *strings; /* the strings block */
	uint32_t strings_size;
};

/* Version 16 has no size_dt_struct: its FDT_END ends the block. */
static struct view view_of(const void *fdt)
{
	uint32_t off = hdr(fdt, FDT_H_OFF_DT_STRUCT);

	return (struct view){
	    .s = (const uint8_t *)fdt + off,
	    .size = hdr(fdt, FDT_H_VERSION) >= 17
			? hdr(fdt, FDT_H_SIZE_DT_STRUCT)
			: hdr(fdt, FDT_H_TOTALSIZE) - off,
	    .strings = (const char *)fdt + hdr(fdt, FDT_H_OFF_DT_STRINGS),
	    .strings_size = hdr(fdt, FDT_H_SIZE_DT_STRINGS),
	};
}

/*
 * The token at off: its tag in *tag and the offset of the next token, or an
 * error when it is not wholly inside the structure block. A negative off is
 * an earlier error and is passed on.
 */
static int token(const struct view *v, int off, uint32_t *tag)
{
	const uint8_t *s = v->s;
	uint32_t size = v->size, end, len;

	if (off < 0)
		return off;
	/* Misaligned or past the end: no token there. */
	if (off % 4 != 0 || (uint32_t)off + 4 > size)
		return FDT_ERR_TRUNCATED;
	*tag = be32(s + off);
	end = (uint32_t)off + 4;
	switch (*tag) {
	case FDT_BEGIN_NODE:
		/* Past the name's words without a NUL (read in any byte
		 * order: only whether a byte is zero matters), then to it. */
		if (aligned4(s))
			while (size - end >= 4 &&
			       !has_zero_byte(
				   *(const uint32_t *)(const void *)(s + end)))
				end += 4;
		while (end < size && s[end] != '\0')
			end++;
		if (end == size)
			return FDT_ERR_BADSTRUCTURE; /* a name without its NUL
						      */
		end++;
		break;
	case FDT_PROP: /* len, nameoff, then len bytes of value */
		if (size - end < 8)
			return FDT_ERR_TRUNCATED;
		len = be32(s + end);
		if (len > size - end - 8)
			return FDT_ERR_TRUNCATED;
		end += 8 + len;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return FDT_ERR_BADSTRUCTURE;
	}
	end = (end + 3) & ~3u;
	return end <= size ? (int)end : FDT_ERR_TRUNCATED;
}

/* The NUL-terminated string at off in the strings block, or NULL. */
static const char *string_at(const struct view *v, uint32_t off)
{
	/* A block that ends with a NUL terminates every string in it. */
	if (v->strings_size != 0 && v->strings[v->strings_size - 1] == '\0')
		return off < v->strings_size ? v->strings + off : NULL;
	for (uint32_t i = off; i < v->strings_size; i++) {
		if (v->strings[i] == '\0')
			return v->strings + off;
	}
	return NULL;
}

static bool block_inside(uint32_t off, uint32_t size, uint32_t total)
{
	return off >= FDT_HEADER_SIZE && off <= total && size <= total - off;
}

/*
 * The token stream: the root first, then only FDT_END once it closed (not
 * even a NOP, as libfdt wants), properties before a node's children.
 */
static int check_structure(const void *fdt, int *children, unsigned max,
			   unsigned *count)
{
	const struct view v = view_of(fdt);
	int off, next, depth = 0;
	bool after_child = false; /* a node ended since the last began */
	uint32_t tag;

	for (off = 0;; off = next) {
		next = token(&v, off, &tag);
		if (next < 0)
			return next;
		if (depth == 0 && tag != (off == 0 ? FDT_BEGIN_NODE : FDT_END))
			return FDT_ERR_BADSTRUCTURE;
		if (tag == FDT_BEGIN_NODE) {
			if (depth == 0 ? v.s[off + 4] != '\0'
				       : depth == FDT_MAX_DEPTH)
				return FDT_ERR_BADSTRUCTURE;
			if (depth == 1 && (*count)++ < max)
				children[*count - 1] = off;
			depth++;
			after_child = false;
		} else if (tag == FDT_END_NODE) {
			depth--;
			after_child = true;
		} else if (tag == FDT_PROP) {
			if (after_child || !string_at(&v, be32(v.s + off + 8)))
				return FDT_ERR_BADSTRUCTURE;
		} else if (tag == FDT_END) {
			/* With v17 the block ends here. */
			if (depth != 0 || (hdr(fdt, FDT_H_VERSION) >= 17 &&
					   (uint32_t)next != v.size))
				return FDT_ERR_BADSTRUCTURE;
			return 0;
		}
	}
}

int fdt_check(const void *fdt, size_t size)
{
	unsigned count;

	return fdt_check_children(fdt, size, NULL, 0, &count);
}

int fdt_check_children(const void *fdt, size_t size, int *children,
		       unsigned max, unsigned *count)
{
	uint32_t total, version, rsv;

	*count = 0;
	if (size < FDT_HEADER_SIZE)
		return FDT_ERR_TRUNCATED;
	if (hdr(fdt, FDT_H_MAGIC) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	version = hdr(fdt, FDT_H_VERSION);
	if (version < 16 || hdr(fdt, FDT_H_LAST_COMP_VERSION) > 17 ||
	    hdr(fdt, FDT_H_LAST_COMP_VERSION) > version)
		return FDT_ERR_BADVERSION;
	/* Offsets are ints: a blob must fit below 2 GiB. */
	total = hdr(fdt, FDT_H_TOTALSIZE);
	if (total < FDT_HEADER_SIZE || total > size || total > INT32_MAX)
		return FDT_ERR_TRUNCATED;
	if (!block_inside(hdr(fdt, FDT_H_OFF_DT_STRUCT), view_of(fdt).size,
			  total) ||
	    !block_inside(hdr(fdt, FDT_H_OFF_DT_STRINGS),
			  hdr(fdt, FDT_H_SIZE_DT_STRINGS), total))
		return FDT_ERR_TRUNCATED;
	/* The reservation map ends with an entry of size 0. */
	for (rsv = hdr(fdt, FDT_H_OFF_MEM_RSVMAP);; rsv += RSV_ENTRY_SIZE) {
		if (!block_inside(rsv, RSV_ENTRY_SIZE, total))
			return FDT_ERR_TRUNCATED;
		if (fdt_read_cells((const uint8_t *)fdt + rsv + 8, 2) == 0)
			break;
	}
	if (hdr(fdt, FDT_H_OFF_DT_STRUCT) % 4 != 0)
		return FDT_ERR_BADSTRUCTURE;
	return check_structure(fdt, children, max, count);
}

int fdt_root(const void *fdt)
{
	(void)fdt;
	return 0;
}

/* The offset just after node's FDT_BEGIN_NODE, or an error. */
static int node_body(const struct view *v, int node)
{
	uint32_t tag;
	int next = token(v, node, &tag);

	return next < 0 || tag == FDT_BEGIN_NODE ? next : FDT_ERR_NOTFOUND;
}

static const char *node_name(const struct view *v, int node)
{
	if (node_body(v, node) < 0)
		return NULL;
	return (const char *)v->s + node + 4;
}

const char *fdt_node_name(const void *fdt, int node)
{
	const struct view v = view_of(fdt);

	return node_name(&v, node);
}

static int next_node(const struct view *v, int node, int *depth)
{
	int off = node_body(v, node);

	while (off >= 0) {
		uint32_t tag;
		int next = token(v, off, &tag);

		if (next < 0 || tag == FDT_END)
			return next < 0 ? next : FDT_ERR_NOTFOUND;
		if (tag == FDT_BEGIN_NODE) {
			(*depth)++;
			return off;
		}
		if (tag == FDT_END_NODE)
			(*depth)--;
		off = next;
	}
	return off;
}

int fdt_next_node(const void *fdt, int node, int *depth)
{
	const struct view v = view_of(fdt);

	return next_node(&v, node, depth);
}

static int first_child(const struct view *v, int node)
{
	int depth = 0;
	int child = next_node(v, node, &depth);

	return child < 0 || depth == 1 ? child : FDT_ERR_NOTFOUND;
}

int fdt_first_child(const void *fdt, int node)
{
	const struct view v = view_of(fdt);

	return first_child(&v, node);
}

static int next_sibling(const struct view *v, int node)
{
	int depth = 0;

	do {
		node = next_node(v, node, &depth);
	} while (node >= 0 && depth > 0);
	return node < 0 || depth == 0 ? node : FDT_ERR_NOTFOUND;
}

int fdt_next_sibling(const void *fdt, int node)
{
	const struct view v = view_of(fdt);

	return next_sibling(&v, node);
}

/* name (len bytes) is the node's name, or the part before its '@'. */
static bool name_matches(const char *node_name, const char *name, size_t len)
{
	/* Most names differ in their first byte: no strlen for those. */
	if (len != 0 && node_name[0] != name[0])
		return false;
	if (strlen(node_name) < len || memcmp(node_name, name, len) != 0)
		return false;
	if (node_name[len] == '\0')
		return true;
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '@')
			return false;
	}
	return node_name[len] == '@';
}

static int child_n(const struct view *v, int parent, const char *name,
		   size_t len)
{
	int c;

	for (c = first_child(v, parent); c >= 0; c = next_sibling(v, c)) {
		if (name_matches(node_name(v, c), name, len))
			return c;
	}
	return c;
}

int fdt_child(const void *fdt, int parent, const char *name)
{
	const struct view v = view_of(fdt);

	return child_n(&v, parent, name, strlen(name));
}

int fdt_named(const void *fdt, const int *nodes, unsigned count,
	      const char *name)
{
	const struct view v = view_of(fdt);
	size_t len = strlen(name);

	for (unsigned i = 0; i < count; i++) {
		const char *n = node_name(&v, nodes[i]);

		if (n && name_matches(n, name, len))
			return nodes[i];
	}
	return FDT_ERR_NOTFOUND;
}

/* Repeated and trailing slashes are ignored, as libfdt does. */
int fdt_path(const void *fdt, const char *path)
{
	const struct view v = view_of(fdt);
	int node = fdt_root(fdt);

	if (path[0] != '/')
		return FDT_ERR_NOTFOUND;
	for (;;) {
		size_t len = 0;

		while (*path == '/')
			path++;
		if (*path == '\0' || node < 0)
			return node;
		while (path[len] != '/' && path[len] != '\0')
			len++;
		node = child_n(&v, node, path, len);
		path += len;
	}
}

/* The property at or after off, past NOPs, or NOTFOUND at anything else. */
static int prop_from(const struct view *v, int off)
{
	uint32_t tag;
	int next;

	while ((next = token(v, off, &tag)) >= 0 && tag == FDT_NOP)
		off = next;
	if (next < 0)
		return next;
	return tag == FDT_PROP ? off : FDT_ERR_NOTFOUND;
}

int fdt_first_prop(const void *fdt, int node)
{
	const struct view v = view_of(fdt);

	return prop_from(&v, node_body(&v, node));
}

static int next_prop(const struct view *v, int prop)
{
	uint32_t tag;
	int next = token(v, prop, &tag);

	if (next >= 0 && tag != FDT_PROP)
		return FDT_ERR_NOTFOUND;
	return prop_from(v, next);
}

int fdt_next_prop(const void *fdt, int prop)
{
	const struct view v = view_of(fdt);

	return next_prop(&v, prop);
}

static const void *prop_at(const struct view *v, int prop,
			   const char *name_out[1], uint32_t *len)
{
	const uint8_t *p;
	const char *name;
	uint32_t tag;

	if (token(v, prop, &tag) < 0 || tag != FDT_PROP)
		return NULL;
	p = v->s + prop;
	name = string_at(v, be32(p + 8));
	if (!name)
		return NULL;
	if (name_out)
		*name_out = name;
	if (len)
		*len = be32(p + 4);
	return p + 12;
}

const void *fdt_prop_at(const void *fdt, int prop, const char *name_out[1],
			uint32_t *len)
{
	const struct view v = view_of(fdt);

	return prop_at(&v, prop, name_out, len);
}

/* Is the string at off in the strings block name? Bounded by the block. */
static bool name_is(const struct view *v, uint32_t off, const char *name)
{
	for (uint32_t i = off; i < v->strings_size; i++, name++) {
		if (v->strings[i] != *name)
			return false;
		if (*name == '\0')
			return true;
	}
	return false;
}

/* One token decoded a property, where a lookup spends its time. */
const void *fdt_prop(const void *fdt, int node, const char *name, uint32_t *len)
{
	const struct view v = view_of(fdt);
	int off = node_body(&v, node);

	while (off >= 0) {
		uint32_t tag;
		int next = token(&v, off, &tag);
		const uint8_t *p = v.s + off;

		if (next < 0 || (tag != FDT_PROP && tag != FDT_NOP))
			return NULL;
		if (tag == FDT_PROP && name_is(&v, be32(p + 8), name)) {
			if (len)
				*len = be32(p + 4);
			return p + 12;
		}
		off = next;
	}
	return NULL;
}

/* An unterminated tail of the list is not an entry. */
bool fdt_stringlist_contains(const char *list, uint32_t len, const char *s)
{
	size_t n = strlen(s);
	uint32_t i = 0;

	while (i < len) {
		uint32_t end = i;

		while (end < len && list[end] != '\0')
			end++;
		if (end == len)
			return false;
		if (end - i == n && memcmp(list + i, s, n) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

bool fdt_compatible(const void *fdt, int node, const char *compat)
{
	uint32_t len;
	const char *list = fdt_prop(fdt, node, "compatible", &len);

	return list && fdt_stringlist_contains(list, len, compat);
}

/* A cell count: the property when it is one cell, else the default. */
static unsigned cells(const void *fdt, int node, const char *name,
		      unsigned dflt)
{
	uint32_t len;
	const void *v = fdt_prop(fdt, node, name, &len);

	return v && len == 4 ? be32(v) : dflt;
}

unsigned fdt_address_cells(const void *fdt, int node)
{
	return cells(fdt, node, "#address-cells", 2);
}

unsigned fdt_size_cells(const void *fdt, int node)
{
	return cells(fdt, node, "#size-cells", 1);
}

int fdt_prop_u64(const void *fdt, int node, const char *name, uint64_t *val)
{
	uint32_t len;
	const void *v = fdt_prop(fdt, node, name, &len);

	if (!v)
		return FDT_ERR_NOTFOUND;
	if (len != 4 && len != 8)
		return FDT_ERR_BADVALUE;
	*val = fdt_read_cells(v, len / 4);
	return 0;
}

/* The last byte is tested first, so strlen stays inside the value. */
const char *fdt_prop_string(const void *fdt, int node, const char *name)
{
	uint32_t len;
	const char *v = fdt_prop(fdt, node, name, &len);

	if (!v || len == 0 || v[len - 1] != '\0' || strlen(v) != len - 1)
		return NULL;
	return v;
}

const char *fdt_strerror(int err)
{
	static const char *const text[] = {
	    [0] = "no error",
	    [-FDT_ERR_NOTFOUND] = "not found",
	    [-FDT_ERR_BADMAGIC] = "bad magic",
	    [-FDT_ERR_BADVERSION] = "unsupported version",
	    [-FDT_ERR_TRUNCATED] = "truncated",
	    [-FDT_ERR_BADSTRUCTURE] = "bad structure",
	    [-FDT_ERR_NOSPACE] = "no space",
	    [-FDT_ERR_BADVALUE] = "bad value",
	};

	if (err > 0 || err < FDT_ERR_BADVALUE)
		return "unknown error";
	return text[-err];
}
