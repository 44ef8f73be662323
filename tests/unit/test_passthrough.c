/*
 * Unit tests of hv/passthrough.c: host devices given to a VM. Boot trees
 * shaped like QEMU virt's (written with lib/fdt_write, checked by libfdt
 * first) go through manifest_parse and config_validate: every refusal
 * with its exact message; then the stage-2 mapping (the exact descriptor)
 * and the node copied into the VM's tree, read back with libfdt. The same
 * device read from QEMU 7.2's own trees (tests/fdt).
 */
#include "helpers.h"

#include "hv/exit.h"
#include "hv/irq.h"
#include "hv/manifest.h"
#include "hv/passthrough.h"
#include "hv/sched.h"
#include "hv/stage2.h"
#include "hv/vm_dt.h"
#include "lib/fdt.h"
#include "lib/fdt_write.h"
#include "ref.h"

#include <stdlib.h>

#define MIB 0x100000ull

/* Phandles of the host tree, as QEMU numbers them. */
#define PH_APB	   0x8000u
#define PH_SLOW	   0x8001u
#define PH_GIC	   0x8002u
#define PH_GPIO	   0x8003u
#define PH_GATED   0x8004u
#define PH_DIVIDER 0x8005u

static uint8_t blob[32768];
static size_t blob_size;
static struct fdtw w;
static struct hv_config cfg;
static struct config_error err;
static struct hal_platform plat;
static struct config_limits lim;
static unsigned vm_index;

static void end(void)
{
	fdtw_end_node(&w);
}

static void reg(uint64_t a, uint64_t s)
{
	const uint32_t c[4] = {(uint32_t)(a >> 32), (uint32_t)a,
			       (uint32_t)(s >> 32), (uint32_t)s};

	fdtw_prop_cells(&w, "reg", c, 4);
}

static void irq(uint32_t type, uint32_t num, uint32_t flags)
{
	const uint32_t c[3] = {type, num, flags};

	fdtw_prop_cells(&w, "interrupts", c, 3);
}

static void fixed_clock(const char *name, uint32_t hz, uint32_t ph,
			uint32_t cells, const char *compat)
{
	fdtw_begin_node(&w, name);
	fdtw_prop_u32(&w, "phandle", ph);
	fdtw_prop_string(&w, "clock-output-names", name);
	fdtw_prop_u32(&w, "clock-frequency", hz);
	fdtw_prop_u32(&w, "#clock-cells", cells);
	fdtw_prop_string(&w, "compatible", compat);
	end();
}

static void virtio(uint64_t base, uint32_t spi)
{
	char name[32];

	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)base);
	fdtw_begin_node(&w, name);
	fdtw_prop_empty(&w, "dma-coherent");
	irq(0, spi, 1);
	reg(base, 0x200);
	fdtw_prop_string(&w, "compatible", "virtio,mmio");
	end();
}

/* A device node with compatible, reg and (unless spi < 0) one SPI. */
static void device_begin(const char *name, uint64_t base, uint64_t size,
			 int spi)
{
	fdtw_begin_node(&w, name);
	fdtw_prop_string(&w, "compatible", "test,device");
	reg(base, size);
	if (spi >= 0)
		irq(0, (uint32_t)spi, 4);
}

/*
 * The machine's tree up to /chosen: QEMU virt's nodes as QEMU 7.2 writes
 * them (the GIC, its ITS, the two UART clocks, the PL011, PL031, PL061
 * and two virtio-mmio transports sharing a page), with two more fixed
 * clocks and two clocks no VM can be given. A test adds devices, then
 * opens /chosen with chosen_begin.
 */
static void host_begin(void)
{
	static const char *const pl031[] = {"arm,pl031", "arm,primecell"};
	static const uint32_t gic_reg[8] = {0, 0x08000000, 0, 0x10000,
					    0, 0x080a0000, 0, 0xf60000};
	const uint32_t two_clocks[2] = {PH_APB, PH_APB};

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "interrupt-parent", PH_GIC);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_string(&w, "compatible", "linux,dummy-virt");

	fdtw_begin_node(&w, "memory@40000000");
	reg(0x40000000, 0x40000000);
	fdtw_prop_string(&w, "device_type", "memory");
	end();
	virtio(0x0a000000, 16);
	virtio(0x0a000200, 17);

	fdtw_begin_node(&w, "pl061@9030000");
	fdtw_prop_u32(&w, "phandle", PH_GPIO);
	fdtw_prop_u32(&w, "#interrupt-cells", 2);
	fdtw_prop_empty(&w, "interrupt-controller");
	irq(0, 7, 4);
	reg(0x09030000, 0x1000);
	fdtw_prop_strings(&w, "compatible", pl031, 1);
	end();

	fdtw_begin_node(&w, "pl031@9010000");
	fdtw_prop_string(&w, "clock-names", "apb_pclk");
	fdtw_prop_u32(&w, "clocks", PH_APB);
	irq(0, 2, 4);
	reg(0x09010000, 0x1000);
	fdtw_prop_strings(&w, "compatible", pl031, 2);
	end();

	fdtw_begin_node(&w, "pl011@9000000");
	fdtw_prop_cells(&w, "clocks", two_clocks, 2);
	irq(0, 1, 4);
	reg(0x09000000, 0x1000);
	fdtw_prop_string(&w, "compatible", "arm,pl011");
	end();

	fdtw_begin_node(&w, "intc@8000000");
	fdtw_prop_u32(&w, "phandle", PH_GIC);
	fdtw_prop_cells(&w, "reg", gic_reg, 8);
	fdtw_prop_string(&w, "compatible", "arm,gic-v3");
	fdtw_prop_empty(&w, "ranges");
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_empty(&w, "interrupt-controller");
	fdtw_prop_u32(&w, "#interrupt-cells", 3);
	fdtw_begin_node(&w, "its@8080000");
	fdtw_prop_string(&w, "compatible", "arm,gic-v3-its");
	reg(0x08080000, 0x20000);
	end();
	end();

	fixed_clock("apb-pclk", 24000000, PH_APB, 0, "fixed-clock");
	fixed_clock("slow-clk", 32768, PH_SLOW, 0, "fixed-clock");
	fixed_clock("gated-clk", 1000, PH_GATED, 0, "gpio-gate-clock");
	fixed_clock("divider-clk", 1000, PH_DIVIDER, 1, "fixed-clock");
}

static void chosen_begin(void)
{
	fdtw_begin_node(&w, "chosen");
	vm_index = 0;
}

/* A VM of 64 MiB; its properties follow, then vm_end. */
static void vm_begin(const char *name)
{
	fdtw_begin_node(&w, name);
	fdtw_prop_string(&w, "compatible", "hv,vm");
	fdtw_prop_u32(&w, "memory", 64 * MIB);
}

static void vm_end(void)
{
	static const char *const compat[] = {"multiboot,kernel",
					     "multiboot,module"};
	uint64_t pa = 0x70000000 + vm_index++ * MIB;
	const uint32_t r[3] = {0, (uint32_t)pa, 0x10000};

	fdtw_begin_node(&w, "kernel");
	fdtw_prop_strings(&w, "compatible", compat, 2);
	fdtw_prop_cells(&w, "reg", r, 3);
	end();
	end();
}

/* A VM with one passthrough path (and direct-map if asked). */
static void vm_with(const char *name, const char *path, bool direct)
{
	vm_begin(name);
	if (direct)
		fdtw_prop_empty(&w, "direct-map");
	fdtw_prop_string(&w, "passthrough", path);
	vm_end();
}

static void tree_end(void)
{
	int size;

	end(); /* /chosen */
	end(); /* / */
	size = fdtw_finish(&w);
	assert_true(size > 0);
	blob_size = (size_t)size;
	assert_int_equal(ref_check_full(blob, blob_size), 0);
}

/* The whole tree: the host, then VM "web" with the one path. */
static void one_vm(const char *path, bool direct)
{
	host_begin();
	chosen_begin();
	vm_with("web", path, direct);
	tree_end();
}

