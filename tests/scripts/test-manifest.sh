#!/usr/bin/env bash
# scripts/manifest, one case per run: the boot tree's exact VM nodes and
# properties (read back with fdtget), the exact module places (DIR/loads,
# --print qemu, --print hvsim), --manifest trees and overlays with file =
# "PATH" modules, and each refusal's exact message and status. Most cases
# use a small base tree made with dtc; "qemu" dumps QEMU's own.
#
# usage: test-manifest.sh CASE [QEMU]
#   QEMU: qemu-system-aarch64 for the "qemu" cases (skipped, status 77,
#   when it cannot be run)
set -uo pipefail
case=${1:?usage: test-manifest.sh CASE [QEMU]}
qemu=${2:-qemu-system-aarch64}
manifest=$(cd "$(dirname "$0")/../.." && pwd)/scripts/manifest
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1

fail() {
	echo "FAIL ($case): $*"
	echo "--- stdout"; cat "$w/stdout" 2>/dev/null
	echo "--- stderr"; cat "$w/stderr" 2>/dev/null
	exit 1
}

# run STATUS ARGS...: scripts/manifest must exit with STATUS.
run() {
	local want=$1 got
	shift
	"$manifest" "$@" </dev/null >"$w/stdout" 2>"$w/stderr"
	got=$?
	[ "$got" -eq "$want" ] || fail "status $got, expected $want"
}

# ok ARGS...: success, nothing on stderr.
ok() {
	run 0 "$@"
	[ ! -s "$w/stderr" ] || fail "stderr is not empty"
}

# refused STATUS MESSAGE ARGS...: STATUS, MESSAGE the only line on stderr,
# nothing on stdout, no boot.dtb and no loads.
refused() {
	local want=$1 msg=$2
	shift 2
	run "$want" "$@"
	printf '%s\n' "$msg" | diff -u - "$w/stderr" >"$w/diff" ||
		fail "stderr is not exactly: $msg"
	[ ! -s "$w/stdout" ] || fail "stdout is not empty"
	[ ! -e "$w/out/boot.dtb" ] || fail "boot.dtb written"
	[ ! -e "$w/out/loads" ] || fail "loads written"
}

# is WHAT EXPECTED ACTUAL: equality.
is() {
	[ "$2" = "$3" ] || fail "$1: '$3', expected '$2'"
}

# prop NODE PROP TYPE EXPECTED: fdtget -t TYPE of boot.dtb.
prop() {
	local got
	got=$(fdtget -t "$3" "$w/out/boot.dtb" "$1" "$2" 2>&1) ||
		fail "$1 $2: $got"
	is "$1 $2" "$4" "$got"
}

# props NODE EXPECTED: the node's exact property names, in order.
props() {
	is "properties of $1" "$2" "$(fdtget -p "$w/out/boot.dtb" "$1" | tr '\n' ' ')"
}

# props_set NODE EXPECTED: the same in any order (EXPECTED sorted).
props_set() {
	is "properties of $1" "$2" "$(fdtget -p "$w/out/boot.dtb" "$1" | LC_ALL=C sort | tr '\n' ' ')"
}

# children NODE EXPECTED: the node's exact subnodes, in order.
children() {
	is "subnodes of $1" "$2" "$(fdtget -l "$w/out/boot.dtb" "$1" | tr '\n' ' ')"
}

# stdout_is TEXT / file_is FILE TEXT: exact content.
stdout_is() { file_is "$w/stdout" "$1"; }
file_is() {
	printf '%s' "$2" | diff -u - "$1" >"$w/diff" ||
		fail "$1 differs: $(cat "$w/diff")"
}

# mkfile NAME BYTES: a file of BYTES pseudo-random bytes (sparse when big).
mkfile() {
	mkdir -p "$(dirname "$1")"
	if [ "$2" -gt 1048576 ]; then
		truncate -s "$2" "$1"
	else
		head -c "$2" /dev/urandom >"$1"
	fi
}

# The base tree: RAM [0x40000000, 0x40000000 + $1), a PL011 and /chosen.
base() {
	cat >"$w/base.dts" <<EOF
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	chosen {
		stdout-path = "/pl011@9000000";
	};
	memory@40000000 {
		device_type = "memory";
		reg = <0x0 0x40000000 0x0 $1>;
	};
	pl011@9000000 {
		compatible = "arm,pl011";
		reg = <0x0 0x09000000 0x0 0x1000>;
	};
};
EOF
	dtc -q -I dts -O dtb -o "$w/base.dtb" "$w/base.dts" || fail "dtc base.dts"
}

