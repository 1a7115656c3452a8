// Tests of the sensitivity estimators against analytic answers: Sobol' indices of the Ishigami and G
// functions (inside the bootstrap CI and within 0.02), Ishigami's second-order indices, Morris rankings on
// the G function and exact elementary effects of a linear function, the formulas on a tiny design, zeros for
// a constant output, determinism per seed, and rejected inputs.
#include "experiment/sensitivity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace hedgesim {
namespace {

constexpr double kPi = boost::math::constants::pi<double>();
constexpr int kN = 8192;
constexpr int kBootstrap = 1000;
constexpr double kConfidence = 0.95;

template <typename F>
Eigen::VectorXd evaluate(const Eigen::MatrixXd& points, F f) {
  Eigen::VectorXd y(points.rows());
  for (Eigen::Index r = 0; r < points.rows(); ++r)
    y(r) = f(points.row(r).transpose());
  return y;
}

Eigen::VectorXd ishigami_outputs(const Eigen::MatrixXd& unit_points) {
  return evaluate(unit_points,
                  [](const Eigen::VectorXd& u) { return ishigami((-kPi + 2.0 * kPi * u.array()).matrix()); });
}

/// Analytic Ishigami indices (a = 7, b = 0.1), from the closed-form partial variances.
struct IshigamiAnalytic {
  std::vector<double> s1, st;
  double s13;
};
IshigamiAnalytic ishigami_analytic(double a = 7, double b = 0.1) {
  const double pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
  const double v1 = 0.5 * std::pow(1.0 + b * pi4 / 5.0, 2);
  const double v2 = a * a / 8.0;
  const double v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
  const double v = v1 + v2 + v13;
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}, v13 / v};
}

void expect_matches(const Estimate& e, double truth, double tolerance, const std::string& what) {
  EXPECT_NEAR(e.value, truth, tolerance) << what;
  EXPECT_LE(e.lo, truth) << what << ": analytic value below the CI [" << e.lo << ", " << e.hi << "]";
  EXPECT_GE(e.hi, truth) << what << ": analytic value above the CI [" << e.lo << ", " << e.hi << "]";
  EXPECT_LT(e.hi - e.lo, 0.1) << what << ": the CI is too wide to mean anything";
}

TEST(IshigamiAnalytic, MatchesThePublishedValues) {
  const IshigamiAnalytic t = ishigami_analytic();
  EXPECT_NEAR(t.s1[0], 0.3139, 5e-5);
  EXPECT_NEAR(t.s1[1], 0.4424, 5e-5);
  EXPECT_NEAR(t.st[0], 0.5576, 5e-5);
  EXPECT_NEAR(t.st[2], 0.2437, 5e-5);
}

TEST(SobolIndices, IshigamiFirstTotalAndSecondOrder) {
  const SaltelliDesign d = saltelli_design(3, kN, true);
  const SobolIndices s = sobol_indices(d, ishigami_outputs(d.points), kBootstrap, kConfidence, 1);
  const IshigamiAnalytic t = ishigami_analytic();
  ASSERT_EQ(s.S1.size(), 3u);
  ASSERT_EQ(s.ST.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    expect_matches(s.S1[i], t.s1[i], 0.02, "S1_" + std::to_string(i + 1));
    expect_matches(s.ST[i], t.st[i], 0.02, "ST_" + std::to_string(i + 1));
  }
  ASSERT_EQ(s.S2.size(), 3u);
  EXPECT_NEAR(s.S2[0][2].value, t.s13, 0.03) << "S13";
  EXPECT_NEAR(s.S2[0][1].value, 0.0, 0.03) << "S12";
  EXPECT_NEAR(s.S2[1][2].value, 0.0, 0.03) << "S23";
  EXPECT_TRUE(std::isnan(s.S2[1][0].value));  // i >= j: not estimated
  EXPECT_TRUE(std::isnan(s.S2[1][1].value));
}

