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
  p.r_grievance = rate("grievance_half_life_days");
  p.r_courting = rate("courting_half_life_days");
  p.r_conditionality = rate("conditionality_half_life_days");
  p.r_softening = rate("softening_half_life_days");
  p.r_learning = rate("learning_half_life_days");
  p.r_engagement = rate("engagement_half_life_days");
  p.r_detente = rate("detente_half_life_days");
  p.courting_gain = get("courting_gain");
  p.courting_noise = get("courting_noise");
  p.courting_signal_pull = get("courting_signal_pull");
  p.engagement_signal_pull = get("engagement_signal_pull");
  p.signal_noise_step = get("signal_noise") * std::sqrt(step / 7.0);
  p.substance_signal_coupling = get("substance_signal_coupling");
  p.substance_accession_coupling = get("substance_accession_coupling");
  p.grievance_conditionality_gain = get("grievance_conditionality_gain");
  p.hardening_gain = get("hardening_gain");
  p.backsliding_tolerance = get("backsliding_tolerance");
  p.conditionality_floor = get("conditionality_floor");
  p.reward_gain_step = get("reward_gain") * 7.0 / step;
  p.rival_budget = get("rival_budget");
  p.rival_saturation = get("rival_saturation");
  p.detente_damping = get("detente_damping");
  return p;
}

void order_agents(const ModelSpec& spec, CompiledModel& m) {
  for (Kind k : {Kind::hedger, Kind::west, Kind::rival})
    for (const AgentSpec& a : spec.agents)
      if (a.kind == k) {
        m.agent_ids.push_back(a.id);
        m.agent_names.push_back(a.name);
        m.agent_seats.push_back(a.seat);
        m.agent_kinds.push_back(a.kind);
      }
  m.n_agents = static_cast<int>(m.agent_ids.size());
  m.n_hedgers = static_cast<int>(std::count(m.agent_kinds.begin(), m.agent_kinds.end(), Kind::hedger));
  m.n_west = static_cast<int>(std::count(m.agent_kinds.begin(), m.agent_kinds.end(), Kind::west));
  m.rival = m.n_agents - 1;
}

int index_of(const CompiledModel& m, const std::string& id) {
  auto it = std::find(m.agent_ids.begin(), m.agent_ids.end(), id);
  return it == m.agent_ids.end() ? -1 : static_cast<int>(it - m.agent_ids.begin());
}

void fill_agent_arrays(const ModelSpec& spec, CompiledModel& m) {
  m.initial = StateArray::Zero(kVarCount, m.n_agents);
  m.susceptibility = Eigen::ArrayXd::Zero(m.n_hedgers);
  m.rival_trust = Eigen::ArrayXd::Zero(m.n_hedgers);
  for (const AgentSpec& a : spec.agents) {
    const int i = index_of(m, a.id);
    for (int v = 0; v < kVarCount; ++v)
      m.initial(v, i) = a.initial[v];
    if (a.kind == Kind::hedger) {
      m.susceptibility(i) = a.susceptibility;
      m.rival_trust(i) = a.rival_trust;
    }
  }
  m.W = Eigen::MatrixXd::Zero(m.n_hedgers, m.n_hedgers);
  for (const InfluenceSpec& s : spec.influence)
    m.W(index_of(m, s.to), index_of(m, s.from)) = s.weight;
}

std::string kind_list(const std::vector<Kind>& kinds) {
  std::vector<std::string> names;
  for (Kind k : kinds)
    names.emplace_back(kKindNames[static_cast<int>(k)]);
  return join_quoted(names);
}

int resolve_agent(const CompiledModel& m, const std::string& id, const SourcePos& pos,
                  const std::vector<Kind>& allowed, const std::string& role, const std::string& type) {
  const int i = index_of(m, id);
  if (i < 0)
    throw InputError(pos, "unknown agent '" + id + "'" + did_you_mean(id, m.agent_ids) +
                              "; agents of the model: " + join_quoted(m.agent_ids));
  const Kind k = m.agent_kinds[i];
  if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
    std::vector<std::string> ok;
    for (int j = 0; j < m.n_agents; ++j)
      if (std::find(allowed.begin(), allowed.end(), m.agent_kinds[j]) != allowed.end())
        ok.push_back(m.agent_ids[j]);
    throw InputError(pos, "'" + id + "' is a '" + std::string(kKindNames[static_cast<int>(k)]) +
                              "' agent, but event type '" + type + "' allows only " + kind_list(allowed) +
                              " as " + role + ": " + join_quoted(ok));
  }
  return i;
}

bool carries(const CompiledModel& m, int agent, int var) {
  return kVarInfo[var].kind == m.agent_kinds[agent];
}

void add_effects(CompiledModel& m, CompiledEvent& ev, const EventTypeSpec& type, double magnitude) {
  ev.first_effect = static_cast<int>(m.effects.size());
  for (const EffectSpec& e : type.effects) {
    std::vector<int> parties;
    if (e.party == Party::actor) parties = {ev.actor};
    if (e.party == Party::target) parties = ev.targets;
    if (e.party == Party::bystanders)
      for (int i = 0; i < m.n_hedgers; ++i)
        if (i != ev.actor && std::find(ev.targets.begin(), ev.targets.end(), i) == ev.targets.end())
          parties.push_back(i);
    for (int agent : parties) {
      const int var = var_index(e.variable);
      if (!carries(m, agent, var)) continue;  // e.g. a war shock's "detente" effect on a hedger target
      CompiledEffect c;
      c.var = var;
      c.agent = agent;
      c.delta = e.delta * magnitude;
      c.scale_var = e.scale_by ? var_index(*e.scale_by) : -1;
      c.retention = e.half_life_days > 0 ? std::exp2(-m.params.step_days / e.half_life_days) : 1.0;
      if (c.retention < 1.0) ++m.transient_effects;
      m.effects.push_back(c);
    }
  }
  ev.effect_count = static_cast<int>(m.effects.size()) - ev.first_effect;
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
                                        "; event types are defined in " + spec.dir + "/events.toml");
    const EventTypeSpec& type = spec.event_types[type_it - type_ids.begin()];
    CompiledEvent ev;
    ev.step = step;
    ev.type = static_cast<int>(type_it - type_ids.begin());
    ev.date = e->date;
    ev.label = e->label;
    ev.magnitude = e->magnitude;
    ev.actor = resolve_agent(m, e->actor, e->actor_pos, type.actor_kinds, "actor", type.id);
    for (const std::string& t : e->targets) {
      const int ti = resolve_agent(m, t, e->targets_pos, type.target_kinds, "target", type.id);
      if (ti == ev.actor)
        throw InputError(e->targets_pos,
                         "'" + t + "' is both the actor and a target; an agent cannot act on itself");
      if (std::find(ev.targets.begin(), ev.targets.end(), ti) != ev.targets.end())
        throw InputError(e->targets_pos, "'" + t + "' is listed twice in targets");
      ev.targets.push_back(ti);
    }
    ev.source = "event:" + type.id + ":" + e->actor + ":" + format_date(e->date);
    add_effects(m, ev, type, e->magnitude);
    m.events.push_back(std::move(ev));
  }
}

}  // namespace

CompiledModel compile(const ModelSpec& spec, const Scenario& scenario) {
  CompiledModel m;
  m.spec = spec;
  m.scenario = scenario;
  const std::vector<ParameterSpec> params = apply_overrides(spec, scenario);
  m.params = resolve_params(spec, params);
  m.spec.parameters = params;
  order_agents(spec, m);
  fill_agent_arrays(spec, m);
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
