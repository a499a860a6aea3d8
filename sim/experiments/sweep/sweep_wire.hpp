#pragma once
/// \file
/// The bytes a sweep's ranks exchange through a SweepTransport (MPI). Rank 0 broadcasts a
/// plan: a round's tasks ('T'), the end ('F') or an abort with an exit code ('A'). Every rank
/// answers with its rows ('K') or a failure ('E', exit code, message). Numbers travel in the
/// machine's own byte order: every rank of an MPI job runs the same binary.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/errors.hpp"

namespace crisis::io::detail {

/// One replication of one point: the unit of work.
struct Task {
  std::uint64_t point = 0;
  std::uint32_t replication = 0;
};

/// What rank 0 tells the other ranks.
struct Plan {
  enum class Kind { tasks, finished, abort };
  Kind kind = Kind::tasks;
  std::vector<Task> tasks;  ///< Kind::tasks
  int exit_code = 0;        ///< Kind::abort
};

std::string encode_tasks(const std::vector<Task>& tasks);
std::string encode_finished();
std::string encode_abort(int exit_code);
/// Throws InvariantError on truncated bytes.
Plan decode_plan(const std::string& bytes);

/// What a rank answers: its rows (each `columns` long), or the failure that stopped it.
struct Reply {
  bool failed = false;
  int exit_code = 0;    ///< when failed: 2 for bad input, 1 otherwise
  std::string message;  ///< when failed
  std::vector<std::vector<double>> rows;
};

std::string encode_rows(const std::vector<std::vector<double>>& rows);
std::string encode_failure(int exit_code, const std::string& message);
/// Throws InvariantError on truncated bytes.
Reply decode_reply(const std::string& bytes, std::size_t columns);

/// A failure on one rank, carried to the others so every rank exits with the same code.
class RemoteFailure : public Error {
 public:
  RemoteFailure(int exit_code, const std::string& message) : Error(message), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace crisis::io::detail
