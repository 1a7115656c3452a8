// Sweeps as processes, for the end-to-end tests of `hedgesim sweep` alone and under mpirun: starting a
// program with its output in a log, an experiment long enough to interrupt, waiting until its journal holds
// finished chunks, and comparing two sweeps' outputs byte for byte (meta.json without its command line and
// creation time).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "experiment/sweep.hpp"
#include "io/atomic_file.hpp"
#include "support/scenario_fixture.hpp"

extern char** environ;

namespace hedgesim::testing {

namespace fs = std::filesystem;

/// A process (a program and its arguments) started with its stdout and stderr going to a file.
class Process {
 public:
  Process(std::vector<std::string> all, const std::string& log) {
    std::vector<char*> argv;
    for (auto& a : all)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    // Default signal dispositions in the child: a test runner may ignore SIGINT, and mpirun keeps an
    // inherited SIG_IGN (hedgesim installs its own handlers either way).
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t signals;
    sigfillset(&signals);
    posix_spawnattr_setsigdefault(&attr, &signals);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &fa, &attr, argv.data(), environ), 0);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
  }
  void signal(int sig) const { ::kill(pid_, sig); }
  /// The wait status.
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return status;
  }

 private:
  pid_t pid_ = -1;
};

struct Outcome {
  int code;
  std::string out;
};
/// Runs a program to the end; its exit code (-1 if killed by a signal) and what it printed.
inline Outcome run_program(const std::vector<std::string>& argv, const TempDir& dir) {
  Process p(argv, dir.file("log.txt"));
  const int status = p.wait();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, io::read_file(dir.file("log.txt"))};
}

/// The hedgesim binary's command line with these arguments.
inline std::vector<std::string> hedgesim_argv(const std::vector<std::string>& args) {
  std::vector<std::string> all = {HEDGESIM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

inline Outcome hedgesim(const std::vector<std::string>& args, const TempDir& dir) {
  return run_program(hedgesim_argv(args), dir);
}

/// Points of a sweep long enough to be interrupted. The sanitizers slow hedgesim down about eightfold, so a
/// quarter of the points still takes longer there (and each test checks that its sweep was interrupted).
#ifdef HEDGESIM_SANITIZED
inline constexpr int kLongSamples = 500;
#else
inline constexpr int kLongSamples = 2000;
#endif

/// Long enough to be interrupted: `samples` points of France's 2019-2025 strategy, one point per chunk.
inline std::string long_experiment(const TempDir& dir, int samples = kLongSamples) {
  return dir.write("long.toml",
                   "[experiment]\nname = \"long\"\nscenario = \"" +
                       source_path("scenarios/france-strategy-2019-2025.toml") +
                       "\"\nseed = 5\nreplicates = 4\nchunk_points = 1\n"
                       "[design]\nkind = \"lhs\"\nsamples = " +
                       std::to_string(samples) +
                       "\n"
                       "[[parameters]]\nname = \"grievance_weight\"\nmin = 1.0\nmax = 4.0\n"
                       "[[parameters]]\nname = \"engagement_signal_pull\"\nmin = 0.3\nmax = 1.2\n"
                       "[[metrics]]\nname = \"srb_courting\"\nagent = \"SRB\"\n"
                       "variable = \"courting\"\nstatistic = \"mean\"\n"
                       "[[metrics]]\nname = \"mkd_gap_max\"\nagent = \"MKD\"\nvariable = \"gap\"\n"
                       "statistic = \"max\"\n");
}

/// Waits until the journal holds some finished chunks (its size passes `bytes`).
inline bool wait_for_journal(const std::string& path, std::uintmax_t bytes) {
  for (int i = 0; i < 20000; ++i) {
    std::error_code ec;
    if (fs::file_size(path, ec) > bytes && !ec) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

/// meta.json without command_line and created, the two fields that record how and when each sweep was
/// invoked (docs/output-format.md).
inline std::string meta_without_invocation(const std::string& path) {
  std::string s = io::read_file(path), out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);)
    if (line.find("\"command_line\"") == std::string::npos && line.find("\"created\"") == std::string::npos)
      out += line + "\n";
  return out;
}

inline void expect_same_outputs(const std::string& a, const std::string& b) {
  for (const char* f : {"design.csv", "results.csv", "summary.csv"})
    EXPECT_EQ(io::read_file(a + "/" + f), io::read_file(b + "/" + f)) << f;
  EXPECT_EQ(meta_without_invocation(a + "/meta.json"), meta_without_invocation(b + "/meta.json"));
  EXPECT_FALSE(fs::exists(a + "/" + kJournalName));
}

/// Starts `hedgesim sweep EXP --out OUT --threads T`, sends `sig` once some chunks are journaled, and returns
/// the wait status (the log goes to LOG).
inline int interrupted_sweep(const std::string& exp, const std::string& out, const char* threads, int sig,
                             const std::string& log) {
  Process p(hedgesim_argv({"sweep", exp, "--out", out, "--threads", threads, "--quiet"}), log);
  EXPECT_TRUE(wait_for_journal(out + "/" + kJournalName, 4096)) << "no chunk was journaled";
  p.signal(sig);
  return p.wait();
}

}  // namespace hedgesim::testing
