/*
 * el2: boot of the hypervisor at EL2 and the machine-wide HAL services:
 * CPU capabilities, EL2 configuration, the EL2 fault handler, powering the
 * machine off, counter, caches and stage-2 TLB maintenance.
 */
#include "asm.h"
#include "pcpu.h"

#include <hal/core.h>

#include <hal/console.h>
#include <hal/counter.h>
#include <hal/mm.h>
#include <hal/stage2.h>

#include "lib/fdt.h"
#include "lib/string.h"

#include <stddef.h>

_Static_assert(offsetof(struct vcpu_regs, x[18]) == REGS_X18, "regs");
_Static_assert(offsetof(struct vcpu_regs, x[19]) == REGS_X19, "regs");
_Static_assert(offsetof(struct vcpu_regs, x[30]) == REGS_X30, "regs");
_Static_assert(offsetof(struct vcpu_regs, pc) == REGS_PC, "regs");
_Static_assert(offsetof(struct vcpu_regs, pstate) == REGS_PSTATE, "regs");
_Static_assert(offsetof(struct hal_vcpu, regs) == 0, "regs first");
_Static_assert(offsetof(struct hal_vcpu, exit) == VCPU_EXIT, "exit");
_Static_assert(offsetof(struct hal_vcpu, exit.kind) == VCPU_EXIT_KIND, "exit");
_Static_assert(offsetof(struct hal_vcpu, exit.all_regs) == VCPU_EXIT_ALL_REGS,
	       "exit");
_Static_assert(VCPU_EXIT_KIND == VCPU_EXIT_INTID + 4,
	       "exit: intid and kind are stored as one doubleword");
_Static_assert(offsetof(struct hal_vcpu, exit.esr) == VCPU_EXIT_ESR, "exit");
_Static_assert(offsetof(struct hal_vcpu, exit.far) == VCPU_EXIT_FAR, "exit");
_Static_assert(offsetof(struct hal_vcpu, exit.hpfar) == VCPU_EXIT_HPFAR,
	       "exit");
_Static_assert(offsetof(struct hal_vcpu, exit.intid) == VCPU_EXIT_INTID,
	       "exit");
_Static_assert(offsetof(struct hal_vcpu, host_sp) == VCPU_HOST_SP, "host_sp");
_Static_assert(offsetof(struct hal_vcpu, exits) == VCPU_EXITS,
	       "exits: loaded with host_sp as a pair");
_Static_assert(offsetof(struct hal_vcpu, exit_x18_x30) == VCPU_EXIT_X18_X30,
	       "x18, x30");
_Static_assert(offsetof(struct hal_vcpu, gicc) == VCPU_GICC, "gicc");
_Static_assert(offsetof(struct hal_exit_table, irq) == EXITS_IRQ &&
		   offsetof(struct hal_exit_table, fiq) == EXITS_FIQ &&
		   offsetof(struct hal_exit_table, serror) == EXITS_SERROR &&
		   offsetof(struct hal_exit_table, vtimer) == EXITS_VTIMER,
	       "exit table");
_Static_assert(sizeof(enum vcpu_exit_kind) == 4, "exit kind is a word");
_Static_assert(offsetof(struct hal_vcpu, yield) == VCPU_YIELD &&
		   offsetof(struct hal_vcpu, need_regs) == VCPU_NEED_REGS &&
		   VCPU_YIELD % 2 == 0,
	       "yield and need_regs: one aligned halfword");
_Static_assert(offsetof(struct pcpu, vcpu) == PCPU_VCPU, "pcpu");

/* IPA size the stage-2 tables use: one level-1 root, no concatenation. */
#define HV_IPA_BITS_MAX 39
#define QEMU_DTB_BASE	0x40000000ull
#define QEMU_RAM_BASE	0x40000000ull
#define HV_IMAGE_BASE	0x40200000ull /* hal.ld */

struct pcpu pcpus[HAL_MAX_CPUS];
HAL_NOINIT _Alignas(16) uint8_t pcpu_stacks[HAL_MAX_CPUS][PCPU_STACK_SIZE];

extern char el2_vectors[];
extern char __hv_start[], __hv_end[], __bss_end[];
extern char _start_secondary[];

static struct hal_cpu_caps caps;
bool hal_pauth;
unsigned pcpu_count = 1;
static unsigned boot_parange;
static struct hal_platform platform = {.name = "QEMU virt"};

