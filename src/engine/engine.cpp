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

/// Variable v of `count` consecutive agents from `first`, every column: a flat agent-major array.
CMap block(const BatchArray& x, int n_agents, Var v, int first, int count) {
  return CMap(x.row(var_index(v) * n_agents + first).data(), static_cast<Eigen::Index>(count) * x.cols());
}
Map block(BatchArray& x, int n_agents, Var v, int first, int count) {
  return Map(x.row(var_index(v) * n_agents + first).data(), static_cast<Eigen::Index>(count) * x.cols());
}
/// Variable v of all hedgers.
CMap hedgers(const BatchArray& x, const CompiledModel& m, Var v) {
  return block(x, m.n_agents, v, 0, m.n_hedgers);
}
Map hedgers(BatchArray& x, const CompiledModel& m, Var v) {
  return block(x, m.n_agents, v, 0, m.n_hedgers);
}

/// Which variable each mechanism moves (rival_engagement also moves the rival's attention; see step()).
constexpr Var kMechanismTarget[kMechanismCount] = {
    Var::signal,    Var::signal,   Var::signal,         Var::signal, Var::signal,     Var::substance,
    Var::grievance, Var::courting, Var::conditionality, Var::belief, Var::engagement, Var::detente,
};

/// Appends, for every real column with a non-zero change, one attribution entry. `delta` holds the change
/// of (var, agent) in each column.
void record(BatchAttribution* out, int k, int source, int var, int agent, const double* delta) {
  if (out == nullptr) return;
  for (std::size_t r = 0; r < out->size(); ++r)
    if (delta[r] != 0.0) (*out)[r].push_back({k, source, var, agent, delta[r]});
}

/// The draws a mechanism makes, numbered for the counter (random.hpp): a new kind of draw takes a new number
/// and leaves every other draw as it was.
enum Draw : std::uint64_t { kSignalNoise = 0, kCourtingNoise = 1 };

void draw_noise(const CompiledModel& m, int k, Batch& b, Workspace& ws) {
  // Each draw is keyed by (seed, run) and counted by (step, agent, draw): replicate r of two scenarios shares
  // its random numbers for the same agent in the same step whatever else differs (common random numbers).
  // Padding columns draw nothing.
  const int w = b.width;
  for (int i = 0; i < m.n_hedgers; ++i)
    for (int r = 0; r < b.count; ++r) {
      ws.eps(i * w + r) = normal_draw(b.keys[r], k, ws.who[i], kSignalNoise);
      ws.eta(i * w + r) = normal_draw(b.keys[r], k, ws.who[i], kCourtingNoise);
    }
}

/// E0b — transient event effects fade geometrically; the fading is attributed to the event. A column stops
/// fading once what is left of its pulse is below 1e-12, and a pulse is dropped when every column has.
void fade_pulses(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  for (Pulse& p : b.pulses) {
    const CompiledEffect& e = m.effects[p.effect];
    ws.moved = (p.remaining.abs() >= 1e-12).select(-(1.0 - e.retention) * p.remaining, 0.0);
    b.x.row(e.var * b.n_agents + e.agent) += ws.moved.transpose();
    p.remaining += ws.moved;
    record(attr, k, event_source(p.event), e.var, e.agent, ws.moved.data());
  }
  std::erase_if(b.pulses, [](const Pulse& p) { return (p.remaining.abs() < 1e-12).all(); });
}

