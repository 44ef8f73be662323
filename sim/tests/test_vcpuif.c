/*
 * Unit tests of sim/vcpuif.c, the GIC virtual CPU interface model: what a
 * guest sees through ICV_* (GICv3) and the GICV frame (GICv2) for the list
 * registers the core writes, and when the virtual IRQ/FIQ and maintenance
 * interrupt are asserted. List registers are built with hal_sim_lr_encode,
 * as hal_vgic_lr_write stores them; expected register values are literals
 * worked out from the ICH_* and ICV_* field layouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal_sim.h"
#include "vcpuif.h"

/* ICH_VMCR_EL2 */
#define VENG0	(1ull << 0)
#define VENG1	(1ull << 1)
#define VACKCTL (1ull << 2)
#define VFIQEN	(1ull << 3)
#define VCBPR	(1ull << 4)
#define VEOIM	(1ull << 9)

/* ICH_HCR_EL2 and ICH_MISR_EL2 */
#define HCR_UIE	     (1ull << 1)
#define HCR_LRENPIE  (1ull << 2)
#define HCR_NPIE     (1ull << 3)
#define HCR_VGRP0DIE (1ull << 5)
#define HCR_VGRP1EIE (1ull << 6)
#define MISR_EOI     0x1u
#define MISR_U	     0x2u
#define MISR_LRENP   0x4u
#define MISR_NP	     0x8u
#define MISR_VGRP0D  0x20u
#define MISR_VGRP1E  0x40u

#define LR_STATE_SHIFT 62
#define LR_EOI	       (1ull << 41)
#define SPURIOUS       1023u

/* GICV frame offsets */
#define GICV_CTLR   0x00
#define GICV_PMR    0x04
#define GICV_BPR    0x08
#define GICV_IAR    0x0c
#define GICV_EOIR   0x10
#define GICV_RPR    0x14
#define GICV_HPPIR  0x18
#define GICV_ABPR   0x1c
#define GICV_AIAR   0x20
#define GICV_AEOIR  0x24
#define GICV_AHPPIR 0x28
#define GICV_APR0   0xd0
#define GICV_IIDR   0xfc
#define GICV_DIR    0x1000

static struct vcpu_vgic g;
static struct vcpuif c;
static uint32_t phys_deactivated[4];
static unsigned phys_deactivated_count;

static void record_deactivate(void *ctx, uint32_t pintid)
{
	assert_ptr_equal(ctx, &g);
	if (phys_deactivated_count < 4)
		phys_deactivated[phys_deactivated_count] = pintid;
	phys_deactivated_count++;
}

static uint64_t lr_sw(uint32_t intid, uint8_t prio, bool group1,
		      enum hal_lr_state state)
{
	struct hal_lr lr = {
	    .intid = intid, .priority = prio, .group1 = group1, .state = state};

	return hal_sim_lr_encode(&lr);
}

static uint64_t lr_hw(uint32_t intid, uint32_t pintid, uint8_t prio,
		      enum hal_lr_state state)
{
	struct hal_lr lr = {.intid = intid,
			    .pintid = pintid,
			    .priority = prio,
			    .hw = true,
			    .group1 = true,
			    .state = state};

	return hal_sim_lr_encode(&lr);
}

static enum hal_lr_state lr_state(unsigned i)
{
	return (enum hal_lr_state)(g.lr[i] >> LR_STATE_SHIFT);
}

static void reset(unsigned version)
{
	memset(&g, 0, sizeof(g));
	memset(phys_deactivated, 0, sizeof(phys_deactivated));
	phys_deactivated_count = 0;
	c = (struct vcpuif){.g = &g,
			    .lr_count = 4,
			    .version = version,
			    .deactivate_phys = record_deactivate,
			    .ctx = &g};
}

/* A GICv3 guest that enabled Group 1 and opened its priority mask, as
 * Linux does at boot. */
static int setup_v3(void **st)
{
	(void)st;
	reset(3);
	vcpuif_write(&c, VCPUIF_IGRPEN1, 1);
	vcpuif_write(&c, VCPUIF_PMR, 0xf0);
	return 0;
}

/* A GICv2 guest with both groups enabled and the mask open. */
static int setup_v2(void **st)
{
	(void)st;
	reset(2);
	assert_true(vcpuif_mmio_write(&c, GICV_CTLR, 4, 0x3));
	assert_true(vcpuif_mmio_write(&c, GICV_PMR, 4, 0xf0));
	return 0;
}

