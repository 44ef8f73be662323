#!/usr/bin/env bash
# Linux in hvsim driven through its console, 1 vCPU a VM: Debian's kernel
# and the test initramfs with the manifest scripts/run would give QEMU.
#
# usage: run-linux-sim-console.sh HVSIM HV_ELF IMAGES_DIR SRC_DIR GIC SCENARIO [TIMEOUT]
# Scenarios:
#   shell  hv.shell in the bootargs (busybox sh on the console, as
#          scripts/run gives it); commands typed with --input once the
#          shell's banner is out (--input-after): uname -a, the timer's
#          line of /proc/interrupts, an arithmetic echo, and poweroff -f
#          ending hvsim with status 0, the hypervisor's final line saying so.
#   reset  hv.reboot: /init asks PSCI for SYSTEM_RESET at once; the
#          hypervisor zeroes the VM's RAM, copies the kernel and
#          initramfs in again (host writes Unicorn does not see) and the
#          kernel boots a second time, to /init. It resets for ever:
#          stopped by --max-insns (status 124) during the third boot.
#   net    two Linux VMs (hv.net=1, hv.net=2) on one virtio-net network,
#          time-sliced on hvsim's one CPU: 10.0.0.1 pings 10.0.0.2 three
#          times, then sends it 1 MiB with busybox nc; the byte counts and
#          checksums must match, both VMs power off with status 0.
# Exit status 77 (skipped) when the Debian packages cannot be downloaded.
set -u
if [ $# -lt 6 ] || [ $# -gt 7 ]; then
	echo "usage: run-linux-sim-console.sh HVSIM HV_ELF IMAGES_DIR SRC_DIR GIC SCENARIO [TIMEOUT]" >&2
	exit 2
fi
hvsim=$1 hv=$2 images=$3 src=$4 gic=$5 scenario=$6 limit=${7:-120}
args="console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GCOV_ERROR_FILE=/dev/null

"$src/scripts/linux-images" "$images" >"$work/images.log" 2>&1 || {
	s=$?
	cat "$work/images.log"
	exit $s
}
case "$scenario" in
shell) vms=(--vm "linux,vcpus=1,bootargs=$args hv.shell") ;;
reset) vms=(--vm "linux,vcpus=1,bootargs=$args hv.reboot") ;;
net) vms=(--vm "linux,vcpus=1,net=a,bootargs=$args hv.net=1"
	--vm "linux,vcpus=1,net=a,bootargs=$args hv.net=2") ;;
*) echo "run-linux-sim-console.sh: unknown scenario '$scenario'" >&2; exit 2 ;;
esac
mapfile -t boot < <("$src/scripts/manifest" --out "$work/manifest" \
	--gic "$gic" --smp 1 --hv "$hv" --images "$images" \
	"${vms[@]}" --print hvsim)
[ ${#boot[@]} -gt 0 ] || { echo "FAIL: no manifest"; exit 1; }

fail() {
	echo "FAIL: $*; output:"
	cat "$work/log"
	exit 1
}

case "$scenario" in
shell)
	timeout -k 5 "$limit" "$hvsim" \
		--input-after "busybox shell on ttyAMA0" \
		--input $'uname -a\ngrep arch_timer /proc/interrupts\necho typed: $((6 * 7))\npoweroff -f\n' \
		"${boot[@]}" </dev/null 2>&1 | tr -d '\r' >"$work/log"
	status=${PIPESTATUS[0]}
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
	;;
reset)
	# One boot to the reset is 1.1e9 instructions: the third is cut short.
	timeout -k 5 "$limit" "$hvsim" --max-insns 2600000000 \
		"${boot[@]}" </dev/null 2>&1 | tr -d '\r' >"$work/log"
	status=${PIPESTATUS[0]}
	[ "$status" -eq 124 ] || fail "hvsim exited with status $status, not 124 (--max-insns)"
	[ "$(grep -c "^hv: linux: system reset$" "$work/log")" -ge 2 ] ||
		fail "not two system resets"
	[ "$(grep -c "^linux| linux-test: rebooting$" "$work/log")" -ge 2 ] ||
		fail "/init did not run in both boots"
	[ "$(grep -c "^linux| \[    0.000000\] Booting Linux on physical CPU 0x0000000000 " "$work/log")" -ge 3 ] ||
		fail "the kernel did not boot three times"
	grep -q "^hvsim: stopped: [0-9]* guest instructions and [0-9]* exits reached --max-insns 2600000000" \
		"$work/log" || fail "not stopped by --max-insns"
	;;
net)
	timeout -k 5 "$limit" "$hvsim" "${boot[@]}" </dev/null 2>&1 |
		tr -d '\r' >"$work/log"
	status=${PIPESTATUS[0]}
	[ "$status" -eq 0 ] || fail "hvsim exited with status $status"
	final=$("$src/scripts/hv-status" "$work/log") ||
		fail "the hypervisor's final line says $final, not status 0"
	grep -q "^linux| linux-test: net: 10.0.0.1 up$" "$work/log" ||
		fail "linux: eth0 not up"
	grep -q "^linux2| linux-test: net: 10.0.0.2 up$" "$work/log" ||
		fail "linux2: eth0 not up"
	grep -q "^linux| linux-test: net: 3 packets transmitted, 3 packets received, 0% packet loss$" \
		"$work/log" || fail "ping lost packets"
	sent=$(sed -n 's/^linux| linux-test: net: sending \(.*\)$/\1/p' "$work/log")
	got=$(sed -n 's/^linux2| linux-test: net: received \(.*\)$/\1/p' "$work/log")
	if [ -z "$sent" ] || [ "$sent" != "$got" ]; then
		fail "sent '$sent', received '$got'"
	fi
	case "$sent" in
	"1048576 bytes, md5 "*) ;;
	*) fail "not 1 MiB sent ($sent)" ;;
	esac
	for vm in linux linux2; do
		grep -q "^hv: $vm: powered off by PSCI SYSTEM_OFF, status 0$" \
			"$work/log" || fail "$vm: no PSCI SYSTEM_OFF"
	done
	;;
esac
if grep -E "^hv: linux2?/|^hvsim: cpu|^hv: halted" "$work/log"; then
	fail "the hypervisor or hvsim refused something"
fi
if grep -E "^linux2?\| .*(WARNING:|BUG:|Oops|Kernel panic|Call trace:)" "$work/log"; then
	fail "the kernel warned"
fi
echo "ok: Linux in hvsim through its console, GICv$gic, $scenario"
