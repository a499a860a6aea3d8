// The sweep's front door: run_sweep puts the pieces together. Reading the file is in
// sweep_definition.cpp, the points in sweep_design.cpp, the checks before the run in
// sweep_plan.cpp, the database in sweep_store.cpp and sweep_writer.cpp, the work in
// sweep_scheduler.cpp (with sweep_wire.cpp for MPI), points.csv and the warm-up advice in
// sweep_outputs.cpp.
#include "experiments/sweep/sweep.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include "engine/errors.hpp"
#include "experiments/sweep/sweep_outputs.hpp"
#include "experiments/sweep/sweep_plan.hpp"
#include "experiments/sweep/sweep_scheduler.hpp"
#include "experiments/sweep/sweep_store.hpp"
#include "experiments/sweep/sweep_wire.hpp"
#include "experiments/sweep/sweep_writer.hpp"

namespace crisis::io {
namespace {

namespace fs = std::filesystem;
using detail::RemoteFailure;

/// Rank 0 opens the database and tells the other ranks whether that worked; every rank gets
/// the store (rank 0) or nullptr. Throws on every rank when the opening failed.
std::unique_ptr<detail::SweepStore> open_store_on_rank0(const SweepDefinition& definition, const SweepPoints& points,
                                                        const detail::SweepPlan& plan, const SweepOptions& options) {
  SweepTransport* transport = options.transport;
  const auto broadcast = [&](std::string& bytes) {
    if (transport) transport->broadcast(bytes);
  };
  std::string status;
  std::unique_ptr<detail::SweepStore> store;
  if (!transport || transport->rank() == 0) {
    try {
      store = std::make_unique<detail::SweepStore>(options.out_dir, definition, points, plan.identity);
      status = "ok";
    } catch (const InputError&) {
      status = detail::encode_abort(2);
      broadcast(status);
      throw;
    } catch (...) {
      status = detail::encode_abort(1);
      broadcast(status);
      throw;
    }
  }
  broadcast(status);
  if (status != "ok")
    throw RemoteFailure(status.size() > 1 ? status[1] : 1, "rank 0 could not open the sweep database");
  return store;
}

SweepReport run(const SweepDefinition& definition, const world::ModelRegistry& registry, const SweepOptions& options) {
  if (options.out_dir.empty()) {
    throw InputError(InputProblem{"", 0, 0, "--out",
                                  "a sweep needs --out DIR: its results go to DIR/sweep.sqlite and DIR/points.csv"});
  }
  const SweepPoints points(definition);
  const detail::PointLoader loader(definition, points, registry);
  // Every rank: the same checks give the same errors everywhere.
  const detail::SweepPlan plan = detail::plan_sweep(definition, points, loader, registry);
  // More threads than TBB will run only earns a warning on stderr; results do not depend on it.
  const int available = tbb::info::default_concurrency();
  const int concurrency = options.threads > 0 ? std::min(options.threads, available) : tbb::task_arena::automatic;
  tbb::task_arena arena(concurrency);
  SweepReport report;
  report.points = points.size();
  report.measures = plan.identity.columns;

  const std::unique_ptr<detail::SweepStore> store = open_store_on_rank0(definition, points, plan, options);
  std::atomic<bool> stop{false};
  if (!store) {
    detail::SweepScheduler(definition, points.size(), loader, plan, options.transport, arena, nullptr, nullptr, stop)
        .follow();
    return report;
  }

  report.database = store->path();
  report.rows_resumed = store->count_rows();
  SweepProgress progress;
  progress.rows_resumed = report.rows_resumed;
  progress.rows_done = report.rows_resumed;
  progress.rows_planned =
      static_cast<std::uint64_t>(points.size()) * static_cast<std::uint64_t>(plan.identity.replications);
  auto writer = std::make_unique<detail::SweepWriter>(store->path(), plan.identity.columns.size(), plan.identity.seed,
                                                      options, progress);
  if (options.progress) options.progress(progress);
  try {
    detail::SweepScheduler(definition, points.size(), loader, plan, options.transport, arena, store.get(), writer.get(),
                           stop)
        .lead();
  } catch (...) {
    stop = true;
    writer->drain();  // keep every finished row: a restart resumes after them
    throw;
  }
  if (writer->halted()) {
    const std::exception_ptr error = writer->error();
    writer->abandon();
    if (error) std::rethrow_exception(error);
    report.rows_run = writer->rows_committed();
    report.rows_total = report.rows_resumed + report.rows_run;
    return report;  // the test hook: stopped as if killed
  }
  report.rows_run = writer->rows_committed();
  writer.reset();

  store->mark_complete();
  report.rows_total = store->count_rows();
  report.points_short_of_precision = store->points_short_of_precision();
  std::tie(report.replications_min, report.replications_max) = store->replication_range();
  detail::write_points_csv(store->database(), options.out_dir, definition, plan.identity.columns, plan.has_precision);
  report.points_csv = (fs::path(options.out_dir) / "points.csv").string();
  report.completed = true;
  store->checkpoint();
  return report;
}

}  // namespace

SweepReport run_sweep(const SweepDefinition& definition, const world::ModelRegistry& registry,
                      const SweepOptions& options) {
  try {
    return run(definition, registry, options);
  } catch (const RemoteFailure& failure) {
    if (failure.exit_code() == 2) throw InputError(InputProblem{"", 0, 0, "", failure.what()});
    throw Error(failure.what());
  }
}

}  // namespace crisis::io
