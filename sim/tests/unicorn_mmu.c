/*
 * What Unicorn does with guest memory once the guest's own MMU is on: the
 * facts hvsim builds on (docs/design.md, "Facts about Unicorn"). One
 * AArch64 CPU (Cortex-A57 model, EL1, the EL3/EL2 setup hvsim gives it)
 * runs a few instructions at PA 0x4000_0000, where 2 MiB of RAM is mapped.
 * The tables written here (Arm ARM D8.3, VMSAv8-64 descriptors, 4 KiB
 * granule, 48-bit VAs) map
 *   TTBR0_EL1: VA 0x4000_0000, 1 GiB block -> PA 0x4000_0000 (identity)
 *   TTBR1_EL1: VA 0xffff0000_4000_0000, 1 GiB block -> PA 0x4000_0000
 *              VA 0xffff0000_8000_0000: no descriptor (translation fault)
 *              VA 0xffff0000_c000_0000 -> PA 0x4000_0000, read-only
 *              VA 0xffff0001_4000_0000: a level-2 table at PA 0x4020_0000
 * A block spans 1 GiB but RAM only 2 MiB: VA 0xffff0000_4020_0000 becomes
 * PA 0x4020_0000, where no region is, as an IPA hvsim's stage 2 leaves
 * unmapped.
 *
 * Built once per Unicorn hvsim can link (sim/CMakeLists.txt): Debian 12's
 * 2.0.1 always, Debian 13's 2.1 (scripts/unicorn) with HV_UNICORN_PHYS.
 * The expectations follow the version of the headers; the first test
 * checks that the library loaded at run time is that version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <unicorn/unicorn.h>

/* 2.0 looks guest memory up by VA; 2.1 by the PA the MMU gives. */
#define BY_PA (UC_API_MAJOR > 2 || UC_API_MINOR >= 1)

#define RAM_PA	     0x40000000ull
#define RAM_SIZE     0x200000ull
#define HIGH	     0xffff000000000000ull   /* TTBR1's half, as Linux's */
#define VA_RW	     (HIGH + RAM_PA)	     /* -> PA 0x4000_0000 */
#define VA_NONE	     (HIGH + 0x80000000ull)  /* no descriptor */
#define VA_RO	     (HIGH + 0xc0000000ull)  /* -> PA 0x4000_0000, read-only */
#define VA_WALK_HOLE (HIGH + 0x140000000ull) /* its table: no memory */

/* Offsets in RAM of the guest's code, its tables and its data. */
#define TTBR0_L0 0x1000ull
#define TTBR0_L1 0x2000ull
#define TTBR1_L0 0x3000ull
#define TTBR1_L1 0x4000ull
#define DATA	 0x10000ull
#define HOLE	 RAM_SIZE /* the first PA past RAM */

#define MAGIC 0x1122334455667788ull

/* The guest, at PA 0x4000_0000: offsets below. */
static const uint32_t guest[] = {
    0xd518a200, /* 0x00 msr mair_el1, x0 */
    0xd5182041, /* 0x04 msr tcr_el1, x1 */
    0xd5182002, /* 0x08 msr ttbr0_el1, x2 */
    0xd5182023, /* 0x0c msr ttbr1_el1, x3 */
    0xd5033fdf, /* 0x10 isb */
    0xd5381004, /* 0x14 mrs x4, sctlr_el1 */
    0xb2400084, /* 0x18 orr x4, x4, #1 (SCTLR_EL1.M) */
    0xd5181004, /* 0x1c msr sctlr_el1, x4 */
    0xd5033fdf, /* 0x20 isb */
    0xd503201f, /* 0x24 nop: the MMU is on */
    0xf9400022, /* 0x28 ldr x2, [x1] */
    0xd503201f, /* 0x2c nop */
    0xf9000023, /* 0x30 str x3, [x1] */
    0xd503201f, /* 0x34 nop */
    0xd2824685, /* 0x38 movz x5, #0x1234 */
    0xd503201f, /* 0x3c nop */
    0xd61f00c0, /* 0x40 br x6 */
};
#define AT_ISB_AFTER_MMU_ON 0x20ull
#define AT_MMU_ON	    0x24ull
#define AT_LOAD		    0x28ull
#define AT_STORE	    0x30ull
#define AT_MOVZ		    0x38ull
#define AT_BRANCH	    0x40ull

