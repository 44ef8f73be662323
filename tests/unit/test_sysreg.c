/*
 * Unit tests of hv/vdebug.c and the parts of hv/sysreg.c that dispatch to
 * it: the debug registers of each vCPU as trapped MSR/MRS exits, the RAS
 * error records, IMPLEMENTATION DEFINED registers and the ID fields that
 * go with them. Register encodings and values are written out from the
 * Arm ARM (C5.3, D19.3), not computed with the code's own macros.
 */
#include "helpers.h"

#include "hv/exit.h"
#include "hv/sysreg.h"
#include "hv/vdebug.h"

#define PC 0x40081000ull

/* ID_AA64DFR0_EL1 of a Cortex-A57: 6 breakpoints, 4 watchpoints. */
#define DFR0_A57 0x10305106ull

static struct test_vm tvm;
static struct vm *vm;
static struct vcpu *v0, *v1;

static int setup(void **state)
{
	(void)state;
	vm = test_vm_boot(&tvm, "dbg", 2);
	hal_sim_set_id_reg(5, 0, DFR0_A57);
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	vcpu_reset(v1, TEST_RAM_IPA, 0);
	hal_vcpu_el1_write(&v1->arch, EL1_VBAR, TEST_VBAR);
	v0->arch.regs.pc = PC;
	v1->arch.regs.pc = PC;
	return 0;
}

/* An MSR (read = false) or MRS of op0, op1, CRn, CRm, op2 with Xrt. */
static void sys(struct vcpu *v, unsigned op0, unsigned op1, unsigned crn,
		unsigned crm, unsigned op2, unsigned rt, bool read)
{
	uint32_t iss = SYSREG_ISS(op0, op1, crn, crm, op2) |
		       (rt << ISS_SYS_RT_SHIFT) | (read ? ISS_SYS_READ : 0);
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
			      .esr = esr_make(EC_SYS64, 1, iss),
			      .all_regs = true};

	hv_handle_exit(v, &e);
}

/* Debug register (op0 2, op1 0) write of val through x1. */
static void dbg_write(struct vcpu *v, unsigned crn, unsigned crm, unsigned op2,
		      uint64_t val)
{
	v->arch.regs.x[1] = val;
	sys(v, 2, 0, crn, crm, op2, 1, false);
}

/* Debug register read through x2. */
static uint64_t dbg_read(struct vcpu *v, unsigned crn, unsigned crm,
			 unsigned op2)
{
	v->arch.regs.x[2] = 0xbad;
	sys(v, 2, 0, crn, crm, op2, 2, true);
	return v->arch.regs.x[2];
}

static void assert_undef_injected_at(struct vcpu *v, uint64_t pc)
{
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x02000000);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), pc);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
}

static void test_sysreg_debug_pairs_are_each_vcpus_own(void **st)
{
	(void)st;
	dbg_write(v0, 0, 0, 6, 0x40001000); /* DBGWVR0_EL1 */
	dbg_write(v0, 0, 0, 7, 0x1feb);	    /* DBGWCR0_EL1 */
	dbg_write(v1, 0, 0, 6, 0x40002000); /* DBGWVR0_EL1 */
	dbg_write(v1, 0, 0, 7, 0x1fff);	    /* DBGWCR0_EL1 */
	dbg_write(v0, 0, 5, 4, 0x40003000); /* DBGBVR5_EL1, the last */
	dbg_write(v1, 0, 3, 6, 0x40004000); /* DBGWVR3_EL1, the last */
	assert_int_equal(dbg_read(v0, 0, 0, 6), 0x40001000);
	assert_int_equal(dbg_read(v0, 0, 0, 7), 0x1feb);
	assert_int_equal(dbg_read(v1, 0, 0, 6), 0x40002000);
	assert_int_equal(dbg_read(v1, 0, 0, 7), 0x1fff);
	assert_int_equal(dbg_read(v0, 0, 5, 4), 0x40003000);
	assert_int_equal(dbg_read(v1, 0, 5, 4), 0);
	assert_int_equal(dbg_read(v1, 0, 3, 6), 0x40004000);
	assert_int_equal(dbg_read(v0, 0, 3, 6), 0);
	/* What the backend loads. */
	assert_int_equal(v0->arch.debug.wvr[0], 0x40001000);
	assert_int_equal(v1->arch.debug.wcr[0], 0x1fff);
	assert_int_equal(v0->arch.debug.bvr[5], 0x40003000);
	/* Each access completed: 3 writes and 4 reads on each vCPU. */
	assert_int_equal(v0->arch.regs.pc, PC + 4 * 7);
	assert_int_equal(v1->arch.regs.pc, PC + 4 * 7);
	assert_string_equal(console(), "");
}

