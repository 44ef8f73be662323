/*
 * vpl011: registers are modelled as 32-bit words; sub-word accesses are
 * carved out of (reads) or merged into (writes) the word, so each register
 * has one read and one write routine.
 */
#include "hv/dev/vpl011.h"

#include "hv/console.h"

#include "hv/exit.h"
#include "hv/mmio.h"
#include "hv/vgic/vgic_fast.h"
#include "hv/vm.h"

/* RX trigger levels for IFLS.RXIFLSEL 0..4: 1/8, 1/4, 1/2, 3/4, 7/8. */
static const uint8_t rx_trigger_levels[5] = {2, 4, 8, 12, 14};

static const uint8_t id_regs[8] = {
    0x11, 0x10, 0x14, 0x00, /* UARTPeriphID0-3 */
    0x0d, 0xf0, 0x05, 0xb1, /* UARTPCellID0-3 */
};

unsigned vpl011_fifo_depth(const struct vpl011 *u)
{
	return (u->lcr_h & PL011_LCR_H_FEN) ? VPL011_FIFO_DEPTH : 1;
}

static unsigned rx_trigger(const struct vpl011 *u)
{
	unsigned sel = (u->ifls >> 3) & 7;

	if (!(u->lcr_h & PL011_LCR_H_FEN))
		return 1;
	return sel < 5 ? rx_trigger_levels[sel] : rx_trigger_levels[4];
}

/* Recomputes the RX and receive-timeout status from the FIFO level. */
static void update_rx_status(struct vpl011 *u)
{
	u->ris &= (uint16_t) ~(PL011_INT_RX | PL011_INT_RT);
	if (u->rx_count >= rx_trigger(u))
		u->ris |= PL011_INT_RX;
	else if (u->rx_count > 0)
		/*
		 * Data below the trigger level would raise the timeout after
		 * 32 idle bit periods; the line is always idle here.
		 */
		u->ris |= PL011_INT_RT;
}

void vpl011_init(struct vpl011 *u, const char *name, struct vm *vm)
{
	*u = (struct vpl011){0};
	u->vm = vm;
	u->name = name;
	while (name[u->name_len] != '\0')
		u->name_len++;
	u->line_start = true;
	u->cr = PL011_CR_TXE | PL011_CR_RXE;
	u->ifls = 0x12;
}

void vpl011_rx_push(struct vpl011 *u, uint8_t byte)
{
	if (u->rx_count >= vpl011_fifo_depth(u)) {
		/*
		 * The byte is lost; the overrun is reported with the last
		 * character that made it into the FIFO (DR bit 11), and in
		 * RSR until the guest clears it through ECR.
		 */
		u->rx_fifo[(u->rx_head + u->rx_count - 1) %
			   VPL011_FIFO_DEPTH] |= PL011_DR_OE;
		u->rsr |= PL011_RSR_OE;
		u->ris |= PL011_INT_OE;
		return;
	}
	u->rx_fifo[(u->rx_head + u->rx_count) % VPL011_FIFO_DEPTH] = byte;
	u->rx_count++;
	update_rx_status(u);
}

bool vpl011_irq_pending(const struct vpl011 *u)
{
	return (u->ris & u->imsc) != 0;
}

/* The UART's interrupt output is wired to SPI 1 of its VM's GIC; only
 * changes of the line reach the vGIC. */
void vpl011_update_irq(struct vpl011 *u)
{
	bool line = vpl011_irq_pending(u);

	if (line == u->irq_line || u->vm == NULL || u->vm->vgic.version == 0)
		return;
	u->irq_line = line;
	vgic_set_level(u->vm, NULL, VPL011_INTID, line);
}

void vpl011_dr_write(struct vpl011 *u, uint8_t c)
{
	if (u->cr & PL011_CR_LBE) {
		vpl011_rx_push(u, c);
	} else {
		console_putc(u, (char)c);
	}
	/* The FIFO drained at once: TX is at or below its trigger level. */
	u->ris |= PL011_INT_TX;
	if (u->imsc & PL011_INT_TX)
		vpl011_update_irq(u);
}

/* vpl011_dr_dabt's general case: under the VM's lock, the UART's
 * interrupt line followed. */
static HAL_NOINLINE void dr_dabt_locked(struct vcpu *v,
					const struct vcpu_exit *e, uint8_t c)
{
	struct vm *vm = v->vm;

	vm_lock(vm);
	vpl011_dr_write(&vm->uart, c);
	vm_unlock(vm);
	exit_done_insn(v, e->esr);
	/* The list registers follow only when the UART's line moved (the
	 * maintenance interrupt refills them otherwise). */
	if (atomic_load_explicit(&v->vgic.rescan, memory_order_relaxed))
		vgic_update_lrs(v);
}

