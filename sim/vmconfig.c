/*
 * vmconfig: a line-at-a-time parser. Each line is copied into a bounded
 * buffer before it is looked at, so nothing is read beyond the text however
 * it is malformed, and each message points at the line to fix.
 */
#include "vmconfig.h"

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

/* The granule config_validate holds ram_size and ram_ipa to. */
#define CFG_PAGE 0x1000ull

typedef unsigned long long ull;

enum key {
	KEY_IMAGE,
	KEY_DTB,
	KEY_VCPUS,
	KEY_RAM,
	KEY_RAM_IPA,
	KEY_CONSOLE,
	KEY_COUNT,
};

struct parser {
	const char *name; /* for messages */
	const char *base_dir;
	struct sim_config *cfg;
	char *err;
	size_t err_len;
	unsigned line;
	struct sim_vm_spec *vm; /* the section being read, NULL before one */
	unsigned vm_line[HV_MAX_VMS];
	unsigned key_line[HV_MAX_VMS][KEY_COUNT]; /* 0: not given */
	unsigned console_line; /* where console = yes was said, 0: nowhere */
};

static bool fail_at(struct parser *p, unsigned line, const char *fmt, ...)
    SIM_PRINTF(3, 4);

static bool fail_at(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->err_len == 0)
		return false;
	n = snprintf(p->err, p->err_len, "%s:%u: ", p->name, line);
	if (n >= 0 && (size_t)n < p->err_len) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* s without blanks at either end (s is modified). */
static char *trim(char *s)
{
	size_t len;

	while (is_blank(*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_blank(s[len - 1]))
		s[--len] = '\0';
	return s;
}

static unsigned vm_index(const struct parser *p)
{
	return (unsigned)(p->vm - p->cfg->vms);
}

/*
 * Decimal or 0x hex, then (when suffix is allowed) one of K, M or G in
 * either case. Every step is checked for overflow.
 */
static bool parse_number(struct parser *p, const char *key, const char *value,
			 bool suffix, uint64_t *out)
{
	const char *s = value;
	unsigned base = 10;
	uint64_t v = 0;
	unsigned shift = 0;
	bool digits = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return fail_at(p, p->line,
				       "%s value '%s' does not fit in 64 bits",
				       key, value);
		v = v * base + d;
		digits = true;
	}
	if (suffix) {
		switch (*s) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		}
		if (shift != 0)
			s++;
	}
	if (!digits || *s != '\0')
		return fail_at(
		    p, p->line, "bad value '%s' for %s (expected a number%s)",
		    value, key,
		    suffix ? " with an optional K, M or G suffix" : "");
	if (v > UINT64_MAX >> shift)
		return fail_at(p, p->line,
			       "%s value '%s' does not fit in 64 bits", key,
			       value);
	*out = v << shift;
	return true;
}

/* A path from the file, taken from base_dir unless it is absolute. */
static bool set_path(struct parser *p, const char *key, const char *value,
		     char out[SIM_PATH_MAX])
{
	const char *base = p->base_dir != NULL ? p->base_dir : "";
	size_t base_len = strlen(base);
	int n;

	if (value[0] == '/' || base_len == 0)
		n = snprintf(out, SIM_PATH_MAX, "%s", value);
	else
		n = snprintf(out, SIM_PATH_MAX, "%s%s%s", base,
			     base[base_len - 1] == '/' ? "" : "/", value);
	if (n < 0 || n >= SIM_PATH_MAX)
		return fail_at(p, p->line,
			       "%s path is longer than %d characters", key,
			       SIM_PATH_MAX - 1);
	return true;
}

static bool set_image(struct parser *p, const char *value)
{
	return set_path(p, "image", value, p->vm->image);
}

static bool set_dtb(struct parser *p, const char *value)
{
	return set_path(p, "dtb", value, p->vm->dtb);
}

static bool set_vcpus(struct parser *p, const char *value)
{
	uint64_t v;

	if (!parse_number(p, "vcpus", value, false, &v))
		return false;
	if (v < 1 || v > HV_MAX_VCPUS)
		return fail_at(p, p->line, "vcpus %llu is not in 1..%u", (ull)v,
			       HV_MAX_VCPUS);
	p->vm->vcpus = (unsigned)v;
	return true;
}

static bool set_ram(struct parser *p, const char *value)
{
	uint64_t v;

	if (!parse_number(p, "ram", value, true, &v))
		return false;
	/* config_validate: "ram_size ... is not a non-zero multiple of 4 KiB"
	 */
	if (v == 0 || (v & (CFG_PAGE - 1)))
		return fail_at(p, p->line,
			       "ram 0x%llx is not a non-zero multiple of 4 KiB",
			       (ull)v);
	p->vm->ram_size = v;
	return true;
}

