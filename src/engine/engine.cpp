// The stepping loop (docs/ODD.md, "Process overview and scheduling"): draws, fading pulses, events, then the
// mechanisms from one snapshot, summed and clipped. Only Eigen arrays and indices are touched here.
#include "engine/engine.hpp"

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/seed_seq.hpp>

#include "engine/mechanisms.hpp"

namespace hedgesim {
namespace {

using Map = Eigen::Map<Eigen::ArrayXd>;
using CMap = Eigen::Map<const Eigen::ArrayXd>;

/// Variable `v` of the first n agents, as a contiguous array (the state is row-major).
CMap row(const StateArray& x, Var v, int n) {
  return CMap(x.row(var_index(v)).data(), n);
}
Map row(StateArray& x, Var v, int n) {
  return Map(x.row(var_index(v)).data(), n);
}

/// Which variable each mechanism moves (rival_engagement also moves the rival's attention; see step()).
constexpr Var kMechanismTarget[kMechanismCount] = {
    Var::signal,    Var::signal,   Var::signal,         Var::signal, Var::signal,     Var::substance,
    Var::grievance, Var::courting, Var::conditionality, Var::belief, Var::engagement, Var::detente,
};

void record(std::vector<AttributionEntry>* out, int k, int source, int var, int agent, double delta) {
  if (out != nullptr && delta != 0.0) out->push_back({k, source, var, agent, delta});
}

void draw_noise(const CompiledModel& m, Rng& rng, Workspace& ws) {
  // Always the same number of draws per step, whatever the state: replicate r of two scenarios then shares
  // its random numbers draw for draw (common random numbers).
  boost::random::normal_distribution<double> normal;
  for (int i = 0; i < m.n_hedgers; ++i)
    ws.eps(i) = normal(rng);
  for (int i = 0; i < m.n_hedgers; ++i)
    ws.eta(i) = normal(rng);
}

/// E0b — transient event effects fade geometrically; the fading is attributed to the event.
void fade_pulses(const CompiledModel& m, int k, State& st, std::vector<AttributionEntry>* attr) {
  for (Pulse& p : st.pulses) {
    const CompiledEffect& e = m.effects[p.effect];
    const double fade = -(1.0 - e.retention) * p.remaining;
    st.x(e.var, e.agent) += fade;
    p.remaining += fade;
    record(attr, k, event_source(p.event), e.var, e.agent, fade);
  }
  std::erase_if(st.pulses, [](const Pulse& p) { return std::abs(p.remaining) < 1e-12; });
}

/// E0a — events dated in step k apply their effects, scaled by the event's magnitude and, where the type
/// says so, by a variable of the party (e.g. a veto hurts in proportion to accession progress). Each effect
/// is clamped to the variable's range as it applies, so the mechanisms never see an out-of-range value and a
/// transient pulse is only as large as what it actually moved (it cannot overshoot when it fades).
void apply_events(const CompiledModel& m, int k, State& st, std::vector<AttributionEntry>* attr) {
  while (st.next_event < m.events.size() && m.events[st.next_event].step == k) {
    const CompiledEvent& ev = m.events[st.next_event];
    const int ei = static_cast<int>(st.next_event);
    for (int f = ev.first_effect; f < ev.first_effect + ev.effect_count; ++f) {
      const CompiledEffect& e = m.effects[f];
      const double before = st.x(e.var, e.agent);
      const double wanted = e.delta * (e.scale_var >= 0 ? st.x(e.scale_var, e.agent) : 1.0);
      st.x(e.var, e.agent) = std::clamp(before + wanted, kVarInfo[e.var].lo, kVarInfo[e.var].hi);
      const double amount = st.x(e.var, e.agent) - before;
      record(attr, k, event_source(ei), e.var, e.agent, amount);
      if (e.retention < 1.0 && amount != 0.0) st.pulses.push_back({f, ei, amount});
    }
    ++st.next_event;
  }
}

void compute_mechanisms(const CompiledModel& m, const State& st, Workspace& ws) {
  const int n = m.n_hedgers;
  const StateArray& x = st.x;
  const StateArray& x0 = m.initial;
  auto out = [&](Mechanism mech) { return Map(ws.d.row(static_cast<int>(mech)).data(), n); };
  ws.z = row(x, Var::signal, n) - row(x0, Var::signal, n);
  ws.a_dev = row(x, Var::accession, n) - row(x0, Var::accession, n);
  ws.e_excess = row(x, Var::engagement, n) - row(x0, Var::engagement, n);
  const auto h = row(x, Var::courting, n);
  const auto c = row(x, Var::conditionality, n);
  mech::regional_diffusion(m, ws.z, out(Mechanism::regional_diffusion));
  mech::anchoring(m, ws.z, out(Mechanism::anchoring));
  mech::hedging(m, h, out(Mechanism::hedging));
  mech::rival_pull(m, ws.e_excess, out(Mechanism::rival_pull));
  mech::signal_noise(m, ws.eps, out(Mechanism::signal_noise));
  mech::substance_drift(m, ws.z, row(x, Var::substance, n), row(x0, Var::substance, n), ws.a_dev,
                        out(Mechanism::substance_drift));
  mech::grievance_dynamics(m, row(x, Var::grievance, n), row(x, Var::accession, n), c,
                           row(x0, Var::conditionality, n), out(Mechanism::grievance_dynamics));
  mech::hedging_decision(m, row(x, Var::grievance, n), row(x, Var::belief, n), h, ws.eta,
                         out(Mechanism::hedging_decision));
  mech::western_response(m, c, row(x0, Var::conditionality, n), h, row(x, Var::substance, n),
                         row(x0, Var::substance, n), out(Mechanism::western_response));
  mech::belief_learning(m, row(x, Var::belief, n), h, st.c_prev, c, out(Mechanism::belief_learning));
  const double max_detente = x.row(var_index(Var::detente)).segment(n, m.n_west).maxCoeff();
  mech::rival_engagement(m, h, row(x, Var::engagement, n), row(x0, Var::engagement, n), max_detente,
                         out(Mechanism::rival_engagement));
  mech::detente_decay(m, x.row(var_index(Var::detente)).segment(n, m.n_west).transpose(), ws.d_detente);
}

void add_mechanisms(const CompiledModel& m, int k, State& st, const Workspace& ws,
                    std::vector<AttributionEntry>* attr) {
  const int n = m.n_hedgers;
  st.c_prev = row(st.x, Var::conditionality, n);
  for (int mech = 0; mech < kMechanismCount; ++mech) {
    if (static_cast<Mechanism>(mech) == Mechanism::detente_decay) continue;
    const int var = var_index(kMechanismTarget[mech]);
    for (int i = 0; i < n; ++i) {
      st.x(var, i) += ws.d(mech, i);
      record(attr, k, mech, var, i, ws.d(mech, i));
    }
  }
  const int det = var_index(Var::detente);
  for (int w = 0; w < m.n_west; ++w) {
    st.x(det, n + w) += ws.d_detente(w);
    record(attr, k, static_cast<int>(Mechanism::detente_decay), det, n + w, ws.d_detente(w));
  }
  // The rival's attention is the engagement it spends above baseline (E7), so it moves with that mechanism.
  const int att = var_index(Var::attention);
  const double attention = (row(st.x, Var::engagement, n) - row(m.initial, Var::engagement, n)).sum();
  const double d_att = attention - st.x(att, m.rival);
  st.x(att, m.rival) = attention;
  record(attr, k, static_cast<int>(Mechanism::rival_engagement), att, m.rival, d_att);
}

void clip_to_bounds(const CompiledModel& m, int k, State& st, std::vector<AttributionEntry>* attr) {
  for (int v = 0; v < kVarCount; ++v) {
    const VarInfo& vi = kVarInfo[v];
    for (int a = 0; a < m.n_agents; ++a) {
      const double before = st.x(v, a);
      const double after = std::clamp(before, vi.lo, vi.hi);
      if (after != before) {
        st.x(v, a) = after;
        record(attr, k, kBoundsSource, v, a, after - before);
      }
    }
  }
}

}  // namespace

Rng make_stream(std::uint64_t seed, std::uint64_t run_index) {
  boost::random::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                              static_cast<std::uint32_t>(run_index),
                              static_cast<std::uint32_t>(run_index >> 32), 0x68656467u /* "hedg" */};
  return Rng(seq);
}

