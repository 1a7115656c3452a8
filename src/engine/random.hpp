// Counter-based random numbers for the engine (Random123's Philox4x32-10; Salmon et al. 2011, "Parallel
// random numbers: as easy as 1, 2, 3", SC'11). A draw is a pure function of a key and a counter:
//   key     = the seed (64 bits)
//   counter = (step, replicate, stream): 32 + 32 + 64 bits
// where `stream` is a stable 64-bit hash of the agent's id and the kind of draw, never the agent's index. So
// a replicate's draws for a given hedger in step 40 are the same whatever other agents the model has,
// whatever other draws a mechanism makes, and whatever batch or thread computes them: common random numbers
// survive adding an agent or a mechanism, and draws need no per-stream state (no set-up, no sequence to keep
// in step). Philox4x32 rather than 4x64: a third of the cost on a baseline x86-64 build (its 32-bit
// multiplies vectorise), for the same statistical quality (both pass BigCrush with their 10 rounds).
#pragma once

#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <Eigen/Dense>
#include <cstdint>
#include <string_view>

namespace hedgesim {

/// The key of replicate `replicate` under `seed`. Replicate indices are below 2^32 (the counter's field).
struct DrawKey {
  std::uint64_t seed = 0, replicate = 0;
};

/// A stable 64-bit name for an agent id (FNV-1a).
std::uint64_t draw_id(std::string_view agent_id);
/// A stable 64-bit name for an ordered pair (a kind of draw of an agent, a patron's view of a hedger).
std::uint64_t draw_id(std::uint64_t first, std::uint64_t second);

/// The stream of draws of kind `draw` of the agent named `who` (draw_id of its id): draw_id(who, draw).
inline std::uint64_t stream_id(std::uint64_t who, std::uint64_t draw) {
  return draw_id(who, draw);
}

/// Four independent 32-bit words for (key, step, stream). Inline, so that a loop over replicates can be
/// vectorised (Philox4x32's 32-bit multiplies fit SIMD lanes).
inline r123::Philox4x32::ctr_type draw_words(const DrawKey& key, std::uint32_t step, std::uint64_t stream) {
  const r123::Philox4x32::key_type k = {
      {static_cast<std::uint32_t>(key.seed), static_cast<std::uint32_t>(key.seed >> 32)}};
  const r123::Philox4x32::ctr_type c = {{step, static_cast<std::uint32_t>(key.replicate),
                                         static_cast<std::uint32_t>(stream),
                                         static_cast<std::uint32_t>(stream >> 32)}};
  return r123::Philox4x32()(c, k);
}

/// A uniform number in (0, 1] from the first word of the counter (Random123's u01).
double uniform_draw(const DrawKey& key, std::uint32_t step, std::uint64_t stream);

/// The two Box–Muller pairs of one counter: radius uniforms r1, r2 ∈ (0, 1] (double) from words 0 and 2,
/// angle uniforms a1, a2 ∈ (0, 1] (float) from words 1 and 3.
struct NormalUniforms {
  double r1, r2;
  float a1, a2;
};
inline NormalUniforms normal_uniforms(const DrawKey& key, std::uint32_t step, std::uint64_t stream) {
  const auto w = draw_words(key, step, stream);
  return {r123::u01<double>(w[0]), r123::u01<double>(w[2]), r123::u01<float>(w[1]), r123::u01<float>(w[3])};
}

/// normal_uniforms of `count` consecutive replicates (first_replicate, first_replicate + 1, ...) of one seed,
/// into four arrays: the engine's loop, in one place so that the compiler can vectorise Philox across
/// replicates.
void normal_uniforms(std::uint64_t seed, std::uint64_t first_replicate, int count, std::uint32_t step,
                     std::uint64_t stream, double* r1, double* r2, float* a1, float* a2);

/// Box–Muller over whole arrays: from radius uniforms u ∈ (0, 1] and angle uniforms a ∈ (0, 1], the
/// independent standard normals z0 = √(−2 ln u) cos(2π a), z1 = √(−2 ln u) sin(2π a); u = 1 gives zeros.
/// The radius is computed in double, the sine and cosine in float: Eigen vectorises float trigonometry but
/// not double (libm's scalar sin and cos were a third of a step), and the angle's float rounding (≤ 3e-7
/// rad) moves a normal by less than 2e-6, far below anything a run reports. `a` must have a length that is
/// a multiple of kAnglePadding (padding beyond z0's length is ignored) so that every element takes Eigen's
/// vectorised path: a value never depends on its position in the array. `u` and `a` are overwritten, and
/// `trig` (scratch) takes a's length.
inline constexpr Eigen::Index kAnglePadding = 16;
void box_muller(Eigen::ArrayXd& u, Eigen::ArrayXf& a, Eigen::ArrayXf& trig, Eigen::ArrayXd& z0,
                Eigen::ArrayXd& z1);

/// n rounded up to a whole multiple of kAnglePadding: the length of an angle array for n normals pairs.
inline Eigen::Index padded_angles(Eigen::Index n) {
  return (n + kAnglePadding - 1) / kAnglePadding * kAnglePadding;
}

}  // namespace hedgesim
