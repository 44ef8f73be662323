/*
 * Unit tests of sim/trap.c: which system register accesses trap to EL2
 * (one test per trap control the header names, with real encodings), which
 * the simulated CPU (QEMU 7.2's Cortex-A57) does not have or answers
 * itself, and
 * the ESR_EL2/HPFAR_EL2 values, written as literal hex worked out from the
 * Arm ARM's field layout (D17.2.37 ESR_ELx, D17.2.60 HPFAR_EL2) so the
 * test does not share arithmetic with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hal_sim.h"
#include "trap.h"

/* System register and instruction encodings: op0, op1, CRn, CRm, op2. */
#define ENC(o0, o1, n, m, o2) (&(const struct sysreg_enc){o0, o1, n, m, o2})

#define MIDR_EL1	 ENC(3, 0, 0, 0, 0)
#define MPIDR_EL1	 ENC(3, 0, 0, 0, 5)
#define REVIDR_EL1	 ENC(3, 0, 0, 0, 6)
#define ID_PFR0_EL1	 ENC(3, 0, 0, 1, 0)
#define ID_AA64PFR0_EL1	 ENC(3, 0, 0, 4, 0)
#define ID_AA64MMFR0_EL1 ENC(3, 0, 0, 7, 0)
#define CTR_EL0		 ENC(3, 3, 0, 0, 1)
#define SCTLR_EL1	 ENC(3, 0, 1, 0, 0)
#define ACTLR_EL1	 ENC(3, 0, 1, 0, 1)
#define CPACR_EL1	 ENC(3, 0, 1, 0, 2)
#define DC_IVAC		 ENC(1, 0, 7, 6, 1)
#define DC_ISW		 ENC(1, 0, 7, 6, 2)
#define DC_CSW		 ENC(1, 0, 7, 10, 2)
#define DC_CISW		 ENC(1, 0, 7, 14, 2)
#define DC_CIVAC	 ENC(1, 3, 7, 14, 1)
#define PMCR_EL0	 ENC(3, 3, 9, 12, 0)
#define PMSELR_EL0	 ENC(3, 3, 9, 12, 5)
#define PMCCNTR_EL0	 ENC(3, 3, 9, 13, 0)
#define PMUSERENR_EL0	 ENC(3, 3, 9, 14, 0)
#define PMINTENSET_EL1	 ENC(3, 0, 9, 14, 1)
#define PMINTENCLR_EL1	 ENC(3, 0, 9, 14, 2)
#define PMEVCNTR0_EL0	 ENC(3, 3, 14, 8, 0)
#define PMEVTYPER30_EL0	 ENC(3, 3, 14, 15, 6)
#define PMCCFILTR_EL0	 ENC(3, 3, 14, 15, 7)
#define MDSCR_EL1	 ENC(2, 0, 0, 2, 2)
#define TRCPRGCTLR	 ENC(2, 1, 0, 1, 0)
#define TRCIDR0		 ENC(2, 1, 0, 8, 7)
#define CNTFRQ_EL0	 ENC(3, 3, 14, 0, 0)
#define CNTPCT_EL0	 ENC(3, 3, 14, 0, 1)
#define CNTVCT_EL0	 ENC(3, 3, 14, 0, 2)
#define CNTKCTL_EL1	 ENC(3, 0, 14, 1, 0)
#define CNTP_TVAL_EL0	 ENC(3, 3, 14, 2, 0)
#define CNTP_CTL_EL0	 ENC(3, 3, 14, 2, 1)
#define CNTP_CVAL_EL0	 ENC(3, 3, 14, 2, 2)
#define CNTV_TVAL_EL0	 ENC(3, 3, 14, 3, 0)
#define CNTV_CTL_EL0	 ENC(3, 3, 14, 3, 1)
#define CNTV_CVAL_EL0	 ENC(3, 3, 14, 3, 2)

#define READ  true
#define WRITE false

/* Fails unless both an MRS and an MSR of r give action. */
#define assert_both(r, action)                                                 \
	do {                                                                   \
		assert_int_equal(trap_sysreg((r), READ), (action));            \
		assert_int_equal(trap_sysreg((r), WRITE), (action));           \
	} while (0)

