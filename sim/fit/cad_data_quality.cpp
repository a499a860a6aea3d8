// The data-quality pass before a fit or a backtest (docs/cad-fit.md, "Data quality").
#include "fit/cad_data_quality.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <boost/math/special_functions/gamma.hpp>
#include <fmt/format.h>

#include "fit/cad_fit.hpp"
#include "results/results_writer.hpp"

namespace crisis::io::cad {
namespace {

constexpr double kMinutesPerDay = 1440.0;
constexpr std::size_t kMinSegmentDays = 7;     // a change point leaves a week on each side
constexpr std::size_t kMinTestedDays = 28;
constexpr double kBreakP = 0.001;
constexpr double kBreakRatio = 1.25;           // a material change: at least 25% either way
constexpr double kShiftTotalVariation = 0.1;
constexpr double kNewCodeShare = 0.005;
constexpr std::int64_t kMinCodeCalls = 10;      // fewer calls of a code say nothing about a trend
constexpr double kUnmappedWarningShare = 0.01;
constexpr std::size_t kMinFitDays = 28;         // a recommended window needs four weeks

double x_log_x_over(double n, double d) { return n > 0 ? n * std::log(n / d) : 0.0; }

VolumeChange volume_change(const DayCoverage& coverage) {
  VolumeChange v;
  std::vector<double> counts;
  std::vector<Timestamp> days;
  for (std::size_t d = 0; d < coverage.days(); ++d) {
    if (!coverage.covered[d]) continue;
    counts.push_back(static_cast<double>(coverage.rows_by_day[d]));
    days.push_back(coverage.start + kMinutesPerDay * static_cast<double>(d));
  }
  const std::size_t n = counts.size();
  if (n < kMinTestedDays) return v;
  v.tested = true;
  double total = 0.0;
  for (const double c : counts) total += c;
  if (!(total > 0)) return v;
  const double null_term = x_log_x_over(total, static_cast<double>(n));
  double best = -1.0;
  std::size_t best_tau = 0;
  double before = 0.0;
  for (std::size_t tau = 1; tau < n; ++tau) {
    before += counts[tau - 1];
    if (tau < kMinSegmentDays || n - tau < kMinSegmentDays) continue;
    const double lr = 2.0 * (x_log_x_over(before, static_cast<double>(tau)) +
                             x_log_x_over(total - before, static_cast<double>(n - tau)) - null_term);
    if (lr > best) {
      best = lr;
      best_tau = tau;
    }
  }
  if (best_tau == 0) return v;
  double first = 0.0;
  for (std::size_t d = 0; d < best_tau; ++d) first += counts[d];
  v.rate_before = first / static_cast<double>(best_tau);
  v.rate_after = (total - first) / static_cast<double>(n - best_tau);
  v.date = days[best_tau];
  // Overdispersion (weekday effects, clustering) inflates the Poisson statistic: scale it.
  double pearson = 0.0;
  for (std::size_t d = 0; d < n; ++d) {
    const double expected = d < best_tau ? v.rate_before : v.rate_after;
    if (expected > 0) pearson += (counts[d] - expected) * (counts[d] - expected) / expected;
  }
  v.dispersion = std::max(1.0, pearson / static_cast<double>(n - 2));
  v.statistic = std::max(0.0, best) / v.dispersion;
  const double candidates = static_cast<double>(n - 2 * kMinSegmentDays + 1);
  v.p_value = std::min(1.0, candidates * boost::math::gamma_q(0.5, v.statistic / 2.0));
  const double low = std::min(v.rate_before, v.rate_after);
  const double high = std::max(v.rate_before, v.rate_after);
  v.is_break = v.p_value < kBreakP && (low == 0.0 || high / low >= kBreakRatio);
  return v;
}

/// The median creation time: the first half of the calls is before it.
Timestamp median_created(std::span<const CallRecord> calls) {
  std::vector<Timestamp> times = created_times(calls);
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
  return times[times.size() / 2];
}

HourShift hour_shift(std::span<const CallRecord> calls, Timestamp split) {
  HourShift h;
  h.halves_split = split;
  std::array<std::array<double, 24>, 2> counts{};
  std::array<double, 2> rows{};
  for (const auto& call : calls) {
    const std::size_t half = call.created < split ? 0 : 1;
    counts[half][static_cast<std::size_t>(hour_of_week(call.created) % 24)] += 1.0;
    rows[half] += 1.0;
  }
  if (rows[0] < 100 || rows[1] < 100) return h;
  h.tested = true;
  const double total = rows[0] + rows[1];
  int cells = 0;
  for (std::size_t hour = 0; hour < 24; ++hour) {
    const double column = counts[0][hour] + counts[1][hour];
    h.total_variation += std::abs(counts[0][hour] / rows[0] - counts[1][hour] / rows[1]) / 2.0;
    if (column == 0) continue;
    ++cells;
    for (std::size_t half = 0; half < 2; ++half) {
      const double expected = rows[half] * column / total;
      h.chi_square += (counts[half][hour] - expected) * (counts[half][hour] - expected) / expected;
    }
  }
  h.degrees_of_freedom = std::max(1, cells - 1);
  h.p_value = boost::math::gamma_q(h.degrees_of_freedom / 2.0, h.chi_square / 2.0);
  h.is_shift = h.p_value < kBreakP && h.total_variation >= kShiftTotalVariation;
  return h;
}

std::vector<CodeFinding> code_findings(std::span<const CallRecord> calls, const ImportSummary& summary, Timestamp split) {
  struct Tally {
    std::int64_t first = 0;
    std::int64_t second = 0;
    Timestamp first_seen = 0;
    bool seen = false;
    bool mapped = true;
  };
  std::map<std::pair<std::string, std::string>, Tally> tallies;
  double n_first = 0;
  double n_second = 0;
  for (const auto& call : calls) {
    const bool first = call.created < split;
    (first ? n_first : n_second) += 1.0;
    const auto add = [&](const char* column, const std::string& code, bool mapped) {
      if (code.empty()) return;
      Tally& t = tallies[{column, code}];
      (first ? t.first : t.second) += 1;
      t.first_seen = t.seen ? std::min(t.first_seen, call.created) : call.created;
      t.seen = true;
      t.mapped = t.mapped && mapped;
    };
    add("call type", call.call_type, summary.unmapped_call_types.count(call.call_type) == 0);
    add("disposition", call.disposition_raw, call.disposition.has_value());
  }
  std::vector<CodeFinding> out;
  const double n = n_first + n_second;
  for (const auto& [key, t] : tallies) {
    CodeFinding f;
    f.column = key.first;
    f.code = key.second;
    f.count = t.first + t.second;
    f.share = static_cast<double>(f.count) / n;
    f.share_first = n_first > 0 ? static_cast<double>(t.first) / n_first : 0.0;
    f.share_second = n_second > 0 ? static_cast<double>(t.second) / n_second : 0.0;
    f.first_seen = t.first_seen;
    f.mapped = t.mapped;
    f.new_late = t.first == 0 && f.share_second >= kNewCodeShare && n_first > 0 && f.count >= kMinCodeCalls;
    const double pooled = f.share;
    const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / std::max(1.0, n_first) + 1.0 / std::max(1.0, n_second)));
    const double z = se > 0 ? (f.share_second - f.share_first) / se : 0.0;
    f.grew = !f.new_late && f.count >= kMinCodeCalls && f.share_second >= 2.0 * f.share_first && f.share_second - f.share_first >= 0.02 && z > 4.0;
    if (!f.mapped || f.new_late || f.grew) out.push_back(f);
  }
  std::sort(out.begin(), out.end(), [](const CodeFinding& a, const CodeFinding& b) {
    return a.count != b.count ? a.count > b.count : std::tie(a.column, a.code) < std::tie(b.column, b.code);
  });
  return out;
}

