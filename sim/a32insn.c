/* a32insn: see a32insn.h. Field names follow the Arm ARM's encodings. */
#include "a32insn.h"

#include "hv/arch.h"

#define BIT(x, n)	(((x) >> (n)) & 1u)
#define BITS(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))

#define COND_AL 0xeu
#define COND_NV 0xfu /* the unconditional space in A32 */

/* SAS of a byte, halfword, word access. */
#define SAS_BYTE 0u
#define SAS_HALF 1u
#define SAS_WORD 2u

unsigned a32insn_t32_size(uint16_t hw)
{
	/* 0b11101, 0b11110, 0b11111 in [15:11] start a 32-bit instruction. */
	return (hw >> 11) >= 0x1d ? 4 : 2;
}

/* A syndrome for a single register transfer, or none if a rule forbids. */
static uint32_t single(bool ok, unsigned sas, bool sse, unsigned rt,
		       bool acqrel, bool write)
{
	uint32_t wnr = write ? ISS_DA_WNR : 0;

	if (!ok)
		return wnr;
	return ISS_DA_ISV | sas << ISS_DA_SAS_SHIFT | (sse ? ISS_DA_SSE : 0) |
	       rt << ISS_DA_SRT_SHIFT | (acqrel ? ISS_DA_AR : 0) | wnr;
}

static uint32_t a32_iss(uint32_t insn, bool write)
{
	unsigned rn = BITS(insn, 19, 16), rt = BITS(insn, 15, 12);
	bool p = BIT(insn, 24), w = BIT(insn, 21);
	/* No writeback (P = 1, W = 0), no R15: the conditions for ISV. */
	bool ok = p && !w && rn != 15 && rt != 15;

	if (BITS(insn, 31, 28) == COND_NV)
		return single(false, 0, false, 0, false, write);
	/* LDR, LDRB, STR, STRB (immediate and register offset). */
	if (BITS(insn, 27, 26) == 1 && !(BIT(insn, 25) && BIT(insn, 4)))
		return single(ok, BIT(insn, 22) ? SAS_BYTE : SAS_WORD, false,
			      rt, false, write);
	/* LDA, LDAB, LDAH, STL, STLB, STLH. */
	if (BITS(insn, 27, 23) == 0x03 && BITS(insn, 11, 4) == 0xc9) {
		static const unsigned sas[4] = {SAS_WORD, 0, SAS_BYTE,
						SAS_HALF};
		unsigned sz = BITS(insn, 22, 21);
		unsigned t = BIT(insn, 20) ? rt : BITS(insn, 3, 0);

		return single(sz != 1 && rn != 15 && t != 15, sas[sz], false, t,
			      true, write);
	}
	/* Extra loads and stores: STRH, LDRH, LDRSB, LDRSH; LDRD, STRD. */
	if (BITS(insn, 27, 25) == 0 && BIT(insn, 7) && BIT(insn, 4) &&
	    BITS(insn, 6, 5) != 0) {
		unsigned op2 = BITS(insn, 6, 5);
		bool load = BIT(insn, 20);

		if (op2 == 1)
			return single(ok, SAS_HALF, false, rt, false, write);
		if (!load) /* LDRD, STRD */
			return single(false, 0, false, 0, false, write);
		return single(ok, op2 == 2 ? SAS_BYTE : SAS_HALF, true, rt,
			      false, write);
	}
	return single(false, 0, false, 0, false, write);
}

static uint32_t t16_iss(uint16_t hw, bool write)
{
	unsigned rt = BITS(hw, 2, 0);

	switch (hw >> 12) {
	case 0x5: { /* load/store, register offset: opB in [11:9] */
		static const unsigned sas[8] = {SAS_WORD, SAS_HALF, SAS_BYTE,
						SAS_BYTE, SAS_WORD, SAS_HALF,
						SAS_BYTE, SAS_HALF};
		unsigned op = BITS(hw, 11, 9);

		return single(true, sas[op], op == 3 || op == 7, rt, false,
			      write);
	}
	case 0x6: /* STR, LDR (immediate) */
		return single(true, SAS_WORD, false, rt, false, write);
	case 0x7: /* STRB, LDRB (immediate) */
		return single(true, SAS_BYTE, false, rt, false, write);
	case 0x8: /* STRH, LDRH (immediate) */
		return single(true, SAS_HALF, false, rt, false, write);
	case 0x9: /* STR, LDR (SP-relative) */
		return single(true, SAS_WORD, false, BITS(hw, 10, 8), false,
			      write);
	default: /* LDR (literal), LDM, STM, PUSH, POP... */
		return single(false, 0, false, 0, false, write);
	}
}

