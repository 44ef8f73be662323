/*
 * Unit tests of hv/vgic.c: the distributor and redistributor registers of
 * the virtual GIC (v2 and v3), and how the model reaches the guest through
 * the list registers. The guest's side of an LR (acknowledge, complete) is
 * played by rewriting the LR's state, as the virtual CPU interface would.
 */
#include "helpers.h"

#include "hv/exit.h"
#include "hv/mmio.h"
#include "hv/stage2.h"
#include "hv/vgic/vgic.h"
#include "hv/vgic/vgic_fast.h"

/* Register offsets (IHI 0048B 4.3, IHI 0069 12.9-12.11). */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR	0x0800
#define GICD_ICFGR	0x0c00
#define GICD_IGRPMODR	0x0d00
#define GICD_NSACR	0x0e00
#define GICD_SGIR	0x0f00
#define GICD_CPENDSGIR	0x0f10
#define GICD_SPENDSGIR	0x0f20
#define GICD_ICPIDR2	0x0fe8
#define GICD_IROUTER	0x6000
#define GICD_PIDR2	0xffe8
#define GICR_CTLR	0x0000
#define GICR_IIDR	0x0004
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define GICR_PIDR2	0xffe8
#define GICR_SGI	0x10000

#define ICH_HCR_UIE (1ull << 1)

#define VCPUS 3

static struct test_vm tvm;
static struct vm *vm;

/*
 * A VM over a machine with a GIC of the given version. vm_create sets up
 * a vGIC for the default machine: it is dropped and made again.
 */
static void boot(unsigned version, unsigned vcpus)
{
	unsigned kept = 0;

	vm = test_vm_boot(&tvm, "vgic", vcpus);
	for (unsigned i = 0; i < vm->mmio.region_count; i++) {
		const struct mmio_region *r = &vm->mmio.regions[i];

		if (strcmp(r->name, "gicd") != 0 &&
		    strcmp(r->name, "gicr") != 0)
			vm->mmio.regions[kept++] = *r;
	}
	vm->mmio.region_count = kept;
	hal_sim_gic()->version = version;
	assert_int_equal(vgic_init(vm), HV_OK);
	hal_sim_console_clear();
}

static int setup_v3(void **state)
{
	(void)state;
	boot(3, VCPUS);
	return 0;
}

static int setup_v2(void **state)
{
	(void)state;
	boot(2, VCPUS);
	return 0;
}

static struct vcpu *cpu(unsigned i)
{
	return &vm->vcpus[i];
}

/* vCPU i's virtual timer: enabled with a deadline passed, or not. */
static void vtimer_line(unsigned i, bool high)
{
	hal_vcpu_el1_write(&cpu(i)->arch, EL1_CNTV_CVAL, 0);
	hal_vcpu_el1_write(&cpu(i)->arch, EL1_CNTV_CTL, high ? 1 : 0);
}

/* vCPU i's virtual timer fires: the physical PPI forwarded to it. */
static void vtimer_fires(unsigned i)
{
	vtimer_line(i, true);
	vgic_inject_hw(cpu(i), GIC_PPI_VTIMER, GIC_PPI_VTIMER);
}

/* An access by vCPU c at ipa, through the region's callbacks. */
static enum hv_err access(unsigned c, uint64_t ipa, unsigned size,
			  uint64_t *val, bool write)
{
	const struct mmio_region *r = mmio_bus_find(&vm->mmio, ipa_init(ipa));
	uint64_t off;

	assert_non_null(r);
	off = ipa - ipa_addr(r->base);
	if (write)
		return r->ops->write(r->dev, cpu(c), off, size, *val);
	return r->ops->read(r->dev, cpu(c), off, size, val);
}

static uint64_t rd(unsigned c, uint64_t ipa, unsigned size)
{
	uint64_t val = 0xdeadbeefdeadbeefull;

	assert_int_equal(access(c, ipa, size, &val, false), HV_OK);
	return val;
}

static void wr(unsigned c, uint64_t ipa, unsigned size, uint64_t val)
{
	assert_int_equal(access(c, ipa, size, &val, true), HV_OK);
}

static bool refused(unsigned c, uint64_t ipa, unsigned size, bool write)
{
	uint64_t val = 0;

	return access(c, ipa, size, &val, write) == HV_ERR_ACCESS;
}

/* Word accesses to GICD by vCPU c, and to GICR frame f. */
static uint64_t gicd_rd(unsigned c, uint64_t off)
{
	return rd(c, VGIC_GICD_IPA + off, 4);
}

static void gicd_wr(unsigned c, uint64_t off, uint64_t val)
{
	wr(c, VGIC_GICD_IPA + off, 4, val);
}

static uint64_t gicr_ipa(unsigned f, uint64_t off)
{
	return VGIC_GICR_IPA + f * VGIC_GICR_STRIDE + off;
}

static uint64_t gicr_rd(unsigned f, uint64_t off)
{
	return rd(0, gicr_ipa(f, off), 4);
}

static void gicr_wr(unsigned f, uint64_t off, uint64_t val)
{
	wr(0, gicr_ipa(f, off), 4, val);
}

/* One bit of a per-INTID bit array (ISENABLER, ISPENDR...), for vCPU c. */
static bool bit_of(unsigned c, uint64_t array, unsigned intid)
{
	uint64_t word;

	if (vm->vgic.version == 3 && intid < 32)
		word = gicr_rd(c, GICR_SGI + array);
	else
		word = gicd_rd(c, array + intid / 32 * 4);
	return (word >> (intid % 32)) & 1;
}

static void set_bit_of(unsigned c, uint64_t array, unsigned intid)
{
	if (vm->vgic.version == 3 && intid < 32)
		gicr_wr(c, GICR_SGI + array, 1u << intid);
	else
		gicd_wr(c, array + intid / 32 * 4, 1u << (intid % 32));
}

static void set_priority(unsigned c, unsigned intid, uint8_t prio)
{
	if (vm->vgic.version == 3 && intid < 32)
		wr(0, gicr_ipa(c, GICR_SGI + GICD_IPRIORITYR + intid), 1, prio);
	else
		wr(c, VGIC_GICD_IPA + GICD_IPRIORITYR + intid, 1, prio);
}

/* Both groups on, and intid enabled for vCPU c at prio. */
static void enable(unsigned c, unsigned intid, uint8_t prio)
{
	gicd_wr(0, GICD_CTLR, 3);
	set_priority(c, intid, prio);
	set_bit_of(c, GICD_ISENABLER, intid);
}

/* An enabled SPI made pending through ISPENDR. */
static void pend_spi(unsigned intid, uint8_t prio)
{
	enable(0, intid, prio);
	set_bit_of(0, GICD_ISPENDR, intid);
}

static void enter(unsigned c)
{
	vgic_sync(cpu(c));
	vgic_flush(cpu(c));
}

static struct hal_lr lr(unsigned c, unsigned i)
{
	struct hal_lr l;

	hal_vgic_lr_read(&cpu(c)->arch, i, &l);
	return l;
}

/* What the guest does to list register i of vCPU c. */
static void guest_sets(unsigned c, unsigned i, enum hal_lr_state state)
{
	struct hal_lr l = lr(c, i);

	l.state = state;
	hal_vgic_lr_write(&cpu(c)->arch, i, &l);
}

/* The LR of vCPU c holding intid, or -1. */
static int lr_of(unsigned c, uint32_t intid)
{
	for (unsigned i = 0; i < HAL_LR_MAX; i++) {
		struct hal_lr l = lr(c, i);

		if (l.state != HAL_LR_INVALID && l.intid == intid)
			return (int)i;
	}
	return -1;
}

static unsigned lrs_valid(unsigned c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < HAL_LR_MAX; i++)
		n += lr(c, i).state != HAL_LR_INVALID;
	return n;
}

static bool underflow_requested(unsigned c)
{
	return (cpu(c)->arch.vgic.hcr & ICH_HCR_UIE) != 0;
}

static void set_pmr(unsigned c, uint8_t pmr)
{
	cpu(c)->arch.vgic.vmcr = (uint64_t)pmr << 24;
}

/* Initialisation */

static void test_vgic_init_refuses_a_machine_without_a_known_gic(void **st)
{
	struct mmio_bus before = vm->mmio;

	(void)st;
	hal_sim_gic()->version = 0;
	assert_int_equal(vgic_init(vm), HV_ERR_NOTSUP);
	hal_sim_gic()->version = 4;
	assert_int_equal(vgic_init(vm), HV_ERR_NOTSUP);
	assert_int_equal(vm->mmio.region_count, before.region_count);
}

static void test_vgic_v3_covers_gicd_and_a_gicr_frame_pair_per_vcpu(void **st)
{
	const struct mmio_region *d, *r;

	(void)st;
	d = mmio_bus_find(&vm->mmio, ipa_init(VGIC_GICD_IPA));
	r = mmio_bus_find(&vm->mmio, ipa_init(VGIC_GICR_IPA));
	assert_non_null(d);
	assert_non_null(r);
	assert_int_equal(d->size, VGIC_GICD_SIZE_V3);
	assert_int_equal(r->size, VCPUS * VGIC_GICR_STRIDE);
	assert_null(mmio_bus_find(
	    &vm->mmio, ipa_init(VGIC_GICR_IPA + VCPUS * VGIC_GICR_STRIDE)));
	/* v3 has no memory-mapped CPU interface for the guest. */
	assert_null(mmio_bus_find(&vm->mmio, ipa_init(VGIC_GICC_IPA)));
}

static void test_vgic_v2_maps_gicc_onto_the_hardware_gicv(void **st)
{
	const struct mmio_region *d;
	struct s2_walk w;

	(void)st;
	d = mmio_bus_find(&vm->mmio, ipa_init(VGIC_GICD_IPA));
	assert_non_null(d);
	assert_int_equal(d->size, VGIC_GICD_SIZE_V2);
	assert_null(mmio_bus_find(&vm->mmio, ipa_init(VGIC_GICR_IPA)));
	for (uint64_t off = 0; off < VGIC_GICC_SIZE; off += 0x1000) {
		assert_int_equal(stage2_translate(&vm->s2,
						  ipa_init(VGIC_GICC_IPA + off),
						  &w),
				 HV_OK);
		assert_int_equal(pa_addr(w.pa),
				 pa_addr(hal_sim_gic()->gicv) + off);
		assert_int_equal((w.desc >> S2_DESC_MEMATTR_SHIFT) & 0xf,
				 S2_MEMATTR_DEVICE_NGNRE);
		assert_true(w.desc & S2_DESC_XN);
	}
}

static void test_vgic_v2_refuses_a_gicv_smaller_than_gicc(void **st)
{
	(void)st;
	hal_sim_gic()->version = 2;
	hal_sim_gic()->gicv_size = 0x1000;
	vm->mmio.region_count = 0;
	assert_int_equal(vgic_init(vm), HV_ERR_NOTSUP);
}

/* GICD_CTLR, GICD_TYPER, identification */

static void test_vgic_v3_ctlr_keeps_group_enables_with_are_and_ds_rao(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_CTLR), 0x50);
	gicd_wr(0, GICD_CTLR, 0xffffffff);
	/* RWP (bit 31) reads as zero: writes take effect at once. */
	assert_int_equal(gicd_rd(1, GICD_CTLR), 0x53);
	gicd_wr(0, GICD_CTLR, 0x2);
	assert_int_equal(gicd_rd(0, GICD_CTLR), 0x52);
	gicd_wr(0, GICD_CTLR, 0);
	assert_int_equal(gicd_rd(0, GICD_CTLR), 0x50);
}

static void test_vgic_v2_ctlr_has_enable_grp0_and_grp1(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_CTLR), 0);
	gicd_wr(0, GICD_CTLR, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_CTLR), 3);
	gicd_wr(0, GICD_CTLR, 1);
	assert_int_equal(gicd_rd(2, GICD_CTLR), 1);
}

