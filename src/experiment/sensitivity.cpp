// Sobol' and Morris sensitivity estimators with percentile-bootstrap intervals; Ishigami and Sobol' G.
#include "experiment/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "experiment/statistics.hpp"

namespace hedgesim {
namespace {

void require(bool ok, const std::string& function, const std::string& what) {
  if (!ok) throw std::invalid_argument(function + ": " + what);
}

void check_common(const std::string& function, Eigen::Index rows, const Eigen::VectorXd& y, int bootstrap,
                  double confidence) {
  require(
      y.size() == rows, function,
      "y has " + std::to_string(y.size()) + " values but the design has " + std::to_string(rows) + " rows");
  require(y.allFinite(), function, "y has a non-finite value (NaN or infinity)");
  require(bootstrap >= 0, function, "bootstrap must be >= 0, got " + std::to_string(bootstrap));
  require(confidence > 0.0 && confidence < 1.0, function,
          "confidence must be in (0, 1), got " + std::to_string(confidence));
}

/// Point estimate plus the percentile interval of the bootstrap estimates (which it sorts).
Estimate percentile_ci(double value, std::vector<double>& boot, double confidence) {
  if (boot.empty()) return {value, value, value};
  const auto [lo, hi] = percentile_interval(boot, confidence);
  return {value, lo, hi};
}

/// True if y is constant up to rounding: then centring leaves only rounding noise, which scaling would blow
/// up into O(1) garbage.
bool constant_up_to_rounding(const Eigen::VectorXd& y) {
  const double range = y.maxCoeff() - y.minCoeff();
  return range <= 64.0 * std::numeric_limits<double>::epsilon() * y.cwiseAbs().maxCoeff();
}

/// Below this (y is scaled to unit variance first) the variance of [f(A); f(B)] counts as zero.
constexpr double kZeroVariance = 1e-12;

/// Janon et al. (2014)'s first-order index from the means of Y Y', (Y + Y') / 2 and (Y^2 + Y'^2) / 2 over
/// pairs that share only x_i: the mean and the variance are estimated from both members of each pair, which
/// makes it asymptotically efficient and keeps it in [-1, 1]. 0 when those pairs have no variance.
double janon_first_order(double mean_product, double mean_half_sum, double mean_half_squares) {
  const double m2 = mean_half_sum * mean_half_sum;
  const double v = mean_half_squares - m2;
  return v > kZeroVariance ? (mean_product - m2) / v : 0.0;
}

}  // namespace

SobolIndices sobol_indices(const SaltelliDesign& d, const Eigen::VectorXd& y, int bootstrap,
                           double confidence, std::uint64_t seed, S1Estimator s1) {
  const std::string fn = "sobol_indices";
  const int k = d.k, n = d.n;
  const int block = d.second_order ? 2 * k + 2 : k + 2;
  require(k >= 1 && n >= 1 && d.points.rows() == static_cast<Eigen::Index>(n) * block && d.points.cols() == k,
          fn, "the design's points do not match its k, n and second_order");
  check_common(fn, d.points.rows(), y, bootstrap, confidence);

  const int pairs = d.second_order ? k * (k - 1) / 2 : 0;
  SobolIndices out;
  out.S1.assign(static_cast<std::size_t>(k), Estimate{});
  out.ST.assign(static_cast<std::size_t>(k), Estimate{});
  if (d.second_order) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.S2.assign(static_cast<std::size_t>(k),
                  std::vector<Estimate>(static_cast<std::size_t>(k), {nan, nan, nan}));
    for (int i = 0; i < k; ++i)
      for (int j = i + 1; j < k; ++j)
        out.S2[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = Estimate{};
  }
  if (constant_up_to_rounding(y)) return out;

  // Centre and scale like SALib: the ratios do not depend on the scale, but the estimators do depend on the
  // mean in finite samples, and unit scale makes kZeroVariance meaningful.
  const double mean = y.mean();
  const double sd = std::sqrt((y.array() - mean).square().mean());
  const Eigen::VectorXd z = (y.array() - mean) / sd;

  // Per-base-sample terms whose (weighted) means give every index: a bootstrap resample is then just a vector
  // of counts w, and its sums are T^T w.
  //   col 0: A + B, col 1: A^2 + B^2, cols 2..k+1: B (AB_i - A), cols k+2..2k+1: (A - AB_i)^2,
  //   cols 2k+2..: BA_i AB_j - A B for i < j;
  //   with Janon's S1, then per i: B AB_i, (B + AB_i) / 2, (B^2 + AB_i^2) / 2 (B and AB_i share x_i only).
  const bool janon = s1 == S1Estimator::janon2014;
  const int janon_at = 2 + 2 * k + pairs;
  const int terms = janon_at + (janon ? 3 * k : 0);
  Eigen::MatrixXd t(n, terms);
  for (int j = 0; j < n; ++j) {
    const Eigen::Index r0 = static_cast<Eigen::Index>(j) * block;
    const double a = z(r0), b = z(r0 + block - 1);
    t(j, 0) = a + b;
    t(j, 1) = a * a + b * b;
    for (int i = 0; i < k; ++i) {
      const double ab = z(r0 + 1 + i);
      t(j, 2 + i) = b * (ab - a);
      t(j, 2 + k + i) = (a - ab) * (a - ab);
    }
    int p = 0;
    for (int i = 0; i < k && d.second_order; ++i)
      for (int l = i + 1; l < k; ++l, ++p)
        t(j, 2 + 2 * k + p) = z(r0 + 1 + k + i) * z(r0 + 1 + l) - a * b;
    for (int i = 0; i < k && janon; ++i) {
      const double ab = z(r0 + 1 + i);
      t(j, janon_at + 3 * i) = b * ab;
      t(j, janon_at + 3 * i + 1) = (b + ab) / 2.0;
      t(j, janon_at + 3 * i + 2) = (b * b + ab * ab) / 2.0;
    }
  }

  // Indices from the weighted means s = T^T w / n; all zero when the variance of [f(A); f(B)] is.
  const int count = 2 * k + pairs;
  auto indices = [&](const Eigen::VectorXd& w, Eigen::VectorXd& est) {
    const Eigen::VectorXd s = t.transpose() * w / static_cast<double>(n);
    const double m = s(0) / 2.0;
    const double v = s(1) / 2.0 - m * m;
    est.setZero(count);
    if (!(v > kZeroVariance)) return false;
    for (int i = 0; i < k; ++i) {
      est(i) = janon
                   ? janon_first_order(s(janon_at + 3 * i), s(janon_at + 3 * i + 1), s(janon_at + 3 * i + 2))
                   : s(2 + i) / v;
      est(k + i) = s(2 + k + i) / 2.0 / v;
    }
    int p = 0;
    for (int i = 0; i < k && d.second_order; ++i)
      for (int l = i + 1; l < k; ++l, ++p)
        est(2 * k + p) = s(2 + 2 * k + p) / v - est(i) - est(l);
    return true;
  };

  Eigen::VectorXd point;
  if (!indices(Eigen::VectorXd::Ones(n), point)) return out;

  std::vector<std::vector<double>> boot(static_cast<std::size_t>(count));
  for (auto& b : boot)
    b.reserve(static_cast<std::size_t>(bootstrap));
  Resampler resampler(seed);
  Eigen::VectorXd w(n), est;
  for (int r = 0; r < bootstrap; ++r) {
    resampler.draw_counts(static_cast<int>(n), w);
    indices(w, est);
    for (int c = 0; c < count; ++c)
      boot[static_cast<std::size_t>(c)].push_back(est(c));
  }

  for (int i = 0; i < k; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    out.S1[ui] = percentile_ci(point(i), boot[ui], confidence);
    out.ST[ui] = percentile_ci(point(k + i), boot[static_cast<std::size_t>(k + i)], confidence);
  }
  int p = 0;
  for (int i = 0; i < k && d.second_order; ++i)
    for (int l = i + 1; l < k; ++l, ++p)
      out.S2[static_cast<std::size_t>(i)][static_cast<std::size_t>(l)] =
          percentile_ci(point(2 * k + p), boot[static_cast<std::size_t>(2 * k + p)], confidence);
  return out;
}

std::string s1_estimator_name(S1Estimator e) {
  return e == S1Estimator::janon2014 ? "janon2014" : "saltelli2010";
}

std::string sobol_note(const std::string& index, double value) {
  // Every Sobol' index is a share of the output's variance, so only sampling error can put it outside
  // [0, 1]; SALib users see such values without comment and read them as effects.
  if (value < 0.0)
    return index +
           " below 0 is estimator noise (a variance share lies in [0, 1]): more base samples narrow it";
  if (value > 1.0)
    return index +
           " above 1 is estimator noise (a variance share lies in [0, 1]): more base samples narrow it";
  return "";
}

MorrisIndices morris_indices(const MorrisDesign& d, const Eigen::VectorXd& y, int bootstrap,
                             double confidence, std::uint64_t seed) {
  const std::string fn = "morris_indices";
  const int k = d.k, r = d.trajectories;
  require(
      k >= 1 && r >= 1 && d.points.rows() == static_cast<Eigen::Index>(r) * (k + 1) && d.points.cols() == k,
      fn, "the design's points do not match its k and trajectories");
  require(r >= 2, fn, "at least 2 trajectories are needed to estimate sigma, got " + std::to_string(r));
  check_common(fn, d.points.rows(), y, bootstrap, confidence);

  // Elementary effects, one per (trajectory, coordinate).
  Eigen::MatrixXd ee(r, k);
  const double tol = 1e-9 * std::max(1.0, d.delta);
  for (int t = 0; t < r; ++t) {
    std::vector<bool> seen(static_cast<std::size_t>(k), false);
    const Eigen::Index first = static_cast<Eigen::Index>(t) * (k + 1);
    for (Eigen::Index row = first + 1; row <= first + k; ++row) {
      const Eigen::RowVectorXd step = d.points.row(row) - d.points.row(row - 1);
      int changed = -1, changes = 0;
      for (int i = 0; i < k; ++i) {
        if (step(i) != 0.0) {
          changed = i;
          ++changes;
        }
      }
      require(
          changes == 1 && std::abs(std::abs(step(changed)) - d.delta) <= tol &&
              !seen[static_cast<std::size_t>(changed)],
          fn,
          "rows " + std::to_string(row - 1) + " and " + std::to_string(row) +
              " are not a Morris step (exactly one coordinate, changed once per trajectory, by +-delta = " +
              std::to_string(d.delta) + ")");
      seen[static_cast<std::size_t>(changed)] = true;
      const double signed_delta = step(changed) > 0.0 ? d.delta : -d.delta;
      ee(t, changed) = (y(row) - y(row - 1)) / signed_delta;
    }
  }

  // mu, mu*, sigma over the trajectories listed in `idx` (with repetitions for a bootstrap resample).
  auto stats = [&](const std::vector<int>& idx, int i, double& mu, double& mu_star, double& sigma) {
    const auto m = static_cast<double>(idx.size());
    double sum = 0.0, sum_abs = 0.0;
    for (const int t : idx) {
      sum += ee(t, i);
      sum_abs += std::abs(ee(t, i));
    }
    mu = sum / m;
    mu_star = sum_abs / m;
    double ss = 0.0;
    for (const int t : idx)
      ss += (ee(t, i) - mu) * (ee(t, i) - mu);
    sigma = std::sqrt(ss / (m - 1.0));
  };

  std::vector<int> all(static_cast<std::size_t>(r));
  for (int t = 0; t < r; ++t)
    all[static_cast<std::size_t>(t)] = t;
  std::vector<double> mu(static_cast<std::size_t>(k)), mu_star(mu), sigma(mu);
  for (int i = 0; i < k; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    stats(all, i, mu[ui], mu_star[ui], sigma[ui]);
  }

  std::vector<std::vector<double>> boot_mu(static_cast<std::size_t>(k)), boot_star(boot_mu),
      boot_sigma(boot_mu);
  Resampler resampler(seed);
  std::vector<int> idx;
  for (int b = 0; b < bootstrap; ++b) {
    resampler.draw(r, idx);
    for (int i = 0; i < k; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      double m = 0.0, ms = 0.0, s = 0.0;
      stats(idx, i, m, ms, s);
      boot_mu[ui].push_back(m);
      boot_star[ui].push_back(ms);
      boot_sigma[ui].push_back(s);
    }
  }

  MorrisIndices out;
  for (int i = 0; i < k; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    out.mu.push_back(percentile_ci(mu[ui], boot_mu[ui], confidence));
    out.mu_star.push_back(percentile_ci(mu_star[ui], boot_star[ui], confidence));
    out.sigma.push_back(percentile_ci(sigma[ui], boot_sigma[ui], confidence));
  }
  return out;
}

double ishigami(const Eigen::Ref<const Eigen::VectorXd>& x, double a, double b) {
  require(x.size() == 3, "ishigami", "x must have 3 entries, got " + std::to_string(x.size()));
  const double s1 = std::sin(x(0)), s2 = std::sin(x(1));
  const double x3 = x(2) * x(2);
  return s1 + a * s2 * s2 + b * x3 * x3 * s1;
}

double sobol_g(const Eigen::Ref<const Eigen::VectorXd>& u, const std::vector<double>& a) {
  require(u.size() == static_cast<Eigen::Index>(a.size()), "sobol_g",
          "u has " + std::to_string(u.size()) + " entries but a has " + std::to_string(a.size()));
  double g = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i)
    g *= (std::abs(4.0 * u(static_cast<Eigen::Index>(i)) - 2.0) + a[i]) / (1.0 + a[i]);
  return g;
}

std::pair<std::vector<double>, std::vector<double>> sobol_g_analytic(const std::vector<double>& a) {
  require(!a.empty(), "sobol_g_analytic", "a must not be empty");
  std::vector<double> vi(a.size());
  double prod = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    require(a[i] >= 0.0, "sobol_g_analytic", "every a_i must be >= 0, got " + std::to_string(a[i]));
    vi[i] = 1.0 / (3.0 * (1.0 + a[i]) * (1.0 + a[i]));
    prod *= 1.0 + vi[i];
  }
  const double v = prod - 1.0;
  std::vector<double> s1(a.size()), st(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    s1[i] = vi[i] / v;
    st[i] = vi[i] * (prod / (1.0 + vi[i])) / v;
  }
  return {s1, st};
}

}  // namespace hedgesim
