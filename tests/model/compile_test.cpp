// Tests of compile(): the compiled form of the shipped model (agent order, W, initial state, per-step rates),
// the mapping of dates to steps (step k covers [start + (k-1)·Δ, start + k·Δ)), the expansion of events into
// effects (bystanders, variables a party does not carry, transient pulses, magnitude), parameter overrides,
// and one test per error message of the cross-checks between a scenario and its model. Expected values come
// from the model files read independently with toml++, from the documented formulas, or from dates counted
// by hand; none is copied from a run of the code under test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "model/compiled_model.hpp"
#include "model/load.hpp"
#include "model_paths.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

namespace fs = std::filesystem;

using testing::at;
using testing::BadScenario;
const std::vector<std::string> kCompiledIds = {"ALB", "BIH", "KOS", "MNE", "MKD", "SRB", "EU", "FRA", "RUS"};

Date date(const char* text) {
  const auto d = parse_date(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date{});
}

int index_of(const CompiledModel& m, const std::string& id) {
  const auto it = std::find(m.agent_ids.begin(), m.agent_ids.end(), id);
  EXPECT_NE(it, m.agent_ids.end()) << id;
  return static_cast<int>(it - m.agent_ids.begin());
}

std::vector<CompiledEffect> effects_of(const CompiledModel& m, const CompiledEvent& e) {
  return {m.effects.begin() + e.first_effect, m.effects.begin() + e.first_effect + e.effect_count};
}

const CompiledEvent& event_of_type(const CompiledModel& m, const std::string& type) {
  const auto it = std::find_if(m.events.begin(), m.events.end(),
                               [&](const auto& e) { return m.spec.event_types[e.type].id == type; });
  EXPECT_NE(it, m.events.end()) << type;
  return it == m.events.end() ? m.events.at(0) : *it;
}

double rate(double step_days, double half_life) {
  return 1.0 - std::pow(2.0, -step_days / half_life);
}

/// The `value` of [parameters.NAME] in the shipped parameters.toml, read with toml++ (not the loader).
double raw_parameter(const char* name) {
  static const toml::table file = toml::parse_file(kModel + "/parameters.toml");
  const auto v = file["parameters"][name]["value"].value<double>();
  EXPECT_TRUE(v.has_value()) << name;
  return v.value_or(-1.0);
}

// ---- error messages of the cross-checks: the corpus -------------------------------------------------------

class CompileBadScenario : public ::testing::TestWithParam<BadScenario> {};

TEST_P(CompileBadScenario, LoadsButDoesNotCompile) {
  const BadScenario& b = GetParam();
  const std::string path = kBad + b.name + ".toml";
  ASSERT_TRUE(fs::is_regular_file(path)) << path;
  EXPECT_NO_THROW(load_scenario(path));  // the defect needs the model to be seen
  const InputError e = testing::input_error_of([&] { load_and_compile(path); });
  EXPECT_EQ(std::string(e.what()), at(path, b.line, b.col) + b.detail);
}

const std::string kAllAgents =
    "'ALB' (Albania), 'BIH' (Bosnia and Herzegovina), 'KOS' (Kosovo), 'MNE' (Montenegro), 'MKD' (North "
    "Macedonia), 'SRB' (Serbia), 'EU' (European Union), 'FRA' (France) or 'RUS' (Russia)";

// Corpus template (tests/data/bad/README.md): type on line 12 (col 8), actor 13 (col 9), targets 14 (col 11);
// with [parameters], the override key on line 11, column 1.
INSTANTIATE_TEST_SUITE_P(
    Corpus, CompileBadScenario,
    ::testing::Values(
        BadScenario{
            "unknown_event_type", 12, 8,
            "unknown event type 'acession_veto' (did you mean 'accession_veto'?); event types (" + kModel +
                "/events.toml): 'accession_veto', 'accession_step', 'state_visit', 'rival_summit', "
                "'arms_offer', 'joint_exercise', 'trade_agreement', 'courting_gesture', 'spy_scandal', "
                "'sanctions_threat', 'war_shock', 'envoy_appointed', 'development_investment', "
                "'security_cooperation', 'arms_purchase', 'sanctions_alignment', 'sanctions_refusal', "
                "'government_change_east', 'government_change_west', 'disinformation_campaign', "
                "'civil_society_programme' or 'reset_with_rival'"},
        BadScenario{
            "unknown_target", 14, 11,
            "unknown agent 'ALBA' (did you mean 'ALB', the id of Albania?); agents are given by id: " +
                kAllAgents},
        BadScenario{"unknown_actor", 13, 9,
                    "unknown agent 'fra' (did you mean 'FRA'?); agents are given by id: " + kAllAgents},
        BadScenario{"actor_wrong_kind", 13, 9,
                    "'RUS' is a patron of bloc 'east', but event type 'accession_veto' allows only "
                    "'veto_player' as actor: 'FRA'"},
        BadScenario{"target_wrong_kind", 14, 11,
                    "'RUS' is a patron of bloc 'east', but event type 'war_shock' allows only 'hedger' or "
                    "'west' as target: "
                    "'ALB', 'BIH', 'KOS', 'MNE', 'MKD', 'SRB', 'EU' or 'FRA'"},
        BadScenario{"duplicate_target", 14, 11, "'ALB' is listed twice in targets"},
        BadScenario{"unknown_parameter", 11, 1,
                    "unknown parameter 'engagement_signal_pul' (did you mean 'engagement_signal_pull'?); "
                    "parameters are defined in " +
                        kModel + "/parameters.toml"},
        BadScenario{
            "parameter_out_of_range", 11, 1,
            "parameter 'engagement_signal_pull' = 5 is out of range; allowed: 0 to 2 (how far a patron's "
            "engagement above baseline moves the visible signal toward its pole (E1d))"},
        BadScenario{"step_days_not_whole", 11, 1,
                    "'step_days' = 7.5 must be a whole number of days, at least 1"}),
    [](const ::testing::TestParamInfo<BadScenario>& info) { return std::string(info.param.name); });

