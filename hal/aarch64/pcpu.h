/* pcpu: per-physical-CPU data, reached through TPIDR_EL2. */
#ifndef HAL_AARCH64_PCPU_H
#define HAL_AARCH64_PCPU_H

#include "sysreg.h"

#include <hal/cpu.h>
#include <hal/vcpu.h>

#include <stdatomic.h>

struct pcpu {
	struct hal_vcpu *vcpu;	 /* PCPU_VCPU: the vCPU being run */
	struct hal_vcpu *loaded; /* vCPU whose EL1 state is in the hardware */
	/* vCPU whose breakpoint and watchpoint values the hardware holds,
	 * as of its debug.gen (vcpu.c). */
	const struct hal_vcpu *debug_owner;
	uint32_t debug_gen;
	unsigned id;
	uint64_t mpidr;	    /* from the device tree's cpu node */
	uintptr_t gicr;	    /* v3: this CPU's redistributor */
	uint8_t gic_mask;   /* v2: its CPU interface's bit in target lists */
	uint32_t sgi_iar;   /* v2: GICC_IAR of the SGI being handled */
	atomic_bool online; /* set up and in the core's loop */
	/*
	 * Pausing (gic.c): another CPU that must reach the virtual CPU
	 * interface of a vCPU homed here sets pause_by to its id + 1 and
	 * kicks; this CPU puts its loaded vCPU's interface in memory, answers
	 * in pause_ack and waits until pause_by is cleared.
	 */
	atomic_uint pause_by;
	atomic_uint pause_ack;
	unsigned paused; /* bit per CPU this one has paused */
};

extern struct pcpu pcpus[HAL_MAX_CPUS];
extern unsigned pcpu_count; /* hal_cpu_count(), set at boot */

static inline struct pcpu *this_pcpu(void)
{
	return (struct pcpu *)read_sysreg(tpidr_el2);
}

/* The CPU has pointer authentication, which guests use untrapped: its
 * keys are switched with the vCPU (vcpu.c). */
extern bool hal_pauth;

/* Breakpoint and watchpoint pairs of the CPU, from ID_AA64DFR0_EL1. */
extern unsigned hal_debug_brps, hal_debug_wrps;

/* This CPU's debug hardware at boot: counts read, OS Lock clear, MDE
 * clear, no vCPU's values loaded (vcpu.c). */
void hal_debug_init_cpu(void);

/* EL2 stage-1 MMU with W^X for the image; defined in mmu.c. Built once
 * by CPU 0, then turned on by every CPU. */
void hal_mmu_init(unsigned pa_range);
void hal_mmu_enable(unsigned pa_range);

/* Records MMIO the hypervisor drives in hal_platform()->mmio (el2.c). */
void hal_platform_add_mmio(const char *what, uint64_t base, uint64_t size);

/* Physical PL011 console at PL011_BASE; defined in pl011.c. */
#define PL011_BASE 0x09000000ul
#define PL011_SIZE 0x1000ul
void hal_pl011_init(void);

/*
 * QEMU's device tree (fdt.c, with lib/fdt). Each function returns -1 when
 * fdt is not a tree that passes fdt_check (within 2 MiB); reg values are
 * read with the root's #address-cells and #size-cells.
 */

/* The machine's RAM: the first reg pair of the first /memory node. */
/* What the functions below found of fdt when they first read it: whether
 * it passed fdt_check (they read a tree that did not as none), its root's
 * children. */
void hal_fdt_boot_tree(const void *fdt, struct hal_boot_tree *tree);

int hal_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size);

/*
 * The reg (address, size) pairs, at most max_pairs, of the first node under
 * the root whose compatible holds compat: their count, or -1 if none.
 */
int hal_fdt_node_regs(const void *fdt, const char *compat, uint64_t *regs,
		      unsigned max_pairs);

/*
 * The MPIDRs of the CPUs the device tree lists (/cpus/cpu@N reg of 1 or 2
 * cells), in order, at most max of them: the count of all.
 */
int hal_fdt_cpus(const void *fdt, uint64_t *mpidrs, unsigned max);

/* The GIC: found and set up at boot on CPU 0, then each CPU's own part
 * (its CPU interface, redistributor, private interrupts); gic.c. */
void hal_gic_init(const void *fdt);
void hal_gic_init_cpu(void);

/* The GICv2 CPU interface, for the IRQ vectors (gic.c). */
extern uintptr_t hal_gicc;

/* Sends the kick SGI to CPU cpu (hal_cpu_kick). */
void hal_gic_send_kick(unsigned cpu);

/* Serves a pause another CPU asked of this one, if any (hal_cpu_relax). */
void hal_gic_serve_pause(void);

/* Saves and restores a vCPU's virtual CPU interface (vcpu.c). */
void hal_gic_vcpu_save(struct hal_vcpu *v);
void hal_gic_vcpu_restore(struct hal_vcpu *v);

#endif
