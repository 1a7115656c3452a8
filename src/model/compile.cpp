// compile(): from (ModelSpec, Scenario) to the immutable CompiledModel. This is where cross-file checks live
// (agents, event types and kinds named by a scenario; parameter overrides and their ranges) and where every
// name is turned into an index, once.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "model/compiled_model.hpp"
#include "model/load.hpp"

namespace hedgesim {
namespace {

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::vector<ParameterSpec> apply_overrides(const ModelSpec& spec, const Scenario& sc) {
  std::vector<ParameterSpec> params = spec.parameters;
  std::vector<std::string> names;
  for (const auto& p : params)
    names.push_back(p.name);
  for (const ParameterOverride& o : sc.overrides) {
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.name == o.name; });
    if (it == params.end())
      throw InputError(o.pos, "unknown parameter '" + o.name + "'" + did_you_mean(o.name, names) +
                                  "; parameters are defined in " + spec.dir + "/parameters.toml");
    if (!(o.value >= it->min && o.value <= it->max))
      throw InputError(o.pos, "parameter '" + o.name + "' = " + fmt(o.value) + " is out of range; allowed: " +
                                  fmt(it->min) + " to " + fmt(it->max) + " (" + it->description + ")");
    it->value = o.value;
    it->pos = o.pos;  // later checks of the value (step_days) point at the override
  }
  return params;
}

double rate_from_half_life(double step_days, double half_life_days) {
  return 1.0 - std::exp2(-step_days / half_life_days);
}

Params resolve_params(const ModelSpec& spec, const std::vector<ParameterSpec>& params) {
  auto find = [&](const char* name) -> const ParameterSpec& {
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.name == name; });
    if (it == params.end())
      throw InputError({spec.dir + "/parameters.toml", 1, 1},
                       std::string("the model is missing the parameter '") + name +
                           "', which the mechanisms need; add a [parameters." + name + "] table");
    return *it;
  };
  auto get = [&](const char* name) { return find(name).value; };
  Params p;
  const double step = get("step_days");
  if (step != std::floor(step) || step < 1)
    throw InputError(find("step_days").pos,
                     "'step_days' = " + fmt(step) + " must be a whole number of days, at least 1");
  p.step_days = static_cast<int>(step);
  auto rate = [&](const char* name) { return rate_from_half_life(step, get(name)); };
  p.r_signal = rate("signal_half_life_days");
  p.r_substance = rate("substance_half_life_days");
  p.r_position = rate("position_half_life_days");
  p.r_opinion = rate("opinion_half_life_days");
  p.r_grievance = rate("grievance_half_life_days");
  p.r_choice = rate("choice_half_life_days");
  p.r_conditionality = rate("conditionality_half_life_days");
  p.r_softening = rate("softening_half_life_days");
  p.r_learning = rate("learning_half_life_days");
  p.r_forgetting = rate("forgetting_half_life_days");
  p.r_engagement = rate("engagement_half_life_days");
  p.r_detente = rate("detente_half_life_days");
  p.r_trust = rate("trust_half_life_days");
  p.courting_signal_pull = get("courting_signal_pull");
  p.compliance_signal_pull = get("compliance_signal_pull");
  p.engagement_signal_pull = get("engagement_signal_pull");
  p.signal_noise_step = get("signal_noise") * std::sqrt(step / 7.0);
  p.substance_signal_coupling = get("substance_signal_coupling");
  p.substance_accession_coupling = get("substance_accession_coupling");
  p.grievance_conditionality_gain = get("grievance_conditionality_gain");
  p.grievance_veto_gain = get("grievance_veto_gain");
  p.grievance_bystander_gain = get("grievance_bystander_gain");
  p.court_bias = get("court_bias");
  p.comply_bias = get("comply_bias");
  p.payoff_weight = get("payoff_weight");
  p.grievance_weight = get("grievance_weight");
  p.audience_weight = get("audience_weight");
  p.choice_noise = get("choice_noise");
  p.drift_half_softening = get("softening_drift_half");
  p.war_urgency = get("war_urgency");
  p.hardening_gain = get("hardening_gain");
  p.hardening_threshold = get("hardening_threshold");
  p.conditionality_floor = get("conditionality_floor");
  p.reward_gain_step = get("reward_gain") * 7.0 / step;
  p.engagement_saturation = get("engagement_saturation");
  p.detente_damping = get("detente_damping");
  p.rival_lead = get("rival_lead");
  p.trust_weighting = get("trust_weighting");
  p.reading_noise_step = get("reading_noise");
  p.reading_variance = get("reading_variance");
  p.drift_variance_step = get("drift_variance") * step / 7.0;
  p.drift_threshold = get("drift_threshold");
  p.hidden_intent = get("hidden_intent");
  p.reveal_variance = {get("cheap_talk_variance"), get("audience_cost_variance"), get("sunk_cost_variance")};
  p.trust_gain = get("trust_gain");
  p.leader_cue = get("leader_cue");
  p.opinion_position_coupling = get("opinion_position_coupling");
  return p;
}

