/* mmu: an access walked page by page, as the MMU does it. */
#include "mmu.h"

#define PAGE_SIZE 4096ull
#define PAGE_MASK (~(PAGE_SIZE - 1))

static unsigned need(enum s1_access acc)
{
	switch (acc) {
	case S1_FETCH:
		return S2_PERM_X;
	case S1_WRITE:
		return S2_PERM_W;
	case S1_READ:
	default:
		return S2_PERM_R;
	}
}

/* The pages of [va, va + len): the first one's address is va itself. */
static uint64_t page_count(uint64_t va, uint64_t len)
{
	uint64_t last = va + (len - 1);

	return ((last & PAGE_MASK) - (va & PAGE_MASK)) / PAGE_SIZE + 1;
}

static uint64_t page_va(uint64_t va, uint64_t n)
{
	return n == 0 ? va : (va & PAGE_MASK) + n * PAGE_SIZE;
}

struct mmu_fault mmu_find_fault(const struct mmu_ops *ops, uint64_t va,
				uint64_t len, enum s1_access acc, bool el0)
{
	uint64_t pages = page_count(va, len != 0 ? len : 1);

	for (uint64_t n = 0; n < pages; n++) {
		struct mmu_fault f = {.va = page_va(va, n)};

		f.s1 = ops->s1(ops->ctx, f.va, acc, el0);
		switch (f.s1.fault) {
		case S1_OK:
			f.ipa = f.s1.ipa;
			f.s2 = ops->s2(ops->ctx, f.ipa);
			if (f.s2.fault == S2_OK && (f.s2.perms & need(acc)))
				continue;
			f.verdict = MMU_STAGE2;
			return f;
		case S1_FAULT_WALK:
			f.verdict = MMU_STAGE2;
			f.s1ptw = true;
			f.ipa = f.s1.ipa;
			f.s2 = ops->s2(ops->ctx, f.ipa);
			return f;
		case S1_FAULT_UNSUPPORTED:
			f.verdict = MMU_UNSUPPORTED;
			return f;
		default:
			f.verdict = MMU_STAGE1;
			return f;
		}
	}
	return (struct mmu_fault){.verdict = MMU_NO_FAULT, .va = va};
}

bool mmu_va_of_ipa(const struct mmu_ops *ops, uint64_t va, uint64_t len,
		   enum s1_access acc, bool el0, uint64_t ipa,
		   uint64_t *fault_va)
{
	uint64_t pages = page_count(va, len != 0 ? len : 1);

	for (uint64_t n = 0; n < pages; n++) {
		uint64_t p = page_va(va, n);
		struct s1_result t = ops->s1(ops->ctx, p, acc, el0);

		if (t.fault == S1_OK &&
		    (t.ipa & PAGE_MASK) == (ipa & PAGE_MASK)) {
			*fault_va = (p & PAGE_MASK) | (ipa & ~PAGE_MASK);
			return true;
		}
	}
	return false;
}
