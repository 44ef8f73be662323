/* trace_json: Chrome trace events from hv/trace.h's records. */
#include "trace_json.h"

#include "hv/arch.h"
#include "hv/mmio.h"
#include "hv/trace.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#include <hal/cpu.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static FILE *out;
static bool first;
static struct timespec start;
static const struct vcpu *current[HAL_MAX_CPUS];
/* When each vCPU's guest began running, or UINT64_MAX while it is not. */
static uint64_t run_start[HV_MAX_VMS][HV_MAX_VCPUS];
static const struct vcpu *seen[HV_MAX_VMS][HV_MAX_VCPUS];

static const char *const ec_names[64] = {
    [0x00] = "UNKNOWN", [0x01] = "WFx",	     [0x07] = "FP",
    [0x15] = "SVC64",	[0x16] = "HVC64",    [0x17] = "SMC64",
    [0x18] = "SYS64",	[0x20] = "IABT_LOW", [0x24] = "DABT_LOW",
};

static uint64_t now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - start.tv_sec) * 1000000000u +
	       (uint64_t)t.tv_nsec - (uint64_t)start.tv_nsec;
}

/* Starts an event: the separator, then the fields every event has. */
static void begin(const char *ph, const char *cat, const struct vcpu *v,
		  uint64_t ts)
{
	fprintf(out,
		"%s{\"ph\":\"%s\",\"cat\":\"%s\",\"pid\":%u,\"tid\":%u,"
		"\"ts\":%" PRIu64 ".%03u",
		first ? "" : ",\n", ph, cat, v->vm->id, v->id, ts / 1000,
		(unsigned)(ts % 1000));
	first = false;
	seen[v->vm->id][v->id] = v;
}

static void slice(const char *cat, const char *name, const struct vcpu *v,
		  uint64_t t0, uint64_t t1)
{
	begin("X", cat, v, t0);
	fprintf(out, ",\"dur\":%" PRIu64 ".%03u,\"name\":\"%s\"",
		(t1 - t0) / 1000, (unsigned)((t1 - t0) % 1000), name);
}

static void on_exit(const struct vcpu *v, uint64_t t0, uint64_t t1,
		    const struct vcpu_exit *e, const char *handler)
{
	uint64_t *run = &run_start[v->vm->id][v->id];
	bool sync = e->kind == VCPU_EXIT_SYNC;
	unsigned ec = esr_ec(e->esr);
	char cls[16];

	if (*run != UINT64_MAX && *run <= t0) {
		slice("guest", "guest", v, *run, t0);
		fputs("}", out);
	}
	if (!sync)
		snprintf(cls, sizeof(cls), "%s",
			 e->kind == VCPU_EXIT_IRQ ? "IRQ" : "FIQ/SError");
	else if (ec_names[ec] != NULL)
		snprintf(cls, sizeof(cls), "%s", ec_names[ec]);
	else
		snprintf(cls, sizeof(cls), "EC 0x%02x", ec);
	slice("exit", handler, v, t0, t1);
	fprintf(out, ",\"args\":{\"class\":\"%s\",\"esr\":\"0x%08" PRIx64 "\"",
		cls, sync ? (uint64_t)e->esr : 0);
	/* An abort's IPA, an IRQ's INTID. */
	if (!sync)
		fprintf(out, ",\"intid\":\"0x%x\"", e->intid);
	else if (ec == EC_DABT_LOW || ec == EC_IABT_LOW)
		fprintf(out, ",\"ipa\":\"0x%" PRIx64 "\"", mmio_fault_ipa(e));
	fprintf(out, ",\"handler\":\"%s\",\"cpu\":%u}}", handler, hal_cpu_id());
	*run = t1;
}

static void on_enter(unsigned cpu, const struct vcpu *v, uint64_t t,
		     bool switched)
{
	const struct vcpu *was = cpu < HAL_MAX_CPUS ? current[cpu] : NULL;

	/* The vCPU that ran here before does not run until it enters. */
	if (was != NULL && was != v)
		run_start[was->vm->id][was->id] = UINT64_MAX;
	if (cpu < HAL_MAX_CPUS)
		current[cpu] = v;
	run_start[v->vm->id][v->id] = t;
	if (switched) {
		begin("i", "switch", v, t);
		fprintf(out,
			",\"s\":\"t\",\"name\":\"vCPU switch\","
			"\"args\":{\"cpu\":%u}}",
			cpu);
	}
}

static void on_inject(const struct vcpu *v, uint64_t t, uint32_t intid)
{
	begin("i", "inject", v, t);
	fprintf(out,
		",\"s\":\"t\",\"name\":\"inject %u\",\"args\":{\"intid\":%u}}",
		intid, intid);
}

static const struct trace_sink sink = {
    .now = now,
    .exit = on_exit,
    .enter = on_enter,
    .inject = on_inject,
};

bool trace_json_open(const char *path, char *err, size_t len)
{
	out = fopen(path, "w");
	if (out == NULL) {
		snprintf(err, len, "--trace-json: %s: %s", path,
			 strerror(errno));
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (unsigned m = 0; m < HV_MAX_VMS; m++) {
		for (unsigned i = 0; i < HV_MAX_VCPUS; i++) {
			run_start[m][i] = UINT64_MAX;
			seen[m][i] = NULL;
		}
	}
	memset(current, 0, sizeof(current));
	first = true;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
	hv_trace_sink = &sink;
	return true;
}

void trace_json_close(void)
{
	if (out == NULL)
		return;
	hv_trace_sink = NULL;
	/* Names for the tracks: "VM name" processes, "vCPU n" threads. */
	for (unsigned m = 0; m < HV_MAX_VMS; m++) {
		for (unsigned i = 0; i < HV_MAX_VCPUS; i++) {
			const struct vcpu *v = seen[m][i];

			if (v == NULL)
				continue;
			begin("M", "meta", v, 0);
			fprintf(out,
				",\"name\":\"process_name\",\"args\":{\"name\":"
				"\"VM %s\"}}",
				v->vm->cfg->name);
			begin("M", "meta", v, 0);
			fprintf(out,
				",\"name\":\"thread_name\",\"args\":{\"name\":"
				"\"vCPU %u\"}}",
				v->id);
		}
	}
	fputs("\n]}\n", out);
	fclose(out);
	out = NULL;
}
