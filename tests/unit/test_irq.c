/* Unit tests of hv/irq.c: each physical interrupt the hypervisor takes. */
#include "helpers.h"

#include "hv/irq.h"
#include "hv/sched.h"

static struct test_vm tvm;
static struct vm *vm;
static struct vcpu *v0;

static int setup(void **state)
{
	(void)state;
	vm = test_vm_boot(&tvm, "irq", 2);
	v0 = &vm->vcpus[0];
	sched_init(vm, 1);
	irq_init_cpu();
	return 0;
}

/* Raises intid at the physical GIC and lets the hypervisor take it. */
static void take(uint32_t intid, struct vcpu *loaded)
{
	hal_sim_irq_raise(intid);
	irq_handle(loaded);
}

static void test_irq_init_cpu_enables_the_hypervisors_interrupts(void **st)
{
	(void)st;
	assert_true(hal_sim_irq_enabled(GIC_SGI_KICK));
	assert_true(hal_sim_irq_enabled(GIC_PPI_MAINTENANCE));
	assert_true(hal_sim_irq_enabled(GIC_PPI_HYP_TIMER));
	assert_true(hal_sim_irq_enabled(GIC_PPI_VTIMER));
	/* CPU 0 takes the console's input for the focused VM. */
	assert_true(hal_sim_irq_enabled(IRQ_CONSOLE_RX));
}

static void test_irq_init_cpu_without_vms_leaves_the_console_off(void **st)
{
	(void)st;
	hal_irq_enable(IRQ_CONSOLE_RX, true);
	sched_init(NULL, 0);
	irq_init_cpu();
	assert_false(hal_sim_irq_enabled(IRQ_CONSOLE_RX));
}

static void test_irq_init_cpu_passes_on_input_typed_before(void **st)
{
	uint64_t c;

	(void)st;
	hal_sim_console_feed("k", 1);
	irq_init_cpu();
	assert_int_equal(vm->uart.rx_count, 1);
	assert_int_equal(vpl011_read(&vm->uart, PL011_DR, 4, &c), HV_OK);
	assert_int_equal(c, 'k');
}

static void test_irq_other_cpus_leave_the_console_to_cpu0(void **st)
{
	(void)st;
	hal_sim_reset();
	vm = test_vm_boot(&tvm, "irq", 2);
	sched_init(vm, 1);
	hal_sim_set_cpus(2);
	hal_sim_set_cpu_id(1);
	irq_init_cpu();
	assert_true(hal_sim_irq_enabled(GIC_SGI_KICK));
	assert_false(hal_sim_irq_enabled(IRQ_CONSOLE_RX));
	hal_sim_set_cpu_id(0);
}

static void test_irq_kick_stops_a_vcpu_whose_vm_stopped(void **st)
{
	(void)st;
	v0->arch.yield = false;
	take(GIC_SGI_KICK, v0);
	/* Running VM, vCPU on: the kick's exit is all it takes. */
	assert_false(v0->arch.yield);
	assert_false(hal_sim_irq_active(GIC_SGI_KICK));
	vm->state = VM_OFF;
	take(GIC_SGI_KICK, v0);
	assert_true(v0->arch.yield);
	vm->state = VM_RUNNING;
	v0->arch.yield = false;
	v0->power = VCPU_OFF;
	take(GIC_SGI_KICK, v0);
	assert_true(v0->arch.yield);
	/* Nothing loaded (an idle CPU): nothing to stop. */
	take(GIC_SGI_KICK, NULL);
	assert_false(hal_sim_irq_active(GIC_SGI_KICK));
}

static void test_irq_vtimer_is_forwarded_hardware_linked(void **st)
{
	(void)st;
	v0->blocked = true;
	take(GIC_PPI_VTIMER, v0);
	assert_false(v0->blocked);
	assert_true(v0->vgic.priv[GIC_PPI_VTIMER].pending);
	assert_int_equal(v0->vgic.priv[GIC_PPI_VTIMER].hw_intid,
			 GIC_PPI_VTIMER);
	/* Active until the guest deactivates its virtual twin. */
	assert_true(hal_sim_irq_active(GIC_PPI_VTIMER));
	/* Without a loaded vCPU it is just ended. */
	hal_sim_irq_deactivate(GIC_PPI_VTIMER);
	take(GIC_PPI_VTIMER, NULL);
	assert_false(hal_sim_irq_active(GIC_PPI_VTIMER));
}

static void test_irq_unexpected_interrupt_is_logged_once(void **st)
{
	(void)st;
	hal_irq_enable(40, true);
	take(40, v0);
	assert_false(hal_sim_irq_active(40));
	take(40, v0);
	assert_string_equal(hal_sim_console_output(NULL),
			    "hv: unexpected physical interrupt 40: ignored\n");
}

static void
test_irq_console_input_is_read_whole_and_waits_for_the_guest(void **st)
{
	static const char line[] = "0123456789abcdefXYZ";

	(void)st;
	hal_sim_reset();
	vm = test_vm_boot(&tvm, "con", 1);
	sched_init(vm, 1);
	irq_init_cpu();
	assert_true(hal_sim_irq_enabled(IRQ_CONSOLE_RX));
	/* FIFOs on: 16 entries. */
	vpl011_write(&vm->uart, 0x2c, 4, 1u << 4);
	hal_sim_console_feed(line, sizeof(line) - 1);
	irq_handle(&vm->vcpus[0]);
	/* The console is read to its end: its line is low again. */
	assert_true(vpl011_rx_full(&vm->uart));
	assert_false(hal_sim_irq_pending(IRQ_CONSOLE_RX));
	assert_true(hal_sim_irq_enabled(IRQ_CONSOLE_RX));
	for (unsigned i = 0; i < sizeof(line) - 1; i++) {
		uint64_t c;

		assert_int_equal(vpl011_read(&vm->uart, 0, 4, &c), HV_OK);
		assert_int_equal(c & 0xff, line[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_irq_init_cpu_enables_the_hypervisors_interrupts),
	    T(test_irq_init_cpu_without_vms_leaves_the_console_off),
	    T(test_irq_init_cpu_passes_on_input_typed_before),
	    T(test_irq_other_cpus_leave_the_console_to_cpu0),
	    T(test_irq_kick_stops_a_vcpu_whose_vm_stopped),
	    T(test_irq_vtimer_is_forwarded_hardware_linked),
	    T(test_irq_unexpected_interrupt_is_logged_once),
	    T(test_irq_console_input_is_read_whole_and_waits_for_the_guest),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