static void test_vgic_v3_typer_reports_lines_idbits_and_no1n(void **st)
{
	(void)st;
	/* ITLinesNumber 2 (96 INTIDs), IDbits 9, No1N, no LPIs, one
	 * security state. */
	assert_int_equal(gicd_rd(0, GICD_TYPER), 0x02480002);
	gicd_wr(0, GICD_TYPER, 0);
	assert_int_equal(gicd_rd(0, GICD_TYPER), 0x02480002);
}

static void test_vgic_v2_typer_reports_lines_and_cpu_number(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_TYPER), ((VCPUS - 1) << 5) | 2);
}

static void test_vgic_v3_iidr_and_pidr2_are_read_only(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_IIDR), 0x4800043b);
	assert_int_equal(gicd_rd(0, GICD_PIDR2), 0x30);
	gicd_wr(0, GICD_IIDR, 0);
	gicd_wr(0, GICD_PIDR2, 0);
	assert_int_equal(gicd_rd(0, GICD_IIDR), 0x4800043b);
	assert_int_equal(gicd_rd(0, GICD_PIDR2), 0x30);
	/* The other identification registers are RAZ. */
	assert_int_equal(gicd_rd(0, GICD_PIDR2 - 8), 0);
	assert_int_equal(gicd_rd(0, GICD_PIDR2 + 8), 0);
}

static void test_vgic_v2_icpidr2_reports_archrev_2(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_ICPIDR2), 0x20);
	assert_int_equal(gicd_rd(0, GICD_IIDR), 0x4800043b);
}

static void test_vgic_reserved_distributor_space_is_raz_wi(void **st)
{
	static const uint64_t v3_offsets[] = {
	    0x000c,    0x0010, 0x0040, 0x007c, GICD_IGRPMODR, GICD_NSACR,
	    GICD_SGIR, 0x0f30, 0x5ffc, 0x8000, 0xc000,	      0xffcc};

	(void)st;
	for (size_t i = 0; i < sizeof(v3_offsets) / sizeof(v3_offsets[0]);
	     i++) {
		gicd_wr(0, v3_offsets[i], 0xffffffff);
		assert_int_equal(gicd_rd(0, v3_offsets[i]), 0);
	}
	/* On v3 the v2-only SGI registers do nothing. */
	gicd_wr(0, GICD_SGIR, 0x02000001);
	assert_false(bit_of(0, GICD_ISPENDR, 1));
	gicd_wr(0, GICD_SPENDSGIR, 0x01010101);
	assert_int_equal(gicd_rd(0, GICD_SPENDSGIR), 0);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_ISPENDR), 0);
}

/* IGROUPR */

static void test_vgic_v3_igroupr_resets_group1_and_reads_as_written(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_IGROUPR + 4), 0xffffffff);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_IGROUPR), 0xffffffff);
	gicd_wr(0, GICD_IGROUPR + 8, 0x0000ffff);
	assert_int_equal(gicd_rd(2, GICD_IGROUPR + 8), 0x0000ffff);
	gicr_wr(1, GICR_SGI + GICD_IGROUPR, 0x1);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_IGROUPR), 0x1);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_IGROUPR), 0xffffffff);
}

static void test_vgic_v2_igroupr_resets_group0_and_banks_word_0(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_IGROUPR), 0);
	assert_int_equal(gicd_rd(0, GICD_IGROUPR + 4), 0);
	gicd_wr(1, GICD_IGROUPR, 0x80000001);
	assert_int_equal(gicd_rd(1, GICD_IGROUPR), 0x80000001);
	assert_int_equal(gicd_rd(0, GICD_IGROUPR), 0);
}

/* Enable, pending, active */

static void test_vgic_set_enable_and_clear_enable_pair(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_ISENABLER + 4), 0);
	gicd_wr(0, GICD_ISENABLER + 4, 0x00000101);
	gicd_wr(0, GICD_ISENABLER + 4, 0); /* zeros change nothing */
	assert_int_equal(gicd_rd(0, GICD_ISENABLER + 4), 0x101);
	assert_int_equal(gicd_rd(0, GICD_ICENABLER + 4), 0x101);
	gicd_wr(0, GICD_ICENABLER + 4, 0x00000001);
	assert_int_equal(gicd_rd(0, GICD_ISENABLER + 4), 0x100);
	assert_int_equal(gicd_rd(0, GICD_ICENABLER + 4), 0x100);
}

static void test_vgic_v3_distributor_private_words_are_raz_wi(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ISENABLER, 0xffffffff);
	gicd_wr(0, GICD_IGROUPR, 0);
	gicd_wr(0, GICD_ISPENDR, 0xffffffff);
	gicd_wr(0, GICD_ISACTIVER, 0xffffffff);
	gicd_wr(0, GICD_IPRIORITYR + 16, 0xffffffff);
	gicd_wr(0, GICD_ICFGR + 4, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_ISENABLER), 0);
	assert_int_equal(gicd_rd(0, GICD_IGROUPR), 0);
	assert_int_equal(gicd_rd(0, GICD_ISPENDR), 0);
	assert_int_equal(gicd_rd(0, GICD_ISACTIVER), 0);
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 16), 0);
	assert_int_equal(gicd_rd(0, GICD_ICFGR), 0);
	assert_int_equal(gicd_rd(0, GICD_ICFGR + 4), 0);
	/* The redistributor's copy was not touched. */
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_ISENABLER), 0);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_IGROUPR), 0xffffffff);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_IPRIORITYR + 16), 0);
}

static void test_vgic_intids_beyond_the_last_spi_are_raz_wi(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ISENABLER + 12, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_ISENABLER + 12), 0);
	gicd_wr(0, GICD_IPRIORITYR + 96, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 96), 0);
	wr(0, VGIC_GICD_IPA + GICD_IPRIORITYR + 1019, 1, 0xff);
	assert_int_equal(rd(0, VGIC_GICD_IPA + GICD_IPRIORITYR + 1019, 1), 0);
	gicd_wr(0, GICD_ICFGR + 24, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_ICFGR + 24), 0);
	assert_int_equal(gicd_rd(0, GICD_IGROUPR + 12), 0);
}

static void test_vgic_set_pending_and_clear_pending_pair(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ISPENDR + 8, 0x80000004);
	assert_int_equal(gicd_rd(1, GICD_ISPENDR + 8), 0x80000004);
	assert_int_equal(gicd_rd(1, GICD_ICPENDR + 8), 0x80000004);
	gicd_wr(0, GICD_ICPENDR + 8, 0x80000000);
	assert_int_equal(gicd_rd(0, GICD_ISPENDR + 8), 0x4);
	gicr_wr(2, GICR_SGI + GICD_ISPENDR, 0x00010002);
	assert_int_equal(gicr_rd(2, GICR_SGI + GICD_ISPENDR), 0x00010002);
	gicr_wr(2, GICR_SGI + GICD_ICPENDR, 0x00000002);
	assert_int_equal(gicr_rd(2, GICR_SGI + GICD_ICPENDR), 0x00010000);
}

static void
test_vgic_clear_pending_keeps_a_level_interrupt_with_line_high(void **st)
{
	(void)st;
	vgic_set_level(vm, NULL, 40, true);
	assert_true(bit_of(0, GICD_ISPENDR, 40));
	gicd_wr(0, GICD_ICPENDR + 4, 1u << 8);
	assert_true(bit_of(0, GICD_ISPENDR, 40));
	vgic_set_level(vm, NULL, 40, false);
	assert_false(bit_of(0, GICD_ISPENDR, 40));
	/* A latch set through ISPENDR outlives the line. */
	gicd_wr(0, GICD_ISPENDR + 4, 1u << 8);
	vgic_set_level(vm, NULL, 40, true);
	vgic_set_level(vm, NULL, 40, false);
	assert_true(bit_of(0, GICD_ISPENDR, 40));
}

static void test_vgic_set_active_and_clear_active_pair(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ISACTIVER + 4, 0x3);
	assert_int_equal(gicd_rd(0, GICD_ISACTIVER + 4), 0x3);
	assert_int_equal(gicd_rd(0, GICD_ICACTIVER + 4), 0x3);
	gicd_wr(0, GICD_ICACTIVER + 4, 0x1);
	assert_int_equal(gicd_rd(0, GICD_ISACTIVER + 4), 0x2);
	gicr_wr(1, GICR_SGI + GICD_ISACTIVER, 1u << 27);
	assert_true(bit_of(1, GICD_ISACTIVER, 27));
	assert_false(bit_of(0, GICD_ISACTIVER, 27));
}

/* IPRIORITYR */

static void test_vgic_ipriorityr_keeps_five_bits_in_byte_and_word(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 32), 0);
	gicd_wr(0, GICD_IPRIORITYR + 32, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 32), 0xf8f8f8f8);
	wr(0, VGIC_GICD_IPA + GICD_IPRIORITYR + 33, 1, 0x47);
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 32), 0xf8f840f8);
	assert_int_equal(rd(0, VGIC_GICD_IPA + GICD_IPRIORITYR + 33, 1), 0x40);
	assert_int_equal(rd(0, VGIC_GICD_IPA + GICD_IPRIORITYR + 34, 1), 0xf8);
	wr(0, gicr_ipa(1, GICR_SGI + GICD_IPRIORITYR + 27), 1, 0xa5);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_IPRIORITYR + 24),
			 0xa0000000);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_IPRIORITYR + 24), 0);
}

static void test_vgic_v2_private_priorities_are_banked(void **st)
{
	(void)st;
	wr(1, VGIC_GICD_IPA + GICD_IPRIORITYR + 5, 1, 0x18);
	assert_int_equal(gicd_rd(1, GICD_IPRIORITYR + 4), 0x1800);
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 4), 0);
}

/* ITARGETSR (v2) */

static void test_vgic_v2_itargetsr_private_bytes_read_own_cpu(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_ITARGETSR), 0x01010101);
	assert_int_equal(gicd_rd(1, GICD_ITARGETSR + 28), 0x02020202);
	assert_int_equal(rd(2, VGIC_GICD_IPA + GICD_ITARGETSR + 17, 1), 0x04);
	gicd_wr(1, GICD_ITARGETSR + 28, 0xffffffff);
	assert_int_equal(gicd_rd(1, GICD_ITARGETSR + 28), 0x02020202);
}

static void test_vgic_v2_itargetsr_bits_of_absent_cpus_read_zero(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ITARGETSR + 32, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_ITARGETSR + 32), 0x07070707);
	wr(1, VGIC_GICD_IPA + GICD_ITARGETSR + 35, 1, 0xfa);
	assert_int_equal(gicd_rd(2, GICD_ITARGETSR + 32), 0x02070707);
	assert_int_equal(rd(0, VGIC_GICD_IPA + GICD_ITARGETSR + 35, 1), 0x02);
}

static void test_vgic_v2_spis_target_vcpu0_after_reset(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_ITARGETSR + 32), 0x01010101);
	assert_int_equal(gicd_rd(2, GICD_ITARGETSR + 92), 0x01010101);
}

static void test_vgic_v3_itargetsr_is_raz_wi(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ITARGETSR + 32, 0xffffffff);
	assert_int_equal(gicd_rd(0, GICD_ITARGETSR + 32), 0);
	assert_int_equal(gicd_rd(1, GICD_ITARGETSR), 0);
	assert_int_equal(rd(0, VGIC_GICD_IPA + GICD_ITARGETSR + 33, 1), 0);
}

/* ICFGR */

