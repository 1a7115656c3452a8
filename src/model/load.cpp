// Reading TOML into ModelSpec and Scenario. A TableReader (model/toml_reader.hpp) wraps each toml++ table so
// that every access checks the key's type and range and every failure names `file:line:col`, the key, the bad
// value and what is allowed. Unknown keys are errors too (with a "did you mean"), because a misspelt optional
// key would otherwise be silently ignored.
#include "model/load.hpp"
#include "model/model_tables.hpp"

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
using toml_io::parse_toml_text;
using toml_io::read_toml_file;
using toml_io::TableReader;

const char* scope_name(Scope s) {
  switch (s) {
    case Scope::hedger:
      return "hedger";
    case Scope::patron:
      return "patron";
    case Scope::dyad:
      return "dyad (patron, hedger)";
  }
  return "";
}

std::vector<std::string> var_names_of(Scope scope) {
  std::vector<std::string> out;
  for (const auto& v : kVarInfo)
    if (v.scope == scope) out.emplace_back(v.name);
  return out;
}

Kind read_kind(const TableReader& r, std::string_view key) {
  const std::string s = r.string(key);
  if (auto k = kind_from_name(s)) return *k;
  throw InputError(r.pos(key), "unknown kind '" + s + "'" + did_you_mean(s, kind_names()) +
                                   "; allowed: " + join_quoted(kind_names()));
}

/// actor_kinds / target_kinds: "hedger", "patron" or a bloc id, at least one.
KindSelector read_kinds(const TableReader& r, std::string_view key, const ModelSpec& m) {
  KindSelector sel;
  std::vector<std::string> allowed = kind_names();
  allowed.emplace_back("veto_player");
  for (const BlocSpec& b : m.blocs)
    allowed.push_back(b.id);
  const std::vector<std::string> names = r.strings(key);
  if (names.empty())
    throw InputError(r.pos(key),
                     "'" + std::string(key) + "' is empty; list at least one of " + join_quoted(allowed));
  for (const std::string& s : names) {
    if (s == "hedger")
      sel.hedger = true;
    else if (s == "patron")
      sel.any_patron = true;
    else if (s == "veto_player")
      sel.veto_player = true;
    else if (m.find_bloc(s))
      sel.blocs.push_back(s);
    else
      throw InputError(r.pos(key), "unknown kind '" + s + "' in '" + std::string(key) + "'" +
                                       did_you_mean(s, allowed) + "; allowed: " + join_quoted(allowed) +
                                       " (a bloc id stands for the patrons of that bloc, 'veto_player' for "
                                       "the patrons with veto_player "
                                       "= true)");
  }
  return sel;
}

Var read_var(const TableReader& r, std::string_view key) {
  const std::string s = r.string(key);
  if (auto v = var_from_name(s)) return *v;
  throw InputError(r.pos(key), "unknown variable '" + s + "'" + did_you_mean(s, var_names()) +
                                   "; allowed: " + join_quoted(var_names()));
}

// ---- model ------------------------------------------------------------------------------------------------

BlocSpec read_bloc(const TableReader& in) {
  in.allow_only({"id", "name", "pole"});
  BlocSpec b;
  b.pos = in.pos();
  b.id = checked_id(in, "id");
  const TableReader r(in.file(), in.table(), "[[bloc]] '" + b.id + "'");
  b.name = r.string_or("name", b.id);
  b.pole = static_cast<int>(r.integer("pole", -1, 1));
  if (b.pole == 0)
    throw InputError(r.pos("pole"),
                     "'pole' = 0; a bloc stands at one end of the alignment axis: allowed: 1 "
                     "(the +1 end of signal) or -1 (the -1 end)");
  return b;
}

