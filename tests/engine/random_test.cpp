// Tests of the counter-based draws (engine/random.hpp): stable names, independence of every counter field,
// no shifted streams, and the moments of the normal and uniform draws.
#include "engine/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace hedgesim {
namespace {

TEST(Random, DrawIdIsFnv1a64) {
  // Published FNV-1a 64 test vectors (Fowler/Noll/Vo): "" and "a".
  EXPECT_EQ(draw_id(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(draw_id("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_NE(draw_id("SRB"), draw_id("MKD"));
}

TEST(Random, PairIdsAreOrdered) {
  const std::uint64_t rus = draw_id("RUS"), srb = draw_id("SRB");
  EXPECT_NE(draw_id(rus, srb), draw_id(srb, rus));
  EXPECT_EQ(draw_id(rus, srb), draw_id(draw_id("RUS"), draw_id("SRB")));
}

TEST(Random, EveryCounterFieldAndTheKeyChangeTheDraw) {
  const DrawKey key{7, 3};
  const double x = uniform_draw(key, 10, 99, 0);
  EXPECT_EQ(x, uniform_draw(key, 10, 99, 0));  // a pure function
  EXPECT_NE(x, uniform_draw({8, 3}, 10, 99, 0));
  EXPECT_NE(x, uniform_draw({7, 4}, 10, 99, 0));
  EXPECT_NE(x, uniform_draw(key, 11, 99, 0));
  EXPECT_NE(x, uniform_draw(key, 10, 98, 0));
  EXPECT_NE(x, uniform_draw(key, 10, 99, 1));
}

TEST(Random, ReplicatesAreNotShiftedCopiesOfEachOther) {
  // Guards against a scheme where replicate r+1 sees replicate r's draws a step (or a draw) later.
  std::vector<double> a, b;
  for (int k = 0; k < 64; ++k) {
    a.push_back(uniform_draw({1, 0}, k, 5, 0));
    b.push_back(uniform_draw({1, 1}, k, 5, 0));
  }
  for (std::size_t lag = 0; lag < 8; ++lag)
    EXPECT_FALSE(std::equal(a.begin() + lag, a.end(), b.begin())) << "lag " << lag;
}

TEST(Random, BoxMullerPairsOfCounterUniformsAreIndependentStandardNormals) {
  // 200,000 pairs, made as the engine makes them: the standard error of a mean is 0.0022, of a variance
  // 0.0032, of the correlation 0.0022. Bounds at about 5 standard errors; one uniform used for both normals,
  // or a uniform taken for a normal, misses them by far.
  const int n = 200000;
  Eigen::ArrayXd u1(n), u2(n), z0(n), z1(n);
  for (int i = 0; i < n; ++i)
    uniform_pair({2026, 0}, static_cast<std::uint64_t>(i), 1, 0, u1(i), u2(i));
  EXPECT_GT(std::min(u1.minCoeff(), u2.minCoeff()), 0.0);
  EXPECT_LE(std::max(u1.maxCoeff(), u2.maxCoeff()), 1.0);
  EXPECT_NEAR(u1.mean(), 0.5, 0.0033);
  EXPECT_NEAR((u2 - u2.mean()).square().mean(), 1.0 / 12.0, 0.002);
  box_muller(u1, u2, z0, z1);
  for (const Eigen::ArrayXd* z : {&z0, &z1}) {
    EXPECT_NEAR(z->mean(), 0.0, 0.011);
    EXPECT_NEAR(z->square().mean(), 1.0, 0.016);
    EXPECT_NEAR(z->square().square().mean(), 3.0, 0.06);  // the normal's fourth moment
  }
  EXPECT_NEAR((z0 * z1).mean(), 0.0, 0.011);
  // u1 = 1 (the engine's padding columns) gives zeros.
  Eigen::ArrayXd one = Eigen::ArrayXd::Ones(1), any = Eigen::ArrayXd::Constant(1, 0.3), a(1), b(1);
  box_muller(one, any, a, b);
  EXPECT_EQ(a(0), 0.0);
  EXPECT_EQ(b(0), 0.0);
}

}  // namespace
}  // namespace hedgesim
