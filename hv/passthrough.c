/*
 * passthrough: reading a device from the boot tree, the checks, the
 * stage-2 mapping, the copied node and the interrupt path. The tree is the
 * user's: every value is checked before it is used, and each refusal says
 * what to change.
 */
#include "hv/passthrough.h"

#include "hv/config.h"
#include "hv/dev/vpl011.h"
#include "hv/irq.h"
#include "hv/sched.h"
#include "hv/stage2.h"
#include "hv/vgic/vgic.h"
#include "hv/virtio/virtio_mmio.h"
#include "hv/vm.h"
#include "lib/fdt.h"
#include "lib/fdt_write.h"
#include "lib/fmt.h"
#include "lib/string.h"

#include <hal/cpu.h>
#include <hal/gic.h>

#include <stdarg.h>

typedef unsigned long long ull;

#define PT_PAGE 0x1000ull

/* Interrupt specifiers of the GIC bindings: type, number, flags. */
#define DT_IRQ_SPI	   0u
#define DT_IRQ_PPI	   1u
#define DT_IRQ_EDGE_RISING 1u
#define DT_IRQ_LEVEL_HIGH  4u
#define DT_IRQ_TYPE_MASK   0xfu

/* Messages: "<vm node>: passthrough: <path>: ...". */
static enum hv_err fail(struct config_error *err, enum hv_err e, const char *vm,
			const char *path, const char *fmt, ...)
{
	size_t n =
	    fmt_snprintf(err->msg, sizeof(err->msg), "%s: passthrough: ", vm);
	va_list ap;

	if (path != NULL && n < sizeof(err->msg))
		n += fmt_snprintf(err->msg + n, sizeof(err->msg) - n,
				  "%s: ", path);
	if (n < sizeof(err->msg)) {
		va_start(ap, fmt);
		fmt_vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
		va_end(ap);
	}
	config_error_printable(err);
	return e;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static uint64_t page_down(uint64_t a)
{
	return a & ~(PT_PAGE - 1);
}

static uint64_t page_up(uint64_t a)
{
	return (a + PT_PAGE - 1) & ~(PT_PAGE - 1);
}

/* The tree */

/*
 * The nodes from the root down to node: chain[0] the root, chain[n - 1]
 * node; n, or 0 when node is no node's offset.
 */
static int chain_of(const void *fdt, int node, int chain[FDT_MAX_DEPTH])
{
	int depth = 0;

	chain[0] = fdt_root(fdt);
	if (node == chain[0])
		return 1;
	for (int n = fdt_next_node(fdt, chain[0], &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(fdt, n, &depth)) {
		if (depth >= FDT_MAX_DEPTH)
			return 0;
		chain[depth] = n;
		if (n == node)
			return depth + 1;
	}
	return 0;
}

/* The node's path, for messages about nodes the manifest did not name. */
static const char *path_of(const void *fdt, int node, char *buf, size_t len)
{
	int chain[FDT_MAX_DEPTH];
	int n = chain_of(fdt, node, chain);
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 1; i < n && at < len; i++)
		at += fmt_snprintf(buf + at, len - at, "/%s",
				   fdt_node_name(fdt, chain[i]));
	return n <= 1 ? "/" : buf;
}

/* The node whose phandle is ph, or a negative value. */
static int node_by_phandle(const void *fdt, uint32_t ph)
{
	int depth = 0;

	if (ph == 0 || ph == 0xffffffffu)
		return FDT_ERR_NOTFOUND;
	for (int n = fdt_root(fdt); n >= 0 && depth >= 0;
	     n = fdt_next_node(fdt, n, &depth)) {
		uint32_t len;
		const void *v = fdt_prop(fdt, n, "phandle", &len);

		if (v == NULL)
			v = fdt_prop(fdt, n, "linux,phandle", &len);
		if (v != NULL && len == 4 && fdt_be32(v) == ph)
			return n;
	}
	return FDT_ERR_NOTFOUND;
}

static bool empty_prop(const void *fdt, int node, const char *name)
{
	uint32_t len;

	return fdt_prop(fdt, node, name, &len) != NULL && len == 0;
}

/* The GIC the hypervisor drives: the first interrupt controller of a
 * kind the HAL knows (hal/aarch64/gic.c), or a negative value. */
static int find_gic(const void *fdt)
{
	static const char *const kinds[] = {"arm,gic-v3", "arm,cortex-a15-gic",
					    "arm,gic-400"};
	int depth = 0;

	for (int n = fdt_root(fdt); n >= 0 && depth >= 0;
	     n = fdt_next_node(fdt, n, &depth)) {
		if (!empty_prop(fdt, n, "interrupt-controller"))
			continue;
		for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (fdt_compatible(fdt, n, kinds[k]))
				return n;
	}
	return FDT_ERR_NOTFOUND;
}

/* Why the node (at the end of chain) can do DMA, or NULL. */
static const char *dma_of(const void *fdt, const int *chain, int n)
{
	if (fdt_compatible(fdt, chain[n - 1], "virtio,mmio"))
		return "virtio,mmio";
	for (int i = n - 1; i >= 1; i--)
		if (fdt_prop(fdt, chain[i], "dma-coherent", NULL) != NULL)
			return "dma-coherent";
	return NULL;
}

/*
 * Whether addresses of the node at the end of chain are the CPU's: every
 * node between it and the root translates 1:1 (an empty ranges).
 */
static bool cpu_addressed(const void *fdt, const int *chain, int n)
{
	for (int i = 1; i < n - 1; i++)
		if (!empty_prop(fdt, chain[i], "ranges"))
			return false;
	return true;
}

/* Reading one device */

struct reader {
	const void *fdt;
	const char *vm;
	const char *path;
	struct config_error *err;
	int chain[FDT_MAX_DEPTH];
	int depth; /* entries of chain */
	char buf[96];
};

static enum hv_err read_reg(struct reader *r, struct vm_pt_device *d)
{
	int parent = r->chain[r->depth - 2];
	unsigned ac = fdt_address_cells(r->fdt, parent);
	unsigned sc = fdt_size_cells(r->fdt, parent);
	uint32_t len;
	const uint8_t *reg = fdt_prop(r->fdt, d->node, "reg", &len);
	unsigned pairs;

	if (reg == NULL)
		return fail(r->err, HV_ERR_INVAL, r->vm, r->path,
			    "not a device: it has no reg");
	if (!cpu_addressed(r->fdt, r->chain, r->depth))
		return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
			    "reg: a parent node translates its addresses "
			    "(ranges): only devices at CPU addresses can be "
			    "passed through");
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len == 0 ||
	    len % (4 * (ac + sc)) != 0)
		return fail(r->err, HV_ERR_INVAL, r->vm, r->path,
			    "reg: %u bytes are not (address, size) pairs of "
			    "%u and %u cells",
			    (unsigned)len, ac, sc);
	pairs = len / (4 * (ac + sc));
	if (pairs > VM_PT_REGS)
		return fail(r->err, HV_ERR_NOMEM, r->vm, r->path,
			    "reg: %u ranges, at most %u", pairs, VM_PT_REGS);
	for (unsigned i = 0; i < pairs; i++) {
		const uint8_t *p = reg + 4 * (ac + sc) * i;
		uint64_t pa = fdt_read_cells(p, ac);
		uint64_t size = fdt_read_cells(p + 4 * ac, sc);

		if (size == 0 || pa + size < pa || page_up(pa + size) == 0)
			return fail(r->err, HV_ERR_RANGE, r->vm, r->path,
				    "reg: [0x%llx, +0x%llx) is empty or wraps "
				    "around the address space",
				    (ull)pa, (ull)size);
		d->reg[i].pa = pa_init(pa);
		d->reg[i].size = size;
	}
	d->reg_count = pairs;
	return HV_OK;
}

