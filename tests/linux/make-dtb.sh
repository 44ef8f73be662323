#!/bin/sh
# Makes the device tree of the Linux VM (tests/linux/linux.dts.in) for a
# GIC version and the initrd that follows it in guest RAM (configs/linux.c:
# the device tree at IPA 0x4fe00000, the initrd 64 KiB after it).
#
# usage: make-dtb.sh SRC_DIR GIC INITRD OUT_DTB EXTRA_BOOTARGS
set -eu
src=$1 gic=$2 initrd=$3 out=$4 extra=$5
start=$((0x4fe10000))
end=$((start + $(stat -c %s "$initrd")))
if [ "$gic" = 3 ]; then
	gicdesc='		compatible = "arm,gic-v3";
		#redistributor-regions = <1>;
		reg = <0x0 0x08000000 0x0 0x10000>, <0x0 0x080a0000 0x0 0x20000>;'
else
	gicdesc='		compatible = "arm,cortex-a15-gic";
		reg = <0x0 0x08000000 0x0 0x1000>, <0x0 0x08010000 0x0 0x2000>;'
fi
awk -v gic="$gicdesc" -v s="$(printf 0x%x $start)" \
	-v e="$(printf 0x%x $end)" -v extra="$extra" '
	/@GIC@/ { print gic; next }
	{
		gsub(/@INITRD_START@/, s)
		gsub(/@INITRD_END@/, e)
		sub(/rdinit=\/init/, "rdinit=/init" (extra != "" ? " " extra : ""))
		print
	}' "$src/tests/linux/linux.dts.in" | dtc -q -I dts -O dtb -o "$out" -
