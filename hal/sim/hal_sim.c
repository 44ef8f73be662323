/* hal_sim: one file, one machine model; see hal_sim.h. */
#define _DEFAULT_SOURCE /* madvise, MAP_ANONYMOUS */
#include "hal_sim.h"

#include <hal/console.h>
#include <hal/counter.h>
#include <hal/mm.h>
#include <hal/stage2.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CONSOLE_IN_MAX 4096

static struct hal_cpu_caps caps;
static struct hal_platform platform;
static uint64_t id_regs[8][8];
static uint64_t counter;
static struct hal_sim_engine engine;
static struct hal_sim_stats stats;
static uint8_t *arena;
static uint64_t arena_base;
static uint64_t arena_size;
static uint64_t arena_cap;
static char *out_buf;
static size_t out_len;
static size_t out_cap;
static int echo;
static char in_buf[CONSOLE_IN_MAX];
static size_t in_head;
static size_t in_len;
static char held[CONSOLE_IN_MAX]; /* hal_sim_console_feed_after */
static size_t held_len;
static const char *expect; /* NULL: nothing held */
static size_t expect_len;
static char seen[CONSOLE_IN_MAX]; /* the output's last expect_len bytes */
static size_t seen_len;
static void (*stop_hook)(int status, int halted);
static struct hal_gic gic;
static bool irq_pending[HAL_SIM_IRQ_COUNT];
static bool irq_active[HAL_SIM_IRQ_COUNT];
static bool irq_enabled[HAL_SIM_IRQ_COUNT];
static bool irq_level[HAL_SIM_IRQ_COUNT]; /* a level-sensitive SPI's line */
static bool irq_edge[HAL_SIM_IRQ_COUNT];
static uint8_t irq_route[HAL_SIM_IRQ_COUNT];
static bool timer_armed;
static uint64_t timer_cval;
static unsigned cpu_count = 1;
static _Thread_local unsigned cpu_id;
static const void *boot_dtb;
static size_t boot_dtb_size;

void hal_sim_reset(void)
{
	/* The arena's buffer is kept for the next hal_sim_mem_init: fuzzing
	 * makes a machine per input. */
	arena_base = 0;
	arena_size = 0;
	free(out_buf);
	out_buf = NULL;
	out_len = 0;
	out_cap = 0;
	in_head = 0;
	in_len = 0;
	held_len = 0;
	expect = NULL;
	seen_len = 0;
	echo = 0;
	memset(&stats, 0, sizeof(stats));
	cpu_count = 1;
	cpu_id = 0;
	memset(id_regs, 0, sizeof(id_regs));
	memset(&engine, 0, sizeof(engine));
	counter = 0;
	caps = (struct hal_cpu_caps){
	    .midr = 0x410fd070, /* an Arm Cortex-A57 */
	    .pa_bits = 44,
	    .ipa_bits = 40,
	    .s2_start_level = 0,
	    .pan = false,
	    .ssbs = false,
	};
	platform = (struct hal_platform){
	    .name = "hvsim",
	    .ram_base = pa_init(0x40000000),
	    .ram_size = 0x40000000,
	    .hv_base = pa_init(0x40000000),
	    .hv_size = 0x02000000,
	};
	stop_hook = NULL;
	gic = (struct hal_gic){
	    .version = 3,
	    .lr_count = 4,
	    .gicv = pa_init(0x08040000),
	    .gicv_size = 0x2000,
	};
	memset(irq_pending, 0, sizeof(irq_pending));
	memset(irq_active, 0, sizeof(irq_active));
	memset(irq_enabled, 0, sizeof(irq_enabled));
	memset(irq_level, 0, sizeof(irq_level));
	memset(irq_edge, 0, sizeof(irq_edge));
	memset(irq_route, 0, sizeof(irq_route));
	timer_armed = false;
	timer_cval = 0;
	boot_dtb = NULL;
	boot_dtb_size = 0;
}

void hal_sim_set_boot_dtb(const void *dtb, size_t size)
{
	boot_dtb = dtb;
	boot_dtb_size = size;
}

const void *hal_boot_dtb(size_t *size, struct hal_boot_tree *tree)
{
	*size = boot_dtb_size;
	tree->checked = false;
	return boot_dtb;
}

