// The CAD importer (sim/cad/cad.hpp, docs/cad-import.md): each built-in schema on its data
// file, time stamps, the reject path, period filtering and the privacy rule.
//
// Expected counts were computed independently of the importer, by a short Python script
// (csv.DictReader + datetime.strptime applying the rules of docs/cad-import.md) when these
// tests were written; the numbers are the script's.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "cad/cad.hpp"
#include "test_support.hpp"

namespace {

namespace cad = crisis::io::cad;
namespace fs = std::filesystem;
using crisis::testing::TemporaryFolder;

const fs::path kCadData = fs::path(CRISIS_SOURCE_DIR) / "tests" / "data" / "cad";
const std::string kMilwaukee = (kCadData / "milwaukee" / "mpd_calls_2018-05-01_to_2018-05-16_wholedays.csv").string();
const std::string kSeattle = (kCadData / "seattle" / "spd_call_data_dennyblaine_radius_2018-2023.csv").string();
const std::string kDallas = (kCadData / "dallas" / "dpd_active_calls_snapshot_2018-01-09.csv").string();
const std::string kNopd = (kCadData / "nopd" / "nopd_cfs_synthetic.csv").string();

/// The shared data folder (Lane County's file is read from there, never copied): the
/// CRISIS_SHARED_DATA environment variable, else ../shared/data beside the source tree.
fs::path shared_data() {
  if (const char* folder = std::getenv("CRISIS_SHARED_DATA"); folder && *folder) return folder;
  return fs::path(CRISIS_SOURCE_DIR).parent_path() / "shared" / "data";
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

cad::ImportResult import(const std::string& path, const std::string& schema, const std::string& rejects = "") {
  cad::ImportOptions options;
  options.schema = schema;
  options.rejects_path = rejects;
  return cad::import_calls(path, options);
}

cad::Timestamp at(const std::string& text) {
  const auto t = cad::parse_timestamp(text, "");
  REQUIRE_MESSAGE(t.has_value(), "test stamp does not parse: " << text);
  return *t;
}

std::int64_t category_count(const cad::ImportSummary& s, cad::Category c) {
  return s.calls_by_category[static_cast<std::size_t>(c)];
}

void check_arithmetic(const cad::ImportSummary& s) {
  CHECK(s.rows_read == s.rows_used + s.rows_rejected + s.rows_outside_period);
  std::int64_t by_reason = 0;
  for (const auto& entry : s.rejected_by_reason) by_reason += entry.second;
  CHECK(by_reason == s.rows_rejected);
  CHECK(category_count(s, cad::Category::behavioural_health) + category_count(s, cad::Category::welfare_check) +
            category_count(s, cad::Category::other_police) ==
        s.rows_used);
}

std::size_t count_crisis(const std::vector<cad::CallRecord>& calls, crisis::world::CrisisType type) {
  std::size_t n = 0;
  for (const auto& call : calls) n += call.crisis_type == type ? 1 : 0;
  return n;
}

/// The lines of a CSV file (CR dropped) and their fields (split on commas outside quotes;
/// enough for the fixtures here, which have no field spanning lines).
struct SimpleCsv {
  std::vector<std::string> lines;
  std::vector<std::vector<std::string>> rows;
  [[nodiscard]] std::size_t index(const std::string& column) const {
    for (std::size_t i = 0; i < rows[0].size(); ++i) {
      if (rows[0][i] == column) return i;
    }
    FAIL("no column " << column);
    return 0;
  }
};

SimpleCsv read_simple_csv(const std::string& path) {
  SimpleCsv csv;
  std::istringstream in(read_bytes(path));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (const char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.emplace_back();
      } else {
        fields.back().push_back(c);
      }
    }
    csv.lines.push_back(line);
    csv.rows.push_back(fields);
  }
  REQUIRE(!csv.rows.empty());
  return csv;
}

}  // namespace

