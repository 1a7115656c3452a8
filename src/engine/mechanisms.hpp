// The mechanisms of the hedging model, one named function each, citing its equation in docs/ODD.md and the
// claim or theory it encodes. Each computes the change one mechanism makes to one or two variables over one
// step, from a snapshot of the state (synchronous update), into output arrays; none allocates, throws or
// looks up a name.
//
// The engine steps a batch of replicates at once (structure of arrays, vectorised across replicates), so
// every array of a hedger variable is flat and hedger-major: element i * width + r is hedger i in replicate
// column r (length n_hedgers * width); an array of a dyad variable is patron-major, then hedger-major:
// element (p * n_hedgers + i) * width + r (length n_patrons * n_hedgers * width); a patron variable holds
// element p * width + r. Per-hedger constants of the model are broadcast to that layout once, in the
// BatchContext. A batch of width 1 is one run.
//
// What patrons see. The western response (E5) and the rivals' engagement (E7) read only the patrons'
// beliefs (E9: a Kalman filter on the hedger's visible signal and on events' visible content), through the
// perceived drift D of perceived_drift(); never a hedger's hidden variables. The one exception is the
// negative control `hidden_intent` = 1, under which D is read from the hedger's hidden intent instead.
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

// ---- the visible signal (E1): where a state is seen to stand
// ------------------------------------------------ z = s - (P + d): the signal's deviation from where it
// rests, its long-run position P plus what is still on display d (events' fading gestures). Relaxing toward P
// + d, not toward a fixed anchor, keeps a fading gesture's effect of one sign (it never overshoots back past
// the position).

/// E1a — Friedkin–Johnsen diffusion of visible signals among hedgers: r_s · λ_i · ((W z)_i - z_i).
void regional_diffusion(const BatchContext& c, CVec z, OutVec out);
/// E1b — the pull back to the long-run position plus what is on display: r_s · (1 - λ_i) · (0 - z_i).
void anchoring(const BatchContext& c, CVec z, OutVec out);
/// E1c — a leader's conduct is seen: r_s · (κ_ms (m_i - m̄_i) - κ_hs (h_i - h̄_i)), courting h displacing the
/// signal toward the eastern pole, complying m toward the western one (relative to baseline conduct).
void hedging(const BatchContext& c, CVec courting_dev, CVec complying_dev, OutVec out);
/// E1d — each patron's engagement above baseline pulls the signal toward its pole:
/// r_s · κ_es · Σ_p π_p (e_pi - ē_pi), π_p = ±1 the pole of p's bloc. `engagement_excess` is a dyad array.
void patron_pull(const BatchContext& c, CVec engagement_excess, OutVec out);
/// E1e — noise: σ_s · sqrt(Δ/7) · ε_i, ε_i ~ N(0, 1).
void signal_noise(const BatchContext& c, CVec eps, OutVec out);

/// E2 — substance drifts slowly toward b̄_i + ω_s (s_i - s̄_i) + ω_a (a_i - ā_i): r_b · (target - b_i). Only
/// sunk-cost events move it quickly (their effects, E0a).
void substance_drift(const BatchContext& c, CVec s_dev, CVec b, CVec b0, CVec a_dev, OutVec out);

/// E3 — grievance relaxes toward what the West's treatment justifies, scaled by the stake: excess demands,
/// a veto standing on the state, and vetoes standing on the neighbours it watches (W):
/// r_g · (κ_gc a_i max(0, c_i - c̄_i) + κ_gv a_i v_i + κ_gb Σ_j W_ij a_j v_j - g_i), v_i = 1 while some
/// patron vetoes i. `vetoed_stake` holds a_i v_i.
void grievance_dynamics(const BatchContext& c, CVec g, CVec a, CVec cond, CVec c0, CVec vetoed_stake,
                        OutVec out);

/// E4 — the leader's choice among courting the eastern pole, complying with the West and holding (a
/// multinomial logit; McFadden 1974): U_court = β_h + w_A A_h + w_g g - w_o o, U_comply = β_m + w_A A_m -
/// w_g g + w_o o, U_hold = 0, shares S = e^U / Σ e^U. A week's conduct varies around the shares by mean-one
/// log-normal factors (conduct_noise), h* = S_court f_h, m* = S_comply f_m (both scaled down in the rare week
/// h* + m* > 1), and conduct follows: Δh = r_h (h* - h), Δm = r_h (m* - m). Writes both.
void hedging_decision(const BatchContext& c, CVec payoff_court, CVec payoff_comply, CVec g, CVec opinion,
                      CVec factor_court, CVec factor_comply, CVec h, CVec m, OutVec out_h, OutVec out_m);
/// E4 (noise) — a week's mean-one log-normal factor on a share, f = exp(σ_u η - σ_u²/2), η ~ N(0, 1): so
/// the noise does not shift the average conduct, and the baseline stays the stochastic equilibrium. A
/// function of a draw and σ_u alone, which the engine makes with the step's draws (and replays with them).
void conduct_noise(const BatchContext& c, CVec eta, OutVec factor);
/// The logit shares of E4: what a leader means to do, on average (the baseline conduct a state starts from
/// when the model gives none).
void choice_shares(const Params& p, CVec payoff_court, CVec payoff_comply, CVec g, CVec opinion,
                   OutVec court_share, OutVec comply_share);

