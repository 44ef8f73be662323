#!/bin/sh
# Boots a hypervisor image in QEMU and checks the transcript of its VM.
#
# usage: run-guest.sh QEMU CPU GIC IMAGE VM EXPECTED [TIMEOUT [MODE]]
#
# The transcript is every line the VM printed ("VM| ...") and every line the
# hypervisor logged about it ("hv: VM: ..." or "hv: VM/n: ..."), plus the
# hypervisor's final status line; it must equal EXPECTED exactly, QEMU must
# exit 0 and that final line must say status 0 (scripts/hv-status reads it:
# QEMU runs without semihosting, so its own exit status says nothing about
# the hypervisor's), all within TIMEOUT seconds. With MODE "hang" the guest
# must instead still be blocked after 5 seconds (the transcript so far is
# compared); with MODE "input" the file next to EXPECTED named VM.input is
# QEMU's serial input. QEMU runs with -icount shift=0,sleep=off: virtual
# time is one nanosecond per instruction and jumps over idle periods, so
# timer tests are exact and fast on a loaded host. SMP in the environment
# sets -smp (default 1).
set -u
qemu=$1 cpu=$2 gic=$3 image=$4 vm=$5 expected=$6 limit=${7:-30}
mode=${8:-exit}
hv_status=$(dirname "$0")/../../scripts/hv-status
out=$(mktemp) transcript=$(mktemp)
trap 'rm -f "$out" "$transcript"' EXIT
[ "$mode" = hang ] && limit=5

input=/dev/null
[ "$mode" = input ] && input=${expected%.expected}.input

timeout --foreground -k 5 "$limit" "$qemu" \
	-M "virt,virtualization=on,gic-version=$gic" -cpu "$cpu" -m 1G \
	-smp "${SMP:-1}" -nographic -nic none -no-reboot \
	-icount shift=0,sleep=off \
	-kernel "$image" <"$input" >"$out" 2>&1
status=$?
if [ "$mode" = hang ]; then
	if [ $status -ne 124 ]; then
		echo "FAIL: expected the guest to stay blocked, QEMU exited $status:"
		cat "$out"
		exit 1
	fi
	status=0
fi

tr -d '\r' <"$out" |
	grep -E "^($vm\\| |hv: ${vm}[:/]|hv: all VMs stopped)" >"$transcript"

if [ "$mode" != hang ] && { [ $status -eq 124 ] || [ $status -eq 137 ]; }; then
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
if [ "$mode" != hang ] && ! final=$("$hv_status" "$out"); then
	echo "FAIL: the hypervisor's final line says $final, not status 0; output:"
	cat "$out"
	exit 1
fi
echo "ok: $vm on $cpu, GICv$gic"
