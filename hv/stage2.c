/*
 * stage2: recursive map/unmap over one table per call level. Table pages are
 * reached through the page pool (pool pages are the only table memory), so
 * the same code runs at EL2 and against a host arena.
 */
#include "hv/stage2.h"

#include "hv/log.h"

#include <hal/stage2.h>

#define S2_ENTRIES    512u
#define S2_TYPE_MASK  3ull
#define S2_TYPE_BLOCK 1ull /* valid, not table: block at L1/L2 */
#define S2_TYPE_TABLE 3ull /* table at L0-L2, page at L3 */
#define S2_ATTR_MASK  (~S2_DESC_OA_MASK & ~S2_TYPE_MASK)

static unsigned level_shift(unsigned level)
{
	return PAGE_SHIFT + 9u * (3u - level);
}

static unsigned level_index(const struct stage2 *s2, unsigned level,
			    uint64_t ipa)
{
	uint64_t idx = ipa >> level_shift(level);

	/* The root table is only as large as the IPA space needs. */
	if (level == s2->start_level)
		return (unsigned)(idx & ((1ull << (s2->ipa_bits -
						   level_shift(level))) -
					 1));
	return (unsigned)(idx & (S2_ENTRIES - 1));
}

static bool desc_is_table(uint64_t desc, unsigned level)
{
	return level < 3 && (desc & S2_TYPE_MASK) == S2_TYPE_TABLE;
}

static uint64_t *table_of(const struct stage2 *s2, uint64_t desc)
{
	uint64_t *t = page_pool_ptr(s2->pool, pa_init(desc & S2_DESC_OA_MASK));

	HV_CHECK(t != NULL);
	return t;
}

uint64_t stage2_leaf_attrs(uint32_t flags)
{
	uint64_t d = S2_DESC_AF;

	if (flags & S2_READ)
		d |= S2_DESC_S2AP_R;
	if (flags & S2_WRITE)
		d |= S2_DESC_S2AP_W;
	if (flags & S2_DEVICE) {
		d |= S2_MEMATTR_DEVICE_NGNRE << S2_DESC_MEMATTR_SHIFT;
		d |= S2_DESC_XN;
	} else {
		d |= S2_MEMATTR_NORMAL_WB << S2_DESC_MEMATTR_SHIFT;
		d |= S2_DESC_SH_INNER;
		if (!(flags & S2_EXEC))
			d |= S2_DESC_XN;
	}
	return d;
}

static uint64_t leaf_desc(unsigned level, uint64_t pa, uint64_t attrs)
{
	return (pa & S2_DESC_OA_MASK) | attrs |
	       (level == 3 ? S2_TYPE_TABLE : S2_TYPE_BLOCK);
}

/* Break-before-make replacement of a live entry. */
static void set_entry(struct stage2 *s2, uint64_t *entry, uint64_t desc,
		      uint64_t ipa)
{
	if (*entry & S2_DESC_VALID) {
		*entry = 0;
		hal_s2_tlb_flush_ipa(s2->vmid, ipa_init(ipa));
	}
	*entry = desc;
}

static void free_table(struct stage2 *s2, uint64_t *table, unsigned level)
{
	for (unsigned i = 0; i < S2_ENTRIES; i++) {
		if (desc_is_table(table[i], level))
			free_table(s2, table_of(s2, table[i]), level + 1);
	}
	page_pool_free(s2->pool, table);
}

/*
 * Replaces the block at *entry by a table of next-level entries mapping the
 * same output range with the same attributes.
 */
static enum hv_err split_block(struct stage2 *s2, uint64_t *entry,
			       unsigned level, uint64_t ipa)
{
	paddr_t table_pa;
	uint64_t *table = page_pool_alloc(s2->pool, &table_pa);
	uint64_t block = *entry;
	uint64_t step = 1ull << level_shift(level + 1);
	uint64_t base = block & S2_DESC_OA_MASK;

	if (table == NULL)
		return HV_ERR_NOMEM;
	for (unsigned i = 0; i < S2_ENTRIES; i++)
		table[i] =
		    leaf_desc(level + 1, base + i * step, block & S2_ATTR_MASK);
	set_entry(s2, entry, pa_addr(table_pa) | S2_TYPE_TABLE, ipa);
	return HV_OK;
}

