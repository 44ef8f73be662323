/*
 * Unit tests of hv/console.c: the console three VMs share. Output is
 * checked as the exact transcript of the physical console; input is fed
 * to hal_sim's console and read back from each VM's vPL011.
 */
#include "helpers.h"

#include "hv/console.h"
#include "hv/irq.h"

#include <hal/console.h>

#define VM_COUNT 3

static struct test_pool tp;
static struct vm_config cfgs[VM_COUNT];
static struct vm_image_plan plans[VM_COUNT];
static struct vm vms[VM_COUNT];
static struct vpl011 *a, *b, *c;

/* VMs "a", "b" and "c", booted, their UARTs' FIFOs on (16 entries); the
 * console shared by them with the input at focus. */
static void boot(unsigned focus)
{
	static const char *const names[VM_COUNT] = {"a", "b", "c"};
	struct config_error err;

	hal_sim_reset();
	hal_sim_mem_init(TEST_ARENA_PA, TEST_ARENA_SZ + 2 * TEST_RAM_SIZE);
	test_pool_init(&tp, TEST_POOL_PAGES);
	for (unsigned i = 0; i < VM_COUNT; i++) {
		test_vm_config(&cfgs[i], names[i], 1);
		cfgs[i].ram_pa = pa_init(TEST_RAM_PA + i * TEST_RAM_SIZE);
		if (vm_image_plan(&cfgs[i], &plans[i], &err) != HV_OK)
			fail_msg("%s", err.msg);
		assert_int_equal(
		    vm_create(&vms[i], i, &cfgs[i], &plans[i], &tp.pool),
		    HV_OK);
		assert_int_equal(vm_boot(&vms[i]), HV_OK);
		assert_int_equal(
		    vpl011_write(&vms[i].uart, PL011_LCR_H, 4, PL011_LCR_H_FEN),
		    HV_OK);
	}
	a = &vms[0].uart;
	b = &vms[1].uart;
	c = &vms[2].uart;
	console_init(vms, VM_COUNT, focus);
	/* What irq_init_cpu does on CPU 0. */
	hal_irq_enable(IRQ_CONSOLE_RX, true);
	hal_sim_console_clear();
}

static int setup(void **state)
{
	(void)state;
	boot(0);
	return 0;
}

static void out(struct vpl011 *u, const char *s)
{
	console_write(u, s, strlen(s));
}

static void type(const char *s)
{
	hal_sim_console_feed(s, strlen(s));
	console_input();
}

/* What the guest of u would read: its FIFO, emptied. */
static const char *received(struct vpl011 *u)
{
	static char buf[2048];
	unsigned n = 0;

	while (u->rx_count != 0) {
		uint64_t v;

		assert_int_equal(vpl011_read(u, PL011_DR, 4, &v), HV_OK);
		buf[n++] = (char)v;
	}
	buf[n] = '\0';
	return buf;
}

/* ---- output ------------------------------------------------------------ */

static void test_console_prefixes_each_line_with_its_vm(void **st)
{
	(void)st;
	out(a, "hi\nthere\n");
	out(b, "one\n");
	assert_string_equal(console(), "a| hi\na| there\nb| one\n");
}

static void test_console_a_vm_continues_its_own_line(void **st)
{
	(void)st;
	out(a, "ab");
	out(a, "c\nd");
	out(a, "\n");
	assert_string_equal(console(), "a| abc\na| d\n");
}

static void test_console_ends_another_vms_line_and_resumes_it(void **st)
{
	(void)st;
	out(a, "abc");
	out(b, "x\n");
	out(a, "def\n");
	assert_string_equal(console(), "a| abc\nb| x\na|+ def\n");
}

static void test_console_each_unfinished_line_is_ended_once(void **st)
{
	(void)st;
	out(a, "1");
	out(b, "2");
	out(c, "3");
	out(b, "4\n");
	assert_string_equal(console(), "a| 1\nb| 2\nc| 3\nb|+ 4\n");
}

static void test_console_log_line_breaks_an_unfinished_vm_line(void **st)
{
	(void)st;
	out(a, "abc");
	hv_log("note");
	out(a, "d\n");
	hv_log("after a whole line");
	assert_string_equal(console(), "a| abc\n"
				       "hv: note\n"
				       "a|+ d\n"
				       "hv: after a whole line\n");
}

