// The figures of the stylized facts (patterns P1-P7 of docs/ODD.md), computed from ensembles of runs: shared
// by the tests at the defaults with their negative controls (stylized_facts_test.cpp), the robustness test
// over a Latin hypercube of the plausible parameter ranges (robustness_test.cpp) and the Morris screening
// (screening_test.cpp), so that all three measure the same thing.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "experiment/ensemble.hpp"
#include "experiment/statistics.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::patterns {

struct Ensemble {
  CompiledModel m;
  std::vector<RunOutput> runs;
  double mean_row(int k, int row) const {
    double s = 0.0;
    for (const auto& r : runs)
      s += r.value(m, k, row);
    return s / static_cast<double>(runs.size());
  }
  double mean(int k, Var v, const std::string& agent) const {
    return mean_row(k, m.row(v, testing::agent_index(m, agent)));
  }
  /// Mean of a (patron, hedger) variable, e.g. Russia's engagement with a hedger.
  double dyad(int k, Var v, const std::string& patron, const std::string& agent) const {
    return mean_row(k, m.row(v, testing::agent_index(m, patron), testing::agent_index(m, agent)));
  }
};

using SpecEdit = std::function<void(ModelSpec&)>;

inline Ensemble run(CompiledModel m, int replicates) {
  Ensemble e{std::move(m), {}};
  e.runs = run_ensemble(e.m, {e.m.scenario.seed, replicates, 2, false});
  return e;
}

inline CompiledModel compile_with(Scenario sc, const std::vector<ParameterOverride>& overrides = {},
                                  const SpecEdit& edit = nullptr) {
  for (const auto& o : overrides)
    sc.overrides.push_back(o);
  ModelSpec spec = load_model(sc.model_dir);
  if (edit) edit(spec);
  return compile(spec, sc);
}

inline Ensemble simulate(const Scenario& sc, const std::vector<ParameterOverride>& overrides = {},
                         const SpecEdit& edit = nullptr, int replicates = 200) {
  return run(compile_with(sc, overrides, edit), replicates);
}

inline Scenario scenario(const std::string& name) {
  return load_scenario(testing::source_path("scenarios/" + name));
}

inline Scenario without_types(Scenario sc, const std::set<std::string>& types) {
  std::erase_if(sc.events, [&](const ScenarioEvent& e) { return types.count(e.type) > 0; });
  return sc;
}

/// A world of western carrots only (visits, investment, talks opened): nobody is snubbed and nobody courts
/// Moscow visibly, so Russia has nothing to answer (P2).
inline Scenario carrots_only(const testing::TempDir& dir) {
  const std::string events =
      "[[event]]\ndate = 2019-09-10\ntype = \"state_visit\"\nactor = \"FRA\"\ntargets = [\"SRB\", \"MKD\"]\n"
      "label = \"visit\"\n"
      "[[event]]\ndate = 2019-10-10\ntype = \"development_investment\"\nactor = \"FRA\"\ntargets = "
      "[\"ALB\"]\n"
      "label = \"AFD\"\n"
      "[[event]]\ndate = 2019-11-10\ntype = \"accession_step\"\nactor = \"EU\"\ntargets = [\"MKD\", "
      "\"ALB\"]\n"
      "label = \"talks\"\n";
  return load_scenario(
      dir.write("carrots.toml", "[scenario]\nname = \"carrots\"\ntitle = \"carrots\"\nmodel = \"" +
                                    testing::source_path("model") +
                                    "\"\nstart = 2019-08-01\nend = 2020-06-30\nseed = 7\n" + events));
}

/// The gestures of veto-2019 that only show (display and reveal; substance at most 0.006): the summits,
/// the S-400 display, the drill, the EAEU deal, North Macedonia's two overtures (P4).
inline const std::set<std::string> kGestures = {"rival_summit", "arms_offer", "joint_exercise",
                                                "trade_agreement", "courting_gesture"};

inline int step_of_first(const CompiledModel& m, const std::string& type) {
  for (const auto& ev : m.events)
    if (m.spec.event_types[ev.type].id == type) return ev.step;
  return -1;
}

inline int step_of(const CompiledModel& m, const std::string& date) {
  return (parse_date(date)->days - m.scenario.start.days) / m.params.step_days + 1;
}

/// Paired differences A - B of state row `row` (same layout in both) at step k, one per replicate.
inline std::vector<double> paired(const Ensemble& a, const Ensemble& b, int k, int row) {
  std::vector<double> d;
  for (std::size_t r = 0; r < a.runs.size(); ++r)
    d.push_back(a.runs[r].value(a.m, k, row) - b.runs[r].value(b.m, k, row));
  return d;
}
inline std::vector<double> paired(const Ensemble& a, const Ensemble& b, int k, Var v,
                                  const std::string& agent) {
  return paired(a, b, k, a.m.row(v, testing::agent_index(a.m, agent)));
}

using hedgesim::mean_of;                                    // experiment/statistics.hpp
inline double half_width99(const std::vector<double>& x) {  // of a 99 % normal CI of the mean
  return 2.576 * std::sqrt(sample_variance(x) / static_cast<double>(x.size()));
}
/// The mean difference if its 99 % interval excludes 0, else 0: an effect that is there.
inline double significant(const std::vector<double>& x) {
  const double m = mean_of(x);
  return std::abs(m) > half_width99(x) ? m : 0.0;
}

// ---- the figures
// ---------------------------------------------------------------------------------------------