static bool set_ram_ipa(struct parser *p, const char *value)
{
	uint64_t v;

	if (!parse_number(p, "ram_ipa", value, true, &v))
		return false;
	/* config_validate: "ram_ipa ... is not 4 KiB aligned" */
	if (v & (CFG_PAGE - 1))
		return fail_at(p, p->line,
			       "ram_ipa 0x%llx is not 4 KiB aligned", (ull)v);
	p->vm->ram_ipa = v;
	return true;
}

static bool set_console(struct parser *p, const char *value)
{
	bool yes = strcmp(value, "yes") == 0;

	if (!yes && strcmp(value, "no") != 0)
		return fail_at(p, p->line,
			       "console must be yes or no, not '%s'", value);
	if (yes && p->console_line != 0)
		return fail_at(p, p->line,
			       "console = yes again (first at line %u): at "
			       "most one VM gets the console input",
			       p->console_line);
	if (yes)
		p->console_line = p->line;
	p->vm->console = yes;
	p->vm->console_set = true;
	return true;
}

static const struct {
	const char *name;
	bool (*set)(struct parser *p, const char *value);
} keys[KEY_COUNT] = {
    [KEY_IMAGE] = {"image", set_image},
    [KEY_DTB] = {"dtb", set_dtb},
    [KEY_VCPUS] = {"vcpus", set_vcpus},
    [KEY_RAM] = {"ram", set_ram},
    [KEY_RAM_IPA] = {"ram_ipa", set_ram_ipa},
    [KEY_CONSOLE] = {"console", set_console},
};

/* What can only be checked once a section is complete. */
static bool finish_vm(struct parser *p)
{
	const struct sim_vm_spec *vm = p->vm;
	const unsigned *lines;

	if (vm == NULL)
		return true;
	lines = p->key_line[vm_index(p)];
	if (lines[KEY_IMAGE] == 0)
		return fail_at(p, p->vm_line[vm_index(p)],
			       "vm '%s' has no image", vm->name);
	if (vm->ram_size - 1 > UINT64_MAX - vm->ram_ipa)
		return fail_at(p,
			       lines[KEY_RAM] > lines[KEY_RAM_IPA]
				   ? lines[KEY_RAM]
				   : lines[KEY_RAM_IPA],
			       "ram_ipa 0x%llx + ram 0x%llx is beyond the "
			       "64-bit address space",
			       (ull)vm->ram_ipa, (ull)vm->ram_size);
	return true;
}

static bool valid_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* "[vm NAME]", s trimmed and starting with '['. */
static bool parse_section(struct parser *p, char *s)
{
	struct sim_config *cfg = p->cfg;
	size_t len = strlen(s);
	char *inner, *name;

	if (!finish_vm(p))
		return false;
	if (len < 2 || s[len - 1] != ']')
		goto bad;
	s[len - 1] = '\0';
	inner = trim(s + 1);
	if (strncmp(inner, "vm", 2) != 0 || !is_blank(inner[2]))
		goto bad;
	name = trim(inner + 2);
	if (strlen(name) > HV_NAME_MAX)
		return fail_at(p, p->line,
			       "VM name '%s' is longer than %u characters",
			       name, HV_NAME_MAX);
	for (const char *c = name; *c != '\0'; c++)
		if (!valid_name_char(*c))
			return fail_at(p, p->line,
				       "VM name '%s' may only hold A-Z, a-z, "
				       "0-9, '_' and '-'",
				       name);
	for (unsigned i = 0; i < cfg->vm_count; i++)
		if (strcmp(cfg->vms[i].name, name) == 0)
			return fail_at(p, p->line,
				       "duplicate VM name '%s' (first at line "
				       "%u)",
				       name, p->vm_line[i]);
	if (cfg->vm_count == HV_MAX_VMS)
		return fail_at(p, p->line, "more than %u VMs", HV_MAX_VMS);

	p->vm_line[cfg->vm_count] = p->line;
	p->vm = &cfg->vms[cfg->vm_count++];
	*p->vm = (struct sim_vm_spec){
	    .vcpus = SIM_DEFAULT_VCPUS,
	    .ram_size = SIM_DEFAULT_RAM,
	    .ram_ipa = SIM_DEFAULT_RAM_IPA,
	};
	memcpy(p->vm->name, name, strlen(name) + 1);
	return true;
bad:
	return fail_at(p, p->line, "bad section header (expected [vm NAME])");
}

