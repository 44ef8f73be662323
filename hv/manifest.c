/*
 * manifest: one pass over /chosen. Each property is looked up in a table
 * of the ones a node may have, so an unknown one is found in the same walk
 * that reads the known ones.
 */
#include "hv/manifest.h"

#include "lib/fdt.h"
#include "lib/fmt.h"
#include "lib/string.h"

#include <stdarg.h>

#define VM_COMPATIBLE "hv,vm"

typedef unsigned long long ull;

/* What is being read, for messages: a VM node, maybe one of its modules. */
struct ctx {
	const void *fdt;
	struct config_error *err;
	const char *vm;	    /* "/chosen/web" */
	const char *module; /* "kernel", or NULL for the VM node itself */
};

static enum hv_err fail(const struct ctx *c, enum hv_err e, const char *prop,
			const char *fmt, ...)
{
	char *p = c->err->msg;
	size_t room = sizeof(c->err->msg);
	size_t n;
	va_list ap;

	n = fmt_snprintf(p, room, "%s%s%s: ", c->vm != NULL ? c->vm : "/chosen",
			 c->module != NULL ? "/" : "",
			 c->module != NULL ? c->module : "");
	if (prop != NULL && n < room)
		n += fmt_snprintf(p + n, room - n, "%s: ", prop);
	if (n < room) {
		va_start(ap, fmt);
		fmt_vsnprintf(p + n, room - n, fmt, ap);
		va_end(ap);
	}
	config_error_printable(c->err);
	return e;
}

/* A number property: one cell or two. */
static enum hv_err number(const struct ctx *c, const char *prop,
			  const void *val, uint32_t len, uint64_t *out)
{
	if (len != 4 && len != 8)
		return fail(c, HV_ERR_INVAL, prop,
			    "must be a number of one or two cells, not %u "
			    "bytes",
			    (unsigned)len);
	*out = fdt_read_cells(val, len / 4);
	return HV_OK;
}

static enum hv_err flag(const struct ctx *c, const char *prop, uint32_t len,
			bool *out)
{
	if (len != 0)
		return fail(c, HV_ERR_INVAL, prop, "takes no value");
	*out = true;
	return HV_OK;
}

static enum hv_err aligned(const struct ctx *c, const char *prop, uint64_t v)
{
	if (v & (VM_RAM_ALIGN - 1))
		return fail(c, HV_ERR_ALIGN, prop,
			    "0x%llx is not a multiple of 2 MiB", (ull)v);
	return HV_OK;
}

/* A string property: NUL-terminated at its last byte, no NUL before. */
static const char *string(const void *val, uint32_t len)
{
	const char *s = val;

	if (len == 0 || s[len - 1] != '\0' || strlen(s) != len - 1)
		return NULL;
	return s;
}

/* Properties any node may carry that mean nothing to the hypervisor. */
static bool ignored(const char *prop)
{
	return strcmp(prop, "compatible") == 0 ||
	       strcmp(prop, "phandle") == 0 ||
	       strcmp(prop, "linux,phandle") == 0 ||
	       strcmp(prop, "#address-cells") == 0 ||
	       strcmp(prop, "#size-cells") == 0;
}

enum module_role {
	MODULE_KERNEL,
	MODULE_RAMDISK,
	MODULE_DTB,
	MODULE_ROLES,
};

static const char *const role_compat[MODULE_ROLES] = {
    [MODULE_KERNEL] = "multiboot,kernel",
    [MODULE_RAMDISK] = "multiboot,ramdisk",
    [MODULE_DTB] = "multiboot,device-tree",
};

