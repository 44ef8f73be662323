/*
 * elf: the ELF64 executables a VM boots (a manifest kernel module of kind
 * "elf"). The file comes from the user: elf_check validates all of it
 * against the file's size and the VM's RAM before anything is copied, and
 * says what is wrong in one line. Accepted: ELF64, little-endian, AArch64,
 * ET_EXEC, at most ELF_MAX_SEGMENTS program headers; PT_LOAD segments with
 * p_filesz <= p_memsz, their file bytes inside the file, placed at p_paddr
 * inside guest RAM without overlapping one another; the entry point an
 * aligned address inside a loaded segment's p_vaddr range (the guest starts
 * with its MMU off, so the entry is translated to the segment's p_paddr).
 * Other segment types and empty segments are ignored.
 */
#ifndef HV_ELF_H
#define HV_ELF_H

#include "hv/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 32

/* A checked image: the file, and where it starts. */
struct elf_image {
	const uint8_t *file;
	uint64_t size;
	uint64_t entry; /* guest-physical */
	uint64_t phoff;
	unsigned phnum;
};

/* True when the file starts with the ELF magic (the kind is ELF). */
bool elf_is_elf(const void *file, uint64_t size);

/*
 * Checks the file of size bytes as an image for guest RAM [ram_ipa,
 * ram_ipa + ram_size): HV_OK and *img, or an error and why (a message
 * such as "segment 2: p_filesz 0x20 is larger than p_memsz 0x10").
 */
enum hv_err elf_check(const void *file, uint64_t size, uint64_t ram_ipa,
		      uint64_t ram_size, struct elf_image *img, char *why,
		      size_t why_len);

/*
 * Copies a checked image's segments' file bytes into guest RAM, which ram
 * points at (its first byte is ram_ipa). The zeros from p_filesz up to
 * p_memsz are the caller's: RAM that reads as zero (hv/vm_ram.h).
 */
void elf_load(const struct elf_image *img, uint8_t *ram, uint64_t ram_ipa);

/*
 * The lowest and highest+1 guest-physical addresses the segments use, with
 * their zero fill (elf_extent) or their file bytes only (elf_file_extent;
 * start >= end when no segment has any).
 */
void elf_extent(const struct elf_image *img, uint64_t *start, uint64_t *end);
void elf_file_extent(const struct elf_image *img, uint64_t *start,
		     uint64_t *end);

#endif
