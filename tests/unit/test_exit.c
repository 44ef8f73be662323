/* Unit tests of hv/exit.c and hv/sysreg.c: exit dispatch on synthesized
 * syndromes. */
#include "helpers.h"

#include "hv/abi.h"
#include "hv/exit.h"
#include "hv/sysreg.h"

#include <stdio.h>

#define PC 0x40081000ull

static struct test_vm tvm;
static struct vm *vm;
static struct vcpu *v;

static int setup(void **state)
{
	(void)state;
	vm = test_vm_boot(&tvm, "ex", 1);
	v = &vm->vcpus[0];
	v->arch.regs.pc = PC;
	for (unsigned i = 1; i < 31; i++)
		v->arch.regs.x[i] = 0x1111111111111100ull + i;
	return 0;
}

static void sync_exit(unsigned ec, uint32_t iss, uint64_t far, uint64_t hpfar)
{
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
			      .all_regs = true,
			      .esr = esr_make(ec, 1, iss),
			      .far = far,
			      .hpfar = hpfar};

	hv_handle_exit(v, &e);
}

/* MSR/MRS ISS for op0, op1, CRn, CRm, op2 with Rt = rt. */
static uint32_t sys_iss(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
			unsigned op2, unsigned rt, bool read)
{
	return SYSREG_ISS(op0, op1, crn, crm, op2) | (rt << ISS_SYS_RT_SHIFT) |
	       (read ? ISS_SYS_READ : 0);
}

static void mrs(unsigned crm, unsigned op2, unsigned rt)
{
	sync_exit(EC_SYS64, sys_iss(3, 0, 0, crm, op2, rt, true), 0, 0);
}

static void assert_undef_injected_at(uint64_t pc)
{
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x02000000);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), pc);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
}

static void test_exit_hvc_calls_smccc_and_leaves_pc(void **st)
{
	(void)st;
	v->arch.regs.x[0] = PSCI_0_2_VERSION;
	sync_exit(EC_HVC64, 0, 0, 0);
	assert_int_equal(v->arch.regs.x[0], 0x10001);
	assert_int_equal(v->arch.regs.pc, PC);
	assert_false(v->arch.yield);
}

static void test_exit_hvc_immediate_comes_from_the_iss(void **st)
{
	(void)st;
	v->arch.regs.x[0] = PSCI_0_2_VERSION;
	sync_exit(EC_HVC64, 0x0001, 0, 0);
	assert_int_equal(v->arch.regs.x[0], (uint64_t)-1);
	v->arch.regs.x[0] = PSCI_0_2_VERSION;
	/* Bits above imm16 are not part of the immediate. */
	sync_exit(EC_HVC64, 0x10000, 0, 0);
	assert_int_equal(v->arch.regs.x[0], 0x10001);
}

static void test_exit_smc_calls_smccc_and_advances_pc(void **st)
{
	(void)st;
	v->arch.regs.x[0] = SMCCC_VERSION;
	sync_exit(EC_SMC64, 0, 0, 0);
	assert_int_equal(v->arch.regs.x[0], 0x10001);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	v->arch.regs.x[0] = SMCCC_VERSION;
	sync_exit(EC_SMC64, 0x42, 0, 0);
	assert_int_equal(v->arch.regs.x[0], (uint64_t)-1);
	assert_int_equal(v->arch.regs.pc, PC + 8);
}

static void test_exit_wfi_and_wfe_advance_pc_and_yield(void **st)
{
	(void)st;
	sync_exit(EC_WFX, ISS_WFX_TI_WFI, 0, 0);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	assert_true(v->arch.yield);
	v->arch.yield = false;
	sync_exit(EC_WFX, ISS_WFX_TI_WFE, 0, 0);
	assert_int_equal(v->arch.regs.pc, PC + 8);
	assert_true(v->arch.yield);
	assert_string_equal(console(), "");
}

/* A WFx syndrome from AArch32: CV = 1, COND = AL (0xe), TI, and IL. */
static void wfx_a32(uint32_t ti, bool wide)
{
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SYNC,
	    .esr = esr_make(EC_WFX, wide,
			    ISS_WFX_CV | 0xeu << ISS_WFX_COND_SHIFT | ti),
	    .all_regs = true};

	hv_handle_exit(v, &e);
}

