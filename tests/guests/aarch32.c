/*
 * aarch32: 32-bit code at EL0 under the guest's 64-bit EL1, as a Linux
 * kernel runs compat tasks.
 *
 * EL1 drops to AArch32 User mode (A32 and T32) by ERET and gets control
 * back on the next exception (aarch32.S). There EL0 code:
 *  - loads and stores every width (LDRB/LDRH/LDR/LDRSB/LDRSH/STRB/STRH/STR,
 *    T32 16- and 32-bit forms) on the emulated PL011: each result register
 *    is checked, and a counter incremented after every access shows that
 *    the hypervisor moved the PC by the trapped instruction's length (2
 *    bytes for a 16-bit T32 one, ESR_EL2.IL = 0), not always by 4;
 *  - completes a trapped load inside an IT block (ITSTATE must advance);
 *  - waits in WFI. With SCTLR_EL1.nTWI = 0 the Arm ARM traps an EL0 WFI to
 *    EL1 (EC 0x01, taken here at VBAR_EL1 + 0x600), before HCR_EL2.TWI is
 *    looked at; with nTWI = 1 it reaches the hypervisor's HCR_EL2.TWI trap,
 *    which blocks the vCPU until the virtual timer fires and completes the
 *    WFI. Both are run, the second for A32 and T32;
 *  - does LDM/STM on the PL011, which give no syndrome (ISV = 0): the
 *    hypervisor must not decode A32/T32 code as A64 and answers with a
 *    synchronous external abort at the AArch32-EL0 vector;
 *  - takes the virtual timer's interrupt at VBAR_EL1 + 0x680 while it
 *    spins with IRQs unmasked;
 *  - runs A32 code EL1 wrote, then rewrote at the same address;
 *  - executes UDF (an UNDEF taken at EL1) and SVC (EC 0x11, how each run
 *    returns to EL1).
 * Exception syndromes are printed exactly; addresses relative to the
 * snippet they come from.
 */
#include "gic.h"
#include "guest.h"
#include "lib/fmt.h"

/* What aarch32.S reads and writes; the offsets are its CTX_*. */
struct a32_ctx {
	uint32_t r[15]; /* R0-R14 going in, as the exception left them */
	uint32_t pad;
	uint64_t pc;   /* entry point */
	uint64_t cpsr; /* the SPSR_EL1 to ERET with */
	uint64_t esr, far, elr, spsr, vector;
};

_Static_assert(offsetof(struct a32_ctx, pc) == 64, "CTX_PC");
_Static_assert(offsetof(struct a32_ctx, vector) == 112, "CTX_VECTOR");

void a32_run(struct a32_ctx *ctx);

extern const char a32_mmio[], a32_mmio_svc[], a32_wfi[], a32_ldm[], a32_stm[];
extern const char t32_mmio[], t32_mmio_svc[], t16_it[], t16_it_svc[], t16_wfi[],
    t16_spin[], t16_ldm[], t16_udf[];

#define CPSR_USR 0x10u
#define CPSR_T	 (1u << 5)
#define CPSR_I	 (1u << 7) /* no interrupt taken at EL0 */
#define CPSR_Z	 (1u << 30)
#define CPSR_A32 (CPSR_USR | CPSR_I)
#define CPSR_T32 (CPSR_USR | CPSR_I | CPSR_T)

#define VECTOR_A32_SYNC 0x600
#define VECTOR_A32_IRQ	0x680

#define ESR_SVC_A32  0x46004321 /* EC 0x11, IL, imm16 = imm24[15:0] */
#define ESR_SVC_T16  0x44000042 /* EC 0x11, IL = 0, imm8 */
#define ESR_WFI_A32  0x07e00000 /* EC 0x01, IL, CV, COND = AL, WFI */
#define ESR_WFI_T16  0x05e00000 /* the same with IL = 0 */
#define ESR_DABT_EXT 0x92000010 /* EC 0x24, IL (ISV = 0), DFSC 0x10 */
#define ESR_DABT_WNR 0x92000050 /* ... a write */
#define ESR_UNDEF    0x02000000 /* EC 0x00, IL */

