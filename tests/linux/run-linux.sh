#!/bin/sh
# Boots Debian's arm64 kernel and the test initramfs under the hypervisor
# in QEMU and checks what tests/linux/init reports: the machine, the CPU
# count, the timer interrupt count growing over a second, a line typed on
# the serial console read back, and QEMU exiting 0 after poweroff -f.
#
# usage: run-linux.sh QEMU HV_ELF IMAGES_DIR SRC_DIR GIC CPU [TIMEOUT]
# Exit status 77 (skipped) when the Debian packages cannot be downloaded.
# QEMU_EXTRA in the environment adds QEMU options (e.g. "-d int -D log").
set -u
qemu=$1 hv=$2 images=$3 src=$4 gic=$5 cpu=$6 limit=${7:-120}
line="hello from the serial line"
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $writer 2>/dev/null' EXIT

"$src/scripts/linux-images" "$images" || exit $?

"$src/tests/linux/make-dtb.sh" "$src" "$gic" "$images/initrd.gz" \
	"$work/linux.dtb" "" || exit 1

# Serial input: typed once the guest asks for it.
mkfifo "$work/in"
out="$work/out"
: >"$out"
(
	exec 3>"$work/in"
	while ! grep -q "linux-test: type a line" "$out"; do sleep 0.2; done
	printf '%s\n' "$line" >&3
	sleep "$limit"
) &
writer=$!

timeout --foreground -k 5 "$limit" "$qemu" \
	-M "virt,virtualization=on,gic-version=$gic" -cpu "$cpu" -m 1G \
	-smp 1 -nographic -nic none -no-reboot \
	-kernel "$hv" \
	-device loader,file="$images/Image",addr=0x48200000,force-raw=on \
	-device loader,file="$work/linux.dtb",addr=0x57e00000,force-raw=on \
	-device loader,file="$images/initrd.gz",addr=0x57e10000,force-raw=on \
	${QEMU_EXTRA:-} <"$work/in" >"$out" 2>&1
status=$?
tr -d '\r' <"$out" >"$work/log"

fail() {
	echo "FAIL: $*; output:"
	cat "$work/log"
	exit 1
}
[ $status -eq 0 ] || fail "QEMU exited with status $status"
grep -q "^linux| linux-test: machine aarch64$" "$work/log" || fail "no uname -m"
grep -q "^linux| linux-test: cpus 1$" "$work/log" || fail "not 1 CPU"
t1=$(grep "^linux| linux-test: timer " "$work/log" | sed -n 1p | awk '{ print $4 }')
t2=$(grep "^linux| linux-test: timer " "$work/log" | sed -n 2p | awk '{ print $4 }')
[ -n "$t1" ] && [ -n "$t2" ] && [ "$t2" -gt "$t1" ] ||
	fail "timer interrupts did not grow ($t1, $t2)"
grep -q "^linux| linux-test: read '$line'$" "$work/log" || fail "line not read back"
grep -q "^hv: linux: powered off by PSCI SYSTEM_OFF, status 0$" "$work/log" ||
	fail "no PSCI SYSTEM_OFF"
if grep -iE "^linux\| .*(gic|arch_timer|pl011|psci).*(fail|error|unhandled|warn)" "$work/log"; then
	fail "a driver of the virtual hardware complained"
fi
echo "ok: Linux on $cpu, GICv$gic: timer $t1 -> $t2"
