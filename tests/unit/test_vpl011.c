/* Unit tests of hv/vpl011.c: the emulated PL011's registers and FIFOs. */
#include "helpers.h"

#include "hv/dev/vpl011.h"

#include <hal/console.h>

static struct vpl011 u;

static int setup(void **state)
{
	(void)state;
	hal_sim_reset();
	/* A fresh console: no line of the last test's UART left open. */
	console_init(NULL, 0, 0);
	vpl011_init(&u, "vm0", NULL);
	return 0;
}

static uint64_t rd(uint64_t off, unsigned size)
{
	uint64_t val = 0xdeadbeefdeadbeefull;

	assert_int_equal(vpl011_read(&u, off, size, &val), HV_OK);
	return val;
}

static uint64_t rd32(uint64_t off)
{
	return rd(off, 4);
}

static void wr(uint64_t off, unsigned size, uint64_t val)
{
	assert_int_equal(vpl011_write(&u, off, size, val), HV_OK);
}

static void wr32(uint64_t off, uint64_t val)
{
	wr(off, 4, val);
}

static void enable_fifo(void)
{
	wr32(PL011_LCR_H, PL011_LCR_H_FEN);
}

static void push(const char *s)
{
	while (*s != '\0')
		vpl011_rx_push(&u, (uint8_t)*s++);
}

