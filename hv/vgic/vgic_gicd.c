/*
 * vgic_gicd: the distributor's hot registers, decoded by a table instead of
 * the general path's chain of range tests (vgic_mmio_v2.c, vgic_mmio_v3.c).
 *
 * The first 4 KiB of GICD are 32 blocks of 128 bytes, and every register
 * there lies in one block: the identification block (CTLR, TYPER, IIDR),
 * the per-INTID bit arrays, IPRIORITYR, ITARGETSR, ICFGR. The table gives,
 * per block, the access widths the block takes and a handler for reads
 * and one for writes, for the accesses guests make all the time: reading
 * CTLR, TYPER and IIDR (Linux's probe, and every driver asking how many
 * interrupts there are), setting and clearing the enables of SPIs, setting
 * an SPI's priority. A handler does what the general path would, in the
 * case it takes; otherwise it declines, having changed nothing, and the
 * general path runs. So the register semantics stay in one place, and the
 * unit tests hold both paths to the same results.
 */
#include "hv/vgic/vgic_internal.h"

#include "hv/exit.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_IPRIORITYR 0x0400
#define BLOCK_SHIFT	7
#define BLOCKS		32

/* What the table takes in a block: the register and the one access
 * width it takes there (any other goes to the general path). */
enum gicd_kind {
	GICD_OTHER,	   /* nothing the table takes: the general path */
	GICD_SET_ENABLE,   /* ISENABLER: a word */
	GICD_CLEAR_ENABLE, /* ICENABLER: a word */
	GICD_PRIORITY,	   /* IPRIORITYR: a byte */
};

/* By 128-byte block of the first 4 KiB. */
static const uint8_t gicd_blocks[BLOCKS] = {
    [GICD_ISENABLER >> BLOCK_SHIFT] = GICD_SET_ENABLE,
    [GICD_ICENABLER >> BLOCK_SHIFT] = GICD_CLEAR_ENABLE,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 0] = GICD_PRIORITY,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 1] = GICD_PRIORITY,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 2] = GICD_PRIORITY,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 3] = GICD_PRIORITY,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 4] = GICD_PRIORITY,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 5] = GICD_PRIORITY,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 6] = GICD_PRIORITY,
    [(GICD_IPRIORITYR >> BLOCK_SHIFT) + 7] = GICD_PRIORITY,
};

/*
 * SPI intid when the direct paths may change it by themselves: it is
 * neither in a list register nor offered to any vCPU, so no list register,
 * offered bitmap or vCPU has to follow. NULL otherwise, and for INTIDs the
 * VM does not have.
 */
static inline struct vgic_irq *idle_spi(struct vm *vm, unsigned intid)
{
	unsigned n = intid - GIC_PRIVATE_COUNT;
	struct vgic_irq *irq;

	if (n >= VGIC_SPI_COUNT || (vm->vgic.spi_offered >> n) & 1)
		return NULL;
	irq = &vm->vgic.spi[n];
	return irq->lr == VGIC_NO_LR ? irq : NULL;
}

/*
 * ISENABLER<n> and ICENABLER<n>, n >= 1 (SPIs; word 0 is banked on v2 and
 * RAZ/WI on v3), one bit at a time, as guests enable and disable an
 * interrupt: the SPI idle. Anything else (word 0, several bits) takes the
 * general path.
 */
static inline bool enable_write(struct vm *vm, uint32_t off, uint32_t bits,
				bool on)
{
	struct vgic_irq *irq;

	if (bits == 0)
		return true; /* writing 0: no effect */
	if ((bits & (bits - 1)) != 0)
		return false;
	/* Word 0 gives an INTID below 32: not an SPI, not idle_spi's. */
	irq = idle_spi(vm, (off & 0x7c) * 8 + vgic_log2_32(bits));
	if (irq == NULL)
		return false;
	irq->enabled = on;
	return true;
}

/*
 * An IPRIORITYR byte of an idle SPI, as guests set one interrupt's
 * priority. Private INTIDs (banked on v2, RAZ/WI in v3's GICD) and words
 * take the general path.
 */
static inline bool priority_write(struct vm *vm, uint32_t off, uint64_t val)
{
	struct vgic_irq *irq = idle_spi(vm, off - GICD_IPRIORITYR);

	if (irq == NULL)
		return false;
	irq->priority = (uint8_t)val & VGIC_PRIORITY_MASK;
	return true;
}

/*
 * The table's part of a data abort on the distributor, at offset off: on
 * one CPU (with several, the VM's lock is needed: the general path), an
 * access the table takes. What it does changes no list register and
 * nothing any vCPU is offered, so no vgic_update follows.
 */
HAL_NOINLINE void vgic_gicd_dabt(struct vcpu *v, const struct vcpu_exit *e,
				 uint32_t off)
{
	struct vm *vm = v->vm;
	uint32_t iss = esr_iss(e->esr);
	unsigned sas = (iss >> ISS_DA_SAS_SHIFT) & ISS_DA_SAS_MASK;
	unsigned reg = (iss >> ISS_DA_SRT_SHIFT) & ISS_DA_SRT_MASK;
	uint64_t val;
	unsigned kind;

	if (!(iss & ISS_DA_WNR)) {
		/*
		 * CTLR, TYPER, IIDR, which only take words: read as they were
		 * last computed (no sign to extend, Wt or Xt alike). Reading
		 * needs no lock: each is one word.
		 */
		if (off >= sizeof(vm->vgic.gicd_ident) || (off & 3) != 0 ||
		    sas != 2)
			goto general;
		vcpu_reg_write(v, reg, vm->vgic.gicd_ident[off / 4]);
		exit_done_insn(v, e->esr);
		return;
	}
	/* The table's 4 KiB are inside either version's frame. */
	/* The table's 4 KiB are inside either version's frame. */
	if (hv_lock_smp || off >= BLOCKS << BLOCK_SHIFT)
		goto general;
	val = vcpu_reg_read(v, reg);
	kind = gicd_blocks[off >> BLOCK_SHIFT];
	switch (kind) {
	case GICD_SET_ENABLE:
	case GICD_CLEAR_ENABLE:
		if (sas != 2 || (off & 3) != 0 ||
		    !enable_write(vm, off, (uint32_t)val,
				  kind == GICD_SET_ENABLE))
			goto general;
		break;
	case GICD_PRIORITY:
		if (sas != 0 || !priority_write(vm, off, val))
			goto general;
		break;
	default:
		goto general;
	}
	exit_done_insn(v, e->esr);
	return;
general:
	mmio_dabt_general(v, e);
}