// ---- time stamps ----------------------------------------------------------------------------

TEST_CASE("time stamps parse exactly in each export's format") {
  // 2023-11-04 is 19665 days after 1970-01-01.
  const double day_2023_11_04 = 19665.0 * 1440.0;
  CHECK(cad::parse_timestamp("11/04/2023 6:08:26 PM", "%m/%d/%Y %I:%M:%S %p") ==
        day_2023_11_04 + 18 * 60 + 8 + 26.0 / 60);
  CHECK(cad::parse_timestamp("11/04/2023 12:08:26 AM", "%m/%d/%Y %I:%M:%S %p") == day_2023_11_04 + 8 + 26.0 / 60);
  CHECK(cad::parse_timestamp("11/04/2023 12:08:26 PM", "%m/%d/%Y %I:%M:%S %p") ==
        day_2023_11_04 + 12 * 60 + 8 + 26.0 / 60);
  CHECK(cad::parse_timestamp("2023-11-04 18:08:26", "") == day_2023_11_04 + 18 * 60 + 8 + 26.0 / 60);
  CHECK(cad::parse_timestamp("2023-11-04T18:08:26.500", "") ==
        doctest::Approx(day_2023_11_04 + 18 * 60 + 8 + 26.5 / 60).epsilon(1e-15));
  CHECK(cad::parse_timestamp("2023-11-04 18:08:26.250000", "%Y-%m-%d %H:%M:%S.%f") ==
        doctest::Approx(day_2023_11_04 + 18 * 60 + 8 + 26.25 / 60).epsilon(1e-15));
  CHECK(cad::parse_timestamp("Nov 04 2023 6:08:26 PM", "%b %d %Y %I:%M:%S %p") ==
        day_2023_11_04 + 18 * 60 + 8 + 26.0 / 60);
  CHECK(cad::parse_timestamp("2023-11-04", "") == day_2023_11_04);
  CHECK(cad::parse_timestamp("1970-01-01 00:00:00", "") == 0.0);
  CHECK(cad::parse_timestamp("1969-12-31 23:00:00", "") == -60.0);
  CHECK(cad::parse_timestamp("2024-02-29 10:00:00", "") == (19782.0 * 1440 + 600));
  CHECK(cad::format_timestamp(day_2023_11_04 + 18 * 60 + 8 + 26.0 / 60) == "2023-11-04 18:08:26");
  CHECK(cad::format_timestamp(-60.0) == "1969-12-31 23:00:00");
}

TEST_CASE("impossible or malformed time stamps do not parse") {
  for (const std::string bad :
       {"2023-02-29 10:00:00", "2023-13-01 10:00:00", "2023-11-04 24:00:00", "2023-11-04 10:60:00",
        "2023-11-04 10:00:00 junk", "", "   ", "2023/11/04 10:00:00", "20231104"}) {
    INFO("text: " << bad);
    CHECK_FALSE(cad::parse_timestamp(bad, "").has_value());
  }
  CHECK_FALSE(cad::parse_timestamp("11/04/2023 13:08:26 PM", "%m/%d/%Y %I:%M:%S %p").has_value());
  CHECK_FALSE(cad::parse_timestamp("11/04/2023 0:08:26 AM", "%m/%d/%Y %I:%M:%S %p").has_value());
  CHECK_FALSE(cad::parse_timestamp("11/04/2023 6:08:26", "%m/%d/%Y %I:%M:%S %p").has_value());
}

TEST_CASE("hour of week counts from Monday midnight") {
  CHECK(cad::hour_of_week(at("1970-01-05 00:00:00")) == 0);  // a Monday
  CHECK(cad::hour_of_week(at("1970-01-05 00:59:59")) == 0);
  CHECK(cad::hour_of_week(at("1970-01-01 00:00:00")) == 72);           // a Thursday
  CHECK(cad::hour_of_week(at("2025-03-30 23:30:00")) == 167);          // a Sunday
  CHECK(cad::hour_of_week(at("2018-05-01 00:10:28")) == 24);           // a Tuesday
  CHECK(cad::hour_of_week(at("1969-12-31 23:00:00")) == 2 * 24 + 23);  // a Wednesday
}