/* The interrupt parent of the device: its own or its nearest ancestor's. */
static int irq_parent(const struct reader *r)
{
	for (int i = r->depth - 1; i >= 0; i--) {
		uint32_t len;
		const void *v =
		    fdt_prop(r->fdt, r->chain[i], "interrupt-parent", &len);

		if (v != NULL)
			return len == 4 ? node_by_phandle(r->fdt, fdt_be32(v))
					: FDT_ERR_BADVALUE;
	}
	return FDT_ERR_NOTFOUND;
}

static enum hv_err read_irqs(struct reader *r, struct vm_pt_device *d, int gic)
{
	uint32_t len, cells;
	const uint8_t *v = fdt_prop(r->fdt, d->node, "interrupts", &len);
	int parent;
	uint64_t ic = 0;

	if (v == NULL)
		return HV_OK;
	parent = irq_parent(r);
	if (parent < 0 || parent != gic)
		return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
			    "interrupts: its interrupt parent %s is not the "
			    "GIC: only the GIC's SPIs can be passed through",
			    parent < 0 ? "(none)"
				       : path_of(r->fdt, parent, r->buf,
						 sizeof(r->buf)));
	if (fdt_prop_u64(r->fdt, gic, "#interrupt-cells", &ic) != 0 || ic != 3)
		return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
			    "interrupts: the GIC's #interrupt-cells is not 3");
	cells = len / 4;
	if (len == 0 || len % 12 != 0)
		return fail(r->err, HV_ERR_INVAL, r->vm, r->path,
			    "interrupts: %u bytes are not <type number "
			    "flags> triples",
			    (unsigned)len);
	if (cells / 3 > VM_PT_IRQS)
		return fail(r->err, HV_ERR_NOMEM, r->vm, r->path,
			    "interrupts: %u, at most %u", (unsigned)(cells / 3),
			    VM_PT_IRQS);
	for (unsigned i = 0; i < cells / 3; i++) {
		uint32_t type = fdt_be32(v + 12 * i);
		uint32_t num = fdt_be32(v + 12 * i + 4);
		uint32_t trigger = fdt_be32(v + 12 * i + 8) & DT_IRQ_TYPE_MASK;

		if (type != DT_IRQ_SPI)
			return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
				    "interrupts: entry %u is a %s: only SPIs "
				    "can go to one VM",
				    i,
				    type == DT_IRQ_PPI ? "PPI"
						       : "type other than SPI");
		if (num >= VGIC_SPI_COUNT)
			return fail(r->err, HV_ERR_RANGE, r->vm, r->path,
				    "interrupts: SPI %u is beyond the vGIC's "
				    "%u SPIs",
				    (unsigned)num, VGIC_SPI_COUNT);
		if (trigger != DT_IRQ_EDGE_RISING &&
		    trigger != DT_IRQ_LEVEL_HIGH)
			return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
				    "interrupts: SPI %u: trigger type %u: a "
				    "GIC SPI is rising-edge (1) or "
				    "level-high (4)",
				    (unsigned)num, (unsigned)trigger);
		d->irq[i].intid = GIC_PRIVATE_COUNT + num;
		d->irq[i].edge = trigger == DT_IRQ_EDGE_RISING;
	}
	d->irq_count = cells / 3;
	return HV_OK;
}