/* "key = value", s trimmed and not empty. */
static bool parse_key_value(struct parser *p, char *s)
{
	char *eq = strchr(s, '=');
	char *key, *value;
	unsigned *line;
	unsigned k;

	if (eq == NULL)
		return fail_at(p, p->line,
			       "expected 'key = value' or '[vm NAME]'");
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (key[0] == '\0')
		return fail_at(p, p->line,
			       "expected 'key = value' or '[vm NAME]'");
	for (k = 0; k < KEY_COUNT; k++)
		if (strcmp(key, keys[k].name) == 0)
			break;
	if (k == KEY_COUNT)
		return fail_at(
		    p, p->line,
		    "unknown key '%s' (keys: image, dtb, vcpus, ram, "
		    "ram_ipa, console)",
		    key);
	if (p->vm == NULL)
		return fail_at(p, p->line, "'%s' outside a [vm NAME] section",
			       key);
	line = &p->key_line[vm_index(p)][k];
	if (*line != 0)
		return fail_at(p, p->line,
			       "duplicate key '%s' (first at line %u)", key,
			       *line);
	if (value[0] == '\0')
		return fail_at(p, p->line, "missing value for '%s'", key);
	*line = p->line;
	return keys[k].set(p, value);
}

static bool parse_line(struct parser *p, char *line)
{
	char *hash = strchr(line, '#');
	char *s;

	if (hash != NULL)
		*hash = '\0';
	s = trim(line);
	if (s[0] == '\0')
		return true;
	if (s[0] == '[')
		return parse_section(p, s);
	return parse_key_value(p, s);
}

static bool parse_text(const char *text, size_t len, const char *name,
		       const char *base_dir, struct sim_config *cfg, char *err,
		       size_t err_len)
{
	struct parser p = {
	    .name = name,
	    .base_dir = base_dir,
	    .cfg = cfg,
	    .err = err,
	    .err_len = err_len,
	};
	char line[SIM_CONFIG_LINE_MAX + 1];
	size_t pos = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (err != NULL && err_len != 0)
		err[0] = '\0';
	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t line_len = nl != NULL ? (size_t)(nl - start) : len - pos;
		size_t text_len = line_len;

		p.line++;
		pos += line_len + (nl != NULL);
		if (memchr(start, '\0', line_len) != NULL)
			return fail_at(&p, p.line, "NUL byte in the line");
		if (text_len > 0 && start[text_len - 1] == '\r')
			text_len--;
		if (text_len > SIM_CONFIG_LINE_MAX)
			return fail_at(&p, p.line,
				       "line is longer than %u characters",
				       SIM_CONFIG_LINE_MAX);
		memcpy(line, start, text_len);
		line[text_len] = '\0';
		if (!parse_line(&p, line))
			return false;
	}
	if (!finish_vm(&p))
		return false;
	if (cfg->vm_count == 0)
		return fail_at(&p, p.line > 0 ? p.line : 1,
			       "no [vm NAME] section");
	if (p.console_line == 0 && !cfg->vms[0].console_set)
		cfg->vms[0].console = true;
	return true;
}

bool sim_config_parse(const char *text, const char *name, const char *base_dir,
		      struct sim_config *cfg, char *err, size_t err_len)
{
	return parse_text(text, strlen(text), name, base_dir, cfg, err,
			  err_len);
}

/* Reads path whole (at most SIM_CONFIG_FILE_MAX bytes) into *out. */
static bool read_config(const char *path, char **out, size_t *out_len,
			char *err, size_t err_len)
{
	char *buf = malloc(SIM_CONFIG_FILE_MAX + 1);
	FILE *f;
	size_t len;
	bool ok = false;

	if (buf == NULL) {
		snprintf(err, err_len, "%s: out of memory", path);
		return false;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, err_len, "%s: cannot open: %s", path,
			 strerror(errno));
		free(buf);
		return false;
	}
	len = fread(buf, 1, SIM_CONFIG_FILE_MAX + 1, f);
	if (ferror(f))
		snprintf(err, err_len, "%s: read error: %s", path,
			 strerror(errno));
	else if (len > SIM_CONFIG_FILE_MAX)
		snprintf(err, err_len, "%s: file is larger than %u bytes", path,
			 SIM_CONFIG_FILE_MAX);
	else
		ok = true;
	fclose(f);
	if (!ok) {
		free(buf);
		return false;
	}
	*out = buf;
	*out_len = len;
	return true;
}

bool sim_config_load(const char *path, struct sim_config *cfg, char *err,
		     size_t err_len)
{
	const char *slash = strrchr(path, '/');
	char dir[SIM_PATH_MAX] = "";
	size_t dir_len;
	char *text;
	size_t len;
	bool ok;

	memset(cfg, 0, sizeof(*cfg));
	if (slash != NULL) {
		/* "/x.cfg" lives in "/", "a/x.cfg" in "a". */
		dir_len = slash == path ? 1 : (size_t)(slash - path);
		if (dir_len >= sizeof(dir)) {
			snprintf(err, err_len, "%s: directory name too long",
				 path);
			return false;
		}
		memcpy(dir, path, dir_len);
		dir[dir_len] = '\0';
	}
	if (!read_config(path, &text, &len, err, err_len))
		return false;
	ok = parse_text(text, len, path, dir, cfg, err, err_len);
	free(text);
	return ok;
}