static void test_exit_t16_wfi_advances_pc_by_2(void **st)
{
	(void)st;
	/* Thumb WFI (0xbf30) in AArch32 User mode: ESR_EL2.IL = 0. */
	v->arch.regs.pc = 0x40002002;
	v->arch.regs.pstate = PSR_AA32_T | PSR_AA32_USR;
	wfx_a32(ISS_WFX_TI_WFI, false);
	assert_int_equal(v->arch.regs.pc, 0x40002004);
	assert_int_equal(v->arch.regs.pstate, PSR_AA32_T | PSR_AA32_USR);
	assert_true(v->arch.yield);
	/* wfi.w (0xf3af8003) is 32 bits. */
	wfx_a32(ISS_WFX_TI_WFI, true);
	assert_int_equal(v->arch.regs.pc, 0x40002008);
}

static void test_exit_a32_wfe_advances_pc_by_4(void **st)
{
	(void)st;
	/* A32 WFE (0xe320f002). */
	v->arch.regs.pstate = PSR_AA32_USR;
	wfx_a32(ISS_WFX_TI_WFE, true);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	assert_false(v->blocked);
}

static void test_exit_aarch32_pc_wraps_at_4_gib(void **st)
{
	(void)st;
	v->arch.regs.pc = 0xfffffffe;
	v->arch.regs.pstate = PSR_AA32_T | PSR_AA32_USR;
	exit_skip_insn(v, esr_make(EC_WFX, 0, 0));
	assert_int_equal(v->arch.regs.pc, 0);
	v->arch.regs.pc = 0xfffffffc;
	v->arch.regs.pstate = PSR_AA32_USR;
	exit_skip_insn(v, esr_make(EC_WFX, 1, 0));
	assert_int_equal(v->arch.regs.pc, 0);
}

/*
 * A trapped instruction inside an IT block: each completion advances
 * ITSTATE (AArch32.ITAdvance), and the block's last one clears it.
 */
static void test_exit_skip_in_it_block_advances_itstate(void **st)
{
	const uint64_t usr_t = PSR_AA32_T | PSR_AA32_USR | PSR_NZCV;

	(void)st;
	/* ITT EQ: ITSTATE 0x04, then 0x08, then outside the block. */
	v->arch.regs.pstate = usr_t | 0x01ull << PSR_AA32_IT_HI_SHIFT;
	exit_skip_insn(v, esr_make(EC_WFX, 0, 0));
	assert_int_equal(v->arch.regs.pstate,
			 usr_t | 0x02ull << PSR_AA32_IT_HI_SHIFT);
	exit_skip_insn(v, esr_make(EC_WFX, 1, 0));
	assert_int_equal(v->arch.regs.pstate, usr_t);
	assert_int_equal(v->arch.regs.pc, PC + 6);
	/* Outside a block nothing changes but the PC. */
	exit_skip_insn(v, esr_make(EC_WFX, 0, 0));
	assert_int_equal(v->arch.regs.pstate, usr_t);
	/* ITSTATE 0xff (IT[1:0] at [26:25]) -> 0xfe: only IT[4:0] shifts. */
	v->arch.regs.pstate = usr_t | PSR_AA32_IT_LO_MASK | PSR_AA32_IT_HI_MASK;
	exit_skip_insn(v, esr_make(EC_WFX, 0, 0));
	assert_int_equal(v->arch.regs.pstate, usr_t |
						  2ull << PSR_AA32_IT_LO_SHIFT |
						  PSR_AA32_IT_HI_MASK);
}

static void test_exit_a64_ignores_bits_that_are_it_in_aarch32(void **st)
{
	(void)st;
	/* PSTATE bits 10 and 25 mean something else in AArch64 (BTYPE,
	 * TCO): only an AArch32 state has an IT block. */
	v->arch.regs.pstate = PSR_MODE_EL1H | 1u << 10 | 1u << 25 | 1u << 5;
	exit_skip_insn(v, esr_make(EC_WFX, 1, 0));
	assert_int_equal(v->arch.regs.pstate,
			 PSR_MODE_EL1H | 1u << 10 | 1u << 25 | 1u << 5);
	assert_int_equal(v->arch.regs.pc, PC + 4);
}

static void test_exit_undef_for_trapped_a32_instruction_has_il_1(void **st)
{
	(void)st;
	/* A T16 instruction trapped with an EC the core does not handle
	 * (MCR p15 from AArch32, EC 0x03): UNDEF at the instruction, taken
	 * to the AArch32 EL0 vector; EC 0x00 always has IL = 1. */
	v->arch.regs.pstate = PSR_AA32_T | PSR_AA32_USR;
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
			      .esr = esr_make(EC_CP15_32, 0, 0),
			      .all_regs = true};

	hv_handle_exit(v, &e);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x02000000);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), PC);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_SPSR),
			 PSR_AA32_T | PSR_AA32_USR);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x600);
}

