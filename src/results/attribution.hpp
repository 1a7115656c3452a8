// results: the source of an attribution entry (attribution.csv's `source`), typed. In the file a source is
// text — `mechanism:<name>`, `event:<type>:<actor>:<date>` or `bounds` (docs/output-format.md) — and a
// reader gets it parsed once, here; a run held in memory gives the same value without text being parsed
// back (attribution_source_of). Sources order by their text, the order the file's readers have always used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/mechanisms_catalog.hpp"
#include "io/csv_reader.hpp"
#include "model/compiled_model.hpp"
#include "model/date.hpp"

namespace hedgesim::results {

struct AttributionSource {
  enum class Kind : std::uint8_t { mechanism, event, bounds, other };
  Kind kind = Kind::other;
  std::optional<Mechanism> mechanism;  ///< kind mechanism, when the name is one of the catalogue's
  std::string name;                    ///< kind mechanism: the name as written
  std::string type, actor;             ///< kind event
  std::optional<Date> date;            ///< kind event, when the date is valid
  std::string text;                    ///< as attribution.csv writes it

  bool operator<(const AttributionSource& o) const { return text < o.text; }
  bool operator==(const AttributionSource& o) const { return text == o.text; }
};

/// A source as attribution.csv writes it. An event's source is split from the right, so a type may hold
/// ':'; text of no known form is Kind::other, kept as it is.
AttributionSource parse_attribution_source(std::string_view text);

/// The source with index `source` of a run of `m` (engine's numbering: mechanisms, bounds, then events).
AttributionSource attribution_source_of(const CompiledModel& m, int source);

/// DIR's attribution.csv (or .gz), row by row, streaming: the file of a large ensemble is the largest a run
/// writes. Each field is checked as it is asked for.
class AttributionReader {
 public:
  /// InputError if the file is missing (saying so if the run did not keep it) or lacks a column.
  explicit AttributionReader(const std::string& dir);

  bool next() { return csv_.next(); }
  const std::string& file() const noexcept { return csv_.file(); }
  const std::string& agent() const { return csv_.text(c_agent_); }
  const std::string& variable() const { return csv_.text(c_variable_); }
  std::size_t step() const;  ///< 0 to kMaxStep (trajectory.hpp), or InputError at the field
  const std::string& source_text() const { return csv_.text(c_source_); }
  AttributionSource source() const { return parse_attribution_source(source_text()); }
  double delta() const { return csv_.number(c_delta_); }

 private:
  io::CsvReader csv_;
  std::size_t c_step_ = 0, c_agent_ = 0, c_variable_ = 0, c_source_ = 0, c_delta_ = 0;
};

}  // namespace hedgesim::results