// ---- built-in schemas -----------------------------------------------------------------------

TEST_CASE("the built-in schemas and mappings are compiled in") {
  CHECK(cad::builtin_schemas() == std::vector<std::string>{"dallas", "mcslc", "milwaukee", "nopd", "seattle"});
  CHECK(cad::builtin_mappings() ==
        std::vector<std::string>{"dallas", "eugene", "mcslc", "milwaukee", "nopd", "seattle"});
}

TEST_CASE("the milwaukee schema reads every MPD call, with welfare checks apart") {
  const auto result = import(kMilwaukee, "milwaukee");
  const auto& s = result.summary;
  check_arithmetic(s);
  CHECK(s.schema_name == "milwaukee");
  CHECK(s.mapping_name == "milwaukee");
  CHECK(s.rows_read == 27922);
  CHECK(s.rows_used == 27922);
  CHECK(s.rows_rejected == 0);
  CHECK(category_count(s, cad::Category::welfare_check) == 717);     // WELFARE CITIZEN 716 + SUBJ DOWN 1
  CHECK(category_count(s, cad::Category::behavioural_health) == 4);  // HOSPITAL TO MCMH
  CHECK(category_count(s, cad::Category::other_police) == 27201);
  CHECK(s.unmapped_call_types.empty());
  CHECK(s.stages_emptied.empty());
  REQUIRE(s.first_created.has_value());
  CHECK(cad::format_timestamp(*s.first_created) == "2018-05-01 00:00:14");
  CHECK(cad::format_timestamp(*s.last_created) == "2018-05-16 23:58:14");
  const auto& first = result.calls.front();
  CHECK(first.line == 2);
  CHECK(first.created == at("2018-05-01 00:10:28"));
  CHECK(first.call_type == "TRBL W/SUBJ");
  CHECK(first.area == "4");
  CHECK(first.disposition_raw == "Unable to Locate Complainant");
  CHECK_FALSE(first.disposition.has_value());
  CHECK_FALSE(first.dispatched.has_value());
  CHECK_FALSE(first.priority.has_value());
  std::size_t arrests = 0;
  for (const auto& call : result.calls) arrests += call.disposition == crisis::world::Disposition::arrest ? 1 : 0;
  CHECK(arrests == 51);  // status "Cleared by Arrest"
}

TEST_CASE("the seattle schema reads 12-hour stamps, priorities 1-9 and both call-type columns") {
  const auto result = import(kSeattle, "seattle");
  const auto& s = result.summary;
  check_arithmetic(s);
  CHECK(s.rows_read == 222);
  CHECK(s.rows_used == 222);
  CHECK(category_count(s, cad::Category::behavioural_health) == 12);
  CHECK(category_count(s, cad::Category::welfare_check) == 3);
  CHECK(category_count(s, cad::Category::other_police) == 207);
  CHECK(count_crisis(result.calls, crisis::world::CrisisType::suicidal) == 5);
  CHECK(count_crisis(result.calls, crisis::world::CrisisType::intoxication) == 3);
  CHECK(s.stages_emptied == std::map<std::string, std::int64_t>{{"arrived: missing", 36}});
  CHECK(s.unmapped_call_types.empty());
  const auto& first = result.calls.front();
  CHECK(first.created == at("2023-11-04 18:08:26"));
  CHECK(first.arrived == at("2023-11-04 18:51:06"));
  CHECK(first.priority == 2);
  CHECK(first.area == "CHARLIE");
  CHECK(first.call_type == "BURN - RECKLESS BURNING");
  CHECK(result.calls[1].priority == 3);  // SPD priority 7
  // "--CRISIS COMPLAINT - GENERAL" as the final type makes a call behavioural.
  std::size_t crisis_complaints = 0;
  for (const auto& call : result.calls) crisis_complaints += call.category == cad::Category::behavioural_health ? 1 : 0;
  CHECK(crisis_complaints == 12);
}

