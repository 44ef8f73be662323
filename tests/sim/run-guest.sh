#!/bin/sh
# Runs a test guest in hvsim and checks its transcript: the same file, and
# the same filter, as the QEMU test of that guest (tests/qemu/run-guest.sh).
#
# usage: run-guest.sh HVSIM ELF VM VCPUS DTB EXPECTED [TIMEOUT]
set -u
hvsim=$1 elf=$2 vm=$3 vcpus=$4 dtb=$5 expected=$6 limit=${7:-30}
out=$(mktemp) transcript=$(mktemp)
trap 'rm -f "$out" "$transcript"' EXIT

timeout -k 5 "$limit" "$hvsim" --vcpus "$vcpus" --dtb "$dtb" \
	--max-insns 200000000 "$elf" </dev/null >"$out" 2>&1
status=$?

grep -E "^($vm\\| |hv: $vm[:/]|hv: all VMs stopped)" "$out" >"$transcript"

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
echo "ok: $vm in hvsim"