/// E5 — the West's demands relax to baseline, soften toward a state it sees drifting east (more so while a
/// patron of the other bloc wages war: the region must be anchored) down to a floor, and harden when the
/// perceived drift passes a threshold θ_h:
/// r_c (c̄ - c) - r_soft (1 + κ_war u) D/(D + D_½) max(0, c - c_floor) + r_c κ_hard max(0, D - θ_h),
/// D = the western patrons' mean perceived drift, u = the largest war of the other bloc (per column).
void western_response(const BatchContext& c, CVec cond, CVec c0, CVec drift, CVec urgency, OutVec out);

/// E6 — experience-weighted learning (Camerer & Ho 1999, with Bush–Mosteller updating): what a step brought
/// (R_h = tanh(κ_R (softening + eastern engagement gained)), R_m = tanh(κ_R (softening + accession
/// gained))) is credited to each option in proportion to how much it was chosen, and lessons fade toward
/// their prior: ΔA_h = r_q h (Ā_h + R_h - A_h) + r_f (Ā_h - A_h), likewise A_m with m (a step that brings
/// nothing confirms the prior lesson Ā). Writes both.
void payoff_learning(const BatchContext& c, CVec payoff_court, CVec payoff_comply, CVec court0, CVec comply0,
                     CVec h, CVec m, CVec reward_court, CVec reward_comply, OutVec out_court,
                     OutVec out_comply);

/// E7 — a patron of the eastern pole (π_p = -1) engages with the states it sees drifting its way, weighted
/// by trust, out of a limited budget: d_pi = (1 - w_τ + w_τ τ_pi) (D_pi + ℓ), e*_pi = ē_pi + B_p d_pi /
/// (d_sat + Σ_j d_pj), Δe_pi = r_e (e*_pi - e_pi); ℓ = rival_lead (0: it only reacts; > 0 the negative
/// control of a rival that leads). Patrons of the western pole keep their engagement (Δe = 0). `drift`, e,
/// e0, trust and out are dyad arrays; `budget` is per patron (patron_budgets).
void patron_engagement(const BatchContext& c, CVec drift, CVec trust, CVec e, CVec e0, CVec budget,
                       OutVec out);
/// E7 (budget) — B_p = C_p · (1 - κ_D · max_q D_q) over the patrons q of the other bloc: a patron holds back
/// while the other side seeks a reset with it. `capacity` and `detente` are patron arrays.
void patron_budgets(const BatchContext& c, CVec capacity, CVec detente, OutVec budget);
/// E8 — a reset with the other bloc fades: ΔD_p = -r_D · D_p (per patron; any length).
void detente_decay(const BatchContext& c, CVec detente, OutVec out);

/// E9 — each patron reads each hedger's visible signal every step, with reading noise, and updates its
/// belief about the hedger's lean by a Kalman filter (random-walk lean with variance q per step, a reading
/// y_i = s_i + σ_y ξ_i of assumed variance R_y, net of the pull κ_es π_p (e_pi - ē_pi) of the patron's own
/// engagement, a known input): σ⁻ = σ² + q, K = σ⁻/(σ⁻ + R_y), Δμ = K (y_i - κ_es π_p (e_pi - ē_pi) - μ),
/// Δσ² = (1 - K) σ⁻ - σ². `reading` is per hedger (one public reading, every patron sees it); the rest are
/// dyad arrays. Events' visible content updates the same filter in E0a (reveal()).
void belief_update(const BatchContext& c, CVec mean, CVec variance, CVec reading, CVec engagement_excess,
                   OutVec out_mean, OutVec out_variance);
/// The steady-state posterior variance of E9's filter: σ² = (-q + sqrt(q² + 4 q R_y)) / 2.
double steady_state_variance(const Params& p);
/// The perceived drift toward the eastern pole of every (patron, hedger) pair, past a threshold θ_D that
/// week-to-week noise rarely crosses: D_pi = max(0, (1 - χ)(μ̄_pi - μ_pi) + χ (ῑ_i - ι_i) - θ_D), with
/// ι_i = P_i + κ_ms m_i - κ_hs h_i the hedger's hidden intent and χ = hidden_intent (0 in the model: patrons
/// read beliefs; 1 the negative control of receivers that read hidden intent). `intent_drop` = ῑ - ι is per
/// hedger; the rest are dyad arrays.
void perceived_drift(const BatchContext& c, CVec mean, CVec mean0, CVec intent_drop, OutVec drift);

/// E10 — a patron's trust in a government follows what it believes of it: trust rises as the government is
/// seen leaning its way and falls as it is seen leaning away (events such as a spy scandal move it too):
/// Δτ_pi = r_τ (τ̄_pi + κ_τ π_p (μ_pi - μ̄_pi) - τ_pi).
void trust_dynamics(const BatchContext& c, CVec trust, CVec trust0, CVec mean, CVec mean0, OutVec out);

/// E11 — public opinion follows the leader's visible line (elite cues; Zaller 1992) and returns slowly to
/// its baseline: Δo = r_o (ō + κ_ol (s - s̄) - o). Events (a war, disinformation) move it directly.
void opinion_dynamics(const BatchContext& c, CVec opinion, CVec opinion0, CVec s_dev, OutVec out);

/// E12 — the long-run position moves slowly with public opinion (what the signal returns to):
/// ΔP = r_P (P̄ + κ_Po (o - ō) - P). Events (a change of government, a sunk commitment) move it directly.
void position_drift(const BatchContext& c, CVec position, CVec position0, CVec opinion_dev, OutVec out);

}  // namespace hedgesim::mech