static void test_vpl011_reset_values(void **st)
{
	(void)st;
	assert_int_equal(rd32(PL011_CR), 0x300);
	assert_int_equal(rd32(PL011_IFLS), 0x12);
	assert_int_equal(rd32(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
	assert_int_equal(rd32(PL011_FR), 0x90);
	assert_int_equal(rd32(PL011_DR), 0);
	assert_int_equal(rd32(PL011_RSR), 0);
	assert_int_equal(rd32(PL011_ILPR), 0);
	assert_int_equal(rd32(PL011_IBRD), 0);
	assert_int_equal(rd32(PL011_FBRD), 0);
	assert_int_equal(rd32(PL011_LCR_H), 0);
	assert_int_equal(rd32(PL011_IMSC), 0);
	assert_int_equal(rd32(PL011_RIS), 0);
	assert_int_equal(rd32(PL011_MIS), 0);
	assert_int_equal(rd32(PL011_DMACR), 0);
	assert_false(vpl011_irq_pending(&u));
}

static void test_vpl011_init_resets_a_used_uart(void **st)
{
	(void)st;
	wr32(PL011_IBRD, 5);
	wr32(PL011_IMSC, 0x7ff);
	push("a");
	vpl011_init(&u, "other", NULL);
	assert_int_equal(rd32(PL011_IBRD), 0);
	assert_int_equal(rd32(PL011_IMSC), 0);
	assert_int_equal(rd32(PL011_FR), 0x90);
	assert_string_equal(u.name, "other");
}

static void test_vpl011_registers_keep_only_their_implemented_bits(void **st)
{
	static const struct {
		uint64_t off;
		uint32_t mask;
	} regs[] = {
	    {PL011_ILPR, 0xff},	 {PL011_IBRD, 0xffff}, {PL011_FBRD, 0x3f},
	    {PL011_LCR_H, 0xff}, {PL011_CR, 0xff87},   {PL011_IFLS, 0x3f},
	    {PL011_IMSC, 0x7ff}, {PL011_DMACR, 0x7},
	};

	(void)st;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		wr32(regs[i].off, 0xffffffff);
		assert_int_equal(rd32(regs[i].off), regs[i].mask);
		wr32(regs[i].off, 0x5a5a5a5a);
		assert_int_equal(rd32(regs[i].off), 0x5a5a5a5a & regs[i].mask);
		wr32(regs[i].off, 0);
		assert_int_equal(rd32(regs[i].off), 0);
	}
}

static void test_vpl011_read_only_and_test_registers_ignore_writes(void **st)
{
	(void)st;
	wr32(PL011_FR, 0xffffffff);
	wr32(PL011_RIS, 0xffffffff);
	wr32(PL011_MIS, 0xffffffff);
	assert_int_equal(rd32(PL011_FR), 0x90);
	assert_int_equal(rd32(PL011_RIS), 0);
	assert_int_equal(rd32(PL011_MIS), 0);
	for (uint64_t off = PL011_ITCR; off <= PL011_TDR; off += 4) {
		wr32(off, 0xffffffff);
		assert_int_equal(rd32(off), 0);
	}
	/* ICR reads as zero. */
	assert_int_equal(rd32(PL011_ICR), 0);
}

static void test_vpl011_identification_registers(void **st)
{
	static const uint8_t id[8] = {0x11, 0x10, 0x14, 0x00,
				      0x0d, 0xf0, 0x05, 0xb1};

	(void)st;
	for (unsigned i = 0; i < 8; i++) {
		uint64_t off = PL011_PERIPHID0 + 4 * i;

		assert_int_equal(rd32(off), id[i]);
		assert_int_equal(rd(off, 1), id[i]);
		/* Read-only. */
		wr32(off, 0xff);
		assert_int_equal(rd32(off), id[i]);
	}
}

static void test_vpl011_sub_word_reads_pick_bytes(void **st)
{
	(void)st;
	wr32(PL011_IBRD, 0x8001);
	assert_int_equal(rd(PL011_IBRD + 1, 1), 0x80);
	assert_int_equal(rd(PL011_IBRD, 1), 0x01);
	assert_int_equal(rd(PL011_IBRD, 2), 0x8001);
	assert_int_equal(rd(PL011_IBRD + 2, 2), 0);
	assert_int_equal(rd(PL011_IBRD + 3, 1), 0);
	assert_int_equal(rd(PL011_CR + 1, 1), 0x03);
	assert_int_equal(rd(PL011_PCELLID0 + 12, 2), 0xb1);
}

static void test_vpl011_sub_word_writes_merge_into_the_register(void **st)
{
	(void)st;
	wr32(PL011_IBRD, 0x8001);
	wr(PL011_IBRD + 1, 1, 0x12);
	assert_int_equal(rd32(PL011_IBRD), 0x1201);
	wr(PL011_IBRD, 1, 0x34);
	assert_int_equal(rd32(PL011_IBRD), 0x1234);
	/* Bytes beyond the register's width are dropped. */
	wr(PL011_IBRD + 2, 2, 0xffff);
	assert_int_equal(rd32(PL011_IBRD), 0x1234);
	/* A byte write to CR[15:8] keeps the low byte. */
	wr32(PL011_CR, 0x0081);
	wr(PL011_CR + 1, 1, 0x01);
	assert_int_equal(rd32(PL011_CR), 0x0181);
	/* Only the supplied bytes of the value count. */
	wr(PL011_IMSC, 1, 0xffffff10);
	assert_int_equal(rd32(PL011_IMSC), 0x10);
}

static void test_vpl011_refuses_bad_sizes_alignment_and_offsets(void **st)
{
	static const uint64_t reserved[] = {0x008, 0x00c, 0x010,    0x014,
					    0x01c, 0x04c, 0x07c,    0x090,
					    0x100, 0xfdc, 0xffc + 4};
	uint64_t val = 0x1234;

	(void)st;
	assert_int_equal(vpl011_read(&u, PL011_DR, 8, &val), HV_ERR_ACCESS);
	assert_int_equal(vpl011_write(&u, PL011_DR, 8, 'x'), HV_ERR_ACCESS);
	assert_int_equal(vpl011_read(&u, PL011_IBRD, 3, &val), HV_ERR_ACCESS);
	assert_int_equal(vpl011_read(&u, PL011_IBRD, 0, &val), HV_ERR_ACCESS);
	assert_int_equal(vpl011_read(&u, PL011_IBRD + 1, 2, &val),
			 HV_ERR_ACCESS);
	assert_int_equal(vpl011_read(&u, PL011_IBRD + 2, 4, &val),
			 HV_ERR_ACCESS);
	assert_int_equal(vpl011_write(&u, PL011_IBRD + 3, 2, 1), HV_ERR_ACCESS);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		assert_int_equal(vpl011_read(&u, reserved[i], 4, &val),
				 HV_ERR_ACCESS);
		assert_int_equal(vpl011_write(&u, reserved[i], 4, 0),
				 HV_ERR_ACCESS);
		assert_int_equal(vpl011_read(&u, reserved[i] + 1, 1, &val),
				 HV_ERR_ACCESS);
	}
	assert_int_equal(val, 0x1234);
	assert_string_equal(console(), "");
}

