/*
 * hal_sim: the host model of one machine behind the HAL, and its control
 * interface for the simulator (sim/) and the unit tests.
 *
 * Host-physical memory is an arena at a chosen base address; pool pages and
 * other hypervisor data are plain host memory whose "physical" address is
 * the pointer value. The counter is a variable that the driver advances.
 * Running a vCPU is delegated to an engine (Unicorn in sim/, scripted exits
 * in unit tests). Nothing here knows Unicorn.
 */
#ifndef HAL_SIM_H
#define HAL_SIM_H

#include <hal/cpu.h>
#include <hal/gic.h>
#include <hal/vcpu.h>

#include <stddef.h>
#include <stdint.h>

/*
 * What runs vCPUs. An engine either reports one exit per call of run (a
 * script in unit tests), or implements run_loop, which owns the whole of
 * hal_vcpu_run: it hands every exit to hal_sim_exit and returns once a
 * handler set v->yield (the instruction engine in sim/).
 *
 * While a vCPU is loaded (v->loaded_on >= 0) an engine with el1_read and
 * el1_write keeps its EL1 registers, as hardware does; hal_vcpu_init
 * unloads it, and the engine then loads the state from v. s2_changed is
 * called for every stage-2 TLB invalidation (vmid, or all VMIDs for -1).
 * translate_va resolves a guest virtual address of a loaded vCPU with its
 * stage-1 translation; false when it does not translate. debug_changed is
 * called by hal_vcpu_debug_changed for a loaded vCPU: the engine's debug
 * hardware takes v->debug.
 */
struct hal_sim_engine {
	void (*run)(void *ctx, struct hal_vcpu *v, struct vcpu_exit *exit);
	void (*run_loop)(void *ctx, struct hal_vcpu *v,
			 const struct hal_exit_table *exits);
	uint64_t (*el1_read)(void *ctx, struct hal_vcpu *v, enum el1_reg r);
	void (*el1_write)(void *ctx, struct hal_vcpu *v, enum el1_reg r,
			  uint64_t val);
	void (*s2_changed)(void *ctx, int vmid);
	bool (*translate_va)(void *ctx, struct hal_vcpu *v, uint64_t va,
			     ipaddr_t *ipa);
	void (*debug_changed)(void *ctx, struct hal_vcpu *v);
	/* hal_cpu_idle: make time pass until an interrupt is pending. */
	void (*idle)(void *ctx);
	/* hal_counter_read, when the engine keeps the time. */
	uint64_t (*counter)(void *ctx);
	/* Before hal_sim_exit_partial's second pass (all_regs): the engine
	 * puts the registers the first pass lacked in v->regs. */
	void (*full_regs)(void *ctx, struct hal_vcpu *v);
	void *ctx;
};

/*
 * Hands exit e of v to its handler in exits as the aarch64 backend does:
 * first with only x0 up to x(hal_sim_exit_regs(e) - 1) in v->regs
 * (all_regs false; the others hold a poison value meanwhile, so a handler
 * that reads or writes them when it must not breaks a test), and again
 * with all_regs if it declines (need_regs). An engine calls this for
 * every exit.
 */
void hal_sim_exit(struct hal_vcpu *v, const struct vcpu_exit *e,
		  const struct hal_exit_table *exits);

/*
 * How many of x0-x30, from x0, an exit's first pass has: 18 (x0-x17, as
 * struct vcpu_exit says), and 8 for an HVC or SMC (EC 0x16, 0x17): an
 * SMCCC 1.1 call passes its arguments in x1-x6 and gets its results in
 * x0-x3, so the core's calls read nothing above x7 (and hvsim's engine
 * reads no more of the CPU for them).
 */
static inline unsigned hal_sim_exit_regs(const struct vcpu_exit *e)
{
	unsigned ec = (unsigned)(e->esr >> 26) & 0x3f;

	if (e->kind == VCPU_EXIT_SYNC && (ec == 0x16 || ec == 0x17))
		return 8;
	return 18;
}

/*
 * hal_sim_exit for an engine that put only the first pass's registers in
 * v->regs: the others keep the poison afterwards, and before a second
 * pass the engine's full_regs puts them there.
 */
void hal_sim_exit_partial(struct hal_vcpu *v, const struct vcpu_exit *e,
			  const struct hal_exit_table *exits);

/* Puts the model back in its initial state (keeps the arena's memory). */
void hal_sim_reset(void);

/*
 * Creates the host-physical arena [base, base + size), zero filled, with an
 * unmapped page either side. Called again, it reuses the memory when size
 * fits, zeroing it with fresh pages (cheap when a run touched few).
 */
