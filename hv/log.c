/*
 * log: formats whole lines into a buffer before writing them, so a line
 * reaches the console in one piece; limits the lines about each vCPU and
 * VM (the bucket is described in log.h).
 */
#include "hv/log.h"

#include "hv/console.h"
#include "hv/vcpu.h"
#include "hv/vm.h"
#include "lib/fmt.h"

#include <hal/console.h>
#include <hal/counter.h>
#include <hal/cpu.h>

#include <stdbool.h>

#define LOG_LINE_MAX 256

/* "hv: " + "<vm>/<vcpu>: " (v) or "<vm>: " (vm alone) + the message. */
static void log_line(const struct vm *vm, const struct vcpu *v, const char *fmt,
		     va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t n;

	if (v != NULL)
		n = fmt_snprintf(line, sizeof(line),
				 "hv: %s/%u: ", v->vm->cfg->name, v->id);
	else if (vm != NULL)
		n = fmt_snprintf(line, sizeof(line), "hv: %s: ", vm->cfg->name);
	else
		n = fmt_snprintf(line, sizeof(line), "hv: ");
	if (n < sizeof(line))
		n += fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	console_write_line(line, n);
}

static void log_line_f(const struct vm *vm, const struct vcpu *v,
		       const char *fmt, ...) HV_PRINTF(3, 4);

static void log_line_f(const struct vm *vm, const struct vcpu *v,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(vm, v, fmt, ap);
	va_end(ap);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(NULL, NULL, fmt, ap);
	va_end(ap);
}

/*
 * Whether the bucket has a token now; takes it if so, else counts a drop.
 * (A counter that claims no frequency makes the interval 0: no limit.)
 */
static bool log_limit_take(struct log_limit *l)
{
	uint64_t now = hal_counter_read();
	uint64_t interval = hal_counter_freq() / HV_LOG_RATE;

	if (l->full_at < now)
		l->full_at = now;
	if (l->full_at - now > (uint64_t)(HV_LOG_BURST - 1) * interval) {
		l->suppressed++;
		return false;
	}
	l->full_at += interval;
	return true;
}

static void log_limited(struct log_limit *l, const struct vm *vm,
			const struct vcpu *v, const char *fmt, va_list ap)
{
	/* Dropped before formatting: a flood costs the least it can. */
	if (!log_limit_take(l))
		return;
	if (l->suppressed != 0) {
		log_line_f(vm, v, "%llu line%s suppressed",
			   (unsigned long long)l->suppressed,
			   l->suppressed == 1 ? "" : "s");
		l->suppressed = 0;
	}
	log_line(vm, v, fmt, ap);
}

void hv_log_vcpu(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_limited(&v->log_limit, v->vm, v, fmt, ap);
	va_end(ap);
}

void hv_log_vm(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_limited(&vm->log_limit, vm, NULL, fmt, ap);
	va_end(ap);
}

void hv_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	hv_log("PANIC at %s:%d", file, line);
	va_start(ap, fmt);
	log_line(NULL, NULL, fmt, ap);
	va_end(ap);
	hal_halt();
}
