// Implementations of the mechanisms declared in mechanisms.hpp (equations E1–E12 of docs/ODD.md). Every
// expression is elementwise over the flat hedger-major arrays, so Eigen vectorises it across replicates; the
// only sums (W z, Σ_j d_j, over patrons) run in a fixed order, one replicate row at a time, so a replicate's
// result never depends on which other replicates share its batch.
#include "engine/mechanisms.hpp"

#include <cmath>

namespace hedgesim::mech {

BatchContext::BatchContext(const CompiledModel& model, int w)
    : m(&model), n(model.n_hedgers), n_patrons(model.n_patrons), width(w) {
  susceptibility.resize(static_cast<Eigen::Index>(n) * width);
  per_replicate.resize(width);
  for (int i = 0; i < n; ++i)
    seg(susceptibility, i).setConstant(model.susceptibility(i));
}

namespace {
/// out_i = Σ_j W_ij x_j, accumulated over j in order for all replicates of hedger i at once. Plain loops
/// rather than n² Eigen segment expressions: a sweep's batches are narrow (20 columns), and the set-up of so
/// many small expressions cost more than their arithmetic. The compiler vectorises the loop over columns;
/// the order of the sum is the same.
void weighted_by_neighbours(const BatchContext& c, CVec x, OutVec out) {
  const Eigen::Index w = c.width;
  const double* in = x.data();
  double* o = out.data();
  for (int i = 0; i < c.n; ++i) {
    double* oi = o + i * w;
    for (Eigen::Index r = 0; r < w; ++r)
      oi[r] = 0.0;
    for (int j = 0; j < c.n; ++j) {
      const double wij = c.m->W(i, j);
      if (wij == 0.0) continue;
      const double* xj = in + j * w;
      for (Eigen::Index r = 0; r < w; ++r)
        oi[r] += wij * xj[r];
    }
  }
}
}  // namespace

void regional_diffusion(const BatchContext& c, CVec z, OutVec out) {
  weighted_by_neighbours(c, z, out);
  out = c.p().r_signal * c.susceptibility * (out - z);
}

void anchoring(const BatchContext& c, CVec z, OutVec out) {
  out = -c.p().r_signal * (1.0 - c.susceptibility) * z;
}

void hedging(const BatchContext& c, CVec courting_dev, CVec complying_dev, OutVec out) {
  const Params& p = c.p();
  out = p.r_signal * (p.compliance_signal_pull * complying_dev - p.courting_signal_pull * courting_dev);
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

void grievance_dynamics(const BatchContext& c, CVec g, CVec a, CVec cond, CVec c0, CVec vetoed_stake,
                        OutVec out) {
  const Params& p = c.p();
  weighted_by_neighbours(c, vetoed_stake, out);  // Σ_j W_ij a_j v_j: the door closed next door
  out = p.r_grievance * (p.grievance_conditionality_gain * a * (cond - c0).max(0.0) +
                         p.grievance_veto_gain * vetoed_stake + p.grievance_bystander_gain * out - g);
}

void choice_shares(const Params& p, CVec payoff_court, CVec payoff_comply, CVec g, CVec opinion,
                   OutVec court_share, OutVec comply_share) {
  // Utilities relative to holding (U_hold = 0), exponentiated; then the softmax over the three options,
  // written without a temporary: m' = M / (1 + H + M), h' = H (1 - m') / (1 + H) = H / (1 + H + M).
  court_share =
      (p.court_bias + p.payoff_weight * payoff_court + p.grievance_weight * g - p.audience_weight * opinion)
          .exp();
  comply_share =
      (p.comply_bias + p.payoff_weight * payoff_comply - p.grievance_weight * g + p.audience_weight * opinion)
          .exp();
  comply_share = comply_share / (1.0 + court_share + comply_share);
  court_share = court_share * (1.0 - comply_share) / (1.0 + court_share);
}

void conduct_noise(const BatchContext& c, CVec eta, OutVec factor) {
  const double sd = c.p().choice_noise, drift = -0.5 * sd * sd;
  factor = (sd * eta + drift).exp();
}

void hedging_decision(const BatchContext& c, CVec payoff_court, CVec payoff_comply, CVec g, CVec opinion,
                      CVec factor_court, CVec factor_comply, CVec h, CVec m, OutVec out_h, OutVec out_m) {
  const Params& p = c.p();
  // The logit shares are what the leader means to do; a week's conduct varies around them by the mean-one
  // factors, scaled down together in the rare week they would exceed one in sum.
  choice_shares(p, payoff_court, payoff_comply, g, opinion, out_h, out_m);
  out_h *= factor_court;
  out_m *= factor_comply;
  // Without a temporary: m' = m / max(1, h + m), then h' = min(h, 1 - m') (= h / (h + m) when h + m > 1).
  out_m /= (out_h + out_m).max(1.0);
  out_h = out_h.min(1.0 - out_m);
  out_h = p.r_choice * (out_h - h);
  out_m = p.r_choice * (out_m - m);
}

void western_response(const BatchContext& c, CVec cond, CVec c0, CVec drift, CVec urgency, OutVec out) {
  const Params& p = c.p();
  out = p.r_conditionality * (c0 - cond) -
        p.r_softening * (1.0 + p.war_urgency * urgency) * drift / (drift + p.drift_half_softening) *
            (cond - p.conditionality_floor).max(0.0) +
        p.r_conditionality * p.hardening_gain * (drift - p.hardening_threshold).max(0.0);
}

void payoff_learning(const BatchContext& c, CVec payoff_court, CVec payoff_comply, CVec court0, CVec comply0,
                     CVec h, CVec m, CVec reward_court, CVec reward_comply, OutVec out_court,
                     OutVec out_comply) {
  const Params& p = c.p();
  // The reward is news against the prior lesson: a step that brings nothing confirms the prior (Ā + 0), so
  // the baseline is an equilibrium of learning.
  out_court =
      p.r_learning * h * (court0 + reward_court - payoff_court) + p.r_forgetting * (court0 - payoff_court);
  out_comply = p.r_learning * m * (comply0 + reward_comply - payoff_comply) +
               p.r_forgetting * (comply0 - payoff_comply);
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

void patron_engagement(const BatchContext& c, CVec drift, CVec trust, CVec e, CVec e0, CVec budget,
                       OutVec out) {
  const Params& p = c.p();
  for (int q = 0; q < c.n_patrons; ++q) {
    auto o = c.dyads_of(out, q);
    if (c.m->pole(q) > 0) {  // the western pole keeps its engagement: only events move it
      o.setZero();
      continue;
    }
    // o first holds the demand d_qi; `share` the budget per unit of demand, per replicate.
    o = (1.0 - p.trust_weighting + p.trust_weighting * c.dyads_of(trust, q)) *
        (c.dyads_of(drift, q) + p.rival_lead);
    // Plain loops over the columns: narrow batches pay more for small expressions than for arithmetic.
    Vec& share = c.per_replicate;
    share.setConstant(p.engagement_saturation);
    const Eigen::Index w = c.width;
    double* d = o.data();
    for (int j = 0; j < c.n; ++j)
      for (Eigen::Index r = 0; r < w; ++r)
        share[r] += d[j * w + r];
    share = c.seg(budget, q) / share;
    for (int i = 0; i < c.n; ++i)
      for (Eigen::Index r = 0; r < w; ++r)
        d[i * w + r] = share[r] * d[i * w + r];
    o = p.r_engagement * (c.dyads_of(e0, q) + o - c.dyads_of(e, q));
  }
}

void detente_decay(const BatchContext& c, CVec detente, OutVec out) {
  out = -c.p().r_detente * detente;
}

void belief_update(const BatchContext& c, CVec mean, CVec variance, CVec reading, CVec engagement_excess,
                   OutVec out_mean, OutVec out_variance) {
  const Params& p = c.p();
  for (int q = 0; q < c.n_patrons; ++q) {
    auto var = c.dyads_of(variance, q);
    auto d_mean = c.dyads_of(out_mean, q);
    auto d_var = c.dyads_of(out_variance, q);
    d_var = var + p.drift_variance_step;            // the prior variance σ⁻ (predict)
    d_mean = d_var / (d_var + p.reading_variance);  // the gain K
    d_var = (1.0 - d_mean) * d_var - var;           // (1 - K) σ⁻ - σ²
    // K (y - μ), the reading net of the pull the patron's own engagement exerts (a known input: it does not
    // mistake the smiles its own visits bring for a change of lean).
    d_mean *= reading - p.engagement_signal_pull * c.m->pole(q) * c.dyads_of(engagement_excess, q) -
              c.dyads_of(mean, q);
  }
}

double steady_state_variance(const Params& p) {
  const double q = p.drift_variance_step, r = p.reading_variance;
  return 0.5 * (-q + std::sqrt(q * q + 4.0 * q * r));
}

void perceived_drift(const BatchContext& c, CVec mean, CVec mean0, CVec intent_drop, OutVec drift) {
  const Params& p = c.p();
  const double chi = p.hidden_intent;
  for (int q = 0; q < c.n_patrons; ++q)
    c.dyads_of(drift, q) =
        ((1.0 - chi) * (c.dyads_of(mean0, q) - c.dyads_of(mean, q)) + chi * intent_drop - p.drift_threshold)
            .max(0.0);
}

void trust_dynamics(const BatchContext& c, CVec trust, CVec trust0, CVec mean, CVec mean0, OutVec out) {
  const Params& p = c.p();
  for (int q = 0; q < c.n_patrons; ++q)
    c.dyads_of(out, q) =
        p.r_trust *
        (c.dyads_of(trust0, q) + p.trust_gain * c.m->pole(q) * (c.dyads_of(mean, q) - c.dyads_of(mean0, q)) -
         c.dyads_of(trust, q));
}

void opinion_dynamics(const BatchContext& c, CVec opinion, CVec opinion0, CVec s_dev, OutVec out) {
  const Params& p = c.p();
  out = p.r_opinion * (opinion0 + p.leader_cue * s_dev - opinion);
}

void position_drift(const BatchContext& c, CVec position, CVec position0, CVec opinion_dev, OutVec out) {
  const Params& p = c.p();
  out = p.r_position * (position0 + p.opinion_position_coupling * opinion_dev - position);
}

}  // namespace hedgesim::mech