#define PL011_DR	0x000u
#define PL011_IBRD	0x024u
#define PL011_PERIPHID0 0xfe0u

#define SCTLR_NTWI (1ul << 16)
#define CTL_ENABLE 1ul

static uint64_t addr(const char *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Registers common to the snippets; the rest are the snippet's inputs. */
static void ctx_init(struct a32_ctx *c, const char *entry, uint32_t cpsr)
{
	*c = (struct a32_ctx){.pc = addr(entry), .cpsr = cpsr};
	c->r[1] = PL011_BASE;
	c->r[6] = PL011_BASE + PL011_PERIPHID0;
	c->r[7] = 0;
	c->r[13] = 0x5a5a0013; /* SP and LR of User mode: untouched */
	c->r[14] = 0x5a5a0014;
}

static void check_reg(const char *name, const struct a32_ctx *c, unsigned n,
		      uint32_t want)
{
	char what[48];

	fmt_snprintf(what, sizeof(what), "%s: r%u", name, n);
	check_eq(what, c->r[n], want);
}

/*
 * The exception that ended the run: ESR_EL1, FAR_EL1 (when want_far is
 * not EXC_FAR_ANY), ELR_EL1 relative to base, SPSR_EL1 and the vector.
 */
static void check_exit(const char *name, const struct a32_ctx *c, uint64_t esr,
		       uint64_t far, const char *base, uint64_t elr_off,
		       uint64_t spsr)
{
	char what[64];

	fmt_snprintf(what, sizeof(what), "%s: ESR_EL1", name);
	check_eq(what, c->esr, esr);
	if (far != EXC_FAR_ANY) {
		fmt_snprintf(what, sizeof(what), "%s: FAR_EL1", name);
		check_eq(what, c->far, far);
	}
	fmt_snprintf(what, sizeof(what), "%s: ELR_EL1 - snippet", name);
	check_eq(what, c->elr - addr(base), elr_off);
	fmt_snprintf(what, sizeof(what), "%s: SPSR_EL1", name);
	check_eq(what, c->spsr, spsr);
	fmt_snprintf(what, sizeof(what), "%s: vector", name);
	check_eq(what, c->vector, VECTOR_A32_SYNC);
}

static void run_a32_mmio(void)
{
	struct a32_ctx c;

	ctx_init(&c, a32_mmio, CPSR_A32);
	c.r[8] = 0x8123; /* IBRD, read back sign-extended */
	c.r[9] = 'A';
	c.r[10] = 0x4133;     /* '3': DR takes the low byte */
	c.r[11] = 0x41424332; /* '2' */
	c.r[12] = '\n';
	a32_run(&c);
	check_exit("a32", &c, ESR_SVC_A32, EXC_FAR_ANY, a32_mmio_svc, 4,
		   CPSR_A32);
	check_reg("a32 ldrb PeriphID0", &c, 0, 0x11);
	check_reg("a32 ldrh PeriphID1", &c, 2, 0x10);
	check_reg("a32 ldr PeriphID2", &c, 3, 0x14);
	check_reg("a32 ldrsb PCellID1", &c, 4, 0xfffffff0);
	check_reg("a32 ldrsh IBRD", &c, 5, 0xffff8123);
	check_reg("a32 instructions after the accesses", &c, 7, 10);
	check_reg("a32 base", &c, 1, PL011_BASE);
	check_reg("a32 sp", &c, 13, 0x5a5a0013);
	check_reg("a32 lr", &c, 14, 0x5a5a0014);
}

static void run_t32_mmio(void)
{
	struct a32_ctx c;

	ctx_init(&c, t32_mmio, CPSR_T32);
	c.r[0] = 'T';
	c.r[2] = 0x5433;     /* '3' */
	c.r[3] = 0x54553332; /* '2' */
	c.r[4] = 0x14;	     /* PCellID1 from r6 */
	c.r[5] = PL011_IBRD;
	c.r[8] = 0x8456;
	c.r[12] = '\n';
	a32_run(&c);
	check_exit("t32", &c, ESR_SVC_T16, EXC_FAR_ANY, t32_mmio_svc, 2,
		   CPSR_T32);
	check_reg("t32 ldrb PeriphID0", &c, 0, 0x11);
	check_reg("t32 ldrh PeriphID1", &c, 2, 0x10);
	check_reg("t32 ldr PeriphID2", &c, 3, 0x14);
	check_reg("t32 ldrsb (register) PCellID1", &c, 4, 0xfffffff0);
	check_reg("t32 ldrsh (register) IBRD", &c, 5, 0xffff8456);
	check_reg("t32 ldr.w PCellID0", &c, 10, 0x0d);
	check_reg("t32 ldrsb.w PCellID3", &c, 11, 0xffffffb1);
	check_reg("t32 ldrh.w PCellID2", &c, 9, 0x05);
	check_reg("t32 instructions after the accesses", &c, 7, 13);
	check_reg("t32 sp", &c, 13, 0x5a5a0013);
}

static void run_t16_it(void)
{
	struct a32_ctx c;

	ctx_init(&c, t16_it, CPSR_T32 | CPSR_Z);
	a32_run(&c);
	check_exit("t16 it", &c, ESR_SVC_T16, EXC_FAR_ANY, t16_it_svc, 2,
		   CPSR_T32); /* the last ADDS cleared Z */
	check_reg("t16 it ldreq PCellID3", &c, 0, 0xb1);
	check_reg("t16 it: addeq ran, addne did not", &c, 7, 2);
}

/* A WFI with SCTLR_EL1.nTWI = 0: the guest's own EL1 takes it. */
static void run_wfi_to_el1(const char *name, const char *code, uint32_t cpsr,
			   uint64_t esr)
{
	struct a32_ctx c;

	ctx_init(&c, code, cpsr);
	a32_run(&c);
	check_exit(name, &c, esr, EXC_FAR_ANY, code, 0, cpsr);
	check_reg(name, &c, 7, 0);
}

/*
 * A WFI with nTWI = 1, trapped by the hypervisor (HCR_EL2.TWI): with the
 * virtual timer armed 1 ms ahead it must return at its deadline, and the
 * next instruction must run.
 */
static void run_wfi_to_el2(const char *name, const char *code, uint32_t cpsr,
			   uint64_t esr, uint64_t elr_off)
{
	char what[64];
	struct a32_ctx c;
	uint64_t deadline;
	uint32_t intid;

	ctx_init(&c, code, cpsr);
	deadline = read_cntvct() + read_cntfrq() / 1000;
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
			     "msr cntv_ctl_el0, %1\n\t"
			     "isb" ::"r"(deadline),
			     "r"(CTL_ENABLE));
	a32_run(&c);
	fmt_snprintf(what, sizeof(what), "%s: returned at the timer deadline",
		     name);
	check_true(what, read_cntvct() >= deadline);
	intid = gic_ack();
	__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	gic_eoi(intid);
	fmt_snprintf(what, sizeof(what), "%s: pending interrupt", name);
	check_eq(what, intid, GIC_VTIMER);
	check_exit(name, &c, esr, EXC_FAR_ANY, code, elr_off, cpsr);
	check_reg(name, &c, 7, 1);
}

