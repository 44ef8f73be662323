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

#endif