void read_initial(const TableReader& r, AgentSpec& a, const std::vector<std::string>& patrons) {
  TableReader init(r.file(), r.subtable("initial"), "'initial' of agent '" + a.id + "'");
  if (a.kind == Kind::patron && init.has("attention"))
    throw InputError(init.key_pos("attention"),
                     "'attention' is derived each step from the patron's "
                     "engagement (E7) and cannot be given an initial value; remove "
                     "the key");
  std::vector<std::string> allowed;
  for (const std::string& n : var_names_of(a.kind == Kind::hedger ? Scope::hedger : Scope::patron))
    if (n != "attention" && !info(*var_from_name(n)).held) allowed.push_back(n);
  if (a.kind == Kind::hedger && init.has("veto"))
    throw InputError(init.key_pos("veto"),
                     "a 'veto' is set by a lasting event (e.g. 'accession_veto'), so "
                     "that an event can lift it; remove the key and add the event on the "
                     "scenario's start date");
  if (a.kind == Kind::patron && init.has("war"))
    throw InputError(init.key_pos("war"),
                     "a 'war' is set by a lasting event (e.g. 'war_shock'), so "
                     "that an event can end it; remove the key and add the event on the "
                     "scenario's start date");
  if (a.kind == Kind::hedger)
    for (const std::string& d : var_names_of(Scope::dyad))
      if (!info(*var_from_name(d)).held) allowed.push_back(d);
  init.allow_only(allowed);
  for (const std::string& name : allowed) {
    if (!init.has(name)) continue;
    const Var v = *var_from_name(name);
    const VarInfo& vi = info(v);
    if (vi.scope != Scope::dyad) {
      a.initial[var_index(v)] = init.number(name, vi.lo, vi.hi);
      a.given[var_index(v)] = true;
      continue;
    }
    // A dyad variable: a table of patron ids, e.g. trust = { RUS = 0.9 }.
    TableReader row(r.file(), init.subtable(name), "'" + name + "' of agent '" + a.id + "'");
    for (auto&& [key, node] : row.table()) {
      const std::string patron(key.str());
      if (std::find(patrons.begin(), patrons.end(), patron) == patrons.end())
        throw InputError(row.key_pos(patron), "'" + patron + "' in '" + name + "' of agent '" + a.id +
                                                  "' is not a patron" + did_you_mean(patron, patrons) +
                                                  "; allowed: " + join_quoted(patrons));
      a.dyads.push_back({v, patron, row.number(patron, vi.lo, vi.hi), row.pos(patron)});
    }
  }
}

AgentSpec read_agent(const TableReader& in, const ModelSpec& m, const std::vector<std::string>& patrons) {
  in.allow_only({"id", "name", "seat", "kind", "bloc", "veto_player", "initial", "susceptibility"});
  AgentSpec a;
  a.pos = in.pos();
  a.id = checked_id(in, "id");
  const TableReader r(in.file(), in.table(), "[[agent]] '" + a.id + "'");  // later messages name the agent
  a.name = r.string_or("name", a.id);
  a.seat = r.string_or("seat", a.name);
  a.kind = read_kind(r, "kind");
  if (a.kind == Kind::patron) {
    if (r.has("susceptibility"))
      throw InputError(r.key_pos("susceptibility"), "'susceptibility' applies only to 'hedger' agents; '" +
                                                        a.id + "' is a 'patron', so remove the key");
    std::vector<std::string> blocs;
    for (const BlocSpec& b : m.blocs)
      blocs.push_back(b.id);
    a.bloc = r.string("bloc");
    a.bloc_pos = r.pos("bloc");
    if (!m.find_bloc(a.bloc))
      throw InputError(a.bloc_pos, "unknown bloc '" + a.bloc + "'" + did_you_mean(a.bloc, blocs) +
                                       "; allowed: " + join_quoted(blocs) + " (the [[bloc]] ids)");
    a.veto_player = r.boolean_or("veto_player", false);
  } else {
    for (const char* patron_only : {"bloc", "veto_player"})
      if (r.has(patron_only))
        throw InputError(r.key_pos(patron_only),
                         "'" + std::string(patron_only) + "' applies only to 'patron' agents; '" + a.id +
                             "' is a 'hedger', which stands between the blocs: remove "
                             "the key");
  }
  a.susceptibility = r.number_or("susceptibility", 0.0, 0.0, 0.99);
  if (r.has("initial")) read_initial(r, a, patrons);
  return a;
}