/* QEMU virt's GICv3 machine with 1 GiB: its console UART and GIC. */
static int setup(void **state)
{
	(void)state;
	plat = (struct hal_platform){
	    .name = "test",
	    .ram_base = pa_init(0x40000000),
	    .ram_size = 0x40000000,
	    .hv_base = pa_init(0x40000000),
	    .hv_size = 32 * MIB,
	    .mmio =
		{
		    {"the hypervisor's console UART", pa_init(0x09000000),
		     0x1000},
		    {"the GIC's distributor", pa_init(0x08000000), 0x10000},
		    {"the GIC's redistributors", pa_init(0x080a0000), 0xf60000},
		},
	    .mmio_count = 3,
	};
	lim = (struct config_limits){
	    .platform = &plat,
	    .ipa_bits = 40,
	    .s2_start_level = 0,
	    .cpu_count = 4,
	    .pool_pages = 256,
	};
	memset(&cfg, 0x5a, sizeof(cfg));
	memset(&err, 0x5a, sizeof(err));
	return 0;
}

/* Parsed, then validated: the first error of either. */
static enum hv_err load(void)
{
	enum hv_err e = manifest_parse(blob, blob_size, &cfg, &err);

	return e != HV_OK ? e : config_validate(&cfg, &lim, &err);
}

static void load_ok(void)
{
	if (load() != HV_OK)
		fail_msg("refused: %s", err.msg);
}

#define assert_refused(e, message)                                             \
	do {                                                                   \
		assert_int_equal(load(), (e));                                 \
		assert_string_equal(err.msg, (message));                       \
	} while (0)

/* ---- what is read from the tree -------------------------------------- */

static void test_passthrough_reads_the_pl031(void **st)
{
	const struct vm_pt_device *d;

	(void)st;
	one_vm("/pl031@9010000", false);
	load_ok();
	assert_int_equal(cfg.vms[0].pt.count, 1);
	assert_ptr_equal(cfg.vms[0].pt.fdt, blob);
	d = &cfg.vms[0].pt.dev[0];
	assert_string_equal(d->path, "/pl031@9010000");
	assert_int_equal(d->node, ref_path(blob, "/pl031@9010000"));
	assert_int_equal(d->reg_count, 1);
	assert_int_equal(pa_addr(d->reg[0].pa), 0x09010000);
	assert_int_equal(d->reg[0].size, 0x1000);
	assert_int_equal(d->irq_count, 1);
	assert_int_equal(d->irq[0].intid, 34);
	assert_false(d->irq[0].edge);
	assert_int_equal(d->clock_count, 1);
	assert_int_equal(d->clock[0], ref_path(blob, "/apb-pclk"));
	assert_null(d->dma);
	assert_int_equal(d->dma_neighbour, -1);
}

static void test_passthrough_reads_a_virtio_transport_and_its_page(void **st)
{
	const struct vm_pt_device *d;

	(void)st;
	one_vm("/virtio_mmio@a000200", true);
	load_ok();
	d = &cfg.vms[0].pt.dev[0];
	assert_int_equal(pa_addr(d->reg[0].pa), 0x0a000200);
	assert_int_equal(d->reg[0].size, 0x200);
	assert_int_equal(d->irq[0].intid, 49);
	assert_true(d->irq[0].edge);
	assert_string_equal(d->dma, "virtio,mmio");
	/* The other transport in its page. */
	assert_int_equal(d->dma_neighbour,
			 ref_path(blob, "/virtio_mmio@a000000"));
	assert_string_equal(d->neighbour_dma, "virtio,mmio");
}

static void test_passthrough_reads_several_devices_and_regs(void **st)
{
	static const char *const paths[] = {"/pl031@9010000", "/two@9100000",
					    "/quiet@9200000"};
	const uint32_t two_regs[8] = {0, 0x09100000, 0, 0x2000,
				      0, 0x09110000, 0, 0x800};
	const uint32_t irqs[6] = {0, 10, 4, 0, 11, 1};
	const struct vm_pt_device *d;

	(void)st;
	host_begin();
	fdtw_begin_node(&w, "two@9100000");
	fdtw_prop_cells(&w, "reg", two_regs, 8);
	fdtw_prop_cells(&w, "interrupts", irqs, 6);
	end();
	device_begin("quiet@9200000", 0x09200000, 0x1000, -1);
	end();
	chosen_begin();
	vm_begin("web");
	fdtw_prop_strings(&w, "passthrough", paths, 3);
	vm_end();
	tree_end();
	load_ok();
	assert_int_equal(cfg.vms[0].pt.count, 3);
	d = &cfg.vms[0].pt.dev[1];
	assert_int_equal(d->reg_count, 2);
	assert_int_equal(pa_addr(d->reg[1].pa), 0x09110000);
	assert_int_equal(d->reg[1].size, 0x800);
	assert_int_equal(d->irq_count, 2);
	assert_int_equal(d->irq[1].intid, 43);
	assert_true(d->irq[1].edge);
	assert_int_equal(cfg.vms[0].pt.dev[2].irq_count, 0);
	/* Each range, rounded to pages, needs a table at levels 1-3. */
	assert_int_equal(passthrough_s2_pages(&cfg.vms[0], 0), 4 * 3);
}

/* ---- refusals: the tree ----------------------------------------------- */

static void test_passthrough_path_with_no_node(void **st)
{
	(void)st;
	one_vm("/pl031@9010001", false);
	assert_refused(HV_ERR_NOENT, "/chosen/web: passthrough: "
				     "/pl031@9010001: no such node in the "
				     "boot device tree");
	one_vm("pl031@9010000", false);
	assert_refused(HV_ERR_NOENT,
		       "/chosen/web: passthrough: pl031@9010000: no such node "
		       "in the boot device tree");
}

static void test_passthrough_node_without_reg_is_no_device(void **st)
{
	(void)st;
	one_vm("/apb-pclk", false);
	assert_refused(HV_ERR_INVAL, "/chosen/web: passthrough: /apb-pclk: "
				     "not a device: it has no reg");
	one_vm("/", false);
	assert_refused(HV_ERR_INVAL, "/chosen/web: passthrough: /: not a "
				     "device: it has no reg");
}

static void test_passthrough_chosen_is_no_device(void **st)
{
	(void)st;
	one_vm("/chosen/web/kernel", false);
	assert_refused(HV_ERR_INVAL, "/chosen/web: passthrough: "
				     "/chosen/web/kernel: is under /chosen: "
				     "not a device");
}

static void test_passthrough_gic_and_its_parts_are_the_hypervisors(void **st)
{
	(void)st;
	one_vm("/intc@8000000", false);
	assert_refused(HV_ERR_ACCESS,
		       "/chosen/web: passthrough: /intc@8000000: is part of "
		       "the GIC, which the hypervisor drives");
	one_vm("/intc@8000000/its@8080000", false);
	assert_refused(HV_ERR_ACCESS, "/chosen/web: passthrough: "
				      "/intc@8000000/its@8080000: is part of "
				      "the GIC, which the hypervisor drives");
}

static void test_passthrough_property_not_a_path_list(void **st)
{
	(void)st;
	host_begin();
	chosen_begin();
	vm_begin("web");
	fdtw_prop(&w, "passthrough", "/pl031@9010000", 14);
	vm_end();
	tree_end();
	assert_refused(HV_ERR_INVAL, "/chosen/web: passthrough: must be a "
				     "list of paths in the boot device tree");
	host_begin();
	chosen_begin();
	vm_begin("web");
	fdtw_prop(&w, "passthrough", "/pl031@9010000\0\0", 16);
	vm_end();
	tree_end();
	assert_refused(HV_ERR_INVAL, "/chosen/web: passthrough: an empty path");
}

