/*
 * image_seeds OUTDIR [GUEST_DIR]: the seed corpus of fuzz_image.
 *
 * Writes into OUTDIR small ELF files made here that reach each corner of
 * sim/image.c - every accepted layout (segments out of order, bss only,
 * p_vaddr != p_paddr, RAM filled to its last byte, non-PT_LOAD headers)
 * and one file per reason a header or segment is refused - and a device
 * tree, whole and cut short. With GUEST_DIR, the test guests built there
 * (*.elf) and their guest.dtb are copied in too: real toolchain output.
 * Built with the fuzzers; run at build time (target fuzz_image_seeds).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fuzz_image's guest RAM. */
#define RAM_IPA	 0x40000000ull
#define RAM_SIZE 0x04000000ull
#define CODE_OFF 0x1000u
#define MAX_PH	 4

/* The ELF structs are written as they are: the host must be little-endian. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "seeds are written in host order");

struct elf_file {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PH];
	uint8_t code[64];
};

static const char *outdir;
static unsigned written;

static void write_bytes(const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	written++;
}

/* The base case: one PT_LOAD of 64 bytes at RAM_IPA + CODE_OFF. */
static struct elf_file base(void)
{
	struct elf_file e;

	memset(&e, 0, sizeof(e));
	memcpy(e.eh.e_ident, ELFMAG, SELFMAG);
	e.eh.e_ident[EI_CLASS] = ELFCLASS64;
	e.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e.eh.e_ident[EI_VERSION] = EV_CURRENT;
	e.eh.e_type = ET_EXEC;
	e.eh.e_machine = EM_AARCH64;
	e.eh.e_version = EV_CURRENT;
	e.eh.e_entry = RAM_IPA + CODE_OFF;
	e.eh.e_phoff = offsetof(struct elf_file, ph);
	e.eh.e_ehsize = sizeof(Elf64_Ehdr);
	e.eh.e_phentsize = sizeof(Elf64_Phdr);
	e.eh.e_phnum = 1;
	e.ph[0] = (Elf64_Phdr){
	    .p_type = PT_LOAD,
	    .p_flags = PF_R | PF_X,
	    .p_offset = offsetof(struct elf_file, code),
	    .p_vaddr = RAM_IPA + CODE_OFF,
	    .p_paddr = RAM_IPA + CODE_OFF,
	    .p_filesz = sizeof(e.code),
	    .p_memsz = sizeof(e.code),
	    .p_align = 8,
	};
	for (size_t i = 0; i < sizeof(e.code); i += 4) {
		uint32_t nop = 0xd503201f;

		memcpy(e.code + i, &nop, 4);
	}
	return e;
}

static void emit(const char *name, const struct elf_file *e)
{
	write_bytes(name, e, sizeof(*e));
}

/* A second PT_LOAD (header 1) of memsz bytes at ipa, filesz from code. */
static void add_segment(struct elf_file *e, unsigned i, uint64_t ipa,
			uint64_t filesz, uint64_t memsz)
{
	e->ph[i] = e->ph[0];
	e->ph[i].p_vaddr = ipa;
	e->ph[i].p_paddr = ipa;
	e->ph[i].p_filesz = filesz;
	e->ph[i].p_memsz = memsz;
	if (e->eh.e_phnum <= i)
		e->eh.e_phnum = (Elf64_Half)(i + 1);
}

static void accepted_layouts(void)
{
	struct elf_file e = base();

	emit("ok-minimal.elf", &e);

	/* Text, a PT_GNU_STACK to be ignored, data + bss placed below it. */
	e = base();
	e.ph[1] = (Elf64_Phdr){.p_type = PT_GNU_STACK, .p_flags = PF_R};
	add_segment(&e, 2, RAM_IPA + 0x100, 16, 0x400);
	emit("ok-out-of-order.elf", &e);

	e = base();
	add_segment(&e, 1, RAM_IPA + 0x10000, 0, 0x2000);
	emit("ok-bss-only.elf", &e);

	e = base();
	add_segment(&e, 1, RAM_IPA + 0x20000, 0, 0);
	emit("ok-empty-segment.elf", &e);

	/* Linked high, loaded by physical address: entry translated. */
	e = base();
	e.ph[0].p_vaddr = 0xffff000000001000ull;
	e.eh.e_entry = 0xffff000000001000ull;
	emit("ok-vaddr-not-paddr.elf", &e);

	e = base();
	e.ph[0].p_paddr = RAM_IPA + RAM_SIZE - sizeof(e.code);
	e.ph[0].p_vaddr = e.ph[0].p_paddr;
	e.eh.e_entry = e.ph[0].p_paddr;
	emit("ok-last-byte-of-ram.elf", &e);
}

