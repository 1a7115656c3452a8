// The stepping loop (docs/ODD.md, "Process overview and scheduling"): draws, fading pulses, events, then the
// mechanisms from one snapshot, summed and clipped, for every replicate column of a batch at once. Only
// Eigen arrays and indices are touched here.
#include "engine/engine.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace hedgesim {
namespace {

using Map = Eigen::Map<Eigen::ArrayXd>;
using CMap = Eigen::Map<const Eigen::ArrayXd>;

/// All rows of variable v, every column: one flat array (hedger-, patron- or patron-then-hedger-major).
CMap rows(const BatchArray& x, const CompiledModel& m, Var v) {
  return CMap(x.row(m.offset[var_index(v)]).data(), static_cast<Eigen::Index>(m.rows_of(v)) * x.cols());
}
Map rows(BatchArray& x, const CompiledModel& m, Var v) {
  return Map(x.row(m.offset[var_index(v)]).data(), static_cast<Eigen::Index>(m.rows_of(v)) * x.cols());
}

/// Which variable each mechanism moves (patron_engagement also sets the patrons' attention; see step()).
constexpr Var kMechanismTarget[kMechanismCount] = {
    Var::signal,    Var::signal,   Var::signal,         Var::signal, Var::signal,     Var::substance,
    Var::grievance, Var::courting, Var::conditionality, Var::belief, Var::engagement, Var::detente,
};

/// Appends, for every real column with a non-zero change, one attribution entry. `delta` holds the change
/// of state row `row` in each column.
void record(BatchAttribution* out, int k, int source, int row, const double* delta) {
  if (out == nullptr) return;
  for (std::size_t r = 0; r < out->size(); ++r)
    if (delta[r] != 0.0) (*out)[r].push_back({k, source, row, delta[r]});
}

/// Records every row of a mechanism's flat output (rows first_row, first_row + 1, ...).
void record_rows(BatchAttribution* out, int k, int source, int first_row, int count, const double* d, int w) {
  for (int i = 0; out != nullptr && i < count; ++i)
    record(out, k, source, first_row + i, d + static_cast<std::ptrdiff_t>(i) * w);
}

/// The draws a mechanism makes, numbered for the counter (random.hpp): a new kind of draw takes a new number
/// and leaves every other draw as it was. One counter gives a Box–Muller pair: the hedger's signal noise and
/// its courting noise.
enum Draw : std::uint64_t { kHedgerNoise = 0 };

void draw_noise(const CompiledModel& m, int k, Batch& b, Workspace& ws) {
  // Each draw is keyed by (seed, run) and counted by (step, agent, draw): replicate r of two scenarios shares
  // its random numbers for the same agent in the same step whatever else differs (common random numbers).
  // The uniforms come one replicate at a time (Philox); the normals for the whole batch at once (box_muller:
  // Eigen vectorises the logarithm, not the sine and cosine of doubles). Padding columns get u = 1, hence 0.
  const int w = b.width;
  ws.u1.setOnes();
  ws.u2.setOnes();
  for (int i = 0; i < m.n_hedgers; ++i)
    for (int r = 0; r < b.count; ++r)
      uniform_pair(b.keys[r], k, ws.who[i], kHedgerNoise, ws.u1(i * w + r), ws.u2(i * w + r));
  box_muller(ws.u1, ws.u2, ws.eps, ws.eta);
}

/// E0b — transient event effects fade geometrically; the fading is attributed to the event. A column stops
/// fading once what is left of its pulse is below 1e-12, and a pulse is dropped when every column has.
void fade_pulses(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  for (Pulse& p : b.pulses) {
    const CompiledEffect& e = m.effects[p.effect];
    ws.moved = (p.remaining.abs() >= 1e-12).select(-(1.0 - e.retention) * p.remaining, 0.0);
    b.x.row(e.row) += ws.moved.transpose();
    p.remaining += ws.moved;
    record(attr, k, event_source(p.event), e.row, ws.moved.data());
  }
  std::erase_if(b.pulses, [](const Pulse& p) { return (p.remaining.abs() < 1e-12).all(); });
}

/// E0c — lasting events that end in step k take back what they held (a veto lifted), before the step's
/// events apply; the release is attributed to the lasting event.
void release_holds(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  for (const Hold& h : b.holds) {
    if (h.release_step != k) continue;
    const CompiledEffect& e = m.effects[h.effect];
    const VarInfo& vi = info(m.slots[e.row].var);
    auto x = b.x.row(e.row);
    ws.moved = x.transpose();
    x = (x - h.moved.transpose()).max(vi.lo).min(vi.hi);
    ws.moved = x.transpose() - ws.moved;
    record(attr, k, event_source(h.event), e.row, ws.moved.data());
  }
  std::erase_if(b.holds, [k](const Hold& h) { return h.release_step == k; });
}

/// 1 in the columns where no patron holds a veto on hedger i (every veto player consents), else 0.
void consent_mask(const CompiledModel& m, const Batch& b, int hedger, Workspace& ws) {
  ws.consent.setOnes();
  for (int p = m.n_hedgers; p < m.n_agents; ++p)
    ws.consent = (b.x.row(m.row(Var::veto, p, hedger)).transpose() > 0.0).select(0.0, ws.consent);
}

/// E0a — events dated in step k apply their effects, scaled by the event's magnitude and, where the type
/// says so, by a variable of the party (e.g. a veto hurts in proportion to accession progress). Each effect
/// is clamped to the variable's range as it applies, so the mechanisms never see an out-of-range value and a
/// transient pulse is only as large as what it actually moved (it cannot overshoot when it fades). An effect
/// that needs consent does nothing in a column where its hedger is vetoed; a held effect of a lasting event
/// is remembered until the event ends.
void apply_events(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  while (b.next_event < m.events.size() && m.events[b.next_event].step == k) {
    const CompiledEvent& ev = m.events[b.next_event];
    const int ei = static_cast<int>(b.next_event);
    for (int f = ev.first_effect; f < ev.first_effect + ev.effect_count; ++f) {
      const CompiledEffect& e = m.effects[f];
      const VarInfo& vi = info(m.slots[e.row].var);
      auto x = b.x.row(e.row);
      ws.moved = x.transpose();
      if (e.scale_row >= 0)
        ws.change = e.delta * b.x.row(e.scale_row).transpose();
      else
        ws.change.setConstant(e.delta);
      if (e.consent_of >= 0) {
        consent_mask(m, b, e.consent_of, ws);
        ws.change *= ws.consent;
      }
      x = (x + ws.change.transpose()).max(vi.lo).min(vi.hi);
      ws.moved = x.transpose() - ws.moved;  // what the effect actually moved
      record(attr, k, event_source(ei), e.row, ws.moved.data());
      if (e.retention < 1.0 && (ws.moved != 0.0).any()) b.pulses.push_back({f, ei, ws.moved});
      if (e.held && ev.release_step > k) b.holds.push_back({f, ei, ev.release_step, ws.moved});
    }
    ++b.next_event;
  }
}

void compute_mechanisms(const CompiledModel& m, const Batch& b, Workspace& ws) {
  const mech::BatchContext& c = ws.ctx;
  const BatchArray& x = b.x;
  auto out = [&](Mechanism mech) { return Map(ws.d.row(static_cast<int>(mech)).data(), ws.d.cols()); };
  auto now = [&](Var v) { return rows(x, m, v); };
  auto base = [&](Var v) { return rows(ws.x0, m, v); };
  ws.z = now(Var::signal) - base(Var::signal);
  ws.a_dev = now(Var::accession) - base(Var::accession);
  ws.e_excess = now(Var::engagement) - base(Var::engagement);
  const auto h = now(Var::courting);
  const auto cond = now(Var::conditionality);
  mech::regional_diffusion(c, ws.z, out(Mechanism::regional_diffusion));
  mech::anchoring(c, ws.z, out(Mechanism::anchoring));
  mech::hedging(c, h, out(Mechanism::hedging));
  mech::patron_pull(c, ws.e_excess, out(Mechanism::patron_pull));
  mech::signal_noise(c, ws.eps, out(Mechanism::signal_noise));
  mech::substance_drift(c, ws.z, now(Var::substance), base(Var::substance), ws.a_dev,
                        out(Mechanism::substance_drift));
  mech::grievance_dynamics(c, now(Var::grievance), now(Var::accession), cond, base(Var::conditionality),
                           out(Mechanism::grievance_dynamics));
  mech::hedging_decision(c, now(Var::grievance), now(Var::belief), h, ws.eta,
                         out(Mechanism::hedging_decision));
  mech::western_response(c, cond, base(Var::conditionality), h, now(Var::substance), base(Var::substance),
                         out(Mechanism::western_response));
  mech::belief_learning(c, now(Var::belief), h, b.c_prev, cond, out(Mechanism::belief_learning));
  mech::patron_budgets(c, now(Var::capacity), now(Var::detente), ws.budget);
  mech::patron_engagement(c, h, now(Var::trust), now(Var::engagement), base(Var::engagement), ws.budget,
                          ws.d_engagement);
  mech::detente_decay(c, now(Var::detente), ws.d_detente);
}

void add_mechanisms(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  const int n = m.n_hedgers, w = b.width;
  b.c_prev = rows(b.x, m, Var::conditionality);
  for (int mech = 0; mech < kMechanismCount; ++mech) {
    const Var v = kMechanismTarget[mech];
    if (info(v).scope != Scope::hedger) continue;
    rows(b.x, m, v) += Map(ws.d.row(mech).data(), ws.d.cols());
    record_rows(attr, k, mech, m.offset[var_index(v)], n, ws.d.row(mech).data(), w);
  }
  rows(b.x, m, Var::engagement) += ws.d_engagement;
  record_rows(attr, k, static_cast<int>(Mechanism::patron_engagement), m.offset[var_index(Var::engagement)],
              m.rows_of(Var::engagement), ws.d_engagement.data(), w);
  rows(b.x, m, Var::detente) += ws.d_detente;
  record_rows(attr, k, static_cast<int>(Mechanism::detente_decay), m.offset[var_index(Var::detente)],
              m.n_patrons, ws.d_detente.data(), w);
  // A patron's attention is the engagement it spends above baseline (E7), summed over the hedgers in order,
  // so it moves with that mechanism.
  ws.e_excess = rows(b.x, m, Var::engagement) - rows(ws.x0, m, Var::engagement);
  for (int p = 0; p < m.n_patrons; ++p) {
    ws.moved.setZero();
    for (int i = 0; i < n; ++i)
      ws.moved += ws.e_excess.segment((static_cast<Eigen::Index>(p) * n + i) * w, w);
    auto att = b.x.row(m.offset[var_index(Var::attention)] + p);
    ws.moved -= att.transpose();
    att += ws.moved.transpose();
    record(attr, k, static_cast<int>(Mechanism::patron_engagement), m.offset[var_index(Var::attention)] + p,
           ws.moved.data());
  }
}

/// Every row is clipped to its variable's range, in layout order.
void clip_to_bounds(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  for (int v = 0; v < kVarCount; ++v) {
    const VarInfo& vi = kVarInfo[v];
    if (attr == nullptr) {
      auto all = rows(b.x, m, static_cast<Var>(v));
      all = all.max(vi.lo).min(vi.hi);
      continue;
    }
    for (int r = m.offset[v]; r < m.offset[v] + m.rows_of(static_cast<Var>(v)); ++r) {
      auto x = b.x.row(r);
      ws.moved = x.transpose();
      x = x.max(vi.lo).min(vi.hi);
      ws.moved = x.transpose() - ws.moved;
      record(attr, k, kBoundsSource, r, ws.moved.data());
    }
  }
}

/// The model's initial state broadcast to every column of a batch of `width`.
BatchArray broadcast_initial(const CompiledModel& m, int width) {
  BatchArray x0(m.n_rows, width);
  for (int r = 0; r < m.n_rows; ++r)
    x0.row(r).setConstant(m.initial(r));
  return x0;
}

}  // namespace