TEST(CompileErrors, ControlFileCompiles) {
  const CompiledModel m = load_and_compile(kBad + "control.toml");
  EXPECT_EQ(m.events.size(), 1u);
}

TEST(CompileErrors, ActorAlsoATarget) {
  // No shipped event type lets the actor's kind be a target kind; widen one to make the case possible.
  ModelSpec spec = load_model(kModel);
  auto type = std::find_if(spec.event_types.begin(), spec.event_types.end(),
                           [](const auto& t) { return t.id == "courting_gesture"; });
  ASSERT_NE(type, spec.event_types.end());
  type->targets.hedger = true;
  Scenario sc = load_scenario(kBad + "control.toml");
  sc.events[0].type = "courting_gesture";
  sc.events[0].actor = "MKD";
  sc.events[0].targets = {"RUS", "MKD"};
  sc.events[0].targets_pos = {"x.toml", 14, 11};
  const InputError e = testing::input_error_of([&] { compile(spec, sc); });
  EXPECT_EQ(std::string(e.what()),
            "x.toml:14:11: 'MKD' is both the actor and a target; an agent cannot act on itself");
}

TEST(CompileErrors, OverrideRangeIsInclusive) {
  const ModelSpec spec = load_model(kModel);  // detente_damping: min 0, max 1
  Scenario sc = load_scenario(kBad + "control.toml");
  for (double ok : {0.0, 1.0}) {
    sc.overrides = {{"detente_damping", ok, {"x.toml", 11, 1}}};
    EXPECT_EQ(compile(spec, sc).params.detente_damping, ok);
  }
  sc.overrides = {{"detente_damping", 1.5, {"x.toml", 11, 1}}};
  EXPECT_EQ(std::string(testing::input_error_of([&] { compile(spec, sc); }).what()),
            "x.toml:11:1: parameter 'detente_damping' = 1.5 is out of range; allowed: 0 to 1 (share of a "
            "patron's capacity withheld during a full reset sought by the other bloc (E7))");
  sc.overrides = {{"detente_damping", -0.5, {"x.toml", 11, 1}}};
  EXPECT_EQ(testing::input_error_of([&] { compile(spec, sc); })
                .detail()
                .rfind("parameter 'detente_damping' = -0.5 is out of range", 0),
            0u);
}

TEST(CompileErrors, StepDaysOverrideBelowOne) {
  ModelSpec spec = load_model(kModel);
  for (auto& p : spec.parameters)
    if (p.name == "step_days") p.min = 0;  // a model that would let a scenario ask for zero-day steps
  Scenario sc = load_scenario(kBad + "control.toml");
  sc.overrides = {{"step_days", 0, {"x.toml", 11, 1}}};
  EXPECT_EQ(std::string(testing::input_error_of([&] { compile(spec, sc); }).what()),
            "x.toml:11:1: 'step_days' = 0 must be a whole number of days, at least 1");
}

// ---- the shipped model, compiled --------------------------------------------------------------------------

class ShippedModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spec_ = new ModelSpec(load_model(kModel));
    veto_ = new CompiledModel(load_and_compile(kSource + "/scenarios/veto-2019.toml"));
  }
  static void TearDownTestSuite() {
    delete spec_;
    delete veto_;
  }
  static ModelSpec* spec_;
  static CompiledModel* veto_;
};
ModelSpec* ShippedModel::spec_ = nullptr;
CompiledModel* ShippedModel::veto_ = nullptr;

TEST_F(ShippedModel, NineAgentsHedgersFirst) {
  const CompiledModel& m = *veto_;
  EXPECT_EQ(m.n_agents, 9);
  EXPECT_EQ(m.n_hedgers, 6);
  EXPECT_EQ(m.n_patrons, 3);
  EXPECT_EQ(m.agent_ids, kCompiledIds);
  EXPECT_EQ(m.agent_names.front(), "Albania");
  EXPECT_EQ(m.agent_names.back(), "Russia");
  for (int i = 0; i < m.n_agents; ++i)
    EXPECT_EQ(m.agent_kinds[i], i < m.n_hedgers ? Kind::hedger : Kind::patron) << m.agent_ids[i];
  EXPECT_EQ(m.agent_blocs, (std::vector<std::string>{"", "", "", "", "", "", "west", "west", "east"}));
  EXPECT_EQ(m.pole_of(index_of(m, "EU")), 1);
  EXPECT_EQ(m.pole_of(index_of(m, "RUS")), -1);
  EXPECT_EQ(m.pole_of(index_of(m, "SRB")), 0);
}