void read_agents(ModelSpec& m, const std::string& file, const toml::table& root) {
  TableReader r(file, root, "agents.toml");
  r.allow_only({"model", "bloc", "agent"});
  if (r.has("model")) {
    TableReader mr(file, r.subtable("model"), "[model]");
    mr.allow_only({"name", "description"});
    m.name = mr.string_or("name", "");
    mr.string_or("description", "");  // type-checked; documentation only
  }
  for (const toml::table* t : r.tables("bloc")) {
    BlocSpec b = read_bloc(TableReader(file, *t, "[[bloc]]"));
    if (m.find_bloc(b.id)) throw InputError(b.pos, "duplicate bloc id '" + b.id + "'; ids must be unique");
    m.blocs.push_back(std::move(b));
  }
  if (m.blocs.size() != 2 || m.blocs[0].pole == m.blocs[1].pole)
    throw InputError({file, 1, 1},
                     "the model needs exactly two [[bloc]] tables, one with pole = 1 and one "
                     "with pole = -1 (the two ends of the alignment axis); found " +
                         std::to_string(m.blocs.size()) + " bloc(s)" +
                         (m.blocs.size() == 2 ? " with the same pole" : ""));
  // Every agent's id and kind first (a missing or unknown kind is reported at its agent, not as a dyad
  // naming a patron that is not one), so that a hedger's dyad table may name a patron listed after it.
  std::vector<std::string> patrons;
  for (const toml::table* t : r.tables("agent")) {
    const TableReader head(file, *t, "[[agent]]");
    const std::string id = checked_id(head, "id");
    if (read_kind(TableReader(file, *t, "[[agent]] '" + id + "'"), "kind") == Kind::patron)
      patrons.push_back(id);
  }
  if (patrons.empty())
    throw InputError({file, 1, 1},
                     "the model needs at least one 'hedger' and at least one 'patron' agent; "
                     "found no agent with kind = \"patron\"");
  std::set<std::string> seen;
  for (const toml::table* t : r.tables("agent")) {
    AgentSpec a = read_agent(TableReader(file, *t, "[[agent]]"), m, patrons);
    if (!seen.insert(a.id).second)
      throw InputError(a.pos, "duplicate agent id '" + a.id + "'; ids must be unique");
    if (m.find_bloc(a.id))
      throw InputError(a.pos, "agent id '" + a.id +
                                  "' is also a bloc id; event types could not tell them "
                                  "apart: rename one");
    m.agents.push_back(std::move(a));
  }
  auto count = [&](Kind k) {
    return std::count_if(m.agents.begin(), m.agents.end(), [&](const AgentSpec& a) { return a.kind == k; });
  };
  if (count(Kind::hedger) < 1 || count(Kind::patron) < 1)
    throw InputError({file, 1, 1},
                     "the model needs at least one 'hedger' and at least one 'patron' agent; "
                     "found " +
                         std::to_string(count(Kind::hedger)) + " 'hedger' and " +
                         std::to_string(count(Kind::patron)) + " 'patron'");
}

void read_parameters(ModelSpec& m, const std::string& file, const toml::table& root) {
  TableReader r(file, root, "parameters.toml");
  r.allow_only({"parameters"});
  TableReader params(file, r.subtable("parameters"), "[parameters]");
  for (auto&& [key, node] : params.table()) {
    const std::string name(key.str());
    if (!node.is_table()) throw params.type_error(name, node, "a table [parameters." + name + "]");
    TableReader pr(file, *node.as_table(), "[parameters." + name + "]");
    pr.allow_only({"value", "min", "max", "plausible_min", "plausible_max", "unit", "description"});
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
    // The plausible range (what robustness and screening studies draw from) lies inside the allowed range;
    // it need not hold the value (a scenario or a user may set one outside what the modellers find
    // plausible).
    p.plausible_min = pr.number_or("plausible_min", p.min, p.min, p.max);
    p.plausible_max = pr.number_or("plausible_max", p.max, p.plausible_min, p.max);
    p.unit = pr.string_or("unit", "");
    p.description = pr.string("description");
    m.parameters.push_back(std::move(p));
  }
}