/* VMSAv8-64 descriptor bits (Arm ARM D8.3). */
#define D_VALID	  (1ull << 0)
#define D_TABLE	  (1ull << 1)
#define D_AP_RO	  (1ull << 7) /* AP[2]: read-only */
#define D_SH_IN	  (3ull << 8)
#define D_AF	  (1ull << 10)
#define D_BLOCK_N (D_VALID | D_SH_IN | D_AF) /* AttrIndx 0: Normal */

/* TCR_EL1: T0SZ = T1SZ = 16, TG1 = 4 KiB, IPS = 40 bits. */
#define TCR_EL1		   (16ull | 16ull << 16 | 2ull << 30 | 2ull << 32)
#define MAIR_EL1_NORMAL_WB 0xffull

#define SCR_EL3_NS_HCE_RW 0x501ull /* as hvsim sets it */
#define HCR_EL2_RW	  (1ull << 31)

/* QEMU's exception numbers, as Unicorn's interrupt hook reports them. */
#define EXCP_PREFETCH_ABORT 3
#define EXCP_DATA_ABORT	    4

enum event_kind { EV_MEM, EV_UNMAPPED, EV_INTR };

struct event {
	enum event_kind kind;
	int type; /* uc_mem_type, or the exception number */
	uint64_t addr;
	uint64_t pc;
};

#define MAX_EVENTS 8

static uc_engine *uc;
static struct event events[MAX_EVENTS];
static unsigned event_count;

static uint64_t rd(int reg)
{
	uint64_t v = 0;

	assert_int_equal(uc_reg_read(uc, reg, &v), UC_ERR_OK);
	return v;
}

static void wr(int reg, uint64_t v)
{
	assert_int_equal(uc_reg_write(uc, reg, &v), UC_ERR_OK);
}

static void wr_cp(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
		  unsigned op2, uint64_t v)
{
	uc_arm64_cp_reg r = {.crn = crn,
			     .crm = crm,
			     .op0 = op0,
			     .op1 = op1,
			     .op2 = op2,
			     .val = v};

	assert_int_equal(uc_reg_write(uc, UC_ARM64_REG_CP_REG, &r), UC_ERR_OK);
}

static uint64_t rd_cp(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
		      unsigned op2)
{
	uc_arm64_cp_reg r = {
	    .crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2};

	assert_int_equal(uc_reg_read(uc, UC_ARM64_REG_CP_REG, &r), UC_ERR_OK);
	return r.val;
}

static void put64(uint64_t pa, uint64_t v)
{
	assert_int_equal(uc_mem_write(uc, pa, &v, sizeof(v)), UC_ERR_OK);
}

static uint64_t get64(uint64_t pa)
{
	uint64_t v = 0;

	assert_int_equal(uc_mem_read(uc, pa, &v, sizeof(v)), UC_ERR_OK);
	return v;
}

/* In a hook: no cmocka assertion may jump out of Unicorn from here. */
static void record(enum event_kind kind, int type, uint64_t addr)
{
	uint64_t pc = 0;

	uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
	if (event_count < MAX_EVENTS)
		events[event_count] = (struct event){
		    .kind = kind, .type = type, .addr = addr, .pc = pc};
	event_count++;
}

static void on_mem(uc_engine *u, uc_mem_type type, uint64_t addr, int size,
		   int64_t value, void *ud)
{
	(void)u;
	(void)size;
	(void)value;
	(void)ud;
	record(EV_MEM, type, addr);
}

static bool on_unmapped(uc_engine *u, uc_mem_type type, uint64_t addr, int size,
			int64_t value, void *ud)
{
	(void)u;
	(void)size;
	(void)value;
	(void)ud;
	record(EV_UNMAPPED, type, addr);
	return false;
}

/* As hvsim: Unicorn takes no exception itself, the hook stops the run. */
static void on_intr(uc_engine *u, uint32_t intno, void *ud)
{
	(void)ud;
	record(EV_INTR, (int)intno, 0);
	uc_emu_stop(u);
}

static void expect_event(unsigned i, enum event_kind kind, int type,
			 uint64_t addr, uint64_t pc)
{
	assert_true(i < event_count);
	assert_int_equal(events[i].kind, kind);
	assert_int_equal(events[i].type, type);
	assert_int_equal(events[i].addr, addr);
	assert_int_equal(events[i].pc, pc);
}

