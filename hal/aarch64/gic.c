/*
 * gic: the physical GICv2 or GICv3 of QEMU virt, found in its device tree,
 * and the virtual CPU interface (GICH on v2, ICH_* system registers on v3).
 *
 * The hypervisor's interrupts (the kick SGI, maintenance, its timer, the
 * virtual timer, the UART) are Group 1 on v3 and Group 0 on v2 (the GIC
 * without Security Extensions that QEMU gives EL2 signals both as IRQ), at
 * the highest priority; the UART's goes to CPU 0, the private ones are
 * each CPU's own.
 *
 * A CPU reaches the virtual CPU interface of a vCPU homed on another CPU
 * by pausing that CPU (hal/gic.h): it claims the other CPU's pause_by,
 * kicks it and waits for its answer; the paused CPU saves its loaded
 * vCPU's interface to memory, where the claimer reads and writes it, and
 * restores it once released. Every wait serves pauses asked of the waiter
 * (hal_cpu_relax), so CPUs that pause each other do not deadlock. EOImode = 1
 * splits priority drop from deactivation so that a forwarded interrupt stays
 * active until the guest deactivates it through a hardware-linked list
 * register.
 */
#include "pcpu.h"

#include <hal/core.h>

#include <hal/gic.h>

/* Distributor (both versions; IHI 0048B 4.3, IHI 0069 12.9). */
#define GICD_CTLR	 0x0000
#define GICD_TYPER	 0x0004
#define GICD_IGROUPR	 0x0080
#define GICD_ISENABLER	 0x0100
#define GICD_ICENABLER	 0x0180
#define GICD_ISPENDR	 0x0200
#define GICD_ICPENDR	 0x0280
#define GICD_ICACTIVER	 0x0380
#define GICD_IPRIORITYR	 0x0400
#define GICD_ITARGETSR	 0x0800
#define GICD_ICFGR	 0x0c00
#define GICD_SGIR	 0x0f00
#define GICD_IROUTER	 0x6000
#define GICD_CTLR_RWP	 (1u << 31)
#define GICD_CTLR_ARE	 (1u << 4)
#define GICD_CTLR_GRP1	 (1u << 1)
#define GICD_CTLR_ENABLE (1u << 0)

/* v2 CPU interface (IHI 0048B 4.4) and virtual interface control (5.3). */
#define GICC_CTLR	     0x0000
#define GICC_PMR	     0x0004
#define GICC_IAR	     0x000c
#define GICC_EOIR	     0x0010
#define GICC_DIR	     0x1000
#define GICC_CTLR_EN_GRP0    (1u << 0)
#define GICC_CTLR_EN_GRP1    (1u << 1)
#define GICC_CTLR_EOIMODE    (1u << 9)
#define GICC_CTLR_EOIMODE_NS (1u << 10)
#define GICH_HCR	     0x0000
#define GICH_VTR	     0x0004
#define GICH_VMCR	     0x0008
#define GICH_ELRSR0	     0x0030
#define GICH_APR	     0x00f0
#define GICH_LR(n)	     (0x0100 + 4 * (n))
#define GICH_HCR_EN	     (1u << 0)
#define GICH_HCR_UIE	     (1u << 1)
#define GICH_LR_HW	     (1u << 31)
#define GICH_LR_GRP1	     (1u << 30)
#define GICH_LR_STATE_SHIFT  28
#define GICH_LR_PRIO_SHIFT   23
#define GICH_LR_PHYS_SHIFT   10
#define GICH_LR_CPUID_SHIFT  10

