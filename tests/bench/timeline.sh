#!/bin/sh
# timeline.sh QEMU CPU GIC HV_TRACE_ELF GUEST_DIR SRC_DIR: the exit
# timeline from a QEMU run (-icount: the same run every time). hv-trace.elf
# (hv/trace.h) boots the lrs guest, whose interrupts fill the list
# registers; scripts/hv-trace must turn its console into trace events that
# parse and hold every exit it printed (as many exit slices as "T X"
# records, each after a guest run of its vCPU), interrupts as IRQ exits and
# injections, and the guest must still finish.
qemu=$1 cpu=$2 gic=$3 hv=$4 guests=$5 src=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
boot=$("$src/scripts/manifest" --out "$work/m" --gic "$gic" --cpu "$cpu" \
	--smp 1 --hv "$hv" --guests "$guests" --vm lrs --print qemu) ||
	exit 1
# shellcheck disable=SC2086
timeout 120 "$qemu" -M "virt,virtualization=on,gic-version=$gic" \
	-cpu "$cpu" -m 1G -smp 1 -icount shift=0,sleep=off -nographic -nic none -no-reboot \
	-kernel "$hv" $boot </dev/null >"$work/log" 2>&1
grep -q "^hv: all VMs stopped, status 0" "$work/log" ||
	{ echo "FAIL: the guest did not finish"; tail "$work/log"; exit 1; }
"$src/scripts/hv-trace" "$work/log" "$work/t.json" || exit 1
python3 - "$work/t.json" "$work/log" <<'PY' || exit 1
import collections, json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
records = sum(1 for l in open(sys.argv[2], errors="replace")
              if l.startswith("hv: T X "))
exits = [e for e in events if e.get("cat") == "exit"]
classes = collections.Counter(e["args"]["class"] for e in exits)
def fail(m):
    print("FAIL: " + m)
    sys.exit(1)
if len(exits) != records or records == 0:
    fail("%d exit slices of %d records" % (len(exits), records))
if classes["IRQ"] == 0 or not any(e.get("cat") == "inject" for e in events):
    fail("no interrupt: %s" % dict(classes))
slices = sorted((e for e in events if e.get("ph") == "X"),
                key=lambda e: e["ts"])
prev = None
for e in slices:
    if e["cat"] == "exit" and (prev is None or prev["cat"] != "guest"):
        fail("exit at %.3f us without a guest run before" % e["ts"])
    prev = e
print("ok: %d exits (%s)" % (records, ", ".join(
    "%s %d" % kv for kv in sorted(classes.items()))))
PY
