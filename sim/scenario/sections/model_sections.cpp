#include "scenario/scenario_parts.hpp"

// The models: section (names checked against the registry, parameters against each model's
// specs) and targets:.

#include <algorithm>

namespace crisis::io::detail {

using world::DurationSpec;
using world::Scenario;
using world::kPriorityCount;

namespace {

void read_model_parameters(YamlReader& reader, const world::ResponseModel& model, const YAML::Node& node, const std::string& path,
                           world::ModelParameters& out) {
  MapReader map(reader, node.IsDefined() && !node.IsNull() ? node : YAML::Node(YAML::NodeType::Map), path);
  for (const world::ParameterSpec& spec : model.parameters()) {
    const YAML::Node value = map.child(spec.name);
    reader.know("models[]." + std::string(model.name()) + "." + spec.name);
    if (!value.IsDefined()) {
      out.set(spec.name, spec.default_value);
      continue;
    }
    const std::string key = path + "." + spec.name;
    switch (spec.kind) {
      case world::ParameterSpec::Kind::number:
        out.set(spec.name, read_number(reader, value, key, spec.minimum, spec.maximum).value_or(std::get<double>(spec.default_value)));
        break;
      case world::ParameterSpec::Kind::flag:
        out.set(spec.name, read_flag(reader, value, key).value_or(std::get<bool>(spec.default_value)));
        break;
      case world::ParameterSpec::Kind::word:
        out.set(spec.name, read_text(reader, value, key).value_or(std::get<std::string>(spec.default_value)));
        break;
      case world::ParameterSpec::Kind::words: {
        std::vector<std::string> list;
        if (!value.IsSequence()) {
          reader.problem(value, key, "expected a list of words, got " + describe(value));
        } else {
          for (std::size_t i = 0; i < value.size(); ++i) {
            if (auto word = read_text(reader, value[i], key + "[" + std::to_string(i) + "]")) list.push_back(*word);
          }
        }
        out.set(spec.name, list);
        break;
      }
    }
  }
  map.finish();
}

}  // namespace

void read_models(YamlReader& reader, const YAML::Node& node, const world::ModelRegistry& registry, Scenario& s) {
  if (!node.IsDefined()) {
    reader.problem(node, "models", "missing: expected a list of response models, e.g. [police_only]; valid: " + registry.names_joined());
    return;
  }
  if (!node.IsSequence() || node.size() == 0) {
    reader.problem(node, "models", "expected a list of response models, e.g. [police_only], got " + describe(node));
    return;
  }
  std::vector<std::string> valid;
  for (const auto* model : registry.all()) valid.emplace_back(model->name());
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "models[" + std::to_string(i) + "]";
    world::ModelSelection selection;
    selection.key_path = path;
    YAML::Node params;
    if (node[i].IsScalar()) {
      selection.name = node[i].Scalar();
      reader.record(node[i], path);
    } else {
      MapReader m(reader, node[i], path);
      selection.name = m.text("name", std::nullopt);
      params = m.child("params");
      m.finish();
    }
    const bool duplicate = std::any_of(s.models.begin(), s.models.end(),
                                       [&](const world::ModelSelection& earlier) { return earlier.name == selection.name; });
    if (duplicate) {
      reader.problem(node[i], path, "duplicate model '" + selection.name + "': list each model once");
      continue;
    }
    const world::ResponseModel* model = registry.find(selection.name);
    if (model == nullptr) {
      if (!selection.name.empty()) {
        reader.problem(node[i], path, "unknown model '" + selection.name + "'" + did_you_mean(selection.name, valid) +
                                          "; valid models: " + registry.names_joined());
      }
      continue;
    }
    read_model_parameters(reader, *model, params, path + ".params", selection.parameters);
    s.models.push_back(std::move(selection));
  }
}

void read_targets(YamlReader& reader, const YAML::Node& node, Scenario& s) {
  if (!node.IsDefined()) return;
  MapReader map(reader, node, "targets");
  const YAML::Node response = map.child("response_min");
  if (response.IsDefined()) {
    MapReader rm(reader, response, "targets.response_min");
    for (std::size_t p = 0; p < kPriorityCount; ++p) {
      s.targets.response_min[p] = rm.number("priority_" + std::to_string(p + 1), s.targets.response_min[p], 0.0, 1e5);
    }
    rm.finish();
  }
  map.finish();
}

}  // namespace crisis::io::detail
