# Every guest as NAME:VCPUS. A guest with NAME.expected is a test guest: its
# transcript under the hypervisor, the same in QEMU and in hvsim. Shared by
# the cross build (images, QEMU tests) and the host build (hvsim tests).
set(HV_GUEST_LIST hello:1 psci:2 hypercall:1 sysreg:1 abort:1 wfi:1 mmio:1
    bench:1 hvcloop:1)
