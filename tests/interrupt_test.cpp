// Ctrl-C and kill: the built crisis-sim executable, interrupted, exits 128 + the signal
// number and leaves nothing behind that looks complete (DESIGN.md, "Contracts": never a
// partial output file presented as complete). Files are written whole under a temporary
// name and renamed into place, summary.json last; the signal handler removes the temporary
// file being written. These tests run the real executable (CRISIS_SIM_BINARY, from
// tests/CMakeLists.txt), because the signal handling lives in its main().
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.hpp"
#include "app/cli.hpp"

extern char** environ;

namespace {

using crisis::testing::TemporaryFolder;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kBaseline = std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml";


std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The file names in `folder` (none when it does not exist).
std::vector<std::string> entries(const fs::path& folder) {
  std::vector<std::string> names;
  std::error_code error;
  if (!fs::exists(folder, error)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  return names;
}

/// crisis-sim running as a child process, its stdout and stderr going to files in `logs`.
class Child {
 public:
  Child(const std::vector<std::string>& arguments, const fs::path& logs) : stderr_path_(logs / "stderr.txt") {
    std::vector<std::string> all = {CRISIS_SIM_BINARY};
    all.insert(all.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& argument : all) argv.push_back(argument.data());
    argv.push_back(nullptr);
    const std::string stdout_path = (logs / "stdout.txt").string();
    const std::string stderr_path = stderr_path_.string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int error = posix_spawn(&pid_, all.front().c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(error == 0, "cannot start " << CRISIS_SIM_BINARY << ": " << std::strerror(error));
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!reaped_) {  // a failed check left it running: do not leave it behind
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  /// True once the process has ended (its status is then in status()).
  bool finished() {
    if (reaped_) return true;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }

  /// Wait up to `limit` for the process to end; false when it is still running.
  bool wait_for(std::chrono::duration<double> limit) {
    const auto deadline = Clock::now() + limit;
    while (!finished()) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  void signal(int number) const { ::kill(pid_, number); }

  /// The exit code as a shell reports it: 128 + N when killed by signal N. (A signal that
  /// comes before main() has installed its handler takes the default action: the same code.)
  [[nodiscard]] int exit_code() const {
    if (WIFEXITED(status_)) return WEXITSTATUS(status_);
    return WIFSIGNALED(status_) ? 128 + WTERMSIG(status_) : -1;
  }
  [[nodiscard]] std::string error_output() const { return read_text(stderr_path_); }

 private:
  fs::path stderr_path_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

/// `crisis-sim ARGUMENTS` in this process; the exit code.
int run_in_process(const std::vector<std::string>& arguments) {
  std::vector<const char*> argv = {"crisis-sim"};
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  std::ostringstream out;
  std::ostringstream err;
  const int code = crisis::cli::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  INFO("stderr: " << err.str());
  return code;
}

/// A run far too long to finish during a test (minutes even in a Release build).
std::vector<std::string> long_run(const fs::path& out_dir) {
  return {"run", kBaseline, "--replications", "2000", "--threads", "2", "--quiet", "--calls", "--out", out_dir.string()};
}

/// Start a long run, let it get going, send `signal_number`, and check what it leaves.
void interrupt_mid_run(int signal_number) {
  TemporaryFolder folder;
  const fs::path out_dir = folder.path() / "results";
  Child child(long_run(out_dir), folder.path());
  // Loading takes milliseconds; after a second the replications are running.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  REQUIRE_MESSAGE(!child.finished(), "crisis-sim ended before it could be interrupted: " << child.error_output());
  child.signal(signal_number);
  REQUIRE_MESSAGE(child.wait_for(std::chrono::seconds(30)), "crisis-sim did not stop within 30 s of the signal");
  INFO("stderr: " << child.error_output());
  CHECK(child.exit_code() == 128 + signal_number);
  CHECK(child.error_output().find("interrupted") != std::string::npos);
  // Nothing was ready to write, so nothing is there: no result, no temporary file.
  for (const auto& name : entries(out_dir)) FAIL_CHECK("left behind: " << name);
}

}  // namespace

TEST_CASE("Ctrl-C during a run with --out exits 130 and leaves no file behind") { interrupt_mid_run(SIGINT); }

TEST_CASE("a kill (SIGTERM) during a run with --out exits 143 and leaves no file behind") { interrupt_mid_run(SIGTERM); }

TEST_CASE("an interrupt at any moment of a run leaves either the whole set of files or no summary and no partial file") {
  // Time an uninterrupted run first, then interrupt the same run at points spread over that
  // time: during loading, the replications, and the writing of the files.
  TemporaryFolder folder;
  const std::vector<std::string> base = {"run",      kBaseline, "--horizon-days", "20", "--warmup-days", "2", "--replications",
                                         "4",        "--threads", "2",            "--quiet", "--calls"};
  auto arguments_for = [&](const fs::path& out_dir) {
    std::vector<std::string> arguments = base;
    arguments.insert(arguments.end(), {"--out", out_dir.string()});
    return arguments;
  };
  const fs::path whole_dir = folder.path() / "whole";
  const auto started = Clock::now();
  {
    Child child(arguments_for(whole_dir), folder.path());
    REQUIRE(child.wait_for(std::chrono::minutes(5)));
    INFO("stderr: " << child.error_output());
    REQUIRE(child.exit_code() == 0);
  }
  const std::chrono::duration<double> whole = Clock::now() - started;
  CHECK(fs::is_regular_file(whole_dir / "summary.json"));
  CHECK(entries(whole_dir).size() == 4);

  constexpr int kPoints = 12;
  int interrupted = 0;
  for (int k = 0; k < kPoints; ++k) {
    const fs::path out_dir = folder.path() / ("cut-" + std::to_string(k));
    Child child(arguments_for(out_dir), folder.path());
    std::this_thread::sleep_for(whole * (static_cast<double>(k) + 0.5) / kPoints);
    child.signal(SIGINT);
    REQUIRE(child.wait_for(std::chrono::minutes(5)));
    INFO("interrupted at " << k + 1 << "/" << kPoints << " of the run; stderr: " << child.error_output());
    const std::vector<std::string> names = entries(out_dir);
    for (const auto& name : names) CHECK_MESSAGE(name.find(".partial-") == std::string::npos, "left behind: " << name);
    if (child.exit_code() == 0) {  // the signal came after the run had ended
      CHECK(names.size() == 4);
      continue;
    }
    ++interrupted;
    CHECK(child.exit_code() == 130);
    // summary.json is renamed into place last: when it is there, so is the whole set (the
    // signal came after the writing, as the program was finishing).
    if (fs::exists(out_dir / "summary.json")) CHECK(names.size() == 4);
  }
  CHECK(interrupted > 0);
}

TEST_CASE("a run into a folder with an earlier run's files removes the earlier summary before replacing anything") {
  // The second run fails half-way through writing (replications.csv cannot be replaced: a
  // folder is in the way). The earlier summary.json must not be left to vouch for the mix.
  TemporaryFolder folder;
  const fs::path out_dir = folder.path() / "results";
  const std::vector<std::string> quick = {"run", kBaseline, "--horizon-days", "3", "--warmup-days", "1", "--replications", "2",
                                          "--quiet", "--out", out_dir.string()};
  std::vector<std::string> with_calls = quick;
  with_calls.push_back("--calls");
  REQUIRE(run_in_process(with_calls) == 0);
  REQUIRE(fs::is_regular_file(out_dir / "summary.json"));
  fs::remove(out_dir / "replications.csv");
  fs::create_directories(out_dir / "replications.csv" / "in_the_way");
  CHECK(run_in_process(with_calls) == 1);
  CHECK_FALSE(fs::exists(out_dir / "summary.json"));
  for (const auto& name : entries(out_dir)) CHECK_MESSAGE(name.find(".partial-") == std::string::npos, "left behind: " << name);
}

TEST_CASE("a run without --calls into a folder with an earlier run's calls.csv removes it") {
  TemporaryFolder folder;
  const fs::path out_dir = folder.path() / "results";
  const std::vector<std::string> quick = {"run", kBaseline, "--horizon-days", "3", "--warmup-days", "1", "--replications", "2",
                                          "--quiet", "--out", out_dir.string()};
  std::vector<std::string> with_calls = quick;
  with_calls.push_back("--calls");
  REQUIRE(run_in_process(with_calls) == 0);
  REQUIRE(fs::is_regular_file(out_dir / "calls.csv"));
  REQUIRE(run_in_process(quick) == 0);
  CHECK(fs::is_regular_file(out_dir / "summary.json"));
  CHECK(fs::is_regular_file(out_dir / "replications.csv"));
  CHECK_FALSE(fs::exists(out_dir / "calls.csv"));  // it belonged to the earlier run
}