# hv_elf FILE PADDR MEMSZ: an ELF64 AArch64 executable header with one
# PT_LOAD segment at PADDR of MEMSZ bytes (all --hv reads).
hv_elf() {
	le() { # le N BYTES: N little-endian as printf escapes
		local n=$1 k
		for ((k = 0; k < $2; k++)); do
			printf '\\x%02x' $(((n >> (8 * k)) & 0xff))
		done
	}
	{
		printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf %b "$(le 2 2)$(le 0xb7 2)$(le 1 4)$(le "$2" 8)$(le 64 8)$(le 0 8)"
		printf %b "$(le 0 4)$(le 64 2)$(le 56 2)$(le 1 2)$(le 64 2)$(le 0 2)$(le 0 2)"
		printf %b "$(le 1 4)$(le 7 4)$(le 0 8)$(le "$2" 8)$(le "$2" 8)"
		printf %b "$(le 120 8)$(le "$3" 8)$(le 0x10000 8)"
	} >"$1"
}

GiB=0x40000000
case $case in
one-vm)
	# Every key of a --vm SPEC, and bootargs taking the rest with commas.
	base $GiB
	mkfile img/kernel.bin 5000
	mkfile img/vm.dtb 100
	mkfile img/initrd 3145729
	ok --out out --base-dtb base.dtb \
		--vm "image=img/kernel.bin,kind=raw,load=0x40080000,entry=1074266112,ram=32M,vcpus=2,name=web_1,initrd=img/initrd,dtb=img/vm.dtb,affinity=1:0,host-address=0x60000000,ram-base=0x50000000,console,direct-map,bootargs=console=ttyAMA0,earlycon \"q\" \\x"
	stdout_is ""
	children /chosen "web_1 "
	props /chosen "stdout-path "
	props /chosen/web_1 "compatible #address-cells #size-cells vcpus memory ram-base host-address direct-map cpu-affinity bootargs console "
	prop /chosen/web_1 compatible s "hv,vm"
	prop /chosen/web_1 '#address-cells' u 2
	prop /chosen/web_1 '#size-cells' u 2
	prop /chosen/web_1 vcpus u 2
	prop /chosen/web_1 memory x "0 2000000"
	prop /chosen/web_1 ram-base x "0 50000000"
	prop /chosen/web_1 host-address x "0 60000000"
	prop /chosen/web_1 direct-map bx ""
	prop /chosen/web_1 cpu-affinity u "1 0"
	prop /chosen/web_1 bootargs s 'console=ttyAMA0,earlycon "q" \x'
	prop /chosen/web_1 console bx ""
	children /chosen/web_1 "kernel ramdisk device-tree "
	props /chosen/web_1/kernel "compatible reg kind load entry "
	prop /chosen/web_1/kernel compatible s "multiboot,kernel multiboot,module"
	prop /chosen/web_1/kernel reg x "0 7fe00000 0 1388"
	prop /chosen/web_1/kernel kind s raw
	prop /chosen/web_1/kernel load x "0 40080000"
	prop /chosen/web_1/kernel entry x "0 40080000"
	props /chosen/web_1/ramdisk "compatible reg "
	prop /chosen/web_1/ramdisk compatible s "multiboot,ramdisk multiboot,module"
	prop /chosen/web_1/ramdisk reg x "0 7fa00000 0 300001"
	props /chosen/web_1/device-tree "compatible reg "
	prop /chosen/web_1/device-tree compatible s "multiboot,device-tree multiboot,module"
	prop /chosen/web_1/device-tree reg x "0 7f800000 0 64"
	file_is out/loads "$w/img/kernel.bin@0x7fe00000
$w/img/initrd@0x7fa00000
$w/img/vm.dtb@0x7f800000
"
	# The rest of the base tree is untouched; the output checks with dtc.
	prop /memory@40000000 reg x "0 40000000 0 40000000"
	prop /pl011@9000000 compatible s "arm,pl011"
	dtc -I dtb -O dts out/boot.dtb >/dev/null 2>&1 || fail "boot.dtb does not decompile"
	[ -s out/boot.dts ] || fail "no boot.dts"
	grep -qxF $'\t\t\t/* '"$w"'/img/kernel.bin, 5000 bytes */' out/vms.dts ||
		fail "vms.dts does not name kernel.bin"
	;;
