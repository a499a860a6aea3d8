#include "app/progress.hpp"

#include <chrono>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <unistd.h>

namespace crisis::cli {

using Clock = std::chrono::steady_clock;

std::string duration_text(double seconds) {
  if (!(seconds >= 0.0) || seconds > 1e7) return "--";
  const auto total = static_cast<long long>(seconds + 0.5);
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

std::string progress_line(std::uint64_t done, std::uint64_t total, std::uint64_t resumed, double seconds,
                          std::string_view unit) {
  const double worked = static_cast<double>(done >= resumed ? done - resumed : 0);
  const double rate = seconds > 0.0 ? worked / seconds : 0.0;
  if (total == 0 || done > total) {
    // Not known ahead (or more than planned, e.g. a sweep's precision rule adds replications).
    return fmt::format("{} {}  {:.1f} {}/s  elapsed {}", done, unit, rate, unit, duration_text(seconds));
  }
  constexpr int kWidth = 24;
  const double share = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(share * kWidth);
  const double remaining = static_cast<double>(total - done);
  std::string line = "[";
  line.append(static_cast<std::size_t>(filled), '#');
  line.append(static_cast<std::size_t>(kWidth - filled), '.');
  line += fmt::format("] {:3.0f}% {}/{} {}  {:.1f} {}/s  ETA {}", std::floor(100.0 * share), done, total, unit, rate, unit,
                      done == total ? duration_text(0.0) : rate > 0.0 ? duration_text(remaining / rate) : std::string("--"));
  return line;
}

bool progress_wanted(const std::ostream& err, bool quiet) {
  return !quiet && &err == &std::cerr && ::isatty(STDERR_FILENO) != 0;
}

ProgressBar::ProgressBar(std::ostream& err, const engine::ProgressCounter& counter, std::string unit)
    : err_(err), counter_(counter), unit_(std::move(unit)), started_(Clock::now()) {
  printer_ = std::thread([this] { loop(); });
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::loop() {
  std::unique_lock lock(mutex_);
  // Quick work finishes before the first draw and prints nothing.
  if (wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; })) return;
  while (!stopping_) {
    draw(false);
    wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
  }
}

void ProgressBar::draw(bool final) {
  const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  err_ << '\r'
       << progress_line(counter_.done.load(std::memory_order_relaxed), counter_.total.load(std::memory_order_relaxed),
                        counter_.resumed.load(std::memory_order_relaxed), seconds, unit_)
       << "\033[K" << (final ? "\n" : "") << std::flush;
  drawn_ = !final;
}

void ProgressBar::finish() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (drawn_) draw(true);
  }
  wake_.notify_all();
  if (printer_.joinable()) printer_.join();
}

void ProgressBar::print_line(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (drawn_) err_ << "\r\033[K";
  err_ << line << "\n" << std::flush;
  if (drawn_) draw(false);
}

std::unique_ptr<ProgressBar> progress_bar_if_wanted(std::ostream& err, bool quiet, const engine::ProgressCounter& counter,
                                                    std::string unit) {
  if (!progress_wanted(err, quiet)) return nullptr;
  return std::make_unique<ProgressBar>(err, counter, std::move(unit));
}

}  // namespace crisis::cli
