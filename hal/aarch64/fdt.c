/*
 * fdt: just enough of a flattened device tree reader to find the machine's
 * RAM and its interrupt controller in the tree QEMU leaves at the base of
 * RAM (DTSpec v0.4, 5.4).
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
 * Checks the header (magic, blocks inside totalsize) and gives the
 * structure block [*p, *end) and the strings block's offset.
 */
static bool fdt_open(const uint8_t *h, uint32_t *off_strings, const uint8_t **p,
		     const uint8_t **end)
{
	uint32_t total, off_struct, size_struct;

	if (be32(h) != FDT_MAGIC)
		return false;
	total = be32(h + 4);
	off_struct = be32(h + 8);
	*off_strings = be32(h + 12);
	size_struct = be32(h + 36);
	if (off_struct >= total || size_struct > total - off_struct ||
	    *off_strings >= total)
		return false;
	*p = h + off_struct;
	*end = *p + size_struct;
	return true;
}

int hal_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size)
{
	const uint8_t *h = fdt;
	const uint8_t *p, *end;
	uint32_t off_strings;
	int depth = 0;
	int in_memory = 0;

	if (!fdt_open(h, &off_strings, &p, &end))
		return -1;

	while (p + 4 <= end) {
		uint32_t tag = be32(p);

		p += 4;
		if (tag == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			size_t len = strlen(name);

			depth++;
			/* /memory@... directly under the root */
			in_memory = depth == 2 && len >= 6 &&
				    memcmp(name, "memory", 6) == 0 &&
				    (name[6] == '\0' || name[6] == '@');
			p += (len + 4) & ~(size_t)3;
		} else if (tag == FDT_END_NODE) {
			depth--;
			in_memory = 0;
		} else if (tag == FDT_PROP) {
			uint32_t len = be32(p);
			uint32_t nameoff = be32(p + 4);
			const char *pname =
			    (const char *)h + off_strings + nameoff;

			p += 8;
			/* QEMU virt: #address-cells = #size-cells = 2 */
			if (in_memory && strcmp(pname, "reg") == 0 &&
			    len >= 16) {
				*base = be64(p);
				*size = be64(p + 8);
				return 0;
			}
			p += (len + 3) & ~3u;
		} else if (tag == FDT_NOP) {
			continue;
		} else {
			break;
		}
	}
	return -1;
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

int hal_fdt_node_regs(const void *fdt, const char *compat, uint64_t *regs,
		      unsigned max_pairs)
{
	const uint8_t *h = fdt;
	const uint8_t *p, *end;
	uint32_t off_strings;
	int depth = 0, matched = 0;
	unsigned pairs = 0;

	if (!fdt_open(h, &off_strings, &p, &end))
		return -1;

	while (p + 4 <= end) {
		uint32_t tag = be32(p);

		p += 4;
		if (tag == FDT_BEGIN_NODE) {
			size_t len = strlen((const char *)p);

			depth++;
			if (depth == 2) {
				matched = 0;
				pairs = 0;
			}
			p += (len + 4) & ~(size_t)3;
		} else if (tag == FDT_END_NODE) {
			if (depth == 2 && matched)
				return (int)pairs;
			depth--;
		} else if (tag == FDT_PROP) {
			uint32_t len = be32(p);
			const char *pname =
			    (const char *)h + off_strings + be32(p + 4);

			p += 8;
			if (depth == 2 && strcmp(pname, "compatible") == 0)
				matched =
				    has_string((const char *)p, len, compat);
			if (depth == 2 && strcmp(pname, "reg") == 0) {
				/* #address-cells = #size-cells = 2 */
				for (pairs = 0; pairs < max_pairs &&
						(pairs + 1) * 16 <= len;
				     pairs++) {
					regs[2 * pairs] = be64(p + 16 * pairs);
					regs[2 * pairs + 1] =
					    be64(p + 16 * pairs + 8);
				}
			}
			p += (len + 3) & ~3u;
		} else if (tag == FDT_NOP) {
			continue;
		} else {
			break;
		}
	}
	return -1;
}

int hal_fdt_cpus(const void *fdt, uint64_t *mpidrs, unsigned max)
{
	const uint8_t *h = fdt;
	const uint8_t *p, *end;
	uint32_t off_strings;
	int depth = 0;
	bool in_cpus = false, in_cpu = false;
	unsigned count = 0;

	if (!fdt_open(h, &off_strings, &p, &end))
		return -1;
	while (p + 4 <= end) {
		uint32_t tag = be32(p);

		p += 4;
		if (tag == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			size_t len = strlen(name);

			depth++;
			if (depth == 2)
				in_cpus = strcmp(name, "cpus") == 0;
			if (depth == 3)
				in_cpu =
				    in_cpus && memcmp(name, "cpu@", 4) == 0;
			p += (len + 4) & ~(size_t)3;
		} else if (tag == FDT_END_NODE) {
			if (depth == 2 && in_cpus)
				break;
			if (depth == 3)
				in_cpu = false;
			depth--;
		} else if (tag == FDT_PROP) {
			uint32_t len = be32(p);
			const char *pname =
			    (const char *)h + off_strings + be32(p + 4);

			p += 8;
			/* /cpus has #address-cells 1 (QEMU virt) or 2. */
			if (depth == 3 && in_cpu && count < max &&
			    strcmp(pname, "reg") == 0 && (len == 4 || len == 8))
				mpidrs[count++] = len == 4 ? be32(p) : be64(p);
			p += (len + 3) & ~3u;
		} else if (tag == FDT_NOP) {
			continue;
		} else {
			break;
		}
	}
	return (int)count;
}
