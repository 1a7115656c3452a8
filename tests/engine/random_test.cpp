// Tests of the counter-based draws (engine/random.hpp): stable names, independence of every counter field,
// no shifted streams, and the moments of the normal and uniform draws.
#include "engine/random.hpp"

#include <gtest/gtest.h>

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
  const double x = normal_draw(key, 10, 99, 0);
  EXPECT_EQ(x, normal_draw(key, 10, 99, 0));  // a pure function
  EXPECT_NE(x, normal_draw({8, 3}, 10, 99, 0));
  EXPECT_NE(x, normal_draw({7, 4}, 10, 99, 0));
  EXPECT_NE(x, normal_draw(key, 11, 99, 0));
  EXPECT_NE(x, normal_draw(key, 10, 98, 0));
  EXPECT_NE(x, normal_draw(key, 10, 99, 1));
}

TEST(Random, ReplicatesAreNotShiftedCopiesOfEachOther) {
  // Guards against a scheme where replicate r+1 sees replicate r's draws a step (or a draw) later.
  std::vector<double> a, b;
  for (int k = 0; k < 64; ++k) {
    a.push_back(normal_draw({1, 0}, k, 5, 0));
    b.push_back(normal_draw({1, 1}, k, 5, 0));
  }
  for (std::size_t lag = 0; lag < 8; ++lag)
    EXPECT_FALSE(std::equal(a.begin() + lag, a.end(), b.begin())) << "lag " << lag;
}

TEST(Random, NormalAndUniformDrawsHaveTheirMoments) {
  // 200,000 draws: the standard error of the mean is 0.0022, of the normal's variance 0.0032. Bounds at
  // about 5 standard errors; a wrong transform (e.g. a uniform taken for a normal) misses them by far.
  const int n = 200000;
  double s1 = 0, s2 = 0, u1 = 0, u2 = 0;
  double umin = 1, umax = 0;
  for (int i = 0; i < n; ++i) {
    const double z = normal_draw({2026, 0}, static_cast<std::uint64_t>(i), 1, 0);
    const double u = uniform_draw({2026, 0}, static_cast<std::uint64_t>(i), 1, 1);
    s1 += z;
    s2 += z * z;
    u1 += u;
    u2 += u * u;
    umin = std::min(umin, u);
    umax = std::max(umax, u);
  }
  EXPECT_NEAR(s1 / n, 0.0, 0.011);
  EXPECT_NEAR(s2 / n, 1.0, 0.016);
  EXPECT_NEAR(u1 / n, 0.5, 0.0033);
  EXPECT_NEAR(u2 / n - (u1 / n) * (u1 / n), 1.0 / 12.0, 0.002);
  EXPECT_GT(umin, 0.0);
  EXPECT_LE(umax, 1.0);
}

}  // namespace
}  // namespace hedgesim
