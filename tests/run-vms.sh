#!/usr/bin/env bash
# Boots hv.elf with the VMs of a manifest, in QEMU or in hvsim, and checks
# the transcript: the same manifest (scripts/manifest) and the same check
# for both, so a test's EXPECTED file holds for each.
#
# usage: run-vms.sh ENGINE TOOL CPU GIC HV GUESTS EXPECTED [OPTION...] -- VM...
#   ENGINE    qemu or hvsim; TOOL is qemu-system-aarch64 or hvsim's path
#   CPU GIC   the machine (QEMU's -cpu, gic-version); hvsim reads the GIC
#             from the same tree and runs its own CPU model
#   HV        hv.elf (QEMU boots it; its end bounds where modules go)
#   GUESTS    where the test guests' ELF files are
#   EXPECTED  the transcript
#   VM...     scripts/manifest --vm SPECs (a guest's name is one), or
#             --manifest FILE.dts
# Options:
#   --smp N           physical CPUs (QEMU; hvsim has one)
#   --timeout S       seconds before the run counts as hung (default 30)
#   --mode MODE       exit: the run must end with status 0 (default);
#                     hang: every vCPU must end blocked for good (QEMU still
#                     running after 5 s, hvsim's "nothing can run" stop);
#                     fail: the hypervisor must stop with a non-zero status
#   --input FILE      the console's input
#   --images DIR      where --vm linux finds its images
#   --quiet NAME      leave out what the hypervisor logs about NAME's vCPUs
#                     ("hv: NAME/n: ..."): a hostile VM's refusals, whose
#                     rate-limited count depends on each machine's speed
#
# The transcript is every line a VM printed ("NAME| ..."), every line the
# hypervisor said about a VM or the manifest ("hv: NAME: ...",
# "hv: NAME/n: ...", "hv: manifest: ...") and its final status line,
# grouped by VM; host addresses, the banner and the console help are left
# out, as they differ between machines. QEMU runs with -icount shift=0,sleep=off: virtual time
# is one nanosecond per instruction and jumps over idle periods, so the
# timer tests are exact and fast on a loaded host (the PL031 RTC counts
# that virtual time too, -rtc clock=vm); hvsim's time is its
# instruction count, the same way. QEMU's serial port is its raw stdio (no
# monitor multiplexed in), so a Ctrl-A in the input reaches the hypervisor,
# as with scripts/run.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

engine=$1 tool=$2 cpu=$3 gic=$4 hv=$5 guests=$6 expected=$7
shift 7
smp=1 limit=30 mode=exit input=/dev/null images= quiet=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	case "$1" in
	--smp) smp=$2 ;;
	--timeout) limit=$2 ;;
	--mode) mode=$2 ;;
	--input) input=$2 ;;
	--images) images=$2 ;;
	--quiet) quiet+=(-e "^hv: $2/") ;;
	*) echo "run-vms: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
shift
[ "$mode" = hang ] && [ "$engine" = qemu ] && limit=5

dir=$(mktemp -d) out=$(mktemp) transcript=$(mktemp)
trap 'rm -rf "$dir" "$out" "$transcript"' EXIT

# QEMU's own tree for this machine, dumped once per build and shared by
# every test on it (the tree depends only on the machine options).
machine=$(dirname "$hv")/machines/gicv$gic-${cpu%%,*}-smp$smp.dtb
if [ ! -s "$machine" ]; then
	mkdir -p "$(dirname "$machine")"
	tmp=$(mktemp "$machine.XXXXXX")
	qemu-system-aarch64 -M "virt,virtualization=on,gic-version=$gic" \
		-cpu "$cpu" -m 1G -smp "$smp" -nographic -nodefaults \
		-machine dumpdtb="$tmp" >/dev/null 2>&1 &&
		mv "$tmp" "$machine" || rm -f "$tmp"
fi

vms=()
for spec in "$@"; do
	case "$spec" in
	--manifest=*) vms+=(--manifest "${spec#--manifest=}") ;;
	*) vms+=(--vm "$spec") ;;
	esac
