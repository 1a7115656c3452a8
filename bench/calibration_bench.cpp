// Speed of `hedgesim calibrate` (docs/performance.md, "Calibration"): a whole ABC-SMC calibration of three
// parameters on France's 2019-2025 scenario against 108 rows (six states, 2019-2024, three indicators, the
// observation model with errors of one point), as the recovery test sets it up, and the shipped calibration
// of 2014-2021 (calibration/balkans-2014-2021.toml), each on 1 and 2 threads. The
// counters say how many proposals (each `replicates` runs) and model runs a second it gets through, the
// figure that decides how long a calibration of the shipped data takes.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "calibration/fit.hpp"
#include "io/atomic_file.hpp"

namespace {

namespace fs = std::filesystem;

/// The calibration file and its observed rows, written once into a scratch directory.
std::string calibration_file() {
  static const std::string file = [] {
    const fs::path dir = fs::temp_directory_path() / "hedgesim-calibration-bench";
    fs::create_directories(dir);
    const std::string src = HEDGESIM_SOURCE_DIR;
    std::ofstream(dir / "fit.toml") << "[calibration]\nname = \"bench\"\nscenario = \"" << src
                                    << "/scenarios/france-strategy-2019-2025.toml\"\nobservation = \"" << src
                                    << "/tests/data/calibration/observation-precise.toml\"\nobserved = "
                                       "\"observed.csv\"\nfit_until = 2021\nseed = 3\nreplicates = 4\n\n"
                                       "[abc]\nparticles = 300\ngenerations = 6\n\n"
                                       "[[parameters]]\nname = \"grievance_weight\"\nmin = 2.0\nmax = 8.0\n\n"
                                       "[[parameters]]\nname = \"court_bias\"\nmin = -3.5\nmax = -1.5\n\n"
                                       "[[parameters]]\nname = \"leader_cue\"\nmin = 0.25\nmax = 1.0\n";
    std::ostringstream csv;
    csv << "country,year,indicator,value,use\n";
    const double value[] = {70, 60, 65};  // of the order the shipped starting states give
    for (const char* country : {"ALB", "BIH", "KOS", "MNE", "MKD", "SRB"})
      for (int year = 2019; year <= 2024; ++year)
        for (int k = 0; k < 3; ++k)
          csv << country << "," << year << ","
              << (k == 0   ? "cfsp_alignment"
                  : k == 1 ? "eu_support"
                           : "trade_share_eu")
              << "," << value[k] + (year % 3) << ",fit\n";
    std::ofstream(dir / "observed.csv") << csv.str();
    return (dir / "fit.toml").string();
  }();
  return file;
}

/// A whole calibration of `file` per iteration on state.range(0) threads, with its rates as counters.
void time_calibration(benchmark::State& state, const std::string& file) {
  const hedgesim::calibration::ResolvedCalibration c = hedgesim::calibration::resolve_calibration(file);
  const fs::path out = fs::temp_directory_path() / "hedgesim-calibration-bench-out";
  double proposals = 0, iterations = 0;
  for (auto _ : state) {
    fs::remove_all(out);
    hedgesim::calibration::CalibrateOptions opt;
    opt.out_dir = out.string();
    opt.threads = static_cast<int>(state.range(0));
    const auto r = hedgesim::calibration::run_calibration(c, opt);
    proposals += static_cast<double>(r.abc.simulations);
    iterations += 1;
  }
  fs::remove_all(out);
  state.counters["proposals_per_s"] = benchmark::Counter(proposals, benchmark::Counter::kIsRate);
  state.counters["runs_per_s"] =
      benchmark::Counter(proposals * c.spec.replicates, benchmark::Counter::kIsRate);
  state.counters["proposals"] = proposals / iterations;
}

void BM_Calibration(benchmark::State& state) {
  time_calibration(state, calibration_file());
}
BENCHMARK(BM_Calibration)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace

/// The shipped calibration, as a user runs it: 2014-2021 rows on the 574-step scenario balkans-2014-2024,
/// six parameters, 2,000 particles, 8 replicates (docs/calibration.md).
void BM_ShippedCalibration(benchmark::State& state) {
  time_calibration(state, std::string(HEDGESIM_SOURCE_DIR) + "/calibration/balkans-2014-2021.toml");
}
BENCHMARK(BM_ShippedCalibration)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
