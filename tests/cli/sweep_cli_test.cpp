// End-to-end tests of `hedgesim sweep` and `hedgesim compare` as processes: a sweep killed with SIGKILL or
// stopped with SIGINT part-way and finished with --resume writes the same bytes as an uninterrupted sweep
// with another thread count, and so does an attribution killed part-way; refusals and bad experiment files
// exit 2 with file:line:col; compare pairs replicates and finds the veto's effect.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "experiment/attribute.hpp"
#include "support/files.hpp"
#include "support/journal_bytes.hpp"
#include "support/sweep_process.hpp"

namespace hedgesim {
namespace {

namespace fs = std::filesystem;
using namespace testing;

TEST(SweepCli, KilledWithSigkillAndResumedWritesTheSameBytesAsAnUninterruptedSweep) {
  TempDir dir;
  const std::string exp = long_experiment(dir), straight = dir.file("straight"), killed = dir.file("killed");
  ASSERT_EQ(hedgesim({"sweep", exp, "--out", straight, "--threads", "1", "--quiet"}, dir).code, 0);

  const int status = interrupted_sweep(exp, killed, "2", SIGKILL, dir.file("killed.log"));
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep finished before it could be killed; make it longer";
  EXPECT_FALSE(fs::exists(killed + "/results.csv"));  // nothing partial

  const Outcome resumed =
      hedgesim({"sweep", exp, "--out", killed, "--threads", "2", "--resume", "--quiet"}, dir);
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  expect_same_outputs(straight, killed);
}

/// `hedgesim attribute` long enough to be killed part-way, and no longer: veto-2019's 14 events by sampled
/// permutations, in at least 16 chunks (fewer permutations under the sanitizers, which run about eight
/// times slower).
std::vector<std::string> long_attribution(const std::string& out, const char* threads) {
#ifdef HEDGESIM_SANITIZED
  const char* permutations = "10";
#else
  const char* permutations = "40";
#endif
  return {"attribute",
          source_path("scenarios/veto-2019.toml"),
          "--metric",
          "mkd_signal_mean",
          "--exact-limit",
          "1",
          "--permutations",
          permutations,
          "-r",
          "16",
          "-t",
          threads,
          "-q",
          "--out",
          out};
}

TEST(AttributeCli, KilledWithSigkillAndResumedWritesTheSameBytesAsAnUninterruptedRun) {
  TempDir dir;
  const std::string straight = dir.file("straight"), killed = dir.file("killed");
  ASSERT_EQ(hedgesim(long_attribution(straight, "1"), dir).code, 0);

  Process job(hedgesim_argv(long_attribution(killed, "2")), dir.file("killed.log"));
  ASSERT_TRUE(wait_for_journal(killed + "/" + kAttributeJournal, 4096)) << "no chunk was journaled";
  job.signal(SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(job.wait())) << "the attribution finished before it could be killed";
  EXPECT_FALSE(fs::exists(killed + "/event-effects.csv"));  // nothing partial

  std::vector<std::string> again = long_attribution(killed, "2");
  const Outcome refused = hedgesim(again, dir);
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.out.find("add --resume to finish it"), std::string::npos) << refused.out;
  again.push_back("--resume");
  const Outcome resumed = hedgesim(again, dir);
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  EXPECT_EQ(io::read_file(straight + "/event-effects.csv"), io::read_file(killed + "/event-effects.csv"));
  EXPECT_EQ(meta_without_invocation(straight + "/meta.json"), meta_without_invocation(killed + "/meta.json"));
  EXPECT_FALSE(fs::exists(killed + "/" + kAttributeJournal));
}

TEST(SweepCli, SigintStopsAfterTheChunksInFlightAndSaysHowToResume) {
  TempDir dir;
  const std::string exp = long_experiment(dir), straight = dir.file("straight"),
                    stopped = dir.file("stopped");
  ASSERT_EQ(hedgesim({"sweep", exp, "--out", straight, "--threads", "2", "--quiet"}, dir).code, 0);

  const int status = interrupted_sweep(exp, stopped, "1", SIGINT, dir.file("stopped.log"));
  ASSERT_TRUE(WIFEXITED(status)) << "SIGINT should stop the sweep cleanly, not kill it";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const std::string log = io::read_file(dir.file("stopped.log"));
  EXPECT_NE(log.find("interrupted: "), std::string::npos) << log;
  EXPECT_NE(log.find("resume with: hedgesim sweep " + exp + " --out " + stopped + " --resume"),
            std::string::npos)
      << log;
  EXPECT_FALSE(fs::exists(stopped + "/results.csv"));

  const Outcome again = hedgesim({"sweep", exp, "--out", stopped, "--quiet"}, dir);  // forgot --resume
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.out.find("unfinished sweep; add --resume"), std::string::npos) << again.out;