/// The scopes of variable an effect on `party` can move: hedger variables if the party can be a hedger,
/// patron variables if it can be a patron, dyad variables if it can be a hedger whose counterpart can be a
/// patron.
void check_effect_applies(const TableReader& r, const EffectSpec& e, const KindSelector& party,
                          const KindSelector& counterpart, std::string_view party_name) {
  const VarInfo& vi = info(e.variable);
  if (e.variable == Var::attention)
    throw InputError(r.pos("variable"),
                     "'attention' is derived each step from the engagement of the patron (E7) "
                     "and cannot be moved by an event; move 'engagement' instead");
  std::vector<std::string> allowed;
  bool ok = false;
  auto allow = [&](Scope s, bool when) {
    if (!when) return;
    for (auto& n : var_names_of(s))
      if (n != "attention") allowed.push_back(n);
    ok = ok || vi.scope == s;
  };
  allow(Scope::hedger, party.hedger);
  allow(Scope::patron, party.may_be_patron());
  allow(Scope::dyad, party.hedger && counterpart.may_be_patron());
  if (!ok)
    throw InputError(
        r.pos("variable"),
        "the " + std::string(party_name) + " of this event type can never carry '" + std::string(vi.name) +
            "', a " + scope_name(vi.scope) + " variable" +
            (vi.scope == Scope::dyad ? " (it needs a hedger party and a patron on the other side)" : "") +
            "; allowed here: " + join_quoted(allowed));
  if (e.scale_by && info(*e.scale_by).scope != vi.scope)
    throw InputError(r.pos("scale_by"), "'scale_by' must be a variable of the same scope as '" +
                                            std::string(vi.name) +
                                            "'; allowed: " + join_quoted(var_names_of(vi.scope)));
}

EffectSpec read_effect(const TableReader& r, const EventTypeSpec& type) {
  r.allow_only({"party", "variable", "delta", "scale_by", "half_life_days"});
  EffectSpec e;
  e.pos = r.pos();
  const std::string party = r.string("party");
  const std::vector<std::string> parties = {"actor", "target", "bystanders"};
  KindSelector party_kinds, counterpart;
  if (party == "actor") {
    e.party = Party::actor;
    party_kinds = type.actors;
    counterpart = type.targets;
  } else if (party == "target") {
    e.party = Party::target;
    party_kinds = type.targets;
    counterpart = type.actors;
  } else if (party == "bystanders") {
    e.party = Party::bystanders;
    party_kinds.hedger = true;
    counterpart = type.actors;
  } else {
    throw InputError(r.pos("party"), "unknown party '" + party + "'" + did_you_mean(party, parties) +
                                         "; allowed: " + join_quoted(parties));
  }
  e.variable = read_var(r, "variable");
  e.delta = r.number("delta", -10.0, 10.0);
  if (r.has("scale_by")) e.scale_by = read_var(r, "scale_by");
  e.half_life_days = r.number_or("half_life_days", 0.0, 0.0, 36500.0);
  check_effect_applies(r, e, party_kinds, counterpart, party);
  return e;
}

/// `cost` and `reveals`: what an event shows of a hedger's lean, and what it cost the hedger to show it
/// (Fearon 1997): receivers weight a reveal by its cost class (ODD E0a, E9).
void read_reveal(const TableReader& tr, EventTypeSpec& et) {
  if (tr.has("reveals") != tr.has("cost"))
    throw InputError(tr.key_pos(tr.has("reveals") ? "reveals" : "cost"),
                     std::string("'reveals' and 'cost' go together: an event that shows a lean says what "
                                 "showing it cost (") +
                         join_quoted(cost_class_names()) + "); add '" +
                         (tr.has("reveals") ? "cost" : "reveals") + "' or remove this key");
  if (!tr.has("reveals")) return;
  if (!et.actors.hedger && !et.targets.hedger)
    throw InputError(tr.key_pos("reveals"),
                     "'reveals' needs a hedger among the actors or the targets (it "
                     "shows that hedger's lean); event type '" +
                         et.id + "' has none");
  et.reveals = tr.number("reveals", -1.0, 1.0);
  const std::string cost = tr.string("cost");
  const auto c = cost_class_from_name(cost);
  if (!c)
    throw InputError(tr.pos("cost"), "unknown cost class '" + cost + "'" +
                                         did_you_mean(cost, cost_class_names()) +
                                         "; allowed: " + join_quoted(cost_class_names()));
  et.cost = *c;
}

