#include "engine/queueing.hpp"

#include <cmath>
#include <limits>

namespace crisis::engine {

double erlang_b(double offered_erlangs, int servers) noexcept {
  double blocking = 1.0;
  for (int k = 1; k <= servers; ++k) blocking = offered_erlangs * blocking / (k + offered_erlangs * blocking);
  return blocking;
}

ErlangC erlang_c(double offered_erlangs, int servers) noexcept {
  ErlangC result;
  const double c = servers;
  result.occupancy = servers > 0 ? offered_erlangs / c : std::numeric_limits<double>::infinity();
  if (servers <= 0 || offered_erlangs >= c) {
    result.mean_wait_in_services = std::numeric_limits<double>::infinity();
    return result;
  }
  result.stable = true;
  if (offered_erlangs <= 0.0) {
    result.probability_of_wait = 0.0;
    return result;
  }
  const double blocking = erlang_b(offered_erlangs, servers);
  result.probability_of_wait = c * blocking / (c - offered_erlangs * (1.0 - blocking));
  result.mean_wait_in_services = result.probability_of_wait / (c - offered_erlangs);
  return result;
}

double erlang_c_service_level(double offered_erlangs, int servers, double wait_in_services) noexcept {
  const ErlangC queue = erlang_c(offered_erlangs, servers);
  if (!queue.stable) return 0.0;
  return 1.0 - queue.probability_of_wait * std::exp(-(servers - offered_erlangs) * wait_in_services);
}

int erlang_c_servers_for_wait_probability(double offered_erlangs, double probability_of_wait) noexcept {
  int servers = static_cast<int>(std::floor(offered_erlangs)) + 1;
  while (erlang_c(offered_erlangs, servers).probability_of_wait > probability_of_wait) ++servers;
  return servers;
}

}  // namespace crisis::engine
