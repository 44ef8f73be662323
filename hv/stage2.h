/*
 * stage2: builds and walks a VM's stage-2 translation tables.
 *
 * 4 KiB granule, starting at level 0 or 1 (no concatenated tables), the
 * largest block mapping alignment allows (1 GiB at level 1, 2 MiB at level
 * 2, pages at level 3). Mapping over a block splits it; unmapping part of a
 * block splits it; changing a live entry is break-before-make with a TLB
 * flush through the HAL. Table pages come from a page_pool: running out is
 * HV_ERR_NOMEM, and the mapping may then be partial.
 * Descriptor layout: Arm ARM D8.3 (VMSAv8-64 descriptors), stage-2 attributes
 * D8.5.5 with HCR_EL2.FWB = 0.
 */
#ifndef HV_STAGE2_H
#define HV_STAGE2_H

#include "hv/err.h"
#include "hv/page_pool.h"

#include <hal/types.h>

/* Mapping flags. */
#define S2_READ	  (1u << 0)
#define S2_WRITE  (1u << 1)
#define S2_EXEC	  (1u << 2)
#define S2_DEVICE (1u << 3) /* Device-nGnRE, never executable */
#define S2_RWX	  (S2_READ | S2_WRITE | S2_EXEC)

/* Descriptor bits. */
#define S2_DESC_VALID		(1ull << 0)
#define S2_DESC_TABLE		(1ull << 1) /* table (L0-2) or page (L3) */
#define S2_DESC_MEMATTR_SHIFT	2
#define S2_MEMATTR_DEVICE_NGNRE 0x1ull
#define S2_MEMATTR_NORMAL_WB	0xfull
#define S2_DESC_S2AP_R		(1ull << 6)
#define S2_DESC_S2AP_W		(1ull << 7)
#define S2_DESC_SH_INNER	(3ull << 8)
#define S2_DESC_AF		(1ull << 10)
#define S2_DESC_XN		(1ull << 54)
#define S2_DESC_OA_MASK		0x0000fffffffff000ull

#define S2_LEVEL_COUNT 4

struct stage2 {
	struct page_pool *pool;
	uint64_t *root;
	paddr_t root_pa;
	unsigned ipa_bits;
	unsigned start_level;
	uint16_t vmid;
};

/* Result of a walk. */
struct s2_walk {
	paddr_t pa;	/* output address of the IPA (with its page offset) */
	unsigned level; /* level of the leaf descriptor */
	uint64_t desc;	/* the leaf descriptor */
};

/*
 * Allocates an empty root table. ipa_bits is 32..48; start_level is 1 for
 * ipa_bits <= 39 and 0 above, as the HAL programs VTCR_EL2.
 */
enum hv_err stage2_init(struct stage2 *s2, struct page_pool *pool,
			unsigned ipa_bits, unsigned start_level, uint16_t vmid);

/* Maps [ipa, ipa + size) to [pa, pa + size); all three page aligned. */
enum hv_err stage2_map(struct stage2 *s2, ipaddr_t ipa, paddr_t pa,
		       uint64_t size, uint32_t flags);

/* Removes any mapping of [ipa, ipa + size); page aligned. */
enum hv_err stage2_unmap(struct stage2 *s2, ipaddr_t ipa, uint64_t size);

/* Looks the IPA up; HV_ERR_NOENT when it is not mapped. */
enum hv_err stage2_translate(const struct stage2 *s2, ipaddr_t ipa,
			     struct s2_walk *out);

/*
 * Makes every leaf (block or page) of [ipa, ipa + size) invalid, keeping
 * the tables, so that mapping the same range again needs no table page;
 * then flushes the VMID's TLB entries. Page aligned; a block only partly
 * inside goes whole (meant for ranges mapped whole, like a VM's RAM).
 */
enum hv_err stage2_invalidate(struct stage2 *s2, ipaddr_t ipa, uint64_t size);

/*
 * The hole at ipa: the range one invalid entry of the walk covers (a page,
 * a 2 MiB or a 1 GiB region, aligned to its size) in *base and *size.
 * HV_ERR_EXIST when ipa is mapped, HV_ERR_RANGE outside the IPA space.
 */
enum hv_err stage2_hole(const struct stage2 *s2, ipaddr_t ipa, uint64_t *base,
			uint64_t *size);

/* VTTBR_EL2 value: root table and VMID. */
uint64_t stage2_vttbr(const struct stage2 *s2);

/* Leaf descriptor attributes for flags (without type and address bits). */
uint64_t stage2_leaf_attrs(uint32_t flags);

#endif
