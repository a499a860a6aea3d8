# The layer rule of crisis-sim, written once: each folder and the folders whose headers it may
# include (its own always). Data flows from top to bottom; nothing points back up.
# cmake/check_layering.cmake (ctest `layering`) checks every #include against this table and
# docs/architecture.md prints it. "crisis" is the generated build_info.hpp, open to all.
set(CRISIS_LAYERS
  "sim/engine       | crisis"
  "sim/world        | engine"
  "models           | world engine"
  "sim/yaml         | engine"
  "sim/results      | world engine crisis"
  "sim/cad          | yaml results world engine"
  "sim/scenario     | cad yaml world engine"
  "sim/experiments  | scenario cad yaml results world engine crisis"
  "sim/fit          | scenario cad yaml results world engine crisis"
  "sim/report       | results engine crisis"
  "sim/app          | experiments fit report scenario cad yaml results models world engine crisis"
  "apps             | app results")
