#include "experiments/sweep/sweep_scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <span>

#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>

#include "engine/statistics.hpp"
#include "engine/thread_sanitizer.hpp"

namespace crisis::io::detail {
namespace {

/// (point, replication) tasks issued per chunk of points: enough to keep many threads busy,
/// few enough that a chunk's bookkeeping stays small. Fixed rather than derived from
/// --threads, so rows are committed in the same order whatever the thread count.
constexpr std::size_t kChunkTasks = 512;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// One point's world within a round, built by the first task that needs it and dropped by
/// the last, so at most about one world per thread is alive at a time.
struct PointWorld {
  std::once_flag once;
  std::unique_ptr<world::World> world;
  std::vector<int> column_of_measure;  ///< world measure index -> result column, or -1
  std::atomic<int> tasks_left{0};
};

}  // namespace

/// A chunk of points [first, first + count): which replications the database holds, and the
/// values the precision rule needs, indexed by replication; grown as replications are added
/// (never to the cap up front).
struct SweepScheduler::Chunk {
  Chunk(std::size_t first_point, std::size_t points, std::size_t targets, int replications)
      : first(first_point),
        count(points),
        present(points),
        values(points, std::vector<std::vector<double>>(targets)),
        target(points, replications),
        met(points, -1) {
    for (std::size_t p = 0; p < count; ++p) make_room(p, static_cast<std::size_t>(replications));
  }
  void make_room(std::size_t p, std::size_t replications) {
    if (present[p].size() >= replications) return;
    present[p].resize(replications, 0);
    for (auto& column : values[p]) column.resize(replications, kNaN);
  }
  /// A row now known (computed or stored): `row` holds every result column.
  void record(const Task& task, const std::vector<double>& row, const std::vector<int>& precision_columns) {
    present[task.point - first][task.replication] = 1;
    for (std::size_t t = 0; t < precision_columns.size(); ++t) {
      values[task.point - first][t][task.replication] = row[static_cast<std::size_t>(precision_columns[t])];
    }
  }
  /// The tasks each point still needs to reach its target.
  [[nodiscard]] std::vector<Task> missing() const {
    std::vector<Task> tasks;
    for (std::size_t p = 0; p < count; ++p) {
      for (int r = 0; r < target[p]; ++r) {
        if (!present[p][static_cast<std::size_t>(r)]) tasks.push_back({first + p, static_cast<std::uint32_t>(r)});
      }
    }
    return tasks;
  }

