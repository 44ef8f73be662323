/*
 * config: every check names the VM and the field, so a user can fix the
 * configuration from the message alone.
 */
#include "hv/config.h"

#include "lib/fmt.h"
#include "lib/string.h"

#include <stdarg.h>

#define CFG_PAGE 0x1000ull

static enum hv_err fail(struct config_error *err, enum hv_err e,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return e;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool inside(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

static uint64_t span(uint64_t a, uint64_t size, unsigned shift)
{
	return ((a + size - 1) >> shift) - (a >> shift) + 1;
}

uint32_t config_s2_pages(const struct vm_config *vm, unsigned start_level)
{
	uint64_t ipa = ipa_addr(vm->ram_ipa);
	uint64_t pa = pa_addr(vm->ram_pa);
	uint64_t pages = 1; /* root */

	for (unsigned level = start_level + 1; level <= 3; level++) {
		unsigned parent_shift = 12 + 9 * (3 - (level - 1));
		uint64_t n = span(ipa, vm->ram_size, parent_shift);

		/*
		 * Where the parent level can hold blocks and IPA and PA agree
		 * in alignment, only the partial regions at both ends need a
		 * table at this level.
		 */
		if (level - 1 >= 1 &&
		    ((ipa ^ pa) & ((1ull << parent_shift) - 1)) == 0 && n > 2)
			n = 2;
		pages += n;
	}
	return (uint32_t)pages;
}

static enum hv_err check_blob(const char *vm, const char *field,
			      const struct vm_blob *b,
			      const struct vm_config *c,
			      struct config_error *err)
{
	/* data NULL: preloaded by the machine's loader (config.h). */
	if (!inside(ipa_addr(b->load), b->size, ipa_addr(c->ram_ipa),
		    c->ram_size))
		return fail(
		    err, HV_ERR_RANGE,
		    "vm '%s': %s (%llu bytes at ipa 0x%llx) does not fit "
		    "in its RAM [0x%llx, 0x%llx)",
		    vm, field, (unsigned long long)b->size,
		    (unsigned long long)ipa_addr(b->load),
		    (unsigned long long)ipa_addr(c->ram_ipa),
		    (unsigned long long)(ipa_addr(c->ram_ipa) + c->ram_size));
	return HV_OK;
}

static enum hv_err check_vm(const struct vm_config *c, unsigned idx,
			    const struct config_limits *lim,
			    struct config_error *err)
{
	const struct hal_platform *p = lim->platform;
	const char *n = c->name;
	uint64_t ipa = ipa_addr(c->ram_ipa);
	uint64_t pa = pa_addr(c->ram_pa);
	enum hv_err e;

	if (n == NULL || n[0] == '\0' || strlen(n) > HV_NAME_MAX)
		return fail(err, HV_ERR_INVAL,
			    "vm[%u]: name must be 1 to %u characters", idx,
			    HV_NAME_MAX);
	if (c->vcpu_count < 1 || c->vcpu_count > HV_MAX_VCPUS)
		return fail(err, HV_ERR_INVAL,
			    "vm '%s': vcpu_count %u is not in 1..%u", n,
			    c->vcpu_count, HV_MAX_VCPUS);
	if (c->ram_size == 0 || (c->ram_size & (CFG_PAGE - 1)))
		return fail(err, HV_ERR_ALIGN,
			    "vm '%s': ram_size 0x%llx is not a non-zero "
			    "multiple of 4 KiB",
			    n, (unsigned long long)c->ram_size);
	if (ipa & (CFG_PAGE - 1))
		return fail(err, HV_ERR_ALIGN,
			    "vm '%s': ram_ipa 0x%llx is not 4 KiB aligned", n,
			    (unsigned long long)ipa);
	if (pa & (CFG_PAGE - 1))
		return fail(err, HV_ERR_ALIGN,
			    "vm '%s': ram_pa 0x%llx is not 4 KiB aligned", n,
			    (unsigned long long)pa);
	if (ipa + c->ram_size < ipa ||
	    ipa + c->ram_size > (1ull << lim->ipa_bits))
		return fail(err, HV_ERR_RANGE,
			    "vm '%s': ram_ipa 0x%llx + ram_size 0x%llx exceeds "
			    "the %u-bit IPA space",
			    n, (unsigned long long)ipa,
			    (unsigned long long)c->ram_size, lim->ipa_bits);
	if (overlaps(ipa, c->ram_size, VM_DEVICE_IPA_BASE,
		     VM_DEVICE_IPA_END - VM_DEVICE_IPA_BASE))
		return fail(err, HV_ERR_OVERLAP,
			    "vm '%s': ram_ipa range overlaps the device window "
			    "[0x%llx, 0x%llx)",
			    n, VM_DEVICE_IPA_BASE, VM_DEVICE_IPA_END);
	if (!inside(pa, c->ram_size, pa_addr(p->ram_base), p->ram_size))
		return fail(
		    err, HV_ERR_RANGE,
		    "vm '%s': ram_pa [0x%llx, 0x%llx) is outside the "
		    "machine's RAM [0x%llx, 0x%llx)",
		    n, (unsigned long long)pa,
		    (unsigned long long)(pa + c->ram_size),
		    (unsigned long long)pa_addr(p->ram_base),
		    (unsigned long long)(pa_addr(p->ram_base) + p->ram_size));
	if (overlaps(pa, c->ram_size, pa_addr(p->hv_base), p->hv_size))
		return fail(
		    err, HV_ERR_OVERLAP,
		    "vm '%s': ram_pa range overlaps the hypervisor at "
		    "[0x%llx, 0x%llx)",
		    n, (unsigned long long)pa_addr(p->hv_base),
		    (unsigned long long)(pa_addr(p->hv_base) + p->hv_size));
	if (c->image.size == 0)
		return fail(err, HV_ERR_INVAL, "vm '%s': image is empty", n);
	e = check_blob(n, "image", &c->image, c, err);
	if (e != HV_OK)
		return e;
	if (c->dtb.size != 0) {
		e = check_blob(n, "dtb", &c->dtb, c, err);
		if (e != HV_OK)
			return e;
		if (overlaps(ipa_addr(c->dtb.load), c->dtb.size,
			     ipa_addr(c->image.load), c->image.size))
			return fail(err, HV_ERR_OVERLAP,
				    "vm '%s': dtb at ipa 0x%llx overlaps the "
				    "image",
				    n,
				    (unsigned long long)ipa_addr(c->dtb.load));
	}
	if (!inside(ipa_addr(c->entry), 4, ipa_addr(c->image.load),
		    c->image.size) ||
	    (ipa_addr(c->entry) & 3))
		return fail(err, HV_ERR_RANGE,
			    "vm '%s': entry 0x%llx is not an aligned address "
			    "inside the image",
			    n, (unsigned long long)ipa_addr(c->entry));
	return HV_OK;
}

enum hv_err config_validate(const struct hv_config *cfg,
			    const struct config_limits *lim,
			    struct config_error *err)
{
	uint64_t pages = 0;
	unsigned console_count = 0;

	err->msg[0] = '\0';
	if (cfg->vm_count < 1 || cfg->vm_count > HV_MAX_VMS || cfg->vms == NULL)
		return fail(err, HV_ERR_INVAL, "vm_count %u is not in 1..%u",
			    cfg->vm_count, HV_MAX_VMS);
	for (unsigned i = 0; i < cfg->vm_count; i++) {
		const struct vm_config *c = &cfg->vms[i];
		enum hv_err e = check_vm(c, i, lim, err);

		if (e != HV_OK)
			return e;
		for (unsigned j = 0; j < i; j++) {
			const struct vm_config *o = &cfg->vms[j];

			if (strcmp(o->name, c->name) == 0)
				return fail(err, HV_ERR_EXIST,
					    "vm[%u]: name '%s' is already used "
					    "by vm[%u]",
					    i, c->name, j);
			if (overlaps(pa_addr(c->ram_pa), c->ram_size,
				     pa_addr(o->ram_pa), o->ram_size))
				return fail(err, HV_ERR_OVERLAP,
					    "vm '%s': ram_pa range overlaps "
					    "the RAM of vm '%s'",
					    c->name, o->name);
		}
		console_count += c->console ? 1 : 0;
		pages += config_s2_pages(c, lim->s2_start_level);
	}
	if (console_count > 1)
		return fail(err, HV_ERR_INVAL,
			    "console: %u VMs claim the console input, at most "
			    "one may",
			    console_count);
	if (pages > lim->pool_pages)
		return fail(err, HV_ERR_NOMEM,
			    "stage-2 page pool: %llu pages needed, %u "
			    "configured",
			    (unsigned long long)pages, lim->pool_pages);
	return HV_OK;
}
