// Tests of the stepping loop: baseline equilibrium, event application and transient fading, clipping,
// attribution adding up, determinism of the random streams and common random numbers.
#include "engine/engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <tuple>

#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::agent_index;
using testing::compile_text;
using testing::TempDir;

TEST(Engine, WithoutEventsOrNoiseTheBaselineIsAnEquilibrium) {
  TempDir dir;
  const CompiledModel m =
      compile_text(dir, "[parameters]\nsignal_noise = 0\nchoice_noise = 0\nreading_noise = 0\n");
  const RunOutput out = run(m, 1, 0, false);
  const Eigen::ArrayXd x0 = initial_state(m);
  for (int k = 0; k <= m.steps; ++k)
    for (int r = 0; r < m.n_rows; ++r)
      ASSERT_NEAR(out.value(m, k, r), x0(r), 1e-15)
          << "step " << k << " agent " << m.agent_ids[m.slots[r].agent] << " var " << m.slots[r].variable;
}

TEST(Engine, DerivedStartingValuesAreWhereTheRestOfTheStatePutsThemAtRest) {
  TempDir dir;
  const CompiledModel m = compile_text(dir, "");
  const Eigen::ArrayXd x0 = initial_state(m);
  const int srb = agent_index(m, "SRB"), rus = agent_index(m, "RUS");
  EXPECT_EQ(x0(m.row(Var::position, srb)), x0(m.row(Var::signal, srb)));
  EXPECT_EQ(x0(m.row(Var::belief, rus, srb)), x0(m.row(Var::signal, srb)));
  EXPECT_EQ(x0(m.row(Var::uncertainty, rus, srb)), mech::steady_state_variance(m.params));
  const double court = x0(m.row(Var::courting, srb)), comply = x0(m.row(Var::complying, srb));
  EXPECT_GT(court, 0.0);
  EXPECT_GT(comply, 0.0);
  EXPECT_LT(court + comply, 1.0);
  // Given in the scenario, a value is kept as given.
  const CompiledModel given = compile_text(dir, "[initial.SRB]\nposition = 0.3\ncourting = 0.5\n");
  const Eigen::ArrayXd g0 = initial_state(given);
  EXPECT_EQ(g0(given.row(Var::position, srb)), 0.3);
  EXPECT_EQ(g0(given.row(Var::courting, srb)), 0.5);
}

TEST(Engine, DetenteDecaysWithItsHalfLife) {
  TempDir dir;
  // Half-life of 70 days = 10 weekly steps: ten steps after the reset, half of it is left.
  const CompiledModel m =
      compile_text(dir,
                   "[parameters]\ndetente_half_life_days = 70\n"
                   "[[event]]\ndate = 2019-08-01\ntype = \"reset_with_rival\"\nactor = \"FRA\"\n"
                   "targets = [\"RUS\"]\nlabel = \"reset\"\n");
  const RunOutput out = run(m, 1, 0, false);
  const int fra = agent_index(m, "FRA");
  const double first = out.value(m, 1, Var::detente, fra);
  // The reset (delta 0.6) is applied in step 1 and E8 already acts on it in that step.
  EXPECT_NEAR(first, 0.6 * std::exp2(-0.1), 1e-12);
  EXPECT_NEAR(out.value(m, 11, Var::detente, fra), first * 0.5, 1e-12);
  EXPECT_EQ(out.value(m, 11, Var::detente, agent_index(m, "EU")), 0.0);
}