static void test_vgic_icfgr_sgis_read_edge_and_ignore_writes(void **st)
{
	(void)st;
	assert_int_equal(gicd_rd(0, GICD_ICFGR), 0xaaaaaaaa);
	gicd_wr(0, GICD_ICFGR, 0);
	assert_int_equal(gicd_rd(0, GICD_ICFGR), 0xaaaaaaaa);
}

static void test_vgic_icfgr_ppis_and_spis_are_configurable(void **st)
{
	(void)st;
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_ICFGR), 0xaaaaaaaa);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_ICFGR + 4), 0);
	/* Int_config is the odd bit of each pair; the even one is RES0. */
	gicr_wr(1, GICR_SGI + GICD_ICFGR + 4, 0xffffffff);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_ICFGR + 4), 0xaaaaaaaa);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_ICFGR + 4), 0);
	gicr_wr(1, GICR_SGI + GICD_ICFGR, 0);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_ICFGR), 0xaaaaaaaa);
	gicd_wr(0, GICD_ICFGR + 8, 0x0000000e);
	assert_int_equal(gicd_rd(0, GICD_ICFGR + 8), 0x0000000a);
}

/* GICD_SGIR, GICD_SPENDSGIR, GICD_CPENDSGIR (v2) */

static uint8_t sgi_pending_on(unsigned c, unsigned sgi)
{
	return (uint8_t)rd(c, VGIC_GICD_IPA + GICD_SPENDSGIR + sgi, 1);
}

static void test_vgic_v2_sgir_is_write_only(void **st)
{
	(void)st;
	gicd_wr(0, GICD_SGIR, 0x00010003);
	assert_int_equal(gicd_rd(0, GICD_SGIR), 0);
	assert_int_equal(sgi_pending_on(0, 3), 0x01);
}

static void test_vgic_v2_sgir_target_list_filters(void **st)
{
	(void)st;
	/* 0: the CPUTargetList, bits of absent CPUs ignored. */
	gicd_wr(1, GICD_SGIR, 0x00fc0001);
	assert_int_equal(sgi_pending_on(0, 1), 0);
	assert_int_equal(sgi_pending_on(1, 1), 0);
	assert_int_equal(sgi_pending_on(2, 1), 0x02);
	/* 1: everyone but the sender. */
	gicd_wr(1, GICD_SGIR, 0x01000002);
	assert_int_equal(sgi_pending_on(0, 2), 0x02);
	assert_int_equal(sgi_pending_on(1, 2), 0);
	assert_int_equal(sgi_pending_on(2, 2), 0x02);
	/* 2: the sender only. */
	gicd_wr(2, GICD_SGIR, 0x02ff0003);
	assert_int_equal(sgi_pending_on(0, 3), 0);
	assert_int_equal(sgi_pending_on(2, 3), 0x04);
	/* 3: reserved, nothing. */
	gicd_wr(0, GICD_SGIR, 0x03ff0004);
	for (unsigned c = 0; c < VCPUS; c++)
		assert_int_equal(sgi_pending_on(c, 4), 0);
}

static void test_vgic_v2_sgi_pending_is_per_sender(void **st)
{
	(void)st;
	gicd_wr(0, GICD_SGIR, 0x00040005);
	gicd_wr(1, GICD_SGIR, 0x00040005);
	assert_int_equal(sgi_pending_on(2, 5), 0x03);
	assert_true(bit_of(2, GICD_ISPENDR, 5));
	/* ISPENDR0/ICPENDR0 cannot say which sender: WI for SGIs. */
	gicd_wr(2, GICD_ICPENDR, 1u << 5);
	gicd_wr(2, GICD_ISPENDR, 1u << 6);
	assert_int_equal(sgi_pending_on(2, 5), 0x03);
	assert_false(bit_of(2, GICD_ISPENDR, 6));
	wr(2, VGIC_GICD_IPA + GICD_CPENDSGIR + 5, 1, 0x01);
	assert_int_equal(sgi_pending_on(2, 5), 0x02);
	gicd_wr(2, GICD_CPENDSGIR + 4, 0x0000ff00);
	assert_false(bit_of(2, GICD_ISPENDR, 5));
	/* SPENDSGIR sets senders, the absent ones excepted. */
	gicd_wr(1, GICD_SPENDSGIR + 12, 0xff000000);
	assert_int_equal(gicd_rd(1, GICD_SPENDSGIR + 12), 0x07000000);
	assert_int_equal(gicd_rd(1, GICD_CPENDSGIR + 12), 0x07000000);
	assert_true(bit_of(1, GICD_ISPENDR, 15));
}

static void test_vgic_v2_sgi_goes_to_the_lr_one_sender_at_a_time(void **st)
{
	(void)st;
	enable(2, 5, 0x10);
	gicd_wr(1, GICD_SGIR, 0x00040005);
	gicd_wr(0, GICD_SGIR, 0x00040005);
	enter(2);
	assert_int_equal(lr_of(2, 5), 0);
	assert_int_equal(lrs_valid(2), 1);
	assert_int_equal(cpu(2)->vgic.priv[5].source, 0);
	/* The guest takes and completes it: the next sender's turn. */
	guest_sets(2, 0, HAL_LR_INVALID);
	enter(2);
	assert_true(lr_of(2, 5) >= 0);
	assert_int_equal(cpu(2)->vgic.priv[5].source, 1);
	assert_int_equal(sgi_pending_on(2, 5), 0x02);
	guest_sets(2, (unsigned)lr_of(2, 5), HAL_LR_ACTIVE);
	enter(2);
	assert_int_equal(sgi_pending_on(2, 5), 0);
	assert_true(bit_of(2, GICD_ISACTIVER, 5));
}

/* IROUTER (v3) */

static void test_vgic_v3_irouter_takes_affinity_in_64_and_32_bits(void **st)
{
	uint64_t ipa = VGIC_GICD_IPA + GICD_IROUTER + 8 * 40;

	(void)st;
	assert_int_equal(rd(0, ipa, 8), 0);
	/* IRM (No1N) and Aff3 (A3V = 0) are RES0. */
	wr(0, ipa, 8, 0xffffffffffffffffull);
	assert_int_equal(rd(0, ipa, 8), 0x00ffffff);
	wr(0, ipa, 4, 0x00000002);
	assert_int_equal(rd(0, ipa, 8), 0x2);
	wr(0, ipa + 4, 4, 0xff);
	assert_int_equal(rd(0, ipa + 4, 4), 0);
	assert_int_equal(rd(0, ipa, 4), 0x2);
}

static void test_vgic_v3_irouter_of_private_intids_is_raz_wi(void **st)
{
	(void)st;
	for (unsigned n = 0; n < 32; n++) {
		uint64_t ipa = VGIC_GICD_IPA + GICD_IROUTER + 8 * n;

		wr(0, ipa, 8, 1);
		assert_int_equal(rd(0, ipa, 8), 0);
	}
	wr(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 96, 8, 1);
	assert_int_equal(rd(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 96, 8), 0);
}

static void test_vgic_v3_irouter_delivers_to_the_matching_vcpu(void **st)
{
	(void)st;
	pend_spi(40, 0x20);
	wr(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 40, 8, 2);
	enter(0);
	enter(1);
	assert_int_equal(lrs_valid(0), 0);
	assert_int_equal(lrs_valid(1), 0);
	enter(2);
	assert_int_equal(lr_of(2, 40), 0);
	/* An affinity that names no vCPU: it stays pending. */
	wr(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 40, 8, 0x100);
	assert_int_equal(lrs_valid(2), 0);
	for (unsigned c = 0; c < VCPUS; c++) {
		enter(c);
		assert_int_equal(lrs_valid(c), 0);
	}
	assert_true(bit_of(0, GICD_ISPENDR, 40));
}

/* Access widths */

static void test_vgic_v3_wrong_access_widths_are_refused(void **st)
{
	uint64_t d = VGIC_GICD_IPA;

	(void)st;
	assert_true(refused(0, d + GICD_ISENABLER + 4, 1, false));
	assert_true(refused(0, d + GICD_ISENABLER + 4, 1, true));
	assert_true(refused(0, d + GICD_ISENABLER + 4, 2, true));
	assert_true(refused(0, d + GICD_CTLR, 8, false));
	assert_true(refused(0, d + GICD_CTLR, 2, false));
	assert_true(refused(0, d + GICD_CTLR + 1, 1, false));
	assert_true(refused(0, d + GICD_TYPER + 2, 4, false));
	assert_true(refused(0, d + GICD_IPRIORITYR + 32, 2, true));
	assert_true(refused(0, d + GICD_IPRIORITYR + 32, 8, false));
	assert_true(refused(0, d + GICD_IPRIORITYR + 33, 4, false));
	assert_true(refused(0, d + GICD_ICFGR + 8, 1, false));
	assert_true(refused(0, d + GICD_IROUTER + 8 * 40, 1, true));
	assert_true(refused(0, d + GICD_IROUTER + 8 * 40, 2, false));
	assert_true(refused(0, d + GICD_IROUTER + 8 * 40 + 4, 8, false));
	assert_true(refused(0, d + 0x8000, 8, false)); /* reserved: words */
	assert_true(refused(0, gicr_ipa(0, GICR_TYPER), 1, false));
	assert_true(refused(0, gicr_ipa(0, GICR_TYPER + 4), 8, false));
	assert_true(refused(0, gicr_ipa(0, GICR_WAKER), 8, true));
	assert_true(
	    refused(0, gicr_ipa(1, GICR_SGI + GICD_ISENABLER), 1, true));
	assert_true(
	    refused(0, gicr_ipa(1, GICR_SGI + GICD_ITARGETSR), 1, false));
	/* What the architecture allows. */
	assert_false(refused(0, d + GICD_IPRIORITYR + 33, 1, true));
	assert_false(refused(0, d + GICD_IROUTER + 8 * 40 + 4, 4, true));
	assert_false(refused(0, gicr_ipa(2, GICR_TYPER), 8, false));
	assert_false(
	    refused(0, gicr_ipa(2, GICR_SGI + GICD_IPRIORITYR + 3), 1, true));
}

static void test_vgic_v2_wrong_access_widths_are_refused(void **st)
{
	uint64_t d = VGIC_GICD_IPA;

	(void)st;
	assert_true(refused(0, d + GICD_IPRIORITYR + 32, 8, false));
	assert_true(refused(0, d + GICD_ITARGETSR + 32, 2, true));
	assert_true(refused(0, d + GICD_SGIR, 1, true));
	assert_true(refused(0, d + GICD_SGIR, 8, true));
	assert_true(refused(0, d + GICD_ISPENDR, 8, false));
	assert_false(refused(0, d + GICD_ITARGETSR + 37, 1, true));
	assert_false(refused(0, d + GICD_SPENDSGIR + 3, 1, true));
}

static void guest_access(uint64_t ipa, uint32_t iss)
{
	struct vcpu *v = cpu(0);
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SYNC,
	    .esr = esr_make(EC_DABT_LOW, 1, iss),
	    .far = 0xffff000000000000ull | ipa,
	    .hpfar = hpfar_of(ipa),
	};

	v->arch.regs.pc = TEST_RAM_IPA + 0x1000;
	mmio_handle_dabt(v, &e);
}

static void test_vgic_guest_byte_store_to_isenabler_gets_an_abort(void **st)
{
	struct vcpu *v = cpu(0);

	(void)st;
	v->arch.regs.x[3] = 0xff;
	guest_access(VGIC_GICD_IPA + GICD_ISENABLER + 4,
		     dabt_iss(0, false, 3, false, true));
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000050);
	assert_console_has("write refused by the device at ipa 0x8000104");
	assert_int_equal(gicd_rd(0, GICD_ISENABLER + 4), 0);
}