TEST_CASE("the dallas schema reads units, ISO stamps with a fraction and the CIT code, one call per incident") {
  TemporaryFolder folder("cad-dallas");
  const std::string rejects = (folder.path() / "rejects.csv").string();
  const auto result = import(kDallas, "dallas", rejects);
  const auto& s = result.summary;
  check_arithmetic(s);
  CHECK(s.rows_read == 63);
  CHECK(s.rows_used == 45);  // distinct incident_number
  CHECK(s.rejected_by_reason == std::map<std::string, std::int64_t>{{"call_id: repeated", 18}});
  CHECK(category_count(s, cad::Category::behavioural_health) == 2);  // 46A - CIT w/Ambulance
  CHECK(s.unmapped_call_types.empty());
  const auto& first = result.calls.front();
  CHECK(first.created == at("2018-01-09 09:26:00"));
  CHECK(first.unit == "B791");
  CHECK(first.area == "South Central");
  CHECK(first.priority == 3);  // DPD priority 4
  const auto& cit = result.calls[1];
  CHECK(cit.call_type == "46A - CIT w/Ambulance");
  CHECK(cit.category == cad::Category::behavioural_health);
  CHECK(cit.priority == 1);
  CHECK(cit.unit == "B240");
  // The other units' rows are in the rejects file with their unit (not private).
  const std::string text = read_bytes(rejects);
  CHECK(std::count(text.begin(), text.end(), '\n') == 19);
  CHECK(text.find("\n8,call_id: repeated,call_id,2018-01-09T09:16:00.000,,,,40 - Other,3,South Central,B732,\n") !=
        std::string::npos);
}

TEST_CASE("the nopd schema reads the NOPD layout with CRLF line ends and checks stage order") {
  const auto result = import(kNopd, "nopd");
  const auto& s = result.summary;
  check_arithmetic(s);
  CHECK(s.rows_read == 20);
  CHECK(s.rows_used == 20);
  CHECK(category_count(s, cad::Category::behavioural_health) == 10);
  CHECK(count_crisis(result.calls, crisis::world::CrisisType::suicidal) == 6);
  CHECK(s.unmapped_call_types == std::map<std::string, std::int64_t>{{"DISTURBANCE", 2}});
  CHECK(s.stages_emptied == std::map<std::string, std::int64_t>{{"arrived: before dispatched", 1},
                                                                {"arrived: over 48 h after created", 1},
                                                                {"closed: missing", 1}});
  const auto& second = result.calls[1];
  CHECK(second.call_type == "MENTAL PATIENT");
  CHECK(second.created == doctest::Approx(at("2022-03-01 05:07:11.037")).epsilon(1e-15));
  CHECK(second.dispatched == at("2022-03-01 05:11:13"));
  CHECK(second.arrived == at("2022-03-01 05:20:13"));
  CHECK(second.closed == at("2022-03-01 05:55:13"));
  CHECK(second.priority == 1);  // 2C
  CHECK(second.area == "2");
  const auto& late = result.calls[6];  // arrives before it was dispatched
  CHECK(late.line == 8);
  CHECK_FALSE(late.arrived.has_value());
  CHECK(late.dispatched.has_value());
  CHECK(late.closed.has_value());
  CHECK(late.notes == std::vector<std::string>{"arrived: before dispatched"});
  CHECK(result.calls.front().disposition == crisis::world::Disposition::resolved);  // NAT
}

