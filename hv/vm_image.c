/*
 * vm_image: the device tree sits 2 MiB below the top of RAM and the ramdisk
 * right below it; the kernel goes where its kind says, clear of both.
 */
#include "hv/vm_image.h"

#include "hv/linux_image.h"
#include "hv/vm_dt.h"
#include "lib/fmt.h"
#include "lib/string.h"

#include <hal/mm.h>

#include <stdarg.h>

#define RAMDISK_ALIGN 0x1000ull

typedef unsigned long long ull;

static enum hv_err fail(struct config_error *err, enum hv_err e,
			const struct vm_config *c, const char *module,
			const char *fmt, ...)
{
	size_t n = fmt_snprintf(err->msg, sizeof(err->msg), "%s/%s: ", c->node,
				module);
	va_list ap;

	if (n < sizeof(err->msg)) {
		va_start(ap, fmt);
		fmt_vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
		va_end(ap);
	}
	config_error_printable(err);
	return e;
}

static bool inside(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

static const uint8_t *bytes(const struct vm_module *m)
{
	return hal_pa_to_ptr(m->pa, m->size);
}

static enum vm_kernel_kind detect(const struct vm_config *c)
{
	const uint8_t *k = bytes(&c->kernel);

	if (c->kind != VM_KERNEL_AUTO)
		return c->kind;
	if (elf_is_elf(k, c->kernel.size))
		return VM_KERNEL_ELF;
	if (linux_image_is_image(k, c->kernel.size))
		return VM_KERNEL_LINUX;
	return VM_KERNEL_RAW;
}

/* The kernel, given the room [low, high) the ramdisk and tree leave. */
static enum hv_err plan_kernel(const struct vm_config *c,
			       struct vm_image_plan *p, uint64_t taken,
			       struct config_error *err)
{
	uint64_t ram = ipa_addr(c->ram_ipa), top = taken;
	uint64_t start, end;
	const uint8_t *k = bytes(&c->kernel);
	char why[120];
	const char *lwhy = "";
	struct linux_image img;
	struct linux_range res = {ipa_init(taken), ram + c->ram_size - taken};
	ipaddr_t load;

	switch (p->kind) {
	case VM_KERNEL_ELF:
		if (elf_check(k, c->kernel.size, ram, c->ram_size, &p->elf, why,
			      sizeof(why)) != HV_OK)
			return fail(err, HV_ERR_INVAL, c, "kernel", "%s", why);
		elf_extent(&p->elf, &start, &end);
		if (end > top)
			return fail(err, HV_ERR_OVERLAP, c, "kernel",
				    "its segments reach 0x%llx, over the "
				    "ramdisk or device tree from 0x%llx",
				    (ull)end, (ull)top);
		p->entry = c->entry_set ? ipa_addr(c->entry) : p->elf.entry;
		break;
	case VM_KERNEL_LINUX:
		/* booting.rst: the Image is entered at its first byte. */
		if (c->entry_set)
			return fail(err, HV_ERR_INVAL, c, "kernel",
				    "entry: an arm64 Image starts at its first "
				    "byte; entry is for raw and elf kernels");
		if (linux_image_parse(k, c->kernel.size, &img, &lwhy) !=
			HV_OK ||
		    linux_image_place(&img, c->ram_ipa, c->ram_size, &res, 1,
				      &load, &lwhy) != HV_OK)
			return fail(err, HV_ERR_INVAL, c, "kernel",
				    "arm64 Image: %s", lwhy);
		p->kernel_ipa = ipa_addr(load);
		p->entry = p->kernel_ipa;
		break;
	default:
		p->kernel_ipa = ipa_addr(c->load);
		if (!inside(p->kernel_ipa, c->kernel.size, ram, top - ram))
			return fail(err, HV_ERR_RANGE, c, "kernel",
				    "%llu bytes at 0x%llx do not fit in RAM "
				    "[0x%llx, 0x%llx) below the ramdisk and "
				    "device tree",
				    (ull)c->kernel.size, (ull)p->kernel_ipa,
				    (ull)ram, (ull)top);
		p->entry = c->entry_set ? ipa_addr(c->entry) : p->kernel_ipa;
		break;
	}
	if (!inside(p->entry, 4, ram, c->ram_size) || (p->entry & 3))
		return fail(err, HV_ERR_RANGE, c, "kernel",
			    "entry 0x%llx is not an aligned address in RAM",
			    (ull)p->entry);
	return HV_OK;
}

enum hv_err vm_image_plan(const struct vm_config *c, struct vm_image_plan *plan,
			  struct config_error *err)
{
	uint64_t ram = ipa_addr(c->ram_ipa);
	uint64_t low;

	*plan = (struct vm_image_plan){.kind = detect(c)};
	if (c->ram_size < 2 * VM_DTB_BELOW_TOP)
		return fail(err, HV_ERR_RANGE, c, "kernel",
			    "RAM of 0x%llx bytes leaves no room below the "
			    "device tree (2 MiB below its top)",
			    (ull)c->ram_size);
	plan->dtb_ipa = ram + c->ram_size - VM_DTB_BELOW_TOP;
	low = plan->dtb_ipa;
	if (c->ramdisk.size != 0) {
		if (c->ramdisk.size > plan->dtb_ipa - ram)
			return fail(err, HV_ERR_RANGE, c, "ramdisk",
				    "%llu bytes do not fit in RAM below the "
				    "device tree at 0x%llx",
				    (ull)c->ramdisk.size, (ull)plan->dtb_ipa);
		plan->ramdisk_ipa =
		    (plan->dtb_ipa - c->ramdisk.size) & ~(RAMDISK_ALIGN - 1);
		low = plan->ramdisk_ipa;
	}
	return plan_kernel(c, plan, low, err);
}

#define PAGE_MASK 0xfffull

/* Zeroes [a, b) of guest RAM (ram is the byte at base). */
static void zero(uint8_t *ram, uint64_t base, uint64_t a, uint64_t b)
{
	if (b > a)
		hal_mem_zero(ram + (a - base), b - a);
}

/*
 * [a, a + len) is to be written: its pages are recorded, and what the
 * blob leaves of its first and last page zeroed (all of them when whole).
 */
static void claim(struct vm_image_ranges *w, uint8_t *ram, uint64_t base,
		  uint64_t a, uint64_t len, bool whole)
{
	uint64_t lo = a & ~PAGE_MASK, hi = (a + len + PAGE_MASK) & ~PAGE_MASK;

	w->r[w->count].ipa = lo;
	w->r[w->count].size = hi - lo;
	w->count++;
	if (whole) {
		zero(ram, base, lo, hi);
	} else {
		zero(ram, base, lo, a);
		zero(ram, base, a + len, hi);
	}
}

static void copy(uint8_t *dst, const struct vm_module *m)
{
	memcpy(dst, bytes(m), m->size);
	hal_cache_sync_range(dst, m->size);
}

enum hv_err vm_image_load(const struct vm_config *c,
			  const struct vm_image_plan *plan, uint8_t *ram,
			  unsigned gic_version, struct vm_image_ranges *written)
{
	uint64_t base = ipa_addr(c->ram_ipa);
	uint8_t *dtb = ram + (plan->dtb_ipa - base);
	uint64_t start, end;
	int size;

	/*
	 * The zeros first, then the copies: blobs may share a page. An ELF
	 * kernel's pages are zeroed whole, for the gaps between segments.
	 */
	written->count = 0;
	if (plan->kind == VM_KERNEL_ELF) {
		elf_file_extent(&plan->elf, &start, &end);
		if (start < end)
			claim(written, ram, base, start, end - start, true);
	} else if (c->kernel.size != 0) {
		claim(written, ram, base, plan->kernel_ipa, c->kernel.size,
		      false);
	}
	if (c->ramdisk.size != 0)
		claim(written, ram, base, plan->ramdisk_ipa, c->ramdisk.size,
		      false);
	/* What is copied in must reach memory: the guest's caches are off. */
	if (plan->kind == VM_KERNEL_ELF) {
		elf_load(&plan->elf, ram, base);
		if (start < end)
			hal_cache_sync_range(ram + (start - base), end - start);
	} else {
		copy(ram + (plan->kernel_ipa - base), &c->kernel);
	}
	if (c->ramdisk.size != 0)
		copy(ram + (plan->ramdisk_ipa - base), &c->ramdisk);
	/* The tree has its 2 MiB to itself: claimed once its size is known. */
	if (c->dtb.size != 0) {
		copy(dtb, &c->dtb);
		size = (int)c->dtb.size;
	} else {
		size = vm_dt_build(c, plan, gic_version, dtb, VM_DTB_MAX);
		if (size < 0)
			return HV_ERR_NOMEM;
		hal_cache_sync_range(dtb, (uint64_t)size);
	}
	claim(written, ram, base, plan->dtb_ipa, (uint64_t)size, false);
	return HV_OK;
}