static void test_trap_tid3_traps_id_group3_reads_only(void **st)
{
	(void)st;
	assert_int_equal(trap_sysreg(ID_AA64PFR0_EL1, READ), SYSREG_TRAP);
	assert_int_equal(trap_sysreg(ID_PFR0_EL1, READ), SYSREG_TRAP);
	assert_int_equal(trap_sysreg(ID_AA64MMFR0_EL1, READ), SYSREG_TRAP);
	/* The unallocated rest of the group: CRm 7, op2 7. */
	assert_int_equal(trap_sysreg(ENC(3, 0, 0, 7, 7), READ), SYSREG_TRAP);
	/* ID registers are read-only: an MSR is the CPU model's UNDEF. */
	assert_int_equal(trap_sysreg(ID_AA64PFR0_EL1, WRITE), SYSREG_NATIVE);
	/* CRm 0 (TID1/TID2 territory, not set) and op1 != 0 are outside. */
	assert_int_equal(trap_sysreg(REVIDR_EL1, READ), SYSREG_NATIVE);
	assert_int_equal(trap_sysreg(CTR_EL0, READ), SYSREG_NATIVE);
	assert_int_equal(trap_sysreg(ENC(3, 1, 0, 0, 1), READ), SYSREG_NATIVE);
}

static void test_trap_tacr_traps_actlr_el1_both_ways(void **st)
{
	(void)st;
	assert_both(ACTLR_EL1, SYSREG_TRAP);
	/* Its neighbours are the guest's own. */
	assert_both(SCTLR_EL1, SYSREG_NATIVE);
	assert_both(CPACR_EL1, SYSREG_NATIVE);
}

static void test_trap_tsw_traps_set_way_cache_maintenance(void **st)
{
	(void)st;
	assert_both(DC_ISW, SYSREG_TRAP);
	assert_both(DC_CSW, SYSREG_TRAP);
	assert_both(DC_CISW, SYSREG_TRAP);
	/* By-VA maintenance works on the guest's own memory. */
	assert_both(DC_CIVAC, SYSREG_NATIVE);
	assert_both(DC_IVAC, SYSREG_NATIVE);
}

static void test_trap_tpm_traps_pmu_registers(void **st)
{
	(void)st;
	assert_both(PMCR_EL0, SYSREG_TRAP);
	assert_both(PMSELR_EL0, SYSREG_TRAP);
	assert_both(PMCCNTR_EL0, SYSREG_TRAP);
	assert_both(PMUSERENR_EL0, SYSREG_TRAP);
	assert_both(PMINTENSET_EL1, SYSREG_TRAP);
	assert_both(PMINTENCLR_EL1, SYSREG_TRAP);
	assert_both(PMEVCNTR0_EL0, SYSREG_TRAP);
	assert_both(PMEVTYPER30_EL0, SYSREG_TRAP);
	assert_both(PMCCFILTR_EL0, SYSREG_TRAP);
}