static const unsigned parange_bits[] = {32, 36, 40, 42, 44, 48, 52};

const struct hal_cpu_caps *hal_cpu_caps(void)
{
	return &caps;
}

const struct hal_platform *hal_platform(void)
{
	return &platform;
}

void hal_platform_add_mmio(const char *what, uint64_t base, uint64_t size)
{
	if (platform.mmio_count < HAL_MMIO_MAX)
		platform.mmio[platform.mmio_count++] =
		    (struct hal_mmio){what, pa_init(base), size};
}

unsigned hal_cpu_id(void)
{
	return this_pcpu()->id;
}

unsigned hal_cpu_count(void)
{
	return pcpu_count;
}

void hal_cpu_kick(unsigned cpu)
{
	if (cpu < pcpu_count && cpu != hal_cpu_id())
		hal_gic_send_kick(cpu);
}

void hal_cpu_relax(void)
{
	hal_gic_serve_pause();
	__asm__ volatile("yield" ::: "memory");
}

#define ID_CASE(crm, op2)                                                      \
	case (crm)*8 + (op2):                                                  \
		return read_sysreg(S3_0_C0_C##crm##_##op2)
#define ID_ROW(crm)                                                            \
	ID_CASE(crm, 0);                                                       \
	ID_CASE(crm, 1);                                                       \
	ID_CASE(crm, 2);                                                       \
	ID_CASE(crm, 3);                                                       \
	ID_CASE(crm, 4);                                                       \
	ID_CASE(crm, 5);                                                       \
	ID_CASE(crm, 6);                                                       \
	ID_CASE(crm, 7)

uint64_t hal_cpu_id_reg(unsigned crm, unsigned op2)
{
	switch (crm * 8 + op2) {
		ID_ROW(1);
		ID_ROW(2);
		ID_ROW(3);
		ID_ROW(4);
		ID_ROW(5);
		ID_ROW(6);
		ID_ROW(7);
	default:
		return 0;
	}
}

/* Parks this CPU for good: nothing wakes it (interrupts masked). */
static _Noreturn void park(void)
{
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	for (;;)
		__asm__ volatile("wfe");
}

static uint64_t psci_call(bool hvc, uint64_t fid, uint64_t a1, uint64_t a2,
			  uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (hvc)
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16",
				   "x17", "memory");
	else
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16",
				   "x17", "memory");
	return x0;
}

static uint64_t smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return psci_call(false, fid, a1, a2, a3);
}

#define PSCI_SYSTEM_OFF 0x84000008u

/*
 * The machine's status reaches the host as the console's last line, not
 * through QEMU's exit status: without semihosting (which would let every
 * guest end QEMU too), QEMU exits 0 on SYSTEM_OFF whatever the status.
 * hv_main printed that line.
 */
_Noreturn void hal_system_off(int status)
{
	(void)status;
	smc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	hv_log("PSCI SYSTEM_OFF returned; halting");
	hal_halt();
}

/*
 * "hv: halted" is the last line, and the machine goes off at once so that
 * whoever waits for it sees the failure now, not at a time limit. At EL2
 * QEMU's PSCI is reached by SMC; at EL1 (booted without virtualization)
 * PSCI belongs to whatever runs at EL2, by HVC.
 */
_Noreturn void hal_halt(void)
{
	static const char line[] = "hv: halted\n";
	static atomic_flag once = ATOMIC_FLAG_INIT;

	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	/* Another CPU halting meanwhile has said it and powers off. */
	if (atomic_flag_test_and_set(&once))
		park();
	hal_console_write(line, sizeof(line) - 1);
	psci_call(read_sysreg(CurrentEL) >> 2 != 2, PSCI_SYSTEM_OFF, 0, 0, 0);
	park();
}

static const char *const kind_names[] = {"synchronous", "IRQ", "FIQ", "SError"};

/* Frame saved by the el2_fault macro in vectors.S. */
struct el2_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint64_t pad;
};

void hal_el2_fault(struct el2_frame *f, unsigned kind);

