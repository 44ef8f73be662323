/*
 * trace_json: hvsim's --trace-json sink (hv/trace.h). Writes the Chrome
 * trace event format (JSON) that Perfetto and chrome://tracing open: a
 * process per VM, a thread (track) per vCPU, a slice per guest run
 * ("guest") and per exit (named by its handler; args: class, ESR, IPA,
 * handler, CPU), instants for each interrupt put in a list register
 * ("inject N") and each vCPU switch on a CPU ("vCPU switch"). Times are the
 * host's (CLOCK_MONOTONIC, microseconds from the start): where hvsim
 * spends its time, Unicorn running the guest or the core handling exits.
 */
#ifndef SIM_TRACE_JSON_H
#define SIM_TRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* Opens path and installs the sink; false (err says why) if it cannot. */
bool trace_json_open(const char *path, char *err, size_t len);

/* Ends the JSON and closes the file; the sink stays off after. */
void trace_json_close(void);

#endif
