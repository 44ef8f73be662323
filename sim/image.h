/*
 * image: guest images read from files and flattened into one contiguous blob
 * that hvsim copies into guest RAM before the VM starts.
 *
 * An AArch64 ELF64 little-endian executable is placed by the physical
 * addresses of its PT_LOAD segments; a raw binary goes where the caller says;
 * a device tree's header is checked before boot.c reads the tree. Every
 * function validates its input completely and never reads past what the
 * file holds: a malformed file gets a one-line message "<file>: <problem>"
 * in err, never a crash. On failure img is left empty (sim_image_free is
 * still safe).
 */
#ifndef SIM_IMAGE_H
#define SIM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Files sim_image_load reads whole; larger ones are refused. */
#define SIM_ELF_FILE_MAX (256ull << 20)

/* A guest image flattened for loading: one contiguous blob. */
struct sim_image {
	uint8_t *data; /* malloc'd, size bytes */
	uint64_t size;
	uint64_t load; /* guest-physical address of data[0] */
	uint64_t entry;
};

/*
 * Loads the AArch64 ELF64 little-endian executable (ET_EXEC) at path into
 * img, flattened from its PT_LOAD segments: file bytes, then zeros up to
 * p_memsz; gaps between segments zero-filled. Segments are placed by p_paddr
 * and must lie inside guest RAM [ram_ipa, ram_ipa + ram_size) without
 * overlapping one another. The entry point must be an aligned instruction
 * inside a segment's p_vaddr range; img->entry is its physical address (the
 * guest starts with its MMU off), which is e_entry when p_vaddr == p_paddr.
 * Segments other than PT_LOAD, and empty ones, are ignored. Messages name a
 * segment by its index in the program header table.
 */
bool sim_image_load(const char *path, uint64_t ram_ipa, uint64_t ram_size,
		    struct sim_image *img, char *err, size_t err_len);

/*
 * The same from an ELF file already in memory (len bytes at buf, which is
 * only read); name stands for the file in messages. This is what a fuzzer
 * drives.
 */
bool sim_image_parse_elf(const uint8_t *buf, size_t len, const char *name,
			 uint64_t ram_ipa, uint64_t ram_size,
			 struct sim_image *img, char *err, size_t err_len);

/* A raw binary loaded at load (entry = load), same RAM check. */
bool sim_image_load_raw(const char *path, uint64_t load, uint64_t ram_ipa,
			uint64_t ram_size, struct sim_image *img, char *err,
			size_t err_len);

/*
 * A whole file (e.g. a device tree blob), with no check but
 * 0 < size <= max; img->load and img->entry are 0.
 */
bool sim_file_read(const char *path, uint64_t max, struct sim_image *img,
		   char *err, size_t err_len);

/*
 * Checks the header of the flattened device tree in len bytes at buf, each
 * problem with its own message: the magic, a whole header, version 16 or
 * 17, a totalsize that fits the file, and its blocks inside that totalsize.
 * name stands for the file. What lies inside the blocks is lib/fdt's to
 * check (fdt_check).
 */
bool sim_dtb_check(const uint8_t *buf, size_t len, const char *name, char *err,
		   size_t err_len);

/* Frees img->data and empties img. */
void sim_image_free(struct sim_image *img);

#endif
