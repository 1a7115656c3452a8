// No inert mechanism: a Morris screening (Morris 1991; μ* of Campolongo et al. 2007) over every parameter's
// plausible range, on the 2019-2025 scenario (which holds the 2019 veto chain, the 2022 war and the 2024
// contracts), with declared outcome metrics (signals, Western demands, Russia's engagement, grievance,
// courting, substance, opinion; no metric is a mechanism's own variable read for its own sake). Every
// mechanism of docs/ODD.md must have a parameter whose μ* reaches at least 5 % of the largest μ* on some
// declared metric; one that does not is inert and goes from the model (ODD says why).
//
// Regional diffusion (E1a) and anchoring (E1b) share their parameter r_s with the other E1 terms; their own
// parameters are the hedgers' susceptibilities λ_i (agents.toml), screened here as one factor that scales
// every λ_i within [0.5, 1.5] of its value. The table of normalised μ* is printed ([screening] lines) and
// quoted in docs/ODD.md.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "experiment/design.hpp"
#include "experiment/sensitivity.hpp"
#include "patterns.hpp"

namespace hedgesim {
namespace {

using namespace patterns;  // NOLINT: the figures and helpers of the patterns

constexpr int kTrajectories = 10;
constexpr int kLevels = 4;
constexpr int kScreeningReplicates = 8;
constexpr double kRequired = 0.05;
const std::string kSusceptibility = "susceptibility (scale of every λ_i)";

/// Each mechanism's own parameters (docs/ODD.md section 7); the reveal variances belong to belief updating.
const std::map<std::string, std::vector<std::string>> kMechanismParameters = {
    {"regional_diffusion", {kSusceptibility}},
    {"anchoring", {"signal_half_life_days", kSusceptibility}},
    {"hedging", {"courting_signal_pull", "compliance_signal_pull"}},
    {"patron_pull", {"engagement_signal_pull"}},
    {"signal_noise", {"signal_noise"}},
    {"substance_drift",
     {"substance_half_life_days", "substance_signal_coupling", "substance_accession_coupling"}},
    {"grievance_dynamics",
     {"grievance_half_life_days", "grievance_conditionality_gain", "grievance_veto_gain",
      "grievance_bystander_gain"}},
    {"hedging_decision",
     {"choice_half_life_days", "court_bias", "comply_bias", "payoff_weight", "grievance_weight",
      "audience_weight", "choice_noise"}},
    {"western_response",
     {"conditionality_half_life_days", "softening_half_life_days", "softening_drift_half", "war_urgency",
      "hardening_gain", "hardening_threshold", "conditionality_floor"}},
    {"payoff_learning", {"learning_half_life_days", "forgetting_half_life_days", "reward_gain"}},
    {"patron_engagement", {"engagement_half_life_days", "engagement_saturation"}},
    {"detente_decay", {"detente_half_life_days", "detente_damping"}},
    {"belief_update",
     {"reading_noise", "reading_variance", "drift_variance", "drift_threshold", "cheap_talk_variance",
      "audience_cost_variance", "sunk_cost_variance"}},
    {"trust_dynamics", {"trust_half_life_days", "trust_gain"}},
    {"opinion_dynamics", {"opinion_half_life_days", "leader_cue"}},
    {"position_drift", {"position_half_life_days", "opinion_position_coupling"}},
};

struct Metric {
  std::string name;
  std::function<double(const Ensemble&)> of;
};

/// The ensemble mean of state row `row`, averaged over the steps dated from `from` to `to`.
double window_mean(const Ensemble& e, int row, const std::string& from, const std::string& to) {
  double s = 0;
  int n = 0;
  for (int k = step_of(e.m, from); k <= step_of(e.m, to); ++k, ++n)
    s += e.mean_row(k, row);
  return s / n;
}

double mean_over(const Ensemble& e, Var v, const std::string& agent, const std::string& from,
                 const std::string& to) {
  return window_mean(e, e.m.row(v, testing::agent_index(e.m, agent)), from, to);
}

double russian_engagement_over(const Ensemble& e, const std::string& agent, const std::string& from,
                               const std::string& to) {
  const int row =
      e.m.row(Var::engagement, testing::agent_index(e.m, "RUS"), testing::agent_index(e.m, agent));
  return window_mean(e, row, from, to);
}

std::vector<Metric> declared_metrics() {
  return {
      {"SRB signal, Oct 2019 - Mar 2020",
       [](const Ensemble& e) { return mean_over(e, Var::signal, "SRB", "2019-10-01", "2020-03-31"); }},
      {"MKD signal, Oct 2019 - Mar 2020",
       [](const Ensemble& e) { return mean_over(e, Var::signal, "MKD", "2019-10-01", "2020-03-31"); }},
      {"SRB conditionality, Oct 2019 - Jun 2020",
       [](const Ensemble& e) {
         return mean_over(e, Var::conditionality, "SRB", "2019-10-01", "2020-06-30");
       }},
      {"Russia's engagement with SRB, Oct 2019 - Jun 2020",
       [](const Ensemble& e) { return russian_engagement_over(e, "SRB", "2019-10-01", "2020-06-30"); }},
      {"Russia's engagement with MKD, Oct 2019 - Jun 2020",
       [](const Ensemble& e) { return russian_engagement_over(e, "MKD", "2019-10-01", "2020-06-30"); }},
      {"MKD grievance, Oct 2019 - Jun 2020",
       [](const Ensemble& e) { return mean_over(e, Var::grievance, "MKD", "2019-10-01", "2020-06-30"); }},
      {"SRB courting, 2020 - 2025",
       [](const Ensemble& e) { return mean_over(e, Var::courting, "SRB", "2020-01-01", "2025-12-24"); }},
      {"SRB substance, end of 2025",
       [](const Ensemble& e) { return e.mean(e.m.steps, Var::substance, "SRB"); }},
      {"ALB signal, end of 2025", [](const Ensemble& e) { return e.mean(e.m.steps, Var::signal, "ALB"); }},
      {"SRB signal, end of 2025", [](const Ensemble& e) { return e.mean(e.m.steps, Var::signal, "SRB"); }},
      {"MNE signal, end of 2025", [](const Ensemble& e) { return e.mean(e.m.steps, Var::signal, "MNE"); }},
      {"SRB conditionality, 2022 - 2025",
       [](const Ensemble& e) {
         return mean_over(e, Var::conditionality, "SRB", "2022-03-01", "2025-12-24");
       }},
  };
}

TEST(Screening, EveryMechanismMovesSomeDeclaredMetric) {
  const CompiledModel base = compile_with(scenario("france-strategy-2019-2025.toml"));
  // The factors: every parameter with a plausible range wider than one value, and the susceptibility scale.
  std::vector<std::string> names;
  std::vector<int> idx;
  std::vector<double> lo, hi;
  std::vector<bool> log;
  for (std::size_t i = 0; i < base.spec.parameters.size(); ++i) {
    const ParameterSpec& p = base.spec.parameters[i];
    if (p.plausible_max <= p.plausible_min) continue;
    names.push_back(p.name);
    idx.push_back(static_cast<int>(i));
    lo.push_back(p.plausible_min);
    hi.push_back(p.plausible_max);
    log.push_back(p.unit == "days");
  }
  const int k_params = static_cast<int>(names.size());
  names.push_back(kSusceptibility);
  const int k = k_params + 1;
  const MorrisDesign d = morris_design(k, kTrajectories, kLevels, 1991);
  const std::vector<Metric> metrics = declared_metrics();
  std::vector<Eigen::VectorXd> y(metrics.size(), Eigen::VectorXd(d.points.rows()));
  for (Eigen::Index r = 0; r < d.points.rows(); ++r) {
    CompiledModel m = base;
    std::vector<double> values;
    for (int j = 0; j < k_params; ++j) {
      const double u = d.points(r, j);
      values.push_back(log[j] ? lo[j] * std::pow(hi[j] / lo[j], u) : lo[j] + u * (hi[j] - lo[j]));
    }
    set_parameter_values(m, idx, values.data());
    m.susceptibility *= 0.5 + d.points(r, k_params);
    const Ensemble e = run(std::move(m), kScreeningReplicates);
    for (std::size_t q = 0; q < metrics.size(); ++q)
      y[q](r) = metrics[q].of(e);
  }
  // μ* normalised by the largest μ* of the metric: the share of the strongest factor's effect.
  std::vector<std::vector<double>> share(metrics.size(), std::vector<double>(static_cast<std::size_t>(k)));
  for (std::size_t q = 0; q < metrics.size(); ++q) {
    const MorrisIndices mi = morris_indices(d, y[q], 0, 0.95, 1);
    double top = 0;
    for (int j = 0; j < k; ++j)
      top = std::max(top, mi.mu_star[static_cast<std::size_t>(j)].value);
    for (int j = 0; j < k; ++j)
      share[q][static_cast<std::size_t>(j)] =
          top > 0 ? mi.mu_star[static_cast<std::size_t>(j)].value / top : 0.0;
  }
  for (const auto& [mechanism, params] : kMechanismParameters) {
    double best = 0;
    std::string where;
    for (const std::string& p : params) {
      const auto it = std::find(names.begin(), names.end(), p);
      ASSERT_NE(it, names.end()) << p << " is not a screened factor";
      const std::size_t j = static_cast<std::size_t>(it - names.begin());
      for (std::size_t q = 0; q < metrics.size(); ++q)
        if (share[q][j] > best) {
          best = share[q][j];
          where = p + " on " + metrics[q].name;
        }
    }
    std::cout << "[screening] " << mechanism << ": largest normalised mu* " << best << " (" << where << ")\n";
    EXPECT_GE(best, kRequired) << mechanism << " is inert on every declared metric";
  }
  // Every screened factor belongs to some mechanism.
  for (const std::string& n : names) {
    bool owned = false;
    for (const auto& [mechanism, params] : kMechanismParameters)
      owned = owned || std::find(params.begin(), params.end(), n) != params.end();
    EXPECT_TRUE(owned) << n << " is screened but belongs to no mechanism";
  }
}

}  // namespace
}  // namespace hedgesim