int batch_width(int count) {
  constexpr int lanes = Eigen::internal::packet_traits<double>::size;
  return (std::max(count, 1) + lanes - 1) / lanes * lanes;
}

/// start_from: replicate r begins where replicate r of the prior scenario's run (under its own seed) ended.
/// Held variables are not carried over (no event here holds them, so nothing could lift them); they start
/// from the baseline. Declared in this file only: init_batch is its one caller, and it calls init_batch.
void start_from_prior(const CompiledModel& m, std::uint64_t first_run, int count, Batch& b, Workspace& ws);

std::string source_name(const CompiledModel& m, int source) {
  if (source < kMechanismCount) return "mechanism:" + std::string(kMechanismInfo[source].name);
  if (source == kBoundsSource) return "bounds";
  return m.events[source - kMechanismCount - 1].source;
}

void init_batch(const CompiledModel& m, std::uint64_t seed, std::uint64_t first_run, int count, Batch& b,
                Workspace& ws) {
  const int w = batch_width(count);
  const Eigen::Index flat = static_cast<Eigen::Index>(m.n_hedgers) * w;
  b.count = count;
  b.width = w;
  ws.x0 = broadcast_initial(m, w);
  b.x = ws.x0;
  if (m.prior) start_from_prior(m, first_run, count, b, ws);
  b.c_prev = rows(b.x, m, Var::conditionality);
  b.pulses.clear();
  b.pulses.reserve(static_cast<std::size_t>(m.transient_effects));
  b.holds.clear();
  b.next_event = 0;
  b.keys.clear();
  for (int r = 0; r < count; ++r)
    b.keys.push_back({seed, first_run + static_cast<std::uint64_t>(r)});
  ws.who.clear();
  for (const std::string& id : m.agent_ids)
    ws.who.push_back(draw_id(id));
  ws.ctx = mech::BatchContext(m, w);
  for (Eigen::ArrayXd* a : {&ws.eps, &ws.eta, &ws.u1, &ws.u2, &ws.z, &ws.a_dev})
    a->setZero(flat);
  ws.moved.setZero(w);
  ws.change.setZero(w);
  ws.consent.setOnes(w);
  ws.d.setZero(kMechanismCount, flat);
  const Eigen::Index dyads = static_cast<Eigen::Index>(m.rows_of(Var::engagement)) * w;
  ws.e_excess.setZero(dyads);
  ws.d_engagement.setZero(dyads);
  ws.d_detente.setZero(static_cast<Eigen::Index>(m.n_patrons) * w);
  ws.budget.setZero(static_cast<Eigen::Index>(m.n_patrons) * w);
}

