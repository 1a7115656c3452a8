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
    out.push_back({*date, text_or(e, "label", text_or(e, "type")), text_or(e, "actor"), scenario});
  }
  return out;
}

}  // namespace

std::string CompareMeta::provenance_line() const {
  return results::provenance_line("compare " + a_name + " vs " + b_name, seed, replicates, version, commit);
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
  c.seed = unsigned_field(meta, "seed");
  c.replicates = integer_or(meta, "replicates");
  c.version = text_or(meta, "version");
  c.commit = text_or(meta, "commit");
  c.metrics_file = text_or(meta, "metrics_file");
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
