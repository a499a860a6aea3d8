#pragma once
/// \file
/// The progress bar of long commands (run, compare, sweep, size, fit): a bar, done/total,
/// rate and ETA on one line of stderr, redrawn by one printer thread while workers only bump
/// an atomic counter (engine::ProgressCounter). Shown only where a person watches: the real
/// stderr, on a terminal, without --quiet. It never touches stdout or output files, so
/// results are the same with or without it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "engine/progress.hpp"

namespace crisis::cli {

/// The text of the bar for `done` of `total` units (`total` 0: not known ahead, so no bar and
/// no ETA), after `seconds`; `resumed` of `done` came from an earlier run and are not part of
/// the rate. E.g. "[######..................]  25% 10/40 replications  3.3 replications/s  ETA 0:09".
std::string progress_line(std::uint64_t done, std::uint64_t total, std::uint64_t resumed, double seconds,
                          std::string_view unit);

/// "0:09", "12:05", "1:02:03"; "--" when not finite, negative or absurd.
std::string duration_text(double seconds);

/// True when a bar belongs on `err`: it is std::cerr, stderr is a terminal and not `quiet`.
bool progress_wanted(const std::ostream& err, bool quiet);

class ProgressBar {
 public:
  /// Start drawing `counter` on `err` (first after a fifth of a second, so quick work stays
  /// silent; then every tenth). `unit` names what is counted, plural ("replications").
  ProgressBar(std::ostream& err, const engine::ProgressCounter& counter, std::string unit);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();  ///< finish()

  /// Draw the final state (when anything was drawn), end the line and stop the printer.
  void finish();
  /// Print a whole line of log above the bar (the bar is redrawn below it).
  void print_line(const std::string& line);

 private:
  void loop();
  void draw(bool final);  // mutex_ held

  std::ostream& err_;
  const engine::ProgressCounter& counter_;
  std::string unit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
  std::thread printer_;
};

/// A bar on `err` when progress_wanted(err, quiet), else nothing: the usual way to start one.
std::unique_ptr<ProgressBar> progress_bar_if_wanted(std::ostream& err, bool quiet, const engine::ProgressCounter& counter,
                                                    std::string unit);

}  // namespace crisis::cli
