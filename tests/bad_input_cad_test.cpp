// Bad CAD input (issue #8): every file, schema or mapping the importer cannot use at all is
// one crisis::InputError (exit code 2 in the CLI) with one message naming the file, line,
// column and field, and leaves no rejects file behind. BOM and CRLF files must work. These
// go through crisis::io::cad::import_calls, which `crisis-sim fit` calls.
//
// Bad rows inside a usable file are not errors: issue #5 wants them rejected, counted and
// written to the rejects file (tests/cad_import_test.cpp). So a row with invalid UTF-8 is
// rejected, while a file that is binary (a NUL byte, a header that is not text) or of whose
// rows none can be used is an InputError.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "cad/cad.hpp"
#include "test_support.hpp"

namespace {

namespace cad = crisis::io::cad;
namespace fs = std::filesystem;
using crisis::testing::TemporaryFolder;

const std::string kHeader = "id,time,location,latitude,longitude,district,nature,status\n";
const std::string kRow = "1,2018-05-01 00:10:28,\"5237 N 35TH ST,MKE\",43.11,-87.95,4,WELFARE CITIZEN,Advised\n";

/// What one rejected import said.
struct Rejection {
  bool threw = false;
  std::vector<crisis::InputProblem> problems;
  [[nodiscard]] std::string message() const { return problems.empty() ? std::string() : problems.front().to_string(); }
};

/// Import `input` with `options`, expecting InputError; checks that no rejects file is left.
Rejection expect_rejected(const std::string& input, cad::ImportOptions options, const TemporaryFolder& folder) {
  options.rejects_path = (folder.path() / "rejects.csv").string();
  Rejection rejection;
  try {
    (void)cad::import_calls(input, options);
  } catch (const crisis::InputError& error) {
    rejection.threw = true;
    rejection.problems = error.problems();
  }
  CHECK_MESSAGE(rejection.threw, "expected an InputError for " << input);
  CHECK_MESSAGE(rejection.problems.size() == 1, "expected one clear message, got: " << rejection.message());
  CHECK_FALSE_MESSAGE(fs::exists(options.rejects_path), "a rejects file was left behind");
  for (const auto& entry : fs::directory_iterator(folder.path())) {
    CHECK_MESSAGE(entry.path().filename().string().find(".partial") == std::string::npos,
                  "partial file left: " << entry.path());
  }
  return rejection;
}

cad::ImportOptions schema(const std::string& name) {
  cad::ImportOptions options;
  options.schema = name;
  return options;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a missing CAD file is rejected naming the path") {
  TemporaryFolder folder("cad-bad");
  const std::string path = (folder.path() / "nowhere.csv").string();
  const auto r = expect_rejected(path, schema("milwaukee"), folder);
  CHECK(r.message() == path + ": no such file; expected a CAD export (CSV)");
}

TEST_CASE("a folder given as the CAD file is rejected") {
  TemporaryFolder folder("cad-bad");
  fs::create_directories(folder.path() / "calls.csv");
  const auto r = expect_rejected((folder.path() / "calls.csv").string(), schema("milwaukee"), folder);
  CHECK_MESSAGE(contains(r.message(), "is a directory; expected a CAD export (CSV)"), r.message());
}

TEST_CASE("an empty CAD file is rejected") {
  TemporaryFolder folder("cad-bad");
  for (const std::string text : {"", "\n\n  \r\n"}) {
    const auto r = expect_rejected(folder.write("empty.csv", text), schema("milwaukee"), folder);
    CHECK_MESSAGE(contains(r.message(), "empty.csv:1:1: the file is empty: expected a CSV header row"), r.message());
  }
}

TEST_CASE("a header with no rows below it is rejected") {
  TemporaryFolder folder("cad-bad");
  const auto r = expect_rejected(folder.write("header.csv", kHeader), schema("milwaukee"), folder);
  CHECK_MESSAGE(contains(r.message(), "header.csv:2:1: no data rows below the header"), r.message());
}

TEST_CASE("binary junk is rejected as not being CSV text") {
  TemporaryFolder folder("cad-bad");
  // An MP4 header: NUL bytes first.
  static constexpr char kMp4[] = "\0\0\0\x18"
                                 "ftypmp42\0\0\0\0";
  const std::string mp4(kMp4, sizeof kMp4 - 1);
  auto r = expect_rejected(folder.write("video.csv", mp4), schema("milwaukee"), folder);
  CHECK_MESSAGE(
      contains(r.message(), "video.csv:1:1: a NUL byte: a CAD export is CSV text, this looks like binary data"),
      r.message());
  // A PNG signature: its first "line" ends at the \r, before any NUL, and is not UTF-8.
  static constexpr char kPng[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
  const std::string png(kPng, sizeof kPng - 1);  // the NULs are part of it: not a C string
  r = expect_rejected(folder.write("picture.csv", png), schema("milwaukee"), folder);
  CHECK_MESSAGE(contains(r.message(), "picture.csv:1:1: the header row is not valid UTF-8 text"), r.message());
  // High bytes without NUL: the header is not UTF-8.
  r = expect_rejected(folder.write("junk.csv", "\x80\x81\xfe,\x90\x91\n\xc3\x28,1\n"), schema("milwaukee"), folder);
  CHECK_MESSAGE(contains(r.message(), "junk.csv:1:1: the header row is not valid UTF-8 text"), r.message());
}

TEST_CASE("a UTF-16 export is rejected with what to do") {
  TemporaryFolder folder("cad-bad");
  static constexpr char kUtf16[] = "\xFF\xFEi\0d\0,\0t\0\n\0";
  const std::string utf16(kUtf16, sizeof kUtf16 - 1);
  const auto r = expect_rejected(folder.write("utf16.csv", utf16), schema("milwaukee"), folder);
  CHECK_MESSAGE(contains(r.message(), "utf16.csv:1:1: the file is UTF-16 text: expected UTF-8"), r.message());
}

TEST_CASE("a NUL byte in a data row is rejected with its line and column") {
  TemporaryFolder folder("cad-bad");
  const std::string text =
      kHeader + kRow + std::string("2,2018-05-01 00:11:00,x,1,2,4,THE") + '\0' + "FT,Advised\n" + kRow;
  const auto r = expect_rejected(folder.write("nul.csv", text), schema("milwaukee"), folder);
  CHECK_MESSAGE(contains(r.message(), "nul.csv:3:34: a NUL byte"), r.message());
}

TEST_CASE("a row with invalid UTF-8 is rejected and counted; a file of only such rows is an error") {
  TemporaryFolder folder("cad-bad");
  const std::string bad_row = "2,2018-05-01 00:11:00,\"1 RUE \xE9T\xE9,MKE\",43.1,-87.9,4,THEFT,Advised\n";
  cad::ImportOptions options = schema("milwaukee");
  options.rejects_path = (folder.path() / "rejects.csv").string();
  const auto result = cad::import_calls(folder.write("latin1.csv", kHeader + kRow + bad_row), options);
  CHECK(result.summary.rows_used == 1);
  CHECK(result.summary.rejected_by_reason == std::map<std::string, std::int64_t>{{"encoding: invalid UTF-8", 1}});
  fs::remove(options.rejects_path);
  const auto r = expect_rejected(folder.write("only_bad.csv", kHeader + bad_row), schema("milwaukee"), folder);
  CHECK_MESSAGE(contains(r.message(),
                         "only_bad.csv:2:1: encoding: none of the 1 rows can be used (is this a milwaukee export?); "
                         "the first: encoding: invalid UTF-8"),
                r.message());
}

TEST_CASE("a UTF-8 byte-order mark and CRLF line ends work") {
  TemporaryFolder folder("cad-bad");
  std::string text = "\xEF\xBB\xBF" + kHeader + kRow + kRow;
  std::string crlf;
  for (const char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const auto result = cad::import_calls(folder.write("bom.csv", crlf), schema("milwaukee"));
  CHECK(result.summary.rows_read == 2);
  CHECK(result.summary.rows_used == 2);
  REQUIRE(result.calls.size() == 2);
  CHECK(result.calls[1].line == 3);
  CHECK(result.calls[1].disposition_raw == "Advised");  // no stray \r
}

TEST_CASE("a CAD file without a column the schema needs is rejected with a suggestion") {
  TemporaryFolder folder("cad-bad");
  const std::string header = "id,Time,location,latitude,longitude,district,nature,status\n";
  const auto r = expect_rejected(folder.write("renamed.csv", header + kRow), schema("milwaukee"), folder);
  CHECK(r.message() ==
        (folder.path() / "renamed.csv").string() +
            ":1:1: created: missing column 'time' (schema milwaukee) (did you mean 'Time'?); the header has: id, "
            "Time, location, latitude, longitude, district, nature, status");
}

TEST_CASE("a bad schema YAML names file, line, column, key path and the likely key") {
  TemporaryFolder folder("cad-bad");
  const std::string input = folder.write("calls.csv", kHeader + kRow);
  const std::string base = "name: mine\nfields:\n  created: time\n  call_type: nature\ndefault_mapping: milwaukee\n";
  SUBCASE("an unknown key") {
    const std::string path = folder.write("typo.yaml", base + "date_only_midnigt: true\n");
    const auto r = expect_rejected(input, schema(path), folder);
    CHECK_MESSAGE(
        contains(r.message(), path + ":6:1: date_only_midnigt: unknown key (did you mean 'date_only_midnight'?)"),
        r.message());
  }
  SUBCASE("an unknown key under fields") {
    const std::string path = folder.write("typo.yaml", base + "max_stage_hours: 12\n" + "csv:\n  delimter: \";\"\n");
    const auto r = expect_rejected(input, schema(path), folder);
    CHECK_MESSAGE(contains(r.message(), path + ":8:3: csv.delimter: unknown key (did you mean 'delimiter'?)"),
                  r.message());
  }
  SUBCASE("a bad value") {
    const std::string path = folder.write("value.yaml", base + "default_category: behavioral_health\n");
    const auto r = expect_rejected(input, schema(path), folder);
    CHECK_MESSAGE(
        contains(r.message(),
                 path + ":6:19: default_category: expected one of behavioural_health, welfare_check, other_police"),
        r.message());
    CHECK_MESSAGE(contains(r.message(), "(did you mean 'behavioural_health'?)"), r.message());
  }
  SUBCASE("a bad time format") {
    const std::string path = folder.write("format.yaml", base + "time_formats: [\"%Y-%m-%d %H:%M:%Q\"]\n");
    const auto r = expect_rejected(input, schema(path), folder);
    CHECK_MESSAGE(
        contains(r.message(), path + ":6:16: time_formats[0]: time format '%Y-%m-%d %H:%M:%Q' unknown directive %Q"),
        r.message());
  }
  SUBCASE("a private column that a field reads") {
    const std::string path = folder.write("private.yaml", base + "private_columns: [location, time]\n");
    const auto r = expect_rejected(input, schema(path), folder);
    CHECK_MESSAGE(contains(r.message(), "private_columns: column 'time' is private but fields.created reads it"),
                  r.message());
  }
  SUBCASE("a YAML syntax error") {
    const std::string path = folder.write("syntax.yaml", base + "private_columns: [location\n");
    const auto r = expect_rejected(input, schema(path), folder);
    CHECK_MESSAGE(contains(r.message(), path + ":6:18: private_columns: YAML syntax error: this '[' is never closed"),
                  r.message());
  }
}

TEST_CASE("an unknown schema name lists the built-in schemas") {
  TemporaryFolder folder("cad-bad");
  const auto r = expect_rejected(folder.write("calls.csv", kHeader + kRow), schema("seatle"), folder);
  CHECK(r.message() ==
        "--schema: unknown schema 'seatle' (did you mean 'seattle'?); built-in schemas: dallas, mcslc, milwaukee, "
        "nopd, seattle, or the path of a schema file");
  const auto missing = expect_rejected(folder.write("calls.csv", kHeader + kRow),
                                       schema((folder.path() / "none.yaml").string()), folder);
  CHECK_MESSAGE(contains(missing.message(), "none.yaml: no such file; expected a schema file"), missing.message());
}

TEST_CASE("a bad mapping file names file, line, column and field") {
  TemporaryFolder folder("cad-bad");
  const std::string input = folder.write("calls.csv", kHeader + kRow);
  cad::ImportOptions options = schema("milwaukee");
  SUBCASE("a misspelt category") {
    options.mapping = folder.write(
        "mine.csv", "raw_call_type,category,crisis_type\nTHEFT,other_police,\nWELFARE CITIZEN,welfare_chek,\n");
    const auto r = expect_rejected(input, options, folder);
    CHECK(r.message() == options.mapping +
                             ":3:17: category: expected one of behavioural_health, welfare_check, other_police, "
                             "got 'welfare_chek' (did you mean 'welfare_check'?)");
  }
  SUBCASE("a crisis type for other police demand") {
    options.mapping = folder.write("mine.csv", "raw_call_type,category,crisis_type\nTHEFT,other_police,suicidal\n");
    const auto r = expect_rejected(input, options, folder);
    CHECK_MESSAGE(
        contains(r.message(), options.mapping + ":2:20: crisis_type: an other_police call type has no crisis type"),
        r.message());
  }
  SUBCASE("a duplicate call type") {
    options.mapping = folder.write("mine.csv", "raw_call_type,category\nTHEFT,other_police\ntheft ,other_police\n");
    const auto r = expect_rejected(input, options, folder);
    CHECK_MESSAGE(contains(r.message(), options.mapping + ":3:1: raw_call_type: 'theft' is already mapped on line 2"),
                  r.message());
  }
  SUBCASE("a misspelt column") {
    options.mapping = folder.write("mine.csv", "raw_call_type,categroy\nTHEFT,other_police\n");
    const auto r = expect_rejected(input, options, folder);
    CHECK_MESSAGE(contains(r.message(), options.mapping + ":1:15: categroy: unknown column (did you mean 'category'?)"),
                  r.message());
  }
  SUBCASE("an unknown built-in mapping") {
    options.mapping = "milwaukie";
    const auto r = expect_rejected(input, options, folder);
    CHECK_MESSAGE(contains(r.message(), "--mapping: unknown call-type mapping 'milwaukie' (did you mean 'milwaukee'?)"),
                  r.message());
  }
}