TEST(SobolIndices, GFunctionFirstAndTotalOrder) {
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  const SaltelliDesign d = saltelli_design(static_cast<int>(a.size()), kN, false);
  const Eigen::VectorXd y = evaluate(d.points, [&](const Eigen::VectorXd& u) { return sobol_g(u, a); });
  const SobolIndices s = sobol_indices(d, y, kBootstrap, kConfidence, 2);
  const auto [s1, st] = sobol_g_analytic(a);
  EXPECT_TRUE(s.S2.empty());
  for (std::size_t i = 0; i < a.size(); ++i) {
    expect_matches(s.S1[i], s1[i], 0.02, "S1_" + std::to_string(i + 1));
    expect_matches(s.ST[i], st[i], 0.02, "ST_" + std::to_string(i + 1));
  }
}

TEST(SobolIndices, GFunctionAnalyticIndices) {
  // One input: everything is first order. Two equal inputs: S1 = V1 / (2 V1 + V1^2), ST = (V1 + V1^2) / V.
  const auto [s1, st] = sobol_g_analytic({0});
  EXPECT_DOUBLE_EQ(s1[0], 1.0);
  EXPECT_DOUBLE_EQ(st[0], 1.0);
  const double v1 = 1.0 / 3.0, v = 2 * v1 + v1 * v1;
  const auto [t1, tt] = sobol_g_analytic({0, 0});
  EXPECT_DOUBLE_EQ(t1[1], v1 / v);
  EXPECT_DOUBLE_EQ(tt[1], (v1 + v1 * v1) / v);
  EXPECT_THROW(sobol_g_analytic({}), std::invalid_argument);
  EXPECT_THROW(sobol_g_analytic({-1}), std::invalid_argument);
}

TEST(SobolIndices, PointEstimatesFollowTheFormulasOnATinyDesign) {
  // n = 8, k = 2, second order, an arbitrary output: recompute each estimator by hand after SALib's
  // normalisation (y - mean) / sd over all rows.
  const int k = 2, n = 8, block = 2 * k + 2;
  const SaltelliDesign d = saltelli_design(k, n, true);
  const Eigen::VectorXd y =
      evaluate(d.points, [](const Eigen::VectorXd& u) { return std::exp(u(0)) + 3 * u(1) * u(0) + u(1); });
  const Eigen::VectorXd z = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  auto A = [&](int j) { return z(j * block); };
  auto B = [&](int j) { return z(j * block + block - 1); };
  auto AB = [&](int j, int i) { return z(j * block + 1 + i); };
  auto BA = [&](int j, int i) { return z(j * block + 1 + k + i); };
  double m = 0, m2 = 0;
  for (int j = 0; j < n; ++j) {
    m += (A(j) + B(j)) / (2.0 * n);
    m2 += (A(j) * A(j) + B(j) * B(j)) / (2.0 * n);
  }
  const double v = m2 - m * m;
  std::vector<double> s1(k, 0.0), st(k, 0.0);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < n; ++j) {
      s1[static_cast<std::size_t>(i)] += B(j) * (AB(j, i) - A(j)) / n / v;
      st[static_cast<std::size_t>(i)] += std::pow(A(j) - AB(j, i), 2) / (2.0 * n) / v;
    }
  }
  double s12 = 0;
  for (int j = 0; j < n; ++j)
    s12 += (BA(j, 0) * AB(j, 1) - A(j) * B(j)) / n / v;
  s12 -= s1[0] + s1[1];

  const SobolIndices s = sobol_indices(d, y, 0, kConfidence, 1);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(s.S1[i].value, s1[i], 1e-12);
    EXPECT_NEAR(s.ST[i].value, st[i], 1e-12);
    EXPECT_EQ(s.S1[i].lo, s.S1[i].value);  // no bootstrap: a degenerate interval
    EXPECT_EQ(s.ST[i].hi, s.ST[i].value);
  }
  EXPECT_NEAR(s.S2[0][1].value, s12, 1e-12);
}

