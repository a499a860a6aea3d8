// Exports people open (issue 18): comparison.csv beside comparison.json, --xlsx workbooks with
// labelled columns (opened with openpyxl, the reader spreadsheet users' Python tools use), and
// calls.csv gzip-compressed, rounded and filtered to crisis calls.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "results/export_tables.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using crisis::testing::CliResult;
using crisis::testing::TemporaryFolder;
CliResult run(const std::vector<std::string>& arguments) { return crisis::testing::run_cli_captured(arguments); }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kBaseline = std::string(CRISIS_SOURCE_DIR) + "/scenarios/baseline_police.yaml";
const std::vector<std::string> kQuick = {"--horizon-days", "3", "--warmup-days", "1", "-r", "3", "-q"};

std::vector<std::string> with(std::vector<std::string> arguments, const std::vector<std::string>& more) {
  arguments.insert(arguments.end(), more.begin(), more.end());
  return arguments;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// What `command` prints on stdout.
std::string output_of(const std::string& command) {
  std::string text;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  REQUIRE(pipe);
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) text.append(buffer.data(), n);
  return text;
}

/// Each sheet of the workbook as openpyxl reads it: "SHEET|first row|second row" lines.
std::string workbook_outline(const fs::path& workbook) {
  const std::string script =
      "import sys, openpyxl\n"
      "book = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
      "for sheet in book.worksheets:\n"
      "    rows = list(sheet.iter_rows(values_only=True))\n"
      "    keys = [str(row[0]) for row in rows]\n"
      "    print(sheet.title + '|' + repr(rows[0]) + '|' + repr(rows[1]) + '|' + str(len(rows)) + '|' + str('scenario line 1' in keys))\n";
  return output_of("/usr/bin/python3 -c \"" + script + "\" '" + workbook.string() + "' 2>&1");
}

}  // namespace

TEST_CASE("compare --out writes comparison.csv beside comparison.json, one labelled row per measure") {
  TemporaryFolder folder("export");
  const fs::path out = folder.path() / "out";
  const CliResult result = run(with({"compare", kBaseline, "--out", out.string()}, kQuick));
  INFO(result.err);
  REQUIRE(result.code == 0);
  REQUIRE(fs::is_regular_file(out / "comparison.json"));
  const std::string csv = read(out / "comparison.csv");
  std::istringstream lines(csv);
  std::string header;
  std::getline(lines, header);
  CHECK(header.rfind("measure,label,unit,police_only.mean,police_only.ci95_low,police_only.ci95_high,", 0) == 0);
  CHECK(contains(header, "fewer_patrols.change,fewer_patrols.change_ci95_low,fewer_patrols.change_ci95_high,"
                         "fewer_patrols.relative_change,fewer_patrols.significant"));
  CHECK(contains(csv, "\nresponse_min.mean,\"Response time, mean (min)\",min,"));
  CHECK(contains(csv, "\ncost.annual,"));
  CHECK(contains(csv, ",USD / year,"));
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line);) ++rows;
  CHECK(rows > 50);
}

TEST_CASE("compare --xlsx writes a workbook that openpyxl opens, with labelled comparison, zone and input sheets") {
  TemporaryFolder folder("xlsx");
  const fs::path workbook = folder.path() / "baseline.xlsx";
  const CliResult result = run(with({"compare", kBaseline, "--xlsx", workbook.string()}, kQuick));
  INFO(result.err);
  REQUIRE(result.code == 0);
  REQUIRE(fs::is_regular_file(workbook));
  CHECK(read(workbook).substr(0, 2) == "PK");  // a zip, as .xlsx files are
  const std::string outline = workbook_outline(workbook);
  INFO(outline);
  CHECK(contains(outline, "comparison|('Measure', 'What it is', 'Unit', 'police_only: mean'"));
  CHECK(contains(outline, "fewer_patrols - police_only: paired change, mean"));
  CHECK(contains(outline, "zones|('Variant', 'Zone', "));
  CHECK(contains(outline, "|('police_only', 'downtown', "));
  CHECK(contains(outline, "inputs|('What', 'Value')|('crisis_sim_version', "));
  CHECK_FALSE(contains(outline, "Error"));
}

TEST_CASE("run --xlsx writes the measures with their units and the scenario it ran") {
  TemporaryFolder folder("xlsx-run");
  const fs::path workbook = folder.path() / "run.xlsx";
  REQUIRE(run(with({"run", kBaseline, "--xlsx", workbook.string()}, kQuick)).code == 0);
  const std::string outline = workbook_outline(workbook);
  INFO(outline);
  CHECK(contains(outline, "measures|('Measure', 'What it is', 'Unit', 'Mean', "));
  CHECK(contains(outline, "inputs|"));
  CHECK(contains(outline, "|True\n"));  // the inputs sheet holds the scenario's lines
}

TEST_CASE("calls.csv can be crisis calls only, rounded, and gzip-compressed, and the same bytes every time") {
  TemporaryFolder folder("calls");
  const fs::path plain = folder.path() / "plain";
  const fs::path small = folder.path() / "small";
  REQUIRE(run(with({"run", kBaseline, "--calls", "-o", plain.string()}, kQuick)).code == 0);
  REQUIRE(run(with({"run", kBaseline, "--calls-gz", "--calls-filter", "crisis", "--calls-decimals", "2", "-o", small.string()}, kQuick))
              .code == 0);
  CHECK_FALSE(fs::exists(small / "calls.csv"));
  REQUIRE(fs::is_regular_file(small / "calls.csv.gz"));
  const std::string all = read(plain / "calls.csv");
  const std::string crisis = output_of("gzip -dc '" + (small / "calls.csv.gz").string() + "'");
  CHECK(contains(all, ",background,"));
  CHECK_FALSE(contains(crisis, ",background,"));
  CHECK(crisis.substr(0, crisis.find('\n')) == all.substr(0, all.find('\n')));  // the same columns
  // Every time has at most two decimals.
  std::istringstream lines(crisis);
  std::string line;
  std::getline(lines, line);
  int rows = 0;
  while (std::getline(lines, line)) {
    ++rows;
    std::istringstream fields(line);
    std::string field;
    for (int column = 0; std::getline(fields, field, ','); ++column) {
      if (column < 9 || column > 13) continue;
      const auto dot = field.find('.');
      INFO(line);
      CHECK((dot == std::string::npos || field.size() - dot - 1 <= 2));
    }
  }
  CHECK(rows > 10);
  CHECK(fs::file_size(small / "calls.csv.gz") * 5 < fs::file_size(plain / "calls.csv"));
  // The same run again: the same compressed bytes (no time stamp in the gzip header).
  const std::string first = read(small / "calls.csv.gz");
  REQUIRE(run(with({"run", kBaseline, "--calls-gz", "--calls-filter", "crisis", "--calls-decimals", "2", "-o", small.string()}, kQuick))
              .code == 0);
  CHECK(read(small / "calls.csv.gz") == first);
  // Back to plain calls: the earlier .gz is removed, so the folder never holds both.
  REQUIRE(run(with({"run", kBaseline, "--calls", "-o", small.string()}, kQuick)).code == 0);
  CHECK_FALSE(fs::exists(small / "calls.csv.gz"));
}

TEST_CASE("a table's CSV quotes what needs quoting and leaves NaN empty") {
  crisis::io::ExportTable table{"t", {{"a", "A"}, {"b", "B"}}, {{std::string("x, y"), std::nan("")}, {std::string("z"), 1.5}}};
  CHECK(crisis::io::table_csv(table) == "a,b\n\"x, y\",\nz,1.5\n");
}