static uint64_t mmio_rd(uint64_t off)
{
	uint64_t val = 0xdeadbeef;

	assert_true(vcpuif_mmio_read(&c, off, 4, &val));
	return val;
}

static void mmio_wr(uint64_t off, uint64_t val)
{
	assert_true(vcpuif_mmio_write(&c, off, 4, val));
}

static void
test_vcpuif_ack_returns_highest_priority_pending_and_activates(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0xa0, true, HAL_LR_PENDING);
	g.lr[1] = lr_sw(41, 0x80, true, HAL_LR_PENDING);
	g.lr[2] = lr_sw(42, 0x80, true, HAL_LR_PENDING); /* tie: LR1 first */

	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 41);
	assert_int_equal(lr_state(1), HAL_LR_ACTIVE);
	assert_int_equal(lr_state(0), HAL_LR_PENDING);
	assert_int_equal(lr_state(2), HAL_LR_PENDING);
	/* Group priority 0x80 is bit 0x80 >> 3 = 16 of ICH_AP1R0_EL2. */
	assert_int_equal(g.apr[0], 0x10000);
	assert_int_equal(g.apr[1], 0);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x80);
	assert_int_equal(vcpuif_read(&c, VCPUIF_AP1R0), 0x10000);
}

static void test_vcpuif_nothing_pending_reads_spurious(void **st)
{
	(void)st;
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR1), SPURIOUS);
	assert_false(vcpuif_virq(&c));
	/* Active, and pending-and-active, interrupts cannot be taken again. */
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_ACTIVE);
	g.lr[1] = lr_sw(41, 0x80, true, HAL_LR_PENDING_ACTIVE);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR1), SPURIOUS);
	assert_int_equal(lr_state(1), HAL_LR_PENDING_ACTIVE);
	assert_false(vcpuif_virq(&c));
	/* LRs beyond lr_count are not implemented. */
	g.lr[4] = lr_sw(44, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
}

static void test_vcpuif_pmr_masks_priorities_not_above_it(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0xa0, true, HAL_LR_PENDING);
	vcpuif_write(&c, VCPUIF_PMR, 0xa0);
	assert_false(vcpuif_virq(&c));
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
	/* HPPIR shows it all the same: the mask gates signalling only. */
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR1), 40);
	vcpuif_write(&c, VCPUIF_PMR, 0xa8);
	assert_true(vcpuif_virq(&c));
	/* 5 priority bits: the low 3 read as zero, in VMCR.VPMR too. */
	vcpuif_write(&c, VCPUIF_PMR, 0xff);
	assert_int_equal(vcpuif_read(&c, VCPUIF_PMR), 0xf8);
	assert_int_equal(g.vmcr >> 24, 0xf8);
	/* Priority 0xa7 is 0xa0: masked by a PMR of 0xa0. */
	g.lr[0] = lr_sw(40, 0xa7, true, HAL_LR_PENDING);
	vcpuif_write(&c, VCPUIF_PMR, 0xa0);
	assert_false(vcpuif_virq(&c));
}

static void
test_vcpuif_running_priority_blocks_lower_and_equal_priorities(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	assert_false(vcpuif_virq(&c));

	g.lr[1] = lr_sw(41, 0xa0, true, HAL_LR_PENDING);
	g.lr[2] = lr_sw(42, 0x80, true, HAL_LR_PENDING);
	assert_false(vcpuif_virq(&c));
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
	assert_int_equal(lr_state(2), HAL_LR_PENDING);

	g.lr[3] = lr_sw(43, 0x40, true, HAL_LR_PENDING);
	assert_true(vcpuif_virq(&c));
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 43);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x40);
	assert_int_equal(g.apr[0], (1u << 16) | (1u << 8));

	/* Completing the nested one returns to the first's priority. */
	vcpuif_write(&c, VCPUIF_EOIR1, 43);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x80);
	vcpuif_write(&c, VCPUIF_EOIR1, 40);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0xff);
	/* Now the lower priority ones get their turn, highest first. */
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 42);
}

