#!/bin/sh
# Runs a test guest in hvsim and checks its transcript: the same file, and
# the same filter, as the QEMU test of that guest (tests/qemu/run-guest.sh).
#
# usage: run-guest.sh HVSIM ELF VM VCPUS DTB EXPECTED [TIMEOUT [MODE [GIC]]]
# With MODE "hang", hvsim must stop with status 124 because every vCPU
# waits for an interrupt that cannot come; with "input", VM.input next to
# EXPECTED is the console input.
set -u
hvsim=$1 elf=$2 vm=$3 vcpus=$4 dtb=$5 expected=$6 limit=${7:-30}
mode=${8:-exit} gic=${9:-3}
hv_status=$(dirname "$0")/../../scripts/hv-status
out=$(mktemp) transcript=$(mktemp)
trap 'rm -f "$out" "$transcript"' EXIT

input=/dev/null
[ "$mode" = input ] && input=${expected%.expected}.input

timeout -k 5 "$limit" "$hvsim" --gic "$gic" --vcpus "$vcpus" --dtb "$dtb" \
	--input-file "$input" --max-insns 200000000 "$elf" </dev/null \
	>"$out" 2>&1
status=$?
if [ "$mode" = hang ]; then
	if [ $status -ne 124 ] ||
		! grep -q "^hvsim: stopped: every vCPU waits for an interrupt and none can come\$" "$out"; then
		echo "FAIL: expected hvsim to find every vCPU blocked (status $status):"
		cat "$out"
		exit 1
	fi
	status=0
fi

grep -E "^($vm\\| |hv: ${vm}[:/]|hv: all VMs stopped)" "$out" >"$transcript"

if [ $status -eq 124 ] || [ $status -eq 137 ]; then
	echo "FAIL: stopped (status $status); output:"
	cat "$out"
	exit 1
fi
if ! diff -u "$expected" "$transcript"; then
	echo "FAIL: transcript differs from $expected (above); full output:"
	cat "$out"
	exit 1
fi
if [ $status -ne 0 ]; then
	echo "FAIL: hvsim exited with status $status; output:"
	cat "$out"
	exit 1
fi
# What the QEMU test reads instead of QEMU's status: the same here.
if [ "$mode" != hang ] && ! final=$("$hv_status" "$out"); then
	echo "FAIL: the hypervisor's final line says $final, not status 0; output:"
	cat "$out"
	exit 1
fi
echo "ok: $vm in hvsim, GICv$gic"
