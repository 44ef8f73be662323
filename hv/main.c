/* main: everything is checked before the first guest instruction runs. */
#include "hv/main.h"

#include "hv/console.h"
#include "hv/log.h"
#include "hv/manifest.h"
#include "hv/page_pool.h"
#include "hv/passthrough.h"
#include "hv/sched.h"
#include "hv/trace.h"
#include "hv/vm.h"

#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/mm.h>

static HAL_NOINIT _Alignas(PAGE_SIZE) uint8_t
    pool_pages[HV_S2_POOL_PAGES][PAGE_SIZE];
static uint32_t pool_links[HV_S2_POOL_PAGES];
static struct page_pool pool;
static HAL_NOINIT struct vm vms[HV_MAX_VMS]; /* vm_create clears each */
static struct vm_image_plan plans[HV_MAX_VMS];
static struct vm_networks networks;
static struct hv_config boot_config;

typedef unsigned long long ull;

/*
 * The final line of every way the core ends ("hv: all VMs stopped, status
 * N" in hv_main, or this one) carries the status out of the machine: the
 * wrappers around QEMU read it (docs/design.md).
 */
static int refuse(const char *what, const char *msg)
{
	hv_log("%s: %s", what, msg);
	hv_log("stopping: no guest was started");
	hv_log("stopped, status 1");
	return 1;
}

int hv_main(struct hv_config *cfg)
{
	const struct hal_cpu_caps *caps = hal_cpu_caps();
	const struct hal_platform *plat = hal_platform();
	size_t dtb_size = 0;
	struct hal_boot_tree tree;
	const void *dtb = hal_boot_dtb(&dtb_size, &tree);
	struct config_limits lim = {
	    .platform = plat,
	    .ipa_bits = caps->ipa_bits,
	    .s2_start_level = caps->s2_start_level,
	    .cpu_count = hal_cpu_count(),
	    .pool_pages = HV_S2_POOL_PAGES,
	    .boot_dtb = dtb != NULL ? hal_ptr_to_pa(dtb) : pa_init(0),
	    .boot_dtb_size = dtb != NULL ? dtb_size : 0,
	};
	struct config_error cerr;
	enum hv_err err;

	err = config_validate(cfg, &lim, &cerr);
	for (unsigned i = 0; err == HV_OK && i < cfg->vm_count; i++)
		err = vm_image_plan(&cfg->vms[i], &plans[i], &cerr);
	if (err != HV_OK)
		return refuse("manifest", cerr.msg);
	err = page_pool_init(&pool, pool_pages, hal_ptr_to_pa(pool_pages),
			     HV_S2_POOL_PAGES, pool_links);
	HV_CHECK(err == HV_OK);
	vm_networks_init(&networks);
	for (unsigned i = 0; i < cfg->vm_count; i++) {
		const struct vm_config *c = &cfg->vms[i];

		err = vm_create(&vms[i], i, c, &plans[i], &pool);
		if (err == HV_OK)
			err = vm_devices_create(&vms[i], &networks);
		if (err == HV_OK)
			err = vm_boot(&vms[i]);
		if (err != HV_OK)
			return refuse(c->name, hv_err_str(err));
		hv_log("vm '%s' (%s): RAM at pa 0x%llx", c->name, c->node,
		       (ull)pa_addr(c->ram_pa));
		hv_log("%s: %u vCPU(s), %llu MiB RAM at ipa 0x%llx, entry "
		       "0x%llx",
		       c->name, c->vcpu_count, (ull)(c->ram_size >> 20),
		       (ull)ipa_addr(c->ram_ipa), (ull)plans[i].entry);
	}
	passthrough_irq_setup(vms, cfg->vm_count);
	sched_init(vms, cfg->vm_count);
	console_announce();
	hal_cpu_start_others();
	int status = sched_run();

	hv_log("all VMs stopped, status %d", status);
	return status;
}

int hv_boot(void)
{
	const struct hal_cpu_caps *caps = hal_cpu_caps();
	const struct hal_platform *plat = hal_platform();
	struct config_error err;
	size_t size = 0;
	struct hal_boot_tree tree;
	const void *dtb = hal_boot_dtb(&size, &tree);

	hv_log("hypervisor on %s: %u CPU(s), %u-bit PA, %u-bit IPA (stage 2 "
	       "from level %u), GICv%u with %u list registers",
	       plat->name, hal_cpu_count(), caps->pa_bits, caps->ipa_bits,
	       caps->s2_start_level, hal_gic()->version, hal_gic()->lr_count);
#if defined(HV_TRACE_CONSOLE)
	trace_console_start();
#endif
	if (dtb == NULL)
		return refuse("manifest",
			      "no device tree from the boot loader, so no VM "
			      "is described (docs/manifest.md)");
	if ((tree.checked
		 ? manifest_parse_checked(dtb, tree.root_children,
					  tree.root_child_count, &boot_config,
					  &err)
		 : manifest_parse(dtb, size, &boot_config, &err)) != HV_OK)
		return refuse("manifest", err.msg);
	return hv_main(&boot_config);
}

void hv_secondary_main(void)
{
	(void)sched_run();
}