static void
test_vcpuif_binary_point_decides_preemption_by_group_priority(void **st)
{
	(void)st;
	/* BPR1 = 5: the group priority is bits [7:5]. */
	vcpuif_write(&c, VCPUIF_BPR1, 5);
	assert_int_equal(vcpuif_read(&c, VCPUIF_BPR1), 5);
	g.lr[0] = lr_sw(40, 0x90, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	/* Group priority 0x80 became active: bit 16, RPR 0x80. */
	assert_int_equal(g.apr[0], 1u << 16);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x80);

	/* 0x88 is a higher priority than 0x90 but the same group. */
	g.lr[1] = lr_sw(41, 0x88, true, HAL_LR_PENDING);
	assert_false(vcpuif_virq(&c));
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR1), 41);
	/* 0x60 is group priority 0x60: it preempts. */
	g.lr[2] = lr_sw(42, 0x60, true, HAL_LR_PENDING);
	assert_true(vcpuif_virq(&c));
}

static void
test_vcpuif_binary_points_have_minimums_and_cbpr_aliases_bpr1(void **st)
{
	(void)st;
	/* Reset VMCR (zero) reads as the minimums: 2 and 3. */
	assert_int_equal(vcpuif_read(&c, VCPUIF_BPR0), 2);
	assert_int_equal(vcpuif_read(&c, VCPUIF_BPR1), 3);
	vcpuif_write(&c, VCPUIF_BPR0, 0);
	vcpuif_write(&c, VCPUIF_BPR1, 1);
	assert_int_equal(vcpuif_read(&c, VCPUIF_BPR0), 2);
	assert_int_equal(vcpuif_read(&c, VCPUIF_BPR1), 3);
	vcpuif_write(&c, VCPUIF_BPR0, 4);
	assert_int_equal((g.vmcr >> 21) & 7, 4);
	assert_int_equal((g.vmcr >> 18) & 7, 3);

	/* CBPR: BPR1 reads BPR0 + 1 and ignores writes... */
	vcpuif_write(&c, VCPUIF_CTLR, 1);
	assert_int_equal(vcpuif_read(&c, VCPUIF_BPR1), 5);
	vcpuif_write(&c, VCPUIF_BPR1, 7);
	assert_int_equal((g.vmcr >> 18) & 7, 3);
	/* ...and Group 1 preempts by BPR0: 4 is bits [7:5]. */
	g.lr[0] = lr_sw(40, 0x90, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x80);
	/* BPR0 7 saturates BPR1 at 7. */
	vcpuif_write(&c, VCPUIF_BPR0, 7);
	assert_int_equal(vcpuif_read(&c, VCPUIF_BPR1), 7);
}

static void
test_vcpuif_eoi_drops_priority_and_deactivates_in_eoimode_0(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	vcpuif_write(&c, VCPUIF_EOIR1, 40);
	assert_int_equal(lr_state(0), HAL_LR_INVALID);
	assert_int_equal(g.apr[0], 0);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0xff);
	/* A software interrupt: nothing physical to deactivate. */
	assert_int_equal(phys_deactivated_count, 0);
	/* DIR does nothing in EOImode 0. */
	g.lr[1] = lr_sw(41, 0x80, true, HAL_LR_ACTIVE);
	vcpuif_write(&c, VCPUIF_DIR, 41);
	assert_int_equal(lr_state(1), HAL_LR_ACTIVE);
}

static void
test_vcpuif_eoimode_1_eoi_drops_priority_and_dir_deactivates(void **st)
{
	(void)st;
	vcpuif_write(&c, VCPUIF_CTLR, 2);
	assert_true(g.vmcr & VEOIM);
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	vcpuif_write(&c, VCPUIF_EOIR1, 40);
	assert_int_equal(lr_state(0), HAL_LR_ACTIVE);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0xff);
	vcpuif_write(&c, VCPUIF_DIR, 40);
	assert_int_equal(lr_state(0), HAL_LR_INVALID);
}

static void
test_vcpuif_deactivation_leaves_a_repended_interrupt_pending(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	/* The hypervisor records a new edge while it is active. */
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING_ACTIVE);
	assert_false(vcpuif_virq(&c));
	vcpuif_write(&c, VCPUIF_EOIR1, 40);
	assert_int_equal(lr_state(0), HAL_LR_PENDING);
	assert_true(vcpuif_virq(&c));
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
}

