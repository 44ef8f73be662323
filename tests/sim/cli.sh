#!/bin/sh
# hvsim's command line, one case per run: bad input gets one line and status
# 2, --max-insns stops with 124, --trace exits prints the architectural
# syndromes, runs are repeatable, a configuration file runs several VMs.
#
# usage: cli.sh CASE HVSIM GUEST_DIR
set -u
case=$1 hvsim=$2 guests=$3
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
	run 2 "$guests/guest.dtb"
	stderr_is "hvsim: $guests/guest.dtb: not an ELF file (bad magic)"
	;;
not-aarch64)
	run 2 "$hvsim"
	stderr_is "hvsim: $hvsim: not an AArch64 ELF (e_machine 62)"
	;;
outside-ram)
	run 2 --ram 8K "$guests/hello.elf"
	grep -q "^hvsim: $guests/hello.elf: segment 0 at 0x40000000+0x[0-9a-f]* is outside guest RAM 0x40000000-0x40001fff\$" "$err" ||
		fail "no segment message"
	[ "$(wc -l <"$err")" -eq 1 ] || fail "more than one line"
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
	run 124 --max-insns 1000 "$guests/hello.elf"
	stderr_is "hvsim: stopped: 1000 guest instructions and 0 exits reached --max-insns 1000 (cpu0, pc 0x40000028)"
	;;
trace-exits)
	run 0 --trace exits --dtb "$guests/guest.dtb" "$guests/abort.elf"
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
	run 0 --stats --trace exits --vcpus 2 --dtb "$guests/guest.dtb" "$guests/psci.elf"
	grep -v "s running vCPUs" "$err" >"$out2"
	run 0 --stats --trace exits --vcpus 2 --dtb "$guests/guest.dtb" "$guests/psci.elf"
	grep -v "s running vCPUs" "$err" | diff -u "$out2" - || fail "runs differ"
	grep -q "^hvsim: [0-9]* guest instructions, [0-9]* exits" "$err" ||
		fail "no statistics"
	;;
config)
	cat >"$dir/two.cfg" <<CFG
# Two VMs on one machine.
[vm one]
image = $guests/hello.elf
dtb = $guests/guest.dtb
[vm two]
image = $guests/sysreg.elf
ram = 32M
CFG
	run 0 "$dir/two.cfg"
	has "$out" "hv: one: 1 vCPU(s), 64 MiB RAM at ipa 0x40000000, entry 0x40000000"
	has "$out" "hv: two: 1 vCPU(s), 32 MiB RAM at ipa 0x40000000, entry 0x40000000"
	has "$out" "one| hello: I am vCPU 0 of 1 in VM 0"
	has "$out" "two| sysreg: done"
	has "$out" "hv: all VMs stopped, status 0"
	;;
*)
	echo "unknown case $case"
	exit 2
	;;
esac
echo "ok: $case"
