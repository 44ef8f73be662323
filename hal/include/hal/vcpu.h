/*
 * vcpu: the architectural state of a virtual CPU and how to run it.
 *
 * struct hal_vcpu is the contract between the core and both backends: the
 * general registers, PC and PSTATE are saved by the backend on every exit;
 * the EL1 system registers and FP/SIMD state live in the hardware while the
 * vCPU is loaded on a physical CPU and are saved only when another vCPU is
 * switched in. The core therefore reaches EL1 system registers only through
 * hal_vcpu_el1_read/write. The debug registers are the exception: always
 * trapped, they live in struct vcpu_debug, which the hardware follows.
 */
#ifndef HAL_VCPU_H
#define HAL_VCPU_H

#include <hal/types.h>

/* SCTLR_EL1 at reset: RES1 bits only; MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ull

/* Saved on every exit (x18-x30: see struct vcpu_exit). Layout is relied
 * on by hal/aarch64 assembly. */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t pc;	 /* ELR_EL2 */
	uint64_t pstate; /* SPSR_EL2 */
};

/* EL1 (and EL0) system registers switched with the vCPU, not per trap. */
enum el1_reg {
	EL1_SCTLR,
	EL1_TTBR0,
	EL1_TTBR1,
	EL1_TCR,
	EL1_MAIR,
	EL1_AMAIR,
	EL1_VBAR,
	EL1_CONTEXTIDR,
	EL1_TPIDR,
	EL1_TPIDR_EL0,
	EL1_TPIDRRO_EL0,
	EL1_CPACR,
	EL1_ESR,
	EL1_FAR,
	EL1_PAR,
	EL1_AFSR0,
	EL1_AFSR1,
	EL1_CNTKCTL,
	EL1_CSSELR,
	EL1_SP_EL0,
	EL1_SP_EL1,
	EL1_ELR,
	EL1_SPSR,
	EL1_CNTV_CTL, /* the virtual timer: CNTV_CTL_EL0, CNTV_CVAL_EL0 */
	EL1_CNTV_CVAL,
	EL1_REG_COUNT
};

struct vcpu_fpsimd {
	uint64_t q[32][2];
	uint64_t fpsr;
	uint64_t fpcr;
};

#define HAL_LR_MAX 16

/* The virtual CPU interface of a vCPU (list registers and their control),
 * in the backend's own layout; valid while the vCPU is not loaded. */
struct vcpu_vgic {
	uint64_t lr[HAL_LR_MAX];
	uint64_t hcr;
	uint64_t vmcr;
	uint64_t apr[4];
};

/* Breakpoint and watchpoint register pairs the architecture allows. */
#define HAL_DEBUG_PAIRS_MAX 16

/*
 * The self-hosted debug state of a vCPU (Arm ARM D2, "AArch64 Self-hosted
 * Debug"). Every guest access to a debug register traps (MDCR_EL2.TDA,
 * TDOSA, TDRA) and the core emulates it on this copy, which is therefore
 * valid at all times, loaded or not; the core calls hal_vcpu_debug_changed
 * after every change. The backend reads only mdscr, the four value arrays
 * and gen, and only to make the hardware follow them:
 *  - MDSCR_EL1 holds mdscr while the vCPU runs;
 *  - while mdscr has MDE set, DBGBVR/BCR/WVR/WCR<n>_EL1 hold bvr..wcr
 *    (the first BRPs and WRPs of them). With MDE clear no breakpoint or
 *    watchpoint can fire at EL1 or EL0, so the hardware may keep another
 *    vCPU's values: nothing in the guest can see or trigger them.
 * The other fields are the core's alone: the guest's view of registers
 * that have no hardware effect, or whose effect goes through mdscr.
 */
struct vcpu_debug {
	uint64_t mdscr; /* MDSCR_EL1 as the hardware runs the vCPU */
	uint64_t bvr[HAL_DEBUG_PAIRS_MAX];
	uint64_t bcr[HAL_DEBUG_PAIRS_MAX];
	uint64_t wvr[HAL_DEBUG_PAIRS_MAX];
	uint64_t wcr[HAL_DEBUG_PAIRS_MAX];
	uint32_t gen; /* bumped by hal_vcpu_debug_changed */
	/* The core's: */
	uint64_t guest_mdscr; /* MDSCR_EL1 as the guest reads it */
	uint64_t mdccint;     /* MDCCINT_EL1 */
	uint8_t claim;	      /* DBGCLAIM tags */
	bool os_lock;	      /* OSLSR_EL1.OSLK */
	bool corenpdrq;	      /* DBGPRCR_EL1.CORENPDRQ */
};

enum vcpu_exit_kind {
	VCPU_EXIT_SYNC,
	VCPU_EXIT_IRQ,
	VCPU_EXIT_FIQ,
	VCPU_EXIT_SERROR,
};

