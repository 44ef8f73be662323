/*
 * mmu: the guest's own stage 1 (4 KiB granule, 39-bit VA, tables built
 * here) and the faults it raises, taken at EL1 with the syndrome the
 * architecture gives (Arm ARM D8, D17.2.40); none of them reaches the
 * hypervisor. Then a stage-2 fault through a mapping that is not the
 * identity, which the hypervisor must report at the IPA stage 1 gave, and
 * the console through such a mapping.
 *
 * The map: the first GiB holds Device blocks for the GIC and the PL011
 * (0x0a00_0000 left out); guest RAM is identity-mapped Normal memory, with
 * 2 MiB at 0x4200_0000 left out and the 4 KiB pages at 0x4100_0000 for
 * the tests: data, a hole, read-only, access flag clear, execute-never.
 * Past RAM, 0x4400_0000 maps IPA 0x0a00_0000 (nothing there) and
 * 0x4420_0000 maps the PL011. The level-1 entry of 0xc000_0000 points to
 * a table at IPA 0x0a00_0000: the walk itself faults at stage 2 (S1PTW).
 */
#include "guest.h"
#include "lib/fmt.h"

#define PAGE 0x1000ul

/* Test pages at fixed addresses, so the transcript shows them. */
#define TEST_BASE  0x41000000ul
#define DATA_PAGE  (TEST_BASE + 0 * PAGE)
#define HOLE_PAGE  (TEST_BASE + 1 * PAGE)
#define RO_PAGE	   (TEST_BASE + 2 * PAGE)
#define NOAF_PAGE  (TEST_BASE + 3 * PAGE)
#define XN_PAGE	   (TEST_BASE + 4 * PAGE)
#define RAM_HOLE   0x42000000ul	  /* its level-2 entry is invalid */
#define DEV_HOLE   0x0a000000ul	  /* its level-2 entry is invalid */
#define L1_HOLE	   0x80000000ul	  /* its level-1 entry is invalid */
#define OUT_OF_VA  0x8000000000ul /* bit 39: beyond T0SZ = 25 */
#define TTBR1_VA   0xffffff8000000000ul
#define ALIAS_NONE 0x44000000ul /* -> IPA 0x0a00_0000 */
#define ALIAS_UART 0x44200000ul /* -> IPA 0x0900_0000 */
#define IPA_NONE   0x0a000000ul
#define WALK_NONE  0xc0000000ul /* its level-2 table is at IPA_NONE */

/* Descriptors (D8.3). */
#define DESC_TABLE   0x3ul
#define DESC_PAGE    0x3ul
#define DESC_BLOCK   0x1ul
#define ATTR_NORMAL  (0ul << 2) /* MAIR attr0 */
#define ATTR_DEVICE  (1ul << 2) /* MAIR attr1 */
#define AP_RO	     (2ul << 6)
#define SH_INNER     (3ul << 8)
#define AF	     (1ul << 10)
#define PXN	     (1ul << 53)
#define UXN	     (1ul << 54)
#define NORMAL_PAGE  (DESC_PAGE | ATTR_NORMAL | SH_INNER | AF)
#define NORMAL_BLOCK (DESC_BLOCK | ATTR_NORMAL | SH_INNER | AF)
#define DEVICE_BLOCK (DESC_BLOCK | ATTR_DEVICE | AF | PXN | UXN)
#define MAIR	     0x04ff /* attr0 Normal WB, attr1 Device-nGnRE */
/* T0SZ 25, IRGN0/ORGN0 WB, SH0 inner, TG0 4K, T1SZ 25, EPD1, TG1 4K,
 * IPS 40 bits. */
#define TCR                                                                    \
	((25ul) | (1ul << 8) | (1ul << 10) | (3ul << 12) | (25ul << 16) |      \
	 (1ul << 23) | (2ul << 30) | (2ul << 32))
#define SCTLR_M 1ul

#define ESR_DABT_EL1 0x96000000ul /* EC 0x25, IL */
#define ESR_DABT_EL0 0x92000000ul /* EC 0x24, IL */
#define ESR_IABT_EL1 0x86000000ul /* EC 0x21, IL */
#define WNR	     (1ul << 6)
#define FSC_TRANS(l) (0x04ul + (l))
#define FSC_AF(l)    (0x08ul + (l))
#define FSC_PERM(l)  (0x0cul + (l))
#define FSC_ALIGN    0x21ul
#define FSC_EXTERNAL 0x10ul