static void test_trap_impdef_space_is_qemu_cortex_a57_without_tidcp(void **st)
{
	(void)st;
	/* QEMU 7.2 ignores HCR_EL2.TIDCP: nothing there traps. The A57's
	 * registers QEMU has are constants: L2CTLR_EL1, L2ECTLR_EL1, L2ACTLR,
	 * CPUACTLR/CPUECTLR/CPUMERRSR/L2MERRSR_EL1. */
	assert_both(ENC(3, 1, 11, 0, 2), SYSREG_CONST);
	assert_both(ENC(3, 1, 11, 0, 3), SYSREG_CONST);
	assert_both(ENC(3, 1, 15, 0, 0), SYSREG_CONST);
	for (unsigned op2 = 0; op2 <= 3; op2++)
		assert_both(ENC(3, 1, 15, 2, op2), SYSREG_CONST);
	assert_int_equal(trap_sysreg_const(ENC(3, 1, 15, 0, 0)), 0);
	assert_int_equal(trap_sysreg_const(ENC(3, 1, 11, 0, 2)), 0);
	/* CBAR_EL1 is read-only: the virt board's GIC base. */
	assert_int_equal(trap_sysreg(ENC(3, 1, 15, 3, 0), READ), SYSREG_CONST);
	assert_int_equal(trap_sysreg(ENC(3, 1, 15, 3, 0), WRITE), SYSREG_UNDEF);
	assert_int_equal(trap_sysreg_const(ENC(3, 1, 15, 3, 0)), 0x08000000);
	/* Every other encoding of the space is unallocated for it. */
	assert_both(ENC(3, 1, 15, 0, 5), SYSREG_UNDEF);
	assert_both(ENC(3, 1, 15, 2, 4), SYSREG_UNDEF);
	assert_both(ENC(3, 0, 15, 0, 0), SYSREG_UNDEF);
	assert_both(ENC(3, 7, 11, 15, 7), SYSREG_UNDEF);
	assert_both(ENC(3, 1, 11, 0, 0), SYSREG_UNDEF);
}

static void test_trap_trace_registers_are_unallocated(void **st)
{
	(void)st;
	/* QEMU's Cortex-A57 has no trace unit: UNDEF before CPTR_EL2.TTA. */
	assert_both(TRCPRGCTLR, SYSREG_UNDEF);
	assert_both(TRCIDR0, SYSREG_UNDEF);
}

static void test_trap_tda_traps_the_debug_registers_the_cpu_has(void **st)
{
	(void)st;
	/* ID_AA64DFR0_EL1 of QEMU's Cortex-A57: 6 breakpoints, 4
	 * watchpoints. */
	hal_sim_set_id_reg(5, 0, 0x10305106);
	for (unsigned n = 0; n < 6; n++) {
		assert_both(ENC(2, 0, 0, n, 4), SYSREG_TRAP); /* DBGBVR<n> */
		assert_both(ENC(2, 0, 0, n, 5), SYSREG_TRAP); /* DBGBCR<n> */
	}
	for (unsigned n = 0; n < 4; n++) {
		assert_both(ENC(2, 0, 0, n, 6), SYSREG_TRAP); /* DBGWVR<n> */
		assert_both(ENC(2, 0, 0, n, 7), SYSREG_TRAP); /* DBGWCR<n> */
	}
	/* Past the counts the registers do not exist. */
	assert_both(ENC(2, 0, 0, 6, 4), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 0, 15, 5), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 0, 4, 6), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 0, 4, 7), SYSREG_UNDEF);
	assert_both(MDSCR_EL1, SYSREG_TRAP);
	assert_both(ENC(2, 0, 0, 2, 0), SYSREG_TRAP); /* MDCCINT_EL1 */
	/* MDCCSR_EL0 is read-only. */
	assert_int_equal(trap_sysreg(ENC(2, 3, 0, 1, 0), READ), SYSREG_TRAP);
	assert_int_equal(trap_sysreg(ENC(2, 3, 0, 1, 0), WRITE), SYSREG_UNDEF);
	/* What QEMU 7.2 lacks: claim tags, DBGAUTHSTATUS_EL1, DBGPRCR_EL1,
	 * the DCC data registers, OSDTRRX/TX_EL1, OSECCR_EL1. */
	assert_both(ENC(2, 0, 7, 8, 6), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 7, 9, 6), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 7, 14, 6), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 1, 4, 4), SYSREG_UNDEF);
	assert_both(ENC(2, 3, 0, 4, 0), SYSREG_UNDEF);
	assert_both(ENC(2, 3, 0, 5, 0), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 0, 0, 2), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 0, 3, 2), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 0, 6, 2), SYSREG_UNDEF);
	/* EL2's DBGVCR32_EL2 from EL1. */
	assert_both(ENC(2, 4, 0, 7, 0), SYSREG_UNDEF);
	hal_sim_set_id_reg(5, 0, 0);
	/* A CPU with one of each. */
	assert_both(ENC(2, 0, 0, 0, 4), SYSREG_TRAP);
	assert_both(ENC(2, 0, 0, 1, 4), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 0, 0, 7), SYSREG_TRAP);
	assert_both(ENC(2, 0, 0, 1, 7), SYSREG_UNDEF);
}

