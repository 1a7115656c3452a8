// ABC-SMC with an adaptive tolerance over the unit cube (see abc.hpp).
#include "calibration/abc.hpp"

#include <boost/random/discrete_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "experiment/statistics.hpp"

namespace hedgesim::calibration {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("abc_smc: " + what);
}

/// Generation 0: n independent draws from the uniform prior on the cube.
Eigen::MatrixXd prior_draws(int n, int k, boost::random::mt19937_64& rng) {
  boost::random::uniform_01<double> unit;
  Eigen::MatrixXd u(n, k);
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < k; ++c)
      u(i, c) = unit(rng);
  return u;
}

/// The perturbation kernel of a generation: N(0, 2 Cov_w) of the previous population (Beaumont et al. 2009,
/// the optimal scale for a Gaussian random walk on the tolerance's shrinking region), as its Cholesky factor.
/// A tiny ridge keeps it positive definite when a population has collapsed onto a line.
Eigen::MatrixXd kernel_factor(const Population& prev) {
  const Eigen::Index k = prev.u.cols();
  const Eigen::MatrixXd cov = 2.0 * weighted_covariance(prev) + 1e-12 * Eigen::MatrixXd::Identity(k, k);
  return cov.llt().matrixL();
}

/// One proposal: a particle of `prev` drawn by weight and moved by the kernel, redrawn while it falls outside
/// the cube (where the prior is 0).
Eigen::RowVectorXd propose(const Population& prev, const Eigen::MatrixXd& L,
                           boost::random::discrete_distribution<int>& pick, boost::random::mt19937_64& rng) {
  boost::random::normal_distribution<double> normal;
  const Eigen::Index k = prev.u.cols();
  Eigen::VectorXd z(k);
  for (int attempt = 0; attempt < 100000; ++attempt) {
    const int j = pick(rng);
    for (Eigen::Index c = 0; c < k; ++c)
      z(c) = normal(rng);
    const Eigen::RowVectorXd u = prev.u.row(j) + (L * z).transpose();
    if ((u.array() >= 0.0).all() && (u.array() <= 1.0).all()) return u;
  }
  throw std::runtime_error("abc_smc: 100000 proposals in a row fell outside the prior's support");
}

/// The importance weights of accepted particles under a uniform prior: w_i proportional to
/// 1 / sum_j w_j K(u_i | u_j), computed in logs so that far particles do not underflow to 0.
Eigen::VectorXd importance_weights(const Eigen::MatrixXd& u, const Population& prev,
                                   const Eigen::MatrixXd& L) {
  const Eigen::Index n = u.rows(), m = prev.u.rows();
  Eigen::VectorXd log_w(n), terms(m);
  const auto Lt = L.triangularView<Eigen::Lower>();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < m; ++j) {
      const Eigen::VectorXd x = Lt.solve((u.row(i) - prev.u.row(j)).transpose());
      terms(j) = std::log(prev.weight(j)) - 0.5 * x.squaredNorm();
    }
    const double top = terms.maxCoeff();
    log_w(i) = -(top + std::log((terms.array() - top).exp().sum()));
  }
  const Eigen::VectorXd w = (log_w.array() - log_w.maxCoeff()).exp();
  return w / w.sum();
}

double tolerance(const Population& prev, double q) {
  std::vector<double> d(prev.distance.data(), prev.distance.data() + prev.distance.size());
  return quantile7(d, q);
}

}  // namespace

double Population::acceptance() const {
  return proposed > 0 ? static_cast<double>(u.rows()) / static_cast<double>(proposed) : 0.0;
}

double Population::effective_sample_size() const {
  return 1.0 / weight.squaredNorm();
}

Eigen::VectorXd weighted_mean(const Population& p) {
  return p.u.transpose() * p.weight;
}

Eigen::MatrixXd weighted_covariance(const Population& p) {
  const Eigen::VectorXd mean = weighted_mean(p);
  const Eigen::MatrixXd centred = p.u.rowwise() - mean.transpose();
  // The unbiased form for normalised weights: sum w (x - m)(x - m)^T / (1 - sum w^2).
  const double norm = 1.0 - p.weight.squaredNorm();
  return centred.transpose() * p.weight.asDiagonal() * centred / (norm > 0 ? norm : 1.0);
}

