#!/usr/bin/env bash
# Debian's arm64 kernel beside other VMs under hv.elf in QEMU (label
# linux), driven through the console the way a user would.
#
# usage: run-linux-vms.sh QEMU HV_ELF IMAGES_DIR GUESTS_DIR SRC_DIR GIC CPU
#                         SCENARIO [TIMEOUT]
# Scenarios:
#   with-hello  a Linux VM (1 vCPU) and the bare-metal hello VM on -smp 1:
#               hello's transcript complete, Linux's test run complete
#               (the line typed read back, poweroff).
#   two-linux   two Linux VMs of 1 vCPU each on -smp 2, one per physical
#               CPU: each reaches /init, and reads back a line typed after
#               Ctrl-A gave it the console.
#   reset       a Linux VM whose /init asks PSCI for SYSTEM_RESET at once
#               (hv.reboot): the hypervisor zeroes its RAM, copies the
#               kernel and initramfs in again and it boots a second time.
#   net         two Linux VMs of 1 vCPU each on -smp 2 joined by virtio-net
#               (net=a): 10.0.0.1 pings 10.0.0.2, then sends it 1 MiB with
#               busybox nc; the checksums must match.
#   hostile     the disk scenario beside the hostile VM (tests/guests/
#               hostile.c) feeding malformed virtqueues to its own devices,
#               one of them on the Linux VM's network (eth0 up, hv.netup):
#               each of its cases answered, Linux unaffected.
#   disk        a Linux VM with a virtio-blk disk, an ext4 image made here
#               with mke2fs -d: /init (hv.disk) mounts it, reads a file,
#               writes two, syncs and resets; booted again it finds them
#               (the same checksum): the disk outlived the VM's reset.
# Exit status 77 (skipped) when the Debian packages cannot be downloaded.
set -u
if [ $# -lt 8 ] || [ $# -gt 9 ]; then
	echo "usage: run-linux-vms.sh QEMU HV_ELF IMAGES_DIR GUESTS_DIR SRC_DIR GIC CPU SCENARIO [TIMEOUT]" >&2
	exit 2
fi
qemu=$1 hv=$2 images=$3 guests=$4 src=$5 gic=$6 cpu=$7 scenario=$8
limit=${9:-180}
args="console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init"
work=$(mktemp -d)
writer=
trap 'rm -rf "$work"; [ -z "$writer" ] || kill "$writer" 2>/dev/null' EXIT

"$src/scripts/linux-images" "$images" || exit $?

case "$scenario" in
with-hello)
	smp=1
	vms=(--vm "linux,vcpus=1" --vm hello) ;;
two-linux)
	smp=2
	vms=(--vm "linux,vcpus=1,name=linux1,affinity=0"
		--vm "linux,vcpus=1,name=linux2,affinity=1") ;;
reset)
	smp=1
	vms=(--vm "linux,vcpus=1,bootargs=$args hv.reboot") ;;
net)
	smp=2
	vms=(--vm "linux,vcpus=1,name=linux1,affinity=0,net=a,bootargs=$args hv.net=1"
		--vm "linux,vcpus=1,name=linux2,affinity=1,net=a,bootargs=$args hv.net=2") ;;
disk|hostile)
	smp=1
	mkdir -p "$work/disk"
	echo "made by run-linux-vms.sh with mke2fs -d" >"$work/disk/hello.txt"
	mke2fs -q -t ext4 -d "$work/disk" -L hvdisk "$work/disk.img" 32M ||
		{ echo "FAIL: mke2fs (scripts/deps installs e2fsprogs)"; exit 1; }
	if [ "$scenario" = disk ]; then
		vms=(--vm "linux,vcpus=1,disk=$work/disk.img,bootargs=$args hv.disk")
	else
		vms=(--vm "linux,vcpus=1,disk=$work/disk.img,net=h,bootargs=$args hv.netup hv.disk"
			--vm "hostile,hvc,disk=$src/tests/vms/virtio-disk.txt,net=h,net=h")
	fi ;;
*) echo "run-linux-vms.sh: unknown scenario '$scenario'" >&2; exit 2 ;;
esac

mapfile -t boot < <("$src/scripts/manifest" --out "$work/manifest" \
	--gic "$gic" --cpu "$cpu" --smp "$smp" --hv "$hv" --images "$images" \
	--guests "$guests" "${vms[@]}" --print qemu)
[ ${#boot[@]} -gt 0 ] || { echo "FAIL: no manifest"; exit 1; }

out=$work/out
: >"$out"
mkfifo "$work/in"

# wait_for LINE: until the console has printed LINE (a regular expression).
wait_for() {
	while ! "$src/scripts/console-join" "$out" | grep -q -- "$1"; do
		sleep 0.2
	done
}

# The console's input, typed as the scenario needs it.
(
	exec 3>"$work/in"
	case "$scenario" in
	with-hello)
		wait_for "^linux| linux-test: type a line"
		printf 'hello from the serial line\n' >&3 ;;
	two-linux)
		wait_for "^linux1| linux-test: type a line"
		wait_for "^linux2| linux-test: type a line"
		printf '\0012line for linux2\n' >&3
		wait_for "^linux2| linux-test: read"
		printf '\0011line for linux1\n' >&3 ;;
	disk|net|hostile) ;;
	reset)
		# The second boot's reboot: two boots seen, the test is over.
		while [ "$("$src/scripts/console-join" "$out" | grep -c '^linux| linux-test: rebooting$')" -lt 2 ]; do
			sleep 0.2
		done
		printf '\001x' >&3 ;;
	esac
	sleep "$limit"
) &
writer=$!

