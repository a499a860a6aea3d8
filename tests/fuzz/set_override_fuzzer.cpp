// libFuzzer target `set_override`: the input's lines are --set path=value flags, applied to
// the shipped baseline scenario as the command line applies them, then loaded and built.
// Only crisis::InputError is an acceptable way to say no.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_inputs.hpp"

namespace {
const std::string& baseline() {
  static const std::string text = [] {
    std::ifstream in(CRISIS_SOURCE_DIR "/scenarios/baseline_police.yaml", std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (bytes.empty()) __builtin_trap();  // the fuzzer cannot do its job without the baseline
    return bytes;
  }();
  return text;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)crisis::fuzz::replay_overrides(std::string_view(reinterpret_cast<const char*>(data), size), baseline());
  return 0;
}
