/*
 * fuzz_vgic: libFuzzer target for the virtual GIC (hv/vgic.c).
 *
 * The input is a machine and a script. Its first bytes choose the GIC
 * version (2 or 3), the number of vCPUs (1-4) and of list registers
 * (1-16); the rest is a sequence of steps: distributor and redistributor
 * reads and writes (any offset, size, value and accessing vCPU), interrupt
 * inputs (vgic_set_level, vgic_inject_hw), ICC_SGI1R_EL1 writes, vCPU
 * entries (vgic_sync + vgic_flush), the guest's side of a list register
 * (acknowledge, complete, both; only the transitions a virtual CPU
 * interface makes), priority mask changes and resets.
 *
 * After every step the model and the list registers are checked against
 * invariants, with an independent reading of the rules where it is cheap;
 * a violation aborts. Among them: an interrupt is in at most one LR and
 * lr_used says which, an LR only shows pending what may be delivered
 * (enabled, group enabled, targeted), priorities keep five bits, ITARGETSR
 * holds no absent CPU, the bitmaps of offered interrupts match the
 * model, write-only registers read as zero, legal accesses
 * are never refused and illegal widths always are. After an entry, what
 * did not fit waits only because every LR is taken by something at least
 * as urgent, and the underflow request says whether anything waits.
 */
#include "hal_sim.h"

#include "hv/mmio.h"
#include "hv/page_pool.h"
#include "hv/vgic/vgic.h"
#include "hv/vm.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_PA   0x48000000ull
#define ARENA_SIZE 0x00200000ull
#define RAM_IPA	   0x40000000ull
#define RAM_SIZE   0x00010000ull
#define POOL_PA	   0x100000000ull
#define POOL_PAGES 16u
#define MAX_STEPS  2000u

#define GICD_IGROUPR	0x0080
#define GICD_ITARGETSR	0x0800
#define GICD_ICFGR	0x0c00
#define GICD_SGIR	0x0f00
#define GICD_IROUTER	0x6000
#define GICR_TYPER	0x0008
#define GICR_SGI	0x10000
#define GICD_IPRIORITYR 0x0400

#define ICH_HCR_UIE (1ull << 1)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static _Alignas(PAGE_SIZE) uint8_t pool_mem[POOL_PAGES][PAGE_SIZE];
static uint32_t pool_links[POOL_PAGES];
static struct page_pool pool;
static struct vm_config cfg;
static struct vm vm;
static bool guest_touched[HV_MAX_VCPUS]; /* LRs changed since its sync */
/* Acknowledged by the guest, with nothing since that could pend it. */
static bool acked[HV_MAX_VCPUS][VGIC_INTID_COUNT];

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->left > 0; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static struct vgic_irq *irq_of(struct vcpu *v, unsigned intid)
{
	return intid < GIC_PRIVATE_COUNT ? &v->vgic.priv[intid]
					 : &vm.vgic.spi[intid - 32];
}

/* The rules, read again from hv/vgic.h and the GIC specifications. */

static bool v2_sgi(unsigned intid)
{
	return vm.vgic.version == 2 && intid < GIC_SGI_COUNT;
}

static bool offered(const struct vgic_irq *irq, unsigned intid)
{
	if (v2_sgi(intid))
		return irq->sgi_sources != 0;
	return irq->pending || (irq->level && !irq->edge && !irq->active);
}

static bool deliverable(const struct vgic_irq *irq, unsigned intid,
			const struct vcpu *v)
{
	uint32_t grp = irq->group1 ? 2 : 1;

	if (!irq->enabled || !(vm.vgic.ctlr & grp))
		return false;
	if (intid < GIC_PRIVATE_COUNT)
		return true;
	if (vm.vgic.version == 2)
		return (irq->targets >> v->id) & 1;
	return irq->route == (vcpu_mpidr(v->id) & MPIDR_AFF_MASK);
}

static bool waiting(struct vcpu *v, unsigned intid)
{
	struct vgic_irq *irq = irq_of(v, intid);

	return irq->lr == VGIC_NO_LR && offered(irq, intid) &&
	       deliverable(irq, intid, v);
}

static unsigned lr_count(void)
{
	return hal_gic()->lr_count;
}

