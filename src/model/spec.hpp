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

/// The kinds of agent: a hedger (a state between the blocs) or a patron (a power in one of the two blocs).
/// Which agent is which, and which bloc a patron is in, is data (model/agents.toml).
enum class Kind : std::uint8_t { hedger, patron };
inline constexpr std::array<std::string_view, 2> kKindNames = {"hedger", "patron"};

/// What a variable belongs to: one value per hedger, one per patron, or one per (patron, hedger) pair — a
/// patron's relation to a hedger, such as its engagement with it or its trust in its government.
enum class Scope : std::uint8_t { hedger, patron, dyad };

/// The state variables. Each has one scope (see kVarInfo). The equations that move them are in docs/ODD.md.
enum class Var : std::uint8_t {
  // hedger
  signal,          ///< visible alignment, -1 (the eastern pole) ... +1 (the western pole) (what others read)
  display,         ///< the fading part of visible gestures (events' transient pulses), -1 ... +1
  position,        ///< long-run position, what the signal returns to when gestures fade, -1 ... +1
  substance,       ///< trade, security cooperation, legal approximation (costly, sticky), -1 ... +1
  opinion,         ///< public opinion, -1 (for the eastern pole) ... +1 (for the western pole)
  grievance,       ///< grievance toward the western bloc, 0 ... 1
  accession,       ///< accession progress (what the state has at stake), 0 ... 1
  courting,        ///< visible courting of the eastern pole (share of the leader's conduct), 0 ... 1
  complying,       ///< visible compliance with the western bloc's demands (share of conduct), 0 ... 1
  payoff_court,    ///< what the leader has learned courting brings (experience-weighted), -1 ... 1
  payoff_comply,   ///< what the leader has learned complying brings, -1 ... 1
  conditionality,  ///< demands of the western bloc toward this state, 0 ... 1
  // patron
  detente,    ///< the patron's reset with the other bloc, 0 ... 1
  capacity,   ///< the patron's budget of engagement for the region, 0 ... 10
  attention,  ///< engagement the patron spends above baseline, summed over hedgers, 0 ... 10 (derived)
  war,        ///< 1 while the patron wages a war (held by a lasting event), 0 ... 1
  // dyad (patron, hedger)
  engagement,   ///< the patron's engagement with the hedger, 0 ... 1
  trust,        ///< the patron's trust in the hedger's government, 0 ... 1
  veto,         ///< 1 while the patron blocks the hedger's accession (held by a lasting event), 0 ... 1
  belief,       ///< the patron's estimate of the hedger's lean (Kalman mean), -1 ... 1
  uncertainty,  ///< the variance of that estimate (Kalman), 0 ... 1
};
inline constexpr int kVarCount = 21;

struct VarInfo {
  std::string_view name;
  Scope scope;
  double lo, hi;
  /// A held variable has no mechanism of its own: only events move it, and a lasting event's change is
  /// taken back when the event ends (a veto until it is lifted, a war until it ends).
  bool held;
  /// For reports; {rival}, {rival_seat} and {west_seats} stand for names the model data gives (report/poles).
  std::string_view meaning;
};
inline constexpr std::array<VarInfo, kVarCount> kVarInfo = {{
    {"signal", Scope::hedger, -1.0, 1.0, false, "visible alignment (-1 {rival_seat}, +1 {west_seats})"},
    {"display", Scope::hedger, -1.0, 1.0, false, "the fading part of visible gestures"},
    {"position", Scope::hedger, -1.0, 1.0, false, "long-run position (what the signal returns to)"},
    {"substance", Scope::hedger, -1.0, 1.0, false, "substantive ties (trade, security, legal approximation)"},
    {"opinion", Scope::hedger, -1.0, 1.0, false, "public opinion (-1 for {rival_seat}, +1 for {west_seats})"},
    {"grievance", Scope::hedger, 0.0, 1.0, false, "grievance toward the West"},
    {"accession", Scope::hedger, 0.0, 1.0, false, "accession progress, i.e. what is at stake"},
    {"courting", Scope::hedger, 0.0, 1.0, false, "visible courting of {rival_seat}"},
    {"complying", Scope::hedger, 0.0, 1.0, false, "visible compliance with the West's demands"},
    {"payoff_court", Scope::hedger, -1.0, 1.0, false,
     "what the leader has learned courting {rival_seat} brings"},
    {"payoff_comply", Scope::hedger, -1.0, 1.0, false, "what the leader has learned complying brings"},
    {"conditionality", Scope::hedger, 0.0, 1.0, false, "western demands toward the state"},
    {"detente", Scope::patron, 0.0, 1.0, false, "the patron's reset with the other bloc"},
    {"capacity", Scope::patron, 0.0, 10.0, false, "the patron's budget of engagement for the region"},
    {"attention", Scope::patron, 0.0, 10.0, false, "the patron's engagement spent above baseline"},
    {"war", Scope::patron, 0.0, 1.0, true, "the patron's war"},
    {"engagement", Scope::dyad, 0.0, 1.0, false, "the patron's engagement with the state"},
    {"trust", Scope::dyad, 0.0, 1.0, false, "the patron's trust in the state's government"},
    {"veto", Scope::dyad, 0.0, 1.0, true, "the patron's veto on the state's accession"},
    {"belief", Scope::dyad, -1.0, 1.0, false, "the patron's reading of the state's lean"},
    {"uncertainty", Scope::dyad, 0.0, 1.0, false, "how unsure the patron is of that reading"},
}};