void hal_mem_zero(void *p, uint64_t len)
{
	memset(p, 0, len);
	stats.mem_zero_bytes += len;
}

/*
 * The arena is mapped, not allocated: a guard page either side (an access
 * past either end faults, as ASan's redzones around an allocation would
 * report it), and a machine made again over the same arena (a fuzzer makes
 * one per input) gets fresh zero pages from the kernel instead of a memset
 * of all of it: only the pages a run touched are zeroed again, at their
 * next touch. Huge pages would make each touch zero 2 MiB.
 */
static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

void *hal_sim_mem_init(uint64_t base, uint64_t size)
{
	size_t page = page_size();
	uint64_t len = (size + page - 1) & ~(uint64_t)(page - 1);
	static bool recycled;

	if (len == 0)
		len = page;
	if (arena != NULL && len <= arena_cap) {
		if (!recycled)
			(void)madvise(arena, arena_cap, MADV_NOHUGEPAGE);
		recycled = true;
		if (madvise(arena, len, MADV_DONTNEED) != 0)
			memset(arena, 0, size);
	} else {
		uint8_t *p = MAP_FAILED;

		if (arena != NULL)
			munmap(arena - page, arena_cap + 2 * page);
		arena = NULL;
		arena_cap = 0;
		recycled = false;
		if (len <= SIZE_MAX - 2 * page)
			p = mmap(NULL, len + 2 * page, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				 -1, 0);
		if (p != MAP_FAILED &&
		    mprotect(p + page, len, PROT_READ | PROT_WRITE) == 0) {
			arena = p + page;
			arena_cap = len;
		} else if (p != MAP_FAILED) {
			munmap(p, len + 2 * page);
		}
	}
	if (arena == NULL) {
		fprintf(stderr, "hal_sim: cannot allocate %llu bytes\n",
			(unsigned long long)size);
		exit(2);
	}
	arena_base = base;
	arena_size = size;
	return arena;
}

void hal_sim_set_engine(const struct hal_sim_engine *e)
{
	engine = *e;
}

struct hal_cpu_caps *hal_sim_caps(void)
{
	return &caps;
}

struct hal_platform *hal_sim_platform(void)
{
	return &platform;
}

void hal_sim_set_id_reg(unsigned crm, unsigned op2, uint64_t val)
{
	id_regs[crm & 7][op2 & 7] = val;
}

void hal_sim_set_counter(uint64_t value)
{
	counter = value;
}

const char *hal_sim_console_output(size_t *len)
{
	if (len != NULL)
		*len = out_len;
	return out_buf != NULL ? out_buf : "";
}

void hal_sim_console_clear(void)
{
	out_len = 0;
	if (out_buf != NULL)
		out_buf[0] = '\0';
}

/* The console UART's receive interrupt, as on QEMU virt. */
#define CONSOLE_RX_IRQ 33u

void hal_sim_console_feed(const char *s, size_t len)
{
	for (size_t i = 0; i < len && in_len < CONSOLE_IN_MAX; i++, in_len++)
		in_buf[(in_head + in_len) % CONSOLE_IN_MAX] = s[i];
	if (in_len > 0)
		hal_sim_irq_raise(CONSOLE_RX_IRQ);
}

void hal_sim_console_feed_after(const char *text, const char *s, size_t len)
{
	expect_len = strlen(text);
	if (expect_len == 0 || expect_len > sizeof(seen)) {
		hal_sim_console_feed(s, len);
		return;
	}
	expect = text;
	held_len = len < sizeof(held) ? len : sizeof(held);
	memcpy(held, s, held_len);
	seen_len = 0;
}

/* Output seen while input is held: fed once the expected text appears. */
static void watch_output(const char *s, size_t len)
{
	for (size_t i = 0; i < len && expect != NULL; i++) {
		if (seen_len == expect_len) {
			memmove(seen, seen + 1, expect_len - 1);
			seen_len--;
		}
		seen[seen_len++] = s[i];
		if (seen_len == expect_len &&
		    memcmp(seen, expect, expect_len) == 0) {
			expect = NULL;
			hal_sim_console_feed(held, held_len);
		}
	}
}

void hal_sim_console_echo(int on)
{
	echo = on;
}

struct hal_sim_stats *hal_sim_stats(void)
{
	return &stats;
}

void hal_sim_set_stop_hook(void (*hook)(int status, int halted))
{
	stop_hook = hook;
}