static void test_sysreg_debug_pairs_keep_only_defined_bits(void **st)
{
	(void)st;
	dbg_write(v0, 0, 1, 4, ~0ull); /* DBGBVR1: a context ID uses [1:0] */
	dbg_write(v0, 0, 1, 5, ~0ull); /* DBGBCR1: E PMC BAS HMC SSC LBN BT */
	dbg_write(v0, 0, 1, 6, ~0ull); /* DBGWVR1: [1:0] RES0 */
	dbg_write(v0, 0, 1, 7, ~0ull); /* DBGWCR1: ... LSC WT MASK too */
	assert_int_equal(dbg_read(v0, 0, 1, 4), ~0ull);
	assert_int_equal(dbg_read(v0, 0, 1, 5), 0x00ffe1e7);
	assert_int_equal(dbg_read(v0, 0, 1, 6), 0xfffffffffffffffcull);
	assert_int_equal(dbg_read(v0, 0, 1, 7), 0x1f1fffff);
}

static void test_sysreg_debug_pairs_past_the_count_are_undef(void **st)
{
	(void)st;
	/* DBGBVR6_EL1: the A57 has breakpoints 0-5. */
	dbg_write(v0, 0, 6, 4, 1);
	assert_undef_injected_at(v0, PC);
	assert_string_equal(console(), "hv: dbg/0: unhandled write of "
				       "S2_0_C0_C6_4 (x1) at pc 0x40081000: "
				       "UNDEF injected\n");
	/* DBGWCR4_EL1: watchpoints 0-3. */
	setup(NULL);
	(void)dbg_read(v0, 0, 4, 7);
	assert_undef_injected_at(v0, PC);
	assert_console_has("unhandled read of S2_0_C0_C4_7 (x2)");
	assert_int_equal(v0->arch.regs.x[2], 0xbad);
	/* A CPU with 16 of each has DBGBVR15_EL1. */
	setup(NULL);
	hal_sim_set_id_reg(5, 0, 0xf0f000ull);
	assert_int_equal(vdebug_brps(), 16);
	assert_int_equal(vdebug_wrps(), 16);
	dbg_write(v0, 0, 15, 4, 0x1234);
	assert_int_equal(dbg_read(v0, 0, 15, 4), 0x1234);
	assert_int_equal(v0->arch.regs.pc, PC + 8);
}

static void test_sysreg_mdscr_keeps_the_guests_fields(void **st)
{
	(void)st;
	dbg_write(v0, 1, 0, 4, 0); /* OSLAR_EL1 = 0: unlock */
	dbg_write(v0, 0, 2, 2, ~0ull);
	/* SS [0], TDCC [12], KDE [13], MDE [15]. */
	assert_int_equal(dbg_read(v0, 0, 2, 2), 0xb001);
	assert_int_equal(v0->arch.debug.mdscr, 0xb001);
	assert_int_equal(dbg_read(v1, 0, 2, 2), 0);
	assert_int_equal(v1->arch.debug.mdscr, 0);
}

