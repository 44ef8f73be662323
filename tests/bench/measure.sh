#!/usr/bin/env bash
# Measures the hypervisor's hot paths on one QEMU machine, in instructions.
#
# usage: measure.sh QEMU CPU GIC HV_ELF GUEST_ELF [RAW_DIR]
#
# Runs the bench guest (tests/guests/bench.c) four times (and two VMs of
# tests/guests/vmswitch.c, which must be next to it, once) under
# -icount shift=0,sleep=off, where one instruction is one nanosecond of
# virtual time and the counter ticks once per 16: as the one VM of HV_ELF
# (hv.elf, its manifest made by scripts/manifest) on -smp 1 and -smp 2,
# and natively at EL1 (GUEST_ELF, QEMU without virtualization answering
# PSCI itself) on -smp 1 and -smp 2. Prints
# one "NAME VALUE" line per figure: what the hypervisor adds to each
# operation, i.e. its count under the hypervisor minus its count natively,
# which is exactly the hypervisor's own instructions. Every figure is the
# same on every run and every host. With RAW_DIR the four console logs are
# kept there (hv-smp1.log, ...). Exits 1 if a run fails.
#
# Figures (per operation unless said otherwise):
#   hvc_unknown, psci_version   null hypercall round trips (HVC); natively an
#                               unknown id is an UNDEF, so hvc_unknown is
#                               compared with PSCI_VERSION's native count
#   dr_write, dr_write_smp2     a one-byte store to the vPL011's DR, on 1 and
#                               2 physical CPUs
#   uart_line                   a 28-byte line, polled FR + DR per byte
#   gicd_iidr, gicd_typer       trapped distributor register reads
#   gicd_ipriorityr             a byte store to GICD_IPRIORITYR (SPI 48)
#   gicd_isenabler1             a word store to GICD_ISENABLER1 (SPI 48)
#   vtimer                      the forwarded virtual timer, from its
#                               deadline to the guest's IRQ handler
#   sgi_round_trip_smp2         SGI to a vCPU on the other physical CPU, its
#                               handler answering with an SGI back; both
#                               CPUs' instructions (only one runs at a time)
#   vcpu_switch                 one vCPU's trap (PSCI CPU_SUSPEND) until the
#                               other vCPU on the same physical CPU runs
#   first_insn                  from QEMU's reset to the guest's first
#                               instruction
#   vm_switch                   one VM's trap (PSCI CPU_SUSPEND) until the
#                               other VM on the same physical CPU runs (two
#                               VMs of tests/guests/vmswitch.c, -smp 1)
# and, for the record but not the hypervisor's alone:
#   vtimer_latency_hv, vtimer_latency_native   deadline to handler, the
#                               guest's vector included (to 16 instructions)
#   sgi_round_trip_smp1         the round trip with both vCPUs on one CPU
set -euo pipefail
qemu=$1 cpu=$2 gic=$3 hv=$4 guest_elf=$5 raw_dir=${6:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$(cd "$(dirname "$0")/../.." && pwd)
hv_status=$root/scripts/hv-status

# manifest SMP: QEMU's arguments for hv.elf with the bench VM, one a line.
manifest() {
	"$root/scripts/manifest" --out "$tmp/manifest-smp$1" --qemu "$qemu" \
		--gic "$gic" --cpu "$cpu" --smp "$1" --hv "$hv" \
		--guests "$(dirname "$guest_elf")" --vm bench --print qemu
}

# run NAME VIRTUALIZATION SMP IMAGE [QEMU_ARGS...]: the console log in
# $tmp/NAME.log.
run() {
	local log=$tmp/$1.log virt=$2 smp=$3 image=$4
	shift 4
	timeout -k 5 300 "$qemu" -M "virt,virtualization=$virt,gic-version=$gic" \
		-cpu "$cpu" -m 1G -smp "$smp" -nographic -nic none -no-reboot \
		-icount shift=0,sleep=off -kernel "$image" "$@" </dev/null 2>&1 |
		tr -d '\r' | grep -av '^\(bench| \)\?\(bench line\|\.\+$\)' >"$log" || true
	[ -z "$raw_dir" ] || cp "$log" "$raw_dir/$1.log"
	if ! grep -q "${done:-bench}: done" "$log"; then
		echo "measure: the $1 run did not finish; its output:" >&2
		cat "$log" >&2
		exit 1
	fi
	if [ "$virt" = on ] && ! final=$("$hv_status" "$log"); then
		echo "measure: the hypervisor's final line says $final; output:" >&2
		cat "$log" >&2
		exit 1
	fi
}
mapfile -t args1 < <(manifest 1)
mapfile -t args2 < <(manifest 2)
mapfile -t args_vms < <("$root/scripts/manifest" --out "$tmp/manifest-vms" \
	--qemu "$qemu" --gic "$gic" --cpu "$cpu" --smp 1 --hv "$hv" \
	--guests "$(dirname "$guest_elf")" --vm vmswitch \
	--vm vmswitch,name=vmswitch2 --print qemu)
run hv-smp1 on 1 "$hv" "${args1[@]}"
run hv-smp2 on 2 "$hv" "${args2[@]}"
done="vmswitch2| vmswitch" run hv-vms on 1 "$hv" "${args_vms[@]}"
run native-smp1 off 1 "$guest_elf"
run native-smp2 off 2 "$guest_elf"

# The per-operation counts of one run: "NAME INSTRUCTIONS" (fractional),
# loops with the empty loop's cost taken out.
counts() {
	awk '{ sub(/^bench\| /, "") }
	$1 == "bench:" && NF == 4 { n[$2] = $3; t[$2] = $4 }
	END {
		per_empty = t["empty"] / n["empty"]
		for (k in n) {
			if (k == "empty")
				continue
			if (k == "first_insn" || k == "uart_line" ||
			    k == "vtimer_latency" || k ~ /^sgi_/)
				v = t[k] * 16 / n[k]
			else
				v = (t[k] - per_empty * n[k]) * 16 / n[k]
			printf "%s %.3f\n", k, v
		}
	}' "$tmp/$1.log"
}
counts hv-smp1 >"$tmp/hv1"
# The first VM's: the second's window may start a switch later.
awk '$1 == "vmswitch|" && $2 == "vmswitch:" {
	printf "vm_switch %d\n", $5 * 16 / $4 + 0.5; exit }' \
	"$tmp/hv-vms.log" >"$tmp/vms"
