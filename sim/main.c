/*
 * hvsim: runs VMs on the host against the hypervisor core.
 *
 *   hvsim [options] [--load FILE@ADDR]... BOOT.dtb
 *       the VMs the boot device tree's manifest describes (docs/manifest.md),
 *       their modules placed with --load as QEMU's -device loader would
 *   hvsim [options] IMAGE
 *       one VM running an image (ELF, arm64 Image or raw): hvsim writes the
 *       manifest for it
 *
 * The machine is hal/sim's: RAM and the GIC version as the boot tree says
 * (QEMU's dumped tree gives 1 GiB at 0x4000_0000), the hypervisor's own
 * memory at the base of RAM as on QEMU virt. The guests' console output
 * goes to stdout exactly as the hypervisor prints it on a serial line;
 * hvsim's own messages, the exit trace and the statistics go to stderr. The
 * exit status is the hypervisor's: that of the guests, 124 when
 * --max-insns stopped the run, 125 when the simulator met something it does
 * not model, 2 for bad usage or input.
 */
#include "boot.h"
#include "engine.h"
#include "hal_sim.h"
#include "image.h"
#include "trace_json.h"

#include "hv/config.h"
#include "hv/trace.h"

#include <hal/core.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STATUS_USAGE   2
#define HV_REGION_SIZE 0x02000000ull /* the hypervisor's, at the RAM base */
#define MODULE_ALIGN   0x00200000ull
#define MAX_LOADS      16

struct load {
	const char *path;
	uint64_t pa;
};

struct args {
	const char *input;	  /* BOOT.dtb or IMAGE */
	const char *name;	  /* --name */
	const char *dtb;	  /* --dtb */
	const char *console;	  /* --input */
	const char *console_file; /* --input-file */
	const char *after;	  /* --input-after */
	unsigned vcpus;
	unsigned gic; /* --gic: 2 or 3, or 0 for the boot tree's */
	uint64_t ram;
	struct load loads[MAX_LOADS];
	unsigned load_count;
	bool image_opts; /* --name, --vcpus, --ram or --dtb given */
	bool stats;
	const char *trace_json; /* --trace-json */
	bool trace_records;	/* --trace records */
	struct sim_options opt;
};

static struct {
	struct sim_boot boot;
	bool stats;
	struct timespec start;
} run;

