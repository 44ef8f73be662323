#!/usr/bin/env bash
# Boots Debian's arm64 kernel and the test initramfs in hvsim (no QEMU),
# with the manifest and module placements tests/linux/run-linux.sh gives
# QEMU (scripts/manifest --vm linux,vcpus=VCPUS), RUNS times (1 or 2, from
# the environment; 2 by default), and checks: two runs print the same
# transcript, byte for byte, and the same --stats but for the wall-clock
# line (virtual time comes from retired instructions); and in it what
# tests/linux/init reports, as the QEMU test
# checks it: the machine, the CPU count, the timer interrupt count of every
# CPU growing over a second, a line typed on the serial console (given once
# the guest asks for it: --input-after) read back and the PL011's interrupt
# counted, hvsim exiting 0 after poweroff -f with the hypervisor's final
# line saying status 0; and in the kernel log, VCPUS processors activated,
# nothing the hypervisor refused and no kernel warning.
#
# usage: run-linux-sim.sh HVSIM HV_ELF IMAGES_DIR SRC_DIR GIC CPU VCPUS [TIMEOUT]
# Exit status 77 (skipped) when the Debian packages cannot be downloaded.
# HVSIM_EXTRA in the environment adds hvsim options (e.g. "--trace exits").
set -u
if [ $# -lt 7 ] || [ $# -gt 8 ]; then
	echo "usage: run-linux-sim.sh HVSIM HV_ELF IMAGES_DIR SRC_DIR GIC CPU VCPUS [TIMEOUT]" >&2
	exit 2
fi
hvsim=$1 hv=$2 images=$3 src=$4 gic=$5 cpu=$6 vcpus=$7 limit=${8:-120}
case "$vcpus" in
1|2) ;;
*) echo "run-linux-sim.sh: VCPUS must be 1 or 2, not '$vcpus'" >&2; exit 2 ;;
esac
line="hello from the serial line"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A coverage build's runtime complains on stderr when parallel tests update
# the same counters; stderr holds the --stats compared here.
export GCOV_ERROR_FILE=/dev/null

"$src/scripts/linux-images" "$images" >"$work/images.log" 2>&1 || {
	s=$?
	cat "$work/images.log"
	exit $s
}

# --cpu and --smp only choose QEMU's tree, which the manifest starts from:
# hvsim models the GIC version it names and runs the vCPUs on one CPU.
mapfile -t boot < <("$src/scripts/manifest" --out "$work/manifest" \
	--gic "$gic" --cpu "$cpu" --smp "$vcpus" --hv "$hv" \
	--images "$images" --vm "linux,vcpus=$vcpus" --print hvsim)
[ ${#boot[@]} -gt 0 ] || { echo "FAIL: no manifest"; exit 1; }

fail() {
	echo "FAIL: $*; output:"
	cat "$work/log"
	exit 1
}

runs=${RUNS:-2}
case "$runs" in
1|2) ;;
*) echo "run-linux-sim.sh: RUNS must be 1 or 2, not '$runs'" >&2; exit 2 ;;
esac
for run in $(seq "$runs"); do
	# HVSIM_EXTRA is split into words on purpose.
	# shellcheck disable=SC2086
	timeout -k 5 "$limit" "$hvsim" --stats \
		--input-after "linux-test: type a line" --input "$line"$'\n' \
		${HVSIM_EXTRA:-} "${boot[@]}" </dev/null \
		>"$work/out$run" 2>"$work/stats$run"
	status=$?
	tr -d '\r' <"$work/out$run" >"$work/log"
	cat "$work/stats$run" >>"$work/log"
	[ $status -eq 0 ] || fail "hvsim (run $run) exited with status $status"
	# All but the wall-clock line ("N s running vCPUs ...").
	grep -v " s running vCPUs " "$work/stats$run" >"$work/det$run"
done
if [ "$runs" = 2 ]; then
	cmp -s "$work/out1" "$work/out2" || {
		diff "$work/out1" "$work/out2" | head -20
		fail "the two runs printed different transcripts"
	}
	cmp -s "$work/det1" "$work/det2" || {
		diff "$work/det1" "$work/det2"
		fail "the two runs gave different --stats"
	}
fi

# shellcheck source=/dev/null
. "$src/tests/linux/check-init.sh"
t1='' t2='' u='' ipis=''
check_init "$src" "$work/log" "$vcpus" "$line"
if grep "^hvsim: cpu" "$work/log"; then
	fail "hvsim met something it does not model"
fi
to_init=$(sed -n 's/^linux| \[ *\([0-9.]*\)\] Run \/init as init process$/\1/p' "$work/log")
same=$([ "$runs" = 2 ] && echo ", same transcript twice")
echo "ok: Linux in hvsim, GICv$gic, $vcpus vCPU(s)$same:" \
	"/init at ${to_init:-?} s virtual, timer $t1 -> $t2, uart $u, ipis $ipis"
grep " s running vCPUs " "$work/stats1"
