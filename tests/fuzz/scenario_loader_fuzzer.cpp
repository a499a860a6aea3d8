// libFuzzer target `scenario_loader`: any bytes as a scenario file, loaded and built as
// `crisis-sim validate` does. Only crisis::InputError is an acceptable way to say no.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)crisis::fuzz::replay_scenario(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