static enum hv_err map_level(struct stage2 *s2, uint64_t *table, unsigned level,
			     uint64_t ipa, uint64_t pa, uint64_t size,
			     uint64_t attrs)
{
	uint64_t block = 1ull << level_shift(level);
	uint64_t end = ipa + size;

	while (ipa < end) {
		uint64_t next = (ipa | (block - 1)) + 1;
		uint64_t chunk = (next < end ? next : end) - ipa;
		uint64_t *entry = &table[level_index(s2, level, ipa)];
		enum hv_err err;

		if (level >= 1 && chunk == block && (pa & (block - 1)) == 0) {
			uint64_t old = *entry;
			uint64_t leaf = leaf_desc(level, pa, attrs);

			if (desc_is_table(old, level)) {
				/* The subtree may be cached for many IPAs. */
				*entry = 0;
				hal_s2_tlb_flush_vmid(s2->vmid);
				*entry = leaf;
				free_table(s2, table_of(s2, old), level + 1);
			} else {
				set_entry(s2, entry, leaf, ipa);
			}
		} else {
			if (!(*entry & S2_DESC_VALID)) {
				paddr_t t_pa;

				if (page_pool_alloc(s2->pool, &t_pa) == NULL)
					return HV_ERR_NOMEM;
				*entry = pa_addr(t_pa) | S2_TYPE_TABLE;
			} else if (!desc_is_table(*entry, level)) {
				err = split_block(s2, entry, level, ipa);
				if (err != HV_OK)
					return err;
			}
			err = map_level(s2, table_of(s2, *entry), level + 1,
					ipa, pa, chunk, attrs);
			if (err != HV_OK)
				return err;
		}
		ipa += chunk;
		pa += chunk;
	}
	return HV_OK;
}

static bool table_empty(const uint64_t *table)
{
	for (unsigned i = 0; i < S2_ENTRIES; i++) {
		if (table[i] & S2_DESC_VALID)
			return false;
	}
	return true;
}

static enum hv_err unmap_level(struct stage2 *s2, uint64_t *table,
			       unsigned level, uint64_t ipa, uint64_t size)
{
	uint64_t block = 1ull << level_shift(level);
	uint64_t end = ipa + size;

	while (ipa < end) {
		uint64_t next = (ipa | (block - 1)) + 1;
		uint64_t chunk = (next < end ? next : end) - ipa;
		uint64_t *entry = &table[level_index(s2, level, ipa)];
		uint64_t old = *entry;
		enum hv_err err;

		if (!(old & S2_DESC_VALID)) {
			/* nothing mapped here */
		} else if (chunk == block) {
			*entry = 0;
			if (desc_is_table(old, level)) {
				hal_s2_tlb_flush_vmid(s2->vmid);
				free_table(s2, table_of(s2, old), level + 1);
			} else {
				hal_s2_tlb_flush_ipa(s2->vmid, ipa_init(ipa));
			}
		} else {
			if (!desc_is_table(old, level)) {
				err = split_block(s2, entry, level, ipa);
				if (err != HV_OK)
					return err;
			}
			uint64_t *sub = table_of(s2, *entry);

			err = unmap_level(s2, sub, level + 1, ipa, chunk);
			if (err != HV_OK)
				return err;
			if (table_empty(sub)) {
				*entry = 0;
				hal_s2_tlb_flush_vmid(s2->vmid);
				page_pool_free(s2->pool, sub);
			}
		}
		ipa += chunk;
	}
	return HV_OK;
}

static enum hv_err check_range(const struct stage2 *s2, uint64_t ipa,
			       uint64_t size)
{
	if ((ipa | size) & (PAGE_SIZE - 1))
		return HV_ERR_ALIGN;
	if (size == 0 || ipa + size < ipa ||
	    ipa + size > (1ull << s2->ipa_bits))
		return HV_ERR_RANGE;
	return HV_OK;
}

enum hv_err stage2_init(struct stage2 *s2, struct page_pool *pool,
			unsigned ipa_bits, unsigned start_level, uint16_t vmid)
{
	if (ipa_bits < 32 || ipa_bits > 48 || start_level > 1 ||
	    ipa_bits > level_shift(start_level) + 9 ||
	    ipa_bits <= level_shift(start_level))
		return HV_ERR_INVAL;
	s2->pool = pool;
	s2->ipa_bits = ipa_bits;
	s2->start_level = start_level;
	s2->vmid = vmid;
	s2->root = page_pool_alloc(pool, &s2->root_pa);
	if (s2->root == NULL)
		return HV_ERR_NOMEM;
	return HV_OK;
}

