// The progress bar of long commands (sim/app/progress.hpp): its text, that it draws only on a
// terminal, and that every long command takes --quiet.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>
#include <unistd.h>

#include "app/progress.hpp"
#include "test_support.hpp"

namespace {

using crisis::cli::duration_text;
using crisis::cli::progress_line;
using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;

const std::string kBaseline = std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml";

/// Everything the real executable writes to stderr when stderr is a pseudo-terminal.
std::string stderr_on_a_terminal(const std::vector<std::string>& arguments) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  const std::string slave_name = ::ptsname(master);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const int slave = ::open(slave_name.c_str(), O_RDWR);
    const int null = ::open("/dev/null", O_WRONLY);
    if (slave < 0 || null < 0) ::_exit(127);
    ::dup2(slave, STDERR_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::close(master);
    std::vector<char*> argv;
    std::string program = CRISIS_SIM_BINARY;
    argv.push_back(program.data());
    std::vector<std::string> copies = arguments;
    for (auto& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    text.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(master);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  return text;
}

}  // namespace

TEST_CASE("the bar shows done/total, percent, rate and ETA") {
  CHECK(progress_line(10, 40, 0, 3.0, "replications") ==
        "[######..................]  25% 10/40 replications  3.3 replications/s  ETA 0:09");
  CHECK(progress_line(0, 40, 0, 0.5, "replications") ==
        "[........................]   0% 0/40 replications  0.0 replications/s  ETA --");
  CHECK(progress_line(40, 40, 0, 8.0, "rows") == "[########################] 100% 40/40 rows  5.0 rows/s  ETA 0:00");
  // Work resumed from an earlier run counts as done but not in the rate: 10 rows in 5 s.
  CHECK(progress_line(30, 40, 20, 5.0, "rows") == "[##################......]  75% 30/40 rows  2.0 rows/s  ETA 0:05");
  // Total not known ahead, or more than planned: a count, the rate and the time so far.
  CHECK(progress_line(12, 0, 0, 4.0, "mixes") == "12 mixes  3.0 mixes/s  elapsed 0:04");
  CHECK(progress_line(45, 40, 0, 9.0, "rows") == "45 rows  5.0 rows/s  elapsed 0:09");
}

TEST_CASE("durations read as m:ss or h:mm:ss, and '--' when meaningless") {
  CHECK(duration_text(0.0) == "0:00");
  CHECK(duration_text(59.4) == "0:59");
  CHECK(duration_text(725.0) == "12:05");
  CHECK(duration_text(3723.0) == "1:02:03");
  CHECK(duration_text(-1.0) == "--");
  CHECK(duration_text(std::numeric_limits<double>::quiet_NaN()) == "--");
  CHECK(duration_text(1e9) == "--");
}

TEST_CASE("a bar is wanted only on the real stderr, on a terminal, without --quiet") {
  std::ostringstream captured;
  CHECK_FALSE(crisis::cli::progress_wanted(captured, false));
  CHECK_FALSE(crisis::cli::progress_wanted(std::cerr, true));
  CHECK(crisis::cli::progress_wanted(std::cerr, false) == (::isatty(STDERR_FILENO) != 0));
}

TEST_CASE("the printer thread redraws the counter the workers advance, and ends the line") {
  std::ostringstream err;
  crisis::engine::ProgressCounter counter;
  counter.add_total(8);
  {
    crisis::cli::ProgressBar bar(err, counter, "replications");
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) workers.emplace_back([&counter] { counter.advance(); });
    for (auto& worker : workers) worker.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    bar.print_line("a line of log");
    counter.advance(4);
    bar.finish();
  }
  const std::string text = err.str();
  INFO(text);
  CHECK(text.find("\r[############............]  50% 4/8 replications") != std::string::npos);
  CHECK(text.find("a line of log\n") != std::string::npos);
  CHECK(text.find("100% 8/8 replications") != std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("quick work ends before the first draw and prints nothing") {
  std::ostringstream err;
  crisis::engine::ProgressCounter counter;
  counter.add_total(2);
  crisis::cli::ProgressBar bar(err, counter, "replications");
  counter.advance(2);
  bar.finish();
  CHECK(err.str().empty());
}

TEST_CASE("run draws the bar on a terminal's stderr, and nothing of it when stderr is not a terminal") {
  // Long enough (about a second on one thread) for the first draw, which waits 0.2 s.
  const std::vector<std::string> arguments = {"run", kBaseline, "--replications", "8", "--threads", "1"};
  const std::string terminal = stderr_on_a_terminal(arguments);
  INFO(terminal);
  CHECK(terminal.find("8/8 replications") != std::string::npos);
  CHECK(terminal.find("replications/s") != std::string::npos);
  CHECK(terminal.find("8 replications in") != std::string::npos);  // the timing line after it

  const std::string quiet = stderr_on_a_terminal({"run", kBaseline, "--replications", "8", "--threads", "1", "--quiet"});
  CHECK(quiet.empty());

  TemporaryFolder folder("progress");
  const std::string file = (folder.path() / "stderr.txt").string();
  std::string command = std::string(CRISIS_SIM_BINARY);
  for (const auto& argument : arguments) command += " '" + argument + "'";
  command += " >/dev/null 2>'" + file + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(file);
  const std::string piped((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO(piped);
  CHECK(piped.find('\r') == std::string::npos);
  CHECK(piped.find("replications/s") == std::string::npos);
  CHECK(piped.find("8 replications in") == 0);  // only the timing line
}

TEST_CASE("every long command takes --quiet") {
  for (const char* command : {"run", "compare", "sweep", "size"}) {
    const CliResult help = crisis::testing::run_cli_captured({command, "--help"});
    INFO(command);
    CHECK(help.code == 0);
    CHECK(help.out.find("--quiet") != std::string::npos);
  }
  const CliResult compare = crisis::testing::run_cli_captured(
      {"compare", kBaseline, "--replications", "2", "--horizon-days", "3", "--warmup-days", "1",
       "--quiet"});
  INFO(compare.err);
  CHECK(compare.code == 0);
  CHECK(compare.err.empty());
}
