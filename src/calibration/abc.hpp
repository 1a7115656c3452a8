// Approximate Bayesian Computation by sequential Monte Carlo (ABC-SMC; Toni et al. 2009, Beaumont et al.
// 2009) with an adaptive tolerance (Del Moral et al. 2012; Drovandi and Pettitt 2011): the algorithm alone,
// over particles in the unit cube [0, 1]^k, where every prior is uniform (a parameter's prior is its
// ParameterAxis, whose value_at maps the cube to the parameter's range and distribution). What a distance is
// — running the model, the observation model, the data — is the BatchSimulator's business, so that tests run
// the same algorithm on analytic problems with known posteriors. Every random draw comes from a stream
// derived from (seed, generation, batch), so a calibration replays to the same numbers when batches are read
// back from their journals after a kill. When the distance is a scaled deviance, the ABC generations are
// followed by likelihood tempering inside the last tolerance (sequential Monte Carlo with Metropolis-Hastings
// moves; Del Moral et al. 2006, Jasra et al. 2011), which ends on the posterior and estimates the evidence.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "calibration/calibration_spec.hpp"

namespace hedgesim::calibration {

/// Where an accepted particle was simulated: its generation, batch and row there.
struct Origin {
  int generation = 0, batch = 0, row = 0;
};

/// One generation's population.
struct Population {
  Eigen::MatrixXd u;         ///< particles x k, in the unit cube
  Eigen::VectorXd weight;    ///< normalised importance weights
  Eigen::VectorXd distance;  ///< each particle's distance
  std::vector<Origin> origin;
  double epsilon = 0;         ///< the tolerance it was accepted under (+inf for generation 0)
  std::int64_t proposed = 0;  ///< proposals simulated to fill it
  /// Of a tempering step (one Metropolis-Hastings move of every particle): its temperature phi in (0, 1] (the
  /// population targets prior * 1{d <= epsilon} * L^phi) and the effective sample size of the reweighting
  /// to phi, before resampling. 0 and NaN for the prior's and the ABC generations.
  double temperature = 0;
  double reweighted_ess = std::numeric_limits<double>::quiet_NaN();
  bool tempering() const { return temperature > 0; }
  std::int64_t moved = 0;                ///< of a tempering step: the particles whose move was accepted
  double acceptance() const;             ///< particles / proposed; of a tempering step, moved / particles
  double effective_sample_size() const;  ///< 1 / sum w^2 (Kish)
  /// Particles that are not copies of another (same origin): after resampling, the effective sample size of
  /// an equally weighted population is at most this.
  std::int64_t distinct_particles() const;
};

/// The distances of a batch of proposals (rows of u, in the unit cube) of a generation, or nothing when the
/// work was stopped (SIGINT): the caller keeps what is finished and resumes later.
using BatchSimulator =
    std::function<std::optional<Eigen::VectorXd>(const Eigen::MatrixXd& u, int generation, int batch)>;

struct AbcResult {
  std::vector<Population> generations;  ///< generation 0 (the prior) first
  std::int64_t simulations = 0;
  bool finished = false;    ///< false: stopped by the simulator; run again to resume
  std::string stop_reason;  ///< why the last generation is the last
  /// With tempering that reached phi = 1: log p(data) up to the likelihood's constant, the prior mass of the
  /// last tolerance's region (from the last ABC generation's importance weights; Didelot et al. 2011) times
  /// the tempering's product of mean incremental weights. NaN otherwise.
  double log_evidence = std::numeric_limits<double>::quiet_NaN();
};

/// Runs ABC-SMC: generation 0 is `particles` draws from the prior, all kept; generation g >= 1 takes the
/// tolerance eps_g = the `tolerance_quantile` quantile (type 7) of generation g - 1's distances, proposes in
/// batches (a particle of g - 1 drawn by weight, moved by a Gaussian kernel of covariance twice the weighted
/// covariance of g - 1 — Beaumont et al. 2009 — and redrawn while outside the cube), and keeps proposals
/// with distance <= eps_g in proposal order until it has `particles`; weights w_i are proportional to
/// 1 / sum_j w_j K(u_i | u_j) (a uniform prior). Stops after `generations`, when a generation's acceptance
/// falls below `min_acceptance` (that generation is kept), or before a batch would exceed `max_simulations`
/// (the unfinished generation is dropped). Throws std::invalid_argument for settings out of range.
/// `floor`, when given, bounds the tolerance from below as a function of the smallest distance seen so far:
/// the tolerance is max(quantile, floor(min distance)), and the generation that reaches the floor is the last
/// ("the tolerance reached its floor"). With a distance that is a scaled deviance, a floor keeps the whole
/// likelihood's mass inside the accepted region, so that weighting the last population by the likelihood
/// gives the exact posterior (Wilkinson 2013).
///
/// `log_likelihood`, when given, maps a distance to the log likelihood of the data (up to a constant). After
/// the ABC generations end (the floor, `generations` or the acceptance) and when `mcmc_steps` > 0, the last
/// population, a sample of the prior restricted to d <= epsilon, is tempered towards the posterior: the
/// temperature phi rises from 0 to 1 in steps chosen (by bisection) so that reweighting by L^(dphi) keeps the
/// effective sample size at `temper_ess` * N; after each step the population is resampled (systematic) and
/// every particle makes `mcmc_steps` random-walk Metropolis-Hastings moves (Gaussian, covariance
/// 2.38^2 / k times the population's; a move outside the cube or past epsilon is refused) targeting
/// prior * 1{d <= epsilon} * L^phi. Each move of all particles is one generation (tempering() is true).
AbcResult abc_smc(int k, const AbcSettings& settings, std::uint64_t seed, const BatchSimulator& simulate,
                  const std::function<double(double)>& floor = {},
                  const std::function<double(double)>& log_likelihood = {});

/// A population reweighted by each particle's likelihood exp(log_likelihood(distance)): the last ABC
/// population, a sample of the prior restricted to distance <= its tolerance, becomes a sample of the
/// posterior as long as the tolerance keeps the likelihood's mass (Wilkinson 2013).
Population likelihood_weighted(const Population& p, const std::function<double(double)>& log_likelihood);

/// The weighted mean and covariance of a population's particles.
Eigen::VectorXd weighted_mean(const Population& p);
Eigen::MatrixXd weighted_covariance(const Population& p);
/// The weighted quantile of `values` (one per particle): the smallest value whose cumulative weight
/// reaches q.
double weighted_quantile(const Eigen::VectorXd& values, const Eigen::VectorXd& weights, double q);

}  // namespace hedgesim::calibration
