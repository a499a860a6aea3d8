// The crisis-sim executable: a thin main around crisis::cli::run_cli.
#include <iostream>

#include "cli/cli.hpp"

int main(int argc, char** argv) { return crisis::cli::run_cli(argc, argv, std::cout, std::cerr); }