static void test_passthrough_listed_twice_or_too_many(void **st)
{
	static const char *const twice[] = {"/pl031@9010000", "/pl031"};
	static const char *const five[] = {"/a@9100000", "/a@9101000",
					   "/a@9102000", "/a@9103000",
					   "/a@9104000"};

	(void)st;
	host_begin();
	chosen_begin();
	vm_begin("web");
	fdtw_prop_strings(&w, "passthrough", twice, 2);
	vm_end();
	tree_end();
	assert_refused(HV_ERR_EXIST,
		       "/chosen/web: passthrough: /pl031: listed twice");
	host_begin();
	for (unsigned i = 0; i < 5; i++) {
		device_begin(five[i] + 1, 0x09100000 + i * 0x1000, 0x1000, -1);
		end();
	}
	chosen_begin();
	vm_begin("web");
	fdtw_prop_strings(&w, "passthrough", five, 5);
	vm_end();
	tree_end();
	assert_refused(HV_ERR_NOMEM,
		       "/chosen/web: passthrough: more than 4 devices");
}

static void test_passthrough_reg_must_be_whole_cpu_addresses(void **st)
{
	(void)st;
	host_begin();
	fdtw_begin_node(&w, "odd@9100000");
	fdtw_prop(&w, "reg", "\0\0\0\0\x09\x10\0\0\0\0", 10);
	end();
	fdtw_begin_node(&w, "empty@9110000");
	reg(0x09110000, 0);
	end();
	fdtw_begin_node(&w, "soc");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 1);
	fdtw_prop_u32(&w, "ranges", 0);
	fdtw_begin_node(&w, "dev@1000");
	fdtw_prop_u32(&w, "reg", 0x1000);
	end();
	end();
	fdtw_begin_node(&w, "bus");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_empty(&w, "ranges");
	device_begin("dev@9120000", 0x09120000, 0x1000, 3);
	end();
	end();
	chosen_begin();
	vm_with("web", "/odd@9100000", false);
	vm_with("db", "/empty@9110000", false);
	vm_with("soc", "/soc/dev@1000", false);
	vm_with("bus", "/bus/dev@9120000", false);
	tree_end();
	assert_refused(HV_ERR_INVAL,
		       "/chosen/web: passthrough: /odd@9100000: reg: 10 "
		       "bytes are not (address, size) pairs of 2 and 2 cells");
	/* The same tree with the first VMs dropped, one by one. */
	ref_nop_node(blob, ref_path(blob, "/chosen/web"));
	assert_refused(HV_ERR_RANGE, "/chosen/db: passthrough: "
				     "/empty@9110000: reg: [0x9110000, +0x0) "
				     "is empty or wraps around the address "
				     "space");
	ref_nop_node(blob, ref_path(blob, "/chosen/db"));
	assert_refused(HV_ERR_NOTSUP,
		       "/chosen/soc: passthrough: /soc/dev@1000: reg: a "
		       "parent node translates its addresses (ranges): only "
		       "devices at CPU addresses can be passed through");
	ref_nop_node(blob, ref_path(blob, "/chosen/soc"));
	/* Under a bus whose ranges is empty: CPU addresses. */
	load_ok();
	assert_int_equal(pa_addr(cfg.vms[0].pt.dev[0].reg[0].pa), 0x09120000);
}

static void test_passthrough_interrupts_must_be_spis_of_the_gic(void **st)
{
	(void)st;
	host_begin();
	device_begin("ppi@9100000", 0x09100000, 0x1000, -1);
	irq(1, 7, 4);
	end();
	device_begin("falling@9110000", 0x09110000, 0x1000, -1);
	irq(0, 5, 2);
	end();
	device_begin("far@9120000", 0x09120000, 0x1000, 64);
	end();
	device_begin("gpio@9130000", 0x09130000, 0x1000, -1);
	fdtw_prop_u32(&w, "interrupt-parent", PH_GPIO);
	fdtw_prop_u32(&w, "interrupts", 3);
	end();
	device_begin("short@9140000", 0x09140000, 0x1000, -1);
	fdtw_prop_u32(&w, "interrupts", 3);
	end();
	chosen_begin();
	vm_with("a", "/ppi@9100000", false);
	vm_with("b", "/falling@9110000", false);
	vm_with("c", "/far@9120000", false);
	vm_with("d", "/gpio@9130000", false);
	tree_end();
	assert_refused(HV_ERR_NOTSUP,
		       "/chosen/a: passthrough: /ppi@9100000: interrupts: "
		       "entry 0 is a PPI: only SPIs can go to one VM");
	ref_nop_node(blob, ref_path(blob, "/chosen/a"));
	assert_refused(HV_ERR_NOTSUP,
		       "/chosen/b: passthrough: /falling@9110000: "
		       "interrupts: SPI 5: trigger type 2: a GIC SPI is "
		       "rising-edge (1) or level-high (4)");
	ref_nop_node(blob, ref_path(blob, "/chosen/b"));
	assert_refused(HV_ERR_RANGE,
		       "/chosen/c: passthrough: /far@9120000: interrupts: "
		       "SPI 64 is beyond the vGIC's 64 SPIs");
	ref_nop_node(blob, ref_path(blob, "/chosen/c"));
	assert_refused(HV_ERR_NOTSUP,
		       "/chosen/d: passthrough: /gpio@9130000: interrupts: "
		       "its interrupt parent /pl061@9030000 is not the GIC: "
		       "only the GIC's SPIs can be passed through");
}

static void test_passthrough_interrupts_of_the_wrong_length(void **st)
{
	(void)st;
	host_begin();
	device_begin("short@9140000", 0x09140000, 0x1000, -1);
	fdtw_prop_u32(&w, "interrupts", 3);
	end();
	chosen_begin();
	vm_with("web", "/short@9140000", false);
	tree_end();
	assert_refused(HV_ERR_INVAL,
		       "/chosen/web: passthrough: /short@9140000: "
		       "interrupts: 4 bytes are not <type number flags> "
		       "triples");
}

static void test_passthrough_clocks_must_be_fixed(void **st)
{
	(void)st;
	host_begin();
	device_begin("gated@9100000", 0x09100000, 0x1000, -1);
	fdtw_prop_u32(&w, "clocks", PH_GATED);
	end();
	device_begin("divided@9110000", 0x09110000, 0x1000, -1);
	fdtw_prop_u32(&w, "clocks", PH_DIVIDER);
	end();
	device_begin("lost@9120000", 0x09120000, 0x1000, -1);
	fdtw_prop_u32(&w, "clocks", 0x1234);
	end();
	chosen_begin();
	vm_with("a", "/gated@9100000", false);
	vm_with("b", "/divided@9110000", false);
	vm_with("c", "/lost@9120000", false);
	tree_end();
	assert_refused(HV_ERR_NOTSUP,
		       "/chosen/a: passthrough: /gated@9100000: clocks: "
		       "/gated-clk is not a fixed-clock, which the VM could "
		       "not be given");
	ref_nop_node(blob, ref_path(blob, "/chosen/a"));
	assert_refused(HV_ERR_NOTSUP,
		       "/chosen/b: passthrough: /divided@9110000: clocks: "
		       "/divider-clk does not have #clock-cells = <0>");
	ref_nop_node(blob, ref_path(blob, "/chosen/b"));
	assert_refused(HV_ERR_NOENT, "/chosen/c: passthrough: /lost@9120000: "
				     "clocks: no node has phandle 0x1234");
}

static void test_passthrough_references_to_other_nodes(void **st)
{
	static const char *const props[] = {
	    "dmas",	   "resets",	"vdd-supply",
	    "reset-gpios", "pinctrl-0", "interrupts-extended"};
	char path[32];

	(void)st;
	for (unsigned i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		char msg[200];

		host_begin();
		device_begin("dev@9100000", 0x09100000, 0x1000, 3);
		fdtw_prop_string(&w, "pinctrl-names", "default");
		fdtw_prop_u32(&w, props[i], PH_GPIO);
		end();
		chosen_begin();
		vm_with("web", "/dev@9100000", false);
		tree_end();
		snprintf(msg, sizeof(msg),
			 "/chosen/web: passthrough: /dev@9100000: %s: refers "
			 "to other nodes of the boot tree, which the VM's "
			 "tree does not have",
			 props[i]);
		assert_refused(HV_ERR_NOTSUP, msg);
	}
	host_begin();
	device_begin("bus@9100000", 0x09100000, 0x1000, 3);
	device_begin("child@9100800", 0x09100800, 0x100, -1);
	end();
	end();
	chosen_begin();
	snprintf(path, sizeof(path), "/bus@9100000");
	vm_with("web", path, false);
	tree_end();
	assert_refused(HV_ERR_NOTSUP,
		       "/chosen/web: passthrough: /bus@9100000: has sub-nodes: "
		       "only a device without any can be passed through");
}

