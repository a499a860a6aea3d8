#include "results/export_tables.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zlib.h>

#include "crisis/build_info.hpp"
#include "engine/errors.hpp"
#include "engine/statistics.hpp"

namespace crisis::io {

MeasureLabel measure_label(const std::string& measure, const std::vector<const world::World*>& worlds,
                           const std::string& currency) {
  MeasureLabel label{"", measure};
  for (const world::World* world : worlds) {
    const world::MeasureLayout& layout = world->measure_layout();
    const auto at = std::find(layout.names.begin(), layout.names.end(), measure);
    if (at == layout.names.end()) continue;
    const auto index = static_cast<std::size_t>(at - layout.names.begin());
    label = {layout.units[index], layout.docs[index]};
    break;
  }
  for (const HeadlineMeasure& row : headline_measures({measure})) {
    if (row.measure != measure) continue;
    label.label = row.label;
    label.label.erase(0, std::min(label.label.find_first_not_of(' '), label.label.size()));
    break;
  }
  if (const auto at = label.unit.find("currency"); !currency.empty() && at != std::string::npos) {
    label.unit.replace(at, 8, currency);
  }
  return label;
}

std::string table_csv(const ExportTable& table) {
  std::string text;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (c) text.push_back(',');
    text += csv_field(table.columns[c].name);
  }
  text += "\n";
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) text.push_back(',');
      if (const auto* word = std::get_if<std::string>(&row[c])) {
        text += csv_field(*word);
      } else {
        text += format_number(std::get<double>(row[c]));
      }
    }
    text += "\n";
  }
  return text;
}

void write_xlsx(const std::string& path, const std::vector<ExportTable>& tables) {
  namespace fs = std::filesystem;
  const std::string temporary = path + ".partial-" + std::to_string(::getpid());
  lxw_workbook* workbook = workbook_new(temporary.c_str());
  if (workbook == nullptr) throw InputError(InputProblem{path, 0, 0, "--xlsx", "cannot write here (does the folder exist?)"});
  // A fixed creation time (2000-01-01), so that no wall-clock time enters an output.
  lxw_doc_properties properties{};
  properties.title = const_cast<char*>("crisis-sim results");
  properties.comments = const_cast<char*>("Written by crisis-sim; the CSV and JSON files beside it hold the same numbers");
  properties.created = 946684800;
  workbook_set_properties(workbook, &properties);
  lxw_format* header = workbook_add_format(workbook);
  format_set_bold(header);
  format_set_text_wrap(header);
  format_set_align(header, LXW_ALIGN_VERTICAL_TOP);
  for (const ExportTable& table : tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, table.sheet.substr(0, 31).c_str());
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const auto column = static_cast<lxw_col_t>(c);
      worksheet_write_string(sheet, 0, column, table.columns[c].label.c_str(), header);
      // Wide enough for a label over three lines, between 10 and 60 characters.
      const double width = std::clamp(static_cast<double>(table.columns[c].label.size()) / 3.0 + 2.0, 10.0, 60.0);
      worksheet_set_column(sheet, column, column, c == 0 ? std::max(width, 28.0) : width, nullptr);
    }
    worksheet_freeze_panes(sheet, 1, 1);
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
        const auto column = static_cast<lxw_col_t>(c);
        if (const auto* word = std::get_if<std::string>(&table.rows[r][c])) {
          if (!word->empty()) worksheet_write_string(sheet, row, column, word->c_str(), nullptr);
        } else if (const double value = std::get<double>(table.rows[r][c]); std::isfinite(value)) {
          worksheet_write_number(sheet, row, column, value, nullptr);
        }
      }
    }
  }
  const lxw_error error = workbook_close(workbook);
  if (error != LXW_NO_ERROR) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw InputError(InputProblem{path, 0, 0, "--xlsx", std::string("cannot write the workbook: ") + lxw_strerror(error)});
  }
  std::error_code moved;
  fs::rename(temporary, path, moved);
  if (moved) throw Error("could not move " + temporary + " to " + path + ": " + moved.message());
}

namespace {

/// The areas (zones or groups) named by measures "PREFIX.AREA.MEASURE" in `names`, in order,
/// and the measures each has after the area's name (the same for every area).
void split_area_measures(const std::vector<std::string>& names, const std::vector<std::string>& areas_known,
                         const std::string& prefix, std::vector<std::string>& areas, std::vector<std::string>& suffixes) {
  for (const std::string& area : areas_known) {
    const std::string head = prefix + area + ".";
    bool found = false;
    for (const std::string& name : names) {
      if (name.rfind(head, 0) != 0) continue;
      found = true;
      const std::string suffix = name.substr(head.size());
      if (std::find(suffixes.begin(), suffixes.end(), suffix) == suffixes.end()) suffixes.push_back(suffix);
    }
    if (found) areas.push_back(area);
  }
}

std::vector<std::string> area_names(const world::World& world, const std::string& prefix) {
  std::vector<std::string> names;
  if (prefix == "zone.") {
    for (const auto& zone : world.scenario().zones) names.push_back(zone.name);
  } else {
    for (const std::string& name : world.measure_names()) {
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string area = name.substr(prefix.size(), name.find('.', prefix.size()) - prefix.size());
      if (std::find(names.begin(), names.end(), area) == names.end()) names.push_back(area);
    }
  }
  return names;
}

double mean_of(const RunResults& results, const std::string& measure) {
  const std::size_t index = results.measure_index(measure);
  if (index == std::string::npos) return std::nan("");
  return engine::summarize_replications(results.column(index)).mean;
}

}  // namespace

