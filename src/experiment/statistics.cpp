#include "experiment/statistics.hpp"

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

namespace hedgesim {

double quantile7(std::vector<double>& values, double p) {
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

std::pair<double, double> percentile_interval(std::vector<double>& estimates, double confidence) {
  const double lo = quantile7(estimates, (1.0 - confidence) / 2.0);
  const double hi = quantile7(estimates, (1.0 + confidence) / 2.0);
  return {lo, hi};
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v)
    s += x;
  return s / static_cast<double>(v.size());
}

double sample_variance(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean_of(v);
  double s = 0;
  for (double x : v)
    s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1);
}

std::uint64_t resampling_seed(std::uint64_t seed, int rank) {
  // A Weyl step by the golden ratio's 64-bit constant: distinct and well spread for every rank.
  return seed ^ (0x9e3779b97f4a7c15ull * static_cast<std::uint64_t>(rank + 1));
}

namespace {
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  return splitmix64(splitmix64(splitmix64(seed) ^ a) ^ b);
}

void Resampler::draw(int n, std::vector<int>& idx) {
  boost::random::uniform_int_distribution<int> pick(0, n - 1);
  idx.resize(static_cast<std::size_t>(n));
  for (int& i : idx)
    i = pick(rng_);
}

void Resampler::draw_counts(int n, Eigen::VectorXd& counts) {
  boost::random::uniform_int_distribution<int> pick(0, n - 1);
  counts.setZero(n);
  for (int m = 0; m < n; ++m)
    counts(pick(rng_)) += 1.0;
}

std::pair<double, double> bootstrap_mean_interval(const std::vector<double>& d, int resamples,
                                                  double confidence, std::uint64_t seed) {
  if (resamples <= 0 || d.empty()) {  // no interval to estimate: the mean itself
    const double m = d.empty() ? 0.0 : mean_of(d);
    return {m, m};
  }
  Resampler resampler(seed);
  std::vector<int> idx;
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (double& m : means) {
    resampler.draw(static_cast<int>(d.size()), idx);
    double s = 0;
    for (int i : idx)
      s += d[static_cast<std::size_t>(i)];
    m = s / static_cast<double>(d.size());
  }
  return percentile_interval(means, confidence);
}

}  // namespace hedgesim