static void check_lrs(struct vcpu *v, bool synced)
{
	uint32_t seen[VGIC_INTID_COUNT / 32] = {0};

	for (unsigned n = 0; n < HAL_LR_MAX; n++) {
		bool used = (v->vgic.lr_used >> n) & 1;
		struct vgic_irq *irq;
		struct hal_lr lr;
		unsigned intid;

		hal_vgic_lr_read(&v->arch, n, &lr);
		if (!used) {
			CHECK(lr.state == HAL_LR_INVALID);
			continue;
		}
		CHECK(n < lr_count());
		intid = v->vgic.lr_intid[n];
		CHECK(intid < VGIC_INTID_COUNT);
		CHECK(lr.intid == intid);
		CHECK(!(seen[intid / 32] & (1u << (intid % 32))));
		seen[intid / 32] |= 1u << (intid % 32);
		irq = irq_of(v, intid);
		CHECK(irq->lr == n && irq->vcpu == v->id);
		CHECK((lr.priority & 7) == 0);
		CHECK(lr.hw == (irq->hw_intid != 0));
		CHECK(!lr.hw || lr.pintid == irq->hw_intid);
		CHECK(!lr.hw || lr.state != HAL_LR_PENDING_ACTIVE);
		/* Pending is shown only for what may be delivered. */
		CHECK(!(lr.state & HAL_LR_PENDING) ||
		      deliverable(irq, intid, v));
		if (synced) {
			CHECK(lr.state != HAL_LR_INVALID);
			CHECK(!(lr.state & HAL_LR_ACTIVE) == !irq->active);
		}
		if (synced && lr.state == HAL_LR_PENDING) {
			CHECK(lr.priority == irq->priority);
			CHECK(lr.group1 == irq->group1);
		}
	}
}

static void check_all(void)
{
	uint8_t present = (uint8_t)((1u << vm.vcpu_count) - 1);

	for (unsigned i = 0; i < vm.vcpu_count; i++) {
		struct vcpu *v = &vm.vcpus[i];

		check_lrs(v, !guest_touched[i]);
		for (unsigned intid = 0; intid < GIC_PRIVATE_COUNT; intid++) {
			struct vgic_irq *irq = &v->vgic.priv[intid];

			CHECK((irq->priority & 7) == 0);
			CHECK(irq->vcpu == i);
			CHECK(intid >= GIC_SGI_COUNT || irq->edge);
			CHECK(!(irq->sgi_sources & ~present));
			CHECK(!v2_sgi(intid) ||
			      irq->pending == (irq->sgi_sources != 0));
			/* The LR it names is that vCPU's and holds it. */
			CHECK(irq->lr == VGIC_NO_LR ||
			      ((v->vgic.lr_used >> irq->lr) & 1));
			/* The flush's bitmap says what the model offers. */
			CHECK(((v->vgic.offered >> intid) & 1) ==
			      offered(irq, intid));
		}
		CHECK((v->vgic.gicr_waker & ~6u) == 0);
		CHECK(v->vgic.gicr_waker == 0 || v->vgic.gicr_waker == 6);
	}
	for (unsigned s = 0; s < VGIC_SPI_COUNT; s++) {
		struct vgic_irq *irq = &vm.vgic.spi[s];

		CHECK((irq->priority & 7) == 0);
		CHECK(!(irq->targets & ~present));
		CHECK(!(irq->route & ~0x00ffffffull));
		CHECK(irq->hw_intid == 0);
		CHECK(((vm.vgic.spi_offered >> s) & 1) == offered(irq, s + 32));
		if (irq->lr != VGIC_NO_LR) {
			struct vcpu *o;

			CHECK(irq->vcpu < vm.vcpu_count);
			o = &vm.vcpus[irq->vcpu];
			CHECK((o->vgic.lr_used >> irq->lr) & 1);
			CHECK(o->vgic.lr_intid[irq->lr] == s + 32);
		}
	}
	CHECK((vm.vgic.ctlr & ~3u) == 0);
}

/*
 * Right after an entry: whatever waits could not take an LR, all being
 * taken by interrupts at least as urgent or active, and the underflow
 * request is up exactly when something waits.
 */
static void check_after_entry(struct vcpu *v)
{
	bool any = false;

	for (unsigned intid = 0; intid < VGIC_INTID_COUNT; intid++) {
		struct vgic_irq *c = irq_of(v, intid);

		if (!waiting(v, intid))
			continue;
		any = true;
		for (unsigned n = 0; n < lr_count(); n++) {
			struct hal_lr lr;

			CHECK((v->vgic.lr_used >> n) & 1);
			hal_vgic_lr_read(&v->arch, n, &lr);
			CHECK(lr.state != HAL_LR_PENDING ||
			      lr.priority <= c->priority);
		}
	}
	CHECK(any == ((v->arch.vgic.hcr & ICH_HCR_UIE) != 0));
}

