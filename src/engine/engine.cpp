// The stepping loop (docs/ODD.md, "Process overview and scheduling"): draws, fading pulses, events, then the
// mechanisms from one snapshot, summed and clipped, for every replicate column of a batch at once. Only
// Eigen arrays and indices are touched here.
#include "engine/engine.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace hedgesim {
namespace {

using Map = Eigen::Map<Eigen::ArrayXd>;
using CMap = Eigen::Map<const Eigen::ArrayXd>;

/// All rows of variable v, every column: one flat array (hedger-, patron- or patron-then-hedger-major).
inline CMap rows(const BatchArray& x, const CompiledModel& m, Var v) {
  return CMap(x.row(m.offset[var_index(v)]).data(), static_cast<Eigen::Index>(m.rows_of(v)) * x.cols());
}
inline Map rows(BatchArray& x, const CompiledModel& m, Var v) {
  return Map(x.row(m.offset[var_index(v)]).data(), static_cast<Eigen::Index>(m.rows_of(v)) * x.cols());
}

/// What each mechanism moves: one output array per (mechanism, variable), in this order (the order in which
/// they are added, hence also of attribution entries). patron_engagement also sets the patrons' attention.
struct Output {
  Mechanism mech;
  Var var;
};
constexpr Output kOutputs[] = {
    {Mechanism::regional_diffusion, Var::signal},
    {Mechanism::anchoring, Var::signal},
    {Mechanism::hedging, Var::signal},
    {Mechanism::patron_pull, Var::signal},
    {Mechanism::signal_noise, Var::signal},
    {Mechanism::substance_drift, Var::substance},
    {Mechanism::grievance_dynamics, Var::grievance},
    {Mechanism::hedging_decision, Var::courting},
    {Mechanism::hedging_decision, Var::complying},
    {Mechanism::western_response, Var::conditionality},
    {Mechanism::payoff_learning, Var::payoff_court},
    {Mechanism::payoff_learning, Var::payoff_comply},
    {Mechanism::patron_engagement, Var::engagement},
    {Mechanism::detente_decay, Var::detente},
    {Mechanism::belief_update, Var::belief},
    {Mechanism::belief_update, Var::uncertainty},
    {Mechanism::trust_dynamics, Var::trust},
    {Mechanism::opinion_dynamics, Var::opinion},
    {Mechanism::position_drift, Var::position},
};
constexpr int kOutputCount = static_cast<int>(std::size(kOutputs));

/// The output array of (mechanism, variable).
constexpr int output_of(Mechanism mech, Var v) {
  for (int k = 0; k < kOutputCount; ++k)
    if (kOutputs[k].mech == mech && kOutputs[k].var == v) return k;
  return -1;
}

/// Per variable, the outputs add_and_clip_all adds to it, in kOutputs order (engagement's is added before,
/// for attention): a table made at compile time, so the stepping loop looks nothing up.
constexpr int kMaxOutputsPerVar = 5;
struct VarOutputs {
  int count = 0;
  std::array<int, kMaxOutputsPerVar> index{};
};
constexpr std::array<VarOutputs, kVarCount> outputs_of_vars() {
  std::array<VarOutputs, kVarCount> t{};
  for (int k = 0; k < kOutputCount; ++k) {
    const Var v = kOutputs[k].var;
    if (v == Var::engagement) continue;
    VarOutputs& vo = t[static_cast<std::size_t>(var_index(v))];
    vo.index[static_cast<std::size_t>(vo.count++)] = k;
  }
  return t;
}
constexpr std::array<VarOutputs, kVarCount> kOutputsOfVar = outputs_of_vars();

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

/// The draws a mechanism makes, numbered for the stream (random.hpp): a new kind of draw takes a new number
/// and leaves every other draw as it was. One counter gives two Box–Muller pairs: the hedger's signal noise
/// (E1e), the shocks to its utility of courting and of complying (E4), and the noise of the patrons' reading
/// of its signal (E9).
enum Draw : std::uint64_t { kHedgerNoise = 0 };

/// The step's draws (Workspace::draws), by kind: four normals, then E4's log-normal factors made from two.
enum DrawArray : std::size_t { kEps, kEtaCourt, kEtaComply, kXi, kFactorCourt, kFactorComply, kDrawArrays };
inline CMap drawn(const Workspace& ws, DrawArray which) {
  return CMap(ws.draws[which], ws.eps.size());
}

/// The workspace's own draw arrays, in DrawArray order (the order in which KeptDraws stores them).
std::array<Eigen::ArrayXd*, kDrawArrays> own_draws(Workspace& ws) {
  return {&ws.eps, &ws.eta_court, &ws.eta_comply, &ws.xi, &ws.factor_court, &ws.factor_comply};
}

/// Step k's kept array `which`.
const double* kept_draw(const Workspace& ws, int k, DrawArray which) {
  return ws.kept.draws.data() + (static_cast<Eigen::Index>(k - 1) * kDrawArrays + which) * ws.eps.size();
}

/// Keeps step k's draws, made with `choice_noise`, if it is the next step to keep and there is room.
void keep_draws(int k, double choice_noise, Workspace& ws) {
  const Eigen::Index per_step = kDrawArrays * ws.eps.size();
  if (!ws.keep_draws || k != ws.kept.steps + 1 || k * per_step > ws.kept.draws.size()) return;
  double* to = ws.kept.draws.data() + (k - 1) * per_step;
  for (const Eigen::ArrayXd* a : own_draws(ws))
    to = std::copy_n(a->data(), a->size(), to);
  ws.kept.steps = k;
  ws.kept.choice_noise = choice_noise;
}

/// Makes room for the batch's draws unless those kept are already theirs (the same runs, the same streams).
void check_kept_draws(const CompiledModel& m, const Batch& b, Workspace& ws) {
  Workspace::KeptDraws& kd = ws.kept;
  if (!ws.keep_draws ||
      (kd.seed == b.seed && kd.first_run == b.first_run && kd.count == b.count && kd.stream == ws.stream))
    return;
  const Eigen::Index per_step = kDrawArrays * static_cast<Eigen::Index>(m.n_hedgers) * b.width;
  const Eigen::Index fit = static_cast<Eigen::Index>(kKeptDrawsLimit / sizeof(double)) / per_step;
  kd.seed = b.seed;
  kd.first_run = b.first_run;
  kd.count = b.count;
  kd.steps = 0;
  kd.stream = ws.stream;
  kd.draws.resize(std::min<Eigen::Index>(m.steps, fit) * per_step);
}

/// Draws step k's four normals into the workspace's own arrays. Each draw is keyed by the seed and counted by
/// (step, run, agent and kind of draw): replicate r of two scenarios shares its random numbers for the same
/// agent in the same step whatever else differs (common random numbers). The uniforms come one replicate at
/// a time (Philox); the normals for the whole batch at once (box_muller). Padding columns get radius
/// uniforms of 1, hence normals of 0.
void draw_normals(const CompiledModel& m, int k, const Batch& b, Workspace& ws) {
  const int w = b.width;
  ws.r1.setOnes();
  ws.r2.setOnes();
  ws.a1.setZero();
  ws.a2.setZero();
  for (int i = 0; i < m.n_hedgers; ++i) {
    const Eigen::Index at = static_cast<Eigen::Index>(i) * w;
    normal_uniforms(b.seed, b.first_run, b.count, static_cast<std::uint32_t>(k), ws.stream[i], &ws.r1(at),
                    &ws.r2(at), &ws.a1(at), &ws.a2(at));
  }
  box_muller(ws.r1, ws.a1, ws.trig, ws.eps, ws.eta_court);
  box_muller(ws.r2, ws.a2, ws.trig, ws.eta_comply, ws.xi);
}

/// Step k's draws: replayed from what the workspace kept of the same runs, or drawn (and kept if asked).
/// E4's log-normal factors are a function of two normals and σ_u alone, so they are replayed too while σ_u is
/// the one they were made with (a sweep that does not vary it), and made afresh from the normals otherwise.
void draw_noise(const CompiledModel& m, int k, Batch& b, Workspace& ws) {
  const auto own = own_draws(ws);
  const bool replay = ws.keep_draws && k <= ws.kept.steps;
  const bool replay_factors = replay && ws.kept.choice_noise == m.params.choice_noise;
  for (std::size_t a = 0; a < kDrawArrays; ++a) {
    const bool factor = a == kFactorCourt || a == kFactorComply;
    ws.draws[a] =
        (factor ? replay_factors : replay) ? kept_draw(ws, k, static_cast<DrawArray>(a)) : own[a]->data();
  }
  if (!replay) draw_normals(m, k, b, ws);
  if (!replay_factors) {
    mech::conduct_noise(ws.ctx, drawn(ws, kEtaCourt), ws.factor_court);
    mech::conduct_noise(ws.ctx, drawn(ws, kEtaComply), ws.factor_comply);
  }
  if (!replay) keep_draws(k, m.params.choice_noise, ws);
}

/// E0b — transient event effects fade geometrically; the fading is attributed to the event. A column stops
/// fading once what is left of its pulse is below 1e-12, and a pulse is dropped when every column has.
void fade_pulses(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  // One vectorised pass over the columns per pulse, then whether any column is still fading (the test stops
  // at the first such column, usually the first).
  constexpr double kGone = 1e-12;
  const int w = b.width;
  bool any_gone = false;
  for (Pulse& p : b.pulses) {
    const CompiledEffect& e = m.effects[p.effect];
    const double fade = 1.0 - e.retention;
    double* __restrict x = b.x.row(e.row).data();
    double* __restrict left = p.remaining.data();
    double* __restrict moved = ws.moved.data();
    for (int c = 0; c < w; ++c) {                   // no reduction in this loop: it vectorises
      const double l = left[c], faded = -fade * l;  // computed in every column, so the select is branch-free
      const double d = std::abs(l) >= kGone ? faded : 0.0;
      moved[c] = d;
      x[c] += d;
      left[c] = l + d;
    }
    p.alive = (p.remaining.abs() >= kGone).any();
    any_gone = any_gone || !p.alive;
    record(attr, k, event_source(p.event), e.row, moved);
  }
  if (any_gone) std::erase_if(b.pulses, [](const Pulse& p) { return !p.alive; });
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

/// E0a (reveals) — what an event shows of a hedger's lean is one more observation for every patron's filter
/// (E9), read through the variance of its cost class (Fearon 1997: the costlier, the more believed):
/// K = σ²/(σ² + R_cost), Δμ = K δ, Δσ² = -K σ². Attributed to the event.
void reveal(const CompiledModel& m, int k, int event, const CompiledReveal& rv, Batch& b, Workspace& ws,
            BatchAttribution* attr) {
  const double r_cost = m.params.reveal_variance[static_cast<std::size_t>(rv.cost)];
  for (int p = m.n_hedgers; p < m.n_agents; ++p) {
    const int mean_row = m.row(Var::belief, p, rv.hedger), var_row = m.row(Var::uncertainty, p, rv.hedger);
    auto mean = b.x.row(mean_row);
    auto var = b.x.row(var_row);
    ws.change = var.transpose() / (var.transpose() + r_cost);  // the gain K
    ws.moved = mean.transpose();
    mean = (mean + rv.delta * ws.change.transpose()).max(-1.0).min(1.0);
    ws.moved = mean.transpose() - ws.moved;
    record(attr, k, event_source(event), mean_row, ws.moved.data());
    ws.moved = -ws.change * var.transpose();
    var += ws.moved.transpose();
    record(attr, k, event_source(event), var_row, ws.moved.data());
  }
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
      // A lasting jump of a long-run position (a new government, a sunk commitment) moves where the state
      // rests: its baseline moves with it, so E12 does not pull it back (ODD E0a).
      if (m.slots[e.row].var == Var::position && e.retention >= 1.0) ws.x0.row(e.row) += ws.moved.transpose();
      if (e.retention < 1.0 && (ws.moved != 0.0).any()) b.pulses.push_back({f, ei, ws.moved, true});
      if (e.held && ev.release_step > k) b.holds.push_back({f, ei, ev.release_step, ws.moved});
    }
    for (int v = ev.first_reveal; v < ev.first_reveal + ev.reveal_count; ++v)
      reveal(m, k, ei, m.reveals[v], b, ws, attr);
    ++b.next_event;
  }
}