/* ---- refusals: the machine and the VMs -------------------------------- */

static void test_passthrough_hypervisor_console_uart(void **st)
{
	(void)st;
	one_vm("/pl011@9000000", false);
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/web: passthrough: /pl011@9000000: [0x9000000, "
		       "0x9001000) overlaps the hypervisor's console UART "
		       "[0x9000000, 0x9001000)");
}

static void test_passthrough_page_shared_with_the_hypervisor(void **st)
{
	(void)st;
	host_begin();
	device_begin("tail@9000800", 0x09000800, 0x800, -1);
	end();
	chosen_begin();
	vm_with("web", "/tail@9000800", false);
	tree_end();
	/* Not its reg, the rest of its page: the alignment is to blame. */
	plat.mmio[0].size = 0x800;
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/web: passthrough: /tail@9000800: [0x9000800, "
		       "0x9001000) is not 4 KiB aligned: its page [0x9000000, "
		       "0x9001000) also holds the hypervisor's console UART "
		       "[0x9000000, 0x9000800)");
}

static void test_passthrough_gic_frames_by_address(void **st)
{
	(void)st;
	host_begin();
	device_begin("lookalike@80b0000", 0x080b0000, 0x1000, -1);
	end();
	chosen_begin();
	vm_with("web", "/lookalike@80b0000", false);
	tree_end();
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/web: passthrough: /lookalike@80b0000: "
		       "[0x80b0000, 0x80b1000) overlaps the GIC's "
		       "redistributors [0x80a0000, 0x9000000)");
}

static void test_passthrough_host_ram_is_no_device(void **st)
{
	(void)st;
	one_vm("/memory@40000000", false);
	assert_refused(HV_ERR_ACCESS,
		       "/chosen/web: passthrough: /memory@40000000: "
		       "[0x40000000, 0x80000000) is host RAM [0x40000000, "
		       "0x80000000), not a device");
}

static void test_passthrough_beyond_the_ipa_space(void **st)
{
	(void)st;
	host_begin();
	device_begin("high@10000000000", 0x10000000000ull, 0x1000, -1);
	end();
	chosen_begin();
	vm_with("web", "/high@10000000000", false);
	tree_end();
	assert_refused(HV_ERR_RANGE,
		       "/chosen/web: passthrough: /high@10000000000: "
		       "[0x10000000000, 0x10000001000) is beyond the 40-bit "
		       "guest-physical address space");
}

static void test_passthrough_over_the_vms_ram(void **st)
{
	(void)st;
	host_begin();
	device_begin("low@10000000", 0x10000000, 0x1000, -1);
	end();
	chosen_begin();
	vm_begin("web");
	fdtw_prop_u32(&w, "ram-base", 0x10000000);
	fdtw_prop_string(&w, "passthrough", "/low@10000000");
	vm_end();
	tree_end();
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/web: passthrough: /low@10000000: [0x10000000, "
		       "0x10001000) overlaps the VM's RAM [0x10000000, "
		       "0x14000000)");
}

static void test_passthrough_over_the_vms_emulated_devices(void **st)
{
	(void)st;
	host_begin();
	device_begin("virtio-like@b000400", 0x0b000400, 0x200, -1);
	end();
	device_begin("gicc-like@8010000", 0x08010000, 0x1000, -1);
	end();
	chosen_begin();
	vm_with("a", "/virtio-like@b000400", false);
	vm_with("b", "/gicc-like@8010000", false);
	tree_end();
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/a: passthrough: /virtio-like@b000400: "
		       "[0xb000400, 0xb000600) overlaps the VM's VirtIO "
		       "devices [0xb000000, 0xb002000)");
	ref_nop_node(blob, ref_path(blob, "/chosen/a"));
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/b: passthrough: /gicc-like@8010000: "
		       "[0x8010000, 0x8011000) overlaps the VM's vGIC CPU "
		       "interface [0x8010000, 0x8012000)");
}

static void test_passthrough_one_device_two_vms(void **st)
{
	(void)st;
	host_begin();
	chosen_begin();
	vm_with("web", "/pl031@9010000", false);
	vm_with("db", "/pl031", false);
	tree_end();
	assert_refused(HV_ERR_EXIST, "/chosen/db: passthrough: /pl031: already "
				     "given to /chosen/web");
}

static void test_passthrough_one_page_two_vms(void **st)
{
	(void)st;
	host_begin();
	chosen_begin();
	vm_with("web", "/virtio_mmio@a000000", true);
	vm_with("db", "/virtio_mmio@a000200", true);
	tree_end();
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/db: passthrough: /virtio_mmio@a000200: "
		       "[0xa000200, 0xa000400) is not 4 KiB aligned: its page "
		       "[0xa000000, 0xa001000) also holds "
		       "/virtio_mmio@a000000 of /chosen/web");
}

static void test_passthrough_one_spi_two_vms(void **st)
{
	(void)st;
	host_begin();
	device_begin("shares@9100000", 0x09100000, 0x1000, 2);
	end();
	chosen_begin();
	vm_with("web", "/pl031@9010000", false);
	vm_with("db", "/shares@9100000", false);
	tree_end();
	assert_refused(HV_ERR_EXIST,
		       "/chosen/db: passthrough: /shares@9100000: interrupts: "
		       "SPI 2 is also /chosen/web's (/pl031@9010000)");
}

static void test_passthrough_one_spi_two_triggers_in_a_vm(void **st)
{
	static const char *const both[] = {"/pl031@9010000", "/edge@9100000"};

	(void)st;
	host_begin();
	device_begin("edge@9100000", 0x09100000, 0x1000, -1);
	irq(0, 2, 1);
	end();
	device_begin("level@9110000", 0x09110000, 0x1000, 2);
	end();
	chosen_begin();
	vm_begin("web");
	fdtw_prop_strings(&w, "passthrough", both, 2);
	vm_end();
	tree_end();
	assert_refused(HV_ERR_INVAL,
		       "/chosen/web: passthrough: /edge@9100000: interrupts: "
		       "SPI 2 is also /pl031@9010000's, with another trigger");
	/* One line, one trigger, one VM: shared. */
	host_begin();
	device_begin("level@9110000", 0x09110000, 0x1000, 2);
	end();
	chosen_begin();
	{
		static const char *const same[] = {"/pl031@9010000",
						   "/level@9110000"};

		vm_begin("web");
		fdtw_prop_strings(&w, "passthrough", same, 2);
		vm_end();
	}
	tree_end();
	load_ok();
}

static void test_passthrough_spis_the_vm_or_hypervisor_has(void **st)
{
	(void)st;
	host_begin();
	device_begin("console-spi@9100000", 0x09100000, 0x1000, 1);
	end();
	device_begin("virtio-spi@9110000", 0x09110000, 0x1000, 50);
	end();
	chosen_begin();
	vm_with("a", "/console-spi@9100000", false);
	vm_with("b", "/virtio-spi@9110000", false);
	tree_end();
	assert_refused(HV_ERR_ACCESS,
		       "/chosen/a: passthrough: /console-spi@9100000: "
		       "interrupts: SPI 1 is the hypervisor's console "
		       "interrupt (and the vPL011's)");
	ref_nop_node(blob, ref_path(blob, "/chosen/a"));
	assert_refused(HV_ERR_OVERLAP,
		       "/chosen/b: passthrough: /virtio-spi@9110000: "
		       "interrupts: SPI 50 is one of the VM's VirtIO SPIs "
		       "48-63");
}