  std::size_t first;
  std::size_t count;
  std::vector<std::vector<char>> present;
  std::vector<std::vector<std::vector<double>>> values;  ///< [point][precision target][replication]
  std::vector<int> target;                               ///< replications each point runs to
  std::vector<int> met;                                  ///< precision met: 1, 0, or -1 (no rule)
};

SweepScheduler::SweepScheduler(const SweepDefinition& definition, std::size_t points, const PointLoader& loader,
                               const SweepPlan& plan, SweepTransport* transport, tbb::task_arena& arena,
                               SweepStore* store, SweepWriter* writer, const std::atomic<bool>& stop)
    : definition_(definition),
      loader_(loader),
      plan_(plan),
      transport_(transport),
      arena_(arena),
      store_(store),
      writer_(writer),
      stop_(stop),
      points_(points),
      rank_(transport ? transport->rank() : 0),
      ranks_(transport ? transport->size() : 1) {}

void SweepScheduler::follow() {
  for (;;) {
    std::string bytes;
    broadcast(bytes);
    const Plan plan = decode_plan(bytes);
    if (plan.kind == Plan::Kind::finished) return;
    if (plan.kind == Plan::Kind::abort) throw RemoteFailure(plan.exit_code, "stopped by rank 0");
    std::uint64_t first = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t last = 0;
    for (const Task& task : plan.tasks) {
      first = std::min(first, task.point);
      last = std::max(last, task.point + 1);
    }
    std::string reply;
    try {
      reply = encode_rows(compute_round(plan.tasks, first, last, 0));
    } catch (const InputError& error) {
      reply = encode_failure(2, error.what());
    } catch (const std::exception& error) {
      reply = encode_failure(1, error.what());
    }
    (void)transport_->gather(reply);
  }
}

void SweepScheduler::lead() {
  const std::size_t chunk_points = std::max<std::size_t>(
      1, std::min<std::size_t>(256, kChunkTasks / static_cast<std::size_t>(plan_.identity.replications)));
  std::uint64_t sequence = 0;
  for (std::size_t first = 0; first < points_; first += chunk_points) {
    if (!run_chunk(first, std::min(points_, first + chunk_points), sequence)) return;
  }
  std::string finished = encode_finished();
  broadcast(finished);
  writer_->finish(sequence);
}

bool SweepScheduler::run_chunk(std::size_t first, std::size_t last, std::uint64_t& sequence) {
  const int max_replications = plan_.max_replications();
  Chunk chunk(first, last - first, plan_.precision_columns.size(), plan_.identity.replications);
  std::vector<std::string> precision_names;
  for (int c : plan_.precision_columns) precision_names.push_back(plan_.identity.columns[static_cast<std::size_t>(c)]);
  store_->read_rows(first, last, precision_names,
                    [&](std::size_t point, std::size_t r, std::span<const double> stored) {
                      if (r >= static_cast<std::size_t>(max_replications)) return;
                      const std::size_t p = point - first;
                      chunk.make_room(p, r + 1);
                      chunk.present[p][r] = 1;
                      for (std::size_t t = 0; t < stored.size(); ++t) chunk.values[p][t][r] = stored[t];
                    });
  for (;;) {
    const std::vector<Task> tasks = chunk.missing();
    if (!tasks.empty()) {
      // Under MPI a round goes out in slices of a few tasks per thread, so the other ranks'
      // rows reach rank 0, and the database, as the round proceeds rather than at its end (a
      // kill then loses at most a slice). The sequence numbers, and so the commit order and
      // the results, are the same however the round is sliced.
      const std::size_t slice =
          transport_ ? static_cast<std::size_t>(ranks_) * 4 * static_cast<std::size_t>(arena_.max_concurrency())
                     : tasks.size();
      for (std::size_t offset = 0; offset < tasks.size(); offset += slice) {
        const std::vector<Task> part(
            tasks.begin() + static_cast<std::ptrdiff_t>(offset),
            tasks.begin() + static_cast<std::ptrdiff_t>(std::min(tasks.size(), offset + slice)));
        run_slice(chunk, part, sequence + offset);
        if (writer_->halted()) break;
      }
      sequence += tasks.size();
      if (writer_->halted()) return false;
    }
    if (!plan_.has_precision) break;
    bool more = false;
    for (std::size_t p = 0; p < chunk.count; ++p) {
      chunk.met[p] = precision_met(chunk.values[p], chunk.target[p]) ? 1 : 0;
      if (!chunk.met[p] && chunk.target[p] < max_replications) {
        chunk.target[p] = std::min(max_replications, chunk.target[p] + plan_.precision.batch);
        chunk.make_room(p, static_cast<std::size_t>(chunk.target[p]));
        more = true;
      }
    }
    if (!more) break;
  }
  for (std::size_t p = 0; p < chunk.count; ++p) {
    WriterMessage message;
    message.is_row = false;
    message.point = first + p;
    message.replications = chunk.target[p];
    message.precision_met = plan_.has_precision ? chunk.met[p] : -1;
    writer_->submit(sequence++, std::move(message));
  }
  return true;
}

void SweepScheduler::run_slice(Chunk& chunk, const std::vector<Task>& part, std::uint64_t base) {
  std::string plan = encode_tasks(part);
  broadcast(plan);
  std::vector<std::vector<double>> rows;
  std::string failure;
  try {
    rows = compute_round(part, chunk.first, chunk.first + chunk.count, base);
  } catch (const InputError& error) {
    if (!transport_) throw;
    failure = encode_failure(2, error.what());
  } catch (const std::exception& error) {
    if (!transport_) throw;
    failure = encode_failure(1, error.what());
  }
  if (transport_) {
    // Rank 0's own rows stay here; it sends only whether it failed.
    const std::vector<std::string> bytes = transport_->gather(failure.empty() ? encode_rows({}) : failure);
    std::vector<Reply> replies;
    for (const std::string& reply : bytes) replies.push_back(decode_reply(reply, plan_.identity.columns.size()));
    for (std::size_t from = 0; from < replies.size(); ++from) {
      if (!replies[from].failed) continue;
      std::string abort = encode_abort(replies[from].exit_code);
      broadcast(abort);
      const std::string message = replies[from].message + (from ? fmt::format(" (on rank {})", from) : "");
      if (replies[from].exit_code == 2) throw InputError(InputProblem{"", 0, 0, "", message});
      throw Error(message);
    }
    // Rows from the other ranks, in their task order (task i ran on rank i mod ranks).
    for (std::size_t from = 1; from < replies.size(); ++from) {
      for (std::size_t k = 0; k < replies[from].rows.size(); ++k) {
        const Task& task = part[from + k * static_cast<std::size_t>(ranks_)];
        WriterMessage message;
        message.point = task.point;
        message.replication = task.replication;
        message.values = replies[from].rows[k];
        writer_->submit(base + from + k * static_cast<std::size_t>(ranks_), std::move(message));
        chunk.record(task, replies[from].rows[k], plan_.precision_columns);
      }
    }
  }
  // This rank's rows (all of them in a single process).
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (rows[k].empty()) continue;  // skipped: the writer stopped
    chunk.record(part[k * static_cast<std::size_t>(ranks_)], rows[k], plan_.precision_columns);
  }
}