static void test_vgic_guest_word_load_of_typer_is_emulated(void **st)
{
	struct vcpu *v = cpu(0);

	(void)st;
	guest_access(VGIC_GICD_IPA + GICD_TYPER,
		     dabt_iss(2, false, 7, false, false));
	assert_int_equal(v->arch.regs.pc, TEST_RAM_IPA + 0x1004);
	assert_int_equal(v->arch.regs.x[7], 0x02480002);
	guest_access(gicr_ipa(VCPUS - 1, GICR_TYPER),
		     dabt_iss(3, false, 8, true, false));
	assert_int_equal(v->arch.regs.x[8], ((uint64_t)(VCPUS - 1) << 32) |
						((VCPUS - 1) << 8) | 0x10);
}

/*
 * The same access as the hardware hands it to the hypervisor, through the
 * exit table: data aborts at the distributor take its direct path
 * (vgic_gicd_dabt) when it is one that path takes.
 */
static void exit_access(uint64_t ipa, uint32_t iss)
{
	struct vcpu *v = cpu(0);
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SYNC,
	    .esr = esr_make(EC_DABT_LOW, 1, iss),
	    .far = 0xffff000000000000ull | ipa,
	    .hpfar = hpfar_of(ipa),
	};

	v->arch.regs.pc = TEST_RAM_IPA + 0x1000;
	v->arch.need_regs = false;
	hv_handle_exit(v, &e);
	assert_false(v->arch.need_regs);
}

/* What a run leaves in the vGIC and vCPU 0: model, registers, PC, ESR. */
struct gicd_outcome {
	struct vgic vgic;
	struct vgic_vcpu vgic0;
	struct vcpu_regs regs;
	uint64_t esr;
	char console[160];
};

static struct gicd_outcome outcome(void)
{
	struct gicd_outcome o;

	memset(&o, 0, sizeof(o));
	o.vgic = vm->vgic;
	o.vgic0 = cpu(0)->vgic;
	o.regs = cpu(0)->arch.regs;
	o.esr = hal_vcpu_el1_read(&cpu(0)->arch, EL1_ESR);
	snprintf(o.console, sizeof(o.console), "%s", console());
	return o;
}

/*
 * Runs one GICD access the way the hardware traps it (exit_access) and the
 * general path's way (guest_access, then vgic_update as its exit ends),
 * each on a fresh VM of the given GIC version prepared by prepare, and
 * checks both end the same.
 */
static void assert_gicd_access_as_general(unsigned version,
					  void (*prepare)(void), uint32_t off,
					  uint32_t iss, uint64_t val)
{
	struct gicd_outcome general, direct;

	boot(version, VCPUS);
	prepare();
	cpu(0)->arch.regs.x[5] = val;
	guest_access(VGIC_GICD_IPA + off, iss);
	vgic_update(cpu(0)); /* as the general path's exit ends */
	general = outcome();
	boot(version, VCPUS);
	prepare();
	cpu(0)->arch.regs.x[5] = val;
	exit_access(VGIC_GICD_IPA + off, iss);
	direct = outcome();
	assert_memory_equal(&direct, &general, sizeof(direct));
}

/* Each leaves the list registers flushed: nothing waits for a flush, as
 * after the exit before. */
static void nothing(void)
{
	enter(0);
}

/* SPI 48 made pending (offered), SPI 49 in a list register. */
static void busy_spis(void)
{
	pend_spi(48, 0x40);
	pend_spi(49, 0x40);
	enter(0);
	gicd_wr(0, GICD_ICENABLER + 4, 1u << (48 - 32));
	enter(0);
}

static void enabled_spis(void)
{
	enable(0, 40, 0x80);
	enable(0, 41, 0x80);
	enter(0);
}

static void test_vgic_gicd_direct_path_ends_as_the_general_one(void **st)
{
	(void)st;
	for (unsigned version = 2; version <= 3; version++) {
		/* Identification reads: words into W5, X5, XZR; then bytes,
		 * doublewords and the word past IIDR (the general path's). */
		for (uint32_t off = 0; off <= 0xc; off += 4) {
			assert_gicd_access_as_general(
			    version, nothing, off,
			    dabt_iss(2, false, 5, false, false), 0);
			assert_gicd_access_as_general(
			    version, enabled_spis, off,
			    dabt_iss(2, false, 5, true, false), 0);
			assert_gicd_access_as_general(
			    version, nothing, off,
			    dabt_iss(2, false, 31, false, false), 0);
			assert_gicd_access_as_general(
			    version, nothing, off,
			    dabt_iss(0, false, 5, false, false), 0);
			assert_gicd_access_as_general(
			    version, nothing, off,
			    dabt_iss(3, false, 5, true, false), 0);
		}
		/* Enables: one idle SPI, none, several, a busy one, word 0,
		 * a byte, SPIs the VM does not have. */
		for (unsigned clear = 0; clear <= 1; clear++) {
			uint32_t reg = clear ? GICD_ICENABLER : GICD_ISENABLER;
			uint32_t word = dabt_iss(2, false, 5, false, true);

			assert_gicd_access_as_general(version, enabled_spis,
						      reg + 4, word, 1u << 8);
			assert_gicd_access_as_general(version, enabled_spis,
						      reg + 4, word, 1u << 9);
			assert_gicd_access_as_general(version, nothing, reg + 4,
						      word, 1u << 16);
			assert_gicd_access_as_general(version, nothing, reg + 4,
						      word, 0);
			assert_gicd_access_as_general(version, nothing, reg + 4,
						      word, 0x30000);
			assert_gicd_access_as_general(version, busy_spis,
						      reg + 4, word, 1u << 16);
			assert_gicd_access_as_general(version, busy_spis,
						      reg + 4, word, 1u << 17);
			assert_gicd_access_as_general(version, nothing, reg,
						      word, 1u << 27);
			assert_gicd_access_as_general(
			    version, nothing, reg + 4,
			    dabt_iss(0, false, 5, false, true), 1);
			assert_gicd_access_as_general(version, nothing,
						      reg + 12, word, 1);
			assert_gicd_access_as_general(version, nothing, reg + 4,
						      word, 0);
		}
		/* Priorities: an idle SPI's byte, a busy one's, a private
		 * one's, a word, an SPI the VM does not have. */
		assert_gicd_access_as_general(
		    version, nothing, GICD_IPRIORITYR + 48,
		    dabt_iss(0, false, 5, false, true), 0x57);
		assert_gicd_access_as_general(
		    version, busy_spis, GICD_IPRIORITYR + 48,
		    dabt_iss(0, false, 5, false, true), 0x57);
		assert_gicd_access_as_general(
		    version, busy_spis, GICD_IPRIORITYR + 49,
		    dabt_iss(0, false, 5, false, true), 0x57);
		assert_gicd_access_as_general(
		    version, nothing, GICD_IPRIORITYR + 27,
		    dabt_iss(0, false, 5, false, true), 0x57);
		assert_gicd_access_as_general(
		    version, nothing, GICD_IPRIORITYR + 48,
		    dabt_iss(2, false, 5, false, true), 0x57575757);
		assert_gicd_access_as_general(
		    version, nothing, GICD_IPRIORITYR + 100,
		    dabt_iss(0, false, 5, false, true), 0x57);
	}
}

static void test_vgic_gicd_direct_path_keeps_ctlr_reads_current(void **st)
{
	(void)st;
	for (unsigned version = 2; version <= 3; version++) {
		boot(version, VCPUS);
		gicd_wr(0, GICD_CTLR, 2);
		exit_access(VGIC_GICD_IPA + GICD_CTLR,
			    dabt_iss(2, false, 5, false, false));
		assert_int_equal(cpu(0)->arch.regs.x[5], gicd_rd(0, GICD_CTLR));
		assert_int_equal(cpu(0)->arch.regs.x[5] & 3, 2);
		assert_int_equal(cpu(0)->arch.regs.pc, TEST_RAM_IPA + 0x1004);
	}
}

/* Redistributors (v3) */

static void test_vgic_gicr_typer_reports_affinity_number_and_last(void **st)
{
	(void)st;
	for (unsigned f = 0; f < VCPUS; f++) {
		uint64_t typer = rd(0, gicr_ipa(f, GICR_TYPER), 8);
		uint64_t aff = vcpu_mpidr(f) & 0xffffff;

		assert_int_equal(typer >> 32, aff);
		assert_int_equal((typer >> 8) & 0xffff, f);
		assert_int_equal((typer >> 4) & 1, f == VCPUS - 1);
		assert_int_equal(typer & 0xf, 0); /* no LPIs */
		assert_int_equal(rd(1, gicr_ipa(f, GICR_TYPER), 4),
				 typer & 0xffffffff);
		assert_int_equal(rd(1, gicr_ipa(f, GICR_TYPER + 4), 4),
				 typer >> 32);
	}
	wr(0, gicr_ipa(0, GICR_TYPER), 8, 0);
	assert_int_equal(rd(0, gicr_ipa(1, GICR_TYPER), 8) >> 32, 1);
}

static void test_vgic_gicr_waker_children_asleep_follows_sleep(void **st)
{
	(void)st;
	assert_int_equal(gicr_rd(1, GICR_WAKER), 0x6);
	gicr_wr(1, GICR_WAKER, 0);
	assert_int_equal(gicr_rd(1, GICR_WAKER), 0);
	assert_int_equal(gicr_rd(0, GICR_WAKER), 0x6);
	/* Sleep (bit 0) and Quiescent (bit 31) are not modelled. */
	gicr_wr(1, GICR_WAKER, 0x80000005);
	assert_int_equal(gicr_rd(1, GICR_WAKER), 0);
	gicr_wr(1, GICR_WAKER, 0x2);
	assert_int_equal(gicr_rd(1, GICR_WAKER), 0x6);
}

static void test_vgic_gicr_ctlr_iidr_and_pidr2(void **st)
{
	(void)st;
	gicr_wr(0, GICR_CTLR, 0xffffffff);
	assert_int_equal(gicr_rd(0, GICR_CTLR), 0);
	assert_int_equal(gicr_rd(1, GICR_IIDR), 0x4800043b);
	assert_int_equal(gicr_rd(2, GICR_PIDR2), 0x30);
	gicr_wr(2, GICR_PIDR2, 0);
	assert_int_equal(gicr_rd(2, GICR_PIDR2), 0x30);
	assert_int_equal(gicr_rd(2, 0x0070), 0); /* GICR_PROPBASER: no LPIs */
}

static void test_vgic_gicr_sgi_frame_is_the_frames_vcpu_only(void **st)
{
	(void)st;
	gicr_wr(1, GICR_SGI + GICD_ISENABLER, 0x08000001);
	/* The accessor does not matter, the frame does. */
	assert_int_equal(rd(2, gicr_ipa(1, GICR_SGI + GICD_ISENABLER), 4),
			 0x08000001);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_ISENABLER), 0);
	assert_true(cpu(1)->vgic.priv[27].enabled);
	/* Nothing but INTIDs 0-31 lives there. */
	gicr_wr(1, GICR_SGI + GICD_ISENABLER + 4, 0xffffffff);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_ISENABLER + 4), 0);
	gicr_wr(1, GICR_SGI + GICD_IPRIORITYR + 32, 0xffffffff);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_IPRIORITYR + 32), 0);
	gicr_wr(1, GICR_SGI + GICD_IGRPMODR, 0xffffffff);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_IGRPMODR), 0);
	gicr_wr(1, GICR_SGI + GICD_NSACR, 0xffffffff);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_NSACR), 0);
	assert_false(vm->vgic.spi[0].enabled);
}

/* ICC_SGI1R_EL1 (v3) */

static uint64_t sgi1r(unsigned intid, uint16_t targets, unsigned aff1)
{
	return ((uint64_t)intid << 24) | targets | ((uint64_t)aff1 << 16);
}

