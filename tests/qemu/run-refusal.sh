#!/bin/sh
# Boots a hypervisor image in a QEMU setup it must refuse, and checks that it
# says why and stops before any guest runs.
#
# usage: run-refusal.sh QEMU IMAGE MACHINE MEMORY STATUS MESSAGE
#   STATUS  expected QEMU exit status, or "halt" when the hypervisor is
#           expected to stop the CPU (QEMU then runs until the time limit)
set -u
qemu=$1 image=$2 machine=$3 mem=$4 want=$5 message=$6
out=$(mktemp)
trap 'rm -f "$out"' EXIT

limit=10
[ "$want" = halt ] && limit=3
timeout --foreground -k 5 "$limit" "$qemu" -M "$machine" -cpu cortex-a57 \
	-m "$mem" -smp 1 -nographic -nic none -no-reboot \
	-semihosting-config enable=on,target=native \
	-kernel "$image" </dev/null >"$out" 2>&1
status=$?
tr -d '\r' <"$out" >"$out.txt" && mv "$out.txt" "$out"

[ "$want" = halt ] && want=124
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
if [ "$status" -ne "$want" ]; then
	echo "FAIL: status $status, want $want; output:"
	cat "$out"
	exit 1
fi
echo "ok: refused with '$message'"
