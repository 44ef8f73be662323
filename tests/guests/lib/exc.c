/*
 * exc: the C side of the guest's exception vectors.
 *
 * The tests provoke exceptions on purpose (aborts, UNDEFs) to check what the
 * hypervisor injects, so the handler can be armed to expect exactly one
 * synchronous exception, record its syndrome and carry on. Anything else is
 * a guest failure and stops the VM with status 1.
 */
#include "guest.h"

/*
 * One record shared by all CPUs: only one CPU at a time provokes
 * exceptions in these tests.
 */
static volatile struct {
	bool armed;
	bool taken;
	uintptr_t resume;
	struct guest_exc exc;
} expected;

void exc_expect(void)
{
	expected.taken = false;
	expected.resume = 0;
	dsb_sy();
	expected.armed = true;
}

void exc_set_resume(uintptr_t addr)
{
	expected.resume = addr;
}

bool exc_taken(struct guest_exc *out)
{
	bool taken;

	__asm__ __volatile__("" ::: "memory");
	expected.armed = false;
	taken = expected.taken;
	if (taken && out != NULL) {
		out->esr = expected.exc.esr;
		out->far = expected.exc.far;
		out->elr = expected.exc.elr;
		out->vector = expected.exc.vector;
	}
	return taken;
}

static bool is_sync_vector(uint64_t vector)
{
	return (vector & 0x180) == 0;
}

static bool is_irq_vector(uint64_t vector)
{
	return (vector & 0x180) == 0x080;
}

bool gic_irq_entry(void);

void exc_handle(uint64_t vector, struct exc_frame *frame)
{
	uint64_t esr, far;

	if (is_irq_vector(vector) && gic_irq_entry())
		return;

	__asm__ __volatile__("mrs %0, esr_el1" : "=r"(esr));
	__asm__ __volatile__("mrs %0, far_el1" : "=r"(far));

	if (is_sync_vector(vector) && expected.armed) {
		expected.exc.esr = esr;
		expected.exc.far = far;
		expected.exc.elr = frame->elr;
		expected.exc.vector = vector;
		expected.taken = true;
		expected.armed = false;
		frame->elr =
		    expected.resume != 0 ? expected.resume : frame->elr + 4;
		expected.resume = 0;
		return;
	}

	gprintf("unexpected exception: vector 0x%lx esr 0x%lx elr 0x%lx "
		"far 0x%lx\n",
		(unsigned long)vector, (unsigned long)esr,
		(unsigned long)frame->elr, (unsigned long)far);
	guest_exit(1);
}
