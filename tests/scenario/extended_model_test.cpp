// The second shipped model (model/extended: twelve agents, two veto players, two patrons at the eastern pole)
// and its scenario run with the engine unchanged: Bulgaria's veto holds until it is lifted and blocks North
// Macedonia's talks meanwhile, and China answers courting out of its own budget. Each check has the variant
// of the scenario under which it must fail (its negative control), run alongside.
#include <gtest/gtest.h>

#include "experiment/ensemble.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::agent_index;

constexpr int kExtendedReplicates = 20;

Scenario extended() {
  return load_scenario(testing::source_path("scenarios/wb12-bulgarian-veto-2020-2022.toml"));
}

CompiledModel compiled(const Scenario& sc) {
  return compile(load_model(sc.model_dir, sc.model_pos), sc);
}

int step_of_event(const CompiledModel& m, const std::string& type, const std::string& target) {
  for (const CompiledEvent& e : m.events)
    for (int t : e.targets)
      if (m.spec.event_types[e.type].id == type && m.agent_ids[t] == target) return e.step;
  ADD_FAILURE() << "no " << type << " on " << target;
  return 0;
}

TEST(ExtendedModel, TwelveAgentsSixPatronsTwoVetoPlayersTwoEasternPatrons) {
  const CompiledModel m = compiled(extended());
  EXPECT_EQ(m.n_agents, 12);
  EXPECT_EQ(m.n_hedgers, 6);
  EXPECT_EQ(m.n_patrons, 6);
  int veto_players = 0, eastern = 0;
  for (int a = m.n_hedgers; a < m.n_agents; ++a) {
    veto_players += m.agent_veto_players[a];
    eastern += m.pole_of(a) < 0;
  }
  EXPECT_EQ(veto_players, 2);                                                // FRA, BGR
  EXPECT_EQ(eastern, 2);                                                     // RUS, CHN
  EXPECT_EQ(m.initial(m.row(Var::accession, agent_index(m, "MKD"))), 0.38);  // the scenario's [initial]
}

TEST(ExtendedModel, BulgariasVetoBlocksNorthMacedoniasTalksUntilLifted) {
  const Scenario sc = extended();
  const CompiledModel m = compiled(sc);
  const auto runs = run_ensemble(m, {sc.seed, kExtendedReplicates, 2, false});
  const int mkd = agent_index(m, "MKD"), alb = agent_index(m, "ALB"), bgr = agent_index(m, "BGR");
  const int k_veto = step_of_event(m, "accession_veto", "MKD"),
            k_talks = step_of_event(m, "accession_step", "MKD");
  for (const RunOutput& r : runs) {
    for (int k = k_veto; k < k_talks; ++k)
      ASSERT_EQ(r.value(m, k, m.row(Var::veto, bgr, mkd)), 1.0) << k;
    EXPECT_EQ(r.value(m, k_talks, m.row(Var::veto, bgr, mkd)), 0.0);
    EXPECT_GT(r.value(m, k_talks, Var::accession, mkd), r.value(m, k_talks - 1, Var::accession, mkd));
  }
  // Negative control: the same talks without Bulgaria lifting its veto leave North Macedonia where it was,
  // while Albania, which nobody vetoes, advances in the same event.
  Scenario kept = sc;
  for (ScenarioEvent& e : kept.events)
    e.ends.clear();
  const CompiledModel mk = compiled(kept);
  const RunOutput r = run(mk, sc.seed, 0, false);
  EXPECT_EQ(r.value(mk, k_talks, mk.row(Var::veto, bgr, mkd)), 1.0);
  EXPECT_EQ(r.value(mk, k_talks, Var::accession, mkd), r.value(mk, k_talks - 1, Var::accession, mkd));
  EXPECT_GT(r.value(mk, k_talks, Var::accession, alb), r.value(mk, k_talks - 1, Var::accession, alb));
}

TEST(ExtendedModel, ChinaAnswersCourtingOutOfItsOwnBudget) {
  const Scenario sc = extended();
  const CompiledModel m = compiled(sc);
  const auto runs = run_ensemble(m, {sc.seed, kExtendedReplicates, 2, false});
  const int chn = agent_index(m, "CHN"), srb = agent_index(m, "SRB");
  double peak = 0.0, gained = 0.0;
  for (const RunOutput& r : runs)
    for (int k = 0; k <= m.steps; ++k) {
      peak = std::max(peak, r.value(m, k, Var::attention, chn));
      gained = std::max(gained, r.value(m, k, m.row(Var::engagement, chn, srb)) -
                                    m.initial(m.row(Var::engagement, chn, srb)));
    }
  EXPECT_GT(peak, 0.05);
  EXPECT_GT(gained, 0.05);
  // Negative control: with no capacity China never engages beyond its baseline, whatever the courting.
  Scenario broke = sc;
  broke.initial.push_back({"CHN", Var::capacity, "", 0.0, {}, {}});
  const CompiledModel mb = compiled(broke);
  for (const RunOutput& r : run_ensemble(mb, {sc.seed, kExtendedReplicates, 2, false}))
    for (int k = 0; k <= mb.steps; ++k)
      ASSERT_EQ(r.value(mb, k, Var::attention, chn), 0.0) << k;
}

}  // namespace
}  // namespace hedgesim