static void test_trap_tdosa_tdra_trap_os_lock_and_rom_registers(void **st)
{
	(void)st;
	/* OSLAR_EL1 is write-only, OSLSR_EL1 and MDRAR_EL1 read-only. */
	assert_int_equal(trap_sysreg(ENC(2, 0, 1, 0, 4), WRITE), SYSREG_TRAP);
	assert_int_equal(trap_sysreg(ENC(2, 0, 1, 0, 4), READ), SYSREG_UNDEF);
	assert_int_equal(trap_sysreg(ENC(2, 0, 1, 1, 4), READ), SYSREG_TRAP);
	assert_int_equal(trap_sysreg(ENC(2, 0, 1, 1, 4), WRITE), SYSREG_UNDEF);
	assert_int_equal(trap_sysreg(ENC(2, 0, 1, 0, 0), READ), SYSREG_TRAP);
	assert_int_equal(trap_sysreg(ENC(2, 0, 1, 0, 0), WRITE), SYSREG_UNDEF);
	assert_both(ENC(2, 0, 1, 3, 4), SYSREG_TRAP); /* OSDLR_EL1 */
}

static void test_trap_ras_error_records_are_unallocated(void **st)
{
	(void)st;
	/* No RAS on the Cortex-A57: ERRIDR_EL1, ERRSELR_EL1, ERXFR_EL1 and
	 * DISR_EL1 are the CPU model's UNDEF, not TERR traps. */
	assert_both(ENC(3, 0, 5, 3, 0), SYSREG_NATIVE);
	assert_both(ENC(3, 0, 5, 3, 1), SYSREG_NATIVE);
	assert_both(ENC(3, 0, 5, 4, 0), SYSREG_NATIVE);
	assert_both(ENC(3, 0, 12, 1, 1), SYSREG_NATIVE);
}

static void test_trap_el1pcen_clear_traps_physical_timer(void **st)
{
	(void)st;
	assert_both(CNTP_CTL_EL0, SYSREG_TRAP);
	assert_both(CNTP_CVAL_EL0, SYSREG_TRAP);
	assert_both(CNTP_TVAL_EL0, SYSREG_TRAP);
	/* The virtual timer is the guest's, modelled by hvsim. */
	assert_both(CNTV_CTL_EL0, SYSREG_CNTV);
	assert_both(CNTV_CVAL_EL0, SYSREG_CNTV);
	assert_both(CNTV_TVAL_EL0, SYSREG_CNTV);
	assert_both(CNTKCTL_EL1, SYSREG_NATIVE);
}

static void test_trap_counter_reads_come_from_the_simulated_counter(void **st)
{
	(void)st;
	assert_int_equal(trap_sysreg(CNTFRQ_EL0, READ), SYSREG_CNTFRQ);
	assert_int_equal(trap_sysreg(CNTPCT_EL0, READ), SYSREG_CNTPCT);
	assert_int_equal(trap_sysreg(CNTVCT_EL0, READ), SYSREG_CNTVCT);
	/* Writes UNDEF at EL1; the CPU model does that. */
	assert_int_equal(trap_sysreg(CNTFRQ_EL0, WRITE), SYSREG_NATIVE);
	assert_int_equal(trap_sysreg(CNTPCT_EL0, WRITE), SYSREG_NATIVE);
	assert_int_equal(trap_sysreg(CNTVCT_EL0, WRITE), SYSREG_NATIVE);
}

static void test_trap_midr_and_mpidr_reads_give_the_virtual_values(void **st)
{
	(void)st;
	assert_int_equal(trap_sysreg(MIDR_EL1, READ), SYSREG_MIDR);
	assert_int_equal(trap_sysreg(MPIDR_EL1, READ), SYSREG_MPIDR);
	assert_int_equal(trap_sysreg(MIDR_EL1, WRITE), SYSREG_NATIVE);
	assert_int_equal(trap_sysreg(MPIDR_EL1, WRITE), SYSREG_NATIVE);
}

