# Every guest as NAME:VCPUS[:MODE]. A guest with NAME.expected is a test
# guest: its transcript under the hypervisor, the same in QEMU and in hvsim.
# MODE "hang": the guest must end blocked for good (the test expects a
# timeout in QEMU and hvsim's "nothing can run" stop, both status 124);
# "input": NAME.input is typed on the serial console.
# Shared by the cross build (images, QEMU tests) and the host build (hvsim
# tests).
set(HV_GUEST_LIST hello:1 psci:2 hypercall:1 sysreg:1 debugregs:2 abort:1
    wfi:1:hang mmio:1
    timer:1 ptimer:1 gic:1 lrs:1 standin:2 uart-irq:1:input reset:2 bench:2
    hvcloop:1 vtimer-level:1 semihost:1 logflood:1 aarch32:1 scan:1 victim:1
    rtc:1 snoop:1 virtio:1 hostile:1 eret:1 mmu:1 offtimer:1 vmswitch:1)

# hv_guest_spec(SPEC NAME VCPUS MODE): one entry of HV_GUEST_LIST taken
# apart into the three variables named; MODE is "exit" when the entry has
# none.
function(hv_guest_spec spec name_var vcpus_var mode_var)
  string(REPLACE ":" ";" parts ${spec})
  list(GET parts 0 name)
  list(GET parts 1 vcpus)
  set(mode exit)
  list(LENGTH parts nparts)
  if(nparts GREATER 2)
    list(GET parts 2 mode)
  endif()
  set(${name_var} ${name} PARENT_SCOPE)
  set(${vcpus_var} ${vcpus} PARENT_SCOPE)
  set(${mode_var} ${mode} PARENT_SCOPE)
endfunction()
