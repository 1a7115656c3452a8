// Tests of the unit-hypercube designs: sizes and row order, one LHS point per stratum, Morris steps on the
// grid, Saltelli's AB/BA matrices built from a Sobol' sequence, determinism per seed, and rejected sizes.
#include "experiment/design.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

namespace hedgesim {
namespace {

TEST(GridDesign, SizeAndLastParameterFastest) {
  const Eigen::MatrixXd x = grid_design(3, 4);
  ASSERT_EQ(x.rows(), 64);
  ASSERT_EQ(x.cols(), 3);
  // Row r is r written in base 4, most significant digit first, divided by levels - 1 = 3.
  for (int r = 0; r < 64; ++r) {
    EXPECT_DOUBLE_EQ(x(r, 0), (r / 16) / 3.0) << "row " << r;
    EXPECT_DOUBLE_EQ(x(r, 1), ((r / 4) % 4) / 3.0) << "row " << r;
    EXPECT_DOUBLE_EQ(x(r, 2), (r % 4) / 3.0) << "row " << r;
  }
  EXPECT_EQ(x(63, 0), 1.0);
  EXPECT_EQ(x(0, 2), 0.0);
}

TEST(GridDesign, TwoLevelsAreTheCorners) {
  const Eigen::MatrixXd x = grid_design(2, 2);
  Eigen::MatrixXd expected(4, 2);
  expected << 0, 0, 0, 1, 1, 0, 1, 1;
  EXPECT_EQ(x, expected);
}

TEST(GridDesign, RejectsNonsenseSizes) {
  EXPECT_THROW(grid_design(0, 3), std::invalid_argument);
  EXPECT_THROW(grid_design(2, 1), std::invalid_argument);
  EXPECT_THROW(grid_design(40, 10), std::invalid_argument);  // 10^40 rows
}

TEST(LhsDesign, OnePointPerStratumInEveryColumn) {
  const int n = 37, k = 5;
  const Eigen::MatrixXd x = lhs_design(k, n, 42);
  ASSERT_EQ(x.rows(), n);
  ASSERT_EQ(x.cols(), k);
  for (int c = 0; c < k; ++c) {
    std::vector<int> hits(n, 0);
    for (int r = 0; r < n; ++r) {
      ASSERT_GE(x(r, c), 0.0);
      ASSERT_LT(x(r, c), 1.0);
      ++hits[static_cast<std::size_t>(std::floor(x(r, c) * n))];
    }
    for (int s = 0; s < n; ++s)
      EXPECT_EQ(hits[static_cast<std::size_t>(s)], 1) << "column " << c << " stratum " << s;
  }
}

TEST(LhsDesign, ColumnsAreNotTheSameOrder) {
  const Eigen::MatrixXd x = lhs_design(2, 50, 3);
  // Identical stratum order in both columns would put every point on the diagonal.
  int same = 0;
  for (int r = 0; r < 50; ++r)
    same += std::floor(x(r, 0) * 50) == std::floor(x(r, 1) * 50);
  EXPECT_LT(same, 10);
}

TEST(LhsDesign, PointsAreSpreadEvenlyInTwoDimensionsAtOnce) {
  // Built on a Sobol' sequence, every 4 x 4 cell of each pair of columns holds close to its 64/16 = 4 points;
  // a randomly permuted Latin hypercube leaves some cells with 1 or fewer and others with 7 or more.
  const int n = 64, k = 4;
  const Eigen::MatrixXd x = lhs_design(k, n, 11);
  for (int a = 0; a < k; ++a)
    for (int b = a + 1; b < k; ++b) {
      int cells[4][4] = {};
      for (int r = 0; r < n; ++r)
        ++cells[static_cast<int>(x(r, a) * 4)][static_cast<int>(x(r, b) * 4)];
      for (const auto& row : cells)
        for (int count : row)
          EXPECT_TRUE(count >= 2 && count <= 6) << "columns " << a << "," << b << ": " << count;
    }
}

TEST(LhsDesign, SameSeedSameMatrixDifferentSeedDifferent) {
  EXPECT_EQ(lhs_design(4, 20, 7), lhs_design(4, 20, 7));
  EXPECT_NE(lhs_design(4, 20, 7), lhs_design(4, 20, 8));
}

TEST(LhsDesign, RejectsNonsenseSizes) {
  EXPECT_THROW(lhs_design(0, 10, 1), std::invalid_argument);
  EXPECT_THROW(lhs_design(3, 0, 1), std::invalid_argument);
}

TEST(MorrisDesign, SizeAndDelta) {
  const MorrisDesign d = morris_design(5, 7, 4, 1);
  EXPECT_EQ(d.points.rows(), 7 * 6);
  EXPECT_EQ(d.points.cols(), 5);
  EXPECT_EQ(d.k, 5);
  EXPECT_EQ(d.trajectories, 7);
  EXPECT_EQ(d.levels, 4);
  EXPECT_DOUBLE_EQ(d.delta, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(morris_design(2, 2, 6, 1).delta, 0.6);
}

TEST(MorrisDesign, EachStepMovesOneCoordinateByDeltaOncePerTrajectory) {
  const int k = 6, r = 40, p = 6;
  const MorrisDesign d = morris_design(k, r, p, 11);
  std::vector<int> ups(k, 0), downs(k, 0);
  for (int t = 0; t < r; ++t) {
    std::vector<int> changed(k, 0);
    for (int s = 1; s <= k; ++s) {
      const Eigen::RowVectorXd step = d.points.row(t * (k + 1) + s) - d.points.row(t * (k + 1) + s - 1);
      int moved = 0;
      for (int i = 0; i < k; ++i) {
        if (step(i) == 0.0) continue;
        ++moved;
        ++changed[static_cast<std::size_t>(i)];
        EXPECT_NEAR(std::abs(step(i)), d.delta, 1e-12) << "trajectory " << t << " step " << s;
        ++(step(i) > 0 ? ups : downs)[static_cast<std::size_t>(i)];
      }
      EXPECT_EQ(moved, 1) << "trajectory " << t << " step " << s;
    }
    for (int i = 0; i < k; ++i)
      EXPECT_EQ(changed[static_cast<std::size_t>(i)], 1) << "trajectory " << t << " coordinate " << i;
  }
  // Directions are random: over 40 trajectories every coordinate steps both up and down.
  for (int i = 0; i < k; ++i) {
    EXPECT_GT(ups[static_cast<std::size_t>(i)], 0);
    EXPECT_GT(downs[static_cast<std::size_t>(i)], 0);
  }
}

TEST(MorrisDesign, ValuesLieOnTheGridAndUseAllLevels) {
  const int p = 4;
  const MorrisDesign d = morris_design(4, 30, p, 5);
  std::set<int> used;
  for (Eigen::Index r = 0; r < d.points.rows(); ++r) {
    for (Eigen::Index c = 0; c < d.points.cols(); ++c) {
      const double level = d.points(r, c) * (p - 1);
      EXPECT_NEAR(level, std::round(level), 1e-12) << "row " << r << " col " << c;
      EXPECT_GE(level, 0.0);
      EXPECT_LE(level, p - 1.0);
      used.insert(static_cast<int>(std::round(level)));
    }
  }
  EXPECT_EQ(used, (std::set<int>{0, 1, 2, 3}));
}

TEST(MorrisDesign, OrderOfStepsIsRandom) {
  // With a fixed order, coordinate 0 would always move first.
  const int k = 4;
  const MorrisDesign d = morris_design(k, 20, 4, 9);
  std::set<int> first_moved;
  for (int t = 0; t < 20; ++t) {
    const Eigen::RowVectorXd step = d.points.row(t * (k + 1) + 1) - d.points.row(t * (k + 1));
    for (int i = 0; i < k; ++i)
      if (step(i) != 0.0) first_moved.insert(i);
  }
  EXPECT_EQ(first_moved.size(), 4u);
}

TEST(MorrisDesign, SameSeedSameMatrixDifferentSeedDifferent) {
  EXPECT_EQ(morris_design(3, 10, 4, 1).points, morris_design(3, 10, 4, 1).points);
  EXPECT_NE(morris_design(3, 10, 4, 1).points, morris_design(3, 10, 4, 2).points);
}

TEST(MorrisDesign, RejectsNonsenseSizes) {
  EXPECT_THROW(morris_design(0, 10, 4, 1), std::invalid_argument);
  EXPECT_THROW(morris_design(3, 0, 4, 1), std::invalid_argument);
  EXPECT_THROW(morris_design(3, 10, 5, 1), std::invalid_argument);  // odd levels
  EXPECT_THROW(morris_design(3, 10, 0, 1), std::invalid_argument);
}

TEST(SaltelliDesign, SizesAndBlockStructure) {
  const int k = 4, n = 64;
  for (const bool second : {false, true}) {
    const SaltelliDesign d = saltelli_design(k, n, second);
    const int block = second ? 2 * k + 2 : k + 2;
    ASSERT_EQ(d.points.rows(), n * block);
    ASSERT_EQ(d.points.cols(), k);
    EXPECT_EQ(d.k, k);
    EXPECT_EQ(d.n, n);
    EXPECT_EQ(d.second_order, second);
    int a_equals_b = 0;
    for (int j = 0; j < n; ++j) {
      const Eigen::RowVectorXd a = d.points.row(j * block), b = d.points.row(j * block + block - 1);
      a_equals_b += a == b;
      for (int i = 0; i < k; ++i) {
        Eigen::RowVectorXd ab = a;
        ab(i) = b(i);
        EXPECT_EQ(d.points.row(j * block + 1 + i), ab) << "AB_" << i << " of sample " << j;
        if (second) {
          Eigen::RowVectorXd ba = b;
          ba(i) = a(i);
          EXPECT_EQ(d.points.row(j * block + 1 + k + i), ba) << "BA_" << i << " of sample " << j;
        }
      }
    }
    // A and B are different coordinates of the sequence; they coincide only at its points 0 and 1, (0, ...,
    // 0) and (0.5, ..., 0.5), which the design skips, so no block is one point repeated and none is the
    // centre.
    EXPECT_EQ(a_equals_b, 0);
    const Eigen::RowVectorXd centre = Eigen::RowVectorXd::Constant(k, 0.5);
    for (Eigen::Index r = 0; r < d.points.rows(); ++r)
      EXPECT_NE(d.points.row(r), centre) << "row " << r;
    EXPECT_GE(d.points.minCoeff(), 0.0);
    EXPECT_LT(d.points.maxCoeff(), 1.0);
  }
}

TEST(SaltelliDesign, BaseSamplesStartAtThePowerOfTwoAfterN) {
  // With n = 5 the design skips the first 8 points of the 2-d Sobol' sequence (Joe-Kuo), counting its zero
  // point, as SALib's default skip does; points 8..12 are (0.1875, 0.3125), (0.6875, 0.8125),
  // (0.9375, 0.0625), (0.4375, 0.5625), (0.3125, 0.1875). With k = 1, A is the first coordinate, B the
  // second.
  EXPECT_EQ(saltelli_skip(5), 8);
  EXPECT_EQ(saltelli_skip(1), 1);
  EXPECT_EQ(saltelli_skip(64), 64);
  EXPECT_EQ(saltelli_skip(4097), 8192);
  const SaltelliDesign d = saltelli_design(1, 5, false);  // rows per sample: A, AB_0, B
  const std::vector<double> a = {0.1875, 0.6875, 0.9375, 0.4375, 0.3125},
                            b = {0.3125, 0.8125, 0.0625, 0.5625, 0.1875};
  for (int j = 0; j < 5; ++j) {
    EXPECT_EQ(d.points(3 * j, 0), a[static_cast<std::size_t>(j)]) << "A_" << j;
    EXPECT_EQ(d.points(3 * j + 1, 0), b[static_cast<std::size_t>(j)]) << "AB_" << j;
    EXPECT_EQ(d.points(3 * j + 2, 0), b[static_cast<std::size_t>(j)]) << "B_" << j;
  }
}

TEST(SaltelliDesign, BaseSamplesAreWellSpread) {
  // Points 2^m .. 2^(m+1) - 1 of a Sobol' sequence are a (t, m, s)-net: with n = 256 they hit every interval
  // [s/256, (s+1)/256) exactly once, in every coordinate of A and of B. (Without the skip, points 1..256 miss
  // [0, 1/256) and hit [1/2, 1/2 + 1/256) twice.)
  const int k = 3, n = 256, block = k + 2;
  const SaltelliDesign d = saltelli_design(k, n, false);
  for (int c = 0; c < k; ++c) {
    for (const int offset : {0, block - 1}) {
      std::vector<int> hits(256, 0);
      for (int j = 0; j < n; ++j)
        ++hits[static_cast<std::size_t>(std::floor(d.points(j * block + offset, c) * 256))];
      for (int s = 0; s < 256; ++s)
        EXPECT_EQ(hits[static_cast<std::size_t>(s)], 1) << "column " << c << " interval " << s;
    }
  }
}

TEST(SaltelliDesign, RolesAndBlocksNameEachRowsMatrix) {
  const std::vector<std::string> names = {"x", "y"};
  const SaltelliDesign first = saltelli_design(2, 3, false), second = saltelli_design(2, 3, true);
  const std::vector<std::string> roles1 = {"A", "AB_x", "AB_y", "B"},
                                 roles2 = {"A", "AB_x", "AB_y", "BA_x", "BA_y", "B"};
  for (Eigen::Index r = 0; r < first.points.rows(); ++r) {
    EXPECT_EQ(saltelli_role(first, r, names), roles1[static_cast<std::size_t>(r % 4)]) << r;
    EXPECT_EQ(saltelli_block(first, r), r / 4) << r;
  }
  for (Eigen::Index r = 0; r < second.points.rows(); ++r) {
    EXPECT_EQ(saltelli_role(second, r, names), roles2[static_cast<std::size_t>(r % 6)]) << r;
    EXPECT_EQ(saltelli_block(second, r), r / 6) << r;
  }
}

TEST(MorrisDesign, RolesNameTheParameterEachStepMoves) {
  const std::vector<std::string> names = {"x", "y", "z"};
  const MorrisDesign d = morris_design(3, 4, 4, 7);
  for (Eigen::Index r = 0; r < d.points.rows(); ++r) {
    const std::string role = morris_role(d, r, names);
    if (r % 4 == 0) {
      EXPECT_EQ(role, "start") << r;
      continue;
    }
    int moved = -1;
    for (int c = 0; c < 3; ++c)
      if (d.points(r, c) != d.points(r - 1, c)) moved = c;
    ASSERT_GE(moved, 0) << r;
    EXPECT_EQ(role, "step_" + names[static_cast<std::size_t>(moved)]) << r;
  }
}

TEST(SaltelliDesign, IsDeterministic) {
  EXPECT_EQ(saltelli_design(3, 100, true).points, saltelli_design(3, 100, true).points);
}

TEST(SaltelliDesign, RejectsNonsenseSizes) {
  EXPECT_THROW(saltelli_design(0, 10, false), std::invalid_argument);
  EXPECT_THROW(saltelli_design(3, 0, false), std::invalid_argument);
  EXPECT_THROW(saltelli_design(5000, 4, false), std::invalid_argument);  // 10000 > Boost's 3667 dimensions
}

}  // namespace
}  // namespace hedgesim
