#include "experiments/sweep/sweep_writer.hpp"

#include "experiments/sweep/sweep_store.hpp"

namespace crisis::io::detail {
namespace {

/// Rows committed per transaction at most (a transaction commits whatever is ready).
constexpr std::size_t kMaxBatch = 1024;

std::string insert_sql(std::size_t columns) {
  std::string sql = "INSERT INTO results VALUES (?, ?, ?";
  for (std::size_t c = 0; c < columns; ++c) sql += ", ?";
  return sql + ")";
}

}  // namespace

SweepWriter::SweepWriter(const std::string& path, std::size_t columns, std::uint64_t seed, const SweepOptions& options,
                         SweepProgress progress)
    : db_(path, sqlite::Access::read_write, sweep_database_wording()),
      insert_(db_, insert_sql(columns)),
      update_(db_, "UPDATE points SET replications = ?, precision_met = ? WHERE point = ?"),
      seed_(seed),
      progress_callback_(options.progress),
      stop_after_(options.stop_after_rows),
      progress_(progress) {
  db_.exec("PRAGMA synchronous = NORMAL");
  thread_ = std::thread([this] { loop(); });
}

void SweepWriter::loop() {
  for (;;) {
    std::vector<WriterMessage> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock,
                 [&] { return abandon_ || draining_ || pending_.count(next_) > 0 || (closing_ && next_ >= end_); });
      if (abandon_) return;
      for (auto found = pending_.find(next_); found != pending_.end() && batch.size() < kMaxBatch;
           found = pending_.find(next_)) {
        batch.push_back(std::move(found->second));
        pending_.erase(found);
        ++next_;
      }
      if (batch.empty()) return;  // closing and done, or draining and nothing in order is ready
    }
    try {
      if (!commit(batch)) return;
    } catch (...) {
      error_ = std::current_exception();
      halted_ = true;
      return;
    }
  }
}

bool SweepWriter::commit(const std::vector<WriterMessage>& batch) {
  db_.exec("BEGIN IMMEDIATE");
  std::uint64_t rows = 0;
  bool limit_reached = false;
  try {
    for (const WriterMessage& message : batch) {
      if (message.is_row) {
        insert_.bind_int64(1, static_cast<std::int64_t>(message.point));
        insert_.bind_int64(2, message.replication);
        insert_.bind_int64(3, static_cast<std::int64_t>(seed_));
        for (std::size_t c = 0; c < message.values.size(); ++c)
          insert_.bind_double(static_cast<int>(c + 4), message.values[c]);
        insert_.step();
        insert_.reset();
        ++rows;
        if (stop_after_ > 0 && rows_committed_.load() + rows >= stop_after_) {
          limit_reached = true;
          break;
        }
      } else {
        update_.bind_int64(1, message.replications);
        if (message.precision_met < 0) {
          update_.bind_null(2);
        } else {
          update_.bind_int64(2, message.precision_met);
        }
        update_.bind_int64(3, static_cast<std::int64_t>(message.point));
        update_.step();
        update_.reset();
      }
    }
    db_.exec("COMMIT");
  } catch (...) {
    insert_.reset();
    update_.reset();
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // the original error is the one to report
    }
    throw;
  }
  rows_committed_ += rows;
  progress_.rows_done += rows;
  if (progress_callback_) progress_callback_(progress_);
  if (limit_reached) {
    halted_ = true;
    return false;
  }
  return true;
}

}  // namespace crisis::io::detail