enum hv_err stage2_map(struct stage2 *s2, ipaddr_t ipa, paddr_t pa,
		       uint64_t size, uint32_t flags)
{
	enum hv_err err = check_range(s2, ipa_addr(ipa), size);

	if (err != HV_OK)
		return err;
	if (pa_addr(pa) & (PAGE_SIZE - 1))
		return HV_ERR_ALIGN;
	if (pa_addr(pa) + size > (1ull << 48) || pa_addr(pa) + size < size)
		return HV_ERR_RANGE;
	return map_level(s2, s2->root, s2->start_level, ipa_addr(ipa),
			 pa_addr(pa), size, stage2_leaf_attrs(flags));
}

enum hv_err stage2_unmap(struct stage2 *s2, ipaddr_t ipa, uint64_t size)
{
	enum hv_err err = check_range(s2, ipa_addr(ipa), size);

	if (err != HV_OK)
		return err;
	return unmap_level(s2, s2->root, s2->start_level, ipa_addr(ipa), size);
}

enum hv_err stage2_translate(const struct stage2 *s2, ipaddr_t ipa,
			     struct s2_walk *out)
{
	uint64_t a = ipa_addr(ipa);
	const uint64_t *table = s2->root;

	if (a >= (1ull << s2->ipa_bits))
		return HV_ERR_RANGE;
	for (unsigned level = s2->start_level; level < S2_LEVEL_COUNT;
	     level++) {
		uint64_t desc = table[level_index(s2, level, a)];

		if (!(desc & S2_DESC_VALID))
			return HV_ERR_NOENT;
		if (desc_is_table(desc, level)) {
			table = table_of(s2, desc);
			continue;
		}
		if (level == 0 ||
		    (level == 3 && (desc & S2_TYPE_MASK) != S2_TYPE_TABLE))
			return HV_ERR_NOENT; /* reserved encodings */
		uint64_t mask = (1ull << level_shift(level)) - 1;

		out->pa =
		    pa_init((desc & S2_DESC_OA_MASK & ~mask) | (a & mask));
		out->level = level;
		out->desc = desc;
		return HV_OK;
	}
	return HV_ERR_NOENT;
}

static void invalidate_level(struct stage2 *s2, uint64_t *table, unsigned level,
			     uint64_t ipa, uint64_t end)
{
	uint64_t block = 1ull << level_shift(level);

	while (ipa < end) {
		uint64_t next = (ipa | (block - 1)) + 1;
		uint64_t *entry = &table[level_index(s2, level, ipa)];

		if (desc_is_table(*entry, level))
			invalidate_level(s2, table_of(s2, *entry), level + 1,
					 ipa, next < end ? next : end);
		else
			*entry &= ~S2_DESC_VALID;
		ipa = next;
	}
}

enum hv_err stage2_invalidate(struct stage2 *s2, ipaddr_t ipa, uint64_t size)
{
	enum hv_err err = check_range(s2, ipa_addr(ipa), size);

	if (err != HV_OK)
		return err;
	invalidate_level(s2, s2->root, s2->start_level, ipa_addr(ipa),
			 ipa_addr(ipa) + size);
	hal_s2_tlb_flush_vmid(s2->vmid);
	return HV_OK;
}

enum hv_err stage2_hole(const struct stage2 *s2, ipaddr_t ipa, uint64_t *base,
			uint64_t *size)
{
	uint64_t a = ipa_addr(ipa);
	const uint64_t *table = s2->root;

	if (a >= (1ull << s2->ipa_bits))
		return HV_ERR_RANGE;
	for (unsigned level = s2->start_level; level < S2_LEVEL_COUNT;
	     level++) {
		uint64_t desc = table[level_index(s2, level, a)];

		if (desc_is_table(desc, level)) {
			table = table_of(s2, desc);
			continue;
		}
		if (desc & S2_DESC_VALID)
			return HV_ERR_EXIST;
		*size = 1ull << level_shift(level);
		*base = a & ~(*size - 1);
		return HV_OK;
	}
	return HV_ERR_EXIST;
}

uint64_t stage2_vttbr(const struct stage2 *s2)
{
	return pa_addr(s2->root_pa) | ((uint64_t)s2->vmid << 48);
}