/* Each clocks entry must be a fixed clock: the only kind a VM's tree can
 * have without the hypervisor emulating a clock controller. */
static enum hv_err read_clocks(struct reader *r, struct vm_pt_device *d)
{
	uint32_t len;
	const uint8_t *v = fdt_prop(r->fdt, d->node, "clocks", &len);

	if (v == NULL)
		return HV_OK;
	if (len == 0 || len % 4 != 0)
		return fail(r->err, HV_ERR_INVAL, r->vm, r->path,
			    "clocks: %u bytes are not phandles", (unsigned)len);
	if (len / 4 > VM_PT_CLOCKS)
		return fail(r->err, HV_ERR_NOMEM, r->vm, r->path,
			    "clocks: %u entries, at most %u",
			    (unsigned)(len / 4), VM_PT_CLOCKS);
	for (unsigned i = 0; i < len / 4; i++) {
		uint32_t ph = fdt_be32(v + 4 * i);
		int clk = node_by_phandle(r->fdt, ph);
		uint64_t cells = 0;

		if (clk < 0)
			return fail(r->err, HV_ERR_NOENT, r->vm, r->path,
				    "clocks: no node has phandle 0x%x",
				    (unsigned)ph);
		path_of(r->fdt, clk, r->buf, sizeof(r->buf));
		if (!fdt_compatible(r->fdt, clk, "fixed-clock"))
			return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
				    "clocks: %s is not a fixed-clock, which "
				    "the VM could not be given",
				    r->buf);
		if (fdt_prop_u64(r->fdt, clk, "#clock-cells", &cells) != 0 ||
		    cells != 0)
			return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
				    "clocks: %s does not have #clock-cells "
				    "= <0>",
				    r->buf);
		d->clock[i] = clk;
	}
	d->clock_count = len / 4;
	return HV_OK;
}

/* Properties that name other nodes the VM's tree would not have. */
static bool refers_to_nodes(const char *p)
{
	static const char *const names[] = {"interrupts-extended",
					    "interrupt-map",
					    "msi-parent",
					    "msi-map",
					    "iommus",
					    "iommu-map",
					    "dmas",
					    "resets",
					    "power-domains",
					    "phys",
					    "nvmem-cells",
					    "assigned-clocks",
					    "assigned-clock-parents",
					    "memory-region",
					    "mboxes",
					    "gpios"};
	size_t len = strlen(p);

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(p, names[i]) == 0)
			return true;
	if (len > 6 && strcmp(p + len - 6, "-gpios") == 0)
		return true;
	if (len > 7 && strcmp(p + len - 7, "-supply") == 0)
		return true;
	return len > 8 && memcmp(p, "pinctrl-", 8) == 0 &&
	       strcmp(p, "pinctrl-names") != 0;
}

static enum hv_err read_props(struct reader *r, const struct vm_pt_device *d)
{
	for (int p = fdt_first_prop(r->fdt, d->node); p >= 0;
	     p = fdt_next_prop(r->fdt, p)) {
		const char *name;
		uint32_t len;

		fdt_prop_at(r->fdt, p, &name, &len);
		if (refers_to_nodes(name))
			return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
				    "%s: refers to other nodes of the boot "
				    "tree, which the VM's tree does not have",
				    name);
	}
	if (fdt_first_child(r->fdt, d->node) >= 0)
		return fail(r->err, HV_ERR_NOTSUP, r->vm, r->path,
			    "has sub-nodes: only a device without any can be "
			    "passed through");
	return HV_OK;
}

