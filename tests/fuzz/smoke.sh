#!/bin/sh
# A fixed, reproducible fuzzing run: RUNS inputs from seed 1, starting from
# an empty scratch corpus plus SEED_DIR (if given). Fails on any crash, leak
# or sanitizer report, and then shows the end of the fuzzer's report (the
# crashing input is left in the working directory as crash-*).
#
# usage: smoke.sh FUZZER RUNS SCRATCH_CORPUS [SEED_DIR]
# (MAX_LEN in the environment: the longest input, 4096 by default;
# FUZZ_FLAGS: more libFuzzer flags)
set -u
fuzzer=$1 runs=$2 corpus=$3
shift 3
rm -rf "$corpus"
mkdir -p "$corpus"
log="$corpus.log"
# Leaks of third-party code the hypervisor does not own (see the file).
LSAN_OPTIONS="suppressions=$(dirname "$0")/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
"$fuzzer" -runs="$runs" -seed=1 -max_len="${MAX_LEN:-4096}" -print_final_stats=1 \
	${FUZZ_FLAGS:-} "$corpus" "$@" >"$log" 2>&1
status=$?
if [ $status -ne 0 ]; then
	echo "FAIL: $fuzzer exited with status $status; the end of its output:"
	grep -v '^#[0-9]' "$log" | tail -60
fi
exit $status