/// E0a — events dated in step k apply their effects, scaled by the event's magnitude and, where the type
/// says so, by a variable of the party (e.g. a veto hurts in proportion to accession progress). Each effect
/// is clamped to the variable's range as it applies, so the mechanisms never see an out-of-range value and a
/// transient pulse is only as large as what it actually moved (it cannot overshoot when it fades).
void apply_events(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  while (b.next_event < m.events.size() && m.events[b.next_event].step == k) {
    const CompiledEvent& ev = m.events[b.next_event];
    const int ei = static_cast<int>(b.next_event);
    for (int f = ev.first_effect; f < ev.first_effect + ev.effect_count; ++f) {
      const CompiledEffect& e = m.effects[f];
      auto x = b.x.row(e.var * b.n_agents + e.agent);
      ws.moved = x.transpose();
      if (e.scale_var >= 0)
        x += e.delta * b.x.row(e.scale_var * b.n_agents + e.agent);
      else
        x += e.delta;
      x = x.max(kVarInfo[e.var].lo).min(kVarInfo[e.var].hi);
      ws.moved = x.transpose() - ws.moved;  // what the effect actually moved
      record(attr, k, event_source(ei), e.var, e.agent, ws.moved.data());
      if (e.retention < 1.0 && (ws.moved != 0.0).any()) b.pulses.push_back({f, ei, ws.moved});
    }
    ++b.next_event;
  }
}

void compute_mechanisms(const CompiledModel& m, const Batch& b, Workspace& ws) {
  const mech::BatchContext& c = ws.ctx;
  const BatchArray& x = b.x;
  auto out = [&](Mechanism mech) { return Map(ws.d.row(static_cast<int>(mech)).data(), ws.d.cols()); };
  auto now = [&](Var v) { return hedgers(x, m, v); };
  auto base = [&](Var v) { return hedgers(ws.x0, m, v); };
  ws.z = now(Var::signal) - base(Var::signal);
  ws.a_dev = now(Var::accession) - base(Var::accession);
  ws.e_excess = now(Var::engagement) - base(Var::engagement);
  const auto h = now(Var::courting);
  const auto cond = now(Var::conditionality);
  mech::regional_diffusion(c, ws.z, out(Mechanism::regional_diffusion));
  mech::anchoring(c, ws.z, out(Mechanism::anchoring));
  mech::hedging(c, h, out(Mechanism::hedging));
  mech::rival_pull(c, ws.e_excess, out(Mechanism::rival_pull));
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
  // The strongest western reset with the rival, per column (E7), over the patrons in order.
  const int det = var_index(Var::detente) * m.n_agents + m.n_hedgers;
  ws.max_detente = x.row(det).transpose();
  for (int w = 1; w < m.n_west; ++w)
    ws.max_detente = ws.max_detente.max(x.row(det + w).transpose());
  mech::rival_engagement(c, h, now(Var::engagement), base(Var::engagement), ws.max_detente,
                         out(Mechanism::rival_engagement));
  mech::detente_decay(c, block(x, m.n_agents, Var::detente, m.n_hedgers, m.n_west), ws.d_detente);
}

void add_mechanisms(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  const int n = m.n_hedgers, w = b.width;
  b.c_prev = hedgers(b.x, m, Var::conditionality);
  for (int mech = 0; mech < kMechanismCount; ++mech) {
    if (static_cast<Mechanism>(mech) == Mechanism::detente_decay) continue;
    const Var v = kMechanismTarget[mech];
    hedgers(b.x, m, v) += Map(ws.d.row(mech).data(), ws.d.cols());
    for (int i = 0; attr != nullptr && i < n; ++i)
      record(attr, k, mech, var_index(v), i, ws.d.row(mech).data() + static_cast<std::ptrdiff_t>(i) * w);
  }
  block(b.x, m.n_agents, Var::detente, n, m.n_west) += ws.d_detente;
  for (int p = 0; attr != nullptr && p < m.n_west; ++p)
    record(attr, k, static_cast<int>(Mechanism::detente_decay), var_index(Var::detente), n + p,
           ws.d_detente.data() + static_cast<std::ptrdiff_t>(p) * w);
  // The rival's attention is the engagement it spends above baseline (E7), summed over the hedgers in order,
  // so it moves with that mechanism.
  ws.e_excess = hedgers(b.x, m, Var::engagement) - hedgers(ws.x0, m, Var::engagement);
  ws.attention.setZero();
  for (int i = 0; i < n; ++i)
    ws.attention += ws.e_excess.segment(static_cast<Eigen::Index>(i) * w, w);
  auto att = b.x.row(var_index(Var::attention) * m.n_agents + m.rival);
  if (attr != nullptr) {
    ws.moved = ws.attention - att.transpose();
    record(attr, k, static_cast<int>(Mechanism::rival_engagement), var_index(Var::attention), m.rival,
           ws.moved.data());
  }
  att = ws.attention.transpose();
}