ExportTable area_table(const std::string& sheet, const std::string& prefix, const std::vector<std::string>& variant_names,
                       const std::vector<const RunResults*>& results, const std::vector<const world::World*>& worlds) {
  ExportTable table{sheet, {}, {}};
  const bool variants = !variant_names.empty();
  std::vector<std::string> areas;
  std::vector<std::string> suffixes;
  split_area_measures(worlds.front()->measure_names(), area_names(*worlds.front(), prefix), prefix, areas, suffixes);
  if (variants) table.columns.push_back({"variant", "Variant"});
  const std::string noun = prefix == "zone." ? "zone" : "group";
  table.columns.push_back({noun, noun == "zone" ? "Zone" : "Group of residents"});
  for (const std::string& suffix : suffixes) {
    const MeasureLabel label = measure_label(prefix + areas.front() + "." + suffix, worlds);
    std::string text = label.label;
    // "the zone's crisis calls ending in arrest" reads as a header without "the zone's".
    for (const std::string_view lead : {std::string_view("the zone's "), std::string_view("the group's ")}) {
      if (text.rfind(lead, 0) == 0) text.erase(0, lead.size());
    }
    if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    table.columns.push_back({suffix + ".mean", text + (label.unit.empty() ? "" : " (" + label.unit + "), mean")});
  }
  for (std::size_t v = 0; v < results.size(); ++v) {
    for (const std::string& area : areas) {
      std::vector<ExportCell> row;
      if (variants) row.emplace_back(variant_names[v]);
      row.emplace_back(area);
      for (const std::string& suffix : suffixes) row.emplace_back(mean_of(*results[v], prefix + area + "." + suffix));
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

ExportTable inputs_table(const RunResults& results, const std::vector<std::pair<std::string, std::string>>& extra) {
  ExportTable table{"inputs", {{"key", "What"}, {"value", "Value"}}, {}};
  const auto add = [&table](const std::string& key, const std::string& value) { table.rows.push_back({key, value}); };
  add("crisis_sim_version", build::kVersion);
  add("scenario", results.scenario_name);
  add("scenario_path", results.scenario_path);
  add("scenario_hash", fmt::format("{:016x}", results.scenario_hash));
  add("seed", std::to_string(results.seed));
  add("replications", std::to_string(results.replications.size()));
  add("horizon_days", format_number(results.horizon_days));
  add("warmup_days", format_number(results.warmup_days));
  add("models", join(results.models, ", "));
  add("currency", results.currency);
  add("confidence_level", "0.95 (Student-t intervals across replications)");
  for (const auto& [key, value] : extra) add(key, value);
  // The scenario as it was read (overrides are in the hash, not in this text).
  std::ifstream in(results.scenario_path, std::ios::binary);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) add(fmt::format("scenario line {}", ++number), line);
  return table;
}

std::vector<ExportTable> run_export_tables(const RunResults& results, const world::World& world) {
  const std::vector<const world::World*> worlds = {&world};
  ExportTable measures{"measures",
                       {{"measure", "Measure"},
                        {"label", "What it is"},
                        {"unit", "Unit"},
                        {"mean", "Mean"},
                        {"sd", "Standard deviation across replications"},
                        {"ci95_low", "95% interval, low"},
                        {"ci95_high", "95% interval, high"},
                        {"n", "Replications with a value"}},
                       {}};
  for (std::size_t i = 0; i < results.measure_names.size(); ++i) {
    const auto s = engine::summarize_replications(results.column(i));
    const MeasureLabel label = measure_label(results.measure_names[i], worlds, results.currency);
    measures.rows.push_back({results.measure_names[i], label.label, label.unit,
                             s.mean, s.sd, s.low, s.high, static_cast<double>(s.count)});
  }
  std::vector<ExportTable> tables = {std::move(measures)};
  for (const auto& [sheet, prefix] : {std::pair<std::string, std::string>{"zones", "zone."}, {"groups", "group."}}) {
    ExportTable table = area_table(sheet, prefix, {}, {&results}, worlds);
    if (!table.rows.empty()) tables.push_back(std::move(table));
  }
  tables.push_back(inputs_table(results, {}));
  return tables;
}

std::string gzip_text(const std::string& text) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip wrapper; its header's time stamp stays 0.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw Error("zlib: deflateInit2 failed");
  }
  std::string out;
  char buffer[1 << 16];
  std::size_t offset = 0;
  int result = Z_OK;
  // zlib counts in 32-bit uInt: the text is fed in pieces of at most 1 GiB.
  while (result != Z_STREAM_END) {
    if (stream.avail_in == 0 && offset < text.size()) {
      const std::size_t piece = std::min<std::size_t>(text.size() - offset, std::size_t{1} << 30);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data() + offset));
      stream.avail_in = static_cast<uInt>(piece);
      offset += piece;
    }
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = deflate(&stream, offset == text.size() ? Z_FINISH : Z_NO_FLUSH);
    if (result == Z_STREAM_ERROR) {
      deflateEnd(&stream);
      throw Error("zlib: deflate failed");
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  deflateEnd(&stream);
  return out;
}

}  // namespace crisis::io