#define VEC_CUR_SPX 0x200ul
#define VEC_LOWER   0x400ul

#define UART_DR 0x000

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2_low[512] __attribute__((aligned(4096)));
static uint64_t l2_ram[512] __attribute__((aligned(4096)));
static uint64_t l3_image[512] __attribute__((aligned(4096)));
static uint64_t l3_test[512] __attribute__((aligned(4096)));

/* Recorded by mmu.S's vectors. */
struct mmu_seen {
	uint64_t vector, esr, far, elr, taken, resume;
};
volatile struct mmu_seen mmu_seen;

typedef void probe_fn(void);
int mmu_try(probe_fn *probe, uint64_t a, uint64_t b, int align);
probe_fn probe_ldr_x, probe_ldr_w, probe_str_x, probe_str_w, probe_ldp_x,
    probe_ldxr_x, probe_br, probe_el0;
extern const char el0_code[];

static unsigned l2_index(uint64_t va)
{
	return (unsigned)(va >> 21) & 511;
}

static unsigned l3_index(uint64_t va)
{
	return (unsigned)(va >> 12) & 511;
}

static void build_tables(void)
{
	for (unsigned i = 0; i < 512; i++) {
		l3_image[i] = (GUEST_RAM_BASE + i * PAGE) | NORMAL_PAGE;
		l3_test[i] = (TEST_BASE + i * PAGE) | NORMAL_PAGE;
	}
	l3_test[l3_index(HOLE_PAGE)] = 0;
	l3_test[l3_index(RO_PAGE)] |= AP_RO;
	l3_test[l3_index(NOAF_PAGE)] &= ~AF;
	l3_test[l3_index(XN_PAGE)] |= PXN;

	l2_low[l2_index(0x08000000)] = 0x08000000 | DEVICE_BLOCK;
	l2_low[l2_index(PL011_BASE)] = PL011_BASE | DEVICE_BLOCK;

	l2_ram[0] = (uint64_t)l3_image | DESC_TABLE;
	for (unsigned i = 1; i < GUEST_RAM_SIZE >> 21; i++)
		l2_ram[i] =
		    (GUEST_RAM_BASE + ((uint64_t)i << 21)) | NORMAL_BLOCK;
	l2_ram[l2_index(TEST_BASE)] = (uint64_t)l3_test | DESC_TABLE;
	l2_ram[l2_index(RAM_HOLE)] = 0;
	l2_ram[l2_index(ALIAS_NONE)] = IPA_NONE | DEVICE_BLOCK;
	l2_ram[l2_index(ALIAS_UART)] = PL011_BASE | DEVICE_BLOCK;

	l1[0] = (uint64_t)l2_low | DESC_TABLE;
	l1[1] = (uint64_t)l2_ram | DESC_TABLE;
	l1[3] = IPA_NONE | DESC_TABLE;
}

static void mmu_on(void)
{
	uint64_t sctlr;

	__asm__ __volatile__("msr mair_el1, %0\n\t"
			     "msr tcr_el1, %1\n\t"
			     "msr ttbr0_el1, %2\n\t"
			     "isb\n\t"
			     "tlbi vmalle1\n\t"
			     "dsb nsh\n\t"
			     "isb" ::"r"((uint64_t)MAIR),
			     "r"((uint64_t)TCR), "r"((uint64_t)l1)
			     : "memory");
	__asm__ __volatile__("mrs %0, sctlr_el1" : "=r"(sctlr));
	__asm__ __volatile__("msr sctlr_el1, %0\n\tisb" ::"r"(sctlr | SCTLR_M)
			     : "memory");
}

/*
 * One probe that must fault: ESR_EL1, FAR_EL1 and the vector checked, and
 * ELR_EL1 the probe's instruction (elr).
 */
static void check_fault(const char *what, probe_fn *probe, uint64_t a,
			uint64_t b, int align, uint64_t want_esr,
			uint64_t want_far, uint64_t want_vector, uintptr_t elr)
{
	char line[192];
	size_t n;
	bool ok;

	if (!mmu_try(probe, a, b, align)) {
		fmt_snprintf(line, sizeof(line), "%s: no exception", what);
		check_true(line, false);
		return;
	}
	ok = mmu_seen.esr == want_esr && mmu_seen.far == want_far &&
	     mmu_seen.vector == want_vector && mmu_seen.elr == elr;
	n = fmt_snprintf(
	    line, sizeof(line), "%s: esr 0x%08lx far 0x%lx vector 0x%lx%s",
	    what, (unsigned long)mmu_seen.esr, (unsigned long)mmu_seen.far,
	    (unsigned long)mmu_seen.vector,
	    mmu_seen.elr == elr ? "" : " (ELR_EL1 elsewhere)");
	if (!ok && n < sizeof(line))
		fmt_snprintf(line + n, sizeof(line) - n,
			     " (want esr 0x%08lx far 0x%lx vector 0x%lx)",
			     (unsigned long)want_esr, (unsigned long)want_far,
			     (unsigned long)want_vector);
	check_true(line, ok);
}

