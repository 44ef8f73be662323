/*
 * mmio: loads and stores of every width and sign-extension form against the
 * emulated PL011.
 *
 * The hypervisor decodes each access from the data abort syndrome (size,
 * sign extension, 32/64-bit destination, XZR as the source), so every form
 * is written out as its own instruction in inline asm: the compiler must not
 * be free to pick another. Pairs and pre/post-indexed forms come with no
 * syndrome (ISV = 0): the hypervisor decodes those from the instruction,
 * writeback included. Accesses the emulation refuses (64-bit, a reserved
 * offset) must come back as synchronous external aborts.
 */
#include "guest.h"
#include "lib/fmt.h"

#define UARTDR	      0x000
#define UARTFR	      0x018
#define UARTIBRD      0x024
#define UARTFBRD      0x028
#define UARTCR	      0x030
#define UARTIFLS      0x034
#define UARTIMSC      0x038
#define UARTDMACR     0x048
#define UART_RESERVED 0x050
#define UARTPERIPHID0 0xfe0
#define UARTPCELLID0  0xff0

#define UARTFR_TXFF (1u << 5)
#define UARTFR_TXFE (1u << 7)

#define ESR_DABT_READ  0x96000010 /* EC 0x25, IL, DFSC 0x10 */
#define ESR_DABT_WRITE 0x96000050 /* ... and WnR */

/* Read at run time so every address is formed in a register. */
static const volatile uintptr_t pl011 = PL011_BASE;

static uintptr_t reg(unsigned offset)
{
	return pl011 + offset;
}

#define MMIO_LOAD(name, insn)                                                  \
	static uint64_t name(uintptr_t addr)                                   \
	{                                                                      \
		uint64_t v = 0;                                                \
		__asm__ __volatile__(insn ", [%1]"                             \
				     : "+r"(v)                                 \
				     : "r"(addr)                               \
				     : "memory");                              \
		return v;                                                      \
	}

#define MMIO_STORE(name, insn)                                                 \
	static void name(uintptr_t addr, uint64_t v)                           \
	{                                                                      \
		__asm__ __volatile__(insn ", [%1]"                             \
				     :                                         \
				     : "r"(v), "r"(addr)                       \
				     : "memory");                              \
	}

MMIO_LOAD(ldrb, "ldrb %w0")
MMIO_LOAD(ldrh, "ldrh %w0")
MMIO_LOAD(ldr_w, "ldr %w0")
MMIO_LOAD(ldr_x, "ldr %x0")
MMIO_LOAD(ldrsb_x, "ldrsb %x0")
MMIO_LOAD(ldrsb_w, "ldrsb %w0")
MMIO_LOAD(ldrsh_x, "ldrsh %x0")
MMIO_LOAD(ldrsh_w, "ldrsh %w0")
MMIO_LOAD(ldrsw, "ldrsw %x0")

MMIO_STORE(strh, "strh %w0")
MMIO_STORE(str_w, "str %w0")
MMIO_STORE(str_x, "str %x0")

static void str_wzr(uintptr_t addr)
{
	__asm__ __volatile__("str wzr, [%0]" : : "r"(addr) : "memory");
}

static void strb_wzr(uintptr_t addr)
{
	__asm__ __volatile__("strb wzr, [%0]" : : "r"(addr) : "memory");
}

/* A load pair has no valid instruction syndrome (ISV = 0). */
static uint64_t ldp_w(uintptr_t addr, uint64_t *second)
{
	uint64_t a = 0, b = 0;

	__asm__ __volatile__("ldp %w0, %w1, [%2]"
			     : "+r"(a), "+r"(b)
			     : "r"(addr)
			     : "memory");
	*second = b;
	return a;
}

static const struct {
	const char *name;
	unsigned offset;
	uint64_t value;
} id_regs[] = {
    {"PeriphID0", UARTPERIPHID0, 0x11},
    {"PCellID0", UARTPCELLID0 + 0x0, 0x0d},
    {"PCellID1", UARTPCELLID0 + 0x4, 0xf0},
    {"PCellID2", UARTPCELLID0 + 0x8, 0x05},
    {"PCellID3", UARTPCELLID0 + 0xc, 0xb1},
};

static void check_id_register_reads(void)
{
	static const struct {
		const char *name;
		uint64_t (*load)(uintptr_t addr);
	} loads[] = {{"ldrb", ldrb}, {"ldrh", ldrh}, {"ldr w", ldr_w}};
	char what[32];

	for (unsigned i = 0; i < sizeof(id_regs) / sizeof(id_regs[0]); i++) {
		for (unsigned j = 0; j < sizeof(loads) / sizeof(loads[0]);
		     j++) {
			fmt_snprintf(what, sizeof(what), "%s %s", loads[j].name,
				     id_regs[i].name);
			check_eq(what, loads[j].load(reg(id_regs[i].offset)),
				 id_regs[i].value);
		}
	}
}

static void check_sign_extending_loads(void)
{
	check_eq("ldrsb x PCellID1", ldrsb_x(reg(UARTPCELLID0 + 0x4)),
		 0xfffffffffffffff0);
	check_eq("ldrsb w PCellID1", ldrsb_w(reg(UARTPCELLID0 + 0x4)),
		 0x00000000fffffff0);
	check_eq("ldrsw PCellID3", ldrsw(reg(UARTPCELLID0 + 0xc)), 0xb1);
}