TEST(Engine, TransientPulseFadesWithItsOwnHalfLife) {
  TempDir dir;
  // state_visit: display +0.06 with a 60-day half-life (model/events.toml).
  const CompiledModel m =
      compile_text(dir,
                   "[[event]]\ndate = 2019-08-02\ntype = \"state_visit\"\nactor = \"FRA\"\n"
                   "targets = [\"SRB\"]\nlabel = \"visit\"\n");
  const RunOutput out = run(m, 1, 0, true);
  const int srb = agent_index(m, "SRB");
  std::map<int, double> by_step;  // the event's net contribution to SRB's signal, cumulated
  double cum = 0.0;
  for (const AttributionEntry& e : out.attribution)
    if (e.source == event_source(0) && e.row == m.row(Var::display, srb)) {
      cum += e.delta;
      by_step[e.step] = cum;
    }
  ASSERT_NEAR(by_step.at(1), 0.06, 1e-15);
  for (int k : {2, 5, 20})
    EXPECT_NEAR(by_step.at(k), 0.06 * std::exp2(-7.0 * (k - 1) / 60.0), 1e-12) << k;
}

TEST(Engine, VetoGrievanceScalesWithAccessionAndBystandersFeelIt) {
  TempDir dir;
  const CompiledModel m =
      compile_text(dir,
                   "[[event]]\ndate = 2019-08-01\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
                   "targets = [\"ALB\"]\nlabel = \"veto\"\n");
  const RunOutput out = run(m, 1, 0, true);
  auto event_delta = [&](const std::string& agent) {
    for (const AttributionEntry& e : out.attribution)
      if (e.source == event_source(0) && e.row == m.row(Var::grievance, agent_index(m, agent)))
        return e.delta;
    return 0.0;
  };
  const auto acc = [&](const std::string& a) { return m.initial(m.row(Var::accession, agent_index(m, a))); };
  EXPECT_NEAR(event_delta("ALB"), 0.8 * acc("ALB"), 1e-15);
  EXPECT_NEAR(event_delta("SRB"), 0.35 * acc("SRB"), 1e-15);
  EXPECT_NEAR(event_delta("MNE"), 0.35 * acc("MNE"), 1e-15);
}

TEST(Engine, EventEffectsAreClampedToTheirRangeAsTheyApply) {
  TempDir dir;
  const CompiledModel m =
      compile_text(dir,
                   "[[event]]\ndate = 2019-08-01\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
                   "targets = [\"MNE\"]\nmagnitude = 10\nlabel = \"huge veto\"\n");
  const RunOutput out = run(m, 1, 0, true);
  const int mne = agent_index(m, "MNE");
  EXPECT_LE(out.value(m, 1, Var::grievance, mne), 1.0);
  EXPECT_LE(out.value(m, 1, Var::conditionality, mne), 1.0);
  // The event's effect is clamped as it applies: it is recorded as what it actually moved.
  const double g0 = m.initial(m.row(Var::grievance, mne));
  for (const AttributionEntry& e : out.attribution)
    if (e.source == event_source(0) && e.row == m.row(Var::grievance, mne)) {
      EXPECT_DOUBLE_EQ(e.delta, 1.0 - g0);
    }
  for (int k = 0; k <= m.steps; ++k)
    for (int r = 0; r < m.n_rows; ++r) {
      const double x = out.value(m, k, r);
      ASSERT_GE(x, info(m.slots[r].var).lo);
      ASSERT_LE(x, info(m.slots[r].var).hi);
    }
}

TEST(Engine, ATransientPulseCutByItsRangeDoesNotOvershootWhenItFades) {
  TempDir dir;
  // Two strong visits push MNE's display against +1; what was cut must not be taken back when they fade.
  const CompiledModel m =
      compile_text(dir,
                   "[parameters]\nsignal_noise = 0\n"
                   "[[event]]\ndate = 2019-08-01\ntype = \"state_visit\"\nactor = \"FRA\"\n"
                   "targets = [\"MNE\"]\nmagnitude = 10\nlabel = \"visit\"\n"
                   "[[event]]\ndate = 2019-08-01\ntype = \"state_visit\"\nactor = \"EU\"\n"
                   "targets = [\"MNE\"]\nmagnitude = 10\nlabel = \"visit\"\n");
  const RunOutput out = run(m, 1, 0, true);
  const int mne = agent_index(m, "MNE");
  double event_total = 0.0;
  for (const AttributionEntry& e : out.attribution)
    if ((e.source == event_source(0) || e.source == event_source(1)) && e.row == m.row(Var::display, mne))
      event_total += e.delta;
  const double applied = 1.0 - m.initial(m.row(Var::display, mne));
  // Over the whole run the event's net contribution is what is left of the applied amount: never negative.
  EXPECT_GE(event_total, 0.0);
  EXPECT_LT(event_total, applied);
}

