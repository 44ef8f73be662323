/*
 * sched: runs the vCPUs of all VMs on the calling physical CPU, round robin.
 * A vCPU keeps the CPU until it yields (WFI/WFE, CPU_SUSPEND, CPU_OFF, its
 * VM stopping or resetting). Returns when no VM is left running.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

struct vm;

/* Runs until every VM is off; returns the first non-zero VM status, or 0. */
int sched_run(struct vm *vms, unsigned vm_count);

#endif