TEST_CASE(
    "the mcslc schema reads Lane County's dispatches, rejecting date-only requests (skipped without ../shared/data)") {
  const fs::path file = shared_data() / "lane_county_mcslc" / "mcslc_dispatches_2024-08_to_2025-06.csv";
  if (!fs::exists(file)) {
    MESSAGE("skipped: " << file.string() << " is absent (set CRISIS_SHARED_DATA to the shared data folder)");
    return;
  }
  TemporaryFolder folder("cad-mcslc");
  const std::string rejects = (folder.path() / "rejects.csv").string();
  const auto result = import(file.string(), "mcslc", rejects);
  const auto& s = result.summary;
  check_arithmetic(s);
  CHECK(s.rows_read == 2114);
  CHECK(s.rows_rejected == 11);
  CHECK(s.rejected_by_reason == std::map<std::string, std::int64_t>{{"created: date only", 11}});
  CHECK(s.rows_used == 2103);
  CHECK(category_count(s, cad::Category::behavioural_health) == 2103);  // everything mcslc does
  CHECK(s.unmapped_call_types == std::map<std::string, std::int64_t>{{"(empty)", 75}});
  CHECK(count_crisis(result.calls, crisis::world::CrisisType::suicidal) == 420);
  CHECK(count_crisis(result.calls, crisis::world::CrisisType::psychosis) == 485);
  const std::map<std::string, std::int64_t> emptied = {{"arrived: before created", 6},
                                                       {"arrived: before dispatched", 9},
                                                       {"arrived: date only", 103},
                                                       {"arrived: missing", 14},
                                                       {"arrived: over 48 h after created", 1},
                                                       {"closed: before arrived", 7},
                                                       {"closed: before created", 2},
                                                       {"closed: before dispatched", 4},
                                                       {"closed: date only", 67},
                                                       {"closed: missing", 2},
                                                       {"closed: over 48 h after created", 1},
                                                       {"dispatched: before created", 9},
                                                       {"dispatched: date only", 42},
                                                       {"dispatched: missing", 14}};
  CHECK(s.stages_emptied == emptied);
  CHECK(cad::format_timestamp(*s.first_created) == "2024-08-18 14:12:00");
  CHECK(cad::format_timestamp(*s.last_created) == "2025-06-30 22:19:00");
  // The data-entry error: a departure dated 2005 empties the stage, the call stays.
  const auto& first = result.calls.front();  // ID 12236: arrival 00:00:00 is date only
  CHECK(first.created == at("2025-05-12 13:29:00"));
  CHECK(first.dispatched == at("2025-05-12 13:34:00"));
  CHECK_FALSE(first.arrived.has_value());
  CHECK(first.closed == at("2025-05-12 14:03:00"));
  CHECK(first.disposition == crisis::world::Disposition::arrest);
  const std::string text = read_bytes(rejects);
  CHECK(std::count(text.begin(), text.end(), '\n') == 12);
}

// ---- rejects, periods ---------------------------------------------------------------------------

