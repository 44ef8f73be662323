/*
 * lrs: more interrupts pending at once than the virtual CPU interface has
 * list registers (4 on QEMU). All must be taken, with no exit on the way
 * (the handler only acknowledges and ends them through the virtual
 * interface): the hypervisor refills the list registers when the underflow
 * maintenance interrupt tells it they are running out.
 */
#include "gic.h"
#include "guest.h"

#define FIRST 9u
#define COUNT 7u

static volatile unsigned taken[16];

static void on_irq(uint32_t intid)
{
	if (intid < 16)
		taken[intid]++;
}

int main(uint64_t dtb)
{
	unsigned all = 0;

	(void)dtb;
	gprintf("lrs: %u SGIs pending at once\n", COUNT);
	gic_init();
	irq_set_handler(on_irq);
	for (unsigned i = FIRST; i < FIRST + COUNT; i++) {
		gic_enable(i, true);
		gic_send_sgi_self(i);
	}
	irq_unmask();
	for (volatile int i = 0; i < 10000; i++)
		;
	irq_mask();
	for (unsigned i = FIRST; i < FIRST + COUNT; i++)
		all += taken[i];
	check_eq("lrs: SGIs taken", all, COUNT);
	return guest_done("lrs");
}
