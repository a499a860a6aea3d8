#pragma once
/// \file
/// Random streams: one pcg32 per (seed, replication, entity, purpose).

#include <cstdint>

#include <pcg_random.hpp>

namespace crisis::engine {

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// The four coordinates that name a stream. Changing any one gives an unrelated stream, so
/// adding a draw for one entity or purpose never shifts the numbers another one sees.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  std::uint64_t entity = 0;
  std::uint64_t purpose = 0;
};

/// A reproducible source of uniform random numbers (pcg32) derived by hashing a StreamKey.
///
/// The pcg32 state *and* its stream selector are both derived by hashing all four
/// coordinates; the replication index is never used directly as the pcg stream id.
class RandomStream {
 public:
  explicit RandomStream(const StreamKey& key) noexcept;

  /// Next raw 32 bits.
  std::uint32_t next_u32() noexcept { return engine_(); }

  /// Uniform on [0, 1) with 53 bits of resolution (two pcg32 outputs).
  double uniform() noexcept {
    const std::uint64_t high = engine_();
    const std::uint64_t low = engine_();
    return static_cast<double>(((high << 32) | low) >> 11) * 0x1.0p-53;
  }

  /// Uniform on (0, 1]: safe to take the logarithm of.
  double uniform_positive() noexcept { return 1.0 - uniform(); }

  /// Uniform integer in [0, bound) without modulo bias (Lemire's method). Precondition: bound > 0.
  std::uint32_t below(std::uint32_t bound) noexcept;

 private:
  pcg32 engine_;
};

}  // namespace crisis::engine