static void test_vgic_sgi1r_targets_the_aff0_list(void **st)
{
	(void)st;
	vgic_sgi1r_write(cpu(0), sgi1r(3, 0x6, 0));
	assert_false(bit_of(0, GICD_ISPENDR, 3));
	assert_true(bit_of(1, GICD_ISPENDR, 3));
	assert_true(bit_of(2, GICD_ISPENDR, 3));
	vgic_sgi1r_write(cpu(1), sgi1r(4, 0x2, 0));
	assert_true(bit_of(1, GICD_ISPENDR, 4));
	assert_false(bit_of(0, GICD_ISPENDR, 4));
}

static void test_vgic_sgi1r_irm_targets_everyone_but_the_sender(void **st)
{
	(void)st;
	vgic_sgi1r_write(cpu(1), (1ull << 40) | sgi1r(9, 0, 7));
	assert_true(bit_of(0, GICD_ISPENDR, 9));
	assert_false(bit_of(1, GICD_ISPENDR, 9));
	assert_true(bit_of(2, GICD_ISPENDR, 9));
}

static void test_vgic_sgi1r_to_another_cluster_reaches_nobody(void **st)
{
	(void)st;
	vgic_sgi1r_write(cpu(0), sgi1r(1, 0xffff, 1));
	vgic_sgi1r_write(cpu(0), (1ull << 32) | sgi1r(2, 0xffff, 0));
	vgic_sgi1r_write(cpu(0), (1ull << 48) | sgi1r(3, 0xffff, 0));
	/* RS = 1 names Aff0 16-31. */
	vgic_sgi1r_write(cpu(0), (1ull << 44) | sgi1r(4, 0xffff, 0));
	for (unsigned c = 0; c < VCPUS; c++)
		assert_int_equal(gicr_rd(c, GICR_SGI + GICD_ISPENDR), 0);
}

static void test_vgic_sgi1r_skips_targets_with_the_sgi_in_group0(void **st)
{
	(void)st;
	gicr_wr(1, GICR_SGI + GICD_IGROUPR, 0xffffffff & ~(1u << 6));
	vgic_sgi1r_write(cpu(0), sgi1r(6, 0x6, 0));
	assert_false(bit_of(1, GICD_ISPENDR, 6));
	assert_true(bit_of(2, GICD_ISPENDR, 6));
}

/* Interrupt inputs */

static void test_vgic_edge_spi_latches_rising_edges_only(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ICFGR + 8, 0x2); /* INTID 32 edge */
	vgic_set_level(vm, NULL, 32, true);
	assert_true(bit_of(0, GICD_ISPENDR, 32));
	vgic_set_level(vm, NULL, 32, false);
	assert_true(bit_of(0, GICD_ISPENDR, 32));
	gicd_wr(0, GICD_ICPENDR + 4, 1);
	vgic_set_level(vm, NULL, 32, false);
	assert_false(bit_of(0, GICD_ISPENDR, 32));
	vgic_set_level(vm, NULL, 32, true);
	gicd_wr(0, GICD_ICPENDR + 4, 1);
	vgic_set_level(vm, NULL, 32, true); /* still high: no new edge */
	assert_false(bit_of(0, GICD_ISPENDR, 32));
}

static void test_vgic_set_level_ignores_sgis_and_unknown_intids(void **st)
{
	(void)st;
	vgic_set_level(vm, cpu(0), 3, true);
	vgic_set_level(vm, NULL, 20, true);
	vgic_set_level(vm, NULL, VGIC_INTID_COUNT, true);
	vgic_set_level(vm, NULL, 1020, true);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_ISPENDR), 0);
	vgic_set_level(vm, cpu(1), 23, true);
	assert_true(bit_of(1, GICD_ISPENDR, 23));
	assert_false(bit_of(0, GICD_ISPENDR, 23));
}

static void test_vgic_level_spi_leaves_its_lr_when_line_drops(void **st)
{
	(void)st;
	enable(0, 48, 0x40);
	vgic_set_level(vm, NULL, 48, true);
	enter(0);
	assert_int_equal(lr(0, 0).intid, 48);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	vgic_set_level(vm, NULL, 48, false);
	assert_int_equal(lrs_valid(0), 0);
	assert_false(bit_of(0, GICD_ISPENDR, 48));
}

/* List registers */

static void test_vgic_flush_fills_lrs_by_priority_then_intid(void **st)
{
	(void)st;
	pend_spi(50, 0x80);
	pend_spi(40, 0x80);
	pend_spi(60, 0x10);
	enable(0, 27, 0x80);
	vgic_set_level(vm, cpu(0), 27, true);
	enter(0);
	assert_int_equal(lr(0, 0).intid, 60);
	assert_int_equal(lr(0, 1).intid, 27);
	assert_int_equal(lr(0, 2).intid, 40);
	assert_int_equal(lr(0, 3).intid, 50);
	assert_int_equal(lr(0, 0).priority, 0x10);
	assert_int_equal(lr(0, 3).priority, 0x80);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(lr(0, i).state, HAL_LR_PENDING);
		assert_true(lr(0, i).group1);
		assert_false(lr(0, i).hw);
	}
	assert_false(underflow_requested(0));
}

static void test_vgic_v2_lrs_carry_the_interrupts_group(void **st)
{
	(void)st;
	pend_spi(40, 0x80);
	gicd_wr(0, GICD_IGROUPR + 4, 1u << 9); /* INTID 41 Group 1 */
	pend_spi(41, 0x80);
	enter(0);
	assert_false(lr(0, (unsigned)lr_of(0, 40)).group1);
	assert_true(lr(0, (unsigned)lr_of(0, 41)).group1);
}

static void test_vgic_flush_offers_only_what_may_be_delivered(void **st)
{
	(void)st;
	enable(0, 42, 0); /* enabled, not pending */
	pend_spi(40, 0);
	gicd_wr(0, GICD_ICENABLER + 4, 1u << 8); /* disabled */
	pend_spi(41, 0);
	gicd_wr(0, GICD_IGROUPR + 4, 0); /* Group 0 ... */
	gicd_wr(0, GICD_CTLR, 2);	 /* ... which is off */
	enter(0);
	assert_int_equal(lrs_valid(0), 0);
	assert_false(underflow_requested(0));
	gicd_wr(0, GICD_CTLR, 1);
	enter(0);
	assert_true(lr_of(0, 41) >= 0);
	assert_int_equal(lrs_valid(0), 1);
}

static void test_vgic_v2_spi_goes_to_a_targeted_vcpu_only(void **st)
{
	(void)st;
	pend_spi(40, 0);
	gicd_wr(0, GICD_ITARGETSR + 40, 0x6);
	enter(0);
	assert_int_equal(lrs_valid(0), 0);
	enter(2);
	assert_true(lr_of(2, 40) >= 0);
	/* In one LR at a time, though two vCPUs are targeted. */
	enter(1);
	assert_int_equal(lrs_valid(1), 0);
}

static void test_vgic_more_pending_than_lrs_requests_underflow(void **st)
{
	(void)st;
	for (unsigned i = 0; i < 6; i++)
		pend_spi(40 + i, (uint8_t)(0x80 - 8 * i));
	enter(0);
	assert_int_equal(lrs_valid(0), 4);
	assert_true(underflow_requested(0));
	/* The four most urgent: 45, 44, 43, 42. */
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(lr(0, i).intid, 45 - i);
	/* The guest handles two: both waiting ones fit, no more underflow. */
	guest_sets(0, 0, HAL_LR_INVALID);
	guest_sets(0, 1, HAL_LR_INVALID);
	enter(0);
	assert_int_equal(lrs_valid(0), 4);
	assert_true(lr_of(0, 40) >= 0);
	assert_true(lr_of(0, 41) >= 0);
	assert_false(underflow_requested(0));
	assert_false(bit_of(0, GICD_ISPENDR, 45));
	assert_false(bit_of(0, GICD_ISPENDR, 44));
}

static void test_vgic_two_lrs_hold_the_two_most_urgent(void **st)
{
	(void)st;
	hal_sim_gic()->lr_count = 2;
	pend_spi(70, 0x30);
	pend_spi(71, 0x20);
	pend_spi(72, 0x28);
	pend_spi(73, 0x38);
	enter(0);
	assert_int_equal(lrs_valid(0), 2);
	assert_int_equal(lr(0, 0).intid, 71);
	assert_int_equal(lr(0, 1).intid, 72);
	assert_int_equal(lr(0, 2).state, HAL_LR_INVALID);
	assert_true(underflow_requested(0));
	guest_sets(0, 0, HAL_LR_ACTIVE);
	guest_sets(0, 1, HAL_LR_INVALID);
	enter(0);
	assert_int_equal(lr(0, 0).intid, 71);
	assert_int_equal(lr(0, 0).state, HAL_LR_ACTIVE);
	assert_int_equal(lr(0, 1).intid, 70);
	assert_true(underflow_requested(0)); /* 73 still waits */
	guest_sets(0, 1, HAL_LR_INVALID);
	enter(0);
	assert_int_equal(lr(0, 1).intid, 73);
	assert_false(underflow_requested(0));
}

static void
test_vgic_guest_acknowledge_and_completion_reach_the_model(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	enter(0);
	assert_true(bit_of(0, GICD_ISPENDR, 40));
	guest_sets(0, 0, HAL_LR_ACTIVE);
	/* Seen by any vCPU, even before the owner exits. */
	assert_false(bit_of(1, GICD_ISPENDR, 40));
	assert_true(bit_of(1, GICD_ISACTIVER, 40));
	guest_sets(0, 0, HAL_LR_INVALID);
	enter(0);
	assert_false(bit_of(0, GICD_ISACTIVER, 40));
	assert_int_equal(lrs_valid(0), 0);
	assert_int_equal(cpu(0)->vgic.lr_used, 0);
	assert_int_equal(vm->vgic.spi[8].lr, VGIC_NO_LR);
}

static void test_vgic_more_urgent_interrupt_evicts_a_pending_lr(void **st)
{
	(void)st;
	hal_sim_gic()->lr_count = 2;
	pend_spi(40, 0x60);
	pend_spi(41, 0x70);
	enter(0);
	pend_spi(42, 0x10);
	enter(0);
	assert_int_equal(lr(0, 0).intid, 40);
	assert_int_equal(lr(0, 1).intid, 42);
	assert_int_equal(lr(0, 1).priority, 0x10);
	/* The evicted one waits in the model, and asks for an underflow. */
	assert_true(bit_of(0, GICD_ISPENDR, 41));
	assert_int_equal(vm->vgic.spi[9].lr, VGIC_NO_LR);
	assert_true(underflow_requested(0));
	/* An equally urgent one does not evict. */
	pend_spi(43, 0x60);
	enter(0);
	assert_int_equal(lr(0, 0).intid, 40);
	assert_int_equal(lr(0, 1).intid, 42);
}

static void test_vgic_active_lrs_are_never_evicted(void **st)
{
	(void)st;
	hal_sim_gic()->lr_count = 2;
	pend_spi(40, 0x60);
	pend_spi(41, 0x70);
	enter(0);
	guest_sets(0, 0, HAL_LR_ACTIVE);
	guest_sets(0, 1, HAL_LR_ACTIVE);
	enter(0);
	pend_spi(42, 0x00);
	enter(0);
	assert_int_equal(lr(0, 0).intid, 40);
	assert_int_equal(lr(0, 1).intid, 41);
	assert_true(underflow_requested(0));
}

static void test_vgic_eviction_notices_an_unsynced_acknowledge(void **st)
{
	(void)st;
	hal_sim_gic()->lr_count = 1;
	pend_spi(40, 0x60);
	enter(0);
	pend_spi(41, 0x10);
	/* The guest takes 40; flush runs without a sync first. */
	guest_sets(0, 0, HAL_LR_ACTIVE);
	vgic_flush(cpu(0));
	assert_int_equal(lr(0, 0).intid, 40);
	assert_int_equal(lr(0, 0).state, HAL_LR_ACTIVE);
	assert_true(bit_of(0, GICD_ISACTIVER, 40));
	assert_true(underflow_requested(0));
}