/*
 * EL0 spinning with IRQs unmasked: the virtual timer's interrupt is taken
 * from it at VBAR_EL1 + 0x680, ELR_EL1 on the loop, SPSR_EL1 the CPSR.
 */
static void run_irq(void)
{
	struct a32_ctx c;
	uint64_t deadline;
	uint32_t intid;

	ctx_init(&c, t16_spin, CPSR_USR | CPSR_T);
	deadline = read_cntvct() + read_cntfrq() / 1000;
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
			     "msr cntv_ctl_el0, %1\n\t"
			     "isb" ::"r"(deadline),
			     "r"(CTL_ENABLE));
	a32_run(&c);
	check_true("t16 irq: taken at the timer deadline",
		   read_cntvct() >= deadline);
	intid = gic_ack();
	__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	gic_eoi(intid);
	check_eq("t16 irq: pending interrupt", intid, GIC_VTIMER);
	check_eq("t16 irq: vector", c.vector, VECTOR_A32_IRQ);
	check_true("t16 irq: ELR_EL1 in the loop",
		   c.elr == addr(t16_spin) || c.elr == addr(t16_spin) + 2);
	check_eq("t16 irq: SPSR_EL1", c.spsr, CPSR_USR | CPSR_T);
	check_true("t16 irq: the loop ran", c.r[7] > 0);
}