static void refused_headers(void)
{
	struct elf_file e;

	e = base();
	e.eh.e_ident[EI_CLASS] = ELFCLASS32;
	emit("bad-elf32.elf", &e);
	e = base();
	e.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	emit("bad-big-endian.elf", &e);
	e = base();
	e.eh.e_ident[EI_VERSION] = 2;
	emit("bad-ident-version.elf", &e);
	e = base();
	e.eh.e_version = 2;
	emit("bad-version.elf", &e);
	e = base();
	e.eh.e_machine = EM_X86_64;
	emit("bad-machine.elf", &e);
	e = base();
	e.eh.e_type = ET_DYN;
	emit("bad-type-dyn.elf", &e);
	e = base();
	e.eh.e_phentsize = sizeof(Elf64_Phdr) - 8;
	emit("bad-phentsize.elf", &e);
	e = base();
	e.eh.e_phnum = PN_XNUM;
	emit("bad-phnum-extended.elf", &e);
	e = base();
	e.eh.e_phnum = 0;
	emit("bad-no-program-headers.elf", &e);
	e = base();
	e.eh.e_phoff = sizeof(e) - 8;
	emit("bad-phoff-past-end.elf", &e);
	e = base();
	e.eh.e_phoff = ~0ull - 16;
	emit("bad-phoff-wraps.elf", &e);
	e = base();
	write_bytes("bad-truncated-header.elf", &e, 40);
	write_bytes("bad-truncated-ident.elf", &e, 8);
}

static void refused_segments(void)
{
	struct elf_file e;

	e = base();
	e.ph[0].p_type = PT_NOTE;
	emit("bad-no-load-segment.elf", &e);
	e = base();
	e.ph[0].p_offset = sizeof(e) - 8;
	emit("bad-segment-past-end.elf", &e);
	e = base();
	e.ph[0].p_offset = ~0ull - 8;
	emit("bad-segment-offset-wraps.elf", &e);
	e = base();
	e.ph[0].p_filesz = e.ph[0].p_memsz + 8;
	emit("bad-filesz-over-memsz.elf", &e);
	e = base();
	e.ph[0].p_memsz = ~0ull - 0x100;
	emit("bad-segment-wraps.elf", &e);
	e = base();
	e.ph[0].p_paddr = 0x1000;
	emit("bad-segment-below-ram.elf", &e);
	e = base();
	e.ph[0].p_paddr = RAM_IPA + RAM_SIZE - 8;
	emit("bad-segment-crosses-ram-end.elf", &e);
	e = base();
	add_segment(&e, 1, RAM_IPA + CODE_OFF + 32, 16, 64);
	emit("bad-overlapping.elf", &e);
	e = base();
	e.eh.e_entry = RAM_IPA + 0x8000;
	emit("bad-entry-outside.elf", &e);
	e = base();
	e.eh.e_entry += 2;
	emit("bad-entry-misaligned.elf", &e);
	e = base();
	e.eh.e_entry += sizeof(e.code) - 2;
	emit("bad-entry-last-bytes.elf", &e);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* An empty root node: header, memory map, struct, strings (76 bytes). */
static void device_trees(void)
{
	uint8_t d[76];

	memset(d, 0, sizeof(d));
	put_be32(d + 0, 0xd00dfeed);
	put_be32(d + 4, sizeof(d));
	put_be32(d + 8, 56);
	put_be32(d + 12, 72);
	put_be32(d + 16, 40);
	put_be32(d + 20, 17);
	put_be32(d + 24, 16);
	put_be32(d + 32, 4);
	put_be32(d + 36, 16);
	put_be32(d + 56, 1);
	put_be32(d + 64, 2);
	put_be32(d + 68, 9);
	write_bytes("dtb-empty-root.dtb", d, sizeof(d));
	write_bytes("dtb-cut-short.dtb", d, sizeof(d) - 8);
	put_be32(d + 20, 16);
	write_bytes("dtb-version-16.dtb", d, sizeof(d));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Copies the guests' ELF files and device tree from dir. */
static void copy_guests(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *ent;

	if (d == NULL) {
		perror(dir);
		exit(1);
	}
	while ((ent = readdir(d)) != NULL) {
		char path[4096], name[300];
		FILE *f;
		long len;
		uint8_t *buf;

		if (!ends_with(ent->d_name, ".elf") &&
		    strcmp(ent->d_name, "guest.dtb") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
		f = fopen(path, "rb");
		if (f == NULL || fseek(f, 0, SEEK_END) != 0 ||
		    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
			perror(path);
			exit(1);
		}
		buf = malloc((size_t)len + 1);
		if (buf == NULL ||
		    fread(buf, 1, (size_t)len, f) != (size_t)len) {
			perror(path);
			exit(1);
		}
		fclose(f);
		snprintf(name, sizeof(name), "guest-%s", ent->d_name);
		write_bytes(name, buf, (size_t)len);
		free(buf);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: image_seeds OUTDIR [GUEST_DIR]\n");
		return 2;
	}
	outdir = argv[1];
	accepted_layouts();
	refused_headers();
	refused_segments();
	device_trees();
	if (argc == 3)
		copy_guests(argv[2]);
	printf("image_seeds: %u files in %s\n", written, outdir);
	return 0;
}