static void test_trap_esr_wfx_has_cv_cond_and_ti(void **st)
{
	(void)st;
	/* EC 0x01, IL, CV = 1, COND = 0b1110, TI = 0 (WFI) or 1 (WFE). */
	assert_int_equal(trap_esr_wfx(false), 0x07e00000);
	assert_int_equal(trap_esr_wfx(true), 0x07e00001);
}

static void test_trap_esr_hvc_and_smc_carry_imm16(void **st)
{
	(void)st;
	/* EC 0x16 and 0x17, IL, ISS = imm16. */
	assert_int_equal(trap_esr_hvc(0x12), 0x5a000012);
	assert_int_equal(trap_esr_hvc(0xffff), 0x5a00ffff);
	assert_int_equal(trap_esr_smc(0), 0x5e000000);
	assert_int_equal(trap_esr_smc(0x1234), 0x5e001234);
}

static void test_trap_esr_sysreg_follows_the_iss_layout(void **st)
{
	(void)st;
	/*
	 * EC 0x18, IL; ISS: Op0 [21:20], Op2 [19:17], Op1 [16:14],
	 * CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read).
	 * mrs x0, pmcr_el0: 0x300000 | 0xc000 | 0x2400 | 0x18 | 1.
	 */
	assert_int_equal(trap_esr_sysreg(PMCR_EL0, 0, READ), 0x6230e419);
	/* msr pmcr_el0, x1 */
	assert_int_equal(trap_esr_sysreg(PMCR_EL0, 1, WRITE), 0x6230e438);
	/* mrs x5, id_aa64pfr0_el1: 0x300000 | 0xa0 | 0x8 | 1. */
	assert_int_equal(trap_esr_sysreg(ID_AA64PFR0_EL1, 5, READ), 0x623000a9);
	/* msr actlr_el1, xzr: 0x300000 | 0x20000 | 0x400 | 0x3e0. */
	assert_int_equal(trap_esr_sysreg(ACTLR_EL1, 31, WRITE), 0x623207e0);
	/* dc cisw, x2: 0x100000 | 0x40000 | 0x1c00 | 0x40 | 0x1c. */
	assert_int_equal(trap_esr_sysreg(DC_CISW, 2, WRITE), 0x62141c5c);
}

static void test_trap_esr_watchpoint_has_ec_wnr_and_debug_fsc(void **st)
{
	(void)st;
	/* EC 0x35 (same EL) or 0x34, IL, WnR [6], DFSC 0b100010. */
	assert_int_equal(trap_esr_watchpoint(true, false), 0xd6000022);
	assert_int_equal(trap_esr_watchpoint(true, true), 0xd6000062);
	assert_int_equal(trap_esr_watchpoint(false, false), 0xd2000022);
	assert_int_equal(trap_esr_watchpoint(false, true), 0xd2000062);
}

static void test_trap_fsc_encodes_kind_and_level(void **st)
{
	(void)st;
	for (unsigned level = 0; level <= 3; level++) {
		assert_int_equal(trap_fsc(TRAP_FAULT_ADDRESS_SIZE, level),
				 0x00 + level);
		assert_int_equal(trap_fsc(TRAP_FAULT_TRANSLATION, level),
				 0x04 + level);
		assert_int_equal(trap_fsc(TRAP_FAULT_ACCESS_FLAG, level),
				 0x08 + level);
		assert_int_equal(trap_fsc(TRAP_FAULT_PERMISSION, level),
				 0x0c + level);
	}
	assert_int_equal(trap_fsc(TRAP_FAULT_TRANSLATION, 2), 0x06);
	assert_int_equal(trap_fsc(TRAP_FAULT_PERMISSION, 3), 0x0f);
}