static enum hv_err kernel_prop(const struct ctx *c, struct vm_config *vm,
			       const char *prop, const void *val, uint32_t len)
{
	uint64_t v = 0;
	enum hv_err e;

	if (strcmp(prop, "kind") == 0) {
		const char *s = string(val, len);

		if (s != NULL && strcmp(s, "raw") == 0)
			vm->kind = VM_KERNEL_RAW;
		else if (s != NULL && strcmp(s, "elf") == 0)
			vm->kind = VM_KERNEL_ELF;
		else if (s != NULL && strcmp(s, "linux") == 0)
			vm->kind = VM_KERNEL_LINUX;
		else
			return fail(c, HV_ERR_INVAL, prop,
				    "must be \"raw\", \"elf\" or \"linux\"");
		return HV_OK;
	}
	if (strcmp(prop, "load") == 0 || strcmp(prop, "entry") == 0) {
		e = number(c, prop, val, len, &v);
		if (e != HV_OK)
			return e;
		if (prop[0] == 'l') {
			vm->load = ipa_init(v);
			vm->load_set = true;
		} else {
			vm->entry = ipa_init(v);
			vm->entry_set = true;
		}
		return HV_OK;
	}
	return fail(c, HV_ERR_INVAL, NULL, "unknown property '%s'", prop);
}

static enum hv_err module(struct ctx *c, struct vm_config *vm, int node,
			  unsigned ac, unsigned sc, bool seen[MODULE_ROLES])
{
	struct vm_module *m;
	enum module_role role = MODULE_ROLES;
	bool have_reg = false;
	enum hv_err e = HV_OK;

	c->module = fdt_node_name(c->fdt, node);
	for (unsigned r = 0; r < MODULE_ROLES && role == MODULE_ROLES; r++)
		if (fdt_compatible(c->fdt, node, role_compat[r]))
			role = (enum module_role)r;
	if (role == MODULE_ROLES)
		return fail(c, HV_ERR_INVAL, "compatible",
			    "not a module or a device: \"multiboot,kernel\", "
			    "\"multiboot,ramdisk\", \"multiboot,device-tree\", "
			    "\"hv,virtio-console\", \"hv,virtio-blk\" or "
			    "\"hv,virtio-net\" expected");
	if (seen[role])
		return fail(c, HV_ERR_EXIST, NULL,
			    "a second %s module for the VM", role_compat[role]);
	seen[role] = true;
	m = role == MODULE_KERNEL    ? &vm->kernel
	    : role == MODULE_RAMDISK ? &vm->ramdisk
				     : &vm->dtb;
	for (int p = fdt_first_prop(c->fdt, node); p >= 0 && e == HV_OK;
	     p = fdt_next_prop(c->fdt, p)) {
		const char *prop;
		uint32_t len;
		const void *val = fdt_prop_at(c->fdt, p, &prop, &len);

		if (ignored(prop))
			continue;
		if (strcmp(prop, "reg") != 0) {
			if (role != MODULE_KERNEL)
				return fail(c, HV_ERR_INVAL, NULL,
					    "unknown property '%s'", prop);
			e = kernel_prop(c, vm, prop, val, len);
			continue;
		}
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
		    len != (ac + sc) * 4)
			return fail(c, HV_ERR_INVAL, prop,
				    "must be <address size> in the VM node's "
				    "#address-cells (%u) and #size-cells (%u)",
				    ac, sc);
		m->pa = pa_init(fdt_read_cells(val, ac));
		m->size = fdt_read_cells((const uint8_t *)val + ac * 4, sc);
		have_reg = true;
	}
	if (e != HV_OK)
		return e;
	if (!have_reg)
		return fail(c, HV_ERR_INVAL, "reg",
			    "missing: where the boot loader put the module");
	if (m->size == 0)
		return fail(c, HV_ERR_INVAL, "reg", "the module is empty");
	if (pa_addr(m->pa) + m->size < pa_addr(m->pa))
		return fail(c, HV_ERR_RANGE, "reg",
			    "wraps around the address space");
	c->module = NULL;
	return HV_OK;
}

/*
 * VirtIO device nodes (docs/manifest.md, "Devices"): the type from the
 * compatible, each type's few properties, anything else refused.
 */
