/*
 * vmconfig: the VM configuration files hvsim reads. One [vm NAME] section
 * per VM, "key = value" lines in it; '#' starts a comment anywhere on a
 * line, and blank lines and whitespace around everything are ignored:
 *
 *	# Two VMs sharing the machine; paths are relative to this file.
 *	[vm hello]
 *	image = ../tests/guests/hello.elf
 *	vcpus = 1
 *	ram = 64M            # K, M or G suffix, or a byte count (hex 0x.. ok)
 *	ram_ipa = 0x40000000 # default 0x40000000
 *	dtb = guest.dtb      # optional
 *	console = yes        # yes/no: gets the console's input
 *
 *	[vm second]
 *	image = /abs/path/second.elf
 *
 * Keys: image (required), dtb, vcpus (1..HV_MAX_VCPUS, default 1), ram
 * (default 64M), ram_ipa (default 0x40000000), console. Names are 1 to
 * HV_NAME_MAX characters of [A-Za-z0-9_-], unique. Numbers are decimal or
 * 0x hex; ram and ram_ipa take a K, M or G suffix (powers of 1024, either
 * case). ram must be a non-zero multiple of 4 KiB and ram_ipa 4 KiB aligned,
 * as config_validate requires (hv/config.c); the rest of its checks (IPA
 * space, device window) are left to it. Relative paths are taken from the
 * configuration file's directory; a path cannot hold '#'. At most one VM
 * says console = yes; when none does, the first VM gets the console unless
 * it says console = no. Lines are at most SIM_CONFIG_LINE_MAX characters.
 */
#ifndef SIM_VMCONFIG_H
#define SIM_VMCONFIG_H

#include "hv/config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * PATH_MAX is POSIX, not C11, and differs between systems: a fixed size keeps
 * the struct the same in every translation unit.
 */
#define SIM_PATH_MAX 4096

#define SIM_CONFIG_LINE_MAX 1024       /* characters, without the newline */
#define SIM_CONFIG_FILE_MAX (1u << 20) /* bytes */

#define SIM_DEFAULT_VCPUS   1
#define SIM_DEFAULT_RAM	    (64ull << 20)
#define SIM_DEFAULT_RAM_IPA 0x40000000ull

struct sim_vm_spec {
	char name[HV_NAME_MAX + 1];
	/* resolved against the config file's directory */
	char image[SIM_PATH_MAX];
	char dtb[SIM_PATH_MAX]; /* "" when none */
	unsigned vcpus;		/* default 1 */
	uint64_t ram_size;	/* default 64 MiB */
	uint64_t ram_ipa;	/* default 0x40000000 */
	bool console;
	bool console_set; /* whether the file said it */
};

struct sim_config {
	struct sim_vm_spec vms[HV_MAX_VMS];
	unsigned vm_count;
};

/*
 * Parses the configuration file at path; relative paths in it are taken
 * from its directory. On error returns false with err = "path:line: message"
 * ("path: message" when the file cannot be read); cfg is then unspecified.
 */
bool sim_config_load(const char *path, struct sim_config *cfg, char *err,
		     size_t err_len);

/*
 * The same from a string: base_dir for relative paths ("" or NULL keeps
 * them as written), name for messages.
 */
bool sim_config_parse(const char *text, const char *name, const char *base_dir,
		      struct sim_config *cfg, char *err, size_t err_len);

#endif