  const Outcome resumed = hedgesim({"sweep", exp, "--out", stopped, "--resume", "--quiet"}, dir);
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  expect_same_outputs(straight, stopped);
}

// Issue 14, point 10: a series metric gives each sampled date its own row in every output, and Sobol indices
// per date. Fails if the samples were not expanded (one name), or if the indices skipped them.
TEST(SweepCli, ASeriesMetricGivesResultsAndIndicesPerDate) {
  TempDir dir;
  const std::string exp =
      dir.write("series.toml", "[experiment]\nname = \"series\"\nscenario = \"" +
                                   source_path("scenarios/veto-2019.toml") +
                                   "\"\nseed = 3\nreplicates = 2\n\n[design]\nkind = "
                                   "\"sobol\"\nsamples = 8\nbootstrap = 10\n\n"
                                   "[[parameters]]\nname = \"grievance_weight\"\nmin = 1.0\n"
                                   "max = 8.0\n\n[[metrics]]\nname = \"mkd\"\nagent = "
                                   "\"MKD\"\nvariable = \"signal\"\nstatistic = \"series\"\n"
                                   "from = 2019-10-01\nevery = 91\n");
  const Outcome r = hedgesim({"sweep", exp, "--out", dir.file("out"), "--quiet"}, dir);
  ASSERT_EQ(r.code, 0) << r.out;
  // From the first recorded state on or after 2019-10-01 (2019-10-03, step 9) every 13th step to 2020-06-30.
  const std::vector<std::string> names = {"mkd_20191003", "mkd_20200102", "mkd_20200402"};
  const std::string meta = io::read_file(dir.file("out/meta.json"));
  const std::string indices = io::read_file(dir.file("out/indices.csv"));
  for (const std::string& n : names) {
    EXPECT_NE(meta.find("\"" + n + "\""), std::string::npos) << n;
    EXPECT_NE(indices.find("\n" + n + ",ST,grievance_weight,"), std::string::npos) << n;
  }
  EXPECT_EQ(meta.find("\"mkd\""), std::string::npos);
  EXPECT_EQ(meta.find("mkd_20200702"), std::string::npos);  // after the scenario's end
}

TEST(SweepCli, ResumeRefusesWhenTheExperimentChanged) {
  TempDir dir;
  const std::string exp = long_experiment(dir), out = dir.file("out");
  ASSERT_TRUE(WIFSIGNALED(interrupted_sweep(exp, out, "1", SIGKILL, dir.file("p.log"))));
  std::ofstream(exp, std::ios::app) << "# an edit\n";
  const Outcome r = hedgesim({"sweep", exp, "--out", out, "--resume"}, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("cannot resume: this journal belongs to a different job; experiment_sha256 was "),
            std::string::npos)
      << r.out;
}

TEST(SweepCli, ResumeAcceptsTheSameExperimentNamedByAnotherPath) {
  // The journal identifies a job by the content of its inputs, not by the paths they were named by.
  TempDir dir;
  const std::string exp = long_experiment(dir), out = dir.file("out");
  ASSERT_TRUE(WIFSIGNALED(interrupted_sweep(exp, out, "1", SIGKILL, dir.file("p.log"))));
  const std::string same = dir.path() + "/./long.toml";
  const Outcome r = hedgesim({"sweep", same, "--out", out, "--resume", "--quiet"}, dir);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(io::read_file(out + "/meta.json").find("\"experiment\": \"" + same + "\""), std::string::npos);
}

TEST(SweepCli, AJournalWithAHugeCountIsRefusedAtOnceWithExitTwoAndNoOutput) {
  // Once: an uncaught bad_alloc (2^32) or 67 s and 16.8 GB (0x7FFFFFFF) before a resume went ahead.
  TempDir dir;
  const std::string exp = long_experiment(dir), out = dir.file("out");
  const int status = interrupted_sweep(exp, out, "1", SIGINT, dir.file("p.log"));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << io::read_file(dir.file("p.log"));
  append_bytes(out + "/" + kJournalName, journal_record(0, std::uint64_t{1} << 32, {}));
  const auto start = std::chrono::steady_clock::now();
  const Outcome r = hedgesim({"sweep", exp, "--out", out, "--resume", "--quiet"}, dir);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out.rfind(out + "/" + kJournalName + ":0:0: record ", 0), 0u) << r.out;
  EXPECT_NE(
      r.out.find(" holds 4294967296 values for chunk 0, but the sweep's chunk 0 has 8; the journal cannot "
                 "be trusted"),
      std::string::npos)
      << r.out;
  EXPECT_LT(took, 5.0);
  std::cout << "the resume was refused in " << took << " s (the whole process)\n";
  EXPECT_EQ(names_in(out), std::set<std::string>{kJournalName});
}