static void usage(FILE *f)
{
	fputs(
	    "usage: hvsim [options] [--load FILE@ADDR]... BOOT.dtb\n"
	    "       hvsim [options] IMAGE\n"
	    "Runs VMs on the host against the hypervisor core.\n"
	    "\n"
	    "  BOOT.dtb          a boot device tree with VMs under /chosen\n"
	    "                    (docs/manifest.md; scripts/manifest makes "
	    "one)\n"
	    "  --load FILE@ADDR  FILE's bytes at host address ADDR, as QEMU's\n"
	    "                    -device loader,force-raw=on puts them\n"
	    "  IMAGE             one VM running an ELF, arm64 Image or raw "
	    "image\n"
	    "\n"
	    "For an IMAGE:\n"
	    "  --name NAME       the VM's name (default: the file's name)\n"
	    "  --vcpus N         number of vCPUs (default 1)\n"
	    "  --ram SIZE        guest RAM, e.g. 64M (default 64M)\n"
	    "  --dtb FILE        the VM's device tree (default: generated)\n"
	    "Always:\n"
	    "  --gic 2|3         the machine's GIC version (default: the boot\n"
	    "                    tree's, else 3)\n"
	    "  --max-insns N     stop (status 124) after N guest "
	    "instructions\n"
	    "  --insns-per-tick N  guest instructions per counter tick\n"
	    "                    (default 16: a 62.5 MHz counter at 1 GHz)\n"
	    "  --trace exits     one line per exit on stderr\n"
	    "  --trace exceptions  one line per exception the guest takes at\n"
	    "                    EL1 by itself (SVC, its own aborts...)\n"
	    "  --trace records   the timeline's records on the console, as\n"
	    "                    hv.elf built with HV_TRACE prints them\n"
	    "                    (scripts/hv-trace)\n"
	    "  --trace-json FILE the exits as a timeline: Chrome trace events\n"
	    "                    (Perfetto, chrome://tracing)\n"
	    "  --stats           instructions and exits, on stderr\n"
	    "  --input TEXT      characters for the console's input\n"
	    "  --input-file FILE the same from a file\n"
	    "  --input-after TEXT  hold the input back until the console's\n"
	    "                    output contains TEXT (a guest's prompt)\n"
	    "  -h, --help        this text\n",
	    f);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

static bool parse_size(const char *s, uint64_t *out)
{
	char buf[32];
	size_t n = s != NULL ? strlen(s) : 0;
	unsigned shift = 0;
	uint64_t v;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift != 0)
		buf[n - 1] = '\0';
	if (!parse_u64(buf, &v) || v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

static int bad(const char *fmt, const char *what)
{
	fputs("hvsim: ", stderr);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	return STATUS_USAGE;
}

/* FILE@ADDR of --load. */
static int parse_load(const char *val, struct args *a)
{
	const char *at = strrchr(val, '@');
	char addr[32];

	if (a->load_count == MAX_LOADS)
		return bad("--load: more than %s files", "16");
	if (at == NULL || at == val || strlen(at + 1) >= sizeof(addr))
		return bad("--load: '%s' is not FILE@ADDR", val);
	memcpy(addr, at + 1, strlen(at + 1) + 1);
	if (!parse_u64(addr, &a->loads[a->load_count].pa))
		return bad("--load: '%s' is not FILE@ADDR", val);
	a->loads[a->load_count].path = val;
	a->load_count++;
	return 0;
}

/* An option with its value: 0, a status, or -1 when o is no option. */
static int value_option(const char *o, const char *val, struct args *a)
{
	uint64_t n;

	if (strcmp(o, "--load") == 0)
		return parse_load(val, a);
	if (strcmp(o, "--input") == 0) {
		a->console = val;
	} else if (strcmp(o, "--input-file") == 0) {
		a->console_file = val;
	} else if (strcmp(o, "--input-after") == 0) {
		if (val[0] == '\0')
			return bad("--input-after: empty text%s", "");
		a->after = val;
	} else if (strcmp(o, "--gic") == 0) {
		if (strcmp(val, "2") != 0 && strcmp(val, "3") != 0)
			return bad("--gic: '%s' is not 2 or 3", val);
		a->gic = (unsigned)(val[0] - '0');
	} else if (strcmp(o, "--trace") == 0) {
		if (strcmp(val, "records") == 0)
			a->trace_records = true;
		else if (strcmp(val, "exits") == 0)
			a->opt.trace = stderr;
		else if (strcmp(val, "exceptions") == 0)
			a->opt.trace_exc = stderr;
		else
			return bad("--trace: unknown kind '%s' (known: exits, "
				   "exceptions, records)",
				   val);
	} else if (strcmp(o, "--trace-json") == 0) {
		a->trace_json = val;
	} else if (strcmp(o, "--max-insns") == 0) {
		if (!parse_u64(val, &a->opt.max_insns) || a->opt.max_insns == 0)
			return bad("--max-insns: bad count '%s'", val);
	} else if (strcmp(o, "--insns-per-tick") == 0) {
		if (!parse_u64(val, &n) || n == 0 || n > 1000000)
			return bad("--insns-per-tick: bad count '%s'", val);
		a->opt.insns_per_tick = (unsigned)n;
	} else if (strcmp(o, "--name") == 0) {
		a->name = val;
		a->image_opts = true;
	} else if (strcmp(o, "--dtb") == 0) {
		a->dtb = val;
		a->image_opts = true;
	} else if (strcmp(o, "--vcpus") == 0) {
		if (!parse_u64(val, &n) || n == 0 || n > HV_MAX_VCPUS)
			return bad("--vcpus: '%s' is not 1 to HV_MAX_VCPUS",
				   val);
		a->vcpus = (unsigned)n;
		a->image_opts = true;
	} else if (strcmp(o, "--ram") == 0) {
		if (!parse_size(val, &a->ram) || a->ram == 0)
			return bad("--ram: bad size '%s'", val);
		a->image_opts = true;
	} else {
		return -1;
	}
	return 0;
}

static bool takes_value(const char *o)
{
	static const char *const known[] = {
	    "--load",	   "--input", "--input-file", "--input-after",
	    "--gic",	   "--trace", "--name",	      "--dtb",
	    "--vcpus",	   "--ram",   "--max-insns",  "--insns-per-tick",
	    "--trace-json"};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(o, known[i]) == 0)
			return true;
	return false;
}

/* 0 when args are good, else the status to exit with. */
static int parse_args(int argc, char **argv, struct args *a)
{
	*a = (struct args){
	    .vcpus = 1, .ram = 64ull << 20, .opt = {.insns_per_tick = 16}};
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		int rc;

		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(o, "--stats") == 0) {
			a->stats = true;
			continue;
		}
		if (o[0] != '-') {
			if (a->input != NULL)
				return bad("more than one image or tree: %s",
					   o);
			a->input = o;
			continue;
		}
		if (i + 1 >= argc) {
			if (!takes_value(o))
				return bad("unknown option: %s (see --help)",
					   o);
			return bad("%s needs a value", o);
		}
		rc = value_option(o, argv[i + 1], a);
		if (rc == -1)
			return bad("unknown option: %s (see --help)", o);
		if (rc != 0)
			return rc;
		i++;
	}
	if (a->input == NULL) {
		usage(stderr);
		return STATUS_USAGE;
	}
	return 0;
}

