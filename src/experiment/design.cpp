// Unit-hypercube experiment designs: grid, Latin hypercube, Morris trajectories, Saltelli's Sobol' scheme.
#include "experiment/design.hpp"

#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/sobol.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <climits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hedgesim {
namespace {

void require(bool ok, const std::string& function, const std::string& what) {
  if (!ok) throw std::invalid_argument(function + ": " + what);
}

/// Throws unless rows * cols values fit in an int (the designs' sizes are ints).
void require_size(const std::string& function, long double rows, int cols) {
  require(rows * cols <= static_cast<long double>(INT_MAX), function,
          "the design would have " + std::to_string(static_cast<double>(rows * cols)) + " values; at most " +
              std::to_string(INT_MAX) + " are allowed");
}

/// In-place Fisher-Yates shuffle with Boost's uniform_int_distribution. std::shuffle is not used because
/// its algorithm is unspecified, so designs would differ between standard libraries.
void shuffle(std::vector<int>& v, boost::random::mt19937_64& rng) {
  for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) {
    boost::random::uniform_int_distribution<int> pick(0, i);
    std::swap(v[static_cast<std::size_t>(i)], v[static_cast<std::size_t>(pick(rng))]);
  }
}

}  // namespace

Eigen::MatrixXd grid_design(int k, int levels) {
  require(k >= 1, "grid_design", "k must be >= 1, got " + std::to_string(k));
  require(levels >= 2, "grid_design", "levels must be >= 2, got " + std::to_string(levels));
  long double rows = 1;
  for (int i = 0; i < k; ++i) {
    rows *= levels;
    require_size("grid_design", rows, k);
  }
  const int n = static_cast<int>(rows);
  Eigen::MatrixXd x(n, k);
  const double step = 1.0 / (levels - 1);
  for (int r = 0; r < n; ++r) {
    int rest = r;
    for (int c = k - 1; c >= 0; --c) {  // the last column is the fastest digit of r in base `levels`
      x(r, c) = (rest % levels) * step;
      rest /= levels;
    }
  }
  return x;
}

Eigen::MatrixXd lhs_design(int k, int n, std::uint64_t seed) {
  require(k >= 1, "lhs_design", "k must be >= 1, got " + std::to_string(k));
  require(n >= 1, "lhs_design", "n must be >= 1, got " + std::to_string(n));
  require(
      static_cast<long long>(k) <= static_cast<long long>(boost::random::default_sobol_table::max_dimension),
      "lhs_design",
      "k must be <= " + std::to_string(boost::random::default_sobol_table::max_dimension) +
          " (the dimensions of Boost's Sobol' table), got " + std::to_string(k));
  require_size("lhs_design", n, k);
  // A Latinized Sobol' sequence: the first n points of Boost's Sobol' sequence, each column replaced by its
  // ranks (which stratum of [0, 1) the point falls in), then jittered uniformly inside the stratum. Every
  // column keeps exactly one point per stratum (Latin hypercube) while the points inherit the sequence's even
  // spread in several dimensions at once, which a randomly permuted LHS lacks.
  boost::random::sobol_engine<std::uint32_t, 32> sobol(static_cast<std::size_t>(k));
  boost::random::uniform_01<double> unit;
  Eigen::MatrixXd u(n, k);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < k; ++c)
      u(r, c) = unit(sobol);
  boost::random::mt19937_64 rng(seed);
  boost::random::uniform_real_distribution<double> offset(0.0, 1.0);
  Eigen::MatrixXd x(n, k);
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int c = 0; c < k; ++c) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return u(a, c) < u(b, c); });
    for (int rank = 0; rank < n; ++rank)
      x(order[static_cast<std::size_t>(rank)], c) = rank;
    for (int r = 0; r < n; ++r)
      x(r, c) = (x(r, c) + offset(rng)) / n;
  }
  return x;
}