double weighted_quantile(const Eigen::VectorXd& values, const Eigen::VectorXd& weights, double q) {
  std::vector<int> order(static_cast<std::size_t>(values.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return values(a) < values(b); });
  double cumulative = 0;
  for (int i : order) {
    cumulative += weights(i);
    if (cumulative >= q * weights.sum() - 1e-12) return values(i);
  }
  return values(order.back());
}

AbcResult abc_smc(int k, const AbcSettings& s, std::uint64_t seed, const BatchSimulator& simulate,
                  const std::function<double(double)>& floor) {
  require(k >= 1, "k must be >= 1");
  require(s.particles >= 2, "particles must be >= 2");
  require(s.tolerance_quantile > 0 && s.tolerance_quantile < 1, "tolerance_quantile must be in (0, 1)");
  const int n = s.particles, batch = s.batch > 0 ? s.batch : s.particles;
  AbcResult res;
  if (n > s.max_simulations) {
    res.finished = true;
    res.stop_reason = "max_simulations is below the particles of the prior's generation";
    return res;
  }
  boost::random::mt19937_64 rng0(stream_seed(seed, 0, 0));
  Population p0;
  p0.u = prior_draws(n, k, rng0);
  const std::optional<Eigen::VectorXd> d0 = simulate(p0.u, 0, 0);
  if (!d0) return res;
  p0.distance = *d0;
  p0.weight = Eigen::VectorXd::Constant(n, 1.0 / n);
  for (int i = 0; i < n; ++i)
    p0.origin.push_back({0, 0, i});
  p0.epsilon = std::numeric_limits<double>::infinity();
  p0.proposed = n;
  res.simulations = n;
  res.generations.push_back(std::move(p0));

  for (int g = 1; g <= s.generations; ++g) {
    const Population& prev = res.generations.back();
    Population next;
    next.epsilon = tolerance(prev, s.tolerance_quantile);
    bool at_floor = false;
    if (floor) {
      double seen = std::numeric_limits<double>::infinity();
      for (const Population& p : res.generations)
        seen = std::min(seen, p.distance.minCoeff());
      const double lowest = floor(seen);
      at_floor = next.epsilon <= lowest;
      next.epsilon = std::max(next.epsilon, lowest);
    }
    const Eigen::MatrixXd L = kernel_factor(prev);
    boost::random::discrete_distribution<int> pick(prev.weight.data(),
                                                   prev.weight.data() + prev.weight.size());
    std::vector<Eigen::RowVectorXd> kept;
    std::vector<double> kept_distance;
    for (int b = 0; static_cast<int>(kept.size()) < n; ++b) {
      if (res.simulations + batch > s.max_simulations) {
        res.finished = true;
        res.stop_reason = "generation " + std::to_string(g) + " would pass max_simulations (" +
                          std::to_string(s.max_simulations) + "); it is dropped";
        return res;
      }
      boost::random::mt19937_64 rng(
          stream_seed(seed, static_cast<std::uint64_t>(g), static_cast<std::uint64_t>(b)));
      Eigen::MatrixXd u(batch, k);
      for (int i = 0; i < batch; ++i)
        u.row(i) = propose(prev, L, pick, rng);
      const std::optional<Eigen::VectorXd> d = simulate(u, g, b);
      if (!d) return res;
      res.simulations += batch;
      for (int i = 0; i < batch && static_cast<int>(kept.size()) < n; ++i) {
        ++next.proposed;
        if ((*d)(i) <= next.epsilon) {
          kept.push_back(u.row(i));
          kept_distance.push_back((*d)(i));
          next.origin.push_back({g, b, i});
        }
      }
    }
    next.u.resize(n, k);
    next.distance.resize(n);
    for (int i = 0; i < n; ++i) {
      next.u.row(i) = kept[static_cast<std::size_t>(i)];
      next.distance(i) = kept_distance[static_cast<std::size_t>(i)];
    }
    next.weight = importance_weights(next.u, prev, L);
    res.generations.push_back(std::move(next));
    if (at_floor) {
      res.finished = true;
      res.stop_reason = "generation " + std::to_string(g) + " reached the tolerance's floor";
      return res;
    }
    if (res.generations.back().acceptance() < s.min_acceptance) {
      res.finished = true;
      res.stop_reason = "generation " + std::to_string(g) + " accepted " +
                        std::to_string(res.generations.back().acceptance()) +
                        " of its proposals, below min_acceptance";
      return res;
    }
  }
  res.finished = true;
  res.stop_reason = "all " + std::to_string(s.generations) + " generations done";
  return res;
}

}  // namespace hedgesim::calibration