/* --input, then --input-file, given at once or after --input-after's text. */
static int console_input(const struct args *a, char *err, size_t err_len)
{
	static char text[4096]; /* the sizes in bad() below */
	size_t len = 0;

	if (a->console != NULL) {
		len = strlen(a->console);
		if (len > sizeof(text))
			return bad("%s: more than 4096 bytes", "--input");
		memcpy(text, a->console, len);
	}
	if (a->console_file != NULL) {
		struct sim_image in;

		if (!sim_file_read(a->console_file, sizeof(text), &in, err,
				   err_len)) {
			/* An empty file is no input, not an error. */
			if (strstr(err, "empty") == NULL)
				return bad("--input-file: %s", err);
		} else {
			if (in.size > sizeof(text) - len) {
				sim_image_free(&in);
				return bad("%s: more than 4096 bytes of input "
					   "in all",
					   "--input-file");
			}
			memcpy(text + len, in.data, (size_t)in.size);
			len += (size_t)in.size;
			sim_image_free(&in);
		}
	}
	if (a->after != NULL)
		hal_sim_console_feed_after(a->after, text, len);
	else if (len > 0)
		hal_sim_console_feed(text, len);
	return 0;
}

/* The VM's name for an image: its file name without directory and suffix. */
static void name_from_path(const char *path, char *name)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base != NULL ? base + 1 : path;
	n = strcspn(base, ".");
	if (n > HV_NAME_MAX)
		n = HV_NAME_MAX;
	memcpy(name, base, n);
	name[n] = '\0';
}

/* Whether the file starts with the device tree magic. */
static bool is_dtb(const char *path)
{
	unsigned char m[4] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f != NULL ? fread(m, 1, 4, f) : 0;

	if (f != NULL)
		fclose(f);
	return n == 4 && m[0] == 0xd0 && m[1] == 0x0d && m[2] == 0xfe &&
	       m[3] == 0xed;
}