std::vector<EmptyColumn> empty_columns(std::span<const CallRecord> calls, Timestamp split) {
  struct Column {
    const char* name;
    bool (*empty)(const CallRecord&);
  };
  static const std::array<Column, 7> kColumns = {{
      {"dispatched", [](const CallRecord& c) { return !c.dispatched.has_value(); }},
      {"arrived", [](const CallRecord& c) { return !c.arrived.has_value(); }},
      {"closed", [](const CallRecord& c) { return !c.closed.has_value(); }},
      {"call type", [](const CallRecord& c) { return c.call_type.empty(); }},
      {"priority", [](const CallRecord& c) { return !c.priority.has_value(); }},
      {"area", [](const CallRecord& c) { return is_placeholder_area(c.area); }},
      {"disposition", [](const CallRecord& c) { return c.disposition_raw.empty(); }},
  }};
  std::vector<EmptyColumn> out;
  for (const Column& column : kColumns) {
    double empty_first = 0;
    double empty_second = 0;
    double n_first = 0;
    double n_second = 0;
    for (const auto& call : calls) {
      const bool first = call.created < split;
      (first ? n_first : n_second) += 1.0;
      if (column.empty(call)) (first ? empty_first : empty_second) += 1.0;
    }
    EmptyColumn e;
    e.column = column.name;
    e.share = (empty_first + empty_second) / std::max(1.0, n_first + n_second);
    e.share_first = n_first > 0 ? empty_first / n_first : 0.0;
    e.share_second = n_second > 0 ? empty_second / n_second : 0.0;
    if (e.share > 0) out.push_back(e);
  }
  return out;
}

