// Statistics over replicates and design points, one implementation each for the whole experiment layer:
// type-7 quantiles, means and variances, resampling with replacement for percentile-bootstrap intervals, and
// how a bootstrap's random stream is derived from an experiment's seed. (Sensitivity indices, compare's
// differences and a run's bands all use these, so an interval means the same thing everywhere.)
#pragma once

#include <Eigen/Dense>
#include <boost/random/mersenne_twister.hpp>
#include <cstdint>
#include <utility>
#include <vector>

namespace hedgesim {

/// Type-7 quantile (linear interpolation between order statistics, R's and NumPy's default) of `values`,
/// which it sorts in place.
double quantile7(std::vector<double>& values, double p);

/// The central `confidence` interval of bootstrap estimates: their type-7 quantiles at (1 - confidence) / 2
/// and (1 + confidence) / 2 (it sorts them).
std::pair<double, double> percentile_interval(std::vector<double>& estimates, double confidence);

double mean_of(const std::vector<double>& v);
/// The sample variance (n - 1 in the denominator); 0 for fewer than two values.
double sample_variance(const std::vector<double>& v);

/// The seed of the bootstrap stream of the `rank`-th quantity (a metric) of an experiment seeded `seed`:
/// distinct streams per quantity, none equal to the runs' own seed.
std::uint64_t resampling_seed(std::uint64_t seed, int rank);

/// The seed of stream (a, b) of a two-level family under `seed` (a calibration's generation and batch):
/// SplitMix64 (Steele et al. 2014) finalisers chained over (seed, a, b), so that distinct pairs give
/// unrelated streams, none equal to the seed or to a resampling_seed in practice.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b);

/// Resampling with replacement (Efron 1979), from one seeded stream.
class Resampler {
 public:
  explicit Resampler(std::uint64_t seed) : rng_(seed) {}
  /// n indices drawn uniformly from [0, n) with replacement (idx is resized to n).
  void draw(int n, std::vector<int>& idx);
  /// The same draw, as how often each of the n items was drawn (counts is resized to n).
  void draw_counts(int n, Eigen::VectorXd& counts);

 private:
  boost::random::mt19937_64 rng_;
};

/// The percentile-bootstrap `confidence` interval of the mean of `d`, from `resamples` resamples.
std::pair<double, double> bootstrap_mean_interval(const std::vector<double>& d, int resamples,
                                                  double confidence, std::uint64_t seed);

}  // namespace hedgesim