static void test_passthrough_dma_needs_a_direct_map_vm(void **st)
{
	(void)st;
	one_vm("/virtio_mmio@a000000", false);
	assert_refused(HV_ERR_ACCESS,
		       "/chosen/web: passthrough: /virtio_mmio@a000000: can "
		       "do DMA (virtio,mmio): only a direct-map VM may have "
		       "it, as no IOMMU stage 2 keeps its DMA in the VM's RAM");
	one_vm("/virtio_mmio@a000000", true);
	load_ok();
	/* Placed clear of the device window, IPA = PA. */
	assert_int_equal(ipa_addr(cfg.vms[0].ram_ipa),
			 pa_addr(cfg.vms[0].ram_pa));
}

static void test_passthrough_dma_coherent_and_dma_neighbours(void **st)
{
	(void)st;
	host_begin();
	fdtw_begin_node(&w, "coherent@9100000");
	reg(0x09100000, 0x1000);
	fdtw_prop_empty(&w, "dma-coherent");
	end();
	device_begin("timer@9200000", 0x09200000, 0x100, -1);
	end();
	fdtw_begin_node(&w, "dma@9200100");
	reg(0x09200100, 0x100);
	fdtw_prop_empty(&w, "dma-coherent");
	end();
	chosen_begin();
	vm_with("a", "/coherent@9100000", false);
	vm_with("b", "/timer@9200000", false);
	tree_end();
	assert_refused(HV_ERR_ACCESS,
		       "/chosen/a: passthrough: /coherent@9100000: can do DMA "
		       "(dma-coherent): only a direct-map VM may have it, as "
		       "no IOMMU stage 2 keeps its DMA in the VM's RAM");
	ref_nop_node(blob, ref_path(blob, "/chosen/a"));
	assert_refused(HV_ERR_ACCESS,
		       "/chosen/b: passthrough: /timer@9200000: its pages also "
		       "hold /dma@9200100, which can do DMA (dma-coherent): "
		       "only a direct-map VM may have them");
}

static void test_passthrough_needs_stage2_pages(void **st)
{
	uint32_t ram;
	char msg[100];

	(void)st;
	one_vm("/pl031@9010000", false);
	/* The VM's RAM goes above the hypervisor's 32 MiB. */
	ram =
	    config_s2_pages(&(struct vm_config){.ram_ipa = ipa_init(0x40000000),
						.ram_pa = pa_init(0x42000000),
						.ram_size = 64 * MIB},
			    0);
	/* One page: a table at levels 1, 2 and 3 below the root. */
	lim.pool_pages = ram + 2;
	snprintf(msg, sizeof(msg),
		 "stage-2 page pool: %u pages needed, %u configured", ram + 3,
		 ram + 2);
	assert_refused(HV_ERR_NOMEM, msg);
	lim.pool_pages = ram + 3;
	load_ok();
}

/* ---- QEMU's own trees ------------------------------------------------- */

static uint8_t *read_tree(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	uint8_t *b;
	long n;

	snprintf(path, sizeof(path), "%s/%s", FDT_TREE_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return b;
}

static void qemu_tree(const char *name)
{
	static const char pl031[] = "/pl031@9010000";
	static const char blk[] = "/virtio_mmio@a003e00";
	struct vm_passthrough pt;
	size_t size;
	uint8_t *t = read_tree(name, &size);

	assert_int_equal(fdt_check(t, size), 0);
	assert_int_equal(
	    passthrough_parse(t, "/chosen/t", pl031, sizeof(pl031), &pt, &err),
	    HV_OK);
	assert_int_equal(pt.dev[0].irq[0].intid, 34);
	assert_false(pt.dev[0].irq[0].edge);
	assert_int_equal(pa_addr(pt.dev[0].reg[0].pa), 0x09010000);
	assert_string_equal(fdt_node_name(t, pt.dev[0].clock[0]), "apb-pclk");
	assert_null(pt.dev[0].dma);
	/* The transport a first -device virtio-blk-device lands on: the last
	 * one, SPI 47, in a page with seven more. */
	assert_int_equal(
	    passthrough_parse(t, "/chosen/t", blk, sizeof(blk), &pt, &err),
	    HV_OK);
	assert_int_equal(pt.dev[0].irq[0].intid, 79);
	assert_true(pt.dev[0].irq[0].edge);
	assert_string_equal(pt.dev[0].dma, "virtio,mmio");
	assert_true(pt.dev[0].dma_neighbour >= 0);
	assert_int_equal(
	    passthrough_parse(t, "/chosen/t", "/intc@8000000", 14, &pt, &err),
	    HV_ERR_ACCESS);
	free(t);
}

static void test_passthrough_qemu_trees(void **st)
{
	(void)st;
	qemu_tree("qemu-gicv2.dtb");
	qemu_tree("qemu-gicv3.dtb");
}

/* ---- the VM: stage 2 and its tree ------------------------------------- */

static struct test_vm tvm;

/* The host tree with pl031, slow@9100000 (another clock) and a virtio
 * transport; VM "t" given the first two, by passthrough_parse. */
static struct vm *vm_with_devices(void)
{
	static const char paths[] = "/pl031@9010000\0/slow@9100000";
	struct vm *vm;
	const uint32_t clocks[3] = {PH_SLOW, PH_APB, PH_SLOW};

	host_begin();
	device_begin("slow@9100000", 0x09100800, 0x800, 5);
	fdtw_prop_cells(&w, "clocks", clocks, 3);
	fdtw_prop_u32(&w, "phandle", 0x77);
	fdtw_prop_u32(&w, "interrupt-parent", PH_GIC);
	end();
	chosen_begin();
	tree_end();
	hal_sim_reset();
	hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ);
	test_vm_config(&tvm.cfg, "t", 1);
	assert_int_equal(passthrough_parse(blob, "/chosen/t", paths,
					   sizeof(paths), &tvm.cfg.pt, &err),
			 HV_OK);
	if (vm_image_plan(&tvm.cfg, &tvm.plan, &err) != HV_OK)
		fail_msg("%s", err.msg);
	vm = &tvm.vm;
	assert_int_equal(vm_create(vm, 0, &tvm.cfg, &tvm.plan,
				   test_pool_init(&tvm.tp, TEST_POOL_PAGES)),
			 HV_OK);
	return vm;
}

static void test_passthrough_maps_device_pages_ngnre(void **st)
{
	struct s2_walk walk;
	struct vm *vm;

	(void)st;
	vm = vm_with_devices();
	assert_int_equal(stage2_translate(&vm->s2, ipa_init(0x09010abc), &walk),
			 HV_OK);
	assert_int_equal(walk.level, 3);
	assert_int_equal(pa_addr(walk.pa), 0x09010abc);
	/* Page, AF, S2AP read-write, MemAttr 0b0001 (Device-nGnRE), XN; no
	 * shareability field for Device memory. */
	assert_int_equal(walk.desc, 0x00400000090104c7ull);
	/* A reg of half a page: the whole page. */
	assert_int_equal(stage2_translate(&vm->s2, ipa_init(0x09100000), &walk),
			 HV_OK);
	assert_int_equal(walk.desc, 0x00400000091004c7ull);
	/* Nothing around them. */
	assert_int_equal(stage2_translate(&vm->s2, ipa_init(0x09011000), &walk),
			 HV_ERR_NOENT);
	assert_int_equal(stage2_translate(&vm->s2, ipa_init(0x0900f000), &walk),
			 HV_ERR_NOENT);
	assert_int_equal(stage2_translate(&vm->s2, ipa_init(0x09101000), &walk),
			 HV_ERR_NOENT);
	/* Its SPIs are linked, level-sensitive, for good. */
	assert_int_equal(vm->vgic.spi_link[2], 34);
	assert_int_equal(vm->vgic.spi_link[5], 37);
	assert_int_equal(vm->vgic.spi_link_level, (1ull << 2) | (1ull << 5));
	assert_int_equal(vm->vgic.spi[2].hw_intid, 34);
	assert_true(vm->vgic.spi[2].hw_level);
}