TEST(Engine, AFadingGestureNeverReversesTheSignalButAPulseOnTheSignalItselfWould) {
  // A summit's display fades; the signal follows its position plus what is on display (E1b), so the
  // gesture's effect on the signal keeps its sign to the end. Negative control: the same pulse put on the
  // signal itself, which E1b pulls back while the pulse fades too, overshoots and reverses sign (the first
  // model's defect).
  TempDir dir;
  const std::string quiet = "[parameters]\nsignal_noise = 0\nchoice_noise = 0\nreading_noise = 0\n";
  const std::string summit =
      "[[event]]\ndate = 2019-08-08\ntype = \"rival_summit\"\nactor = \"RUS\"\ntargets = [\"MNE\"]\n"
      "label = \"summit\"\n";
  const Scenario with = load_scenario(dir.write(
      "with.toml", "[scenario]\nname = \"t\"\ntitle = \"t\"\nmodel = \"" + testing::source_path("model") +
                       "\"\nstart = 2019-08-01\nend = 2020-06-30\nseed = 7\n" + quiet + summit));
  Scenario without = with;
  without.events.clear();
  const ModelSpec spec = load_model(with.model_dir);
  ModelSpec on_signal = spec;
  for (EventTypeSpec& t : on_signal.event_types)
    if (t.id == "rival_summit")
      for (EffectSpec& e : t.effects)
        if (e.variable == Var::display) e.variable = Var::signal;
  auto effect = [&](const ModelSpec& sp) {  // the summit's effect on MNE's signal, step by step
    const CompiledModel a = compile(sp, with), b = compile(sp, without);
    const RunOutput ra = run(a, 1, 0, false), rb = run(b, 1, 0, false);
    const int mne = agent_index(a, "MNE");
    std::vector<double> d;
    for (int k = 0; k <= a.steps; ++k)
      d.push_back(ra.value(a, k, Var::signal, mne) - rb.value(b, k, Var::signal, mne));
    return d;
  };
  const std::vector<double> model = effect(spec), control = effect(on_signal);
  std::cout << "[fact] the summit's effect on MNE's signal ranges from "
            << *std::min_element(model.begin(), model.end()) << " to "
            << *std::max_element(model.begin(), model.end()) << " (model), from "
            << *std::min_element(control.begin(), control.end()) << " to "
            << *std::max_element(control.begin(), control.end()) << " (negative control)\n";
  EXPECT_LT(*std::min_element(model.begin(), model.end()), -0.02);  // the summit moved the signal east
  EXPECT_LE(*std::max_element(model.begin(), model.end()), 0.0);    // and never west
  EXPECT_GT(*std::max_element(control.begin(), control.end()), 1e-3) << "the control should overshoot";
}

TEST(Engine, AttributionAddsUpToTheChange) {
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  const RunOutput out = run(m, 11, 3, true);
  std::map<std::pair<int, int>, double> sum;
  for (const AttributionEntry& e : out.attribution)
    sum[{e.step, e.row}] += e.delta;
  for (int k = 1; k <= m.steps; ++k)
    for (int r = 0; r < m.n_rows; ++r) {
      const double change = out.value(m, k, r) - out.value(m, k - 1, r);
      const auto it = sum.find({k, r});
      ASSERT_NEAR(it == sum.end() ? 0.0 : it->second, change, 1e-12)
          << "step " << k << " " << m.agent_ids[m.slots[r].agent] << " " << m.slots[r].variable;
    }
}

