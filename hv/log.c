/*
 * log: formats whole lines into a buffer before writing them, so a line
 * reaches the console in one piece.
 */
#include "hv/log.h"

#include "hv/vcpu.h"
#include "hv/vm.h"
#include "lib/fmt.h"

#include <hal/console.h>
#include <hal/cpu.h>

#define LOG_LINE_MAX 256

static void log_line(const char *prefix_fmt, const struct vcpu *v,
		     const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t n;

	if (v != NULL)
		n = fmt_snprintf(line, sizeof(line), prefix_fmt,
				 v->vm->cfg->name, v->id);
	else
		n = fmt_snprintf(line, sizeof(line), "%s", prefix_fmt);
	if (n < sizeof(line))
		n += fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	hal_console_write(line, n);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("hv: ", NULL, fmt, ap);
	va_end(ap);
}

void hv_log_vcpu(const struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("hv: %s/%u: ", v, fmt, ap);
	va_end(ap);
}

void hv_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	hv_log("PANIC at %s:%d", file, line);
	va_start(ap, fmt);
	log_line("hv: ", NULL, fmt, ap);
	va_end(ap);
	hal_halt();
}