TEST_F(ShippedModel, StateLayoutIsVariableMajorWithContiguousDyadsPerPatron) {
  const CompiledModel& m = *veto_;
  // 12 hedger variables x 6 + 4 patron variables x 3 + 5 dyad variables x 3 x 6.
  EXPECT_EQ(m.n_rows, 12 * 6 + 4 * 3 + 5 * 18);
  for (int r = 0; r < m.n_rows; ++r) {
    const Slot& s = m.slots[r];
    if (s.patron >= 0)
      EXPECT_EQ(m.row(s.var, s.patron, s.agent), r);
    else
      EXPECT_EQ(m.row(s.var, s.agent), r);
  }
  const int srb = index_of(m, "SRB"), rus = index_of(m, "RUS");
  EXPECT_EQ(m.row(Var::engagement, rus, srb) + 1 - m.row(Var::engagement, rus, index_of(m, "MKD")), 2);
  EXPECT_EQ(m.slots[m.row(Var::trust, rus, srb)].variable, "trust@RUS");
  EXPECT_EQ(m.find_row(srb, "engagement@RUS"), m.row(Var::engagement, rus, srb));
  EXPECT_EQ(m.find_row(srb, "detente"), -1);  // a patron variable, not a hedger's
  EXPECT_EQ(m.find_row(rus, "capacity"), m.row(Var::capacity, rus));
  // A hedger writes its own variables, then each dyad variable for every patron in compiled order.
  EXPECT_EQ(m.variables_of(srb),
            (std::vector<std::string>{"signal",         "display",         "position",       "substance",
                                      "opinion",        "grievance",       "accession",      "courting",
                                      "complying",      "payoff_court",    "payoff_comply",  "conditionality",
                                      "engagement@EU",  "engagement@FRA",  "engagement@RUS", "trust@EU",
                                      "trust@FRA",      "trust@RUS",       "veto@EU",        "veto@FRA",
                                      "veto@RUS",       "belief@EU",       "belief@FRA",     "belief@RUS",
                                      "uncertainty@EU", "uncertainty@FRA", "uncertainty@RUS"}));
  EXPECT_EQ(m.variables_of(rus), (std::vector<std::string>{"detente", "capacity", "attention", "war"}));
}

TEST_F(ShippedModel, HedgersFirstWhateverTheFileOrder) {
  ModelSpec spec = *spec_;
  std::reverse(spec.agents.begin(), spec.agents.end());  // RUS, FRA, EU, SRB, ..., ALB
  const CompiledModel m = compile(spec, load_scenario(kBad + "control.toml"));
  EXPECT_EQ(m.agent_ids,
            (std::vector<std::string>{"SRB", "MKD", "MNE", "KOS", "BIH", "ALB", "RUS", "FRA", "EU"}));
  // Arrays follow the compiled order: entry (a, b) is the same as in the model compiled from the file order.
  const CompiledModel& ref = *veto_;
  for (const std::string& a : kCompiledIds) {
    const int i = index_of(m, a), ri = index_of(ref, a);
    EXPECT_EQ(m.variables_of(i).size(), ref.variables_of(ri).size()) << a;
    for (const std::string& v : ref.variables_of(ri))
      EXPECT_EQ(m.initial(m.find_row(i, v)), ref.initial(ref.find_row(ri, v))) << a << " " << v;
    if (i >= m.n_hedgers) continue;
    EXPECT_EQ(m.susceptibility(i), ref.susceptibility(ri)) << a;
    for (int j = 0; j < m.n_hedgers; ++j)
      EXPECT_EQ(m.W(i, j), ref.W(ri, index_of(ref, m.agent_ids[j]))) << a;
  }
  const int alb = index_of(m, "ALB");
  EXPECT_NE(m.W.row(index_of(m, "SRB")), ref.W.row(index_of(ref, "SRB")));  // rows did move
  // The veto's targets are resolved in this order too.
  ASSERT_EQ(m.events.size(), 1u);
  EXPECT_EQ(m.events[0].actor, index_of(m, "FRA"));
  EXPECT_EQ(m.events[0].targets, (std::vector<int>{alb, index_of(m, "MKD")}));
}

TEST_F(ShippedModel, InfluenceMatrixMatchesInfluenceToml) {
  const CompiledModel& m = *veto_;
  ASSERT_EQ(m.W.rows(), 6);
  ASSERT_EQ(m.W.cols(), 6);
  Eigen::MatrixXd expected = Eigen::MatrixXd::Zero(6, 6);
  const toml::table file = toml::parse_file(kModel + "/influence.toml");
  int entries = 0;
  for (auto&& [to, row] : *file["influence"].as_table())
    for (auto&& [from, w] : *row.as_table()) {
      expected(index_of(m, std::string(to.str())), index_of(m, std::string(from.str()))) = *w.value<double>();
      ++entries;
    }
  EXPECT_EQ(entries, 28);
  EXPECT_TRUE(m.W.isApprox(expected, 0.0)) << m.W;
  for (int i = 0; i < 6; ++i) {
    EXPECT_NEAR(m.W.row(i).sum(), 1.0, 1e-12) << m.agent_ids[i];
    EXPECT_EQ(m.W(i, i), 0.0) << m.agent_ids[i];
  }
  EXPECT_GT(m.W(index_of(m, "ALB"), index_of(m, "KOS")), 0.0);  // row ALB, column KOS: whom ALB listens to
}