/* A data access at EL1: ELR_EL1 is the probe. */
static void check_data(const char *what, probe_fn *probe, uint64_t addr,
		       int align, uint64_t want_esr, uint64_t want_far)
{
	check_fault(what, probe, addr, 0x5a, align, want_esr, want_far,
		    VEC_CUR_SPX, (uintptr_t)probe);
}

/* A branch to addr: the fetch there faults, ELR_EL1 = FAR_EL1 = addr. */
static void check_fetch(const char *what, uint64_t addr, uint64_t want_esr)
{
	check_fault(what, probe_br, addr, 0, 0, want_esr, addr, VEC_CUR_SPX,
		    addr);
}

static void check_no_fault(const char *what, probe_fn *probe, uint64_t addr,
			   int align)
{
	char line[128];

	fmt_snprintf(line, sizeof(line), "%s: no exception", what);
	check_true(line, !mmu_try(probe, addr, 0, align));
}

static void translation_faults(void)
{
	check_data("ldr x from 0x80000000 (level 1 invalid)", probe_ldr_x,
		   L1_HOLE, 0, ESR_DABT_EL1 | FSC_TRANS(1), L1_HOLE);
	check_data("ldr x from 0x8000000000 (beyond T0SZ)", probe_ldr_x,
		   OUT_OF_VA, 0, ESR_DABT_EL1 | FSC_TRANS(0), OUT_OF_VA);
	check_data("ldr x from 0xffffff8000000000 (EPD1)", probe_ldr_x,
		   TTBR1_VA, 0, ESR_DABT_EL1 | FSC_TRANS(0), TTBR1_VA);
	check_data("ldr x from 0x0a000000 (level 2 invalid)", probe_ldr_x,
		   DEV_HOLE, 0, ESR_DABT_EL1 | FSC_TRANS(2), DEV_HOLE);
	check_data("ldr x from 0x42000000 (level 2 invalid, RAM)", probe_ldr_x,
		   RAM_HOLE, 0, ESR_DABT_EL1 | FSC_TRANS(2), RAM_HOLE);
	check_data("ldr x from 0x41001000 (level 3 invalid)", probe_ldr_x,
		   HOLE_PAGE, 0, ESR_DABT_EL1 | FSC_TRANS(3), HOLE_PAGE);
	check_data("str x to 0x41001000", probe_str_x, HOLE_PAGE, 0,
		   ESR_DABT_EL1 | WNR | FSC_TRANS(3), HOLE_PAGE);
	check_data("ldp x from 0x41000ff8 (second in the hole)", probe_ldp_x,
		   HOLE_PAGE - 8, 0, ESR_DABT_EL1 | FSC_TRANS(3), HOLE_PAGE);
	check_data("ldr x from 0x41000ffc (crossing into the hole)",
		   probe_ldr_x, HOLE_PAGE - 4, 0, ESR_DABT_EL1 | FSC_TRANS(3),
		   HOLE_PAGE);
	check_data("str x to 0x41000ffc (crossing into the hole)", probe_str_x,
		   HOLE_PAGE - 4, 0, ESR_DABT_EL1 | WNR | FSC_TRANS(3),
		   HOLE_PAGE);
}

static void permission_and_access_flag(void)
{
	check_no_fault("ldr x from 0x41002000 (read-only)", probe_ldr_x,
		       RO_PAGE, 0);
	check_data("str x to 0x41002000 (read-only)", probe_str_x, RO_PAGE, 0,
		   ESR_DABT_EL1 | WNR | FSC_PERM(3), RO_PAGE);
	check_data("ldr x from 0x41003000 (access flag clear)", probe_ldr_x,
		   NOAF_PAGE, 0, ESR_DABT_EL1 | FSC_AF(3), NOAF_PAGE);
	check_fault("EL0 ldr x from 0x41000000 (EL1 only)", probe_el0,
		    DATA_PAGE, 0, 0, ESR_DABT_EL0 | FSC_PERM(3), DATA_PAGE,
		    VEC_LOWER, (uintptr_t)el0_code);
}

