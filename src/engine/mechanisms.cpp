// Implementations of the mechanisms declared in mechanisms.hpp (equations E1–E8 of docs/ODD.md). Every
// expression is elementwise over the flat hedger-major arrays, so Eigen vectorises it across replicates; the
// only sums (W z, Σ_j d_j) run over hedgers in a fixed order, one replicate row at a time, so a replicate's
// result never depends on which other replicates share its batch.
#include "engine/mechanisms.hpp"

namespace hedgesim::mech {

BatchContext::BatchContext(const CompiledModel& model, int w)
    : m(&model), n(model.n_hedgers), n_patrons(model.n_patrons), width(w) {
  susceptibility.resize(static_cast<Eigen::Index>(n) * width);
  per_replicate.resize(width);
  for (int i = 0; i < n; ++i)
    seg(susceptibility, i).setConstant(model.susceptibility(i));
}

void regional_diffusion(const BatchContext& c, CVec z, OutVec out) {
  // out_i = Σ_j W_ij z_j, accumulated over j in order for all replicates of hedger i at once.
  for (int i = 0; i < c.n; ++i) {
    auto wz = c.seg(out, i);
    wz.setZero();
    for (int j = 0; j < c.n; ++j)
      if (c.m->W(i, j) != 0.0) wz += c.m->W(i, j) * c.seg(z, j);
  }
  out = c.p().r_signal * c.susceptibility * (out - z);
}

void anchoring(const BatchContext& c, CVec z, OutVec out) {
  out = -c.p().r_signal * (1.0 - c.susceptibility) * z;
}

void hedging(const BatchContext& c, CVec courting, OutVec out) {
  out = -c.p().r_signal * c.p().courting_signal_pull * courting;
}

void patron_pull(const BatchContext& c, CVec engagement_excess, OutVec out) {
  // Σ_p π_p (e_pi - ē_pi), over patrons in order, for all replicates of hedger i at once.
  out.setZero();
  for (int p = 0; p < c.n_patrons; ++p)
    out += c.m->pole(p) * c.dyads_of(engagement_excess, p);
  out *= c.p().r_signal * c.p().engagement_signal_pull;
}

void signal_noise(const BatchContext& c, CVec eps, OutVec out) {
  out = c.p().signal_noise_step * eps;
}

void substance_drift(const BatchContext& c, CVec s_dev, CVec b, CVec b0, CVec a_dev, OutVec out) {
  const Params& p = c.p();
  out =
      p.r_substance * (b0 + p.substance_signal_coupling * s_dev + p.substance_accession_coupling * a_dev - b);
}

void grievance_dynamics(const BatchContext& c, CVec g, CVec a, CVec cond, CVec c0, OutVec out) {
  const Params& p = c.p();
  out = p.r_grievance * (p.grievance_conditionality_gain * a * (cond - c0).max(0.0) - g);
}

void hedging_decision(const BatchContext& c, CVec g, CVec q, CVec h, CVec eta, OutVec out) {
  const Params& p = c.p();
  const double sd = p.courting_noise;
  // Log-normal noise with mean one: no grievance or no belief means no courting at all, so the rival's
  // engagement can stay exactly at baseline (ODD, design concept "Stochasticity").
  out = p.r_courting * ((p.courting_gain * g * q * (sd * eta - 0.5 * sd * sd).exp()).min(1.0) - h);
}

void western_response(const BatchContext& c, CVec cond, CVec c0, CVec h, CVec b, CVec b0, OutVec out) {
  const Params& p = c.p();
  out = p.r_conditionality * (c0 - cond) - p.r_softening * h * (cond - p.conditionality_floor).max(0.0) +
        p.r_conditionality * p.hardening_gain * (b0 - b - p.backsliding_tolerance).max(0.0);
}

void belief_learning(const BatchContext& c, CVec q, CVec h, CVec c_prev, CVec cond, OutVec out) {
  const Params& p = c.p();
  out = p.r_learning * h * ((p.reward_gain_step * (c_prev - cond).max(0.0)).tanh() - q);
}

void patron_budgets(const BatchContext& c, CVec capacity, CVec detente, OutVec budget) {
  const Params& p = c.p();
  for (int q = 0; q < c.n_patrons; ++q) {
    // The strongest reset sought by a patron of the other bloc, per column, over patrons in order.
    Vec& strongest = c.per_replicate;
    strongest.setZero();
    for (int o = 0; o < c.n_patrons; ++o)
      if (c.m->pole(o) != c.m->pole(q)) strongest = strongest.max(c.seg(detente, o));
    c.seg(budget, q) = c.seg(capacity, q) * (1.0 - p.detente_damping * strongest);
  }
}

void patron_engagement(const BatchContext& c, CVec h, CVec trust, CVec e, CVec e0, CVec budget, OutVec out) {
  const Params& p = c.p();
  for (int q = 0; q < c.n_patrons; ++q) {
    auto o = c.dyads_of(out, q);
    if (c.m->pole(q) > 0) {  // courting is aimed at the -1 pole: the other bloc does not answer it
      o.setZero();
      continue;
    }
    // o first holds the demand d_qi = τ_qi h_i; `share` the budget per unit of demand, per replicate.
    o = c.dyads_of(trust, q) * h;
    Vec& share = c.per_replicate;
    share.setConstant(p.engagement_saturation);
    for (int j = 0; j < c.n; ++j)
      share += c.seg(o, j);
    share = c.seg(budget, q) / share;
    for (int i = 0; i < c.n; ++i)
      c.seg(o, i) = share * c.seg(o, i);
    o = p.r_engagement * (c.dyads_of(e0, q) + o - c.dyads_of(e, q));
  }
}

void detente_decay(const BatchContext& c, CVec detente, OutVec out) {
  out = -c.p().r_detente * detente;
}

}  // namespace hedgesim::mech