two-vms)
	# The shorthands: a test guest (vCPUs from guests.cmake: psci has 2)
	# and Linux; options after a shorthand override it; the order of the
	# command line is the order under /chosen; --print qemu and hvsim.
	base $GiB
	mkfile g/psci.elf 70000
	mkfile i/Image 30000000
	mkfile i/initrd.gz 2097152
	ok --out out --base-dtb base.dtb --guests g --images i \
		--vm psci --vm linux,vcpus=1,ram=128M --print qemu
	children /chosen "psci linux "
	props /chosen/psci "compatible #address-cells #size-cells vcpus memory "
	prop /chosen/psci vcpus u 2
	prop /chosen/psci memory x "0 4000000"
	props /chosen/psci/kernel "compatible reg kind "
	prop /chosen/psci/kernel reg x "0 7fe00000 0 11170"
	prop /chosen/psci/kernel kind s elf
	props /chosen/linux "compatible #address-cells #size-cells vcpus memory bootargs "
	prop /chosen/linux vcpus u 1
	prop /chosen/linux memory x "0 8000000"
	prop /chosen/linux bootargs s "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init"
	prop /chosen/linux/kernel reg x "0 7e000000 0 1c9c380"
	prop /chosen/linux/kernel kind s linux
	prop /chosen/linux/ramdisk reg x "0 7de00000 0 200000"
	stdout_is "-dtb
$w/out/boot.dtb
-device
loader,file=$w/g/psci.elf,addr=0x7fe00000,force-raw=on
-device
loader,file=$w/i/Image,addr=0x7e000000,force-raw=on
-device
loader,file=$w/i/initrd.gz,addr=0x7de00000,force-raw=on
"
	file_is out/loads "$w/g/psci.elf@0x7fe00000
$w/i/Image@0x7e000000
$w/i/initrd.gz@0x7de00000
"
	# The same for hvsim; bootargs= and initrd= drop the shorthand's.
	ok --out out --base-dtb base.dtb --guests g --images i \
		--vm linux,initrd=,bootargs= --vm psci,name=p2 --print hvsim
	children /chosen "linux p2 "
	children /chosen/linux "kernel "
	props /chosen/linux "compatible #address-cells #size-cells vcpus memory "
	stdout_is "--load
$w/i/Image@0x7e200000
--load
$w/g/psci.elf@0x7e000000
$w/out/boot.dtb
"
	;;
commas)
	# A path with a comma comes in a --manifest (--vm splits SPEC at
	# commas); QEMU's option syntax wants it doubled.
	base $GiB
	mkfile "a,b/x.bin" 10
	printf '/dts-v1/;\n/ { chosen { x { compatible = "hv,vm"; k { file = "a,b/x.bin"; }; }; }; };\n' >x.dts
	ok --out out --base-dtb base.dtb --manifest x.dts --print qemu
	stdout_is "-dtb
$w/out/boot.dtb
-device
loader,file=$w/a,,b/x.bin,addr=0x7fe00000,force-raw=on
"
	file_is out/loads "$w/a,b/x.bin@0x7fe00000
"
	;;
manifest-tree)
	# A DTS tree: file = "PATH" relative to the file's folder becomes reg
	# in the VM's cells (2 + 1 here); a module placed by hand keeps its
	# reg and its range is avoided; command-line order is kept.
	base $GiB
	mkfile g/hello.elf 100
	mkfile m/images/web.bin 3000000
	cat >m/web.dts <<'EOF'
/dts-v1/;
/ {
	chosen {
		web {
			compatible = "hv,vm";
			#address-cells = <2>;
			#size-cells = <1>;
			memory = <0x0 0x2000000>;
			kernel {
				compatible = "multiboot,kernel", "multiboot,module";
				file = "images/web.bin";
				kind = "raw";
			};
			ramdisk {
				compatible = "multiboot,ramdisk", "multiboot,module";
				reg = <0x0 0x7fe00000 0x100000>;
			};
		};
	};
};
EOF
	ok --out out --base-dtb base.dtb --guests g --manifest m/web.dts --vm hello
	children /chosen "web hello "
	props_set /chosen/web/kernel "compatible kind reg "
	prop /chosen/web/kernel reg x "0 7fa00000 2dc6c0"
	prop /chosen/web/kernel kind s raw
	prop /chosen/web/ramdisk reg x "0 7fe00000 100000"
	prop /chosen/hello/kernel reg x "0 7f800000 0 64"
	file_is out/loads "$w/m/images/web.bin@0x7fa00000
$w/g/hello.elf@0x7f800000
"
	;;
manifest-overlay)
	# An overlay: its VMs keep their order (fdtoverlay alone would reverse
	# them) between the --vm VMs around it; a VM's host-address RAM is
	# avoided; the overlay may change other nodes too.
	base $GiB
	mkfile g/hello.elf 100
	mkfile i/Image 3000000
	mkfile i/initrd.gz 500000
	mkfile m/db.elf 4000
	cat >m/vms.dts <<'EOF'
/dts-v1/;
/plugin/;

