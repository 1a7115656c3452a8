// Tests of the counter-based draws (engine/random.hpp): stable names, independence of every counter field,
// no shifted streams, and the moments of the normal and uniform draws.
#include "engine/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
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
  const std::uint64_t stream = stream_id(99, 0);
  const double x = uniform_draw(key, 10, stream);
  EXPECT_EQ(x, uniform_draw(key, 10, stream));  // a pure function
  EXPECT_NE(x, uniform_draw({8, 3}, 10, stream));
  EXPECT_NE(x, uniform_draw({7ull << 32, 3}, 10, stream));  // both halves of the seed are in the key
  EXPECT_NE(x, uniform_draw({7, 4}, 10, stream));
  EXPECT_NE(x, uniform_draw(key, 11, stream));
  EXPECT_NE(x, uniform_draw(key, 10, stream_id(98, 0)));
  EXPECT_NE(x, uniform_draw(key, 10, stream_id(99, 1)));
  EXPECT_NE(x, uniform_draw(key, 10, stream ^ (1ull << 40)));  // both halves of the stream are counted
}

TEST(Random, ReplicatesAreNotShiftedCopiesOfEachOther) {
  // Guards against a scheme where replicate r+1 sees replicate r's draws a step (or a draw) later.
  std::vector<double> a, b;
  for (std::uint32_t k = 0; k < 64; ++k) {
    a.push_back(uniform_draw({1, 0}, k, 5));
    b.push_back(uniform_draw({1, 1}, k, 5));
  }
  for (std::size_t lag = 0; lag < 8; ++lag)
    EXPECT_FALSE(std::equal(a.begin() + lag, a.end(), b.begin())) << "lag " << lag;
}

TEST(Random, BoxMullerPairsOfCounterUniformsAreIndependentStandardNormals) {
  // 100,000 counters, four normals each, made as the engine makes them: the standard error of a mean is
  // 0.0032, of a variance 0.0045, of a correlation 0.0032. Bounds at about 5 standard errors; one uniform
  // used for both normals, a word used twice, or a uniform taken for a normal, misses them by far.
  const int n = 100000;
  Eigen::ArrayXd r1(n), r2(n), z[4];
  Eigen::ArrayXf a1 = Eigen::ArrayXf::Zero(padded_angles(n)), a2 = a1, trig = a1;
  for (int i = 0; i < n; ++i) {
    const NormalUniforms u = normal_uniforms({2026, 0}, static_cast<std::uint32_t>(i), stream_id(1, 0));
    r1(i) = u.r1;
    r2(i) = u.r2;
    a1(i) = u.a1;
    a2(i) = u.a2;
  }
  EXPECT_GT(std::min(r1.minCoeff(), r2.minCoeff()), 0.0);
  EXPECT_LE(std::max(r1.maxCoeff(), r2.maxCoeff()), 1.0);
  EXPECT_GT(std::min(a1.head(n).minCoeff(), a2.head(n).minCoeff()), 0.0f);
  EXPECT_NEAR(r1.mean(), 0.5, 0.0046);
  EXPECT_NEAR(a2.head(n).cast<double>().mean(), 0.5, 0.0046);
  EXPECT_NEAR((r2 - r2.mean()).square().mean(), 1.0 / 12.0, 0.0028);
  box_muller(r1, a1, trig, z[0], z[1]);
  box_muller(r2, a2, trig, z[2], z[3]);
  for (const Eigen::ArrayXd& zi : z) {
    EXPECT_NEAR(zi.mean(), 0.0, 0.016);
    EXPECT_NEAR(zi.square().mean(), 1.0, 0.023);
    EXPECT_NEAR(zi.square().square().mean(), 3.0, 0.085);  // the normal's fourth moment
  }
  for (int i = 0; i < 4; ++i)
    for (int j = i + 1; j < 4; ++j)
      EXPECT_NEAR((z[i] * z[j]).mean(), 0.0, 0.016) << i << ", " << j;
  // A radius uniform of 1 (the engine's padding columns) gives zeros.
  Eigen::ArrayXd one = Eigen::ArrayXd::Ones(1), c(1), s(1);
  Eigen::ArrayXf any = Eigen::ArrayXf::Constant(kAnglePadding, 0.3f), scratch = any;
  box_muller(one, any, scratch, c, s);
  EXPECT_EQ(c(0), 0.0);
  EXPECT_EQ(s(0), 0.0);
}

TEST(Random, ANormalDoesNotDependOnWhereItSitsInTheBatch) {
  // The engine's reproducibility across batch widths rests on this: the same uniforms give the same bits
  // at any position of arrays as long as the engine makes them (whole packets of doubles: batch_width), since
  // every element takes Eigen's vectorised path (the angles padded to whole packets of floats).
  const NormalUniforms u = normal_uniforms({5, 1}, 3, stream_id(7, 0));
  const Eigen::Index d = Eigen::internal::packet_traits<double>::size;
  double first = 0.0;
  for (const Eigen::Index n : {d, 3 * d, 5 * d, 32 * d}) {
    Eigen::ArrayXd r = Eigen::ArrayXd::Ones(n), z0(n), z1(n);
    Eigen::ArrayXf a = Eigen::ArrayXf::Zero(padded_angles(n)), trig = a;
    r(n - 1) = u.r1;
    a(n - 1) = u.a1;
    box_muller(r, a, trig, z0, z1);
    if (n == d) first = z1(n - 1);
    EXPECT_EQ(z1(n - 1), first) << "at position " << n - 1;
  }
}

TEST(Random, AnglesThatAreNotPaddedAreRefused) {
  Eigen::ArrayXd r = Eigen::ArrayXd::Ones(3), z0, z1;
  Eigen::ArrayXf a = Eigen::ArrayXf::Zero(3), trig = a;
  EXPECT_THROW(box_muller(r, a, trig, z0, z1), std::logic_error);
}

}  // namespace
}  // namespace hedgesim