TEST(SobolIndices, JanonsFirstOrderFollowsItsFormulaOnATinyDesign) {
  // Janon et al. (2014): Y = f(B), Y' = f(AB_i) (they share x_i only), m = mean((Y + Y') / 2),
  // S1_i = (mean(Y Y') - m^2) / (mean((Y^2 + Y'^2) / 2) - m^2), on the normalised outputs.
  const int k = 2, n = 8, block = k + 2;
  const SaltelliDesign d = saltelli_design(k, n, false);
  const Eigen::VectorXd y =
      evaluate(d.points, [](const Eigen::VectorXd& u) { return std::exp(u(0)) + 3 * u(1) * u(0) + u(1); });
  const Eigen::VectorXd z = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  const SobolIndices saltelli = sobol_indices(d, y, 0, kConfidence, 1, S1Estimator::saltelli2010);
  const SobolIndices janon = sobol_indices(d, y, 0, kConfidence, 1, S1Estimator::janon2014);
  for (int i = 0; i < k; ++i) {
    double prod = 0, half_sum = 0, half_squares = 0;
    for (int j = 0; j < n; ++j) {
      const double b = z(j * block + block - 1), ab = z(j * block + 1 + i);
      prod += b * ab / n;
      half_sum += (b + ab) / 2 / n;
      half_squares += (b * b + ab * ab) / 2 / n;
    }
    const auto ui = static_cast<std::size_t>(i);
    const double expected = (prod - half_sum * half_sum) / (half_squares - half_sum * half_sum);
    EXPECT_NEAR(janon.S1[ui].value, expected, 1e-12) << i;
    EXPECT_GT(std::abs(janon.S1[ui].value - saltelli.S1[ui].value), 1e-6) << "the two estimators coincide";
    EXPECT_EQ(janon.ST[ui].value, saltelli.ST[ui].value) << "ST does not depend on the S1 estimator";
  }
}

TEST(SobolIndices, JanonsFirstOrderFindsTheGFunctionsAnalyticIndices) {
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  const SaltelliDesign d = saltelli_design(static_cast<int>(a.size()), kN, false);
  const Eigen::VectorXd y = evaluate(d.points, [&](const Eigen::VectorXd& u) { return sobol_g(u, a); });
  const SobolIndices s = sobol_indices(d, y, kBootstrap, kConfidence, 2, S1Estimator::janon2014);
  const auto [s1, st] = sobol_g_analytic(a);
  for (std::size_t i = 0; i < a.size(); ++i)
    expect_matches(s.S1[i], s1[i], 0.02, "S1_" + std::to_string(i + 1));
}

TEST(SobolNote, NamesOnlyValuesOutsideZeroToOne) {
  EXPECT_EQ(sobol_note("S1", 0.0), "");
  EXPECT_EQ(sobol_note("ST", 1.0), "");
  EXPECT_EQ(sobol_note("S1", 0.4), "");
  EXPECT_NE(sobol_note("S1", -0.01).find("S1 below 0 is estimator noise"), std::string::npos);
  EXPECT_NE(sobol_note("ST", 1.02).find("ST above 1 is estimator noise"), std::string::npos);
  EXPECT_NE(sobol_note("S2", -0.2).find("S2 below 0"), std::string::npos);
}

TEST(SobolIndices, DeterministicPerSeed) {
  const SaltelliDesign d = saltelli_design(3, 512, false);
  const Eigen::VectorXd y = ishigami_outputs(d.points);
  const SobolIndices s1 = sobol_indices(d, y, 200, kConfidence, 5);
  const SobolIndices s2 = sobol_indices(d, y, 200, kConfidence, 5);
  const SobolIndices s3 = sobol_indices(d, y, 200, kConfidence, 6);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s1.S1[i].lo, s2.S1[i].lo);
    EXPECT_EQ(s1.ST[i].hi, s2.ST[i].hi);
    EXPECT_EQ(s1.S1[i].value, s3.S1[i].value);  // the point estimate does not depend on the seed
    EXPECT_NE(s1.S1[i].lo, s3.S1[i].lo);
  }
}