static void test_sysreg_os_lock_is_set_by_reset_and_masks_debug(void **st)
{
	unsigned changes;

	(void)st;
	/* OSLSR_EL1: OSLM = 0b10 [3], OSLK [1]. */
	assert_int_equal(dbg_read(v0, 1, 1, 4), 0xa);
	dbg_write(v0, 0, 2, 2, 0xa001); /* MDE, KDE, SS */
	/* Locked: the hardware gets none of them; the guest reads them. */
	assert_int_equal(v0->arch.debug.mdscr, 0);
	assert_int_equal(dbg_read(v0, 0, 2, 2), 0xa001);
	changes = hal_sim_stats()->debug_changes;
	dbg_write(v0, 1, 0, 4, 0); /* OSLAR_EL1 */
	assert_int_equal(hal_sim_stats()->debug_changes, changes + 1);
	assert_int_equal(dbg_read(v0, 1, 1, 4), 0x8);
	assert_int_equal(v0->arch.debug.mdscr, 0xa001);
	dbg_write(v0, 1, 0, 4, 0xfffffffe); /* only bit 0 is OSLK */
	assert_int_equal(dbg_read(v0, 1, 1, 4), 0x8);
	dbg_write(v0, 1, 0, 4, 1);
	assert_int_equal(dbg_read(v0, 1, 1, 4), 0xa);
	assert_int_equal(v0->arch.debug.mdscr, 0);
	/* The other vCPU's lock is its own. */
	dbg_write(v1, 1, 0, 4, 0);
	assert_int_equal(dbg_read(v0, 1, 1, 4), 0xa);
	assert_string_equal(console(), "");
}

static void test_sysreg_os_lock_registers_have_one_direction(void **st)
{
	(void)st;
	(void)dbg_read(v0, 1, 0, 4); /* OSLAR_EL1 is write-only */
	assert_undef_injected_at(v0, PC);
	assert_console_has("unhandled read of S2_0_C1_C0_4 (x2)");
	setup(NULL);
	dbg_write(v0, 1, 1, 4, 0); /* OSLSR_EL1 is read-only */
	assert_undef_injected_at(v0, PC);
	assert_console_has("unhandled write of S2_0_C1_C1_4 (x1)");
	setup(NULL);
	dbg_write(v0, 1, 0, 0, 0); /* MDRAR_EL1 is read-only */
	assert_undef_injected_at(v0, PC);
}

static void test_sysreg_debug_changes_reach_the_backend(void **st)
{
	struct hal_sim_stats *stats = hal_sim_stats();
	unsigned changes = stats->debug_changes;
	uint32_t gen = v0->arch.debug.gen;

	(void)st;
	dbg_write(v0, 0, 2, 7, 0x1feb); /* DBGWCR2_EL1 */
	dbg_write(v0, 0, 2, 2, 0x8000); /* MDSCR_EL1 */
	assert_int_equal(stats->debug_changes, changes + 2);
	assert_int_equal(v0->arch.debug.gen, gen + 2);
	/* Reads and registers with no hardware effect do not. */
	(void)dbg_read(v0, 0, 2, 7);
	dbg_write(v0, 7, 8, 6, 0x3);   /* DBGCLAIMSET_EL1 */
	dbg_write(v0, 0, 2, 0, ~0ull); /* MDCCINT_EL1 */
	assert_int_equal(stats->debug_changes, changes + 2);
}

static void test_sysreg_debug_registers_without_hardware_effect(void **st)
{
	(void)st;
	/* MDCCINT_EL1 keeps RX [30] and TX [29]. */
	dbg_write(v0, 0, 2, 0, ~0ull);
	assert_int_equal(dbg_read(v0, 0, 2, 0), 0x60000000);
	/* OSDLR_EL1: RAZ/WI, no Double Lock. */
	dbg_write(v0, 1, 3, 4, 1);
	assert_int_equal(dbg_read(v0, 1, 3, 4), 0);
	/* DBGPRCR_EL1.CORENPDRQ is kept. */
	dbg_write(v0, 1, 4, 4, ~0ull);
	assert_int_equal(dbg_read(v0, 1, 4, 4), 1);
	/* Claim tags: CLAIMSET reads the implemented ones, CLAIMCLR the set
	 * ones. */
	dbg_write(v0, 7, 8, 6, 0x1a5);
	assert_int_equal(dbg_read(v0, 7, 8, 6), 0xff);
	assert_int_equal(dbg_read(v0, 7, 9, 6), 0xa5);
	dbg_write(v0, 7, 9, 6, 0x21);
	assert_int_equal(dbg_read(v0, 7, 9, 6), 0x84);
	assert_int_equal(dbg_read(v1, 7, 9, 6), 0);
	/* DBGAUTHSTATUS_EL1: NSID and NSNID implemented and enabled. */
	assert_int_equal(dbg_read(v0, 7, 14, 6), 0x0f);
	/* No debugger: MDRAR_EL1, OSDTRRX/TX_EL1, OSECCR_EL1 read zero. */
	assert_int_equal(dbg_read(v0, 1, 0, 0), 0);
	dbg_write(v0, 0, 0, 2, 5);
	assert_int_equal(dbg_read(v0, 0, 0, 2), 0);
	dbg_write(v0, 0, 3, 2, 5);
	assert_int_equal(dbg_read(v0, 0, 3, 2), 0);
	dbg_write(v0, 0, 6, 2, 5);
	assert_int_equal(dbg_read(v0, 0, 6, 2), 0);
	assert_int_equal(v0->arch.regs.pc, PC + 4 * 19);
	assert_string_equal(console(), "");
}