std::vector<std::vector<double>> SweepScheduler::compute_round(const std::vector<Task>& tasks, std::size_t first_point,
                                                               std::size_t last_point, std::uint64_t first_sequence) {
  // This rank's share: task i runs on rank i mod ranks.
  std::vector<std::size_t> mine;
  for (std::size_t i = static_cast<std::size_t>(rank_); i < tasks.size(); i += static_cast<std::size_t>(ranks_)) {
    mine.push_back(i);
  }
  std::vector<std::unique_ptr<PointWorld>> worlds(last_point - first_point);
  for (auto& slot : worlds) slot = std::make_unique<PointWorld>();
  for (std::size_t i : mine) ++worlds[tasks[i].point - first_point]->tasks_left;
  std::vector<std::vector<double>> rows(mine.size());
  const std::size_t columns = plan_.identity.columns.size();
  const auto run_task = [&](std::size_t k) {
    const engine::TsanTask in_task;
    if (stop_.load() || (writer_ && writer_->halted())) return;
    const Task& task = tasks[mine[k]];
    PointWorld& slot = *worlds[task.point - first_point];
    std::call_once(slot.once, [&] {
      slot.world = std::make_unique<world::World>(loader_.load(task.point));
      slot.column_of_measure = column_map(definition_, plan_, loader_, *slot.world, task.point);
    });
    const world::ReplicationResult result = slot.world->run_replication(plan_.identity.seed, task.replication, false);
    std::vector<double> row(columns, kNaN);
    for (std::size_t m = 0; m < slot.column_of_measure.size(); ++m) {
      if (slot.column_of_measure[m] >= 0) row[static_cast<std::size_t>(slot.column_of_measure[m])] = result.measures[m];
    }
    if (writer_) {
      WriterMessage message;
      message.point = task.point;
      message.replication = task.replication;
      message.values = row;
      writer_->submit(first_sequence + mine[k], std::move(message));
    }
    rows[k] = std::move(row);
    if (--slot.tasks_left == 0) slot.world.reset();
  };
  {
    // TBB's hand-off and join, for ThreadSanitizer. Outside execute(): the arena may run the
    // loop on one of its own threads, and everything written above must reach the tasks.
    const engine::TsanForkJoin fork_join;
    arena_.execute([&] { tbb::parallel_for(std::size_t{0}, mine.size(), run_task); });
  }
  return rows;
}

bool SweepScheduler::precision_met(const std::vector<std::vector<double>>& values_by_target, int replications) const {
  for (std::size_t t = 0; t < plan_.precision.targets.size(); ++t) {
    const std::span<const double> values(values_by_target[t].data(), static_cast<std::size_t>(replications));
    const engine::ReplicationSummary summary = engine::summarize_replications(values);
    if (summary.count < 2 || !std::isfinite(summary.half_width)) return false;
    const PrecisionTarget& target = plan_.precision.targets[t];
    const double limit = target.relative ? target.tolerance * std::abs(summary.mean) : target.tolerance;
    if (summary.half_width > limit) return false;
  }
  return true;
}

}  // namespace crisis::io::detail