grep -q . "$tmp/vms" || { echo "measure: no vm_switch figure" >&2; exit 1; }
counts hv-smp2 >"$tmp/hv2"
counts native-smp1 >"$tmp/n1"
counts native-smp2 >"$tmp/n2"

awk '
	FILENAME ~ /hv1$/ { hv1[$1] = $2 }
	FILENAME ~ /hv2$/ { hv2[$1] = $2 }
	FILENAME ~ /n1$/ { n1[$1] = $2 }
	FILENAME ~ /n2$/ { n2[$1] = $2 }
	function out(name, v) { printf "%s %d\n", name, v + (v < 0 ? -0.5 : 0.5) }
	END {
		n1["hvc_unknown"] = n1["psci_version"]
		split("hvc_unknown psci_version dr_write uart_line gicd_iidr " \
		      "gicd_typer gicd_ipriorityr gicd_isenabler1 vtimer " \
		      "first_insn", keys)
		for (i = 1; i in keys; i++)
			out(keys[i], hv1[keys[i]] - n1[keys[i]])
		out("dr_write_smp2", hv2["dr_write"] - n2["dr_write"])
		out("sgi_round_trip_smp2",
		    hv2["sgi_round_trip"] - n2["sgi_round_trip"])
		out("vcpu_switch", hv1["vcpu_switch"])
		out("vtimer_latency_hv", hv1["vtimer_latency"])
		out("vtimer_latency_native", n1["vtimer_latency"])
		out("sgi_round_trip_smp1", hv1["sgi_round_trip"])
	}' "$tmp/hv1" "$tmp/hv2" "$tmp/n1" "$tmp/n2"
cat "$tmp/vms"