static void test_exit_wfi_blocks_only_with_nothing_to_take(void **st)
{
	(void)st;
	/* Nothing pending, no timer: blocked until something comes. */
	sync_exit(EC_WFX, ISS_WFX_TI_WFI, 0, 0);
	assert_true(v->blocked);
	/* WFE only gives way. */
	v->blocked = false;
	sync_exit(EC_WFX, ISS_WFX_TI_WFE, 0, 0);
	assert_false(v->blocked);
	/* Its virtual timer asserted: not blocked, and the GIC is asked to
	 * look again (the physical PPI 27 must reach the hypervisor). */
	hal_sim_set_counter(5000);
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CVAL, 10);
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CTL, CNT_CTL_ENABLE);
	sync_exit(EC_WFX, ISS_WFX_TI_WFI, 0, 0);
	assert_false(v->blocked);
	assert_int_equal(hal_sim_stats()->irq_resamples, 1);
}

static void test_exit_id_register_reads_hide_el2_el3_ras_sve_mpam_amu(void **st)
{
	(void)st;
	hal_sim_set_id_reg(4, 0, 0x1111111111111111ull);
	mrs(4, 0, 2); /* ID_AA64PFR0_EL1 */
	/* EL2 [11:8], EL3 [15:12], RAS [31:28], SVE [35:32], MPAM [43:40],
	 * AMU [47:44]. */
	assert_int_equal(v->arch.regs.x[2], 0x1111001001110011ull);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	assert_string_equal(console(), "");
}

static void test_exit_id_register_reads_hide_pmu_spe_trace(void **st)
{
	(void)st;
	hal_sim_set_id_reg(5, 0, 0xffffffffffffffffull);
	mrs(5, 0, 3); /* ID_AA64DFR0_EL1 */
	/* TraceVer [7:4], PMUVer [11:8], PMSVer [35:32], TraceFilt [43:40],
	 * TraceBuffer [47:44]. */
	assert_int_equal(v->arch.regs.x[3], 0xffff00f0fffff00full);
}

static void test_exit_id_register_reads_hide_mte_ras_sme_mpam_frac(void **st)
{
	(void)st;
	hal_sim_set_id_reg(4, 1, 0xffffffffffffffffull);
	mrs(4, 1, 4); /* ID_AA64PFR1_EL1 */
	/* MTE [11:8], RAS_frac [15:12], MPAM_frac [19:16], SME [27:24]. */
	assert_int_equal(v->arch.regs.x[4], 0xfffffffff0f000ffull);
}

static void test_exit_wholly_hidden_id_registers_read_zero(void **st)
{
	static const unsigned regs[][2] = {
	    {4, 4}, /* ID_AA64ZFR0_EL1 */
	    {4, 5}, /* ID_AA64SMFR0_EL1 */
	    {5, 4}, /* ID_AA64AFR0_EL1 */
	    {5, 5}, /* ID_AA64AFR1_EL1 */
	    {1, 3}, /* ID_AFR0_EL1 */
	};

	(void)st;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		hal_sim_set_id_reg(regs[i][0], regs[i][1], ~0ull);
		mrs(regs[i][0], regs[i][1], 5);
		assert_int_equal(v->arch.regs.x[5], 0);
		assert_int_equal(sysreg_id_value(regs[i][0], regs[i][1]), 0);
	}
	assert_int_equal(v->arch.regs.pc, PC + 4 * 5);
}

static void test_exit_aarch32_id_registers_hide_virt_pmu_trace(void **st)
{
	(void)st;
	hal_sim_set_id_reg(1, 1, 0xffffffff);
	mrs(1, 1, 6); /* ID_PFR1_EL1: Security [7:4], Virtualization [15:12] */
	assert_int_equal(v->arch.regs.x[6], 0xffff0f0f);
	/* ID_DFR0_EL1: CopTrc [15:12], MMapTrc [19:16], PerfMon [27:24] and
	 * TraceFilt [31:28] hidden; the debug fields stay. */
	hal_sim_set_id_reg(1, 2, 0x76543210);
	mrs(1, 2, 7);
	assert_int_equal(v->arch.regs.x[7], 0x00500210);
}

