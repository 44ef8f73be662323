#!/usr/bin/env bash
# The bench gate: fails when a figure of measure.sh rises above its budget.
#
# usage: check.sh BUDGET MACHINE QEMU CPU GIC HV_IMAGE GUEST_ELF
#        check.sh BUDGET text HV_IMAGE
#
# BUDGET has one line per figure and machine: "NAME MACHINE INSTRUCTIONS"
# ('#' starts a comment); MACHINE is e.g. cortex-a57-gicv2. The figures are
# exact instruction counts (-icount), identical on every run and host, so
# the check is deterministic: no timing, no tolerance. Every figure
# measured must have a budget and every budget of the machine a figure, so
# that a path cannot drop out of the gate unnoticed. A figure below its
# budget passes and is reported, so that the budget can be lowered to it.
#
# The second form checks the hypervisor image's .text (code alone) against
# its budget "text_size any BYTES" (and says so when it is over the 64 KiB
# target).
set -euo pipefail
budget=$1 machine=$2
shift 2
here=$(dirname "$0")

figures=$(mktemp)
trap 'rm -f "$figures"' EXIT
if [ "$machine" = text ]; then
	size=$("${SIZE:-aarch64-linux-gnu-size}" -A "$1" | awk '$1 == ".text" { print $2 }')
	# The 64 KiB target (issue 12) was met before VirtIO and passthrough
	# came in; scripts/bench reports it, the budget gates it.
	if [ "$size" -ge 65536 ]; then
		echo "note: .text of $1 is $size bytes, over the 64 KiB target"
	fi
	echo "text_size $size" >"$figures"
	machine=any
else
	"$here/measure.sh" "$@" >"$figures"
fi

awk -v m="$machine" '
	FNR == NR {
		sub(/#.*/, "")
		if (NF == 0)
			next
		if (NF != 3 || $3 !~ /^[0-9]+$/) {
			printf "FAIL: bad budget line: %s\n", $0
			bad = 1
			next
		}
		if ($2 == m)
			budget[$1] = $3
		next
	}
	{
		seen[$1] = 1
		if (!($1 in budget)) {
			printf "FAIL: %s on %s measured %d, has no budget\n",
			       $1, m, $2
			bad = 1
		} else if ($2 > budget[$1]) {
			printf "FAIL: %s on %s: %d instructions, budget %d\n",
			       $1, m, $2, budget[$1]
			bad = 1
		} else if ($2 < budget[$1]) {
			printf "ok:   %s on %s: %d, below its budget %d (lower it)\n",
			       $1, m, $2, budget[$1]
		} else {
			printf "ok:   %s on %s: %d\n", $1, m, $2
		}
	}
	END {
		for (k in budget)
			if (!(k in seen)) {
				printf "FAIL: %s on %s has a budget but was not measured\n",
				       k, m
				bad = 1
			}
		exit bad
	}' "$budget" "$figures"
