#include "results/sweep_meta.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/csv_reader.hpp"
#include "model/input_error.hpp"
#include "results/run_meta.hpp"

namespace hedgesim::results {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void not_sweep_meta(const std::string& file, const std::string& what) {
  throw InputError({file, 0, 0}, what + "; it should be the meta.json written by `hedgesim sweep`");
}

std::string text_or_empty(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

long long count_or_unknown(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<long long>() : -1;
}

SweepParameter parameter_of(const nlohmann::json& p, std::size_t i, const std::string& file) {
  const std::string where = "parameters[" + std::to_string(i) + "]";
  if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || p["name"].get<std::string>().empty())
    not_sweep_meta(file, where + " has no text field 'name'");
  SweepParameter out{p["name"].get<std::string>(), 0, 0, text_or_empty(p, "distribution")};
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

nlohmann::json parsed(const std::string& file) {
  if (!fs::exists(file))
    throw InputError({file, 0, 0},
                     "cannot read " + file + ": no such file; it is written by `hedgesim sweep`");
  const std::string text = io::read_text_file(file);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(position_of_byte(file, text, e.byte),
                     "this is not valid JSON; it should be the meta.json written by `hedgesim sweep`");
  }
}

}  // namespace

std::string SweepMeta::provenance_line() const {
  std::string line = "experiment " + experiment_name;
  if (seed) line += " · seed " + std::to_string(*seed);
  if (replicates >= 0)
    line += " · " + std::to_string(replicates) + (replicates == 1 ? " replicate" : " replicates");
  if (!version.empty()) line += " · hedgesim " + version;
  if (!commit.empty()) line += " (commit " + short_commit(commit) + ")";
  return line;
}

const SweepParameter* SweepMeta::find(const std::string& name) const {
  const auto it = std::find_if(parameters.begin(), parameters.end(),
                               [&](const SweepParameter& p) { return p.name == name; });
  return it == parameters.end() ? nullptr : &*it;
}

SweepMeta read_sweep_meta(const std::string& dir) {
  SweepMeta m;
  m.file = (fs::path(dir) / "meta.json").string();
  const nlohmann::json j = parsed(m.file);
  if (!j.is_object()) not_sweep_meta(m.file, "this is not a JSON object");
  const std::string kind = text_or_empty(j, "kind");
  if (!kind.empty() && kind != "sweep")
    not_sweep_meta(m.file, "this is the meta.json of `hedgesim " + kind + "`, not of a sweep");
  m.experiment_name = text_or_empty(j, "experiment_name");
  if (m.experiment_name.empty()) m.experiment_name = fs::path(dir).lexically_normal().filename().string();
  m.design = text_or_empty(j, "design");
  if (j.contains("seed") && j["seed"].is_number_unsigned()) m.seed = j["seed"].get<std::uint64_t>();
  m.replicates = count_or_unknown(j, "replicates");
  m.points = count_or_unknown(j, "points");
  m.runs = count_or_unknown(j, "runs");
  m.version = text_or_empty(j, "version");
  m.commit = text_or_empty(j, "commit");
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
