/*
 * sched: runs vCPUs on each physical CPU, round robin. Every vCPU has a
 * home CPU (hal_vcpu.cpu, vCPU i of a VM on CPU i modulo the CPU count)
 * and only that CPU runs it; each CPU runs its own loop (sched_run) over
 * its vCPUs, and CPUs tell each other of changes with kicks (vcpu_kick).
 * A vCPU keeps the CPU until it yields (WFI/WFE, CPU_SUSPEND, CPU_OFF, its
 * VM stopping or resetting), or, when other vCPUs are on, until its time
 * slice ends. A vCPU in WFI with nothing to take is blocked until an
 * interrupt is pending for it or one of its timers fires; when every vCPU
 * is blocked the physical CPU sleeps until the earliest deadline. Returns
 * when no VM is left running.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hal/types.h>

struct vcpu;
struct vm;

/* A time slice: 1 ms of the 62.5 MHz counter of QEMU virt. */
#define SCHED_SLICE_TICKS 62500u

/* The VMs to run, before any CPU enters sched_run. */
void sched_init(struct vm *vms, unsigned vm_count);

/*
 * The loop of the calling CPU: runs until every VM is off; returns the
 * worst VM status: 0 when every VM's is, else the highest non-zero one.
 */
int sched_run(void);

/* A vCPU of this CPU may have been turned on: the running one now has a
 * time slice if others are on. */
void sched_kick(void);

/* Re-arms the hypervisor timer for the deadlines still to come (after a
 * vCPU's timer changed, or the timer fired). */
void sched_timer_update(void);

/*
 * True when the running vCPU should give way: its time slice is over, or a
 * blocked vCPU's timer has fired.
 */
bool sched_should_yield(void);

/*
 * v, running on this CPU, executed a WFI with nothing to take. When v is
 * alone on this CPU (no other vCPU is on here to run meanwhile), the CPU
 * sleeps with v still loaded until an interrupt for v is pending or one of
 * its timers fired, handling physical interrupts as they come, and returns
 * true: v goes on in its guest, with no trip through the scheduler and no
 * world switch (ARCHITECTURE.md's WFI, at a cost of a few hundred
 * instructions instead of a few thousand). False when the scheduler is
 * needed - another vCPU is on here, or comes on, v's VM or power state
 * changed, or an interrupt asked v to yield - with nothing changed that the
 * scheduler's own wait would not have done.
 */
bool sched_wait_here(struct vcpu *v);

/*
 * Counter ticks physical CPU cpu has slept in hal_cpu_idle since boot,
 * every vCPU of its blocked: the counter's advance minus this is the time
 * it worked (under QEMU's -icount, exactly its instructions / 16).
 */
uint64_t sched_idle_ticks(unsigned cpu);

#endif