TEST_CASE("bad rows are rejected with a reason, written to the rejects file, and counted") {
  TemporaryFolder folder("cad-rejects");
  const std::string header = "id,time,location,latitude,longitude,district,nature,status\n";
  const std::string good = "1,2018-05-01 00:10:28,\"1 MAIN ST,MKE\",43.1,-87.9,4,WELFARE CITIZEN,Advised\n";
  const std::string text = header + good +                                                        // line 2
                           "2,,\"2 MAIN ST,MKE\",43.1,-87.9,4,THEFT,Advised\n" +                  // 3 created missing
                           "3,05/01/2018 10:00,\"3 MAIN ST,MKE\",43.1,-87.9,4,THEFT,Advised\n" +  // 4 unparseable
                           "4,2018-05-01,\"4 MAIN ST,MKE\",43.1,-87.9,4,THEFT,Advised\n" +        // 5 date only
                           "5,2018-05-01 01:00:00,\"5 MAIN ST,MKE\",43.1\n" +                     // 6 columns
                           "6,2018-05-01 01:00:00,\"6 MAIN \xE9 ST,MKE\",43.1,-87.9,4,THEFT,Advised\n" +  // 7 encoding
                           "7,2018-05-01 01:00:00,\"7 MAIN\" ST,43.1,-87.9,4,THEFT,Advised\n" +           // 8 quoting
                           "8,2018-05-01 02:00:00,\"8 MAIN ST,\nMKE\",43.1,-87.9,4,NEW TYPE,Advised\n" +  // 9-10 good
                           good;                                                                          // 11
  const std::string input = folder.write("dirty.csv", text);
  const std::string rejects = (folder.path() / "rejects.csv").string();
  const auto result = import(input, "milwaukee", rejects);
  const auto& s = result.summary;
  check_arithmetic(s);
  CHECK(s.rows_read == 9);
  CHECK(s.rows_used == 3);
  CHECK(s.rows_rejected == 6);
  CHECK(s.rejected_by_reason == std::map<std::string, std::int64_t>{{"columns: expected 8, found 4", 1},
                                                                    {"created: date only", 1},
                                                                    {"created: missing", 1},
                                                                    {"created: unparseable", 1},
                                                                    {"csv: malformed quoting", 1},
                                                                    {"encoding: invalid UTF-8", 1}});
  CHECK(s.unmapped_call_types == std::map<std::string, std::int64_t>{{"NEW TYPE", 1}});
  REQUIRE(result.calls.size() == 3);
  CHECK(result.calls[1].line == 9);  // a quoted field spanning lines 9-10
  CHECK(result.calls[2].line == 11);
  CHECK(read_bytes(rejects) ==
        "line,reason,field,created,dispatched,arrived,closed,call_type,priority,area,unit,disposition\n"
        "3,created: missing,created,,,,,THEFT,,4,,Advised\n"
        "4,created: unparseable,created,05/01/2018 10:00,,,,THEFT,,4,,Advised\n"
        "5,created: date only,created,2018-05-01,,,,THEFT,,4,,Advised\n"
        "6,\"columns: expected 8, found 4\",columns,,,,,,,,,\n"
        "7,encoding: invalid UTF-8,encoding,,,,,,,,,\n"
        "8,csv: malformed quoting,csv,,,,,,,,,\n");
}

TEST_CASE("calls outside the period are counted apart, neither used nor rejected") {
  cad::ImportOptions options;
  options.schema = "milwaukee";
  options.from = at("2018-05-02 00:00:00");
  options.to = at("2018-05-03 00:00:00");
  const auto result = cad::import_calls(kMilwaukee, options);
  const auto& s = result.summary;
  check_arithmetic(s);
  CHECK(s.rows_read == 27922);
  CHECK(s.rows_used == 1873);  // rows dated 2018-05-02: awk -F, '$2 ~ /^2018-05-02/' | wc -l
  CHECK(s.rows_outside_period == 27922 - 1873);
  CHECK(s.rows_rejected == 0);
  for (const auto& call : result.calls) {
    CHECK(call.created >= *options.from);
    CHECK(call.created < *options.to);
  }
}

// ---- mappings and user schemas --------------------------------------------------------------

TEST_CASE("a user's mapping file replaces the schema's default") {
  TemporaryFolder folder("cad-mapping");
  const std::string mapping = folder.write("mine.csv",
                                           "# my own mapping\n"
                                           "raw_call_type,category,crisis_type,source\n"
                                           "trbl w/subj,behavioural_health,conflict,my guess\n"
                                           "WELFARE  CITIZEN,welfare_check,welfare_check,\n");
  cad::ImportOptions options;
  options.schema = "milwaukee";
  options.mapping = mapping;
  const auto result = cad::import_calls(kMilwaukee, options);
  const auto& s = result.summary;
  CHECK(s.mapping_name == "mine");
  CHECK(category_count(s, cad::Category::behavioural_health) == 1747);  // TRBL W/SUBJ
  CHECK(category_count(s, cad::Category::welfare_check) == 716);
  CHECK(s.unmapped_call_types.size() == 172);  // every other nature is listed, never silent
  CHECK(result.calls.front().crisis_type == crisis::world::CrisisType::conflict);
}

