// Philox draws (random.hpp). Words become uniforms by Random123's u01; Box–Muller is done over whole arrays
// here, since Random123's scalar boxmuller would leave it unvectorised.
#include "engine/random.hpp"

#include <stdexcept>

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

double uniform_draw(const DrawKey& key, std::uint32_t step, std::uint64_t stream) {
  return r123::u01<double>(draw_words(key, step, stream)[0]);
}

void normal_uniforms(std::uint64_t seed, std::uint64_t first_replicate, int count, std::uint32_t step,
                     std::uint64_t stream, double* r1, double* r2, float* a1, float* a2) {
  for (int r = 0; r < count; ++r) {
    const NormalUniforms u =
        normal_uniforms({seed, first_replicate + static_cast<std::uint64_t>(r)}, step, stream);
    r1[r] = u.r1;
    r2[r] = u.r2;
    a1[r] = u.a1;
    a2[r] = u.a2;
  }
}

void box_muller(Eigen::ArrayXd& u, Eigen::ArrayXf& a, Eigen::ArrayXf& trig, Eigen::ArrayXd& z0,
                Eigen::ArrayXd& z1) {
  constexpr float kTwoPi = 6.28318530717958647692f;
  const Eigen::Index n = u.size();
  if (a.size() % kAnglePadding != 0 || a.size() < n)
    throw std::logic_error("box_muller: the angles must be padded to whole multiples of kAnglePadding");
  u = (-2.0 * u.log()).sqrt();
  a *= kTwoPi;
  trig = a.cos();  // over the whole padded array: every element on the vectorised path
  z0 = u * trig.head(n).cast<double>();
  trig = a.sin();
  z1 = u * trig.head(n).cast<double>();
}

}  // namespace hedgesim
