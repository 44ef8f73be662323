/* Unit tests of hv/mmio.c: syndrome decoding, load extension, the bus and
 * the emulation of a trapped access end to end. */
#include "helpers.h"

#include "hv/mmio.h"

#define DEV_IPA	 0x0a000000ull
#define DEV_SIZE 0x1000ull
#define PC	 0x40001000ull

/* A device that records the last access and answers reads from a value. */
struct test_dev {
	uint64_t read_value;
	uint64_t refuse_off; /* accesses at this offset are refused */
	unsigned reads;
	unsigned writes;
	unsigned after_writes; /* after_write calls */
	unsigned writes_seen;  /* writes done when after_write last ran */
	uint64_t off;
	unsigned size;
	uint64_t val;
	struct vcpu *vcpu;
};

static enum hv_err dev_read(void *d, struct vcpu *v, uint64_t off,
			    unsigned size, uint64_t *val)
{
	struct test_dev *t = d;

	t->reads++;
	t->off = off;
	t->size = size;
	t->vcpu = v;
	if (off == t->refuse_off)
		return HV_ERR_ACCESS;
	*val = t->read_value;
	return HV_OK;
}

static enum hv_err dev_write(void *d, struct vcpu *v, uint64_t off,
			     unsigned size, uint64_t val)
{
	struct test_dev *t = d;

	t->writes++;
	t->off = off;
	t->size = size;
	t->val = val;
	t->vcpu = v;
	return off == t->refuse_off ? HV_ERR_ACCESS : HV_OK;
}

static void dev_after_write(void *d, struct vcpu *v)
{
	struct test_dev *t = d;

	assert_ptr_equal(t->vcpu, v);
	t->after_writes++;
	t->writes_seen = t->writes;
}

static const struct mmio_ops dev_ops = {dev_read, dev_write, dev_after_write};

static struct test_dev dev;
static struct vm_config cfg;
static struct vm vm;
static struct vcpu *v;

static int setup(void **state)
{
	struct mmio_region r = {"test", ipa_init(DEV_IPA), DEV_SIZE, &dev_ops,
				&dev};

	(void)state;
	hal_sim_reset();
	memset(&dev, 0, sizeof(dev));
	dev.refuse_off = 0xff0;
	memset(&vm, 0, sizeof(vm));
	cfg = (struct vm_config){.name = "t", .vcpu_count = 1};
	vm.cfg = &cfg;
	vm.vcpu_count = 1;
	mmio_bus_init(&vm.mmio);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_OK);
	v = &vm.vcpus[0];
	v->vm = &vm;
	hal_vcpu_init(&v->arch);
	hal_vcpu_el1_write(&v->arch, EL1_VBAR, TEST_VBAR);
	v->arch.regs.pc = PC;
	v->arch.regs.pstate = PSR_DAIF | PSR_MODE_EL1H;
	for (unsigned i = 0; i < 31; i++)
		v->arch.regs.x[i] = 0x1111111111111100ull + i;
	return 0;
}

static void test_mmio_decode_iss_without_isv_is_false(void **st)
{
	struct mmio_access acc = {99, true, true, true, 99};

	(void)st;
	assert_false(mmio_decode_iss(0x00ffffff & ~ISS_DA_ISV, &acc));
	/* Nothing is decoded. */
	assert_int_equal(acc.size, 99);
}

static void test_mmio_decode_iss_every_sas_sse_sf_wnr(void **st)
{
	(void)st;
	for (unsigned sas = 0; sas < 4; sas++) {
		for (unsigned bits = 0; bits < 8; bits++) {
			bool sse = bits & 1, sf = bits & 2, wnr = bits & 4;
			unsigned srt = (sas * 8 + bits) % 32;
			struct mmio_access acc;

			assert_true(mmio_decode_iss(
			    dabt_iss(sas, sse, srt, sf, wnr), &acc));
			assert_int_equal(acc.size, 1u << sas);
			assert_int_equal(acc.sign, sse);
			assert_int_equal(acc.reg64, sf);
			assert_int_equal(acc.write, wnr);
			assert_int_equal(acc.reg, srt);
		}
	}
}

