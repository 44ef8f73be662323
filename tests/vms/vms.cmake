# Tests of several VMs on one machine, run in QEMU (label qemu) and, on one
# physical CPU, in hvsim (label sim) with the same manifest and the same
# expected transcript, tests/vms/NAME.expected.
#
# Each entry is NAME|SMP|MODE|INPUT|QUIET|VM+VM+...: SMP physical CPUs
# (hvsim runs only the entries with 1), MODE as tests/run-vms.sh takes it,
# INPUT a file of tests/vms/ typed on the console (or empty), QUIET a VM
# whose vCPUs' log lines are left out (run-vms.sh --quiet), and the VMs as
# scripts/manifest --vm SPECs ("+" between them; a SPEC "manifest=FILE"
# stands for --manifest tests/vms/FILE, and a relative disk=FILE in a SPEC
# for disk=tests/vms/FILE).
set(HV_VM_TESTS
  # Two and four bare-metal VMs time-sliced on one CPU, then on two.
  "two-vms|1|exit|||hello+sysreg"
  "four-vms|1|exit|||hello+psci+gic+timer"
  "four-vms-smp2|2|exit|||hello+psci+gic+timer"
  # A hostile VM reads and writes every 2 MiB of the IPA space and gets
  # aborts; the victim's RAM checksum never changes.
  "isolation|1|exit||scan|victim+scan"
  "isolation-smp2|2|exit||scan|victim+scan"
  # One VM resets (its RAM zeroed, its image reloaded), one powers off,
  # one keeps running with its RAM intact.
  "reset-isolation|1|exit|||victim+reset+hello"
  "reset-isolation-smp2|2|exit|||victim+reset+hello"
  # QEMU virt's PL031 passed through to one VM, which reads it and takes
  # its alarm interrupt; another VM touching it gets aborts. With -smp 2
  # the RTC's VM runs on CPU 1, where its SPI is routed.
  "passthrough|1|exit|||rtc,passthrough=/pl031@9010000+snoop"
  "passthrough-smp2|2|exit|||rtc,passthrough=/pl031@9010000,affinity=1+snoop"
  # A VM powering off inside its timer's interrupt handler beside one
  # that needs its own timer on the same CPU.
  "off-in-timer-irq|1|exit|||offtimer+timer"
  # The console's input switched between two VMs by Ctrl-A 1 and Ctrl-A 2.
  "console-focus|1|exit|console-focus.input||uart-irq,name=first+uart-irq,name=second"
  # A minimal virtio driver: virtio-console, a disk written and read, a
  # read-only one; the disk keeps its write across the VM's reset.
  "virtio|1|exit|||virtio,hvc,disk=virtio-disk.txt,disk=virtio-disk.txt:ro"
  # A VM feeding malformed virtqueues to its devices (each answered with
  # DEVICE_NEEDS_RESET and the configuration interrupt) beside the virtio
  # guest and a victim whose RAM checksum must not change, the victim on
  # the hostile VM's network.
  "hostile|1|exit|||virtio,hvc,disk=virtio-disk.txt,disk=virtio-disk.txt:ro+hostile,hvc,disk=virtio-disk.txt,net=h,net=h+victim,net=h"
  # Manifests the hypervisor refuses (tests/vms/bad/): one line naming the
  # node and the property, a non-zero status, no VM started.
  "bad-affinity-no-cpu|1|fail|||manifest=bad/affinity-no-cpu.dts"
  "bad-bad-kind|1|fail|||manifest=bad/bad-kind.dts"
  "bad-memory-not-2mib|1|fail|||manifest=bad/memory-not-2mib.dts"
  "bad-module-outside-ram|1|fail|||manifest=bad/module-outside-ram.dts"
  "bad-module-over-hypervisor|1|fail|||manifest=bad/module-over-hypervisor.dts"
  "bad-no-kernel|1|fail|||manifest=bad/no-kernel.dts"
  "bad-ram-over-devices|1|fail|||manifest=bad/ram-over-devices.dts"
  "bad-ram-overlap|1|fail|||manifest=bad/ram-overlap.dts"
  "bad-raw-load-outside-ram|1|fail|||manifest=bad/raw-load-outside-ram.dts"
  "bad-too-many-vcpus|1|fail|||manifest=bad/too-many-vcpus.dts"
  "bad-too-many-vms|1|fail|||manifest=bad/too-many-vms.dts"
  "bad-unknown-property|1|fail|||manifest=bad/unknown-property.dts"
  "bad-passthrough-console-uart|1|fail|||manifest=bad/passthrough-console-uart.dts"
  "bad-passthrough-gic|1|fail|||manifest=bad/passthrough-gic.dts"
  "bad-passthrough-two-vms|1|fail|||manifest=bad/passthrough-two-vms.dts"
  "bad-passthrough-dma|1|fail|||manifest=bad/passthrough-dma.dts"
  "bad-passthrough-no-node|1|fail|||manifest=bad/passthrough-no-node.dts"
  "bad-virtio-disk-over-kernel|1|fail|||manifest=bad/virtio-disk-over-kernel.dts"
  "bad-virtio-net-property|1|fail|||manifest=bad/virtio-net-property.dts"
)

# hv_vm_test_spec(ENTRY NAME SMP MODE INPUT QUIET VMS): an entry taken
# apart; INPUT a path or empty, QUIET a name or empty, VMS a list of
# run-vms.sh arguments.
function(hv_vm_test_spec entry name_var smp_var mode_var input_var quiet_var
         vms_var)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 smp)
  list(GET parts 2 mode)
  list(GET parts 3 input)
  list(GET parts 4 quiet)
  list(GET parts 5 vms)
  string(REPLACE "+" ";" vms "${vms}")
  set(args "")
  foreach(v ${vms})
    if(v MATCHES "^manifest=(.*)")
      list(APPEND args "--manifest=${PROJECT_SOURCE_DIR}/tests/vms/${CMAKE_MATCH_1}")
    else()
      string(REGEX REPLACE "disk=([^/,][^,]*)"
             "disk=${PROJECT_SOURCE_DIR}/tests/vms/\\1" v "${v}")
      list(APPEND args "${v}")
    endif()
  endforeach()
  if(input)
    set(input ${PROJECT_SOURCE_DIR}/tests/vms/${input})
  endif()
  set(${name_var} ${name} PARENT_SCOPE)
  set(${smp_var} ${smp} PARENT_SCOPE)
  set(${mode_var} ${mode} PARENT_SCOPE)
  set(${input_var} "${input}" PARENT_SCOPE)
  set(${quiet_var} "${quiet}" PARENT_SCOPE)
  set(${vms_var} "${args}" PARENT_SCOPE)
endfunction()