static void
test_vcpuif_hw_lr_deactivation_deactivates_the_physical_intid(void **st)
{
	(void)st;
	g.lr[0] = lr_hw(27, 30, 0x80, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 27);
	assert_int_equal(phys_deactivated_count, 0);
	vcpuif_write(&c, VCPUIF_EOIR1, 27);
	assert_int_equal(lr_state(0), HAL_LR_INVALID);
	assert_int_equal(phys_deactivated_count, 1);
	assert_int_equal(phys_deactivated[0], 30);

	/* Split EOI: only DIR reaches the physical interrupt. */
	vcpuif_write(&c, VCPUIF_CTLR, 2);
	g.lr[0] = lr_hw(27, 30, 0x80, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 27);
	vcpuif_write(&c, VCPUIF_EOIR1, 27);
	assert_int_equal(phys_deactivated_count, 1);
	vcpuif_write(&c, VCPUIF_DIR, 27);
	assert_int_equal(phys_deactivated_count, 2);
	assert_int_equal(phys_deactivated[1], 30);
}

static void test_vcpuif_eoi_of_an_intid_in_no_lr_counts_in_eoicount(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	g.lr[0] = 0; /* the hypervisor took it out of the LR */
	vcpuif_write(&c, VCPUIF_EOIR1, 40);
	assert_int_equal(g.apr[0], 0);
	assert_int_equal(g.hcr >> 27, 1);
	assert_int_equal(vcpuif_misr(&c), 0);
	g.hcr |= HCR_LRENPIE;
	assert_int_equal(vcpuif_misr(&c), MISR_LRENP);
	assert_true(vcpuif_maintenance(&c));
}

static void
test_vcpuif_eoi_with_nothing_active_or_a_special_intid_is_ignored(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_ACTIVE);
	vcpuif_write(&c, VCPUIF_EOIR1, 40);
	assert_int_equal(lr_state(0), HAL_LR_ACTIVE);
	assert_int_equal(g.hcr, 0);

	g.lr[1] = lr_sw(41, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 41);
	vcpuif_write(&c, VCPUIF_EOIR1, SPURIOUS);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x80);
	assert_int_equal(lr_state(1), HAL_LR_ACTIVE);
}

static void test_vcpuif_virq_follows_lrs_pmr_and_group_enable(void **st)
{
	(void)st;
	assert_false(vcpuif_virq(&c));
	g.lr[2] = lr_sw(40, 0xa0, true, HAL_LR_PENDING);
	assert_true(vcpuif_virq(&c));
	assert_false(vcpuif_vfiq(&c));
	vcpuif_write(&c, VCPUIF_IGRPEN1, 0);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IGRPEN1), 0);
	assert_false(vcpuif_virq(&c));
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR1), SPURIOUS);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
	vcpuif_write(&c, VCPUIF_IGRPEN1, 1);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IGRPEN1), 1);
	assert_true(vcpuif_virq(&c));
	vcpuif_write(&c, VCPUIF_PMR, 0x80);
	assert_false(vcpuif_virq(&c));
	vcpuif_write(&c, VCPUIF_PMR, 0xf0);
	g.lr[2] = 0;
	assert_false(vcpuif_virq(&c));
}

static void test_vcpuif_v3_group0_is_a_vfiq_acknowledged_through_iar0(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, false, HAL_LR_PENDING);
	assert_false(vcpuif_vfiq(&c)); /* Group 0 not enabled yet */
	vcpuif_write(&c, VCPUIF_IGRPEN0, 1);
	assert_true(g.vmcr & VENG0);
	assert_true(vcpuif_vfiq(&c));
	assert_false(vcpuif_virq(&c));
	/* The Group 1 registers do not see it. */
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR1), SPURIOUS);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
	assert_int_equal(lr_state(0), HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR0), 40);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR0), 40);
	/* Its priority is in ICH_AP0R0_EL2. */
	assert_int_equal(g.apr[1], 1u << 16);
	assert_int_equal(g.apr[0], 0);
	assert_int_equal(vcpuif_read(&c, VCPUIF_AP0R0), 1u << 16);
	vcpuif_write(&c, VCPUIF_EOIR0, 40);
	assert_int_equal(lr_state(0), HAL_LR_INVALID);
	assert_int_equal(g.apr[1], 0);
}

static void
test_vcpuif_underflow_maintenance_needs_uie_and_one_valid_lr(void **st)
{
	(void)st;
	assert_false(vcpuif_maintenance(&c));
	g.hcr = HCR_UIE;
	/* No valid LR is an underflow too. */
	assert_int_equal(vcpuif_misr(&c), MISR_U);
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	g.lr[1] = lr_sw(41, 0x80, true, HAL_LR_ACTIVE);
	assert_false(vcpuif_maintenance(&c));
	g.lr[1] = lr_sw(41, 0x80, true, HAL_LR_INVALID);
	assert_true(vcpuif_maintenance(&c));
	assert_int_equal(vcpuif_misr(&c), MISR_U);
	g.hcr = 0;
	assert_false(vcpuif_maintenance(&c));
}