static void test_vpl011_tx_goes_to_console_with_name_prefix(void **st)
{
	(void)st;
	wr32(PL011_DR, 'h');
	wr32(PL011_DR, 'i');
	wr32(PL011_DR, '\n');
	wr32(PL011_DR, 'o');
	wr(PL011_DR, 1, 'k');
	assert_string_equal(console(), "vm0| hi\nvm0| ok");
	wr(PL011_DR, 2, 0x0f00 | '\n');
	wr32(PL011_DR, '\n');
	assert_string_equal(console(), "vm0| hi\nvm0| ok\nvm0| \n");
}

static void test_vpl011_tx_only_from_the_data_byte(void **st)
{
	(void)st;
	/* Bytes 1-3 of DR hold no data: writing them sends nothing. */
	wr(PL011_DR + 1, 1, 'x');
	wr(PL011_DR + 2, 2, 'y');
	assert_string_equal(console(), "");
	assert_int_equal(rd32(PL011_RIS) & PL011_INT_TX, 0);
}

static void test_vpl011_tx_sets_tx_interrupt(void **st)
{
	(void)st;
	wr32(PL011_DR, 'a');
	assert_int_equal(rd32(PL011_RIS), PL011_INT_TX);
	assert_int_equal(rd32(PL011_MIS), 0);
	assert_false(vpl011_irq_pending(&u));
	wr32(PL011_IMSC, PL011_INT_TX);
	assert_int_equal(rd32(PL011_MIS), PL011_INT_TX);
	assert_true(vpl011_irq_pending(&u));
	wr32(PL011_ICR, PL011_INT_TX);
	assert_int_equal(rd32(PL011_RIS), 0);
	assert_false(vpl011_irq_pending(&u));
	/* The TX FIFO never fills: TXFE stays set, TXFF and BUSY clear. */
	assert_int_equal(rd32(PL011_FR), 0x90);
}

static void test_vpl011_loopback_feeds_rx_fifo_not_console(void **st)
{
	(void)st;
	wr32(PL011_CR, 0x301 | PL011_CR_LBE);
	enable_fifo();
	wr32(PL011_DR, 'A');
	wr32(PL011_DR, 'B');
	assert_string_equal(console(), "");
	assert_int_equal(rd32(PL011_FR), PL011_FR_TXFE);
	assert_int_equal(rd32(PL011_DR), 'A');
	assert_int_equal(rd32(PL011_DR), 'B');
	assert_int_equal(rd32(PL011_FR), 0x90);
	/* Leaving loopback sends to the console again, with the prefix. */
	wr32(PL011_CR, 0x301);
	wr32(PL011_DR, 'C');
	assert_string_equal(console(), "vm0| C");
}

