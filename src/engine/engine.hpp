// The engine: runs of a CompiledModel, step by step, a batch of replicates at a time. It owns the batch's
// state (structure of arrays: replicates in columns, so every mechanism is vectorised across replicates), the
// replicates' random draws (counter-based Philox, engine/random.hpp: a pure function of (seed, run index,
// step, agent, draw), so no stream state at all), the application of scheduled events and transient pulses,
// the synchronous update by the mechanisms of mechanisms.hpp, clipping to each variable's range, and optional
// attribution of every change to its source.
//
// A replicate's results never depend on the batch it is stepped in (its width, its other columns) nor on the
// thread: columns never mix, sums over agents run in a fixed order, and batches are padded to whole SIMD
// packets so that every column takes the same (vectorised) code path.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/mechanisms.hpp"
#include "engine/mechanisms_catalog.hpp"
#include "engine/random.hpp"
#include "model/compiled_model.hpp"

namespace hedgesim {

/// Replicate columns of a batch: `count` rounded up to a whole number of SIMD packets of doubles.
int batch_width(int count);

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
  int row;  ///< the state row (CompiledModel::slots) that changed
  double delta;
};
/// One list of entries per real replicate column of a batch.
using BatchAttribution = std::vector<std::vector<AttributionEntry>>;

/// A transient event effect still fading, in every replicate column.
struct Pulse {
  int effect;                ///< index into CompiledModel::effects
  int event;                 ///< index into CompiledModel::events
  Eigen::ArrayXd remaining;  ///< per column, the part of the pulse not yet faded
  bool alive = true;         ///< false once every column has faded below 1e-12 (then it is dropped)
};

/// A lasting event's change to a held variable, in every replicate column, to be taken back when it ends.
struct Hold {
  int effect;            ///< index into CompiledModel::effects
  int event;             ///< index into CompiledModel::events
  int release_step;      ///< the step at whose start it is taken back
  Eigen::ArrayXd moved;  ///< per column, what the effect moved
};

/// The state of `count` replicates: one row per slot of the model's layout (CompiledModel::row), one column
/// per replicate (columns >= count are padding, stepped without noise and never reported).
using BatchArray = Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Batch {
  int count = 0, width = 0;
  BatchArray x;
  /// Conditionality and accession (flat hedger-major) and engagement (dyad) when the last step's mechanisms
  /// were computed: what a step brought is measured from them (E6).
  Eigen::ArrayXd c_prev, a_prev, e_prev;
  std::vector<Pulse> pulses;
  std::vector<Hold> holds;
  std::size_t next_event = 0;
  /// The random key of column r is (seed, first_run + r) (random.hpp).
  std::uint64_t seed = 0, first_run = 0;

  /// State row `r` in every column (width values, the first `count` real).
  const double* row(int r) const { return x.row(r).data(); }
  double value(int r, int column) const { return row(r)[column]; }
};

/// Scratch arrays for one step, allocated once per batch.
struct Workspace {
  mech::BatchContext ctx;
  std::vector<std::uint64_t> stream;  ///< per hedger, the stream of its draws (random.hpp stream_id)
  BatchArray x0;                      ///< the initial state (each variable's baseline) in every column
  /// The step's standard normal draws (signal noise, utility shocks of courting and complying, reading noise)
  /// and the uniforms they are made from (Box–Muller: radii r, angles a, padded; random.hpp), then scratch.
  Eigen::ArrayXd eps, eta_court, eta_comply, xi, r1, r2;
  /// E4's log-normal factors on the shares of courting and complying, exp(σ_u η − σ_u²/2) (conduct_noise).
  Eigen::ArrayXd factor_court, factor_comply;
  Eigen::ArrayXf a1, a2, trig;
  // Derived inputs of the mechanisms (flat hedger-major; see derive_inputs in engine.cpp).
  Eigen::ArrayXd z, s_dev, a_dev, h_dev, m_dev, o_dev, vetoed_stake, intent_drop, west_drift, urgency;
  Eigen::ArrayXd reading, reward_court, reward_comply;
  Eigen::ArrayXd e_excess;  ///< engagement above baseline, per (patron, hedger) and column
  Eigen::ArrayXd drift;     ///< perceived drift toward the eastern pole, per (patron, hedger) and column
  Eigen::ArrayXd moved;     ///< one row's change (width), for events and attribution
  Eigen::ArrayXd change;    ///< an event effect's intended change (width)
  Eigen::ArrayXd consent;   ///< 1 where every veto player consents to an event on a hedger (width)
  Eigen::ArrayXd war;       ///< the largest war waged by an eastern patron (width; E5's urgency)
  std::vector<Eigen::ArrayXd> out;  ///< per (mechanism, variable) output (engine.cpp kOutputs)
  Eigen::ArrayXd budget;            ///< per patron and column (E7)