inline constexpr int var_index(Var v) {
  return static_cast<int>(v);
}
inline constexpr const VarInfo& info(Var v) {
  return kVarInfo[static_cast<std::size_t>(v)];
}
/// The kind of agent a variable is written under in outputs: a dyad variable under its hedger, as
/// "<name>@<patron id>" (e.g. "engagement@RUS": the patron's engagement with this hedger).
inline constexpr Kind owner_kind(Scope s) {
  return s == Scope::patron ? Kind::patron : Kind::hedger;
}
std::optional<Var> var_from_name(std::string_view name);
std::optional<Kind> kind_from_name(std::string_view name);
std::vector<std::string> var_names();
std::vector<std::string> kind_names();

/// One of the two blocs at the ends of the alignment axis ([[bloc]] in agents.toml).
struct BlocSpec {
  std::string id;    ///< e.g. "west"; usable in event types' actor_kinds / target_kinds
  std::string name;  ///< for reports
  int pole = 1;      ///< +1 or -1: the end of the signal axis the bloc stands at
  SourcePos pos;
};

struct ParameterSpec {
  std::string name;
  double value = 0.0;
  double min = 0.0, max = 0.0;  ///< the allowed range (overrides and studies are checked against it)
  /// The documented plausible range, inside [min, max]: what the robustness and screening tests draw from
  /// (`plausible_min`, `plausible_max`; default min and max).
  double plausible_min = 0.0, plausible_max = 0.0;
  std::string unit;
  std::string description;
  SourcePos pos;  ///< where the value was set: [parameters.NAME] of the model, or a scenario's override
};

/// The initial (and baseline) value of a dyad variable for one (patron, hedger) pair, given in the hedger's
/// `initial` table as `<variable> = { <patron id> = value }`; pairs not given start at 0, except `belief`
/// (the hedger's initial signal: receivers start well informed) and `uncertainty` (the reading filter's
/// steady-state variance, ODD E9).
struct DyadInitial {
  Var var = Var::engagement;
  std::string patron;
  double value = 0.0;
  SourcePos pos;
};

struct AgentSpec {
  std::string id;    ///< short code used in scenarios, e.g. three letters
  std::string name;  ///< full name for reports
  std::string seat;  ///< seat of government for reports ("toward <seat>"); defaults to the name
  Kind kind = Kind::hedger;
  std::string bloc;  ///< patrons only: the id of their [[bloc]]
  bool veto_player =
      false;  ///< patrons only: its consent is needed for accession steps (a `veto` blocks them)
  std::array<double, kVarCount>
      initial{};  ///< initial (and baseline) value of its hedger or patron variables
  /// Which of `initial` the model file gives: a hedger's `position` not given starts at its `signal`.
  std::array<bool, kVarCount> given{};
  std::vector<DyadInitial> dyads;  ///< hedgers only: initial values of dyad variables
  double susceptibility = 0.0;  ///< Friedkin–Johnsen 1 - stubbornness: weight on neighbours vs own anchor
  SourcePos pos, bloc_pos;
};

struct InfluenceSpec {
  std::string from, to;  ///< `to`'s signal is influenced by `from`'s with this weight (row `to` of W)
  double weight = 0.0;
  SourcePos pos;
};

/// Who an effect moves: the actor, each target, or every hedger that is neither (the region looking on). For
/// a dyad variable the party is the hedger of the pair, and the patron is the event's other side: the actor
/// for a target or a bystander, each patron target for the actor.
enum class Party : std::uint8_t { actor, target, bystanders };

struct EffectSpec {
  Party party = Party::target;
  Var variable = Var::signal;
  double delta = 0.0;
  std::optional<Var> scale_by;  ///< multiply delta by this variable of the same party, read when applied
  double half_life_days = 0.0;  ///< 0: a lasting jump; > 0: a transient pulse that fades with this half-life
  SourcePos pos;
};

