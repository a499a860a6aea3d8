#include "engine/random.hpp"

namespace crisis::engine {

namespace {
std::uint64_t hash_key(const StreamKey& key) noexcept {
  std::uint64_t h = mix64(key.seed ^ 0x6372697369732D73ULL);  // "crisis-s"
  h = mix64(h ^ key.replication);
  h = mix64(h ^ (key.entity * 0xD6E8FEB86659FD93ULL));
  h = mix64(h ^ (key.purpose * 0xA0761D6478BD642FULL));
  return h;
}
}  // namespace

RandomStream::RandomStream(const StreamKey& key) noexcept {
  const std::uint64_t state = hash_key(key);
  const std::uint64_t selector = mix64(state ^ 0x5851F42D4C957F2DULL);
  engine_.seed(state, selector);
}

std::uint32_t RandomStream::below(std::uint32_t bound) noexcept {
  std::uint64_t product = static_cast<std::uint64_t>(engine_()) * bound;
  auto low = static_cast<std::uint32_t>(product);
  if (low < bound) {
    const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
    while (low < threshold) {
      product = static_cast<std::uint64_t>(engine_()) * bound;
      low = static_cast<std::uint32_t>(product);
    }
  }
  return static_cast<std::uint32_t>(product >> 32);
}

}  // namespace crisis::engine