HAL_NOINLINE void vpl011_dr_dabt(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vpl011 *u = &v->vm->uart;
	uint32_t iss = esr_iss(e->esr);
	uint8_t c;

	/* A doubleword store to DR is refused: the general path says so. */
	if (((iss >> ISS_DA_SAS_SHIFT) & ISS_DA_SAS_MASK) == 3) {
		mmio_dabt_general(v, e);
		return;
	}
	c = (uint8_t)vcpu_reg_read(v,
				   (iss >> ISS_DA_SRT_SHIFT) & ISS_DA_SRT_MASK);
	/*
	 * One CPU (no lock), an AArch64 guest, no loopback, no TX interrupt
	 * enabled (so its line, and the vGIC, stay as they are): the byte
	 * goes to the console, and that is all.
	 */
	if (hv_lock_smp || psr_is_aarch32(v->arch.regs.pstate) ||
	    (u->cr & PL011_CR_LBE) || (u->imsc & PL011_INT_TX)) {
		dr_dabt_locked(v, e, c);
		return;
	}
	u->ris |= PL011_INT_TX;
	v->arch.regs.pc += 4;
	console_putc(u, (char)c);
}

static uint32_t read_dr(struct vpl011 *u)
{
	uint32_t v;

	if (u->rx_count == 0)
		return 0;
	v = u->rx_fifo[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VPL011_FIFO_DEPTH;
	u->rx_count--;
	update_rx_status(u);
	return v;
}

static uint32_t read_fr(const struct vpl011 *u)
{
	uint32_t fr = PL011_FR_TXFE;

	if (u->rx_count == 0)
		fr |= PL011_FR_RXFE;
	if (u->rx_count >= vpl011_fifo_depth(u))
		fr |= PL011_FR_RXFF;
	return fr;
}

/* Reads the whole 32-bit register at word offset reg. */
static enum hv_err read_reg(struct vpl011 *u, uint64_t reg, bool pop,
			    uint32_t *out)
{
	switch (reg) {
	case PL011_DR:
		*out = pop ? read_dr(u) : 0;
		/* Input queued while the FIFO was full may come now. */
		if (pop)
			console_feed(u);
		return HV_OK;
	case PL011_RSR:
		*out = u->rsr;
		return HV_OK;
	case PL011_FR:
		*out = read_fr(u);
		return HV_OK;
	case PL011_ILPR:
		*out = u->ilpr;
		return HV_OK;
	case PL011_IBRD:
		*out = u->ibrd;
		return HV_OK;
	case PL011_FBRD:
		*out = u->fbrd;
		return HV_OK;
	case PL011_LCR_H:
		*out = u->lcr_h;
		return HV_OK;
	case PL011_CR:
		*out = u->cr;
		return HV_OK;
	case PL011_IFLS:
		*out = u->ifls;
		return HV_OK;
	case PL011_IMSC:
		*out = u->imsc;
		return HV_OK;
	case PL011_RIS:
		*out = u->ris;
		return HV_OK;
	case PL011_MIS:
		*out = u->ris & u->imsc;
		return HV_OK;
	case PL011_ICR:
	case PL011_DMACR:
		*out = reg == PL011_DMACR ? u->dmacr : 0;
		return HV_OK;
	case PL011_ITCR:
	case PL011_ITIP:
	case PL011_ITOP:
	case PL011_TDR:
		/* Integration test registers: not modelled, read as zero. */
		*out = 0;
		return HV_OK;
	default:
		if (reg >= PL011_PERIPHID0 && reg <= PL011_PCELLID0 + 0xc) {
			*out = id_regs[(reg - PL011_PERIPHID0) / 4];
			return HV_OK;
		}
		return HV_ERR_ACCESS;
	}
}

static void write_lcr_h(struct vpl011 *u, uint32_t v)
{
	/* Changing FEN flushes nothing in the TRM, but the depth changes. */
	u->lcr_h = (uint16_t)(v & 0xff);
	update_rx_status(u);
}

/* Writes the whole register; mask says which bytes the guest supplied. */
static enum hv_err write_reg(struct vpl011 *u, uint64_t reg, uint32_t v,
			     uint32_t mask)
{
	uint32_t cur = 0;

	switch (reg) {
	case PL011_DR:
		/*
		 * Stores to byte 0 are sent by vpl011_write; bytes 1-3 hold
		 * read-only error flags.
		 */
		return HV_OK;
	case PL011_RSR:
		/* ECR: any write clears the error flags. */
		u->rsr = 0;
		return HV_OK;
	case PL011_ICR:
		u->ris &= (uint16_t) ~(v & mask & PL011_INT_ALL);
		return HV_OK;
	case PL011_FR:
	case PL011_RIS:
	case PL011_MIS:
	case PL011_ITCR:
	case PL011_ITIP:
	case PL011_ITOP:
	case PL011_TDR:
		/* Read-only or unmodelled test registers: writes ignored. */
		return HV_OK;
	default:
		break;
	}
	if (read_reg(u, reg, false, &cur) != HV_OK)
		return HV_ERR_ACCESS;
	v = (cur & ~mask) | (v & mask);
	switch (reg) {
	case PL011_ILPR:
		u->ilpr = (uint8_t)v;
		break;
	case PL011_IBRD:
		u->ibrd = (uint16_t)v;
		break;
	case PL011_FBRD:
		u->fbrd = (uint16_t)(v & 0x3f);
		break;
	case PL011_LCR_H:
		write_lcr_h(u, v);
		break;
	case PL011_CR:
		u->cr = (uint16_t)(v & 0xff87);
		break;
	case PL011_IFLS:
		u->ifls = (uint16_t)(v & 0x3f);
		update_rx_status(u);
		break;
	case PL011_IMSC:
		u->imsc = (uint16_t)(v & PL011_INT_ALL);
		break;
	case PL011_DMACR:
		u->dmacr = (uint16_t)(v & 0x7);
		break;
	default:
		/* Identification registers are read-only. */
		break;
	}
	return HV_OK;
}

static bool access_ok(uint64_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) &&
	       (off & (size - 1)) == 0 && off < 0x1000;
}