timeout --foreground -k 5 "$limit" "$qemu" \
	-M "virt,virtualization=on,gic-version=$gic" -cpu "$cpu" -m 1G \
	-smp "$smp" -nic none -no-reboot -display none -monitor none \
	-chardev stdio,id=con,mux=off,signal=off -serial chardev:con \
	-kernel "$hv" "${boot[@]}" <"$work/in" >"$out" 2>&1
status=$?
# Whole lines: another VM may have cut one (scripts/console-join).
"$src/scripts/console-join" "$out" >"$work/log"

fail() {
	echo "FAIL: $*; output:"
	cat "$work/log"
	exit 1
}
has() { grep -qx -- "$1" "$work/log" || fail "no line '$1'"; }
[ $status -eq 0 ] || fail "QEMU exited with status $status"
final=$("$src/scripts/hv-status" "$work/log") ||
	fail "the hypervisor's final line says $final, not status 0"
if grep -E "^hv: [a-z0-9]+/[0-9]+: " "$work/log"; then
	fail "the hypervisor refused a guest access"
fi
if grep -E "^linux[12]?\| .*(WARNING:|BUG:|Oops|Kernel panic|Call trace:)" "$work/log"; then
	fail "a kernel warned"
fi

case "$scenario" in
with-hello)
	for l in "hello| Hello from a guest at EL1!" "hello| hello: done" \
		"hv: hello: powered off by PSCI SYSTEM_OFF, status 0" \
		"linux| linux-test: machine aarch64" "linux| linux-test: cpus 1" \
		"linux| linux-test: read 'hello from the serial line'" \
		"hv: linux: powered off by PSCI SYSTEM_OFF, status 0"; do
		has "$l"
	done ;;
two-linux)
	for n in 1 2; do
		has "linux$n| linux-test: machine aarch64"
		has "linux$n| linux-test: cpus 1"
		has "linux$n| linux-test: read 'line for linux$n'"
		has "hv: linux$n: powered off by PSCI SYSTEM_OFF, status 0"
	done
	has "hv: input goes to linux2 (VM 2 of 2): Ctrl-A then a VM's number switches, Ctrl-A x powers off" ;;
reset)
	[ "$(grep -c '^linux| \[ *[0-9.]*\] Run /init as init process$' "$work/log")" -ge 2 ] ||
		fail "the kernel did not boot a second time"
	has "hv: linux: system reset"
	has "hv: linux: powered off by Ctrl-A x on the console, status 0" ;;
net)
	has "linux1| linux-test: net: 10.0.0.1 up"
	has "linux2| linux-test: net: 10.0.0.2 up"
	has "linux1| linux-test: net: 3 packets transmitted, 3 packets received, 0% packet loss"
	sent=$(sed -n 's/^linux1| linux-test: net: sending 1048576 bytes, md5 \([0-9a-f]\{32\}\)  -$/\1/p' "$work/log")
	got=$(sed -n 's/^linux2| linux-test: net: received 1048576 bytes, md5 \([0-9a-f]\{32\}\)  -$/\1/p' "$work/log")
	[ -n "$sent" ] || fail "linux1 did not send 1 MiB"
	[ "$sent" = "$got" ] || fail "linux2 received '$got', not the 1 MiB of md5 $sent"
	has "linux1| linux-test: net: sent"
	for n in 1 2; do
		has "hv: linux$n: powered off by PSCI SYSTEM_OFF, status 0"
	done ;;
disk|hostile)
	if [ "$scenario" = hostile ]; then
		has "linux| linux-test: eth0 up"
		has "hostile| hostile: done"
		has "hv: hostile: powered off by PSCI SYSTEM_OFF, status 0"
		[ "$(grep -c '^hv: hostile: virtio-.*: device needs reset$' "$work/log")" -ge 13 ] ||
			fail "fewer than 13 devices of the hostile VM needed a reset"
		! grep -q '^hostile| .*FAIL' "$work/log" || fail "a check of the hostile VM failed"
	fi
	has "linux| linux-test: disk: synced, rebooting"
	has "hv: linux: system reset"
	[ "$(grep -c '^linux| linux-test: disk: hello.txt: made by run-linux-vms.sh with mke2fs -d$' "$work/log")" -eq 2 ] ||
		fail "hello.txt was not read on both boots"
	has "linux| linux-test: disk: note.txt: written by Linux before its reset"
	sums=$(grep '^linux| linux-test: disk: data ' "$work/log" | sort -u | wc -l)
	if [ "$(grep -c '^linux| linux-test: disk: data [0-9a-f]\{32\}  -$' "$work/log")" -ne 2 ] ||
		[ "$sums" -ne 1 ]; then
		fail "the data file's checksum differs after the reset"
	fi
	grep -q '^linux| .*virtio_blk virtio[0-9]: \[vda\] 65536 512-byte logical blocks' "$work/log" ||
		fail "no /dev/vda of 65536 sectors"
	has "hv: linux: powered off by PSCI SYSTEM_OFF, status 0" ;;
esac
[ -z "${SHOW:-}" ] || cat "$work/log"
echo "ok: $scenario on $cpu, GICv$gic"
