/* Unit tests of hv/vtimer.c: the timer arithmetic (CTL, ISTATUS, IMASK,
 * CVAL, TVAL and its sign extension), the emulated EL1 physical timer
 * reached through trapped CNTP_* accesses, its interrupt (PPI 30), and the
 * deadlines the scheduler arms the hypervisor timer for. */
#include "helpers.h"

#include "hv/exit.h"
#include "hv/vtimer.h"

#include <hal/counter.h>

static struct test_vm tvm;
static struct vm *vm;
static struct vcpu *v;

static int setup(void **state)
{
	(void)state;
	vm = test_vm_boot(&tvm, "vt", 1);
	v = &vm->vcpus[0];
	v->arch.regs.pc = TEST_RAM_IPA + 0x1000;
	hal_sim_set_counter(1000);
	return 0;
}

/* The guest accesses CNTP_<op2>_EL0 (TVAL 0, CTL 1, CVAL 2) with x1. */
static void cntp(unsigned op2, bool read)
{
	uint32_t iss = SYSREG_ISS(3, 3, 14, 2, op2) | (1u << ISS_SYS_RT_SHIFT) |
		       (read ? ISS_SYS_READ : 0);
	struct vcpu_exit e = {.kind = VCPU_EXIT_SYNC,
			      .all_regs = true,
			      .esr = esr_make(EC_SYS64, 1, iss)};

	hv_handle_exit(v, &e);
}

static uint64_t cntp_read(unsigned op2)
{
	cntp(op2, true);
	return v->arch.regs.x[1];
}

static void cntp_write(unsigned op2, uint64_t val)
{
	v->arch.regs.x[1] = val;
	cntp(op2, false);
}

static void test_vtimer_istatus_needs_enable_and_the_deadline(void **st)
{
	struct vtimer_ptimer t = {.ctl = 0, .cval = 500};

	(void)st;
	assert_int_equal(vtimer_ctl_read(&t, 1000), 0);
	t.ctl = CNT_CTL_ENABLE;
	assert_int_equal(vtimer_ctl_read(&t, 499), CNT_CTL_ENABLE);
	assert_int_equal(vtimer_ctl_read(&t, 500),
			 CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
	/* IMASK hides the interrupt, not the status. */
	t.ctl = CNT_CTL_ENABLE | CNT_CTL_IMASK;
	assert_int_equal(vtimer_ctl_read(&t, 600),
			 CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS);
	assert_false(vtimer_asserted(t.ctl, t.cval, 600));
	assert_true(vtimer_asserted(CNT_CTL_ENABLE, 500, 500));
	assert_false(vtimer_asserted(CNT_CTL_ENABLE, 500, 499));
	assert_false(vtimer_asserted(0, 500, 600));
}

static void test_vtimer_tval_is_a_signed_32_bit_distance(void **st)
{
	struct vtimer_ptimer t = {.cval = 1100};

	(void)st;
	assert_int_equal(vtimer_tval_read(&t, 1000), 100);
	/* Past the deadline: negative, sign-extended to 64 bits. */
	assert_int_equal(vtimer_tval_read(&t, 1200), (uint64_t)-100);
	/* Only the low 32 bits of the distance count. */
	t.cval = 1000 + 0x100000005ull;
	assert_int_equal(vtimer_tval_read(&t, 1000), 5);
	/* A write takes the low 32 bits as signed. */
	vtimer_tval_write(&t, 1000, 0xffffffffull);
	assert_int_equal(t.cval, 999);
	vtimer_tval_write(&t, 1000, 0xabcd00000010ull);
	assert_int_equal(t.cval, 1016);
}

static void test_vtimer_ptimer_registers_through_traps(void **st)
{
	(void)st;
	cntp_write(2, 5000);
	assert_int_equal(cntp_read(2), 5000);
	assert_int_equal(cntp_read(0), 4000);
	cntp_write(0, 250);
	assert_int_equal(cntp_read(2), 1250);
	/* CTL keeps ENABLE and IMASK; ISTATUS is computed, not stored. */
	cntp_write(1, 0xffffffffull);
	assert_int_equal(v->ptimer.ctl, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	assert_int_equal(cntp_read(1), CNT_CTL_ENABLE | CNT_CTL_IMASK);
	hal_sim_set_counter(1250);
	assert_int_equal(cntp_read(1),
			 CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS);
	/* Each access completed the instruction. */
	assert_int_equal(v->arch.regs.pc, TEST_RAM_IPA + 0x1000 + 8 * 4);
}

static void test_vtimer_ptimer_drives_ppi_30_as_a_level(void **st)
{
	struct vgic_irq *ppi = &v->vgic.priv[GIC_PPI_PTIMER];

	(void)st;
	cntp_write(2, 2000);
	cntp_write(1, CNT_CTL_ENABLE);
	assert_false(ppi->level);
	hal_sim_set_counter(2000);
	vtimer_update(v);
	assert_true(ppi->level);
	/* Masking drops the line. */
	cntp_write(1, CNT_CTL_ENABLE | CNT_CTL_IMASK);
	assert_false(ppi->level);
	cntp_write(1, CNT_CTL_ENABLE);
	assert_true(ppi->level);
	/* Moving the deadline on drops it too. */
	cntp_write(0, 100);
	assert_false(ppi->level);
}

static void test_vtimer_deadline_is_the_earliest_armed_timer(void **st)
{
	(void)st;
	assert_int_equal(vtimer_deadline(v), UINT64_MAX);
	cntp_write(2, 9000);
	cntp_write(1, CNT_CTL_ENABLE);
	assert_int_equal(vtimer_deadline(v), 9000);
	assert_int_equal(vtimer_deadline_ptimer(v), 9000);
	/* The virtual timer counts from CNTVOFF. */
	v->arch.cntvoff = 300;
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CVAL, 7000);
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CTL, CNT_CTL_ENABLE);
	assert_int_equal(vtimer_deadline(v), 7300);
	assert_int_equal(vtimer_deadline_ptimer(v), 9000);
	/* A masked timer has no deadline. */
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CTL,
			   CNT_CTL_ENABLE | CNT_CTL_IMASK);
	assert_int_equal(vtimer_deadline(v), 9000);
	/* A deadline beyond the counter's range never comes. */
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CTL, CNT_CTL_ENABLE);
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CVAL, UINT64_MAX - 10);
	assert_int_equal(vtimer_deadline(v), 9000);
}

static void test_vtimer_virtual_timer_asserted_through_cntvoff(void **st)
{
	(void)st;
	v->arch.cntvoff = 400;
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CVAL, 600);
	hal_vcpu_el1_write(&v->arch, EL1_CNTV_CTL, CNT_CTL_ENABLE);
	hal_sim_set_counter(900); /* virtual count 500 */
	assert_false(vtimer_vtimer_asserted(v));
	hal_sim_set_counter(999);
	assert_false(vtimer_vtimer_asserted(v));
	hal_sim_set_counter(1000);
	assert_true(vtimer_vtimer_asserted(v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_vtimer_istatus_needs_enable_and_the_deadline),
	    T(test_vtimer_tval_is_a_signed_32_bit_distance),
	    T(test_vtimer_ptimer_registers_through_traps),
	    T(test_vtimer_ptimer_drives_ppi_30_as_a_level),
	    T(test_vtimer_deadline_is_the_earliest_armed_timer),
	    T(test_vtimer_virtual_timer_asserted_through_cntvoff),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