static void test_exit_other_id_registers_read_the_hardware_value(void **st)
{
	(void)st;
	hal_sim_set_id_reg(7, 0, 0x0000000000101125ull); /* ID_AA64MMFR0 */
	mrs(7, 0, 8);
	assert_int_equal(v->arch.regs.x[8], 0x101125);
	hal_sim_set_id_reg(6, 0, 0x0000100010211120ull); /* ID_AA64ISAR0 */
	mrs(6, 0, 9);
	assert_int_equal(v->arch.regs.x[9], 0x0000100010211120ull);
	/* An unallocated encoding reads what the hardware reads (RAZ on
	 * real CPUs). */
	mrs(3, 7, 10);
	assert_int_equal(v->arch.regs.x[10], 0);
	hal_sim_set_id_reg(3, 7, 0x77);
	mrs(3, 7, 10);
	assert_int_equal(v->arch.regs.x[10], 0x77);
}

static void test_exit_id_register_read_into_xzr_changes_nothing(void **st)
{
	struct vcpu_regs before = v->arch.regs;

	(void)st;
	hal_sim_set_id_reg(4, 0, 0x22);
	mrs(4, 0, 31);
	assert_memory_equal(v->arch.regs.x, before.x, sizeof(before.x));
	assert_int_equal(v->arch.regs.pc, PC + 4);
}

static void test_exit_id_register_write_is_undef(void **st)
{
	(void)st;
	sync_exit(EC_SYS64, sys_iss(3, 0, 0, 4, 0, 2, false), 0, 0);
	assert_undef_injected_at(PC);
	assert_string_equal(console(), "hv: ex/0: unhandled write of "
				       "S3_0_C0_C4_0 (x2) at pc 0x40081000: "
				       "UNDEF injected\n");
}

static void test_exit_id_space_is_crm_1_to_7_only(void **st)
{
	(void)st;
	/* MIDR_EL1 (CRm = 0) is not trapped by TID3: UNDEF if it arrives. */
	sync_exit(EC_SYS64, sys_iss(3, 0, 0, 0, 0, 1, true), 0, 0);
	assert_undef_injected_at(PC);
	assert_console_has("unhandled read of S3_0_C0_C0_0 (x1)");
	assert_int_equal(v->arch.regs.x[1], 0x1111111111111101ull);
	setup(NULL);
	sync_exit(EC_SYS64, sys_iss(3, 0, 0, 8, 0, 1, true), 0, 0);
	assert_undef_injected_at(PC);
	assert_console_has("unhandled read of S3_0_C0_C8_0 (x1)");
	/* Same CRm/op2 with op1 = 1 is another register entirely. */
	setup(NULL);
	sync_exit(EC_SYS64, sys_iss(3, 1, 0, 4, 0, 1, true), 0, 0);
	assert_undef_injected_at(PC);
	assert_console_has("unhandled read of S3_1_C0_C4_0 (x1)");
}

static void test_exit_actlr_el1_is_raz_wi(void **st)
{
	(void)st;
	sync_exit(EC_SYS64, sys_iss(3, 0, 1, 0, 1, 12, true), 0, 0);
	assert_int_equal(v->arch.regs.x[12], 0);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	sync_exit(EC_SYS64, sys_iss(3, 0, 1, 0, 1, 13, false), 0, 0);
	assert_int_equal(v->arch.regs.x[13], 0x111111111111110dull);
	assert_int_equal(v->arch.regs.pc, PC + 8);
	assert_string_equal(console(), "");
}

static void test_exit_dc_set_way_ops_clean_and_invalidate(void **st)
{
	static const unsigned crm[] = {6, 10, 14}; /* ISW, CSW, CISW */
	struct hal_sim_stats *stats = hal_sim_stats();

	(void)st;
	for (unsigned i = 0; i < 3; i++) {
		v->arch.regs.x[4] = 0x80000040ull + i;
		sync_exit(EC_SYS64, sys_iss(1, 0, 7, crm[i], 2, 4, false), 0,
			  0);
		assert_int_equal(stats->setway_ops, i + 1);
		assert_int_equal(stats->last_setway, 0x80000040ull + i);
	}
	assert_int_equal(v->arch.regs.pc, PC + 12);
	assert_string_equal(console(), "");
}

static void test_exit_dc_set_way_from_xzr_uses_zero(void **st)
{
	(void)st;
	sync_exit(EC_SYS64, sys_iss(1, 0, 7, 14, 2, 31, false), 0, 0);
	assert_int_equal(hal_sim_stats()->setway_ops, 1);
	assert_int_equal(hal_sim_stats()->last_setway, 0);
}

