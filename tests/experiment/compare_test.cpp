// Tests of experiment/compare's verdicts: when a paired difference is material (its interval excludes 0 and
// it is at least a fifth of the metric's spread between runs), and that the printed table shows a tiny
// difference with its digits and as tiny, rather than as a starred -0.0000.
#include "experiment/compare.hpp"

#include <gtest/gtest.h>

#include "model/load.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

MetricDifference difference(double d, double lo, double hi, double spread) {
  MetricDifference m{"m", 1.0, 1.0 - d, d, lo, hi};
  m.spread = spread;
  m.effect = spread > 0 ? d / spread : 0.0;
  return m;
}

TEST(Compare, ADifferenceIsMaterialOnlyIfItIsNotZeroAndNotTinyNextToTheSpread) {
  EXPECT_TRUE(is_material(difference(-0.05, -0.06, -0.04, 0.1)));     // d = -0.5
  EXPECT_FALSE(is_material(difference(-0.01, -0.011, -0.009, 0.1)));  // d = -0.1: real, but tiny
  EXPECT_FALSE(is_material(difference(0.05, -0.01, 0.11, 0.1)));      // d = 0.5, but the CI holds 0
  EXPECT_TRUE(is_material(difference(0.001, 0.001, 0.001, 0.0)));     // a model without noise: any change
  EXPECT_FALSE(is_material(difference(0.0, 0.0, 0.0, 0.0)));
}

TEST(Compare, TheTableShowsATinyDifferenceWithItsDigitsAndCallsItTiny) {
  const CompiledModel a = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  const CompiledModel b = load_and_compile(testing::source_path("scenarios/no-veto-2019.toml"));
  CompareResult r;
  r.metrics = {difference(-3e-5, -4e-5, -2e-5, 1e-3), difference(-0.05, -0.06, -0.04, 0.1)};
  r.metrics[0].metric = "tiny_one";
  r.metrics[1].metric = "big_one";
  for (MetricDifference& m : r.metrics)
    m.material = is_material(m);
  CompareOptions opt;
  opt.replicates = 50;
  const std::string table = render_compare_table(a, b, r, opt);
  const auto line_of = [&](const std::string& name) {
    const auto at = table.find(name);
    return at == std::string::npos ? std::string() : table.substr(at, table.find('\n', at) - at);
  };
  EXPECT_NE(line_of("tiny_one").find("-3e-05"), std::string::npos) << table;
  EXPECT_NE(line_of("tiny_one").find("-0.03"), std::string::npos) << table;  // d
  EXPECT_NE(line_of("tiny_one").find("tiny"), std::string::npos) << table;
  EXPECT_EQ(line_of("tiny_one").find("material"), std::string::npos) << table;
  EXPECT_EQ(line_of("tiny_one").find("0.0000"), std::string::npos) << table;
  EXPECT_NE(line_of("big_one").find("material"), std::string::npos) << table;
}

}  // namespace
}  // namespace hedgesim
