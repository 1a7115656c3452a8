// Tests of results/sweep_meta.hpp against a meta.json from the real writer (experiment/sweep.cpp, run on an
// analytic function over an LHS design with ranges far from [0, 1]), and of each message for a meta.json it
// could not have written.
#include "results/sweep_meta.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

#include "experiment/runner.hpp"
#include "experiment/sweep.hpp"
#include "results/build_info.hpp"
#include "results/run_meta.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;

TEST(SweepMeta, ReadsWhatHedgesimSweepWrites) {
  SweepJob job;
  job.spec.name = "analytic-lhs";
  job.spec.design = DesignKind::lhs;
  job.spec.samples = 6;
  job.spec.seed = 42;
  job.spec.replicates = 2;
  // Ranges far from the unit cube, one of them on a log scale.
  for (const auto& [name, lo, hi, dist] :
       {std::tuple{"half_life_days", 30.0, 270.0, Distribution::loguniform},
        std::tuple{"gain", -2.0, 5.0, Distribution::uniform}}) {
    ParameterAxis& p = job.spec.parameters.emplace_back();
    std::tie(p.name, p.lo, p.hi, p.dist) = std::tie(name, lo, hi, dist);
  }
  job.metric_names = {"y", "z"};
  job.identity = {{"version", results::version()}, {"commit", results::build_commit()}};
  const FunctionEvaluator f(2, [](const Eigen::Ref<const Eigen::VectorXd>& x, double* y) {
    y[0] = x[0] + x[1];
    y[1] = x[1];
  });
  TempDir dir;
  ASSERT_TRUE(run_sweep(job, f, {.out_dir = dir.path(), .threads = 1}).finished);
  const results::SweepMeta meta = results::read_sweep_meta(dir.path());
  EXPECT_EQ(meta.file, dir.path() + "/meta.json");
  EXPECT_EQ(meta.experiment_name, "analytic-lhs");
  EXPECT_EQ(meta.design, "lhs");
  EXPECT_EQ(meta.seed, std::optional<std::uint64_t>(42));
  EXPECT_EQ(meta.replicates, 2);
  EXPECT_EQ(meta.points, 6);
  EXPECT_EQ(meta.runs, 12);
  ASSERT_EQ(meta.parameters.size(), 2u);
  EXPECT_EQ(meta.parameters[0].name, "half_life_days");
  EXPECT_EQ(meta.parameters[0].min, 30);
  EXPECT_EQ(meta.parameters[0].max, 270);
  EXPECT_EQ(meta.parameters[0].distribution, "loguniform");
  EXPECT_EQ(meta.parameters[1].min, -2);
  EXPECT_EQ(meta.parameters[1].max, 5);
  EXPECT_EQ(meta.find("gain"), &meta.parameters[1]);
  EXPECT_EQ(meta.find("nothing"), nullptr);
  EXPECT_EQ(meta.metrics, (std::vector<std::string>{"y", "z"}));
  EXPECT_EQ(meta.provenance_line(), "experiment analytic-lhs · seed 42 · 2 replicates · hedgesim " +
                                        std::string(results::version()) + " (commit " +
                                        results::short_commit(results::build_commit()) + ")");
}

/// The message read_sweep_meta gives for DIR/meta.json holding `text`, without the position.
std::string sweep_meta_error(const std::string& text) {
  TempDir dir;
  std::ofstream(dir.path() + "/meta.json") << text;
  const std::string what = testing::error_of([&] { results::read_sweep_meta(dir.path()); });
  return what.substr(what.find(": ") + 2);
}

TEST(SweepMeta, EachDefectHasItsMessage) {
  const std::string tail = "; it should be the meta.json written by `hedgesim sweep`";
  EXPECT_EQ(sweep_meta_error("{\n  \"parameters\": [,]\n}"),
            "this is not valid JSON; it should be the meta.json written by `hedgesim sweep`");
  EXPECT_EQ(sweep_meta_error("[]"), "this is not a JSON object" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"kind": "run", "agents": []})"),
            "this is the meta.json of `hedgesim run`, not of a sweep" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"metrics": ["y"]})"), "the file has no list 'parameters'" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"parameters": [{"min": 0, "max": 1}], "metrics": []})"),
            "parameters[0] has no text field 'name'" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"parameters": [{"name": "a", "min": 0}], "metrics": []})"),
            "parameters[0] ('a') has no number 'max'" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"parameters": [{"name": "a", "min": 2, "max": 1}], "metrics": []})"),
            "parameters[0] ('a') has min 2 above max 1" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"parameters": [{"name": "a", "min": 0, "max": 1},
                                            {"name": "a", "min": 0, "max": 1}], "metrics": []})"),
            "parameter 'a' is listed twice" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"parameters": []})"), "the file has no list 'metrics'" + tail);
  EXPECT_EQ(sweep_meta_error(R"({"parameters": [], "metrics": [3]})"),
            "an entry of 'metrics' is not a metric's name" + tail);
}

TEST(SweepMeta, InvalidJsonIsReportedAtItsLineAndAMissingFileNamesItsWriter) {
  TempDir dir;
  std::ofstream(dir.path() + "/meta.json") << "{\n  \"parameters\": [,]\n}";
  EXPECT_EQ(testing::error_of([&] {
              results::read_sweep_meta(dir.path());
            }).rfind(dir.path() + "/meta.json:2:18: this is not valid JSON", 0),
            0u);
  TempDir empty;
  EXPECT_EQ(testing::error_of([&] { results::read_sweep_meta(empty.path()); }),
            empty.path() + "/meta.json:0:0: cannot read " + empty.path() +
                "/meta.json: no such file; it is written by `hedgesim sweep`");
}

TEST(SweepMeta, OlderFilesWithoutNameSeedOrVersionStillRead) {
  TempDir dir;
  std::ofstream(dir.path() + "/meta.json") << R"({"parameters": [{"name": "a", "min": 1, "max": 1}],
                                                   "metrics": ["y"]})";
  const results::SweepMeta meta = results::read_sweep_meta(dir.path());
  EXPECT_EQ(meta.experiment_name, std::filesystem::path(dir.path()).filename().string());
  EXPECT_EQ(meta.design, "");
  EXPECT_EQ(meta.replicates, -1);
  EXPECT_EQ(meta.provenance_line(), "experiment " + meta.experiment_name);
}

}  // namespace
}  // namespace hedgesim