static void test_mmio_decode_iss_srt_covers_x0_to_xzr(void **st)
{
	struct mmio_access acc;

	(void)st;
	for (unsigned srt = 0; srt < 32; srt++) {
		assert_true(mmio_decode_iss(
		    dabt_iss(2, false, srt, false, false), &acc));
		assert_int_equal(acc.reg, srt);
	}
	/* Fields outside the syndrome (AR, FnV, EA, CM, S1PTW, DFSC) are
	 * ignored. */
	assert_true(mmio_decode_iss(ISS_DA_ISV | ISS_DA_AR | ISS_DA_FNV |
					ISS_DA_EA | ISS_DA_CM | ISS_DA_S1PTW |
					0x3f,
				    &acc));
	assert_int_equal(acc.size, 1);
	assert_false(acc.sign);
	assert_false(acc.reg64);
	assert_false(acc.write);
	assert_int_equal(acc.reg, 0);
}

static uint64_t load(unsigned size, bool sign, bool reg64, uint64_t raw)
{
	struct mmio_access acc = {size, sign, reg64, false, 0};

	return mmio_load_value(&acc, raw);
}

static void test_mmio_load_value_byte(void **st)
{
	(void)st;
	/* LDRB Wt: zero-extended, other bytes of the raw value dropped. */
	assert_int_equal(load(1, false, false, 0xabcd80), 0x80);
	assert_int_equal(load(1, false, true, 0xabcd80), 0x80);
	/* LDRSB Wt / Xt */
	assert_int_equal(load(1, true, false, 0x80), 0xffffff80);
	assert_int_equal(load(1, true, true, 0x80), 0xffffffffffffff80ull);
	assert_int_equal(load(1, true, false, 0x7f), 0x7f);
	assert_int_equal(load(1, true, true, 0xff7f), 0x7f);
}

static void test_mmio_load_value_halfword(void **st)
{
	(void)st;
	assert_int_equal(load(2, false, false, 0x12348000), 0x8000);
	assert_int_equal(load(2, false, true, 0x8000), 0x8000);
	assert_int_equal(load(2, true, false, 0x8000), 0xffff8000);
	assert_int_equal(load(2, true, true, 0x8000), 0xffffffffffff8000ull);
	assert_int_equal(load(2, true, true, 0x7fff), 0x7fff);
}

static void test_mmio_load_value_word(void **st)
{
	(void)st;
	assert_int_equal(load(4, false, false, 0xaaaaaaaa80000000ull),
			 0x80000000);
	assert_int_equal(load(4, false, true, 0x80000000), 0x80000000);
	/* LDRSW Xt */
	assert_int_equal(load(4, true, true, 0x80000000),
			 0xffffffff80000000ull);
	assert_int_equal(load(4, true, true, 0x7fffffff), 0x7fffffff);
	/* Sign-extending into a W register cannot show above bit 31. */
	assert_int_equal(load(4, true, false, 0x80000000), 0x80000000);
}

static void test_mmio_load_value_doubleword(void **st)
{
	(void)st;
	assert_int_equal(load(8, false, true, 0x8000000000000001ull),
			 0x8000000000000001ull);
	assert_int_equal(load(8, true, true, 0x8000000000000001ull),
			 0x8000000000000001ull);
	/* A W register keeps the low half only. */
	assert_int_equal(load(8, false, false, 0x8000000000000001ull), 1);
}

static struct mmio_region region(uint64_t base, uint64_t size)
{
	return (struct mmio_region){"r", ipa_init(base), size, &dev_ops, &dev};
}

static void test_mmio_bus_add_rejects_overlaps(void **st)
{
	struct mmio_region r;

	(void)st;
	/* The bus holds [0x0a000000, 0x0a001000). */
	r = region(DEV_IPA + 0x800, 0x1000);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_OVERLAP);
	r = region(DEV_IPA - 0x800, 0x1000);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_OVERLAP);
	r = region(DEV_IPA - 0x1000, 0x3000);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_OVERLAP);
	r = region(DEV_IPA + 0xfff, 1);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_OVERLAP);
	assert_int_equal(vm.mmio.region_count, 1);
	/* Touching regions are fine on both sides. */
	r = region(DEV_IPA + DEV_SIZE, 0x1000);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_OK);
	r = region(DEV_IPA - 0x1000, 0x1000);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_OK);
	assert_int_equal(vm.mmio.region_count, 3);
}