static void
test_vgic_level_interrupt_repends_if_line_high_at_completion(void **st)
{
	(void)st;
	enable(1, 30, 0x20);
	vgic_set_level(vm, cpu(1), 30, true);
	enter(1);
	assert_int_equal(lr(1, 0).intid, 30);
	guest_sets(1, 0, HAL_LR_ACTIVE);
	enter(1);
	/* Acknowledged, line still high: active, not offered again yet. */
	assert_int_equal(lr(1, 0).state, HAL_LR_ACTIVE);
	assert_true(bit_of(1, GICD_ISPENDR, 30));
	guest_sets(1, 0, HAL_LR_INVALID);
	enter(1);
	assert_int_equal(lr(1, 0).intid, 30);
	assert_int_equal(lr(1, 0).state, HAL_LR_PENDING);
	/* Completed after the line dropped: gone. */
	guest_sets(1, 0, HAL_LR_ACTIVE);
	enter(1);
	vgic_set_level(vm, cpu(1), 30, false);
	guest_sets(1, 0, HAL_LR_INVALID);
	enter(1);
	assert_int_equal(lrs_valid(1), 0);
	assert_false(bit_of(1, GICD_ISPENDR, 30));
}

static void
test_vgic_edge_while_active_makes_the_lr_pending_and_active(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ICFGR + 8, 0x2);
	enable(0, 32, 0x20);
	vgic_set_level(vm, NULL, 32, true);
	vgic_set_level(vm, NULL, 32, false);
	enter(0);
	guest_sets(0, 0, HAL_LR_ACTIVE);
	enter(0);
	vgic_set_level(vm, NULL, 32, true);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING_ACTIVE);
	/* The guest deactivates it: the new edge is still there. */
	guest_sets(0, 0, HAL_LR_PENDING);
	enter(0);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	assert_false(bit_of(0, GICD_ISACTIVER, 32));
	assert_true(bit_of(0, GICD_ISPENDR, 32));
}

static void test_vgic_hw_interrupt_lr_links_the_physical_one(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	vtimer_fires(0);
	enter(0);
	assert_int_equal(lr(0, 0).intid, GIC_PPI_VTIMER);
	assert_true(lr(0, 0).hw);
	assert_int_equal(lr(0, 0).pintid, GIC_PPI_VTIMER);
	assert_int_equal(lr(0, 0).priority, 0x08);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	/* A second firing while active waits: no pending+active HW LR. */
	guest_sets(0, 0, HAL_LR_ACTIVE);
	enter(0);
	vtimer_fires(0);
	assert_int_equal(lr(0, 0).state, HAL_LR_ACTIVE);
	guest_sets(0, 0, HAL_LR_INVALID);
	enter(0);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	assert_true(lr(0, 0).hw);
}

/* What the vGIC holds of vCPU c's virtual timer: model and LRs. */
struct vtimer_view {
	struct vgic_irq irq;
	uint16_t lr_used;
	uint32_t lr_intid[HAL_LR_MAX];
	uint32_t offered;
	struct hal_lr lrs[HAL_LR_MAX];
};

static struct vtimer_view vtimer_view(unsigned c)
{
	struct vtimer_view w;

	memset(&w, 0, sizeof(w));
	w.irq = cpu(c)->vgic.priv[GIC_PPI_VTIMER];
	w.lr_used = cpu(c)->vgic.lr_used;
	memcpy(w.lr_intid, cpu(c)->vgic.lr_intid, sizeof(w.lr_intid));
	w.offered = cpu(c)->vgic.offered;
	for (unsigned i = 0; i < HAL_LR_MAX; i++)
		w.lrs[i] = lr(c, i);
	return w;
}

/*
 * vCPU 0's timer enabled at prio, flushed (nothing waits); with
 * completed, one instance delivered and completed by the guest first.
 */
static void vtimer_ready(unsigned version, uint8_t prio, bool completed)
{
	boot(version, VCPUS);
	enable(0, GIC_PPI_VTIMER, prio);
	enter(0);
	if (completed) {
		vtimer_fires(0);
		enter(0);
		guest_sets(0, 0, HAL_LR_ACTIVE);
		guest_sets(0, 0, HAL_LR_INVALID);
	}
	vtimer_line(0, true);
}

/* The direct path leaves the vGIC as vgic_inject_hw and a flush do. */
static void assert_vtimer_fire_as_inject(unsigned version, uint8_t prio,
					 bool completed)
{
	struct vtimer_view slow, fast;

	vtimer_ready(version, prio, completed);
	vgic_inject_hw(cpu(0), GIC_PPI_VTIMER, GIC_PPI_VTIMER);
	enter(0);
	slow = vtimer_view(0);
	vtimer_ready(version, prio, completed);
	assert_true(vgic_vtimer_fire(cpu(0)));
	fast = vtimer_view(0);
	assert_memory_equal(&fast, &slow, sizeof(fast));
	assert_int_equal(fast.lrs[0].state, HAL_LR_PENDING);
	assert_true(fast.lrs[0].hw);
	assert_int_equal(fast.lrs[0].priority, prio);
	/* And what comes after is the same too: acknowledge, complete. */
	guest_sets(0, 0, HAL_LR_ACTIVE);
	enter(0);
	assert_true(bit_of(0, GICD_ISACTIVER, GIC_PPI_VTIMER));
	guest_sets(0, 0, HAL_LR_INVALID);
	vtimer_line(0, false);
	enter(0);
	assert_false(bit_of(0, GICD_ISACTIVER, GIC_PPI_VTIMER));
	assert_false(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	assert_int_equal(lrs_valid(0), 0);
}

static void test_vgic_vtimer_fire_does_what_inject_and_flush_do(void **st)
{
	(void)st;
	for (unsigned version = 2; version <= 3; version++) {
		assert_vtimer_fire_as_inject(version, 0x08, false);
		assert_vtimer_fire_as_inject(version, 0xa0, false);
		/* Its LR holds the last instance, completed by the guest. */
		assert_vtimer_fire_as_inject(version, 0x08, true);
		assert_vtimer_fire_as_inject(version, 0xa0, true);
	}
}

/* The direct path declines, changing nothing, what it does not take. */
static void assert_vtimer_fire_declines(void)
{
	struct vtimer_view before = vtimer_view(0);
	bool rescan = cpu(0)->vgic.rescan;

	assert_false(vgic_vtimer_fire(cpu(0)));
	struct vtimer_view after = vtimer_view(0);

	assert_memory_equal(&after, &before, sizeof(after));
	assert_int_equal(cpu(0)->vgic.rescan, rescan);
}

static void test_vgic_vtimer_fire_declines_what_it_does_not_take(void **st)
{
	(void)st;
	/* Disabled. */
	vtimer_ready(3, 0x08, false);
	set_bit_of(0, GICD_ICENABLER, GIC_PPI_VTIMER);
	enter(0);
	assert_vtimer_fire_declines();
	/* Its group disabled. */
	vtimer_ready(3, 0x08, false);
	gicd_wr(0, GICD_CTLR, 1);
	enter(0);
	assert_vtimer_fire_declines();
	/* The model changed since the last flush. */
	vtimer_ready(3, 0x08, false);
	cpu(0)->vgic.rescan = true;
	assert_vtimer_fire_declines();
	/* Pending already (set through ISPENDR, not in an LR: no LR free). */
	vtimer_ready(2, 0xa0, false);
	for (unsigned i = 0; i < 4; i++)
		pend_spi(40 + i, 0x10);
	set_bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER);
	enter(0);
	assert_int_equal(lr_of(0, GIC_PPI_VTIMER), -1);
	assert_vtimer_fire_declines();
	/* Idle, but every list register taken. */
	vtimer_ready(2, 0xa0, false);
	for (unsigned i = 0; i < 4; i++)
		pend_spi(40 + i, 0x10);
	enter(0);
	assert_int_equal(lrs_valid(0), 4);
	assert_vtimer_fire_declines();
	/* In an LR without the hardware link (made pending by the guest). */
	vtimer_ready(3, 0x08, false);
	set_bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER);
	enter(0);
	assert_int_equal(lr_of(0, GIC_PPI_VTIMER), 0);
	guest_sets(0, 0, HAL_LR_INVALID);
	assert_vtimer_fire_declines();
}

static void test_vgic_vtimer_fire_declines_with_several_cpus(void **st)
{
	(void)st;
	vtimer_ready(3, 0x08, false);
	/* The machine has two CPUs: locks are real, the VM's shared. */
	hal_sim_set_cpus(2);
	hv_lock_init(&vm->lock);
	gicd_wr(0, GICD_CTLR, 3);
	enter(0);
	assert_int_equal(vm->vgic.ctlr_direct, 0);
	assert_vtimer_fire_declines();
	/* The ordinary path still works. */
	vgic_inject_hw(cpu(0), GIC_PPI_VTIMER, GIC_PPI_VTIMER);
	enter(0);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	hal_sim_set_cpus(1);
	hv_lock_init(&vm->lock);
}

static void test_vgic_inject_hw_takes_ppis_only(void **st)
{
	(void)st;
	vgic_inject_hw(cpu(0), 3, 27);
	vgic_inject_hw(cpu(0), 40, 27);
	assert_int_equal(gicr_rd(0, GICR_SGI + GICD_ISPENDR), 0);
	assert_false(bit_of(0, GICD_ISPENDR, 40));
	assert_int_equal(vm->vgic.spi[8].hw_intid, 0);
	vgic_inject_hw(cpu(2), GIC_PPI_PTIMER, GIC_PPI_PTIMER);
	assert_true(bit_of(2, GICD_ISPENDR, GIC_PPI_PTIMER));
}

static void
test_vgic_clearing_a_hw_interrupt_deactivates_the_physical(void **st)
{
	(void)st;
	hal_irq_enable(GIC_PPI_VTIMER, true);
	hal_sim_irq_raise(GIC_PPI_VTIMER);
	assert_int_equal(hal_irq_ack(), GIC_PPI_VTIMER);
	assert_true(hal_sim_irq_active(GIC_PPI_VTIMER));
	enable(0, GIC_PPI_VTIMER, 0x08);
	vtimer_fires(0);
	enter(0);
	gicr_wr(0, GICR_SGI + GICD_ICPENDR, 1u << GIC_PPI_VTIMER);
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_int_equal(lrs_valid(0), 0);
}

/* The physical PPI 27 fired on this CPU and was forwarded to vCPU c. */
static void vtimer_fired_physically(unsigned c)
{
	hal_irq_enable(GIC_PPI_VTIMER, true);
	hal_sim_irq_raise(GIC_PPI_VTIMER);
	assert_int_equal(hal_irq_ack(), GIC_PPI_VTIMER);
	vtimer_fires(c);
	hal_sim_irq_lower(GIC_PPI_VTIMER);
}

