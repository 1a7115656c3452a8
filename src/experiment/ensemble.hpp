// Ensembles: R replicates of one compiled scenario, spread over T threads. Replicate r always uses the random
// stream (seed, r) and its result is stored at index r, so the results are the same whatever T is.
#pragma once

#include <cstdint>
#include <functional>
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

/// Type-7 quantile (linear interpolation between order statistics, R's and NumPy's default) of `values`,
/// which it sorts in place.
double quantile7(std::vector<double>& values, double p);

}  // namespace hedgesim
