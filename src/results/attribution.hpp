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

}  // namespace hedgesim::results
