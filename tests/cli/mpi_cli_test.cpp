// End-to-end tests of `hedgesim sweep` under mpirun (OpenMPI, ranks oversubscribed on this machine): 1, 2
// and 3 ranks, with threads inside ranks, write the bytes of a single process; a 2-rank job whose rank 1 is
// killed exits non-zero naming the rank, leaves no output file, and resumes to the same bytes; bad inputs
// exit 2 with one message, whether every rank or only one rank meets them, and ranks that read different
// inputs refuse to start. An attribution on 2 and 3 ranks writes the bytes of one process too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "experiment/attribute.hpp"
#include "support/files.hpp"
#include "support/sweep_process.hpp"

namespace hedgesim {
namespace {

using namespace testing;

/// OpenMPI refuses to run as root (as CI does) unless told, and oversubscription lets 3 ranks share 2 cores.
/// Leak checking is off for the sanitizer build: OpenMPI keeps allocations until exit by design.
class MpiCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    ::setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
    ::setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
  }
  /// mpirun -np K hedgesim ARGS
  static std::vector<std::string> mpirun(int ranks, const std::vector<std::string>& args) {
    std::vector<std::string> all = {HEDGESIM_MPIEXEC, "-np", std::to_string(ranks)};
    for (const std::string& a : hedgesim_argv(args))
      all.push_back(a);
    return all;
  }
  TempDir dir;
};

/// The shipped small Sobol study; under the sanitizers (eight times slower) the same study with 16 base
/// samples instead of 64, written next to the test's files with the scenario's path made absolute.
std::string small_sobol(const TempDir& dir) {
  const std::string shipped = source_path("experiments/hedging-sobol-small.toml");
#ifdef HEDGESIM_SANITIZED
  std::string text = io::read_file(shipped);
  auto replace = [&text](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::logic_error("hedging-sobol-small.toml has no '" + from + "'");
    text.replace(at, from.size(), to);
  };
  replace("\"../scenarios/", "\"" + source_path("scenarios") + "/");
  replace("samples = 64\n", "samples = 16\n");
  return dir.write("sobol-16.toml", text);
#else
  (void)dir;
  return shipped;
#endif
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST_F(MpiCli, OneTwoAndThreeRanksWriteTheBytesOfOneProcess) {
  const std::string single = dir.file("single"), sobol = small_sobol(dir);
  ASSERT_EQ(hedgesim({"sweep", sobol, "--out", single, "-t", "1", "-q"}, dir).code, 0);
  for (const auto& [ranks, threads] : {std::pair{1, "1"}, {2, "1"}, {3, "1"}, {2, "2"}}) {
    const std::string out = dir.file("np" + std::to_string(ranks) + "t" + threads);
    const Outcome r = run_program(mpirun(ranks, {"sweep", sobol, "--out", out, "-t", threads, "-q"}), dir);
    ASSERT_EQ(r.code, 0) << r.out;
    if (ranks > 1) {
      EXPECT_NE(r.out.find("on " + std::to_string(ranks) + " MPI ranks"), std::string::npos) << r.out;
    }
    expect_same_outputs(single, out);
    EXPECT_EQ(io::read_file(single + "/indices.csv"), io::read_file(out + "/indices.csv")) << out;
  }
}

TEST_F(MpiCli, ACalibrationOnTwoAndThreeRanksWritesTheBytesOfOneProcess) {
  // Every rank replays the same generations from the batches' results rank 0 shares; a second calibration
  // into the same directory (its journals would be another's) is refused on every rank with exit 2.
  const std::string file = source_path("tests/data/calibration/fit.toml"), single = dir.file("single");
  ASSERT_EQ(hedgesim({"calibrate", file, "--out", single, "-t", "1", "-q"}, dir).code, 0);
  for (const int ranks : {2, 3}) {
    const std::string out = dir.file("np" + std::to_string(ranks));
    const Outcome r = run_program(mpirun(ranks, {"calibrate", file, "--out", out, "-t", "1", "-q"}), dir);
    ASSERT_EQ(r.code, 0) << r.out;
    for (const char* f : {"posterior.csv", "generations.csv", "parameters.csv", "correlations.csv",
                          "predictive.csv", "out_of_sample.csv"})
      EXPECT_EQ(io::read_file(single + "/" + f), io::read_file(out + "/" + f)) << out << "/" << f;
  }
  std::ofstream(dir.file("np2") + "/gen-000-batch-0000.hsj") << "x";
  const Outcome refused =
      run_program(mpirun(2, {"calibrate", file, "--out", dir.file("np2"), "-t", "1", "-q"}), dir);
  EXPECT_EQ(refused.code, 2) << refused.out;
  EXPECT_NE(refused.out.find("journals of an unfinished calibration"), std::string::npos) << refused.out;
}

TEST_F(MpiCli, AnAttributionOnTwoAndThreeRanksWritesTheBytesOfOneProcess) {
  // The coalitions are a plan's points, handed out to ranks as a sweep's are; a second attribution into a
  // directory that holds an unfinished one's journal is refused on every rank with exit 2.
  auto args = [&](const std::string& out) {
    return std::vector<std::string>{"attribute", source_path("scenarios/veto-2019.toml"),
                                    "--events",  "fra-veto-2019,s400-display-2019,talks-open-2020,sochi-2019",
                                    "-r",        "8",
                                    "-t",        "1",
                                    "-q",        "--out",
                                    out};
  };
  const std::string single = dir.file("single");
  ASSERT_EQ(hedgesim(args(single), dir).code, 0);
  for (const int ranks : {2, 3}) {
    const std::string out = dir.file("np" + std::to_string(ranks));
    const Outcome r = run_program(mpirun(ranks, args(out)), dir);
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(io::read_file(single + "/event-effects.csv"), io::read_file(out + "/event-effects.csv")) << out;
    EXPECT_EQ(meta_without_invocation(single + "/meta.json"), meta_without_invocation(out + "/meta.json"));
  }
  std::ofstream(dir.file("np2") + "/" + kAttributeJournal) << "x";
  const Outcome refused = run_program(mpirun(2, args(dir.file("np2"))), dir);
  EXPECT_EQ(refused.code, 2) << refused.out;
  EXPECT_EQ(occurrences(refused.out, "journal of an unfinished attribution"), 1u) << refused.out;
}

/// The pid of the hedgesim process that is MPI rank `rank` of the job writing to `out`, or -1.
pid_t pid_of_rank(int rank, const std::string& out) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string env = slurp(e.path() / "environ"), cmd = slurp(e.path() / "cmdline");
    if (env.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') != std::string::npos &&
        cmd.find(out) != std::string::npos && cmd.find("hedgesim") != std::string::npos)
      return static_cast<pid_t>(std::stol(e.path().filename().string()));
  }
  return -1;
}

