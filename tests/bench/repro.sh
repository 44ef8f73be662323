#!/bin/sh
# repro.sh SRC_DIR BIN_DIR ELF...: fails when an image holds the path of
# the source or the build tree (in __FILE__ strings or debug info), which
# would make the same source give other bytes from another checkout.
# CMakeLists.txt maps both away (-ffile-prefix-map).
src=$1
bin=$2
shift 2
status=0
for elf in "$@"; do
	if [ ! -f "$elf" ]; then
		echo "FAIL: $elf: missing"
		status=1
		continue
	fi
	hits=$(strings -a "$elf" | grep -F -e "$src" -e "$bin" | sort -u)
	if [ -n "$hits" ]; then
		echo "FAIL: $elf holds build paths:"
		echo "$hits" | sed 's/^/  /'
		status=1
	fi
done
[ $status -eq 0 ] && echo "ok: no source or build path in $# images"
exit $status