static void test_vpl011_fifo_depth_is_16_with_fen(void **st)
{
	(void)st;
	enable_fifo();
	push("0123456789abcde");
	assert_int_equal(rd32(PL011_FR), PL011_FR_TXFE);
	push("f");
	assert_int_equal(rd32(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFF);
	assert_int_equal(rd32(PL011_RSR), 0);
	assert_int_equal(rd32(PL011_RIS) & PL011_INT_OE, 0);
}

static void test_vpl011_fifo_depth_is_1_without_fen(void **st)
{
	(void)st;
	push("a");
	assert_int_equal(rd32(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFF);
	push("b");
	assert_int_equal(rd32(PL011_RSR), PL011_RSR_OE);
	/* The overrun is reported with the last character queued. */
	assert_int_equal(rd32(PL011_DR), 'a' | PL011_DR_OE);
	assert_int_equal(rd32(PL011_DR), 0);
}

static void test_vpl011_overrun_sets_rsr_oe_ris_oe_and_dr_bit_11(void **st)
{
	(void)st;
	enable_fifo();
	push("0123456789abcdef");
	push("!");
	assert_int_equal(rd32(PL011_RSR), 0x8);
	assert_int_equal(rd32(PL011_RIS) & PL011_INT_OE, PL011_INT_OE);
	/* The lost character is not queued. */
	assert_int_equal(u.rx_count, 16);
	/* Only the last character that was queued carries the overrun. */
	assert_int_equal(rd32(PL011_DR), '0');
	/* A byte read at DR+1 shows no data and pops nothing. */
	assert_int_equal(rd(PL011_DR + 1, 1), 0);
	assert_int_equal(u.rx_count, 15);
	for (const char *c = "123456789abcde"; *c != '\0'; c++)
		assert_int_equal(rd32(PL011_DR), (unsigned)*c);
	assert_int_equal(rd32(PL011_DR), 0x800 | 'f');
	/* RSR keeps the overrun until a write to ECR clears it. */
	assert_int_equal(rd32(PL011_RSR), 0x8);
	wr(PL011_RSR, 1, 0);
	assert_int_equal(rd32(PL011_RSR), 0);
	/* OE in RIS stays until cleared through ICR. */
	assert_int_equal(rd32(PL011_RIS) & PL011_INT_OE, PL011_INT_OE);
	wr32(PL011_ICR, PL011_INT_OE);
	assert_int_equal(rd32(PL011_RIS) & PL011_INT_OE, 0);
}

static void test_vpl011_icr_clears_only_written_bits(void **st)
{
	(void)st;
	push("a");
	push("b");
	wr32(PL011_DR, '.');
	assert_int_equal(rd32(PL011_RIS),
			 PL011_INT_RX | PL011_INT_TX | PL011_INT_OE);
	/* A byte write to ICR[15:8] with bit 2 (OE) clears only OE. */
	wr(PL011_ICR + 1, 1, 0x04);
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RX | PL011_INT_TX);
	wr32(PL011_ICR, PL011_INT_TX);
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RX);
	wr32(PL011_ICR, 0xffffffff);
	assert_int_equal(rd32(PL011_RIS), 0);
}

static void test_vpl011_mis_is_ris_masked_by_imsc(void **st)
{
	(void)st;
	push("a");
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RX);
	assert_int_equal(rd32(PL011_MIS), 0);
	assert_false(vpl011_irq_pending(&u));
	wr32(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	assert_int_equal(rd32(PL011_MIS), PL011_INT_RX);
	assert_true(vpl011_irq_pending(&u));
	/* Reading the character drops the RX status. */
	assert_int_equal(rd32(PL011_DR), 'a');
	assert_int_equal(rd32(PL011_RIS), 0);
	assert_int_equal(rd32(PL011_MIS), 0);
	assert_false(vpl011_irq_pending(&u));
}

static void test_vpl011_rx_trigger_levels_follow_ifls(void **st)
{
	static const unsigned level[8] = {2, 4, 8, 12, 14, 14, 14, 14};

	(void)st;
	for (unsigned sel = 0; sel < 8; sel++) {
		setup(NULL);
		enable_fifo();
		wr32(PL011_IFLS, sel << 3);
		for (unsigned i = 1; i < level[sel]; i++)
			push("x");
		/* Below the trigger: receive timeout only. */
		assert_int_equal(rd32(PL011_RIS), PL011_INT_RT);
		push("x");
		assert_int_equal(rd32(PL011_RIS), PL011_INT_RX);
		/* Draining below the trigger goes back to timeout. */
		rd32(PL011_DR);
		assert_int_equal(rd32(PL011_RIS), PL011_INT_RT);
	}
}

