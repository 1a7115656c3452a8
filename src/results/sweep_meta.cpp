#include "results/sweep_meta.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/csv_reader.hpp"
#include "model/input_error.hpp"
#include "results/meta_json.hpp"

namespace hedgesim::results {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void not_sweep_meta(const std::string& file, const std::string& what) {
  throw InputError({file, 0, 0}, what + "; it should be the meta.json written by `hedgesim sweep`");
}

SweepParameter parameter_of(const nlohmann::json& p, std::size_t i, const std::string& file) {
  const std::string where = "parameters[" + std::to_string(i) + "]";
  if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || p["name"].get<std::string>().empty())
    not_sweep_meta(file, where + " has no text field 'name'");
  SweepParameter out{p["name"].get<std::string>(), 0, 0, text_or(p, "distribution")};
  for (auto&& [key, value] : {std::pair{"min", &out.min}, std::pair{"max", &out.max}}) {
    if (!p.contains(key) || !p[key].is_number())
      not_sweep_meta(file, where + " ('" + out.name + "') has no number '" + key + "'");
    *value = p[key].get<double>();
  }
  if (!(out.min <= out.max))
    not_sweep_meta(
        file, where + " ('" + out.name + "') has min " + p["min"].dump() + " above max " + p["max"].dump());
  return out;
}

}  // namespace

std::string SweepMeta::provenance_line() const {
  return results::provenance_line("experiment " + experiment_name, seed, replicates, version, commit);
}

const SweepParameter* SweepMeta::find(const std::string& name) const {
  const auto it = std::find_if(parameters.begin(), parameters.end(),
                               [&](const SweepParameter& p) { return p.name == name; });
  return it == parameters.end() ? nullptr : &*it;
}

SweepMeta read_sweep_meta(const std::string& dir) {
  SweepMeta m;
  m.file = (fs::path(dir) / "meta.json").string();
  const nlohmann::json j = read_meta_json(m.file, "hedgesim sweep");
  const std::string kind = text_or(j, "kind");
  if (!kind.empty() && kind != "sweep")
    not_sweep_meta(m.file, "this is the meta.json of `hedgesim " + kind + "`, not of a sweep");
  m.experiment_name = text_or(j, "experiment_name");
  if (m.experiment_name.empty()) m.experiment_name = fs::path(dir).lexically_normal().filename().string();
  m.design = text_or(j, "design");
  m.seed = unsigned_field(j, "seed");
  m.replicates = integer_or(j, "replicates");
  m.points = integer_or(j, "points");
  m.runs = integer_or(j, "runs");
  m.samples = integer_or(j, "samples");
  m.bootstrap = integer_or(j, "bootstrap");
  if (j.contains("confidence") && j["confidence"].is_number()) m.confidence = j["confidence"].get<double>();
  m.s1_estimator = text_or(j, "s1_estimator");
  m.version = text_or(j, "version");
  m.commit = text_or(j, "commit");
  if (!j.contains("parameters") || !j["parameters"].is_array())
    not_sweep_meta(m.file, "the file has no list 'parameters'");
  for (std::size_t i = 0; i < j["parameters"].size(); ++i) {
    m.parameters.push_back(parameter_of(j["parameters"][i], i, m.file));
    if (m.find(m.parameters.back().name) != &m.parameters.back())
      not_sweep_meta(m.file, "parameter '" + m.parameters.back().name + "' is listed twice");
  }
  if (!j.contains("metrics") || !j["metrics"].is_array())
    not_sweep_meta(m.file, "the file has no list 'metrics'");
  for (const auto& metric : j["metrics"]) {
    if (!metric.is_string() || metric.get<std::string>().empty())
      not_sweep_meta(m.file, "an entry of 'metrics' is not a metric's name");
    m.metrics.push_back(metric.get<std::string>());
  }
  return m;
}

}  // namespace hedgesim::results
