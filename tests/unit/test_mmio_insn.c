/* Unit tests of hv/mmio.c for aborts without a syndrome (ISV = 0): the
 * instruction is fetched from guest RAM, decoded and emulated, or refused
 * with an injected abort and a log line. */
#include "helpers.h"

#include "hv/mmio.h"
#include "hv/vm_ram.h"

#include <hal/mm.h>

#define DEV_IPA	 0x0a000000ull
#define DEV_SIZE 0x1000ull
#define PC_OFF	 0x1000ull
#define PC	 (TEST_RAM_IPA + PC_OFF)

/* Instruction words, from aarch64-linux-gnu-as. */
#define LDP_W1_W2_X0	      0x29400801u /* ldp w1, w2, [x0] */
#define STP_X3_X4_SP_PRE      0xa9bf13e3u /* stp x3, x4, [sp, #-16]! */
#define LDR_X5_X6_POST8	      0xf84084c5u /* ldr x5, [x6], #8 */
#define LDRSB_W7_X8_PRE1      0x38c01d07u /* ldrsb w7, [x8, #1]! */
#define NOP		      0xd503201fu /* nop */
#define LDP_X1_X2_X0	      0xa9400801u /* ldp x1, x2, [x0] */
#define STR_W9_X10_POSTM4     0xb81fc549u /* str w9, [x10], #-4 */
#define ISS_READ_NO_SYNDROME  0x07u /* ISV = 0, translation fault, level 3 */
#define ISS_WRITE_NO_SYNDROME (ISS_DA_WNR | 0x07u)

/* A device whose registers read as 0xd0 + offset; writes are recorded. */
struct test_dev {
	uint64_t refuse_off;
	unsigned reads, writes;
	unsigned after_writes, writes_seen; /* after_write calls, and when */
	uint64_t off[2], val[2];
	unsigned size[2];
};

static enum hv_err dev_read(void *d, struct vcpu *v, uint64_t off,
			    unsigned size, uint64_t *val)
{
	struct test_dev *t = d;

	(void)v;
	if (off == t->refuse_off)
		return HV_ERR_ACCESS;
	if (t->reads < 2) {
		t->off[t->reads] = off;
		t->size[t->reads] = size;
	}
	t->reads++;
	*val = off == 0x40 ? 0x80 : 0xd0 + off;
	return HV_OK;
}

static enum hv_err dev_write(void *d, struct vcpu *v, uint64_t off,
			     unsigned size, uint64_t val)
{
	struct test_dev *t = d;

	(void)v;
	if (off == t->refuse_off)
		return HV_ERR_ACCESS;
	if (t->writes < 2) {
		t->off[t->writes] = off;
		t->size[t->writes] = size;
		t->val[t->writes] = val;
	}
	t->writes++;
	return HV_OK;
}

static void dev_after_write(void *d, struct vcpu *v)
{
	struct test_dev *t = d;

	(void)v;
	t->after_writes++;
	t->writes_seen = t->writes;
}

static const struct mmio_ops dev_ops = {dev_read, dev_write, dev_after_write};
static struct test_dev dev;
static struct test_vm tvm;
static struct vcpu *v;

static int setup(void **state)
{
	struct mmio_region r = {"test", ipa_init(DEV_IPA), DEV_SIZE, &dev_ops,
				&dev};
	struct vm *vm = test_vm_boot(&tvm, "t", 1);

	(void)state;
	memset(&dev, 0, sizeof(dev));
	dev.refuse_off = 0xff0;
	assert_int_equal(mmio_bus_add(&vm->mmio, &r), HV_OK);
	v = &vm->vcpus[0];
	v->arch.regs.pc = PC;
	v->arch.regs.pstate = PSR_DAIF | PSR_MODE_EL1H;
	for (unsigned i = 0; i < 31; i++)
		v->arch.regs.x[i] = 0x1111111111111100ull + i;
	return 0;
}

/* Puts insn at the PC, in guest RAM, which the guest's fetch mapped. */
static void place(uint32_t insn)
{
	uint8_t *p = hal_pa_to_ptr(pa_init(TEST_RAM_PA + PC_OFF), 4);

	assert_non_null(p);
	assert_int_equal(vm_ram_touch(&tvm.vm, TEST_RAM_IPA + PC_OFF, 4),
			 HV_OK);
	memcpy(p, &insn, 4);
}

/* The abort the hardware gives for an access at device offset off. */
static void abort_at(uint64_t off, uint32_t iss)
{
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SYNC,
	    .esr = esr_make(EC_DABT_LOW, 1, iss),
	    .far = DEV_IPA + off, /* guest MMU off: VA = IPA */
	    .hpfar = hpfar_of(DEV_IPA + off),
	};

	mmio_handle_dabt(v, &e);
}

static void assert_refused(const char *log)
{
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), PC);
	assert_string_equal(console(), log);
}