/* Whether the architecture allows an access of size at off. */
static bool width_allowed(bool gicr, uint64_t off, unsigned size)
{
	uint64_t o = off;
	bool bytes, dwords = false;

	if (size == 2 || (off & (size - 1)) != 0)
		return false;
	if (size == 4)
		return true;
	if (gicr) {
		o = off % VGIC_GICR_STRIDE;
		dwords = o == GICR_TYPER;
		if (o >= GICR_SGI)
			o -= GICR_SGI;
		else
			o = 0;
		bytes = o >= GICD_IPRIORITYR && o < GICD_ITARGETSR;
	} else {
		bytes = (o >= GICD_IPRIORITYR && o < GICD_ICFGR) ||
			(o >= GICD_SGIR + 0x10 && o < GICD_SGIR + 0x30);
		dwords = vm.vgic.version == 3 && o >= GICD_IROUTER &&
			 o < GICD_IROUTER + 0x2000;
	}
	return size == 1 ? bytes : dwords;
}

/* An offset in GICD_IPRIORITYR or in a GICR SGI_base's IPRIORITYR. */
static bool in_priorities(bool gicr, uint64_t off)
{
	if (gicr) {
		off %= VGIC_GICR_STRIDE;
		if (off < GICR_SGI)
			return false;
		off -= GICR_SGI;
	}
	return off >= GICD_IPRIORITYR && off < GICD_ITARGETSR;
}

/*
 * An offset: mostly a register (and an index into it) the model
 * implements, else anywhere in the region.
 */
static uint64_t pick_offset(struct input *in, bool gicr, uint64_t span)
{
	static const uint16_t gicd_regs[] = {
	    0x0000, 0x0004, 0x0008, 0x0080, 0x0100, 0x0180, 0x0200, 0x0280,
	    0x0300, 0x0380, 0x0400, 0x0440, 0x0800, 0x0840, 0x0c00, 0x0f00,
	    0x0f10, 0x0f20, 0x6100, 0x6200, 0x0fe8, 0xffe8};
	static const uint32_t gicr_regs[] = {
	    0x0000,	      0x0004,		0x0008,
	    0x000c,	      0x0014,		0xffe8,
	    GICR_SGI + 0x080, GICR_SGI + 0x100, GICR_SGI + 0x180,
	    GICR_SGI + 0x200, GICR_SGI + 0x280, GICR_SGI + 0x300,
	    GICR_SGI + 0x380, GICR_SGI + 0x400, GICR_SGI + 0x410,
	    GICR_SGI + 0xc00};
	unsigned sel = (unsigned)take(in, 1);
	unsigned index = (unsigned)take(in, 1) & 0x1f;

	if (sel >= 0xe0)
		return take(in, 3) % span;
	if (gicr)
		return (sel % vm.vcpu_count) * VGIC_GICR_STRIDE +
		       gicr_regs[sel %
				 (sizeof(gicr_regs) / sizeof(gicr_regs[0]))] +
		       (index & 0xf);
	return gicd_regs[sel % (sizeof(gicd_regs) / sizeof(gicd_regs[0]))] +
	       index;
}