/*
 * The first node other than d whose reg shares a page with d's and which
 * can do DMA: the VM would reach it through those pages.
 */
static void find_dma_neighbour(const void *fdt, struct vm_pt_device *d)
{
	int chain[FDT_MAX_DEPTH];
	int depth = 0;

	d->dma_neighbour = -1;
	chain[0] = fdt_root(fdt);
	for (int n = fdt_next_node(fdt, chain[0], &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(fdt, n, &depth)) {
		unsigned ac, sc;
		uint32_t len;
		const uint8_t *reg;
		const char *why;

		if (depth >= FDT_MAX_DEPTH)
			return;
		chain[depth] = n;
		reg = fdt_prop(fdt, n, "reg", &len);
		why = dma_of(fdt, chain, depth + 1);
		if (n == d->node || reg == NULL || why == NULL ||
		    !cpu_addressed(fdt, chain, depth + 1))
			continue;
		ac = fdt_address_cells(fdt, chain[depth - 1]);
		sc = fdt_size_cells(fdt, chain[depth - 1]);
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
			continue;
		for (uint32_t o = 0; o + 4 * (ac + sc) <= len;
		     o += 4 * (ac + sc)) {
			uint64_t pa = fdt_read_cells(reg + o, ac);
			uint64_t size = fdt_read_cells(reg + o + 4 * ac, sc);

			for (unsigned i = 0; i < d->reg_count; i++) {
				uint64_t lo = page_down(pa_addr(d->reg[i].pa));
				uint64_t hi = page_up(pa_addr(d->reg[i].pa) +
						      d->reg[i].size);

				if (size != 0 &&
				    overlaps(pa, size, lo, hi - lo)) {
					d->dma_neighbour = n;
					d->neighbour_dma = why;
					return;
				}
			}
		}
	}
}

static enum hv_err read_device(struct reader *r, struct vm_pt_device *d,
			       int gic)
{
	enum hv_err e;

	d->path = r->path;
	d->node = fdt_path(r->fdt, r->path);
	if (r->path[0] != '/' || d->node < 0)
		return fail(r->err, HV_ERR_NOENT, r->vm, r->path,
			    "no such node in the boot device tree");
	r->depth = chain_of(r->fdt, d->node, r->chain);
	if (r->depth < 2)
		return fail(r->err, HV_ERR_INVAL, r->vm, r->path,
			    "not a device: it has no reg");
	if (strcmp(fdt_node_name(r->fdt, r->chain[1]), "chosen") == 0)
		return fail(r->err, HV_ERR_INVAL, r->vm, r->path,
			    "is under /chosen: not a device");
	for (int i = 1; i < r->depth; i++)
		if (r->chain[i] == gic)
			return fail(r->err, HV_ERR_ACCESS, r->vm, r->path,
				    "is part of the GIC, which the hypervisor "
				    "drives");
	e = read_reg(r, d);
	if (e == HV_OK)
		e = read_irqs(r, d, gic);
	if (e == HV_OK)
		e = read_clocks(r, d);
	if (e == HV_OK)
		e = read_props(r, d);
	if (e != HV_OK)
		return e;
	d->dma = dma_of(r->fdt, r->chain, r->depth);
	find_dma_neighbour(r->fdt, d);
	return HV_OK;
}

enum hv_err passthrough_parse(const void *fdt, const char *vm_node,
			      const void *val, uint32_t len,
			      struct vm_passthrough *pt,
			      struct config_error *err)
{
	struct reader r = {.fdt = fdt, .vm = vm_node, .err = err};
	const char *s = val;
	int gic = find_gic(fdt);

	pt->fdt = fdt;
	pt->count = 0;
	if (len == 0 || s[len - 1] != '\0')
		return fail(err, HV_ERR_INVAL, vm_node, NULL,
			    "must be a list of paths in the boot device tree");
	for (uint32_t at = 0; at < len; at += (uint32_t)strlen(s + at) + 1) {
		struct vm_pt_device *d = &pt->dev[pt->count];
		enum hv_err e;

		if (s[at] == '\0')
			return fail(err, HV_ERR_INVAL, vm_node, NULL,
				    "an empty path");
		if (pt->count == VM_PT_DEVICES)
			return fail(err, HV_ERR_NOMEM, vm_node, NULL,
				    "more than %u devices", VM_PT_DEVICES);
		*d = (struct vm_pt_device){.dma_neighbour = -1};
		r.path = s + at;
		e = read_device(&r, d, gic);
		if (e != HV_OK)
			return e;
		for (unsigned i = 0; i < pt->count; i++)
			if (pt->dev[i].node == d->node)
				return fail(err, HV_ERR_EXIST, vm_node, r.path,
					    "listed twice");
		pt->count++;
	}
	return HV_OK;
}

/* Checks */

/* A device's pages for one reg range. */
static void pages(const struct vm_pt_device *d, unsigned i, uint64_t *lo,
		  uint64_t *hi)
{
	*lo = page_down(pa_addr(d->reg[i].pa));
	*hi = page_up(pa_addr(d->reg[i].pa) + d->reg[i].size);
}

/*
 * The range [base, +size) named what, which spans the pages [pbase,
 * +psize), against the device's range i: their ranges overlap, or only
 * their pages (then the alignment is to blame). The message says which.
 * A range of the machine or the VM is its own pages; another VM's device
 * spans whole pages around its reg.
 */
static enum hv_err clash(const struct vm_config *c,
			 const struct vm_pt_device *d, unsigned i,
			 uint64_t base, uint64_t size, uint64_t pbase,
			 uint64_t psize, const char *what,
			 struct config_error *err)
{
	uint64_t a = pa_addr(d->reg[i].pa), b = a + d->reg[i].size;
	uint64_t lo, hi;

	pages(d, i, &lo, &hi);
	if (!overlaps(lo, hi - lo, pbase, psize))
		return HV_OK;
	if (overlaps(a, b - a, base, size))
		return fail(err, HV_ERR_OVERLAP, c->node, d->path,
			    "[0x%llx, 0x%llx) overlaps %s", (ull)a, (ull)b,
			    what);
	return fail(err, HV_ERR_OVERLAP, c->node, d->path,
		    "[0x%llx, 0x%llx) is not 4 KiB aligned: its page%s "
		    "[0x%llx, 0x%llx) also hold%s %s",
		    (ull)a, (ull)b, hi - lo > PT_PAGE ? "s" : "", (ull)lo,
		    (ull)hi, hi - lo > PT_PAGE ? "" : "s", what);
}

/* What a VM emulates where a device could be mapped (docs/manifest.md). */
static const struct {
	const char *what;
	uint64_t base, size;
} emulated[] = {
    {"the VM's vGIC distributor", VGIC_GICD_IPA, VGIC_GICD_SIZE_V3},
    {"the VM's vGIC CPU interface", VGIC_GICC_IPA, VGIC_GICC_SIZE},
    {"the VM's vGIC redistributors", VGIC_GICR_IPA,
     HV_MAX_VCPUS *VGIC_GICR_STRIDE},
    {"the VM's vPL011", VM_PL011_IPA, VM_PL011_SIZE},
    {"the VM's VirtIO devices", VIRTIO_MMIO_BASE,
     VIRTIO_MMIO_SLOTS *VIRTIO_MMIO_SIZE},
};

static enum hv_err check_range(const struct vm_config *c,
			       const struct vm_pt_device *d, unsigned i,
			       const struct config_limits *lim,
			       struct config_error *err)
{
	const struct hal_platform *p = lim->platform;
	uint64_t a = pa_addr(d->reg[i].pa), b = a + d->reg[i].size;
	uint64_t lo, hi;
	char what[96];
	enum hv_err e;

	pages(d, i, &lo, &hi);
	if (hi > (1ull << lim->ipa_bits))
		return fail(err, HV_ERR_RANGE, c->node, d->path,
			    "[0x%llx, 0x%llx) is beyond the %u-bit "
			    "guest-physical address space",
			    (ull)a, (ull)b, lim->ipa_bits);
	if (overlaps(lo, hi - lo, pa_addr(p->ram_base), p->ram_size))
		return fail(err, HV_ERR_ACCESS, c->node, d->path,
			    "[0x%llx, 0x%llx) is host RAM [0x%llx, 0x%llx), "
			    "not a device",
			    (ull)a, (ull)b, (ull)pa_addr(p->ram_base),
			    (ull)(pa_addr(p->ram_base) + p->ram_size));
	for (unsigned m = 0; m < p->mmio_count && m < HAL_MMIO_MAX; m++) {
		const struct hal_mmio *h = &p->mmio[m];

		fmt_snprintf(what, sizeof(what), "%s [0x%llx, 0x%llx)", h->what,
			     (ull)pa_addr(h->base),
			     (ull)(pa_addr(h->base) + h->size));
		e = clash(c, d, i, pa_addr(h->base), h->size, pa_addr(h->base),
			  h->size, what, err);
		if (e != HV_OK)
			return e;
	}
	fmt_snprintf(what, sizeof(what), "the VM's RAM [0x%llx, 0x%llx)",
		     (ull)ipa_addr(c->ram_ipa),
		     (ull)(ipa_addr(c->ram_ipa) + c->ram_size));
	e = clash(c, d, i, ipa_addr(c->ram_ipa), c->ram_size,
		  ipa_addr(c->ram_ipa), c->ram_size, what, err);
	for (unsigned k = 0;
	     e == HV_OK && k < sizeof(emulated) / sizeof(emulated[0]); k++) {
		fmt_snprintf(what, sizeof(what), "%s [0x%llx, 0x%llx)",
			     emulated[k].what, (ull)emulated[k].base,
			     (ull)(emulated[k].base + emulated[k].size));
		e = clash(c, d, i, emulated[k].base, emulated[k].size,
			  emulated[k].base, emulated[k].size, what, err);
	}
	return e;
}

/* Device d of VM c against the devices of the VMs before it. */
static enum hv_err check_others(const struct hv_config *cfg, unsigned vm,
				const struct vm_pt_device *d,
				struct config_error *err)
{
	const struct vm_config *c = &cfg->vms[vm];
	char what[96];
	enum hv_err e;

	for (unsigned j = 0; j < vm; j++) {
		const struct vm_config *o = &cfg->vms[j];

		for (unsigned k = 0; k < o->pt.count; k++) {
			const struct vm_pt_device *od = &o->pt.dev[k];

			if (od->node == d->node)
				return fail(err, HV_ERR_EXIST, c->node, d->path,
					    "already given to %s", o->node);
			fmt_snprintf(what, sizeof(what), "%s of %s", od->path,
				     o->node);
			for (unsigned i = 0; i < d->reg_count; i++) {
				for (unsigned r = 0; r < od->reg_count; r++) {
					uint64_t olo, ohi;

					pages(od, r, &olo, &ohi);
					e = clash(c, d, i,
						  pa_addr(od->reg[r].pa),
						  od->reg[r].size, olo,
						  ohi - olo, what, err);
					if (e != HV_OK)
						return e;
				}
			}
			for (unsigned i = 0; i < d->irq_count; i++)
				for (unsigned r = 0; r < od->irq_count; r++)
					if (d->irq[i].intid == od->irq[r].intid)
						return fail(
						    err, HV_ERR_EXIST, c->node,
						    d->path,
						    "interrupts: SPI %u is "
						    "also %s's (%s)",
						    (unsigned)(d->irq[i].intid -
							       GIC_PRIVATE_COUNT),
						    o->node, od->path);
		}
	}
	return HV_OK;
}

/* The interrupts of device number idx of VM c. */
static enum hv_err check_irqs(const struct vm_config *c, unsigned idx,
			      struct config_error *err)
{
	const struct vm_pt_device *d = &c->pt.dev[idx];

	for (unsigned i = 0; i < d->irq_count; i++) {
		uint32_t intid = d->irq[i].intid;
		unsigned spi = (unsigned)(intid - GIC_PRIVATE_COUNT);

		if (intid == IRQ_CONSOLE_RX || intid == VPL011_INTID)
			return fail(err, HV_ERR_ACCESS, c->node, d->path,
				    "interrupts: SPI %u is the hypervisor's "
				    "console interrupt (and the vPL011's)",
				    spi);
		if (intid >= VIRTIO_MMIO_INTID0 &&
		    intid < VIRTIO_MMIO_INTID0 + VIRTIO_MMIO_SLOTS)
			return fail(err, HV_ERR_OVERLAP, c->node, d->path,
				    "interrupts: SPI %u is one of the VM's "
				    "VirtIO SPIs %u-%u",
				    spi, VIRTIO_MMIO_INTID0 - GIC_PRIVATE_COUNT,
				    VIRTIO_MMIO_INTID0 - GIC_PRIVATE_COUNT +
					VIRTIO_MMIO_SLOTS - 1);
		/* One line, one trigger: two devices of the VM sharing an SPI
		 * must agree on it. */
		for (unsigned k = 0; k < idx; k++)
			for (unsigned j = 0; j < c->pt.dev[k].irq_count; j++)
				if (c->pt.dev[k].irq[j].intid == intid &&
				    c->pt.dev[k].irq[j].edge != d->irq[i].edge)
					return fail(
					    err, HV_ERR_INVAL, c->node, d->path,
					    "interrupts: SPI %u is also %s's, "
					    "with another trigger",
					    spi, c->pt.dev[k].path);
	}
	return HV_OK;
}

static enum hv_err check_dma(const struct vm_config *c,
			     const struct vm_pt_device *d,
			     struct config_error *err)
{
	char other[96];

	if (c->direct_map)
		return HV_OK;
	if (d->dma != NULL)
		return fail(err, HV_ERR_ACCESS, c->node, d->path,
			    "can do DMA (%s): only a direct-map VM may have "
			    "it, as no IOMMU stage 2 keeps its DMA in the "
			    "VM's RAM",
			    d->dma);
	if (d->dma_neighbour >= 0)
		return fail(
		    err, HV_ERR_ACCESS, c->node, d->path,
		    "its pages also hold %s, which can do DMA (%s): "
		    "only a direct-map VM may have them",
		    path_of(c->pt.fdt, d->dma_neighbour, other, sizeof(other)),
		    d->neighbour_dma);
	return HV_OK;
}

enum hv_err passthrough_validate(const struct hv_config *cfg,
				 const struct config_limits *lim,
				 struct config_error *err)
{
	enum hv_err e = HV_OK;

	for (unsigned v = 0; v < cfg->vm_count && e == HV_OK; v++) {
		const struct vm_config *c = &cfg->vms[v];

		for (unsigned k = 0; k < c->pt.count && e == HV_OK; k++) {
			const struct vm_pt_device *d = &c->pt.dev[k];

			for (unsigned i = 0; i < d->reg_count && e == HV_OK;
			     i++)
				e = check_range(c, d, i, lim, err);
			if (e == HV_OK)
				e = check_irqs(c, k, err);
			if (e == HV_OK)
				e = check_others(cfg, v, d, err);
			if (e == HV_OK)
				e = check_dma(c, d, err);
		}
	}
	return e;
}

uint32_t passthrough_s2_pages(const struct vm_config *c, unsigned start_level)
{
	uint64_t n = 0;

	for (unsigned k = 0; k < c->pt.count; k++) {
		const struct vm_pt_device *d = &c->pt.dev[k];

		for (unsigned i = 0; i < d->reg_count; i++) {
			uint64_t lo, hi;

			pages(d, i, &lo, &hi);
			/* A table per level below the root per span. */
			for (unsigned l = start_level + 1; l <= 3; l++) {
				unsigned shift = 12 + 9 * (3 - (l - 1));

				n += ((hi - 1) >> shift) - (lo >> shift) + 1;
			}
		}
	}
	return (uint32_t)n;
}

/* The VM */

enum hv_err passthrough_map(struct vm *vm)
{
	const struct vm_passthrough *pt = &vm->cfg->pt;

	for (unsigned k = 0; k < pt->count; k++) {
		const struct vm_pt_device *d = &pt->dev[k];

		for (unsigned i = 0; i < d->reg_count; i++) {
			uint64_t lo, hi;
			enum hv_err e;

			pages(d, i, &lo, &hi);
			e = stage2_map(&vm->s2, ipa_init(lo), pa_init(lo),
				       hi - lo, S2_DEVICE | S2_READ | S2_WRITE);
			if (e != HV_OK)
				return e;
		}
		for (unsigned i = 0; i < d->irq_count && vm->vgic.version != 0;
		     i++)
			vgic_spi_link(vm, d->irq[i].intid, d->irq[i].intid,
				      !d->irq[i].edge);
	}
	return HV_OK;
}

/* The device tree */

/* A fixed clock the VM's own apb-pclk stands for: same rate. */
static bool is_apb(const void *fdt, int clk, uint32_t apb_hz)
{
	uint64_t hz = 0;

	return fdt_prop_u64(fdt, clk, "clock-frequency", &hz) == 0 &&
	       hz == apb_hz;
}

/* The clocks copied into the VM's tree, in order: their phandles are
 * first_phandle + index. */
struct copied_clocks {
	int node[VM_PT_DEVICES * VM_PT_CLOCKS];
	unsigned count;
};

static uint32_t clock_phandle(struct copied_clocks *cc, const void *fdt,
			      int clk, uint32_t clk_phandle, uint32_t apb_hz,
			      uint32_t first)
{
	unsigned i;

	if (is_apb(fdt, clk, apb_hz))
		return clk_phandle;
	for (i = 0; i < cc->count && cc->node[i] != clk; i++)
		;
	if (i == cc->count)
		cc->node[cc->count++] = clk;
	return first + i;
}

static void copy_props(struct fdtw *w, const void *fdt, int node)
{
	for (int p = fdt_first_prop(fdt, node); p >= 0;
	     p = fdt_next_prop(fdt, p)) {
		const char *name;
		uint32_t len;
		const void *val = fdt_prop_at(fdt, p, &name, &len);

		if (strcmp(name, "phandle") != 0 &&
		    strcmp(name, "linux,phandle") != 0)
			fdtw_prop(w, name, val, len);
	}
}

static void device_node(struct fdtw *w, const void *fdt,
			const struct vm_pt_device *d, struct copied_clocks *cc,
			uint32_t gic_phandle, uint32_t clk_phandle,
			uint32_t apb_hz, uint32_t first)
{
	fdtw_begin_node(w, fdt_node_name(fdt, d->node));
	for (int p = fdt_first_prop(fdt, d->node); p >= 0;
	     p = fdt_next_prop(fdt, p)) {
		const char *name;
		uint32_t len;
		const void *val = fdt_prop_at(fdt, p, &name, &len);

		if (strcmp(name, "phandle") == 0 ||
		    strcmp(name, "linux,phandle") == 0 ||
		    strcmp(name, "interrupt-parent") == 0)
			continue;
		if (strcmp(name, "reg") == 0) {
			/* In the VM root's cells, 2 and 2. */
			uint32_t cells[4 * VM_PT_REGS];

			for (unsigned i = 0; i < d->reg_count; i++) {
				uint64_t a = pa_addr(d->reg[i].pa);

				cells[4 * i] = (uint32_t)(a >> 32);
				cells[4 * i + 1] = (uint32_t)a;
				cells[4 * i + 2] =
				    (uint32_t)(d->reg[i].size >> 32);
				cells[4 * i + 3] = (uint32_t)d->reg[i].size;
			}
			fdtw_prop_cells(w, "reg", cells, 4 * d->reg_count);
		} else if (strcmp(name, "clocks") == 0) {
			uint32_t cells[VM_PT_CLOCKS];

			for (unsigned i = 0; i < d->clock_count; i++)
				cells[i] =
				    clock_phandle(cc, fdt, d->clock[i],
						  clk_phandle, apb_hz, first);
			fdtw_prop_cells(w, "clocks", cells, d->clock_count);
		} else {
			fdtw_prop(w, name, val, len);
		}
	}
	if (d->irq_count != 0)
		fdtw_prop_u32(w, "interrupt-parent", gic_phandle);
	fdtw_end_node(w);
}

void passthrough_dt(struct fdtw *w, const struct vm_config *c,
		    uint32_t gic_phandle, uint32_t clk_phandle, uint32_t apb_hz,
		    uint32_t first_phandle)
{
	const void *fdt = c->pt.fdt;
	struct copied_clocks cc = {.count = 0};

	for (unsigned k = 0; k < c->pt.count; k++)
		device_node(w, fdt, &c->pt.dev[k], &cc, gic_phandle,
			    clk_phandle, apb_hz, first_phandle);
	for (unsigned i = 0; i < cc.count; i++) {
		char name[32];

		fmt_snprintf(name, sizeof(name), "passthrough-clock%u", i);
		fdtw_begin_node(w, name);
		copy_props(w, fdt, cc.node[i]);
		fdtw_prop_u32(w, "phandle", first_phandle + i);
		fdtw_end_node(w);
	}
}

/* Interrupts */

/* The VM owning each physical SPI (INTID - 32), set before any VM runs. */
static struct vm *owner[VGIC_SPI_COUNT];

void passthrough_irq_setup(struct vm *vms, unsigned vm_count)
{
	for (unsigned i = 0; i < VGIC_SPI_COUNT; i++)
		owner[i] = NULL;
	if (hal_gic()->version == 0)
		return;
	for (unsigned v = 0; v < vm_count; v++) {
		const struct vm_passthrough *pt = &vms[v].cfg->pt;

		for (unsigned k = 0; k < pt->count; k++) {
			const struct vm_pt_device *d = &pt->dev[k];

			for (unsigned i = 0; i < d->irq_count; i++) {
				uint32_t intid = d->irq[i].intid;
				struct vcpu *t;

				owner[intid - GIC_PRIVATE_COUNT] = &vms[v];
				/* The trigger is set while disabled. */
				hal_irq_enable(intid, false);
				hal_irq_set_trigger(intid, d->irq[i].edge);
				vm_lock(&vms[v]);
				t = vgic_hw_spi_target(&vms[v], intid);
				if (t != NULL)
					hal_irq_route(intid, t->arch.cpu);
				vm_unlock(&vms[v]);
				hal_irq_enable(intid, true);
			}
		}
	}
}

void passthrough_irq_init_cpu(void)
{
	/*
	 * The route set before this CPU was up may not have reached it
	 * (a GICv2 target list needs the CPU interface's own bit, which
	 * only this CPU can read): set it again from here.
	 */
	for (unsigned i = 0; i < VGIC_SPI_COUNT; i++) {
		struct vm *vm = owner[i];
		struct vcpu *t;

		if (vm == NULL)
			continue;
		vm_lock(vm);
		t = vgic_hw_spi_target(vm, GIC_PRIVATE_COUNT + i);
		if (t != NULL && t->arch.cpu == hal_cpu_id())
			hal_irq_route(GIC_PRIVATE_COUNT + i, hal_cpu_id());
		vm_unlock(vm);
	}
}

bool passthrough_irq(uint32_t intid, struct vcpu *loaded)
{
	struct vm *vm;
	struct vcpu *t;

	if (intid < GIC_PRIVATE_COUNT || intid >= VGIC_INTID_COUNT)
		return false;
	vm = owner[intid - GIC_PRIVATE_COUNT];
	if (vm == NULL)
		return false;
	t = vgic_inject_hw_spi(vm, intid);
	/* For a vCPU waiting here behind another: the running one gets a
	 * time slice, if it had none. */
	if (t != NULL && t != loaded && t->arch.cpu == hal_cpu_id())
		sched_kick();
	return true;
}
