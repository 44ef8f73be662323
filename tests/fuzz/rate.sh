#!/bin/sh
# fuzz_guest's rate as docs/design.md reports it: RUNS inputs (5000 by
# default) from seed 1, -detect_leaks=0 as ctest's smoke run, from an empty
# scratch corpus plus SEED_DIR if given; three times, then the median of
# libFuzzer's own figure (inputs per second of wall time, whole seconds)
# and of inputs per second of CPU time (user + system, GNU time), which a
# shared machine disturbs less.
#
# usage: rate.sh FUZZER [SEED_DIR]   (RUNS in the environment)
set -eu
fuzzer=$1
shift
runs=${RUNS:-5000}
time=/usr/bin/time
[ -x "$time" ] || { echo "rate.sh: needs GNU time ($time)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
wall="" cpu=""
for i in 1 2 3; do
	rm -rf "$scratch/corpus"
	mkdir "$scratch/corpus"
	"$time" -f "%U %S" -o "$scratch/time" "$fuzzer" -runs="$runs" -seed=1 \
		-max_len=4096 -detect_leaks=0 -print_final_stats=1 \
		"$scratch/corpus" "$@" >"$scratch/log" 2>&1
	w=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$scratch/log")
	c=$(awk -v n="$runs" '{ printf "%d", n / ($1 + $2) }' "$scratch/time")
	echo "run $i: $w inputs/s (libFuzzer), $c inputs per CPU second"
	wall="$wall $w" cpu="$cpu $c"
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
# shellcheck disable=SC2086 # the lists split into their three figures
echo "median: $(median $wall) inputs/s, $(median $cpu) inputs per CPU second"