void order_agents(const ModelSpec& spec, CompiledModel& m) {
  for (Kind k : {Kind::hedger, Kind::patron})
    for (const AgentSpec& a : spec.agents)
      if (a.kind == k) {
        m.agent_ids.push_back(a.id);
        m.agent_names.push_back(a.name);
        m.agent_seats.push_back(a.seat);
        m.agent_kinds.push_back(a.kind);
        m.agent_blocs.push_back(a.bloc);
        m.agent_veto_players.push_back(a.veto_player);
      }
  m.n_agents = static_cast<int>(m.agent_ids.size());
  m.n_hedgers = static_cast<int>(std::count(m.agent_kinds.begin(), m.agent_kinds.end(), Kind::hedger));
  m.n_patrons = m.n_agents - m.n_hedgers;
}

std::string lowercase(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
int index_of(const CompiledModel& m, const std::string& id) {
  auto it = std::find(m.agent_ids.begin(), m.agent_ids.end(), id);
  return it == m.agent_ids.end() ? -1 : static_cast<int>(it - m.agent_ids.begin());
}

/// Rows variable-major; within a dyad variable, patron-major. Output order per agent: its own variables in
/// kVarInfo order, then (hedgers) each dyad variable for each patron in compiled order.
void lay_out_state(CompiledModel& m) {
  m.n_rows = 0;
  for (int v = 0; v < kVarCount; ++v) {
    m.offset[v] = m.n_rows;
    m.n_rows += m.rows_of(static_cast<Var>(v));
  }
  m.slots.assign(static_cast<std::size_t>(m.n_rows), Slot{});
  m.agent_rows.assign(static_cast<std::size_t>(m.n_agents), {});
  for (int v = 0; v < kVarCount; ++v) {
    const Var var = static_cast<Var>(v);
    const VarInfo& vi = info(var);
    if (vi.scope == Scope::dyad) continue;
    const int first = vi.scope == Scope::hedger ? 0 : m.n_hedgers;
    const int count = vi.scope == Scope::hedger ? m.n_hedgers : m.n_patrons;
    for (int a = first; a < first + count; ++a) {
      m.slots[m.row(var, a)] = {var, a, -1, std::string(vi.name)};
      m.agent_rows[a].push_back(m.row(var, a));
    }
  }
  for (int v = 0; v < kVarCount; ++v) {
    const Var var = static_cast<Var>(v);
    if (info(var).scope != Scope::dyad) continue;
    for (int p = m.n_hedgers; p < m.n_agents; ++p)
      for (int i = 0; i < m.n_hedgers; ++i) {
        m.slots[m.row(var, p, i)] = {var, i, p, std::string(info(var).name) + "@" + m.agent_ids[p]};
        m.agent_rows[i].push_back(m.row(var, p, i));
      }
  }
}

/// A scenario's [initial.<agent>] values replace the model's starting values and baselines.
void apply_initial_overrides(const Scenario& sc, CompiledModel& m) {
  for (const InitialOverride& o : sc.initial) {
    const int a = index_of(m, o.agent);
    if (a < 0) throw InputError(o.agent_pos, m.unknown_agent(o.agent, " in [initial]"));
    const std::string name(info(o.var).name);
    const int row = m.find_row(a, o.patron.empty() ? name : name + "@" + o.patron);
    if (row < 0) {
      if (!o.patron.empty() && m.agent_kinds[a] == Kind::hedger) {
        std::vector<std::string> patrons(m.agent_ids.begin() + m.n_hedgers, m.agent_ids.end());
        throw InputError(o.pos, "'" + o.patron + "' in '" + name + "' of [initial." + o.agent +
                                    "] is not a patron" + did_you_mean(o.patron, patrons) +
                                    "; allowed: " + join_quoted(patrons));
      }
      std::vector<std::string> own;
      for (const int r : m.agent_rows[a])
        if (m.slots[r].patron < 0 && !info(m.slots[r].var).held && m.slots[r].var != Var::attention)
          own.push_back(m.slots[r].variable);
      if (m.agent_kinds[a] == Kind::hedger)
        for (const VarInfo& vi : kVarInfo)
          if (vi.scope == Scope::dyad && !vi.held) own.emplace_back(vi.name);
      throw InputError(o.pos, "'" + o.agent + "' is a '" +
                                  std::string(kKindNames[static_cast<int>(m.agent_kinds[a])]) +
                                  "' and does not carry '" + name + "'" +
                                  (o.patron.empty() ? "" : " as a table of patrons") +
                                  "; allowed in [initial." + o.agent + "]: " + join_quoted(own));
    }
    m.initial(row) = o.value;
    m.derived[row] = false;
  }
}

void fill_agent_arrays(const ModelSpec& spec, CompiledModel& m) {
  lay_out_state(m);
  m.initial = Eigen::ArrayXd::Zero(m.n_rows);
  m.derived.assign(static_cast<std::size_t>(m.n_rows), false);
  m.susceptibility = Eigen::ArrayXd::Zero(m.n_hedgers);
  m.pole = Eigen::ArrayXd::Zero(m.n_patrons);
  for (const AgentSpec& a : spec.agents) {
    const int i = index_of(m, a.id);
    for (const int row : m.agent_rows[i]) {
      const Var v = m.slots[row].var;
      if (m.slots[row].patron < 0) m.initial(row) = a.initial[var_index(v)];
      // Left unset, these start where the rest of the state puts them at rest (CompiledModel::derived).
      const bool derivable = v == Var::position || v == Var::courting || v == Var::complying ||
                             v == Var::belief || v == Var::uncertainty;
      m.derived[row] = derivable && (m.slots[row].patron >= 0 || !a.given[var_index(v)]);
    }
    for (const DyadInitial& d : a.dyads) {
      const int row = m.row(d.var, index_of(m, d.patron), i);
      m.initial(row) = d.value;
      m.derived[row] = false;
    }
    if (a.kind == Kind::hedger) m.susceptibility(i) = a.susceptibility;
    if (a.kind == Kind::patron) m.pole(i - m.n_hedgers) = spec.find_bloc(a.bloc)->pole;
  }
  m.W = Eigen::MatrixXd::Zero(m.n_hedgers, m.n_hedgers);
  for (const InfluenceSpec& s : spec.influence)
    m.W(index_of(m, s.to), index_of(m, s.from)) = s.weight;
}

std::string selector_text(const KindSelector& sel) {
  std::vector<std::string> names;
  if (sel.hedger) names.emplace_back("hedger");
  if (sel.any_patron) names.emplace_back("patron");
  if (sel.veto_player) names.emplace_back("veto_player");
  for (const std::string& b : sel.blocs)
    names.push_back(b);
  return join_quoted(names);
}

bool selects(const CompiledModel& m, const KindSelector& sel, int agent) {
  if (m.agent_kinds[agent] == Kind::hedger) return sel.hedger;
  return sel.any_patron || (sel.veto_player && m.agent_veto_players[agent]) ||
         std::find(sel.blocs.begin(), sel.blocs.end(), m.agent_blocs[agent]) != sel.blocs.end();
}

std::string kind_of(const CompiledModel& m, int agent) {
  if (m.agent_kinds[agent] == Kind::hedger) return "a 'hedger'";
  return std::string(m.agent_veto_players[agent] ? "a veto player" : "a patron") + " of bloc '" +
         m.agent_blocs[agent] + "'";
}

int resolve_agent(const CompiledModel& m, const std::string& id, const SourcePos& pos,
                  const KindSelector& allowed, const std::string& role, const std::string& type) {
  const int i = index_of(m, id);
  if (i < 0) throw InputError(pos, m.unknown_agent(id));
  if (!selects(m, allowed, i)) {
    std::vector<std::string> ok;
    for (int j = 0; j < m.n_agents; ++j)
      if (selects(m, allowed, j)) ok.push_back(m.agent_ids[j]);
    throw InputError(pos, "'" + id + "' is " + kind_of(m, i) + ", but event type '" + type +
                              "' allows only " + selector_text(allowed) + " as " + role + ": " +
                              join_quoted(ok));
  }
  return i;
}

/// The row an effect moves for one party, or -1 if the party does not carry the variable (e.g. a war shock's
/// "detente" effect on a hedger target, or a dyad effect whose other side is not a patron).
int effect_row(const CompiledModel& m, Var v, int party, int counterpart) {
  const Scope scope = info(v).scope;
  const bool hedger = m.agent_kinds[party] == Kind::hedger;
  if (scope == Scope::hedger) return hedger ? m.row(v, party) : -1;
  if (scope == Scope::patron) return hedger ? -1 : m.row(v, party);
  const bool pair = hedger && counterpart >= 0 && m.agent_kinds[counterpart] == Kind::patron;
  return pair ? m.row(v, counterpart, party) : -1;
}

void add_effects(CompiledModel& m, CompiledEvent& ev, const EventTypeSpec& type, double magnitude) {
  ev.first_effect = static_cast<int>(m.effects.size());
  for (const EffectSpec& e : type.effects) {
    // (party, counterpart) pairs: a target or bystander faces the actor; the actor faces each target.
    std::vector<std::pair<int, int>> parties;
    if (e.party == Party::actor) {
      if (info(e.variable).scope == Scope::dyad)
        for (int t : ev.targets)
          parties.emplace_back(ev.actor, t);
      else
        parties.emplace_back(ev.actor, -1);
    }
    if (e.party == Party::target)
      for (int t : ev.targets)
        parties.emplace_back(t, ev.actor);
    if (e.party == Party::bystanders)
      for (int i = 0; i < m.n_hedgers; ++i)
        if (i != ev.actor && std::find(ev.targets.begin(), ev.targets.end(), i) == ev.targets.end())
          parties.emplace_back(i, ev.actor);
    for (const auto& [party, counterpart] : parties) {
      const int row = effect_row(m, e.variable, party, counterpart);
      if (row < 0) continue;
      CompiledEffect c;
      c.row = row;
      c.delta = e.delta * magnitude;
      c.scale_row = e.scale_by ? effect_row(m, *e.scale_by, party, counterpart) : -1;
      c.retention = e.half_life_days > 0 ? std::exp2(-m.params.step_days / e.half_life_days) : 1.0;
      if (c.retention < 1.0) ++m.transient_effects;
      if (type.requires_consent && e.party == Party::target && m.agent_kinds[party] == Kind::hedger)
        c.consent_of = party;
      c.held = type.lasting && info(e.variable).held;
      m.effects.push_back(c);
    }
  }
  ev.effect_count = static_cast<int>(m.effects.size()) - ev.first_effect;
  ev.first_reveal = static_cast<int>(m.reveals.size());
  if (type.reveals) {
    std::vector<int> shown;
    if (m.agent_kinds[ev.actor] == Kind::hedger)
      shown.push_back(ev.actor);
    else
      for (int t : ev.targets)
        if (m.agent_kinds[t] == Kind::hedger) shown.push_back(t);
    for (int h : shown)
      m.reveals.push_back({h, *type.reveals * magnitude, static_cast<int>(type.cost)});
  }
  ev.reveal_count = static_cast<int>(m.reveals.size()) - ev.first_reveal;
}

/// `ends = [...]`: each id names an earlier lasting event, which is released in the ending event's step.
void resolve_ends(CompiledModel& m, const std::vector<std::pair<int, const ScenarioEvent*>>& order) {
  std::vector<std::string> ids;
  for (const auto& ev : m.events)
    if (!ev.id.empty()) ids.push_back(ev.id);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const ScenarioEvent& e = *order[i].second;
    for (const std::string& id : e.ends) {
      auto it = std::find_if(m.events.begin(), m.events.end(), [&](const auto& ev) { return ev.id == id; });
      if (it == m.events.end())
        throw InputError(
            e.ends_pos,
            "'ends' names '" + id + "', which is no event's id" + did_you_mean(id, ids) +
                (ids.empty() ? "; give the lasting event an 'id'" : "; ids: " + join_quoted(ids)));
      if (!m.spec.event_types[it->type].lasting)
        throw InputError(e.ends_pos, "'ends' names '" + id + "', an event of type '" +
                                         m.spec.event_types[it->type].id +
                                         "', which is not lasting; only lasting events can be ended");
      if (it->step >= order[i].first)
        throw InputError(e.ends_pos, "'ends' names '" + id + "' of " + format_date(it->date) +
                                         ", which does not start in an earlier step than this event of " +
                                         format_date(e.date) +
                                         "; a lasting event must be ended at least one step "
                                         "after it starts");
      if (it->release_step == 0 || it->release_step > order[i].first) it->release_step = order[i].first;
    }
  }
}

