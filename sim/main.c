/*
 * hvsim: runs guest images on the host against the hypervisor core.
 *
 *   hvsim [options] IMAGE      one VM running an AArch64 ELF image
 *   hvsim [options] CONFIG.cfg the VMs a configuration file describes
 *
 * The machine has a GICv3 (or a GICv2 with --gic 2) with 4 list registers
 * and the generic timers, modelled by the engine.
 * The machine is hal/sim's: the hypervisor's own memory at 0x4000_0000
 * (64 MiB, as on QEMU virt), then each VM's RAM. The guests' console output
 * goes to stdout exactly as the hypervisor prints it on a serial line;
 * hvsim's own messages, the exit trace and the statistics go to stderr. The
 * exit status is the hypervisor's: that of the guests, 124 when
 * --max-insns stopped the run, 125 when the simulator met something it does
 * not model, 2 for bad usage or input.
 */
#include "engine.h"
#include "hal_sim.h"
#include "image.h"
#include "vmconfig.h"

#include "hv/config.h"
#include "hv/main.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STATUS_USAGE 2

#define MACHINE_RAM_BASE 0x40000000ull
#define HV_REGION_SIZE	 0x04000000ull /* as on QEMU virt (configs/) */
#define DTB_BELOW_TOP	 0x00200000ull /* DTB 2 MiB below the RAM's top */
#define RAM_ALIGN	 0x00200000ull

struct args {
	const char *input;	  /* IMAGE or CONFIG */
	const char *name;	  /* --name */
	const char *dtb;	  /* --dtb */
	const char *console;	  /* --input */
	const char *console_file; /* --input-file */
	unsigned vcpus;
	unsigned gic; /* --gic: 2 or 3 */
	uint64_t ram;
	bool stats;
	struct sim_options opt;
};

static struct {
	struct sim_config cfg;
	struct sim_image images[HV_MAX_VMS];
	struct sim_image dtbs[HV_MAX_VMS];
	struct vm_config vms[HV_MAX_VMS];
	char names[HV_MAX_VMS][HV_NAME_MAX + 1];
	bool stats;
	struct timespec start;
} run;

static void usage(FILE *f)
{
	fputs("usage: hvsim [options] IMAGE|CONFIG.cfg\n"
	      "Runs AArch64 guests on the host against the hypervisor core.\n"
	      "\n"
	      "  IMAGE             an AArch64 ELF executable: one VM\n"
	      "  CONFIG.cfg        a VM configuration file (sim/vmconfig.h)\n"
	      "\n"
	      "For an IMAGE:\n"
	      "  --name NAME       the VM's name (default: the file's name)\n"
	      "  --vcpus N         number of vCPUs (default 1)\n"
	      "  --ram SIZE        guest RAM, e.g. 64M (default 64M)\n"
	      "  --dtb FILE        device tree blob for the guest (x0)\n"
	      "Always:\n"
	      "  --gic 2|3         the machine's GIC version (default 3)\n"
	      "  --max-insns N     stop (status 124) after N guest "
	      "instructions\n"
	      "  --insns-per-tick N  guest instructions per counter tick\n"
	      "                    (default 16: a 62.5 MHz counter at 1 GHz)\n"
	      "  --trace exits     one line per exit on stderr\n"
	      "  --stats           instructions and exits, on stderr\n"
	      "  --input TEXT      characters for the console's input\n"
	      "  --input-file FILE the same from a file\n"
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

/* The options that take a value (the next argument). */
static bool takes_value(const char *o)
{
	static const char *const opts[] = {
	    "--name",  "--dtb",	  "--input", "--input-file", "--gic",
	    "--trace", "--vcpus", "--ram",   "--max-insns",  "--insns-per-tick",
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcmp(o, opts[i]) == 0)
			return true;
	}
	return false;
}

static int bad(const char *fmt, const char *what)
{
	fputs("hvsim: ", stderr);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	return STATUS_USAGE;
}

/* 0 when args are good, else the status to exit with. */
static int parse_args(int argc, char **argv, struct args *a)
{
	*a = (struct args){.vcpus = 1,
			   .gic = 3,
			   .ram = 64ull << 20,
			   .opt = {.insns_per_tick = 16}};
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;

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
				return bad("more than one image: %s", o);
			a->input = o;
			continue;
		}
		if (!takes_value(o))
			return bad("unknown option: %s", o);
		if (val == NULL)
			return bad("%s needs a value", o);
		i++;
		if (strcmp(o, "--name") == 0) {
			a->name = val;
		} else if (strcmp(o, "--dtb") == 0) {
			a->dtb = val;
		} else if (strcmp(o, "--input") == 0) {
			a->console = val;
		} else if (strcmp(o, "--gic") == 0) {
			if (strcmp(val, "2") != 0 && strcmp(val, "3") != 0)
				return bad("--gic: '%s' is not 2 or 3", val);
			a->gic = (unsigned)(val[0] - '0');
		} else if (strcmp(o, "--input-file") == 0) {
			a->console_file = val;
		} else if (strcmp(o, "--trace") == 0) {
			if (strcmp(val, "exits") != 0)
				return bad("--trace: unknown kind '%s' (known: "
					   "exits)",
					   val);
			a->opt.trace = stderr;
		} else if (strcmp(o, "--vcpus") == 0) {
			if (!parse_u64(val, &n) || n == 0 || n > HV_MAX_VCPUS)
				return bad("--vcpus: '%s' is not 1 to "
					   "HV_MAX_VCPUS",
					   val);
			a->vcpus = (unsigned)n;
		} else if (strcmp(o, "--ram") == 0) {
			if (!parse_size(val, &a->ram) || a->ram == 0)
				return bad("--ram: bad size '%s'", val);
		} else if (strcmp(o, "--max-insns") == 0) {
			if (!parse_u64(val, &a->opt.max_insns) ||
			    a->opt.max_insns == 0)
				return bad("--max-insns: bad count '%s'", val);
		} else if (strcmp(o, "--insns-per-tick") == 0) {
			if (!parse_u64(val, &n) || n == 0 || n > 1000000)
				return bad("--insns-per-tick: bad count '%s'",
					   val);
			a->opt.insns_per_tick = (unsigned)n;
		}
	}
	if (a->input == NULL) {
		usage(stderr);
		return STATUS_USAGE;
	}
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
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

