// Google Benchmark micro-benchmarks of the engine: the event calendar's hold operation at
// 10^3 to 10^6 pending events, one draw of each distribution, and dispatch of the nearest
// available unit, measured through short runs of the baseline city because the dispatch
// function is internal to sim/world.
//
//   build-bench/bench/engine_micro                       # everything, once
//   build-bench/bench/engine_micro --benchmark_filter=Hold
//   build-bench/bench/engine_micro --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/distributions.hpp"
#include "engine/event_calendar.hpp"
#include "engine/random.hpp"
#include "scenario/scenario_loader.hpp"
#include "models/builtin_models.hpp"

namespace {

// With --benchmark_repetitions=N, every benchmark also reports "_min": the fastest repetition,
// the one least disturbed by other processes on a shared machine. (Applied to rates such as
// items_per_second, "_min" is the slowest; read the times.)
void best_of_repetitions(benchmark::internal::Benchmark* benchmark) {
  benchmark->ComputeStatistics(
      "min", [](const std::vector<double>& values) { return *std::min_element(values.begin(), values.end()); });
}

using crisis::engine::RandomStream;
using crisis::engine::StreamKey;

// ---- event calendar ----------------------------------------------------------------------

/// The same layout as the world's event payload (kind, two 32-bit indices).
struct WorldLikePayload {
  std::uint8_t kind;
  std::uint32_t a;
  std::uint32_t b;
};

/// Exponential increments drawn once, so that the hold loop times the calendar alone.
std::vector<double> exponential_increments(std::size_t count) {
  RandomStream rng(StreamKey{1, 0, 0, 0});
  std::vector<double> increments(count);
  for (double& value : increments) value = crisis::engine::sample_exponential(rng, 1.0);
  return increments;
}

// The classic hold model (Jones 1986): with n events pending, pop the first and schedule
// one at its time plus an exponential increment, so the size stays n. One iteration is one
// hold (a pop and a push); a small set of priorities makes the tie-break path realistic.
void BM_CalendarHold(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  const std::vector<double> increments = exponential_increments(1 << 16);
  crisis::engine::EventCalendar<WorldLikePayload> calendar;
  calendar.reserve(pending + 1);
  std::size_t next = 0;
  // Start in the hold model's steady state: times spread like the increments themselves.
  for (std::size_t i = 0; i < pending; ++i) {
    calendar.schedule(increments[next++ & 0xFFFF] * static_cast<double>(pending) * 0.5,
                      static_cast<std::int32_t>(i % 11),
                      WorldLikePayload{static_cast<std::uint8_t>(i % 11), static_cast<std::uint32_t>(i), 0});
  }
  for (auto _ : state) {
    const auto entry = calendar.pop();
    calendar.schedule(entry.time + increments[next++ & 0xFFFF] * static_cast<double>(pending), entry.priority,
                      entry.payload);
  }
  benchmark::DoNotOptimize(calendar.top());
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(calendar.size());
}
BENCHMARK(BM_CalendarHold)->RangeMultiplier(10)->Range(1'000, 1'000'000)->Apply(best_of_repetitions);

// ---- random streams and distributions ------------------------------------------------------

RandomStream bench_stream() { return RandomStream(StreamKey{20240611, 0, 42, 7}); }

template <class Draw>
void run_draws(benchmark::State& state, Draw draw) {
  RandomStream rng = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(draw(rng));
  state.SetItemsProcessed(state.iterations());
}

// Deriving a stream from its key: the world does it several times per call.
void BM_StreamFromKey(benchmark::State& state) {
  std::uint64_t entity = 0;
  for (auto _ : state) {
    RandomStream rng(StreamKey{20240611, 3, entity++, 5});
    benchmark::DoNotOptimize(rng);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamFromKey)->Apply(best_of_repetitions);

void BM_DrawNextU32(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return r.next_u32(); });
}
void BM_DrawUniform(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return r.uniform(); });
}
void BM_DrawBelow(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return r.below(1000); });
}
void BM_DrawExponential(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_exponential(r, 45.0); });
}
void BM_DrawNormal(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_normal(r, 0.0, 1.0); });
}
void BM_DrawLognormal(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_lognormal(r, 60.0, 55.0); });
}
void BM_DrawGammaShapeHalf(benchmark::State& state) {  // the residents' frailty
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_gamma(r, 0.5, 2.0); });
}
void BM_DrawGammaShapeTwo(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_gamma(r, 2.0, 0.5); });
}
void BM_DrawWeibull(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_weibull(r, 1.5, 30.0); });
}
void BM_DrawUniformRange(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_uniform(r, 5.0, 15.0); });
}
void BM_DrawTriangular(benchmark::State& state) {
  run_draws(state, [](RandomStream& r) { return crisis::engine::sample_triangular(r, 5.0, 10.0, 30.0); });
}
void BM_DrawDiscreteSeven(benchmark::State& state) {  // a crisis call's type
  const std::array<double, 7> shares{0.20, 0.20, 0.30, 0.10, 0.12, 0.05, 0.03};
  run_draws(state, [&](RandomStream& r) { return crisis::engine::sample_discrete(r, shares); });
}
void BM_DrawEmpirical(benchmark::State& state) {
  std::vector<double> samples;
  RandomStream source(StreamKey{9, 9, 9, 9});
  for (int i = 0; i < 1000; ++i) samples.push_back(crisis::engine::sample_lognormal(source, 60.0, 55.0));
  const crisis::engine::EmpiricalDistribution empirical(std::move(samples));
  run_draws(state, [&](RandomStream& r) { return empirical.sample(r); });
}
// Picking the resident who has the next crisis: an alias table over every agent's rate.
void BM_DrawAliasTable(benchmark::State& state) {
  RandomStream source(StreamKey{9, 9, 9, 9});
  std::vector<double> weights(static_cast<std::size_t>(state.range(0)));
  for (double& w : weights) w = crisis::engine::sample_gamma(source, 0.5, 2.0);
  const crisis::engine::AliasTable table(weights);
  run_draws(state, [&](RandomStream& r) { return table.sample(r); });
}
BENCHMARK(BM_DrawNextU32)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawUniform)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawBelow)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawExponential)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawNormal)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawLognormal)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawGammaShapeHalf)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawGammaShapeTwo)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawWeibull)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawUniformRange)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawTriangular)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawDiscreteSeven)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawEmpirical)->Apply(best_of_repetitions);
BENCHMARK(BM_DrawAliasTable)->Arg(8)->Arg(60'000)->Apply(best_of_repetitions);

// ---- dispatch, through a run -----------------------------------------------------------------

// The nearest-available-unit search is internal to sim/world, so it is timed through short
// runs of the baseline city (30 days, no warm-up) with its patrol fleet and background calls
// both multiplied by `scale`: utilisation stays the same while every dispatch scans `scale`
// times as many available units. The time per call grows with `scale` by the cost of that
// scan (and of the queue scan when a unit frees up); at scale 1 it is the whole call's cost.
void BM_DispatchThroughRun(benchmark::State& state) {
  const auto scale = static_cast<double>(state.range(0));
  crisis::world::ModelRegistry registry;
  crisis::models::register_builtin_models(registry);
  const std::array<int, 3> shift_units{18, 22, 16};  // scenarios/baseline_police.yaml
  std::vector<crisis::io::Override> overrides = {
      {"run.horizon_days", "30"},
      {"run.warmup_days", "0"},
      {"background.calls_per_day", std::to_string(271.0 * scale)},
  };
  for (std::size_t s = 0; s < shift_units.size(); ++s) {
    overrides.push_back({"unit_types[0].roster.shifts[" + std::to_string(s) + "].units",
                         std::to_string(static_cast<int>(shift_units[s] * scale))});
  }
  const auto world =
      crisis::io::load_world(std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml", overrides, registry);
  const auto& names = world.measure_names();
  const auto index_of = [&](const std::string& name) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return i;
    }
    return names.size();
  };
  const std::size_t crisis_calls = index_of("crisis_calls");
  const std::size_t background_calls = index_of("background_calls");
  double calls = 0.0;
  std::uint64_t events = 0;
  std::uint32_t replication = 0;
  for (auto _ : state) {
    const auto result = world.run_replication(1, replication++, false);
    calls += result.measures[crisis_calls] + result.measures[background_calls];
    events += result.events;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(calls));  // items = calls dispatched
  state.counters["units_peak"] = static_cast<double>(world.unit_count.front());
  state.counters["calls_per_run"] = calls / static_cast<double>(state.iterations());
  state.counters["events_per_call"] = static_cast<double>(events) / calls;
}
BENCHMARK(BM_DispatchThroughRun)->Arg(1)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond)->Apply(best_of_repetitions);

}  // namespace

BENCHMARK_MAIN();