void hal_el2_fault(struct el2_frame *f, unsigned kind)
{
	hv_log("EL2 %s exception: ESR 0x%016llx ELR 0x%016llx",
	       kind < 4 ? kind_names[kind] : "?", (unsigned long long)f->esr,
	       (unsigned long long)f->elr);
	hv_log("  FAR 0x%016llx SPSR 0x%016llx", (unsigned long long)f->far,
	       (unsigned long long)f->spsr);
	for (unsigned i = 0; i < 31; i += 2) {
		if (i + 1 < 31)
			hv_log("  x%-2u 0x%016llx  x%-2u 0x%016llx", i,
			       (unsigned long long)f->x[i], i + 1,
			       (unsigned long long)f->x[i + 1]);
		else
			hv_log("  x%-2u 0x%016llx", i,
			       (unsigned long long)f->x[i]);
	}
	hal_halt();
}

uint64_t hal_counter_read(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

uint64_t hal_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void *hal_pa_to_ptr(paddr_t pa, uint64_t len)
{
	uint64_t a = pa_addr(pa);
	uint64_t base = pa_addr(platform.ram_base);

	if (a < base || len > platform.ram_size ||
	    a - base > platform.ram_size - len)
		return NULL;
	return (void *)a;
}

paddr_t hal_ptr_to_pa(const void *p)
{
	return pa_init((uint64_t)p);
}

/*
 * DC ZVA zeroes a block (DCZID_EL0.BS) at a time, much faster than stores,
 * and DC CVAC pushes each line to memory for a guest whose caches are off.
 */
void hal_mem_zero(void *p, uint64_t len)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4ull << (dczid & 0xf);
	uint64_t line = 4ull << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	uint64_t a = (uint64_t)p, end = a + len;

	if ((dczid & DCZID_DZP) || ((a | len) & (block - 1)) ||
	    (block & (line - 1))) {
		memset(p, 0, len);
		hal_cache_sync_range(p, len);
		return;
	}
	for (; a < end; a += block) {
		__asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
		for (uint64_t l = 0; l < block; l += line)
			__asm__ volatile("dc cvac, %0"
					 :
					 : "r"(a + l)
					 : "memory");
	}
	dsb_ish();
}

void hal_cache_sync_range(const void *p, uint64_t len)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uint64_t line = 4ull << ((ctr >> 16) & 0xf);
	uint64_t a = (uint64_t)p & ~(line - 1);

	for (; a < (uint64_t)p + len; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb_ish();
	__asm__ volatile("ic iallu" ::: "memory");
	dsb_ish();
	isb();
}

const void *hal_boot_dtb(size_t *size, struct hal_boot_tree *tree)
{
	const void *h = (const void *)QEMU_DTB_BASE;
	uint32_t total = fdt_totalsize(h);

	/* QEMU leaves it at the RAM base, below the image: at most that. */
	if (fdt_be32(h) != FDT_MAGIC || total > HV_IMAGE_BASE - QEMU_DTB_BASE)
		return NULL;
	*size = total;
	hal_fdt_boot_tree(h, tree);
	return h;
}

/* TLB maintenance by VMID needs that VMID in VTTBR_EL2 for a moment. */
static uint64_t switch_vmid(uint16_t vmid)
{
	uint64_t old = read_sysreg(vttbr_el2);

	if ((old >> 48) != vmid) {
		write_sysreg(vttbr_el2, (uint64_t)vmid << 48);
		isb();
	}
	return old;
}

static void restore_vmid(uint64_t old, uint16_t vmid)
{
	if ((old >> 48) != vmid) {
		write_sysreg(vttbr_el2, old);
		isb();
	}
}

void hal_s2_tlb_flush_ipa(uint16_t vmid, ipaddr_t ipa)
{
	uint64_t old;

	dsb_ishst();
	old = switch_vmid(vmid);
	__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(ipa_addr(ipa) >> 12));
	dsb_ish();
	/* Combined stage 1+2 entries are not removed by IPA alone. */
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb_ish();
	isb();
	restore_vmid(old, vmid);
}

void hal_s2_mapped(uint16_t vmid)
{
	(void)vmid;
	dsb_ishst();
}

void hal_s2_tlb_flush_vmid(uint16_t vmid)
{
	uint64_t old;

	dsb_ishst();
	old = switch_vmid(vmid);
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	dsb_ish();
	isb();
	restore_vmid(old, vmid);
}