static const char *const virtio_compat[] = {
    [VM_VIRTIO_CONSOLE] = "hv,virtio-console",
    [VM_VIRTIO_BLK] = "hv,virtio-blk",
    [VM_VIRTIO_NET] = "hv,virtio-net",
};

#define VIRTIO_TYPES (sizeof(virtio_compat) / sizeof(virtio_compat[0]))

/* The device type of a node, or VIRTIO_TYPES when it is no device. */
static unsigned virtio_type(const void *fdt, int node)
{
	unsigned t = 0;

	while (t < VIRTIO_TYPES && !fdt_compatible(fdt, node, virtio_compat[t]))
		t++;
	return t;
}

/* A network's name: 1 to VM_NETWORK_NAME_MAX of a-z, 0-9, - and _. */
static enum hv_err network(const struct ctx *c, const char *prop,
			   const void *val, uint32_t len, const char **out)
{
	const char *s = string(val, len);

	if (s == NULL || len < 2 || len - 1 > VM_NETWORK_NAME_MAX)
		return fail(c, HV_ERR_INVAL, prop,
			    "must be a name of 1 to %u characters",
			    VM_NETWORK_NAME_MAX);
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return fail(c, HV_ERR_INVAL, prop,
				    "a network's name may only have a-z, "
				    "0-9, - and _");
	*out = s;
	return HV_OK;
}

/* A station's address: 6 bytes, unicast, not all zero. */
static enum hv_err mac_address(const struct ctx *c, const char *prop,
			       const void *val, uint32_t len, uint8_t *mac)
{
	const uint8_t *b = val;
	uint8_t any = 0;

	if (len != VM_MAC_BYTES)
		return fail(c, HV_ERR_INVAL, prop, "must be 6 bytes, not %u",
			    (unsigned)len);
	for (unsigned i = 0; i < VM_MAC_BYTES; i++)
		any |= b[i];
	/* The I/G bit (bit 0 of the first byte) marks a group address. */
	if ((b[0] & 1) || any == 0)
		return fail(c, HV_ERR_INVAL, prop,
			    "%02x:%02x:%02x:%02x:%02x:%02x is not a station's "
			    "(unicast, non-zero) address",
			    b[0], b[1], b[2], b[3], b[4], b[5]);
	memcpy(mac, b, VM_MAC_BYTES);
	return HV_OK;
}

static enum hv_err virtio_prop(const struct ctx *c, struct vm_virtio *d,
			       unsigned ac, unsigned sc, const char *prop,
			       const void *val, uint32_t len, bool *have)
{
	if (d->type == VM_VIRTIO_BLK && strcmp(prop, "reg") == 0) {
		if (ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
		    len != (ac + sc) * 4)
			return fail(c, HV_ERR_INVAL, prop,
				    "must be <address size> in the VM node's "
				    "#address-cells (%u) and #size-cells (%u)",
				    ac, sc);
		d->disk.pa = pa_init(fdt_read_cells(val, ac));
		d->disk.size =
		    fdt_read_cells((const uint8_t *)val + ac * 4, sc);
		*have = true;
		return HV_OK;
	}
	if (d->type == VM_VIRTIO_BLK && strcmp(prop, "read-only") == 0)
		return flag(c, prop, len, &d->read_only);
	if (d->type == VM_VIRTIO_NET && strcmp(prop, "network") == 0) {
		*have = true;
		return network(c, prop, val, len, &d->network);
	}
	if (d->type == VM_VIRTIO_NET && strcmp(prop, "mac-address") == 0)
		return mac_address(c, prop, val, len, d->mac);
	return fail(c, HV_ERR_INVAL, NULL, "unknown property '%s'", prop);
}

/*
 * A VirtIO device of VM number vm_index (from 0), in the VM's next slot.
 * The default MAC is 52:54:00:00:<VM number from 1>:<slot>, locally
 * administered in QEMU's prefix, so every default is unique.
 */