static void test_vcpuif_eoi_bit_asks_for_maintenance_once_deactivated(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING) | LR_EOI;
	assert_false(vcpuif_maintenance(&c));
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), 40);
	assert_false(vcpuif_maintenance(&c));
	vcpuif_write(&c, VCPUIF_EOIR1, 40);
	assert_int_equal(vcpuif_misr(&c), MISR_EOI);
}

static void
test_vcpuif_misr_reports_no_pending_and_group_enable_changes(void **st)
{
	(void)st;
	g.hcr = HCR_NPIE;
	assert_int_equal(vcpuif_misr(&c), MISR_NP);
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_misr(&c), 0);
	/* Group 0 is disabled, Group 1 enabled (setup). */
	g.hcr = HCR_VGRP0DIE | HCR_VGRP1EIE;
	assert_int_equal(vcpuif_misr(&c), MISR_VGRP0D | MISR_VGRP1E);
	vcpuif_write(&c, VCPUIF_IGRPEN0, 1);
	assert_int_equal(vcpuif_misr(&c), MISR_VGRP1E);
}

static void test_vcpuif_sysreg_decodes_icv_encodings_and_directions(void **st)
{
	enum vcpuif_reg r = VCPUIF_SRE;

	(void)st;
	assert_true(vcpuif_sysreg(3, 0, 12, 12, 0, true, &r));
	assert_int_equal(r, VCPUIF_IAR1);
	assert_true(vcpuif_sysreg(3, 0, 12, 12, 1, false, &r));
	assert_int_equal(r, VCPUIF_EOIR1);
	assert_true(vcpuif_sysreg(3, 0, 12, 8, 0, true, &r));
	assert_int_equal(r, VCPUIF_IAR0);
	assert_true(vcpuif_sysreg(3, 0, 4, 6, 0, false, &r));
	assert_int_equal(r, VCPUIF_PMR);
	assert_true(vcpuif_sysreg(3, 0, 12, 11, 1, false, &r));
	assert_int_equal(r, VCPUIF_DIR);
	assert_true(vcpuif_sysreg(3, 0, 12, 11, 3, true, &r));
	assert_int_equal(r, VCPUIF_RPR);
	assert_true(vcpuif_sysreg(3, 0, 12, 9, 0, true, &r));
	assert_int_equal(r, VCPUIF_AP1R0);
	assert_true(vcpuif_sysreg(3, 0, 12, 8, 4, false, &r));
	assert_int_equal(r, VCPUIF_AP0R0);
	assert_true(vcpuif_sysreg(3, 0, 12, 12, 4, true, &r));
	assert_int_equal(r, VCPUIF_CTLR);
	assert_true(vcpuif_sysreg(3, 0, 12, 12, 5, true, &r));
	assert_int_equal(r, VCPUIF_SRE);
	assert_true(vcpuif_sysreg(3, 0, 12, 12, 7, false, &r));
	assert_int_equal(r, VCPUIF_IGRPEN1);
	/* Wrong direction: MRS of EOIR1/DIR, MSR of IAR1/HPPIR0/RPR. */
	assert_false(vcpuif_sysreg(3, 0, 12, 12, 1, true, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 11, 1, true, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 12, 0, false, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 8, 2, false, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 11, 3, false, &r));
	/* SGI generation traps to EL2; AP1R1 needs 6 preemption bits. */
	assert_false(vcpuif_sysreg(3, 0, 12, 11, 5, false, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 11, 7, false, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 9, 1, true, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 8, 5, true, &r));
	/* Neighbours: ICC_SRE_EL2 (op1 4), VBAR_EL1 (CRn 12, CRm 0). */
	assert_false(vcpuif_sysreg(3, 4, 12, 9, 5, true, &r));
	assert_false(vcpuif_sysreg(3, 0, 12, 0, 0, true, &r));
}