static void test_exit_other_dc_ops_are_undef(void **st)
{
	(void)st;
	/* DC CIVAC (op1 = 3, CRm = 14, op2 = 1) is not trapped by TSW. */
	sync_exit(EC_SYS64, sys_iss(1, 3, 7, 14, 1, 0, false), 0, 0);
	assert_undef_injected_at(PC);
	assert_int_equal(hal_sim_stats()->setway_ops, 0);
	assert_console_has("unhandled write of S1_3_C7_C14_1 (x0)");
	/* A "read" form of a set/way op does not exist. */
	setup(NULL);
	sync_exit(EC_SYS64, sys_iss(1, 0, 7, 6, 2, 3, true), 0, 0);
	assert_undef_injected_at(PC);
	assert_int_equal(hal_sim_stats()->setway_ops, 0);
}

static void test_exit_unknown_sysreg_is_undef_with_its_name(void **st)
{
	(void)st;
	/* PMCR_EL0 = S3_3_C9_C12_0, read into x1. */
	sync_exit(EC_SYS64, sys_iss(3, 3, 9, 12, 0, 1, true), 0, 0);
	assert_undef_injected_at(PC);
	assert_int_equal(v->arch.regs.x[1], 0x1111111111111101ull);
	assert_string_equal(console(), "hv: ex/0: unhandled read of "
				       "S3_3_C9_C12_0 (x1) at pc 0x40081000: "
				       "UNDEF injected\n");
}

static void test_exit_data_abort_on_uart_is_emulated(void **st)
{
	(void)st;
	/* STRB w3, [x?] to the PL011 data register. */
	v->arch.regs.x[3] = 'Z';
	sync_exit(EC_DABT_LOW, dabt_iss(0, false, 3, false, true),
		  0xffff000009000000ull, hpfar_of(VM_PL011_IPA));
	assert_int_equal(v->arch.regs.pc, PC + 4);
	assert_string_equal(console(), "ex| Z");
	/* LDR w5 of FR: TX empty, RX empty. */
	sync_exit(EC_DABT_LOW, dabt_iss(2, false, 5, false, false),
		  0xffff000009000018ull, hpfar_of(VM_PL011_IPA));
	assert_int_equal(v->arch.regs.x[5], 0x90);
	assert_int_equal(v->arch.regs.pc, PC + 8);
}

/* A byte stored to DR through the exit (its direct path), data x3. */
static void dr_store(uint8_t c)
{
	v->arch.regs.x[3] = c;
	sync_exit(EC_DABT_LOW, dabt_iss(0, false, 3, false, true),
		  0xffff000009000000ull, hpfar_of(VM_PL011_IPA));
}

static void test_exit_dr_stores_keep_lines_loopback_and_tx_irq(void **st)
{
	(void)st;
	/* Mid-line bytes, a newline, a new line with its prefix. */
	dr_store('a');
	dr_store('b');
	dr_store('\n');
	dr_store('c');
	assert_string_equal(console(), "ex| ab\nex| c");
	assert_int_equal(v->arch.regs.pc, PC + 16);
	assert_true(vm->uart.ris & PL011_INT_TX);
	/* With the TX interrupt enabled, a byte raises SPI 1's line. */
	vm->uart.imsc = PL011_INT_TX;
	dr_store('d');
	assert_true(vm->uart.irq_line);
	assert_string_equal(console(), "ex| ab\nex| cd");
	/* Loopback: the byte goes to the receive FIFO, not the console. */
	vm->uart.cr |= PL011_CR_LBE;
	dr_store('e');
	assert_int_equal(vm->uart.rx_count, 1);
	assert_string_equal(console(), "ex| ab\nex| cd");
	/* A doubleword store to DR is refused. */
	sync_exit(EC_DABT_LOW, dabt_iss(3, false, 3, true, true),
		  0xffff000009000000ull, hpfar_of(VM_PL011_IPA));
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000050);
}

static void test_exit_doubleword_access_to_uart_is_refused(void **st)
{
	(void)st;
	/* LDR x5 of DR: the PL011 has no 64-bit registers. */
	sync_exit(EC_DABT_LOW, dabt_iss(3, false, 5, true, false),
		  0xffff000009000000ull, hpfar_of(VM_PL011_IPA));
	assert_int_equal(v->arch.regs.x[5], 0x1111111111111105ull);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000010);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_string_equal(console(),
			    "hv: ex/0: read refused by the device at ipa "
			    "0x9000000, pc 0x40081000: data abort injected\n");
}

