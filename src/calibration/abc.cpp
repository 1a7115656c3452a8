// ABC-SMC with an adaptive tolerance over the unit cube (see abc.hpp).
#include "calibration/abc.hpp"

#include <algorithm>
#include <boost/random/discrete_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <vector>

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

/// One draw from the kernel mixture: a particle of `prev` drawn by weight, moved by the kernel L z.
Eigen::RowVectorXd mixture_draw(const Population& prev, const Eigen::MatrixXd& L,
                                boost::random::discrete_distribution<int>& pick,
                                boost::random::mt19937_64& rng) {
  boost::random::normal_distribution<double> normal;
  Eigen::VectorXd z(prev.u.cols());
  const int j = pick(rng);
  for (Eigen::Index c = 0; c < z.size(); ++c)
    z(c) = normal(rng);
  return prev.u.row(j) + (L * z).transpose();
}

bool inside_cube(const Eigen::RowVectorXd& u) {
  return (u.array() >= 0.0).all() && (u.array() <= 1.0).all();
}

/// One proposal: a mixture draw, redrawn (particle and move) while it falls outside the cube, where the prior
/// is 0.
Eigen::RowVectorXd propose(const Population& prev, const Eigen::MatrixXd& L,
                           boost::random::discrete_distribution<int>& pick, boost::random::mt19937_64& rng) {
  for (int attempt = 0; attempt < 100000; ++attempt) {
    Eigen::RowVectorXd u = mixture_draw(prev, L, pick, rng);
    if (inside_cube(u)) return u;
  }
  throw std::runtime_error("abc_smc: 100000 proposals in a row fell outside the prior's support");
}

/// log sum_j w_j exp(-|L^-1 (u_i - u_j)|^2 / 2) for each row u_i: the kernel mixture's density at u_i
/// without its Gaussian constant, in logs so that far particles do not underflow to 0.
Eigen::VectorXd log_mixture(const Eigen::MatrixXd& u, const Population& prev, const Eigen::MatrixXd& L) {
  const Eigen::Index n = u.rows(), m = prev.u.rows();
  Eigen::VectorXd out(n), terms(m);
  const auto Lt = L.triangularView<Eigen::Lower>();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < m; ++j) {
      const Eigen::VectorXd x = Lt.solve((u.row(i) - prev.u.row(j)).transpose());
      terms(j) = std::log(prev.weight(j)) - 0.5 * x.squaredNorm();
    }
    const double top = terms.maxCoeff();
    out(i) = top + std::log((terms.array() - top).exp().sum());
  }
  return out;
}

/// Normalised weights from their logs.
Eigen::VectorXd normalised(const Eigen::VectorXd& log_w) {
  const Eigen::VectorXd w = (log_w.array() - log_w.maxCoeff()).exp();
  return w / w.sum();
}

/// The importance weights of accepted particles under a uniform prior: w_i proportional to
/// 1 / sum_j w_j K(u_i | u_j).
Eigen::VectorXd importance_weights(const Eigen::MatrixXd& u, const Population& prev,
                                   const Eigen::MatrixXd& L) {
  return normalised(-log_mixture(u, prev, L));
}

double tolerance(const Population& prev, double q) {
  std::vector<double> d(prev.distance.data(), prev.distance.data() + prev.distance.size());
  return quantile7(d, q);
}

}  // namespace

double Population::acceptance() const {
  if (tempering()) return static_cast<double>(moved) / static_cast<double>(u.rows());
  return proposed > 0 ? static_cast<double>(u.rows()) / static_cast<double>(proposed) : 0.0;
}

double Population::effective_sample_size() const {
  return 1.0 / weight.squaredNorm();
}

