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

final=$("$src/scripts/hv-status" "$work/log") ||
	fail "the hypervisor's final line says $final, not status 0"
grep -q "^linux| linux-test: machine aarch64$" "$work/log" || fail "no uname -m"
grep -q "^linux| linux-test: cpus $vcpus$" "$work/log" || fail "not $vcpus CPU(s)"
grep -q "^linux| \[ *[0-9.]*\] SMP: Total of $vcpus processors activated" \
	"$work/log" || fail "the kernel did not bring up $vcpus CPU(s)"
# "linux-test: timer N0 N1...": one count per CPU, before and after sleep 1.
t1=$(sed -n 's/^linux| linux-test: timer //p' "$work/log" | sed -n 1p)
t2=$(sed -n 's/^linux| linux-test: timer //p' "$work/log" | sed -n 2p)
awk -v n="$vcpus" -v a="$t1" -v b="$t2" 'BEGIN {
	if (split(a, x, " ") != n || split(b, y, " ") != n)
		exit 1
	for (i = 1; i <= n; i++)
		if (x[i] !~ /^[0-9]+$/ || y[i] !~ /^[0-9]+$/ || y[i] + 0 <= x[i] + 0)
			exit 1
}' || fail "timer interrupts did not grow on each of $vcpus CPU(s) ($t1 -> $t2)"
grep -q "^linux| linux-test: read '$line'$" "$work/log" || fail "line not read back"
u=$(sed -n 's/^linux| linux-test: uart interrupts //p' "$work/log" | sed -n 1p)
echo "$u" | awk '{ s = 0; for (i = 1; i <= NF; i++) { if ($i !~ /^[0-9]+$/) exit 1; s += $i } exit !(s > 0) }' ||
	fail "no PL011 interrupt counted ($u)"
ipis=$(sed -n 's/^linux| linux-test: ipis //p' "$work/log" | sed -n 1p)
[ "$vcpus" = 1 ] || echo "$ipis" | awk -v n="$vcpus" '{
	if (NF != 2 * n + 1)
		exit 1
	for (i = 1; i <= n; i++)
		if ($i + $(n + 1 + i) <= 0)
			exit 1
}' || fail "a vCPU got no IPI ($ipis)"
if grep "^hv: linux/" "$work/log"; then
	fail "the hypervisor refused a guest access"
fi
if grep "^hvsim: cpu" "$work/log"; then
	fail "hvsim met something it does not model"
fi
grep -q "^hv: linux: powered off by PSCI SYSTEM_OFF, status 0$" "$work/log" ||
	fail "no PSCI SYSTEM_OFF"
if grep -iE "^linux\| .*(gic|arch_timer|pl011|psci).*(fail|error|unhandled|warn)" "$work/log"; then
	fail "a driver of the virtual hardware complained"
fi
if grep -E "^linux\| .*(CPU[0-9]+: failed|failed to (come online|boot)|SANITY CHECK|Unsupported CPU feature variation)" "$work/log"; then
	fail "a secondary CPU did not come up cleanly"
fi
if grep -E "^linux\| .*(WARNING:|BUG:|Oops|Kernel panic|Call trace:|rcu: INFO|self-detected stall|soft lockup)" "$work/log"; then
	fail "the kernel warned"
fi
to_init=$(sed -n 's/^linux| \[ *\([0-9.]*\)\] Run \/init as init process$/\1/p' "$work/log")
same=$([ "$runs" = 2 ] && echo ", same transcript twice")
echo "ok: Linux in hvsim, GICv$gic, $vcpus vCPU(s)$same:" \
	"/init at ${to_init:-?} s virtual, timer $t1 -> $t2, uart $u, ipis $ipis"
grep " s running vCPUs " "$work/stats1"