static void test_exit_data_abort_ipa_comes_from_hpfar_and_far(void **st)
{
	(void)st;
	/* HPFAR gives the page, FAR only the offset inside it: FAR's page
	 * is a guest VA with nothing to do with the IPA. */
	sync_exit(EC_DABT_LOW, dabt_iss(2, false, 6, false, false),
		  0x0000000012345030ull, hpfar_of(VM_PL011_IPA));
	assert_int_equal(v->arch.regs.x[6], 0x300); /* CR */
	assert_int_equal(v->arch.regs.pc, PC + 4);
}

static void test_exit_data_abort_s1ptw_is_injected(void **st)
{
	(void)st;
	sync_exit(EC_DABT_LOW,
		  dabt_iss(2, false, 6, false, false) | ISS_DA_S1PTW,
		  0xffff000000001000ull, hpfar_of(0x9000000));
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000010);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR),
			 0xffff000000001000ull);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_int_equal(v->arch.regs.x[6], 0x1111111111111106ull);
	assert_console_has("hv: ex/0: read that is not a stage-2 fault at ipa "
			   "0x9000000, pc 0x40081000: data abort injected\n");
}

static void test_exit_data_abort_with_external_fsc_is_injected(void **st)
{
	(void)st;
	sync_exit(EC_DABT_LOW, ISS_DA_WNR | FSC_EXTERNAL_SYNC,
		  0xffff000000002000ull, hpfar_of(0x9000000));
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000050);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR),
			 0xffff000000002000ull);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_string_equal(
	    console(), "hv: ex/0: write that is not a stage-2 fault at ipa "
		       "0x9000000, pc 0x40081000: data abort injected\n");
}

static void test_exit_data_abort_outside_ram_and_devices(void **st)
{
	(void)st;
	sync_exit(EC_DABT_LOW, dabt_iss(2, false, 6, false, false), 0x123,
		  hpfar_of(0x80000000));
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x96000010);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR), 0x123);
	assert_string_equal(console(),
			    "hv: ex/0: read outside RAM and devices at ipa "
			    "0x80000123, pc 0x40081000: data abort injected\n");
}

static void test_exit_data_abort_from_el0_injects_lower_el_abort(void **st)
{
	(void)st;
	v->arch.regs.pstate = PSR_MODE_EL0T;
	sync_exit(EC_DABT_LOW, dabt_iss(2, false, 6, false, true), 0x4000,
		  hpfar_of(0x80000000));
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x92000050);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x400);
}

static void test_exit_instruction_abort_is_injected_and_logged(void **st)
{
	(void)st;
	sync_exit(EC_IABT_LOW, 0x07, 0xffff000000400000ull,
		  hpfar_of(0x80400000));
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0x86000010);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_FAR),
			 0xffff000000400000ull);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ELR), PC);
	assert_int_equal(v->arch.regs.pc, TEST_VBAR + 0x200);
	assert_string_equal(console(),
			    "hv: ex/0: instruction fetch from ipa 0x80400000 "
			    "outside RAM: instruction abort injected\n");
}

static void test_exit_abort_on_the_exception_vector_stops_the_vm(void **st)
{
	(void)st;
	/* The guest's own vector cannot be fetched: taking the abort there
	 * would fault again forever. */
	hal_vcpu_el1_write(&v->arch, EL1_VBAR, 0x80400000);
	v->arch.regs.pc = 0x80400200;
	sync_exit(EC_IABT_LOW, 0x06, 0x80400200, hpfar_of(0x80400200));
	assert_int_equal(v->vm->state, VM_OFF);
	assert_int_equal(v->vm->exit_status, 1);
	assert_true(v->arch.yield);
	assert_int_equal(v->arch.regs.pc, 0x80400200);
	assert_string_equal(console(),
			    "hv: ex/0: instruction fetch from its own "
			    "exception vector at ipa 0x80400200, outside RAM: "
			    "cannot take the abort\n"
			    "hv: ex: powered off by a fault on its exception "
			    "vector, status 1\n");
}

static void test_exit_unknown_ec_is_undef_and_logged(void **st)
{
	(void)st;
	sync_exit(EC_BRK64, 0, 0, 0);
	assert_undef_injected_at(PC);
	assert_string_equal(console(),
			    "hv: ex/0: unhandled exception class 0x3c (esr "
			    "0xf2000000) at pc 0x40081000: UNDEF injected\n");
}

