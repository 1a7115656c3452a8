// Ensembles: R replicates of one compiled scenario, spread over T threads. Replicate r always uses the random
// stream (seed, r) and its result is stored at index r, so the results are the same whatever T is.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "engine/engine.hpp"

namespace hedgesim {

struct EnsembleOptions {
  std::uint64_t seed = 0;
  int replicates = 1;
  int threads = 1;
  bool attribution = true;
  std::function<void(int runs)> on_done{};  ///< called (from worker threads) as batches of runs finish
};

std::vector<RunOutput> run_ensemble(const CompiledModel& m, const EnsembleOptions& opt);

/// What an ensemble of `replicates` runs of `m` holds in memory until its files are written, in bytes:
/// per state row, step and replicate the trajectory's value (8 bytes) and its line of trajectory.csv (about
/// 48), and with attribution about 72 more (three contributions of 24 bytes). An estimate, on the high side.
std::uint64_t ensemble_memory_bytes(const CompiledModel& m, std::uint64_t replicates, bool attribution);

/// Throws InputError at the scenario's `end` when the ensemble would need more than half of
/// `available_bytes` (nothing is checked when the amount is unknown): the message says how much, the
/// limit, and how to make it fit (a shorter window, a longer step, fewer replicates, or a sweep, which
/// streams its metrics instead of keeping trajectories).
void check_fits_in_memory(const CompiledModel& m, std::uint64_t replicates, bool attribution,
                          std::optional<std::uint64_t> available_bytes);

}  // namespace hedgesim