/* LDM/STM on the PL011: an external abort, nothing loaded or written back. */
static void run_multiple(const char *name, const char *code, uint32_t cpsr,
			 uint64_t esr)
{
	struct a32_ctx c;

	ctx_init(&c, code, cpsr);
	c.r[1] = PL011_BASE + PL011_PERIPHID0;
	c.r[3] = 0x33;
	c.r[4] = 0x44;
	a32_run(&c);
	check_exit(name, &c, esr, PL011_BASE + PL011_PERIPHID0, code, 0, cpsr);
	check_reg(name, &c, 1, PL011_BASE + PL011_PERIPHID0);
	check_reg(name, &c, 3, 0x33);
	check_reg(name, &c, 4, 0x44);
}

/*
 * A32 code EL1 writes at run time, run, rewritten at the same address and
 * run again: the second run must see the new instruction.
 */
static uint32_t ram_code[2];

static void run_written_code(uint32_t mov, uint32_t want)
{
	struct a32_ctx c;

	ram_code[0] = mov;
	ram_code[1] = 0xef654321; /* svc #0x654321 */
	__asm__ __volatile__("dsb sy\n\tic iallu\n\tdsb sy\n\tisb" ::
				 : "memory");
	ctx_init(&c, (const char *)ram_code, CPSR_A32);
	a32_run(&c);
	check_exit("code written by EL1", &c, ESR_SVC_A32, EXC_FAR_ANY,
		   (const char *)ram_code, 8, CPSR_A32);
	check_reg("code written by EL1", &c, 0, want);
}

static void set_ntwi(bool on)
{
	uint64_t sctlr;

	__asm__ __volatile__("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr = on ? sctlr | SCTLR_NTWI : sctlr & ~SCTLR_NTWI;
	__asm__ __volatile__("msr sctlr_el1, %0\n\tisb" ::"r"(sctlr));
}

int main(uint64_t dtb)
{
	uint64_t pfr0;
	struct a32_ctx c;

	(void)dtb;
	gprintf("aarch32: A32 and T32 code at EL0 under an AArch64 EL1\n");
	__asm__ __volatile__("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	if (!check_eq("ID_AA64PFR0_EL1.EL0 (2: AArch32 too)", pfr0 & 0xf, 2))
		return guest_done("aarch32");
	gic_init();
	gic_enable(GIC_VTIMER, true);

	run_a32_mmio();
	run_t32_mmio();
	run_t16_it();

	set_ntwi(false);
	run_wfi_to_el1("a32 wfi, nTWI=0", a32_wfi, CPSR_A32, ESR_WFI_A32);
	run_wfi_to_el1("t16 wfi, nTWI=0", t16_wfi, CPSR_T32, ESR_WFI_T16);
	set_ntwi(true);
	run_wfi_to_el2("a32 wfi, nTWI=1", a32_wfi, CPSR_A32, ESR_SVC_A32, 12);
	run_wfi_to_el2("t16 wfi, nTWI=1", t16_wfi, CPSR_T32, ESR_SVC_T16, 6);

	run_irq();

	run_multiple("a32 ldm", a32_ldm, CPSR_A32, ESR_DABT_EXT);
	run_multiple("a32 stm", a32_stm, CPSR_A32, ESR_DABT_WNR);
	run_multiple("t16 ldm", t16_ldm, CPSR_T32, ESR_DABT_EXT);

	run_written_code(0xe3a00001, 1); /* mov r0, #1 */
	run_written_code(0xe3a00002, 2); /* mov r0, #2 */

	ctx_init(&c, t16_udf, CPSR_T32);
	a32_run(&c);
	check_exit("t16 udf", &c, ESR_UNDEF, EXC_FAR_ANY, t16_udf, 0, CPSR_T32);

	return guest_done("aarch32");
}