static void
test_vcpuif_ctlr_shows_fixed_fields_and_holds_cbpr_eoimode(void **st)
{
	(void)st;
	/* PRIbits 4 (5 bits) at [10:8], IDbits 0 (16 bits), A3V [15]. */
	assert_int_equal(vcpuif_read(&c, VCPUIF_CTLR), 0x8400);
	vcpuif_write(&c, VCPUIF_CTLR, 0xffffffff);
	assert_int_equal(vcpuif_read(&c, VCPUIF_CTLR), 0x8403);
	assert_int_equal(g.vmcr & (VCBPR | VEOIM), VCBPR | VEOIM);
	vcpuif_write(&c, VCPUIF_CTLR, 0);
	assert_int_equal(g.vmcr & (VCBPR | VEOIM), 0);
	assert_int_equal(vcpuif_read(&c, VCPUIF_SRE), 0x7);
	vcpuif_write(&c, VCPUIF_SRE, 0);
	assert_int_equal(vcpuif_read(&c, VCPUIF_SRE), 0x7);
}

static void test_vcpuif_rpr_and_hppir_values(void **st)
{
	(void)st;
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0xff);
	vcpuif_write(&c, VCPUIF_AP1R0, 1u << 5);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x28);
	assert_int_equal(g.apr[0], 1u << 5);
	vcpuif_write(&c, VCPUIF_AP0R0, 1u << 2);
	assert_int_equal(vcpuif_read(&c, VCPUIF_RPR), 0x10);
	/* HPPIR names the highest pending one even if it cannot preempt. */
	g.lr[0] = lr_sw(40, 0xa0, true, HAL_LR_PENDING);
	g.lr[3] = lr_sw(1234, 0x30, true, HAL_LR_PENDING);
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR1), 1234);
	assert_int_equal(vcpuif_read(&c, VCPUIF_HPPIR0), SPURIOUS);
	assert_int_equal(vcpuif_read(&c, VCPUIF_IAR1), SPURIOUS);
}

static void test_vcpuif_v2_mmio_register_map(void **st)
{
	uint64_t val = 0;

	(void)st;
	/* GICV_CTLR keeps EnableGrp0/1, AckCtl, FIQEn, CBPR, EOImode. */
	mmio_wr(GICV_CTLR, 0xffffffff);
	assert_int_equal(mmio_rd(GICV_CTLR), 0x21f);
	assert_int_equal(g.vmcr & 0x3ff,
			 VENG0 | VENG1 | VACKCTL | VFIQEN | VCBPR | VEOIM);
	mmio_wr(GICV_CTLR, 0x3);
	assert_int_equal(mmio_rd(GICV_CTLR), 0x3);
	mmio_wr(GICV_PMR, 0xff);
	assert_int_equal(mmio_rd(GICV_PMR), 0xf8);
	mmio_wr(GICV_BPR, 0);
	assert_int_equal(mmio_rd(GICV_BPR), 2);
	mmio_wr(GICV_BPR, 4);
	assert_int_equal(mmio_rd(GICV_BPR), 4);
	mmio_wr(GICV_ABPR, 6);
	assert_int_equal(mmio_rd(GICV_ABPR), 6);
	assert_int_equal((g.vmcr >> 18) & 7, 6);
	assert_int_equal(mmio_rd(GICV_RPR), 0xff);
	assert_int_equal(mmio_rd(GICV_IAR), SPURIOUS);
	assert_int_equal(mmio_rd(GICV_HPPIR), SPURIOUS);
	assert_int_equal(mmio_rd(GICV_IIDR), 0x0002043b);
	mmio_wr(GICV_APR0, 0x100);
	assert_int_equal(mmio_rd(GICV_APR0), 0x100);
	assert_int_equal(mmio_rd(GICV_RPR), 0x40);
	mmio_wr(GICV_APR0, 0);
	/* Write-only registers read as zero, read-only ones ignore writes,
	 * reserved space is RAZ/WI. */
	assert_int_equal(mmio_rd(GICV_EOIR), 0);
	assert_int_equal(mmio_rd(GICV_DIR), 0);
	mmio_wr(GICV_RPR, 0);
	mmio_wr(GICV_IIDR, 0);
	assert_int_equal(mmio_rd(GICV_IIDR), 0x0002043b);
	mmio_wr(0x40, 0xffffffff);
	assert_int_equal(mmio_rd(0x40), 0);
	assert_int_equal(mmio_rd(0xd4), 0);
	assert_int_equal(mmio_rd(0x1ffc), 0);
	/* Only aligned 32-bit accesses inside the frame decode. */
	assert_false(vcpuif_mmio_read(&c, GICV_PMR, 1, &val));
	assert_false(vcpuif_mmio_read(&c, GICV_PMR, 2, &val));
	assert_false(vcpuif_mmio_read(&c, GICV_CTLR, 8, &val));
	assert_false(vcpuif_mmio_read(&c, GICV_PMR + 1, 4, &val));
	assert_false(vcpuif_mmio_read(&c, 0x2000, 4, &val));
	assert_false(vcpuif_mmio_write(&c, GICV_PMR, 1, 0));
	assert_false(vcpuif_mmio_write(&c, GICV_CTLR, 8, 0));
	assert_false(vcpuif_mmio_write(&c, 0x2000, 4, 0));
	assert_int_equal(mmio_rd(GICV_PMR), 0xf8);
}