static void test_console_vm_reset_mid_line_starts_a_new_line(void **st)
{
	(void)st;
	/* A guest resets with a line unfinished, and its reset is not
	 * logged (the VM's log bucket is empty): its next line still
	 * starts on a line of its own. */
	out(a, "booting");
	assert_int_equal(vm_boot(&vms[0]), HV_OK);
	out(a, "booting\n");
	assert_string_equal(console(), "a| booting\na| booting\n");
}

/* ---- input ------------------------------------------------------------- */

static void test_console_input_goes_to_the_focused_vm(void **st)
{
	(void)st;
	type("ls\r");
	assert_string_equal(received(a), "ls\r");
	assert_string_equal(received(b), "");
	boot(1);
	assert_ptr_equal(console_focus(), &vms[1]);
	type("x");
	assert_string_equal(received(a), "");
	assert_string_equal(received(b), "x");
	/* Nothing is said about input. */
	assert_string_equal(console(), "");
}

static void test_console_first_focus_out_of_range_is_the_first_vm(void **st)
{
	(void)st;
	console_init(vms, VM_COUNT, VM_COUNT);
	assert_ptr_equal(console_focus(), &vms[0]);
}

static void test_console_ctrl_a_digit_moves_the_focus(void **st)
{
	(void)st;
	type("1\0012z");
	assert_ptr_equal(console_focus(), &vms[1]);
	assert_string_equal(received(a), "1");
	assert_string_equal(received(b), "z");
	assert_string_equal(console(),
			    "hv: input goes to b (VM 2 of 3): Ctrl-A then a "
			    "VM's number switches, Ctrl-A x powers off\n");
	hal_sim_console_clear();
	type("\0013q\0011");
	assert_string_equal(received(c), "q");
	assert_ptr_equal(console_focus(), &vms[0]);
	assert_string_equal(console(),
			    "hv: input goes to c (VM 3 of 3): Ctrl-A then a "
			    "VM's number switches, Ctrl-A x powers off\n"
			    "hv: input goes to a (VM 1 of 3): Ctrl-A then a "
			    "VM's number switches, Ctrl-A x powers off\n");
}

static void test_console_escape_may_span_two_interrupts(void **st)
{
	(void)st;
	type("\001");
	assert_ptr_equal(console_focus(), &vms[0]);
	type("2");
	assert_ptr_equal(console_focus(), &vms[1]);
	assert_string_equal(received(a), "");
	assert_string_equal(received(b), "");
}

static void test_console_ctrl_a_ctrl_a_sends_one_ctrl_a(void **st)
{
	(void)st;
	type("\001\001\001\001x");
	assert_string_equal(received(a), "\001\001x");
	assert_string_equal(console(), "");
}

static void test_console_unknown_escape_is_dropped(void **st)
{
	(void)st;
	/* A digit without a VM, 0, a letter other than x. */
	type("\0014\0010\001qk");
	assert_ptr_equal(console_focus(), &vms[0]);
	assert_string_equal(received(a), "k");
	assert_string_equal(console(), "");
}

static void test_console_ctrl_a_x_powers_every_vm_off(void **st)
{
	(void)st;
	type("\001x");
	for (unsigned i = 0; i < VM_COUNT; i++) {
		assert_int_equal(vms[i].state, VM_OFF);
		assert_int_equal(vms[i].exit_status, 0);
	}
	assert_string_equal(console(),
			    "hv: powering every VM off (Ctrl-A x on the "
			    "console)\n"
			    "hv: a: powered off by Ctrl-A x on the console, "
			    "status 0\n"
			    "hv: b: powered off by Ctrl-A x on the console, "
			    "status 0\n"
			    "hv: c: powered off by Ctrl-A x on the console, "
			    "status 0\n");
}

static void test_console_ctrl_a_s_prints_the_time_and_idle_ticks(void **st)
{
	(void)st;
	hal_sim_set_cpus(2);
	hal_sim_set_counter(123456);
	type("\001sk");
	assert_string_equal(
	    console(), "hv: counter 123456 ticks, idle: CPU 0 0 CPU 1 0\n");
	/* Not a byte for the VM. */
	assert_string_equal(received(a), "k");
}

static void test_console_one_vm_announces_without_the_escapes(void **st)
{
	(void)st;
	console_init(vms, 1, 0);
	console_announce();
	type("\0011");
	assert_string_equal(console(), "hv: input goes to a\n"
				       "hv: input goes to a\n");
	/* Another digit names no VM. */
	hal_sim_console_clear();
	type("\0012");
	assert_string_equal(console(), "");
}