TEST_CASE("the eugene mapping reads Eugene CAD natures, with and without the CAHOOTS suffix") {
  TemporaryFolder folder("cad-eugene");
  const std::string input = folder.write("eugene.csv",
                                         "id,time,location,latitude,longitude,district,nature,status\n"
                                         "1,2019-06-01 10:00:00,x,1,2,E,\"CHECK WELFARE, CAHOOTS\",\n"
                                         "2,2019-06-01 11:00:00,x,1,2,E,SUICIDAL SUBJECT,\n"
                                         "3,2019-06-01 12:00:00,x,1,2,E,DISPUTE,\n"
                                         "4,2019-06-01 13:00:00,x,1,2,E,PARKING,\n");
  cad::ImportOptions options;
  options.schema = "milwaukee";  // same columns as this little file
  options.mapping = "eugene";
  const auto result = cad::import_calls(input, options);
  REQUIRE(result.calls.size() == 4);
  CHECK(result.calls[0].category == cad::Category::welfare_check);
  CHECK(result.calls[1].crisis_type == crisis::world::CrisisType::suicidal);
  CHECK(result.calls[2].category == cad::Category::other_police);
  CHECK(result.summary.unmapped_call_types == std::map<std::string, std::int64_t>{{"PARKING", 1}});
}

TEST_CASE("a user's schema YAML reads a city no built-in schema knows") {
  TemporaryFolder folder("cad-schema");
  const std::string schema = folder.write("springfield.yaml",
                                          "name: springfield\n"
                                          "csv: {delimiter: \";\", encoding: latin-1}\n"
                                          "fields:\n"
                                          "  created: Received\n"
                                          "  closed: Cleared\n"
                                          "  call_type: Kind\n"
                                          "  priority: Urgency\n"
                                          "  area: Bezirk\n"
                                          "time_formats:\n"
                                          "  created: [\"%d.%m.%Y %H:%M\"]\n"
                                          "  closed: [\"%d.%m.%Y %H:%M\"]\n"
                                          "priority_map: {A: 1, B: 2, C: 3}\n"
                                          "private_columns: [Street]\n"
                                          "default_mapping: milwaukee\n");
  const std::string input = folder.write("calls.csv",
                                         "Received;Cleared;Kind;Urgency;Street;Bezirk\n"
                                         "01.02.2024 08:15;01.02.2024 09:00;WELFARE CITIZEN;A;Stra\xDF"
                                         "e 1;S\xFC"
                                         "d\n"
                                         "01.02.2024 10:15;01.02.2024 09:00;THEFT;C;Weg 2;Nord\n");
  cad::ImportOptions options;
  options.schema = schema;
  const auto result = cad::import_calls(input, options);
  CHECK(result.summary.schema_name == "springfield");
  REQUIRE(result.calls.size() == 2);
  CHECK(result.calls[0].created == at("2024-02-01 08:15:00"));
  CHECK(result.calls[0].closed == at("2024-02-01 09:00:00"));
  CHECK(result.calls[0].priority == 1);
  CHECK(result.calls[0].category == cad::Category::welfare_check);
  CHECK(result.calls[0].area ==
        "S\xC3\xBC"
        "d");  // Latin-1 read as UTF-8
  CHECK(result.calls[1].notes == std::vector<std::string>{"closed: before created"});
}

// ---- privacy ----------------------------------------------------------------------------------