TEST(Engine, AttributionRecordingDoesNotChangeTheRun) {
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  EXPECT_EQ(run(m, 5, 2, true).trajectory, run(m, 5, 2, false).trajectory);
}

TEST(Engine, AReplicateIsTheSameWhateverBatchItIsSteppedIn) {
  // Batches are padded to whole SIMD packets and columns never mix, so run r alone, in a batch of 13 starting
  // at 0 and in a batch of 5 starting at r - 2 give the same bytes, attribution included.
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  const auto wide = run_batch(m, 7, 0, 13, true);
  for (int r : {2, 6, 12}) {
    const RunOutput alone = run(m, 7, static_cast<std::uint64_t>(r), true);
    const auto shifted = run_batch(m, 7, static_cast<std::uint64_t>(r - 2), 5, true);
    EXPECT_EQ(alone.trajectory, wide[r].trajectory) << "run " << r;
    EXPECT_EQ(alone.trajectory, shifted[2].trajectory) << "run " << r;
    ASSERT_EQ(alone.attribution.size(), wide[r].attribution.size()) << "run " << r;
    for (std::size_t i = 0; i < alone.attribution.size(); ++i) {
      const AttributionEntry &a = alone.attribution[i], &b = wide[r].attribution[i];
      ASSERT_EQ(std::tie(a.step, a.source, a.row, a.delta), std::tie(b.step, b.source, b.row, b.delta));
    }
  }
  EXPECT_NE(wide[0].trajectory, wide[1].trajectory);
}

/// The state after stepping replicates first .. first + count - 1 to the end in the given batch and
/// workspace.
BatchArray final_state(const CompiledModel& m, std::uint64_t seed, std::uint64_t first, int count, Batch& b,
                       Workspace& ws) {
  init_batch(m, seed, first, count, b, ws);
  for (int k = 1; k <= m.steps; ++k)
    step(m, k, b, ws, nullptr);
  return b.x;
}

TEST(Engine, KeptDrawsReplayTheSameRunsAndAreDroppedForOthers) {
  // A sweep's worker keeps its first batch's draws and replays them for every later design point: the bytes
  // must be those of drawing afresh, for another point's parameters too, and a batch of other runs (another
  // seed, other replicates) must draw its own.
  CompiledModel m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  Batch b, fresh_b;
  Workspace ws;
  ws.keep_draws = true;
  auto fresh = [&](const CompiledModel& model, std::uint64_t seed, std::uint64_t first, int count) {
    Workspace fresh_ws;
    return final_state(model, seed, first, count, fresh_b, fresh_ws);
  };
  const BatchArray first = final_state(m, 7, 0, 5, b, ws);
  EXPECT_EQ(ws.kept.steps, m.steps);  // every step kept: what follows replays them
  EXPECT_TRUE((first == fresh(m, 7, 0, 5)).all());
  const auto& ps = m.spec.parameters;
  auto index = [&](const char* name) {
    return static_cast<int>(
        std::find_if(ps.begin(), ps.end(), [&](const auto& p) { return p.name == name; }) - ps.begin());
  };
  // Another point; then one with another σ_u, whose conduct factors are made afresh from the kept normals.
  for (const char* name : {"grievance_weight", "choice_noise"}) {
    const std::vector<int> which = {index(name)};
    const double doubled = 2.0 * ps[static_cast<std::size_t>(which[0])].value;
    set_parameter_values(m, which, &doubled);
    const BatchArray replayed = final_state(m, 7, 0, 5, b, ws);
    EXPECT_TRUE((replayed == fresh(m, 7, 0, 5)).all()) << name;
    EXPECT_FALSE((replayed == first).all()) << name;  // the parameter did change the runs
  }
  for (auto [seed, start, count] :
       {std::tuple{8ull, 0ull, 5}, std::tuple{7ull, 1ull, 5}, std::tuple{7ull, 0ull, 3}}) {
    const BatchArray other = final_state(m, seed, start, count, b, ws);
    EXPECT_TRUE((other == fresh(m, seed, start, count)).all()) << seed << " " << start << " " << count;
  }
}

