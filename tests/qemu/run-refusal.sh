#!/bin/sh
# Boots a hypervisor image in a QEMU setup it must refuse, and checks that it
# says why, stops before any guest runs and powers the machine off at once.
#
# usage: run-refusal.sh QEMU IMAGE MACHINE MEMORY STATUS MESSAGE
#   STATUS  the status the hypervisor's final line must state ("hv:
#           stopped, status N"), or "halt" when it must stop on an internal
#           error ("hv: halted"); scripts/hv-status reads it. Either way
#           the hypervisor powers off and QEMU exits 0 well before the time
#           limit.
set -u
qemu=$1 image=$2 machine=$3 mem=$4 want=$5 message=$6
hv_status=$(dirname "$0")/../../scripts/hv-status
out=$(mktemp)
trap 'rm -f "$out"' EXIT

timeout --foreground -k 5 10 "$qemu" -M "$machine" -cpu cortex-a57 \
	-m "$mem" -smp 1 -nographic -nic none -no-reboot \
	-kernel "$image" </dev/null >"$out" 2>&1
status=$?
tr -d '\r' <"$out" >"$out.txt" && mv "$out.txt" "$out"
final=$("$hv_status" "$out")

if [ "$want" = halt ]; then
	want=halted
else
	want="status $want"
fi
if ! grep -qF -- "$message" "$out"; then
	echo "FAIL: no line '$message'; output:"
	cat "$out"
	exit 1
fi
if grep -q '^[a-z]*| ' "$out"; then
	echo "FAIL: a guest ran; output:"
	cat "$out"
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "FAIL: QEMU exited with status $status, not 0 (powered off);" \
		"output:"
	cat "$out"
	exit 1
fi
if [ "$final" != "$want" ]; then
	echo "FAIL: the final line says $final, want $want; output:"
	cat "$out"
	exit 1
fi
echo "ok: refused with '$message', $final"
