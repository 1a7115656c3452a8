// CompiledModel: the immutable runtime form of a (ModelSpec, Scenario) pair. Names are resolved to dense
// indices, parameters to per-step rates, events to a step-sorted schedule of effects. The engine reads only
// this and a per-run State; nothing here is a string or a map that the stepping loop would look up.
#pragma once

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/spec.hpp"

namespace hedgesim {

/// Parameters as the mechanisms use them. Half-lives are turned into per-step fractions
/// `rate(T) = 1 - 2^(-step_days / T)`; see docs/ODD.md, section "Time".
struct Params {
  int step_days = 7;
  // rates per step, from half-lives
  double r_signal = 0, r_substance = 0, r_position = 0, r_opinion = 0, r_grievance = 0, r_choice = 0;
  double r_conditionality = 0, r_softening = 0, r_learning = 0, r_forgetting = 0, r_engagement = 0;
  double r_detente = 0, r_trust = 0;
  // E1, E2: signal and substance
  double courting_signal_pull = 0, compliance_signal_pull = 0, engagement_signal_pull = 0;
  double signal_noise_step = 0;  ///< signal_noise * sqrt(step_days / 7)
  double substance_signal_coupling = 0, substance_accession_coupling = 0;
  // E3: grievance
  double grievance_conditionality_gain = 0, grievance_veto_gain = 0, grievance_bystander_gain = 0;
  // E4: choice
  double court_bias = 0, comply_bias = 0, payoff_weight = 0, grievance_weight = 0, audience_weight = 0;
  double choice_noise = 0;
  // E5: the West
  double drift_half_softening = 0, war_urgency = 0, hardening_gain = 0, hardening_threshold = 0;
  double conditionality_floor = 0;
  // E6: learning
  double reward_gain_step = 0;  ///< reward_gain * 7 / step_days: the reward is per week of change
  // E7, E8: patrons
  double engagement_saturation = 0, detente_damping = 0, rival_lead = 0, trust_weighting = 0;
  // E9: beliefs; reveal_variance is indexed by CostClass
  double reading_noise_step = 0;  ///< reading_noise (sd of one reading; not rescaled with step_days)
  double reading_variance = 0, drift_variance_step = 0, drift_threshold = 0, hidden_intent = 0;
  std::array<double, 3> reveal_variance{};
  // E10-E12
  double trust_gain = 0, leader_cue = 0, opinion_position_coupling = 0;
};

/// One row of the state: a variable of a hedger or a patron, or of a (patron, hedger) pair.
struct Slot {
  Var var = Var::signal;
  int agent = 0;         ///< the hedger (hedger and dyad variables) or the patron (patron variables)
  int patron = -1;       ///< dyad variables: the patron of the pair (an agent index); -1 otherwise
  std::string variable;  ///< the name in outputs: the variable's, or "<name>@<patron id>" for a dyad
};

/// One effect of one scheduled event on one row of the state.
struct CompiledEffect {
  int row = 0;
  double delta = 0;      ///< type's delta times the event's magnitude
  int scale_row = -1;    ///< >= 0: multiply by this row (same agent or pair) when applied
  double retention = 1;  ///< < 1: transient pulse, the share of it left after each later step
  /// >= 0: an effect on this hedger target of an event that needs the veto players' consent; it does nothing
  /// in a replicate where some patron holds a veto on the hedger when the event applies.
  int consent_of = -1;
  bool held = false;  ///< a held variable moved by a lasting event: taken back when the event ends
};

/// What one scheduled event shows every patron of one hedger's lean (E0a, E9).
struct CompiledReveal {
  int hedger = 0;
  double delta = 0;  ///< the type's `reveals` times the event's magnitude
  int cost = 0;      ///< CostClass: index into Params::reveal_variance
};

struct CompiledEvent {
  int step = 0;  ///< the step (1-based) whose interval contains the date
  int type = 0;  ///< index into ModelSpec::event_types
  int actor = 0;
  Date date;
  std::vector<int> targets;
  double magnitude = 1;
  int first_effect = 0, effect_count = 0;  ///< range in CompiledModel::effects
  int first_reveal = 0, reveal_count = 0;  ///< range in CompiledModel::reveals
  /// A lasting event's end: the step at the start of which its held changes are taken back (its `until`
  /// date's step, or the step of the event that `ends` it); 0 if it lasts beyond the scenario.
  int release_step = 0;
  std::string id;
  std::string label;
  std::string source;  ///< attribution source name "event:<type>:<actor>:<date>"
};

struct CompiledModel {
  ModelSpec spec;  ///< kept for names in outputs; never read while stepping
  Scenario scenario;
  Params params;

