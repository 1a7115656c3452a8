// Metrics computed while a batch steps agree with the same statistics computed from the full trajectory of
// each run, for every statistic, and do not depend on the batch a replicate is run in.
#include "experiment/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

/// A metric of state row `row` (or, with minus_row, of row - minus_row: the gap).
MetricDef def(const char* name, int agent, int row, Statistic stat, int from, int to, double threshold = 0,
              int minus_row = -1) {
  MetricDef d;
  d.name = name;
  d.agent = agent;
  d.row = row;
  d.minus_row = minus_row;
  d.stat = stat;
  d.step_from = from;
  d.step_to = to;
  d.step_at = (stat == Statistic::at || stat == Statistic::final) ? to : -1;
  d.threshold = threshold;
  return d;
}

/// The statistic recomputed from a whole trajectory, written independently of the recorder.
double from_trajectory(const CompiledModel& m, const RunOutput& run, const MetricDef& d) {
  auto series = [&](int k) {
    return d.minus_row >= 0 ? run.value(m, k, Var::signal, d.agent) - run.value(m, k, Var::substance, d.agent)
                            : run.value(m, k, d.row);
  };
  std::vector<double> v;
  for (int k = d.step_from; k <= d.step_to; ++k)
    v.push_back(series(k));
  switch (d.stat) {
    case Statistic::at:
    case Statistic::final:
    case Statistic::series:  // resolved into `at` metrics
      return v.back();
    case Statistic::mean: {
      double s = 0;
      for (double x : v)
        s += x;
      return s / static_cast<double>(v.size());
    }
    case Statistic::min:
      return *std::min_element(v.begin(), v.end());
    case Statistic::max:
      return *std::max_element(v.begin(), v.end());
    case Statistic::first_below:
    case Statistic::first_above:
      for (int k = d.step_from; k <= d.step_to; ++k)
        if (d.stat == Statistic::first_below ? series(k) < d.threshold : series(k) > d.threshold)
          return m.date_of_step(k).days - d.from.days;
      return d.censored_days;
  }
  return 0;
}

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
    const int srb = testing::agent_index(m, "SRB"), mkd = testing::agent_index(m, "MKD");
    const int rus = testing::agent_index(m, "RUS");
    const int srb_sig = m.row(Var::signal, srb), mkd_sig = m.row(Var::signal, mkd);
    defs = {def("at", srb, srb_sig, Statistic::at, 20, 20),
            def("final", mkd, m.row(Var::grievance, mkd), Statistic::final, m.steps, m.steps),
            def("mean", srb, m.row(Var::courting, srb), Statistic::mean, 10, 40),
            def("min", mkd, mkd_sig, Statistic::min, 0, m.steps),
            def("max", srb, m.row(Var::engagement, rus, srb), Statistic::max, 5, 30),
            def("gap", srb, srb_sig, Statistic::mean, 0, m.steps, 0, m.row(Var::substance, srb)),
            def("below", mkd, mkd_sig, Statistic::first_below, 12, m.steps, m.initial(mkd_sig) - 0.02),
            def("never", mkd, mkd_sig, Statistic::first_above, 0, m.steps, 0.99)};
    for (MetricDef& d : defs) {
      d.from = m.date_of_step(d.step_from);
      d.to = m.date_of_step(d.step_to);
      d.censored_days = d.to.days - d.from.days + m.params.step_days;
    }
  }
  CompiledModel m;
  std::vector<MetricDef> defs;
};

TEST_F(Metrics, StreamedStatisticsEqualThoseOfTheWholeTrajectory) {
  MetricRecorder rec(m, defs);
  Batch b;
  Workspace ws;
  constexpr int kRuns = 6;
  std::vector<double> out(kRuns * defs.size());
  run_metrics(m, 11, 0, kRuns, rec, b, ws, out.data());
  const auto runs = run_batch(m, 11, 0, kRuns, false);
  bool some_crossing = false;
  for (int r = 0; r < kRuns; ++r)
    for (std::size_t j = 0; j < defs.size(); ++j) {
      EXPECT_NEAR(out[r * defs.size() + j], from_trajectory(m, runs[r], defs[j]), 1e-12)
          << defs[j].name << " run " << r;
      if (defs[j].name == "below") some_crossing |= out[r * defs.size() + j] < defs[j].censored_days;
    }
  EXPECT_TRUE(some_crossing) << "the first_below case should cross in some run, or it tests nothing";
  EXPECT_EQ(out[defs.size() - 1], defs.back().censored_days);  // never above 0.99: censored
}

TEST_F(Metrics, AReplicatesMetricsDoNotDependOnItsBatch) {
  MetricRecorder rec(m, defs);
  Batch b;
  Workspace ws;
  std::vector<double> wide(9 * defs.size()), alone(defs.size());
  run_metrics(m, 5, 0, 9, rec, b, ws, wide.data());
  run_metrics(m, 5, 7, 1, rec, b, ws, alone.data());
  EXPECT_TRUE(std::equal(alone.begin(), alone.end(), wide.begin() + 7 * defs.size()));
}

}  // namespace
}  // namespace hedgesim
