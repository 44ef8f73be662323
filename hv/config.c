/*
 * config: every check names the VM's manifest node and the property, so a
 * user can fix the manifest from the message alone. Host memory is a list
 * of taken ranges (the hypervisor, the boot tree, the modules, the VMs'
 * RAM); a VM is placed in the lowest gap of host RAM big enough for it.
 */
#include "hv/config.h"
#include "hv/vm_image.h"

#include "hv/virtio/virtio_net.h"
#include "lib/fmt.h"
#include "lib/string.h"

#include <stdarg.h>

typedef unsigned long long ull;

/* The hypervisor, the boot tree, three modules, the disks and the RAM of
 * each VM; and the device window while a direct-mapped VM is placed. */
#define TAKEN_MAX (2 + HV_MAX_VMS * (4 + VM_VIRTIO_MAX) + 1)

struct range {
	uint64_t base, size;
	const char *what; /* for messages: "the hypervisor", a node */
	const char *prop;
};

struct taken {
	struct range r[TAKEN_MAX];
	unsigned count;
};

void config_error_printable(struct config_error *err)
{
	for (char *p = err->msg; p < err->msg + sizeof(err->msg) && *p != '\0';
	     p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static enum hv_err fail(struct config_error *err, enum hv_err e,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	config_error_printable(err);
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
	/* The loader maps the pages it writes (hv/vm_ram.h): each of its
	 * ranges may split the 2 MiB blocks at both ends into pages. */
	return (uint32_t)(pages + 2 * VM_IMAGE_RANGES);
}

/* The first taken range [base, base + size) overlaps, or NULL. */
static const struct range *clash(const struct taken *t, uint64_t base,
				 uint64_t size)
{
	for (unsigned i = 0; i < t->count; i++)
		if (t->r[i].size != 0 &&
		    overlaps(base, size, t->r[i].base, t->r[i].size))
			return &t->r[i];
	return NULL;
}

static void take(struct taken *t, uint64_t base, uint64_t size,
		 const char *what, const char *prop)
{
	t->r[t->count++] = (struct range){base, size, what, prop};
}

/* "the hypervisor", or "the kernel module of /chosen/web". */
static const char *describe(const struct range *r, char *buf, size_t len)
{
	if (r->prop == NULL)
		return r->what;
	fmt_snprintf(buf, len, "%s of %s", r->prop, r->what);
	return buf;
}

static enum hv_err check_module(const struct vm_config *c, const char *name,
				const struct vm_module *m,
				const struct config_limits *lim,
				struct taken *t, struct config_error *err)
{
	const struct hal_platform *p = lim->platform;
	uint64_t ram = pa_addr(p->ram_base);
	const struct range *r;
	char other[80];

	if (m->size == 0)
		return HV_OK;
	if (!inside(pa_addr(m->pa), m->size, ram, p->ram_size))
		return fail(err, HV_ERR_RANGE,
			    "%s/%s: reg: [0x%llx, 0x%llx) is outside host RAM "
			    "[0x%llx, 0x%llx)",
			    c->node, name, (ull)pa_addr(m->pa),
			    (ull)(pa_addr(m->pa) + m->size), (ull)ram,
			    (ull)(ram + p->ram_size));
	r = clash(t, pa_addr(m->pa), m->size);
	if (r != NULL)
		return fail(err, HV_ERR_OVERLAP,
			    "%s/%s: reg: [0x%llx, 0x%llx) overlaps %s", c->node,
			    name, (ull)pa_addr(m->pa),
			    (ull)(pa_addr(m->pa) + m->size),
			    describe(r, other, sizeof(other)));
	take(t, pa_addr(m->pa), m->size, c->node, name);
	return HV_OK;
}

/* What a VM needs on its own: IPA space, vCPUs, modules in host RAM. */
static enum hv_err check_vm(const struct vm_config *c,
			    const struct config_limits *lim, struct taken *t,
			    struct config_error *err)
{
	uint64_t ipa = ipa_addr(c->ram_ipa);
	enum hv_err e;

	if (c->vcpu_count < 1 || c->vcpu_count > HV_MAX_VCPUS)
		return fail(err, HV_ERR_INVAL, "%s: vcpus: %u is not 1 to %u",
			    c->node, c->vcpu_count, HV_MAX_VCPUS);
	if (c->ram_size == 0 || (c->ram_size & (VM_RAM_ALIGN - 1)))
		return fail(err, HV_ERR_ALIGN,
			    "%s: memory: 0x%llx is not a non-zero multiple of "
			    "2 MiB",
			    c->node, (ull)c->ram_size);
	if ((ipa | pa_addr(c->ram_pa)) & (VM_RAM_ALIGN - 1))
		return fail(err, HV_ERR_ALIGN,
			    "%s: ram-base 0x%llx or host-address 0x%llx is not "
			    "2 MiB aligned",
			    c->node, (ull)ipa, (ull)pa_addr(c->ram_pa));
	/* A direct-mapped VM's IPA is checked once it is placed. */
	if (!c->direct_map || c->ram_pa_fixed) {
		if (ipa + c->ram_size < ipa ||
		    ipa + c->ram_size > (1ull << lim->ipa_bits))
			return fail(err, HV_ERR_RANGE,
				    "%s: ram-base: [0x%llx, 0x%llx) exceeds "
				    "the %u-bit guest-physical address space",
				    c->node, (ull)ipa, (ull)(ipa + c->ram_size),
				    lim->ipa_bits);
		if (overlaps(ipa, c->ram_size, VM_DEVICE_IPA_BASE,
			     VM_DEVICE_IPA_END - VM_DEVICE_IPA_BASE))
			return fail(err, HV_ERR_OVERLAP,
				    "%s: ram-base: RAM [0x%llx, 0x%llx) "
				    "overlaps the device window [0x%llx, "
				    "0x%llx)",
				    c->node, (ull)ipa, (ull)(ipa + c->ram_size),
				    VM_DEVICE_IPA_BASE, VM_DEVICE_IPA_END);
	}
	for (unsigned i = 0; c->affinity_set && i < c->vcpu_count; i++)
		if (c->affinity[i] >= lim->cpu_count)
			return fail(err, HV_ERR_RANGE,
				    "%s: cpu-affinity: vCPU %u on CPU %u, but "
				    "the machine has %u",
				    c->node, i, c->affinity[i], lim->cpu_count);
	if (c->kernel.size == 0)
		return fail(err, HV_ERR_NOENT, "%s: no kernel module", c->node);
	e = check_module(c, "kernel", &c->kernel, lim, t, err);
	if (e == HV_OK)
		e = check_module(c, "ramdisk", &c->ramdisk, lim, t, err);
	if (e == HV_OK)
		e = check_module(c, "device-tree", &c->dtb, lim, t, err);
	if (e == HV_OK && c->dtb.size > VM_DTB_MAX)
		return fail(err, HV_ERR_RANGE,
			    "%s/device-tree: reg: %llu bytes, at most %llu",
			    c->node, (ull)c->dtb.size, (ull)VM_DTB_MAX);
	/* A disk image is a module: host memory no VM's RAM may take, so
	 * what a guest writes there outlives its resets. */
	for (unsigned i = 0; e == HV_OK && i < c->virtio_count; i++)
		if (c->virtio[i].type == VM_VIRTIO_BLK)
			e = check_module(c, c->virtio[i].node,
					 &c->virtio[i].disk, lim, t, err);
	return e;
}

static bool same_mac(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, VM_MAC_BYTES) == 0;
}

/* Each network: at most VNET_MAX_PORTS devices, no MAC address twice. */
static enum hv_err check_networks(const struct hv_config *cfg,
				  struct config_error *err)
{
	for (unsigned v = 0; v < cfg->vm_count; v++) {
		const struct vm_config *c = &cfg->vms[v];

		for (unsigned i = 0; i < c->virtio_count; i++) {
			const struct vm_virtio *d = &c->virtio[i];
			unsigned ports = 1;

			if (d->type != VM_VIRTIO_NET)
				continue;
			/* Against the devices before it, in manifest order. */
			for (unsigned u = 0; u <= v; u++) {
				const struct vm_config *o = &cfg->vms[u];
				unsigned end = u == v ? i : o->virtio_count;

				for (unsigned j = 0; j < end; j++) {
					const struct vm_virtio *p =
					    &o->virtio[j];

					if (p->type != VM_VIRTIO_NET ||
					    strcmp(p->network, d->network) != 0)
						continue;
					if (same_mac(p->mac, d->mac))
						return fail(
						    err, HV_ERR_EXIST,
						    "%s/%s: mac-address: "
						    "%02x:%02x:%02x:%02x:%02x:"
						    "%02x is already %s/%s's "
						    "on network '%s'",
						    c->node, d->node, d->mac[0],
						    d->mac[1], d->mac[2],
						    d->mac[3], d->mac[4],
						    d->mac[5], o->node, p->node,
						    d->network);
					ports++;
				}
			}
			if (ports > VNET_MAX_PORTS)
				return fail(err, HV_ERR_NOMEM,
					    "%s/%s: network: '%s' would have "
					    "more than %u devices",
					    c->node, d->node, d->network,
					    VNET_MAX_PORTS);
		}
	}
	return HV_OK;
}

/* A fixed host address: inside host RAM, clear of everything taken. */
static enum hv_err check_fixed(const struct vm_config *c,
			       const struct config_limits *lim,
			       const struct taken *t, struct config_error *err)
{
	const struct hal_platform *p = lim->platform;
	uint64_t pa = pa_addr(c->ram_pa);
	const struct range *r;
	char other[80];

	if (!inside(pa, c->ram_size, pa_addr(p->ram_base), p->ram_size))
		return fail(err, HV_ERR_RANGE,
			    "%s: host-address: RAM [0x%llx, 0x%llx) is outside "
			    "host RAM [0x%llx, 0x%llx)",
			    c->node, (ull)pa, (ull)(pa + c->ram_size),
			    (ull)pa_addr(p->ram_base),
			    (ull)(pa_addr(p->ram_base) + p->ram_size));
	r = clash(t, pa, c->ram_size);
	if (r != NULL)
		return fail(err, HV_ERR_OVERLAP,
			    "%s: host-address: RAM [0x%llx, 0x%llx) overlaps "
			    "%s",
			    c->node, (ull)pa, (ull)(pa + c->ram_size),
			    describe(r, other, sizeof(other)));
	return HV_OK;
}

/* The lowest 2 MiB aligned gap of host RAM for size bytes, or false. */
static bool find_gap(const struct taken *t, const struct hal_platform *p,
		     uint64_t size, uint64_t *at)
{
	uint64_t end = pa_addr(p->ram_base) + p->ram_size;
	uint64_t a =
	    (pa_addr(p->ram_base) + VM_RAM_ALIGN - 1) & ~(VM_RAM_ALIGN - 1);

	/* Each taken range is passed at most once: the loop ends. */
	while (a < end && end - a >= size) {
		const struct range *r = clash(t, a, size);

		if (r == NULL) {
			*at = a;
			return true;
		}
		a = (r->base + r->size + VM_RAM_ALIGN - 1) &
		    ~(VM_RAM_ALIGN - 1);
	}
	return false;
}

static enum hv_err place(struct vm_config *c, const struct config_limits *lim,
			 const struct taken *t, struct config_error *err)
{
	struct taken avoid = *t;
	uint64_t at;

	/* Direct-mapped, host RAM there would be guest RAM over the
	 * emulated devices (on a machine whose RAM starts below them). */
	if (c->direct_map)
		take(&avoid, VM_DEVICE_IPA_BASE,
		     VM_DEVICE_IPA_END - VM_DEVICE_IPA_BASE,
		     "the device window", NULL);
	if (!find_gap(&avoid, lim->platform, c->ram_size, &at))
		return fail(err, HV_ERR_NOMEM,
			    "%s: memory: no 0x%llx bytes of host RAM left for "
			    "it (the hypervisor, the modules and the VMs "
			    "before it have the rest)",
			    c->node, (ull)c->ram_size);
	c->ram_pa = pa_init(at);
	if (c->direct_map) {
		c->ram_ipa = ipa_init(at);
		if (!c->load_set)
			c->load = c->ram_ipa;
		if (at + c->ram_size > (1ull << lim->ipa_bits))
			return fail(err, HV_ERR_RANGE,
				    "%s: direct-map: RAM at 0x%llx exceeds the "
				    "%u-bit guest-physical address space",
				    c->node, (ull)at, lim->ipa_bits);
	}
	return HV_OK;
}

enum hv_err config_validate(struct hv_config *cfg,
			    const struct config_limits *lim,
			    struct config_error *err)
{
	const struct hal_platform *p = lim->platform;
	struct taken t = {.count = 0};
	uint64_t pages = 0;
	unsigned consoles = 0;
	enum hv_err e;

	err->msg[0] = '\0';
	if (cfg->vm_count < 1 || cfg->vm_count > HV_MAX_VMS)
		return fail(err, HV_ERR_INVAL, "%u VMs: 1 to %u are possible",
			    cfg->vm_count, HV_MAX_VMS);
	take(&t, pa_addr(p->hv_base), p->hv_size, "the hypervisor", NULL);
	take(&t, pa_addr(lim->boot_dtb), lim->boot_dtb_size,
	     "the boot device tree", NULL);
	for (unsigned i = 0; i < cfg->vm_count; i++) {
		e = check_vm(&cfg->vms[i], lim, &t, err);
		if (e != HV_OK)
			return e;
		consoles += cfg->vms[i].console ? 1 : 0;
	}
	if (consoles > 1)
		return fail(err, HV_ERR_INVAL,
			    "console: %u VMs claim the console input, at most "
			    "one may",
			    consoles);
	e = check_networks(cfg, err);
	if (e != HV_OK)
		return e;
	/* The fixed ones first: the others go around them. */
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < cfg->vm_count; i++) {
			struct vm_config *c = &cfg->vms[i];

			if (c->ram_pa_fixed != (pass == 0))
				continue;
			e = pass == 0 ? check_fixed(c, lim, &t, err)
				      : place(c, lim, &t, err);
			if (e != HV_OK)
				return e;
			take(&t, pa_addr(c->ram_pa), c->ram_size, c->node,
			     "RAM");
		}
	}
	e = passthrough_validate(cfg, lim, err);
	if (e != HV_OK)
		return e;
	for (unsigned i = 0; i < cfg->vm_count; i++)
		pages +=
		    config_s2_pages(&cfg->vms[i], lim->s2_start_level) +
		    passthrough_s2_pages(&cfg->vms[i], lim->s2_start_level);
	if (pages > lim->pool_pages)
		return fail(err, HV_ERR_NOMEM,
			    "stage-2 page pool: %llu pages needed, %u "
			    "configured",
			    (ull)pages, lim->pool_pages);
	return HV_OK;
}