  // Agents in compiled order: hedgers [0, n_hedgers), then patrons [n_hedgers, n_agents), each in file order.
  int n_agents = 0, n_hedgers = 0, n_patrons = 0;
  std::vector<std::string> agent_ids, agent_names, agent_seats;
  std::vector<Kind> agent_kinds;
  std::vector<std::string> agent_blocs;  ///< a patron's bloc id; "" for hedgers
  std::vector<bool> agent_veto_players;  ///< patrons whose consent accession steps need
  Eigen::ArrayXd pole;  ///< per patron (index p = agent - n_hedgers): its bloc's pole, +1 or -1
  int pole_of(int agent) const { return agent < n_hedgers ? 0 : static_cast<int>(pole(agent - n_hedgers)); }

  // The state layout: one row per slot, variable-major. A variable's rows are contiguous: hedger variables
  // n_hedgers rows, patron variables n_patrons rows, dyad variables n_patrons * n_hedgers rows, patron-major
  // (the hedgers of one patron are contiguous).
  int n_rows = 0;
  std::array<int, kVarCount> offset{};       ///< first row of each variable
  std::vector<Slot> slots;                   ///< per row
  std::vector<std::vector<int>> agent_rows;  ///< per agent, the rows written under it, in output order

  int row(Var v, int agent) const {  ///< hedger or patron variable of an agent (index in compiled order)
    return offset[var_index(v)] + (info(v).scope == Scope::patron ? agent - n_hedgers : agent);
  }
  int row(Var v, int patron, int hedger) const {  ///< dyad variable of (patron agent index, hedger)
    return offset[var_index(v)] + (patron - n_hedgers) * n_hedgers + hedger;
  }
  int rows_of(Var v) const {
    switch (info(v).scope) {
      case Scope::hedger:
        return n_hedgers;
      case Scope::patron:
        return n_patrons;
      case Scope::dyad:
        return n_patrons * n_hedgers;
    }
    return 0;
  }
  /// The row written as `variable` under agent `agent` (e.g. "engagement@RUS" under a hedger), or -1.
  int find_row(int agent, std::string_view variable) const;
  /// The names written under agent `agent`, in output order (for messages).
  std::vector<std::string> variables_of(int agent) const;
  /// "unknown agent 'X'<where>" with a suggestion and the model's agents, ids with their names: for a name
  /// given where an id is expected ('Russia' for RUS) it names the id; otherwise the nearest id or name.
  std::string unknown_agent(const std::string& id, const std::string& where = "") const;

  Eigen::MatrixXd
      W;  ///< n_hedgers x n_hedgers, row-stochastic (rows of hedgers with susceptibility 0 may be 0)
  /// Per row: the initial state, which is also each row's baseline. Rows the model and scenario leave
  /// unset (`derived`) are filled from the others by the engine (engine.hpp initial_state): a position
  /// starts at the signal, a belief at the hedger's signal, an uncertainty at the filter's steady state,
  /// conduct at the noise-free choice shares; so the baseline is an equilibrium whatever the parameters.
  Eigen::ArrayXd initial;
  std::vector<bool> derived;      ///< per row
  Eigen::ArrayXd susceptibility;  ///< per hedger

  /// `start_from`: the scenario whose run's end state (replicate r of it, under its own seed) is the starting
  /// state of replicate r here; its held variables (vetoes) are not carried over. Null if none.
  std::shared_ptr<const CompiledModel> prior;

  int steps = 0;                      ///< number of steps; the run records steps + 1 states (0 = initial)
  std::vector<CompiledEvent> events;  ///< sorted by step, then scenario order
  std::vector<CompiledEffect> effects;
  std::vector<CompiledReveal> reveals;
  int transient_effects = 0;  ///< upper bound on pulses alive at once

  Date date_of_step(int k) const { return Date{scenario.start.days + k * params.step_days}; }
};

/// Resolves names, checks the scenario against the model and applies parameter overrides.
/// Throws InputError with the position of the offending scenario entry.
CompiledModel compile(const ModelSpec& spec, const Scenario& scenario);

/// Sets parameters (indices into m.spec.parameters) to new values and recomputes the per-step rates, as
/// compile() would have with these values; what a design point of a sensitivity study changes. Values are
/// not range-checked here (experiment files are). `step_days` cannot change this way, since it moves the
/// time grid (event steps, the number of steps): throws std::invalid_argument if it would.
void set_parameter_values(CompiledModel& m, const std::vector<int>& parameters, const double* values);

/// Convenience: load_scenario + load_model (the scenario's model directory) + compile.
/// `model_dir`, when given, replaces the model directory the scenario names (as `hedgesim serve --model DIR`
/// does for every scenario it serves); messages then point at the directory's own files.
CompiledModel load_and_compile(const std::string& scenario_path, const std::string& model_dir = {});

}  // namespace hedgesim