static void test_passthrough_another_vm_has_nothing_there(void **st)
{
	static struct test_vm other;
	struct s2_walk walk;
	struct vm *o;

	(void)st;
	vm_with_devices();
	test_vm_config(&other.cfg, "o", 1);
	other.cfg.ram_pa = pa_init(TEST_RAM_PA);
	assert_int_equal(vm_image_plan(&other.cfg, &other.plan, &err), HV_OK);
	o = &other.vm;
	assert_int_equal(vm_create(o, 1, &other.cfg, &other.plan,
				   test_pool_init(&other.tp, TEST_POOL_PAGES)),
			 HV_OK);
	assert_int_equal(stage2_translate(&o->s2, ipa_init(0x09010000), &walk),
			 HV_ERR_NOENT);
	assert_int_equal(o->vgic.spi[2].hw_intid, 0);
}

static const void *prop(const void *t, const char *path, const char *name,
			int *len)
{
	int node = ref_path(t, path);

	assert_true(node >= 0);
	return ref_prop(t, node, name, len);
}

static void assert_cells(const void *t, const char *path, const char *name,
			 const uint32_t *want, int n)
{
	int len = -1;
	const uint8_t *v = prop(t, path, name, &len);

	assert_non_null(v);
	assert_int_equal(len, 4 * n);
	for (int i = 0; i < n; i++)
		assert_int_equal(fdt_be32(v + 4 * i), want[i]);
}

static void test_passthrough_copies_the_nodes_into_the_vm_tree(void **st)
{
	static uint8_t t[VM_DTB_MAX];
	const uint32_t pl031_reg[4] = {0, 0x09010000, 0, 0x1000};
	const uint32_t pl031_irq[3] = {0, 2, 4};
	const uint32_t apb[1] = {2};
	const uint32_t slow_clocks[3] = {0x100, 2, 0x100};
	const uint32_t gic[1] = {1};
	const uint32_t slow_hz[1] = {32768};
	const uint32_t slow_ph[1] = {0x100};
	int size, len;
	const char *s;

	(void)st;
	vm_with_devices();
	size = vm_dt_build(&tvm.cfg, &tvm.plan, 3, t, sizeof(t));
	assert_true(size > 0);
	assert_int_equal(ref_check_full(t, (size_t)size), 0);
	s = prop(t, "/pl031@9010000", "compatible", &len);
	assert_int_equal(len, 24);
	assert_memory_equal(s, "arm,pl031\0arm,primecell", 24);
	assert_cells(t, "/pl031@9010000", "reg", pl031_reg, 4);
	assert_cells(t, "/pl031@9010000", "interrupts", pl031_irq, 3);
	/* QEMU's apb-pclk is the VM's own (24 MHz): phandle 2. */
	assert_cells(t, "/pl031@9010000", "clocks", apb, 1);
	assert_string_equal(prop(t, "/pl031@9010000", "clock-names", &len),
			    "apb_pclk");
	assert_cells(t, "/pl031@9010000", "interrupt-parent", gic, 1);
	/* The other clock is copied, once, with a phandle of the VM's. */
	assert_cells(t, "/slow@9100000", "clocks", slow_clocks, 3);
	assert_cells(t, "/slow@9100000", "interrupt-parent", gic, 1);
	assert_null(prop(t, "/slow@9100000", "phandle", &len));
	assert_cells(t, "/passthrough-clock0", "phandle", slow_ph, 1);
	assert_cells(t, "/passthrough-clock0", "clock-frequency", slow_hz, 1);
	assert_string_equal(prop(t, "/passthrough-clock0", "compatible", &len),
			    "fixed-clock");
	assert_true(ref_path(t, "/passthrough-clock1") < 0);
	/* The VM's own nodes are still there. */
	assert_true(ref_path(t, "/pl011@9000000") >= 0);
	assert_true(ref_path(t, "/apb-pclk") >= 0);
}

/* ---- interrupts: the physical SPI, forwarded hardware-linked ---------- */

#define GICD_CTLR      0x0000
#define GICD_ISENABLER 0x0100
#define GICD_ICPENDR   0x0280
#define GICD_ITARGETSR 0x0800
#define GICD_IROUTER   0x6000

#define RTC_INTID  34u /* the PL031's SPI 2 */
#define EDGE_INTID 37u /* edge@9100000's SPI 5, rising edge */

static struct vm *pvm;

/*
 * VM "t" of vcpus vCPUs on a machine of cpus CPUs with GICv<gic>, given
 * the PL031 (level) and an edge-triggered device; booted, its SPIs set up
 * as hv_main does, and CPU 0's interrupts.
 */
static void irq_vm(unsigned gic, unsigned vcpus, unsigned cpus)
{
	static const char paths[] = "/pl031@9010000\0/edge@9100000";

	host_begin();
	device_begin("edge@9100000", 0x09100000, 0x1000, -1);
	irq(0, 5, 1);
	end();
	chosen_begin();
	tree_end();
	hal_sim_reset();
	hal_sim_gic()->version = gic;
	hal_sim_set_cpus(cpus);
	hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ);
	test_vm_config(&tvm.cfg, "t", vcpus);
	assert_int_equal(passthrough_parse(blob, "/chosen/t", paths,
					   sizeof(paths), &tvm.cfg.pt, &err),
			 HV_OK);
	assert_int_equal(vm_image_plan(&tvm.cfg, &tvm.plan, &err), HV_OK);
	pvm = &tvm.vm;
	assert_int_equal(vm_create(pvm, 0, &tvm.cfg, &tvm.plan,
				   test_pool_init(&tvm.tp, TEST_POOL_PAGES)),
			 HV_OK);
	assert_int_equal(vm_boot(pvm), HV_OK);
	console_init(pvm, 1, 0);
	/* Powered on, their priority masks open (ICH_VMCR_EL2.VPMR). */
	for (unsigned i = 0; i < vcpus; i++) {
		pvm->vcpus[i].power = VCPU_ON;
		pvm->vcpus[i].arch.vgic.vmcr = 0xffu << 24;
	}
	passthrough_irq_setup(pvm, 1);
	sched_init(pvm, 1);
	irq_init_cpu();
	hal_sim_console_clear();
}

static struct vcpu *vc(unsigned i)
{
	return &pvm->vcpus[i];
}

/* A word access by vCPU c to the VM's distributor. */
static void gicd(unsigned c, uint64_t off, unsigned size, uint64_t val)
{
	const struct mmio_region *r =
	    mmio_bus_find(&pvm->mmio, ipa_init(VGIC_GICD_IPA + off));

	assert_non_null(r);
	assert_int_equal(r->ops->write(r->dev, vc(c), off, size, val), HV_OK);
}

/* The guest turns its distributor and SPI intid on. */
static void guest_enables(uint32_t intid)
{
	gicd(0, GICD_CTLR, 4, 3);
	gicd(0, GICD_ISENABLER + intid / 32 * 4, 4, 1u << (intid % 32));
}

static void lr(struct vcpu *v, unsigned n, struct hal_lr *out)
{
	hal_vgic_lr_read(&v->arch, n, out);
}

/* What the hardware does when the guest acknowledges and then
 * deactivates a hardware-linked LR: the LR empties and the physical
 * interrupt is deactivated. */
static void guest_ends(struct vcpu *v, unsigned n)
{
	struct hal_lr l;

	lr(v, n, &l);
	assert_true(l.hw);
	hal_sim_irq_deactivate(l.pintid);
	l.state = HAL_LR_INVALID;
	hal_vgic_lr_write(&v->arch, n, &l);
}

static void test_passthrough_irq_setup_routes_and_triggers(void **st)
{
	(void)st;
	irq_vm(3, 1, 1);
	assert_true(hal_sim_irq_enabled(RTC_INTID));
	assert_false(hal_sim_irq_edge(RTC_INTID));
	assert_int_equal(hal_sim_irq_route(RTC_INTID), 0);
	assert_true(hal_sim_irq_enabled(EDGE_INTID));
	assert_true(hal_sim_irq_edge(EDGE_INTID));
	/* The console's SPI is no device's. */
	assert_false(hal_sim_irq_edge(33));
}