/* At most 16 instructions: a run that goes astray stops anyway. */
static uc_err run(uint64_t begin, uint64_t until)
{
	event_count = 0;
	return uc_emu_start(uc, begin, until, 0, 16);
}

static int open_cpu(uint64_t hcr_el2)
{
	uc_hook h;

	assert_int_equal(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc), UC_ERR_OK);
	assert_int_equal(uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A57), UC_ERR_OK);
	wr_cp(3, 6, 1, 1, 0, SCR_EL3_NS_HCE_RW);
	wr_cp(3, 4, 1, 1, 0, hcr_el2);
	assert_int_equal(uc_mem_map(uc, RAM_PA, RAM_SIZE, UC_PROT_ALL),
			 UC_ERR_OK);
	assert_int_equal(uc_mem_write(uc, RAM_PA, guest, sizeof(guest)),
			 UC_ERR_OK);
	put64(RAM_PA + TTBR0_L0, RAM_PA + TTBR0_L1 + (D_VALID | D_TABLE));
	put64(RAM_PA + TTBR0_L1 + 8 * 1, RAM_PA + D_BLOCK_N);
	put64(RAM_PA + TTBR1_L0, RAM_PA + TTBR1_L1 + (D_VALID | D_TABLE));
	put64(RAM_PA + TTBR1_L1 + 8 * 1, RAM_PA + D_BLOCK_N);
	put64(RAM_PA + TTBR1_L1 + 8 * 3, RAM_PA + (D_BLOCK_N | D_AP_RO));
	put64(RAM_PA + TTBR1_L1 + 8 * 5, RAM_PA + HOLE + (D_VALID | D_TABLE));
	put64(RAM_PA + DATA, MAGIC);
	assert_int_equal(uc_hook_add(uc, &h,
				     UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE |
					 UC_HOOK_MEM_FETCH,
				     (void *)on_mem, NULL, 1, 0),
			 UC_ERR_OK);
	assert_int_equal(uc_hook_add(uc, &h, UC_HOOK_MEM_UNMAPPED,
				     (void *)on_unmapped, NULL, 1, 0),
			 UC_ERR_OK);
	assert_int_equal(
	    uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)on_intr, NULL, 1, 0),
	    UC_ERR_OK);
	wr(UC_ARM64_REG_X0, MAIR_EL1_NORMAL_WB);
	wr(UC_ARM64_REG_X1, TCR_EL1);
	wr(UC_ARM64_REG_X2, RAM_PA + TTBR0_L0);
	wr(UC_ARM64_REG_X3, RAM_PA + TTBR1_L0);
	return 0;
}

static int mmu_on(void **state)
{
	(void)state;
	open_cpu(HCR_EL2_RW);
	assert_int_equal(run(RAM_PA, RAM_PA + AT_MMU_ON), UC_ERR_OK);
	assert_int_equal(rd(UC_ARM64_REG_PC), RAM_PA + AT_MMU_ON);
	assert_int_equal(event_count, 0);
	assert_int_equal(rd_cp(3, 0, 1, 0, 0) & 1, 1); /* SCTLR_EL1.M */
	return 0;
}

static int close_cpu(void **state)
{
	(void)state;
	uc_close(uc);
	uc = NULL;
	return 0;
}

/* RUNPATH and include path agree: not the system library by mistake. */
static void test_loaded_library_is_the_headers_version(void **state)
{
	unsigned major = 0, minor = 0;

	(void)state;
	uc_version(&major, &minor);
	assert_int_equal(major, UC_API_MAJOR);
	assert_int_equal(minor, UC_API_MINOR);
}

/*
 * With SCR_EL3.NS set, EL2 exists, and HCR_EL2.RW (0 at reset) says EL1
 * is AArch32: the MMU then walks short-descriptor tables, and the first
 * fetch after SCTLR_EL1.M is set faults on these long-descriptor ones.
 */
static void test_hcr_el2_rw_clear_makes_el1_walk_aarch32_tables(void **state)
{
	(void)state;
	open_cpu(0);
	assert_int_equal(run(RAM_PA, RAM_PA + AT_MMU_ON), UC_ERR_OK);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_INTR, EXCP_PREFETCH_ABORT, 0,
		     RAM_PA + AT_ISB_AFTER_MMU_ON);
	close_cpu(state);
}