/* The machine hal_sim models: RAM and the GIC the boot tree says. */
static void machine(const struct args *a)
{
	struct hal_platform *plat = hal_sim_platform();

	plat->ram_base = pa_init(run.boot.ram_base);
	plat->ram_size = run.boot.ram_size;
	plat->hv_base = pa_init(run.boot.ram_base);
	plat->hv_size = HV_REGION_SIZE;
	hal_sim_gic()->version = a->gic != 0	     ? a->gic
				 : run.boot.gic != 0 ? run.boot.gic
						     : 3;
	hal_sim_mem_init(run.boot.ram_base, run.boot.ram_size);
	/* What hal/aarch64 keeps for itself on the same machine, so that the
	 * core refuses to give it away in the same words. */
	plat->mmio_count = 0;
	plat->mmio[plat->mmio_count++] = (struct hal_mmio){
	    "the hypervisor's console UART", pa_init(0x09000000), 0x1000};
	for (unsigned i = 0; i < run.boot.gic_reg_count &&
			     hal_sim_gic()->version == run.boot.gic;
	     i++) {
		static const char *const v2[] = {
		    "the GIC's distributor", "the GIC's CPU interface",
		    "the GIC's virtual interface control",
		    "the GIC's virtual CPU interface"};
		static const char *const v3[] = {"the GIC's distributor",
						 "the GIC's redistributors"};

		if (run.boot.gic == 3 && i >= 2)
			break;
		plat->mmio[plat->mmio_count++] = (struct hal_mmio){
		    run.boot.gic == 3 ? v3[i] : v2[i],
		    pa_init(run.boot.gic_reg[i][0]), run.boot.gic_reg[i][1]};
	}
}

/* One VM for an image, its modules at the top of host RAM; 0 or status. */
static int boot_image(const struct args *a, char *err, size_t len)
{
	uint64_t top = run.boot.ram_base + run.boot.ram_size;
	uint64_t size = 0, dtb_size = 0, dtb_pa = 0, pa;
	char name[HV_NAME_MAX + 1];
	struct sim_image file;

	if (a->name != NULL &&
	    (strlen(a->name) == 0 || strlen(a->name) > HV_NAME_MAX))
		return bad("--name: '%s' is empty or too long", a->name);
	if (a->name != NULL)
		snprintf(name, sizeof(name), "%s", a->name);
	else
		name_from_path(a->input, name);
	if (!sim_file_read(a->input, top - run.boot.ram_base, &file, err, len))
		return bad("%s", err);
	pa = (top - file.size) & ~(MODULE_ALIGN - 1);
	sim_image_free(&file);
	if (!sim_boot_load(a->input, pa, &size, err, len))
		return bad("%s", err);
	if (a->dtb != NULL) {
		struct sim_boot check;

		if (!sim_boot_read_dtb(a->dtb, &check, err, len) &&
		    strstr(err, "no /memory") == NULL) {
			sim_boot_free(&check);
			return bad("--dtb %s", err);
		}
		dtb_pa = (pa - check.dtb_size) & ~(MODULE_ALIGN - 1);
		sim_boot_free(&check);
		if (!sim_boot_load(a->dtb, dtb_pa, &dtb_size, err, len))
			return bad("%s", err);
	}
	if (!sim_boot_image(&run.boot, name, a->vcpus, a->ram, pa, size, dtb_pa,
			    dtb_size, err, len))
		return bad("%s", err);
	return 0;
}

/* The boot tree and its modules; 0 or a status. */
static int boot(const struct args *a)
{
	char err[512];

	if (is_dtb(a->input)) {
		if (a->image_opts)
			return bad("%s: --name, --vcpus, --ram and --dtb are "
				   "for an IMAGE; a boot tree says them",
				   a->input);
		if (!sim_boot_read_dtb(a->input, &run.boot, err, sizeof(err)))
			return bad("%s", err);
		machine(a);
		for (unsigned i = 0; i < a->load_count; i++) {
			char path[4096];
			const char *at = strrchr(a->loads[i].path, '@');
			uint64_t size;

			snprintf(path, sizeof(path), "%.*s",
				 (int)(at - a->loads[i].path),
				 a->loads[i].path);
			if (!sim_boot_load(path, a->loads[i].pa, &size, err,
					   sizeof(err)))
				return bad("--load %s", err);
		}
	} else {
		if (a->load_count != 0)
			return bad(
			    "%s: --load is for a boot tree, not an image",
			    a->input);
		run.boot = (struct sim_boot){.ram_base = SIM_RAM_BASE,
					     .ram_size = SIM_RAM_SIZE};
		machine(a);
		int status = boot_image(a, err, sizeof(err));

		if (status != 0)
			return status;
	}
	hal_sim_set_boot_dtb(run.boot.dtb, run.boot.dtb_size);
	return 0;
}

