#pragma once
/// \file
/// The one thread that writes a sweep's results into its database (rank 0 only).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "experiments/sweep/sweep.hpp"
#include "results/sqlite_database.hpp"

namespace crisis::io::detail {

/// What the writer commits: a result row, or a point's final replication count.
struct WriterMessage {
  bool is_row = true;
  std::uint64_t point = 0;
  std::uint32_t replication = 0;
  std::vector<double> values;
  int replications = 0;
  int precision_met = -1;  ///< -1: NULL (no precision rule)
};

/// The one thread that writes the database. Messages carry sequence numbers fixed when the
/// work is issued; they are committed strictly in that order (a message waits for the ones
/// before it), several per transaction when several are ready. So the database always holds
/// a prefix of the issue order, and the order does not depend on thread timing.
class SweepWriter {
 public:
  SweepWriter(const std::string& path, std::size_t columns, std::uint64_t seed, const SweepOptions& options,
              SweepProgress progress);
  SweepWriter(const SweepWriter&) = delete;
  SweepWriter& operator=(const SweepWriter&) = delete;
  ~SweepWriter() { abandon(); }

  void submit(std::uint64_t sequence, WriterMessage message) {
    {
      std::lock_guard lock(mutex_);
      pending_.emplace(sequence, std::move(message));
    }
    wake_.notify_one();
  }

  /// Commit everything up to `end` (exclusive), then stop. Rethrows a writer failure.
  void finish(std::uint64_t end) {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      end_ = end;
    }
    wake_.notify_one();
    join();
    if (error_) std::rethrow_exception(error_);
  }

  /// Commit what is ready in order, then stop (used when the run fails half-way: finished rows
  /// are kept, so a restart does not redo them).
  void drain() {
    {
      std::lock_guard lock(mutex_);
      draining_ = true;
    }
    wake_.notify_one();
    join();
  }

  void abandon() {
    {
      std::lock_guard lock(mutex_);
      abandon_ = true;
    }
    wake_.notify_one();
    join();
  }

  /// The writer stopped on its own: the test hook's row limit, or a database failure.
  [[nodiscard]] bool halted() const noexcept { return halted_.load(); }
  [[nodiscard]] std::exception_ptr error() const { return error_; }
  [[nodiscard]] std::uint64_t rows_committed() const noexcept { return rows_committed_.load(); }

 private:
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  void loop();
  /// One transaction. Returns false when the test hook's row limit was reached.
  bool commit(const std::vector<WriterMessage>& batch);

  sqlite::Database db_;
  sqlite::Statement insert_;
  sqlite::Statement update_;
  std::uint64_t seed_;
  std::function<void(const SweepProgress&)> progress_callback_;
  std::uint64_t stop_after_;
  SweepProgress progress_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::uint64_t, WriterMessage> pending_;
  std::uint64_t next_ = 0;
  std::uint64_t end_ = 0;
  bool closing_ = false;
  bool draining_ = false;
  bool abandon_ = false;
  std::atomic<bool> halted_{false};
  std::atomic<std::uint64_t> rows_committed_{0};
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace crisis::io::detail