void read_event_types(ModelSpec& m, const std::string& file, const toml::table& root) {
  TableReader r(file, root, "events.toml");
  r.allow_only({"event_type"});
  std::set<std::string> seen;
  for (const toml::table* t : r.tables("event_type")) {
    const TableReader head(file, *t, "[[event_type]]");
    head.allow_only({"id", "description", "actor_kinds", "target_kinds", "lasting", "requires_consent",
                     "cost", "reveals", "effect"});
    EventTypeSpec et;
    et.pos = head.pos();
    et.id = checked_id(head, "id");
    const TableReader tr(file, *t, "[[event_type]] '" + et.id + "'");  // later messages name the type
    if (!seen.insert(et.id).second)
      throw InputError(et.pos, "duplicate event type '" + et.id + "'; ids must be unique");
    et.description = tr.string("description");
    et.actors = read_kinds(tr, "actor_kinds", m);
    et.targets = read_kinds(tr, "target_kinds", m);
    et.lasting = tr.boolean_or("lasting", false);
    et.requires_consent = tr.boolean_or("requires_consent", false);
    if (et.requires_consent && !et.targets.hedger)
      throw InputError(
          tr.key_pos("requires_consent"),
          "'requires_consent' needs hedger targets (the veto players' consent concerns a hedger's "
          "accession); 'target_kinds' of '" +
              et.id + "' has no 'hedger'");
    read_reveal(tr, et);
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

void read_influence(ModelSpec& m, const std::string& file, const toml::table& root) {
  TableReader r(file, root, "influence.toml");
  r.allow_only({"influence"});
  TableReader rows(file, r.subtable("influence"), "[influence]");
  const std::vector<std::string> hedgers = ids_of_kind(m, Kind::hedger);
  // Rows and columns of W are hedgers. A patron gets its own message rather than an "unknown key" with a "did
  // you mean" toward some look-alike hedger (a patron's id suggesting a hedger's).
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
  r.allow_only({"date", "id", "type", "actor", "targets", "magnitude", "label", "until", "ends"});
  ScenarioEvent e;
  e.pos = r.pos();
  if (r.has("id")) {
    e.id = checked_id(r, "id");
    e.id_pos = r.pos("id");
  }
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
  if (r.has("until")) {
    e.until = r.date("until");
    e.until_pos = r.pos("until");
    if (*e.until <= e.date)
      throw InputError(e.until_pos, "'until' " + format_date(*e.until) +
                                        " must come after the event's date " + format_date(e.date));
  }
  if (r.has("ends")) {
    e.ends = r.strings("ends");
    e.ends_pos = r.pos("ends");
  }
  return e;
}

/// `[initial.<agent>]`: the same keys as an agent's `initial` in agents.toml; agents and kinds are checked
/// against the model by compile().
void read_initial_overrides(const TableReader& r, Scenario& s) {
  TableReader all(r.file(), r.subtable("initial"), "[initial]");
  for (auto&& [agent_key, node] : all.table()) {
    const std::string agent(agent_key.str());
    if (!node.is_table()) throw all.type_error(agent, node, "a table [initial." + agent + "]");
    TableReader t(r.file(), *node.as_table(), "[initial." + agent + "]");
    for (auto&& [key, value] : t.table()) {
      const std::string name(key.str());
      const std::optional<Var> v = var_from_name(name);
      if (v && info(*v).held)
        throw InputError(t.key_pos(name),
                         "a '" + name +
                             "' is set by a lasting event (e.g. 'accession_veto'), "
                             "so that an event can lift it; remove the key and add the event on "
                             "the scenario's start date");
      if (!v || *v == Var::attention) {
        std::vector<std::string> allowed;
        for (const VarInfo& vi : kVarInfo)
          if (!vi.held && vi.name != "attention") allowed.emplace_back(vi.name);
        throw InputError(t.key_pos(name), "unknown variable '" + name + "' in [initial." + agent + "]" +
                                              did_you_mean(name, allowed) +
                                              "; allowed: " + join_quoted(allowed));
      }
      const VarInfo& vi = info(*v);
      if (vi.scope != Scope::dyad) {
        s.initial.push_back({agent, *v, "", t.number(name, vi.lo, vi.hi), t.pos(name), all.key_pos(agent)});
        continue;
      }
      TableReader pairs(r.file(), t.subtable(name), "'" + name + "' of [initial." + agent + "]");
      for (auto&& [patron_key, w] : pairs.table()) {
        const std::string patron(patron_key.str());
        s.initial.push_back({agent, *v, patron, pairs.number(patron, vi.lo, vi.hi), pairs.pos(patron),
                             pairs.key_pos(patron)});
      }
    }
  }
}

}  // namespace

ModelText read_model(const std::string& dir, const SourcePos& referenced_from) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    const SourcePos at = referenced_from.file.empty() ? SourcePos{dir, 0, 0} : referenced_from;
    throw InputError(at, "model directory '" + dir +
                             "' does not exist; it must hold agents.toml, "
                             "parameters.toml, events.toml and influence.toml");
  }
  ModelText t{dir, {}};
  for (std::size_t f = 0; f < t.files.size(); ++f)
    t.files[f] = read_toml_file((fs::path(dir) / kModelFiles[f]).lexically_normal().string(), referenced_from,
                                "model file");
  return t;
}