static void test_mmio_bus_add_rejects_malformed_regions(void **st)
{
	struct mmio_region r;

	(void)st;
	r = region(0x1000, 0);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_INVAL);
	r = region(0xfffffffffffff000ull, 0x2000);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_INVAL);
	r = region(0x1000, 0x1000);
	r.ops = NULL;
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_INVAL);
	assert_int_equal(vm.mmio.region_count, 1);
}

static void test_mmio_bus_add_when_full_is_nomem(void **st)
{
	struct mmio_region r;

	(void)st;
	for (unsigned i = 1; i < MMIO_MAX_REGIONS; i++) {
		r = region(0x100000 * i, 0x1000);
		assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_OK);
	}
	assert_int_equal(vm.mmio.region_count, MMIO_MAX_REGIONS);
	r = region(0x7000000, 0x1000);
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_ERR_NOMEM);
	assert_int_equal(vm.mmio.region_count, MMIO_MAX_REGIONS);
}

static void test_mmio_bus_find_covers_exactly_the_region(void **st)
{
	struct mmio_region r = region(0x0b000000, 0x20);
	const struct mmio_region *f;

	(void)st;
	assert_int_equal(mmio_bus_add(&vm.mmio, &r), HV_OK);
	f = mmio_bus_find(&vm.mmio, ipa_init(DEV_IPA));
	assert_non_null(f);
	assert_string_equal(f->name, "test");
	assert_ptr_equal(mmio_bus_find(&vm.mmio, ipa_init(DEV_IPA + 0xfff)), f);
	assert_null(mmio_bus_find(&vm.mmio, ipa_init(DEV_IPA + 0x1000)));
	assert_null(mmio_bus_find(&vm.mmio, ipa_init(DEV_IPA - 1)));
	f = mmio_bus_find(&vm.mmio, ipa_init(0x0b00001f));
	assert_non_null(f);
	assert_string_equal(f->name, "r");
	assert_null(mmio_bus_find(&vm.mmio, ipa_init(0x0b000020)));
	mmio_bus_init(&vm.mmio);
	assert_null(mmio_bus_find(&vm.mmio, ipa_init(DEV_IPA)));
}

/* A data abort from the guest at ipa (VA far) with syndrome iss. */
static void dabt(uint64_t ipa, uint64_t far, uint32_t iss)
{
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SYNC,
	    .esr = esr_make(EC_DABT_LOW, 1, iss),
	    .far = far,
	    .hpfar = hpfar_of(ipa),
	};

	mmio_handle_dabt(v, &e);
}

static void abort_at(uint64_t off, uint32_t iss)
{
	dabt(DEV_IPA + off, 0xffff800000000000ull + off, iss);
}

static void test_mmio_fault_ipa_joins_hpfar_page_and_far_offset(void **st)
{
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
			      .far = 0xffff000012345abcull,
			      .hpfar = hpfar_of(0x09000000)};

	(void)st;
	assert_int_equal(mmio_fault_ipa(&e), 0x09000abc);
	/* FIPA is HPFAR_EL2[43:4]: bits outside it are ignored. */
	e.hpfar = 0xfff000000000000full | hpfar_of(0xfedcba987000ull);
	assert_int_equal(mmio_fault_ipa(&e), 0xfedcba987abcull);
}

static void test_mmio_load_word_into_w_register(void **st)
{
	(void)st;
	dev.read_value = 0x1122334455667788ull;
	abort_at(0x10, dabt_iss(2, false, 5, false, false));
	assert_int_equal(dev.reads, 1);
	assert_int_equal(dev.after_writes, 0); /* loads do not call it */
	assert_int_equal(dev.off, 0x10);
	assert_int_equal(dev.size, 4);
	assert_ptr_equal(dev.vcpu, v);
	assert_int_equal(v->arch.regs.x[5], 0x55667788);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	assert_string_equal(console(), "");
}

static void test_mmio_ldrsb_into_x_register_sign_extends(void **st)
{
	(void)st;
	dev.read_value = 0x80;
	abort_at(0x3, dabt_iss(0, true, 3, true, false));
	assert_int_equal(dev.size, 1);
	assert_int_equal(dev.off, 3);
	assert_int_equal(v->arch.regs.x[3], 0xffffffffffffff80ull);
	assert_int_equal(v->arch.regs.pc, PC + 4);
}