void *hal_sim_mem_init(uint64_t base, uint64_t size);

void hal_sim_set_engine(const struct hal_sim_engine *engine);
/* The tree hal_boot_dtb returns (the caller keeps it; NULL: none). */
void hal_sim_set_boot_dtb(const void *dtb, size_t size);
struct hal_cpu_caps *hal_sim_caps(void);
struct hal_platform *hal_sim_platform(void);
void hal_sim_set_id_reg(unsigned crm, unsigned op2, uint64_t val);
void hal_sim_set_counter(uint64_t value);
/* Physical CPUs the HAL reports (default 1), and the calling thread's
 * CPU index (default 0): unit tests model several CPUs with these. */
void hal_sim_set_cpus(unsigned count);
void hal_sim_set_cpu_id(unsigned id);

/* Console: everything written so far, and input to hand out. */
const char *hal_sim_console_output(size_t *len);
void hal_sim_console_clear(void);
void hal_sim_console_feed(const char *s, size_t len);
/*
 * Input held back until the console's output, from now on, contains
 * expect (a NUL-terminated, non-empty string; the caller keeps it): then
 * it is fed as hal_sim_console_feed does. What a guest's UART receives
 * before its driver is ready is lost (Linux's PL011 driver drains the
 * FIFO when the port opens): a script waits for the guest's prompt as a
 * user would. One hold at a time: a second replaces the first.
 */
void hal_sim_console_feed_after(const char *expect, const char *s, size_t len);
/* Write console output to stdout as it comes instead of keeping it (a
 * long simulation must not accumulate it). */
void hal_sim_console_echo(int on);

/* Counters of maintenance operations, for tests. */
struct hal_sim_stats {
	unsigned tlb_flush_ipa;
	unsigned tlb_flush_vmid;
	unsigned s2_mapped; /* hal_s2_mapped calls */
	uint64_t last_flush_ipa;
	uint16_t last_flush_vmid;
	unsigned cache_syncs;
	uint64_t mem_zero_bytes; /* zeroed with hal_mem_zero */
	unsigned setway_ops;
	unsigned irq_resamples;
	unsigned kicks[HAL_MAX_CPUS]; /* hal_cpu_kick, per target CPU */
	unsigned debug_changes;	      /* hal_vcpu_debug_changed */
	unsigned vcpu_runs;	      /* hal_vcpu_run calls */
	uint64_t last_setway;
};
struct hal_sim_stats *hal_sim_stats(void);

/*
 * The GIC model. Physical interrupts are raised by the driver (a device, a
 * timer); hal_irq_ack hands out the lowest pending enabled INTID. List
 * registers use the GICv3 ICH_LR<n>_EL2 layout in struct vcpu_vgic, and
 * the control bits those of ICH_HCR_EL2 (UIE, bit 1) and ICH_VMCR_EL2
 * (VPMR, bits [31:24]).
 */
#define HAL_SIM_IRQ_COUNT 128u
struct hal_gic *hal_sim_gic(void);
void hal_sim_irq_raise(uint32_t intid);
/* A level-sensitive source dropped its line before the interrupt was
 * acknowledged: it is no longer pending. */
void hal_sim_irq_lower(uint32_t intid);
/* A level-sensitive SPI's input line (a device's): while high the SPI is
 * pending, again after each deactivation, unless it is edge-triggered. */
void hal_sim_irq_set_level(uint32_t intid, bool high);
/* Pending as the distributor shows it: latched, or a level line high. */
bool hal_sim_irq_pending(uint32_t intid);
bool hal_sim_irq_active(uint32_t intid);
bool hal_sim_irq_enabled(uint32_t intid);
/* What hal_irq_set_trigger and hal_irq_route set for an SPI. */
bool hal_sim_irq_edge(uint32_t intid);
unsigned hal_sim_irq_route(uint32_t intid);
/* What a hardware-linked virtual interrupt does when the guest
 * deactivates it: the physical one is deactivated. */
void hal_sim_irq_deactivate(uint32_t intid);
/* The hypervisor timer's deadline, if armed. */
bool hal_sim_timer(uint64_t *cval);
/* ICH_LR<n>_EL2 encoding of an LR, and back. */
uint64_t hal_sim_lr_encode(const struct hal_lr *lr);
void hal_sim_lr_decode(uint64_t val, struct hal_lr *lr);

/* hal_system_off and hal_halt call this hook first (a test may longjmp out);
 * when it returns they exit() or abort(). */
void hal_sim_set_stop_hook(void (*hook)(int status, int halted));

#endif
