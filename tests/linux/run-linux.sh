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
# line carries it.
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
# "linux-test: uart interrupts N0 N1...": the uart-pl011 line's counts.
u=$(sed -n 's/^linux| linux-test: uart interrupts //p' "$work/log" | sed -n 1p)
echo "$u" | awk '{ s = 0; for (i = 1; i <= NF; i++) { if ($i !~ /^[0-9]+$/) exit 1; s += $i } exit !(s > 0) }' ||
	fail "no PL011 interrupt counted ($u)"
# "linux-test: ipis R0 R1 / F0 F1": with 2 vCPUs each one got IPIs.
ipis=$(sed -n 's/^linux| linux-test: ipis //p' "$work/log" | sed -n 1p)
[ "$vcpus" = 1 ] || echo "$ipis" | awk -v n="$vcpus" '{
	if (NF != 2 * n + 1)
		exit 1
	for (i = 1; i <= n; i++)
		if ($i + $(n + 1 + i) <= 0)
			exit 1
}' || fail "a vCPU got no IPI ($ipis)"
# Linux must not touch anything the hypervisor refuses (an unhandled
# system register, a data abort): those are logged per vCPU.
if grep "^hv: linux/" "$work/log"; then
	fail "the hypervisor refused a guest access"
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
echo "ok: Linux on $cpu, GICv$gic, $vcpus vCPU(s): timer $t1 -> $t2, uart $u, ipis $ipis"
