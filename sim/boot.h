/*
 * boot: what hvsim does as the machine's boot loader, so that the core
 * gets exactly what it gets on QEMU: a boot device tree whose /chosen
 * describes the VMs (docs/manifest.md), and the modules at the host
 * addresses that tree names.
 *
 * The machine (its RAM, its GIC version) is read from the boot tree as
 * QEMU's own tree would give it. A single image can also be run without a
 * manifest: sim_boot_image writes a one-VM tree for it, which the core then
 * parses like any other (one VM description, one parser: the core's).
 * Every input is a user's file: problems come back as one line in err.
 */
#ifndef SIM_BOOT_H
#define SIM_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where hvsim's machine has RAM unless its boot tree says otherwise. */
#define SIM_RAM_BASE 0x40000000ull
#define SIM_RAM_SIZE 0x40000000ull

struct sim_boot {
	uint8_t *dtb; /* the boot tree (malloc'd) */
	size_t dtb_size;
	uint64_t ram_base, ram_size; /* from its /memory node */
	unsigned gic;		     /* 2 or 3 from its interrupt controller,
					0 when it names neither */
	/* The controller's reg (address, size) pairs, as QEMU's HAL reads
	 * them: v3 GICD, GICR; v2 GICD, GICC, GICH, GICV. */
	uint64_t gic_reg[4][2];
	unsigned gic_reg_count;
};

/* Reads and checks the boot tree at path and the machine it describes. */
bool sim_boot_read_dtb(const char *path, struct sim_boot *b, char *err,
		       size_t len);

/*
 * A one-VM boot tree for an image that is already in host memory at pa
 * (size bytes), with a RAM of ram bytes, vcpus vCPUs and the given name;
 * dtb_pa/dtb_size the VM's own device tree module (size 0: generated).
 */
bool sim_boot_image(struct sim_boot *b, const char *name, unsigned vcpus,
		    uint64_t ram, uint64_t pa, uint64_t size, uint64_t dtb_pa,
		    uint64_t dtb_size, char *err, size_t len);

/*
 * Puts the file at path into host memory at pa (the arena must exist):
 * the counterpart of QEMU's -device loader,force-raw=on. *size is set to
 * the file's size.
 */
bool sim_boot_load(const char *path, uint64_t pa, uint64_t *size, char *err,
		   size_t len);

void sim_boot_free(struct sim_boot *b);

#endif