std::string model_file_path(const std::string& dir, std::size_t f) {
  return (fs::path(dir) / kModelFiles[f]).lexically_normal().string();
}

toml::table parse_model_file(const ModelText& text, std::size_t f) {
  return parse_toml_text(text.files.at(f), model_file_path(text.dir, f));
}

namespace {
/// Validates file f of a model (kModelFiles order; the order matters: influence rows are checked against the
/// agents).
void read_model_file(ModelSpec& m, std::size_t f, const toml::table& root) {
  const std::string file = model_file_path(m.dir, f);
  switch (f) {
    case 0:
      return read_agents(m, file, root);
    case 1:
      return read_parameters(m, file, root);
    case 2:
      return read_event_types(m, file, root);
    default:
      return read_influence(m, file, root);
  }
}

void list_model_files(ModelSpec& m) {
  for (std::size_t f = 0; f < std::size(kModelFiles); ++f)
    m.files.push_back(model_file_path(m.dir, f));
  std::sort(m.files.begin(), m.files.end());
}
}  // namespace

ModelSpec validate_model(const std::string& dir, const ModelTables& tables) {
  ModelSpec m;
  m.dir = dir;
  for (std::size_t f = 0; f < tables.size(); ++f)
    read_model_file(m, f, *tables[f]);
  list_model_files(m);
  return m;
}

ModelSpec parse_model(const ModelText& text) {
  // Each file is parsed, then validated, in turn: a later file's syntax error is reported only once the
  // earlier files are valid.
  ModelSpec m;
  m.dir = text.dir;
  for (std::size_t f = 0; f < text.files.size(); ++f)
    read_model_file(m, f, parse_model_file(text, f));
  list_model_files(m);
  return m;
}