static void test_vcpuif_v2_ack_eoi_and_dir_through_the_frame(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(33, 0xa0, false, HAL_LR_PENDING);
	g.lr[1] = lr_hw(27, 27, 0x80, HAL_LR_PENDING);
	/* lr_hw builds Group 1; AckCtl lets GICV_IAR hand it out. */
	mmio_wr(GICV_CTLR, 0x3 | VACKCTL);
	assert_int_equal(mmio_rd(GICV_HPPIR), 27);
	assert_int_equal(mmio_rd(GICV_IAR), 27);
	assert_int_equal(mmio_rd(GICV_RPR), 0x80);
	mmio_wr(GICV_EOIR, 27);
	assert_int_equal(lr_state(1), HAL_LR_INVALID);
	assert_int_equal(phys_deactivated_count, 1);
	assert_int_equal(phys_deactivated[0], 27);

	mmio_wr(GICV_CTLR, 0x3 | VEOIM);
	assert_int_equal(mmio_rd(GICV_IAR), 33);
	mmio_wr(GICV_EOIR, 33);
	assert_int_equal(lr_state(0), HAL_LR_ACTIVE);
	assert_int_equal(mmio_rd(GICV_RPR), 0xff);
	mmio_wr(GICV_DIR, 33);
	assert_int_equal(lr_state(0), HAL_LR_INVALID);
}

static void
test_vcpuif_v2_group1_needs_ackctl_or_the_aliased_registers(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, true, HAL_LR_PENDING);
	/* AckCtl = 0: GICV_IAR and GICV_HPPIR give 1022 and leave it. */
	assert_int_equal(mmio_rd(GICV_HPPIR), 1022);
	assert_int_equal(mmio_rd(GICV_IAR), 1022);
	assert_int_equal(lr_state(0), HAL_LR_PENDING);
	assert_int_equal(mmio_rd(GICV_AHPPIR), 40);
	assert_int_equal(mmio_rd(GICV_AIAR), 40);
	assert_int_equal(lr_state(0), HAL_LR_ACTIVE);
	mmio_wr(GICV_AEOIR, 40);
	assert_int_equal(lr_state(0), HAL_LR_INVALID);

	/* The aliased registers do not see Group 0. */
	g.lr[1] = lr_sw(41, 0x80, false, HAL_LR_PENDING);
	assert_int_equal(mmio_rd(GICV_AHPPIR), SPURIOUS);
	assert_int_equal(mmio_rd(GICV_AIAR), SPURIOUS);
	assert_int_equal(mmio_rd(GICV_IAR), 41);
}

static void
test_vcpuif_v2_group0_is_virq_unless_fiqen_and_needs_enable(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, false, HAL_LR_PENDING);
	assert_true(vcpuif_virq(&c));
	assert_false(vcpuif_vfiq(&c));
	mmio_wr(GICV_CTLR, 0x3 | VFIQEN);
	assert_false(vcpuif_virq(&c));
	assert_true(vcpuif_vfiq(&c));
	/* EnableGrp0 off: nothing, even with Group 1 on. */
	mmio_wr(GICV_CTLR, 0x2 | VFIQEN);
	assert_false(vcpuif_vfiq(&c));
	assert_false(vcpuif_virq(&c));
	assert_int_equal(mmio_rd(GICV_IAR), SPURIOUS);
	/* Group 1 is an IRQ whatever FIQEn says. */
	g.lr[1] = lr_sw(41, 0x80, true, HAL_LR_PENDING);
	assert_true(vcpuif_virq(&c));
	assert_false(vcpuif_vfiq(&c));
	mmio_wr(GICV_CTLR, 0x0 | VFIQEN);
	assert_false(vcpuif_virq(&c));
}

