/*
 * fdt: the machine's RAM, CPUs and interrupt controller, from the device
 * tree QEMU leaves at the base of RAM, read with lib/fdt. The first
 * lookup checks the tree, so a missing or damaged one reads as none, and
 * indexes the root's children for the others.
 */
#include "pcpu.h"

#include "lib/fdt.h"
#include "lib/string.h"

/*
 * QEMU places its tree at the base of RAM, below the image linked 2 MiB
 * higher (hal.ld): it cannot be larger than that.
 */
#define QEMU_FDT_MAX_SIZE 0x200000u

/*
 * The root's children, indexed when a tree is first read (their offsets
 * from fdt_check's own walk, and their compatibles): each lookup is then
 * a scan of this table rather than a walk over the tree (QEMU lists some 50
 * nodes, 32 virtio-mmio ones before its GIC), and nothing writes the tree. A
 * root with more children than this is not QEMU's: it reads as no tree.
 */
#define INDEX_MAX 128

struct node_entry {
	const char *compat; /* its compatible, or NULL */
	uint32_t compat_len;
};

/* Written up to node_count before they are read: not cleared at boot. */
static HAL_NOINIT int offs[INDEX_MAX]; /* node i's offset */
static HAL_NOINIT struct node_entry nodes[INDEX_MAX];
static unsigned node_count;
static unsigned root_cells[2]; /* #address-cells, #size-cells */
static const void *indexed;

static bool tree_ok(const void *fdt)
{
	unsigned count;

	if (fdt == indexed)
		return true;
	/* The check's walk finds the root's children: no second walk. */
	if (fdt_check_children(fdt, QEMU_FDT_MAX_SIZE, offs, INDEX_MAX,
			       &count) != 0 ||
	    count > INDEX_MAX)
		return false;
	for (unsigned i = 0; i < count; i++) {
		nodes[i].compat =
		    fdt_prop(fdt, offs[i], "compatible", &nodes[i].compat_len);
	}
	node_count = count;
	root_cells[0] = fdt_address_cells(fdt, fdt_root(fdt));
	root_cells[1] = fdt_size_cells(fdt, fdt_root(fdt));
	indexed = fdt;
	return true;
}

void hal_fdt_boot_tree(const void *fdt, struct hal_boot_tree *tree)
{
	tree->checked = fdt == indexed;
	tree->root_children = offs;
	tree->root_child_count = node_count;
}

static bool has_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strlen(s) >= n && memcmp(s, prefix, n) == 0;
}

/* The (address, size) pair i of a reg value under the root. */
static void reg_pair(const uint8_t *reg, unsigned i, uint64_t *addr,
		     uint64_t *size)
{
	unsigned ac = root_cells[0], sc = root_cells[1];

	reg += 4 * (ac + sc) * i;
	*addr = fdt_read_cells(reg, ac);
	*size = fdt_read_cells(reg + 4 * ac, sc);
}

/* A node's reg, read only for the node a lookup found (most are not), and
 * how many whole pairs it holds (none for an error instead of a node). */
static unsigned reg_pairs(int node, const uint8_t **reg)
{
	unsigned cells = root_cells[0] + root_cells[1];
	uint32_t len;

	*reg = fdt_prop(indexed, node, "reg", &len);
	return *reg != NULL && cells ? len / (4 * cells) : 0;
}

int hal_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size)
{
	const uint8_t *reg;

	if (!tree_ok(fdt) ||
	    reg_pairs(fdt_named(fdt, offs, node_count, "memory"), &reg) == 0)
		return -1;
	reg_pair(reg, 0, base, size);
	return 0;
}

int hal_fdt_node_regs(const void *fdt, const char *compat, uint64_t *regs,
		      unsigned max_pairs)
{
	if (!tree_ok(fdt))
		return -1;
	for (unsigned i = 0; i < node_count; i++) {
		const struct node_entry *n = &nodes[i];
		const uint8_t *reg;
		unsigned count;

		if (n->compat == NULL ||
		    !fdt_stringlist_contains(n->compat, n->compat_len, compat))
			continue;
		count = reg_pairs(offs[i], &reg);
		count = count < max_pairs ? count : max_pairs;
		for (unsigned r = 0; r < count; r++)
			reg_pair(reg, r, &regs[2 * r], &regs[2 * r + 1]);
		return (int)count;
	}
	return -1;
}

int hal_fdt_cpus(const void *fdt, uint64_t *mpidrs, unsigned max)
{
	unsigned count = 0;
	int cpus;

	if (!tree_ok(fdt))
		return -1;
	cpus = fdt_named(fdt, offs, node_count, "cpus");
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
