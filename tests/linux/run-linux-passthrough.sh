#!/usr/bin/env bash
# Debian's arm64 kernel given host devices of QEMU virt by the hypervisor
# (docs/manifest.md, passthrough), driven by its own unmodified drivers
# (label linux).
#
# usage: run-linux-passthrough.sh QEMU HV_ELF IMAGES_DIR SRC_DIR GIC CPU
#                                 SCENARIO [TIMEOUT]
# Scenarios:
#   rtc   the PL031 (/pl031@9010000) passed through, QEMU's RTC started at
#         2024-06-01 12:00:00 (-rtc base=): /sys/class/rtc/rtc0 reads that
#         date, and an alarm two seconds ahead (wakealarm) raises its
#         interrupt, counted in /proc/interrupts.
#   blk   a virtio-blk-device on QEMU's virtio-mmio bus (the transport the
#         first one lands on, /virtio_mmio@a003e00, SPI 47), over an ext4
#         image made here with mke2fs -d, passed through to a direct-mapped
#         VM (its RAM at guest-physical = host-physical, so the device's
#         DMA lands in it): Linux mounts it and reads a known file.
#   bench the blk set-up under -icount shift=0,sleep=off, reading 16 MiB
#         with dd in 4 KiB blocks (and an empty dd) between Ctrl-A s lines
#         of the hypervisor (the counter and the CPU's idle ticks); the
#         console log is kept in $LOG for scripts/bench-passthrough.
# The VM's /init is tests/linux/passthrough-init, appended to the test
# initramfs as a second cpio archive (the kernel unpacks both, the later
# /init wins), with the VirtIO modules of Debian's kernel and the busybox
# links it needs.
# Exit status 77 (skipped) when the Debian packages cannot be downloaded.
set -u
if [ $# -lt 7 ] || [ $# -gt 8 ]; then
	echo "usage: run-linux-passthrough.sh QEMU HV_ELF IMAGES_DIR SRC_DIR GIC CPU SCENARIO [TIMEOUT]" >&2
	exit 2
fi
qemu=$1 hv=$2 images=$3 src=$4 gic=$5 cpu=$6 scenario=$7 limit=${8:-180}
work=$(mktemp -d)
writer=
trap 'rm -rf "$work"; [ -z "$writer" ] || kill "$writer" 2>/dev/null' EXIT

"$src/scripts/linux-images" "$images" >/dev/null || exit $?

# pt_initrd OUT: the test initramfs with passthrough-init as /init.
pt_initrd() {
	local extra=$work/extra m ko
	mkdir -p "$extra/bin" "$extra/lib/modules" "$extra/mnt"
	install -m 755 "$src/tests/linux/passthrough-init" "$extra/init"
	for t in sed insmod md5sum umount dd tail; do
		ln -s busybox "$extra/bin/$t"
	done
	for m in virtio_ring virtio virtio_mmio virtio_blk; do
		ko=$(find "$images/root/lib/modules" -name "$m.ko" | head -1)
		[ -n "$ko" ] || { echo "FAIL: no $m.ko in $images/root"; exit 1; }
		cp "$ko" "$extra/lib/modules/"
	done
	{
		cat "$images/initrd.gz"
		(cd "$extra" && find . | LC_ALL=C sort |
			cpio -o -H newc --quiet | gzip -9n)
	} >"$1"
}
pt_initrd "$work/initrd.gz"

args="console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init"
vm="linux,vcpus=1,initrd=$work/initrd.gz"
qemu_args=()
case "$scenario" in
rtc)
	vm="$vm,passthrough=/pl031@9010000,bootargs=$args hv.pt=rtc"
	qemu_args=(-rtc base=2024-06-01T12:00:00) ;;
blk|bench)
	mkdir -p "$work/disk"
	echo "made by run-linux-passthrough.sh with mke2fs -d" >"$work/disk/hello.txt"
	seq 1 100000 >"$work/disk/data"
	mke2fs -q -t ext4 -d "$work/disk" -L ptdisk "$work/disk.img" 32M >/dev/null ||
		{ echo "FAIL: mke2fs (scripts/deps installs e2fsprogs)"; exit 1; }
	vm="$vm,direct-map,passthrough=/virtio_mmio@a003e00,bootargs=$args hv.pt=$scenario"
	# The commas separate QEMU's suboptions, not array elements.
	# shellcheck disable=SC2054
	qemu_args=(-drive "file=$work/disk.img,if=none,format=raw,id=pt"
		-device virtio-blk-device,drive=pt)
	# shellcheck disable=SC2054
	[ "$scenario" = blk ] || qemu_args+=(-icount shift=0,sleep=off) ;;
