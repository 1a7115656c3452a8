// Tests of results/sweep_files.hpp: design.csv, summary.csv and indices.csv as the real writer
// (experiment/sweep.cpp, run on analytic functions) writes them, read back into typed values; and each
// message for a file it could not have written.
#include "results/sweep_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "experiment/runner.hpp"
#include "experiment/sensitivity.hpp"
#include "experiment/sweep.hpp"
#include "results/sweep_meta.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;

SweepJob analytic_job(DesignKind design, int samples) {
  SweepJob job;
  job.spec.name = "analytic";
  job.spec.design = design;
  job.spec.samples = samples;
  job.spec.seed = 5;
  job.spec.replicates = 2;
  for (const char* name : {"a", "b"}) {
    ParameterAxis& p = job.spec.parameters.emplace_back();
    p.name = name;
    p.lo = 10;
    p.hi = 20;
  }
  job.metric_names = {"y", "z"};
  job.identity = {{"version", "test"}};
  return job;
}

const FunctionEvaluator kSumAndB(2, [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
  y[0] = x[0] + x[1];
  y[1] = x[1];
});

TEST(SweepFiles, DesignAndSummaryReadBackWhatTheSweepWrote) {
  TempDir dir;
  ASSERT_TRUE(
      run_sweep(analytic_job(DesignKind::lhs, 7), kSumAndB, {.out_dir = dir.path(), .threads = 1}).finished);
  // Parameters asked for in another order than the file's: each is found by its name.
  const results::DesignPoints d = results::read_design(dir.path() + "/design.csv", {"b", "a"});
  ASSERT_EQ(d.ids.size(), 7u);
  const auto means = results::read_point_means(dir.path() + "/summary.csv", {"y", "z"}, d.ids);
  for (std::size_t i = 0; i < d.ids.size(); ++i) {
    EXPECT_EQ(d.ids[i], static_cast<long long>(i));
    EXPECT_GE(d.values[i][0], 10);
    EXPECT_LE(d.values[i][1], 20);
    // The function is deterministic, so each point's mean is its value (to the file's 17 digits).
    EXPECT_DOUBLE_EQ(means.at("y")[i], d.values[i][0] + d.values[i][1]);
    EXPECT_DOUBLE_EQ(means.at("z")[i], d.values[i][0]);
  }
}

TEST(SweepFiles, IndicesReadBackWithTheirNotes) {
  TempDir dir;
  ASSERT_TRUE(run_sweep(analytic_job(DesignKind::sobol, 8), kSumAndB, {.out_dir = dir.path(), .threads = 1})
                  .finished);
  const std::vector<results::IndexRow> rows = results::read_indices(dir.path() + "/indices.csv");
  ASSERT_EQ(rows.size(), 2u * 2u * 2u);  // metrics x parameters x {S1, ST}
  for (const results::IndexRow& r : rows) {
    EXPECT_TRUE(r.index == "S1" || r.index == "ST") << r.index;
    EXPECT_EQ(r.note, sobol_note(r.index, r.value)) << r.metric << " " << r.index << " " << r.parameter;
    EXPECT_LE(r.ci_low, r.ci_high);
    EXPECT_EQ(r.where.file, dir.path() + "/indices.csv");
  }
  // z depends on b alone: its S1 and ST of b are 1 up to the estimator's error on 8 base samples.
  for (const results::IndexRow& r : rows)
    if (r.metric == "z" && r.parameter == "b") {
      EXPECT_NEAR(r.value, 1.0, 0.3) << r.index;
    }
}

TEST(SweepFiles, ASobolSweepsMetaJsonNamesItsEstimatorAndSize) {
  SweepJob job = analytic_job(DesignKind::sobol, 8);
  job.spec.s1_estimator = S1Estimator::janon2014;
  job.spec.bootstrap = 50;
  job.spec.confidence = 0.9;
  TempDir dir;
  ASSERT_TRUE(run_sweep(job, kSumAndB, {.out_dir = dir.path(), .threads = 1}).finished);
  const results::SweepMeta meta = results::read_sweep_meta(dir.path());
  EXPECT_EQ(meta.s1_estimator, "janon2014");
  EXPECT_EQ(meta.samples, 8);
  EXPECT_EQ(meta.bootstrap, 50);
  EXPECT_EQ(meta.confidence, 0.9);
  EXPECT_EQ(meta.points, 8 * (2 + 2));
}

TEST(SweepFiles, IndicesWithoutANoteColumnStillRead) {
  TempDir dir;
  std::ofstream(dir.path() + "/indices.csv") << "metric,index,parameter,other,value,ci_low,ci_high\n"
                                                "y,ST,a,,0.5,0.4,0.6\n";
  const auto rows = results::read_indices(dir.path() + "/indices.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].note, "");
  EXPECT_EQ(rows[0].value, 0.5);
}

/// The message of reading `file` holding `text` with `read`, prefixed by its position.
template <class Read>
std::string message_for(const std::string& name, const std::string& text, Read read) {
  TempDir dir;
  const std::string file = dir.path() + "/" + name;
  std::ofstream(file) << text;
  const std::string what = testing::error_of([&] { read(file); });
  return what.substr(file.size() + 1);
}

TEST(SweepFiles, EachDefectHasItsMessage) {
  const auto indices = [](const std::string& f) { results::read_indices(f); };
  const std::string head = "metric,index,parameter,other,value,ci_low,ci_high,note\n";
  EXPECT_EQ(message_for("indices.csv", head + "y,S3,a,,0.5,0.4,0.6,\n", indices),
            "2:3: 'S3' is not a sensitivity index; expected 'S1', 'ST' or 'S2' (Sobol) or 'mu', 'mu_star' or "
            "'sigma' (Morris)");
  EXPECT_EQ(message_for("indices.csv", head + ",S1,a,,0.5,0.4,0.6,\n", indices),
            "2:1: the metric's name is empty");
  EXPECT_EQ(message_for("indices.csv", head + "y,S1,,,0.5,0.4,0.6,\n", indices),
            "2:6: the parameter's name is empty");
  const auto design = [](const std::string& f) { results::read_design(f, {"a"}); };
  EXPECT_EQ(message_for("design.csv", "point,a\n0,1\n0,2\n", design), "3:1: a second row for design point 0");
  EXPECT_EQ(message_for("design.csv", "point,a\n", design), "0:0: the file has no design points");
  const auto summary = [](const std::string& f) { results::read_point_means(f, {"y"}, {0, 1}); };
  const std::string shead = "point,metric,mean,sd,q05,q50,q95\n";
  EXPECT_EQ(message_for("summary.csv", shead + "0,y,1,0,1,1,1\n2,y,1,0,1,1,1\n", summary),
            "3:1: point 2 is not a point of design.csv");
  EXPECT_EQ(message_for("summary.csv", shead + "0,y,1,0,1,1,1\n0,y,1,0,1,1,1\n", summary),
            "3:1: a second row for metric 'y' at point 0");
  EXPECT_EQ(message_for("summary.csv", shead + "0,y,1,0,1,1,1\n", summary),
            "0:0: metric 'y' has no row for design point 1; the sweep did not finish writing it");
}

TEST(SweepFiles, AMissingFileNamesTheCommandThatWritesIt) {
  TempDir dir;
  EXPECT_NE(testing::error_of([&] {
              results::read_indices(dir.path() + "/indices.csv");
            }).find("no such file; it is written by `hedgesim sweep`"),
            std::string::npos);
}

}  // namespace
}  // namespace hedgesim