static void test_identity_mapped_load_reads_ram(void **state)
{
	(void)state;
	wr(UC_ARM64_REG_X1, RAM_PA + DATA);
	assert_int_equal(run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4),
			 UC_ERR_OK);
	assert_int_equal(rd(UC_ARM64_REG_X2), MAGIC);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_MEM, UC_MEM_READ, RAM_PA + DATA, RAM_PA + AT_LOAD);
}

static void test_load_through_high_va(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X1, VA_RW + DATA);
	wr(UC_ARM64_REG_X2, 0);
	err = run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4);
	assert_int_equal(event_count, 1);
#if BY_PA
	assert_int_equal(err, UC_ERR_OK);
	assert_int_equal(rd(UC_ARM64_REG_X2), MAGIC);
	expect_event(0, EV_MEM, UC_MEM_READ, RAM_PA + DATA, RAM_PA + AT_LOAD);
#else
	/* No region at the VA: unmapped, whatever the tables say. */
	assert_int_equal(err, UC_ERR_READ_UNMAPPED);
	assert_int_equal(rd(UC_ARM64_REG_X2), 0);
	assert_int_equal(rd(UC_ARM64_REG_PC), RAM_PA + AT_LOAD);
	expect_event(0, EV_UNMAPPED, UC_MEM_READ_UNMAPPED, VA_RW + DATA,
		     RAM_PA + AT_LOAD);
#endif
}

static void test_store_through_high_va(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X1, VA_RW + DATA);
	wr(UC_ARM64_REG_X3, 0xcafe);
	err = run(RAM_PA + AT_STORE, RAM_PA + AT_STORE + 4);
#if BY_PA
	assert_int_equal(err, UC_ERR_OK);
	assert_int_equal(get64(RAM_PA + DATA), 0xcafe);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_MEM, UC_MEM_WRITE, RAM_PA + DATA, RAM_PA + AT_STORE);
#else
	/* The write hook runs before the region check, with the VA. */
	assert_int_equal(err, UC_ERR_WRITE_UNMAPPED);
	assert_int_equal(get64(RAM_PA + DATA), MAGIC);
	assert_int_equal(event_count, 2);
	expect_event(0, EV_MEM, UC_MEM_WRITE, VA_RW + DATA, RAM_PA + AT_STORE);
	expect_event(1, EV_UNMAPPED, UC_MEM_WRITE_UNMAPPED, VA_RW + DATA,
		     RAM_PA + AT_STORE);
#endif
}

/* No UC_HOOK_MEM_FETCH call in either version: fetches show no event. */
static void test_branch_to_high_va(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X5, 0);
	wr(UC_ARM64_REG_X6, VA_RW + AT_MOVZ);
	err = run(RAM_PA + AT_BRANCH, VA_RW + AT_MOVZ + 4);
#if BY_PA
	assert_int_equal(err, UC_ERR_OK);
	assert_int_equal(rd(UC_ARM64_REG_X5), 0x1234);
	assert_int_equal(rd(UC_ARM64_REG_PC), VA_RW + AT_MOVZ + 4);
	assert_int_equal(event_count, 0);
#else
	assert_int_equal(err, UC_ERR_FETCH_UNMAPPED);
	assert_int_equal(rd(UC_ARM64_REG_X5), 0);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_UNMAPPED, UC_MEM_FETCH_UNMAPPED, VA_RW + AT_MOVZ,
		     VA_RW + AT_MOVZ);
#endif
}

/* The tables map the VA; nothing is at the PA (a stage-2 fault). */
static void test_load_through_high_va_to_no_memory(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X1, VA_RW + HOLE);
	err = run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4);
	assert_int_equal(err, UC_ERR_READ_UNMAPPED);
	assert_int_equal(rd(UC_ARM64_REG_PC), RAM_PA + AT_LOAD);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_UNMAPPED, UC_MEM_READ_UNMAPPED,
		     BY_PA ? RAM_PA + HOLE : VA_RW + HOLE, RAM_PA + AT_LOAD);
}

static void test_branch_through_high_va_to_no_memory(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X6, VA_RW + HOLE);
	err = run(RAM_PA + AT_BRANCH, 0);
	assert_int_equal(err, UC_ERR_FETCH_UNMAPPED);
	assert_int_equal(rd(UC_ARM64_REG_PC), VA_RW + HOLE);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_UNMAPPED, UC_MEM_FETCH_UNMAPPED,
		     BY_PA ? RAM_PA + HOLE : VA_RW + HOLE, VA_RW + HOLE);
}

