# The test guests are AArch64 binaries: a host build makes them with a nested
# cross build of this source tree (aarch64-linux-gnu-gcc), target sim_guests,
# into HV_SIM_GUEST_DIR, with hv.elf at HV_SIM_HV_ELF. Included by the hvsim
# tests and the fuzz build (its ELF loader's seeds). Sets
# HV_SIM_GUESTS_FOUND.
find_program(HV_CROSS_GCC aarch64-linux-gnu-gcc)
set(HV_SIM_GUESTS_FOUND FALSE)
if(NOT HV_CROSS_GCC)
  message(WARNING "aarch64-linux-gnu-gcc not found: no test guests for the "
                  "host build (scripts/deps installs it)")
  return()
endif()

include(ExternalProject)
set(HV_SIM_GUEST_BUILD ${CMAKE_BINARY_DIR}/guests-aarch64)
set(HV_SIM_GUEST_DIR ${HV_SIM_GUEST_BUILD}/tests/guests)
set(HV_SIM_HV_ELF ${HV_SIM_GUEST_BUILD}/hv.elf)
ExternalProject_Add(sim_guests
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${HV_SIM_GUEST_BUILD}
  CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/aarch64-gcc.cmake
             -DCMAKE_BUILD_TYPE=Release -DHV_LINUX_TESTS=OFF
  # hv.elf too: its size bounds where scripts/manifest puts modules, as in
  # the QEMU tests, so both runs get the same manifest.
  BUILD_COMMAND ${CMAKE_COMMAND} --build ${HV_SIM_GUEST_BUILD}
                --target guests hv
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON)
set(HV_SIM_GUESTS_FOUND TRUE)