static enum hv_err virtio_node(struct ctx *c, struct vm_config *vm,
			       unsigned vm_index, int node, unsigned ac,
			       unsigned sc)
{
	struct vm_virtio *d;
	bool have = false; /* blk's reg, net's network */
	enum hv_err e = HV_OK;

	c->module = fdt_node_name(c->fdt, node);
	if (vm->virtio_count == VM_VIRTIO_MAX)
		return fail(c, HV_ERR_NOMEM, NULL,
			    "more than %u VirtIO devices in the VM",
			    VM_VIRTIO_MAX);
	d = &vm->virtio[vm->virtio_count];
	*d = (struct vm_virtio){
	    .type = (enum vm_virtio_type)virtio_type(c->fdt, node),
	    .node = c->module,
	    .mac = {0x52, 0x54, 0x00, 0x00, (uint8_t)(vm_index + 1),
		    (uint8_t)vm->virtio_count},
	};
	for (int p = fdt_first_prop(c->fdt, node); p >= 0 && e == HV_OK;
	     p = fdt_next_prop(c->fdt, p)) {
		const char *prop;
		uint32_t len;
		const void *val = fdt_prop_at(c->fdt, p, &prop, &len);

		if (!ignored(prop))
			e = virtio_prop(c, d, ac, sc, prop, val, len, &have);
	}
	if (e != HV_OK)
		return e;
	if (d->type == VM_VIRTIO_BLK) {
		if (!have)
			return fail(c, HV_ERR_INVAL, "reg",
				    "missing: where the boot loader put the "
				    "disk image");
		if (d->disk.size < 512)
			return fail(c, HV_ERR_INVAL, "reg",
				    "a disk of %llu bytes holds no 512-byte "
				    "sector",
				    (ull)d->disk.size);
		if (pa_addr(d->disk.pa) + d->disk.size < pa_addr(d->disk.pa))
			return fail(c, HV_ERR_RANGE, "reg",
				    "wraps around the address space");
	}
	if (d->type == VM_VIRTIO_NET && !have)
		return fail(c, HV_ERR_INVAL, "network",
			    "missing: the name of the network to join");
	vm->virtio_count++;
	c->module = NULL;
	return HV_OK;
}

/* The VM's name: its node's name up to any '@'. */
static enum hv_err vm_name(const struct ctx *c, int node, struct vm_config *vm)
{
	const char *n = fdt_node_name(c->fdt, node);
	size_t len = 0;

	while (n[len] != '\0' && n[len] != '@') {
		char ch = n[len];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '_'))
			return fail(c, HV_ERR_INVAL, NULL,
				    "a VM's name may only have a-z, 0-9, - "
				    "and _");
		len++;
	}
	if (len == 0 || len > HV_NAME_MAX)
		return fail(c, HV_ERR_INVAL, NULL,
			    "a VM's name must be 1 to %u characters",
			    HV_NAME_MAX);
	memcpy(vm->name, n, len);
	vm->name[len] = '\0';
	return HV_OK;
}

struct vm_props {
	bool memory, ram_base, affinity;
	const void *affinity_val;
	uint32_t affinity_len;
};