/// x ← tanh(g x), as 1 − 2 / (e^{2gx} + 1): Eigen 3.4 vectorises exp for doubles but not tanh, and libm's
/// scalar tanh was a tenth of a step. Exactly 0 at 0 (a step that brings nothing stays news of nothing),
/// ±1 beyond the range of exp, within a few 1e-16 of tanh elsewhere.
void saturate(double g, Eigen::ArrayXd& x) {
  x = 1.0 - 2.0 / ((2.0 * g * x).exp() + 1.0);
}

/// What the mechanisms read that is not a state variable itself: deviations from baseline, the stake under
/// a veto, the hidden intent's drop (for the negative control only), the perceived drift, the West's urgency,
/// the patrons' noisy reading of each signal, and what the last step brought each option (E6).
void derive_inputs(const CompiledModel& m, const Batch& b, Workspace& ws) {
  const mech::BatchContext& c = ws.ctx;
  const Params& p = m.params;
  const int n = m.n_hedgers, w = b.width;
  auto now = [&](Var v) { return rows(b.x, m, v); };
  auto base = [&](Var v) { return rows(ws.x0, m, v); };
  ws.z = now(Var::signal) - now(Var::position) - now(Var::display);
  ws.s_dev = now(Var::signal) - base(Var::signal);
  ws.a_dev = now(Var::accession) - base(Var::accession);
  ws.h_dev = now(Var::courting) - base(Var::courting);
  ws.m_dev = now(Var::complying) - base(Var::complying);
  ws.o_dev = now(Var::opinion) - base(Var::opinion);
  ws.e_excess = now(Var::engagement) - base(Var::engagement);
  // a_i v_i: the stake of a hedger some patron vetoes (the largest veto over patrons in order, all hedgers
  // of a patron at once).
  const auto veto = now(Var::veto);
  ws.vetoed_stake.setZero();
  for (int q = 0; q < m.n_patrons; ++q)
    ws.vetoed_stake = ws.vetoed_stake.max(c.dyads_of(veto, q));
  ws.vetoed_stake *= now(Var::accession);
  // ῑ - ι = -(P - P̄) - κ_ms (m - m̄) + κ_hs (h - h̄): read only under the negative control hidden_intent > 0.
  if (p.hidden_intent != 0.0)  // else it stays 0 from init_batch, and χ · 0 adds nothing
    ws.intent_drop = -(now(Var::position) - base(Var::position)) - p.compliance_signal_pull * ws.m_dev +
                     p.courting_signal_pull * ws.h_dev;
  mech::perceived_drift(c, now(Var::belief), base(Var::belief), ws.intent_drop, ws.drift);
  // The West's perceived drift: the mean over the western patrons; its urgency: the largest war waged by a
  // patron of the other bloc.
  ws.west_drift.setZero();
  ws.war.setZero();
  int west = 0;
  for (int q = 0; q < m.n_patrons; ++q) {
    if (m.pole(q) > 0) {
      ws.west_drift += c.dyads_of(ws.drift, q);
      ++west;
    } else {
      ws.war = ws.war.max(b.x.row(m.offset[var_index(Var::war)] + q).transpose());
    }
  }
  if (west > 0) ws.west_drift /= west;
  for (int i = 0; i < n; ++i)
    c.seg(ws.urgency, i) = ws.war;
  ws.reading = now(Var::signal) + p.reading_noise_step * drawn(ws, kXi);
  // What the last step brought (events included): softening, eastern engagement gained, accession gained.
  ws.reward_court = b.c_prev - now(Var::conditionality);
  ws.reward_comply = ws.reward_court + now(Var::accession) - b.a_prev;
  const auto e = now(Var::engagement);
  for (int q = 0; q < m.n_patrons; ++q)
    if (m.pole(q) < 0)
      ws.reward_court += e.segment(static_cast<Eigen::Index>(q) * n * w, static_cast<Eigen::Index>(n) * w) -
                         c.dyads_of(b.e_prev, q);
  saturate(p.reward_gain_step, ws.reward_court);
  saturate(p.reward_gain_step, ws.reward_comply);
}