TEST(SobolIndices, ConstantOutputGivesZerosNotNaN) {
  const SaltelliDesign d = saltelli_design(3, 64, true);
  for (const double c : {0.0, 0.1, -1e6}) {
    const SobolIndices s =
        sobol_indices(d, Eigen::VectorXd::Constant(d.points.rows(), c), 100, kConfidence, 1);
    for (std::size_t i = 0; i < 3; ++i) {
      for (const Estimate& e : {s.S1[i], s.ST[i]}) {
        EXPECT_EQ(e.value, 0.0) << "c = " << c;
        EXPECT_EQ(e.lo, 0.0) << "c = " << c;
        EXPECT_EQ(e.hi, 0.0) << "c = " << c;
      }
    }
    EXPECT_EQ(s.S2[0][2].value, 0.0);
    EXPECT_EQ(s.S2[0][2].hi, 0.0);
  }
}

TEST(SobolIndices, RejectsBadInput) {
  const SaltelliDesign d = saltelli_design(2, 16, false);
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(d.points.rows(), 0, 1);
  EXPECT_THROW(sobol_indices(d, y.head(10), 10, 0.95, 1), std::invalid_argument);
  EXPECT_THROW(sobol_indices(d, y, -1, 0.95, 1), std::invalid_argument);
  EXPECT_THROW(sobol_indices(d, y, 10, 1.0, 1), std::invalid_argument);
  EXPECT_THROW(sobol_indices(d, y, 10, 0.0, 1), std::invalid_argument);
  Eigen::VectorXd bad = y;
  bad(3) = std::nan("");
  EXPECT_THROW(sobol_indices(d, bad, 10, 0.95, 1), std::invalid_argument);
}

TEST(MorrisIndices, GFunctionRanksTheInfluentialInputsFirst) {
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  const MorrisDesign d = morris_design(6, 50, 4, 3);
  const Eigen::VectorXd y = evaluate(d.points, [&](const Eigen::VectorXd& u) { return sobol_g(u, a); });
  const MorrisIndices m = morris_indices(d, y, kBootstrap, kConfidence, 4);
  std::vector<int> order(6);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int i, int j) {
    return m.mu_star[static_cast<std::size_t>(i)].value > m.mu_star[static_cast<std::size_t>(j)].value;
  });
  EXPECT_EQ(order[0], 0);
  EXPECT_EQ(order[1], 1);
  EXPECT_EQ(order[2], 2);
  EXPECT_EQ(order[3], 3);
  EXPECT_EQ((std::set<int>{order[4], order[5]}), (std::set<int>{4, 5}));  // the two a = 99 inputs tie
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_LE(m.mu_star[i].lo, m.mu_star[i].value);
    EXPECT_GE(m.mu_star[i].hi, m.mu_star[i].value);
    EXPECT_GE(m.mu_star[i].value, std::abs(m.mu[i].value));
  }
  // The important inputs interact, so their effects vary from trajectory to trajectory.
  EXPECT_GT(m.sigma[0].value, 0.1);
}

TEST(MorrisIndices, LinearFunctionHasExactEffectsAndNoSpread) {
  const std::vector<double> c = {2.0, -3.0, 0.5, 0.0};
  const MorrisDesign d = morris_design(4, 20, 6, 8);
  const Eigen::VectorXd y = evaluate(d.points, [&](const Eigen::VectorXd& u) {
    return 1.0 + c[0] * u(0) + c[1] * u(1) + c[2] * u(2) + c[3] * u(3);
  });
  const MorrisIndices m = morris_indices(d, y, 100, kConfidence, 1);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(m.mu[i].value, c[i], 1e-12) << i;
    EXPECT_NEAR(m.mu_star[i].value, std::abs(c[i]), 1e-12) << i;
    EXPECT_NEAR(m.sigma[i].value, 0.0, 1e-12) << i;
    EXPECT_NEAR(m.mu[i].lo, c[i], 1e-12) << i;
    EXPECT_NEAR(m.mu[i].hi, c[i], 1e-12) << i;
  }
}