static void test_mmio_ldrsh_into_w_register_sign_extends_to_32(void **st)
{
	(void)st;
	dev.read_value = 0xffff8001;
	abort_at(0x2, dabt_iss(1, true, 30, false, false));
	assert_int_equal(v->arch.regs.x[30], 0xffff8001);
}

static void test_mmio_load_doubleword(void **st)
{
	(void)st;
	dev.read_value = 0xfedcba9876543210ull;
	abort_at(0x8, dabt_iss(3, false, 0, true, false));
	assert_int_equal(dev.size, 8);
	assert_int_equal(v->arch.regs.x[0], 0xfedcba9876543210ull);
}

static void test_mmio_load_into_xzr_discards_the_value(void **st)
{
	struct vcpu_regs before = v->arch.regs;

	(void)st;
	dev.read_value = 0xdead;
	abort_at(0x0, dabt_iss(2, false, 31, false, false));
	assert_int_equal(dev.reads, 1);
	assert_memory_equal(v->arch.regs.x, before.x, sizeof(before.x));
	assert_int_equal(v->arch.regs.pc, PC + 4);
}

static void test_mmio_store_takes_the_low_bytes_of_the_source(void **st)
{
	(void)st;
	v->arch.regs.x[7] = 0x0123456789abcdefull;
	abort_at(0x20, dabt_iss(0, false, 7, false, true));
	assert_int_equal(dev.writes, 1);
	/* The hook comes after the store, once. */
	assert_int_equal(dev.after_writes, 1);
	assert_int_equal(dev.writes_seen, 1);
	assert_int_equal(dev.off, 0x20);
	assert_int_equal(dev.size, 1);
	assert_int_equal(dev.val, 0xef);
	abort_at(0x20, dabt_iss(1, false, 7, false, true));
	assert_int_equal(dev.val, 0xcdef);
	abort_at(0x20, dabt_iss(2, false, 7, false, true));
	assert_int_equal(dev.val, 0x89abcdef);
	abort_at(0x20, dabt_iss(3, false, 7, true, true));
	assert_int_equal(dev.val, 0x0123456789abcdefull);
	assert_int_equal(dev.size, 8);
	assert_int_equal(v->arch.regs.pc, PC + 16);
	/* A store leaves the source register as it was. */
	assert_int_equal(v->arch.regs.x[7], 0x0123456789abcdefull);
}

static void test_mmio_store_of_xzr_writes_zero(void **st)
{
	(void)st;
	dev.val = 0x55;
	abort_at(0x4, dabt_iss(2, false, 31, false, true));
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.val, 0);
	assert_int_equal(v->arch.regs.pc, PC + 4);
}

static void test_mmio_access_and_permission_faults_are_emulated(void **st)
{
	(void)st;
	dev.read_value = 0x42;
	/* Access flag fault, level 3 (0b001011). */
	abort_at(0x0, (dabt_iss(2, false, 9, false, false) & ~0x3fu) | 0x0b);
	assert_int_equal(v->arch.regs.x[9], 0x42);
	/* Permission fault, level 3 (0b001111). */
	abort_at(0x0, (dabt_iss(2, false, 10, false, false) & ~0x3fu) | 0x0f);
	assert_int_equal(v->arch.regs.x[10], 0x42);
	assert_int_equal(dev.reads, 2);
	assert_int_equal(v->arch.regs.pc, PC + 8);
}

static void test_mmio_abort_outside_devices_injects_and_logs(void **st)
{
	(void)st;
	dabt(0x0c000010, 0xffff800000000010ull,
	     dabt_iss(2, false, 1, false, false));
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000010);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR),
			 0xffff800000000010ull);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), PC);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(v->arch.regs.x[1], 0x1111111111111101ull);
	assert_string_equal(console(),
			    "hv: t/0: read outside RAM and devices at ipa "
			    "0xc000010, pc 0x40001000: data abort injected\n");
}

