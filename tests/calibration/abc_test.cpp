// ABC-SMC (calibration/abc.hpp) on problems whose posterior is known: the mean of 20 normal draws (the
// posterior is N(xbar, 1/20) under a flat prior), a parameter the distance ignores (its posterior stays the
// prior: the negative control of identifiability), and a distance that ignores the data altogether (the
// posterior stays the prior), and a likelihood known in closed form, whose posterior and evidence the
// tempering stage must find (at the prior's edge too). Plus: the same seed gives the same populations, and
// the algorithm replays to the same numbers when stopped and run again, in the ABC generations or while
// tempering (what a resumed calibration relies on).
#include "calibration/abc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "experiment/statistics.hpp"

namespace hedgesim::calibration {
namespace {

constexpr double kXbar = 0.7;  // the observed mean of n = 20 draws from N(theta, 1)
constexpr int kDraws = 20;

/// theta = -2 + 4 u on the prior's cube; the simulated summary is the mean of 20 draws from N(theta, 1) from
/// a stream of (generation, batch, row), so a proposal's distance is a pure function of where it was
/// proposed.
BatchSimulator normal_mean_simulator(int informative_columns = 1) {
  return [informative_columns](const Eigen::MatrixXd& u, int g, int b) -> std::optional<Eigen::VectorXd> {
    Eigen::VectorXd d(u.rows());
    for (Eigen::Index i = 0; i < u.rows(); ++i) {
      boost::random::mt19937_64 rng(
          stream_seed(99, static_cast<std::uint64_t>(g) * 100000 + b, static_cast<std::uint64_t>(i)));
      boost::random::normal_distribution<double> noise(0.0, 1.0 / std::sqrt(kDraws));
      double dist = 0;
      for (int c = 0; c < informative_columns; ++c)
        dist += std::abs(-2 + 4 * u(i, c) + noise(rng) - kXbar);
      d(i) = dist;
    }
    return d;
  };
}

double posterior_mean(const Population& p, int c) {
  return -2 + 4 * weighted_mean(p)(c);
}
double posterior_sd(const Population& p, int c) {
  return 4 * std::sqrt(weighted_covariance(p)(c, c));
}

AbcSettings settings(int generations) {
  AbcSettings s;
  s.particles = 500;
  s.generations = generations;
  s.tolerance_quantile = 0.5;
  s.min_acceptance = 0.0;
  return s;
}

TEST(AbcSmc, FindsThePosteriorOfANormalMean) {
  const AbcResult r = abc_smc(1, settings(8), 1, normal_mean_simulator());
  ASSERT_TRUE(r.finished);
  ASSERT_EQ(r.generations.size(), 9u);
  const Population& last = r.generations.back();
  // N(0.7, 1/20): sd 0.224. ABC at a finite tolerance widens it a little.
  EXPECT_NEAR(posterior_mean(last, 0), kXbar, 0.05);
  EXPECT_NEAR(posterior_sd(last, 0), 1 / std::sqrt(kDraws), 0.06);
  // The tolerance shrinks every generation, and the prior's spread (4 / sqrt 12 = 1.15) is gone.
  for (std::size_t g = 2; g < r.generations.size(); ++g)
    EXPECT_LT(r.generations[g].epsilon, r.generations[g - 1].epsilon) << "generation " << g;
  EXPECT_LT(posterior_sd(r.generations[1], 0), 1.0);
  EXPECT_GT(last.effective_sample_size(), 100);
  EXPECT_NEAR(last.weight.sum(), 1.0, 1e-12);
  for (Eigen::Index i = 0; i < last.distance.size(); ++i)
    EXPECT_LE(last.distance(i), last.epsilon);
}

TEST(AbcSmc, AParameterTheDistanceIgnoresKeepsItsPrior) {
  // Column 0 is informative, column 1 is not: its posterior sd stays near the prior's (4 / sqrt 12).
  const AbcResult r = abc_smc(2, settings(6), 2, normal_mean_simulator(1));
  const Population& last = r.generations.back();
  EXPECT_LT(posterior_sd(last, 0), 0.4);
  EXPECT_NEAR(posterior_sd(last, 1), 4 / std::sqrt(12.0), 0.2);
}

TEST(AbcSmc, NegativeControlADistanceBlindToTheDataLeavesThePriorAlone) {
  const BatchSimulator blind = [](const Eigen::MatrixXd& u, int, int) -> std::optional<Eigen::VectorXd> {
    return Eigen::VectorXd::Constant(u.rows(), 1.0);
  };
  const AbcResult r = abc_smc(1, settings(4), 3, blind);
  EXPECT_NEAR(posterior_mean(r.generations.back(), 0), 0.0, 0.2);
  EXPECT_NEAR(posterior_sd(r.generations.back(), 0), 4 / std::sqrt(12.0), 0.15);
}

TEST(AbcSmc, TheSameSeedGivesTheSamePopulationsAndAnotherSeedOthers) {
  const AbcResult a = abc_smc(1, settings(3), 7, normal_mean_simulator());
  const AbcResult b = abc_smc(1, settings(3), 7, normal_mean_simulator());
  const AbcResult c = abc_smc(1, settings(3), 8, normal_mean_simulator());
  EXPECT_EQ(a.generations.back().u, b.generations.back().u);
  EXPECT_EQ(a.generations.back().weight, b.generations.back().weight);
  EXPECT_NE(a.generations.back().u, c.generations.back().u);
}

TEST(AbcSmc, StoppedAndRunAgainItReplaysToTheSameNumbers) {
  // The first run stops at generation 2's first batch (as a SIGINT would); the second answers every batch.
  // What a resumed calibration does: batches already simulated are read back, the rest computed.
  const BatchSimulator full = normal_mean_simulator();
  const BatchSimulator stopping = [&](const Eigen::MatrixXd& u, int g,
                                      int b) -> std::optional<Eigen::VectorXd> {
    if (g == 2) return std::nullopt;
    return full(u, g, b);
  };
  const AbcResult stopped = abc_smc(1, settings(3), 11, stopping);
  EXPECT_FALSE(stopped.finished);
  EXPECT_EQ(stopped.generations.size(), 2u);
  const AbcResult resumed = abc_smc(1, settings(3), 11, full);
  ASSERT_TRUE(resumed.finished);
  EXPECT_EQ(stopped.generations[1].u, resumed.generations[1].u);
  EXPECT_EQ(resumed.generations.back().u, abc_smc(1, settings(3), 11, full).generations.back().u);
}

TEST(AbcSmc, StopsWhenAcceptanceFallsOrTheBudgetRunsOut) {
  AbcSettings s = settings(30);
  s.min_acceptance = 0.2;
  const AbcResult low = abc_smc(1, s, 5, normal_mean_simulator());
  EXPECT_LT(low.generations.size(), 31u);
  EXPECT_LT(low.generations.back().acceptance(), 0.2);
  EXPECT_NE(low.stop_reason.find("below min_acceptance"), std::string::npos) << low.stop_reason;
  s = settings(30);
  s.max_simulations = 2000;
  const AbcResult budget = abc_smc(1, s, 5, normal_mean_simulator());
  EXPECT_LE(budget.simulations, 2000);
  EXPECT_NE(budget.stop_reason.find("max_simulations"), std::string::npos) << budget.stop_reason;
  // A floor of 1: the generation whose tolerance reaches it is the last, long before 30.
  const AbcResult floored = abc_smc(1, settings(30), 5, normal_mean_simulator(), [](double) { return 1.0; });
  ASSERT_LT(floored.generations.size(), 31u);
  EXPECT_EQ(floored.generations.back().epsilon, 1.0);
  EXPECT_NE(floored.stop_reason.find("floor"), std::string::npos) << floored.stop_reason;
  // A floor below every tolerance changes nothing.
  const AbcResult low_floor = abc_smc(1, settings(3), 5, normal_mean_simulator(), [](double) { return 0.0; });
  EXPECT_EQ(low_floor.generations.back().u,
            abc_smc(1, settings(3), 5, normal_mean_simulator()).generations.back().u);
}

/// A likelihood known in closed form: theta = -2 + 4 u_0 (u_1 is ignored), the distance is
/// |theta - centre| / sigma and log L = -d^2 / 2, so the posterior is N(centre, sigma^2) cut to [-2, 2] and
/// the evidence, the prior's mean likelihood, is sqrt(2 pi) sigma / 4 times the normal's mass inside [-2, 2].
struct KnownLikelihood {
  double centre, sigma;
  BatchSimulator simulator() const {
    return [c = centre, s = sigma](const Eigen::MatrixXd& u, int, int) -> std::optional<Eigen::VectorXd> {
      return ((-2 + 4 * u.col(0).array() - c).abs() / s).matrix();
    };
  }
  double log_evidence() const {
    const auto phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
    const double inside = phi((2 - centre) / sigma) - phi((-2 - centre) / sigma);
    return std::log(std::sqrt(2 * M_PI) * sigma / 4 * inside);
  }
};

double log_likelihood(double d) {
  return -0.5 * d * d;
}

AbcSettings tempering_settings(int mcmc_steps) {
  AbcSettings s = settings(8);
  s.mcmc_steps = mcmc_steps;
  return s;
}

/// The mean of N(centre, sigma^2) cut to [-2, 2] (the posterior's mean on theta).
double truncated_mean(const KnownLikelihood& k) {
  const auto phi = [](double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); };
  const auto Phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  const double a = (-2 - k.centre) / k.sigma, b = (2 - k.centre) / k.sigma;
  return k.centre + k.sigma * (phi(a) - phi(b)) / (Phi(b) - Phi(a));
}

// A floor at d = 8: the likelihood's mass is well inside the last tolerance, as in a calibration, and the
// region is 16 posterior sds wide, so that the likelihood weighs its particles very unequally.
double floor_of_8(double) {
  return 8.0;
}

TEST(AbcSmc, TemperingFindsThePosteriorAndItsEvidence) {
  // Centred (1.0), and at the prior's edge (1.98), where a random walk that was not reflected symmetrically
  // would bias the posterior's mean (the truncated normal's: 1.952) and where the evidence needs the share of
  // the ABC proposals inside the cube (without it, log 0.6 = -0.5 off).
  for (const double centre : {1.0, 1.98}) {
    const KnownLikelihood known{centre, 0.05};
    const AbcResult r = abc_smc(2, tempering_settings(3), 21, known.simulator(), floor_of_8, log_likelihood);
    ASSERT_TRUE(r.finished) << r.stop_reason;
    const Population& last = r.generations.back();
    ASSERT_TRUE(last.tempering()) << r.stop_reason;
    EXPECT_EQ(last.temperature, 1.0);
    EXPECT_NE(r.stop_reason.find("tempered to the likelihood"), std::string::npos) << r.stop_reason;
    // 0.2: three root mean square errors of the estimate over 20 seeds (0.061 and 0.069), against the -0.5 of
    // the error named.
    EXPECT_NEAR(r.log_evidence, known.log_evidence(), 0.2) << "centre " << centre;
    EXPECT_NEAR(posterior_mean(last, 0), truncated_mean(known), 0.01) << "centre " << centre;
    EXPECT_NEAR(posterior_sd(last, 1), 4 / std::sqrt(12.0), 0.15);  // the ignored parameter keeps its prior
    if (centre == 1.0) {
      EXPECT_NEAR(posterior_sd(last, 0), 0.05, 0.006);
    }
  }
}

TEST(AbcSmc, NegativeControlWithoutTemperingTheLikelihoodRestsOnFewParticles) {
  // The same problem without the moves (mcmc_steps = 0): the last ABC population weighted by the likelihood,
  // what a calibration had before, carries an effective sample size of a fraction of the tempered
  // population's distinct particles.
  const KnownLikelihood known{1.0, 0.05};
  const AbcResult with = abc_smc(2, tempering_settings(3), 21, known.simulator(), floor_of_8, log_likelihood);
  const AbcResult without =
      abc_smc(2, tempering_settings(0), 21, known.simulator(), floor_of_8, log_likelihood);
  ASSERT_FALSE(without.generations.back().tempering());
  EXPECT_TRUE(std::isnan(without.log_evidence));
  const Population weighted = likelihood_weighted(without.generations.back(), log_likelihood);
  const std::int64_t distinct = with.generations.back().distinct_particles();
  EXPECT_LT(weighted.effective_sample_size(), 0.5 * static_cast<double>(distinct))
      << "distinct tempered particles: " << distinct;
}

TEST(AbcSmc, StoppedWhileTemperingItReplaysToTheSameNumbers) {
  const KnownLikelihood known{1.0, 0.05};
  const AbcResult full = abc_smc(2, tempering_settings(2), 23, known.simulator(), floor_of_8, log_likelihood);
  const auto first_move = std::find_if(full.generations.begin(), full.generations.end(),
                                       [](const Population& p) { return p.tempering(); });
  ASSERT_NE(first_move, full.generations.end());
  const int stop_at = static_cast<int>(first_move - full.generations.begin()) + 1;  // the second move
  const BatchSimulator all = known.simulator();
  const BatchSimulator stopping = [&](const Eigen::MatrixXd& u, int g,
                                      int b) -> std::optional<Eigen::VectorXd> {
    if (g == stop_at) return std::nullopt;
    return all(u, g, b);
  };
  const AbcResult stopped = abc_smc(2, tempering_settings(2), 23, stopping, floor_of_8, log_likelihood);
  EXPECT_FALSE(stopped.finished);
  EXPECT_EQ(static_cast<int>(stopped.generations.size()), stop_at);
  const AbcResult again = abc_smc(2, tempering_settings(2), 23, all, floor_of_8, log_likelihood);
  EXPECT_EQ(again.generations.back().u, full.generations.back().u);
  EXPECT_EQ(again.log_evidence, full.log_evidence);
}

TEST(WeightedQuantile, FollowsTheWeights) {
  const Eigen::VectorXd v = (Eigen::VectorXd(4) << 4, 1, 3, 2).finished();
  EXPECT_EQ(weighted_quantile(v, Eigen::VectorXd::Constant(4, 0.25), 0.5), 2);
  EXPECT_EQ(weighted_quantile(v, (Eigen::VectorXd(4) << 0.7, 0.1, 0.1, 0.1).finished(), 0.5), 4);
}

}  // namespace
}  // namespace hedgesim::calibration
