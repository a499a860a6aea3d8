# The header-only PCG random generators (Debian libpcg-cpp-dev) ship no CMake file: find
# pcg_random.hpp and offer it as the imported target pcg-cpp::pcg-cpp. Installed with
# crisis-simConfig.cmake, because engine/random.hpp includes it.
find_path(PCG_INCLUDE_DIR pcg_random.hpp)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(pcg-cpp REQUIRED_VARS PCG_INCLUDE_DIR)
if(pcg-cpp_FOUND AND NOT TARGET pcg-cpp::pcg-cpp)
  add_library(pcg-cpp::pcg-cpp INTERFACE IMPORTED)
  set_target_properties(pcg-cpp::pcg-cpp PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${PCG_INCLUDE_DIR}")
endif()
mark_as_advanced(PCG_INCLUDE_DIR)