/// Who may act in, or be the target of, an event type: an entry of actor_kinds / target_kinds is "hedger",
/// "patron" (any patron), "veto_player" (a patron whose consent accession needs) or a bloc id (the patrons of
/// that bloc).
struct KindSelector {
  bool hedger = false;
  bool any_patron = false;
  bool veto_player = false;
  std::vector<std::string> blocs;
  bool may_be_patron() const { return any_patron || veto_player || !blocs.empty(); }
};

/// What showing a lean costs the hedger who shows it (Fearon 1997): nothing (cheap talk), a public
/// commitment it would pay for at home if it backed down (audience cost), or resources spent that cannot be
/// recovered (sunk cost). Receivers read a reveal through a variance that falls with the cost (ODD E9).
enum class CostClass : std::uint8_t { cheap, audience, sunk };
inline constexpr std::array<std::string_view, 3> kCostClassNames = {"cheap", "audience", "sunk"};
std::optional<CostClass> cost_class_from_name(std::string_view name);
std::vector<std::string> cost_class_names();

struct EventTypeSpec {
  std::string id;
  std::string description;
  KindSelector actors;
  KindSelector targets;
  /// Lasting: its changes to held variables (`veto`) hold until the event ends (a scenario's `until` date,
  /// or a later event's `ends`), then are taken back; its other effects apply once, as any event's.
  bool lasting = false;
  /// Needs every veto player's consent: on a target that some patron holds a `veto` on, its effects on the
  /// target do nothing (an accession step blocked by a veto).
  bool requires_consent = false;
  /// The lean the event shows of the hedger party (the hedger actor, else each hedger target), toward the
  /// +1 or -1 pole, before the scenario event's magnitude; absent: it shows nothing.
  std::optional<double> reveals;
  CostClass cost = CostClass::cheap;
  std::vector<EffectSpec> effects;
  SourcePos pos;
};

struct ModelSpec {
  std::string dir;                 ///< directory the model was loaded from
  std::vector<std::string> files;  ///< the files read, sorted, for hashing
  std::string name;
  std::vector<ParameterSpec> parameters;
  std::vector<BlocSpec> blocs;
  std::vector<AgentSpec> agents;
  std::vector<InfluenceSpec> influence;
  std::vector<EventTypeSpec> event_types;

  const ParameterSpec* find_parameter(std::string_view name) const;
  const AgentSpec* find_agent(std::string_view id) const;
  const BlocSpec* find_bloc(std::string_view id) const;
  const EventTypeSpec* find_event_type(std::string_view id) const;
};

struct ParameterOverride {
  std::string name;
  double value = 0.0;
  SourcePos pos;
};

struct ScenarioEvent {
  Date date;
  std::string id;  ///< optional: a name other events' `ends` can use
  std::string type;
  std::string actor;
  std::vector<std::string> targets;
  double magnitude = 1.0;
  std::string label;
  std::optional<Date> until;      ///< lasting event types only: the day it ends
  std::vector<std::string> ends;  ///< ids of lasting events this event ends (before its own effects)
  SourcePos pos, id_pos, type_pos, actor_pos, targets_pos, until_pos, ends_pos;
};

/// A scenario's `[initial.<agent>]`: starting values (and baselines) that replace the model's.
struct InitialOverride {
  std::string agent;
  Var var = Var::signal;
  std::string patron;  ///< dyad variables: the patron of the pair
  double value = 0.0;
  SourcePos pos, agent_pos;
};

/// A change to one event of a base scenario, by its `id`: a `[[patch]]` of a scenario that `extends` another,
/// or `compare --without ID` / `--move ID=DATE`. Either `remove`, or any of the optional fields.
struct EventPatch {
  std::string event;  ///< the id of the base scenario's event
  bool remove = false;
  std::optional<Date> date, until;
  std::optional<std::string> actor, label;
  std::optional<std::vector<std::string>> targets;
  std::optional<double> magnitude;
  SourcePos pos, event_pos, date_pos, until_pos, actor_pos, targets_pos;
};

struct Scenario {
  std::string file;
  /// `file`, then the scenarios it `extends`, nearest first: the files whose bytes the scenario's SHA-256
  /// covers.
  std::vector<std::string> files;
  std::string name;
  std::string title;
  std::string model_dir;  ///< resolved relative to the scenario file
  SourcePos model_pos;
  SourcePos end_pos;  ///< the [scenario] `end` key: where a window too long for memory is reported
  /// Optional: another scenario (resolved relative to this file) whose run's end state, replicate by
  /// replicate, is this scenario's starting state; "" if none.
  std::string start_from;
  SourcePos start_from_pos;
  Date start, end;
  std::uint64_t seed = 0;
  std::vector<ParameterOverride> overrides;
  std::vector<InitialOverride> initial;
  std::vector<ScenarioEvent> events;
};

}  // namespace hedgesim
