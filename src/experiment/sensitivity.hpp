// Global sensitivity estimators and their analytic test functions: Sobol' indices (first order, total, second
// order) from a Saltelli design and Morris elementary-effect statistics from a Morris design (design.hpp),
// each with a percentile-bootstrap confidence interval. The estimators see only the outputs y, one value per
// design row in design row order; how y was produced (the model, replicates, an analytic function) is the
// experiment runner's business. The Ishigami and Sobol' G functions, with their analytic indices, are here so
// that every test can check the estimators against known answers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "experiment/design.hpp"

namespace hedgesim {

/// A point estimate and its percentile-bootstrap confidence interval [lo, hi] (type-7 quantiles of the
/// bootstrap estimates at (1 - confidence)/2 and (1 + confidence)/2). With bootstrap = 0, lo = hi = value.
/// The point estimate need not be the bootstrap median, and may lie outside [lo, hi] for biased estimators.
struct Estimate {
  double value = 0.0;
  double lo = 0.0;
  double hi = 0.0;
};

/// S1 and ST have k entries. S2 is empty for a first-order design; for a second-order design it is k x k
/// with S2[i][j] estimated for i < j only, and NaN (not estimated) for i >= j, as in SALib.
struct SobolIndices {
  std::vector<Estimate> S1, ST;
  std::vector<std::vector<Estimate>> S2;
};

/// Which first-order estimator sobol_indices uses. Both read f(B) and f(AB_i), which share only x_i.
enum class S1Estimator {
  saltelli2010,  ///< mean(f(B) (f(AB_i) - f(A))) / V: Saltelli et al. (2010) Table 2 (b), SALib's default
  janon2014      ///< Janon et al. (2014): mean and variance from the pairs (f(B), f(AB_i)) themselves
};

/// "saltelli2010" or "janon2014", the name experiment files and meta.json use.
std::string s1_estimator_name(S1Estimator e);

/// Sobol' indices from the outputs `y` of a Saltelli design `d` (y(r) is the output of d.points row r).
/// With V the population variance of [f(A); f(B)] (2n values):
///   S1_i = mean(f(B) (f(AB_i) - f(A))) / V                          (Saltelli et al. 2010; the default)
///   S1_i = (mean(Y Y') - m^2) / (mean((Y^2 + Y'^2) / 2) - m^2)       (Janon et al. 2014, on request)
///          with Y = f(B), Y' = f(AB_i), m = mean((Y + Y') / 2)
///   ST_i = mean((f(A) - f(AB_i))^2) / 2 / V                          (Jansen 1999)
///   S2_ij = mean(f(BA_i) f(AB_j) - f(A) f(B)) / V - S1_i - S1_j       (Saltelli 2002, as in SALib)
/// Like SALib, y is first centred and scaled by its mean and standard deviation over all rows (the ratios do
/// not depend on the scale, but these estimators do depend on the mean in finite samples).
/// Confidence intervals: `bootstrap` resamples of the n base samples (whole blocks A_j, AB_j, [BA_j], B_j)
/// with replacement, drawn with Boost uniform_int_distribution from a Boost mt19937_64 seeded with `seed`;
/// the result is deterministic for a given seed.
/// Zero variance: if V = 0 (e.g. a constant output) every index is 0 with CI [0, 0] rather than NaN; a
/// bootstrap resample whose V is 0 contributes 0.
/// Throws std::invalid_argument if y.size() != d.points.rows(), bootstrap < 0, confidence is not in (0, 1),
/// or y has a non-finite value.
/// Both S1 estimators are unbiased only in the limit: with few base samples S1 can fall below 0 and ST rise
/// above 1 (sobol_note names such values in indices.csv).
SobolIndices sobol_indices(const SaltelliDesign& d, const Eigen::VectorXd& y, int bootstrap,
                           double confidence, std::uint64_t seed, S1Estimator s1 = S1Estimator::saltelli2010);

/// What indices.csv's `note` says of a Sobol' estimate (index "S1", "ST" or "S2"): why a value outside the
/// index's range [0, 1] is estimator noise, or "" when it is inside.
std::string sobol_note(const std::string& index, double value);

/// Morris statistics, k entries each: mu (mean elementary effect), mu_star (mean |EE|, Campolongo et al.
/// 2007) and sigma (standard deviation of EE with n - 1 in the denominator).
struct MorrisIndices {
  std::vector<Estimate> mu, mu_star, sigma;
};

/// Morris statistics from the outputs `y` of a Morris design `d` (y(r) is the output of d.points row r).
/// Each consecutive pair of rows in a trajectory gives one elementary effect for the coordinate that changed,
/// EE = (y(next) - y(prev)) / (+delta or -delta), the sign being that of the step in the design.
/// Confidence intervals: `bootstrap` resamples of the trajectories with replacement (Boost mt19937_64 seeded
/// with `seed`, Boost uniform_int_distribution). A constant output gives 0 everywhere.
/// Throws std::invalid_argument if y.size() != d.points.rows(), d.trajectories < 2 (sigma needs two),
/// bootstrap < 0, confidence is not in (0, 1), y has a non-finite value, or two consecutive rows of a
/// trajectory do not differ in exactly one coordinate by delta.
MorrisIndices morris_indices(const MorrisDesign& d, const Eigen::VectorXd& y, int bootstrap,
                             double confidence, std::uint64_t seed);

/// Ishigami function f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1 on x in [-pi, pi]^3 (x already mapped; x must
/// have 3 entries). With a = 7, b = 0.1: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437),
/// S13 = 0.2437, S12 = S23 = 0.
double ishigami(const Eigen::Ref<const Eigen::VectorXd>& x, double a = 7, double b = 0.1);

/// Sobol' G function g(u) = prod_i (|4 u_i - 2| + a_i) / (1 + a_i) on u in [0, 1]^k, k = a.size(); the
/// smaller a_i >= 0, the more important input i. Throws std::invalid_argument if u.size() != a.size().
double sobol_g(const Eigen::Ref<const Eigen::VectorXd>& u, const std::vector<double>& a);

/// Analytic first-order and total indices of sobol_g: with V_i = 1 / (3 (1 + a_i)^2) and
/// V = prod (1 + V_i) - 1, S1_i = V_i / V and ST_i = V_i prod_{j != i} (1 + V_j) / V. Returns {S1, ST}.
std::pair<std::vector<double>, std::vector<double>> sobol_g_analytic(const std::vector<double>& a);

}  // namespace hedgesim