static void test_sysreg_dcc_registers_at_el0_read_zero(void **st)
{
	(void)st;
	/* MDCCSR_EL0 (op1 3), read-only. */
	v0->arch.regs.x[3] = 7;
	sys(v0, 2, 3, 0, 1, 0, 3, true);
	assert_int_equal(v0->arch.regs.x[3], 0);
	/* DBGDTR_EL0 and DBGDTRRX_EL0 read zero, writes are dropped. */
	v0->arch.regs.x[3] = 7;
	sys(v0, 2, 3, 0, 4, 0, 3, false);
	sys(v0, 2, 3, 0, 4, 0, 3, true);
	assert_int_equal(v0->arch.regs.x[3], 0);
	v0->arch.regs.x[3] = 7;
	sys(v0, 2, 3, 0, 5, 0, 3, false);
	sys(v0, 2, 3, 0, 5, 0, 3, true);
	assert_int_equal(v0->arch.regs.x[3], 0);
	assert_int_equal(v0->arch.regs.pc, PC + 4 * 5);
	sys(v0, 2, 3, 0, 1, 0, 3, false);
	assert_undef_injected_at(v0, PC + 4 * 5);
}

static void test_sysreg_debug_read_into_xzr_and_write_of_xzr(void **st)
{
	struct vcpu_regs before;

	(void)st;
	dbg_write(v0, 0, 0, 6, 0x40001000);
	v0->arch.regs.x[1] = 0;
	before = v0->arch.regs;
	sys(v0, 2, 0, 0, 0, 6, 31, true);
	assert_memory_equal(v0->arch.regs.x, before.x, sizeof(before.x));
	sys(v0, 2, 0, 0, 0, 6, 31, false); /* msr dbgwvr0_el1, xzr */
	assert_int_equal(dbg_read(v0, 0, 0, 6), 0);
}

static void test_sysreg_vcpu_reset_is_a_cold_debug_reset(void **st)
{
	uint32_t gen;

	(void)st;
	dbg_write(v1, 1, 0, 4, 0);
	dbg_write(v1, 0, 0, 6, 0x40001000);
	dbg_write(v1, 0, 0, 7, 0x1feb);
	dbg_write(v1, 0, 2, 2, 0xa000);
	dbg_write(v1, 7, 8, 6, 0xff);
	gen = v1->arch.debug.gen;
	vcpu_reset(v1, TEST_RAM_IPA, 0);
	/* The backend sees a new generation, so it loads the zeros. */
	assert_int_not_equal(v1->arch.debug.gen, gen);
	v1->arch.regs.pc = PC;
	assert_int_equal(dbg_read(v1, 1, 1, 4), 0xa);
	assert_int_equal(dbg_read(v1, 0, 0, 6), 0);
	assert_int_equal(dbg_read(v1, 0, 0, 7), 0);
	assert_int_equal(dbg_read(v1, 0, 2, 2), 0);
	assert_int_equal(dbg_read(v1, 7, 9, 6), 0);
	assert_int_equal(v1->arch.debug.mdscr, 0);
}

