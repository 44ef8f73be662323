/*
 * s2walk: the simulated MMU's stage-2 translation. Reads the tables the
 * core built, the way the hardware walker does (4 KiB granule, VTTBR_EL2
 * root, start level and IPA size as VTCR_EL2 would say), independently of
 * hv/stage2.c: what the guest can reach is what the descriptors say, so a
 * core bug shows up as a guest-visible fault, not as a silent bypass.
 */
#ifndef SIM_S2WALK_H
#define SIM_S2WALK_H

#include <stdbool.h>
#include <stdint.h>

/* Permissions of a leaf (S2AP and XN). */
#define S2_PERM_R 1u
#define S2_PERM_W 2u
#define S2_PERM_X 4u

struct s2walk_cfg {
	uint64_t vttbr;	      /* BADDR (and VMID, ignored) */
	unsigned ipa_bits;    /* T0SZ = 64 - ipa_bits */
	unsigned start_level; /* SL0: 0 or 1 */
	/* Host pointer to the table at pa (4 KiB), or NULL if none. */
	const uint64_t *(*table)(void *ctx, uint64_t pa);
	void *ctx;
};

enum s2_fault {
	S2_OK,
	S2_FAULT_TRANSLATION,
	S2_FAULT_ACCESS_FLAG,
	S2_FAULT_INPUT_RANGE, /* IPA beyond ipa_bits: a level-0 translation
				 fault */
};

struct s2_result {
	enum s2_fault fault;
	unsigned level;	   /* level of the leaf, or where the walk stopped */
	uint64_t pa;	   /* output address of the IPA (S2_OK) */
	uint64_t base_ipa; /* first IPA of the leaf's block or page */
	uint64_t size;	   /* size of that block or page */
	unsigned perms;
};

/* Translates one IPA. */
struct s2_result s2walk_translate(const struct s2walk_cfg *cfg, uint64_t ipa);

/*
 * Calls visit for every valid leaf with its access flag set, in IPA order.
 * Stops and returns false as soon as visit does.
 */
bool s2walk_each(const struct s2walk_cfg *cfg,
		 bool (*visit)(void *arg, const struct s2_result *leaf),
		 void *arg);

#endif
