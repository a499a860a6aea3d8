#include "world/replication/calls.hpp"

namespace crisis::world::detail {

std::uint32_t CallBook::open(double now, bool in_window) {
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(calls_.size());
    calls_.emplace_back();
  }
  Call& call = calls_[slot];
  const std::uint32_t generation = call.generation + 1;
  call = Call{};
  call.generation = generation;
  call.active = true;
  call.arrival = now;
  call.in_window = in_window;
  ++calls_opened_;
  ++open_calls_;
  return slot;
}

void CallBook::close(std::uint32_t slot) {
  Call& call = calls_[slot];
  call.active = false;
  ++call.generation;
  ++calls_closed_;
  --open_calls_;
  free_slots_.push_back(slot);
}

}  // namespace crisis::world::detail