TEST(SweepCli, BadExperimentsExitTwoWithTheirPosition) {
  TempDir dir;
  const std::string f = dir.write(
      "e.toml",
      "[experiment]\nscenario = \"" + source_path("scenarios/veto-2019.toml") +
          "\"\nseed = 1\nreplicates = 2\n[design]\nkind = \"lhs\"\nsamples = 4\n"
          "[[parameters]]\nname = \"grievance_wieght\"\nmin = 1\nmax = 2\n"
          "[[metrics]]\nname = \"m\"\nagent = \"SRB\"\nvariable = \"signal\"\nstatistic = \"final\"\n");
  const Outcome r = hedgesim({"sweep", f, "--out", dir.file("out")}, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(
      r.out.rfind(f + ":9:8: unknown parameter 'grievance_wieght' (did you mean 'grievance_weight'?)", 0), 0u)
      << r.out;
  EXPECT_FALSE(fs::exists(dir.file("out/results.csv")));

  const Outcome nodesign =
      hedgesim({"sweep", source_path("experiments/veto-vs-no-veto.toml"), "--out", dir.file("out2")}, dir);
  EXPECT_EQ(nodesign.code, 2);
  EXPECT_NE(nodesign.out.find("has no [design] table, so there is nothing to sweep"), std::string::npos)
      << nodesign.out;
}

#ifndef HEDGESIM_BINARY_HAS_MPI
TEST(SweepCli, ABuildWithoutMpiRefusesToRunAsSeveralLauncherProcesses) {
  // Without MPI, `mpirun -np 3 hedgesim sweep` would be three sweeps writing the same files.
  TempDir dir;
  ::setenv("OMPI_COMM_WORLD_SIZE", "3", 1);
  const Outcome r = hedgesim({"sweep", long_experiment(dir), "--out", dir.file("out")}, dir);
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("built without MPI (-DHEDGESIM_MPI=OFF) but started as 3 processes"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir.file("out/" + std::string(kJournalName))));
}
#endif

TEST(CompareCli, FindsTheVetosEffectAndIsTheSameWhateverTheThreads) {
  TempDir dir;
  const std::string a = source_path("scenarios/veto-2019.toml"),
                    b = source_path("scenarios/no-veto-2019.toml"),
                    metrics = source_path("experiments/veto-vs-no-veto.toml");
  const Outcome one = hedgesim(
      {"compare", a, b, "-r", "60", "-m", metrics, "-t", "1", "--no-plot", "--out", dir.file("one")}, dir);
  ASSERT_EQ(one.code, 0) << one.out;
  EXPECT_NE(one.out.find("A = veto-2019, B = no-veto-2019; 60 paired replicates"), std::string::npos)
      << one.out;
  const Outcome two = hedgesim(
      {"compare", a, b, "-r", "60", "-m", metrics, "-t", "2", "--no-plot", "--out", dir.file("two")}, dir);
  ASSERT_EQ(two.code, 0) << two.out;
  for (const char* f : {"differences.csv", "difference-over-time.csv"})
    EXPECT_EQ(io::read_file(dir.file(std::string("one/") + f)),
              io::read_file(dir.file(std::string("two/") + f)))
        << f;
  // The veto moves MKD's signal toward Moscow: A - B < 0 with a CI that excludes 0.
  std::istringstream rows(io::read_file(dir.file("one/differences.csv")));
  bool found = false;
  for (std::string line; std::getline(rows, line);)
    if (line.rfind("mkd_signal_mean,", 0) == 0) {
      found = true;
      std::vector<double> v;
      std::istringstream cells(line.substr(line.find(',') + 1));
      for (std::string c; std::getline(cells, c, ',');)
        v.push_back(std::stod(c));
      EXPECT_LT(v.at(2), 0.0) << line;  // difference
      EXPECT_LT(v.at(4), 0.0) << line;  // ci_high
    }
  EXPECT_TRUE(found) << "differences.csv should have the metric mkd_signal_mean";
}

TEST(CompareCli, RefusesScenariosThatCannotBePaired) {
  TempDir dir;
  const Outcome r = hedgesim(
      {"compare", source_path("scenarios/veto-2019.toml"),
       source_path("scenarios/france-strategy-2019-2025.toml"), "--no-plot", "--out", dir.file("out")},
      dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("cannot pair 'france-strategy-2019-2025' with 'veto-2019': both must cover the same "
                       "time grid"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace hedgesim
