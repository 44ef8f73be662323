/*
 * guest: the runtime shared by the bare-metal test guests.
 *
 * The guests run at EL1 with the MMU off on the machine the hypervisor
 * presents (RAM at 0x4000_0000, PL011 at 0x0900_0000, PSCI over HVC). Each
 * one prints a self-describing transcript through the UART and ends with
 * guest_exit(), so a test can compare the console output and the exit status
 * without knowing anything about the guest's internals.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#define GUEST_RAM_BASE	 0x40000000ul
#define GUEST_RAM_SIZE	 0x04000000ul
#define GUEST_MAX_CPUS	 4
#define GUEST_STACK_SIZE 0x4000

#define PL011_BASE 0x09000000ul

/*
 * CNTPCT_EL0 as the boot CPU ran the guest's first instruction: the time
 * from the machine's reset to the guest (set by start.S).
 */
extern uint64_t guest_entry_count;

/* Entry points called by start.S. */
int main(uint64_t dtb);
/* Runs on a CPU started with PSCI CPU_ON; returning turns the CPU off. */
void secondary_main(uint64_t ctx);
/* Entry point to hand to PSCI CPU_ON (x0 = context id). */
void _secondary_start(void);

/* Results of an SMCCC call: x0-x3. */
struct smccc_res {
	uint64_t x0, x1, x2, x3;
};

/* SMCCC calls through HVC #0 and SMC #0 (w0 = fid, x1-x3 = arguments). */
struct smccc_res hvc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
struct smccc_res smc_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* Stops the VM: status 0 powers off (PSCI), anything else reports failure. */
noreturn void guest_exit(int status);
/* Turns the calling CPU off with PSCI CPU_OFF. */
noreturn void cpu_off(void);

/* Polled PL011 output. Unlike libc's puts, uart_puts adds no newline. */
void uart_putc(char c);
void uart_puts(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Expected exceptions. exc_expect() arms the synchronous exception handler
 * for one exception: when it arrives it is recorded and execution resumes
 * after the faulting instruction, or at the address given to
 * exc_set_resume() (for instruction aborts, where ELR_EL1 is the bad
 * address itself). exc_taken() reports it and disarms the handler. Any
 * exception that was not expected ends the guest with status 1.
 */
struct guest_exc {
	uint64_t esr;
	uint64_t far;
	uint64_t elr;
	uint64_t vector; /* offset into the vector table */
};

#define EXC_VECTOR_CUR_SPX_SYNC 0x200

void exc_expect(void);
void exc_set_resume(uintptr_t addr);
bool exc_taken(struct guest_exc *out);

/* Saved by vectors.S on every exception. */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

/* Called by vectors.S with the vector offset of the exception. */
void exc_handle(uint64_t vector, struct exc_frame *frame);

/*
 * Checks print one line each, "what: <value> ok" or
 * "what: <value> FAIL (want <value>)", and count the failures.
 */
bool check_eq(const char *what, uint64_t got, uint64_t want);
/* Signed decimal variant, for SMCCC and PSCI return codes. */
bool check_ret(const char *what, int64_t got, int64_t want);
bool check_true(const char *what, bool cond);
/*
 * Checks that an armed exception was taken through the current-EL SPx
 * synchronous vector with the given ESR_EL1 (and FAR_EL1 unless
 * EXC_FAR_ANY); the record is copied to *out when out is not NULL.
 */
#define EXC_FAR_ANY (~(uint64_t)0)
bool check_exc(const char *what, uint64_t want_esr, uint64_t want_far,
	       struct guest_exc *out);
unsigned check_failures(void);

/*
 * SMC #0 with the exception handler armed: SMC is UNDEFINED at EL1 when
 * nothing at a higher EL takes it. Returns false, after printing a FAIL line
 * for what, if the SMC raised an exception instead of returning.
 */
bool smc_call_without_exception(const char *what, struct smccc_res *res,
				uint32_t fid, uint64_t a1, uint64_t a2,
				uint64_t a3);

/* Prints "<name>: done" (after a failure count if any); the exit status. */
int guest_done(const char *name);

static inline uint64_t read_mpidr(void)
{
	uint64_t v;

	__asm__ __volatile__("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

static inline unsigned cpu_index(void)
{
	return (unsigned)(read_mpidr() & 0xff);
}

/* The virtual counter, read after an isb so earlier code has completed. */
static inline uint64_t read_cntvct(void)
{
	uint64_t v;

	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static inline uint64_t read_cntfrq(void)
{
	uint64_t v;

	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static inline void dsb_sy(void)
{
	__asm__ __volatile__("dsb sy" ::: "memory");
}

static inline void sev(void)
{
	__asm__ __volatile__("sev" ::: "memory");
}

static inline void wfe(void)
{
	__asm__ __volatile__("wfe" ::: "memory");
}

/*
 * Waits for another vCPU of the VM. WFI, not WFE: WFI is trapped
 * (HCR_EL2.TWI), so the hypervisor runs another vCPU meanwhile; QEMU 7.2
 * never traps WFE, so a WFE loop would keep the only physical CPU forever.
 */
/* A hint while polling for another CPU: the hypervisor's time slice lets
 * the other vCPU run even if WFE does not trap (QEMU's TCG). */
static inline void wait_for_other_cpu(void)
{
	__asm__ __volatile__("wfe" ::: "memory");
}

#endif