&{/chosen} {
	db {
		compatible = "hv,vm";
		#address-cells = <1>;
		#size-cells = <1>;
		memory = <0x400000>;
		host-address = <0x0 0x7f800000>;
		kernel {
			compatible = "multiboot,kernel", "multiboot,module";
			file = "db.elf";
		};
	};
	cache {
		compatible = "hv,vm";
		memory = <0x0 0x400000>;
		kernel {
			compatible = "multiboot,kernel", "multiboot,module";
			file = "db.elf";
		};
	};
};

&{/pl011@9000000} {
	status = "disabled";
};
EOF
	ok --out out --base-dtb base.dtb --guests g --images i \
		--vm linux --manifest m/vms.dts --vm hello
	children /chosen "linux db cache hello "
	prop /chosen/linux/kernel reg x "0 7fc00000 0 2dc6c0"
	prop /chosen/linux/ramdisk reg x "0 7f600000 0 7a120"
	prop /chosen/db host-address x "0 7f800000"
	props_set /chosen/db/kernel "compatible reg "
	prop /chosen/db/kernel reg x "7f400000 fa0"
	prop /chosen/cache/kernel reg x "0 7f200000 fa0"
	prop /chosen/hello/kernel reg x "0 7f000000 0 64"
	prop /pl011@9000000 status s disabled
	file_is out/loads "$w/i/Image@0x7fc00000
$w/i/initrd.gz@0x7f600000
$w/m/db.elf@0x7f400000
$w/m/db.elf@0x7f200000
$w/g/hello.elf@0x7f000000
"	# A later overlay changes a VM that came before it.
	printf '/dts-v1/;\n/plugin/;\n&{/chosen/hello} { vcpus = <3>; };\n' >m/amend.dts
	ok --out out --base-dtb base.dtb --guests g --vm hello --manifest m/amend.dts
	children /chosen "hello "
	prop /chosen/hello vcpus u 3
	;;
hv-elf)
	# Without --hv the first 128 MiB of RAM are the hypervisor's; with it,
	# RAM up to its end rounded up to 2 MiB.
	base 0x10000000
	mkfile big.bin $((129 << 20))
	refused 1 "manifest: no room for $w/big.bin (129 MiB): modules go from the top of host RAM (0x50000000) down to 0x48000000 at most (the hypervisor's 128 MiB at the base of RAM)" \
		--out out --base-dtb base.dtb --vm image=big.bin,ram=32M
	hv_elf hv.elf 0x40200000 0x300000
	ok --out out --base-dtb base.dtb --hv hv.elf --vm image=big.bin,ram=32M
	prop /chosen/big/kernel reg x "0 47e00000 0 8100000"
	hv_elf hv.elf 0x40200000 0x7e00001
	refused 1 "manifest: no room for $w/big.bin (129 MiB): modules go from the top of host RAM (0x50000000) down to 0x48200000 at most (the end of hv.elf)" \
		--out out --base-dtb base.dtb --hv hv.elf --vm image=big.bin,ram=32M
	;;
vm-ram)
	# The VMs' RAM the hypervisor allocates must fit beside the modules.
	base $GiB
	mkfile a.bin 10
	ok --out out --base-dtb base.dtb --vm image=a.bin,ram=446M \
		--vm image=a.bin,ram=446M,name=b
	refused 1 "manifest: the VMs' RAM (894 MiB) does not fit in host RAM: 892 MiB are left above 0x48000000 (the hypervisor's 128 MiB at the base of RAM) once the modules are placed" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=446M \
		--vm image=a.bin,ram=448M,name=b
	;;
devices)
	# VirtIO devices of --vm SPECs: hvc, disk=PATH[:ro], net=NAME, each
	# repeatable, nodes in the order given and named by type and number;
	# a disk is a module placed like the others; a shorthand takes them.
	base $GiB
	mkfile g/hello.elf 100
	mkfile img/k.bin 5000
	mkfile img/root.img 70000
	mkfile img/data.img 512
	ok --out out --base-dtb base.dtb --guests g \
		--vm image=img/k.bin,ram=32M,hvc,disk=img/root.img,net=lan-1,disk=img/data.img:ro,net=dmz,hvc \
		--vm hello,net=lan-1 --print hvsim
	children /chosen/k "kernel hvc0 disk0 net0 disk1 net1 hvc1 "
	props /chosen/k/hvc0 "compatible "
	prop /chosen/k/hvc0 compatible s "hv,virtio-console"
	props /chosen/k/disk0 "compatible reg "
	prop /chosen/k/disk0 compatible s "hv,virtio-blk"
	prop /chosen/k/disk0 reg x "0 7fc00000 0 11170"
	props /chosen/k/net0 "compatible network "
	prop /chosen/k/net0 compatible s "hv,virtio-net"
	prop /chosen/k/net0 network s "lan-1"
	props /chosen/k/disk1 "compatible reg read-only "
	prop /chosen/k/disk1 reg x "0 7fa00000 0 200"
	prop /chosen/k/disk1 read-only bx ""
	prop /chosen/k/net1 network s "dmz"
	prop /chosen/k/hvc1 compatible s "hv,virtio-console"
	children /chosen/hello "kernel net0 "
	prop /chosen/hello/net0 network s "lan-1"
	stdout_is "--load
