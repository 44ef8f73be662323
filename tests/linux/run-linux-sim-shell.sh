#!/usr/bin/env bash
# A scripted shell session on Linux in hvsim: Debian's kernel and the test
# initramfs with hv.shell in the bootargs (busybox sh on the console, as
# scripts/run gives it), 1 vCPU, the commands typed with --input once the
# shell's banner is out (--input-after), and checked: uname -a, the timer
# line of /proc/interrupts, an arithmetic echo, and poweroff -f ending
# hvsim with status 0 and the hypervisor's final line saying so.
#
# usage: run-linux-sim-shell.sh HVSIM HV_ELF IMAGES_DIR SRC_DIR GIC [TIMEOUT]
# Exit status 77 (skipped) when the Debian packages cannot be downloaded.
set -u
if [ $# -lt 5 ] || [ $# -gt 6 ]; then
	echo "usage: run-linux-sim-shell.sh HVSIM HV_ELF IMAGES_DIR SRC_DIR GIC [TIMEOUT]" >&2
	exit 2
fi
hvsim=$1 hv=$2 images=$3 src=$4 gic=$5 limit=${6:-120}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GCOV_ERROR_FILE=/dev/null

"$src/scripts/linux-images" "$images" >"$work/images.log" 2>&1 || {
	s=$?
	cat "$work/images.log"
	exit $s
}
mapfile -t boot < <("$src/scripts/manifest" --out "$work/manifest" \
	--gic "$gic" --smp 1 --hv "$hv" --images "$images" \
	--vm "linux,vcpus=1,bootargs=console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init hv.shell" \
	--print hvsim)
[ ${#boot[@]} -gt 0 ] || { echo "FAIL: no manifest"; exit 1; }

timeout -k 5 "$limit" "$hvsim" \
	--input-after "busybox shell on ttyAMA0" \
	--input $'uname -a\ngrep arch_timer /proc/interrupts\necho typed: $((6 * 7))\npoweroff -f\n' \
	"${boot[@]}" </dev/null 2>&1 | tr -d '\r' >"$work/log"
status=${PIPESTATUS[0]}

fail() {
	echo "FAIL: $*; output:"
	cat "$work/log"
	exit 1
}
[ "$status" -eq 0 ] || fail "hvsim exited with status $status"
final=$("$src/scripts/hv-status" "$work/log") ||
	fail "the hypervisor's final line says $final, not status 0"
grep -qE '^linux\| Linux \(none\) [0-9]+\.[0-9]+\.[0-9]+-[0-9]+-cloud-arm64 #1 SMP .* aarch64 GNU/Linux$' \
	"$work/log" || fail "no uname -a"
grep -qE '^linux\| +11: +[1-9][0-9]* +(GICv3|GIC-0) +27 Level +arch_timer$' \
	"$work/log" || fail "no counting arch_timer line"
grep -q "^linux| typed: 42$" "$work/log" || fail "the echo did not run"
grep -q "^hv: linux: powered off by PSCI SYSTEM_OFF, status 0$" "$work/log" ||
	fail "no PSCI SYSTEM_OFF"
if grep -E "^hv: linux/|^hvsim: cpu" "$work/log"; then
	fail "the hypervisor or hvsim refused something"
fi
echo "ok: a shell session on Linux in hvsim, GICv$gic"