/*
 * The guest's own translation fault. 2.1 raises the CPU's data abort (the
 * interrupt hook, PC on the load) and, since the hook takes the place of
 * the exception entry, writes no ESR_EL1 or FAR_EL1: the syndrome is for
 * hvsim to work out. 2.0 never walks for a load without a region at the VA.
 */
static void test_load_from_va_without_descriptor(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X1, VA_NONE);
	err = run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4);
	assert_int_equal(rd(UC_ARM64_REG_PC), RAM_PA + AT_LOAD);
	assert_int_equal(event_count, 1);
#if BY_PA
	assert_int_equal(err, UC_ERR_OK);
	expect_event(0, EV_INTR, EXCP_DATA_ABORT, 0, RAM_PA + AT_LOAD);
	assert_int_equal(rd_cp(3, 0, 5, 2, 0), 0); /* ESR_EL1 */
	assert_int_equal(rd_cp(3, 0, 6, 0, 0), 0); /* FAR_EL1 */
#else
	assert_int_equal(err, UC_ERR_READ_UNMAPPED);
	expect_event(0, EV_UNMAPPED, UC_MEM_READ_UNMAPPED, VA_NONE,
		     RAM_PA + AT_LOAD);
#endif
}

/* A fetch walks the tables first in both versions: a prefetch abort. */
static void test_branch_to_va_without_descriptor(void **state)
{
	(void)state;
	wr(UC_ARM64_REG_X6, VA_NONE);
	assert_int_equal(run(RAM_PA + AT_BRANCH, 0), UC_ERR_OK);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_INTR, EXCP_PREFETCH_ABORT, 0, VA_NONE);
}

/*
 * The walk itself reads a table at an IPA with no memory (stage 2 would
 * fault on the walk, S1PTW): 2.1 raises the CPU's abort, as for a
 * translation fault, with no unmapped-memory hook call to tell them apart.
 */
static void test_load_whose_walk_reaches_no_memory(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X1, VA_WALK_HOLE);
	err = run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4);
	assert_int_equal(rd(UC_ARM64_REG_PC), RAM_PA + AT_LOAD);
	assert_int_equal(event_count, 1);
#if BY_PA
	assert_int_equal(err, UC_ERR_OK);
	expect_event(0, EV_INTR, EXCP_DATA_ABORT, 0, RAM_PA + AT_LOAD);
#else
	assert_int_equal(err, UC_ERR_READ_UNMAPPED);
	expect_event(0, EV_UNMAPPED, UC_MEM_READ_UNMAPPED, VA_WALK_HOLE,
		     RAM_PA + AT_LOAD);
#endif
}

static void test_branch_whose_walk_reaches_no_memory(void **state)
{
	(void)state;
	wr(UC_ARM64_REG_X6, VA_WALK_HOLE);
	assert_int_equal(run(RAM_PA + AT_BRANCH, 0), UC_ERR_OK);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_INTR, EXCP_PREFETCH_ABORT, 0, VA_WALK_HOLE);
}

static void test_store_to_read_only_va(void **state)
{
	uc_err err;

	(void)state;
	wr(UC_ARM64_REG_X1, VA_RO + DATA);
	wr(UC_ARM64_REG_X3, 0xdead);
	err = run(RAM_PA + AT_STORE, RAM_PA + AT_STORE + 4);
	assert_int_equal(get64(RAM_PA + DATA), MAGIC);
	assert_int_equal(rd(UC_ARM64_REG_PC), RAM_PA + AT_STORE);
#if BY_PA
	/* The permission fault comes before any write hook. */
	assert_int_equal(err, UC_ERR_OK);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_INTR, EXCP_DATA_ABORT, 0, RAM_PA + AT_STORE);
#else
	assert_int_equal(err, UC_ERR_WRITE_UNMAPPED);
	assert_int_equal(event_count, 2);
	expect_event(0, EV_MEM, UC_MEM_WRITE, VA_RO + DATA, RAM_PA + AT_STORE);
	expect_event(1, EV_UNMAPPED, UC_MEM_WRITE_UNMAPPED, VA_RO + DATA,
		     RAM_PA + AT_STORE);