static enum hv_err vm_prop(const struct ctx *c, struct vm_config *vm,
			   struct vm_props *seen, const char *prop,
			   const void *val, uint32_t len)
{
	uint64_t v = 0;
	enum hv_err e = HV_OK;

	if (strcmp(prop, "bootargs") == 0) {
		vm->bootargs = string(val, len);
		if (vm->bootargs == NULL)
			return fail(c, HV_ERR_INVAL, prop, "must be a string");
		if (len > VM_BOOTARGS_MAX)
			return fail(c, HV_ERR_INVAL, prop,
				    "%u characters, at most %u",
				    (unsigned)len - 1, VM_BOOTARGS_MAX - 1);
		return HV_OK;
	}
	if (strcmp(prop, "console") == 0)
		return flag(c, prop, len, &vm->console);
	if (strcmp(prop, "direct-map") == 0)
		return flag(c, prop, len, &vm->direct_map);
	if (strcmp(prop, "passthrough") == 0)
		return passthrough_parse(c->fdt, c->vm, val, len, &vm->pt,
					 c->err);
	if (strcmp(prop, "cpu-affinity") == 0) {
		seen->affinity = true;
		seen->affinity_val = val;
		seen->affinity_len = len;
		return HV_OK;
	}
	if (strcmp(prop, "vcpus") != 0 && strcmp(prop, "memory") != 0 &&
	    strcmp(prop, "ram-base") != 0 && strcmp(prop, "host-address") != 0)
		return fail(c, HV_ERR_INVAL, NULL, "unknown property '%s'",
			    prop);
	e = number(c, prop, val, len, &v);
	if (e != HV_OK)
		return e;
	if (strcmp(prop, "vcpus") == 0) {
		if (v < 1 || v > HV_MAX_VCPUS)
			return fail(c, HV_ERR_INVAL, prop,
				    "%llu is not 1 to %u", (ull)v,
				    HV_MAX_VCPUS);
		vm->vcpu_count = (unsigned)v;
		return HV_OK;
	}
	if (strcmp(prop, "memory") == 0) {
		if (v == 0)
			return fail(c, HV_ERR_INVAL, prop, "must not be 0");
		seen->memory = true;
		vm->ram_size = v;
	} else if (strcmp(prop, "ram-base") == 0) {
		seen->ram_base = true;
		vm->ram_ipa = ipa_init(v);
	} else {
		vm->ram_pa = pa_init(v);
		vm->ram_pa_fixed = true;
	}
	return aligned(c, prop, v);
}

static enum hv_err affinity(const struct ctx *c, struct vm_config *vm,
			    const struct vm_props *seen)
{
	if (!seen->affinity)
		return HV_OK;
	if (seen->affinity_len != vm->vcpu_count * 4)
		return fail(c, HV_ERR_INVAL, "cpu-affinity",
			    "needs one cell per vCPU (%u), has %u bytes",
			    vm->vcpu_count, (unsigned)seen->affinity_len);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		uint32_t cpu =
		    fdt_be32((const uint8_t *)seen->affinity_val + 4 * i);

		if (cpu >= HAL_MAX_CPUS)
			return fail(c, HV_ERR_INVAL, "cpu-affinity",
				    "CPU %u of vCPU %u is not below %u",
				    (unsigned)cpu, i, HAL_MAX_CPUS);
		vm->affinity[i] = (uint8_t)cpu;
	}
	vm->affinity_set = true;
	return HV_OK;
}

static enum hv_err vm_node(struct ctx *c, int node, unsigned index,
			   struct vm_config *vm)
{
	bool modules[MODULE_ROLES] = {false};
	struct vm_props seen = {false};
	unsigned ac = fdt_address_cells(c->fdt, node);
	unsigned sc = fdt_size_cells(c->fdt, node);
	enum hv_err e;

