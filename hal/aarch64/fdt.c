/*
 * fdt: the machine's RAM, CPUs and interrupt controller, from the device
 * tree QEMU leaves at the base of RAM, read with lib/fdt. Each lookup
 * checks the tree first, so a missing or damaged one reads as none; a tree
 * that passed once is not walked again for that (the boot reads the same
 * one three times, and nothing writes it).
 */
#include "pcpu.h"

#include "lib/fdt.h"
#include "lib/string.h"

/*
 * QEMU places its tree at the base of RAM, below the image linked 2 MiB
 * higher (hal.ld): it cannot be larger than that.
 */
#define QEMU_FDT_MAX_SIZE 0x200000u

static bool tree_ok(const void *fdt)
{
	static const void *checked;

	if (fdt != checked && fdt_check(fdt, QEMU_FDT_MAX_SIZE) != 0)
		return false;
	checked = fdt;
	return true;
}

static bool has_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strlen(s) >= n && memcmp(s, prefix, n) == 0;
}

/* The (address, size) pair i of a reg value under the root. */
static void reg_pair(const void *fdt, const uint8_t *reg, unsigned i,
		     uint64_t *addr, uint64_t *size)
{
	unsigned ac = fdt_address_cells(fdt, fdt_root(fdt));
	unsigned sc = fdt_size_cells(fdt, fdt_root(fdt));

	reg += 4 * (ac + sc) * i;
	*addr = fdt_read_cells(reg, ac);
	*size = fdt_read_cells(reg + 4 * ac, sc);
}

/* How many whole reg pairs len bytes hold, with the root's cell counts. */
static unsigned reg_pairs(const void *fdt, uint32_t len)
{
	unsigned cells = fdt_address_cells(fdt, fdt_root(fdt)) +
			 fdt_size_cells(fdt, fdt_root(fdt));

	return cells ? len / (4 * cells) : 0;
}

int hal_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size)
{
	if (!tree_ok(fdt))
		return -1;
	for (int node = fdt_first_child(fdt, fdt_root(fdt)); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		const char *name = fdt_node_name(fdt, node);
		uint32_t len;
		const uint8_t *reg;

		if (!has_prefix(name, "memory") ||
		    (name[6] != '\0' && name[6] != '@'))
			continue;
		reg = fdt_prop(fdt, node, "reg", &len);
		if (reg && reg_pairs(fdt, len) > 0) {
			reg_pair(fdt, reg, 0, base, size);
			return 0;
		}
	}
	return -1;
}

int hal_fdt_node_regs(const void *fdt, const char *compat, uint64_t *regs,
		      unsigned max_pairs)
{
	if (!tree_ok(fdt))
		return -1;
	for (int node = fdt_first_child(fdt, fdt_root(fdt)); node >= 0;
	     node = fdt_next_sibling(fdt, node)) {
		uint32_t len = 0;
		const uint8_t *reg;
		unsigned n;

		if (!fdt_compatible(fdt, node, compat))
			continue;
		reg = fdt_prop(fdt, node, "reg", &len);
		n = reg ? reg_pairs(fdt, len) : 0;
		n = n < max_pairs ? n : max_pairs;
		for (unsigned i = 0; i < n; i++)
			reg_pair(fdt, reg, i, &regs[2 * i], &regs[2 * i + 1]);
		return (int)n;
	}
	return -1;
}

int hal_fdt_cpus(const void *fdt, uint64_t *mpidrs, unsigned max)
{
	unsigned count = 0;
	int cpus;

	if (!tree_ok(fdt))
		return -1;
	cpus = fdt_child(fdt, fdt_root(fdt), "cpus");
	for (int cpu = fdt_first_child(fdt, cpus); cpu >= 0;
	     cpu = fdt_next_sibling(fdt, cpu)) {
		uint64_t mpidr;

		/* /cpus has #address-cells 1 (QEMU virt) or 2. */
		if (!has_prefix(fdt_node_name(fdt, cpu), "cpu@") ||
		    fdt_prop_u64(fdt, cpu, "reg", &mpidr) != 0)
			continue;
		if (count < max)
			mpidrs[count] = mpidr;
		count++;
	}
	return (int)count;
}