void compute_mechanisms(const CompiledModel& m, Batch& b, Workspace& ws) {
  const mech::BatchContext& c = ws.ctx;
  const BatchArray& x = b.x;
  auto out = [&](Mechanism mech, Var v) { return Eigen::Ref<Eigen::ArrayXd>(ws.out[output_of(mech, v)]); };
  auto now = [&](Var v) { return rows(x, m, v); };
  auto base = [&](Var v) { return rows(ws.x0, m, v); };
  derive_inputs(m, b, ws);
  mech::regional_diffusion(c, ws.z, out(Mechanism::regional_diffusion, Var::signal));
  mech::anchoring(c, ws.z, out(Mechanism::anchoring, Var::signal));
  mech::hedging(c, ws.h_dev, ws.m_dev, out(Mechanism::hedging, Var::signal));
  mech::patron_pull(c, ws.e_excess, out(Mechanism::patron_pull, Var::signal));
  mech::signal_noise(c, drawn(ws, kEps), out(Mechanism::signal_noise, Var::signal));
  mech::substance_drift(c, ws.s_dev, now(Var::substance), base(Var::substance), ws.a_dev,
                        out(Mechanism::substance_drift, Var::substance));
  mech::grievance_dynamics(c, now(Var::grievance), now(Var::accession), now(Var::conditionality),
                           base(Var::conditionality), ws.vetoed_stake,
                           out(Mechanism::grievance_dynamics, Var::grievance));
  mech::hedging_decision(
      c, now(Var::payoff_court), now(Var::payoff_comply), now(Var::grievance), now(Var::opinion),
      drawn(ws, kFactorCourt), drawn(ws, kFactorComply), now(Var::courting), now(Var::complying),
      out(Mechanism::hedging_decision, Var::courting), out(Mechanism::hedging_decision, Var::complying));
  mech::western_response(c, now(Var::conditionality), base(Var::conditionality), ws.west_drift, ws.urgency,
                         out(Mechanism::western_response, Var::conditionality));
  mech::payoff_learning(c, now(Var::payoff_court), now(Var::payoff_comply), base(Var::payoff_court),
                        base(Var::payoff_comply), now(Var::courting), now(Var::complying), ws.reward_court,
                        ws.reward_comply, out(Mechanism::payoff_learning, Var::payoff_court),
                        out(Mechanism::payoff_learning, Var::payoff_comply));
  mech::patron_budgets(c, now(Var::capacity), now(Var::detente), ws.budget);
  mech::patron_engagement(c, ws.drift, now(Var::trust), now(Var::engagement), base(Var::engagement),
                          ws.budget, out(Mechanism::patron_engagement, Var::engagement));
  mech::detente_decay(c, now(Var::detente), out(Mechanism::detente_decay, Var::detente));
  mech::belief_update(c, now(Var::belief), now(Var::uncertainty), ws.reading, ws.e_excess,
                      out(Mechanism::belief_update, Var::belief),
                      out(Mechanism::belief_update, Var::uncertainty));
  mech::trust_dynamics(c, now(Var::trust), base(Var::trust), now(Var::belief), base(Var::belief),
                       out(Mechanism::trust_dynamics, Var::trust));
  mech::opinion_dynamics(c, now(Var::opinion), base(Var::opinion), ws.s_dev,
                         out(Mechanism::opinion_dynamics, Var::opinion));
  mech::position_drift(c, now(Var::position), base(Var::position), ws.o_dev,
                       out(Mechanism::position_drift, Var::position));
  // What this step's rewards are measured from next step (E6).
  b.c_prev = now(Var::conditionality);
  b.a_prev = now(Var::accession);
  b.e_prev = now(Var::engagement);
}