static void step_mmio(struct input *in, bool gicr, bool write)
{
	/* Words mostly: most registers take nothing else. */
	static const unsigned sizes[8] = {4, 4, 4, 4, 1, 8, 2, 4};
	struct vcpu *v = &vm.vcpus[take(in, 1) % vm.vcpu_count];
	unsigned size_sel = (unsigned)take(in, 1);
	unsigned size = sizes[size_sel & 7];
	uint64_t base = gicr ? VGIC_GICR_IPA : VGIC_GICD_IPA;
	uint64_t span = gicr ? vm.vcpu_count * VGIC_GICR_STRIDE
			: vm.vgic.version == 2 ? VGIC_GICD_SIZE_V2
					       : VGIC_GICD_SIZE_V3;
	uint64_t off = pick_offset(in, gicr, span) % span;
	const struct mmio_region *r;
	uint64_t val = write ? take(in, size) : 0;
	enum hv_err err;

	if (size_sel & 8)
		off &= ~(uint64_t)(size - 1);
	if (off + size > span)
		off = span - size;
	r = mmio_bus_find(&vm.mmio, ipa_init(base + off));
	CHECK(r != NULL && ipa_addr(r->base) == base);
	if (write) {
		err = r->ops->write(r->dev, v, off, size, val);
	} else {
		err = r->ops->read(r->dev, v, off, size, &val);
		CHECK(err != HV_OK || size == 8 || val >> (8 * size) == 0);
		/* Write-only: GICD_SGIR. */
		CHECK(err != HV_OK || gicr || vm.vgic.version != 2 ||
		      off != GICD_SGIR || val == 0);
		/* No target bit for an absent CPU. */
		if (err == HV_OK && !gicr && off >= GICD_ITARGETSR + 32 &&
		    off < GICD_ICFGR) {
			for (unsigned b = 0; b < size; b++)
				CHECK(((val >> (8 * b)) & 0xff) >>
					  vm.vcpu_count ==
				      0);
		}
		/* Priorities keep five bits. */
		if (err == HV_OK && in_priorities(gicr, off))
			CHECK((val & 0x0707070707070707ull) == 0);
	}
	CHECK(err == HV_OK || err == HV_ERR_ACCESS);
	CHECK((err == HV_OK) == width_allowed(gicr, off, size));
}

/* The guest acts on one of its LRs as a virtual CPU interface would. */
static void step_guest(struct input *in)
{
	unsigned i = (unsigned)take(in, 1) % vm.vcpu_count;
	struct vcpu *v = &vm.vcpus[i];
	unsigned n = (unsigned)take(in, 1) % HAL_LR_MAX;
	unsigned how = (unsigned)take(in, 1) % 3;
	struct hal_lr lr;

	hal_vgic_lr_read(&v->arch, n, &lr);
	switch (lr.state) {
	case HAL_LR_PENDING:
		/* acknowledge, or acknowledge and complete */
		lr.state = how == 0 ? HAL_LR_INVALID : HAL_LR_ACTIVE;
		if (lr.intid < VGIC_INTID_COUNT)
			acked[i][lr.intid] = true;
		break;
	case HAL_LR_ACTIVE:
		lr.state = HAL_LR_INVALID;
		break;
	case HAL_LR_PENDING_ACTIVE:
		lr.state = HAL_LR_PENDING;
		break;
	default:
		return;
	}
	if (lr.hw && lr.state != HAL_LR_ACTIVE)
		hal_sim_irq_deactivate(lr.pintid);
	hal_vgic_lr_write(&v->arch, n, &lr);
	guest_touched[i] = true;
}

static void guest_write(bool gicr, struct vcpu *v, uint64_t off, unsigned size,
			uint64_t val)
{
	uint64_t base = gicr ? VGIC_GICR_IPA : VGIC_GICD_IPA;
	const struct mmio_region *r = mmio_bus_find(&vm.mmio, ipa_init(base));

	CHECK(r->ops->write(r->dev, v, off, size, val) == HV_OK);
}

/*
 * A shortcut to deep list register states: what a guest does to get an
 * interrupt delivered - both groups on, a priority, enabled, pending -
 * in one step, through the registers.
 */
static void step_raise(struct input *in, struct vcpu *v)
{
	unsigned intid = (unsigned)take(in, 1) % VGIC_INTID_COUNT;
	uint8_t prio = (uint8_t)take(in, 1);
	bool gicr = vm.vgic.version == 3 && intid < GIC_PRIVATE_COUNT;
	uint64_t frame = gicr ? v->id * VGIC_GICR_STRIDE + GICR_SGI : 0;
	uint64_t word = frame + (intid / 32) * 4;
	uint32_t bit = 1u << (intid % 32);

	guest_write(false, v, 0, 4, 3);
	guest_write(gicr, v, frame + GICD_IPRIORITYR + intid, 1, prio);
	guest_write(gicr, v, word + 0x100, 4, bit); /* ISENABLER */
	if (vm.vgic.version == 2 && intid < GIC_SGI_COUNT)
		guest_write(false, v, GICD_SGIR, 4, (2u << 24) | intid);
	else
		guest_write(gicr, v, word + 0x200, 4, bit); /* ISPENDR */
}

/*
 * After v's LRs are synced: what the guest acknowledged is no longer
 * pending (a v2 SGI may be, from another sender).
 */
static void check_acknowledged(struct vcpu *v)
{
	for (unsigned intid = 0; intid < VGIC_INTID_COUNT; intid++) {
		if (acked[v->id][intid] && !v2_sgi(intid))
			CHECK(!irq_of(v, intid)->pending);
	}
}