static void test_mmio_device_refusal_injects_and_logs(void **st)
{
	(void)st;
	dev.read_value = 0x77;
	abort_at(0xff0, dabt_iss(2, false, 2, false, false));
	assert_int_equal(dev.reads, 1);
	/* The target register is not written. */
	assert_int_equal(v->arch.regs.x[2], 0x1111111111111102ull);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000010);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR),
			 0xffff800000000ff0ull);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_string_equal(console(),
			    "hv: t/0: read refused by the device at ipa "
			    "0xa000ff0, pc 0x40001000: data abort injected\n");
}

static void test_mmio_refused_write_from_el0_injects_lower_el_abort(void **st)
{
	(void)st;
	v->arch.regs.pstate = PSR_MODE_EL0T;
	abort_at(0xff0, dabt_iss(2, false, 2, false, true));
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.after_writes, 1); /* refused, still called */
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x92000050);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x400);
	assert_console_has("write refused by the device at ipa 0xa000ff0");
}

static void test_mmio_stage1_walk_fault_is_injected_not_emulated(void **st)
{
	(void)st;
	/* S1PTW: the guest's own page tables are outside its RAM. */
	abort_at(0x0, dabt_iss(2, false, 4, false, false) | ISS_DA_S1PTW);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000010);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR),
			 0xffff800000000000ull);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(v->arch.regs.x[4], 0x1111111111111104ull);
	assert_string_equal(console(),
			    "hv: t/0: read that is not a stage-2 fault at ipa "
			    "0xa000000, pc 0x40001000: data abort injected\n");
}

static void test_mmio_non_translation_fault_is_injected(void **st)
{
	(void)st;
	/* Synchronous external abort (0b010000) on a write. */
	abort_at(0x8, (dabt_iss(2, false, 4, false, true) & ~0x3fu) | 0x10);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000050);
	assert_console_has("write that is not a stage-2 fault");
}

static void test_mmio_far_not_valid_reports_far_zero(void **st)
{
	(void)st;
	dabt(0x0c000000, 0x1234, ISS_DA_FNV | 0x07);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR), 0);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000010);
}

/* AArch32 User mode, Thumb state (CPSR.T), flags clear. */
#define PS_T32_USR (PSR_AA32_T | PSR_AA32_USR)
#define PC_T32	   0x40001002ull

/* A data abort from a T32 instruction: IL = 0 for a 16-bit one. */
static void abort_t32_at(uint64_t off, uint32_t iss, bool wide)
{
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SYNC,
	    .esr = esr_make(EC_DABT_LOW, wide, iss),
	    .far = DEV_IPA + off,
	    .hpfar = hpfar_of(DEV_IPA + off),
	};

	mmio_handle_dabt(v, &e);
}

static void test_mmio_t16_load_advances_pc_by_2(void **st)
{
	(void)st;
	v->arch.regs.pc = PC_T32;
	v->arch.regs.pstate = PS_T32_USR;
	dev.read_value = 0x1122334455667788ull;
	/* ldr r3, [r1] (0x680b): SAS word, SRT 3, SF 0. */
	abort_t32_at(0x10, dabt_iss(2, false, 3, false, false), false);
	assert_int_equal(dev.size, 4);
	assert_int_equal(v->arch.regs.x[3], 0x55667788);
	assert_int_equal(v->arch.regs.pc, PC_T32 + 2);
	assert_int_equal(v->arch.regs.pstate, PS_T32_USR);
	/* ldr.w r4, [r1, #0x10] (0xf8d14010): 32 bits, IL = 1. */
	abort_t32_at(0x10, dabt_iss(2, false, 4, false, false), true);
	assert_int_equal(v->arch.regs.x[4], 0x55667788);
	assert_int_equal(v->arch.regs.pc, PC_T32 + 6);
	assert_string_equal(console(), "");
}

static void test_mmio_aarch32_signed_loads_extend_to_32_bits(void **st)
{
	(void)st;
	v->arch.regs.pc = PC_T32;
	v->arch.regs.pstate = PS_T32_USR;
	dev.read_value = 0x80;
	/* ldrsb r2, [r1, r0] (0x560a) */
	abort_t32_at(0x0, dabt_iss(0, true, 2, false, false), false);
	assert_int_equal(v->arch.regs.x[2], 0xffffff80);
	dev.read_value = 0x8001;
	/* ldrsh.w lr, [r1] (0xf9b1e000): LR of User mode is X14. */
	abort_t32_at(0x0, dabt_iss(1, true, 14, false, false), true);
	assert_int_equal(v->arch.regs.x[14], 0xffff8001);
	assert_int_equal(v->arch.regs.pc, PC_T32 + 6);
}

