/* pcpu: per-physical-CPU data, reached through TPIDR_EL2. */
#ifndef HAL_AARCH64_PCPU_H
#define HAL_AARCH64_PCPU_H

#include "sysreg.h"

#include <hal/cpu.h>
#include <hal/vcpu.h>

struct pcpu {
	struct hal_vcpu *vcpu;	 /* PCPU_VCPU: the vCPU being run */
	hal_exit_fn on_exit;	 /* PCPU_ON_EXIT */
	struct vcpu_exit exit;	 /* PCPU_EXIT: the last exit */
	struct hal_vcpu *loaded; /* vCPU whose EL1 state is in the hardware */
	unsigned id;
};

extern struct pcpu pcpus[HAL_MAX_CPUS];

static inline struct pcpu *this_pcpu(void)
{
	return (struct pcpu *)read_sysreg(tpidr_el2);
}

/* EL2 stage-1 MMU with W^X for the image; defined in mmu.c. */
void hal_mmu_init(unsigned pa_range);

/* Physical PL011 console; defined in pl011.c. */
void hal_pl011_init(void);
void hal_pl011_putc(char c);

/* Largest RAM region of the machine from QEMU's device tree, if any. */
int hal_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size);

/*
 * The reg (address, size) pairs, at most max_pairs, of the first node under
 * the root whose compatible holds compat: their count, or -1 if none.
 */
int hal_fdt_node_regs(const void *fdt, const char *compat, uint64_t *regs,
		      unsigned max_pairs);

/* The GIC: found and set up at boot on CPU 0; defined in gic.c. */
void hal_gic_init(const void *fdt);

/* Saves and restores a vCPU's virtual CPU interface (vcpu.c). */
void hal_gic_vcpu_save(struct hal_vcpu *v);
void hal_gic_vcpu_restore(struct hal_vcpu *v);

#endif
