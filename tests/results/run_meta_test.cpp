// Tests of results/run_meta.hpp against a meta.json from the real writer (experiment/run_outputs), and of
// each message for a meta.json it could not have written.
#include "results/run_meta.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

#include "experiment/run_outputs.hpp"
#include "model/compiled_model.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;

TEST(RunMeta, ReadsWhatHedgesimRunWrites) {
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  const std::vector<RunOutput> runs = {run(m, 3, 0, false), run(m, 3, 1, false)};
  TempDir dir;
  write_run_outputs(m, runs, dir.path(), {3, "test"});
  const results::RunMeta meta = results::read_run_meta(dir.path());
  EXPECT_EQ(meta.scenario_name, m.scenario.name);
  EXPECT_EQ(meta.scenario_title, m.scenario.title);
  EXPECT_EQ(meta.replicates, 2);
  ASSERT_EQ(meta.agents.size(), static_cast<std::size_t>(m.n_agents));
  for (int a = 0; a < m.n_agents; ++a) {
    EXPECT_EQ(meta.agents[static_cast<std::size_t>(a)].id, m.agent_ids[a]);
    EXPECT_EQ(meta.agents[static_cast<std::size_t>(a)].name, m.agent_names[a]);
  }
  // The same agents from memory (what explain and serve use for runs they hold) as from the file.
  const std::vector<results::RunAgent> in_memory = results::agents_of(m);
  ASSERT_EQ(in_memory.size(), meta.agents.size());
  for (std::size_t a = 0; a < in_memory.size(); ++a) {
    const results::RunAgent &x = in_memory[a], &y = meta.agents[a];
    EXPECT_EQ(std::tie(x.id, x.name, x.kind, x.seat, x.pole), std::tie(y.id, y.name, y.kind, y.seat, y.pole));
  }
  EXPECT_EQ(meta.agents.back().pole, m.pole_of(m.n_agents - 1));
  EXPECT_NE(meta.agents.back().pole, 0);  // the last agent is a patron, at a pole
  ASSERT_NE(meta.find(m.agent_ids[0]), nullptr);
  EXPECT_EQ(meta.find("NOBODY"), nullptr);
  const results::TimeGrid grid = results::time_grid(meta);
  EXPECT_EQ(grid.start, m.scenario.start);
  EXPECT_EQ(grid.step_days, m.params.step_days);
  EXPECT_EQ(grid.steps, m.steps);
  EXPECT_EQ(grid.last_date(), m.date_of_step(m.steps));
  // What a figure prints at its foot: the scenario, seed, replicates, version and the commit's short form.
  EXPECT_EQ(meta.seed, std::optional<std::uint64_t>(3));
  EXPECT_EQ(meta.version, results::version());
  EXPECT_EQ(meta.commit, results::build_commit());
  EXPECT_EQ(meta.provenance_line(), "scenario " + m.scenario.name + " · seed 3 · 2 replicates · hedgesim " +
                                        results::version() + " (commit " +
                                        results::short_commit(results::build_commit()) + ")");
}

TEST(RunMeta, AFigureShowsTwelveDigitsOfACommit) {
  const std::string hex = "0123456789abcdef0123456789abcdef01234567";
  EXPECT_EQ(results::short_commit(hex), "0123456789ab");
  EXPECT_EQ(results::short_commit(hex + "-dirty"), "0123456789ab-dirty");
  EXPECT_EQ(results::short_commit("unknown"), "unknown");
  EXPECT_EQ(results::short_commit("0123456789ABCDEF0123456789abcdef01234567"),
            "0123456789ABCDEF0123456789abcdef01234567");  // not what build_info writes: shown as it is
}

/// The message read_run_meta or time_grid gives for DIR/meta.json holding `text`.
std::string message_for(const std::string& text, bool grid) {
  TempDir dir;
  std::ofstream(dir.path() + "/meta.json") << text;
  const InputError e = testing::input_error_of([&] {
    const results::RunMeta meta = results::read_run_meta(dir.path());
    if (grid) results::time_grid(meta);
  });
  return std::string(e.what()).substr(std::string(e.what()).find(": ") + 2);
}

TEST(RunMeta, EachDefectHasItsMessage) {
  const std::string tail = "; it should be the meta.json written by `hedgesim run`";
  EXPECT_EQ(message_for("{\n  \"agents\": [,]\n}", false),
            "this is not valid JSON; it should be the meta.json written by `hedgesim run`");
  EXPECT_EQ(message_for(R"({"agents": []})", false), "the file has no text field 'scenario'" + tail);
  EXPECT_EQ(message_for(R"({"scenario": "x.toml"})", false), "the file has no list 'agents'" + tail);
  EXPECT_EQ(message_for(R"({"scenario": "x.toml", "agents": [{"id": "A", "name": "A"}]})", false),
            "the file has no text field 'kind'" + tail);
  const std::string ok = R"({"scenario": "x.toml", "agents": [], )";
  EXPECT_EQ(message_for(ok + R"("start": "2019-13-01", "step_days": 7, "steps": 3})", true),
            "the field 'start' is not a date YYYY-MM-DD" + tail);
  EXPECT_EQ(message_for(ok + R"("start": "2019-01-01", "step_days": 0, "steps": 3})", true),
            "the file has no whole-number field 'step_days' from 1 to 3660" + tail);
  EXPECT_EQ(message_for(ok + R"("start": "2019-01-01", "step_days": 7, "steps": 100001})", true),
            "the file has no whole-number field 'steps' from 0 to 100000" + tail);
}

TEST(RunMeta, OlderFilesGiveSeatsByNameAndPolesByKind) {
  // Files written before blocs existed have kinds "rival" and "west" and no seats.
  TempDir dir;
  std::ofstream(dir.path() + "/meta.json")
      << R"({"scenario": "x.toml", "agents": [{"id": "R", "name": "Rus", "kind": "rival"},)"
      << R"({"id": "W", "name": "Wes", "kind": "west"}, {"id": "H", "name": "Hed", "kind": "hedger"}]})";
  const results::RunMeta meta = results::read_run_meta(dir.path());
  EXPECT_EQ(meta.agents[0].pole, -1);
  EXPECT_EQ(meta.agents[0].seat, "Rus");
  EXPECT_EQ(meta.agents[1].pole, 1);
  EXPECT_EQ(meta.agents[2].pole, 0);
}

TEST(RunMeta, AScenarioWithoutANameIsNamedByItsFile) {
  TempDir dir;
  std::ofstream(dir.path() + "/meta.json") << R"({"scenario": "scenarios/my-case.toml", "agents": []})";
  EXPECT_EQ(results::read_run_meta(dir.path()).scenario_name, "my-case");
}

}  // namespace
}  // namespace hedgesim
