/*
 * vm_dt: one function per node, in the order the tree lists them. Phandles
 * are fixed: 1 the GIC, 2 the UART's clock, from 0x100 up the clocks of
 * devices passed through (hv/passthrough.h).
 */
#include "hv/vm_dt.h"

#include "hv/dev/vpl011.h"
#include "hv/passthrough.h"
#include "hv/vgic/vgic.h"
#include "hv/virtio/virtio_mmio.h"
#include "lib/fdt_write.h"
#include "lib/fmt.h"

#include <hal/gic.h>

#define PHANDLE_GIC	    1u
#define PHANDLE_CLK	    2u
#define PHANDLE_PASSTHROUGH 0x100u

/* Interrupt specifiers (DT bindings arm,gic): type, number, flags. */
#define DT_IRQ_SPI	  0u
#define DT_IRQ_PPI	  1u
#define DT_IRQ_LEVEL_HIGH 4u
#define DT_PPI_CPUS(n)	  ((((1u << (n)) - 1) & 0xffu) << 8)
#define APB_PCLK_HZ	  24000000u
#define VPL011_SPI	  (VPL011_INTID - GIC_PRIVATE_COUNT)

static void reg(struct fdtw *w, uint64_t base, uint64_t size)
{
	uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base,
			     (uint32_t)(size >> 32), (uint32_t)size};

	fdtw_prop_cells(w, "reg", cells, 4);
}

static void node_name(char *buf, size_t len, const char *name, uint64_t at)
{
	fmt_snprintf(buf, len, "%s@%llx", name, (unsigned long long)at);
}

static void cpus(struct fdtw *w, const struct vm_config *c)
{
	fdtw_begin_node(w, "cpus");
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 0);
	for (unsigned i = 0; i < c->vcpu_count; i++) {
		char name[16];

		node_name(name, sizeof(name), "cpu", i);
		fdtw_begin_node(w, name);
		fdtw_prop_string(w, "device_type", "cpu");
		fdtw_prop_string(w, "compatible", "arm,armv8");
		fdtw_prop_u32(w, "reg", i);
		fdtw_prop_string(w, "enable-method", "psci");
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

static void gic(struct fdtw *w, const struct vm_config *c, unsigned version)
{
	char name[32];
	uint32_t cells[8] = {0, VGIC_GICD_IPA, 0, 0, 0, 0, 0, 0};

	node_name(name, sizeof(name), "intc", VGIC_GICD_IPA);
	fdtw_begin_node(w, name);
	if (version == 2) {
		static const char *const compat[] = {"arm,cortex-a15-gic"};

		fdtw_prop_strings(w, "compatible", compat, 1);
		cells[3] = VGIC_GICD_SIZE_V2;
		cells[5] = VGIC_GICC_IPA;
		cells[7] = VGIC_GICC_SIZE;
	} else {
		fdtw_prop_string(w, "compatible", "arm,gic-v3");
		cells[3] = VGIC_GICD_SIZE_V3;
		cells[5] = VGIC_GICR_IPA;
		cells[7] = (uint32_t)(c->vcpu_count * VGIC_GICR_STRIDE);
		fdtw_prop_u32(w, "#redistributor-regions", 1);
	}
	fdtw_prop_cells(w, "reg", cells, 8);
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 0);
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "phandle", PHANDLE_GIC);
	fdtw_end_node(w);
}

/* The generic timer's PPIs: secure, non-secure physical, virtual, hyp. */
static void timer(struct fdtw *w, const struct vm_config *c, unsigned version)
{
	static const uint32_t ppis[4] = {13, 14, 11, 10};
	uint32_t flags = DT_IRQ_LEVEL_HIGH;
	uint32_t cells[12];

	/* GICv2 names the CPUs a PPI goes to; v3 has no such mask. */
	if (version == 2)
		flags |= DT_PPI_CPUS(c->vcpu_count);
	for (unsigned i = 0; i < 4; i++) {
		cells[3 * i] = DT_IRQ_PPI;
		cells[3 * i + 1] = ppis[i];
		cells[3 * i + 2] = flags;
	}
	fdtw_begin_node(w, "timer");
	fdtw_prop_string(w, "compatible", "arm,armv8-timer");
	fdtw_prop_cells(w, "interrupts", cells, 12);
	fdtw_prop_empty(w, "always-on");
	fdtw_end_node(w);
}