static void test_console_without_vms_reads_nothing(void **st)
{
	(void)st;
	console_init(NULL, 0, 0);
	assert_null(console_focus());
	console_announce();
	type("abc");
	assert_string_equal(console(), "");
	/* The input waits in the console. */
	assert_int_equal(hal_console_getc(), 'a');
}

/* ---- more than the FIFO holds ------------------------------------------ */

static void test_console_input_past_the_fifo_waits_for_the_guest(void **st)
{
	(void)st;
	type("0123456789abcdefXYZ");
	assert_int_equal(a->rx_count, VPL011_FIFO_DEPTH);
	/* Nothing overran, and the interrupt stays on: the console was
	 * read to its end, the rest waits in the VM's queue. */
	assert_int_equal(a->rsr, 0);
	assert_true(hal_sim_irq_enabled(IRQ_CONSOLE_RX));
	assert_int_equal(hal_console_getc(), -1);
	/* Each byte the guest reads makes room for one that waited. */
	assert_string_equal(received(a), "0123456789abcdefXYZ");
}

static void test_console_queued_input_stays_with_its_vm(void **st)
{
	(void)st;
	/* a's FIFO full and three bytes waiting; then the focus moves. */
	type("0123456789abcdefXYZ\0012bc");
	assert_ptr_equal(console_focus(), &vms[1]);
	assert_string_equal(received(b), "bc");
	/* What was typed for a while it had the focus is still a's. */
	assert_string_equal(received(a), "0123456789abcdefXYZ");
}

static void test_console_a_full_queue_loses_what_is_typed_after(void **st)
{
	char line[1100];

	(void)st;
	/* All is read before any goes to the FIFO: 1024 are kept. */
	for (size_t i = 0; i < sizeof(line) - 1; i++)
		line[i] = (char)('a' + i % 26);
	line[sizeof(line) - 1] = '\0';
	type(line);
	assert_int_equal(strlen(received(a)), 1024);
	assert_int_equal(hal_console_getc(), -1);
	/* An escape still gets through. */
	type("\0013");
	assert_ptr_equal(console_focus(), &vms[2]);
}

static void test_console_powered_off_focus_does_not_hold_the_input(void **st)
{
	(void)st;
	/* The focused VM is off: nothing reads its UART any more; what is
	 * typed for it goes nowhere, and Ctrl-A still works. */
	vm_power_off(&vms[0], 0, "a test");
	hal_sim_console_clear();
	type("0123456789abcdefXYZ\001\001\0012b");
	/* The escape still gets through; what the off VM was sent is
	 * dropped (a Ctrl-A too), and the input goes on to the new focus. */
	assert_int_equal(a->rx_count, 0);
	assert_int_equal(a->rsr, 0);
	assert_ptr_equal(console_focus(), &vms[1]);
	assert_string_equal(received(b), "b");
	assert_true(hal_sim_irq_enabled(IRQ_CONSOLE_RX));
	assert_string_equal(console(),
			    "hv: input goes to b (VM 2 of 3): Ctrl-A then a "
			    "VM's number switches, Ctrl-A x powers off\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_console_prefixes_each_line_with_its_vm),
	    T(test_console_a_vm_continues_its_own_line),
	    T(test_console_ends_another_vms_line_and_resumes_it),
	    T(test_console_each_unfinished_line_is_ended_once),
	    T(test_console_log_line_breaks_an_unfinished_vm_line),
	    T(test_console_vm_reset_mid_line_starts_a_new_line),
	    T(test_console_input_goes_to_the_focused_vm),
	    T(test_console_first_focus_out_of_range_is_the_first_vm),
	    T(test_console_ctrl_a_digit_moves_the_focus),
	    T(test_console_escape_may_span_two_interrupts),
	    T(test_console_ctrl_a_ctrl_a_sends_one_ctrl_a),
	    T(test_console_unknown_escape_is_dropped),
	    T(test_console_ctrl_a_x_powers_every_vm_off),
	    T(test_console_ctrl_a_s_prints_the_time_and_idle_ticks),
	    T(test_console_one_vm_announces_without_the_escapes),
	    T(test_console_without_vms_reads_nothing),
	    T(test_console_input_past_the_fifo_waits_for_the_guest),
	    T(test_console_queued_input_stays_with_its_vm),
	    T(test_console_a_full_queue_loses_what_is_typed_after),
	    T(test_console_powered_off_focus_does_not_hold_the_input),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