std::int64_t Population::distinct_particles() const {
  std::vector<std::tuple<int, int, int>> where;
  for (const Origin& o : origin)
    where.emplace_back(o.generation, o.batch, o.row);
  std::sort(where.begin(), where.end());
  return std::unique(where.begin(), where.end()) - where.begin();
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

namespace {

/// The ABC generations: generation 0 from the prior, then shrinking tolerances (abc.hpp).
AbcResult abc_generations(int k, const AbcSettings& s, std::uint64_t seed, const BatchSimulator& simulate,
                          const std::function<double(double)>& floor) {
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

/// The random streams of inside_share() and of resampling, apart from the batches' (seed, generation, batch).
constexpr std::uint64_t kInsideShareStream = std::uint64_t{1} << 40;
constexpr std::uint64_t kResampleStream = (std::uint64_t{1} << 40) + 1;
/// Draws per particle that estimate the share of a kernel mixture inside the cube.
constexpr std::int64_t kInsideShareDraws = 100;
/// Temperatures at most: with each step keeping half the effective sample size, far more than any real fit
/// needs (about log2 of the likelihood's range over the population); a guard against a loop, not a setting.
constexpr int kMaxTemperatures = 200;

/// The share of the kernel mixture's draws that fall inside the cube: the truncated proposal's normalising
/// constant, from `draws` draws of a stream of its own.
double inside_share(const Population& prev, const Eigen::MatrixXd& L, std::uint64_t seed, int g,
                    std::int64_t draws) {
  boost::random::mt19937_64 rng(stream_seed(seed, static_cast<std::uint64_t>(g), kInsideShareStream));
  boost::random::discrete_distribution<int> pick(prev.weight.data(), prev.weight.data() + prev.weight.size());
  std::int64_t inside = 0;
  for (std::int64_t i = 0; i < draws; ++i)
    inside += inside_cube(mixture_draw(prev, L, pick, rng)) ? 1 : 0;
  return static_cast<double>(std::max<std::int64_t>(inside, 1)) / static_cast<double>(draws);
}

/// log of the prior mass of the last ABC generation's region {d <= epsilon}: (1 / M) sum over its accepted
/// particles of prior / q, M the proposals it took and q its proposal density, normalised (the Gaussian
/// constant and the share inside the cube) — the ABC-SMC evidence estimator of Didelot et al. (2011). 0 (the
/// whole cube) when the prior's generation is the last.
double log_region_mass(const AbcResult& res, std::uint64_t seed) {
  const int g = static_cast<int>(res.generations.size()) - 1;
  if (g == 0) return 0.0;
  const Population& prev = res.generations[static_cast<std::size_t>(g - 1)];
  const Population& last = res.generations.back();
  const Eigen::MatrixXd L = kernel_factor(prev);
  const int k = static_cast<int>(last.u.cols());
  const double log_q_constant = -0.5 * k * std::log(2 * std::numbers::pi) - L.diagonal().array().log().sum() -
                                std::log(inside_share(prev, L, seed, g, kInsideShareDraws * last.u.rows()));
  const Eigen::VectorXd minus_log_q = -(log_mixture(last.u, prev, L).array() + log_q_constant).matrix();
  const double top = minus_log_q.maxCoeff();
  return top + std::log((minus_log_q.array() - top).exp().sum() / static_cast<double>(last.proposed));
}

double effective_sample_size(const Eigen::VectorXd& log_w) {
  const Eigen::ArrayXd w = (log_w.array() - log_w.maxCoeff()).exp();
  return w.sum() * w.sum() / w.square().sum();
}

/// The next temperature step dphi in (0, 1 - phi]: the largest that keeps the effective sample size of the
/// reweighting by L^dphi at `target` (bisection), or all that is left when even that keeps it.
double temperature_step(const Eigen::VectorXd& log_weight, const Eigen::VectorXd& log_l, double left,
                        double target) {
  const auto ess_at = [&](double step) { return effective_sample_size(log_weight + step * log_l); };
  if (ess_at(left) >= target) return left;
  double lo = 0, hi = left;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (ess_at(mid) >= target ? lo : hi) = mid;
  }
  return std::max(lo, left * 1e-9);  // never a zero step
}

/// Systematic resampling (one uniform, N evenly spaced points on the weights' CDF): the particles' indices.
std::vector<int> systematic_resample(const Eigen::VectorXd& weight, boost::random::mt19937_64& rng) {
  const Eigen::Index n = weight.size();
  const double start = boost::random::uniform_01<double>()(rng) / static_cast<double>(n);
  std::vector<int> index(static_cast<std::size_t>(n));
  double cumulative = weight(0);
  Eigen::Index j = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double point = start + static_cast<double>(i) / static_cast<double>(n);
    while (point > cumulative && j < n - 1)
      cumulative += weight(++j);
    index[static_cast<std::size_t>(i)] = static_cast<int>(j);
  }
  return index;
}

/// The population after a resampling: the chosen particles, equal weights.
Population resampled(const Population& p, const std::vector<int>& index) {
  Population out = p;
  for (std::size_t i = 0; i < index.size(); ++i) {
    out.u.row(static_cast<Eigen::Index>(i)) = p.u.row(index[i]);
    out.distance(static_cast<Eigen::Index>(i)) = p.distance(index[i]);
    out.origin[i] = p.origin[static_cast<std::size_t>(index[i])];
  }
  out.weight.setConstant(1.0 / static_cast<double>(index.size()));
  return out;
}

/// x reflected into [0, 1] (as a billiard ball between the walls): a random walk reflected this way stays
/// symmetric coordinate by coordinate, so Metropolis-Hastings needs no correction for it.
double reflect_into_unit(double x) {
  x = std::fmod(std::abs(x), 2.0);
  return x > 1.0 ? 2.0 - x : x;
}

/// One Metropolis-Hastings move of every particle of `current` at temperature phi: a random walk with
/// independent Gaussian steps, coordinate c's variance 2.38^2 / k times the population's (Roberts and
/// Rosenthal 2001), reflected at the cube's walls (so that no proposal is wasted outside the prior's support,
/// where most of a broad posterior's proposals would fall; a diagonal step keeps the reflected walk
/// symmetric), refused past epsilon, else accepted with probability min(1, (L' / L)^phi). Proposals are
/// simulated in batches of particles; a batch's random stream is (seed, g, b), its uniforms drawn after its
/// proposals. False when stopped by the simulator.
bool move_particles(int g, const AbcSettings& s, std::uint64_t seed, const BatchSimulator& simulate,
                    const std::function<double(double)>& log_likelihood, Population& current,
                    AbcResult& res) {
  const int n = static_cast<int>(current.u.rows()), k = static_cast<int>(current.u.cols());
  const int batch = s.batch > 0 ? s.batch : s.particles;
  const Eigen::VectorXd step_sd =
      (weighted_covariance(current).diagonal() * (2.38 * 2.38 / k)).array().sqrt().max(1e-9).matrix();
  boost::random::normal_distribution<double> normal;
  boost::random::uniform_01<double> unit;
  Population next = current;
  next.proposed = 0;
  next.moved = 0;
  for (int b = 0, first = 0; first < n; ++b, first += batch) {
    const int rows = std::min(batch, n - first);
    boost::random::mt19937_64 rng(
        stream_seed(seed, static_cast<std::uint64_t>(g), static_cast<std::uint64_t>(b)));
    Eigen::MatrixXd u(rows, k);
    for (int i = 0; i < rows; ++i)
      for (int c = 0; c < k; ++c)
        u(i, c) = reflect_into_unit(current.u(first + i, c) + step_sd(c) * normal(rng));
    const std::optional<Eigen::VectorXd> d = simulate(u, g, b);
    if (!d) return false;
    res.simulations += rows;
    next.proposed += rows;
    for (int r = 0; r < rows; ++r) {
      const int i = first + r;
      const double log_ratio =
          current.temperature * (log_likelihood((*d)(r)) - log_likelihood(current.distance(i)));
      if (std::log(unit(rng)) < log_ratio && (*d)(r) <= current.epsilon) {
        next.u.row(i) = u.row(r);
        next.distance(i) = (*d)(r);
        next.origin[static_cast<std::size_t>(i)] = {g, b, r};
        ++next.moved;
      }
    }
  }
  current = std::move(next);
  return true;
}

/// After the ABC generations: likelihood tempering inside the last tolerance, up to phi = 1 (abc.hpp).
void temper(const AbcSettings& s, std::uint64_t seed, const BatchSimulator& simulate,
            const std::function<double(double)>& log_likelihood, AbcResult& res) {
  Population current = res.generations.back();
  const Eigen::Index n = current.u.rows();
  double log_z = log_region_mass(res, seed);
  int moves = 0;
  Eigen::VectorXd log_l(n);
  for (int t = 0; t < kMaxTemperatures && current.temperature < 1; ++t) {
    for (Eigen::Index i = 0; i < n; ++i)
      log_l(i) = log_likelihood(current.distance(i));
    const Eigen::VectorXd log_w = current.weight.array().log().matrix();
    const double left = 1 - current.temperature;
    const double step = temperature_step(log_w, log_l, left, s.temper_ess * effective_sample_size(log_w));
    // log of the mean incremental weight, sum_i W_i L_i^step: this step's factor of the evidence
    const Eigen::VectorXd log_inc = log_w + step * log_l;
    const double top = log_inc.maxCoeff();
    log_z += top + std::log((log_inc.array() - top).exp().sum());
    current.weight = normalised(log_inc);
    const double ess = effective_sample_size(log_inc);
    current.temperature = step == left ? 1.0 : current.temperature + step;
    const int g0 = static_cast<int>(res.generations.size());
    boost::random::mt19937_64 rng(stream_seed(seed, static_cast<std::uint64_t>(g0), kResampleStream));
    current = resampled(current, systematic_resample(current.weight, rng));
    current.reweighted_ess = ess;
    for (int m = 0; m < s.mcmc_steps; ++m) {
      const int g = static_cast<int>(res.generations.size());
      if (res.simulations + n > s.max_simulations) {
        res.stop_reason += "; tempering stopped at temperature " + std::to_string(current.temperature) +
                           ": a move would pass max_simulations (" + std::to_string(s.max_simulations) + ")";
        return;
      }
      if (!move_particles(g, s, seed, simulate, log_likelihood, current, res)) {
        res.finished = false;
        return;
      }
      res.generations.push_back(current);
      ++moves;
    }
  }
  if (current.temperature < 1) {  // kMaxTemperatures: the posterior is reweighted by what is left (fit.cpp)
    res.stop_reason += "; tempering stopped after " + std::to_string(kMaxTemperatures) +
                       " temperatures, at " + std::to_string(current.temperature);
    return;
  }
  res.log_evidence = log_z;
  res.stop_reason += "; then tempered to the likelihood in " + std::to_string(moves) + " moves";
}

}  // namespace

