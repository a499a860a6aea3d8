#pragma once
/// \file
/// The crisis-sim command line. main() is a thin wrapper around run_cli().

#include <iosfwd>

namespace crisis::cli {

/// Parse `argv`, run the command, print to `out` / `err`. Returns the process exit code:
/// 0 success, 2 bad input (scenario, data or flags), 1 internal error.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace crisis::cli