$w/img/k.bin@0x7fe00000
--load
$w/img/root.img@0x7fc00000
--load
$w/img/data.img@0x7fa00000
--load
$w/g/hello.elf@0x7f800000
$w/out/boot.dtb
"
	grep -qxF $'\t\t\t/* '"$w"'/img/root.img, 70000 bytes */' out/vms.dts ||
		fail "vms.dts does not name root.img"
	# hvc as the first key is a device, not a shorthand.
	ok --out out --base-dtb base.dtb --vm hvc,image=img/k.bin,ram=2M
	children /chosen/k "kernel hvc0 "
	# Refusals.
	rm -rf out
	refused 2 "manifest: --vm image=img/k.bin,ram=2M,hvc=1: hvc takes no value" \
		--out out --base-dtb base.dtb --vm image=img/k.bin,ram=2M,hvc=1
	refused 2 "manifest: --vm image=img/k.bin,ram=2M,disk=: disk needs a file (disk=PATH[:ro])" \
		--out out --base-dtb base.dtb --vm image=img/k.bin,ram=2M,disk=
	refused 2 "manifest: --vm image=img/k.bin,ram=2M,disk=:ro: disk needs a file (disk=PATH[:ro])" \
		--out out --base-dtb base.dtb --vm image=img/k.bin,ram=2M,disk=:ro
	refused 2 "manifest: --vm image=img/k.bin,ram=2M,net=Lan: net=Lan: a network's name is 1 to 15 of a-z, 0-9, '-', '_'" \
		--out out --base-dtb base.dtb --vm image=img/k.bin,ram=2M,net=Lan
	refused 1 "manifest: --vm image=img/k.bin,ram=2M,disk=none.img: disk: none.img: no such file" \
		--out out --base-dtb base.dtb --vm image=img/k.bin,ram=2M,disk=none.img
	spec=image=img/k.bin,ram=2M
	for ((k = 0; k < 17; k++)); do spec=$spec,hvc; done
	refused 2 "manifest: --vm $spec: more than 16 VirtIO devices" \
		--out out --base-dtb base.dtb --vm "$spec"
	;;
devices-manifest)
	# A --manifest tree's hv,virtio-blk disk with file = "PATH" is placed
	# like a module; the other devices are copied as written.
	base $GiB
	mkfile m/k.bin 100
	mkfile m/disk.img 4096
	cat >m/vm.dts <<'EOF'
/dts-v1/;
/ {
	chosen {
		web {
			compatible = "hv,vm";
			#address-cells = <2>;
			#size-cells = <1>;
			memory = <0x0 0x2000000>;
			kernel {
				compatible = "multiboot,kernel", "multiboot,module";
				file = "k.bin";
			};
			root {
				compatible = "hv,virtio-blk";
				file = "disk.img";
				read-only;
			};
			eth0 {
				compatible = "hv,virtio-net";
				network = "lan";
				mac-address = [02 00 00 00 00 01];
			};
		};
	};
};
EOF
	ok --out out --base-dtb base.dtb --manifest m/vm.dts
	children /chosen/web "kernel root eth0 "
	props_set /chosen/web/root "compatible read-only reg "
	prop /chosen/web/root reg x "0 7fc00000 1000"
	prop /chosen/web/eth0 mac-address bx "2 0 0 0 0 1"
	file_is out/loads "$w/m/k.bin@0x7fe00000
$w/m/disk.img@0x7fc00000
"
	;;
missing-image)
	base $GiB
	refused 1 "manifest: --vm image=none.bin,ram=2M: none.bin: no such file" \
		--out out --base-dtb base.dtb --vm image=none.bin,ram=2M
	refused 1 "manifest: --vm hello: $w/g/hello.elf: no such file (cmake --build --preset aarch64 builds it)" \
		--out out --base-dtb base.dtb --guests "$w/g" --vm hello
	refused 1 "manifest: --vm linux: $w/i/Image: no such file (scripts/deps --linux $w/i fetches it)" \
		--out out --base-dtb base.dtb --images "$w/i" --vm linux
	mkdir d
	refused 1 "manifest: --vm image=d,ram=2M: d: not a regular file" \
		--out out --base-dtb base.dtb --vm image=d,ram=2M
	: >empty.bin
	refused 1 "manifest: --vm image=empty.bin,ram=2M: empty.bin: empty file" \
		--out out --base-dtb base.dtb --vm image=empty.bin,ram=2M
	;;