void compile_events(const ModelSpec& spec, CompiledModel& m) {
  const Scenario& sc = m.scenario;
  std::vector<std::string> type_ids;
  for (const auto& t : spec.event_types)
    type_ids.push_back(t.id);
  std::vector<std::pair<int, const ScenarioEvent*>> order;
  for (const ScenarioEvent& e : sc.events)
    order.emplace_back((e.date.days - sc.start.days) / m.params.step_days + 1, &e);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [step, e] : order) {
    auto type_it = std::find(type_ids.begin(), type_ids.end(), e->type);
    if (type_it == type_ids.end())
      throw InputError(e->type_pos, "unknown event type '" + e->type + "'" + did_you_mean(e->type, type_ids) +
                                        "; event types (" + spec.dir +
                                        "/events.toml): " + join_quoted(type_ids));
    const EventTypeSpec& type = spec.event_types[type_it - type_ids.begin()];
    CompiledEvent ev;
    ev.step = step;
    ev.type = static_cast<int>(type_it - type_ids.begin());
    ev.date = e->date;
    ev.label = e->label;
    ev.magnitude = e->magnitude;
    ev.actor = resolve_agent(m, e->actor, e->actor_pos, type.actors, "actor", type.id);
    for (const std::string& t : e->targets) {
      const int ti = resolve_agent(m, t, e->targets_pos, type.targets, "target", type.id);
      if (ti == ev.actor)
        throw InputError(e->targets_pos,
                         "'" + t + "' is both the actor and a target; an agent cannot act on itself");
      if (std::find(ev.targets.begin(), ev.targets.end(), ti) != ev.targets.end())
        throw InputError(e->targets_pos, "'" + t + "' is listed twice in targets");
      ev.targets.push_back(ti);
    }
    ev.source = "event:" + type.id + ":" + e->actor + ":" + format_date(e->date);
    ev.id = e->id;
    if (e->until) {
      if (!type.lasting)
        throw InputError(e->until_pos, "event type '" + type.id +
                                           "' is not lasting, so its event cannot have "
                                           "'until'; lasting types have lasting = true in events.toml");
      ev.release_step = (e->until->days - sc.start.days) / m.params.step_days + 1;
      if (ev.release_step <= step)
        throw InputError(e->until_pos, "'until' " + format_date(*e->until) +
                                           " falls in the event's own step " + std::to_string(step) + " of " +
                                           std::to_string(m.params.step_days) +
                                           " days; a lasting event must last at least into the next step");
      if (e->until->days > sc.end.days) ev.release_step = 0;  // beyond the scenario: it never ends here
    }
    add_effects(m, ev, type, e->magnitude);
    m.events.push_back(std::move(ev));
  }
  resolve_ends(m, order);
}

}  // namespace