void update_attention(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr);

void add_mechanisms(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  const int w = b.width;
  for (int o = 0; o < kOutputCount; ++o) {
    const Var v = kOutputs[o].var;
    rows(b.x, m, v) += ws.out[o];
    record_rows(attr, k, static_cast<int>(kOutputs[o].mech), m.offset[var_index(v)], m.rows_of(v),
                ws.out[o].data(), w);
  }
  update_attention(m, k, b, ws, attr);
}

/// A patron's attention is the engagement it spends above baseline (E7), summed over the hedgers in order,
/// so it moves with that mechanism. Reads engagement after its mechanism's output is added, before clipping.
void update_attention(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  const int n = m.n_hedgers, w = b.width;
  ws.e_excess = rows(b.x, m, Var::engagement) - rows(ws.x0, m, Var::engagement);
  for (int p = 0; p < m.n_patrons; ++p) {
    ws.moved.setZero();
    double* sum = ws.moved.data();
    for (int i = 0; i < n; ++i) {  // a plain loop: narrow batches pay more for expressions than arithmetic
      const double* e = ws.e_excess.data() + (static_cast<Eigen::Index>(p) * n + i) * w;
      for (int r = 0; r < w; ++r)
        sum[r] += e[r];
    }
    auto att = b.x.row(m.offset[var_index(Var::attention)] + p);
    ws.moved -= att.transpose();
    att += ws.moved.transpose();
    record(attr, k, static_cast<int>(Mechanism::patron_engagement), m.offset[var_index(Var::attention)] + p,
           ws.moved.data());
  }
}

