// The files of an attribution (`hedgesim attribute`; docs/output-format.md) that figures read back:
// event-effects.csv (each metric's knock-out, Shapley and interaction estimates per event) and the fields of
// its meta.json a figure prints. Columns are spelled once here for the writer (experiment/attribute.cpp)
// and the reader (report/plot_attribute).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/csv_writer.hpp"

namespace hedgesim::results {

/// One row of event-effects.csv.
struct EventEffectRow {
  std::string metric, event, date, label;
  double knockout = 0, knockout_low = 0, knockout_high = 0;
  double shapley = 0, shapley_low = 0, shapley_high = 0;
  double interaction = 0, interaction_low = 0, interaction_high = 0;
  double shapley_permutation_se = 0;
};
void event_effects_header(io::CsvBuffer& out);
void event_effect_row(io::CsvBuffer& out, const EventEffectRow& row);
/// Every row of `file`. InputError (file:line:col) for a missing file or column or a malformed number.
std::vector<EventEffectRow> read_event_effects(const std::string& file);

/// What an attribution figure prints of meta.json.
struct AttributeMeta {
  std::string file, scenario_name, method;
  std::optional<std::uint64_t> seed;
  long long replicates = -1;
  std::string version, commit;
  std::string provenance_line() const;
};
/// DIR/meta.json of `hedgesim attribute`. InputError if missing, not JSON or of another kind.
AttributeMeta read_attribute_meta(const std::string& dir);

}  // namespace hedgesim::results