std::string CompiledModel::unknown_agent(const std::string& id, const std::string& where) const {
  // A user who writes an agent's full name or its seat (any case) where its id belongs means that agent; one
  // who writes part of a name (four letters or more) most likely too. Otherwise a typo of an id or a name.
  const std::string given = lowercase(id);
  std::string hint;
  for (int a = 0; a < n_agents && hint.empty(); ++a) {
    const std::string name = lowercase(agent_names[a]), seat = lowercase(agent_seats[a]);
    if (given == name || given == seat || (given.size() >= 4 && name.find(given) != std::string::npos))
      hint = " (did you mean '" + agent_ids[a] + "', the id of " + agent_names[a] + "?)";
  }
  if (hint.empty()) hint = did_you_mean(id, agent_ids);
  if (hint.empty()) {
    for (int a = 0; a < n_agents && hint.empty(); ++a)
      if (!did_you_mean(id, {agent_names[a], agent_seats[a]}).empty())
        hint = " (did you mean '" + agent_ids[a] + "', the id of " + agent_names[a] + "?)";
  }
  std::vector<std::string> listed;
  for (int a = 0; a < n_agents; ++a)
    listed.push_back(agent_ids[a] + "' (" + agent_names[a] + ")");
  std::string list;
  for (std::size_t i = 0; i < listed.size(); ++i)
    list += (i == 0 ? "'" : (i + 1 == listed.size() ? " or '" : ", '")) + listed[i];
  return "unknown agent '" + id + "'" + where + hint + "; agents are given by id: " + list;
}

