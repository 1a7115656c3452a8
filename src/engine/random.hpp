// Counter-based random numbers for the engine (Random123's Philox4x64-10; Salmon et al. 2011, "Parallel
// random numbers: as easy as 1, 2, 3", SC'11). A draw is a pure function of a key and a counter:
//   key     = (seed, replicate)
//   counter = (step, who, draw, block)
// where `who` is a stable 64-bit hash of the agent's id (or of a patron-hedger pair), never its index. So a
// replicate's draws for a given hedger in step 40 are the same whatever other agents the model has, whatever
// other draws a mechanism makes, and whatever batch or thread computes them: common random numbers survive
// adding an agent or a mechanism, and draws need no per-stream state (no set-up, no sequence to keep in
// step).
#pragma once

#include <Random123/philox.h>

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <string_view>

namespace hedgesim {

/// The key of replicate `replicate` under `seed`.
struct DrawKey {
  std::uint64_t seed = 0, replicate = 0;
};

/// A stable 64-bit name for an agent id (FNV-1a), used as the `who` of a counter.
std::uint64_t draw_id(std::string_view agent_id);
/// A stable 64-bit name for an ordered pair of agents (a patron's view of a hedger).
std::uint64_t draw_id(std::uint64_t first, std::uint64_t second);

/// Four independent 64-bit words for (key, step, who, draw, block).
r123::Philox4x64::ctr_type draw_words(const DrawKey& key, std::uint64_t step, std::uint64_t who,
                                      std::uint64_t draw, std::uint64_t block = 0);

/// The two uniforms in (0, 1] from the first two words of the counter (Random123's u01), for box_muller.
void uniform_pair(const DrawKey& key, std::uint64_t step, std::uint64_t who, std::uint64_t draw, double& u1,
                  double& u2);

/// The four uniforms in (0, 1] from the four words of the counter: two Box–Muller pairs.
void uniform_quad(const DrawKey& key, std::uint64_t step, std::uint64_t who, std::uint64_t draw,
                  std::array<double, 4>& u);

/// Box–Muller over whole arrays (elementwise, so Eigen vectorises the logarithm): from uniforms u1, u2 in
/// (0, 1], the independent standard normals z0 = sqrt(-2 ln u1) cos(2 pi u2), z1 = sqrt(-2 ln u1) sin(2 pi
/// u2). u1 and u2 are overwritten (scratch); u1 = 1 gives z0 = z1 = 0.
void box_muller(Eigen::ArrayXd& u1, Eigen::ArrayXd& u2, Eigen::ArrayXd& z0, Eigen::ArrayXd& z1);

/// A uniform number in (0, 1] from the first word of the counter.
double uniform_draw(const DrawKey& key, std::uint64_t step, std::uint64_t who, std::uint64_t draw);

}  // namespace hedgesim