namespace {

/// How many scenarios an `extends` chain may hold: enough for a patch of a patch of a patch, few enough that
/// a crafted chain cannot make loading slow.
constexpr std::size_t kMaxExtends = 16;

/// `[[patch]]`: a change to one event of the base scenario, by its id.
EventPatch read_event_patch(const TableReader& r) {
  r.allow_only({"event", "remove", "date", "until", "actor", "targets", "magnitude", "label"});
  EventPatch p;
  p.pos = r.pos();
  p.event = r.string("event");
  p.event_pos = r.pos("event");
  p.remove = r.boolean_or("remove", false);
  if (r.has("date")) p.date = r.date("date"), p.date_pos = r.pos("date");
  if (r.has("until")) p.until = r.date("until"), p.until_pos = r.pos("until");
  if (r.has("actor")) p.actor = r.string("actor"), p.actor_pos = r.pos("actor");
  if (r.has("targets")) p.targets = r.strings("targets"), p.targets_pos = r.pos("targets");
  if (r.has("magnitude")) p.magnitude = r.number("magnitude", 0.0, 10.0);
  if (r.has("label")) p.label = r.string("label");
  const bool changes = p.date || p.until || p.actor || p.targets || p.magnitude || p.label;
  if (p.remove && changes)
    throw InputError(p.pos,
                     "the [[patch]] of '" + p.event +
                         "' removes the event and also changes it; keep remove = true alone, or drop it "
                         "to change the event");
  if (!p.remove && !changes)
    throw InputError(p.pos, "the [[patch]] of '" + p.event +
                                "' changes nothing; give remove = true, or one of 'date', 'until', 'actor', "
                                "'targets', 'magnitude' or 'label'");
  return p;
}

/// The date of every event inside the window: an inherited event the window no longer holds is reported at
/// the key that narrowed it.
void check_events_in_window(const Scenario& s, const SourcePos& window_pos) {
  for (const ScenarioEvent& e : s.events)
    if (e.date < s.start || e.date > s.end)
      throw InputError(window_pos,
                       "the base scenario's event '" + e.label + "' (" + e.pos.file + ":" +
                           std::to_string(e.pos.line) + ") on " + format_date(e.date) +
                           " falls outside this scenario's window " + format_date(s.start) + " to " +
                           format_date(s.end) +
                           "; remove it with a [[patch]] (remove = true) or keep it in the window");
}

Scenario parse_scenario_in_chain(std::string_view text, const std::string& path,
                                 std::vector<std::string>& chain);

/// The scenario a patch `extends`, read with the chain of files that led to it (for cycles and depth).
Scenario read_base_scenario(const TableReader& head, const std::string& path,
                            std::vector<std::string>& chain) {
  const SourcePos at = head.pos("extends");
  const std::string base =
      (fs::path(path).parent_path() / head.string("extends")).lexically_normal().string();
  std::error_code ec;
  const std::string key = fs::weakly_canonical(base, ec).string();
  if (std::find(chain.begin(), chain.end(), key) != chain.end())
    throw InputError(at,
                     "'extends' = '" + base +
                         "' leads back to a scenario already in the chain; a scenario cannot extend itself, "
                         "directly or through others");
  if (chain.size() >= kMaxExtends)
    throw InputError(at, "'extends' chains more than " + std::to_string(kMaxExtends) +
                             " scenarios; allowed: at most " + std::to_string(kMaxExtends));
  const std::string text = read_toml_file(base, at, "base scenario");
  chain.push_back(key);
  Scenario s = parse_scenario_in_chain(text, base, chain);
  chain.pop_back();
  return s;
}

template <typename T, typename Same>
void replace_or_append(std::vector<T>& into, std::vector<T> from, Same same) {
  for (T& x : from) {
    auto it = std::find_if(into.begin(), into.end(), [&](const T& y) { return same(x, y); });
    if (it != into.end())
      *it = std::move(x);
    else
      into.push_back(std::move(x));
  }
}

Scenario parse_scenario_in_chain(std::string_view text, const std::string& path,
                                 std::vector<std::string>& chain) {
  const toml::table root = parse_toml_text(text, path);
  TableReader r(path, root, "the scenario file");
  r.allow_only({"scenario", "parameters", "initial", "event", "patch"});
  TableReader head(path, r.subtable("scenario"), "[scenario]");
  head.allow_only({"name", "title", "model", "start", "end", "seed", "start_from", "extends"});
  const bool patch = head.has("extends");
  Scenario s;
  std::size_t inherited = 0;  // events of the base, before this file's
  if (patch) {
    s = read_base_scenario(head, path, chain);
    inherited = s.events.size();
    s.files.insert(s.files.begin(), path);
  } else {
    s.files = {path};
  }
  s.file = path;
  s.name = head.string("name");
  if (!patch || head.has("title")) s.title = head.string("title");
  if (!patch || head.has("model")) {
    s.model_pos = head.pos("model");
    s.model_dir = (fs::path(path).parent_path() / head.string("model")).lexically_normal().string();
  }
  if (!patch || head.has("start")) s.start = head.date("start");
  if (!patch || head.has("end")) s.end = head.date("end"), s.end_pos = head.pos("end");
  if (s.end <= s.start)
    throw InputError(head.pos(head.has("end") ? "end" : "start"),
                     "end " + format_date(s.end) + " must come after start " + format_date(s.start));
  if (!patch || head.has("seed")) s.seed = static_cast<std::uint64_t>(head.integer("seed", 0, INT64_MAX));
  if (head.has("start_from")) {
    s.start_from = (fs::path(path).parent_path() / head.string("start_from")).lexically_normal().string();
    s.start_from_pos = head.pos("start_from");
  }
  if (r.has("parameters")) {
    TableReader params(path, r.subtable("parameters"), "[parameters]");
    std::vector<ParameterOverride> mine;
    for (auto&& [key, node] : params.table())
      mine.push_back(
          {std::string(key.str()), params.number(key.str(), -1e300, 1e300), params.key_pos(key.str())});
    replace_or_append(s.overrides, std::move(mine),
                      [](const auto& a, const auto& b) { return a.name == b.name; });
  }
  if (r.has("initial")) {
    Scenario mine;
    read_initial_overrides(r, mine);
    replace_or_append(s.initial, std::move(mine.initial), [](const auto& a, const auto& b) {
      return a.agent == b.agent && a.var == b.var && a.patron == b.patron;
    });
  }
  if (r.has("patch")) {
    if (!patch)
      throw InputError(TableReader(path, *r.tables("patch").front(), "[[patch]]").pos(),
                       "[[patch]] changes the events of a base scenario; name it with "
                       "'extends' in [scenario] (e.g. extends = \"veto-2019.toml\")");
    std::vector<EventPatch> patches;
    for (const toml::table* t : r.tables("patch"))
      patches.push_back(read_event_patch(TableReader(path, *t, "[[patch]]")));
    apply_event_patches(s, patches, s.files[1]);
    inherited = s.events.size();
  }
  if (patch)
    check_events_in_window(s, head.has("end")     ? s.end_pos
                              : head.has("start") ? head.pos("start")
                                                  : head.pos());
  std::set<std::string> ids;
  for (const ScenarioEvent& e : s.events)
    if (!e.id.empty()) ids.insert(e.id);
  for (const toml::table* t : r.tables("event")) {
    s.events.push_back(read_scenario_event(TableReader(path, *t, "[[event]]"), s));
    const ScenarioEvent& e = s.events.back();
    if (!e.id.empty() && !ids.insert(e.id).second)
      throw InputError(e.id_pos, "duplicate event id '" + e.id + "'; ids must be unique in a scenario" +
                                     (inherited > 0 ? " and the scenarios it extends" : ""));
  }
  return s;
}

}  // namespace