int CompiledModel::find_row(int agent, std::string_view variable) const {
  for (const int row : agent_rows[static_cast<std::size_t>(agent)])
    if (slots[static_cast<std::size_t>(row)].variable == variable) return row;
  return -1;
}

std::vector<std::string> CompiledModel::variables_of(int agent) const {
  std::vector<std::string> out;
  for (const int row : agent_rows[static_cast<std::size_t>(agent)])
    out.push_back(slots[static_cast<std::size_t>(row)].variable);
  return out;
}

/// start_from: the prior scenario compiled against its own model, which must have this model's state layout
/// (same agents in the same order); chains longer than kMaxStartFromChain, or that loop, are refused.
constexpr int kMaxStartFromChain = 16;

static void compile_prior(CompiledModel& m, std::vector<std::string>& chain) {
  const Scenario& sc = m.scenario;
  if (sc.start_from.empty()) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string key = fs::weakly_canonical(sc.start_from, ec).string();
  if (std::find(chain.begin(), chain.end(), key) != chain.end())
    throw InputError(sc.start_from_pos,
                     "'start_from' = '" + sc.start_from +
                         "' leads back to a scenario already in the chain; a scenario cannot "
                         "start from itself, directly or through others");
  if (static_cast<int>(chain.size()) >= kMaxStartFromChain)
    throw InputError(sc.start_from_pos,
                     "'start_from' chains more than " + std::to_string(kMaxStartFromChain) +
                         " scenarios; allowed: at most " + std::to_string(kMaxStartFromChain));
  chain.push_back(key);
  const Scenario prior_sc = load_scenario(sc.start_from);
  const ModelSpec prior_spec = load_model(prior_sc.model_dir, prior_sc.model_pos);
  auto prior = std::make_shared<CompiledModel>(compile(prior_spec, prior_sc));
  compile_prior(*prior, chain);
  if (prior->agent_ids != m.agent_ids || prior->n_rows != m.n_rows)
    throw InputError(sc.start_from_pos, "'start_from' = '" + sc.start_from + "' runs a model with agents " +
                                            join_quoted(prior->agent_ids) +
                                            ", but this scenario's model has " + join_quoted(m.agent_ids) +
                                            "; a scenario can only start from a run of the same agents");
  if (sc.start < prior_sc.end)
    throw InputError(sc.start_from_pos, "this scenario starts on " + format_date(sc.start) + ", before '" +
                                            sc.start_from + "' ends (" + format_date(prior_sc.end) +
                                            "); it must start on or after that end");
  m.prior = std::move(prior);
}

