// The mechanisms of the hedging model, one named function each, citing its equation in docs/ODD.md.
// Each computes the change one mechanism makes to one variable of the hedgers over one step, from a snapshot
// of the state (synchronous update), into an output array; none allocates, throws or looks up a name.
//
// The engine steps a batch of replicates at once (structure of arrays, vectorised across replicates), so
// every array of a hedger variable is flat and hedger-major: element i * width + r is hedger i in replicate
// column r (length n_hedgers * width); an array of a dyad variable is patron-major, then hedger-major:
// element (p * n_hedgers + i) * width + r (length n_patrons * n_hedgers * width); a patron variable holds
// element p * width + r. Per-hedger constants of the model are broadcast to that layout once, in the
// BatchContext. A batch of width 1 is one run.
#pragma once

#include <Eigen/Dense>

#include "model/compiled_model.hpp"

namespace hedgesim::mech {

using Vec = Eigen::ArrayXd;
using CVec = Eigen::Ref<const Eigen::ArrayXd>;
using OutVec = Eigen::Ref<Eigen::ArrayXd>;

/// What the mechanisms read besides the state: the parameters, the influence matrix and the per-hedger
/// constants broadcast over the `width` replicate columns of a batch.
struct BatchContext {
  BatchContext() = default;
  BatchContext(const CompiledModel& model, int width);

  const CompiledModel* m = nullptr;
  int n = 0;  ///< hedgers
  int n_patrons = 0;
  int width = 1;       ///< replicate columns
  Vec susceptibility;  ///< n * width, hedger-major
  /// Scratch for per-replicate sums (length width). A context belongs to one batch and one thread.
  mutable Vec per_replicate;

  const Params& p() const { return m->params; }
  /// Hedger i's slice of a flat hedger-major array.
  template <class Array>
  auto seg(Array& a, int i) const {
    return a.segment(static_cast<Eigen::Index>(i) * width, width);
  }
  /// Patron p's slice (all its hedgers) of a flat dyad array.
  template <class Array>
  auto dyads_of(Array& a, int p) const {
    return a.segment(static_cast<Eigen::Index>(p) * n * width, static_cast<Eigen::Index>(n) * width);
  }
};

/// E1a — Friedkin–Johnsen diffusion of visible signals among hedgers, in deviations z = s - s̄ from the
/// baseline: r_s · λ_i · ((W z)_i - z_i).
void regional_diffusion(const BatchContext& c, CVec z, OutVec out);
/// E1b — the Friedkin–Johnsen anchor: r_s · (1 - λ_i) · (0 - z_i).
void anchoring(const BatchContext& c, CVec z, OutVec out);
/// E1c — visible courting displaces the signal toward the rival: -r_s · κ_hs · h_i.
void hedging(const BatchContext& c, CVec courting, OutVec out);
/// E1d — each patron's engagement above baseline pulls the signal toward its pole:
/// r_s · κ_es · Σ_p π_p (e_pi - ē_pi), π_p = ±1 the pole of p's bloc. `engagement_excess` is a dyad array.
void patron_pull(const BatchContext& c, CVec engagement_excess, OutVec out);
/// E1e — noise: σ_s · sqrt(Δ/7) · ε_i, ε_i ~ N(0, 1).
void signal_noise(const BatchContext& c, CVec eps, OutVec out);
/// E2 — substance drifts slowly toward b̄_i + ω_s (s_i - s̄_i) + ω_a (a_i - ā_i): r_b · (target - b_i).
void substance_drift(const BatchContext& c, CVec s_dev, CVec b, CVec b0, CVec a_dev, OutVec out);
/// E3 — grievance relaxes toward what excess demands justify, scaled by the stake:
/// r_g · (κ_gc · a_i · max(0, c_i - c̄_i) - g_i).
void grievance_dynamics(const BatchContext& c, CVec g, CVec a, CVec cond, CVec c0, OutVec out);
/// E4 — the hedging decision: h*_i = min(1, κ_h · g_i · q_i · exp(σ_h η_i - σ_h²/2)), η_i ~ N(0, 1);
/// courting follows it: r_h · (h*_i - h_i).
void hedging_decision(const BatchContext& c, CVec g, CVec q, CVec h, CVec eta, OutVec out);
/// E5 — the western response: demands relax to baseline, soften under courting down to a floor, harden when
/// substance backslides by more than a tolerance θ_b:
/// r_c (c̄_i - c_i) - r_soft · h_i · max(0, c_i - c_floor) + r_c · κ_hard · max(0, b̄_i - b_i - θ_b).
void western_response(const BatchContext& c, CVec cond, CVec c0, CVec h, CVec b, CVec b0, OutVec out);
/// E6 — Bush–Mosteller learning that courting pays: π_i = tanh(κ_π · max(0, c_prev,i - c_i)),
/// Δq_i = r_q · h_i · (π_i - q_i).
void belief_learning(const BatchContext& c, CVec q, CVec h, CVec c_prev, CVec cond, OutVec out);
/// E7 — a patron of the courted pole (π_p = -1) answers visible courting out of a limited budget:
/// d_pi = τ_pi h_i, e*_pi = ē_pi + B_p · d_pi / (d_sat + Σ_j d_pj), Δe_pi = r_e (e*_pi - e_pi); patrons of
/// the other pole do not answer courting (Δe = 0). `budget` holds B_p per patron and column (patron-major,
/// computed by patron_budgets); e, e0, trust and out are dyad arrays; sums run over the hedgers of each
/// column.
void patron_engagement(const BatchContext& c, CVec h, CVec trust, CVec e, CVec e0, CVec budget, OutVec out);
/// E7 (budget) — B_p = C_p · (1 - κ_D · max_q D_q) over the patrons q of the other bloc: a patron holds back
/// while the other side seeks a reset with it. `capacity` and `detente` are patron arrays.
void patron_budgets(const BatchContext& c, CVec capacity, CVec detente, OutVec budget);
/// E8 — a reset with the other bloc fades: ΔD_p = -r_D · D_p (per patron; any length).
void detente_decay(const BatchContext& c, CVec detente, OutVec out);

}  // namespace hedgesim::mech