bool hal_vcpu_va_to_ipa(struct hal_vcpu *v, uint64_t va, ipaddr_t *ipa)
{
	/* PAR_EL1 is the guest's: the AT result is read, then it goes back. */
	uint64_t saved = read_sysreg(par_el1);
	uint64_t par;

	(void)v;
	__asm__ volatile("at s1e1r, %0\n\tisb" : : "r"(va) : "memory");
	par = read_sysreg(par_el1);
	write_sysreg(par_el1, saved);
	if (par & PAR_F)
		return false;
	*ipa = ipa_init((par & PAR_PA_MASK) | (va & 0xfff));
	return true;
}

void hal_dcache_clean_inval_setway(uint64_t setway)
{
	__asm__ volatile("dc cisw, %0" : : "r"(setway) : "memory");
}

static void el2_configure(unsigned parange)
{
	uint64_t hcr = HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO |
		       HCR_FB | HCR_BSU_INNER | HCR_TWI | HCR_TWE | HCR_TID3 |
		       HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW;
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	/*
	 * Every debug register access traps: the core emulates them on each
	 * vCPU's own copy (hv/vdebug.c), so no vCPU sees or arms another's
	 * breakpoints, and the world switch never saves them.
	 */
	uint64_t mdcr =
	    MDCR_TPM | MDCR_TPMCR | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA;

	/*
	 * Pointer authentication: let guests use it untrapped when the CPU
	 * has it (APA, API, GPA, GPI fields); the keys are EL1 state.
	 */
	if (isar1 & 0xff000ff0ull) {
		hcr |= HCR_API | HCR_APK;
		hal_pauth = true;
	}
	/* RAS is hidden from guests (ID_AA64PFR0_EL1.RAS reads 0): its error
	 * record registers trap and UNDEF, as on a CPU without it. */
	if (((pfr0 >> 28) & 0xf) != 0)
		hcr |= HCR_TERR;
	write_sysreg(hcr_el2, hcr);

	unsigned t0sz = 64 - caps.ipa_bits;
	uint64_t vtcr = t0sz | (1ull << 6) /* SL0: start at level 1 */ |
			(1ull << 8) | (1ull << 10) | (3ull << 12) |
			((uint64_t)(parange > 5 ? 5 : parange) << 16) |
			(1ull << 31);
	write_sysreg(vtcr_el2, vtcr);
	write_sysreg(vttbr_el2, 0);
	write_sysreg(cptr_el2, CPTR_EL2_RES1 | CPTR_TTA);
	/* EL1 reads the counter freely; its physical timer traps. */
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(vmpidr_el2, 0x80000000ull);
	/* The PMU is hidden from guests: trap it, keep all counters. */
	if (((dfr0 >> 8) & 0xf) != 0 && ((dfr0 >> 8) & 0xf) != 0xf)
		mdcr |= (read_sysreg(pmcr_el0) >> 11) & 0x1f;
	write_sysreg(mdcr_el2, mdcr);
	hal_debug_init_cpu();
	write_sysreg(hstr_el2, 0);
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	isb();
}

#define PSCI_CPU_ON_64 0xc4000003u

/* Waits up to a second (of the counter) for CPU i to say it is up. */
static bool wait_online(unsigned i)
{
	uint64_t end = hal_counter_read() + hal_counter_freq();

	while (!atomic_load(&pcpus[i].online)) {
		if (hal_counter_read() > end)
			return false;
		__asm__ volatile("yield");
	}
	return true;
}

void hal_cpu_start_others(void)
{
	if (pcpu_count < 2)
		return;
	/* They start with the MMU and caches off: what they read first (the
	 * image, page tables, this data) must be in memory. Not .noinit
	 * (hal.ld): their stacks are theirs, and the rest of it is read only
	 * with the MMU on, coherently. */
	hal_cache_sync_range(__hv_start, (uint64_t)(__bss_end - __hv_start));
	for (unsigned i = 1; i < pcpu_count; i++) {
		int64_t ret = (int64_t)smc_call(PSCI_CPU_ON_64, pcpus[i].mpidr,
						(uint64_t)_start_secondary, i);

		if (ret != 0 || !wait_online(i))
			hv_log("CPU %u (MPIDR 0x%llx) did not start (PSCI "
			       "CPU_ON: %lld): its vCPUs will not run",
			       i, (unsigned long long)pcpus[i].mpidr,
			       (long long)ret);
	}
}