MorrisDesign morris_design(int k, int trajectories, int levels, std::uint64_t seed) {
  require(k >= 1, "morris_design", "k must be >= 1, got " + std::to_string(k));
  require(trajectories >= 1, "morris_design",
          "trajectories must be >= 1, got " + std::to_string(trajectories));
  require(levels >= 2 && levels % 2 == 0, "morris_design",
          "levels must be even and >= 2, got " + std::to_string(levels));
  require_size("morris_design", static_cast<long double>(trajectories) * (k + 1), k);
  const int half = levels / 2;  // delta in grid steps: delta = half / (levels - 1) = p / (2(p-1))
  MorrisDesign d;
  d.k = k;
  d.trajectories = trajectories;
  d.levels = levels;
  d.delta = static_cast<double>(half) / (levels - 1);
  d.points.resize(static_cast<Eigen::Index>(trajectories) * (k + 1), k);

  boost::random::mt19937_64 rng(seed);
  boost::random::uniform_int_distribution<int> base_level(0, half - 1);
  boost::random::uniform_int_distribution<int> coin(0, 1);
  std::vector<int> level(static_cast<std::size_t>(k));  // current grid level of each coordinate
  std::vector<int> order(static_cast<std::size_t>(k));
  for (int t = 0; t < trajectories; ++t) {
    std::vector<int> sign(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      const int base = base_level(rng);
      const bool up = coin(rng) == 1;
      level[static_cast<std::size_t>(i)] = up ? base : base + half;
      sign[static_cast<std::size_t>(i)] = up ? 1 : -1;
    }
    std::iota(order.begin(), order.end(), 0);
    shuffle(order, rng);
    const Eigen::Index first = static_cast<Eigen::Index>(t) * (k + 1);
    for (int step = 0; step <= k; ++step) {
      if (step > 0) {
        const auto i = static_cast<std::size_t>(order[static_cast<std::size_t>(step - 1)]);
        level[i] += sign[i] * half;
      }
      // Values are computed from integer levels, so they lie exactly on the grid.
      for (int i = 0; i < k; ++i)
        d.points(first + step, i) = static_cast<double>(level[static_cast<std::size_t>(i)]) / (levels - 1);
    }
  }
  return d;
}

std::int64_t saltelli_skip(int n) {
  // The smallest power of two >= n (SALib's default since 1.4.6, after Owen 2020): points 2^m .. 2^m + n - 1
  // of the sequence, so the first block is not the centre point (0.5, ..., 0.5) in A and B alike, whose
  // block would hold one point k + 2 times and contribute nothing to any index.
  std::int64_t skip = 1;
  while (skip < n)
    skip *= 2;
  return skip;
}

std::string saltelli_role(const SaltelliDesign& d, Eigen::Index row, const std::vector<std::string>& names) {
  const int block = d.second_order ? 2 * d.k + 2 : d.k + 2;
  const auto r = static_cast<int>(row % block);
  if (r == 0) return "A";
  if (r == block - 1) return "B";
  if (r <= d.k) return "AB_" + names.at(static_cast<std::size_t>(r - 1));
  return "BA_" + names.at(static_cast<std::size_t>(r - 1 - d.k));
}

std::string morris_role(const MorrisDesign& d, Eigen::Index row, const std::vector<std::string>& names) {
  if (row % (d.k + 1) == 0) return "start";
  Eigen::Index changed = 0;
  (d.points.row(row) - d.points.row(row - 1)).cwiseAbs().maxCoeff(&changed);
  return "step_" + names.at(static_cast<std::size_t>(changed));
}

int saltelli_block(const SaltelliDesign& d, Eigen::Index row) {
  const int block = d.second_order ? 2 * d.k + 2 : d.k + 2;
  return static_cast<int>(row / block);
}

SaltelliDesign saltelli_design(int k, int n, bool second_order) {
  using Sobol = boost::random::sobol_engine<std::uint32_t, 32>;
  require(k >= 1, "saltelli_design", "k must be >= 1, got " + std::to_string(k));
  require(n >= 1, "saltelli_design", "n must be >= 1, got " + std::to_string(n));
  require(2 * static_cast<long long>(k) <=
              static_cast<long long>(boost::random::default_sobol_table::max_dimension),
          "saltelli_design",
          "k must be <= " + std::to_string(boost::random::default_sobol_table::max_dimension / 2) +
              " (Boost's Sobol' table has " +
              std::to_string(boost::random::default_sobol_table::max_dimension) + " dimensions), got " +
              std::to_string(k));
  const int block = second_order ? 2 * k + 2 : k + 2;
  require_size("saltelli_design", static_cast<long double>(n) * block, k);

  SaltelliDesign d;
  d.k = k;
  d.n = n;
  d.second_order = second_order;
  d.points.resize(static_cast<Eigen::Index>(n) * block, k);

  // With 32 bits, v / 2^32 is exact in double, so uniform_01 never rounds up to 1 (which would make it draw
  // again and shift the coordinates).
  Sobol sobol(static_cast<std::size_t>(2 * k));
  sobol.discard(static_cast<std::uintmax_t>(saltelli_skip(n) - 1) * static_cast<std::uintmax_t>(2 * k));
  boost::random::uniform_01<double> unit;
  Eigen::RowVectorXd a(k), b(k);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < k; ++i)
      a(i) = unit(sobol);
    for (int i = 0; i < k; ++i)
      b(i) = unit(sobol);
    const Eigen::Index r0 = static_cast<Eigen::Index>(j) * block;
    d.points.row(r0) = a;
    for (int i = 0; i < k; ++i) {
      d.points.row(r0 + 1 + i) = a;
      d.points(r0 + 1 + i, i) = b(i);
      if (second_order) {
        d.points.row(r0 + 1 + k + i) = b;
        d.points(r0 + 1 + k + i, i) = a(i);
      }
    }
    d.points.row(r0 + block - 1) = b;
  }
  return d;
}

}  // namespace hedgesim
