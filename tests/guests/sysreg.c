/*
 * sysreg: system registers the hypervisor traps, sanitises or emulates.
 *
 * The guest must see its virtual MPIDR, ID registers with the features the
 * hypervisor does not give it (PMU, SVE, EL2, EL3, RAS) hidden, ACTLR_EL1
 * as RAZ/WI, an UNDEF for a trapped register nobody emulates (PMCR_EL0),
 * and set/way cache maintenance that simply completes. The answers that
 * differ between CPUs are the same on every machine the tests use:
 * IMPLEMENTATION DEFINED registers as QEMU 7.2's Cortex-A57 has them (it
 * ignores HCR_EL2.TIDCP: L2ACTLR reads as zero and ignores writes, an
 * encoding it does not have UNDEFs), and the RAS error record registers
 * UNDEF whether the CPU has RAS ("max": HCR_EL2.TERR traps them) or not.
 */
#include "guest.h"

#define MPIDR_RES1	      (1ul << 31)
#define ACTLR_EL1_PROBE_VALUE 0x1
#define ESR_UNDEF	      0x02000000 /* EC 0x00, IL 1 */

/*
 * read_pmcr() is one mrs, so the UNDEF it takes must report its first
 * instruction, read_pmcr_insn, in ELR_EL1.
 */
__asm__(".pushsection .text.read_pmcr, \"ax\", %progbits\n"
	".global read_pmcr\n"
	".global read_pmcr_insn\n"
	".type read_pmcr, %function\n"
	"read_pmcr:\n"
	"read_pmcr_insn:\n"
	"	mrs	x0, pmcr_el0\n"
	"	ret\n"
	".size read_pmcr, . - read_pmcr\n"
	".popsection");
uint64_t read_pmcr(void);
extern const char read_pmcr_insn[];

#define READ_SYSREG(name)                                                      \
	static uint64_t read_##name(void)                                      \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ __volatile__("mrs %0, " #name : "=r"(v));              \
		return v;                                                      \
	}

READ_SYSREG(midr_el1)
READ_SYSREG(id_aa64dfr0_el1)
READ_SYSREG(id_aa64pfr0_el1)
READ_SYSREG(actlr_el1)

static void write_actlr_el1(uint64_t v)
{
	__asm__ __volatile__("msr actlr_el1, %0\n\tisb" ::"r"(v) : "memory");
}

static uint64_t field(uint64_t reg, unsigned lsb, unsigned width)
{
	return (reg >> lsb) & ((1ul << width) - 1);
}

static void check_pmcr_read_is_undef(void)
{
	struct guest_exc exc;

	exc_expect();
	(void)read_pmcr();
	if (check_exc("PMCR_EL0 read", ESR_UNDEF, EXC_FAR_ANY, &exc))
		check_true("PMCR_EL0 read: ELR_EL1 is the mrs",
			   exc.elr == (uintptr_t)read_pmcr_insn);
}

/* One MRS with the handler armed for an exception (exc_taken says). */
#define MRS_PROBE(name, enc)                                                   \
	static uint64_t probe_##name(void)                                     \
	{                                                                      \
		uint64_t x = 0;                                                \
		exc_expect();                                                  \
		__asm__ __volatile__("mrs %0, " #enc : "+r"(x)::"memory");     \
		return x;                                                      \
	}

MRS_PROBE(l2actlr, s3_1_c15_c0_0)
MRS_PROBE(impdef_unallocated, s3_1_c15_c0_5)
MRS_PROBE(erridr, s3_0_c5_c3_0)
MRS_PROBE(errselr, s3_0_c5_c3_1)

static void check_implementation_defined(void)
{
	uint64_t v;

	v = probe_l2actlr();
	check_true("S3_1_C15_C0_0 (L2ACTLR) read: no exception",
		   !exc_taken(NULL));
	check_eq("S3_1_C15_C0_0", v, 0);
	exc_expect();
	__asm__ __volatile__("msr s3_1_c15_c0_0, %0" ::"r"(1ul) : "memory");
	check_true("S3_1_C15_C0_0 write: no exception", !exc_taken(NULL));
	v = probe_l2actlr();
	(void)exc_taken(NULL);
	check_eq("S3_1_C15_C0_0 after writing 0x1", v, 0);
	(void)probe_impdef_unallocated();
	check_exc("S3_1_C15_C0_5 read", ESR_UNDEF, EXC_FAR_ANY, NULL);
}

static void check_ras_hidden(uint64_t pfr0)
{
	check_eq("ID_AA64PFR0_EL1.RAS", field(pfr0, 28, 4), 0);
	(void)probe_erridr();
	check_exc("ERRIDR_EL1 read", ESR_UNDEF, EXC_FAR_ANY, NULL);
	(void)probe_errselr();
	check_exc("ERRSELR_EL1 read", ESR_UNDEF, EXC_FAR_ANY, NULL);
}

static void check_set_way_maintenance_completes(void)
{
	struct guest_exc exc;

	exc_expect();
	__asm__ __volatile__("dc cisw, xzr" ::: "memory");
	if (exc_taken(&exc)) {
		gprintf("dc cisw, xzr: exception, esr 0x%08lx\n",
			(unsigned long)exc.esr);
		check_true("dc cisw, xzr completed", false);
	} else {
		check_true("dc cisw, xzr completed", true);
	}
}

int main(uint64_t dtb)
{
	uint64_t pfr0 = read_id_aa64pfr0_el1();

	(void)dtb;
	gprintf("sysreg: trapped, sanitised and emulated system registers\n");

	check_eq("MPIDR_EL1", read_mpidr(), MPIDR_RES1);
	/* Untrapped (VPIDR_EL2); implementers differ, the architecture does
	 * not. */
	check_eq("MIDR_EL1.Architecture", field(read_midr_el1(), 16, 4), 0xf);
	check_eq("ID_AA64DFR0_EL1.PMUVer", field(read_id_aa64dfr0_el1(), 8, 4),
		 0);
	check_eq("ID_AA64PFR0_EL1.SVE", field(pfr0, 32, 4), 0);
	check_eq("ID_AA64PFR0_EL1.EL3", field(pfr0, 12, 4), 0);
	check_eq("ID_AA64PFR0_EL1.EL2", field(pfr0, 8, 4), 0);

	check_eq("ACTLR_EL1", read_actlr_el1(), 0);
	write_actlr_el1(ACTLR_EL1_PROBE_VALUE);
	check_eq("ACTLR_EL1 after writing 0x1", read_actlr_el1(), 0);

	check_pmcr_read_is_undef();
	check_set_way_maintenance_completes();
	check_implementation_defined();
	check_ras_hidden(pfr0);

	return guest_done("sysreg");
}