std::string percent(double share) { return fmt::format("{:.1f}%", 100.0 * share); }

std::string p_text(double p) { return p < 1e-16 ? std::string("< 1e-16") : fmt::format("{:.2g}", p); }

void add_warnings(DataQuality& q) {
  const std::vector<Timestamp> gaps = q.coverage.gap_days();
  if (!gaps.empty()) {
    q.warnings.push_back(fmt::format("no rows at all on {} day(s), {}: counted as missing data, not as days without calls",
                                     gaps.size(), q.coverage.gap_text()));
  }
  if (q.volume.is_break) {
    std::string sentence = fmt::format(
        "the daily volume changed on {}: {:.2f} calls a day before, {:.2f} from then on (likelihood-ratio statistic {:.1f} after "
        "dividing by the overdispersion {:.2f}; p {})",
        fit_date_text(q.volume.date), q.volume.rate_before, q.volume.rate_after, q.volume.statistic, q.volume.dispersion,
        p_text(q.volume.p_value));
    if (q.recommended_from) sentence += fmt::format("; fit from {} (--from {}) to model the later period", fit_date_text(*q.recommended_from),
                                                    fit_date_text(*q.recommended_from));
    q.warnings.push_back(sentence);
  }
  if (q.hours.is_shift) {
    q.warnings.push_back(fmt::format(
        "the hours of the day shifted between the halves (before and from {}): total variation {:.3f}, chi-square {:.1f} on {} df (p {})",
        fit_date_text(q.hours.halves_split), q.hours.total_variation, q.hours.chi_square, q.hours.degrees_of_freedom,
        p_text(q.hours.p_value)));
  }
  for (const auto& code : q.codes) {
    if (code.new_late) {
      q.warnings.push_back(fmt::format("{} \"{}\" first appears on {} ({} of the second half, none before){}", code.column, code.code,
                                       fit_date_text(code.first_seen), percent(code.share_second),
                                       code.mapped ? "" : "; it is unmapped"));
    } else if (code.grew) {
      q.warnings.push_back(fmt::format("{} \"{}\" grew from {} of the calls before {} to {} from then on{}", code.column, code.code,
                                       percent(code.share_first), fit_date_text(q.hours.halves_split), percent(code.share_second),
                                       code.mapped ? "" : "; it is unmapped"));
    } else if (!code.mapped && code.share >= kUnmappedWarningShare) {
      q.warnings.push_back(fmt::format("{} \"{}\" is unmapped ({} of the calls)", code.column, code.code, percent(code.share)));
    }
  }
  for (const auto& column : q.empty_columns) {
    if (std::abs(column.share_second - column.share_first) >= 0.2) {
      q.warnings.push_back(fmt::format("the {} column is empty in {} of the calls before {} and {} from then on", column.column,
                                       percent(column.share_first), fit_date_text(q.hours.halves_split), percent(column.share_second)));
    }
  }
}

}  // namespace