static void test_passthrough_irq_level_spi_is_forwarded_linked(void **st)
{
	struct hal_lr l;

	(void)st;
	irq_vm(3, 1, 1);
	guest_enables(RTC_INTID);
	vc(0)->blocked = true;
	hal_sim_irq_set_level(RTC_INTID, true);
	irq_handle(vc(0));
	/* Taken, its priority dropped, still active: the guest ends it. */
	assert_true(hal_sim_irq_active(RTC_INTID));
	assert_true(pvm->vgic.spi[2].pending);
	assert_true(pvm->vgic.spi[2].hw_active);
	vgic_flush(vc(0));
	lr(vc(0), 0, &l);
	assert_int_equal(l.intid, RTC_INTID);
	assert_true(l.hw);
	assert_int_equal(l.pintid, RTC_INTID);
	assert_int_equal(l.state, HAL_LR_PENDING);
	assert_true(vgic_has_pending(vc(0)));
	/* Its line still high after the guest's deactivation: again. */
	guest_ends(vc(0), 0);
	vgic_sync(vc(0));
	assert_false(pvm->vgic.spi[2].hw_active);
	assert_false(pvm->vgic.spi[2].active);
	assert_int_equal(vc(0)->vgic.lr_used, 0);
	irq_handle(vc(0));
	assert_true(hal_sim_irq_active(RTC_INTID));
	vgic_flush(vc(0));
	lr(vc(0), 0, &l);
	assert_int_equal(l.state, HAL_LR_PENDING);
	/* The guest clears the device, then ends it: nothing more. */
	hal_sim_irq_set_level(RTC_INTID, false);
	guest_ends(vc(0), 0);
	vgic_sync(vc(0));
	irq_handle(vc(0));
	assert_false(hal_sim_irq_active(RTC_INTID));
	assert_false(pvm->vgic.spi[2].pending);
	assert_string_equal(hal_sim_console_output(NULL), "");
}

static void
test_passthrough_irq_level_falls_before_the_guest_takes_it(void **st)
{
	(void)st;
	irq_vm(2, 1, 1);
	guest_enables(RTC_INTID);
	hal_sim_irq_set_level(RTC_INTID, true);
	irq_handle(vc(0));
	vgic_flush(vc(0));
	assert_int_equal(vc(0)->vgic.lr_used, 1);
	/* Cleared at the device (a write of the guest, untrapped). */
	hal_sim_irq_set_level(RTC_INTID, false);
	assert_false(vgic_has_pending(vc(0)));
	assert_false(pvm->vgic.spi[2].pending);
	assert_int_equal(vc(0)->vgic.lr_used, 0);
	/* Ended, so that it can fire again. */
	assert_false(hal_sim_irq_active(RTC_INTID));
	hal_sim_irq_set_level(RTC_INTID, true);
	irq_handle(vc(0));
	assert_true(pvm->vgic.spi[2].pending);
}

static void test_passthrough_irq_edge_spi_waits_while_disabled(void **st)
{
	struct hal_lr l;

	(void)st;
	irq_vm(3, 1, 1);
	gicd(0, GICD_CTLR, 4, 3);
	hal_sim_irq_raise(EDGE_INTID);
	irq_handle(vc(0));
	assert_true(hal_sim_irq_active(EDGE_INTID));
	/* Not enabled in the guest's distributor: it waits, the physical
	 * one active meanwhile. */
	vgic_flush(vc(0));
	assert_int_equal(vc(0)->vgic.lr_used, 0);
	assert_false(vgic_has_pending(vc(0)));
	guest_enables(EDGE_INTID);
	vgic_flush(vc(0));
	lr(vc(0), 0, &l);
	assert_int_equal(l.intid, EDGE_INTID);
	assert_true(l.hw);
	/* An edge is not resampled: no line to look at. */
	assert_true(vgic_has_pending(vc(0)));
	guest_ends(vc(0), 0);
	vgic_sync(vc(0));
	irq_handle(vc(0));
	assert_false(hal_sim_irq_active(EDGE_INTID));
}

static void test_passthrough_irq_guest_clearing_pending_ends_it(void **st)
{
	(void)st;
	irq_vm(3, 1, 1);
	hal_sim_irq_raise(EDGE_INTID);
	irq_handle(vc(0));
	assert_true(hal_sim_irq_active(EDGE_INTID));
	gicd(0, GICD_ICPENDR + 4, 4, 1u << (EDGE_INTID % 32));
	assert_false(pvm->vgic.spi[5].pending);
	assert_false(hal_sim_irq_active(EDGE_INTID));
}

static void test_passthrough_irq_ended_on_the_cpu_that_took_it(void **st)
{
	(void)st;
	irq_vm(2, 2, 2);
	/* vCPU 0's CPU 0 takes it; a vCPU on CPU 1 clears it. */
	hal_sim_irq_raise(EDGE_INTID);
	irq_handle(vc(0));
	assert_int_equal(pvm->vgic.spi[5].hw_cpu, 0);
	hal_sim_set_cpu_id(1);
	gicd(1, GICD_ICPENDR + 4, 4, 1u << (EDGE_INTID % 32));
	/* Left to CPU 0, which is kicked. */
	assert_true(hal_sim_irq_active(EDGE_INTID));
	assert_int_equal(hal_sim_stats()->kicks[0], 1);
	irq_handle(vc(1));
	assert_true(hal_sim_irq_active(EDGE_INTID));
	hal_sim_set_cpu_id(0);
	irq_handle(vc(0));
	assert_false(hal_sim_irq_active(EDGE_INTID));
}

static void test_passthrough_irq_follows_the_guests_target_v2(void **st)
{
	struct hal_lr l;

	(void)st;
	irq_vm(2, 2, 2);
	guest_enables(RTC_INTID);
	/* Taken on CPU 0 for vCPU 0... */
	hal_sim_irq_set_level(RTC_INTID, true);
	irq_handle(vc(0));
	/* ...then the guest sends it to vCPU 1 (CPU 1), before taking it. */
	gicd(0, GICD_ITARGETSR + RTC_INTID, 1, 0x2);
	assert_int_equal(hal_sim_irq_route(RTC_INTID), 1);
	/* A target list of several: the lowest vCPU. */
	gicd(0, GICD_ITARGETSR + EDGE_INTID, 1, 0x3);
	assert_int_equal(hal_sim_irq_route(EDGE_INTID), 0);
	/* vCPU 1 gets the instance as a plain one; CPU 0 ends the
	 * physical one (the line, still high, brings it to CPU 1). */
	hal_sim_set_cpu_id(1);
	vgic_flush(vc(1));
	lr(vc(1), 0, &l);
	assert_int_equal(l.intid, RTC_INTID);
	assert_false(l.hw);
	assert_int_equal(l.state, HAL_LR_PENDING);
	assert_int_equal(hal_sim_stats()->kicks[0], 1);
	assert_false(pvm->vgic.spi[2].hw_active);
	assert_true(hal_sim_irq_active(RTC_INTID));
	hal_sim_set_cpu_id(0);
	hal_sim_irq_set_level(RTC_INTID, false);
	irq_handle(NULL);
	assert_false(hal_sim_irq_active(RTC_INTID));
}

static void test_passthrough_irq_follows_the_guests_route_v3(void **st)
{
	(void)st;
	irq_vm(3, 2, 2);
	gicd(0, GICD_IROUTER + 8 * RTC_INTID, 8, 1);
	assert_int_equal(hal_sim_irq_route(RTC_INTID), 1);
	/* A route to no vCPU: the physical one stays where it was. */
	gicd(0, GICD_IROUTER + 8 * RTC_INTID, 8, 7);
	assert_int_equal(hal_sim_irq_route(RTC_INTID), 1);
	assert_null(vgic_hw_spi_target(pvm, RTC_INTID));
	/* And a reset sends it back to vCPU 0. */
	assert_int_equal(vm_boot(pvm), HV_OK);
	assert_int_equal(hal_sim_irq_route(RTC_INTID), 0);
}