enum hv_err vpl011_read(struct vpl011 *u, uint64_t off, unsigned size,
			uint64_t *val)
{
	unsigned shift = (unsigned)(off & 3) * 8;
	uint32_t word;
	enum hv_err err;

	if (!access_ok(off, size))
		return HV_ERR_ACCESS;
	/* Only an access that includes DR's data byte pops the FIFO. */
	err = read_reg(u, off & ~3ull, shift == 0, &word);
	/* A read may pop the RX FIFO or pull console input. */
	vpl011_update_irq(u);
	if (err != HV_OK)
		return err;
	*val = (word >> shift) &
	       (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	return HV_OK;
}

enum hv_err vpl011_write(struct vpl011 *u, uint64_t off, unsigned size,
			 uint64_t val)
{
	unsigned shift = (unsigned)(off & 3) * 8;
	enum hv_err err;
	uint32_t mask;

	/* The hot path: a byte, halfword or word store to DR. */
	if (off == PL011_DR && size <= 4) {
		vpl011_dr_write(u, (uint8_t)val);
		return HV_OK;
	}
	if (!access_ok(off, size))
		return HV_ERR_ACCESS;
	mask = (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1) << shift;
	err = write_reg(u, off & ~3ull, (uint32_t)(val << shift), mask);
	vpl011_update_irq(u);
	return err;
}

/* Every vCPU of the VM, and the CPU taking console input, share u. */
static void lock(const struct vpl011 *u)
{
	if (u->vm != NULL)
		vm_lock(u->vm);
}

static void unlock(const struct vpl011 *u)
{
	if (u->vm != NULL)
		vm_unlock(u->vm);
}

/* The bus calls these with the VM locked. */
static enum hv_err mmio_read(void *dev, struct vcpu *v, uint64_t off,
			     unsigned size, uint64_t *val)
{
	(void)v;
	return vpl011_read(dev, off, size, val);
}

static enum hv_err mmio_write(void *dev, struct vcpu *v, uint64_t off,
			      unsigned size, uint64_t val)
{
	(void)v;
	return vpl011_write(dev, off, size, val);
}

bool vpl011_rx_full(const struct vpl011 *u)
{
	bool full;

	lock(u);
	full = u->rx_count >= vpl011_fifo_depth(u);
	unlock(u);
	return full;
}

void vpl011_receive(struct vpl011 *u, uint8_t byte)
{
	lock(u);
	vpl011_rx_push(u, byte);
	vpl011_update_irq(u);
	unlock(u);
}

const struct mmio_ops vpl011_mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
};
