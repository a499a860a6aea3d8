// bench/compare-peers: one M/M/c model (c = 10, utilisation 0.8, 1,000,000 customers by
// default) simulated three ways in one go, crisis-sim's engine, a minimal hand-written C++
// loop and SimPy 3, each checked against Erlang C so that all three provably do the same work.
//
// The last line reads `events_per_s=N vs_simpy=Rx vs_minimal=R`: the engine's throughput in
// model events per CPU second, and its throughput divided by SimPy's and by the minimal
// loop's (higher is better for crisis-sim). Exit 0 when every mean wait matches Erlang C,
// 1 when one does not or SimPy could not be run, 2 on bad flags.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "engine/statistics.hpp"
#include "mmc.hpp"

namespace {

using crisis::bench::MmcResult;
using crisis::bench::MmcSpec;

/// Exact M/M/c waiting measures (evidence.md section 12.1), by the Erlang B recursion:
/// B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)); C = c B / (c - A (1 - B)); Wq = C / (c - A)
/// mean service times. Precondition: A < c.
struct ErlangC {
  double probability_of_wait = 0.0;
  double mean_wait_in_services = 0.0;
};

ErlangC erlang_c(double offered_erlangs, int servers) {
  double blocking = 1.0;
  for (int k = 1; k <= servers; ++k) blocking = offered_erlangs * blocking / (k + offered_erlangs * blocking);
  const double c = servers;
  ErlangC result;
  result.probability_of_wait = c * blocking / (c - offered_erlangs * (1.0 - blocking));
  result.mean_wait_in_services = result.probability_of_wait / (c - offered_erlangs);
  return result;
}

/// Batch-means interval: the batches are long (50,000 customers, about 6,000 service times,
/// against a relaxation time of 1 / (c mu (1 - sqrt(rho))^2) ~ 9 service times), so their
/// means are nearly independent and a Student-t interval over them is valid.
struct Interval {
  double mean = 0.0;
  double half_width = 0.0;
  [[nodiscard]] bool contains(double value) const { return std::fabs(value - mean) <= half_width; }
};

Interval batch_interval(const std::vector<double>& batch_means, double confidence) {
  crisis::engine::RunningStats stats;
  for (double value : batch_means) stats.add(value);
  const double t = crisis::engine::student_t_quantile(0.5 + 0.5 * confidence, static_cast<double>(stats.count() - 1));
  return {stats.mean(), t * std::sqrt(stats.variance() / static_cast<double>(stats.count()))};
}

/// One implementation's best run of several: the shortest times (the least disturbed by
/// other processes); its waits are the same in every run, since the seed is fixed.
struct Peer {
  explicit Peer(std::string label) : name(std::move(label)) {}
  std::string name;
  MmcResult best;
  bool ran = false;
  void keep(const MmcResult& run) {
    if (!ran) {
      best = run;
      ran = true;
      return;
    }
    best.seconds = std::min(best.seconds, run.seconds);
    best.cpu_seconds = std::min(best.cpu_seconds, run.cpu_seconds);
  }
  [[nodiscard]] double events_per_cpu_second() const { return static_cast<double>(best.events) / best.cpu_seconds; }
};

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Run the SimPy script and read the JSON line it prints. Throws std::runtime_error with the
/// command when the interpreter, SimPy or the script fails.
MmcResult run_simpy(const std::string& python, const std::string& script, const MmcSpec& spec, std::string& version) {
  const std::string command = shell_quote(python) + " " + shell_quote(script) + " --servers " +
                              std::to_string(spec.servers) + " --utilisation " + fmt::format("{}", spec.utilisation) +
                              " --customers " + std::to_string(spec.customers) + " --batches " +
                              std::to_string(spec.batches) + " --seed " + std::to_string(spec.seed);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot start: " + command);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  if (status != 0 || output.empty()) {
    const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    throw std::runtime_error("SimPy run failed (exit status " + std::to_string(exit_code) + "): " + command +
                             "\n(install python3-simpy3 for Debian's /usr/bin/python3, e.g. with scripts/bench.sh, "
                             "or point --python at an interpreter that has SimPy 3)");
  }
  const auto json = nlohmann::json::parse(output);
  MmcResult result;
  result.mean_wait = json.at("mean_wait").get<double>();
  result.batch_mean_waits = json.at("batch_mean_waits").get<std::vector<double>>();
  result.events = json.at("events").get<std::uint64_t>();
  result.seconds = json.at("seconds").get<double>();
  result.cpu_seconds = json.at("cpu_seconds").get<double>();
  version = json.at("implementation").get<std::string>();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  MmcSpec spec;
  int repeats = 3;
  double confidence = 0.99;
  std::string python = "/usr/bin/python3";
  std::string script = CRISIS_BENCH_DIR "/mmc_simpy.py";
  CLI::App app{"Simulate one M/M/c queue with crisis-sim's engine, a minimal C++ loop and SimPy 3; compare throughput"};
  app.add_option("--servers", spec.servers, "servers c")->check(CLI::Range(1, 10000))->capture_default_str();
  app.add_option("--utilisation", spec.utilisation, "rho = lambda / (c mu)")
      ->check(CLI::Range(0.01, 0.99))
      ->capture_default_str();
  app.add_option("--customers", spec.customers, "customers served in each run")
      ->check(CLI::Range(1000, 1'000'000'000))
      ->capture_default_str();
  app.add_option("--batches", spec.batches, "batches for the batch-means interval")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  app.add_option("--seed", spec.seed, "seed of every implementation's generators")->capture_default_str();
  app.add_option("--repeats", repeats, "runs of each implementation; the best times count")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--confidence", confidence, "level of the interval the Erlang C value must lie in")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  app.add_option("--python", python, "interpreter with SimPy 3 (Debian's python3-simpy3 installs for /usr/bin/python3)")
      ->capture_default_str();
  app.add_option("--simpy-script", script, "the SimPy model")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }

  const double offered = spec.arrival_rate();  // A = lambda / mu with mu = 1
  const ErlangC exact = erlang_c(offered, spec.servers);
  fmt::print("M/M/c: c = {}, utilisation {}, {} customers, {} repeats (best times kept), seed {}\n", spec.servers,
             spec.utilisation, spec.customers, repeats, spec.seed);
  fmt::print("Erlang C: P(wait) = {:.6f}, Wq = {:.6f} mean service times\n\n", exact.probability_of_wait,
             exact.mean_wait_in_services);

  Peer engine{"crisis-sim engine"};
  Peer minimal{"minimal C++ loop"};
  Peer simpy{"SimPy"};
  try {
    // Interleaved, so that a burst of load from other processes hits all three alike.
    for (int r = 0; r < repeats; ++r) {
      engine.keep(crisis::bench::run_mmc_engine(spec));
      minimal.keep(crisis::bench::run_mmc_minimal(spec));
      std::string version;
      simpy.keep(run_simpy(python, script, spec, version));
      simpy.name = version;
    }
  } catch (const std::exception& error) {
    fmt::print(stderr, "compare-peers: {}\n", error.what());
    return 1;
  }

  bool all_match = true;
  fmt::print("{:<20} {:>10} {:>10} {:>14} {:>11} {:>22} {:>9}\n", "implementation", "wall s", "cpu s", "events/cpu s",
             "mean wait", fmt::format("{:.0f}% CI ({} batches)", 100 * confidence, spec.batches), "Erlang C");
  for (const Peer* peer : {&engine, &minimal, &simpy}) {
    const Interval interval = batch_interval(peer->best.batch_mean_waits, confidence);
    const bool match = interval.contains(exact.mean_wait_in_services) && peer->best.events == 2 * spec.customers;
    all_match = all_match && match;
    fmt::print(
        "{:<20} {:>10.3f} {:>10.3f} {:>14.0f} {:>11.5f} {:>22} {:>9}\n", peer->name, peer->best.seconds,
        peer->best.cpu_seconds, peer->events_per_cpu_second(), peer->best.mean_wait,
        fmt::format("[{:.5f}, {:.5f}]", interval.mean - interval.half_width, interval.mean + interval.half_width),
        match ? "matches" : "DIFFERS");
  }
  fmt::print(
      "\nThroughput counts model events (an arrival and a departure per customer) per CPU second of\n"
      "the simulation loop; wall times are shown too but depend on what else the machine runs.\n");
  if (!all_match) fmt::print(stderr, "compare-peers: a mean wait is outside its interval around Erlang C's Wq\n");
  fmt::print("events_per_s={:.0f} vs_simpy={:.1f}x vs_minimal={:.2f}\n", engine.events_per_cpu_second(),
             engine.events_per_cpu_second() / simpy.events_per_cpu_second(),
             engine.events_per_cpu_second() / minimal.events_per_cpu_second());
  return all_match ? 0 : 1;
}
