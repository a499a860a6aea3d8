#pragma once
/// \file
/// Exact results for the M/M/c queue (Erlang B and Erlang C), used to bound and rank
/// staffing levels before they are simulated. Formulas: evidence.md section 12.1; checked
/// against the worked examples of section 12.2 in tests/sizing_test.cpp.

namespace crisis::engine {

/// Erlang B: the probability that a call finds all `servers` busy in an M/M/c/c loss system
/// with offered load `offered_erlangs` = arrival rate x mean service time. Computed by the
/// stable recursion B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)).
/// Preconditions: offered_erlangs >= 0, servers >= 0. B = 1 with no servers, 0 with no load.
[[nodiscard]] double erlang_b(double offered_erlangs, int servers) noexcept;

/// The M/M/c queue (Poisson arrivals, exponential service, `servers` servers, first come
/// first served, unlimited queue) at offered load A = `offered_erlangs`.
struct ErlangC {
  bool stable = false;                 ///< A < c; otherwise the queue grows without bound
  double probability_of_wait = 1.0;    ///< C(c, A) = P(wait > 0); 1 when unstable
  double mean_wait_in_services = 0.0;  ///< Wq in units of the mean service time; +inf when unstable
  double occupancy = 0.0;              ///< A / c (utilisation of each server); +inf with no servers
};

/// Erlang C: C = c B / (c - A (1 - B)), Wq = C / (c - A) mean service times.
/// Preconditions: offered_erlangs >= 0, servers >= 0.
[[nodiscard]] ErlangC erlang_c(double offered_erlangs, int servers) noexcept;

/// Service level P(wait <= t) = 1 - C exp(-(c - A) t) with t = `wait_in_services` in mean
/// service times; 0 when the queue is unstable.
[[nodiscard]] double erlang_c_service_level(double offered_erlangs, int servers, double wait_in_services) noexcept;

/// The fewest servers that keep the queue stable (c > A) and P(wait > 0) at most
/// `probability_of_wait`. Preconditions: offered_erlangs >= 0, 0 < probability_of_wait <= 1.
[[nodiscard]] int erlang_c_servers_for_wait_probability(double offered_erlangs, double probability_of_wait) noexcept;

}  // namespace crisis::engine
