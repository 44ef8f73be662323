/* s2walk: VMSAv8-64 stage-2 descriptors, 4 KiB granule (Arm ARM D8.3). */
#include "s2walk.h"

#include <stddef.h>

#define DESC_VALID   1ull
#define DESC_TABLE   2ull /* bit 1 at levels 0-2: table; at level 3: page */
#define DESC_OA_MASK 0x0000fffffffff000ull
#define DESC_S2AP_R  (1ull << 6)
#define DESC_S2AP_W  (1ull << 7)
#define DESC_AF	     (1ull << 10)
#define DESC_XN	     (1ull << 54) /* XN[1]; XN[0] needs FEAT_XNX */
#define VTTBR_BADDR  0x0000fffffffffffeull

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (3 - level);
}

/* Entries in the root: concatenated tables when the IPA is wider. */
static uint64_t root_entries(const struct s2walk_cfg *cfg)
{
	unsigned shift = level_shift(cfg->start_level);

	return cfg->ipa_bits > shift ? 1ull << (cfg->ipa_bits - shift) : 1;
}

static unsigned leaf_perms(uint64_t desc)
{
	return ((desc & DESC_S2AP_R) ? S2_PERM_R : 0) |
	       ((desc & DESC_S2AP_W) ? S2_PERM_W : 0) |
	       ((desc & DESC_XN) ? 0 : S2_PERM_X);
}

/* Descriptor for ipa in the table at pa; false when unreadable. */
static bool read_desc(const struct s2walk_cfg *cfg, uint64_t table_pa,
		      uint64_t index, uint64_t *desc)
{
	const uint64_t *t =
	    cfg->table(cfg->ctx, table_pa + (index / 512) * 4096);

	if (t == NULL)
		return false;
	*desc = t[index % 512];
	return true;
}

static bool is_leaf(uint64_t desc, unsigned level)
{
	return level == 3 || !(desc & DESC_TABLE);
}

/* Level 0 has no blocks with a 4 KiB granule; level 3 needs bit 1. */
static bool leaf_valid(uint64_t desc, unsigned level)
{
	if (!(desc & DESC_VALID))
		return false;
	if (level == 3)
		return (desc & DESC_TABLE) != 0;
	return level != 0;
}

struct s2_result s2walk_translate(const struct s2walk_cfg *cfg, uint64_t ipa)
{
	struct s2_result r = {.fault = S2_FAULT_TRANSLATION,
			      .level = cfg->start_level};
	uint64_t table = cfg->vttbr & VTTBR_BADDR;

	if (cfg->ipa_bits < 64 && (ipa >> cfg->ipa_bits) != 0) {
		r.fault = S2_FAULT_INPUT_RANGE;
		return r;
	}
	for (unsigned level = cfg->start_level; level <= 3; level++) {
		unsigned shift = level_shift(level);
		uint64_t index = ipa >> shift;
		uint64_t desc;

		if (level != cfg->start_level)
			index &= 511;
		else if (index >= root_entries(cfg))
			return r;
		r.level = level;
		if (!read_desc(cfg, table, index, &desc) ||
		    !(desc & DESC_VALID))
			return r;
		if (!is_leaf(desc, level)) {
			table = desc & DESC_OA_MASK;
			continue;
		}
		if (!leaf_valid(desc, level))
			return r;
		if (!(desc & DESC_AF)) {
			r.fault = S2_FAULT_ACCESS_FLAG;
			return r;
		}
		r.size = 1ull << shift;
		r.base_ipa = ipa & ~(r.size - 1);
		r.pa = (desc & DESC_OA_MASK & ~(r.size - 1)) |
		       (ipa & (r.size - 1));
		r.perms = leaf_perms(desc);
		r.fault = S2_OK;
		return r;
	}
	return r;
}

static bool walk_table(const struct s2walk_cfg *cfg, uint64_t table,
		       unsigned level, uint64_t base_ipa, uint64_t entries,
		       bool (*visit)(void *, const struct s2_result *),
		       void *arg)
{
	unsigned shift = level_shift(level);
	const uint64_t *t = NULL;

	for (uint64_t i = 0; i < entries; i++) {
		uint64_t ipa = base_ipa + (i << shift);
		uint64_t desc;

		/* One lookup per 4 KiB page of the table (the root may be
		 * several, concatenated), not per entry. */
		if (i % 512 == 0)
			t = cfg->table(cfg->ctx, table + (i / 512) * 4096);
		if (t == NULL) {
			i |= 511; /* the rest of this page is not readable */
			continue;
		}
		desc = t[i % 512];
		if (!(desc & DESC_VALID))
			continue;
		if (!is_leaf(desc, level)) {
			if (!walk_table(cfg, desc & DESC_OA_MASK, level + 1,
					ipa, 512, visit, arg))
				return false;
			continue;
		}
		if (!leaf_valid(desc, level) || !(desc & DESC_AF))
			continue;
		struct s2_result leaf = {
		    .fault = S2_OK,
		    .level = level,
		    .pa = desc & DESC_OA_MASK & ~((1ull << shift) - 1),
		    .base_ipa = ipa,
		    .size = 1ull << shift,
		    .perms = leaf_perms(desc),
		};
		if (!visit(arg, &leaf))
			return false;
	}
	return true;
}

bool s2walk_each(const struct s2walk_cfg *cfg,
		 bool (*visit)(void *arg, const struct s2_result *leaf),
		 void *arg)
{
	return walk_table(cfg, cfg->vttbr & VTTBR_BADDR, cfg->start_level, 0,
			  root_entries(cfg), visit, arg);
}