bad-spec)
	base $GiB
	mkfile a.bin 10
	refused 2 "manifest: --vm image=a.bin,ram=2M,kind=zimage: unknown kind 'zimage' (raw, elf or linux)" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,kind=zimage
	refused 2 "manifest: --vm image=a.bin,ram=12X: ram=12X: not a size" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=12X
	refused 2 "manifest: --vm image=a.bin,ram=0x: ram=0x: not a size" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=0x
	refused 2 "manifest: --vm image=a.bin,ram=99999999999G: ram=99999999999G: not a size" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=99999999999G
	refused 2 "manifest: --vm image=a.bin,ram=2M,entry=0x4g: entry=0x4g: not an address" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,entry=0x4g
	refused 2 "manifest: --vm image=a.bin,ram=2M,vpcus=2: unknown key 'vpcus'" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,vpcus=2
	refused 2 "manifest: --vm image=a.bin,ram=2M,ram=4M: ram is given twice" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,ram=4M
	refused 2 "manifest: --vm image=a.bin,ram=2M,console=1: console takes no value" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,console=1
	refused 2 "manifest: --vm image=a.bin,ram=2M,name=Web: name 'Web': 1 to 15 of a-z, 0-9, '-', '_'" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,name=Web
	refused 2 "manifest: --vm image=a.bin,ram=2M,vcpus=2,affinity=0: affinity names 1 CPU(s) for 2 vCPU(s)" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,vcpus=2,affinity=0
	refused 2 "manifest: --vm image=a.bin: no ram=SIZE" \
		--out out --base-dtb base.dtb --vm image=a.bin
	refused 2 "manifest: --vm ram=2M: no image (image=PATH, linux or a guest name)" \
		--out out --base-dtb base.dtb --vm ram=2M
	refused 2 "manifest: --vm nosuchguest: 'nosuchguest' is neither linux, KEY=VALUE nor a guest of tests/guests/guests.cmake" \
		--out out --base-dtb base.dtb --vm nosuchguest
	refused 2 "manifest: --out DIR is required" --base-dtb base.dtb --vm image=a.bin,ram=2M
	refused 2 "manifest: no VM: give --vm SPEC or --manifest FILE" --out out --base-dtb base.dtb
	refused 2 "manifest: unknown option '--vms' (see --help)" --out out --vms x
	refused 2 "manifest: --base-dtb is the machine: --smp --gic do not apply" \
		--out out --base-dtb base.dtb --smp 2 --gic 2 --vm image=a.bin,ram=2M
	refused 2 "manifest: --gic 2 and --machine-opts gic-version=3 disagree" \
		--out out --gic 2 --machine-opts gic-version=3 --vm image=a.bin,ram=2M
	refused 2 "manifest: --mem 1000K: not a whole number of MiB" \
		--out out --mem 1000K --vm image=a.bin,ram=2M
	;;
passthrough)
	# passthrough=PATH:PATH becomes the string list the hypervisor reads;
	# a --manifest tree's passthrough is taken as written. Paths are only
	# checked for their shape: the hypervisor checks the devices.
	base $GiB
	mkfile a.bin 10
	ok --out out --base-dtb base.dtb \
		--vm image=a.bin,ram=2M,name=rtc,passthrough=/pl031@9010000 \
		--vm image=a.bin,ram=2M,name=blk,direct-map,passthrough=/virtio_mmio@a003e00:/virtio_mmio@a003c00
	props /chosen/rtc "compatible #address-cells #size-cells vcpus memory passthrough "
	prop /chosen/rtc passthrough s "/pl031@9010000"
	props /chosen/blk "compatible #address-cells #size-cells vcpus memory direct-map passthrough "
	prop /chosen/blk passthrough s "/virtio_mmio@a003e00 /virtio_mmio@a003c00"
	# Two strings, each with its NUL: 21 bytes each.
	is "passthrough length" 42 \
		"$(fdtget -t bx out/boot.dtb /chosen/blk passthrough | wc -w)"
	# An empty value gives none.
	ok --out out --base-dtb base.dtb --vm image=a.bin,ram=2M,passthrough=
	props /chosen/a "compatible #address-cells #size-cells vcpus memory "
	cat >m.dts <<'EOF'
