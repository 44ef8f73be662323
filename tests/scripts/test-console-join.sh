#!/bin/sh
# scripts/console-join puts the rest of each cut line ("NAME|+ REST") back
# at the end of that VM's line, whatever came in between, and leaves every
# other line as it was, in its order.
join=$(dirname "$0")/../../scripts/console-join
got=$(printf '%s\r\n' 'hv: hypervisor' 'linux| lin' 'hostile| a line' \
	'hostile|   status: 0x' 'hv: hostile: a log line' 'hostile|+ 4f ok' \
	'linux|+ ux-test: disk' 'linux| next' 'other|+ not a cut of a VM seen' \
	'linux|+ ' | "$join")
want='hv: hypervisor
linux| linux-test: disk
hostile| a line
hostile|   status: 0x4f ok
hv: hostile: a log line
linux| next
other|+ not a cut of a VM seen'
if [ "$got" != "$want" ]; then
	printf 'FAIL: console-join gave:\n%s\nwanted:\n%s\n' "$got" "$want"
	exit 1
fi
echo "ok: console-join"
