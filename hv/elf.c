/*
 * elf: fields are read byte by byte, little-endian, so neither the file's
 * alignment nor the host's byte order matters. Offsets and sizes come from
 * the file: every sum is checked against overflow before it is used.
 */
#include "hv/elf.h"

#include "lib/fmt.h"
#include "lib/string.h"

#include <stdarg.h>

/* ELF64 layout (System V ABI, ELF-64 Object File Format 1.5). */
#define EI_NIDENT   16
#define EI_CLASS    4
#define EI_DATA	    5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC	    2
#define EM_AARCH64  183
#define PT_LOAD	    1
#define EHDR_SIZE   64
#define PHDR_SIZE   56
#define E_TYPE	    16
#define E_MACHINE   18
#define E_VERSION   20
#define E_ENTRY	    24
#define E_PHOFF	    32
#define E_PHENTSIZE 54
#define E_PHNUM	    56
#define P_TYPE	    0
#define P_OFFSET    8
#define P_VADDR	    16
#define P_PADDR	    24
#define P_FILESZ    32
#define P_MEMSZ	    40

typedef unsigned long long ull;

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static enum hv_err fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return HV_ERR_INVAL;
}

/* [a, a + alen) inside [b, b + blen), without overflow. */
static bool inside(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

struct seg {
	uint64_t type, off, va, pa, filesz, memsz;
};

static struct seg seg_at(const uint8_t *file, uint64_t phoff, unsigned i)
{
	const uint8_t *ph = file + phoff + (uint64_t)i * PHDR_SIZE;

	return (struct seg){
	    .type = le(ph + P_TYPE, 4),
	    .off = le(ph + P_OFFSET, 8),
	    .va = le(ph + P_VADDR, 8),
	    .pa = le(ph + P_PADDR, 8),
	    .filesz = le(ph + P_FILESZ, 8),
	    .memsz = le(ph + P_MEMSZ, 8),
	};
}

bool elf_is_elf(const void *file, uint64_t size)
{
	return size >= 4 && memcmp(file, "\177ELF", 4) == 0;
}

static enum hv_err check_header(const uint8_t *f, uint64_t size,
				struct elf_image *img, char *why, size_t len)
{
	uint64_t phentsize;

	if (!elf_is_elf(f, size))
		return fail(why, len, "not an ELF file (bad magic)");
	if (size < EHDR_SIZE)
		return fail(why, len, "truncated ELF header");
	if (f[EI_CLASS] != ELFCLASS64)
		return fail(why, len, "not a 64-bit ELF (EI_CLASS %u)",
			    f[EI_CLASS]);
	if (f[EI_DATA] != ELFDATA2LSB)
		return fail(why, len, "not a little-endian ELF (EI_DATA %u)",
			    f[EI_DATA]);
	if (f[EI_VERSION] != EV_CURRENT || le(f + E_VERSION, 4) != EV_CURRENT)
		return fail(why, len, "unsupported ELF version");
	if (le(f + E_MACHINE, 2) != EM_AARCH64)
		return fail(why, len, "not an AArch64 ELF (e_machine %u)",
			    (unsigned)le(f + E_MACHINE, 2));
	if (le(f + E_TYPE, 2) != ET_EXEC)
		return fail(why, len,
			    "not an executable ELF (e_type %u, expected "
			    "ET_EXEC)",
			    (unsigned)le(f + E_TYPE, 2));
	phentsize = le(f + E_PHENTSIZE, 2);
	img->phnum = (unsigned)le(f + E_PHNUM, 2);
	img->phoff = le(f + E_PHOFF, 8);
	if (phentsize != PHDR_SIZE)
		return fail(why, len,
			    "bad program header size (e_phentsize %u, "
			    "expected %u)",
			    (unsigned)phentsize, PHDR_SIZE);
	if (img->phnum > ELF_MAX_SEGMENTS)
		return fail(why, len, "%u program headers, at most %u",
			    img->phnum, ELF_MAX_SEGMENTS);
	if (!inside(img->phoff, (uint64_t)img->phnum * PHDR_SIZE, 0, size))
		return fail(why, len,
			    "program headers at 0x%llx are outside the file "
			    "(%llu bytes)",
			    (ull)img->phoff, (ull)size);
	return HV_OK;
}

static bool loaded(const struct seg *s)
{
	return s->type == PT_LOAD && s->memsz != 0;
}

static enum hv_err check_segment(const struct elf_image *img, unsigned i,
				 uint64_t ram_ipa, uint64_t ram_size, char *why,
				 size_t len)
{
	struct seg s = seg_at(img->file, img->phoff, i);

	if (s.type != PT_LOAD)
		return HV_OK;
	if (s.filesz > s.memsz)
		return fail(why, len,
			    "segment %u: p_filesz 0x%llx is larger than "
			    "p_memsz 0x%llx",
			    i, (ull)s.filesz, (ull)s.memsz);
	if (s.memsz == 0)
		return HV_OK;
	if (!inside(s.off, s.filesz, 0, img->size))
		return fail(why, len,
			    "segment %u: file bytes 0x%llx+0x%llx are outside "
			    "the file (%llu bytes)",
			    i, (ull)s.off, (ull)s.filesz, (ull)img->size);
	if (!inside(s.pa, s.memsz, ram_ipa, ram_size))
		return fail(why, len,
			    "segment %u at 0x%llx+0x%llx is outside guest "
			    "RAM [0x%llx, 0x%llx)",
			    i, (ull)s.pa, (ull)s.memsz, (ull)ram_ipa,
			    (ull)(ram_ipa + ram_size));
	for (unsigned j = 0; j < i; j++) {
		struct seg o = seg_at(img->file, img->phoff, j);

		/* Both inside RAM: the sums cannot overflow. */
		if (loaded(&o) && s.pa < o.pa + o.memsz &&
		    o.pa < s.pa + s.memsz)
			return fail(why, len,
				    "segments %u and %u overlap at 0x%llx", j,
				    i, (ull)(s.pa > o.pa ? s.pa : o.pa));
	}
	return HV_OK;
}

enum hv_err elf_check(const void *file, uint64_t size, uint64_t ram_ipa,
		      uint64_t ram_size, struct elf_image *img, char *why,
		      size_t why_len)
{
	const uint8_t *f = file;
	uint64_t entry;
	bool any = false;
	enum hv_err err;

	*img = (struct elf_image){.file = f, .size = size};
	err = check_header(f, size, img, why, why_len);
	for (unsigned i = 0; err == HV_OK && i < img->phnum; i++)
		err = check_segment(img, i, ram_ipa, ram_size, why, why_len);
	if (err != HV_OK)
		return err;
	entry = le(f + E_ENTRY, 8);
	for (unsigned i = 0; i < img->phnum; i++) {
		struct seg s = seg_at(f, img->phoff, i);

		if (!loaded(&s))
			continue;
		any = true;
		if (!inside(entry, 4, s.va, s.memsz))
			continue;
		if (entry & 3)
			return fail(why, why_len,
				    "entry point 0x%llx is not 4-byte aligned",
				    (ull)entry);
		img->entry = s.pa + (entry - s.va);
		return HV_OK;
	}
	if (!any)
		return fail(why, why_len, "no PT_LOAD segment");
	return fail(why, why_len,
		    "entry point 0x%llx is not inside a loaded segment",
		    (ull)entry);
}

void elf_load(const struct elf_image *img, uint8_t *ram, uint64_t ram_ipa)
{
	for (unsigned i = 0; i < img->phnum; i++) {
		struct seg s = seg_at(img->file, img->phoff, i);
		uint8_t *dst = ram + (s.pa - ram_ipa);

		if (!loaded(&s))
			continue;
		memcpy(dst, img->file + s.off, s.filesz);
	}
}

static void extent(const struct elf_image *img, bool file, uint64_t *start,
		   uint64_t *end)
{
	*start = UINT64_MAX;
	*end = 0;
	for (unsigned i = 0; i < img->phnum; i++) {
		struct seg s = seg_at(img->file, img->phoff, i);
		uint64_t size = file ? s.filesz : s.memsz;

		if (!loaded(&s) || size == 0)
			continue;
		if (s.pa < *start)
			*start = s.pa;
		if (s.pa + size > *end)
			*end = s.pa + size;
	}
}

void elf_extent(const struct elf_image *img, uint64_t *start, uint64_t *end)
{
	extent(img, false, start, end);
}

void elf_file_extent(const struct elf_image *img, uint64_t *start,
		     uint64_t *end)
{
	extent(img, true, start, end);
}
