// Ensembles: batches of replicates spread over threads (parallel.hpp). A replicate's result does not depend
// on its batch (see engine.hpp), so neither the batch size nor the thread count changes it.
#include "experiment/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "experiment/parallel.hpp"

namespace hedgesim {

namespace {
constexpr std::uint64_t kTrajectoryBytes = 8, kCsvBytes = 48, kAttributionBytes = 72;

std::string gigabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
  return text;
}
}  // namespace

std::uint64_t ensemble_memory_bytes(const CompiledModel& m, std::uint64_t replicates, bool attribution) {
  const std::uint64_t cells = static_cast<std::uint64_t>(m.steps + 1) * static_cast<std::uint64_t>(m.n_rows);
  const std::uint64_t per_cell = kTrajectoryBytes + kCsvBytes + (attribution ? kAttributionBytes : 0);
  // cells * per_cell * replicates, saturating instead of wrapping (the window may be absurd).
  const std::uint64_t limit = UINT64_MAX / per_cell;
  if (cells > limit || (replicates > 0 && cells * per_cell > UINT64_MAX / replicates)) return UINT64_MAX;
  return cells * per_cell * replicates;
}

void check_fits_in_memory(const CompiledModel& m, std::uint64_t replicates, bool attribution,
                          std::optional<std::uint64_t> available_bytes) {
  if (!available_bytes) return;
  const std::uint64_t need = ensemble_memory_bytes(m, replicates, attribution);
  if (need <= *available_bytes / 2) return;
  throw InputError(m.scenario.end_pos,
                   "this window is too long for memory: " + std::to_string(m.steps) + " steps x " +
                       std::to_string(m.n_rows) + " state variables x " + std::to_string(replicates) +
                       " replicate(s) would hold about " + gigabytes(need) +
                       " until the files are written, and at most half of the " +
                       gigabytes(*available_bytes) +
                       " this machine has available may be used; shorten the window (start, end), raise "
                       "step_days, run fewer replicates (-r), or use `hedgesim sweep`, which streams its "
                       "metrics instead of keeping trajectories");
}

std::vector<RunOutput> run_ensemble(const CompiledModel& m, const EnsembleOptions& opt) {
  std::vector<RunOutput> out(static_cast<std::size_t>(opt.replicates));
  constexpr int kBatch = 32;
  const int batches = (opt.replicates + kBatch - 1) / kBatch;
  parallel_for(batches, opt.threads, [&](std::int64_t i, int) {
    const int first = static_cast<int>(i) * kBatch, count = std::min(kBatch, opt.replicates - first);
    auto runs = run_batch(m, opt.seed, static_cast<std::uint64_t>(first), count, opt.attribution);
    std::move(runs.begin(), runs.end(), out.begin() + first);
    if (opt.on_done) opt.on_done(count);
  });
  return out;
}

}  // namespace hedgesim
