/*
 * fdt: just enough of a flattened device tree reader to find the machine's
 * RAM, its CPUs and its interrupt controller in the tree QEMU leaves at the
 * base of RAM (DTSpec v0.4, 5.4). One walker reads the structure block;
 * each lookup is a visitor of it.
 */
#include "pcpu.h"

#include "lib/string.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP	       4u
#define FDT_END	       9u

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

/*
 * What a lookup does at each step of the walk; depth is the node's (the
 * root is 1, its children 2). A callback returns false to end the walk.
 */
struct fdt_visitor {
	bool (*begin)(void *ctx, int depth, const char *name);
	bool (*prop)(void *ctx, int depth, const char *name, const uint8_t *val,
		     uint32_t len);
	bool (*end)(void *ctx, int depth);
};

/*
 * Walks the structure block after checking the header (magic, blocks
 * inside totalsize). False when there is no valid tree.
 */
static bool fdt_walk(const void *fdt, const struct fdt_visitor *v, void *ctx)
{
	const uint8_t *h = fdt;
	const uint8_t *p, *end;
	uint32_t total, off_struct, size_struct, off_strings;
	int depth = 0;

	if (be32(h) != FDT_MAGIC)
		return false;
	total = be32(h + 4);
	off_struct = be32(h + 8);
	off_strings = be32(h + 12);
	size_struct = be32(h + 36);
	if (off_struct >= total || size_struct > total - off_struct ||
	    off_strings >= total)
		return false;
	p = h + off_struct;
	end = p + size_struct;
	while (p + 4 <= end) {
		uint32_t tag = be32(p);
		bool more = true;

		p += 4;
		if (tag == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			more = v->begin(ctx, ++depth, name);
			p += (strlen(name) + 4) & ~(size_t)3;
		} else if (tag == FDT_END_NODE) {
			more = v->end(ctx, depth--);
		} else if (tag == FDT_PROP) {
			uint32_t len = be32(p);
			const char *name =
			    (const char *)h + off_strings + be32(p + 4);

			more = v->prop(ctx, depth, name, p + 8, len);
			p += 8 + ((len + 3) & ~3u);
		} else if (tag != FDT_NOP) {
			break;
		}
		if (!more)
			break;
	}
	return true;
}

/* /memory@...: the first reg pair (QEMU virt: 2 address, 2 size cells). */
struct memory_lookup {
	bool in_memory, found;
	uint64_t base, size;
};

static bool memory_begin(void *ctx, int depth, const char *name)
{
	struct memory_lookup *m = ctx;

	m->in_memory = depth == 2 && memcmp(name, "memory", 6) == 0 &&
		       (name[6] == '\0' || name[6] == '@');
	return true;
}

static bool memory_prop(void *ctx, int depth, const char *name,
			const uint8_t *val, uint32_t len)
{
	struct memory_lookup *m = ctx;

	(void)depth;
	if (!m->in_memory || strcmp(name, "reg") != 0 || len < 16)
		return true;
	m->base = be64(val);
	m->size = be64(val + 8);
	m->found = true;
	return false;
}

static bool memory_end(void *ctx, int depth)
{
	(void)depth;
	((struct memory_lookup *)ctx)->in_memory = false;
	return true;
}

int hal_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size)
{
	static const struct fdt_visitor v = {memory_begin, memory_prop,
					     memory_end};
	struct memory_lookup m = {0};

	if (!fdt_walk(fdt, &v, &m) || !m.found)
		return -1;
	*base = m.base;
	*size = m.size;
	return 0;
}

/* True when the stringlist prop (len bytes) holds compat. */
static bool has_string(const char *prop, uint32_t len, const char *compat)
{
	uint32_t i = 0;

	while (i < len) {
		const char *str = prop + i;
		uint32_t n = 0;

		while (i + n < len && str[n] != '\0')
			n++;
		if (i + n < len && strcmp(str, compat) == 0)
			return true;
		i += n + 1;
	}
	return false;
}

/* The reg pairs of the first child of the root compatible with compat. */
struct regs_lookup {
	const char *compat;
	uint64_t *regs;
	unsigned max_pairs, pairs;
	bool matched;
	int result;
};

static bool regs_begin(void *ctx, int depth, const char *name)
{
	struct regs_lookup *r = ctx;

	(void)name;
	if (depth == 2) {
		r->matched = false;
		r->pairs = 0;
	}
	return true;
}

static bool regs_prop(void *ctx, int depth, const char *name,
		      const uint8_t *val, uint32_t len)
{
	struct regs_lookup *r = ctx;

	if (depth != 2)
		return true;
	if (strcmp(name, "compatible") == 0)
		r->matched = has_string((const char *)val, len, r->compat);
	if (strcmp(name, "reg") == 0) {
		/* #address-cells = #size-cells = 2 */
		for (r->pairs = 0;
		     r->pairs < r->max_pairs && (r->pairs + 1) * 16 <= len;
		     r->pairs++) {
			r->regs[2 * r->pairs] = be64(val + 16 * r->pairs);
			r->regs[2 * r->pairs + 1] =
			    be64(val + 16 * r->pairs + 8);
		}
	}
	return true;
}

static bool regs_end(void *ctx, int depth)
{
	struct regs_lookup *r = ctx;

	if (depth == 2 && r->matched) {
		r->result = (int)r->pairs;
		return false;
	}
	return true;
}

int hal_fdt_node_regs(const void *fdt, const char *compat, uint64_t *regs,
		      unsigned max_pairs)
{
	static const struct fdt_visitor v = {regs_begin, regs_prop, regs_end};
	struct regs_lookup r = {.compat = compat,
				.regs = regs,
				.max_pairs = max_pairs,
				.result = -1};

	if (!fdt_walk(fdt, &v, &r))
		return -1;
	return r.result;
}

/* /cpus/cpu@N: their reg (the MPIDR affinity), in order. */
struct cpus_lookup {
	uint64_t *mpidrs;
	unsigned max, count;
	bool in_cpus, in_cpu;
};

static bool cpus_begin(void *ctx, int depth, const char *name)
{
	struct cpus_lookup *c = ctx;

	if (depth == 2)
		c->in_cpus = strcmp(name, "cpus") == 0;
	if (depth == 3)
		c->in_cpu = c->in_cpus && memcmp(name, "cpu@", 4) == 0;
	return true;
}

static bool cpus_prop(void *ctx, int depth, const char *name,
		      const uint8_t *val, uint32_t len)
{
	struct cpus_lookup *c = ctx;

	/* /cpus has #address-cells 1 (QEMU virt) or 2. */
	if (depth == 3 && c->in_cpu && strcmp(name, "reg") == 0 &&
	    (len == 4 || len == 8)) {
		if (c->count < c->max)
			c->mpidrs[c->count] = len == 4 ? be32(val) : be64(val);
		c->count++;
	}
	return true;
}

static bool cpus_end(void *ctx, int depth)
{
	struct cpus_lookup *c = ctx;

	if (depth == 3)
		c->in_cpu = false;
	return !(depth == 2 && c->in_cpus);
}

int hal_fdt_cpus(const void *fdt, uint64_t *mpidrs, unsigned max)
{
	static const struct fdt_visitor v = {cpus_begin, cpus_prop, cpus_end};
	struct cpus_lookup c = {.mpidrs = mpidrs, .max = max};

	if (!fdt_walk(fdt, &v, &c))
		return -1;
	return (int)c.count;
}