static void alignment_faults(void)
{
	check_data("SCTLR_EL1.A: ldr x from 0x41000001", probe_ldr_x,
		   DATA_PAGE + 1, 1, ESR_DABT_EL1 | FSC_ALIGN, DATA_PAGE + 1);
	check_data("SCTLR_EL1.A: str w to 0x41000002", probe_str_w,
		   DATA_PAGE + 2, 1, ESR_DABT_EL1 | WNR | FSC_ALIGN,
		   DATA_PAGE + 2);
	check_no_fault("SCTLR_EL1.A: ldp x from 0x41000008", probe_ldp_x,
		       DATA_PAGE + 8, 1);
	check_no_fault("ldr w from 0x41000001", probe_ldr_w, DATA_PAGE + 1, 0);
	check_data("ldxr x from 0x41000004", probe_ldxr_x, DATA_PAGE + 4, 0,
		   ESR_DABT_EL1 | FSC_ALIGN, DATA_PAGE + 4);
}

static void fetch_faults(void)
{
	check_fetch("br to 0x41001000 (level 3 invalid)", HOLE_PAGE,
		    ESR_IABT_EL1 | FSC_TRANS(3));
	check_fetch("br to 0x80000000 (level 1 invalid)", L1_HOLE,
		    ESR_IABT_EL1 | FSC_TRANS(1));
	check_fetch("br to 0x41004000 (PXN)", XN_PAGE,
		    ESR_IABT_EL1 | FSC_PERM(3));
}

/* Through mappings that are not the identity: the IPA is stage 1's. */
static void stage2_through_stage1(void)
{
	const char *text = "mmu: this line went through VA 0x44200000\n";

	check_data("ldr w from 0x44000000 (ipa 0x0a000000)", probe_ldr_w,
		   ALIAS_NONE, 0, ESR_DABT_EL1 | FSC_EXTERNAL, ALIAS_NONE);
	/* The first register from RAM, the second from the alias: the
	 * fault is the second page's, at its first byte. */
	check_data("ldp x from 0x43fffff8 (second at ipa 0x0a000000)",
		   probe_ldp_x, ALIAS_NONE - 8, 0, ESR_DABT_EL1 | FSC_EXTERNAL,
		   ALIAS_NONE);
	check_data("ldr x from 0xc0000000 (table at ipa 0x0a000000)",
		   probe_ldr_x, WALK_NONE, 0, ESR_DABT_EL1 | FSC_EXTERNAL,
		   WALK_NONE);
	check_data("str x to 0xc0000008 (table at ipa 0x0a000000)", probe_str_x,
		   WALK_NONE + 8, 0, ESR_DABT_EL1 | WNR | FSC_EXTERNAL,
		   WALK_NONE + 8);
	for (const char *p = text; *p != '\0'; p++)
		*(volatile uint32_t *)(ALIAS_UART + UART_DR) =
		    (uint32_t)(unsigned char)*p;
}

/*
 * Loads from the PL011's ID registers through the alias, in addressing
 * forms that put the address in a register offset, a post-index and a
 * pair: the IPA the hypervisor emulates is the one stage 1 gives, and a
 * post-index writes its base back.
 */
static void mmio_forms_through_stage1(void)
{
	uint64_t base = ALIAS_UART + 0xfe0, idx = 1, a = 0, b = 0, c = 0, d = 0;

	__asm__ __volatile__("ldr %w0, [%4, %5, lsl #2]\n\t"
			     "ldr %w1, [%4], #8\n\t"
			     "ldp %w2, %w3, [%4]"
			     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d),
			       "+r"(base)
			     : "r"(idx)
			     : "memory");
	gprintf("mmu: ldr w [0x44200fe0, #1, lsl #2] 0x%lx, ldr w "
		"[0x44200fe0], #8 0x%lx (base now 0x%lx), ldp w [base] 0x%lx "
		"0x%lx\n",
		(unsigned long)a, (unsigned long)b, (unsigned long)base,
		(unsigned long)c, (unsigned long)d);
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("mmu: stage 1 on, 4 KiB pages, 39-bit VA\n");
	build_tables();
	mmu_on();

	translation_faults();
	permission_and_access_flag();
	alignment_faults();
	fetch_faults();
	stage2_through_stage1();
	mmio_forms_through_stage1();

	return guest_done("mmu");
}
