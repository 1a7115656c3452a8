// The engine: one run of a CompiledModel, step by step. It owns the per-run State, the run's random stream
// (Boost.Random, one independent stream per (seed, run index), so results never depend on threads or order),
// the application of scheduled events and transient pulses, the synchronous update by the mechanisms of
// mechanisms.hpp, clipping to each variable's range, and optional attribution of every change to its source.
#pragma once

#include <boost/random/mersenne_twister.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/mechanisms_catalog.hpp"
#include "model/compiled_model.hpp"

namespace hedgesim {

using Rng = boost::random::mt19937_64;

/// The random stream of run `run_index` under `seed`: seeded through Boost's seed_seq from both, so streams
/// of different runs are independent and a run's draws do not depend on which thread runs it.
Rng make_stream(std::uint64_t seed, std::uint64_t run_index);

/// Attribution sources: mechanisms first, then clipping to bounds, then scheduled events by index.
inline constexpr int kBoundsSource = kMechanismCount;
inline constexpr int event_source(int event_index) {
  return kMechanismCount + 1 + event_index;
}
/// "mechanism:<name>", "bounds" or the event's "event:<type>:<actor>:<date>".
std::string source_name(const CompiledModel& m, int source);

struct AttributionEntry {
  int step;
  int source;
  int var;
  int agent;
  double delta;
};

/// A transient event effect still fading.
struct Pulse {
  int effect;        ///< index into CompiledModel::effects
  int event;         ///< index into CompiledModel::events
  double remaining;  ///< the part of the pulse not yet faded
};

struct State {
  StateArray x;               ///< vars x agents
  Eigen::ArrayXd c_prev;      ///< hedgers' conditionality one step earlier, for the reward of E6
  std::vector<Pulse> pulses;  ///< capacity reserved at init; never reallocates while stepping
  std::size_t next_event = 0;
};

/// Scratch arrays for one step, allocated once per run.
struct Workspace {
  Eigen::ArrayXd eps, eta;  ///< the step's standard normal draws (signal noise, courting noise)
  Eigen::ArrayXd z, s_dev, a_dev, e_excess;
  Eigen::Array<double, kMechanismCount, Eigen::Dynamic, Eigen::RowMajor> d;  ///< per mechanism, per hedger
  Eigen::ArrayXd d_detente;                                                  ///< per western patron
};

void init_state(const CompiledModel& m, State& st, Workspace& ws);

/// Advances the state from step k-1 to step k (k >= 1). If `attribution` is not null, appends one entry per
/// non-zero contribution.
void step(const CompiledModel& m, int k, State& st, Rng& rng, Workspace& ws,
          std::vector<AttributionEntry>* attribution);

struct RunOutput {
  /// (steps + 1) states, each kVarCount x n_agents row-major: value(k, v, a) = [(k * kVarCount + v) * n + a].
  std::vector<double> trajectory;
  std::vector<AttributionEntry> attribution;
  double value(const CompiledModel& m, int k, Var v, int agent) const {
    return trajectory[(static_cast<std::size_t>(k) * kVarCount + var_index(v)) * m.n_agents + agent];
  }
};

/// One whole run: a pure function of (model, seed, run index).
RunOutput run(const CompiledModel& m, std::uint64_t seed, std::uint64_t run_index, bool record_attribution);

}  // namespace hedgesim