/* v3 redistributor (IHI 0069 12.10, 12.11). */
#define GICR_TYPER	    0x0008
#define GICR_TYPER_LAST	    (1ull << 4)
#define GICR_FRAME	    0x20000 /* RD_base + SGI_base */
#define GICR_WAKER	    0x0014
#define GICR_WAKER_SLEEP    (1u << 1)
#define GICR_WAKER_CHILDREN (1u << 2)
#define GICR_SGI	    0x10000
#define GICR_IGROUPR0	    (GICR_SGI + 0x0080)
#define GICR_ISENABLER0	    (GICR_SGI + 0x0100)
#define GICR_ICENABLER0	    (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR	    (GICR_SGI + 0x0400)
#define ICC_SRE_EL2_SRE	    (1ull << 0)
#define ICC_SRE_EL2_ENABLE  (1ull << 3)
#define ICC_CTLR_EOIMODE    (1ull << 1)
#define ICH_HCR_EN	    (1ull << 0)
#define ICH_HCR_UIE	    (1ull << 1)
#define ICH_LR_STATE_SHIFT  62
#define ICH_LR_HW	    (1ull << 61)
#define ICH_LR_GROUP	    (1ull << 60)
#define ICH_LR_PRIO_SHIFT   48
#define ICH_LR_PINTID_SHIFT 32
#define ICH_VMCR_VPMR_SHIFT 24

/* The v3 registers by their encodings, for assemblers without GICv3. */
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_DIR_EL1	S3_0_C12_C11_1
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_CTLR_EL1	S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SRE_EL2	S3_4_C12_C9_5
#define ICC_SGI1R_EL1	S3_0_C12_C11_5
#define ICH_HCR_EL2	S3_4_C12_C11_0
#define ICH_ELRSR_EL2	S3_4_C12_C11_5
#define ICH_VTR_EL2	S3_4_C12_C11_1
#define ICH_VMCR_EL2	S3_4_C12_C11_7

#define HV_PRIORITY 0x00u /* the hypervisor's interrupts: most urgent */

static struct hal_gic info;
static uintptr_t gicd, gicc, gich, gicr_base;
uintptr_t hal_gicc;

