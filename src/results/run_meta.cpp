#include "results/run_meta.hpp"

#include <algorithm>
#include <filesystem>

#include "io/csv_reader.hpp"
#include "io/sha256.hpp"
#include "results/meta_json.hpp"
#include "results/provenance.hpp"

namespace hedgesim::results {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void not_run_meta(const std::string& file, const std::string& what) {
  throw InputError({file, 0, 0}, what + "; it should be the meta.json written by `hedgesim run`");
}

std::string text_field(const nlohmann::json& j, const char* key, const std::string& file) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string())
    not_run_meta(file, std::string("the file has no text field '") + key + "'");
  return j[key].get<std::string>();
}

int whole_field(const nlohmann::json& j, const char* key, int min, int max, const std::string& file) {
  if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<long long>() < min ||
      j[key].get<long long>() > max)
    not_run_meta(file, std::string("the file has no whole-number field '") + key + "' from " +
                           std::to_string(min) + " to " + std::to_string(max));
  return j[key].get<int>();
}

RunAgent agent_of(const nlohmann::json& a, const std::string& file) {
  RunAgent agent{text_field(a, "id", file), text_field(a, "name", file), text_field(a, "kind", file), {}, 0};
  agent.seat = a.contains("seat") && a["seat"].is_string() ? a["seat"].get<std::string>() : agent.name;
  // Files written before blocs existed give the kinds "rival" and "west" instead of a pole.
  agent.pole = a.contains("pole") && a["pole"].is_number_integer() ? a["pole"].get<int>()
               : agent.kind == "rival"                             ? -1
               : agent.kind == "west"                              ? 1
                                                                   : 0;
  return agent;
}

}  // namespace

const RunAgent* RunMeta::find(const std::string& id) const {
  const auto it = std::find_if(agents.begin(), agents.end(), [&](const RunAgent& a) { return a.id == id; });
  return it == agents.end() ? nullptr : &*it;
}

std::string RunMeta::provenance_line() const {
  return results::provenance_line("scenario " + scenario_name, seed, replicates, version, commit);
}

SourcePos position_of_byte(const std::string& file, const std::string& text, std::size_t byte) {
  SourcePos p{file, 1, 1};
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.col = 1;
    } else {
      ++p.col;
    }
  }
  return p;
}

RunMeta read_run_meta(const std::string& dir) {
  RunMeta m;
  m.file = (fs::path(dir) / "meta.json").string();
  m.json = read_meta_json(m.file, "hedgesim run");
  const nlohmann::json& j = m.json;
  // The scenario's own name when meta.json has it; the stem of the scenario file otherwise.
  m.scenario_name = j.is_object() && j.contains("scenario_name") && j["scenario_name"].is_string()
                        ? j["scenario_name"].get<std::string>()
                        : fs::path(text_field(j, "scenario", m.file)).stem().string();
  if (j.contains("scenario_title") && j["scenario_title"].is_string())
    m.scenario_title = j["scenario_title"].get<std::string>();
  if (j.contains("replicates") && j["replicates"].is_number_integer())
    m.replicates = j["replicates"].get<long long>();
  m.seed = unsigned_field(j, "seed");
  m.version = text_or(j, "version");
  m.commit = text_or(j, "commit");
  if (!j.contains("agents") || !j["agents"].is_array()) not_run_meta(m.file, "the file has no list 'agents'");
  for (const auto& a : j["agents"])
    m.agents.push_back(agent_of(a, m.file));
  return m;
}

std::vector<RunAgent> agents_of(const CompiledModel& m) {
  std::vector<RunAgent> agents;
  for (int a = 0; a < m.n_agents; ++a)
    agents.push_back({m.agent_ids[a], m.agent_names[a],
                      std::string(kKindNames[static_cast<std::size_t>(m.agent_kinds[a])]), m.agent_seats[a],
                      m.pole_of(a)});
  return agents;
}

TimeGrid time_grid(const RunMeta& meta) {
  TimeGrid g;
  const auto start = parse_date(text_field(meta.json, "start", meta.file));
  if (!start) not_run_meta(meta.file, "the field 'start' is not a date YYYY-MM-DD");
  g.start = *start;
  // Bounded so that no step's date overflows: ten years per step, a hundred thousand steps.
  g.step_days = whole_field(meta.json, "step_days", 1, 3660, meta.file);
  g.steps = whole_field(meta.json, "steps", 0, 100'000, meta.file);
  return g;
}

const char* version() {
  return HEDGESIM_VERSION;
}

std::string render_run_meta(const CompiledModel& m, std::size_t replicates, const RunInfo& info) {
  nlohmann::ordered_json j;
  j["kind"] = "run";
  j["version"] = version();
  j["commit"] = build_commit();
  j["scenario"] = m.scenario.file;
  j["scenario_name"] = m.scenario.name;
  j["scenario_title"] = m.scenario.title;
  j["scenario_sha256"] = scenario_sha256(m.scenario);
  // A scenario that starts from another's end state depends on that scenario's file (and its own chain).
  nlohmann::ordered_json chain = nlohmann::ordered_json::array();
  for (const CompiledModel* p = m.prior.get(); p != nullptr; p = p->prior.get())
    chain.push_back({{"scenario", p->scenario.file},
                     {"scenario_sha256", scenario_sha256(p->scenario)},
                     {"seed", p->scenario.seed},
                     {"model_sha256", io::sha256_files(p->spec.files)}});
  if (!chain.empty()) j["start_from"] = chain;
  j["model_dir"] = m.spec.dir;
  j["model_name"] = m.spec.name;
  j["model_sha256"] = io::sha256_files(m.spec.files);
  j["seed"] = info.seed;
  j["replicates"] = replicates;
  j["start"] = format_date(m.scenario.start);
  j["end"] = format_date(m.scenario.end);
  j["step_days"] = m.params.step_days;
  j["steps"] = m.steps;
  nlohmann::ordered_json agents = nlohmann::ordered_json::array();
  for (int a = 0; a < m.n_agents; ++a) {
    agents.push_back({{"id", m.agent_ids[a]},
                      {"name", m.agent_names[a]},
                      {"seat", m.agent_seats[a]},
                      {"kind", std::string(kKindNames[static_cast<int>(m.agent_kinds[a])])}});
    if (m.agent_kinds[a] == Kind::patron) {
      agents.back()["bloc"] = m.agent_blocs[a];
      agents.back()["pole"] = m.pole_of(a);
      agents.back()["veto_player"] = static_cast<bool>(m.agent_veto_players[a]);
    }
  }
  j["agents"] = agents;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& p : m.spec.parameters)
    params[p.name] = p.value;
  j["parameters"] = params;
  j["files"] = run_file_names(info.files, replicates);
  j["command_line"] = info.command_line;
  j["created"] = created_utc();
  return j.dump(2) + "\n";
}

}  // namespace hedgesim::results
