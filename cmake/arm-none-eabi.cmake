# CMake toolchain file for bare-metal Arm Cortex-M with Debian's
# gcc-arm-none-eabi + libnewlib-arm-none-eabi (newlib / newlib-nano).
#
#   cmake -S . -B build-arm -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
#
# BERTH_ARM_CPU_FLAGS picks the core (default Cortex-M4, Thumb-2, soft-float
# ABI so it links against any multilib). Tools, tests, benchmarks, TAP and
# packetdrill switch themselves off when cross-compiling (CMakeLists.txt).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy)
set(CMAKE_SIZE arm-none-eabi-size)

# A Generic system has no loader: CMake's compiler check must not try to
# link a hosted executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(BERTH_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb" CACHE STRING "CPU flags for arm-none-eabi")
set(CMAKE_C_FLAGS_INIT "${BERTH_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${BERTH_ARM_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${BERTH_ARM_CPU_FLAGS} --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