	*vm = (struct vm_config){
	    .vcpu_count = 1,
	    .ram_ipa = ipa_init(VM_RAM_IPA_DEFAULT),
	    .kind = VM_KERNEL_AUTO,
	};
	fmt_snprintf(vm->node, sizeof(vm->node), "%s", c->vm);
	e = vm_name(c, node, vm);
	for (int p = fdt_first_prop(c->fdt, node); p >= 0 && e == HV_OK;
	     p = fdt_next_prop(c->fdt, p)) {
		const char *prop;
		uint32_t len;
		const void *val = fdt_prop_at(c->fdt, p, &prop, &len);

		if (!ignored(prop))
			e = vm_prop(c, vm, &seen, prop, val, len);
	}
	if (e == HV_OK)
		e = affinity(c, vm, &seen);
	for (int m = fdt_first_child(c->fdt, node); m >= 0 && e == HV_OK;
	     m = fdt_next_sibling(c->fdt, m)) {
		if (virtio_type(c->fdt, m) != VIRTIO_TYPES)
			e = virtio_node(c, vm, index, m, ac, sc);
		else
			e = module(c, vm, m, ac, sc, modules);
	}
	if (e != HV_OK)
		return e;
	if (!seen.memory)
		return fail(c, HV_ERR_INVAL, "memory",
			    "missing: the VM's RAM size in bytes");
	if (!modules[MODULE_KERNEL])
		return fail(c, HV_ERR_NOENT, NULL,
			    "no kernel: a sub-node with compatible "
			    "\"multiboot,kernel\" is needed");
	if (vm->load_set && vm->kind != VM_KERNEL_RAW)
		return fail(c, HV_ERR_INVAL, "load",
			    "only a raw kernel (kind = \"raw\") has a load "
			    "address");
	if (vm->direct_map && !vm->ram_pa_fixed && seen.ram_base)
		return fail(c, HV_ERR_INVAL, "ram-base",
			    "a direct-mapped VM's RAM base is its host "
			    "address");
	if (vm->direct_map && vm->ram_pa_fixed) {
		if (seen.ram_base &&
		    ipa_addr(vm->ram_ipa) != pa_addr(vm->ram_pa))
			return fail(c, HV_ERR_INVAL, "ram-base",
				    "0x%llx differs from host-address 0x%llx "
				    "in a direct-mapped VM",
				    (ull)ipa_addr(vm->ram_ipa),
				    (ull)pa_addr(vm->ram_pa));
		vm->ram_ipa = ipa_init(pa_addr(vm->ram_pa));
	}
	if (!vm->load_set)
		vm->load = vm->ram_ipa;
	return HV_OK;
}

enum hv_err manifest_parse(const void *fdt, size_t size, struct hv_config *cfg,
			   struct config_error *err)
{
	int rc = fdt_check(fdt, size);

	if (rc != 0) {
		cfg->vm_count = 0;
		fmt_snprintf(err->msg, sizeof(err->msg),
			     "the boot device tree is not valid: %s",
			     fdt_strerror(rc));
		return HV_ERR_INVAL;
	}
	return manifest_parse_checked(fdt, NULL, 0, cfg, err);
}

enum hv_err manifest_parse_checked(const void *fdt, const int *root_children,
				   unsigned count, struct hv_config *cfg,
				   struct config_error *err)
{
	struct ctx c = {.fdt = fdt, .err = err};
	char path[sizeof(cfg->vms[0].node)];
	int chosen;

	cfg->vm_count = 0;
	err->msg[0] = '\0';
	chosen = root_children ? fdt_named(fdt, root_children, count, "chosen")
			       : fdt_path(fdt, "/chosen");
	for (int n = chosen >= 0 ? fdt_first_child(fdt, chosen) : -1; n >= 0;
	     n = fdt_next_sibling(fdt, n)) {
		enum hv_err e;

		if (!fdt_compatible(fdt, n, VM_COMPATIBLE))
			continue;
		fmt_snprintf(path, sizeof(path), "/chosen/%s",
			     fdt_node_name(fdt, n));
		c.vm = path;
		c.module = NULL;
		if (cfg->vm_count == HV_MAX_VMS)
			return fail(&c, HV_ERR_NOMEM, NULL, "more than %u VMs",
				    HV_MAX_VMS);
		e = vm_node(&c, n, cfg->vm_count, &cfg->vms[cfg->vm_count]);
		if (e != HV_OK)
			return e;
		for (unsigned i = 0; i < cfg->vm_count; i++)
			if (strcmp(cfg->vms[i].name,
				   cfg->vms[cfg->vm_count].name) == 0)
				return fail(&c, HV_ERR_EXIST, NULL,
					    "the name '%s' is already %s's",
					    cfg->vms[i].name, cfg->vms[i].node);
		cfg->vm_count++;
	}
	if (cfg->vm_count == 0) {
		fmt_snprintf(err->msg, sizeof(err->msg),
			     "no VM in the boot device tree: no node under "
			     "/chosen has compatible \"" VM_COMPATIBLE "\"");
		return HV_ERR_NOENT;
	}
	return HV_OK;
}