static void test_vpl011_default_trigger_is_half_full(void **st)
{
	(void)st;
	enable_fifo();
	push("1234567");
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RT);
	push("8");
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RX);
}

static void test_vpl011_changing_ifls_or_fen_recomputes_rx_status(void **st)
{
	(void)st;
	enable_fifo();
	push("1234");
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RT);
	wr32(PL011_IFLS, 1 << 3); /* trigger at 4 */
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RX);
	wr32(PL011_IFLS, 4 << 3); /* trigger at 14 */
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RT);
	wr32(PL011_LCR_H, 0); /* FIFO off: trigger at 1 */
	assert_int_equal(rd32(PL011_RIS), PL011_INT_RX);
}

static void test_vpl011_rt_interrupt_below_trigger(void **st)
{
	(void)st;
	enable_fifo();
	wr32(PL011_IMSC, PL011_INT_RT);
	push("a");
	assert_int_equal(rd32(PL011_MIS), PL011_INT_RT);
	assert_true(vpl011_irq_pending(&u));
	rd32(PL011_DR);
	assert_int_equal(rd32(PL011_MIS), 0);
	assert_false(vpl011_irq_pending(&u));
}

static void test_vpl011_fifo_wraps_around(void **st)
{
	(void)st;
	enable_fifo();
	for (unsigned round = 0; round < 3; round++) {
		push("0123456789");
		for (const char *c = "0123456789"; *c != '\0'; c++)
			assert_int_equal(rd32(PL011_DR), (uint8_t)*c);
	}
	assert_int_equal(rd32(PL011_FR), 0x90);
}

static void test_vpl011_mmio_ops_reach_the_registers(void **st)
{
	uint64_t val = 0;

	(void)st;
	assert_int_equal(vpl011_mmio_ops.write(&u, NULL, PL011_IBRD, 4, 0x42),
			 HV_OK);
	assert_int_equal(vpl011_mmio_ops.read(&u, NULL, PL011_IBRD, 4, &val),
			 HV_OK);
	assert_int_equal(val, 0x42);
	assert_int_equal(vpl011_mmio_ops.read(&u, NULL, 0x8, 4, &val),
			 HV_ERR_ACCESS);
	assert_int_equal(vpl011_mmio_ops.write(&u, NULL, 0x8, 4, 0),
			 HV_ERR_ACCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_vpl011_reset_values),
	    T(test_vpl011_init_resets_a_used_uart),
	    T(test_vpl011_registers_keep_only_their_implemented_bits),
	    T(test_vpl011_read_only_and_test_registers_ignore_writes),
	    T(test_vpl011_identification_registers),
	    T(test_vpl011_sub_word_reads_pick_bytes),
	    T(test_vpl011_sub_word_writes_merge_into_the_register),
	    T(test_vpl011_refuses_bad_sizes_alignment_and_offsets),
	    T(test_vpl011_tx_goes_to_console_with_name_prefix),
	    T(test_vpl011_tx_only_from_the_data_byte),
	    T(test_vpl011_tx_sets_tx_interrupt),
	    T(test_vpl011_loopback_feeds_rx_fifo_not_console),
	    T(test_vpl011_fifo_depth_is_16_with_fen),
	    T(test_vpl011_fifo_depth_is_1_without_fen),
	    T(test_vpl011_overrun_sets_rsr_oe_ris_oe_and_dr_bit_11),
	    T(test_vpl011_icr_clears_only_written_bits),
	    T(test_vpl011_mis_is_ris_masked_by_imsc),
	    T(test_vpl011_rx_trigger_levels_follow_ifls),
	    T(test_vpl011_default_trigger_is_half_full),
	    T(test_vpl011_changing_ifls_or_fen_recomputes_rx_status),
	    T(test_vpl011_rt_interrupt_below_trigger),
	    T(test_vpl011_fifo_wraps_around),
	    T(test_vpl011_mmio_ops_reach_the_registers),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