/dts-v1/;
/ {
	chosen {
		rtc {
			compatible = "hv,vm";
			memory = <0x0 0x200000>;
			passthrough = "/pl031@9010000";
			kernel {
				compatible = "multiboot,kernel", "multiboot,module";
				file = "a.bin";
			};
		};
	};
};
EOF
	ok --out out --base-dtb base.dtb --manifest m.dts
	prop /chosen/rtc passthrough s "/pl031@9010000"
	rm -rf out
	refused 2 "manifest: --vm image=a.bin,ram=2M,passthrough=/pl031@9010000:pl011: passthrough=/pl031@9010000:pl011: 'pl011' is not a path in the boot tree (/NODE/...)" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,passthrough=/pl031@9010000:pl011
	refused 2 "manifest: --vm image=a.bin,ram=2M,passthrough=/a::/b: passthrough=/a::/b: '' is not a path in the boot tree (/NODE/...)" \
		--out out --base-dtb base.dtb --vm image=a.bin,ram=2M,passthrough=/a::/b
	refused 2 "manifest: --vm image=a.bin,ram=2M,passthrough=/a\"b: passthrough=/a\"b: '/a\"b' is not a path in the boot tree (/NODE/...)" \
		--out out --base-dtb base.dtb --vm 'image=a.bin,ram=2M,passthrough=/a"b'
	;;
duplicate-name)
	base $GiB
	mkfile g/hello.elf 100
	refused 1 "manifest: two VMs are named 'x' (--vm hello,name=x and --vm hello,name=x): give one of them another name" \
		--out out --base-dtb base.dtb --guests g --vm hello,name=x --vm hello,name=x
	ok --out out --base-dtb base.dtb --guests g --vm hello --vm hello,name=hello2
	children /chosen "hello hello2 "
	# A name not given is numbered when taken, around the names given.
	ok --out out --base-dtb base.dtb --guests g --vm hello --vm hello \
		--vm hello,name=hello2 --vm hello
	children /chosen "hello hello3 hello2 hello4 "
	rm -rf out
	refused 2 "manifest: --vm image=g/hellohellohello.elf,ram=2M: 'hellohellohello' is taken and 'hellohellohello2' is too long: give name=NAME" \
		--out out --base-dtb base.dtb --guests g \
		--vm image=g/hello.elf,ram=2M,name=hellohellohello \
		--vm image=g/hellohellohello.elf,ram=2M
	cat >dup.dts <<'EOF'
/dts-v1/;
/plugin/;
&{/chosen} {
	hello {
		compatible = "hv,vm";
		memory = <0x0 0x200000>;
	};
};
EOF
	refused 1 "manifest: two VMs are named 'hello' (--vm hello and --manifest dup.dts): give one of them another name" \
		--out out --base-dtb base.dtb --guests g --vm hello --manifest dup.dts
	refused 1 "manifest: more than one VM has console: a hello" \
		--out out --base-dtb base.dtb --guests g --vm hello,name=a,console \
		--vm hello,console
	;;
bad-manifest)
	base $GiB
	printf '/dts-v1/;\n/ { chosen { a { compatible = "hv,vm"; kernel { file = "x.bin"; }; }; }; };\n' >missing.dts
	refused 1 "manifest: --manifest missing.dts: /chosen/a/kernel: $w/x.bin: no such file" \
		--out out --base-dtb base.dtb --manifest missing.dts
	mkfile x.bin 10
	printf '/dts-v1/;\n/ { chosen { a { compatible = "hv,vm"; kernel { file = "x.bin"; reg = <0 0 0>; }; }; }; };\n' >both.dts
	refused 1 "manifest: --manifest both.dts: /chosen/a/kernel: both file and reg" \
		--out out --base-dtb base.dtb --manifest both.dts
	printf '/dts-v1/;\n/ { chosen { a { compatible = "hv,vm"; }; }; extra { }; };\n' >extra.dts
	refused 1 "manifest: --manifest extra.dts: /extra: only VMs under /chosen are taken from a tree (an overlay can change other nodes)" \
		--out out --base-dtb base.dtb --manifest extra.dts
	printf '/dts-v1/;\n/ { chosen { a { }; }; };\n' >notvm.dts
	refused 1 "manifest: --manifest notvm.dts: /chosen/a: not a VM (compatible = \"hv,vm\"): only VMs are taken from /chosen" \
		--out out --base-dtb base.dtb --manifest notvm.dts
	printf '/dts-v1/;\n/ { chosen { a { compatible = "hv,vm" }; }; };\n' >syntax.dts
	refused 1 "manifest: --manifest syntax.dts: Error: syntax.dts:2.39-40 syntax error