static void test_passthrough_irq_routed_by_the_cpu_of_its_vcpu(void **st)
{
	(void)st;
	irq_vm(3, 2, 2);
	gicd(0, GICD_IROUTER + 8 * RTC_INTID, 8, 1);
	hal_irq_route(RTC_INTID, 3);
	/* CPU 1 starting routes to itself what goes to its vCPUs. */
	hal_sim_set_cpu_id(1);
	irq_init_cpu();
	hal_sim_set_cpu_id(0);
	assert_int_equal(hal_sim_irq_route(RTC_INTID), 1);
}

static void test_passthrough_irq_reset_ends_it_and_keeps_the_link(void **st)
{
	(void)st;
	irq_vm(3, 1, 1);
	guest_enables(RTC_INTID);
	hal_sim_irq_set_level(RTC_INTID, true);
	irq_handle(vc(0));
	vgic_flush(vc(0));
	assert_true(hal_sim_irq_active(RTC_INTID));
	assert_int_equal(vm_boot(pvm), HV_OK);
	assert_false(hal_sim_irq_active(RTC_INTID));
	assert_false(pvm->vgic.spi[2].pending);
	assert_false(pvm->vgic.spi[2].enabled);
	assert_int_equal(pvm->vgic.spi[2].hw_intid, RTC_INTID);
	assert_true(pvm->vgic.spi[2].hw_level);
	/* The line, still high, comes back to the new guest. */
	irq_handle(vc(0));
	assert_true(pvm->vgic.spi[2].pending);
}

static void test_passthrough_irq_acknowledged_instance_ends_at_reset(void **st)
{
	struct hal_lr l;

	(void)st;
	irq_vm(3, 1, 1);
	guest_enables(RTC_INTID);
	hal_sim_irq_set_level(RTC_INTID, true);
	irq_handle(vc(0));
	vgic_flush(vc(0));
	/* The guest acknowledged it: active in its LR. */
	lr(vc(0), 0, &l);
	l.state = HAL_LR_ACTIVE;
	hal_vgic_lr_write(&vc(0)->arch, 0, &l);
	vgic_vcpu_reset(vc(0));
	assert_false(hal_sim_irq_active(RTC_INTID));
	assert_false(pvm->vgic.spi[2].hw_active);
}

static void test_passthrough_irq_software_input_ignored_when_linked(void **st)
{
	(void)st;
	irq_vm(3, 1, 1);
	vgic_set_level(pvm, NULL, RTC_INTID, true);
	assert_false(pvm->vgic.spi[2].level);
	/* Not linked: vgic_inject_hw_spi does nothing. */
	assert_null(vgic_inject_hw_spi(pvm, 40));
	assert_null(vgic_inject_hw_spi(pvm, 20));
	assert_false(pvm->vgic.spi[8].pending);
}

/* A WFI of vCPU 0, as the hardware reports it. */
static void wfi(void)
{
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
			      .esr = esr_make(EC_WFX, 1, ISS_WFX_TI_WFI)};

	vc(0)->arch.yield = false;
	hv_handle_exit(vc(0), &e);
}

static void test_passthrough_irq_level_high_again_is_resampled_at_wfi(void **st)
{
	(void)st;
	irq_vm(2, 1, 1);
	guest_enables(RTC_INTID);
	hal_sim_irq_set_level(RTC_INTID, true);
	irq_handle(vc(0));
	vgic_flush(vc(0));
	/* Taken and in its LR: nothing waits. */
	assert_false(vgic_hw_spi_waiting(vc(0)));
	/* Ended by the guest with the line still high: the physical SPI is
	 * pending again, and QEMU's GICv2 may not signal it by itself. */
	guest_ends(vc(0), 0);
	assert_true(vgic_hw_spi_waiting(vc(0)));
	wfi();
	assert_false(vc(0)->blocked);
	assert_true(vc(0)->arch.yield);
	assert_int_equal(hal_sim_stats()->irq_resamples, 1);
	/* The line low: the vCPU sleeps. */
	hal_sim_irq_set_level(RTC_INTID, false);
	assert_false(vgic_hw_spi_waiting(vc(0)));
	wfi();
	assert_true(vc(0)->blocked);
	assert_int_equal(hal_sim_stats()->irq_resamples, 1);
}

static void test_passthrough_irq_others_are_still_unexpected(void **st)
{
	(void)st;
	irq_vm(3, 1, 1);
	hal_irq_enable(40, true);
	hal_sim_irq_raise(40);
	irq_handle(vc(0));
	assert_false(hal_sim_irq_active(40));
	assert_string_equal(hal_sim_console_output(NULL),
			    "hv: unexpected physical interrupt 40: ignored\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_passthrough_reads_the_pl031),
	    T(test_passthrough_reads_a_virtio_transport_and_its_page),
	    T(test_passthrough_reads_several_devices_and_regs),
	    T(test_passthrough_path_with_no_node),
	    T(test_passthrough_node_without_reg_is_no_device),
	    T(test_passthrough_chosen_is_no_device),
	    T(test_passthrough_gic_and_its_parts_are_the_hypervisors),
	    T(test_passthrough_property_not_a_path_list),
	    T(test_passthrough_listed_twice_or_too_many),
	    T(test_passthrough_reg_must_be_whole_cpu_addresses),
	    T(test_passthrough_interrupts_must_be_spis_of_the_gic),
	    T(test_passthrough_interrupts_of_the_wrong_length),
	    T(test_passthrough_clocks_must_be_fixed),
	    T(test_passthrough_references_to_other_nodes),
	    T(test_passthrough_hypervisor_console_uart),
	    T(test_passthrough_page_shared_with_the_hypervisor),
	    T(test_passthrough_gic_frames_by_address),
	    T(test_passthrough_host_ram_is_no_device),
	    T(test_passthrough_beyond_the_ipa_space),
	    T(test_passthrough_over_the_vms_ram),
	    T(test_passthrough_over_the_vms_emulated_devices),
	    T(test_passthrough_one_device_two_vms),
	    T(test_passthrough_one_page_two_vms),
	    T(test_passthrough_one_spi_two_vms),
	    T(test_passthrough_one_spi_two_triggers_in_a_vm),
	    T(test_passthrough_spis_the_vm_or_hypervisor_has),
	    T(test_passthrough_dma_needs_a_direct_map_vm),
	    T(test_passthrough_dma_coherent_and_dma_neighbours),
	    T(test_passthrough_needs_stage2_pages),
	    T(test_passthrough_qemu_trees),
	    T(test_passthrough_maps_device_pages_ngnre),
	    T(test_passthrough_another_vm_has_nothing_there),
	    T(test_passthrough_copies_the_nodes_into_the_vm_tree),
	    T(test_passthrough_irq_setup_routes_and_triggers),
	    T(test_passthrough_irq_level_spi_is_forwarded_linked),
	    T(test_passthrough_irq_level_falls_before_the_guest_takes_it),
	    T(test_passthrough_irq_edge_spi_waits_while_disabled),
	    T(test_passthrough_irq_guest_clearing_pending_ends_it),
	    T(test_passthrough_irq_ended_on_the_cpu_that_took_it),
	    T(test_passthrough_irq_follows_the_guests_target_v2),
	    T(test_passthrough_irq_follows_the_guests_route_v3),
	    T(test_passthrough_irq_routed_by_the_cpu_of_its_vcpu),
	    T(test_passthrough_irq_reset_ends_it_and_keeps_the_link),
	    T(test_passthrough_irq_acknowledged_instance_ends_at_reset),
	    T(test_passthrough_irq_software_input_ignored_when_linked),
	    T(test_passthrough_irq_level_high_again_is_resampled_at_wfi),
	    T(test_passthrough_irq_others_are_still_unexpected),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