void hal_secondary_boot(uint64_t index);

void hal_secondary_boot(uint64_t index)
{
	struct pcpu *c = &pcpus[index];

	write_sysreg(tpidr_el2, (uint64_t)c);
	write_sysreg(vbar_el2, (uint64_t)el2_vectors);
	isb();
	hal_mmu_enable(boot_parange);
	el2_configure(boot_parange);
	hal_gic_init_cpu();
	atomic_store(&c->online, true);
	hv_secondary_main();
	/* Every VM is off: nobody may wait for this CPU any more. CPU 0
	 * prints the final line and powers the machine off. */
	atomic_store(&c->online, false);
	park();
}

/* The CPUs QEMU's device tree lists; CPU 0 is the one booting. */
static void find_cpus(const void *fdt)
{
	uint64_t mpidrs[HAL_MAX_CPUS];
	uint64_t self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	int n = hal_fdt_cpus(fdt, mpidrs, HAL_MAX_CPUS);

	pcpus[0].mpidr = self;
	if (n < 1 || (mpidrs[0] & MPIDR_AFF_MASK) != self) {
		if (n >= 1)
			hv_log("booting CPU is not the device tree's first: "
			       "running on it alone");
		return;
	}
	if (n > HAL_MAX_CPUS) {
		hv_log("%d CPUs in the device tree: using the first %u", n,
		       HAL_MAX_CPUS);
		n = HAL_MAX_CPUS;
	}
	for (int i = 1; i < n; i++) {
		pcpus[i].id = (unsigned)i;
		pcpus[i].mpidr = mpidrs[i] & MPIDR_AFF_MASK;
	}
	pcpu_count = (unsigned)n;
}

void hal_boot(uint64_t current_el);

void hal_boot(uint64_t current_el)
{
	struct pcpu *c = &pcpus[0];
	uint64_t mmfr0, pfr0, mem_base, mem_size;
	unsigned parange;

	hal_pl011_init();
	if (current_el != 2) {
		hv_log("entered at EL%u, not EL2: the hypervisor needs "
		       "virtualization (QEMU: -M virt,virtualization=on); "
		       "halting",
		       (unsigned)current_el);
		hal_halt();
	}
	c->id = 0;
	write_sysreg(tpidr_el2, (uint64_t)c);
	write_sysreg(vbar_el2, (uint64_t)el2_vectors);
	isb();

	mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	pfr0 = read_sysreg(id_aa64pfr0_el1);
	parange = (unsigned)(mmfr0 & 0xf);
	boot_parange = parange;
	caps.midr = read_sysreg(midr_el1);
	caps.pa_bits = parange < 7 ? parange_bits[parange] : 48;
	caps.ipa_bits =
	    caps.pa_bits < HV_IPA_BITS_MAX ? caps.pa_bits : HV_IPA_BITS_MAX;
	caps.s2_start_level = 1;
	caps.pan = ((read_sysreg(id_aa64mmfr1_el1) >> 20) & 0xf) != 0;
	caps.ssbs = ((read_sysreg(id_aa64pfr1_el1) >> 4) & 0xf) != 0;
	(void)pfr0;

	platform.ram_base = pa_init(QEMU_RAM_BASE);
	platform.ram_size = 0x40000000ull;
	if (hal_fdt_memory((const void *)QEMU_DTB_BASE, &mem_base, &mem_size) ==
	    0) {
		platform.ram_base = pa_init(mem_base);
		platform.ram_size = mem_size;
	} else {
		hv_log("no device tree from QEMU at 0x%llx: assuming 1 GiB "
		       "of RAM",
		       (unsigned long long)QEMU_DTB_BASE);
	}
	platform.hv_base = pa_init(QEMU_RAM_BASE);
	platform.hv_size =
	    ((uint64_t)__hv_end - QEMU_RAM_BASE + 0x1fffff) & ~0x1fffffull;
	hal_platform_add_mmio("the hypervisor's console UART", PL011_BASE,
			      PL011_SIZE);

	find_cpus((const void *)QEMU_DTB_BASE);
	hal_mmu_init(parange);
	el2_configure(parange);
	hal_gic_init((const void *)QEMU_DTB_BASE);
	atomic_store(&c->online, true);
	hal_system_off(hv_boot());
}
