#include "results/compare_meta.hpp"

#include <algorithm>
#include <filesystem>

#include "model/input_error.hpp"
#include "results/meta_json.hpp"

namespace hedgesim::results {
namespace {

namespace fs = std::filesystem;

std::vector<OneSidedEvent> one_sided_events(const nlohmann::json& meta, const char* key, char scenario,
                                            const std::string& file) {
  std::vector<OneSidedEvent> out;
  if (!meta.contains(key)) return out;
  if (!meta[key].is_array())
    throw InputError({file, 0, 0},
                     std::string("'") + key + "' should be a list of events {date, label, type, actor}");
  for (std::size_t i = 0; i < meta[key].size(); ++i) {
    const auto& e = meta[key][i];
    const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    const std::string date_text = text_or(e, "date");
    const auto date = parse_date(date_text);
    if (!date)
      throw InputError({file, 0, 0}, where + " has no date 'YYYY-MM-DD'" +
                                         (date_text.empty() ? "" : " (it has '" + date_text + "')"));
    out.push_back(
        {*date, text_or(e, "label", text_or(e, "type")), text_or(e, "type"), text_or(e, "actor"), scenario});
  }
  return out;
}

}  // namespace

std::string CompareMeta::provenance_line() const {
  return results::provenance_line("compare " + a_name + " vs " + b_name, seed, replicates, version, commit);
}

std::string render_compare_meta(const CompareMeta& c) {
  nlohmann::ordered_json j;
  j["kind"] = "compare";
  j["version"] = c.version;
  j["commit"] = c.commit;
  j["scenario_a"] = c.a_path;
  j["scenario_a_name"] = c.a_name;
  j["scenario_a_sha256"] = c.a_sha256;
  j["scenario_b"] = c.b_path;
  j["scenario_b_name"] = c.b_name;
  j["scenario_b_sha256"] = c.b_sha256;
  j["model_dir"] = c.model_dir;
  j["model_sha256"] = c.model_sha256;
  j["seed"] = c.seed.value_or(0);
  j["replicates"] = c.replicates;
  j["common_random_numbers"] = "replicate r of A and of B use random stream (seed, r)";
  j["bootstrap"] = c.bootstrap;
  j["confidence"] = c.confidence;
  j["start"] = c.start ? format_date(*c.start) : "";
  j["steps"] = c.steps;
  j["step_days"] = c.step_days;
  nlohmann::ordered_json agents = nlohmann::ordered_json::array();
  for (const RunAgent& a : c.agents)
    agents.push_back({{"id", a.id}, {"name", a.name}, {"seat", a.seat}, {"kind", a.kind}});
  j["agents"] = agents;
  for (const char scenario : {'A', 'B'}) {
    nlohmann::ordered_json events = nlohmann::ordered_json::array();
    for (const OneSidedEvent& e : c.events)
      if (e.scenario == scenario)
        events.push_back(
            {{"date", format_date(e.date)}, {"label", e.label}, {"type", e.type}, {"actor", e.actor}});
    j[scenario == 'A' ? "events_a" : "events_b"] = events;
  }
  j["metrics"] = c.metrics;
  // The metrics' definitions live in their file (or are the defaults): without it the names say little.
  if (c.metrics_file.empty()) {
    j["metrics_file"] = nullptr;
  } else {
    j["metrics_file"] = c.metrics_file;
    j["metrics_sha256"] = c.metrics_sha256;
  }
  j["command_line"] = c.command_line;
  j["created"] = c.created;
  return j.dump(2) + "\n";
}

CompareMeta read_compare_meta(const std::string& dir) {
  CompareMeta c;
  c.file = (fs::path(dir) / "meta.json").string();
  const nlohmann::json meta = read_meta_json(c.file, "hedgesim compare");
  const std::string kind = text_or(meta, "kind");
  if (!kind.empty() && kind != "compare")
    throw InputError({c.file, 0, 0}, "this is the meta.json of `hedgesim " + kind +
                                         "`, not of a comparison; it should be the meta.json written by "
                                         "`hedgesim compare`");
  c.a_path = text_or(meta, "scenario_a");
  c.b_path = text_or(meta, "scenario_b");
  c.a_name = text_or(meta, "scenario_a_name", c.a_path.empty() ? "A" : fs::path(c.a_path).stem().string());
  c.b_name = text_or(meta, "scenario_b_name", c.b_path.empty() ? "B" : fs::path(c.b_path).stem().string());
  c.a_sha256 = text_or(meta, "scenario_a_sha256");
  c.b_sha256 = text_or(meta, "scenario_b_sha256");
  c.model_dir = text_or(meta, "model_dir");
  c.model_sha256 = text_or(meta, "model_sha256");
  c.seed = unsigned_field(meta, "seed");
  c.replicates = integer_or(meta, "replicates");
  c.bootstrap = integer_or(meta, "bootstrap");
  c.confidence =
      meta.contains("confidence") && meta["confidence"].is_number() ? meta["confidence"].get<double>() : 0;
  c.start = parse_date(text_or(meta, "start"));
  c.steps = integer_or(meta, "steps");
  c.step_days = integer_or(meta, "step_days");
  c.version = text_or(meta, "version");
  c.commit = text_or(meta, "commit");
  c.metrics_file = text_or(meta, "metrics_file");
  c.metrics_sha256 = text_or(meta, "metrics_sha256");
  c.command_line = text_or(meta, "command_line");
  c.created = text_or(meta, "created");
  if (meta.contains("agents") && meta["agents"].is_array())
    for (const auto& a : meta["agents"]) {
      const std::string id = text_or(a, "id");
      if (id.empty()) throw InputError({c.file, 0, 0}, "an entry of 'agents' has no text field 'id'");
      c.agents.push_back({id, text_or(a, "name", id), text_or(a, "kind"), text_or(a, "seat", id), 0});
    }
  if (meta.contains("metrics") && meta["metrics"].is_array())
    for (const auto& m : meta["metrics"])
      if (m.is_string()) c.metrics.push_back(m.get<std::string>());
  for (auto&& [key, scenario] : {std::pair{"events_a", 'A'}, std::pair{"events_b", 'B'}})
    for (auto& e : one_sided_events(meta, key, scenario, c.file))
      c.events.push_back(std::move(e));
  std::stable_sort(c.events.begin(), c.events.end(),
                   [](const OneSidedEvent& a, const OneSidedEvent& b) { return a.date < b.date; });
  return c;
}

}  // namespace hedgesim::results