static void test_trap_esr_dabt_combines_access_iss_and_fsc(void **st)
{
	(void)st;
	/*
	 * EC 0x24, IL; str w3 (ISV, SAS 0b10, SRT 3, WnR) to an unmapped
	 * page: translation fault, level 3.
	 */
	assert_int_equal(trap_esr_dabt(0x01830040, TRAP_FAULT_TRANSLATION, 3),
			 0x93830047);
	/* ldr x9, 64-bit (ISV, SAS 0b11, SRT 9, SF), permission, level 2. */
	assert_int_equal(trap_esr_dabt(0x01c98000, TRAP_FAULT_PERMISSION, 2),
			 0x93c9800e);
	/* Whatever FSC the access part carries is replaced. */
	assert_int_equal(trap_esr_dabt(0x0183007f, TRAP_FAULT_TRANSLATION, 3),
			 0x93830047);
	/* ISV = 0: just WnR; access flag fault, level 3. */
	assert_int_equal(trap_esr_dabt(0x40, TRAP_FAULT_ACCESS_FLAG, 3),
			 0x9200004b);
	assert_int_equal(trap_esr_dabt(0, TRAP_FAULT_ADDRESS_SIZE, 0),
			 0x92000000);
}

static void test_trap_esr_iabt_has_fsc_only(void **st)
{
	(void)st;
	/* EC 0x20, IL. */
	assert_int_equal(trap_esr_iabt(TRAP_FAULT_TRANSLATION, 1), 0x82000005);
	assert_int_equal(trap_esr_iabt(TRAP_FAULT_PERMISSION, 3), 0x8200000f);
	assert_int_equal(trap_esr_iabt(TRAP_FAULT_TRANSLATION, 0), 0x82000004);
}

static void test_trap_hpfar_holds_the_ipa_page_number(void **st)
{
	(void)st;
	/* FIPA [43:4] = IPA[51:12]; the page offset is dropped. */
	assert_int_equal(trap_hpfar(0x9000018), 0x90000);
	assert_int_equal(trap_hpfar(0xffffffffffull), 0xfffffff0ull);
	assert_int_equal(trap_hpfar(0x8000000fffull), 0x80000000ull);
	assert_int_equal(trap_hpfar((1ull << 51) | 0x1000), 0x80000000010ull);
	/* Nothing above IPA bit 51 reaches the register. */
	assert_int_equal(trap_hpfar(1ull << 52), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trap_tid3_traps_id_group3_reads_only),
	    cmocka_unit_test(test_trap_tacr_traps_actlr_el1_both_ways),
	    cmocka_unit_test(test_trap_tsw_traps_set_way_cache_maintenance),
	    cmocka_unit_test(test_trap_tpm_traps_pmu_registers),
	    cmocka_unit_test(
		test_trap_impdef_space_is_qemu_cortex_a57_without_tidcp),
	    cmocka_unit_test(test_trap_trace_registers_are_unallocated),
	    cmocka_unit_test(
		test_trap_tda_traps_the_debug_registers_the_cpu_has),
	    cmocka_unit_test(
		test_trap_tdosa_tdra_trap_os_lock_and_rom_registers),
	    cmocka_unit_test(test_trap_ras_error_records_are_unallocated),
	    cmocka_unit_test(test_trap_el1pcen_clear_traps_physical_timer),
	    cmocka_unit_test(
		test_trap_counter_reads_come_from_the_simulated_counter),
	    cmocka_unit_test(
		test_trap_midr_and_mpidr_reads_give_the_virtual_values),
	    cmocka_unit_test(test_trap_esr_wfx_has_cv_cond_and_ti),
	    cmocka_unit_test(test_trap_esr_hvc_and_smc_carry_imm16),
	    cmocka_unit_test(test_trap_esr_sysreg_follows_the_iss_layout),
	    cmocka_unit_test(test_trap_esr_watchpoint_has_ec_wnr_and_debug_fsc),
	    cmocka_unit_test(test_trap_fsc_encodes_kind_and_level),
	    cmocka_unit_test(test_trap_esr_dabt_combines_access_iss_and_fsc),
	    cmocka_unit_test(test_trap_esr_iabt_has_fsc_only),
	    cmocka_unit_test(test_trap_hpfar_holds_the_ipa_page_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