static void test_exit_every_unhandled_ec_injects_undef(void **st)
{
	char want[48];

	(void)st;
	for (unsigned ec = 0; ec < EC_COUNT; ec++) {
		if (ec == EC_WFX || ec == EC_HVC64 || ec == EC_SMC64 ||
		    ec == EC_SYS64 || ec == EC_IABT_LOW || ec == EC_DABT_LOW)
			continue;
		setup(NULL);
		hal_sim_console_clear();
		sync_exit(ec, 0x1234, 0, 0);
		assert_undef_injected_at(PC);
		snprintf(want, sizeof(want),
			 "exception class 0x%02x (esr 0x%08x", ec,
			 (ec << 26) | 0x02001234u);
		assert_console_has(want);
	}
}

static void test_exit_irq_and_fiq_change_nothing(void **st)
{
	struct vcpu_regs before = v->arch.regs;
	struct vcpu_exit e = {.kind = VCPU_EXIT_IRQ, .all_regs = true};

	(void)st;
	hv_handle_exit(v, &e);
	e.kind = VCPU_EXIT_FIQ;
	hv_handle_exit(v, &e);
	assert_memory_equal(&v->arch.regs, &before, sizeof(before));
	assert_false(v->arch.yield);
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0);
	assert_string_equal(console(), "");
}

static void test_exit_serror_is_logged_and_ignored(void **st)
{
	struct vcpu_regs before = v->arch.regs;
	struct vcpu_exit e = {
	    .kind = VCPU_EXIT_SERROR, .all_regs = true, .esr = 0xbe000000};

	(void)st;
	hv_handle_exit(v, &e);
	assert_memory_equal(&v->arch.regs, &before, sizeof(before));
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0);
	assert_string_equal(console(), "hv: ex/0: SError (esr 0xbe000000) at "
				       "pc 0x40081000: ignored\n");
}

static void test_exit_table_has_every_entry_and_finds_the_vcpu(void **st)
{
	(void)st;
	for (unsigned ec = 0; ec < EC_COUNT; ec++)
		assert_non_null(hv_exit_table.sync[ec]);
	assert_non_null(hv_exit_table.irq);
	assert_non_null(hv_exit_table.fiq);
	assert_non_null(hv_exit_table.serror);
	assert_non_null(hv_exit_table.vtimer);
	/* The backend calls it with the exit in the vCPU's struct. */
	v->arch.exit = (struct vcpu_exit){.kind = VCPU_EXIT_SYNC,
					  .esr = esr_make(EC_WFX, 1, 0)};
	hv_exit_table.sync[EC_WFX](&v->arch);
	assert_int_equal(v->arch.regs.pc, PC + 4);
	assert_true(v->arch.yield);
}

/* An exit as the aarch64 backend first hands it over: x18-x30 not saved. */
static void partial_exit(unsigned ec, uint32_t iss, uint64_t far,
			 uint64_t hpfar)
{
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
			      .esr = esr_make(ec, 1, iss),
			      .far = far,
			      .hpfar = hpfar};

	v->arch.need_regs = false;
	hv_handle_exit(v, &e);
}

static void test_exit_uses_of_x18_to_x30_are_declined_untouched(void **st)
{
	struct vcpu_regs before = v->arch.regs;

	(void)st;
	/* STRB w20 to the UART, LDR w30 from it. */
	partial_exit(EC_DABT_LOW, dabt_iss(0, false, 20, false, true),
		     0xffff000009000000ull, hpfar_of(VM_PL011_IPA));
	assert_true(v->arch.need_regs);
	partial_exit(EC_DABT_LOW, dabt_iss(2, false, 30, false, false),
		     0xffff000009000018ull, hpfar_of(VM_PL011_IPA));
	assert_true(v->arch.need_regs);
	/* No syndrome: the instruction may name any register. */
	partial_exit(EC_DABT_LOW, ISS_DA_WNR | 0x07, 0xffff000009000000ull,
		     hpfar_of(VM_PL011_IPA));
	assert_true(v->arch.need_regs);
	/* MRS x18, ACTLR_EL1; MSR ICC_SGI1R_EL1, x25. */
	partial_exit(EC_SYS64, sys_iss(3, 0, 1, 0, 1, 18, true), 0, 0);
	assert_true(v->arch.need_regs);
	partial_exit(EC_SYS64, sys_iss(3, 0, 12, 11, 5, 25, false), 0, 0);
	assert_true(v->arch.need_regs);
	/* Nothing happened: no PC, register, console or exception change. */
	assert_memory_equal(&v->arch.regs, &before, sizeof(before));
	assert_string_equal(console(), "");
	assert_int_equal(hal_vcpu_el1_read(&v->arch, EL1_ESR), 0);
}