static void uart(struct fdtw *w)
{
	static const char *const compat[] = {"arm,pl011", "arm,primecell"};
	static const char *const clock_names[] = {"uartclk", "apb_pclk"};
	const uint32_t irq[3] = {DT_IRQ_SPI, VPL011_SPI, DT_IRQ_LEVEL_HIGH};
	const uint32_t clocks[2] = {PHANDLE_CLK, PHANDLE_CLK};
	char name[32];

	fdtw_begin_node(w, "apb-pclk");
	fdtw_prop_string(w, "compatible", "fixed-clock");
	fdtw_prop_u32(w, "#clock-cells", 0);
	fdtw_prop_u32(w, "clock-frequency", APB_PCLK_HZ);
	fdtw_prop_string(w, "clock-output-names", "clk24mhz");
	fdtw_prop_u32(w, "phandle", PHANDLE_CLK);
	fdtw_end_node(w);

	node_name(name, sizeof(name), "pl011", VM_PL011_IPA);
	fdtw_begin_node(w, name);
	fdtw_prop_strings(w, "compatible", compat, 2);
	reg(w, VM_PL011_IPA, VM_PL011_SIZE);
	fdtw_prop_cells(w, "interrupts", irq, 3);
	fdtw_prop_cells(w, "clocks", clocks, 2);
	fdtw_prop_strings(w, "clock-names", clock_names, 2);
	fdtw_end_node(w);
}

/*
 * A virtio,mmio node per VirtIO device (Linux's virtio-mmio binding), in
 * slot order: its window and its level-sensitive SPI. dma-coherent: the
 * device reaches guest RAM through the hypervisor's cacheable mapping, so
 * a driver with its caches on needs no maintenance for it.
 */
static void virtio(struct fdtw *w, const struct vm_config *c)
{
	for (unsigned n = 0; n < c->virtio_count; n++) {
		uint64_t base = VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_SIZE;
		const uint32_t irq[3] = {
		    DT_IRQ_SPI, VIRTIO_MMIO_INTID0 - GIC_PRIVATE_COUNT + n,
		    DT_IRQ_LEVEL_HIGH};
		char name[32];

		node_name(name, sizeof(name), "virtio_mmio", base);
		fdtw_begin_node(w, name);
		fdtw_prop_string(w, "compatible", "virtio,mmio");
		reg(w, base, VIRTIO_MMIO_SIZE);
		fdtw_prop_cells(w, "interrupts", irq, 3);
		fdtw_prop_empty(w, "dma-coherent");
		fdtw_end_node(w);
	}
}

static void chosen(struct fdtw *w, const struct vm_config *c,
		   const struct vm_image_plan *plan)
{
	char path[32];

	fdtw_begin_node(w, "chosen");
	if (c->bootargs != NULL)
		fdtw_prop_string(w, "bootargs", c->bootargs);
	node_name(path, sizeof(path), "/pl011", VM_PL011_IPA);
	fdtw_prop_string(w, "stdout-path", path);
	if (c->ramdisk.size != 0) {
		fdtw_prop_u64(w, "linux,initrd-start", plan->ramdisk_ipa);
		fdtw_prop_u64(w, "linux,initrd-end",
			      plan->ramdisk_ipa + c->ramdisk.size);
	}
	fdtw_end_node(w);
}

int vm_dt_build(const struct vm_config *c, const struct vm_image_plan *plan,
		unsigned gic_version, void *buf, size_t cap)
{
	static const char *const psci[] = {"arm,psci-1.0", "arm,psci-0.2"};
	struct fdtw w;
	char name[32];

	fdtw_init(&w, buf, cap);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_string(&w, "compatible", "linux,dummy-virt");
	fdtw_prop_string(&w, "model", "hv virtual machine");
	fdtw_prop_u32(&w, "interrupt-parent", PHANDLE_GIC);
	chosen(&w, c, plan);

	node_name(name, sizeof(name), "memory", ipa_addr(c->ram_ipa));
	fdtw_begin_node(&w, name);
	fdtw_prop_string(&w, "device_type", "memory");
	reg(&w, ipa_addr(c->ram_ipa), c->ram_size);
	fdtw_end_node(&w);

	cpus(&w, c);
	fdtw_begin_node(&w, "psci");
	fdtw_prop_strings(&w, "compatible", psci, 2);
	fdtw_prop_string(&w, "method", "hvc");
	fdtw_end_node(&w);
	timer(&w, c, gic_version);
	gic(&w, c, gic_version);
	uart(&w);
	passthrough_dt(&w, c, PHANDLE_GIC, PHANDLE_CLK, APB_PCLK_HZ,
		       PHANDLE_PASSTHROUGH);
	virtio(&w, c);
	fdtw_end_node(&w);
	return fdtw_finish(&w);
}
