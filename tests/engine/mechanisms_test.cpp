// Each mechanism function against its equation in docs/ODD.md, evaluated independently element by element,
// plus the properties the equations are there to guarantee (no courting without grievance, a rival that
// stays at baseline without courting and never spends more than its budget, trust-weighted shares).
#include "engine/mechanisms.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using Eigen::ArrayXd;

class Mechanisms : public ::testing::Test {
 protected:
  void SetUp() override {
    m = testing::compile_text(dir, "");
    n = m.n_hedgers;
    ctx = mech::BatchContext(m, 1);
    out = ArrayXd::Zero(n);
  }
  ArrayXd ramp(double a, double b) const { return ArrayXd::LinSpaced(n, a, b); }
  /// The baseline of every row of v: per hedger, per patron, or per (patron, hedger) patron-major.
  ArrayXd row0(Var v) const { return m.initial.segment(m.offset[var_index(v)], m.rows_of(v)); }

  testing::TempDir dir;
  CompiledModel m;
  mech::BatchContext ctx;  // one replicate column: flat arrays are per hedger
  int n = 0;
  ArrayXd out;
};

TEST_F(Mechanisms, RegionalDiffusionIsFriedkinJohnsenInDeviations) {
  const ArrayXd z = ramp(-0.3, 0.4);
  mech::regional_diffusion(ctx, z, out);
  for (int i = 0; i < n; ++i) {
    double wz = 0.0;
    for (int j = 0; j < n; ++j)
      wz += m.W(i, j) * z(j);
    EXPECT_NEAR(out(i), m.params.r_signal * m.susceptibility(i) * (wz - z(i)), 1e-15);
  }
  mech::regional_diffusion(ctx, ArrayXd::Constant(n, 0.25),
                           out);  // row-stochastic W: consensus is a fixed point
  EXPECT_NEAR(out.abs().maxCoeff(), 0.0, 1e-15);
}

TEST_F(Mechanisms, AnchoringPullsBackWithStubbornness) {
  const ArrayXd z = ramp(-0.2, 0.2);
  mech::anchoring(ctx, z, out);
  for (int i = 0; i < n; ++i)
    EXPECT_NEAR(out(i), -m.params.r_signal * (1 - m.susceptibility(i)) * z(i), 1e-15);
}

TEST_F(Mechanisms, HedgingAndRivalPullMoveSignalTowardMoscow) {
  mech::hedging(ctx, ArrayXd::Constant(n, 0.5), out);
  EXPECT_TRUE((out < 0).all());
  EXPECT_NEAR(out(0), -m.params.r_signal * m.params.courting_signal_pull * 0.5, 1e-15);
  // Engagement of 0.2 above baseline by every patron: the two western ones pull toward +1, Russia toward -1.
  mech::patron_pull(ctx, ArrayXd::Constant(m.n_patrons * n, 0.2), out);
  EXPECT_NEAR(out(0), m.params.r_signal * m.params.engagement_signal_pull * 0.2 * (1 + 1 - 1), 1e-15);
  ArrayXd russian = ArrayXd::Zero(m.n_patrons * n);
  russian.tail(n).setConstant(0.2);  // RUS is the last patron: its hedgers are the last block
  mech::patron_pull(ctx, russian, out);
  EXPECT_NEAR(out(0), -m.params.r_signal * m.params.engagement_signal_pull * 0.2, 1e-15);
}

TEST_F(Mechanisms, SubstanceDriftIsSlowAndWeaklyCoupledToSignal) {
  const ArrayXd b0 = row0(Var::substance);
  const ArrayXd s_dev = ArrayXd::Constant(n, -0.5), a_dev = ArrayXd::Zero(n);
  mech::substance_drift(ctx, s_dev, b0, b0, a_dev, out);
  for (int i = 0; i < n; ++i)
    EXPECT_NEAR(out(i), m.params.r_substance * m.params.substance_signal_coupling * -0.5, 1e-15);
  // A half-unit swing of signal moves substance by less than a thousandth per step: sticky by design.
  EXPECT_LT(out.abs().maxCoeff(), 1e-3);
}

TEST_F(Mechanisms, GrievanceFollowsExcessConditionalityTimesStake) {
  const ArrayXd g = ramp(0.0, 0.5), a = ramp(0.1, 0.6), c0 = row0(Var::conditionality);
  const ArrayXd c = c0 + ramp(-0.1, 0.3);
  mech::grievance_dynamics(ctx, g, a, c, c0, out);
  for (int i = 0; i < n; ++i) {
    const double target = m.params.grievance_conditionality_gain * a(i) * std::max(0.0, c(i) - c0(i));
    EXPECT_NEAR(out(i), m.params.r_grievance * (target - g(i)), 1e-15);
  }
}

TEST_F(Mechanisms, NoCourtingWithoutGrievanceWhateverTheNoise) {
  const ArrayXd zero = ArrayXd::Zero(n), q = ArrayXd::Constant(n, 0.9), eta = ramp(-3, 3);
  mech::hedging_decision(ctx, zero, q, zero, eta, out);
  EXPECT_EQ(out.abs().maxCoeff(), 0.0);
}

TEST_F(Mechanisms, CourtingGrowsWithGrievanceAndBeliefAndIsCapped) {
  const ArrayXd h = ArrayXd::Zero(n), eta = ArrayXd::Zero(n), q = ArrayXd::Constant(n, 0.5);
  ArrayXd low(n), high(n);
  mech::hedging_decision(ctx, ArrayXd::Constant(n, 0.1), q, h, eta, low);
  mech::hedging_decision(ctx, ArrayXd::Constant(n, 0.2), q, h, eta, high);
  EXPECT_TRUE((high > low).all());
  const double sd = m.params.courting_noise;
  EXPECT_NEAR(low(0), m.params.r_courting * m.params.courting_gain * 0.1 * 0.5 * std::exp(-0.5 * sd * sd),
              1e-15);
  mech::hedging_decision(ctx, ArrayXd::Constant(n, 1.0), ArrayXd::Constant(n, 1.0), h,
                         ArrayXd::Constant(n, 3.0), out);
  EXPECT_NEAR(out(0), m.params.r_courting * 1.0, 1e-15);  // target capped at full courting
}

