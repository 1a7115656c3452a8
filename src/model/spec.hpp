// The model and the scenario as data: what `model/*.toml` and `scenarios/*.toml` say, after parsing and
// validation, before compilation. Names are still strings here and every item keeps its source position so
// that later checks (compile time) can still report `file:line:col`. Nothing in here is used by the stepping
// loop; see compiled_model.hpp for the runtime form.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"
#include "model/input_error.hpp"

namespace hedgesim {

/// The kinds of agent the mechanisms distinguish. Which agent is of which kind is data (model/agents.toml).
enum class Kind : std::uint8_t { hedger, west, rival };
inline constexpr std::array<std::string_view, 3> kKindNames = {"hedger", "west", "rival"};

/// The state variables. Each kind carries a subset (see kVarInfo); the others stay at zero and are not
/// output.
enum class Var : std::uint8_t {
  signal,          ///< visible alignment, -1 Moscow ... +1 Brussels/Paris (cheap talk)
  substance,       ///< trade, security cooperation, legal approximation (costly, sticky), -1 ... +1
  grievance,       ///< grievance toward the West, 0 ... 1
  accession,       ///< accession progress (what the state has at stake), 0 ... 1
  belief,          ///< learned belief that courting Moscow pays, 0 ... 1
  courting,        ///< visible courting of Moscow (hedging intensity), 0 ... 1
  conditionality,  ///< demands of the western patrons toward this state, 0 ... 1
  engagement,      ///< the rival's engagement with this state, 0 ... 1
  detente,         ///< a western patron's reset with the rival, 0 ... 1
  attention,       ///< the rival's attention spent on hedgers above baseline, 0 ... (budget)
};
inline constexpr int kVarCount = 10;

struct VarInfo {
  std::string_view name;
  Kind kind;  ///< the kind of agent that carries this variable
  double lo, hi;
  /// For reports; {rival}, {rival_seat} and {west_seats} stand for names the model data gives (report/poles).
  std::string_view meaning;
};
inline constexpr std::array<VarInfo, kVarCount> kVarInfo = {{
    {"signal", Kind::hedger, -1.0, 1.0, "visible alignment (-1 {rival_seat}, +1 {west_seats})"},
    {"substance", Kind::hedger, -1.0, 1.0, "substantive ties (trade, security, legal approximation)"},
    {"grievance", Kind::hedger, 0.0, 1.0, "grievance toward the West"},
    {"accession", Kind::hedger, 0.0, 1.0, "accession progress, i.e. what is at stake"},
    {"belief", Kind::hedger, 0.0, 1.0, "learned belief that courting {rival_seat} pays"},
    {"courting", Kind::hedger, 0.0, 1.0, "visible courting of {rival_seat}"},
    {"conditionality", Kind::hedger, 0.0, 1.0, "western demands toward the state"},
    {"engagement", Kind::hedger, 0.0, 1.0, "{rival}'s engagement with the state"},
    {"detente", Kind::west, 0.0, 1.0, "the patron's reset with the rival"},
    {"attention", Kind::rival, 0.0, 10.0, "the rival's attention spent above baseline"},
}};

inline constexpr int var_index(Var v) {
  return static_cast<int>(v);
}
std::optional<Var> var_from_name(std::string_view name);
std::optional<Kind> kind_from_name(std::string_view name);
std::vector<std::string> var_names();
std::vector<std::string> var_names_of(Kind k);
std::vector<std::string> kind_names();

struct ParameterSpec {
  std::string name;
  double value = 0.0;
  double min = 0.0, max = 0.0;
  std::string unit;
  std::string description;
  SourcePos pos;  ///< where the value was set: [parameters.NAME] of the model, or a scenario's override
};

struct AgentSpec {
  std::string id;    ///< short code used in scenarios, e.g. three letters
  std::string name;  ///< full name for reports
  std::string seat;  ///< seat of government for reports ("toward <seat>"); defaults to the name
  Kind kind = Kind::hedger;
  std::array<double, kVarCount> initial{};  ///< initial (and baseline) value of each variable
  double susceptibility = 0.0;  ///< Friedkin–Johnsen 1 - stubbornness: weight on neighbours vs own anchor
  double rival_trust = 0.0;     ///< the rival's trust in this state's government
  SourcePos pos;
};

struct InfluenceSpec {
  std::string from, to;  ///< `to`'s signal is influenced by `from`'s with this weight (row `to` of W)
  double weight = 0.0;
  SourcePos pos;
};

/// Who an effect moves: the actor, each target, or every hedger that is neither (the region looking on).
enum class Party : std::uint8_t { actor, target, bystanders };

struct EffectSpec {
  Party party = Party::target;
  Var variable = Var::signal;
  double delta = 0.0;
  std::optional<Var> scale_by;  ///< multiply delta by this variable of the same party, read when applied
  double half_life_days = 0.0;  ///< 0: a lasting jump; > 0: a transient pulse that fades with this half-life
  SourcePos pos;
};

struct EventTypeSpec {
  std::string id;
  std::string description;
  std::vector<Kind> actor_kinds;
  std::vector<Kind> target_kinds;
  std::vector<EffectSpec> effects;
  SourcePos pos;
};

struct ModelSpec {
  std::string dir;                 ///< directory the model was loaded from
  std::vector<std::string> files;  ///< the files read, sorted, for hashing
  std::string name;
  std::vector<ParameterSpec> parameters;
  std::vector<AgentSpec> agents;
  std::vector<InfluenceSpec> influence;
  std::vector<EventTypeSpec> event_types;

  const ParameterSpec* find_parameter(std::string_view name) const;
  const AgentSpec* find_agent(std::string_view id) const;
  const EventTypeSpec* find_event_type(std::string_view id) const;
};

struct ParameterOverride {
  std::string name;
  double value = 0.0;
  SourcePos pos;
};

struct ScenarioEvent {
  Date date;
  std::string type;
  std::string actor;
  std::vector<std::string> targets;
  double magnitude = 1.0;
  std::string label;
  SourcePos pos, type_pos, actor_pos, targets_pos;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string title;
  std::string model_dir;  ///< resolved relative to the scenario file
  SourcePos model_pos;
  Date start, end;
  std::uint64_t seed = 0;
  std::vector<ParameterOverride> overrides;
  std::vector<ScenarioEvent> events;
};

}  // namespace hedgesim