/* What the hardware tells EL2 about an exit. */
struct vcpu_exit {
	/*
	 * IRQ exits only: the interrupt the backend acknowledged (as
	 * hal_irq_ack) and dropped the priority of (hal_irq_eoi), or a
	 * special INTID (1020-1023) for none.
	 */
	uint32_t intid;
	enum vcpu_exit_kind kind;
	uint64_t esr; /* ESR_EL2 */
	/* FAR_EL2 and HPFAR_EL2, for the ECs that set them (aborts) */
	uint64_t far;
	uint64_t hpfar;
	/*
	 * Whether x18-x30 are in the vCPU's regs. On an exit the aarch64
	 * backend saves x0-x17, PC and PSTATE there, and x18 and x30 aside:
	 * x19-x29 stay live in the CPU while the core runs, since no C
	 * function changes them for its caller. Handling that reads or writes
	 * one of x18-x30 (by number: a load/store's or an MSR/MRS's register)
	 * declines the exit (v->need_regs) and is done again with all_regs
	 * set. Nothing may read or write x18-x30 of regs otherwise. An HVC
	 * or SMC (EC 0x16, 0x17: an SMCCC 1.1 call, arguments in x1-x6,
	 * results in x0-x3) reads and writes only x0-x7 without all_regs:
	 * hal/sim's first pass holds no more (hal_sim_exit_regs).
	 */
	bool all_regs;
};

struct hal_vcpu;

/*
 * The core's handler of one kind of exit of v, described by v->exit,
 * called by the backend while the vCPU is still loaded. Handling an exit
 * in place, without unwinding to the scheduler, keeps the per-exit path
 * short. Two flags of v say what comes next: yield (hal_vcpu_run returns)
 * and need_regs (nothing was done: call again with all_regs); neither, and
 * the guest resumes.
 */
typedef void (*hal_exit_fn)(struct hal_vcpu *v);

/*
 * The handlers, as the hardware sorts exits: by vector, and synchronous
 * ones by ESR_EL2.EC. Every entry must be set: the backend calls through
 * them without a check.
 */
struct hal_exit_table {
	hal_exit_fn sync[64];
	hal_exit_fn irq;
	hal_exit_fn fiq;
	hal_exit_fn serror;
	hal_exit_fn vtimer; /* IRQ exits for the virtual timer's PPI 27 */
};

/* Per-vCPU state owned by the backend. */
struct hal_vcpu {
	struct vcpu_regs regs;
	struct vcpu_exit exit; /* the one being handled */
	/* The backend's own (aarch64: the EL2 stack to switch to on an exit,
	 * the handlers, x18 and x30 as the exit found them, the GIC's CPU
	 * interface the IRQ vector acknowledges through). */
	uint64_t host_sp;
	const struct hal_exit_table *exits;
	uint64_t exit_x18_x30[2];
	uint64_t gicc;
	/* Set by the core during an exit (next to each other: the backend
	 * tests both at once). yield: hal_vcpu_run returns after this exit;
	 * need_regs: handle it again with all_regs (struct vcpu_exit). */
	bool yield;
	bool need_regs;
	uint64_t el1[EL1_REG_COUNT]; /* valid while the vCPU is not loaded */
	struct vcpu_fpsimd fp;	     /* valid while the vCPU is not loaded */
	uint64_t vttbr;		     /* VMID and stage-2 root of its VM */
	uint64_t vmpidr;	     /* MPIDR_EL1 the guest reads */
	uint64_t cntvoff;	     /* CNTVOFF_EL2 of its VM */
	int loaded_on;		     /* physical CPU it is loaded on, or -1 */
	struct vcpu_vgic vgic;	     /* valid while the vCPU is not loaded */
	unsigned cpu; /* home: the only physical CPU that runs it (core) */
	/* Pointer authentication keys (APIA, APIB, APDA, APDB, APGA; low
	 * then high), when the CPU has them; not loaded: valid here. */
	uint64_t pauth_keys[10];
	struct vcpu_debug debug; /* the core's; see above */
};

/*
 * Puts a vCPU in its reset state for the backend: not loaded, EL1 registers
 * at their architectural reset values (SCTLR_EL1 with its RES1 bits).
 */
void hal_vcpu_init(struct hal_vcpu *v);

/*
 * Runs the vCPU on the calling physical CPU, calling the handler exits has
 * for each exit, until one sets v->yield (the backend clears it on entry).
 * Switches EL1 and FP/SIMD state only when a different vCPU was loaded
 * here before.
 */
void hal_vcpu_run(struct hal_vcpu *v, const struct hal_exit_table *exits);

/*
 * The core changed v->debug: the hardware follows at once when v is loaded
 * on the calling CPU, otherwise when v is next loaded.
 */
void hal_vcpu_debug_changed(struct hal_vcpu *v);

/* EL1 system register of a vCPU, wherever it currently lives. */
uint64_t hal_vcpu_el1_read(struct hal_vcpu *v, enum el1_reg r);
void hal_vcpu_el1_write(struct hal_vcpu *v, enum el1_reg r, uint64_t val);

/*
 * The IPA a guest virtual address of the loaded vCPU translates to for a
 * read at EL1, through the guest's own stage-1 tables (the identity when
 * its MMU is off); false when that translation faults. The vCPU's PAR_EL1
 * is left as it was.
 */
bool hal_vcpu_va_to_ipa(struct hal_vcpu *v, uint64_t va, ipaddr_t *ipa);

/*
 * Cleans and invalidates one data-cache line by set/way (the operand of a
 * guest's DC ISW/CSW/CISW). Always clean+invalidate: a guest's invalidate
 * must never discard the hypervisor's dirty lines.
 */
void hal_dcache_clean_inval_setway(uint64_t setway);

#endif