static void test_mmio_insn_load_pair_reads_both_registers(void **st)
{
	(void)st;
	place(LDP_W1_W2_X0);
	v->arch.regs.x[0] = DEV_IPA + 0x10;
	abort_at(0x10, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.reads, 2);
	assert_int_equal(dev.after_writes, 0);
	assert_int_equal(dev.off[0], 0x10);
	assert_int_equal(dev.off[1], 0x14);
	assert_int_equal(dev.size[0], 4);
	assert_int_equal(v->arch.regs.x[1], 0xe0);
	assert_int_equal(v->arch.regs.x[2], 0xe4);
	assert_int_equal(v->arch.regs.x[0], DEV_IPA + 0x10);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	assert_string_equal(console(), "");
}

static void test_mmio_insn_store_pair_pre_index_moves_sp(void **st)
{
	(void)st;
	place(STP_X3_X4_SP_PRE);
	hal_vcpu_el1_write(&v->arch, EL1_SP_EL1, DEV_IPA + 0x30);
	abort_at(0x20, ISS_WRITE_NO_SYNDROME);
	assert_int_equal(dev.writes, 2);
	/* A pair is one access: the hook runs once, after both. */
	assert_int_equal(dev.after_writes, 1);
	assert_int_equal(dev.writes_seen, 2);
	assert_int_equal(dev.off[0], 0x20);
	assert_int_equal(dev.off[1], 0x28);
	assert_int_equal(dev.size[1], 8);
	assert_int_equal(dev.val[0], 0x1111111111111103ull);
	assert_int_equal(dev.val[1], 0x1111111111111104ull);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_SP_EL1),
			 DEV_IPA + 0x20);
	assert_int_equal(v->arch.regs.pc, PC + 4);
}

static void test_mmio_insn_sp_base_in_el1t_is_sp_el0(void **st)
{
	(void)st;
	place(STP_X3_X4_SP_PRE);
	v->arch.regs.pstate = PSR_DAIF | PSR_MODE_EL1T;
	hal_vcpu_el1_write(&v->arch, EL1_SP_EL0, DEV_IPA + 0x40);
	hal_vcpu_el1_write(&v->arch, EL1_SP_EL1, 0x5a5a);
	abort_at(0x30, ISS_WRITE_NO_SYNDROME);
	assert_int_equal(dev.writes, 2);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_SP_EL0),
			 DEV_IPA + 0x30);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_SP_EL1), 0x5a5a);
}

static void test_mmio_insn_post_index_load_writes_back_after(void **st)
{
	(void)st;
	place(LDR_X5_X6_POST8);
	v->arch.regs.x[6] = DEV_IPA + 0x8;
	abort_at(0x8, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.off[0], 0x8);
	assert_int_equal(dev.size[0], 8);
	assert_int_equal(v->arch.regs.x[5], 0xd8);
	assert_int_equal(v->arch.regs.x[6], DEV_IPA + 0x10);
}

static void test_mmio_insn_pre_index_sign_extends_into_w(void **st)
{
	(void)st;
	place(LDRSB_W7_X8_PRE1);
	v->arch.regs.x[8] = DEV_IPA + 0x3f;
	abort_at(0x40, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.size[0], 1);
	/* 0x80 sign-extended to 32 bits; the upper half of X7 is zero. */
	assert_int_equal(v->arch.regs.x[7], 0xffffff80ull);
	assert_int_equal(v->arch.regs.x[8], DEV_IPA + 0x40);
}

static void test_mmio_insn_post_index_store_negative(void **st)
{
	(void)st;
	place(STR_W9_X10_POSTM4);
	v->arch.regs.x[10] = DEV_IPA + 0x44;
	abort_at(0x44, ISS_WRITE_NO_SYNDROME);
	assert_int_equal(dev.val[0], 0x11111109);
	assert_int_equal(dev.size[0], 4);
	assert_int_equal(v->arch.regs.x[10], DEV_IPA + 0x40);
}

static void test_mmio_insn_refused_second_access_changes_nothing(void **st)
{
	(void)st;
	place(LDP_X1_X2_X0);
	v->arch.regs.x[0] = DEV_IPA + 0xfe8;
	abort_at(0xfe8, ISS_READ_NO_SYNDROME);
	assert_int_equal(v->arch.regs.x[1], 0x1111111111111101ull);
	assert_int_equal(v->arch.regs.x[2], 0x1111111111111102ull);
	assert_refused("hv: t/0: read refused by the device at ipa 0xa000fe8, "
		       "pc 0x40001000: data abort injected\n");
}

static void test_mmio_insn_abort_on_second_register_is_refused(void **st)
{
	(void)st;
	/* The first access went to RAM below the device, the second faulted. */
	place(LDP_X1_X2_X0);
	v->arch.regs.x[0] = DEV_IPA - 8;
	abort_at(0x0, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.reads, 0);
	assert_refused("hv: t/0: read by a pair that is not all in the device "
		       "at ipa 0xa000000, pc 0x40001000: data abort "
		       "injected\n");
}

