// A minimal work-sharing pool: threads take replicate indices from an atomic counter.
#include "experiment/ensemble.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace hedgesim {

std::vector<RunOutput> run_ensemble(const CompiledModel& m, const EnsembleOptions& opt) {
  std::vector<RunOutput> out(static_cast<std::size_t>(opt.replicates));
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int r = next++; r < opt.replicates; r = next++)
      out[r] = run(m, opt.seed, static_cast<std::uint64_t>(r), opt.attribution);
  };
  const int t = std::clamp(opt.threads, 1, std::max(1, opt.replicates));
  std::vector<std::thread> pool;
  for (int i = 1; i < t; ++i)
    pool.emplace_back(worker);
  worker();
  for (auto& th : pool)
    th.join();
  return out;
}

double quantile7(std::vector<double>& values, double p) {
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace hedgesim
