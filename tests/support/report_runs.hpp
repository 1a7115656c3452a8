// The run directories the report tests read, written by the real writer (experiment's run_and_write, as
// `hedgesim run` does) from the fixture model and scenario in tests/data/report: one run of one replicate
// (run1) and an ensemble with bands.csv (run_ens). They are written once per test process into a scratch
// directory, removed when the process ends.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "experiment/run_outputs.hpp"
#include "model/load.hpp"

namespace hedgesim::testing {

/// The fixture scenario the runs are made of.
inline std::string report_fixture_scenario() {
  return std::string(HEDGESIM_SOURCE_DIR) + "/tests/data/report/fixture-run.toml";
}

/// The replicates of the ensemble run (run_ens).
inline constexpr int kReportEnsembleReplicates = 5;

struct ReportRuns {
  std::string root;     ///< the scratch directory that holds both, ending in '/' (root + "run1" is run1)
  std::string run1;     ///< one replicate: trajectory.csv, events.csv, attribution.csv, meta.json
  std::string run_ens;  ///< kReportEnsembleReplicates replicates: also bands.csv
};

namespace detail {
class ReportRunsDir {
 public:
  ReportRunsDir() {
    // Not under $TMPDIR: tests that set a private TMPDIR (ScratchDirTest) check it is left empty.
    root_ = std::filesystem::path(P_tmpdir) / ("hedgesim-report-runs-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    const CompiledModel m = load_and_compile(report_fixture_scenario());
    RunSetOptions one{};
    one.seed = m.scenario.seed;
    run_and_write(m, one, (root_ / "run1").string(), "hedgesim run fixture-run.toml --out run1");
    RunSetOptions ens{};
    ens.seed = m.scenario.seed;
    ens.replicates = kReportEnsembleReplicates;
    run_and_write(m, ens, (root_ / "run_ens").string(),
                  "hedgesim run fixture-run.toml --replicates " + std::to_string(kReportEnsembleReplicates) +
                      " --out run_ens");
    runs_ = {root_.string() + "/", (root_ / "run1").string(), (root_ / "run_ens").string()};
  }
  ~ReportRunsDir() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  ReportRunsDir(const ReportRunsDir&) = delete;
  ReportRunsDir& operator=(const ReportRunsDir&) = delete;
  const ReportRuns& runs() const { return runs_; }

 private:
  std::filesystem::path root_;
  ReportRuns runs_;
};
}  // namespace detail

/// The two runs, written on first use. Tests must not write into them (copy them first).
inline const ReportRuns& report_runs() {
  static const detail::ReportRunsDir dir;
  return dir.runs();
}

}  // namespace hedgesim::testing
