// The files of `hedgesim run` (docs/output-format.md): trajectory.csv, events.csv, attribution.csv, bands.csv
// (replicates > 1), those the user keeps (--keep), gzip'd on request (--compress), and meta.json. Each is
// rendered in memory and written atomically (io::AtomicFile).
#pragma once

#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "results/run_files.hpp"
#include "results/run_meta.hpp"

namespace hedgesim {

using results::RunInfo;
using results::version;

std::string render_trajectory(const CompiledModel& m, const std::vector<RunOutput>& runs);
std::string render_events(const CompiledModel& m);
std::string render_attribution(const CompiledModel& m, const std::vector<RunOutput>& runs);
std::string render_bands(const CompiledModel& m, const std::vector<RunOutput>& runs);
std::string render_meta(const CompiledModel& m, const std::vector<RunOutput>& runs, const RunInfo& info);

/// Refuses (InputError at `dir`) to write the runs of `m` into a directory that holds the outputs of another
/// scenario (by its meta.json's scenario name), unless `force`; and, even with `force`, into the directory of
/// a sweep or a comparison. A directory without meta.json, or with this scenario's, is fine (a rerun).
void check_run_directory(const CompiledModel& m, const std::string& dir, bool force);

/// Writes the files `info.files` keeps (gzip'd if asked) and meta.json into `dir` (created if missing);
/// returns the paths written. Figures drawn from the files it replaces (plot.png, plot-<agents>.svg, ...) and
/// run files it did not write (a bands.csv of an earlier ensemble, a trajectory.csv next to a new
/// trajectory.csv.gz) are removed: they would describe other runs.
std::vector<std::string> write_run_outputs(const CompiledModel& m, const std::vector<RunOutput>& runs,
                                           const std::string& dir, const RunInfo& info);

/// What `hedgesim run` (and `report`, into a scratch directory) asks for: the ensemble and its files.
struct RunSetOptions {
  std::uint64_t seed = 0;
  int replicates = 1;
  int threads = 1;
  bool attribution = true;  ///< record attribution (also needs files.attribution to be written)
  results::RunFiles files{};
  bool progress = false;  ///< a progress bar on stderr
};

/// The runs made and the paths of the files written.
struct RunSet {
  std::uint64_t seed = 0;
  std::vector<RunOutput> runs;
  std::vector<std::string> files;
};

/// Checks that the runs fit in memory and that `dir` is a writable directory (creating it) before any work,
/// runs the ensemble and writes its files: the workflow of `hedgesim run`, and of `hedgesim report` into a
/// scratch directory. InputError from either check or from the writer.
RunSet run_and_write(const CompiledModel& m, const RunSetOptions& options, const std::string& dir,
                     const std::string& command_line);

}  // namespace hedgesim