TEST_F(MpiCli, AKilledRankEndsTheJobWithoutOutputsAndTheJobResumesToTheSameBytes) {
  const std::string exp = long_experiment(dir), straight = dir.file("straight"), killed = dir.file("killed");
  ASSERT_EQ(hedgesim({"sweep", exp, "--out", straight, "-t", "1", "-q"}, dir).code, 0);

  Process job(mpirun(2, {"sweep", exp, "--out", killed, "-t", "1", "-q"}), dir.file("killed.log"));
  ASSERT_TRUE(wait_for_journal(killed + "/" + kJournalName, 4096)) << "no chunk was journaled";
  const pid_t rank1 = pid_of_rank(1, killed);
  ASSERT_GT(rank1, 0) << "rank 1 not found";
  ::kill(rank1, SIGKILL);
  const int status = job.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  const std::string log = io::read_file(dir.file("killed.log"));
  EXPECT_NE(log.find("rank 1"), std::string::npos) << log;  // mpirun names the rank that died
  EXPECT_FALSE(fs::exists(killed + "/results.csv"));        // nothing partial
  EXPECT_TRUE(fs::exists(killed + "/" + kJournalName));     // the finished chunks are kept

  const Outcome resumed =
      run_program(mpirun(2, {"sweep", exp, "--out", killed, "-t", "1", "--resume", "-q"}), dir);
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  expect_same_outputs(straight, killed);
}