std::string source_name(const CompiledModel& m, int source) {
  if (source < kMechanismCount) return "mechanism:" + std::string(kMechanismInfo[source].name);
  if (source == kBoundsSource) return "bounds";
  return m.events[source - kMechanismCount - 1].source;
}

void init_state(const CompiledModel& m, State& st, Workspace& ws) {
  const int n = m.n_hedgers;
  st.x = m.initial;
  st.c_prev = row(m.initial, Var::conditionality, n);
  st.pulses.clear();
  st.pulses.reserve(static_cast<std::size_t>(m.transient_effects));
  st.next_event = 0;
  for (Eigen::ArrayXd* a : {&ws.eps, &ws.eta, &ws.z, &ws.s_dev, &ws.a_dev, &ws.e_excess})
    a->setZero(n);
  ws.d.setZero(kMechanismCount, n);
  ws.d_detente.setZero(m.n_west);
}

void step(const CompiledModel& m, int k, State& st, Rng& rng, Workspace& ws,
          std::vector<AttributionEntry>* attribution) {
  draw_noise(m, rng, ws);
  fade_pulses(m, k, st, attribution);
  apply_events(m, k, st, attribution);
  compute_mechanisms(m, st, ws);
  add_mechanisms(m, k, st, ws, attribution);
  clip_to_bounds(m, k, st, attribution);
}

RunOutput run(const CompiledModel& m, std::uint64_t seed, std::uint64_t run_index, bool record_attribution) {
  RunOutput out;
  const std::size_t per_step = static_cast<std::size_t>(kVarCount) * m.n_agents;
  out.trajectory.resize(per_step * (m.steps + 1));
  State st;
  Workspace ws;
  init_state(m, st, ws);
  Rng rng = make_stream(seed, run_index);
  std::copy_n(st.x.data(), per_step, out.trajectory.begin());
  for (int k = 1; k <= m.steps; ++k) {
    step(m, k, st, rng, ws, record_attribution ? &out.attribution : nullptr);
    std::copy_n(st.x.data(), per_step, out.trajectory.begin() + static_cast<std::ptrdiff_t>(k * per_step));
  }
  return out;
}

}  // namespace hedgesim
