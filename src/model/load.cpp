// Reading TOML into ModelSpec and Scenario. A TableReader (model/toml_reader.hpp) wraps each toml++ table so
// that every access checks the key's type and range and every failure names `file:line:col`, the key, the bad
// value and what is allowed. Unknown keys are errors too (with a "did you mean"), because a misspelt optional
// key would otherwise be silently ignored.
#include "model/load.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <filesystem>
#include <set>

#include "model/toml_reader.hpp"

namespace hedgesim {
namespace {

namespace fs = std::filesystem;

using toml_io::checked_id;
using toml_io::fmt_number;
using toml_io::parse_toml_file;
using toml_io::TableReader;

std::string kinds_carrying(Var v) {
  return "'" + std::string(kKindNames[static_cast<int>(kVarInfo[var_index(v)].kind)]) + "'";
}

Kind read_kind(const TableReader& r, std::string_view key) {
  const std::string s = r.string(key);
  if (auto k = kind_from_name(s)) return *k;
  throw InputError(r.pos(key), "unknown kind '" + s + "'" + did_you_mean(s, kind_names()) +
                                   "; allowed: " + join_quoted(kind_names()));
}

std::vector<Kind> read_kinds(const TableReader& r, std::string_view key) {
  std::vector<Kind> out;
  for (const std::string& s : r.strings(key)) {
    auto k = kind_from_name(s);
    if (!k)
      throw InputError(r.pos(key), "unknown kind '" + s + "' in '" + std::string(key) + "'" +
                                       did_you_mean(s, kind_names()) +
                                       "; allowed: " + join_quoted(kind_names()));
    out.push_back(*k);
  }
  return out;
}

Var read_var(const TableReader& r, std::string_view key) {
  const std::string s = r.string(key);
  if (auto v = var_from_name(s)) return *v;
  throw InputError(r.pos(key), "unknown variable '" + s + "'" + did_you_mean(s, var_names()) +
                                   "; allowed: " + join_quoted(var_names()));
}

// ---- model ------------------------------------------------------------------------------------------------

AgentSpec read_agent(const TableReader& in) {
  in.allow_only({"id", "name", "seat", "kind", "initial", "susceptibility", "rival_trust"});
  AgentSpec a;
  a.pos = in.pos();
  a.id = checked_id(in, "id");
  const TableReader r(in.file(), in.table(), "[[agent]] '" + a.id + "'");  // later messages name the agent
  a.name = r.string_or("name", a.id);
  a.seat = r.string_or("seat", a.name);
  a.kind = read_kind(r, "kind");
  for (const char* hedger_only : {"susceptibility", "rival_trust"})
    if (a.kind != Kind::hedger && r.has(hedger_only))
      throw InputError(r.key_pos(hedger_only),
                       "'" + std::string(hedger_only) + "' applies only to 'hedger' agents; '" + a.id +
                           "' is a '" + std::string(kKindNames[static_cast<int>(a.kind)]) +
                           "' agent, so remove the key");
  a.susceptibility = r.number_or("susceptibility", 0.0, 0.0, 0.99);
  a.rival_trust = r.number_or("rival_trust", 0.0, 0.0, 1.0);
  if (r.has("initial")) {
    TableReader init(r.file(), r.subtable("initial"), "'initial' of agent '" + a.id + "'");
    const std::vector<std::string> allowed = var_names_of(a.kind);
    init.allow_only(allowed);
    for (const std::string& name : allowed) {
      if (!init.has(name)) continue;
      const VarInfo& vi = kVarInfo[var_index(*var_from_name(name))];
      a.initial[var_index(*var_from_name(name))] = init.number(name, vi.lo, vi.hi);
    }
  }
  return a;
}

void read_agents(ModelSpec& m, const std::string& file, const SourcePos& from) {
  const toml::table root = parse_toml_file(file, from, "model file");
  TableReader r(file, root, "agents.toml");
  r.allow_only({"model", "agent"});
  if (r.has("model")) {
    TableReader mr(file, r.subtable("model"), "[model]");
    mr.allow_only({"name", "description"});
    m.name = mr.string_or("name", "");
    mr.string_or("description", "");  // type-checked; documentation only
  }
  std::set<std::string> seen;
  for (const toml::table* t : r.tables("agent")) {
    AgentSpec a = read_agent(TableReader(file, *t, "[[agent]]"));
    if (!seen.insert(a.id).second)
      throw InputError(a.pos, "duplicate agent id '" + a.id + "'; ids must be unique");
    m.agents.push_back(std::move(a));
  }
  auto count = [&](Kind k) {
    return std::count_if(m.agents.begin(), m.agents.end(), [&](const AgentSpec& a) { return a.kind == k; });
  };
  if (count(Kind::hedger) < 1 || count(Kind::west) < 1 || count(Kind::rival) != 1)
    throw InputError({file, 1, 1},
                     "the model needs at least one 'hedger', at least one 'west' and exactly one "
                     "'rival' agent; found " +
                         std::to_string(count(Kind::hedger)) + " 'hedger', " +
                         std::to_string(count(Kind::west)) + " 'west' and " +
                         std::to_string(count(Kind::rival)) + " 'rival'");
}

void read_parameters(ModelSpec& m, const std::string& file, const SourcePos& from) {
  const toml::table root = parse_toml_file(file, from, "model file");
  TableReader r(file, root, "parameters.toml");
  r.allow_only({"parameters"});
  TableReader params(file, r.subtable("parameters"), "[parameters]");
  for (auto&& [key, node] : params.table()) {
    const std::string name(key.str());
    if (!node.is_table()) throw params.type_error(name, node, "a table [parameters." + name + "]");
    TableReader pr(file, *node.as_table(), "[parameters." + name + "]");
    pr.allow_only({"value", "min", "max", "unit", "description"});
    ParameterSpec p;
    p.name = name;
    p.pos = pr.pos();
    p.min = pr.number("min", -1e300, 1e300);
    p.max = pr.number("max", -1e300, 1e300);
    if (p.max < p.min)
      throw InputError(pr.pos("max"), "'max' = " + fmt_number(p.max) +
                                          " is below 'min' = " + fmt_number(p.min) + " in [parameters." +
                                          name + "]; the range must have min <= max");
    p.value = pr.number("value", p.min, p.max);
    p.unit = pr.string_or("unit", "");
    p.description = pr.string("description");
    m.parameters.push_back(std::move(p));
  }
}

void check_effect_applies(const TableReader& r, const EffectSpec& e, const std::vector<Kind>& party_kinds,
                          std::string_view party) {
  auto carried = [&](Var v) {
    return std::any_of(party_kinds.begin(), party_kinds.end(),
                       [&](Kind k) { return kVarInfo[var_index(v)].kind == k; });
  };
  if (e.variable == Var::attention)
    throw InputError(r.pos("variable"),
                     "'attention' is derived each step from the engagement of the hedgers (E7) "
                     "and cannot be moved by an event; move 'engagement' instead");
  if (!carried(e.variable))
    throw InputError(r.pos("variable"),
                     "the " + std::string(party) + " of this event type can never carry '" +
                         std::string(kVarInfo[var_index(e.variable)].name) + "': it is carried by " +
                         kinds_carrying(e.variable) + " agents; allowed here: " + join_quoted([&] {
                           std::vector<std::string> names;
                           for (Kind k : party_kinds)
                             for (auto& n : var_names_of(k))
                               names.push_back(n);
                           return names;
                         }()));
  if (e.scale_by && kVarInfo[var_index(*e.scale_by)].kind != kVarInfo[var_index(e.variable)].kind)
    throw InputError(r.pos("scale_by"),
                     "'scale_by' must be a variable of the same party as '" +
                         std::string(kVarInfo[var_index(e.variable)].name) +
                         "'; allowed: " + join_quoted(var_names_of(kVarInfo[var_index(e.variable)].kind)));
}

EffectSpec read_effect(const TableReader& r, const EventTypeSpec& type) {
  r.allow_only({"party", "variable", "delta", "scale_by", "half_life_days"});
  EffectSpec e;
  e.pos = r.pos();
  const std::string party = r.string("party");
  const std::vector<std::string> parties = {"actor", "target", "bystanders"};
  std::vector<Kind> party_kinds;
  if (party == "actor") {
    e.party = Party::actor;
    party_kinds = type.actor_kinds;
  } else if (party == "target") {
    e.party = Party::target;
    party_kinds = type.target_kinds;
  } else if (party == "bystanders") {
    e.party = Party::bystanders;
    party_kinds = {Kind::hedger};
  } else {
    throw InputError(r.pos("party"), "unknown party '" + party + "'" + did_you_mean(party, parties) +
                                         "; allowed: " + join_quoted(parties));
  }
  e.variable = read_var(r, "variable");
  e.delta = r.number("delta", -10.0, 10.0);
  if (r.has("scale_by")) e.scale_by = read_var(r, "scale_by");
  e.half_life_days = r.number_or("half_life_days", 0.0, 0.0, 36500.0);
  check_effect_applies(r, e, party_kinds, party);
  return e;
}

void read_event_types(ModelSpec& m, const std::string& file, const SourcePos& from) {
  const toml::table root = parse_toml_file(file, from, "model file");
  TableReader r(file, root, "events.toml");
  r.allow_only({"event_type"});
  std::set<std::string> seen;
  for (const toml::table* t : r.tables("event_type")) {
    const TableReader head(file, *t, "[[event_type]]");
    head.allow_only({"id", "description", "actor_kinds", "target_kinds", "effect"});
    EventTypeSpec et;
    et.pos = head.pos();
    et.id = checked_id(head, "id");
    const TableReader tr(file, *t, "[[event_type]] '" + et.id + "'");  // later messages name the type
    if (!seen.insert(et.id).second)
      throw InputError(et.pos, "duplicate event type '" + et.id + "'; ids must be unique");
    et.description = tr.string("description");
    et.actor_kinds = read_kinds(tr, "actor_kinds");
    et.target_kinds = read_kinds(tr, "target_kinds");
    for (const toml::table* et_t : tr.tables("effect"))
      et.effects.push_back(
          read_effect(TableReader(file, *et_t, "[[event_type.effect]] of '" + et.id + "'"), et));
    if (et.effects.empty())
      throw InputError(et.pos, "event type '" + et.id + "' has no [[event_type.effect]]");
    m.event_types.push_back(std::move(et));
  }
}

std::vector<std::string> ids_of_kind(const ModelSpec& m, Kind k) {
  std::vector<std::string> out;
  for (const auto& a : m.agents)
    if (a.kind == k) out.push_back(a.id);
  return out;
}

void read_influence(ModelSpec& m, const std::string& file, const SourcePos& from) {
  const toml::table root = parse_toml_file(file, from, "model file");
  TableReader r(file, root, "influence.toml");
  r.allow_only({"influence"});
  TableReader rows(file, r.subtable("influence"), "[influence]");
  const std::vector<std::string> hedgers = ids_of_kind(m, Kind::hedger);
  // Rows and columns of W are hedgers. A western or rival agent gets its own message rather than an "unknown
  // key" with a "did you mean" toward some look-alike hedger (a rival's id suggesting a hedger's).
  auto check_hedger = [&](const TableReader& in, const std::string& id, const std::string& where) {
    if (std::find(hedgers.begin(), hedgers.end(), id) != hedgers.end()) return;
    if (const AgentSpec* a = m.find_agent(id))
      throw InputError(in.key_pos(id),
                       "'" + id + "' in " + where + " is a '" +
                           std::string(kKindNames[static_cast<int>(a->kind)]) +
                           "' agent, but W links hedgers only; allowed: " + join_quoted(hedgers));
    throw InputError(in.key_pos(id), "unknown hedger '" + id + "' in " + where + did_you_mean(id, hedgers) +
                                         "; allowed: " + join_quoted(hedgers));
  };
  for (auto&& [to_key, row_node] : rows.table())
    check_hedger(rows, std::string(to_key.str()), "[influence]");
  for (auto&& [to_key, row_node] : rows.table()) {
    const std::string to(to_key.str());
    if (!row_node.is_table()) throw rows.type_error(to, row_node, "a table [influence." + to + "]");
    TableReader row(file, *row_node.as_table(), "[influence." + to + "]");
    for (auto&& [from_key, w] : row.table())
      check_hedger(row, std::string(from_key.str()), "[influence." + to + "]");
    double sum = 0.0;
    for (auto&& [from_key, w] : row.table()) {
      InfluenceSpec s{std::string(from_key.str()), to, row.number(from_key.str(), 0.0, 1.0),
                      row.pos(from_key.str())};
      sum += s.weight;
      m.influence.push_back(std::move(s));
    }
    if (std::abs(sum - 1.0) > 1e-6)
      throw InputError(row.pos(), "the weights of [influence." + to + "] sum to " + fmt_number(sum) +
                                      "; each row of W must sum to 1");
  }
  for (const auto& a : m.agents) {
    if (a.kind != Kind::hedger || a.susceptibility == 0.0) continue;
    const bool has_row = std::any_of(m.influence.begin(), m.influence.end(),
                                     [&](const InfluenceSpec& s) { return s.to == a.id; });
    if (!has_row)
      throw InputError({file, 1, 1}, "hedger '" + a.id + "' has susceptibility " +
                                         fmt_number(a.susceptibility) + " but no row [influence." + a.id +
                                         "]; add the row, or set its susceptibility to 0");
  }
}

// ---- scenario ---------------------------------------------------------------------------------------------

ScenarioEvent read_scenario_event(const TableReader& r, const Scenario& s) {
  r.allow_only({"date", "type", "actor", "targets", "magnitude", "label"});
  ScenarioEvent e;
  e.pos = r.pos();
  e.date = r.date("date");
  if (e.date < s.start || e.date > s.end)
    throw InputError(r.pos("date"), "date " + format_date(e.date) +
                                        " is outside the scenario; allowed: " + format_date(s.start) +
                                        " to " + format_date(s.end) + " (the [scenario] start and end)");
  e.type = r.string("type");
  e.actor = r.string("actor");
  e.targets = r.strings("targets");
  e.magnitude = r.number_or("magnitude", 1.0, 0.0, 10.0);
  e.label = r.string("label");
  e.type_pos = r.pos("type");
  e.actor_pos = r.pos("actor");
  e.targets_pos = r.pos("targets");
  return e;
}

}  // namespace

ModelSpec load_model(const std::string& dir, const SourcePos& referenced_from) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    const SourcePos at = referenced_from.file.empty() ? SourcePos{dir, 0, 0} : referenced_from;
    throw InputError(at, "model directory '" + dir +
                             "' does not exist; it must hold agents.toml, "
                             "parameters.toml, events.toml and influence.toml");
  }
  ModelSpec m;
  m.dir = dir;
  auto path = [&](const char* f) { return (fs::path(dir) / f).lexically_normal().string(); };
  // Order matters: influence rows are checked against the agents.
  read_agents(m, path("agents.toml"), referenced_from);
  read_parameters(m, path("parameters.toml"), referenced_from);
  read_event_types(m, path("events.toml"), referenced_from);
  read_influence(m, path("influence.toml"), referenced_from);
  for (const char* f : kModelFiles)
    m.files.push_back(path(f));
  std::sort(m.files.begin(), m.files.end());
  return m;
}