done
if ! mapfile -t args < <("$root/scripts/manifest" --out "$dir" \
	--base-dtb "$machine" --hv "$hv" --guests "$guests" \
	${images:+--images "$images"} "${vms[@]}" --print "$engine") ||
	[ ${#args[@]} -eq 0 ]; then
	echo "FAIL: scripts/manifest could not build the manifest"
	exit 1
fi

if [ "$engine" = qemu ]; then
	timeout --foreground -k 5 "$limit" "$tool" \
		-M "virt,virtualization=on,gic-version=$gic" -cpu "$cpu" \
		-m 1G -smp "$smp" -nic none -no-reboot -display none \
		-chardev stdio,id=con,mux=off,signal=off -serial chardev:con \
		-monitor none \
		-icount shift=0,sleep=off -rtc clock=vm \
		-kernel "$hv" "${args[@]}" \
		<"$input" >"$out" 2>&1
else
	GCOV_ERROR_FILE=/dev/null timeout -k 5 "$limit" "$tool" \
		--input-file "$input" --max-insns 400000000 "${args[@]}" \
		</dev/null >"$out" 2>&1
fi
status=$?

# Each VM's lines in the order it printed them, VM after VM in the order
# they first speak (the manifest's: each is announced before any runs),
# then the final line. How the VMs' lines interleave depends on how the
# machine times them (GICv2 traps differently from GICv3), what each VM
# says does not.
tr -d '\r' <"$out" |
	grep -E '^([a-z0-9_-]+\|\+? |hv: [a-z0-9_-]+[:/]|hv: (all VMs stopped|stopped), status )' |
	{ if [ ${#quiet[@]} -gt 0 ]; then grep -v "${quiet[@]}"; else cat; fi; } |
	awk '
	{
		if (match($0, /^hv: (all VMs stopped|stopped), status /))
			key = "\377"
		else if (match($0, /^[a-z0-9_-]+\|\+ /)) {
			# The rest of a line the console cut: joined back.
			key = substr($0, 1, RLENGTH - 3)
			if (key in seen) {
				sub(/\n$/, "", lines[key])
				lines[key] = lines[key] substr($0, RLENGTH + 1) "\n"
				next
			}
		} else if (match($0, /^[a-z0-9_-]+\| /))
			key = substr($0, 1, RLENGTH - 2)
		else {
			key = substr($0, 5)
			sub(/[:\/].*/, "", key)
		}
		if (!(key in seen)) {
			seen[key] = ++groups
			name[groups] = key
		}
		lines[key] = lines[key] $0 "\n"
	}
	END {
		for (g = 1; g <= groups; g++)
			if (name[g] != "\377")
				printf "%s", lines[name[g]]
		printf "%s", lines["\377"]
	}' >"$transcript"

case "$mode" in
hang)
	if { [ "$engine" = qemu ] && [ $status -ne 124 ]; } ||
		{ [ "$engine" = hvsim ] && { [ $status -ne 124 ] ||
			! grep -q "^hvsim: stopped: every vCPU waits for an interrupt and none can come\$" "$out"; }; }; then
		echo "FAIL: expected every vCPU to end blocked, status $status:"
		cat "$out"
		exit 1
	fi
	;;
*)
	if [ $status -eq 124 ] || [ $status -eq 137 ]; then
		echo "FAIL: timed out after ${limit}s; output:"
		cat "$out"
		exit 1
	fi
	;;
esac
if ! diff -u "$expected" "$transcript"; then
	echo "FAIL: transcript differs from $expected (above); full output:"
	cat "$out"
	exit 1
fi
[ "$mode" = hang ] && { echo "ok: blocked for good"; exit 0; }
# QEMU exits 0 whatever happened: the hypervisor's final line says.
final=$("$root/scripts/hv-status" "$out")
hv=$?
if [ "$engine" = hvsim ] && [ $status -ne $hv ]; then
	echo "FAIL: hvsim exited $status but its final line says $final:"
	cat "$out"
	exit 1
fi
if [ "$mode" = fail ] && [ $hv -eq 0 ]; then
	echo "FAIL: the hypervisor should have stopped with an error; output:"
	cat "$out"
	exit 1
fi
if [ "$mode" != fail ] && [ $hv -ne 0 ]; then
	echo "FAIL: the hypervisor's final line says $final, not status 0:"
	cat "$out"
	exit 1
fi
echo "ok: $engine, $cpu, GICv$gic, -smp $smp: $*"
