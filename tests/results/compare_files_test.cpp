// results/compare_files: difference-over-time.csv as the real writer (experiment/compare) writes it, read
// back and checked against the comparison in memory; and the messages for files it could not have written.
#include "results/compare_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "experiment/compare.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;

TEST(CompareFiles, ReadsTheDifferencesOverTimeHedgesimCompareWrites) {
  const CompiledModel a = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  const CompiledModel b = load_and_compile(testing::source_path("scenarios/no-veto-2019.toml"));
  CompareOptions opt;
  opt.replicates = 3;
  opt.seed = 17;
  opt.bootstrap = 10;
  const CompareResult r = compare(a, b, default_compare_metrics(a), opt);
  TempDir dir;
  write_compare_outputs(a, b, r, opt, dir.path(), "hedgesim compare x y");
  const std::vector<results::TimeDifferenceRow> rows =
      results::read_time_differences(dir.path() + "/difference-over-time.csv");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.size() % static_cast<std::size_t>(a.steps + 1), 0u);  // the same rows at every step
  EXPECT_EQ(rows.front().step, 0);
  EXPECT_EQ(rows.front().date, a.scenario.start);
  EXPECT_EQ(rows.back().step, a.steps);
  EXPECT_EQ(rows.back().date, a.date_of_step(a.steps));
  bool moved = false;
  for (const results::TimeDifferenceRow& row : rows) {
    EXPECT_LE(row.q05, row.q95) << row.agent << " " << row.variable << " step " << row.step;
    moved = moved || row.mean != 0;
  }
  EXPECT_TRUE(moved) << "the veto moves somebody";
}

std::string time_differences_error(const std::string& text) {
  TempDir dir;
  const std::string file = dir.path() + "/difference-over-time.csv";
  std::ofstream(file) << text;
  const std::string what = testing::error_of([&] { results::read_time_differences(file); });
  return what.substr(file.size() + 1);
}

TEST(CompareFiles, EachDefectHasItsMessage) {
  const std::string head = "step,date,agent,variable,mean,q05,q95\n";
  EXPECT_EQ(time_differences_error(head + "-1,2019-01-01,SRB,signal,0,0,0\n"),
            "2:1: step -1 is negative; steps count from 0");
  EXPECT_EQ(time_differences_error(head + "0,2019-01-01,SRB,signal,0,0,0\n0,2019-01-01,SRB,signal,0,0,0\n"),
            "3:1: a second row for step 0 of SRB's signal");
  EXPECT_NE(time_differences_error(head + "0,2019-13-01,SRB,signal,0,0,0\n").find("2:3: "),
            std::string::npos);
  TempDir dir;
  EXPECT_NE(testing::error_of([&] {
              results::read_time_differences(dir.path() + "/difference-over-time.csv");
            }).find("no such file; it is written by `hedgesim compare`"),
            std::string::npos);
}

}  // namespace
}  // namespace hedgesim