void apply_event_patches(Scenario& s, const std::vector<EventPatch>& patches, const std::string& what) {
  std::vector<std::string> ids;
  for (const ScenarioEvent& e : s.events)
    if (!e.id.empty()) ids.push_back(e.id);
  std::set<std::string> patched;
  std::vector<std::size_t> removed;
  for (const EventPatch& p : patches) {
    const auto it = std::find_if(s.events.begin(), s.events.end(),
                                 [&](const ScenarioEvent& e) { return e.id == p.event; });
    if (it == s.events.end())
      throw InputError(p.event_pos,
                       "no event of '" + what + "' has the id '" + p.event + "'" +
                           did_you_mean(p.event, ids) +
                           (ids.empty() ? "; it has no event ids: give the event an `id` in its file"
                                        : "; its ids: " + join_quoted(ids)));
    if (!patched.insert(p.event).second)
      throw InputError(p.event_pos, "event '" + p.event + "' is patched twice; put its changes in one patch");
    ScenarioEvent& e = *it;
    if (p.remove) {
      removed.push_back(static_cast<std::size_t>(it - s.events.begin()));
      continue;
    }
    if (p.date) e.date = *p.date, e.pos = p.date_pos;
    if (p.until) e.until = *p.until, e.until_pos = p.until_pos;
    if (p.actor) e.actor = *p.actor, e.actor_pos = p.actor_pos;
    if (p.targets) e.targets = *p.targets, e.targets_pos = p.targets_pos;
    if (p.magnitude) e.magnitude = *p.magnitude;
    if (p.label) e.label = *p.label;
    if (p.date && (e.date < s.start || e.date > s.end))
      throw InputError(p.date_pos, "date " + format_date(e.date) +
                                       " is outside the scenario; allowed: " + format_date(s.start) + " to " +
                                       format_date(s.end) + " (the [scenario] start and end)");
    if (e.until && *e.until <= e.date)
      throw InputError(
          p.until ? p.until_pos : p.date_pos,
          "'until' " + format_date(*e.until) + " must come after the event's date " + format_date(e.date));
  }
  remove_events(s, removed);
}

void remove_events(Scenario& s, const std::vector<std::size_t>& indices) {
  std::set<std::string> ids;
  std::vector<char> gone(s.events.size(), 0);
  for (std::size_t i : indices) {
    gone[i] = 1;
    if (!s.events[i].id.empty()) ids.insert(s.events[i].id);
  }
  std::size_t i = 0;
  std::erase_if(s.events, [&](const ScenarioEvent&) { return gone[i++] != 0; });
  for (ScenarioEvent& e : s.events)  // what a removed event would have ended no longer exists to end
    std::erase_if(e.ends, [&](const std::string& id) { return ids.count(id) > 0; });
}

ModelSpec load_model(const std::string& dir, const SourcePos& referenced_from) {
  return parse_model(read_model(dir, referenced_from));
}

Scenario load_scenario(const std::string& path) {
  return parse_scenario(read_toml_file(path, {}, "scenario file"), path);
}

Scenario parse_scenario(std::string_view text, const std::string& path) {
  std::error_code ec;
  std::vector<std::string> chain{fs::weakly_canonical(path, ec).string()};
  return parse_scenario_in_chain(text, path, chain);
}

}  // namespace hedgesim