TEST_F(ShippedModel, InitialStateMatchesAgentsToml) {
  const CompiledModel& m = *veto_;
  ASSERT_EQ(m.initial.size(), m.n_rows);
  const toml::table file = toml::parse_file(kModel + "/agents.toml");
  int given = 0;
  for (const toml::node& node : *file["agent"].as_array()) {
    const toml::table& agent = *node.as_table();
    const std::string id = *agent["id"].value<std::string>();
    const int i = index_of(m, id);
    for (const int row : m.agent_rows[i]) {
      const Slot& s = m.slots[row];
      const auto name = std::string(info(s.var).name);
      const auto value = s.patron < 0 ? agent["initial"][name].value<double>()
                                      : agent["initial"][name][m.agent_ids[s.patron]].value<double>();
      EXPECT_EQ(m.initial(row), value.value_or(0.0)) << id << "." << s.variable;
      given += value.has_value();
    }
    if (i < m.n_hedgers) {
      EXPECT_EQ(m.susceptibility(i), *agent["susceptibility"].value<double>()) << id;
    }
  }
  EXPECT_GE(given, 6 * 7 + 2);  // the look-ups above did find the values, dyads included
}

TEST_F(ShippedModel, ParametersFromParametersToml) {
  const Params& p = veto_->params;
  EXPECT_EQ(p.step_days, raw_parameter("step_days"));
  const double step = p.step_days;
  EXPECT_DOUBLE_EQ(p.r_signal, rate(step, raw_parameter("signal_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_substance, rate(step, raw_parameter("substance_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_grievance, rate(step, raw_parameter("grievance_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_position, rate(step, raw_parameter("position_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_opinion, rate(step, raw_parameter("opinion_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_choice, rate(step, raw_parameter("choice_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_conditionality, rate(step, raw_parameter("conditionality_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_softening, rate(step, raw_parameter("softening_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_learning, rate(step, raw_parameter("learning_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_forgetting, rate(step, raw_parameter("forgetting_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_engagement, rate(step, raw_parameter("engagement_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_detente, rate(step, raw_parameter("detente_half_life_days")));
  EXPECT_DOUBLE_EQ(p.r_trust, rate(step, raw_parameter("trust_half_life_days")));
  EXPECT_DOUBLE_EQ(p.signal_noise_step, raw_parameter("signal_noise") * std::sqrt(step / 7.0));
  EXPECT_DOUBLE_EQ(p.reward_gain_step, raw_parameter("reward_gain") * 7.0 / step);
  EXPECT_DOUBLE_EQ(p.drift_variance_step, raw_parameter("drift_variance") * step / 7.0);
  const std::pair<double, const char*> plain[] = {
      {p.courting_signal_pull, "courting_signal_pull"},
      {p.compliance_signal_pull, "compliance_signal_pull"},
      {p.engagement_signal_pull, "engagement_signal_pull"},
      {p.substance_signal_coupling, "substance_signal_coupling"},
      {p.substance_accession_coupling, "substance_accession_coupling"},
      {p.grievance_conditionality_gain, "grievance_conditionality_gain"},
      {p.grievance_veto_gain, "grievance_veto_gain"},
      {p.grievance_bystander_gain, "grievance_bystander_gain"},
      {p.court_bias, "court_bias"},
      {p.comply_bias, "comply_bias"},
      {p.payoff_weight, "payoff_weight"},
      {p.grievance_weight, "grievance_weight"},
      {p.audience_weight, "audience_weight"},
      {p.choice_noise, "choice_noise"},
      {p.drift_half_softening, "softening_drift_half"},
      {p.war_urgency, "war_urgency"},
      {p.hardening_gain, "hardening_gain"},
      {p.hardening_threshold, "hardening_threshold"},
      {p.conditionality_floor, "conditionality_floor"},
      {p.engagement_saturation, "engagement_saturation"},
      {p.detente_damping, "detente_damping"},
      {p.rival_lead, "rival_lead"},
      {p.trust_weighting, "trust_weighting"},
      {p.reading_noise_step, "reading_noise"},
      {p.reading_variance, "reading_variance"},
      {p.drift_threshold, "drift_threshold"},
      {p.hidden_intent, "hidden_intent"},
      {p.reveal_variance[0], "cheap_talk_variance"},
      {p.reveal_variance[1], "audience_cost_variance"},
      {p.reveal_variance[2], "sunk_cost_variance"},
      {p.trust_gain, "trust_gain"},
      {p.leader_cue, "leader_cue"},
      {p.opinion_position_coupling, "opinion_position_coupling"},
  };
  for (const auto& [value, name] : plain)
    EXPECT_EQ(value, raw_parameter(name)) << name;
  // Every parameter of the file is read by some field above or by a rate.
  EXPECT_EQ(veto_->spec.parameters.size(), std::size(plain) + 17u);
}

TEST(Rates, HalfLifeFormula) {
  // rate(T) = 1 - 2^(-step/T): a half-life of one step moves half the way, of two steps 1 - 1/sqrt(2).
  ModelSpec spec = load_model(kModel);
  for (auto& p : spec.parameters)
    if (p.name == "engagement_half_life_days") p.value = 14;
  Scenario sc = load_scenario(kBad + "control.toml");
  sc.overrides = {{"step_days", 14, {}}};
  EXPECT_DOUBLE_EQ(compile(spec, sc).params.r_engagement, 0.5);
  sc.overrides = {{"step_days", 7, {}}};
  EXPECT_DOUBLE_EQ(compile(spec, sc).params.r_engagement, 1.0 - std::sqrt(0.5));
}

// ---- shipped scenarios ------------------------------------------------------------------------------------

TEST(ShippedScenarios, EachCompilesWithEventsSortedAndInTheirSteps) {
  const std::map<std::string, std::size_t> documented = {
      {"veto-2019", 14},
      {"no-veto-2019", 13},
      {"france-strategy-2019-2025", 47},
      {"wb12-bulgarian-veto-2020-2022", 8}};  // docs/scenario-format.md
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kSource + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    const std::string path = entry.path().string();
    SCOPED_TRACE(path);
    CompiledModel m;
    ASSERT_NO_THROW(m = load_and_compile(path));
    std::size_t tables = 0;  // over a patch and its bases: their events less those a patch removes
    for (const std::string& file : m.scenario.files) {
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);)
        tables += line.rfind("[[event]]", 0) == 0;
    }
    for (const std::string& file : m.scenario.files) {
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);)
        tables -= line.rfind("remove = true", 0) == 0;
    }
    EXPECT_EQ(m.events.size(), tables);
    const std::string stem = entry.path().stem().string();
    if (documented.count(stem)) {
      EXPECT_EQ(m.events.size(), documented.at(stem));
    }

    const Date start = m.scenario.start, end = m.scenario.end;
    EXPECT_EQ(m.steps, (end.days - start.days) / 7 + 1);
    EXPECT_LE(m.date_of_step(m.steps - 1), end);  // the last step contains `end`
    EXPECT_GT(m.date_of_step(m.steps), end);
    for (std::size_t i = 0; i < m.events.size(); ++i) {
      const CompiledEvent& e = m.events[i];
      if (i > 0) {
        EXPECT_LE(m.events[i - 1].step, e.step);
      }
      EXPECT_GE(e.step, 1);
      EXPECT_LE(e.step, m.steps);
      EXPECT_LE(m.date_of_step(e.step - 1), e.date) << e.label;  // [start + (k-1)·7, start + k·7)
      EXPECT_LT(e.date, m.date_of_step(e.step)) << e.label;
      EXPECT_EQ(e.source, "event:" + m.spec.event_types[e.type].id + ":" + m.agent_ids[e.actor] + ":" +
                              format_date(e.date));
    }
  }
  EXPECT_GE(files, 3);
}

TEST_F(ShippedModel, Veto2019DatesAndSteps) {
  const CompiledModel& m = *veto_;
  EXPECT_EQ(m.scenario.name, "veto-2019");
  EXPECT_EQ(m.steps, 48);  // 334 days: floor(334 / 7) + 1
  EXPECT_EQ(m.date_of_step(0), date("2019-08-01"));
  EXPECT_EQ(m.date_of_step(48), date("2020-07-02"));
  const CompiledEvent& veto = event_of_type(m, "accession_veto");
  EXPECT_EQ(veto.date, date("2019-10-18"));
  EXPECT_EQ(veto.step, 12);  // day 78: step 12 covers 2019-10-17 .. 2019-10-23
  EXPECT_EQ(m.date_of_step(11), date("2019-10-17"));
  EXPECT_EQ(m.spec.event_types[veto.type].id, "accession_veto");
  EXPECT_EQ(veto.actor, 7);                           // FRA
  EXPECT_EQ(veto.targets, (std::vector<int>{0, 4}));  // ALB, MKD
  EXPECT_EQ(veto.source, "event:accession_veto:FRA:2019-10-18");
  EXPECT_EQ(veto.magnitude, 1.0);
  EXPECT_EQ(event_of_type(m, "accession_step").step, 34);  // 2020-03-25, day 237
  EXPECT_EQ(m.events.front().step, 3);                     // 2019-08-19, day 18
}

TEST_F(ShippedModel, EventsOfOneStepKeepFileOrder) {
  const CompiledModel& m = *veto_;
  // 2019-10-24 (day 84) opens step 13, which also holds both events of 2019-10-25: file order is kept.
  std::vector<std::string> step13;
  for (const auto& e : m.events)
    if (e.step == 13) step13.push_back(m.spec.event_types[e.type].id);
  EXPECT_EQ(step13, (std::vector<std::string>{"joint_exercise", "arms_offer", "trade_agreement"}));
}

TEST(DatesToSteps, BoundariesAndSortingWithStepDays7And14) {
  // Events written out of date order; start 2019-08-01, end 2019-09-30 (day 60).
  testing::TempDir tmp;
  const std::string path =
      tmp.write("s.toml", "[scenario]\nname = \"steps\"\ntitle = \"t\"\nmodel = \"" + kModel +
                              "\"\nstart = 2019-08-01\nend = 2019-09-30\nseed = 1\n"
                              "[[event]]\ndate = 2019-08-15\ntype = \"state_visit\"\nactor = "
                              "\"FRA\"\ntargets = [\"ALB\"]\nlabel = "
                              "\"day14\"\n"
                              "[[event]]\ndate = 2019-08-01\ntype = \"state_visit\"\nactor = "
                              "\"FRA\"\ntargets = [\"ALB\"]\nlabel = "
                              "\"day0\"\n"
                              "[[event]]\ndate = 2019-08-08\ntype = \"state_visit\"\nactor = "
                              "\"FRA\"\ntargets = [\"ALB\"]\nlabel = "
                              "\"day7\"\n"
                              "[[event]]\ndate = 2019-08-07\ntype = \"state_visit\"\nactor = "
                              "\"FRA\"\ntargets = [\"ALB\"]\nlabel = "
                              "\"day6\"\n"
                              "[[event]]\ndate = 2019-09-30\ntype = \"state_visit\"\nactor = "
                              "\"FRA\"\ntargets = [\"ALB\"]\nlabel = "
                              "\"day60\"\n");
  const ModelSpec spec = load_model(kModel);
  Scenario sc = load_scenario(path);
  auto labels_and_steps = [](const CompiledModel& m) {
    std::vector<std::pair<std::string, int>> out;
    for (const auto& e : m.events)
      out.emplace_back(e.label, e.step);
    return out;
  };
  using LS = std::vector<std::pair<std::string, int>>;

  const CompiledModel weekly = compile(spec, sc);
  EXPECT_EQ(weekly.steps, 9);  // floor(60 / 7) + 1
  // Day 7 is the first day of step 2, day 6 the last of step 1, day 14 the first of step 3.
  EXPECT_EQ(labels_and_steps(weekly),
            (LS{{"day0", 1}, {"day6", 1}, {"day7", 2}, {"day14", 3}, {"day60", 9}}));

  sc.overrides = {{"step_days", 14, {path, 1, 1}}};
  const CompiledModel fortnightly = compile(spec, sc);
  EXPECT_EQ(fortnightly.steps, 5);  // floor(60 / 14) + 1
  // Days 0, 7 and 6 now share step 1 and keep their file order; day 14 opens step 2.
  EXPECT_EQ(labels_and_steps(fortnightly),
            (LS{{"day0", 1}, {"day7", 1}, {"day6", 1}, {"day14", 2}, {"day60", 5}}));
  EXPECT_EQ(fortnightly.date_of_step(2), date("2019-08-29"));
}

TEST(DatesToSteps, ManyEventsOfOneStepKeepFileOrder) {
  // 40 events alternating between step 2 (even i, day 7) and step 1 (odd i, day 0): enough for an unstable
  // sort to reorder ties.
  std::string text = "[scenario]\nname = \"many\"\ntitle = \"t\"\nmodel = \"" + kModel +
                     "\"\nstart = 2019-08-01\nend = 2019-09-30\nseed = 1\n";
  std::vector<std::string> expected_step1, expected_step2;
  for (int i = 0; i < 40; ++i) {
    const std::string label = "e" + std::to_string(i);
    text += std::string("[[event]]\ndate = ") + (i % 2 == 0 ? "2019-08-08" : "2019-08-01") +
            "\ntype = \"state_visit\"\nactor = \"FRA\"\ntargets = [\"ALB\"]\nlabel = \"" + label + "\"\n";
    (i % 2 == 0 ? expected_step2 : expected_step1).push_back(label);
  }
  testing::TempDir tmp;
  const std::string path = tmp.write("s.toml", text);
  const CompiledModel m = load_and_compile(path);
  std::vector<std::string> step1, step2;
  for (const auto& e : m.events)
    (e.step == 1 ? step1 : step2).push_back(e.label);
  EXPECT_EQ(step1, expected_step1);
  EXPECT_EQ(step2, expected_step2);
  ASSERT_EQ(m.events.size(), 40u);
  EXPECT_EQ(m.events[19].step, 1);
  EXPECT_EQ(m.events[20].step, 2);
}

// ---- parameter overrides ----------------------------------------------------------------------------------

TEST_F(ShippedModel, StepDays14HalvesTheStepsAndRecomputesRates) {
  Scenario sc = veto_->scenario;
  const SourcePos where{"override.toml", 3, 1};
  sc.overrides = {{"step_days", 14, where}};
  const CompiledModel m = compile(*spec_, sc);
  EXPECT_EQ(m.params.step_days, 14);
  EXPECT_EQ(m.steps, 24);                                 // floor(334 / 14) + 1, against 48 weekly steps
  EXPECT_EQ(event_of_type(m, "accession_veto").step, 6);  // day 78: [70, 84)
  EXPECT_EQ(m.date_of_step(24), date("2020-07-02"));

  for (const auto& [name, r7, r14] : std::vector<std::tuple<std::string, double, double>>{
           {"signal_half_life_days", veto_->params.r_signal, m.params.r_signal},
           {"substance_half_life_days", veto_->params.r_substance, m.params.r_substance},
           {"grievance_half_life_days", veto_->params.r_grievance, m.params.r_grievance},
           {"choice_half_life_days", veto_->params.r_choice, m.params.r_choice},
           {"conditionality_half_life_days", veto_->params.r_conditionality, m.params.r_conditionality},
           {"softening_half_life_days", veto_->params.r_softening, m.params.r_softening},
           {"learning_half_life_days", veto_->params.r_learning, m.params.r_learning},
           {"engagement_half_life_days", veto_->params.r_engagement, m.params.r_engagement},
           {"detente_half_life_days", veto_->params.r_detente, m.params.r_detente}}) {
    const double t = spec_->find_parameter(name)->value;
    EXPECT_DOUBLE_EQ(r14, rate(14, t)) << name;
    EXPECT_DOUBLE_EQ(1.0 - r14, (1.0 - r7) * (1.0 - r7)) << name;  // two weeks of retention
  }
  EXPECT_DOUBLE_EQ(m.params.signal_noise_step, veto_->params.signal_noise_step * std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(m.params.reward_gain_step, veto_->params.reward_gain_step / 2);  // the reward is per week

  // The compiled spec carries the value in effect and where it was set; the model itself is unchanged.
  const auto overridden = std::find_if(m.spec.parameters.begin(), m.spec.parameters.end(),
                                       [](const auto& p) { return p.name == "step_days"; });
  ASSERT_NE(overridden, m.spec.parameters.end());
  EXPECT_EQ(overridden->value, 14.0);
  EXPECT_EQ(overridden->pos.file, "override.toml");
  EXPECT_EQ(spec_->find_parameter("step_days")->value, 7.0);
}

TEST_F(ShippedModel, OverrideChangesOnlyItsParameter) {
  Scenario sc = veto_->scenario;
  sc.overrides = {{"engagement_saturation", 0.9, {}}, {"detente_damping", 0.5, {}}};
  const CompiledModel m = compile(*spec_, sc);
  EXPECT_EQ(m.params.engagement_saturation, 0.9);
  EXPECT_EQ(m.params.detente_damping, 0.5);
  EXPECT_EQ(m.params.court_bias, veto_->params.court_bias);
  EXPECT_EQ(m.params.r_signal, veto_->params.r_signal);
  EXPECT_EQ(m.steps, veto_->steps);
}

// ---- events to effects ------------------------------------------------------------------------------------

TEST_F(ShippedModel, BystandersAreEveryOtherHedger) {
  const CompiledModel& m = *veto_;
  const CompiledEvent& veto = event_of_type(m, "accession_veto");  // FRA -> ALB, MKD
  // The type: the held veto on the target (a pair with the actor), target grievance (scaled by accession),
  // target conditionality, bystander grievance (scaled).
  const std::vector<EffectSpec>& type = m.spec.event_types[veto.type].effects;
  ASSERT_EQ(type.size(), 4u);
  ASSERT_EQ(type[3].party, Party::bystanders);
  const std::vector<CompiledEffect> fx = effects_of(m, veto);
  ASSERT_EQ(fx.size(), 3u * 2 + 4);  // three effects on each of 2 targets, one on each of 4 bystanders
  // Effects in the type's order, each for its parties in order: targets as listed, bystanders in agent order.
  const std::vector<std::pair<std::string, int>> expected = {{"ALB", 0}, {"MKD", 0}, {"ALB", 1}, {"MKD", 1},
                                                             {"ALB", 2}, {"MKD", 2}, {"BIH", 3}, {"KOS", 3},
                                                             {"MNE", 3}, {"SRB", 3}};
  const int fra = index_of(m, "FRA");
  for (std::size_t i = 0; i < fx.size(); ++i) {
    const EffectSpec& e = type[expected[i].second];
    const int agent = m.slots[fx[i].row].agent;
    EXPECT_EQ(m.agent_ids[agent], expected[i].first) << i;
    EXPECT_EQ(fx[i].row, e.variable == Var::veto ? m.row(Var::veto, fra, agent) : m.row(e.variable, agent))
        << i;
    EXPECT_EQ(fx[i].delta, e.delta) << i;  // magnitude 1
    EXPECT_EQ(fx[i].scale_row, e.scale_by ? m.row(*e.scale_by, agent) : -1) << i;
    EXPECT_EQ(fx[i].retention, 1.0) << i;
    EXPECT_EQ(fx[i].held, e.variable == Var::veto) << i;  // the veto is held while the event lasts
    EXPECT_EQ(fx[i].consent_of, -1) << i;
  }
  EXPECT_EQ(fx[6].scale_row, m.row(Var::accession, index_of(m, "BIH")));
  EXPECT_EQ(fx[4].scale_row, -1);
  EXPECT_EQ(veto.id, "fra-veto-2019");
  EXPECT_EQ(veto.release_step, event_of_type(m, "accession_step").step);  // lifted by the opening of talks
}

TEST_F(ShippedModel, BystandersExcludeAHedgerActor) {
  ModelSpec spec = *spec_;
  for (auto& t : spec.event_types)
    if (t.id == "courting_gesture") t.effects.push_back({Party::bystanders, Var::signal, -0.01, {}, 0.0, {}});
  Scenario sc = load_scenario(kBad + "control.toml");
  sc.events[0].type = "courting_gesture";
  sc.events[0].actor = "MKD";
  sc.events[0].targets = {"RUS"};
  const CompiledModel m = compile(spec, sc);
  std::vector<std::string> moved;
  for (const auto& c : effects_of(m, m.events[0]))
    if (c.delta == -0.01) moved.push_back(m.agent_ids[m.slots[c.row].agent]);
  EXPECT_EQ(moved, (std::vector<std::string>{"ALB", "BIH", "KOS", "MNE", "SRB"}));
}

TEST(Effects, VariablesAPartyDoesNotCarryAreSkipped) {
  const CompiledModel m = load_and_compile(kSource + "/scenarios/france-strategy-2019-2025.toml");
  const CompiledEvent& war = event_of_type(m, "war_shock");  // RUS -> six hedgers, EU, FRA
  ASSERT_EQ(war.targets.size(), 8u);
  std::map<int, std::vector<std::string>> moved;  // variable -> agents
  for (const auto& c : effects_of(m, war))
    moved[var_index(m.slots[c.row].var)].push_back(m.agent_ids[m.slots[c.row].agent]);
  const std::vector<std::string> hedgers = {"ALB", "BIH", "KOS", "MNE", "MKD", "SRB"};
  EXPECT_EQ(moved[var_index(Var::war)], (std::vector<std::string>{"RUS"}));
  EXPECT_EQ(moved[var_index(Var::capacity)], (std::vector<std::string>{"RUS"}));
  EXPECT_EQ(moved[var_index(Var::detente)], (std::vector<std::string>{"EU", "FRA"}));
  EXPECT_EQ(moved[var_index(Var::conditionality)], hedgers);
  EXPECT_EQ(moved[var_index(Var::opinion)], hedgers);
  EXPECT_EQ(moved.size(), 5u);
  EXPECT_EQ(war.effect_count, 1 + 1 + 2 + 6 + 6);
}

TEST_F(ShippedModel, TransientPulsesRetain2ToTheMinusStepOverHalfLife) {
  const EventTypeSpec* visit =
      spec_->find_event_type("state_visit");  // a signal pulse, a lasting grievance step
  ASSERT_NE(visit, nullptr);
  ASSERT_EQ(visit->effects.size(), 2u);
  const double half_life = visit->effects[0].half_life_days;
  ASSERT_GT(half_life, 0.0);
  ASSERT_EQ(visit->effects[1].half_life_days, 0.0);
  Scenario sc = load_scenario(kBad + "control.toml");
  sc.events[0].type = "state_visit";
  sc.events[0].targets = {"ALB"};
  for (int step : {7, 14}) {
    sc.overrides = {{"step_days", static_cast<double>(step), {}}};
    const CompiledModel m = compile(*spec_, sc);
    const std::vector<CompiledEffect> fx = effects_of(m, m.events[0]);
    ASSERT_EQ(fx.size(), 2u);
    EXPECT_DOUBLE_EQ(fx[0].retention, std::pow(2.0, -step / half_life)) << step;
    EXPECT_EQ(fx[0].delta, visit->effects[0].delta);  // the pulse's size does not depend on the step
    EXPECT_EQ(fx[1].retention, 1.0);
    EXPECT_EQ(m.transient_effects, 1);
  }
}

TEST_F(ShippedModel, TransientEffectsCountsEveryPulse) {
  const CompiledModel& m = *veto_;
  const auto pulses =
      std::count_if(m.effects.begin(), m.effects.end(), [](const auto& c) { return c.retention < 1; });
  EXPECT_EQ(m.transient_effects, pulses);
  EXPECT_GT(pulses, 0);
  int total = 0;
  for (const auto& e : m.events) {
    EXPECT_EQ(e.first_effect, total);  // contiguous, in event order
    total += e.effect_count;
  }
  EXPECT_EQ(total, static_cast<int>(m.effects.size()));
}

TEST_F(ShippedModel, MagnitudeScalesEveryDelta) {
  Scenario sc = load_scenario(kBad + "control.toml");  // the veto, FRA -> ALB, MKD
  const CompiledModel once = compile(*spec_, sc);
  sc.events[0].magnitude = 2.5;
  const CompiledModel more = compile(*spec_, sc);
  sc.events[0].magnitude = 0.0;
  const CompiledModel none = compile(*spec_, sc);
  const std::vector<CompiledEffect> one = effects_of(once, once.events[0]),
                                    a = effects_of(more, more.events[0]),
                                    z = effects_of(none, none.events[0]);
  ASSERT_EQ(one.size(), 10u);
  ASSERT_EQ(a.size(), 10u);
  ASSERT_EQ(z.size(), 10u);  // a zero magnitude keeps the event and its effects, moving nothing
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_NE(one[i].delta, 0.0) << i;
    EXPECT_DOUBLE_EQ(a[i].delta, 2.5 * one[i].delta) << i;
    EXPECT_EQ(a[i].scale_row, one[i].scale_row) << i;  // magnitude scales the delta only
    EXPECT_EQ(a[i].retention, one[i].retention) << i;
    EXPECT_EQ(z[i].delta, 0.0) << i;
  }
  EXPECT_EQ(more.events[0].magnitude, 2.5);
}

}  // namespace
}  // namespace hedgesim