*) echo "run-linux-passthrough.sh: unknown scenario '$scenario'" >&2; exit 2 ;;
esac

mapfile -t boot < <("$src/scripts/manifest" --out "$work/manifest" \
	--gic "$gic" --cpu "$cpu" --smp 1 --hv "$hv" --images "$images" \
	--vm "$vm" --print qemu)
[ ${#boot[@]} -gt 0 ] || { echo "FAIL: no manifest"; exit 1; }

: >"$work/out"
mkfifo "$work/in"
# The console's input: for bench, Ctrl-A s (the hypervisor's time) and a
# line for /init at each of its ready and done lines.
(
	exec 3>"$work/in"
	# At once: while the VM waits for it, its timers fire, each one
	# some work the window would count.
	if [ "$scenario" = bench ]; then
		tail -n +1 --pid=$$ -F "$work/out" 2>/dev/null |
			while IFS= read -r line; do
				case "${line%$'\r'}" in
				"linux| linux-test: bench: ready "* | \
				"linux| linux-test: bench: done "*)
					printf '\001s\n' >&3 ;;
				"linux| linux-test: bench: interrupts"*) break ;;
				esac
			done
	fi
	sleep "$limit"
) &
writer=$!

timeout --foreground -k 5 "$limit" "$qemu" \
	-M "virt,virtualization=on,gic-version=$gic" -cpu "$cpu" -m 1G \
	-smp 1 -nic none -no-reboot -display none -monitor none \
	-chardev stdio,id=con,mux=off,signal=off -serial chardev:con \
	-kernel "$hv" "${boot[@]}" "${qemu_args[@]}" <"$work/in" >"$work/out" 2>&1
status=$?
# Whole lines: another VM may have cut one (scripts/console-join).
"$src/scripts/console-join" "$work/out" >"$work/log"
[ -z "${LOG:-}" ] || cp "$work/log" "$LOG"

fail() {
	echo "FAIL: $*; output:"
	cat "$work/log"
	exit 1
}
has() { grep -qx -- "$1" "$work/log" || fail "no line '$1'"; }
has_re() { grep -q -- "$1" "$work/log" || fail "no line matching '$1'"; }
[ $status -eq 0 ] || fail "QEMU exited with status $status"
final=$("$src/scripts/hv-status" "$work/log") ||
	fail "the hypervisor's final line says $final, not status 0"
if grep -E "^hv: linux/[0-9]+: " "$work/log"; then
	fail "the hypervisor refused a guest access"
fi
if grep -E "^linux\| .*(WARNING:|BUG:|Oops|Kernel panic|Call trace:|nobody cared)" "$work/log"; then
	fail "a kernel warned"
fi
has "hv: linux: powered off by PSCI SYSTEM_OFF, status 0"

case "$scenario" in
rtc)
	has_re '^linux| linux-test: rtc: rtc-pl031 9010000\.pl031$'
	has "linux| linux-test: rtc: date 2024-06-01"
	has_re '^linux| linux-test: rtc: time 12:0[0-9]:[0-5][0-9]$'
	has "linux| linux-test: rtc: alarm set"
	line=$(grep '^linux| linux-test: rtc: interrupts ' "$work/log")
	read -r before after <<<"${line#*interrupts }"
	after=${after#then }
	if [ -z "$before" ] || [ -z "$after" ] || [ "$after" -le "$before" ]; then
		fail "the alarm raised no interrupt ($line)"
	fi ;;
blk)
	ram=$(sed -n "s/^hv: vm 'linux' (\/chosen\/linux): RAM at pa \(0x[0-9a-f]*\)$/\1/p" "$work/log")
	# Direct-mapped: guest-physical = host-physical.
	[ -n "$ram" ] || fail "no RAM placement line"
	has_re "^hv: linux: 1 vCPU(s), 256 MiB RAM at ipa $ram, entry "
	has_re '^linux| .*virtio_blk virtio0: \[vda\] 65536 512-byte logical blocks'
	has "linux| linux-test: blk: hello.txt: made by run-linux-passthrough.sh with mke2fs -d"
	has "linux| linux-test: blk: data $(md5sum <"$work/disk/data")" ;;
bench)
	[ "$(grep -c '^hv: counter [0-9]* ticks, idle: CPU 0 [0-9]*$' "$work/log")" -eq 4 ] ||
		fail "not four time lines from the hypervisor"
	has_re '^linux| linux-test: bench: interrupts [0-9]' ;;
esac
[ -z "${SHOW:-}" ] || cat "$work/log"
echo "ok: passthrough $scenario on $cpu, GICv$gic"
