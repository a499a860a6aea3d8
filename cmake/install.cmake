# `cmake --install` lays crisis-sim out as a library other CMake projects find with
# find_package(crisis-sim): every library target and the executable in the export set
# crisis-simTargets (namespace crisis::, so crisis_engine is crisis::engine as inside this
# tree), the public headers under include/crisis/ with their folder prefixes (engine/,
# world/, models/, ...), and a package config that finds the dependencies. ctest
# `consumer_project` builds tests/consumer/ against such an install.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(CRISIS_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/crisis-sim)

# Every crisis_* static library of the project (sim/*, models/), found from the directory
# tree, so a library added later is exported without an edit here.
function(crisis_collect_libraries directory out)
  get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
  set(found "")
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "STATIC_LIBRARY" AND target MATCHES "^crisis_")
      list(APPEND found ${target})
    endif()
  endforeach()
  get_property(subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory ${subdirectories})
    crisis_collect_libraries(${subdirectory} below)
    list(APPEND found ${below})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()
crisis_collect_libraries(${PROJECT_SOURCE_DIR} crisis_libraries)
foreach(library ${crisis_libraries})
  string(REGEX REPLACE "^crisis_" "" name ${library})
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${name})
endforeach()
# The libraries link crisis_warnings PRIVATE, which a static library still lists as
# $<LINK_ONLY:crisis_warnings>; its flags are build-tree only, so the installed one is empty.
set_target_properties(crisis_warnings PROPERTIES EXPORT_NAME warnings)

install(TARGETS crisis_warnings ${crisis_libraries} crisis-sim
        EXPORT crisis-simTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sim/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/crisis FILES_MATCHING PATTERN "*.hpp")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/crisis/models FILES_MATCHING PATTERN "*.hpp")
install(FILES ${CMAKE_BINARY_DIR}/generated/crisis/build_info.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/crisis)

install(EXPORT crisis-simTargets NAMESPACE crisis:: DESTINATION ${CRISIS_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/crisis-simConfig.cmake.in ${CMAKE_BINARY_DIR}/crisis-simConfig.cmake
                              INSTALL_DESTINATION ${CRISIS_INSTALL_CMAKEDIR})
# 0.x: no compatibility promised between minor versions yet.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/crisis-simConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/crisis-simConfig.cmake ${CMAKE_BINARY_DIR}/crisis-simConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/Findlibcsv.cmake ${PROJECT_SOURCE_DIR}/cmake/Findpcg-cpp.cmake
        DESTINATION ${CRISIS_INSTALL_CMAKEDIR})