CompiledModel compile(const ModelSpec& spec, const Scenario& scenario) {
  CompiledModel m;
  m.spec = spec;
  m.scenario = scenario;
  const std::vector<ParameterSpec> params = apply_overrides(spec, scenario);
  m.params = resolve_params(spec, params);
  m.spec.parameters = params;
  order_agents(spec, m);
  fill_agent_arrays(spec, m);
  apply_initial_overrides(scenario, m);
  if (!scenario.start_from.empty()) {
    std::error_code ec;
    std::vector<std::string> chain = {std::filesystem::weakly_canonical(scenario.file, ec).string()};
    compile_prior(m, chain);
  }
  m.steps = (scenario.end.days - scenario.start.days) / m.params.step_days + 1;
  compile_events(spec, m);
  return m;
}

void set_parameter_values(CompiledModel& m, const std::vector<int>& parameters, const double* values) {
  for (std::size_t i = 0; i < parameters.size(); ++i)
    m.spec.parameters.at(static_cast<std::size_t>(parameters[i])).value = values[i];
  const int step_days = m.params.step_days;
  m.params = resolve_params(m.spec, m.spec.parameters);
  if (m.params.step_days != step_days)
    throw std::invalid_argument("set_parameter_values: step_days cannot change after compilation");
}

CompiledModel load_and_compile(const std::string& scenario_path, const std::string& model_dir) {
  Scenario sc = load_scenario(scenario_path);
  if (!model_dir.empty()) sc.model_dir = model_dir;
  const ModelSpec spec = load_model(sc.model_dir, sc.model_pos);
  return compile(spec, sc);
}

}  // namespace hedgesim