static void step(struct input *in)
{
	unsigned op = (unsigned)take(in, 1) % 18;
	struct vcpu *v = &vm.vcpus[take(in, 1) % vm.vcpu_count];

	/* Steps that may make something pending again. */
	if (op == 1 || op == 3 || (op >= 4 && op <= 7) || op >= 14)
		memset(acked, 0, sizeof(acked));
	switch (op) {
	case 0:
	case 1:
		step_mmio(in, false, op == 1);
		break;
	case 2:
	case 3:
		if (vm.vgic.version == 3)
			step_mmio(in, true, op == 3);
		break;
	case 4:
	case 5: {
		/* INTIDs past the last SPI too: they must be ignored. */
		unsigned intid = (unsigned)take(in, 1) % (VGIC_INTID_COUNT + 8);

		vgic_set_level(&vm, (take(in, 1) & 7) ? v : NULL, intid,
			       op == 4);
		break;
	}
	case 6:
		vgic_inject_hw(v, (unsigned)take(in, 1) % 40,
			       16 + (unsigned)take(in, 1) % 16);
		break;
	case 7:
		if (vm.vgic.version == 3)
			vgic_sgi1r_write(v, take(in, 8));
		break;
	case 8:
	case 9:
		vgic_sync(v);
		guest_touched[v->id] = false;
		check_lrs(v, true);
		check_acknowledged(v);
		vgic_flush(v);
		check_after_entry(v);
		break;
	case 10:
		vgic_sync(v);
		guest_touched[v->id] = false;
		check_acknowledged(v);
		break;
	case 11:
	case 12:
		step_guest(in);
		break;
	case 13:
		v->arch.vgic.vmcr = take(in, 1) << 24;
		{
			bool any = false;

			for (unsigned n = 0; n < HAL_LR_MAX; n++) {
				struct hal_lr lr;

				hal_vgic_lr_read(&v->arch, n, &lr);
				any |= lr.state == HAL_LR_PENDING &&
				       lr.priority < (v->arch.vgic.vmcr >> 24);
			}
			for (unsigned intid = 0; intid < VGIC_INTID_COUNT;
			     intid++)
				any |= waiting(v, intid) &&
				       !irq_of(v, intid)->active &&
				       irq_of(v, intid)->priority <
					   (v->arch.vgic.vmcr >> 24);
			CHECK(vgic_has_pending(v) == any);
		}
		break;
	case 14:
		if ((take(in, 1) & 15) == 0) {
			vgic_reset(&vm);
			memset(guest_touched, 0, sizeof(guest_touched));
		} else {
			vgic_vcpu_reset(v);
			guest_touched[v->id] = false;
		}
		break;
	case 15:
		vgic_flush(v);
		break;
	default:
		step_raise(in, v);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	unsigned setup = (unsigned)take(&in, 1);

	hal_sim_reset();
	hal_sim_mem_init(ARENA_PA, ARENA_SIZE);
	hal_sim_gic()->version = (setup & 1) ? 3 : 2;
	/* Few list registers mostly: that is when they run out. */
	hal_sim_gic()->lr_count =
	    1 + ((setup >> 1) & ((setup & 0x80) ? 15 : 3));
	if (page_pool_init(&pool, pool_mem, pa_init(POOL_PA), POOL_PAGES,
			   pool_links) != HV_OK)
		abort();
	cfg = (struct vm_config){
	    .name = "fuzz",
	    .ram_ipa = ipa_init(RAM_IPA),
	    .ram_size = RAM_SIZE,
	    .ram_pa = pa_init(ARENA_PA),
	    .kind = VM_KERNEL_RAW,
	    .vcpu_count = 1 + ((setup >> 5) & 3),
	};
	/* Never booted: the vGIC is what is driven, not a guest. */
	if (vm_create(&vm, 0, &cfg, &(struct vm_image_plan){0}, &pool) != HV_OK)
		abort();
	/* Before vm_create set up the vGIC itself, it was the caller's. */
	if (vm.vgic.version == 0 && vgic_init(&vm) != HV_OK)
		abort();
	memset(guest_touched, 0, sizeof(guest_touched));
	memset(acked, 0, sizeof(acked));
	check_all();
	for (unsigned s = 0; s < MAX_STEPS && in.left > 0; s++) {
		step(&in);
		check_all();
	}
	hal_sim_reset();
	return 0;
}
