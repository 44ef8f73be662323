/*
 * boot: the tree is read with the core's own reader (lib/fdt), so hvsim
 * accepts exactly the trees the hypervisor does.
 */
#include "boot.h"

#include "image.h"

#include "lib/fdt.h"
#include "lib/fdt_write.h"

#include <hal/mm.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DTB_MAX	     (2u << 20) /* QEMU's room below the image */
#define IMAGE_DTB_SZ 4096u

typedef unsigned long long ull;

static bool fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return false;
}

/* RAM from the first range of /memory, in the root's cells. */
static bool read_memory(const void *fdt, struct sim_boot *b)
{
	int root = fdt_root(fdt);
	int mem = fdt_child(fdt, root, "memory");
	unsigned ac = fdt_address_cells(fdt, root);
	unsigned sc = fdt_size_cells(fdt, root);
	uint32_t len;
	const uint8_t *reg;

	if (mem < 0 || ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return false;
	reg = fdt_prop(fdt, mem, "reg", &len);
	if (reg == NULL || len < (ac + sc) * 4)
		return false;
	b->ram_base = fdt_read_cells(reg, ac);
	b->ram_size = fdt_read_cells(reg + ac * 4, sc);
	return b->ram_size != 0;
}

/* The controller's version and its reg pairs in the root's cells. */
static unsigned read_gic(const void *fdt, struct sim_boot *b)
{
	unsigned ac = fdt_address_cells(fdt, fdt_root(fdt));
	unsigned sc = fdt_size_cells(fdt, fdt_root(fdt));
	int depth = 0;

	for (int n = fdt_root(fdt); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
		unsigned version =
		    fdt_compatible(fdt, n, "arm,gic-v3")	   ? 3
		    : fdt_compatible(fdt, n, "arm,cortex-a15-gic") ? 2
								   : 0;
		uint32_t len = 0;
		const uint8_t *reg = fdt_prop(fdt, n, "reg", &len);

		if (version == 0)
			continue;
		for (unsigned i = 0;
		     reg != NULL && ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2 &&
		     i < 4 && (i + 1) * (ac + sc) * 4 <= len;
		     i++) {
			b->gic_reg[i][0] = fdt_read_cells(reg, ac);
			b->gic_reg[i][1] = fdt_read_cells(reg + ac * 4, sc);
			reg += (ac + sc) * 4;
			b->gic_reg_count = i + 1;
		}
		return version;
	}
	return 0;
}

bool sim_boot_read_dtb(const char *path, struct sim_boot *b, char *err,
		       size_t len)
{
	struct sim_image file;
	int rc;

	*b = (struct sim_boot){.ram_base = SIM_RAM_BASE,
			       .ram_size = SIM_RAM_SIZE};
	if (!sim_file_read(path, DTB_MAX, &file, err, len))
		return false;
	b->dtb = file.data;
	b->dtb_size = (size_t)file.size;
	/* The header first, each problem in its own words; then the rest. */
	if (!sim_dtb_check(b->dtb, b->dtb_size, path, err, len))
		return false;
	rc = fdt_check(b->dtb, b->dtb_size);
	if (rc != 0)
		return fail(err, len, "%s: not a valid device tree: %s", path,
			    fdt_strerror(rc));
	if (!read_memory(b->dtb, b))
		return fail(err, len, "%s: no /memory node with a RAM range",
			    path);
	b->gic = read_gic(b->dtb, b);
	return true;
}

static void module(struct fdtw *w, const char *name, const char *role,
		   uint64_t pa, uint64_t size)
{
	const char *compat[2] = {role, "multiboot,module"};
	const uint32_t reg[4] = {(uint32_t)(pa >> 32), (uint32_t)pa,
				 (uint32_t)(size >> 32), (uint32_t)size};

	fdtw_begin_node(w, name);
	fdtw_prop_strings(w, "compatible", compat, 2);
	fdtw_prop_cells(w, "reg", reg, 4);
	fdtw_end_node(w);
}

bool sim_boot_image(struct sim_boot *b, const char *name, unsigned vcpus,
		    uint64_t ram, uint64_t pa, uint64_t size, uint64_t dtb_pa,
		    uint64_t dtb_size, char *err, size_t len)
{
	const uint32_t mem[4] = {
	    (uint32_t)(b->ram_base >> 32), (uint32_t)b->ram_base,
	    (uint32_t)(b->ram_size >> 32), (uint32_t)b->ram_size};
	char node[32];
	struct fdtw w;
	int size_or_err;

	b->dtb = malloc(IMAGE_DTB_SZ);
	if (b->dtb == NULL)
		return fail(err, len, "out of memory");
	fdtw_init(&w, b->dtb, IMAGE_DTB_SZ);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_string(&w, "model", "hvsim");
	snprintf(node, sizeof(node), "memory@%llx", (ull)b->ram_base);
	fdtw_begin_node(&w, node);
	fdtw_prop_string(&w, "device_type", "memory");
	fdtw_prop_cells(&w, "reg", mem, 4);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "chosen");
	fdtw_begin_node(&w, name);
	fdtw_prop_string(&w, "compatible", "hv,vm");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_u32(&w, "vcpus", vcpus);
	fdtw_prop_u64(&w, "memory", ram);
	fdtw_prop_empty(&w, "console");
	module(&w, "kernel", "multiboot,kernel", pa, size);
	if (dtb_size != 0)
		module(&w, "device-tree", "multiboot,device-tree", dtb_pa,
		       dtb_size);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	size_or_err = fdtw_finish(&w);
	if (size_or_err < 0)
		return fail(err, len, "the VM's manifest: %s",
			    fdt_strerror(size_or_err));
	b->dtb_size = (size_t)size_or_err;
	return true;
}

bool sim_boot_load(const char *path, uint64_t pa, uint64_t *size, char *err,
		   size_t len)
{
	struct sim_image file;
	void *dst;

	if (!sim_file_read(path, SIM_RAM_SIZE, &file, err, len))
		return false;
	dst = hal_pa_to_ptr((paddr_t){pa}, file.size);
	if (dst == NULL) {
		sim_image_free(&file);
		return fail(err, len,
			    "%s@0x%llx: %llu bytes there are not all in host "
			    "RAM",
			    path, (ull)pa, (ull)file.size);
	}
	memcpy(dst, file.data, (size_t)file.size);
	*size = file.size;
	sim_image_free(&file);
	return true;
}

void sim_boot_free(struct sim_boot *b)
{
	free(b->dtb);
	b->dtb = NULL;
}