static void test_exit_without_x18_to_x30_handles_the_rest(void **st)
{
	(void)st;
	/* STRB w17 and XZR (31) to the UART, MRS x0: no register kept. */
	v->arch.regs.x[17] = 'Q';
	partial_exit(EC_DABT_LOW, dabt_iss(0, false, 17, false, true),
		     0xffff000009000000ull, hpfar_of(VM_PL011_IPA));
	assert_false(v->arch.need_regs);
	partial_exit(EC_DABT_LOW, dabt_iss(0, false, 31, false, true),
		     0xffff000009000000ull, hpfar_of(VM_PL011_IPA));
	assert_false(v->arch.need_regs);
	assert_int_equal(v->arch.regs.pc, PC + 8);
	assert_memory_equal(console(), "ex| Q\0", 7);
	partial_exit(EC_SYS64, sys_iss(3, 0, 1, 0, 1, 0, true), 0, 0);
	assert_false(v->arch.need_regs);
	assert_int_equal(v->arch.regs.x[0], 0);
	/* A hypercall, a WFI. */
	v->arch.regs.x[0] = PSCI_0_2_VERSION;
	partial_exit(EC_HVC64, 0, 0, 0);
	assert_false(v->arch.need_regs);
	assert_int_equal(v->arch.regs.x[0], 0x10001);
	partial_exit(EC_WFX, ISS_WFX_TI_WFI, 0, 0);
	assert_false(v->arch.need_regs);
	assert_true(v->arch.yield);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_exit_hvc_calls_smccc_and_leaves_pc),
	    T(test_exit_hvc_immediate_comes_from_the_iss),
	    T(test_exit_smc_calls_smccc_and_advances_pc),
	    T(test_exit_wfi_and_wfe_advance_pc_and_yield),
	    T(test_exit_t16_wfi_advances_pc_by_2),
	    T(test_exit_a32_wfe_advances_pc_by_4),
	    T(test_exit_aarch32_pc_wraps_at_4_gib),
	    T(test_exit_skip_in_it_block_advances_itstate),
	    T(test_exit_a64_ignores_bits_that_are_it_in_aarch32),
	    T(test_exit_undef_for_trapped_a32_instruction_has_il_1),
	    T(test_exit_wfi_blocks_only_with_nothing_to_take),
	    T(test_exit_id_register_reads_hide_el2_el3_ras_sve_mpam_amu),
	    T(test_exit_id_register_reads_hide_pmu_spe_trace),
	    T(test_exit_id_register_reads_hide_mte_ras_sme_mpam_frac),
	    T(test_exit_wholly_hidden_id_registers_read_zero),
	    T(test_exit_aarch32_id_registers_hide_virt_pmu_trace),
	    T(test_exit_other_id_registers_read_the_hardware_value),
	    T(test_exit_id_register_read_into_xzr_changes_nothing),
	    T(test_exit_id_register_write_is_undef),
	    T(test_exit_id_space_is_crm_1_to_7_only),
	    T(test_exit_actlr_el1_is_raz_wi),
	    T(test_exit_dc_set_way_ops_clean_and_invalidate),
	    T(test_exit_dc_set_way_from_xzr_uses_zero),
	    T(test_exit_other_dc_ops_are_undef),
	    T(test_exit_unknown_sysreg_is_undef_with_its_name),
	    T(test_exit_data_abort_on_uart_is_emulated),
	    T(test_exit_dr_stores_keep_lines_loopback_and_tx_irq),
	    T(test_exit_doubleword_access_to_uart_is_refused),
	    T(test_exit_data_abort_ipa_comes_from_hpfar_and_far),
	    T(test_exit_data_abort_s1ptw_is_injected),
	    T(test_exit_data_abort_with_external_fsc_is_injected),
	    T(test_exit_data_abort_outside_ram_and_devices),
	    T(test_exit_data_abort_from_el0_injects_lower_el_abort),
	    T(test_exit_instruction_abort_is_injected_and_logged),
	    T(test_exit_abort_on_the_exception_vector_stops_the_vm),
	    T(test_exit_unknown_ec_is_undef_and_logged),
	    T(test_exit_every_unhandled_ec_injects_undef),
	    T(test_exit_irq_and_fiq_change_nothing),
	    T(test_exit_serror_is_logged_and_ignored),
	    T(test_exit_table_has_every_entry_and_finds_the_vcpu),
	    T(test_exit_uses_of_x18_to_x30_are_declined_untouched),
	    T(test_exit_without_x18_to_x30_handles_the_rest),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
