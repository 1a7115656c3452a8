// experiment/sweep_job without MPI (the policy under mpirun is tested end to end by tests/cli/mpi_cli_test):
// a lone process loads the experiment and runs the whole sweep as rank 0 of 1; an experiment without a
// [design] is refused at it.
#include "experiment/sweep_job.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

TEST(SweepJob, ALoneProcessRunsTheWholeSweepAsRankZeroOfOne) {
  const LoadedSweep s = load_sweep(testing::source_path("experiments/quick-lhs.toml"));
  EXPECT_EQ(s.parameters.size(), s.e.spec.parameters.size());
  EXPECT_EQ(s.job.metric_names.size(), s.e.metrics.size());
  testing::TempDir dir;
  SweepOptions opt;
  opt.out_dir = dir.path();
  const std::optional<SweepResult> r = run_sweep_as_rank(s, opt, MpiPlace{});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->finished);
  EXPECT_EQ(r->runs, s.e.spec.samples * s.e.spec.replicates);
  EXPECT_TRUE(std::filesystem::exists(dir.file("summary.csv")));
}

TEST(SweepJob, AnExperimentWithoutADesignIsRefusedAtIt) {
  const std::string path = testing::source_path("experiments/veto-vs-no-veto.toml");
  EXPECT_THAT(
      testing::error_of([&] { load_sweep(path); }),
      ::testing::StartsWith(path + ":1:1: this experiment has no [design] table, so there is nothing to "
                                   "sweep"));
}

}  // namespace
}  // namespace hedgesim