static void test_sysreg_unallocated_debug_encodings_are_undef(void **st)
{
	(void)st;
	/* op1 = 4 (EL2's DBGVCR32_EL2) and a hole at CRn 7. */
	sys(v0, 2, 4, 0, 7, 0, 1, true);
	assert_undef_injected_at(v0, PC);
	assert_console_has("unhandled read of S2_4_C0_C7_0 (x1)");
	setup(NULL);
	sys(v0, 2, 0, 7, 8, 5, 1, false);
	assert_undef_injected_at(v0, PC);
	assert_console_has("unhandled write of S2_0_C7_C8_5 (x1)");
}

static void test_sysreg_ras_error_records_undef_without_a_log(void **st)
{
	/* ERRIDR_EL1, ERRSELR_EL1, ERXFR_EL1, ERXPFGCDN_EL1, ERXMISC3_EL1. */
	static const unsigned regs[][2] = {
	    {3, 0}, {3, 1}, {4, 0}, {4, 6}, {5, 3}};

	(void)st;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		setup(NULL);
		sys(v0, 3, 0, 5, regs[i][0], regs[i][1], 1, i % 2 == 0);
		assert_undef_injected_at(v0, PC);
		assert_string_equal(console(), "");
	}
	/* Next to them, not RAS: logged like any unknown register. */
	setup(NULL);
	sys(v0, 3, 0, 5, 5, 4, 1, true);
	assert_undef_injected_at(v0, PC);
	assert_console_has("unhandled read of S3_0_C5_C5_4 (x1)");
	setup(NULL);
	sys(v0, 3, 0, 5, 3, 2, 1, true);
	assert_console_has("unhandled read of S3_0_C5_C3_2 (x1)");
}

static void test_sysreg_implementation_defined_trap_is_logged_undef(void **st)
{
	(void)st;
	/* HCR_EL2.TIDCP on hardware that honours it: L2ACTLR. */
	sys(v0, 3, 1, 15, 0, 0, 4, true);
	assert_undef_injected_at(v0, PC);
	assert_string_equal(console(), "hv: dbg/0: unhandled read of "
				       "S3_1_C15_C0_0 (x4) at pc 0x40081000: "
				       "UNDEF injected\n");
}

static void test_sysreg_id_hides_ras_and_the_double_lock(void **st)
{
	(void)st;
	/* ID_AA64DFR0_EL1: DoubleLock [39:36] reads 0xf (not implemented);
	 * BRPs, WRPs, CTX_CMPs and DebugVer are the hardware's. */
	assert_int_equal(sysreg_id_value(5, 0), 0xf010305006ull);
	/* ID_PFR0_EL1 (AArch32): RAS [31:28]. */
	hal_sim_set_id_reg(1, 0, 0x10010131);
	assert_int_equal(sysreg_id_value(1, 0), 0x00010131);
	/* ID_AA64PFR0_EL1.RAS of QEMU's max (2); GIC [27:24] says the
	 * machine's GICv3. */
	hal_sim_set_id_reg(4, 0, 0x20000000);
	assert_int_equal(sysreg_id_value(4, 0), 0x01000000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
	    T(test_sysreg_debug_pairs_are_each_vcpus_own),
	    T(test_sysreg_debug_pairs_keep_only_defined_bits),
	    T(test_sysreg_debug_pairs_past_the_count_are_undef),
	    T(test_sysreg_mdscr_keeps_the_guests_fields),
	    T(test_sysreg_os_lock_is_set_by_reset_and_masks_debug),
	    T(test_sysreg_os_lock_registers_have_one_direction),
	    T(test_sysreg_debug_changes_reach_the_backend),
	    T(test_sysreg_debug_registers_without_hardware_effect),
	    T(test_sysreg_dcc_registers_at_el0_read_zero),
	    T(test_sysreg_debug_read_into_xzr_and_write_of_xzr),
	    T(test_sysreg_vcpu_reset_is_a_cold_debug_reset),
	    T(test_sysreg_unallocated_debug_encodings_are_undef),
	    T(test_sysreg_ras_error_records_undef_without_a_log),
	    T(test_sysreg_implementation_defined_trap_is_logged_undef),
	    T(test_sysreg_id_hides_ras_and_the_double_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