#endif
}

/*
 * A region mapped at the VA itself: 2.0 then lets the access through (its
 * check is by VA) but reads and writes the PA the MMU gives, reporting the
 * VA to the hooks; 2.1 never looks there. The region's own bytes are
 * touched by neither.
 */
static void test_region_at_the_va_is_not_what_is_accessed(void **state)
{
	static uint8_t at_va[0x1000];

	(void)state;
	memset(at_va, 0xaa, sizeof(at_va));
	assert_int_equal(
	    uc_mem_map_ptr(uc, VA_RW + DATA, sizeof(at_va), UC_PROT_ALL, at_va),
	    UC_ERR_OK);
	wr(UC_ARM64_REG_X1, VA_RW + DATA);
	assert_int_equal(run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4),
			 UC_ERR_OK);
	assert_int_equal(rd(UC_ARM64_REG_X2), MAGIC);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_MEM, UC_MEM_READ,
		     BY_PA ? RAM_PA + DATA : VA_RW + DATA, RAM_PA + AT_LOAD);

	wr(UC_ARM64_REG_X3, 0xbeef);
	assert_int_equal(run(RAM_PA + AT_STORE, RAM_PA + AT_STORE + 4),
			 UC_ERR_OK);
	assert_int_equal(get64(RAM_PA + DATA), 0xbeef);
	assert_int_equal(at_va[0], 0xaa);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_MEM, UC_MEM_WRITE,
		     BY_PA ? RAM_PA + DATA : VA_RW + DATA, RAM_PA + AT_STORE);
}

/*
 * Memory replaced at an IPA (as hvsim does when stage 2 changes) is what
 * the next load through the guest's mapping reads: the remap flushes the
 * TLB. Through the high VA in 2.1, through the identity map in 2.0.1.
 */
static void test_remapped_ipa_is_read_through_the_mmu(void **state)
{
	static uint64_t before[512] = {0xb4}, after[512] = {0xaf};
	uint64_t pa = RAM_PA + 0x300000, va = BY_PA ? VA_RW + 0x300000 : pa;

	(void)state;
	assert_int_equal(
	    uc_mem_map_ptr(uc, pa, sizeof(before), UC_PROT_ALL, before),
	    UC_ERR_OK);
	wr(UC_ARM64_REG_X1, va);
	assert_int_equal(run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4),
			 UC_ERR_OK);
	assert_int_equal(rd(UC_ARM64_REG_X2), 0xb4);
	assert_int_equal(uc_mem_unmap(uc, pa, sizeof(before)), UC_ERR_OK);
	assert_int_equal(
	    uc_mem_map_ptr(uc, pa, sizeof(after), UC_PROT_ALL, after),
	    UC_ERR_OK);
	assert_int_equal(run(RAM_PA + AT_LOAD, RAM_PA + AT_LOAD + 4),
			 UC_ERR_OK);
	assert_int_equal(rd(UC_ARM64_REG_X2), 0xaf);
	assert_int_equal(event_count, 1);
	expect_event(0, EV_MEM, UC_MEM_READ, pa, RAM_PA + AT_LOAD);
}

#define MMU_TEST(t) cmocka_unit_test_setup_teardown(t, mmu_on, close_cpu)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loaded_library_is_the_headers_version),
	    cmocka_unit_test(
		test_hcr_el2_rw_clear_makes_el1_walk_aarch32_tables),
	    MMU_TEST(test_identity_mapped_load_reads_ram),
	    MMU_TEST(test_load_through_high_va),
	    MMU_TEST(test_store_through_high_va),
	    MMU_TEST(test_branch_to_high_va),
	    MMU_TEST(test_load_through_high_va_to_no_memory),
	    MMU_TEST(test_branch_through_high_va_to_no_memory),
	    MMU_TEST(test_load_from_va_without_descriptor),
	    MMU_TEST(test_branch_to_va_without_descriptor),
	    MMU_TEST(test_load_whose_walk_reaches_no_memory),
	    MMU_TEST(test_branch_whose_walk_reaches_no_memory),
	    MMU_TEST(test_store_to_read_only_va),
	    MMU_TEST(test_region_at_the_va_is_not_what_is_accessed),
	    MMU_TEST(test_remapped_ipa_is_read_through_the_mmu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