static int spec_from_args(const struct args *a)
{
	struct sim_vm_spec *s = &run.cfg.vms[0];

	if (a->name != NULL &&
	    (strlen(a->name) == 0 || strlen(a->name) > HV_NAME_MAX))
		return bad("--name: '%s' is empty or too long", a->name);
	memset(&run.cfg, 0, sizeof(run.cfg));
	run.cfg.vm_count = 1;
	if (a->name != NULL)
		snprintf(s->name, sizeof(s->name), "%s", a->name);
	else
		name_from_path(a->input, s->name);
	snprintf(s->image, sizeof(s->image), "%s", a->input);
	snprintf(s->dtb, sizeof(s->dtb), "%s", a->dtb != NULL ? a->dtb : "");
	s->vcpus = a->vcpus;
	s->ram_size = a->ram;
	s->ram_ipa = 0x40000000ull;
	s->console = true;
	return 0;
}

/* Loads images and builds the core's configuration; 0 or a status. */
static int build_config(struct hv_config *hc)
{
	uint64_t pa = MACHINE_RAM_BASE + HV_REGION_SIZE;
	char err[512];

	for (unsigned i = 0; i < run.cfg.vm_count; i++) {
		const struct sim_vm_spec *s = &run.cfg.vms[i];
		struct sim_image *img = &run.images[i];
		struct sim_image *dtb = &run.dtbs[i];
		struct vm_config *vm = &run.vms[i];

		if (!sim_image_load(s->image, s->ram_ipa, s->ram_size, img, err,
				    sizeof(err)))
			return bad("%s", err);
		if (s->dtb[0] != '\0' &&
		    !sim_dtb_load(s->dtb, DTB_BELOW_TOP, dtb, err, sizeof(err)))
			return bad("%s", err);
		snprintf(run.names[i], sizeof(run.names[i]), "%s", s->name);
		*vm = (struct vm_config){
		    .name = run.names[i],
		    .ram_ipa = ipa_init(s->ram_ipa),
		    .ram_size = s->ram_size,
		    .ram_pa = pa_init(pa),
		    .entry = ipa_init(img->entry),
		    .image = {img->data, img->size, ipa_init(img->load)},
		    .vcpu_count = s->vcpus,
		    .console = s->console,
		};
		if (dtb->size != 0 && s->ram_size > DTB_BELOW_TOP)
			vm->dtb = (struct vm_blob){
			    dtb->data, dtb->size,
			    ipa_init(s->ram_ipa + s->ram_size - DTB_BELOW_TOP)};
		pa += (s->ram_size + RAM_ALIGN - 1) & ~(RAM_ALIGN - 1);
	}
	hc->vms = run.vms;
	hc->vm_count = run.cfg.vm_count;

	struct hal_platform *plat = hal_sim_platform();

	plat->ram_base = pa_init(MACHINE_RAM_BASE);
	plat->ram_size = pa - MACHINE_RAM_BASE;
	plat->hv_base = pa_init(MACHINE_RAM_BASE);
	plat->hv_size = HV_REGION_SIZE;
	hal_sim_mem_init(MACHINE_RAM_BASE, plat->ram_size);
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
	if (run.stats)
		print_stats();
}

static void free_all(void)
{
	sim_engine_release();
	for (unsigned i = 0; i < HV_MAX_VMS; i++) {
		sim_image_free(&run.images[i]);
		sim_image_free(&run.dtbs[i]);
	}
	hal_sim_reset();
}

int main(int argc, char **argv)
{
	struct hv_config hc;
	struct args a;
	char err[512];
	int status;

	status = parse_args(argc, argv, &a);
	if (status != 0)
		return status;
	hal_sim_reset();
	if (ends_with(a.input, ".cfg")) {
		if (a.name != NULL || a.dtb != NULL)
			return bad("%s: --name and --dtb are for an IMAGE; a "
				   "configuration file says them",
				   a.input);
		if (!sim_config_load(a.input, &run.cfg, err, sizeof(err)))
			return bad("%s", err);
	} else {
		status = spec_from_args(&a);
		if (status != 0)
			return status;
	}
	hal_sim_gic()->version = a.gic;
	status = build_config(&hc);
	if (status == 0 && !sim_engine_init(&a.opt, err, sizeof(err)))
		status = bad("%s", err);
	if (status != 0) {
		free_all();
		return status;
	}
	run.stats = a.stats;
	hal_sim_console_echo(1);
	if (a.console != NULL)
		hal_sim_console_feed(a.console, strlen(a.console));
	if (a.console_file != NULL) {
		struct sim_image in;

		if (!sim_file_read(a.console_file, 4096, &in, err,
				   sizeof(err))) {
			/* An empty file is no input, not an error. */
			if (strstr(err, "empty") == NULL) {
				free_all();
				return bad("--input-file: %s", err);
			}
		} else {
			hal_sim_console_feed((const char *)in.data,
					     (size_t)in.size);
			sim_image_free(&in);
		}
	}
	hal_sim_set_stop_hook(on_stop);
	clock_gettime(CLOCK_MONOTONIC, &run.start);
	status = hv_main(&hc);
	on_stop(status, 0);
	free_all();
	return status;
}
