// One replication of the world: the discrete-event simulation of residents, calls, units
// and facilities. Everything mutable lives in a Replication object owned by one thread; the
// Replication owns the calendar (in its Context) and hands each event to the part that owns
// the state it changes (replication/: population, arrivals, dispatcher, scene, tally).

#include <cmath>
#include <string>

#include "engine/errors.hpp"
#include "engine/limits.hpp"
#include "world/replication/arrivals.hpp"
#include "world/replication/calls.hpp"
#include "world/replication/context.hpp"
#include "world/replication/dispatcher.hpp"
#include "world/replication/population.hpp"
#include "world/replication/scene.hpp"
#include "world/replication/tally.hpp"
#include "world/world.hpp"

namespace crisis::world {
namespace detail {
namespace {

class Replication {
 public:
  Replication(const World& world, std::uint64_t seed, std::uint32_t replication, bool record_calls)
      : context_(world, seed, replication),
        tally_(context_, record_calls),
        population_(context_),
        arrivals_(context_, calls_, population_),
        dispatcher_(context_, calls_, tally_),
        scene_(context_, calls_, population_, dispatcher_, tally_) {}

  ReplicationResult run();

 private:
  void handle(double now, const Event& event);
  void check_invariants(double end_time, bool stopped_early) const;

  // Declaration order is construction order: the parts hold references to those above them.
  Context context_;
  CallBook calls_;
  Tally tally_;
  Population population_;  // draws the residents' frailties
  Arrivals arrivals_;
  Dispatcher dispatcher_;
  Scene scene_;
};

ReplicationResult Replication::run() {
  // A replication runs past the window only to finish the calls already open, for at most
  // kDrainDays. Calls still open then are an overloaded system's result (measures
  // calls_open_at_end and crisis_calls_unserved), not a bug: the run stops there.
  const double hard_stop = context_.world.window_end_min + engine::kDrainDays * engine::kMinutesPerDay;
  context_.schedule(0.0, EventKind::hour_tick, 0);
  arrivals_.start();
  double now = 0.0;
  bool stopped_early = false;
  while (!context_.calendar.empty()) {
    const auto entry = context_.calendar.pop();
    if (entry.time > hard_stop) {
      stopped_early = true;
      break;
    }
    now = entry.time;
    handle(now, entry.payload);
  }
  EndOfRun end;
  end.engaged_share = population_.engaged_share();
  if (stopped_early) {
    calls_.for_each_open([&](const Call& call) {
      if (!call.in_window) return;
      end.calls_open_at_end += 1.0;
      if (call.kind == CallKind::crisis && std::isnan(call.dispatched)) end.crisis_calls_unserved += 1.0;
    });
  }
  check_invariants(now, stopped_early);
  ReplicationResult result;
  result.events = context_.calendar.scheduled_count();
  tally_.finish(result, end);
  return result;
}

// Events about a call carry its generation: a call closed (or moved on) since they were
// scheduled ignores them.
void Replication::handle(double now, const Event& event) {
  const auto current = [&] { return calls_.current(event.a, event.b); };
  const auto unassigned = [&] { return current() && calls_[event.a].unit < 0; };
  switch (event.kind) {
    case EventKind::hour_tick: dispatcher_.on_hour_tick(now); break;
    case EventKind::crisis_candidate: arrivals_.on_crisis_arrival(now, event.a); break;
    case EventKind::background_arrival: arrivals_.on_background_arrival(now, event.a); break;
    case EventKind::call_ready:
      if (current()) dispatcher_.on_call_ready(now, event.a);
      break;
    case EventKind::fallback:
      if (unassigned()) dispatcher_.on_fallback(now, event.a);
      break;
    case EventKind::backup_give_up:
      if (unassigned()) dispatcher_.on_backup_give_up(now, event.a);
      break;
    case EventKind::abandon:
      if (unassigned() && calls_[event.a].stage == Stage::line) scene_.on_abandon(now, event.a);
      break;
    case EventKind::unit_arrives: scene_.on_unit_arrives(now, event.a); break;
    case EventKind::scene_done: scene_.on_scene_done(now, event.a); break;
    case EventKind::unit_free:
      // Busy time first, then the call's accounts (which may end it), then the unit is free.
      dispatcher_.clock_off(now, event.a);
      scene_.on_unit_free(now, event.a);
      dispatcher_.release(now, event.a);
      break;
    case EventKind::resident_return:
      if (population_.current(event.a, event.b)) population_.on_return(now, event.a);
      break;
  }
}

// A run stopped at the end of the drain has open calls, waiting calls and busy units by
// definition; everything else is checked either way.
void Replication::check_invariants(double end_time, bool stopped_early) const {
  std::string problem;
  if (!stopped_early && calls_.opened() != calls_.closed()) {
    problem = std::to_string(calls_.opened()) + " calls opened but " + std::to_string(calls_.closed()) + " closed";
  }
  if (stopped_early && calls_.opened() != calls_.closed() + calls_.open_count()) {
    problem = std::to_string(calls_.opened()) + " calls opened but " + std::to_string(calls_.closed()) + " closed and " +
              std::to_string(calls_.open_count()) + " open";
  }
  if (problem.empty() && !stopped_early) problem = dispatcher_.invariant_problem();
  if (problem.empty()) problem = population_.invariant_problem();
  if (problem.empty()) problem = tally_.invariant_problem();
  if (!problem.empty()) {
    const std::uint64_t seed = context_.seed;
    const std::uint32_t replication = context_.replication;
    throw InvariantError("invariant broken at t=" + std::to_string(end_time) + " min in replication " + std::to_string(replication) +
                         " (seed " + std::to_string(seed) + "): " + problem + "; reproduce with --seed " + std::to_string(seed) +
                         " --replications " + std::to_string(replication + 1));
  }
}

}  // namespace
}  // namespace detail

ReplicationResult World::run_replication(std::uint64_t seed, std::uint32_t replication, bool record_calls) const {
  detail::Replication run(*this, seed, replication, record_calls);
  return run.run();
}

}  // namespace crisis::world