bool DataQuality::has_unmapped_codes() const {
  return std::any_of(codes.begin(), codes.end(), [](const CodeFinding& c) { return !c.mapped && c.share >= kUnmappedWarningShare; });
}

DataQuality assess_data_quality(std::span<const CallRecord> all_calls, const ImportSummary& summary, Timestamp start, Timestamp end) {
  DataQuality q;
  q.start = start;
  q.end = end;
  std::vector<CallRecord> calls;
  for (const auto& call : all_calls) {
    if (call.created >= start && call.created < end) calls.push_back(call);
  }
  q.calls = static_cast<std::int64_t>(calls.size());
  const std::vector<Timestamp> created = created_times(calls);
  q.coverage = day_coverage(created, start, end);
  if (calls.empty()) return q;
  q.volume = volume_change(q.coverage);
  const Timestamp split = median_created(calls);
  q.hours = hour_shift(calls, split);
  q.hours.halves_split = split;
  q.codes = code_findings(calls, summary, split);
  q.empty_columns = empty_columns(calls, split);
  if (q.volume.is_break) {
    double covered_after = 0;
    for (std::size_t d = 0; d < q.coverage.days(); ++d) {
      if (q.coverage.covered[d] && q.coverage.start + kMinutesPerDay * static_cast<double>(d) >= q.volume.date) covered_after += 1;
    }
    if (covered_after >= static_cast<double>(kMinFitDays)) q.recommended_from = q.volume.date;
  }
  add_warnings(q);
  return q;
}

std::string data_quality_text(const DataQuality& q) {
  if (q.warnings.empty()) {
    return fmt::format("data quality: {} to {}: no gap, no break in volume, no shift of hours, no unmapped or new code found\n",
                       fit_date_text(q.start), fit_date_text(q.end - 1.0));
  }
  std::string out;
  for (const auto& warning : q.warnings) out += "data quality: " + warning + "\n";
  return out;
}