TEST_F(MpiCli, CtrlCOnMpirunStopsEveryRankAfterItsChunkAndTheJobResumesWithoutMpi) {
  // mpirun turns SIGINT into SIGTERM for every rank; rank 0 stops handing out chunks, records the chunks in
  // flight and says how to resume. The journal is the same whatever the ranks, so one process can finish it.
  // mpirun takes a while to pass the signal on, and 2000 points can be done by then (this test was flaky).
  // Under the sanitizers, twice kLongSamples already takes longer than four times it in the release build.
#ifdef HEDGESIM_SANITIZED
  constexpr int kSamples = 2 * kLongSamples;
#else
  constexpr int kSamples = 4 * kLongSamples;
#endif
  const std::string exp = long_experiment(dir, kSamples), straight = dir.file("straight"),
                    stopped = dir.file("stopped");
  ASSERT_EQ(hedgesim({"sweep", exp, "--out", straight, "-t", "2", "-q"}, dir).code, 0);

  Process job(mpirun(2, {"sweep", exp, "--out", stopped, "-t", "1", "-q"}), dir.file("stopped.log"));
  ASSERT_TRUE(wait_for_journal(stopped + "/" + kJournalName, 4096)) << "no chunk was journaled";
  job.signal(SIGINT);
  const int status = job.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  const std::string log = io::read_file(dir.file("stopped.log"));
  EXPECT_NE(log.find("interrupted: "), std::string::npos) << log;
  EXPECT_NE(log.find("resume with: mpirun -np 2 hedgesim sweep " + exp + " --out " + stopped + " --resume"),
            std::string::npos)
      << log;
  EXPECT_FALSE(fs::exists(stopped + "/results.csv"));

  const Outcome resumed = hedgesim({"sweep", exp, "--out", stopped, "-t", "1", "--resume", "-q"}, dir);
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  expect_same_outputs(straight, stopped);
}

/// An experiment with a misspelt parameter on line 9, column 8.
std::string bad_experiment(const TempDir& dir) {
  return dir.write(
      "bad.toml",
      "[experiment]\nscenario = \"" + source_path("scenarios/veto-2019.toml") +
          "\"\nseed = 1\nreplicates = 2\n[design]\nkind = \"lhs\"\nsamples = 4\n"
          "[[parameters]]\nname = \"courting_gian\"\nmin = 1\nmax = 2\n"
          "[[metrics]]\nname = \"m\"\nagent = \"SRB\"\nvariable = \"signal\"\nstatistic = \"final\"\n");
}

TEST_F(MpiCli, ABadExperimentExitsTwoWithOneMessage) {
  const std::string bad = bad_experiment(dir);
  const Outcome r = run_program(mpirun(3, {"sweep", bad, "--out", dir.file("out")}), dir);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out.rfind(bad + ":9:8: unknown parameter 'courting_gian'", 0), 0u) << r.out;
  EXPECT_EQ(occurrences(r.out, "unknown parameter"), 1u) << r.out;
  EXPECT_FALSE(fs::exists(dir.file("out/results.csv")));
}

/// OpenMPI's MPMD form: rank 0 runs one command line, rank 1 another.
std::vector<std::string> two_programs(const std::vector<std::string>& rank0,
                                      const std::vector<std::string>& rank1) {
  std::vector<std::string> all = {HEDGESIM_MPIEXEC, "-np", "1"};
  for (const std::string& a : hedgesim_argv(rank0))
    all.push_back(a);
  all.insert(all.end(), {":", "-np", "1"});
  for (const std::string& a : hedgesim_argv(rank1))
    all.push_back(a);
  return all;
}

TEST_F(MpiCli, AnInputOnlyOneRankCannotReadIsReportedWithItsRank) {
  const std::string bad = bad_experiment(dir), out = dir.file("out");
  const Outcome r =
      run_program(two_programs({"sweep", small_sobol(dir), "--out", out}, {"sweep", bad, "--out", out}), dir);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out.rfind("rank 1 of 2: " + bad + ":9:8: unknown parameter 'courting_gian'", 0), 0u) << r.out;
  EXPECT_FALSE(fs::exists(out + "/results.csv"));
}

TEST_F(MpiCli, RanksThatReadDifferentInputsRefuseToStart) {
  const std::string exp = long_experiment(dir), out = dir.file("out");
  const std::string other = dir.write("other.toml", io::read_file(exp) + "# the same experiment, edited\n");
  const Outcome r =
      run_program(two_programs({"sweep", exp, "--out", out}, {"sweep", other, "--out", out}), dir);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out.rfind("rank 1 of 2 read different inputs from rank 0; rank 0 has experiment_sha256 = ", 0),
            0u)
      << r.out;
  EXPECT_FALSE(fs::exists(out + "/" + kJournalName));
}

TEST_F(MpiCli, RankZerosRefusalEndsTheWholeJobWithExitTwo) {
  const std::string exp = long_experiment(dir), out = dir.file("out");
  ASSERT_TRUE(WIFSIGNALED(interrupted_sweep(exp, out, "1", SIGKILL, dir.file("p.log"))));
  const Outcome r = run_program(mpirun(2, {"sweep", exp, "--out", out, "-q"}), dir);  // forgot --resume
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("unfinished sweep; add --resume"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hedgesim