static void test_mmio_aarch32_stores_take_the_low_bytes(void **st)
{
	(void)st;
	v->arch.regs.pc = PC;
	v->arch.regs.pstate = PSR_AA32_USR;
	/* Whatever the upper half of X13 holds, R13 is its low 32 bits. */
	v->arch.regs.x[13] = 0xdeadbeef12345678ull;
	/* str r13, [r1] (A32, 0xe581d000) */
	abort_at(0x4, dabt_iss(2, false, 13, false, true));
	assert_int_equal(dev.size, 4);
	assert_int_equal(dev.val, 0x12345678);
	/* strh r13, [r1] (A32, 0xe1c1d0b0) */
	abort_at(0x4, dabt_iss(1, false, 13, false, true));
	assert_int_equal(dev.val, 0x5678);
	assert_int_equal(v->arch.regs.pc, PC + 8);
}

/*
 * A 16-bit load inside an IT block: the PC moves 2 and PSTATE.IT advances
 * (Arm ARM AArch32.ITAdvance), or the next instruction would run under the
 * wrong condition.
 */
static void test_mmio_t16_load_in_it_block_advances_itstate(void **st)
{
	(void)st;
	v->arch.regs.pc = PC_T32;
	/* ITSTATE 0xa3: IT[1:0] = 0b11 at [26:25], IT[7:2] = 0b101000. */
	v->arch.regs.pstate = 0x06000000ull | (0x28ull << 10) | PS_T32_USR;
	abort_t32_at(0x0, dabt_iss(2, false, 0, false, false), false);
	assert_int_equal(v->arch.regs.pc, PC_T32 + 2);
	/* ITSTATE 0xa6: IT[4:0] shifted left, the base condition kept. */
	assert_int_equal(v->arch.regs.pstate,
			 0x04000000ull | (0x29ull << 10) | PS_T32_USR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_mmio_decode_iss_without_isv_is_false),
	    T(test_mmio_decode_iss_every_sas_sse_sf_wnr),
	    T(test_mmio_decode_iss_srt_covers_x0_to_xzr),
	    T(test_mmio_load_value_byte),
	    T(test_mmio_load_value_halfword),
	    T(test_mmio_load_value_word),
	    T(test_mmio_load_value_doubleword),
	    T(test_mmio_bus_add_rejects_overlaps),
	    T(test_mmio_bus_add_rejects_malformed_regions),
	    T(test_mmio_bus_add_when_full_is_nomem),
	    T(test_mmio_bus_find_covers_exactly_the_region),
	    T(test_mmio_fault_ipa_joins_hpfar_page_and_far_offset),
	    T(test_mmio_load_word_into_w_register),
	    T(test_mmio_ldrsb_into_x_register_sign_extends),
	    T(test_mmio_ldrsh_into_w_register_sign_extends_to_32),
	    T(test_mmio_load_doubleword),
	    T(test_mmio_load_into_xzr_discards_the_value),
	    T(test_mmio_store_takes_the_low_bytes_of_the_source),
	    T(test_mmio_store_of_xzr_writes_zero),
	    T(test_mmio_access_and_permission_faults_are_emulated),
	    T(test_mmio_abort_outside_devices_injects_and_logs),
	    T(test_mmio_device_refusal_injects_and_logs),
	    T(test_mmio_refused_write_from_el0_injects_lower_el_abort),
	    T(test_mmio_stage1_walk_fault_is_injected_not_emulated),
	    T(test_mmio_non_translation_fault_is_injected),
	    T(test_mmio_far_not_valid_reports_far_zero),
	    T(test_mmio_t16_load_advances_pc_by_2),
	    T(test_mmio_aarch32_signed_loads_extend_to_32_bits),
	    T(test_mmio_aarch32_stores_take_the_low_bytes),
	    T(test_mmio_t16_load_in_it_block_advances_itstate),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
