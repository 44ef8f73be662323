/* irq: the dispatch table is a switch; there are five interrupts. */
#include "hv/irq.h"

#include "hv/console.h"
#include "hv/log.h"
#include "hv/passthrough.h"
#include "hv/sched.h"
#include "hv/vcpu.h"
#include "hv/vgic/vgic_fast.h"
#include "hv/vm.h"

#include <hal/cpu.h>
#include <hal/gic.h>

#include <stdatomic.h>

_Static_assert(VGIC_SPI_COUNT <= 64, "a 64-bit set holds every SPI");

/* SPIs (bit INTID - 32) each CPU must deactivate for another. */
static _Atomic uint64_t deferred[HAL_MAX_CPUS];

void irq_deactivate_on(unsigned cpu, uint32_t intid)
{
	if (cpu == hal_cpu_id() || cpu >= HAL_MAX_CPUS ||
	    intid < GIC_PRIVATE_COUNT || intid >= VGIC_INTID_COUNT) {
		hal_irq_deactivate(intid);
		return;
	}
	atomic_fetch_or(&deferred[cpu], 1ull << (intid - GIC_PRIVATE_COUNT));
	hal_cpu_kick(cpu);
}

static void deactivate_deferred(void)
{
	uint64_t set = atomic_exchange(&deferred[hal_cpu_id()], 0);

	for (uint32_t i = 0; set != 0; i++, set >>= 1)
		if (set & 1u)
			hal_irq_deactivate(GIC_PRIVATE_COUNT + i);
}

void irq_init_cpu(void)
{
	bool console = console_focus() != NULL && hal_cpu_id() == 0;

	if (hal_gic()->version == 0)
		return;
	hal_irq_enable(GIC_SGI_KICK, true);
	hal_irq_enable(GIC_PPI_MAINTENANCE, true);
	hal_irq_enable(GIC_PPI_HYP_TIMER, true);
	hal_irq_enable(GIC_PPI_VTIMER, true);
	passthrough_irq_init_cpu();
	if (hal_cpu_id() != 0)
		return;
	/* The console's interrupt goes to CPU 0. */
	hal_irq_route(IRQ_CONSOLE_RX, 0);
	hal_irq_enable(IRQ_CONSOLE_RX, console);
	/* Input typed before now raised no interrupt the VM could see. */
	if (console)
		console_input();
}

/* The next pending interrupt, acknowledged and its priority dropped. */
static uint32_t irq_next(void)
{
	uint32_t intid = hal_irq_ack();

	if (intid < GIC_INTID_SPURIOUS - 3)
		hal_irq_eoi(intid);
	return intid;
}

/* Should the vCPU loaded here stop: its VM or its power state changed? */
static bool must_stop(struct vcpu *v)
{
	bool stop;

	vm_lock(v->vm);
	stop = v->vm->state != VM_RUNNING || v->power != VCPU_ON;
	vm_unlock(v->vm);
	return stop;
}

void irq_handle(struct vcpu *loaded)
{
	irq_handle_acked(loaded, irq_next());
}

void irq_exit(struct vcpu *v, uint32_t intid)
{
	irq_handle_acked(v, intid);
	vgic_update(v);
}

void irq_handle_acked(struct vcpu *loaded, uint32_t intid)
{
	static bool logged_unexpected;

	deactivate_deferred();
	/* The first is acknowledged and its priority dropped already. */
	for (; intid < GIC_INTID_SPURIOUS - 3; intid = irq_next()) {
		switch (intid) {
		case GIC_PPI_VTIMER:
			if (loaded != NULL) {
				vgic_inject_hw(loaded, GIC_PPI_VTIMER,
					       GIC_PPI_VTIMER);
				loaded->blocked = false;
				continue; /* the guest deactivates it */
			}
			break;
		case GIC_PPI_MAINTENANCE:
			if (loaded != NULL) {
				vgic_sync(loaded);
				vgic_flush(loaded);
			}
			break;
		case GIC_PPI_HYP_TIMER:
			/* A deadline passed: the emulated timer of the loaded
			 * vCPU, another vCPU's, or the time slice. */
			hal_timer_cancel();
			if (loaded != NULL)
				vtimer_update(loaded);
			if (loaded != NULL && sched_should_yield())
				loaded->arch.yield = true;
			else
				sched_timer_update();
			break;
		case GIC_SGI_KICK:
			/* Another CPU changed something for a vCPU of this
			 * one: an interrupt for it (the exit refills the
			 * LRs), its VM's state, or a vCPU turned on here. */
			if (loaded != NULL && must_stop(loaded))
				loaded->arch.yield = true;
			else
				sched_kick();
			break;
		case IRQ_CONSOLE_RX:
			console_input();
			break;
		default:
			/* A device's: the guest deactivates it. */
			if (passthrough_irq(intid, loaded))
				continue;
			if (!logged_unexpected)
				hv_log("unexpected physical interrupt %u: "
				       "ignored",
				       (unsigned)intid);
			logged_unexpected = true;
			break;
		}
		hal_irq_deactivate(intid);
	}
}
