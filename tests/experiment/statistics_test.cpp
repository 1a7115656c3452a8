// Tests of experiment/statistics.hpp: quantiles as NumPy computes them, intervals, resampling that draws the
// same stream as indices or as counts, bootstrap intervals that cover the mean and narrow with more data,
// distinct resampling seeds.
#include "experiment/statistics.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace hedgesim {
namespace {

TEST(Quantile7, MatchesNumPyDefault) {
  std::vector<double> x = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(quantile7(x, 0.05), 1.15);  // numpy.quantile([1,2,3,4], 0.05)
  EXPECT_DOUBLE_EQ(quantile7(x, 0.95), 3.85);
  EXPECT_DOUBLE_EQ(quantile7(x, 0.5), 2.5);
  std::vector<double> one = {7};
  EXPECT_DOUBLE_EQ(quantile7(one, 0.95), 7);
}

TEST(Statistics, PercentileIntervalMeanAndVariance) {
  std::vector<double> x = {5, 1, 4, 2, 3};
  const auto [lo, hi] = percentile_interval(x, 0.5);
  EXPECT_DOUBLE_EQ(lo, 2.0);  // numpy.quantile([1,2,3,4,5], [0.25, 0.75])
  EXPECT_DOUBLE_EQ(hi, 4.0);
  EXPECT_DOUBLE_EQ(mean_of(x), 3.0);
  EXPECT_DOUBLE_EQ(sample_variance(x), 2.5);
  EXPECT_DOUBLE_EQ(sample_variance({1.0}), 0.0);
}

TEST(Resampler, IndicesAndCountsAreTheSameDraw) {
  // Sobol' indices resample by counts and Morris's by indices: from one seed, the same resample either way.
  Resampler by_index(11), by_count(11);
  std::vector<int> idx;
  Eigen::VectorXd counts;
  for (int rep = 0; rep < 3; ++rep) {
    by_index.draw(7, idx);
    by_count.draw_counts(7, counts);
    Eigen::VectorXd tally = Eigen::VectorXd::Zero(7);
    for (int i : idx) {
      ASSERT_GE(i, 0);
      ASSERT_LT(i, 7);
      tally(i) += 1.0;
    }
    EXPECT_EQ(tally, counts);
    EXPECT_EQ(counts.sum(), 7.0);
  }
}

TEST(Statistics, BootstrapIntervalOfAMeanCoversItAndNarrowsWithMoreData) {
  std::vector<double> small, large;
  for (int i = 0; i < 20; ++i)
    small.push_back(i % 5);
  for (int i = 0; i < 2000; ++i)
    large.push_back(i % 5);
  const auto [lo_s, hi_s] = bootstrap_mean_interval(small, 1000, 0.95, 1);
  const auto [lo_l, hi_l] = bootstrap_mean_interval(large, 1000, 0.95, 1);
  EXPECT_LT(lo_s, 2.0);
  EXPECT_GT(hi_s, 2.0);
  EXPECT_LT(lo_l, 2.0);
  EXPECT_GT(hi_l, 2.0);
  EXPECT_LT(hi_l - lo_l, (hi_s - lo_s) / 5);  // a hundred times the data: about a tenth of the width
  EXPECT_EQ(bootstrap_mean_interval(small, 1000, 0.95, 1), bootstrap_mean_interval(small, 1000, 0.95, 1));
  const auto none = bootstrap_mean_interval(small, 0, 0.95, 1);  // no resamples: the mean itself
  EXPECT_EQ(none.first, 2.0);
  EXPECT_EQ(none.second, 2.0);
}

TEST(Statistics, ResamplingSeedsDifferPerRankAndFromTheRunsSeed) {
  std::set<std::uint64_t> seen = {42};
  for (int rank = 0; rank < 100; ++rank)
    EXPECT_TRUE(seen.insert(resampling_seed(42, rank)).second) << rank;
}

}  // namespace
}  // namespace hedgesim
