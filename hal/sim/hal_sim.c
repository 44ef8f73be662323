/* hal_sim: one file, one machine model; see hal_sim.h. */
#include "hal_sim.h"

#include <hal/console.h>
#include <hal/counter.h>
#include <hal/mm.h>
#include <hal/stage2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static void (*stop_hook)(int status, int halted);

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
	echo = 0;
	memset(&stats, 0, sizeof(stats));
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
}

void *hal_sim_mem_init(uint64_t base, uint64_t size)
{
	if (arena != NULL && size <= arena_cap) {
		memset(arena, 0, size);
	} else {
		free(arena);
		arena = calloc(1, size);
		arena_cap = size;
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

void hal_sim_console_feed(const char *s, size_t len)
{
	for (size_t i = 0; i < len && in_len < CONSOLE_IN_MAX; i++, in_len++)
		in_buf[(in_head + in_len) % CONSOLE_IN_MAX] = s[i];
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
	return 0;
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
	if (stop_hook != NULL)
		stop_hook(1, 1);
	fflush(stdout);
	abort();
}

/* HAL: console */

void hal_console_write(const char *s, size_t len)
{
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
	return c;
}

/* HAL: counter */

uint64_t hal_counter_read(void)
{
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

void hal_vcpu_run(struct hal_vcpu *v, hal_exit_fn on_exit)
{
	struct vcpu_exit exit;

	if (engine.run_loop != NULL) {
		v->yield = false;
		engine.run_loop(engine.ctx, v, on_exit);
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
		on_exit(v, &exit);
	} while (!v->yield);
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