/// x ← clip(((x + o_0) + o_1) + ..., lo, hi) over `len` values in one pass: what add_mechanisms then
/// clip_to_bounds do to a variable, in the same order, without attribution.
template <int K>
void add_and_clip(double* x, const std::array<const double*, kMaxOutputsPerVar>& o, Eigen::Index len,
                  double lo, double hi) {
  for (Eigen::Index e = 0; e < len; ++e) {
    double t = x[e];
    for (int j = 0; j < K; ++j)
      t += o[static_cast<std::size_t>(j)][e];
    x[e] = std::min(std::max(t, lo), hi);
  }
}

/// add_mechanisms and clip_to_bounds without attribution, one pass per variable (a sweep's step spends more
/// on passes over its arrays than on their arithmetic). The same bytes: every variable's outputs are added
/// in kOutputs order, then clipped; attention is summed from engagement after its output is added and
/// before it is clipped, as add_mechanisms does.
void add_and_clip_all(const CompiledModel& m, int k, Batch& b, Workspace& ws) {
  const int w = b.width;
  // Engagement first: attention reads it with its output added and not yet clipped.
  rows(b.x, m, Var::engagement) += ws.out[output_of(Mechanism::patron_engagement, Var::engagement)];
  update_attention(m, k, b, ws, nullptr);
  for (int v = 0; v < kVarCount; ++v) {
    const VarOutputs& vo = kOutputsOfVar[v];
    std::array<const double*, kMaxOutputsPerVar> o{};
    for (int j = 0; j < vo.count; ++j)
      o[static_cast<std::size_t>(j)] = ws.out[vo.index[j]].data();
    double* x = b.x.row(m.offset[v]).data();
    const Eigen::Index len = static_cast<Eigen::Index>(m.rows_of(static_cast<Var>(v))) * w;
    const VarInfo& vi = kVarInfo[v];
    switch (vo.count) {
      case 0:
        add_and_clip<0>(x, o, len, vi.lo, vi.hi);
        break;
      case 1:
        add_and_clip<1>(x, o, len, vi.lo, vi.hi);
        break;
      case 5:
        add_and_clip<5>(x, o, len, vi.lo, vi.hi);
        break;
      default:
        throw std::logic_error("add_and_clip_all: a variable with an unexpected number of outputs");
    }
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
  const Eigen::ArrayXd x = initial_state(m);
  BatchArray x0(m.n_rows, width);
  for (int r = 0; r < m.n_rows; ++r)
    x0.row(r).setConstant(x(r));
  return x0;
}

}  // namespace

