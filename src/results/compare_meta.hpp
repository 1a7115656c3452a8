// results: the meta.json of a comparison (`hedgesim compare`): one typed value, CompareMeta, which
// experiment/compare fills and render_compare_meta writes, and which read_compare_meta reads back for the
// figure drawn from it (the two scenarios, the agents, the events only one of them has, the metrics and their
// file, and the provenance the figure prints at its foot). Writer and reader are one module, so that a field
// cannot be written under one name and looked for under another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/date.hpp"
#include "results/run_meta.hpp"

namespace hedgesim::results {

/// An event that one scenario of the pair has and the other lacks.
struct OneSidedEvent {
  Date date;
  std::string label;  ///< as read: the event's label, or its type when the file gives no label
  std::string type, actor;
  char scenario = 'A';  ///< 'A' or 'B': the scenario that has it
};

struct CompareMeta {
  std::string file;  ///< where it was read from (empty for a value about to be written)
  std::string version, commit;
  std::string a_path, b_path;  ///< the scenario files as given; empty if not recorded
  std::string a_name, b_name;  ///< their names, or their files' stems, or "A" and "B"
  std::string a_sha256, b_sha256, model_dir, model_sha256;
  std::optional<std::uint64_t> seed;
  long long replicates = -1, bootstrap = -1;  ///< -1: not recorded
  double confidence = 0;                      ///< 0: not recorded
  std::optional<Date> start;
  long long steps = -1, step_days = -1;
  std::vector<RunAgent> agents;       ///< may be empty in files that do not list them
  std::vector<OneSidedEvent> events;  ///< events_a then events_b (as read: sorted by date, stable)
  std::vector<std::string> metrics;
  std::string metrics_file, metrics_sha256;  ///< empty for the default metrics
  std::string command_line, created;

  /// "compare veto-2019 vs no-veto-2019 · seed 2019 · 200 replicates · hedgesim 0.1.0 (commit …)".
  std::string provenance_line() const;
};

/// The text of the meta.json of a comparison (docs/output-format.md), fields in the documented order; the
/// events in `events` order, A's under events_a and B's under events_b.
std::string render_compare_meta(const CompareMeta& meta);

/// Reads DIR/meta.json. InputError if it is missing (naming `hedgesim compare`), not JSON (at its line and
/// column), not an object, the meta.json of another command, or holds an agent without a text 'id' or an
/// event list that is not a list of events with dates.
CompareMeta read_compare_meta(const std::string& dir);

}  // namespace hedgesim::results
