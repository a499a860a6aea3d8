// The crisis-sim executable: a thin main around crisis::cli::run_cli.
#include <csignal>
#include <iostream>

#include <unistd.h>

#include "app/cli.hpp"
#include "results/results_writer.hpp"

namespace {
// Ctrl-C or a kill: every output file is written whole and renamed into place, so all that
// can be half-done is the one temporary file being written; remove it and say so.
extern "C" void on_interrupt(int signal_number) {
  crisis::io::remove_partial_output_from_signal_handler();
  constexpr char kMessage[] = "\ncrisis-sim: interrupted; no partial output was left behind (results are written only when complete)\n";
  (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  ::_exit(128 + signal_number);
}
}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  return crisis::cli::run_cli(argc, argv, std::cout, std::cerr);
}
