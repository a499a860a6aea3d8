#include "scenario/scenario_parts.hpp"

// The scenario hash every output records. Its value must never change for the same text and
// overrides: summaries, sweep databases and golden outputs compare it.

namespace crisis::io {

std::uint64_t fnv1a(const std::string& bytes, std::uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

namespace detail {

std::uint64_t scenario_content_hash(const std::string& text, const std::vector<Override>& overrides) {
  std::uint64_t hash = fnv1a(text);
  for (const Override& o : overrides) hash = fnv1a("\n--set " + o.path + "=" + o.value, hash);
  return hash;
}

}  // namespace detail
}  // namespace crisis::io