static void test_mmio_insn_pair_past_the_region_end_is_refused(void **st)
{
	(void)st;
	place(LDP_X1_X2_X0);
	v->arch.regs.x[0] = DEV_IPA + 0xff8;
	abort_at(0xff8, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.reads, 0);
	assert_refused("hv: t/0: read by a pair that is not all in the device "
		       "at ipa 0xa000ff8, pc 0x40001000: data abort "
		       "injected\n");
}

static void test_mmio_insn_other_instruction_is_refused(void **st)
{
	(void)st;
	place(NOP);
	abort_at(0x0, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_refused("hv: t/0: read with no syndrome (ISV=0) by an "
		       "instruction it does not emulate at ipa 0xa000000, pc "
		       "0x40001000: data abort injected\n");
}

static void test_mmio_insn_direction_must_match_the_syndrome(void **st)
{
	(void)st;
	place(LDP_W1_W2_X0);
	v->arch.regs.x[0] = DEV_IPA;
	abort_at(0x0, ISS_WRITE_NO_SYNDROME);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_refused("hv: t/0: write with no syndrome (ISV=0) by an "
		       "instruction it does not emulate at ipa 0xa000000, pc "
		       "0x40001000: data abort injected\n");
}

static void test_mmio_insn_guest_mmu_on_cannot_be_fetched_here(void **st)
{
	(void)st;
	/* hal_sim without an engine knows only the MMU-off identity. */
	place(LDP_W1_W2_X0);
	v->arch.regs.x[0] = DEV_IPA;
	hal_vcpu_el1_write(&v->arch, EL1_SCTLR, SCTLR_EL1_RESET | 1);
	abort_at(0x0, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.reads, 0);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
}

static void test_mmio_insn_pc_outside_ram_is_refused(void **st)
{
	(void)st;
	v->arch.regs.pc = 0x1000;
	abort_at(0x0, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.reads, 0);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), 0x1000);
}

/*
 * From AArch32 state the word at the PC is A32 or T32 code, which the A64
 * decoder must never see: here two T32 halfwords that read together as an
 * A64 post-indexed LDR the decoder would emulate. The answer is the
 * external abort for AArch32 EL0: EC 0x24 with IL = 1 (ISV = 0), FAR the
 * 32-bit address, ELR the instruction, SPSR the CPSR with T, vector +0x600.
 */
static void test_mmio_insn_aarch32_abort_without_syndrome_is_refused(void **st)
{
	/* C flag, IT state 0x04 (ITT EQ, first instruction), T, User. */
	const uint64_t cpsr = 0x20000000ull | (1u << 10) | PSR_AA32_T | 0x10;

	(void)st;
	place(LDR_X5_X6_POST8);
	v->arch.regs.x[6] = DEV_IPA + 0x8;
	v->arch.regs.pc = PC;
	v->arch.regs.pstate = cpsr;
	abort_at(0x8, ISS_READ_NO_SYNDROME);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_int_equal(v->arch.regs.x[5], 0x1111111111111105ull);
	assert_int_equal(v->arch.regs.x[6], DEV_IPA + 0x8);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x92000010);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR), DEV_IPA + 0x8);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), PC);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_SPSR), cpsr);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x600);
	assert_int_equal(v->arch.regs.pstate, 0x200003c5);
	assert_string_equal(console(),
			    "hv: t/0: read with no syndrome (ISV=0) from "
			    "AArch32 state, whose instructions are not decoded "
			    "at ipa 0xa000008, pc 0x40001000: data abort "
			    "injected\n");
}

/* A store multiple (STM) from A32 code: the write keeps WnR. */
static void test_mmio_insn_aarch32_store_without_syndrome_sets_wnr(void **st)
{
	(void)st;
	v->arch.regs.pstate = PSR_AA32_USR;
	abort_at(0x0, ISS_WRITE_NO_SYNDROME);
	assert_int_equal(dev.reads + dev.writes, 0);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x92000050);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_SPSR), PSR_AA32_USR);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_mmio_insn_load_pair_reads_both_registers),
	    T(test_mmio_insn_store_pair_pre_index_moves_sp),
	    T(test_mmio_insn_sp_base_in_el1t_is_sp_el0),
	    T(test_mmio_insn_post_index_load_writes_back_after),
	    T(test_mmio_insn_pre_index_sign_extends_into_w),
	    T(test_mmio_insn_post_index_store_negative),
	    T(test_mmio_insn_refused_second_access_changes_nothing),
	    T(test_mmio_insn_abort_on_second_register_is_refused),
	    T(test_mmio_insn_pair_past_the_region_end_is_refused),
	    T(test_mmio_insn_other_instruction_is_refused),
	    T(test_mmio_insn_direction_must_match_the_syndrome),
	    T(test_mmio_insn_guest_mmu_on_cannot_be_fetched_here),
	    T(test_mmio_insn_pc_outside_ram_is_refused),
	    T(test_mmio_insn_aarch32_abort_without_syndrome_is_refused),
	    T(test_mmio_insn_aarch32_store_without_syndrome_sets_wnr),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
