#!/bin/sh
# A fixed, reproducible fuzzing run: RUNS inputs from seed 1, starting from
# an empty scratch corpus plus SEED_DIR (if given). Fails on any crash, leak
# or sanitizer report.
#
# usage: smoke.sh FUZZER RUNS SCRATCH_CORPUS [SEED_DIR]
set -eu
fuzzer=$1 runs=$2 corpus=$3
shift 3
rm -rf "$corpus"
mkdir -p "$corpus"
exec "$fuzzer" -runs="$runs" -seed=1 -max_len=4096 -print_final_stats=1 \
	"$corpus" "$@"