manifest: --manifest syntax.dts: FATAL ERROR: Unable to parse input tree" \
		--out out --base-dtb base.dtb --manifest syntax.dts
	refused 1 "manifest: --manifest none.dts: no such file" \
		--out out --base-dtb base.dtb --manifest none.dts
	printf '/dts-v1/;\n/ { model = "m"; chosen { a { compatible = "hv,vm"; }; }; };\n' >rootprop.dts
	refused 1 "manifest: --manifest rootprop.dts: /: properties are not taken from a tree (an overlay can set them)" \
		--out out --base-dtb base.dtb --manifest rootprop.dts
	printf '/dts-v1/;\n/ { chosen { bootargs = "x"; a { compatible = "hv,vm"; }; }; };\n' >chosenprop.dts
	refused 1 "manifest: --manifest chosenprop.dts: /chosen: properties are not taken from a tree (an overlay can set them)" \
		--out out --base-dtb base.dtb --manifest chosenprop.dts
	# A label alone is fine; a reference is not.
	printf '/dts-v1/;\n/ { chosen { a: a { compatible = "hv,vm"; memory = <0x0 0x200000>; }; }; };\n' >label.dts
	ok --out out --base-dtb base.dtb --manifest label.dts
	props /chosen/a "compatible memory "
	printf '/dts-v1/;\n/ { chosen { a: a { compatible = "hv,vm"; x = <&a>; }; }; };\n' >phandle.dts
	refused 1 "manifest: --manifest phandle.dts: /chosen/a: a node with a phandle: write the manifest as an overlay (/plugin/;)" \
		--out out --base-dtb base.dtb --manifest phandle.dts
	# Overlays: a VM outside /chosen; a module's missing file named by its
	# place in the boot tree; a file in a VM the overlay does not declare;
	# a target the base tree does not have (fdtoverlay's own words).
	printf '/dts-v1/;\n/plugin/;\n&{/} { a { compatible = "hv,vm"; }; };\n' >root.dts
	refused 1 "manifest: --manifest root.dts: /fragment@0/__overlay__/a: a VM node goes in /chosen (target-path \"/chosen\")" \
		--out out --base-dtb base.dtb --manifest root.dts
	printf '/dts-v1/;\n/plugin/;\n&{/} { chosen { a { compatible = "hv,vm"; k { file = "y.bin"; }; }; }; };\n' >ovmissing.dts
	refused 1 "manifest: --manifest ovmissing.dts: /chosen/a/k: $w/y.bin: no such file" \
		--out out --base-dtb base.dtb --manifest ovmissing.dts
	printf '/dts-v1/;\n/plugin/;\n&{/chosen/a} { k { file = "x.bin"; }; };\n' >amend.dts
	refused 1 "manifest: /chosen/a/k: file: only modules of a VM declared in the same manifest are placed" \
		--out out --base-dtb base.dtb --vm image=x.bin,ram=2M,name=a --manifest amend.dts
	printf '/dts-v1/;\n/plugin/;\n&{/nowhere} { x; };\n' >target.dts
	run 1 --out out --base-dtb base.dtb --manifest target.dts
	grep -qxF "manifest: --manifest target.dts: fdtoverlay: Failed to apply 'target.dts': FDT_ERR_NOTFOUND" "$w/stderr" ||
		fail "fdtoverlay's refusal not passed on"
	;;
qemu)
	# QEMU's own tree for the machine asked for, with the VM merged in.
	"$qemu" --version >/dev/null 2>&1 || { echo "skipped: no $qemu"; exit 77; }
	mkfile a.bin 10
	ok --out out --qemu "$qemu" --gic 2 --cpu cortex-a57 --smp 1 --mem 512M \
		--vm image=a.bin,ram=2M --print hvsim
	[ -s out/qemu.dtb ] || fail "no qemu.dtb"
	prop /intc@8000000 compatible s "arm,cortex-a15-gic"
	children /cpus "cpu-map cpu@0 "
	prop /cpus/cpu@0 compatible s "arm,cortex-a57"
	prop /memory@40000000 reg x "0 40000000 0 20000000"
	children /chosen "a "
	prop /chosen/a/kernel reg x "0 5fe00000 0 a"
	stdout_is "--load
$w/a.bin@0x5fe00000
$w/out/boot.dtb
"
	# GICv3 by default, and QEMU's own refusal passed on.
	ok --out out --qemu "$qemu" --smp 2 --vm image=a.bin,ram=2M
	prop /intc@8000000 compatible s "arm,gic-v3"
	run 1 --out out --qemu "$qemu" --machine-opts gic-version=7 --vm image=a.bin,ram=2M
	grep -qxF "manifest: $qemu -M virt,virtualization=on,gic-version=7 -cpu max -machine dumpdtb: $(basename "$qemu"): Invalid gic-version value" "$w/stderr" ||
		fail "QEMU's refusal not passed on"
	;;
*)
	echo "test-manifest.sh: unknown case '$case'" >&2
	exit 2
	;;
esac
echo "ok: $case"
