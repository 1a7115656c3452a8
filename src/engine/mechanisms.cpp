// Implementations of the mechanisms declared in mechanisms.hpp (equations E1–E8 of docs/ODD.md).
#include "engine/mechanisms.hpp"

namespace hedgesim::mech {

void regional_diffusion(const CompiledModel& m, CVec z, OutVec out) {
  out = m.params.r_signal * m.susceptibility * ((m.W * z.matrix()).array() - z);
}

void anchoring(const CompiledModel& m, CVec z, OutVec out) {
  out = -m.params.r_signal * (1.0 - m.susceptibility) * z;
}

void hedging(const CompiledModel& m, CVec courting, OutVec out) {
  out = -m.params.r_signal * m.params.courting_signal_pull * courting;
}

void rival_pull(const CompiledModel& m, CVec engagement_excess, OutVec out) {
  out = -m.params.r_signal * m.params.engagement_signal_pull * engagement_excess;
}

void signal_noise(const CompiledModel& m, CVec eps, OutVec out) {
  out = m.params.signal_noise_step * eps;
}

void substance_drift(const CompiledModel& m, CVec s_dev, CVec b, CVec b0, CVec a_dev, OutVec out) {
  const Params& p = m.params;
  out =
      p.r_substance * (b0 + p.substance_signal_coupling * s_dev + p.substance_accession_coupling * a_dev - b);
}

void grievance_dynamics(const CompiledModel& m, CVec g, CVec a, CVec c, CVec c0, OutVec out) {
  const Params& p = m.params;
  out = p.r_grievance * (p.grievance_conditionality_gain * a * (c - c0).max(0.0) - g);
}

void hedging_decision(const CompiledModel& m, CVec g, CVec q, CVec h, CVec eta, OutVec out) {
  const Params& p = m.params;
  const double sd = p.courting_noise;
  // Log-normal noise with mean one: no grievance or no belief means no courting at all, so the rival's
  // engagement can stay exactly at baseline (ODD, design concept "Stochasticity").
  const Vec target = (p.courting_gain * g * q * (sd * eta - 0.5 * sd * sd).exp()).min(1.0);
  out = p.r_courting * (target - h);
}

void western_response(const CompiledModel& m, CVec c, CVec c0, CVec h, CVec b, CVec b0, OutVec out) {
  const Params& p = m.params;
  out = p.r_conditionality * (c0 - c) - p.r_softening * h * (c - p.conditionality_floor).max(0.0) +
        p.r_conditionality * p.hardening_gain * (b0 - b - p.backsliding_tolerance).max(0.0);
}

void belief_learning(const CompiledModel& m, CVec q, CVec h, CVec c_prev, CVec c, OutVec out) {
  const Params& p = m.params;
  const Vec payoff = (p.reward_gain_step * (c_prev - c).max(0.0)).tanh();
  out = p.r_learning * h * (payoff - q);
}

void rival_engagement(const CompiledModel& m, CVec h, CVec e, CVec e0, double max_detente, OutVec out) {
  const Params& p = m.params;
  const Vec demand = m.rival_trust * h;
  const double budget = p.rival_budget * (1.0 - p.detente_damping * max_detente);
  const Vec target = e0 + budget * demand / (p.rival_saturation + demand.sum());
  out = p.r_engagement * (target - e);
}

void detente_decay(const CompiledModel& m, CVec detente, OutVec out) {
  out = -m.params.r_detente * detente;
}

}  // namespace hedgesim::mech
