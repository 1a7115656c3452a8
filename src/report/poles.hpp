// The names of the two poles of alignment, read from a run's meta.json (agents' kinds, names and seats), and
// the filling of the placeholders {rival}, {rival_seat} and {west_seats} that report texts use, so that no
// country is named in the code: "toward Moscow" comes from model/agents.toml through meta.json.
#pragma once

#include <string>
#include <string_view>

#include <vector>

#include "results/run_meta.hpp"

namespace hedgesim::report {

struct Poles {
  std::string rival = "the rival";       ///< {rival}: the rival's name
  std::string rival_seat = "the rival";  ///< {rival_seat}
  std::string west_seats = "the West";   ///< {west_seats}: western patrons' seats, "A and B"
};

/// Poles of the run in `dir`; falls back to "the rival" / "the West" if meta.json is missing or odd (the
/// names are decoration, never a reason to fail).
Poles read_poles(const std::string& dir);

/// Poles of a run's agents (read from meta.json, or results::agents_of a compiled model).
Poles poles_of(const std::vector<results::RunAgent>& agents);

/// `text` with every placeholder replaced.
std::string fill_poles(std::string_view text, const Poles& poles);

}  // namespace hedgesim::report