TEST_F(Mechanisms, WesternResponseSoftensUnderCourtingAndHardensOnBacksliding) {
  const ArrayXd c0 = row0(Var::conditionality), b0 = row0(Var::substance), c = c0 + 0.1;
  ArrayXd calm(n), courted(n), backslid(n);
  mech::western_response(ctx, c, c0, ArrayXd::Zero(n), b0, b0, calm);
  mech::western_response(ctx, c, c0, ArrayXd::Constant(n, 0.5), b0, b0, courted);
  mech::western_response(ctx, c, c0, ArrayXd::Zero(n), b0 - 0.1, b0, backslid);
  ArrayXd noise_dip(n);  // a dip within the tolerance is not backsliding
  mech::western_response(ctx, c, c0, ArrayXd::Zero(n), b0 - 0.5 * m.params.backsliding_tolerance, b0,
                         noise_dip);
  EXPECT_TRUE((noise_dip == calm).all());
  for (int i = 0; i < n; ++i) {
    EXPECT_NEAR(calm(i), m.params.r_conditionality * -0.1, 1e-15);
    EXPECT_NEAR(courted(i) - calm(i), -m.params.r_softening * 0.5 * (c(i) - m.params.conditionality_floor),
                1e-15);
    EXPECT_NEAR(backslid(i) - calm(i),
                m.params.r_conditionality * m.params.hardening_gain * (0.1 - m.params.backsliding_tolerance),
                1e-15);
  }
}

TEST_F(Mechanisms, BeliefIsReinforcedOnlyWhenCourtingMetSoftening) {
  const ArrayXd q = ArrayXd::Constant(n, 0.3), h = ArrayXd::Constant(n, 0.5), c = ArrayXd::Constant(n, 0.5);
  ArrayXd softened(n), unchanged(n), idle(n);
  mech::belief_learning(ctx, q, h, c + 0.05, c, softened);
  mech::belief_learning(ctx, q, h, c, c, unchanged);
  mech::belief_learning(ctx, q, ArrayXd::Zero(n), c + 0.05, c, idle);
  const double payoff = std::tanh(m.params.reward_gain_step * 0.05);
  EXPECT_NEAR(softened(0), m.params.r_learning * 0.5 * (payoff - 0.3), 1e-15);
  EXPECT_LT(unchanged(0), 0.0);  // courting that is not rewarded extinguishes (Bush–Mosteller)
  EXPECT_EQ(idle.abs().maxCoeff(), 0.0);
}

TEST_F(Mechanisms, PatronsStayAtBaselineWithoutCourting) {
  const ArrayXd e0 = row0(Var::engagement), budget = row0(Var::capacity);
  ArrayXd d(e0.size());
  mech::patron_engagement(ctx, ArrayXd::Zero(n), row0(Var::trust), e0, e0, budget, d);
  EXPECT_EQ(d.abs().maxCoeff(), 0.0);
}

TEST_F(Mechanisms, BudgetsAreCapacityDampedByTheOtherBlocsReset) {
  const ArrayXd capacity = row0(Var::capacity);  // EU 0, FRA 0, RUS 0.6
  ArrayXd detente = ArrayXd::Zero(m.n_patrons), budget(m.n_patrons);
  detente(1) = 0.5;  // France seeks a reset
  mech::patron_budgets(ctx, capacity, detente, budget);
  EXPECT_NEAR(budget(2), capacity(2) * (1.0 - m.params.detente_damping * 0.5), 1e-15);
  detente.setZero();
  detente(2) = 1.0;  // a reset sought by Russia itself does not damp its own budget
  mech::patron_budgets(ctx, capacity, detente, budget);
  EXPECT_EQ(budget(2), capacity(2));
}

TEST_F(Mechanisms, TheCourtedPatronSharesALimitedBudgetByTrust) {
  const ArrayXd e0 = row0(Var::engagement), trust = row0(Var::trust), h = ArrayXd::Constant(n, 1.0);
  const ArrayXd budget = row0(Var::capacity);
  ArrayXd d(e0.size());
  // The target e* is reached when e starts there; recover it from one step: e* = e + out / r_e.
  mech::patron_engagement(ctx, h, trust, e0, e0, budget, d);
  EXPECT_EQ(d.head(2 * n).abs().maxCoeff(), 0.0);  // the western patrons (pole +1) do not answer courting
  const ArrayXd spent = d.tail(n) / m.params.r_engagement, tau = trust.tail(n);
  EXPECT_LT(spent.sum(), budget(2));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (tau(j) > 0) {
        EXPECT_NEAR(spent(i) / spent(j), tau(i) / tau(j), 1e-12);
      }
  ArrayXd half(e0.size());
  mech::patron_engagement(ctx, h, trust, e0, e0, budget / 2, half);
  EXPECT_NEAR(half.sum(), d.sum() / 2, 1e-12);
}

TEST_F(Mechanisms, DetenteDecays) {
  ArrayXd d = ArrayXd::Constant(2, 0.6), o(2);
  mech::detente_decay(ctx, d, o);
  EXPECT_NEAR(o(0), -0.6 * m.params.r_detente, 1e-15);
}

}  // namespace
}  // namespace hedgesim
