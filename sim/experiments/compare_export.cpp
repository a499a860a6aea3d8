#include "experiments/compare_export.hpp"

#include <cmath>

namespace crisis::io {
namespace {

std::vector<const world::World*> pointers(const std::vector<world::World>& worlds) {
  std::vector<const world::World*> list;
  for (const world::World& world : worlds) list.push_back(&world);
  return list;
}

}  // namespace

ExportTable comparison_table_export(const Comparison& comparison, const std::vector<world::World>& worlds) {
  const std::string& currency = comparison.variants.front().results.currency;
  const std::string& reference = comparison.variants.front().spec.name;
  ExportTable table{"comparison", {{"measure", "Measure"}, {"label", "What it is"}, {"unit", "Unit"}}, {}};
  for (const VariantResult& variant : comparison.variants) {
    const std::string& v = variant.spec.name;
    table.columns.push_back({v + ".mean", v + ": mean"});
    table.columns.push_back({v + ".ci95_low", v + ": 95% interval, low"});
    table.columns.push_back({v + ".ci95_high", v + ": 95% interval, high"});
  }
  for (std::size_t v = 1; v < comparison.variants.size(); ++v) {
    const std::string& name = comparison.variants[v].spec.name;
    const std::string versus = name + " - " + reference;
    table.columns.push_back({name + ".change", versus + ": paired change, mean"});
    table.columns.push_back({name + ".change_ci95_low", versus + ": 95% interval of the change, low"});
    table.columns.push_back({name + ".change_ci95_high", versus + ": 95% interval of the change, high"});
    table.columns.push_back({name + ".relative_change", versus + ": change over the reference's mean"});
    table.columns.push_back({name + ".significant", versus + ": 1 when the interval excludes 0"});
  }
  const std::vector<const world::World*> labelled = pointers(worlds);
  for (const std::string& measure : comparison.measure_names) {
    const MeasureLabel label = measure_label(measure, labelled, currency);
    std::vector<ExportCell> row = {measure, label.label, label.unit};
    for (std::size_t v = 0; v < comparison.variants.size(); ++v) {
      const auto s = comparison.summary(v, measure);
      row.insert(row.end(), {s.mean, s.low, s.high});
    }
    const double base = comparison.summary(0, measure).mean;
    for (std::size_t v = 1; v < comparison.variants.size(); ++v) {
      const auto d = comparison.difference(v, measure);
      const bool significant = std::isfinite(d.low) && (d.low > 0.0 || d.high < 0.0);
      const double relative = std::isfinite(base) && base != 0.0 ? d.mean / base : std::nan("");
      row.insert(row.end(), {d.mean, d.low, d.high, relative, std::isfinite(d.low) ? (significant ? 1.0 : 0.0) : std::nan("")});
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string comparison_csv(const Comparison& comparison, const std::vector<world::World>& worlds) {
  return table_csv(comparison_table_export(comparison, worlds));
}

std::vector<ExportTable> comparison_export_tables(const Comparison& comparison, const std::vector<world::World>& worlds) {
  std::vector<ExportTable> tables = {comparison_table_export(comparison, worlds)};
  std::vector<std::string> names;
  std::vector<const RunResults*> results;
  for (const VariantResult& variant : comparison.variants) {
    names.push_back(variant.spec.name);
    results.push_back(&variant.results);
  }
  for (const auto& [sheet, prefix] : {std::pair<std::string, std::string>{"zones", "zone."}, {"groups", "group."}}) {
    ExportTable table = area_table(sheet, prefix, names, results, pointers(worlds));
    if (!table.rows.empty()) tables.push_back(std::move(table));
  }
  std::vector<std::pair<std::string, std::string>> variants;
  for (const VariantResult& variant : comparison.variants) {
    variants.emplace_back("variant " + variant.spec.name, variant.spec.description.empty()
                                                              ? "models " + join(variant.results.models, ", ")
                                                              : variant.spec.description);
  }
  variants.emplace_back("reference", comparison.variants.front().spec.name);
  variants.emplace_back("common_random_numbers", "yes: the variants' differences are paired replication by replication");
  tables.push_back(inputs_table(comparison.variants.front().results, variants));
  return tables;
}

}  // namespace crisis::io
