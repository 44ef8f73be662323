#!/bin/sh
# Makes the device tree of the Linux VM (tests/linux/linux.dts.in) for a
# GIC version and a CPU count, and the initrd that follows it in guest RAM
# (configs/linux.c: the device tree at IPA 0x4fe00000, the initrd 64 KiB
# after it). CPUS (1 or 2, default 1) must match the image's VM_VCPUS:
# hv-linux.elf has 1 vCPU, hv-linux-smp.elf 2.
#
# usage: make-dtb.sh SRC_DIR GIC INITRD OUT_DTB EXTRA_BOOTARGS [CPUS]
set -eu
if [ $# -lt 5 ] || [ $# -gt 6 ]; then
	echo "usage: make-dtb.sh SRC_DIR GIC INITRD OUT_DTB EXTRA_BOOTARGS [CPUS]" >&2
	exit 2
fi
src=$1 gic=$2 initrd=$3 out=$4 extra=$5 cpus=${6:-1}
case "$cpus" in
1|2) ;;
*) echo "make-dtb.sh: CPUS must be 1 or 2, not '$cpus'" >&2; exit 2 ;;
esac
start=$((0x4fe10000))
end=$((start + $(stat -c %s "$initrd")))
case "$gic" in
3)	# One redistributor frame pair (RD + SGI, 0x20000) per CPU.
	gicdesc="		compatible = \"arm,gic-v3\";
		#redistributor-regions = <1>;
		reg = <0x0 0x08000000 0x0 0x10000>, <0x0 0x080a0000 0x0 $(printf 0x%x $((cpus * 0x20000)))>;" ;;
2)	gicdesc='		compatible = "arm,cortex-a15-gic";
		reg = <0x0 0x08000000 0x0 0x1000>, <0x0 0x08010000 0x0 0x2000>;' ;;
*) echo "make-dtb.sh: GIC must be 2 or 3, not '$gic'" >&2; exit 2 ;;
esac
awk -v gic="$gicdesc" -v cpus="$cpus" -v s="$(printf 0x%x $start)" \
	-v e="$(printf 0x%x $end)" -v extra="$extra" '
	/^@GIC@$/ { print gic; next }
	/^@CPUS@$/ {
		for (i = 0; i < cpus; i++) {
			if (i > 0)
				print ""
			printf "\t\tcpu@%d {\n", i
			print "\t\t\tdevice_type = \"cpu\";"
			print "\t\t\tcompatible = \"arm,armv8\";"
			printf "\t\t\treg = <0x%x>;\n", i
			print "\t\t\tenable-method = \"psci\";"
			print "\t\t};"
		}
		next
	}
	{
		gsub(/@INITRD_START@/, s)
		gsub(/@INITRD_END@/, e)
		sub(/rdinit=\/init/, "rdinit=/init" (extra != "" ? " " extra : ""))
		print
	}' "$src/tests/linux/linux.dts.in" | dtc -q -I dts -O dtb -o "$out" -