TEST(Engine, BatchesArePaddedToWholePackets) {
  for (int n : {1, 2, 3, 7, 8, 20, 1023}) {
    EXPECT_GE(batch_width(n), n);
    EXPECT_LT(batch_width(n) - n, Eigen::internal::packet_traits<double>::size);
    EXPECT_EQ(batch_width(n) % Eigen::internal::packet_traits<double>::size, 0);
  }
}

TEST(Engine, SameSeedAndRunGiveTheSameRunAndOthersDiffer) {
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  const auto a = run(m, 42, 0, false).trajectory;
  EXPECT_EQ(a, run(m, 42, 0, false).trajectory);
  EXPECT_NE(a, run(m, 42, 1, false).trajectory);
  EXPECT_NE(a, run(m, 43, 0, false).trajectory);
}

TEST(Engine, CommonRandomNumbersUntilScenariosDiffer) {
  TempDir dir;
  const std::string late =
      "[[event]]\ndate = 2020-01-15\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
      "targets = [\"MKD\"]\nlabel = \"late veto\"\n";
  const CompiledModel with = compile_text(dir, late);
  TempDir dir2;
  const CompiledModel without = compile_text(dir2, "");
  const RunOutput a = run(with, 9, 4, false), b = run(without, 9, 4, false);
  const int veto_step = with.events.at(0).step;
  const std::size_t per_step = static_cast<std::size_t>(with.n_rows);
  // Identical before the veto, different after it: the noise draws do not depend on the events.
  EXPECT_TRUE(
      std::equal(a.trajectory.begin(), a.trajectory.begin() + veto_step * per_step, b.trajectory.begin()));
  EXPECT_NE(a.value(with, veto_step, Var::grievance, agent_index(with, "MKD")),
            b.value(without, veto_step, Var::grievance, agent_index(without, "MKD")));
}

TEST(Engine, AVetoHoldsUntilLiftedAndBlocksAccessionStepsMeanwhile) {
  // Talks for MKD in December are blocked by France's standing veto; lifted by the step of March, which then
  // applies. Negative control: the same step in December without the veto moves accession.
  TempDir dir;
  const std::string veto =
      "[[event]]\ndate = 2019-10-18\nid = \"veto\"\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
      "targets = [\"MKD\"]\nlabel = \"veto\"\n";
  const std::string december =
      "[[event]]\ndate = 2019-12-10\ntype = \"accession_step\"\nactor = \"EU\"\ntargets = [\"MKD\"]\n"
      "label = \"blocked talks\"\n";
  const std::string march =
      "[[event]]\ndate = 2020-03-25\ntype = \"accession_step\"\nactor = \"EU\"\ntargets = [\"MKD\"]\n"
      "ends = [\"veto\"]\nlabel = \"talks\"\n";
  const CompiledModel m = compile_text(dir, veto + december + march);
  const RunOutput out = run(m, 3, 0, true);
  const int mkd = agent_index(m, "MKD"), fra = agent_index(m, "FRA");
  const int veto_row = m.row(Var::veto, fra, mkd), acc = m.row(Var::accession, mkd);
  const int k_veto = m.events[0].step, k_dec = m.events[1].step, k_mar = m.events[2].step;
  EXPECT_EQ(out.value(m, k_veto - 1, veto_row), 0.0);
  for (int k = k_veto; k < k_mar; ++k)
    ASSERT_EQ(out.value(m, k, veto_row), 1.0) << "step " << k;
  EXPECT_EQ(out.value(m, k_mar, veto_row), 0.0);  // lifted at the start of March's step
  EXPECT_EQ(out.value(m, k_dec, acc), out.value(m, k_dec - 1, acc)) << "blocked: no accession progress";
  EXPECT_GT(out.value(m, k_mar, acc), out.value(m, k_mar - 1, acc)) << "after the lifting, talks open";
  // The lifting is attributed to the veto event.
  double lifted = 0.0;
  for (const AttributionEntry& e : out.attribution)
    if (e.row == veto_row && e.step == k_mar) lifted += e.delta;
  EXPECT_EQ(lifted, -1.0);

  TempDir dir2;
  const CompiledModel free = compile_text(dir2, december);
  const RunOutput open = run(free, 3, 0, false);
  const int k = free.events[0].step;
  EXPECT_GT(open.value(free, k, acc), open.value(free, k - 1, acc)) << "without a veto the step applies";
}