  /// The draws of every step, kept for the next batch of the same runs. A draw is a pure function of
  /// (seed, run, step, agent), and every design point of a sweep runs the same replicates (common random
  /// numbers), so a sweep's worker draws them for its first point and replays them for every later one: the
  /// same numbers, without a third of a step's work. Off unless `keep_draws` is set (a batch that is not
  /// repeated would only pay for the copy); init_batch drops what was kept when the runs differ.
  struct KeptDraws {
    std::uint64_t seed = 0, first_run = 0;
    int count = -1, steps = 0;          ///< the runs kept, and how many steps of them
    std::vector<std::uint64_t> stream;  ///< the hedgers' streams they were drawn for
    double choice_noise = 0;            ///< the σ_u the kept factors were made with
    /// Per step: eps, eta_court, eta_comply, xi, factor_court, factor_comply (each hedgers x width).
    Eigen::ArrayXd draws;
  };
  bool keep_draws = false;
  KeptDraws kept;
  /// This step's draws, in that order: the arrays above, or a step of `kept` being replayed.
  std::array<const double*, 6> draws{};
};

/// At most this many bytes of kept draws per Workspace (the steps beyond are drawn afresh each time).
inline constexpr std::size_t kKeptDrawsLimit = std::size_t{64} << 20;

/// The initial state of the model: CompiledModel::initial with its derived rows filled in (a position at
/// the signal, beliefs at the signal, uncertainty at the filter's steady state, conduct at the noise-free
/// choice shares), so that without events or noise the initial state is an equilibrium.
Eigen::ArrayXd initial_state(const CompiledModel& m);

/// Sets up replicates first_run, ..., first_run + count - 1 of the model under `seed` at step 0.
void init_batch(const CompiledModel& m, std::uint64_t seed, std::uint64_t first_run, int count, Batch& b,
                Workspace& ws);

/// Advances the batch from step k-1 to step k (k >= 1). If `attribution` is not null (one list per real
/// column), appends one entry per non-zero contribution.
void step(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attribution);

struct RunOutput {
  /// (steps + 1) states of m.n_rows values each: value(k, row) = [k * n_rows + row].
  std::vector<double> trajectory;
  std::vector<AttributionEntry> attribution;
  double value(const CompiledModel& m, int k, int row) const {
    return trajectory[static_cast<std::size_t>(k) * m.n_rows + row];
  }
  double value(const CompiledModel& m, int k, Var v, int agent) const { return value(m, k, m.row(v, agent)); }
};

/// Whole runs first_run .. first_run + count - 1 with their trajectories: a pure function of its arguments,
/// and run r's output is the same whatever batch it is computed in.
std::vector<RunOutput> run_batch(const CompiledModel& m, std::uint64_t seed, std::uint64_t first_run,
                                 int count, bool record_attribution);

/// One whole run: run_batch of one.
RunOutput run(const CompiledModel& m, std::uint64_t seed, std::uint64_t run_index, bool record_attribution);

}  // namespace hedgesim