static inline uint32_t rd32(uintptr_t base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void wr32(uintptr_t base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static inline uint64_t rd64(uintptr_t base, uint32_t off)
{
	return *(volatile uint64_t *)(base + off);
}

static inline uint8_t rd8(uintptr_t base, uint32_t off)
{
	return *(volatile uint8_t *)(base + off);
}

static inline void wr8(uintptr_t base, uint32_t off, uint8_t v)
{
	*(volatile uint8_t *)(base + off) = v;
}

static inline void wr64(uintptr_t base, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(base + off) = v;
}

const struct hal_gic *hal_gic(void)
{
	return &info;
}

static void gicd_wait_rwp(void)
{
	while (rd32(gicd, GICD_CTLR) & GICD_CTLR_RWP)
		;
}

/* Everything Group 0 (IRQ on this GIC), disabled, idle. */
static void v2_reset_irqs(uint32_t first, uint32_t end)
{
	for (uint32_t i = first; i < end; i += 32) {
		wr32(gicd, GICD_IGROUPR + i / 8, 0);
		wr32(gicd, GICD_ICENABLER + i / 8, ~0u);
		wr32(gicd, GICD_ICPENDR + i / 8, ~0u);
		wr32(gicd, GICD_ICACTIVER + i / 8, ~0u);
	}
}

static void init_v2(void)
{
	wr32(gicd, GICD_CTLR, 0);
	v2_reset_irqs(32, 32 * ((rd32(gicd, GICD_TYPER) & 0x1f) + 1));
	wr32(gicd, GICD_CTLR, GICD_CTLR_ENABLE);
	info.lr_count = (rd32(gich, GICH_VTR) & 0x3f) + 1;
}

/* The banked private interrupts and this CPU's interface. */
static void init_v2_cpu(void)
{
	v2_reset_irqs(0, 32);
	/* ITARGETSR0-7 read as the reading CPU's own interface. */
	this_pcpu()->gic_mask = rd8(gicd, GICD_ITARGETSR);
	wr32(gicc, GICC_PMR, 0xff);
	wr32(gicc, GICC_CTLR,
	     GICC_CTLR_EN_GRP0 | GICC_CTLR_EN_GRP1 | GICC_CTLR_EOIMODE |
		 GICC_CTLR_EOIMODE_NS);
}

static void init_v3(void)
{
	uint32_t lines = 32 * ((rd32(gicd, GICD_TYPER) & 0x1f) + 1);

	wr32(gicd, GICD_CTLR, 0);
	gicd_wait_rwp();
	for (uint32_t i = 32; i < lines; i += 32) {
		wr32(gicd, GICD_IGROUPR + i / 8, ~0u);
		wr32(gicd, GICD_ICENABLER + i / 8, ~0u);
		wr32(gicd, GICD_ICPENDR + i / 8, ~0u);
		wr32(gicd, GICD_ICACTIVER + i / 8, ~0u);
	}
	wr32(gicd, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	gicd_wait_rwp();
	info.lr_count = (unsigned)(read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
}

/* The redistributor whose GICR_TYPER names this CPU's affinity. */
static uintptr_t find_gicr(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);

	for (uintptr_t rd = gicr_base;; rd += GICR_FRAME) {
		uint64_t typer = rd64(rd, GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			return 0;
	}
}

static void init_v3_cpu(void)
{
	struct pcpu *c = this_pcpu();
	uintptr_t gicr = find_gicr(c->mpidr);

	if (gicr == 0) {
		hv_log("CPU %u: no GICv3 redistributor for MPIDR 0x%llx", c->id,
		       (unsigned long long)c->mpidr);
		hal_halt();
	}
	c->gicr = gicr;
	/* This CPU's redistributor: awake, private interrupts Group 1. */
	wr32(gicr, GICR_WAKER, rd32(gicr, GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (rd32(gicr, GICR_WAKER) & GICR_WAKER_CHILDREN)
		;
	wr32(gicr, GICR_IGROUPR0, ~0u);
	wr32(gicr, GICR_ICENABLER0, ~0u);

	write_sysreg(ICC_SRE_EL2, ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

uint64_t hal_ich_lr_read(unsigned n);
void hal_ich_lr_write(unsigned n, uint64_t val);

void hal_gic_init_cpu(void)
{
	if (info.version == 3)
		init_v3_cpu();
	else if (info.version == 2)
		init_v2_cpu();
	/* Their reset values are unknown; a vCPU's restore writes only the
	 * LRs it uses (hal_gic_vcpu_save). */
	for (unsigned i = 0; i < info.lr_count; i++) {
		if (info.version == 3)
			hal_ich_lr_write(i, 0);
		else
			wr32(gich, GICH_LR(i), 0);
	}
}

void hal_gic_init(const void *fdt)
{
	uint64_t regs[10];
	int n;

	n = hal_fdt_node_regs(fdt, "arm,gic-v3", regs, 5);
	if (n >= 2) {
		info.version = 3;
		gicd = regs[0];
		gicr_base = regs[2];
		hal_platform_add_mmio("the GIC's distributor", regs[0],
				      regs[1]);
		hal_platform_add_mmio("the GIC's redistributors", regs[2],
				      regs[3]);
		init_v3();
	} else {
		n = hal_fdt_node_regs(fdt, "arm,cortex-a15-gic", regs, 5);
		if (n < 4) {
			hv_log("no GICv2 with virtualization or GICv3 in the "
			       "device tree: no interrupts");
			return;
		}
		info.version = 2;
		gicd = regs[0];
		gicc = regs[2];
		hal_gicc = gicc;
		gich = regs[4];
		info.gicv = pa_init(regs[6]);
		info.gicv_size = regs[7];
		hal_platform_add_mmio("the GIC's distributor", regs[0],
				      regs[1]);
		hal_platform_add_mmio("the GIC's CPU interface", regs[2],
				      regs[3]);
		hal_platform_add_mmio("the GIC's virtual interface control",
				      regs[4], regs[5]);
		hal_platform_add_mmio("the GIC's virtual CPU interface",
				      regs[6], regs[7]);
		init_v2();
	}
	if (info.lr_count > HAL_LR_MAX)
		info.lr_count = HAL_LR_MAX;
	hal_gic_init_cpu();
}

uint32_t hal_irq_ack(void)
{
	uint32_t intid = GIC_INTID_SPURIOUS;

	if (info.version == 3)
		intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & 0xffffff;
	else if (info.version == 2) {
		uint32_t iar = rd32(gicc, GICC_IAR);

		/* A v2 SGI's EOI and deactivation name its sender too. */
		intid = iar & 0x3ff;
		if (intid < GIC_SGI_COUNT)
			this_pcpu()->sgi_iar = iar;
	}
	/* A kick may come with a pause request (claim). */
	if (intid == GIC_SGI_KICK)
		hal_gic_serve_pause();
	return intid;
}

void hal_irq_exit(struct hal_vcpu *v);

/*
 * An IRQ exit of any interrupt but the virtual timer's PPI (which the
 * vector gives the core's handler directly): the vector acknowledged it
 * and dropped its priority, leaving the raw IAR in exit.intid; what
 * hal_irq_ack does besides happens here.
 */
void hal_irq_exit(struct hal_vcpu *v)
{
	uint32_t iar = v->exit.intid;
	uint32_t intid = iar & (info.version == 2 ? 0x3ffu : 0xffffffu);

	if (info.version == 2 && intid < GIC_SGI_COUNT)
		this_pcpu()->sgi_iar = iar;
	v->exit.intid = intid;
	if (intid == GIC_SGI_KICK)
		hal_gic_serve_pause();
	v->exits->irq(v);
}

void hal_irq_eoi(uint32_t intid)
{
	if (info.version == 3) {
		write_sysreg(ICC_EOIR1_EL1, intid);
		isb();
	} else if (info.version == 2) {
		wr32(gicc, GICC_EOIR,
		     intid < GIC_SGI_COUNT ? this_pcpu()->sgi_iar : intid);
	}
}

void hal_irq_deactivate(uint32_t intid)
{
	if (info.version == 3) {
		write_sysreg(ICC_DIR_EL1, intid);
		isb();
	} else if (info.version == 2) {
		wr32(gicc, GICC_DIR,
		     intid < GIC_SGI_COUNT ? this_pcpu()->sgi_iar : intid);
	}
}

void hal_irq_enable(uint32_t intid, bool on)
{
	uint32_t bit = 1u << (intid % 32);
	uint32_t word = (intid / 32) * 4;

	if (info.version == 3 && intid < GIC_PRIVATE_COUNT) {
		uintptr_t gicr = this_pcpu()->gicr;

		wr8(gicr, GICR_IPRIORITYR + intid, HV_PRIORITY);
		wr32(gicr, on ? GICR_ISENABLER0 : GICR_ICENABLER0, bit);
		return;
	}
	if (info.version == 0)
		return;
	wr8(gicd, GICD_IPRIORITYR + intid, HV_PRIORITY);
	wr32(gicd, (on ? GICD_ISENABLER : GICD_ICENABLER) + word, bit);
}

void hal_irq_route(uint32_t intid, unsigned cpu)
{
	const struct pcpu *t = &pcpus[cpu];

	if (intid < GIC_PRIVATE_COUNT || cpu >= HAL_MAX_CPUS)
		return;
	if (info.version == 3) {
		/* Aff3 [39:32], Aff2-Aff0 [23:0]; Interrupt_Routing_Mode 0. */
		wr64(gicd, GICD_IROUTER + 8 * intid, t->mpidr & MPIDR_AFF_MASK);
	} else if (info.version == 2) {
		wr8(gicd, GICD_ITARGETSR + intid, t->gic_mask);
	}
}

void hal_irq_set_trigger(uint32_t intid, bool edge)
{
	/* Int_config [2F+1] of each 2-bit field: 1 = edge-triggered. */
	uint32_t off = GICD_ICFGR + (intid / 16) * 4;
	uint32_t bit = 2u << (2 * (intid % 16));
	uint32_t v;

	if (intid < GIC_PRIVATE_COUNT || info.version == 0)
		return;
	v = rd32(gicd, off);
	wr32(gicd, off, edge ? v | bit : v & ~bit);
}

bool hal_irq_pending(uint32_t intid)
{
	if (intid < GIC_PRIVATE_COUNT || info.version == 0)
		return false;
	return (rd32(gicd, GICD_ISPENDR + (intid / 32) * 4) >> (intid % 32)) &
	       1u;
}

void hal_irq_resample(void)
{
	/* Rewriting GICC_PMR (same value) makes QEMU's GICv2 re-evaluate. */
	if (info.version == 2)
		wr32(gicc, GICC_PMR, rd32(gicc, GICC_PMR));
}

/* List registers: v3 keeps the ICH_LR layout, v2 the GICH_LR one. */

static uint64_t lr_encode(const struct hal_lr *lr)
{
	if (info.version == 3) {
		uint64_t v = lr->intid |
			     ((uint64_t)lr->priority << ICH_LR_PRIO_SHIFT) |
			     ((uint64_t)lr->state << ICH_LR_STATE_SHIFT);

		if (lr->group1)
			v |= ICH_LR_GROUP;
		if (lr->hw)
			v |= ICH_LR_HW | ((uint64_t)(lr->pintid & 0x1fff)
					  << ICH_LR_PINTID_SHIFT);
		return v;
	}
	uint32_t v = (lr->intid & 0x3ff) |
		     ((uint32_t)(lr->priority >> 3) << GICH_LR_PRIO_SHIFT) |
		     ((uint32_t)lr->state << GICH_LR_STATE_SHIFT);

	if (lr->group1)
		v |= GICH_LR_GRP1;
	if (lr->hw)
		v |= GICH_LR_HW | ((lr->pintid & 0x3ff) << GICH_LR_PHYS_SHIFT);
	else
		v |= (uint32_t)(lr->source & 7) << GICH_LR_CPUID_SHIFT;
	return v;
}

static void lr_decode(uint64_t v, struct hal_lr *lr)
{
	if (info.version == 3) {
		*lr = (struct hal_lr){
		    .intid = (uint32_t)v,
		    .priority = (uint8_t)(v >> ICH_LR_PRIO_SHIFT),
		    .hw = (v & ICH_LR_HW) != 0,
		    .group1 = (v & ICH_LR_GROUP) != 0,
		    .state = (enum hal_lr_state)(v >> ICH_LR_STATE_SHIFT),
		};
		if (lr->hw)
			lr->pintid =
			    (uint32_t)(v >> ICH_LR_PINTID_SHIFT) & 0x1fff;
		return;
	}
	*lr = (struct hal_lr){
	    .intid = (uint32_t)v & 0x3ff,
	    .priority = (uint8_t)(((v >> GICH_LR_PRIO_SHIFT) & 0x1f) << 3),
	    .hw = (v & GICH_LR_HW) != 0,
	    .group1 = (v & GICH_LR_GRP1) != 0,
	    .state = (enum hal_lr_state)((v >> GICH_LR_STATE_SHIFT) & 3),
	};
	if (lr->hw)
		lr->pintid = (uint32_t)(v >> GICH_LR_PHYS_SHIFT) & 0x3ff;
	else
		lr->source = (uint8_t)((v >> GICH_LR_CPUID_SHIFT) & 7);
}

/* ICH_LR<n>_EL2 by number (the register name is part of the opcode):
 * a computed branch into a table of MRS/MSR, in ich_lr.S. */
static uint64_t ich_lr(unsigned n, bool write, uint64_t val)
{
	if (write) {
		hal_ich_lr_write(n, val);
		return val;
	}
	return hal_ich_lr_read(n);
}

static bool loaded_here(const struct hal_vcpu *v)
{
	return v->loaded_on >= 0 && this_pcpu()->loaded == v;
}

/* Kicks and pauses */

void hal_gic_send_kick(unsigned cpu)
{
	const struct pcpu *t = &pcpus[cpu];

	/* What this CPU wrote is visible before the kick arrives. */
	dsb_ish();
	if (info.version == 3) {
		uint64_t m = t->mpidr;

		write_sysreg(ICC_SGI1R_EL1, ((m >> 32) & 0xff) << 48 |
						((m >> 16) & 0xff) << 32 |
						((m >> 8) & 0xff) << 16 |
						(uint64_t)GIC_SGI_KICK << 24 |
						(1ull << (m & 0xf)));
		isb();
	} else if (info.version == 2) {
		wr32(gicd, GICD_SGIR,
		     (uint32_t)t->gic_mask << 16 | GIC_SGI_KICK);
	}
}

void hal_gic_serve_pause(void)
{
	struct pcpu *c = this_pcpu();
	unsigned by = atomic_load_explicit(&c->pause_by, memory_order_acquire);

	if (by == 0)
		return;
	if (c->loaded != NULL)
		hal_gic_vcpu_save(c->loaded);
	atomic_store_explicit(&c->pause_ack, by, memory_order_release);
	while (atomic_load_explicit(&c->pause_by, memory_order_acquire) == by)
		__asm__ volatile("yield" ::: "memory");
	atomic_store_explicit(&c->pause_ack, 0, memory_order_relaxed);
	if (c->loaded != NULL)
		hal_gic_vcpu_restore(c->loaded);
}

/*
 * Makes the virtual CPU interface of v reachable from this CPU: in the
 * hardware here, or in memory with its home CPU paused.
 */
static void claim(const struct hal_vcpu *v)
{
	struct pcpu *me = this_pcpu();
	unsigned home = v->cpu, want = me->id + 1, free = 0;
	struct pcpu *t = &pcpus[home];

	if (home == me->id || home >= HAL_MAX_CPUS ||
	    (me->paused & (1u << home)) || !atomic_load(&t->online))
		return;
	while (!atomic_compare_exchange_weak_explicit(&t->pause_by, &free, want,
						      memory_order_acquire,
						      memory_order_relaxed)) {
		free = 0;
		hal_cpu_relax();
	}
	hal_gic_send_kick(home);
	while (atomic_load_explicit(&t->pause_ack, memory_order_acquire) !=
	       want)
		hal_cpu_relax();
	me->paused |= 1u << home;
}

void hal_vgic_release(void)
{
	struct pcpu *me = this_pcpu();

	if (me->paused == 0)
		return;
	for (unsigned i = 0; me->paused != 0; i++) {
		if (me->paused & (1u << i)) {
			atomic_store_explicit(&pcpus[i].pause_by, 0,
					      memory_order_release);
			me->paused &= ~(1u << i);
		}
	}
}

void hal_vgic_lr_read(struct hal_vcpu *v, unsigned i, struct hal_lr *lr)
{
	uint64_t raw = 0;

	claim(v);
	if (i >= info.lr_count) {
		lr_decode(0, lr);
		return;
	}
	if (!loaded_here(v))
		raw = v->vgic.lr[i];
	else if (info.version == 3)
		raw = ich_lr(i, false, 0);
	else
		raw = rd32(gich, GICH_LR(i));
	lr_decode(raw, lr);
}

void hal_vgic_lr_write(struct hal_vcpu *v, unsigned i, const struct hal_lr *lr)
{
	uint64_t raw = lr_encode(lr);

	claim(v);
	if (i >= info.lr_count)
		return;
	if (!loaded_here(v))
		v->vgic.lr[i] = raw;
	else if (info.version == 3)
		(void)ich_lr(i, true, raw);
	else
		wr32(gich, GICH_LR(i), (uint32_t)raw);
}

void hal_vgic_lr_put_hw_loaded(struct hal_vcpu *v, unsigned i, uint32_t intid,
			       uint8_t priority, bool group1)
{
	(void)v;
	if (info.version == 3) {
		hal_ich_lr_write(
		    i, intid | (uint64_t)intid << ICH_LR_PINTID_SHIFT |
			   (uint64_t)priority << ICH_LR_PRIO_SHIFT |
			   (group1 ? ICH_LR_GROUP : 0) | ICH_LR_HW |
			   (uint64_t)HAL_LR_PENDING << ICH_LR_STATE_SHIFT);
		return;
	}
	wr32(gich, GICH_LR(i),
	     intid | intid << GICH_LR_PHYS_SHIFT |
		 (uint32_t)(priority >> 3) << GICH_LR_PRIO_SHIFT |
		 (group1 ? GICH_LR_GRP1 : 0) | GICH_LR_HW |
		 (uint32_t)HAL_LR_PENDING << GICH_LR_STATE_SHIFT);
}

void hal_vgic_underflow(struct hal_vcpu *v, bool on)
{
	uint64_t bit = info.version == 3 ? ICH_HCR_UIE : GICH_HCR_UIE;

	claim(v);
	v->vgic.hcr = on ? v->vgic.hcr | bit : v->vgic.hcr & ~bit;
	if (!loaded_here(v))
		return;
	if (info.version == 3) {
		write_sysreg(ICH_HCR_EL2, v->vgic.hcr | ICH_HCR_EN);
		isb();
	} else if (info.version == 2) {
		wr32(gich, GICH_HCR, (uint32_t)v->vgic.hcr | GICH_HCR_EN);
	}
}

uint8_t hal_vgic_pmr(struct hal_vcpu *v)
{
	uint64_t vmcr;

	claim(v);
	vmcr = v->vgic.vmcr;
	if (loaded_here(v))
		vmcr = info.version == 3 ? read_sysreg(ICH_VMCR_EL2)
					 : rd32(gich, GICH_VMCR);
	/* v3: VPMR [31:24]; v2: VMPriMask [31:27], 5 bits. */
	return (uint8_t)(vmcr >> ICH_VMCR_VPMR_SHIFT) &
	       (info.version == 3 ? 0xff : 0xf8);
}

/*
 * The list registers go with the vCPU, but only those in use (not empty in
 * ELRSR): they are read and cleared, so that every LR is empty or invalid
 * while no vCPU is loaded and a restore writes only the LRs its vCPU uses.
 * A saved 0 is an empty LR (an invalid one reads the same to the core).
 */
void hal_gic_vcpu_save(struct hal_vcpu *v)
{
	if (info.version == 3) {
		uint64_t empty = read_sysreg(ICH_ELRSR_EL2);

		for (unsigned i = 0; i < info.lr_count; i++) {
			v->vgic.lr[i] = 0;
			if (!(empty & (1u << i))) {
				v->vgic.lr[i] = hal_ich_lr_read(i);
				hal_ich_lr_write(i, 0);
			}
		}
		v->vgic.vmcr = read_sysreg(ICH_VMCR_EL2);
		v->vgic.apr[0] = read_sysreg(S3_4_C12_C9_0); /* ICH_AP1R0 */
		v->vgic.apr[1] = read_sysreg(S3_4_C12_C8_0); /* ICH_AP0R0 */
		write_sysreg(ICH_HCR_EL2, 0);
		isb();
	} else if (info.version == 2) {
		uint32_t empty = rd32(gich, GICH_ELRSR0);

		for (unsigned i = 0; i < info.lr_count; i++) {
			v->vgic.lr[i] = 0;
			if (!(empty & (1u << i))) {
				v->vgic.lr[i] = rd32(gich, GICH_LR(i));
				wr32(gich, GICH_LR(i), 0);
			}
		}
		v->vgic.vmcr = rd32(gich, GICH_VMCR);
		v->vgic.apr[0] = rd32(gich, GICH_APR);
		wr32(gich, GICH_HCR, 0);
	}
}

void hal_gic_vcpu_restore(struct hal_vcpu *v)
{
	if (info.version == 3) {
		for (unsigned i = 0; i < info.lr_count; i++) {
			if (v->vgic.lr[i] != 0)
				hal_ich_lr_write(i, v->vgic.lr[i]);
		}
		write_sysreg(ICH_VMCR_EL2, v->vgic.vmcr);
		write_sysreg(S3_4_C12_C9_0, v->vgic.apr[0]);
		write_sysreg(S3_4_C12_C8_0, v->vgic.apr[1]);
		write_sysreg(ICH_HCR_EL2, v->vgic.hcr | ICH_HCR_EN);
		isb();
	} else if (info.version == 2) {
		for (unsigned i = 0; i < info.lr_count; i++) {
			if (v->vgic.lr[i] != 0)
				wr32(gich, GICH_LR(i), (uint32_t)v->vgic.lr[i]);
		}
		wr32(gich, GICH_VMCR, (uint32_t)v->vgic.vmcr);
		wr32(gich, GICH_APR, (uint32_t)v->vgic.apr[0]);
		wr32(gich, GICH_HCR, (uint32_t)v->vgic.hcr | GICH_HCR_EN);
	}
}

/* The hypervisor's timer: CNTHP (EL2 physical timer), PPI 26. */
#define CNTHP_CTL_ENABLE (1ull << 0)

void hal_timer_arm(uint64_t cval)
{
	write_sysreg(cnthp_cval_el2, cval);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

void hal_timer_cancel(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

void hal_cpu_idle(void)
{
	/* WFI wakes on a pending interrupt even with PSTATE.I set. */
	__asm__ volatile("dsb sy\n\twfi" ::: "memory");
}