/// P1: the largest effect of the veto on a hedger's signal (most negative mean difference) and on its
/// substance (largest absolute mean difference) within eight weeks of the veto.
struct VetoEffect {
  double signal = 0, substance = 0;
};
inline VetoEffect veto_effect(const Ensemble& veto, const Ensemble& no_veto, const std::string& agent,
                              bool require_significance = true) {
  const int k0 = step_of_first(veto.m, "accession_veto");
  VetoEffect e;
  for (int k = k0; k <= k0 + 8; ++k) {
    const auto ds = paired(veto, no_veto, k, Var::signal, agent);
    e.signal = std::min(e.signal, require_significance ? significant(ds) : mean_of(ds));
    e.substance = std::max(e.substance, std::abs(mean_of(paired(veto, no_veto, k, Var::substance, agent))));
  }
  return e;
}

/// P2: Russia's engagement with nothing to answer: for each hedger, its mean engagement above baseline
/// averaged over the whole window; the largest over hedgers. An average, not the largest single week: a
/// patron that reads noisy signals answers the noise a little, and the most extreme of 49 weeks × 6 hedgers
/// of a 16-replicate mean measures the replicate count, not whether the patron leads (a leader is above
/// baseline all along).
inline double unprompted_russian_engagement(const Ensemble& e) {
  double most = 0.0;
  for (int i = 0; i < e.m.n_hedgers; ++i) {
    const int row = e.m.row(Var::engagement, testing::agent_index(e.m, "RUS"), i);
    double sum = 0.0;
    for (int k = 1; k <= e.m.steps; ++k)
      sum += e.mean_row(k, row) - e.mean_row(0, row);
    most = std::max(most, sum / e.m.steps);
  }
  return most;
}

/// P2: the first step at which Russia's mean engagement with Serbia is clearly (0.01) above its start.
inline int first_rise(const Ensemble& e) {
  for (int k = 1; k <= e.m.steps; ++k)
    if (e.dyad(k, Var::engagement, "RUS", "SRB") > e.dyad(0, Var::engagement, "RUS", "SRB") + 0.01) return k;
  return e.m.steps + 1;
}

/// P2: Russia's answer to the veto's aftermath: the largest mean engagement above its start that it shows
/// Serbia at any step; and the largest before the veto (what it would show unprompted).
inline double russian_answer(const Ensemble& e, int from, int to) {
  double most = 0.0;
  for (int k = from; k <= to; ++k)
    most =
        std::max(most, e.dyad(k, Var::engagement, "RUS", "SRB") - e.dyad(0, Var::engagement, "RUS", "SRB"));
  return most;
}

/// P4: the most the West softened toward Serbia (most negative mean paired difference of its
/// conditionality), and the most Russia engaged it in addition (largest mean paired difference of its
/// engagement), between the veto and the opening of talks, with the gestures against without them.
struct GestureEffect {
  double conditionality = 0, engagement = 0;
};
inline GestureEffect gesture_effect(const Ensemble& with, const Ensemble& without) {
  const int from = step_of_first(with.m, "accession_veto"), to = step_of_first(with.m, "accession_step") - 1;
  const int srb = testing::agent_index(with.m, "SRB"), rus = testing::agent_index(with.m, "RUS");
  GestureEffect g;
  for (int k = from; k <= to; ++k) {
    g.conditionality =
        std::min(g.conditionality, mean_of(paired(with, without, k, with.m.row(Var::conditionality, srb))));
    g.engagement =
        std::max(g.engagement, mean_of(paired(with, without, k, with.m.row(Var::engagement, rus, srb))));
  }
  return g;
}

/// P3: Russia's engagement gained with a hedger over the 12 weeks after the veto, per unit of the eastward
/// change of its belief about that hedger over the same weeks (what it answers, per what it saw).
inline double answer_per_drift(const Ensemble& e, const std::string& agent) {
  const int k0 = step_of_first(e.m, "accession_veto");
  double seen = 0.0;
  for (int k = k0; k <= k0 + 12; ++k)
    seen += e.dyad(0, Var::belief, "RUS", agent) - e.dyad(k, Var::belief, "RUS", agent);
  const double gained =
      e.dyad(k0 + 12, Var::engagement, "RUS", agent) - e.dyad(0, Var::engagement, "RUS", agent);
  return gained / (seen / 13.0);
}

/// P7: how much Serbia's lesson about courting moves within a year, in the quietest year of 2020-2025: the
/// range (max - min) of each replicate's lesson within each calendar year, averaged over replicates; the
/// smallest of the six yearly figures. (Each leader learns from what happens to it, so the figure is taken
/// per replicate, not from the ensemble's mean path.)
inline double least_yearly_range(const Ensemble& e) {
  const int row = e.m.row(Var::payoff_court, testing::agent_index(e.m, "SRB"));
  double least = 1e9;
  for (int year = 2020; year <= 2025; ++year) {
    const int from = step_of(e.m, std::to_string(year) + "-01-01");
    const int to = step_of(e.m, std::to_string(year) + "-12-24");
    double sum = 0.0;
    for (const RunOutput& r : e.runs) {
      double lo = 1e9, hi = -1e9;
      for (int k = from; k <= to; ++k) {
        lo = std::min(lo, r.value(e.m, k, row));
        hi = std::max(hi, r.value(e.m, k, row));
      }
      sum += hi - lo;
    }
    least = std::min(least, sum / static_cast<double>(e.runs.size()));
  }
  return least;
}

}  // namespace hedgesim::patterns
