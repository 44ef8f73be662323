# Every guest as NAME:VCPUS[:MODE]. A guest with NAME.expected is a test
# guest: its transcript under the hypervisor, the same in QEMU and in hvsim.
# MODE "hang": the guest must end blocked for good (the test expects a
# timeout in QEMU and hvsim's "nothing can run" stop, both status 124);
# "input": NAME.input is typed on the serial console.
# Shared by the cross build (images, QEMU tests) and the host build (hvsim
# tests).
set(HV_GUEST_LIST hello:1 psci:2 hypercall:1 sysreg:1 abort:1 wfi:1:hang mmio:1
    timer:1 ptimer:1 gic:1 lrs:1 standin:2 uart-irq:1:input reset:2 bench:1
    hvcloop:1)
