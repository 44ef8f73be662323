# Cross toolchain: Debian's gcc-aarch64-linux-gnu, used freestanding.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "")
set(HV_SIZE_TOOL aarch64-linux-gnu-size CACHE FILEPATH "")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# gcc for aarch64-linux defaults to outline atomics, which need libgcc.
set(HV_CROSS_FLAGS "-mno-outline-atomics")
set(HV_CROSS_LINK_FLAGS "")
