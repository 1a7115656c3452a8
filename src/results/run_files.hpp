// Which files a run set keeps, and where a reader finds them: `hedgesim run --keep trajectory,bands
// --compress gzip` writes only what the user asked for, some as `<name>.csv.gz`; meta.json lists what was
// written (`files`), and every reader finds a file in either form through find_run_file / run_file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace hedgesim::results {

/// The CSV files a run set may write; meta.json is always written.
inline constexpr const char* kRunFileKinds[] = {"trajectory", "events", "attribution", "bands"};

struct RunFiles {
  bool trajectory = true, events = true, attribution = true, bands = true;
  bool gzip = false;  ///< write `<name>.csv.gz` instead of `<name>.csv`

  /// From `--keep` values, each one of kRunFileKinds; the first value that is not one is put in `unknown`.
  static RunFiles keeping(const std::vector<std::string>& kinds, std::string* unknown = nullptr);
  bool keeps(const std::string& kind) const;
};

/// The file names written for `replicates` runs, in the order written: `trajectory.csv`, `events.csv`,
/// `attribution.csv`, `bands.csv` (only for more than one replicate), each kept one with `.gz` if gzip.
std::vector<std::string> run_file_names(const RunFiles& files, std::size_t replicates);

/// DIR/`name` (e.g. "trajectory.csv") if it exists, else DIR/`name`.gz if that exists, else nothing.
std::optional<std::string> find_run_file(const std::string& dir, const std::string& name);

/// find_run_file, or, when neither form exists: an InputError saying that the run did not keep it (when
/// DIR/meta.json lists the files it wrote without it) and how to keep it; otherwise DIR/`name`, whose
/// reader then says that it is missing.
std::string run_file(const std::string& dir, const std::string& name);

/// Removes every form of the run files that a run writing `written` (names as run_file_names gives) did
/// not write: a trajectory.csv next to a new trajectory.csv.gz, a bands.csv of an earlier ensemble, ...
void remove_other_run_files(const std::string& dir, const std::vector<std::string>& written);

}  // namespace hedgesim::results
