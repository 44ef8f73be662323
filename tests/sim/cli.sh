#!/bin/sh
# hvsim's command line, one case per run: bad input (options, images, boot
# trees and an image's --dtb) gets one line and status 2 (what the core
# refuses: its line and status 1), --max-insns stops with 124, --trace exits
# and --trace exceptions print the architectural syndromes, runs are
# repeatable, --input-after holds input back until the guest's prompt.
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
	size=$(wc -c <"$guests/guest.dtb")
	run 2 "$dir/cut.dtb"
	stderr_is "hvsim: $dir/cut.dtb: device tree totalsize $size is larger than the file (40 bytes)"
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
unknown-option)
	# Known or not, an option is looked up before its value is taken.
	run 2 --foo "$guests/hello.elf"
	stderr_is "hvsim: unknown option: --foo (see --help)"
	run 2 "$guests/hello.elf" --foo
	stderr_is "hvsim: unknown option: --foo (see --help)"
	run 2 "$guests/hello.elf" --dtb
	stderr_is "hvsim: --dtb needs a value"
	;;
dtb-not-a-tree)
	# A boot tree is told from an image by its magic: only an image's
	# --dtb can lack it.
	run 2 --dtb "$guests/hello.elf" "$guests/hello.elf"
	stderr_is "hvsim: --dtb $guests/hello.elf: not a device tree blob (bad magic)"
	;;
dtb-truncated)
	head -c 20 "$guests/guest.dtb" >"$dir/short.dtb"
	run 2 --dtb "$dir/short.dtb" "$guests/hello.elf"
	stderr_is "hvsim: --dtb $dir/short.dtb: truncated device tree: 20 bytes, its header has 40"
	run 2 "$dir/short.dtb"
	stderr_is "hvsim: $dir/short.dtb: truncated device tree: 20 bytes, its header has 40"
	;;
dtb-totalsize)
	# The whole header, but the tree is cut short of its totalsize.
	size=$(wc -c <"$guests/guest.dtb")
	head -c $((size - 8)) "$guests/guest.dtb" >"$dir/cut.dtb"
	run 2 --dtb "$dir/cut.dtb" "$guests/hello.elf"
	stderr_is "hvsim: --dtb $dir/cut.dtb: device tree totalsize $size is larger than the file ($((size - 8)) bytes)"
	run 2 "$dir/cut.dtb"
	stderr_is "hvsim: $dir/cut.dtb: device tree totalsize $size is larger than the file ($((size - 8)) bytes)"
	;;
dtb-version)
	# Version 15 (dtc writes 17, compatible with 16): libfdt reads 16 on.
	cp "$guests/guest.dtb" "$dir/old.dtb"
	printf '\000\000\000\017' |
		dd of="$dir/old.dtb" bs=1 seek=20 conv=notrunc 2>/dev/null
	run 2 --dtb "$dir/old.dtb" "$guests/hello.elf"
	stderr_is "hvsim: --dtb $dir/old.dtb: device tree version 15 (compatible with 16) is not 16 or 17"
	run 2 "$dir/old.dtb"
	stderr_is "hvsim: $dir/old.dtb: device tree version 15 (compatible with 16) is not 16 or 17"
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
	# Two runs of the 2-vCPU guest: the same exits, the same counts. Only
	# hvsim's lines count: a coverage build's runtime may add its own
	# (a profile written by an older build of hvsim).
	run 0 --stats --trace exits --vcpus 2 "$guests/psci.elf"
	grep "^hvsim: " "$err" | grep -v "s running vCPUs" >"$out2"
	run 0 --stats --trace exits --vcpus 2 "$guests/psci.elf"
	grep "^hvsim: " "$err" | grep -v "s running vCPUs" |
		diff -u "$out2" - || fail "runs differ"
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
trace-exceptions)
	# The mmu guest's own faults, each taken at EL1 without an exit:
	# one line each, with the syndrome and address the guest then reads
	# (what the core injects after an exit is not one of them).
	run 0 --trace exceptions "$guests/mmu.elf"
	[ "$(grep -c "^hvsim: exception cpu0 sync " "$err")" -eq 19 ] ||
		fail "not 19 exceptions"
	has "$err" "hvsim: exception cpu0 sync esr 0x96000005 pc 0x40002838 far 0x80000000"
	has "$err" "hvsim: exception cpu0 sync esr 0x9600004f pc 0x40002848 far 0x41002000"
	has "$err" "hvsim: exception cpu0 sync esr 0x9200000f pc 0x40002884 far 0x41000000"
	has "$err" "hvsim: exception cpu0 sync esr 0x96000021 pc 0x40002860 far 0x41000004"
	has "$err" "hvsim: exception cpu0 sync esr 0x8600000f pc 0x41004000 far 0x41004000"
	;;
input-after)
	# Input held until the guest's prompt, then read by the guest; held
	# for ever when the prompt never comes; no empty prompt.
	nl='
'
	run 0 --input-after "reading a line by interrupt" \
		--input "typed late$nl" "$guests/uart-irq.elf"
	has "$out" "uart-irq| uart-irq: echo: typed late"
	run 124 --max-insns 2000000 --input-after "no such prompt" \
		--input "typed late$nl" "$guests/uart-irq.elf"
	grep -q "echo:" "$out" && fail "input given before its prompt"
	run 2 --input-after "" --input x "$guests/uart-irq.elf"
	stderr_is "hvsim: --input-after: empty text"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
echo "ok: $case"