/* HAL: cpu */

const struct hal_cpu_caps *hal_cpu_caps(void)
{
	return &caps;
}

const struct hal_platform *hal_platform(void)
{
	return &platform;
}

unsigned hal_cpu_id(void)
{
	return cpu_id;
}

void hal_sim_set_cpus(unsigned count)
{
	cpu_count = count;
}

void hal_sim_set_cpu_id(unsigned id)
{
	cpu_id = id;
}

unsigned hal_cpu_count(void)
{
	return cpu_count;
}

/* One simulated CPU runs every vCPU; the others only exist in tests,
 * which see the kicks they would get. */
void hal_cpu_kick(unsigned cpu)
{
	if (cpu < HAL_MAX_CPUS)
		stats.kicks[cpu]++;
}

void hal_cpu_relax(void)
{
	/* Host threads stand for CPUs in tests: let the other one on. */
	sched_yield();
}

void hal_cpu_start_others(void)
{
}

uint64_t hal_cpu_id_reg(unsigned crm, unsigned op2)
{
	return id_regs[crm & 7][op2 & 7];
}

_Noreturn void hal_system_off(int status)
{
	if (stop_hook != NULL)
		stop_hook(status, 0);
	fflush(stdout);
	exit(status);
}

_Noreturn void hal_halt(void)
{
	static const char line[] = "hv: halted\n";

	hal_console_write(line, sizeof(line) - 1);
	if (stop_hook != NULL)
		stop_hook(1, 1);
	fflush(stdout);
	abort();
}

/* HAL: console */

void hal_console_putc(char c)
{
	hal_console_write(&c, 1);
}

void hal_console_write(const char *s, size_t len)
{
	if (expect != NULL)
		watch_output(s, len);
	if (echo) {
		fwrite(s, 1, len, stdout);
		fflush(stdout);
		return;
	}
	if (out_len + len + 1 > out_cap) {
		size_t cap = out_cap != 0 ? out_cap : 4096;

		while (cap < out_len + len + 1)
			cap *= 2;
		char *nb = realloc(out_buf, cap);

		if (nb == NULL)
			abort();
		out_buf = nb;
		out_cap = cap;
	}
	memcpy(out_buf + out_len, s, len);
	out_len += len;
	out_buf[out_len] = '\0';
}

int hal_console_getc(void)
{
	int c;

	if (in_len == 0)
		return -1;
	c = (unsigned char)in_buf[in_head];
	in_head = (in_head + 1) % CONSOLE_IN_MAX;
	in_len--;
	/* The UART's receive interrupt is a level: high while input waits. */
	irq_pending[CONSOLE_RX_IRQ] = in_len > 0;
	return c;
}

/* HAL: counter */

uint64_t hal_counter_read(void)
{
	if (engine.counter != NULL)
		return engine.counter(engine.ctx);
	return counter;
}

uint64_t hal_counter_freq(void)
{
	return 62500000;
}

/* HAL: mm */

void *hal_pa_to_ptr(paddr_t pa, uint64_t len)
{
	uint64_t a = pa_addr(pa);

	if (arena == NULL || a < arena_base || len > arena_size ||
	    a - arena_base > arena_size - len)
		return NULL;
	return arena + (a - arena_base);
}

paddr_t hal_ptr_to_pa(const void *p)
{
	return pa_init((uint64_t)(uintptr_t)p);
}

void hal_cache_sync_range(const void *p, uint64_t len)
{
	(void)p;
	(void)len;
	stats.cache_syncs++;
}

/* HAL: stage 2 */

void hal_s2_tlb_flush_ipa(uint16_t vmid, ipaddr_t ipa)
{
	stats.tlb_flush_ipa++;
	stats.last_flush_vmid = vmid;
	stats.last_flush_ipa = ipa_addr(ipa);
	if (engine.s2_changed != NULL)
		engine.s2_changed(engine.ctx, vmid);
}

void hal_s2_mapped(uint16_t vmid)
{
	stats.s2_mapped++;
	if (engine.s2_changed != NULL)
		engine.s2_changed(engine.ctx, vmid);
}

void hal_s2_tlb_flush_vmid(uint16_t vmid)
{
	stats.tlb_flush_vmid++;
	stats.last_flush_vmid = vmid;
	if (engine.s2_changed != NULL)
		engine.s2_changed(engine.ctx, vmid);
}

