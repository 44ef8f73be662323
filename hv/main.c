/* main: everything is checked before the first guest instruction runs. */
#include "hv/main.h"

#include "hv/log.h"
#include "hv/page_pool.h"
#include "hv/sched.h"
#include "hv/vm.h"

#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/mm.h>

static _Alignas(PAGE_SIZE) uint8_t pool_pages[HV_S2_POOL_PAGES][PAGE_SIZE];
static uint32_t pool_links[HV_S2_POOL_PAGES];
static struct page_pool pool;
static struct vm vms[HV_MAX_VMS];

/*
 * The final line of every way hv_main ends ("hv: all VMs stopped, status N"
 * below, or this one) carries the status out of the machine: the wrappers
 * around QEMU read it (docs/design.md).
 */
static int stop_before_guests(void)
{
	hv_log("stopping: no guest was started");
	hv_log("stopped, status 1");
	return 1;
}

int hv_main(const struct hv_config *cfg)
{
	const struct hal_cpu_caps *caps = hal_cpu_caps();
	const struct hal_platform *plat = hal_platform();
	struct config_limits lim = {
	    .platform = plat,
	    .ipa_bits = caps->ipa_bits,
	    .s2_start_level = caps->s2_start_level,
	    .pool_pages = HV_S2_POOL_PAGES,
	};
	struct config_error cerr;
	enum hv_err err;

	hv_log("hypervisor on %s: %u CPU(s), %u-bit PA, %u-bit IPA (stage 2 "
	       "from level %u), GICv%u with %u list registers",
	       plat->name, hal_cpu_count(), caps->pa_bits, caps->ipa_bits,
	       caps->s2_start_level, hal_gic()->version, hal_gic()->lr_count);
	err = config_validate(cfg, &lim, &cerr);
	if (err != HV_OK) {
		hv_log("config error: %s", cerr.msg);
		return stop_before_guests();
	}
	err = page_pool_init(&pool, pool_pages, hal_ptr_to_pa(pool_pages),
			     HV_S2_POOL_PAGES, pool_links);
	HV_CHECK(err == HV_OK);
	for (unsigned i = 0; i < cfg->vm_count; i++) {
		const struct vm_config *c = &cfg->vms[i];

		err = vm_create(&vms[i], i, c, &pool);
		if (err == HV_OK)
			err = vm_boot(&vms[i]);
		if (err != HV_OK) {
			hv_log("%s: cannot create: %s", c->name,
			       hv_err_str(err));
			return stop_before_guests();
		}
		hv_log("%s: %u vCPU(s), %llu MiB RAM at ipa 0x%llx, entry "
		       "0x%llx",
		       c->name, c->vcpu_count,
		       (unsigned long long)(c->ram_size >> 20),
		       (unsigned long long)ipa_addr(c->ram_ipa),
		       (unsigned long long)vms[i].vcpus[0].reset_entry);
	}
	sched_init(vms, cfg->vm_count);
	hal_cpu_start_others();
	int status = sched_run();

	hv_log("all VMs stopped, status %d", status);
	return status;
}

void hv_secondary_main(void)
{
	(void)sched_run();
}
