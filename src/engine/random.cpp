// Philox draws (random.hpp). Words become uniforms by Random123's u01; Box–Muller is done over whole arrays
// here, since Random123's scalar boxmuller would leave even the logarithm unvectorised.
#include "engine/random.hpp"

#include <Random123/uniform.hpp>

namespace hedgesim {

namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull, kFnvPrime = 0x100000001b3ull;

std::uint64_t fnv1a(std::uint64_t h, unsigned char byte) {
  return (h ^ byte) * kFnvPrime;
}

}  // namespace

std::uint64_t draw_id(std::string_view agent_id) {
  std::uint64_t h = kFnvOffset;
  for (const char c : agent_id)
    h = fnv1a(h, static_cast<unsigned char>(c));
  return h;
}

std::uint64_t draw_id(std::uint64_t first, std::uint64_t second) {
  // FNV-1a over the sixteen bytes, little-endian whatever the machine: the pair is ordered (a patron's view
  // of a hedger is not the hedger's view of the patron).
  std::uint64_t h = kFnvOffset;
  for (const std::uint64_t word : {first, second})
    for (int byte = 0; byte < 8; ++byte)
      h = fnv1a(h, static_cast<unsigned char>(word >> (8 * byte)));
  return h;
}

r123::Philox4x64::ctr_type draw_words(const DrawKey& key, std::uint64_t step, std::uint64_t who,
                                      std::uint64_t draw, std::uint64_t block) {
  const r123::Philox4x64::key_type k = {{key.seed, key.replicate}};
  const r123::Philox4x64::ctr_type c = {{step, who, draw, block}};
  return r123::Philox4x64()(c, k);
}

void box_muller(Eigen::ArrayXd& u1, Eigen::ArrayXd& u2, Eigen::ArrayXd& z0, Eigen::ArrayXd& z1) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  u1 = (-2.0 * u1.log()).sqrt();
  u2 *= kTwoPi;
  z0 = u1 * u2.cos();
  z1 = u1 * u2.sin();
}

void uniform_pair(const DrawKey& key, std::uint64_t step, std::uint64_t who, std::uint64_t draw, double& u1,
                  double& u2) {
  const auto w = draw_words(key, step, who, draw);
  u1 = r123::u01<double>(w[0]);
  u2 = r123::u01<double>(w[1]);
}

void uniform_quad(const DrawKey& key, std::uint64_t step, std::uint64_t who, std::uint64_t draw,
                  std::array<double, 4>& u) {
  const auto w = draw_words(key, step, who, draw);
  for (int i = 0; i < 4; ++i)
    u[static_cast<std::size_t>(i)] = r123::u01<double>(w[i]);
}

double uniform_draw(const DrawKey& key, std::uint64_t step, std::uint64_t who, std::uint64_t draw) {
  const auto w = draw_words(key, step, who, draw);
  return r123::u01<double>(w[0]);
}

}  // namespace hedgesim
