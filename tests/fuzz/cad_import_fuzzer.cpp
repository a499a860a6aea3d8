// libFuzzer target `cad_import`: any bytes as a CAD export (optionally led by a line naming a
// built-in schema), imported as `crisis-sim fit` does. Only crisis::InputError is an
// acceptable way to say no; a bad row must be rejected, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)crisis::fuzz::replay_cad(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