TEST(Engine, ALastingEventWithoutAnEndHoldsToTheEndAndUntilReleasesOnItsDay) {
  TempDir dir;
  const CompiledModel m = compile_text(
      dir,
      "[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"FRA\"\ntargets = [\"ALB\"]\n"
      "label = \"veto\"\n[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
      "targets = [\"MKD\"]\nuntil = 2019-12-31\nlabel = \"short veto\"\n");
  const RunOutput out = run(m, 3, 0, false);
  const int fra = agent_index(m, "FRA");
  EXPECT_EQ(out.value(m, m.steps, m.row(Var::veto, fra, agent_index(m, "ALB"))), 1.0);
  const int mkd = m.row(Var::veto, fra, agent_index(m, "MKD"));
  EXPECT_EQ(out.value(m, 21, mkd), 1.0);
  EXPECT_EQ(out.value(m, 22, mkd), 0.0);  // 2019-12-31 falls in step 22
}

TEST(Engine, StartFromBeginsWhereThePriorRunsEndedReplicateByReplicate) {
  TempDir dir;
  const std::string model = testing::source_path("model");
  const std::string head = "[scenario]\ntitle = \"t\"\nmodel = \"" + model + "\"\n";
  dir.write("first.toml", head + "name = \"first\"\nstart = 2019-08-01\nend = 2020-06-30\nseed = 11\n" +
                              "[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
                              "targets = [\"MKD\"]\nlabel = \"veto\"\n");
  const CompiledModel second = load_and_compile(
      dir.write("second.toml", head + "name = \"second\"\nstart = 2020-07-01\nend = 2020-12-31\nseed = 99\n"
                                      "start_from = \"first.toml\"\n"));
  const CompiledModel& first = *second.prior;
  const auto before = run_batch(first, 11, 0, 3, false);
  const auto after = run_batch(second, 99, 0, 3, false);
  const int veto = first.row(Var::veto, agent_index(first, "FRA"), agent_index(first, "MKD"));
  for (int r = 0; r < 3; ++r)
    for (int row = 0; row < first.n_rows; ++row) {
      const double expected =
          row == veto ? 0.0 : before[r].value(first, first.steps, row);  // vetoes not carried
      ASSERT_EQ(after[r].value(second, 0, row), expected)
          << "replicate " << r << " " << second.slots[row].variable;
    }
  EXPECT_EQ(before[0].value(first, first.steps, veto), 1.0);  // the veto still stood at the end of the first
  EXPECT_NE(after[0].value(second, 0, Var::grievance, agent_index(second, "MKD")),
            0.0);  // but its grievance did
  // The baselines stay the model's: a state that differs from them relaxes back.
  EXPECT_NE(after[1].trajectory, after[0].trajectory);
}

TEST(Engine, SourceNamesAreStable) {
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  EXPECT_EQ(source_name(m, static_cast<int>(Mechanism::hedging)), "mechanism:hedging");
  EXPECT_EQ(source_name(m, kBoundsSource), "bounds");
  EXPECT_EQ(source_name(m, event_source(0)).rfind("event:", 0), 0u);
}

}  // namespace
}  // namespace hedgesim