/* HAL: vcpu */

void hal_vcpu_init(struct hal_vcpu *v)
{
	memset(v, 0, sizeof(*v));
	v->el1[EL1_SCTLR] = 0x30d00800ull;
	v->loaded_on = -1;
}

#define REG_POISON 0x5a5a5a5a5a5a5a00ull

/* The handler of e in exits. */
static hal_exit_fn handler_of(const struct hal_exit_table *exits,
			      const struct vcpu_exit *e)
{
	switch (e->kind) {
	case VCPU_EXIT_IRQ:
		return exits->irq;
	case VCPU_EXIT_FIQ:
		return exits->fiq;
	case VCPU_EXIT_SERROR:
		return exits->serror;
	default:
		return exits->sync[(e->esr >> 26) & 0x3f];
	}
}

/* hal_sim_exit; keep: x(first)-x30 are put back after the first pass. */
static void exit_passes(struct hal_vcpu *v, const struct vcpu_exit *e,
			const struct hal_exit_table *exits, bool keep)
{
	static uint64_t poison[31];
	hal_exit_fn h = handler_of(exits, e);
	bool call = hal_sim_exit_regs(e) == 8;
	uint64_t saved[31];

	if (poison[0] == 0) {
		for (unsigned i = 0; i < 31; i++)
			poison[i] = REG_POISON + i;
	}
	/* x18-x30 as the aarch64 backend leaves them: not in regs (nor
	 * x8-x17 for an SMCCC call). Copies of constant sizes: this is
	 * every exit's path. */
	if (keep && call)
		memcpy(&saved[8], &v->regs.x[8], 23 * sizeof(uint64_t));
	else if (keep)
		memcpy(&saved[18], &v->regs.x[18], 13 * sizeof(uint64_t));
	if (call)
		memcpy(&v->regs.x[8], &poison[8], 23 * sizeof(uint64_t));
	else
		memcpy(&v->regs.x[18], &poison[18], 13 * sizeof(uint64_t));
	v->exit = *e;
	v->exit.all_regs = false;
	if (e->kind == VCPU_EXIT_IRQ) {
		/* The backend acknowledges an IRQ exit's interrupt. */
		v->exit.intid = hal_irq_ack();
		if (v->exit.intid < GIC_INTID_SPURIOUS - 3)
			hal_irq_eoi(v->exit.intid);
		if (v->exit.intid == GIC_PPI_VTIMER)
			h = exits->vtimer;
	}
	v->need_regs = false;
	h(v);
	if (keep && call)
		memcpy(&v->regs.x[8], &saved[8], 23 * sizeof(uint64_t));
	else if (keep)
		memcpy(&v->regs.x[18], &saved[18], 13 * sizeof(uint64_t));
	if (!v->need_regs)
		return;
	v->need_regs = false;
	v->exit.all_regs = true;
	if (!keep && engine.full_regs != NULL)
		engine.full_regs(engine.ctx, v);
	h(v);
}

void hal_sim_exit(struct hal_vcpu *v, const struct vcpu_exit *e,
		  const struct hal_exit_table *exits)
{
	exit_passes(v, e, exits, true);
}

void hal_sim_exit_partial(struct hal_vcpu *v, const struct vcpu_exit *e,
			  const struct hal_exit_table *exits)
{
	exit_passes(v, e, exits, false);
}

void hal_vcpu_run(struct hal_vcpu *v, const struct hal_exit_table *exits)
{
	struct vcpu_exit exit;

	stats.vcpu_runs++;
	if (engine.run_loop != NULL) {
		v->yield = false;
		engine.run_loop(engine.ctx, v, exits);
		return;
	}
	if (engine.run == NULL) {
		fprintf(stderr, "hal_sim: no engine to run a vCPU\n");
		hal_halt();
	}
	v->loaded_on = 0;
	v->yield = false;
	do {
		engine.run(engine.ctx, v, &exit);
		hal_sim_exit(v, &exit, exits);
	} while (!v->yield);
}

void hal_vcpu_debug_changed(struct hal_vcpu *v)
{
	v->debug.gen++;
	stats.debug_changes++;
	if (v->loaded_on >= 0 && engine.debug_changed != NULL)
		engine.debug_changed(engine.ctx, v);
}