void step(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attribution) {
  draw_noise(m, k, b, ws);
  fade_pulses(m, k, b, ws, attribution);
  release_holds(m, k, b, ws, attribution);
  apply_events(m, k, b, ws, attribution);
  compute_mechanisms(m, b, ws);
  add_mechanisms(m, k, b, ws, attribution);
  clip_to_bounds(m, k, b, ws, attribution);
}

std::vector<RunOutput> run_batch(const CompiledModel& m, std::uint64_t seed, std::uint64_t first_run,
                                 int count, bool record_attribution) {
  std::vector<RunOutput> out(static_cast<std::size_t>(count));
  const std::size_t per_step = static_cast<std::size_t>(m.n_rows);
  for (RunOutput& o : out)
    o.trajectory.resize(per_step * (m.steps + 1));
  Batch b;
  Workspace ws;
  init_batch(m, seed, first_run, count, b, ws);
  BatchAttribution attribution(record_attribution ? static_cast<std::size_t>(count) : 0);
  auto keep = [&](int k) {
    for (int r = 0; r < count; ++r)
      for (std::size_t i = 0; i < per_step; ++i)
        out[r].trajectory[k * per_step + i] = b.x(static_cast<Eigen::Index>(i), r);
  };
  keep(0);
  for (int k = 1; k <= m.steps; ++k) {
    step(m, k, b, ws, record_attribution ? &attribution : nullptr);
    keep(k);
  }
  for (int r = 0; r < count && record_attribution; ++r)
    out[r].attribution = std::move(attribution[r]);
  return out;
}

RunOutput run(const CompiledModel& m, std::uint64_t seed, std::uint64_t run_index, bool record_attribution) {
  return std::move(run_batch(m, seed, run_index, 1, record_attribution).front());
}

void start_from_prior(const CompiledModel& m, std::uint64_t first_run, int count, Batch& b, Workspace& ws) {
  Batch pb;
  Workspace pw;
  const CompiledModel& prior = *m.prior;
  init_batch(prior, prior.scenario.seed, first_run, count, pb, pw);
  for (int k = 1; k <= prior.steps; ++k)
    step(prior, k, pb, pw, nullptr);
  b.x = pb.x;
  for (int v = 0; v < kVarCount; ++v)
    if (kVarInfo[v].held)
      for (int r = m.offset[v]; r < m.offset[v] + m.rows_of(static_cast<Var>(v)); ++r)
        b.x.row(r) = ws.x0.row(r);
}

}  // namespace hedgesim
