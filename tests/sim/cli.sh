#!/bin/sh
# hvsim's command line, one case per run: bad input gets one line and status
# 2 (what the core refuses: its line and status 1), --max-insns stops with
# 124, --trace exits prints the architectural syndromes, runs are
# repeatable.
#
# usage: cli.sh CASE HVSIM GUEST_DIR
set -u
case=$1 hvsim=$2 guests=$3
# A coverage build's runtime complains on stderr when parallel tests update
# the same counters; stderr is part of what some cases compare.
export GCOV_ERROR_FILE=/dev/null
out=$(mktemp) err=$(mktemp) out2=$(mktemp) dir=$(mktemp -d)
trap 'rm -rf "$out" "$err" "$out2" "$dir"' EXIT

fail() {
	echo "FAIL ($case): $*"
	echo "--- stdout"; cat "$out"
	echo "--- stderr"; cat "$err"
	exit 1
}

# run STATUS ARGS...: hvsim must exit with STATUS.
run() {
	want=$1
	shift
	timeout 60 "$hvsim" "$@" </dev/null >"$out" 2>"$err"
	got=$?
	[ "$got" -eq "$want" ] || fail "status $got, expected $want"
}

# stderr_is LINE: stderr is exactly that one line.
stderr_is() {
	printf '%s\n' "$1" | diff -u - "$err" >/dev/null ||
		fail "stderr is not exactly: $1"
}

has() { grep -qxF -- "$2" "$1" || fail "no line: $2"; }

case $case in
missing-file)
	run 2 "$dir/none.elf"
	stderr_is "hvsim: $dir/none.elf: cannot open: No such file or directory"
	;;
not-an-elf)
	# A boot tree cut short: refused by hvsim before the machine exists.
	head -c 40 "$guests/guest.dtb" >"$dir/cut.dtb"
	run 2 "$dir/cut.dtb"
	stderr_is "hvsim: $dir/cut.dtb: not a valid device tree: truncated"
	;;
not-aarch64)
	# An image is the kernel of a manifest hvsim writes: the core's ELF
	# check refuses it, as it would on QEMU.
	run 1 "$hvsim"
	has "$out" "hv: manifest: /chosen/hvsim/kernel: not an AArch64 ELF (e_machine 62)"
	has "$out" "hv: stopped, status 1"
	;;
outside-ram)
	run 1 --ram 2M "$guests/hello.elf"
	has "$out" "hv: manifest: /chosen/hello/kernel: RAM of 0x200000 bytes leaves no room below the device tree (2 MiB below its top)"
	has "$out" "hv: stopped, status 1"
	;;
bad-option)
	run 2 --vcpus 9 "$guests/hello.elf"
	stderr_is "hvsim: --vcpus: '9' is not 1 to HV_MAX_VCPUS"
	;;
bad-config)
	printf '[vm a]\nimage = a.elf\nram = 3M+\n' >"$dir/bad.cfg"
	run 2 "$dir/bad.cfg"
	stderr_is "hvsim: $dir/bad.cfg:3: bad value '3M+' for ram (expected a number with an optional K, M or G suffix)"
	;;
max-insns)
	# The one exit: its first store to a page the loader did not write
	# (hv/vm_ram.h), which then runs again.
	run 124 --max-insns 1000 "$guests/hello.elf"
	stderr_is "hvsim: stopped: 999 guest instructions and 1 exits reached --max-insns 1000 (cpu0, pc 0x40000030)"
	;;
trace-exits)
	run 0 --trace exits "$guests/abort.elf"
	# ldr w0, [x2] and str w0, [x2] outside RAM: ISV, SAS word, SRT 0,
	# translation fault level 1 (WnR for the store); the branch there.
	has "$err" "hvsim: exit cpu0 ec 0x24 esr 0x93800005 pc 0x400010e0 ipa 0x20000000"
	has "$err" "hvsim: exit cpu0 ec 0x24 esr 0x93800045 pc 0x40001128 ipa 0x20000008"
	has "$err" "hvsim: exit cpu0 ec 0x20 esr 0x82000005 pc 0x20000000 ipa 0x20000000"
	# PSCI SYSTEM_OFF by HVC #0, ELR past the HVC.
	grep -q "^hvsim: exit cpu0 ec 0x16 esr 0x5a000000 pc 0x4[0-9a-f]*\$" "$err" ||
		fail "no HVC exit"
	;;
repeatable)
	# Two runs of the 2-vCPU guest: the same exits, the same counts.
	run 0 --stats --trace exits --vcpus 2 "$guests/psci.elf"
	grep -v "s running vCPUs" "$err" >"$out2"
	run 0 --stats --trace exits --vcpus 2 "$guests/psci.elf"
	grep -v "s running vCPUs" "$err" | diff -u "$out2" - || fail "runs differ"
	grep -q "^hvsim: [0-9]* guest instructions, [0-9]* exits" "$err" ||
		fail "no statistics"
	;;
trace-json)
	# The timeline: it parses, and its exits are --stats', class by
	# class; two vCPUs on one CPU switch, the timer guest's interrupts
	# are injected (tests/trace/check.py).
	check=$(dirname "$0")/../trace/check.py
	run 0 --stats --trace-json "$dir/psci.json" --vcpus 2 "$guests/psci.elf"
	"$check" "$dir/psci.json" "$err" --switches || fail "psci timeline"
	run 0 --stats --trace-json "$dir/timer.json" "$guests/timer.elf"
	"$check" "$dir/timer.json" "$err" --injects || fail "timer timeline"
	run 2 --trace-json "$dir/no/such/dir.json" "$guests/hello.elf"
	stderr_is "hvsim: --trace-json: $dir/no/such/dir.json: No such file or directory"
	;;
trace-records)
	# The records hv.elf built with HV_TRACE prints, from the same core:
	# scripts/hv-trace makes the timeline of them, which must match
	# --stats as hvsim's own does.
	root=$(dirname "$0")/../..
	run 0 --stats --trace records --vcpus 2 "$guests/psci.elf"
	"$root/scripts/hv-trace" "$out" "$dir/psci.json" >/dev/null ||
		fail "hv-trace"
	"$root/tests/trace/check.py" "$dir/psci.json" "$err" --switches ||
		fail "psci timeline"
	run 0 --stats --trace records "$guests/timer.elf"
	"$root/scripts/hv-trace" "$out" "$dir/timer.json" >/dev/null ||
		fail "hv-trace"
	"$root/tests/trace/check.py" "$dir/timer.json" "$err" --injects ||
		fail "timer timeline"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
echo "ok: $case"