TEST_CASE("no address, coordinate or other private value reaches any output") {
  struct Case {
    std::string file, schema, created;
    std::vector<std::string> private_columns;
  };
  const std::vector<Case> cases = {
      {kMilwaukee, "milwaukee", "time", {"location", "latitude", "longitude"}},
      {kNopd, "nopd", "TimeCreate", {"BLOCK_ADDRESS", "Location", "MapX", "MapY"}},
      {kDallas, "dallas", "date_time", {"block", "location"}},
      {kSeattle, "seattle", "Original Time Queued", {"Blurred_Longitude", "Blurred_Latitude"}},
  };
  for (const auto& c : cases) {
    INFO("schema: " << c.schema);
    TemporaryFolder folder("cad-privacy");
    const SimpleCsv csv = read_simple_csv(c.file);
    // Every third row gets an unparseable created time, so the rejects file has rows too.
    // The first 2,000 rows are plenty (Milwaukee's 28,000 would make the search take a minute).
    const std::size_t created = csv.index(c.created);
    const std::size_t rows = std::min<std::size_t>(csv.lines.size(), 2001);
    std::string dirty;
    for (std::size_t r = 0; r < rows; ++r) {
      std::string line = csv.lines[r];
      if (r > 0 && r % 3 == 0) {
        const std::string& stamp = csv.rows[r][created];
        line.replace(line.find(stamp), stamp.size(), "not a time");
      }
      dirty += line + "\n";
    }
    const std::string input = folder.write("dirty.csv", dirty);
    const std::string rejects = (folder.path() / "rejects.csv").string();
    const auto result = import(input, c.schema, rejects);
    CHECK(result.summary.rejected_by_reason.at("created: unparseable") == static_cast<std::int64_t>((rows - 1) / 3));
    const std::string outputs =
        read_bytes(rejects) + cad::summary_text(result.summary) + cad::summary_json_text(result.summary);
    std::string records;
    for (const auto& call : result.calls) {
      records += call.call_type + "|" + call.area + "|" + call.unit + "|" + call.disposition_raw + "|";
      for (const auto& note : call.notes) records += note + "|";
    }
    std::set<std::string> secrets_seen;
    std::size_t secrets = 0;
    std::size_t leaks = 0;
    for (const auto& column : c.private_columns) {
      const std::size_t index = csv.index(column);
      for (std::size_t r = 1; r < rows; ++r) {
        const std::string& secret = csv.rows[r][index];
        if (!secrets_seen.insert(secret).second) continue;
        // Addresses carry a number or several words and coordinates are numbers; a bare word
        // ("ACADEMY" as a Milwaukee location) can also be a call type, and "1" appears anywhere.
        if (secret.size() < 4 || secret.find_first_of("0123456789 ") == std::string::npos) continue;
        ++secrets;
        REQUIRE(dirty.find(secret) != std::string::npos);  // the search finds what is there
        if (outputs.find(secret) != std::string::npos || records.find(secret) != std::string::npos) {
          ++leaks;
          FAIL_CHECK("private value leaked: " << secret);
        }
      }
    }
    CHECK(secrets > 10);
    CHECK(leaks == 0);
  }
}

// ---- summaries --------------------------------------------------------------------------------

TEST_CASE("the summary renders as text and as JSON with the same counts") {
  const auto result = import(kNopd, "nopd");
  const std::string json = cad::summary_json_text(result.summary);
  CHECK(json.find("\"rows_read\": 20") != std::string::npos);
  CHECK(json.find("\"rows_outside_period\": 0") != std::string::npos);
  CHECK(json.find("\"behavioural_health\": 10") != std::string::npos);
  CHECK(json.find("\"DISTURBANCE\": 2") != std::string::npos);
  CHECK(json.find("\"first_created\": \"2022-03-01 00:00:00\"") != std::string::npos);
  const std::string text = cad::summary_text(result.summary);
  CHECK(text.find("rows read           20\n") != std::string::npos);
  CHECK(text.find("behavioural_health 10") != std::string::npos);
  CHECK(text.find("unmapped call types 1 types, 2 calls") != std::string::npos);
}