static const char *const ec_names[64] = {
    [0x00] = "UNKNOWN", [0x01] = "WFx",	     [0x07] = "FP",
    [0x15] = "SVC64",	[0x16] = "HVC64",    [0x17] = "SMC64",
    [0x18] = "SYS64",	[0x20] = "IABT_LOW", [0x24] = "DABT_LOW",
};

static void print_stats(void)
{
	const struct sim_stats *st = sim_engine_stats();
	double run_s = st->run_seconds > 0 ? st->run_seconds : 1e-9;
	struct timespec now;
	double wall;

	clock_gettime(CLOCK_MONOTONIC, &now);
	wall = (double)(now.tv_sec - run.start.tv_sec) +
	       (double)(now.tv_nsec - run.start.tv_nsec) * 1e-9;
	fprintf(stderr,
		"hvsim: %" PRIu64 " guest instructions, %" PRIu64
		" exits, %" PRIu64 " guest exceptions\n",
		st->insns, st->exits, st->guest_exceptions);
	fprintf(stderr,
		"hvsim: %" PRIu64 " physical interrupts taken at EL2, %" PRIu64
		" counter ticks idle\n",
		st->irq_exits, st->idle_ticks);
	fprintf(stderr,
		"hvsim: %.3f s running vCPUs (%.3f s in all): %.0f exits/s, "
		"%.0f guest instructions/s\n",
		st->run_seconds, wall, (double)st->exits / run_s,
		(double)st->insns / run_s);
	for (unsigned ec = 0; ec < 64; ec++) {
		if (st->exits_by_ec[ec] == 0)
			continue;
		fprintf(stderr, "hvsim: exits EC %#04x %-8s %" PRIu64 "\n", ec,
			ec_names[ec] != NULL ? ec_names[ec] : "?",
			st->exits_by_ec[ec]);
	}
}

static void on_stop(int status, int halted)
{
	(void)status;
	(void)halted;
	fflush(stdout);
	trace_json_close();
	if (run.stats)
		print_stats();
}

static void free_all(void)
{
	sim_engine_release();
	sim_boot_free(&run.boot);
	hal_sim_reset();
}

int main(int argc, char **argv)
{
	struct args a;
	char err[512];
	int status;

	status = parse_args(argc, argv, &a);
	if (status != 0)
		return status;
	hal_sim_reset();
	status = boot(&a);
	if (status == 0 && !sim_engine_init(&a.opt, err, sizeof(err)))
		status = bad("%s", err);
	if (status == 0 && a.trace_json != NULL &&
	    !trace_json_open(a.trace_json, err, sizeof(err)))
		status = bad("%s", err);
	if (status != 0) {
		free_all();
		return status;
	}
	run.stats = a.stats;
	hal_sim_console_echo(1);
	status = console_input(&a, err, sizeof(err));
	if (status != 0) {
		free_all();
		return status;
	}
	hal_sim_set_stop_hook(on_stop);
	if (a.trace_records)
		trace_console_start();
	clock_gettime(CLOCK_MONOTONIC, &run.start);
	status = hv_boot();
	on_stop(status, 0);
	free_all();
	/* Outside 0-255 exit() would wrap: 256 would read as success. */
	return status >= 0 && status <= 255 ? status : 1;
}
