#!/bin/sh
# Boots a hypervisor image in QEMU and checks the transcript of its VM.
#
# usage: run-guest.sh QEMU CPU GIC IMAGE VM EXPECTED [TIMEOUT]
#
# The transcript is every line the VM printed ("VM| ...") and every line the
# hypervisor logged about it ("hv: VM: ..." or "hv: VM/n: ..."), plus the
# hypervisor's final status line; it must equal EXPECTED exactly, QEMU must
# exit 0, and all of it within TIMEOUT seconds.
set -u
qemu=$1 cpu=$2 gic=$3 image=$4 vm=$5 expected=$6 limit=${7:-30}
out=$(mktemp) transcript=$(mktemp)
trap 'rm -f "$out" "$transcript"' EXIT

timeout --foreground -k 5 "$limit" "$qemu" \
	-M "virt,virtualization=on,gic-version=$gic" -cpu "$cpu" -m 1G \
	-smp 1 -nographic -nic none -no-reboot \
	-semihosting-config enable=on,target=native \
	-kernel "$image" </dev/null >"$out" 2>&1
status=$?

tr -d '\r' <"$out" |
	grep -E "^($vm\\| |hv: $vm[:/]|hv: all VMs stopped)" >"$transcript"

if [ $status -eq 124 ] || [ $status -eq 137 ]; then
	echo "FAIL: timed out after ${limit}s; output:"
	cat "$out"
	exit 1
fi
if ! diff -u "$expected" "$transcript"; then
	echo "FAIL: transcript differs from $expected (above); full output:"
	cat "$out"
	exit 1
fi
if [ $status -ne 0 ]; then
	echo "FAIL: QEMU exited with status $status; output:"
	cat "$out"
	exit 1
fi
echo "ok: $vm on $cpu, GICv$gic"