Scenario load_scenario(const std::string& path) {
  const toml::table root = parse_toml_file(path, {}, "scenario file");
  TableReader r(path, root, "the scenario file");
  r.allow_only({"scenario", "parameters", "event"});
  Scenario s;
  s.file = path;
  TableReader head(path, r.subtable("scenario"), "[scenario]");
  head.allow_only({"name", "title", "model", "start", "end", "seed"});
  s.name = head.string("name");
  s.title = head.string("title");
  const std::string model = head.string("model");
  s.model_pos = head.pos("model");
  s.model_dir = (fs::path(path).parent_path() / model).lexically_normal().string();
  s.start = head.date("start");
  s.end = head.date("end");
  if (s.end <= s.start)
    throw InputError(head.pos("end"),
                     "end " + format_date(s.end) + " must come after start " + format_date(s.start));
  s.seed = static_cast<std::uint64_t>(head.integer("seed", 0, INT64_MAX));
  if (r.has("parameters")) {
    TableReader params(path, r.subtable("parameters"), "[parameters]");
    for (auto&& [key, node] : params.table())
      s.overrides.push_back(
          {std::string(key.str()), params.number(key.str(), -1e300, 1e300), params.key_pos(key.str())});
  }
  for (const toml::table* t : r.tables("event"))
    s.events.push_back(read_scenario_event(TableReader(path, *t, "[[event]]"), s));
  return s;
}

}  // namespace hedgesim
