// The bytes a sweep's MPI ranks exchange: every message decodes to what was encoded,
// without MPI.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "experiments/sweep/sweep_wire.hpp"

using crisis::io::detail::Plan;
using crisis::io::detail::Task;

TEST_CASE("a round's tasks survive the trip between ranks in order") {
  const std::vector<Task> tasks = {{0, 0}, {7, 3}, {123456789012ULL, 4000000000U}};
  const Plan plan = crisis::io::detail::decode_plan(crisis::io::detail::encode_tasks(tasks));
  REQUIRE(plan.kind == Plan::Kind::tasks);
  REQUIRE(plan.tasks.size() == tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    CHECK(plan.tasks[i].point == tasks[i].point);
    CHECK(plan.tasks[i].replication == tasks[i].replication);
  }
  CHECK(crisis::io::detail::decode_plan(crisis::io::detail::encode_tasks({})).tasks.empty());
}

TEST_CASE("the end of the run and an abort carry their kind and exit code") {
  CHECK(crisis::io::detail::decode_plan(crisis::io::detail::encode_finished()).kind == Plan::Kind::finished);
  const Plan abort = crisis::io::detail::decode_plan(crisis::io::detail::encode_abort(2));
  CHECK(abort.kind == Plan::Kind::abort);
  CHECK(abort.exit_code == 2);
}

TEST_CASE("rows come back bit for bit, NaN and infinities included") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::vector<double>> rows = {{1.5, -0.0, nan}, {std::numeric_limits<double>::infinity(), 1e-300, 42.0}};
  const auto reply = crisis::io::detail::decode_reply(crisis::io::detail::encode_rows(rows), 3);
  CHECK_FALSE(reply.failed);
  REQUIRE(reply.rows.size() == 2);
  CHECK(reply.rows[0][0] == 1.5);
  CHECK(std::signbit(reply.rows[0][1]));
  CHECK(std::isnan(reply.rows[0][2]));
  CHECK(reply.rows[1] == std::vector<double>(rows[1]));
}

TEST_CASE("a failure carries its exit code and message") {
  const auto reply = crisis::io::detail::decode_reply(crisis::io::detail::encode_failure(2, "bad value at point 3"), 5);
  CHECK(reply.failed);
  CHECK(reply.exit_code == 2);
  CHECK(reply.message == "bad value at point 3");
}

TEST_CASE("a truncated message is an invariant error, not garbage") {
  std::string bytes = crisis::io::detail::encode_rows({{1.0, 2.0}});
  bytes.pop_back();
  CHECK_THROWS_AS(crisis::io::detail::decode_reply(bytes, 2), crisis::InvariantError);
  CHECK_THROWS_AS(crisis::io::detail::decode_plan(""), crisis::InvariantError);
}
