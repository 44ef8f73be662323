#!/usr/bin/env python3
"""Checks a timeline (Chrome trace event JSON) against hvsim's --stats.

usage: check.py TRACE.json STATS.txt [--switches] [--injects]

TRACE.json is what hvsim --trace-json (or scripts/hv-trace) wrote; STATS.txt
the stderr of the same hvsim run with --stats. The JSON must parse; its
exit slices must be as many as the exits --stats counts, class by class
(each EC line, and IRQ for the physical interrupts taken at EL2); every
exit must follow a guest slice of its vCPU's track; each track's slices
must not overlap; --switches and --injects ask for at least one vCPU
switch and one injected interrupt.
"""
import collections
import json
import re
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    want_switch = "--switches" in args
    want_inject = "--injects" in args
    args = [a for a in args if not a.startswith("--")]
    trace_path, stats_path = args
    try:
        events = json.load(open(trace_path))["traceEvents"]
    except (ValueError, KeyError) as e:
        fail("%s does not parse as trace events: %s" % (trace_path, e))
    stats = open(stats_path).read()
    m = re.search(r"^hvsim: (\d+) guest instructions, (\d+) exits", stats,
                  re.M)
    if not m:
        fail("no exit count in " + stats_path)
    total = int(m.group(2))
    want = collections.Counter()
    for ec, name, n in re.findall(
            r"^hvsim: exits EC (0x[0-9a-f]+) (\S+)\s+(\d+)$", stats, re.M):
        want[name] = int(n)
    m = re.search(r"^hvsim: (\d+) physical interrupts taken at EL2", stats,
                  re.M)
    if m and int(m.group(1)):
        want["IRQ"] = int(m.group(1))
    exits = [e for e in events if e.get("cat") == "exit"]
    got = collections.Counter(e["args"]["class"] for e in exits)
    if len(exits) != total:
        fail("%d exit slices, --stats counts %d exits" % (len(exits), total))
    if got != want:
        fail("exits by class %s, --stats says %s" % (dict(got), dict(want)))
    tracks = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            tracks[(e["pid"], e["tid"])].append(e)
    for key, slices in tracks.items():
        # Stable: events of one instant stay in the order written.
        slices.sort(key=lambda e: e["ts"])
        end = None
        for i, e in enumerate(slices):
            if end is not None and e["ts"] < end - 1e-3:
                fail("track %s: %s at %.3f overlaps what ends at %.3f" %
                     (key, e["name"], e["ts"], end))
            end = e["ts"] + e["dur"]
            if e["cat"] == "exit" and (i == 0 or
                                       slices[i - 1]["cat"] != "guest"):
                # The first exit of a run follows its entry: a guest
                # slice unless the vCPU had not entered (never here).
                fail("track %s: exit at %.3f without a guest run before" %
                     (key, e["ts"]))
    names = [e for e in events if e.get("ph") == "M" and
             e.get("name") == "thread_name"]
    if len(names) != len(tracks):
        fail("%d tracks, %d of them named" % (len(tracks), len(names)))
    if want_switch and not any(e.get("cat") == "switch" for e in events):
        fail("no vCPU switch")
    if want_inject and not any(e.get("cat") == "inject" for e in events):
        fail("no injected interrupt")
    print("ok: %d exits on %d tracks match --stats" % (total, len(tracks)))


main()