uint64_t hal_vcpu_el1_read(struct hal_vcpu *v, enum el1_reg r)
{
	if (v->loaded_on >= 0 && engine.el1_read != NULL)
		return engine.el1_read(engine.ctx, v, r);
	return v->el1[r];
}

void hal_vcpu_el1_write(struct hal_vcpu *v, enum el1_reg r, uint64_t val)
{
	if (v->loaded_on >= 0 && engine.el1_write != NULL)
		engine.el1_write(engine.ctx, v, r, val);
	else
		v->el1[r] = val;
}

bool hal_vcpu_va_to_ipa(struct hal_vcpu *v, uint64_t va, ipaddr_t *ipa)
{
	if (engine.translate_va != NULL)
		return engine.translate_va(engine.ctx, v, va, ipa);
	/* Without an engine only the MMU-off identity is known. */
	if (hal_vcpu_el1_read(v, EL1_SCTLR) & 1)
		return false;
	*ipa = ipa_init(va);
	return true;
}

void hal_dcache_clean_inval_setway(uint64_t setway)
{
	stats.setway_ops++;
	stats.last_setway = setway;
}

/* HAL: gic */

struct hal_gic *hal_sim_gic(void)
{
	return &gic;
}

const struct hal_gic *hal_gic(void)
{
	return &gic;
}

void hal_sim_irq_raise(uint32_t intid)
{
	if (intid < HAL_SIM_IRQ_COUNT)
		irq_pending[intid] = true;
}

void hal_sim_irq_lower(uint32_t intid)
{
	if (intid < HAL_SIM_IRQ_COUNT)
		irq_pending[intid] = false;
}

void hal_sim_irq_set_level(uint32_t intid, bool high)
{
	if (intid < HAL_SIM_IRQ_COUNT)
		irq_level[intid] = high;
}

/* Pending as the distributor shows it: latched, or a level line high. */
static bool pending(uint32_t i)
{
	return irq_pending[i] || (irq_level[i] && !irq_edge[i]);
}

bool hal_sim_irq_pending(uint32_t intid)
{
	return intid < HAL_SIM_IRQ_COUNT && pending(intid);
}

bool hal_sim_irq_active(uint32_t intid)
{
	return intid < HAL_SIM_IRQ_COUNT && irq_active[intid];
}

bool hal_sim_irq_enabled(uint32_t intid)
{
	return intid < HAL_SIM_IRQ_COUNT && irq_enabled[intid];
}

bool hal_sim_irq_edge(uint32_t intid)
{
	return intid < HAL_SIM_IRQ_COUNT && irq_edge[intid];
}

unsigned hal_sim_irq_route(uint32_t intid)
{
	return intid < HAL_SIM_IRQ_COUNT ? irq_route[intid] : 0;
}

void hal_sim_irq_deactivate(uint32_t intid)
{
	if (intid < HAL_SIM_IRQ_COUNT)
		irq_active[intid] = false;
}

uint32_t hal_irq_ack(void)
{
	for (uint32_t i = 0; i < HAL_SIM_IRQ_COUNT; i++) {
		if (pending(i) && irq_enabled[i] && !irq_active[i]) {
			irq_pending[i] = false;
			irq_active[i] = true;
			return i;
		}
	}
	return GIC_INTID_SPURIOUS;
}

void hal_irq_eoi(uint32_t intid)
{
	(void)intid; /* priority is not modelled */
}

void hal_irq_deactivate(uint32_t intid)
{
	hal_sim_irq_deactivate(intid);
}

void hal_irq_resample(void)
{
	stats.irq_resamples++;
}

void hal_irq_enable(uint32_t intid, bool on)
{
	if (intid < HAL_SIM_IRQ_COUNT)
		irq_enabled[intid] = on;
}

void hal_irq_route(uint32_t intid, unsigned cpu)
{
	if (intid >= GIC_PRIVATE_COUNT && intid < HAL_SIM_IRQ_COUNT)
		irq_route[intid] = (uint8_t)cpu;
}

void hal_irq_set_trigger(uint32_t intid, bool edge)
{
	if (intid >= GIC_PRIVATE_COUNT && intid < HAL_SIM_IRQ_COUNT)
		irq_edge[intid] = edge;
}

