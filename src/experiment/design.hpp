// Experiment designs on the unit hypercube: full grids, Latin hypercubes, Morris trajectories and Saltelli's
// Sobol'-sequence scheme. A design is a matrix whose rows are points and whose columns are parameters, every
// value in [0, 1]; mapping to real parameter ranges, running the model and the estimators (sensitivity.hpp)
// live elsewhere. All randomness comes from Boost.Random (mt19937_64, uniform distributions, the Sobol'
// sequence), whose outputs are specified exactly, so a design depends only on its arguments and seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace hedgesim {

/// Full factorial grid: levels^k rows; coordinate values i / (levels - 1), i = 0..levels-1. Row order is
/// lexicographic with the last parameter varying fastest (row 1 differs from row 0 in column k-1).
/// Throws std::invalid_argument if k < 1, levels < 2 or the grid would have more than INT_MAX values.
Eigen::MatrixXd grid_design(int k, int levels);

/// Latin hypercube of n points in k dimensions, built from Boost.Random's Sobol' sequence (a "Latinized"
/// Sobol' sequence): the first n points of the k-dimensional sequence, each column replaced by the ranks of
/// its values (the stratum [i/n, (i+1)/n) each point falls in), then a uniformly random offset inside the
/// stratum (Boost uniform_real_distribution from a Boost mt19937_64 seeded with `seed`). Every column holds
/// exactly one point per stratum, and the points keep the sequence's even spread across dimensions. The seed
/// moves only the offsets. Throws std::invalid_argument if k < 1, n < 1 or k exceeds Boost's Sobol' table.
Eigen::MatrixXd lhs_design(int k, int n, std::uint64_t seed);

/// Morris one-at-a-time trajectories. `points` has trajectories * (k + 1) rows: trajectory t occupies rows
/// t*(k+1) .. t*(k+1)+k. Row t*(k+1) is the trajectory's start; each following row differs from the previous
/// one in exactly one coordinate, by +delta or -delta, and every coordinate changes exactly once per
/// trajectory. All values lie on the grid {0, 1/(levels-1), ..., 1}.
struct MorrisDesign {
  Eigen::MatrixXd points;
  int k = 0;
  int trajectories = 0;
  int levels = 0;
  double delta = 0.0;
};

/// A Morris design row's part in its trajectory (design.csv's `role` column): "start", or "step_<name>" for
/// the row whose parameter `name` changed from the row before. Its trajectory is row / (k + 1).
std::string morris_role(const MorrisDesign& d, Eigen::Index row, const std::vector<std::string>& names);

/// Morris (1991) design with Campolongo et al. (2007)'s trajectories: `levels` p even, delta = p / (2(p-1)).
/// For each trajectory and coordinate, a base level is drawn uniformly from the lower half of the grid
/// {0, ..., p/2 - 1} (so base + delta stays on the grid), a direction (+ or -) decides whether the
/// coordinate starts at the base and steps up or starts at base + delta and steps down, and a random
/// permutation orders the coordinates' steps. Boost mt19937_64 seeded with `seed`, Boost
/// uniform_int_distribution. Throws std::invalid_argument if k < 1, trajectories < 1, levels < 2 or levels is
/// odd.
MorrisDesign morris_design(int k, int trajectories, int levels, std::uint64_t seed);

/// Saltelli (2010) sampling scheme. Base matrices A and B (n x k) are the first and last k coordinates of
/// points 2^m .. 2^m + n - 1 of a Boost.Random Sobol' sequence of dimension 2k (Joe-Kuo direction numbers),
/// 2^m = saltelli_skip(n) the smallest power of two >= n, as SALib's default skip: the sequence's first
/// points are (0, ..., 0) and (0.5, ..., 0.5), which would make A_0 = B_0 and block 0 one point repeated
/// k + 2 times (Boost already drops the zero point; it discards 2^m - 1 more). AB^(i) is A with column i
/// taken from B; BA^(i) is B with column i taken from A. Rows come in blocks, one per base sample j = 0..n-1
/// (the order SALib uses), each block of size k+2, or 2k+2 when second_order:
///   row 0          A_j
///   rows 1..k      AB_j^(i), i = 0..k-1
///   rows k+1..2k   BA_j^(i), i = 0..k-1        (only when second_order)
///   last row       B_j
/// so block j starts at row j*(k+2) (or j*(2k+2)). The design has no seed: it is fully deterministic.
struct SaltelliDesign {
  Eigen::MatrixXd points;
  int k = 0;
  int n = 0;
  bool second_order = false;
};

/// Throws std::invalid_argument if k < 1, n < 1 or 2k exceeds the dimensions Boost's Sobol' table supports.
SaltelliDesign saltelli_design(int k, int n, bool second_order);

/// How many points of the Sobol' sequence (counting its zero point) saltelli_design skips: the smallest power
/// of two >= n.
std::int64_t saltelli_skip(int n);

/// Which matrix a row of a Saltelli design belongs to: "A", "B", "AB_<name of i>" or "BA_<name of i>", with
/// `names` the k parameters' names (design.csv's `role` column).
std::string saltelli_role(const SaltelliDesign& d, Eigen::Index row, const std::vector<std::string>& names);
/// The base sample j of a row (design.csv's `block` column).
int saltelli_block(const SaltelliDesign& d, Eigen::Index row);

}  // namespace hedgesim