std::string data_quality_markdown(const DataQuality& q) {
  std::string out = fmt::format("\n## Data quality\n\nChecked over {} to {} ({} calls) before fitting.\n\n", fit_date_text(q.start),
                                fit_date_text(q.end - 1.0), q.calls);
  if (q.warnings.empty()) {
    out += "No finding: no gap, no break in volume, no shift of the hours of the day, no unmapped or new code.\n";
  } else {
    for (const auto& warning : q.warnings) out += "- **Warning:** " + warning + ".\n";
  }
  const std::vector<Timestamp> gaps = q.coverage.gap_days();
  out += fmt::format("\n- Days without rows (gaps, left out of the exposure): {}.\n", gaps.empty() ? std::string("none") : q.coverage.gap_text());
  if (q.volume.tested) {
    out += fmt::format("- Volume change point (Poisson likelihood ratio over the covered days, divided by the overdispersion "
                       "{:.2f}; p Bonferroni over the candidate days): most likely on {}, {:.2f} calls a day before and {:.2f} after, "
                       "statistic {:.1f}, p {}: {}.\n",
                       q.volume.dispersion, fit_date_text(q.volume.date), q.volume.rate_before, q.volume.rate_after, q.volume.statistic,
                       p_text(q.volume.p_value), q.volume.is_break ? "a break" : "no break (p ≥ 0.001 or a change under 25%)");
  } else {
    out += "- Volume change point: not tested (fewer than 28 covered days).\n";
  }
  if (q.recommended_from) out += fmt::format("- **Recommended window:** `--from {}`.\n", fit_date_text(*q.recommended_from));
  if (q.hours.tested) {
    out += fmt::format("- Hours of the day, calls before {} against from then on: total variation {:.3f}, chi-square {:.1f} on {} df "
                       "(p {}): {}.\n",
                       fit_date_text(q.hours.halves_split), q.hours.total_variation, q.hours.chi_square, q.hours.degrees_of_freedom,
                       p_text(q.hours.p_value), q.hours.is_shift ? "shifted" : "no material shift (total variation under 0.1)");
  }
  if (!q.codes.empty()) {
    out += "\nCodes unmapped, new late in the period, or grown (first 20):\n\n| column | code | calls | share | first half | second half | first seen | mapped |\n"
           "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n";
    for (std::size_t i = 0; i < q.codes.size() && i < 20; ++i) {
      const CodeFinding& c = q.codes[i];
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", c.column, c.code, c.count, percent(c.share), percent(c.share_first),
                         percent(c.share_second), fit_date_text(c.first_seen), c.mapped ? "yes" : "no");
    }
  }
  if (!q.empty_columns.empty()) {
    out += "\nColumns empty (or a placeholder) by share of the calls:\n\n| column | empty | first half | second half |\n| --- | ---: | ---: | ---: |\n";
    for (const auto& e : q.empty_columns) {
      out += fmt::format("| {} | {} | {} | {} |\n", e.column, percent(e.share), percent(e.share_first), percent(e.share_second));
    }
  }
  return out;
}

nlohmann::ordered_json gap_days_json(const DayCoverage& coverage) {
  nlohmann::ordered_json gaps = nlohmann::ordered_json::array();
  for (const Timestamp day : coverage.gap_days()) gaps.push_back(fit_date_text(day));
  return gaps;
}

nlohmann::ordered_json data_quality_json(const DataQuality& q) {
  nlohmann::ordered_json json;
  json["start"] = fit_date_text(q.start);
  json["end_exclusive"] = fit_date_text(q.end);
  json["calls"] = q.calls;
  json["gap_days"] = gap_days_json(q.coverage);
  json["volume_change"] = {{"tested", q.volume.tested},        {"date", fit_date_text(q.volume.date)},
                           {"rate_before", q.volume.rate_before}, {"rate_after", q.volume.rate_after},
                           {"statistic", q.volume.statistic},     {"dispersion", q.volume.dispersion},
                           {"p_value", q.volume.p_value},         {"break", q.volume.is_break}};
  json["hour_shift"] = {{"tested", q.hours.tested},
                        {"halves_split", fit_date_text(q.hours.halves_split)},
                        {"total_variation", q.hours.total_variation},
                        {"chi_square", q.hours.chi_square},
                        {"degrees_of_freedom", q.hours.degrees_of_freedom},
                        {"p_value", q.hours.p_value},
                        {"shift", q.hours.is_shift}};
  nlohmann::ordered_json codes = nlohmann::ordered_json::array();
  for (const auto& c : q.codes) {
    codes.push_back({{"column", c.column}, {"code", c.code}, {"calls", c.count}, {"share", c.share}, {"share_first_half", c.share_first},
                     {"share_second_half", c.share_second}, {"first_seen", fit_date_text(c.first_seen)}, {"mapped", c.mapped},
                     {"new_late", c.new_late}, {"grew", c.grew}});
  }
  json["codes"] = codes;
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const auto& e : q.empty_columns) {
    columns.push_back({{"column", e.column}, {"empty_share", e.share}, {"first_half", e.share_first}, {"second_half", e.share_second}});
  }
  json["empty_columns"] = columns;
  json["recommended_from"] = q.recommended_from ? nlohmann::ordered_json(fit_date_text(*q.recommended_from)) : nlohmann::ordered_json();
  json["warnings"] = q.warnings;
  return json;
}

}  // namespace crisis::io::cad
