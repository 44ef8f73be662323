/*
 * cpu: the physical CPU and machine as the core sees them.
 *
 * Identity, capabilities read once at boot, halting and powering the machine
 * off. Implemented by hal/aarch64 (real EL2) and hal/sim (host model).
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <hal/types.h>

#define HAL_MAX_CPUS 4

/* MPIDR_EL1 affinity fields Aff3 [39:32], Aff2-Aff0 [23:0]. */
#define MPIDR_AFF_MASK 0xff00ffffffull

/* What the core needs to know about the physical CPU. */
struct hal_cpu_caps {
	uint64_t midr;	   /* MIDR_EL1: presented to guests via VPIDR_EL2 */
	unsigned pa_bits;  /* physical address size (ID_AA64MMFR0.PARange) */
	unsigned ipa_bits; /* stage-2 input size the HAL programs in VTCR */
	unsigned s2_start_level; /* first stage-2 lookup level in VTCR.SL0 */
	bool pan;  /* FEAT_PAN: exception entry may set PSTATE.PAN */
	bool ssbs; /* FEAT_SSBS: exception entry copies SCTLR.DSSBS */
};

/*
 * Host-physical MMIO the hypervisor drives itself (its console UART, the
 * GIC's frames): no VM may be given any of it (hv/passthrough.h).
 */
struct hal_mmio {
	const char *what; /* for messages: "the hypervisor's console UART" */
	paddr_t base;
	uint64_t size;
};

#define HAL_MMIO_MAX 8

/* Host-physical memory the platform owns and the part the hypervisor uses. */
struct hal_platform {
	const char *name;
	paddr_t ram_base;
	uint64_t ram_size;
	paddr_t hv_base; /* reserved for the hypervisor image and pools */
	uint64_t hv_size;
	struct hal_mmio mmio[HAL_MMIO_MAX]; /* the hypervisor's devices */
	unsigned mmio_count;
};

const struct hal_cpu_caps *hal_cpu_caps(void);
const struct hal_platform *hal_platform(void);

/*
 * What the HAL already knows of the boot tree, having read the machine
 * from it: when checked, exactly these bytes passed lib/fdt's fdt_check,
 * and root_children holds the offsets of the root's children in document
 * order (fdt_check_children), so that the core need neither check the
 * tree again nor walk it to find /chosen.
 */
struct hal_boot_tree {
	bool checked;
	const int *root_children;
	unsigned root_child_count;
};

/*
 * The device tree the machine booted with, as the boot loader left it
 * (it holds the manifest of VMs, docs/manifest.md), and in *size at most
 * how many bytes it may span; NULL when there is none. Unless *tree says
 * it is checked, the core checks the tree whole before reading it.
 */
const void *hal_boot_dtb(size_t *size, struct hal_boot_tree *tree);

/* Index of the calling physical CPU, 0 .. HAL_MAX_CPUS - 1. */
unsigned hal_cpu_id(void);

/*
 * Physical CPUs the hypervisor runs on (CPU 0 boots, the HAL starts the
 * others): 1 .. HAL_MAX_CPUS. Known before hv_main runs.
 */
unsigned hal_cpu_count(void);

/*
 * Starts every other physical CPU; each enters hv_secondary_main once it
 * is set up like the boot CPU. Returns when they have started or failed
 * (which is logged: the vCPUs homed there then never run).
 */
void hal_cpu_start_others(void);

/*
 * Makes physical CPU cpu leave its guest or its idle wait soon, so that it
 * looks at its vCPUs again (an SGI on hardware). The calling CPU is never
 * kicked: it looks anyway before it next enters a guest.
 */
void hal_cpu_kick(unsigned cpu);

/*
 * One turn of a loop waiting for another physical CPU. Serves what other
 * CPUs ask of this one meanwhile (see hal_vgic_release), so two CPUs that
 * wait for each other both get on.
 */
void hal_cpu_relax(void);

/*
 * Raw value of the AArch64 ID register op0=3, op1=0, CRn=0, CRm=crm,
 * op2=op2 (crm 1..7), as the hardware gives it to EL2. The core sanitises
 * these before a guest sees them.
 */
uint64_t hal_cpu_id_reg(unsigned crm, unsigned op2);

/*
 * Powers the machine off after the last VM ended; status 0 means success.
 * The core has printed its final line, which is how the status leaves the
 * machine (QEMU exits 0 on PSCI SYSTEM_OFF whatever it was); a host model
 * may also make it its exit status.
 */
_Noreturn void hal_system_off(int status);

/*
 * Stops the hypervisor for good after an internal error: prints the final
 * line "hv: halted" and powers the machine off (PSCI SYSTEM_OFF on QEMU), so
 * that whoever waits on it fails at once. Never returns.
 */
_Noreturn void hal_halt(void);

#endif