Eigen::ArrayXd initial_state(const CompiledModel& m) {
  Eigen::ArrayXd x = m.initial;
  auto fill = [&](int row, double value) {
    if (m.derived[static_cast<std::size_t>(row)]) x(row) = value;
  };
  const int n = m.n_hedgers;
  for (int i = 0; i < n; ++i) {
    fill(m.row(Var::position, i), x(m.row(Var::signal, i)));
    for (int p = n; p < m.n_agents; ++p) {
      fill(m.row(Var::belief, p, i), x(m.row(Var::signal, i)));
      fill(m.row(Var::uncertainty, p, i), mech::steady_state_variance(m.params));
    }
  }
  // Conduct at rest: the noise-free choice shares of the initial lessons, grievance and opinion (E4).
  auto seg = [&](Var v) { return x.segment(m.offset[var_index(v)], n); };
  Eigen::ArrayXd court(n), comply(n);
  mech::choice_shares(m.params, seg(Var::payoff_court), seg(Var::payoff_comply), seg(Var::grievance),
                      seg(Var::opinion), court, comply);
  for (int i = 0; i < n; ++i) {
    fill(m.row(Var::courting, i), court(i));
    fill(m.row(Var::complying, i), comply(i));
  }
  return x;
}

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
  b.a_prev = rows(b.x, m, Var::accession);
  b.e_prev = rows(b.x, m, Var::engagement);
  b.pulses.clear();
  b.pulses.reserve(static_cast<std::size_t>(m.transient_effects));
  b.holds.clear();
  b.next_event = 0;
  if (first_run + static_cast<std::uint64_t>(count) > (std::uint64_t{1} << 32))
    throw std::length_error("run indices must stay below 2^32 (the random counter's field)");
  b.seed = seed;
  b.first_run = first_run;
  ws.stream.clear();
  for (int i = 0; i < m.n_hedgers; ++i)
    ws.stream.push_back(stream_id(draw_id(m.agent_ids[i]), kHedgerNoise));
  check_kept_draws(m, b, ws);
  ws.ctx = mech::BatchContext(m, w);
  for (Eigen::ArrayXd* a : {&ws.eps,           &ws.eta_court,  &ws.eta_comply, &ws.xi,      &ws.factor_court,
                            &ws.factor_comply, &ws.r1,         &ws.r2,         &ws.z,       &ws.s_dev,
                            &ws.a_dev,         &ws.h_dev,      &ws.m_dev,      &ws.o_dev,   &ws.vetoed_stake,
                            &ws.intent_drop,   &ws.west_drift, &ws.urgency,    &ws.reading, &ws.reward_court,
                            &ws.reward_comply})
    a->setZero(flat);
  for (Eigen::ArrayXf* a : {&ws.a1, &ws.a2, &ws.trig})
    a->setZero(padded_angles(flat));
  ws.moved.setZero(w);
  ws.war.setZero(w);
  ws.change.setZero(w);
  ws.consent.setOnes(w);
  ws.out.resize(kOutputCount);
  for (int o = 0; o < kOutputCount; ++o)
    ws.out[o].setZero(static_cast<Eigen::Index>(m.rows_of(kOutputs[o].var)) * w);
  const Eigen::Index dyads = static_cast<Eigen::Index>(m.rows_of(Var::engagement)) * w;
  ws.e_excess.setZero(dyads);
  ws.drift.setZero(dyads);
  ws.budget.setZero(static_cast<Eigen::Index>(m.n_patrons) * w);
}

void step(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attribution) {
  draw_noise(m, k, b, ws);
  fade_pulses(m, k, b, ws, attribution);
  release_holds(m, k, b, ws, attribution);
  apply_events(m, k, b, ws, attribution);
  compute_mechanisms(m, b, ws);
  if (attribution == nullptr) {
    add_and_clip_all(m, k, b, ws);
  } else {
    add_mechanisms(m, k, b, ws, attribution);
    clip_to_bounds(m, k, b, ws, attribution);
  }
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
