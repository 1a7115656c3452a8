// A minimal work-sharing pool: threads take batches of replicates from an atomic counter. A replicate's
// result does not depend on its batch (see engine.hpp), so neither the batch size nor the thread count
// changes it.
#include "experiment/ensemble.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace hedgesim {

std::vector<RunOutput> run_ensemble(const CompiledModel& m, const EnsembleOptions& opt) {
  std::vector<RunOutput> out(static_cast<std::size_t>(opt.replicates));
  constexpr int kBatch = 32;
  const int batches = (opt.replicates + kBatch - 1) / kBatch;
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i = next++; i < batches; i = next++) {
      const int first = i * kBatch, count = std::min(kBatch, opt.replicates - first);
      auto runs = run_batch(m, opt.seed, static_cast<std::uint64_t>(first), count, opt.attribution);
      std::move(runs.begin(), runs.end(), out.begin() + first);
      if (opt.on_done) opt.on_done(count);
    }
  };
  const int t = std::clamp(opt.threads, 1, std::max(1, batches));
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