/// The agents [first, first + count) of a kind (agents are ordered hedgers, western patrons, rival).
std::pair<int, int> agents_of(const CompiledModel& m, Kind kind) {
  switch (kind) {
    case Kind::hedger:
      return {0, m.n_hedgers};
    case Kind::west:
      return {m.n_hedgers, m.n_west};
    case Kind::rival:
      return {m.rival, 1};
  }
  return {0, 0};
}

/// Only the agents whose kind carries a variable are clipped: the others hold zero and nothing moves it.
void clip_to_bounds(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attr) {
  for (int v = 0; v < kVarCount; ++v) {
    const VarInfo& vi = kVarInfo[v];
    const auto [first, count] = agents_of(m, vi.kind);
    if (attr == nullptr) {
      auto carried = block(b.x, m.n_agents, static_cast<Var>(v), first, count);
      carried = carried.max(vi.lo).min(vi.hi);
      continue;
    }
    for (int a = first; a < first + count; ++a) {
      auto x = b.x.row(v * m.n_agents + a);
      ws.moved = x.transpose();
      x = x.max(vi.lo).min(vi.hi);
      ws.moved = x.transpose() - ws.moved;
      record(attr, k, kBoundsSource, v, a, ws.moved.data());
    }
  }
}

/// The model's initial state broadcast to every column of a batch of `width`.
BatchArray broadcast_initial(const CompiledModel& m, int width) {
  BatchArray x0(kVarCount * m.n_agents, width);
  for (int v = 0; v < kVarCount; ++v)
    for (int a = 0; a < m.n_agents; ++a)
      x0.row(v * m.n_agents + a).setConstant(m.initial(v, a));
  return x0;
}

}  // namespace

int batch_width(int count) {
  constexpr int lanes = Eigen::internal::packet_traits<double>::size;
  return (std::max(count, 1) + lanes - 1) / lanes * lanes;
}

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
  b.n_agents = m.n_agents;
  ws.x0 = broadcast_initial(m, w);
  b.x = ws.x0;
  b.c_prev = hedgers(b.x, m, Var::conditionality);
  b.pulses.clear();
  b.pulses.reserve(static_cast<std::size_t>(m.transient_effects));
  b.next_event = 0;
  b.keys.clear();
  for (int r = 0; r < count; ++r)
    b.keys.push_back({seed, first_run + static_cast<std::uint64_t>(r)});
  ws.who.clear();
  for (const std::string& id : m.agent_ids)
    ws.who.push_back(draw_id(id));
  ws.ctx = mech::BatchContext(m, w);
  for (Eigen::ArrayXd* a : {&ws.eps, &ws.eta, &ws.z, &ws.a_dev, &ws.e_excess})
    a->setZero(flat);
  ws.moved.setZero(w);
  ws.d.setZero(kMechanismCount, flat);
  ws.d_detente.setZero(static_cast<Eigen::Index>(m.n_west) * w);
  ws.max_detente.setZero(w);
  ws.attention.setZero(w);
}

void step(const CompiledModel& m, int k, Batch& b, Workspace& ws, BatchAttribution* attribution) {
  draw_noise(m, k, b, ws);
  fade_pulses(m, k, b, ws, attribution);
  apply_events(m, k, b, ws, attribution);
  compute_mechanisms(m, b, ws);
  add_mechanisms(m, k, b, ws, attribution);
  clip_to_bounds(m, k, b, ws, attribution);
}

std::vector<RunOutput> run_batch(const CompiledModel& m, std::uint64_t seed, std::uint64_t first_run,
                                 int count, bool record_attribution) {
  std::vector<RunOutput> out(static_cast<std::size_t>(count));
  const std::size_t per_step = static_cast<std::size_t>(kVarCount) * m.n_agents;
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

}  // namespace hedgesim