static void check_partial_register_accesses(void)
{
	str_w(reg(UARTIBRD), 0x8001);
	check_eq("ldrh IBRD after str w 0x8001", ldrh(reg(UARTIBRD)), 0x8001);
	check_eq("ldrsh x IBRD", ldrsh_x(reg(UARTIBRD)), 0xffffffffffff8001);
	check_eq("ldrsh w IBRD", ldrsh_w(reg(UARTIBRD)), 0x00000000ffff8001);
	check_eq("ldrb IBRD+1", ldrb(reg(UARTIBRD + 1)), 0x80);

	strh(reg(UARTIBRD), 0x1234);
	check_eq("ldr w IBRD after strh 0x1234", ldr_w(reg(UARTIBRD)), 0x1234);

	str_w(reg(UARTIMSC), 0x7f0);
	check_eq("ldr w IMSC after str w 0x7f0", ldr_w(reg(UARTIMSC)), 0x7f0);
	strb_wzr(reg(UARTIMSC));
	check_eq("ldr w IMSC after strb wzr", ldr_w(reg(UARTIMSC)), 0x700);
	str_wzr(reg(UARTIMSC));
	check_eq("ldr w IMSC after str wzr", ldr_w(reg(UARTIMSC)), 0);
}

static void check_status_and_reset_values(void)
{
	uint64_t fr = ldr_w(reg(UARTFR));

	check_true("FR.TXFE set", (fr & UARTFR_TXFE) != 0);
	check_true("FR.TXFF clear", (fr & UARTFR_TXFF) == 0);
	check_eq("CR reset value", ldr_w(reg(UARTCR)), 0x300);
	check_eq("IFLS reset value", ldr_w(reg(UARTIFLS)), 0x12);
}

static void check_refused_accesses(void)
{
	uint64_t second;

	exc_expect();
	(void)ldr_x(reg(UARTDR));
	check_exc("ldr x DR", ESR_DABT_READ, reg(UARTDR), NULL);

	exc_expect();
	str_x(reg(UARTIMSC), 0x7ff);
	check_exc("str x IMSC", ESR_DABT_WRITE, reg(UARTIMSC), NULL);
	check_eq("ldr w IMSC after refused str x", ldr_w(reg(UARTIMSC)), 0);

	exc_expect();
	(void)ldp_w(reg(UARTDMACR), &second);
	check_exc("ldp w DMACR, reserved 0x04c", ESR_DABT_READ, reg(UARTDMACR),
		  NULL);

	exc_expect();
	(void)ldr_w(reg(UART_RESERVED));
	check_exc("ldr w reserved offset 0x050", ESR_DABT_READ,
		  reg(UART_RESERVED), NULL);
}

/* No syndrome (ISV = 0): the hypervisor decodes these itself. */
static void check_pair_and_writeback_forms(void)
{
	uint64_t first, second, p;

	first = ldp_w(reg(UARTPCELLID0), &second);
	check_eq("ldp w PCellID0", first, 0x0d);
	check_eq("ldp w ... PCellID1", second, 0xf0);

	__asm__ __volatile__("stp %w0, %w1, [%2]"
			     :
			     : "r"(0x4321ul), "r"(0x2aul), "r"(reg(UARTIBRD))
			     : "memory");
	check_eq("ldr w IBRD after stp w", ldr_w(reg(UARTIBRD)), 0x4321);
	check_eq("ldr w FBRD after stp w", ldr_w(reg(UARTFBRD)), 0x2a);

	p = reg(UARTPCELLID0);
	__asm__ __volatile__("ldr %w0, [%1], #4"
			     : "=&r"(first), "+r"(p)
			     :
			     : "memory");
	check_eq("ldr w post-index PCellID0", first, 0x0d);
	check_eq("ldr w post-index: base moved by", p - reg(UARTPCELLID0), 4);

	p = reg(UARTPCELLID0);
	__asm__ __volatile__("ldrb %w0, [%1, #8]!"
			     : "=&r"(first), "+r"(p)
			     :
			     : "memory");
	check_eq("ldrb pre-index PCellID2", first, 0x05);
	check_eq("ldrb pre-index: base moved by", p - reg(UARTPCELLID0), 8);

	p = reg(UARTIMSC);
	__asm__ __volatile__("str %w1, [%0], #-8"
			     : "+r"(p)
			     : "r"(0x50ul)
			     : "memory");
	check_eq("ldr w IMSC after str w post-index", ldr_w(reg(UARTIMSC)),
		 0x50);
	check_eq("str w post-index: base moved back by", reg(UARTIMSC) - p, 8);
	str_wzr(reg(UARTIMSC));
}

int main(uint64_t dtb)
{
	(void)dtb;
	gprintf("mmio: access forms against the emulated PL011\n");

	check_id_register_reads();
	check_sign_extending_loads();
	check_partial_register_accesses();
	check_status_and_reset_values();
	check_pair_and_writeback_forms();
	check_refused_accesses();

	return guest_done("mmio");
}
