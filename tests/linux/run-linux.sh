#!/usr/bin/env bash
# Boots Debian's arm64 kernel and the test initramfs under hv.elf in QEMU
# (-smp VCPUS), as a VM of a manifest (scripts/manifest --vm linux), and
# checks what tests/linux/init reports: the
# machine, the CPU count, the timer interrupt count of every CPU growing
# over a second, a line typed on the serial console read back and the
# PL011's interrupt counted, QEMU exiting 0 after poweroff -f with the
# hypervisor's final line saying status 0; and in the kernel log, VCPUS
# processors activated and no complaint about the virtual hardware, a CPU
# that did not come up or a kernel warning.
#
# usage: run-linux.sh QEMU HV_ELF IMAGES_DIR SRC_DIR GIC CPU VCPUS [TIMEOUT]
# Exit status 77 (skipped) when the Debian packages cannot be downloaded.
# QEMU_EXTRA in the environment adds QEMU options (e.g. "-d int -D log").
# PCPUS in the environment sets QEMU's -smp (default VCPUS): with 1 and
# VCPUS 2, both vCPUs share one physical CPU and are switched on it.
set -u
if [ $# -lt 7 ] || [ $# -gt 8 ]; then
	echo "usage: run-linux.sh QEMU HV_ELF IMAGES_DIR SRC_DIR GIC CPU VCPUS [TIMEOUT]" >&2
	exit 2
fi
qemu=$1 hv=$2 images=$3 src=$4 gic=$5 cpu=$6 vcpus=$7 limit=${8:-120}
case "$vcpus" in
1|2) ;;
*) echo "run-linux.sh: VCPUS must be 1 or 2, not '$vcpus'" >&2; exit 2 ;;
esac
line="hello from the serial line"
work=$(mktemp -d)
writer=
trap 'rm -rf "$work"; [ -z "$writer" ] || kill "$writer" 2>/dev/null' EXIT

"$src/scripts/linux-images" "$images" || exit $?

mapfile -t boot < <("$src/scripts/manifest" --out "$work/manifest" \
	--gic "$gic" --cpu "$cpu" --smp "${PCPUS:-$vcpus}" --hv "$hv" \
	--images "$images" --vm "linux,vcpus=$vcpus" --print qemu)
[ ${#boot[@]} -gt 0 ] || { echo "FAIL: no manifest"; exit 1; }

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

# QEMU_EXTRA is split into words on purpose.
# shellcheck disable=SC2086
timeout --foreground -k 5 "$limit" "$qemu" \
	-M "virt,virtualization=on,gic-version=$gic" -cpu "$cpu" -m 1G \
	-smp "${PCPUS:-$vcpus}" -nographic -nic none -no-reboot \
	-kernel "$hv" "${boot[@]}" \
	${QEMU_EXTRA:-} <"$work/in" >"$out" 2>&1
status=$?
tr -d '\r' <"$out" >"$work/log"

fail() {
	echo "FAIL: $*; output:"
	cat "$work/log"
	exit 1
}
[ $status -eq 0 ] || fail "QEMU exited with status $status"
# QEMU exits 0 on SYSTEM_OFF whatever the status: the hypervisor's final
# line carries it (check_init reads it).
# shellcheck source=/dev/null
. "$src/tests/linux/check-init.sh"
t1='' t2='' u='' ipis=''
check_init "$src" "$work/log" "$vcpus" "$line"
echo "ok: Linux on $cpu, GICv$gic, $vcpus vCPU(s): timer $t1 -> $t2, uart $u, ipis $ipis"