static void test_vcpuif_v2_keeps_both_groups_priorities_in_apr0(void **st)
{
	(void)st;
	g.lr[0] = lr_sw(40, 0x80, false, HAL_LR_PENDING);
	assert_int_equal(mmio_rd(GICV_IAR), 40);
	assert_int_equal(g.apr[0], 1u << 16);
	assert_int_equal(g.apr[1], 0);
	assert_int_equal(mmio_rd(GICV_APR0), 1u << 16);
	mmio_wr(GICV_EOIR, 40);
	assert_int_equal(g.apr[0], 0);
}

static void test_vcpuif_v2_sgi_reads_its_source_cpu_from_vintid(void **st)
{
	(void)st;
	/* SGI 1 from CPU 2 in GICv2 form: vINTID [12:10] = 2. */
	g.lr[0] = lr_sw((2u << 10) | 1, 0x80, false, HAL_LR_PENDING);
	assert_int_equal(mmio_rd(GICV_HPPIR), 0x801);
	assert_int_equal(mmio_rd(GICV_IAR), 0x801);
	/* EOI by ID alone does not match the source: nothing deactivated. */
	mmio_wr(GICV_EOIR, 1);
	assert_int_equal(lr_state(0), HAL_LR_ACTIVE);
	mmio_wr(GICV_CTLR, 0x3 | VEOIM);
	mmio_wr(GICV_DIR, 0x801);
	assert_int_equal(lr_state(0), HAL_LR_INVALID);
}

#define T(f, s) cmocka_unit_test_setup(f, s)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_vcpuif_ack_returns_highest_priority_pending_and_activates,
	      setup_v3),
	    T(test_vcpuif_nothing_pending_reads_spurious, setup_v3),
	    T(test_vcpuif_pmr_masks_priorities_not_above_it, setup_v3),
	    T(test_vcpuif_running_priority_blocks_lower_and_equal_priorities,
	      setup_v3),
	    T(test_vcpuif_binary_point_decides_preemption_by_group_priority,
	      setup_v3),
	    T(test_vcpuif_binary_points_have_minimums_and_cbpr_aliases_bpr1,
	      setup_v3),
	    T(test_vcpuif_eoi_drops_priority_and_deactivates_in_eoimode_0,
	      setup_v3),
	    T(test_vcpuif_eoimode_1_eoi_drops_priority_and_dir_deactivates,
	      setup_v3),
	    T(test_vcpuif_deactivation_leaves_a_repended_interrupt_pending,
	      setup_v3),
	    T(test_vcpuif_hw_lr_deactivation_deactivates_the_physical_intid,
	      setup_v3),
	    T(test_vcpuif_eoi_of_an_intid_in_no_lr_counts_in_eoicount,
	      setup_v3),
	    T(test_vcpuif_eoi_with_nothing_active_or_a_special_intid_is_ignored,
	      setup_v3),
	    T(test_vcpuif_virq_follows_lrs_pmr_and_group_enable, setup_v3),
	    T(test_vcpuif_v3_group0_is_a_vfiq_acknowledged_through_iar0,
	      setup_v3),
	    T(test_vcpuif_underflow_maintenance_needs_uie_and_one_valid_lr,
	      setup_v3),
	    T(test_vcpuif_eoi_bit_asks_for_maintenance_once_deactivated,
	      setup_v3),
	    T(test_vcpuif_misr_reports_no_pending_and_group_enable_changes,
	      setup_v3),
	    T(test_vcpuif_sysreg_decodes_icv_encodings_and_directions,
	      setup_v3),
	    T(test_vcpuif_ctlr_shows_fixed_fields_and_holds_cbpr_eoimode,
	      setup_v3),
	    T(test_vcpuif_rpr_and_hppir_values, setup_v3),
	    T(test_vcpuif_v2_mmio_register_map, setup_v2),
	    T(test_vcpuif_v2_ack_eoi_and_dir_through_the_frame, setup_v2),
	    T(test_vcpuif_v2_group1_needs_ackctl_or_the_aliased_registers,
	      setup_v2),
	    T(test_vcpuif_v2_group0_is_virq_unless_fiqen_and_needs_enable,
	      setup_v2),
	    T(test_vcpuif_v2_keeps_both_groups_priorities_in_apr0, setup_v2),
	    T(test_vcpuif_v2_sgi_reads_its_source_cpu_from_vintid, setup_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
