# Checks the layer rule of docs/architecture.md: data flows top to bottom, nothing points
# back up. Run by ctest as `layering`; fails naming each file that includes a higher layer.
#   engine  <- world <- models <- io <- cli <- apps
set(rules
  "sim/engine|world/,models/,io/,cli/"
  "sim/world|models/,io/,cli/"
  "models|io/,cli/"
  "sim/io|cli/")
set(violations "")
foreach(rule ${rules})
  string(REPLACE "|" ";" parts "${rule}")
  string(REPLACE "," ";" parts "${parts}")
  list(GET parts 0 folder)
  list(SUBLIST parts 1 -1 forbidden)
  file(GLOB_RECURSE sources "${ROOT}/${folder}/*.hpp" "${ROOT}/${folder}/*.cpp")
  foreach(source ${sources})
    file(STRINGS "${source}" includes REGEX "^#include \"")
    foreach(line ${includes})
      foreach(prefix ${forbidden})
        if(line MATCHES "^#include \"${prefix}")
          string(APPEND violations "\n  ${source}: ${line} (${folder} may not depend on ${prefix})")
        endif()
      endforeach()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "layer rule broken:${violations}")
endif()
message(STATUS "layering: every include points down the layers")