TEST(MorrisIndices, NonlinearEffectShowsInSigma) {
  // f = u0^2: the elementary effect of u0 depends on where the step is taken; u1 has no effect.
  const MorrisDesign d = morris_design(2, 30, 4, 2);
  const Eigen::VectorXd y = evaluate(d.points, [](const Eigen::VectorXd& u) { return u(0) * u(0); });
  const MorrisIndices m = morris_indices(d, y, 0, kConfidence, 1);
  // On the 4-level grid the u0 steps are 0 <-> 2/3 (EE = 2/3) and 1/3 <-> 1 (EE = 4/3).
  EXPECT_GE(m.mu[0].value, 2.0 / 3.0 - 1e-12);
  EXPECT_LE(m.mu[0].value, 4.0 / 3.0 + 1e-12);
  EXPECT_GT(m.sigma[0].value, 0.1);
  EXPECT_EQ(m.mu_star[1].value, 0.0);
  EXPECT_EQ(m.sigma[1].value, 0.0);
}

TEST(MorrisIndices, ConstantOutputGivesZeros) {
  const MorrisDesign d = morris_design(3, 10, 4, 1);
  const MorrisIndices m =
      morris_indices(d, Eigen::VectorXd::Constant(d.points.rows(), 4.2), 50, kConfidence, 1);
  for (std::size_t i = 0; i < 3; ++i) {
    for (const Estimate& e : {m.mu[i], m.mu_star[i], m.sigma[i]}) {
      EXPECT_EQ(e.value, 0.0);
      EXPECT_EQ(e.lo, 0.0);
      EXPECT_EQ(e.hi, 0.0);
    }
  }
}

TEST(MorrisIndices, DeterministicPerSeed) {
  const std::vector<double> a = {0, 1, 9};
  const MorrisDesign d = morris_design(3, 20, 4, 1);
  const Eigen::VectorXd y = evaluate(d.points, [&](const Eigen::VectorXd& u) { return sobol_g(u, a); });
  const MorrisIndices m1 = morris_indices(d, y, 200, kConfidence, 7);
  const MorrisIndices m2 = morris_indices(d, y, 200, kConfidence, 7);
  const MorrisIndices m3 = morris_indices(d, y, 200, kConfidence, 8);
  EXPECT_EQ(m1.mu_star[0].lo, m2.mu_star[0].lo);
  EXPECT_EQ(m1.sigma[1].hi, m2.sigma[1].hi);
  EXPECT_EQ(m1.mu_star[0].value, m3.mu_star[0].value);
  EXPECT_NE(m1.mu_star[0].lo, m3.mu_star[0].lo);
}

TEST(MorrisIndices, RejectsBadInput) {
  const MorrisDesign d = morris_design(2, 5, 4, 1);
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(d.points.rows(), 0, 1);
  EXPECT_THROW(morris_indices(d, y.head(4), 10, 0.95, 1), std::invalid_argument);
  EXPECT_THROW(morris_indices(d, y, 10, 1.5, 1), std::invalid_argument);
  EXPECT_THROW(morris_indices(morris_design(2, 1, 4, 1), y.head(3), 10, 0.95, 1), std::invalid_argument);
  MorrisDesign broken = d;
  broken.points(1, 0) = broken.points(0, 0);  // row 1 no longer a one-coordinate step of row 0
  broken.points(1, 1) = broken.points(0, 1);
  EXPECT_THROW(morris_indices(broken, y, 10, 0.95, 1), std::invalid_argument);
}

TEST(TestFunctions, IshigamiAndGAtKnownPoints) {
  EXPECT_DOUBLE_EQ(ishigami(Eigen::Vector3d(0, 0, 0)), 0.0);
  EXPECT_DOUBLE_EQ(ishigami(Eigen::Vector3d(kPi / 2, kPi / 2, 1.0)), 1.0 + 7.0 + 0.1);
  EXPECT_DOUBLE_EQ(ishigami(Eigen::Vector3d(kPi / 2, 0, 2.0), 1.0, 1.0), 1.0 + 16.0);
  EXPECT_DOUBLE_EQ(sobol_g(Eigen::Vector2d(0.5, 0.0), {0, 1}), 0.0);  // |4*0.5 - 2| + 0 = 0
  EXPECT_DOUBLE_EQ(sobol_g(Eigen::Vector2d(1.0, 0.25), {0, 1}), 2.0 * (1.0 + 1.0) / 2.0);
  EXPECT_THROW(sobol_g(Eigen::Vector2d(0.1, 0.2), {0}), std::invalid_argument);
}

}  // namespace
}  // namespace hedgesim