static uint32_t t32_iss(uint32_t insn, bool write)
{
	uint32_t hw1 = insn >> 16, hw2 = insn & 0xffff;
	unsigned rn = BITS(hw1, 3, 0), rt = BITS(hw2, 15, 12);

	/* Load/store single: 1111 100 S imm12 size(2) L Rn. */
	if ((hw1 & 0xfe00) == 0xf800) {
		unsigned size = BITS(hw1, 6, 5);
		bool sign = BIT(hw1, 8), load = BIT(hw1, 4);
		/* The imm8 forms with P, U, W in hw2[10:8]: W writes back,
		 * P = 0 is post-indexed. */
		bool wb = !BIT(hw1, 7) && BIT(hw2, 11) &&
			  (BIT(hw2, 8) || !BIT(hw2, 10));

		if (size == 3 || (sign && (!load || size == 2)))
			return single(false, 0, false, 0, false, write);
		return single(!wb && rn != 15 && rt != 15, size, sign, rt,
			      false, write);
	}
	/* LDA, LDAB, LDAH, STL, STLB, STLH: 1110 1000 110L Rn. */
	if ((hw1 & 0xffe0) == 0xe8c0 && (hw2 & 0x0fcf) == 0x0f8f &&
	    BITS(hw2, 5, 4) != 3)
		return single(rn != 15 && rt != 15, BITS(hw2, 5, 4), false, rt,
			      true, write);
	return single(false, 0, false, 0, false, write);
}

uint32_t a32insn_dabt_iss(uint32_t insn, bool thumb, unsigned size, bool write)
{
	if (!thumb)
		return a32_iss(insn, write);
	return size == 2 ? t16_iss((uint16_t)insn, write)
			 : t32_iss(insn, write);
}

bool a32insn_is_wfx(uint32_t insn, bool thumb, unsigned size, bool *wfe)
{
	uint32_t hint;

	if (!thumb) {
		if (BITS(insn, 31, 28) == COND_NV ||
		    (insn & 0x0ffffffe) != 0x0320f002)
			return false;
		hint = insn & 1;
	} else if (size == 2) {
		if ((insn & 0xffef) != 0xbf20)
			return false;
		hint = BIT(insn, 4);
	} else {
		if ((insn & 0xfffffffe) != 0xf3af8002)
			return false;
		hint = insn & 1;
	}
	*wfe = hint == 0;
	return true;
}

unsigned a32insn_cond(uint32_t insn, bool thumb)
{
	return thumb ? COND_AL : BITS(insn, 31, 28);
}

bool a32insn_svc_imm(uint32_t insn, bool thumb, unsigned size, uint16_t *imm)
{
	if (!thumb && BITS(insn, 31, 28) != COND_NV &&
	    BITS(insn, 27, 24) == 0xf) {
		*imm = (uint16_t)insn;
		return true;
	}
	if (thumb && size == 2 && (insn & 0xff00) == 0xdf00) {
		*imm = (uint16_t)(insn & 0xff);
		return true;
	}
	return false;
}

bool a32insn_bkpt_imm(uint32_t insn, bool thumb, unsigned size, uint16_t *imm)
{
	if (!thumb && (insn & 0x0ff000f0) == 0x01200070) {
		*imm = (uint16_t)(BITS(insn, 19, 8) << 4 | BITS(insn, 3, 0));
		return true;
	}
	if (thumb && size == 2 && (insn & 0xff00) == 0xbe00) {
		*imm = (uint16_t)(insn & 0xff);
		return true;
	}
	return false;
}

bool a32insn_it(uint32_t insn, bool thumb, unsigned size, uint8_t *it)
{
	if (!thumb || size != 2 || (insn & 0xff00) != 0xbf00 ||
	    (insn & 0xf) == 0)
		return false;
	*it = (uint8_t)insn;
	return true;
}

uint8_t a32insn_it_advance(uint8_t it)
{
	if ((it & 7) == 0)
		return 0;
	return (uint8_t)((it & 0xe0) | ((it << 1) & 0x1f));
}

/* MCR/MRC p15 to what the simulator carries or what has no state. */
static bool cp15_carried(uint32_t insn)
{
	unsigned opc1 = BITS(insn, 23, 21), crn = BITS(insn, 19, 16);
	unsigned crm = BITS(insn, 3, 0), opc2 = BITS(insn, 7, 5);
	bool read = BIT(insn, 20);

	if ((insn & 0x0f000010) != 0x0e000010 || BITS(insn, 11, 8) != 15 ||
	    opc1 != 0)
		return false;
	/* CP15ISB (c7, c5, 4), CP15DSB (c7, c10, 4), CP15DMB (c7, c10, 5). */
	if (!read && crn == 7 &&
	    ((crm == 5 && opc2 == 4) || (crm == 10 && (opc2 & 6) == 4)))
		return true;
	/* TPIDRURW (c13, c0, 2), TPIDRURO (c13, c0, 3). */
	return crn == 13 && crm == 0 && (opc2 == 2 || opc2 == 3);
}

enum a32insn_coproc a32insn_coproc(uint32_t insn, bool thumb, unsigned size)
{
	bool space;

	if (!thumb) {
		space = (insn & 0x0e000000) == 0x0c000000 ||
			(insn & 0x0f000000) == 0x0e000000 ||
			(insn & 0xfe000000) == 0xf2000000 ||
			(insn & 0xff100000) == 0xf4000000;
	} else {
		uint32_t hw1 = insn >> 16;

		space = size == 4 &&
			((hw1 & 0xec00) == 0xec00 || (hw1 & 0xff10) == 0xf900);
	}
	if (!space)
		return A32INSN_NOT_COPROC;
	return cp15_carried(insn) ? A32INSN_COPROC_CARRIED
				  : A32INSN_COPROC_OTHER;
}
