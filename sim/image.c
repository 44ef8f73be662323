/*
 * image: every field of the file is read through a bounds check and every
 * address sum is checked before it is formed, so a hostile file can only
 * produce a message. Multi-byte fields are decoded byte by byte: the file is
 * little-endian whatever the host, and nothing in it is assumed aligned.
 */
#include "image.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define SIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SIM_PRINTF(f, a)
#endif

/* The flattened size is a uint64_t that must fit an allocation. */
_Static_assert(sizeof(size_t) >= sizeof(uint64_t), "64-bit host required");

/* Where the buffer of a file being read starts; it doubles from there. */
#define READ_CHUNK (64u << 10)

typedef unsigned long long ull;

static bool fail(char *err, size_t err_len, const char *name, const char *fmt,
		 ...) SIM_PRINTF(4, 5);

static bool fail(char *err, size_t err_len, const char *name, const char *fmt,
		 ...)
{
	va_list ap;
	int n;

	if (err == NULL || err_len == 0)
		return false;
	n = snprintf(err, err_len, "%s: ", name);
	if (n >= 0 && (size_t)n < err_len) {
		va_start(ap, fmt);
		vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Whether [a, a + alen) lies within [b, b + blen), without overflow. */
static bool inside(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

/* Guest RAM must be non-empty and must not wrap for the messages to hold. */
static bool ram_valid(const char *name, uint64_t ram_ipa, uint64_t ram_size,
		      char *err, size_t err_len)
{
	if (ram_size == 0 || ram_size - 1 > UINT64_MAX - ram_ipa)
		return fail(err, err_len, name,
			    "invalid guest RAM 0x%llx+0x%llx", (ull)ram_ipa,
			    (ull)ram_size);
	return true;
}

enum read_result {
	READ_OK,
	READ_FAILED,	/* message written */
	READ_TOO_LARGE, /* more than max bytes; the caller words the message */
};

/* Reads all of path, at most max bytes, into a malloc'd buffer. */
static enum read_result read_all(const char *path, uint64_t max, uint8_t **out,
				 size_t *out_len, char *err, size_t err_len)
{
	/* One byte beyond max tells a file of max bytes from a larger one. */
	size_t limit = max < SIZE_MAX ? (size_t)max + 1 : SIZE_MAX;
	enum read_result res = READ_OK;
	uint8_t *buf = NULL;
	size_t cap = 0;
	size_t len = 0;
	FILE *f;

	*out = NULL;
	*out_len = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		fail(err, err_len, path, "cannot open: %s", strerror(errno));
		return READ_FAILED;
	}
	while (res == READ_OK) {
		size_t n;

		if (len == cap) {
			size_t want = cap == 0 ? READ_CHUNK : cap;
			uint8_t *bigger;

			want = want > limit - cap ? limit : cap + want;
			if (want == cap) {
				res = READ_TOO_LARGE;
				break;
			}
			bigger = realloc(buf, want);
			if (bigger == NULL) {
				fail(err, err_len, path,
				     "out of memory reading %zu bytes", want);
				res = READ_FAILED;
				break;
			}
			buf = bigger;
			cap = want;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap && ferror(f)) {
			fail(err, err_len, path, "read error: %s",
			     strerror(errno));
			res = READ_FAILED;
		} else if (len < cap && feof(f)) {
			break;
		}
	}
	fclose(f);
	if (res != READ_OK) {
		free(buf);
		return res;
	}
	*out = buf;
	*out_len = len;
	return READ_OK;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

#define EHDR(buf, field) ((buf) + offsetof(Elf64_Ehdr, field))
#define PHDR(ph, field)	 ((ph) + offsetof(Elf64_Phdr, field))

/* A PT_LOAD segment worth loading; idx is its program header index. */
struct seg {
	uint64_t pa;
	uint64_t va;
	uint64_t off;
	uint64_t filesz;
	uint64_t memsz;
	unsigned idx;
};

static int seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The ELF header: identity, type and where the program headers are. */
static bool check_ehdr(const uint8_t *buf, size_t len, const char *name,
		       char *err, size_t err_len)
{
	uint16_t phentsize, phnum;
	uint64_t phoff;

	if (len == 0)
		return fail(err, err_len, name, "empty file");
	if (len < SELFMAG || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return fail(err, err_len, name, "not an ELF file (bad magic)");
	if (len < EI_NIDENT)
		return fail(err, err_len, name, "truncated ELF header");
	if (buf[EI_CLASS] != ELFCLASS64)
		return fail(err, err_len, name,
			    "not a 64-bit ELF (EI_CLASS %u)", buf[EI_CLASS]);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return fail(err, err_len, name,
			    "not a little-endian ELF (EI_DATA %u)",
			    buf[EI_DATA]);
	if (buf[EI_VERSION] != EV_CURRENT)
		return fail(err, err_len, name,
			    "unsupported ELF version (EI_VERSION %u)",
			    buf[EI_VERSION]);
	if (len < sizeof(Elf64_Ehdr))
		return fail(err, err_len, name, "truncated ELF header");
	if (le32(EHDR(buf, e_version)) != EV_CURRENT)
		return fail(err, err_len, name,
			    "unsupported ELF version (e_version %u)",
			    le32(EHDR(buf, e_version)));
	if (le16(EHDR(buf, e_machine)) != EM_AARCH64)
		return fail(err, err_len, name,
			    "not an AArch64 ELF (e_machine %u)",
			    le16(EHDR(buf, e_machine)));
	if (le16(EHDR(buf, e_type)) != ET_EXEC)
		return fail(err, err_len, name,
			    "not an executable ELF (e_type %u, expected "
			    "ET_EXEC)",
			    le16(EHDR(buf, e_type)));
	phentsize = le16(EHDR(buf, e_phentsize));
	phnum = le16(EHDR(buf, e_phnum));
	phoff = le64(EHDR(buf, e_phoff));
	if (phentsize != sizeof(Elf64_Phdr))
		return fail(err, err_len, name,
			    "bad program header size (e_phentsize %u, "
			    "expected %zu)",
			    phentsize, sizeof(Elf64_Phdr));
	/* The real count would be in section header 0: not worth a parser. */
	if (phnum == PN_XNUM)
		return fail(err, err_len, name,
			    "extended program header count (PN_XNUM) is not "
			    "supported");
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return fail(err, err_len, name,
			    "program headers at 0x%llx+0x%llx are outside the "
			    "file (%zu bytes)",
			    (ull)phoff, (ull)phnum * phentsize, len);
	return true;
}

/*
 * Collects the non-empty PT_LOAD segments of a checked header into segs
 * (room for e_phnum), each one checked against the file and guest RAM.
 */
static bool collect_segments(const uint8_t *buf, size_t len, const char *name,
			     uint64_t ram_ipa, uint64_t ram_size,
			     struct seg *segs, unsigned *seg_count, char *err,
			     size_t err_len)
{
	uint64_t phoff = le64(EHDR(buf, e_phoff));
	unsigned phnum = le16(EHDR(buf, e_phnum));

	*seg_count = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph =
		    buf + phoff + (size_t)i * sizeof(Elf64_Phdr);
		struct seg s = {
		    .pa = le64(PHDR(ph, p_paddr)),
		    .va = le64(PHDR(ph, p_vaddr)),
		    .off = le64(PHDR(ph, p_offset)),
		    .filesz = le64(PHDR(ph, p_filesz)),
		    .memsz = le64(PHDR(ph, p_memsz)),
		    .idx = i,
		};

		if (le32(PHDR(ph, p_type)) != PT_LOAD)
			continue;
		if (s.filesz > s.memsz)
			return fail(err, err_len, name,
				    "segment %u: p_filesz 0x%llx is larger "
				    "than p_memsz 0x%llx",
				    i, (ull)s.filesz, (ull)s.memsz);
		if (s.memsz == 0)
			continue;
		if (s.filesz != 0 && (s.off > len || s.filesz > len - s.off))
			return fail(err, err_len, name,
				    "segment %u: file bytes 0x%llx+0x%llx are "
				    "outside the file (%zu bytes)",
				    i, (ull)s.off, (ull)s.filesz, len);
		if (s.memsz - 1 > UINT64_MAX - s.pa)
			return fail(err, err_len, name,
				    "segment %u at 0x%llx+0x%llx wraps around "
				    "the address space",
				    i, (ull)s.pa, (ull)s.memsz);
		if (!inside(s.pa, s.memsz, ram_ipa, ram_size))
			return fail(err, err_len, name,
				    "segment %u at 0x%llx+0x%llx is outside "
				    "guest RAM 0x%llx-0x%llx",
				    i, (ull)s.pa, (ull)s.memsz, (ull)ram_ipa,
				    (ull)(ram_ipa + ram_size - 1));
		segs[(*seg_count)++] = s;
	}
	if (*seg_count == 0)
		return fail(err, err_len, name, "no PT_LOAD segment");
	return true;
}

/*
 * The guest starts with its MMU off, so the entry point (a virtual address)
 * is translated through the segment holding it.
 */
static bool find_entry(const uint8_t *buf, const char *name,
		       const struct seg *segs, unsigned seg_count,
		       uint64_t *entry_pa, char *err, size_t err_len)
{
	uint64_t entry = le64(EHDR(buf, e_entry));

	for (unsigned i = 0; i < seg_count; i++) {
		const struct seg *s = &segs[i];

		if (!inside(entry, 4, s->va, s->memsz))
			continue;
		if (entry & 3)
			return fail(err, err_len, name,
				    "entry point 0x%llx is not 4-byte aligned",
				    (ull)entry);
		*entry_pa = s->pa + (entry - s->va);
		return true;
	}
	return fail(err, err_len, name,
		    "entry point 0x%llx is not inside a loaded segment",
		    (ull)entry);
}

bool sim_image_parse_elf(const uint8_t *buf, size_t len, const char *name,
			 uint64_t ram_ipa, uint64_t ram_size,
			 struct sim_image *img, char *err, size_t err_len)
{
	struct seg *segs = NULL;
	unsigned seg_count;
	uint64_t entry = 0, first = 0, last = 0;
	bool ok = false;

	*img = (struct sim_image){0};
	if (!ram_valid(name, ram_ipa, ram_size, err, err_len) ||
	    !check_ehdr(buf, len, name, err, err_len))
		return false;
	segs = malloc(sizeof(*segs) * (le16(EHDR(buf, e_phnum)) + 1u));
	if (segs == NULL)
		return fail(err, err_len, name, "out of memory");
	if (!collect_segments(buf, len, name, ram_ipa, ram_size, segs,
			      &seg_count, err, err_len) ||
	    !find_entry(buf, name, segs, seg_count, &entry, err, err_len))
		goto out;

	qsort(segs, seg_count, sizeof(*segs), seg_cmp);
	for (unsigned i = 1; i < seg_count; i++) {
		const struct seg *a = &segs[i - 1], *b = &segs[i];

		if (b->pa - a->pa < a->memsz) {
			fail(err, err_len, name,
			     "segments %u and %u overlap at 0x%llx",
			     a->idx < b->idx ? a->idx : b->idx,
			     a->idx < b->idx ? b->idx : a->idx, (ull)b->pa);
			goto out;
		}
	}

	/* Every segment is inside RAM, so the blob is at most ram_size. */
	first = segs[0].pa;
	last = first;
	for (unsigned i = 0; i < seg_count; i++) {
		uint64_t seg_last = segs[i].pa + segs[i].memsz - 1;

		if (seg_last > last)
			last = seg_last;
	}
	img->size = last - first + 1;
	img->data = calloc(1, (size_t)img->size);
	if (img->data == NULL) {
		fail(err, err_len, name, "out of memory (%llu bytes)",
		     (ull)img->size);
		img->size = 0;
		goto out;
	}
	for (unsigned i = 0; i < seg_count; i++)
		if (segs[i].filesz != 0)
			memcpy(img->data + (segs[i].pa - first),
			       buf + segs[i].off, (size_t)segs[i].filesz);
	img->load = first;
	img->entry = entry;
	ok = true;
out:
	free(segs);
	return ok;
}

bool sim_image_load(const char *path, uint64_t ram_ipa, uint64_t ram_size,
		    struct sim_image *img, char *err, size_t err_len)
{
	uint8_t *buf;
	size_t len;
	bool ok;

	*img = (struct sim_image){0};
	switch (read_all(path, SIM_ELF_FILE_MAX, &buf, &len, err, err_len)) {
	case READ_OK:
		break;
	case READ_TOO_LARGE:
		return fail(err, err_len, path,
			    "file is larger than %llu bytes",
			    (ull)SIM_ELF_FILE_MAX);
	case READ_FAILED:
		return false;
	}
	ok = sim_image_parse_elf(buf, len, path, ram_ipa, ram_size, img, err,
				 err_len);
	free(buf);
	return ok;
}

bool sim_image_load_raw(const char *path, uint64_t load, uint64_t ram_ipa,
			uint64_t ram_size, struct sim_image *img, char *err,
			size_t err_len)
{
	uint8_t *buf;
	size_t len;

	*img = (struct sim_image){0};
	if (!ram_valid(path, ram_ipa, ram_size, err, err_len))
		return false;
	switch (read_all(path, ram_size, &buf, &len, err, err_len)) {
	case READ_OK:
		break;
	case READ_TOO_LARGE:
		return fail(err, err_len, path,
			    "file is larger than guest RAM (%llu bytes)",
			    (ull)ram_size);
	case READ_FAILED:
		return false;
	}
	if (len == 0) {
		free(buf);
		return fail(err, err_len, path, "empty file");
	}
	if (!inside(load, len, ram_ipa, ram_size)) {
		free(buf);
		return fail(err, err_len, path,
			    "image at 0x%llx+0x%zx is outside guest RAM "
			    "0x%llx-0x%llx",
			    (ull)load, len, (ull)ram_ipa,
			    (ull)(ram_ipa + ram_size - 1));
	}
	*img = (struct sim_image){buf, len, load, load};
	return true;
}

bool sim_file_read(const char *path, uint64_t max, struct sim_image *img,
		   char *err, size_t err_len)
{
	uint8_t *buf;
	size_t len;

	*img = (struct sim_image){0};
	switch (read_all(path, max, &buf, &len, err, err_len)) {
	case READ_OK:
		break;
	case READ_TOO_LARGE:
		return fail(err, err_len, path,
			    "file is larger than %llu bytes", (ull)max);
	case READ_FAILED:
		return false;
	}
	if (len == 0) {
		free(buf);
		return fail(err, err_len, path, "empty file");
	}
	*img = (struct sim_image){buf, len, 0, 0};
	return true;
}

/* The flattened device tree header (devicetree.org specification 5.2):
 * big-endian 32-bit fields. */
#define FDT_MAGIC	    0xd00dfeedu
#define FDT_HEADER_SIZE	    40u
#define FDT_TOTALSIZE	    4u
#define FDT_OFF_DT_STRUCT   8u
#define FDT_OFF_DT_STRINGS  12u
#define FDT_OFF_MEM_RSVMAP  16u
#define FDT_VERSION	    20u
#define FDT_LAST_COMP	    24u
#define FDT_SIZE_DT_STRINGS 32u
#define FDT_SIZE_DT_STRUCT  36u
#define FDT_VERSION_MIN	    16u /* what libfdt reads */
#define FDT_LAST_COMP_MAX   17u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* A block [off, off + size) of the tree lies inside its header's totalsize,
 * past the header. */
static bool fdt_block_fits(uint32_t off, uint32_t size, uint32_t total)
{
	return off >= FDT_HEADER_SIZE && off <= total && size <= total - off;
}

bool sim_dtb_check(const uint8_t *buf, size_t len, const char *name, char *err,
		   size_t err_len)
{
	uint32_t total, version, comp, struct_size;

	if (len < 4 || be32(buf) != FDT_MAGIC)
		return fail(err, err_len, name,
			    "not a device tree blob (bad magic)");
	if (len < FDT_HEADER_SIZE)
		return fail(err, err_len, name,
			    "truncated device tree: %zu bytes, its header has "
			    "%u",
			    len, FDT_HEADER_SIZE);
	total = be32(buf + FDT_TOTALSIZE);
	version = be32(buf + FDT_VERSION);
	comp = be32(buf + FDT_LAST_COMP);
	if (version < FDT_VERSION_MIN || comp > FDT_LAST_COMP_MAX)
		return fail(
		    err, err_len, name,
		    "device tree version %u (compatible with %u) is not "
		    "16 or 17",
		    version, comp);
	if (total < FDT_HEADER_SIZE)
		return fail(err, err_len, name,
			    "device tree totalsize %u is smaller than its "
			    "header",
			    total);
	if (total > len)
		return fail(err, err_len, name,
			    "device tree totalsize %u is larger than the file "
			    "(%zu bytes)",
			    total, len);
	/* Version 16 has no size_dt_struct. */
	struct_size = version >= 17 ? be32(buf + FDT_SIZE_DT_STRUCT) : 0;
	if (!fdt_block_fits(be32(buf + FDT_OFF_MEM_RSVMAP), 0, total) ||
	    !fdt_block_fits(be32(buf + FDT_OFF_DT_STRUCT), struct_size,
			    total) ||
	    !fdt_block_fits(be32(buf + FDT_OFF_DT_STRINGS),
			    be32(buf + FDT_SIZE_DT_STRINGS), total))
		return fail(err, err_len, name,
			    "device tree blocks lie outside its totalsize %u",
			    total);
	return true;
}

void sim_image_free(struct sim_image *img)
{
	free(img->data);
	*img = (struct sim_image){0};
}
