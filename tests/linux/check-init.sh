# shellcheck shell=bash
# Sourced by run-linux.sh (QEMU) and run-linux-sim.sh (hvsim), so that both
# check one Linux boot's transcript by the same rules.
#
# check_init SRC LOG VCPUS LINE: SRC is the source tree; LOG is the console of one boot of the test
# initramfs (tests/linux/init) in a VM named linux with VCPUS vCPUs, where
# LINE was typed. Checks the hypervisor's final status 0, the machine and
# CPU count (init's and the kernel's), the timer interrupts growing on every
# CPU over a second, LINE read back and the PL011's interrupt counted, IPIs
# on every vCPU (with 2), nothing the hypervisor refused, PSCI SYSTEM_OFF
# with status 0, and no complaint of a virtual device's driver, of a
# secondary CPU or of the kernel. Calls the caller's fail MESSAGE at the
# first miss; sets t1, t2 (the timer counts), u (the PL011's) and ipis for
# the caller's summary.
check_init() {
	local src=$1 log=$2 vcpus=$3 line=$4 final
	final=$("$src/scripts/hv-status" "$log") ||
		fail "the hypervisor's final line says $final, not status 0"
	grep -q "^linux| linux-test: machine aarch64$" "$log" || fail "no uname -m"
	grep -q "^linux| linux-test: cpus $vcpus$" "$log" || fail "not $vcpus CPU(s)"
	grep -q "^linux| \[ *[0-9.]*\] SMP: Total of $vcpus processors activated" \
		"$log" || fail "the kernel did not bring up $vcpus CPU(s)"
	# "linux-test: timer N0 N1...": one count per CPU, before and after
	# sleep 1.
	t1=$(sed -n 's/^linux| linux-test: timer //p' "$log" | sed -n 1p)
	t2=$(sed -n 's/^linux| linux-test: timer //p' "$log" | sed -n 2p)
	awk -v n="$vcpus" -v a="$t1" -v b="$t2" 'BEGIN {
		if (split(a, x, " ") != n || split(b, y, " ") != n)
			exit 1
		for (i = 1; i <= n; i++)
			if (x[i] !~ /^[0-9]+$/ || y[i] !~ /^[0-9]+$/ || y[i] + 0 <= x[i] + 0)
				exit 1
	}' || fail "timer interrupts did not grow on each of $vcpus CPU(s) ($t1 -> $t2)"
	grep -q "^linux| linux-test: read '$line'$" "$log" || fail "line not read back"
	# "linux-test: uart interrupts N0 N1...": the uart-pl011 line's counts.
	u=$(sed -n 's/^linux| linux-test: uart interrupts //p' "$log" | sed -n 1p)
	echo "$u" | awk '{ s = 0; for (i = 1; i <= NF; i++) { if ($i !~ /^[0-9]+$/) exit 1; s += $i } exit !(s > 0) }' ||
		fail "no PL011 interrupt counted ($u)"
	# "linux-test: ipis R0 R1 / F0 F1": with 2 vCPUs each one got IPIs.
	ipis=$(sed -n 's/^linux| linux-test: ipis //p' "$log" | sed -n 1p)
	[ "$vcpus" = 1 ] || echo "$ipis" | awk -v n="$vcpus" '{
		if (NF != 2 * n + 1)
			exit 1
		for (i = 1; i <= n; i++)
			if ($i + $(n + 1 + i) <= 0)
				exit 1
	}' || fail "a vCPU got no IPI ($ipis)"
	# Linux must not touch anything the hypervisor refuses (an unhandled
	# system register, a data abort): those are logged per vCPU.
	if grep "^hv: linux/" "$log"; then
		fail "the hypervisor refused a guest access"
	fi
	grep -q "^hv: linux: powered off by PSCI SYSTEM_OFF, status 0$" "$log" ||
		fail "no PSCI SYSTEM_OFF"
	if grep -iE "^linux\| .*(gic|arch_timer|pl011|psci).*(fail|error|unhandled|warn)" "$log"; then
		fail "a driver of the virtual hardware complained"
	fi
	if grep -E "^linux\| .*(CPU[0-9]+: failed|failed to (come online|boot)|SANITY CHECK|Unsupported CPU feature variation)" "$log"; then
		fail "a secondary CPU did not come up cleanly"
	fi
	if grep -E "^linux\| .*(WARNING:|BUG:|Oops|Kernel panic|Call trace:|rcu: INFO|self-detected stall|soft lockup)" "$log"; then
		fail "the kernel warned"
	fi
}