static void test_vgic_vtimer_line_low_while_disabled_is_not_pending(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	set_bit_of(0, GICD_ICENABLER, GIC_PPI_VTIMER);
	vtimer_fired_physically(0);
	enter(0);
	assert_true(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	assert_true(hal_sim_irq_active(GIC_PPI_VTIMER));
	/* The guest turns its timer off: the line is low. */
	vtimer_line(0, false);
	assert_false(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
	/* Enabled again, nothing is delivered. */
	set_bit_of(0, GICD_ISENABLER, GIC_PPI_VTIMER);
	enter(0);
	assert_int_equal(lrs_valid(0), 0);
	assert_false(vgic_has_pending(cpu(0)));
}

static void test_vgic_vtimer_enable_resamples_the_line(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	set_bit_of(0, GICD_ICENABLER, GIC_PPI_VTIMER);
	vtimer_fired_physically(0);
	enter(0);
	vtimer_line(0, false);
	/* No read in between: the enable itself looks at the line. */
	set_bit_of(0, GICD_ISENABLER, GIC_PPI_VTIMER);
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
	enter(0);
	assert_int_equal(lrs_valid(0), 0);
}

static void test_vgic_vtimer_still_high_stays_pending(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	set_bit_of(0, GICD_ICENABLER, GIC_PPI_VTIMER);
	vtimer_fired_physically(0);
	assert_true(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	set_bit_of(0, GICD_ISENABLER, GIC_PPI_VTIMER);
	enter(0);
	assert_true(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_int_equal(lr(0, 0).intid, GIC_PPI_VTIMER);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
}

static void test_vgic_vtimer_masked_in_its_lr_is_taken_back(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	vtimer_fired_physically(0);
	enter(0);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	/* IMASK with an expired deadline, before the guest took it. */
	hal_vcpu_el1_write(&cpu(0)->arch, EL1_CNTV_CTL, 3);
	enter(0);
	assert_int_equal(lrs_valid(0), 0);
	assert_false(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
}

static void test_vgic_vtimer_acknowledged_is_left_to_the_guest(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	vtimer_fired_physically(0);
	enter(0);
	guest_sets(0, 0, HAL_LR_ACTIVE);
	/* Masked in the handler: active, not pending; the guest ends it. */
	vtimer_line(0, false);
	assert_false(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	assert_true(bit_of(0, GICD_ISACTIVER, GIC_PPI_VTIMER));
	assert_true(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_int_equal(lr(0, 0).state, HAL_LR_ACTIVE);
}

static void
test_vgic_vtimer_of_a_vcpu_loaded_elsewhere_is_not_sampled(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	set_bit_of(0, GICD_ICENABLER, GIC_PPI_VTIMER);
	vtimer_fired_physically(0);
	vtimer_line(0, false);
	/* Its registers are in another CPU's hardware: the model stays. */
	cpu(0)->arch.loaded_on = 1;
	assert_true(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	cpu(0)->arch.loaded_on = -1;
	assert_false(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
}

static void test_vgic_vcpu_put_ends_an_active_vtimer_in_software(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	vtimer_fired_physically(0);
	enter(0);
	guest_sets(0, 0, HAL_LR_ACTIVE);
	/* Another vCPU takes this CPU: the physical PPI must not stay
	 * active under it. */
	vgic_vcpu_put(cpu(0));
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_false(lr(0, 0).hw);
	assert_int_equal(lr(0, 0).state, HAL_LR_ACTIVE);
	assert_int_equal(cpu(0)->vgic.priv[GIC_PPI_VTIMER].hw_intid, 0);
	/* The guest completes it later, as a software interrupt. */
	guest_sets(0, 0, HAL_LR_INVALID);
	enter(0);
	assert_int_equal(lrs_valid(0), 0);
	assert_false(bit_of(0, GICD_ISACTIVER, GIC_PPI_VTIMER));
}

static void test_vgic_vcpu_put_drops_a_pending_vtimer(void **st)
{
	(void)st;
	enable(0, GIC_PPI_VTIMER, 0x08);
	vtimer_fired_physically(0);
	enter(0);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	vgic_vcpu_put(cpu(0));
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_int_equal(lrs_valid(0), 0);
	assert_false(bit_of(0, GICD_ISPENDR, GIC_PPI_VTIMER));
	/* Back on its CPU with its timer still expired: it fires again. */
	vtimer_fired_physically(0);
	enter(0);
	assert_true(lr(0, 0).hw);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
}

static void test_vgic_vcpu_put_without_a_forwarded_timer_does_nothing(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	enter(0);
	vgic_vcpu_put(cpu(0));
	assert_int_equal(lr(0, 0).intid, 40);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
}

static void test_vgic_disabling_takes_a_pending_lr_back(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	pend_spi(41, 0x50);
	enter(0);
	guest_sets(0, 1, HAL_LR_ACTIVE);
	gicd_wr(1, GICD_ICENABLER + 4, 0x300);
	assert_int_equal(lr_of(0, 40), -1);
	/* An active one stays for the guest to deactivate. */
	assert_int_equal(lr(0, 1).state, HAL_LR_ACTIVE);
	assert_true(bit_of(0, GICD_ISPENDR, 40));
	gicd_wr(1, GICD_ISENABLER + 4, 1u << 8);
	enter(0);
	assert_true(lr_of(0, 40) >= 0);
}

static void test_vgic_group_disable_takes_pending_lrs_back(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	enable(1, 20, 0x50);
	vgic_set_level(vm, cpu(1), 20, true);
	enter(0);
	enter(1);
	assert_int_equal(lrs_valid(0) + lrs_valid(1), 2);
	gicd_wr(2, GICD_CTLR, 0);
	assert_int_equal(lrs_valid(0) + lrs_valid(1), 0);
	gicd_wr(2, GICD_CTLR, 2);
	enter(0);
	enter(1);
	assert_int_equal(lrs_valid(0) + lrs_valid(1), 2);
}

static void test_vgic_v2_retargeting_moves_a_pending_spi(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	enter(0);
	assert_true(lr_of(0, 40) >= 0);
	wr(1, VGIC_GICD_IPA + GICD_ITARGETSR + 40, 1, 0x2);
	assert_int_equal(lr_of(0, 40), -1);
	enter(1);
	assert_true(lr_of(1, 40) >= 0);
	assert_int_equal(vm->vgic.spi[8].vcpu, 1);
}

static void test_vgic_priority_change_reaches_a_pending_lr_only(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	pend_spi(41, 0x50);
	enter(0);
	guest_sets(0, 1, HAL_LR_ACTIVE);
	gicd_wr(0, GICD_IPRIORITYR + 40, 0x00002020);
	assert_int_equal(lr(0, 0).priority, 0x20);
	/* The active one keeps the priority it was taken with. */
	assert_int_equal(lr(0, 1).priority, 0x50);
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 40), 0x00002020);
}

static void test_vgic_clearing_active_offers_pending_at_new_priority(void **st)
{
	(void)st;
	gicd_wr(0, GICD_ICFGR + 8, 0x2);
	enable(0, 32, 0x50);
	vgic_set_level(vm, NULL, 32, true);
	vgic_set_level(vm, NULL, 32, false);
	enter(0);
	guest_sets(0, 0, HAL_LR_ACTIVE);
	enter(0);
	vgic_set_level(vm, NULL, 32, true);
	wr(0, VGIC_GICD_IPA + GICD_IPRIORITYR + 32, 1, 0xc0);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING_ACTIVE);
	assert_int_equal(lr(0, 0).priority, 0x50);
	gicd_wr(0, GICD_ICACTIVER + 4, 1);
	assert_int_equal(lr(0, 0).state, HAL_LR_PENDING);
	assert_int_equal(lr(0, 0).priority, 0xc0);
}

static void test_vgic_has_pending_follows_lrs_model_and_pmr(void **st)
{
	(void)st;
	set_pmr(0, 0xff);
	assert_false(vgic_has_pending(cpu(0)));
	pend_spi(40, 0x50);
	/* Pending in the model, not yet in an LR. */
	assert_true(vgic_has_pending(cpu(0)));
	assert_false(vgic_has_pending(cpu(1)));
	enter(0);
	assert_true(vgic_has_pending(cpu(0)));
	set_pmr(0, 0x50);
	assert_false(vgic_has_pending(cpu(0)));
	set_pmr(0, 0x58);
	assert_true(vgic_has_pending(cpu(0)));
	set_pmr(0, 0);
	assert_false(vgic_has_pending(cpu(0)));
	set_pmr(0, 0xff);
	guest_sets(0, 0, HAL_LR_ACTIVE);
	assert_false(vgic_has_pending(cpu(0)));
	/* Disabled: not deliverable, not pending for WFI. */
	pend_spi(41, 0x10);
	gicd_wr(0, GICD_ICENABLER + 4, 1u << 9);
	assert_false(vgic_has_pending(cpu(0)));
}

static void test_vgic_flush_without_a_change_leaves_lrs_alone(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	enter(0);
	assert_false(cpu(0)->vgic.rescan);
	vgic_flush(cpu(0));
	assert_int_equal(lrs_valid(0), 1);
	/* The guest acknowledging it is a change that sync notices. */
	guest_sets(0, 0, HAL_LR_ACTIVE);
	vgic_sync(cpu(0));
	assert_true(cpu(0)->vgic.rescan);
}

static void test_vgic_vcpu_reset_empties_lrs_and_private_state(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	enable(1, 27, 0x10);
	vgic_set_level(vm, cpu(1), 27, true);
	wr(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 40, 8, 1);
	gicr_wr(1, GICR_WAKER, 0);
	enter(1);
	assert_int_equal(lrs_valid(1), 2);
	guest_sets(1, (unsigned)lr_of(1, 40), HAL_LR_ACTIVE);
	vgic_vcpu_reset(cpu(1));
	assert_int_equal(lrs_valid(1), 0);
	assert_int_equal(cpu(1)->vgic.lr_used, 0);
	assert_false(underflow_requested(1));
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_ISENABLER), 0);
	assert_int_equal(gicr_rd(1, GICR_SGI + GICD_ISPENDR), 0);
	assert_int_equal(gicr_rd(1, GICR_WAKER), 0x6);
	/* The SPI it had taken is not active any more; the distributor
	 * keeps the rest. */
	assert_false(bit_of(0, GICD_ISACTIVER, 40));
	assert_true(gicd_rd(0, GICD_ISENABLER + 4) & (1u << 8));
	assert_int_equal(vm->vgic.spi[8].lr, VGIC_NO_LR);
}

static void test_vgic_vcpu_reset_ends_a_forwarded_physical_interrupt(void **st)
{
	(void)st;
	hal_irq_enable(GIC_PPI_VTIMER, true);
	hal_sim_irq_raise(GIC_PPI_VTIMER);
	assert_int_equal(hal_irq_ack(), GIC_PPI_VTIMER);
	enable(0, GIC_PPI_VTIMER, 0x08);
	vtimer_fires(0);
	enter(0);
	guest_sets(0, 0, HAL_LR_ACTIVE);
	vgic_vcpu_reset(cpu(0));
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_int_equal(lrs_valid(0), 0);
	assert_int_equal(cpu(0)->vgic.priv[GIC_PPI_VTIMER].hw_intid, 0);
}

static void test_vgic_reset_restores_the_distributor(void **st)
{
	(void)st;
	pend_spi(40, 0x50);
	wr(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 41, 8, 2);
	enter(0);
	vgic_reset(vm);
	assert_int_equal(gicd_rd(0, GICD_CTLR), 0x50);
	assert_int_equal(gicd_rd(0, GICD_ISENABLER + 4), 0);
	assert_int_equal(gicd_rd(0, GICD_ISPENDR + 4), 0);
	assert_int_equal(gicd_rd(0, GICD_IPRIORITYR + 40), 0);
	assert_int_equal(rd(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 41, 8), 0);
	assert_int_equal(lrs_valid(0), 0);
}

#define V3(t) cmocka_unit_test_setup(t, setup_v3)
#define V2(t) cmocka_unit_test_setup(t, setup_v2)

/* Physical CPUs: vCPU c's home is CPU c (as vm_create does with 3). */
static void three_cpus(void)
{
	hal_sim_set_cpus(3);
	for (unsigned c = 0; c < VCPUS; c++)
		cpu(c)->arch.cpu = c;
}

static unsigned kicks(unsigned pcpu)
{
	return hal_sim_stats()->kicks[pcpu];
}

static void test_vgic_sgi_to_a_vcpu_homed_elsewhere_kicks_its_cpu(void **st)
{
	(void)st;
	three_cpus();
	enable(1, 3, 0x10);
	/* Disabled on vCPU 2: pending there, but nothing to take now. */
	gicd_wr(0, GICD_SGIR, 0x00060003);
	assert_int_equal(kicks(1), 1);
	assert_int_equal(kicks(2), 0);
	assert_int_equal(sgi_pending_on(2, 3), 0x01);
	/* Its own CPU is never kicked. */
	gicd_wr(0, GICD_SGIR, 0x02000003);
	assert_int_equal(kicks(0), 0);
	/* The kicked CPU finds it at its next flush. */
	hal_sim_set_cpu_id(1);
	enter(1);
	assert_int_equal(lr(1, 0).intid, 3);
	assert_int_equal(lr(1, 0).state, HAL_LR_PENDING);
	hal_sim_set_cpu_id(0);
}

static void test_vgic_sgi1r_kicks_the_targets_cpus(void **st)
{
	(void)st;
	three_cpus();
	enable(1, 5, 0x10);
	enable(2, 5, 0x10);
	vgic_sgi1r_write(cpu(0), (1ull << 40) | sgi1r(5, 0, 0));
	assert_int_equal(kicks(0), 0);
	assert_int_equal(kicks(1), 1);
	assert_int_equal(kicks(2), 1);
}

static void test_vgic_spi_kicks_only_the_cpu_it_is_routed_to(void **st)
{
	(void)st;
	three_cpus();
	enable(0, 40, 0x20);
	wr(0, VGIC_GICD_IPA + GICD_IROUTER + 8 * 40, 8, 2); /* vCPU 2 */
	vgic_set_level(vm, NULL, 40, true);
	assert_int_equal(kicks(1), 0);
	assert_int_equal(kicks(2), 1);
	/* The line falling gives nobody anything to take. */
	vgic_set_level(vm, NULL, 40, false);
	assert_int_equal(kicks(2), 1);
}

static void test_vgic_remote_reset_leaves_the_ppi_to_its_home_cpu(void **st)
{
	(void)st;
	three_cpus();
	/* vCPU 1's timer fired on CPU 1 and is in its LR, active. */
	hal_sim_set_cpu_id(1);
	enable(1, GIC_PPI_VTIMER, 0x08);
	hal_irq_enable(GIC_PPI_VTIMER, true);
	hal_sim_irq_raise(GIC_PPI_VTIMER);
	assert_int_equal(hal_irq_ack(), GIC_PPI_VTIMER);
	vtimer_fires(1);
	enter(1);
	guest_sets(1, 0, HAL_LR_ACTIVE);
	/* CPU 0 resets it: the PPI is banked on CPU 1, which ends it. */
	hal_sim_set_cpu_id(0);
	vgic_vcpu_reset(cpu(1));
	assert_true(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_int_equal(cpu(1)->vgic.hw_deactivate, 1u << GIC_PPI_VTIMER);
	assert_int_equal(kicks(1), 1);
	hal_sim_set_cpu_id(1);
	vgic_sync(cpu(1));
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
	assert_int_equal(cpu(1)->vgic.hw_deactivate, 0);
	hal_sim_set_cpu_id(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    V3(test_vgic_init_refuses_a_machine_without_a_known_gic),
	    V3(test_vgic_v3_covers_gicd_and_a_gicr_frame_pair_per_vcpu),
	    V2(test_vgic_v2_maps_gicc_onto_the_hardware_gicv),
	    V2(test_vgic_v2_refuses_a_gicv_smaller_than_gicc),
	    V3(test_vgic_v3_ctlr_keeps_group_enables_with_are_and_ds_rao),
	    V2(test_vgic_v2_ctlr_has_enable_grp0_and_grp1),
	    V3(test_vgic_v3_typer_reports_lines_idbits_and_no1n),
	    V2(test_vgic_v2_typer_reports_lines_and_cpu_number),
	    V3(test_vgic_v3_iidr_and_pidr2_are_read_only),
	    V2(test_vgic_v2_icpidr2_reports_archrev_2),
	    V3(test_vgic_reserved_distributor_space_is_raz_wi),
	    V3(test_vgic_v3_igroupr_resets_group1_and_reads_as_written),
	    V2(test_vgic_v2_igroupr_resets_group0_and_banks_word_0),
	    V3(test_vgic_set_enable_and_clear_enable_pair),
	    V2(test_vgic_set_enable_and_clear_enable_pair),
	    V3(test_vgic_v3_distributor_private_words_are_raz_wi),
	    V3(test_vgic_intids_beyond_the_last_spi_are_raz_wi),
	    V2(test_vgic_intids_beyond_the_last_spi_are_raz_wi),
	    V3(test_vgic_set_pending_and_clear_pending_pair),
	    V3(test_vgic_clear_pending_keeps_a_level_interrupt_with_line_high),
	    V3(test_vgic_set_active_and_clear_active_pair),
	    V3(test_vgic_ipriorityr_keeps_five_bits_in_byte_and_word),
	    V2(test_vgic_v2_private_priorities_are_banked),
	    V2(test_vgic_v2_itargetsr_private_bytes_read_own_cpu),
	    V2(test_vgic_v2_itargetsr_bits_of_absent_cpus_read_zero),
	    V2(test_vgic_v2_spis_target_vcpu0_after_reset),
	    V3(test_vgic_v3_itargetsr_is_raz_wi),
	    V2(test_vgic_icfgr_sgis_read_edge_and_ignore_writes),
	    V3(test_vgic_icfgr_ppis_and_spis_are_configurable),
	    V2(test_vgic_v2_sgir_is_write_only),
	    V2(test_vgic_v2_sgir_target_list_filters),
	    V2(test_vgic_v2_sgi_pending_is_per_sender),
	    V2(test_vgic_v2_sgi_goes_to_the_lr_one_sender_at_a_time),
	    V3(test_vgic_v3_irouter_takes_affinity_in_64_and_32_bits),
	    V3(test_vgic_v3_irouter_of_private_intids_is_raz_wi),
	    V3(test_vgic_v3_irouter_delivers_to_the_matching_vcpu),
	    V3(test_vgic_v3_wrong_access_widths_are_refused),
	    V2(test_vgic_v2_wrong_access_widths_are_refused),
	    V3(test_vgic_guest_byte_store_to_isenabler_gets_an_abort),
	    V3(test_vgic_guest_word_load_of_typer_is_emulated),
	    V3(test_vgic_gicr_typer_reports_affinity_number_and_last),
	    V3(test_vgic_gicr_waker_children_asleep_follows_sleep),
	    V3(test_vgic_gicr_ctlr_iidr_and_pidr2),
	    V3(test_vgic_gicr_sgi_frame_is_the_frames_vcpu_only),
	    V3(test_vgic_sgi1r_targets_the_aff0_list),
	    V3(test_vgic_sgi1r_irm_targets_everyone_but_the_sender),
	    V3(test_vgic_sgi1r_to_another_cluster_reaches_nobody),
	    V3(test_vgic_sgi1r_skips_targets_with_the_sgi_in_group0),
	    V3(test_vgic_edge_spi_latches_rising_edges_only),
	    V3(test_vgic_set_level_ignores_sgis_and_unknown_intids),
	    V3(test_vgic_level_spi_leaves_its_lr_when_line_drops),
	    V3(test_vgic_flush_fills_lrs_by_priority_then_intid),
	    V2(test_vgic_v2_lrs_carry_the_interrupts_group),
	    V3(test_vgic_flush_offers_only_what_may_be_delivered),
	    V2(test_vgic_v2_spi_goes_to_a_targeted_vcpu_only),
	    V3(test_vgic_more_pending_than_lrs_requests_underflow),
	    V2(test_vgic_more_pending_than_lrs_requests_underflow),
	    V3(test_vgic_two_lrs_hold_the_two_most_urgent),
	    V3(test_vgic_guest_acknowledge_and_completion_reach_the_model),
	    V3(test_vgic_more_urgent_interrupt_evicts_a_pending_lr),
	    V3(test_vgic_active_lrs_are_never_evicted),
	    V3(test_vgic_eviction_notices_an_unsynced_acknowledge),
	    V3(test_vgic_level_interrupt_repends_if_line_high_at_completion),
	    V2(test_vgic_level_interrupt_repends_if_line_high_at_completion),
	    V3(test_vgic_edge_while_active_makes_the_lr_pending_and_active),
	    V3(test_vgic_vtimer_line_low_while_disabled_is_not_pending),
	    V2(test_vgic_vtimer_line_low_while_disabled_is_not_pending),
	    V3(test_vgic_vtimer_enable_resamples_the_line),
	    V2(test_vgic_vtimer_enable_resamples_the_line),
	    V3(test_vgic_vtimer_still_high_stays_pending),
	    V2(test_vgic_vtimer_still_high_stays_pending),
	    V3(test_vgic_vtimer_masked_in_its_lr_is_taken_back),
	    V2(test_vgic_vtimer_masked_in_its_lr_is_taken_back),
	    V3(test_vgic_vtimer_acknowledged_is_left_to_the_guest),
	    V2(test_vgic_vtimer_acknowledged_is_left_to_the_guest),
	    V3(test_vgic_vtimer_of_a_vcpu_loaded_elsewhere_is_not_sampled),
	    V2(test_vgic_vtimer_of_a_vcpu_loaded_elsewhere_is_not_sampled),
	    V3(test_vgic_vcpu_put_ends_an_active_vtimer_in_software),
	    V2(test_vgic_vcpu_put_ends_an_active_vtimer_in_software),
	    V3(test_vgic_vcpu_put_drops_a_pending_vtimer),
	    V2(test_vgic_vcpu_put_drops_a_pending_vtimer),
	    V3(test_vgic_vcpu_put_without_a_forwarded_timer_does_nothing),
	    V2(test_vgic_vcpu_put_without_a_forwarded_timer_does_nothing),
	    V3(test_vgic_hw_interrupt_lr_links_the_physical_one),
	    V2(test_vgic_hw_interrupt_lr_links_the_physical_one),
	    V3(test_vgic_inject_hw_takes_ppis_only),
	    V2(test_vgic_sgi_to_a_vcpu_homed_elsewhere_kicks_its_cpu),
	    V3(test_vgic_sgi1r_kicks_the_targets_cpus),
	    V3(test_vgic_spi_kicks_only_the_cpu_it_is_routed_to),
	    V3(test_vgic_remote_reset_leaves_the_ppi_to_its_home_cpu),
	    V3(test_vgic_clearing_a_hw_interrupt_deactivates_the_physical),
	    V3(test_vgic_disabling_takes_a_pending_lr_back),
	    V3(test_vgic_group_disable_takes_pending_lrs_back),
	    V2(test_vgic_v2_retargeting_moves_a_pending_spi),
	    V3(test_vgic_priority_change_reaches_a_pending_lr_only),
	    V3(test_vgic_clearing_active_offers_pending_at_new_priority),
	    V3(test_vgic_has_pending_follows_lrs_model_and_pmr),
	    V3(test_vgic_flush_without_a_change_leaves_lrs_alone),
	    V3(test_vgic_vcpu_reset_empties_lrs_and_private_state),
	    V3(test_vgic_vcpu_reset_ends_a_forwarded_physical_interrupt),
	    V3(test_vgic_reset_restores_the_distributor),
	    V3(test_vgic_vtimer_fire_does_what_inject_and_flush_do),
	    V3(test_vgic_vtimer_fire_declines_what_it_does_not_take),
	    V3(test_vgic_vtimer_fire_declines_with_several_cpus),
	    V3(test_vgic_gicd_direct_path_ends_as_the_general_one),
	    V3(test_vgic_gicd_direct_path_keeps_ctlr_reads_current),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