Population likelihood_weighted(const Population& last, const std::function<double(double)>& log_likelihood) {
  Eigen::VectorXd log_w(last.weight.size());
  for (Eigen::Index i = 0; i < log_w.size(); ++i)
    log_w(i) = std::log(last.weight(i)) + log_likelihood(last.distance(i));
  Population p = last;
  p.weight = normalised(log_w);
  return p;
}

AbcResult abc_smc(int k, const AbcSettings& s, std::uint64_t seed, const BatchSimulator& simulate,
                  const std::function<double(double)>& floor,
                  const std::function<double(double)>& log_likelihood) {
  require(k >= 1, "k must be >= 1");
  require(s.particles >= 2, "particles must be >= 2");
  require(s.tolerance_quantile > 0 && s.tolerance_quantile < 1, "tolerance_quantile must be in (0, 1)");
  require(s.mcmc_steps >= 0, "mcmc_steps must be >= 0");
  require(s.temper_ess > 0 && s.temper_ess < 1, "temper_ess must be in (0, 1)");
  AbcResult res = abc_generations(k, s, seed, simulate, floor);
  if (res.finished && !res.generations.empty() && log_likelihood && s.mcmc_steps > 0)
    temper(s, seed, simulate, log_likelihood, res);
  return res;
}

}  // namespace hedgesim::calibration