bool hal_irq_pending(uint32_t intid)
{
	return intid >= GIC_PRIVATE_COUNT && hal_sim_irq_pending(intid);
}

#define ICH_LR_STATE_SHIFT  62
#define ICH_LR_HW	    (1ull << 61)
#define ICH_LR_GROUP	    (1ull << 60)
#define ICH_LR_PRIO_SHIFT   48
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK  0x1fffull
#define ICH_HCR_UIE	    (1ull << 1)

uint64_t hal_sim_lr_encode(const struct hal_lr *lr)
{
	uint64_t v = (uint64_t)lr->intid |
		     ((uint64_t)lr->priority << ICH_LR_PRIO_SHIFT) |
		     ((uint64_t)lr->state << ICH_LR_STATE_SHIFT);

	if (lr->group1)
		v |= ICH_LR_GROUP;
	if (lr->hw)
		v |= ICH_LR_HW | ((uint64_t)(lr->pintid & ICH_LR_PINTID_MASK)
				  << ICH_LR_PINTID_SHIFT);
	return v;
}

void hal_sim_lr_decode(uint64_t v, struct hal_lr *lr)
{
	*lr = (struct hal_lr){
	    .intid = (uint32_t)v,
	    .priority = (uint8_t)(v >> ICH_LR_PRIO_SHIFT),
	    .hw = (v & ICH_LR_HW) != 0,
	    .group1 = (v & ICH_LR_GROUP) != 0,
	    .state = (enum hal_lr_state)(v >> ICH_LR_STATE_SHIFT),
	};
	if (lr->hw)
		lr->pintid =
		    (uint32_t)((v >> ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK);
}

void hal_vgic_lr_read(struct hal_vcpu *v, unsigned i, struct hal_lr *lr)
{
	hal_sim_lr_decode(i < HAL_LR_MAX ? v->vgic.lr[i] : 0, lr);
}

void hal_vgic_lr_write(struct hal_vcpu *v, unsigned i, const struct hal_lr *lr)
{
	if (i < HAL_LR_MAX)
		v->vgic.lr[i] = hal_sim_lr_encode(lr);
}

void hal_vgic_lr_put_hw_loaded(struct hal_vcpu *v, unsigned i, uint32_t intid,
			       uint8_t priority, bool group1)
{
	const struct hal_lr lr = {
	    .intid = intid,
	    .pintid = intid,
	    .priority = priority,
	    .hw = true,
	    .group1 = group1,
	    .state = HAL_LR_PENDING,
	};
	struct hal_lr cur;

	/* The core promised an empty list register that exists. */
	hal_vgic_lr_read(v, i, &cur);
	if (i >= gic.lr_count || i >= HAL_LR_MAX ||
	    cur.state != HAL_LR_INVALID) {
		fprintf(stderr, "hal_sim: list register %u is not free\n", i);
		abort();
	}
	hal_vgic_lr_write(v, i, &lr);
}

void hal_vgic_underflow(struct hal_vcpu *v, bool on)
{
	if (on)
		v->vgic.hcr |= ICH_HCR_UIE;
	else
		v->vgic.hcr &= ~ICH_HCR_UIE;
}

void hal_vgic_release(void)
{
}

uint8_t hal_vgic_pmr(struct hal_vcpu *v)
{
	return (uint8_t)(v->vgic.vmcr >> 24);
}

bool hal_sim_timer(uint64_t *cval)
{
	if (timer_armed && cval != NULL)
		*cval = timer_cval;
	return timer_armed;
}

void hal_timer_arm(uint64_t cval)
{
	timer_armed = true;
	timer_cval = cval;
}

void hal_timer_cancel(void)
{
	timer_armed = false;
}

void hal_cpu_idle(void)
{
	if (engine.idle != NULL) {
		engine.idle(engine.ctx);
		return;
	}
	for (uint32_t i = 0; i < HAL_SIM_IRQ_COUNT; i++) {
		if (pending(i) && irq_enabled[i] && !irq_active[i])
			return;
	}
	/* No engine: time jumps to the hypervisor timer's deadline. */
	if (!timer_armed) {
		fprintf(stderr, "hal_sim: idle with no interrupt to come\n");
		hal_halt();
	}
	if (counter < timer_cval)
		counter = timer_cval;
	timer_armed = false;
	irq_pending[GIC_PPI_HYP_TIMER] = true;
}
