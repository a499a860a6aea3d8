#pragma once
/// \file
/// What a finished sweep writes besides its database: DIR/points.csv, one line per point
/// with each result column's mean and 95% interval. (The warm-up advice, also an output, is
/// declared in sweep.hpp.)

#include <string>
#include <vector>

#include "experiments/sweep/sweep.hpp"
#include "results/sqlite_database.hpp"

namespace crisis::io::detail {

/// Write DIR/points.csv from the database's points and results tables, atomically: under a
/// temporary name first, renamed when complete, so a killed run never leaves a points.csv
/// that looks finished.
void write_points_csv(sqlite::Database& db, const std::string& out_dir, const SweepDefinition& definition,
                      const std::vector<std::string>& columns, bool has_precision);

}  // namespace crisis::io::detail
