// Tests of ensembles and run outputs: thread-count invariance down to the byte, type-7 quantiles, bands that
// agree with the runs, meta.json recording hashes, seed and version.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "experiment/ensemble.hpp"
#include "experiment/run_outputs.hpp"
#include "io/sha256.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

CompiledModel veto() {
  return load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
}

TEST(Ensemble, OneAndTwoThreadsGiveByteIdenticalFiles) {
  const CompiledModel m = veto();
  const auto one = run_ensemble(m, {3, 16, 1, true});
  const auto two = run_ensemble(m, {3, 16, 2, true});
  EXPECT_EQ(render_trajectory(m, one), render_trajectory(m, two));
  EXPECT_EQ(render_attribution(m, one), render_attribution(m, two));
  EXPECT_EQ(render_bands(m, one), render_bands(m, two));
}

TEST(Ensemble, ReplicateRIsRunRWhateverTheEnsemble) {
  const CompiledModel m = veto();
  const auto runs = run_ensemble(m, {3, 8, 2, false});
  EXPECT_EQ(runs[5].trajectory, run(m, 3, 5, false).trajectory);
}

TEST(Ensemble, MemoryEstimateGrowsWithStepsRowsAndReplicatesAndSaturates) {
  const CompiledModel m = veto();
  const std::uint64_t cells = static_cast<std::uint64_t>(m.steps + 1) * static_cast<std::uint64_t>(m.n_rows);
  EXPECT_EQ(ensemble_memory_bytes(m, 1, false), cells * (8 + 48));
  EXPECT_EQ(ensemble_memory_bytes(m, 10, true), 10 * cells * (8 + 48 + 72));
  CompiledModel absurd = m;
  absurd.steps = 2'000'000'000;
  EXPECT_EQ(ensemble_memory_bytes(absurd, 1'000'000'000'000ull, true), UINT64_MAX);  // no wrap-around
}

TEST(Ensemble, AnEnsembleTooBigForHalfTheAvailableMemoryIsRefusedAtTheEndDate) {
  const CompiledModel m = veto();
  const std::uint64_t need = ensemble_memory_bytes(m, 100, true);
  EXPECT_NO_THROW(check_fits_in_memory(m, 100, true, 2 * need));
  EXPECT_NO_THROW(check_fits_in_memory(m, 100, true, std::nullopt));  // unknown: not checked
  try {
    check_fits_in_memory(m, 100, true, 2 * need - 2);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, m.scenario.file);
    EXPECT_EQ(e.where().line, m.scenario.end_pos.line);
    EXPECT_NE(std::string(e.what()).find("this window is too long for memory: " + std::to_string(m.steps) +
                                         " steps x " + std::to_string(m.n_rows) +
                                         " state variables x 100 replicate(s)"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("use `hedgesim sweep`"), std::string::npos);
  }
}

TEST(RunOutputs, BandsAgreeWithTheRuns) {
  const CompiledModel m = veto();
  const auto runs = run_ensemble(m, {3, 5, 1, false});
  const std::string bands = render_bands(m, runs);
  // Pick SRB's signal at step 20 and recompute its mean.
  const int srb = testing::agent_index(m, "SRB");
  double mean = 0.0;
  for (const auto& r : runs)
    mean += r.value(m, 20, Var::signal, srb) / 5.0;
  const std::string key = "20," + format_date(m.date_of_step(20)) + ",SRB,signal,";
  const auto at = bands.find(key);
  ASSERT_NE(at, std::string::npos);
  EXPECT_NEAR(std::stod(bands.substr(at + key.size())), mean, 1e-12);
  // Quantiles are named q05/q95 as in summary.csv and difference-over-time.csv (issue 14, point 10).
  EXPECT_EQ(bands.substr(0, bands.find('\n')), "step,date,agent,variable,mean,q05,q95");
}

TEST(RunOutputs, TrajectoryHasOneRowPerCarriedVariable) {
  const CompiledModel m = veto();
  const auto runs = run_ensemble(m, {3, 2, 1, false});
  const std::string t = render_trajectory(m, runs);
  const auto rows = std::count(t.begin(), t.end(), '\n') - 1;
  // Hedgers: 12 own variables and 5 pair variables per patron; patrons: detente, capacity, attention, war.
  const int carried_per_step = m.n_hedgers * (12 + 5 * m.n_patrons) + m.n_patrons * 4;
  EXPECT_EQ(rows, 2 * (m.steps + 1) * carried_per_step);
  EXPECT_EQ(t.substr(0, t.find('\n')), "run,step,date,agent,variable,value");
}

// The workflow of `hedgesim run`: the directory is checked before the work, only kept files are written, and
// attribution that is not kept is not recorded either. Fails if a refused directory still ran the ensemble
// (the runs would be returned) or if unkept attribution were recorded.
TEST(RunOutputs, RunAndWriteChecksTheDirectoryFirstAndRecordsOnlyWhatIsKept) {
  const CompiledModel m = veto();
  testing::TempDir dir;
  const std::string file = dir.write("a-file", "x");
  RunSetOptions o;
  o.seed = 4;
  o.replicates = 2;
  o.files = results::RunFiles::keeping({"trajectory", "bands"});
  EXPECT_THROW(run_and_write(m, o, file, "x"), InputError);
  const RunSet set = run_and_write(m, o, dir.file("out"), "x");
  ASSERT_EQ(set.runs.size(), 2u);
  EXPECT_TRUE(set.runs[0].attribution.empty());
  EXPECT_EQ(set.files, (std::vector<std::string>{dir.file("out/trajectory.csv"), dir.file("out/bands.csv"),
                                                 dir.file("out/meta.json")}));
  const RunOutput same = run(m, 4, 1, false);
  EXPECT_EQ(set.runs[1].value(m, m.steps, 0), same.value(m, m.steps, 0));  // stream (seed, r)
}

TEST(RunOutputs, MetaRecordsHashesSeedAndVersion) {
  const CompiledModel m = veto();
  const auto runs = run_ensemble(m, {99, 2, 1, false});
  const auto j = nlohmann::json::parse(render_meta(m, runs, {99, "hedgesim run x"}));
  EXPECT_EQ(j["seed"], 99);
  EXPECT_EQ(j["replicates"], 2);
  EXPECT_EQ(j["version"], version());
  EXPECT_EQ(j["scenario_sha256"], io::sha256_file(m.scenario.file));
  EXPECT_EQ(j["model_sha256"], io::sha256_files(m.spec.files));
  EXPECT_EQ(j["steps"], m.steps);
  EXPECT_EQ(j["agents"].size(), 9u);
  EXPECT_EQ(j["command_line"], "hedgesim run x");
}

TEST(RunOutputs, EventsListOneRowPerTarget) {
  const CompiledModel m = veto();
  const std::string e = render_events(m);
  std::size_t targets = 0;
  for (const auto& ev : m.events)
    targets += ev.targets.size();
  EXPECT_EQ(static_cast<std::size_t>(std::count(e.begin(), e.end(), '\n')) - 1, targets);
  EXPECT_NE(e.find(",accession_veto,FRA,ALB,1,"), std::string::npos);
}

}  // namespace
}  // namespace hedgesim
