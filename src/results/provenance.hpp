// When an output was made: the one field of a meta.json that differs between two otherwise identical runs.
// Version and commit say which program wrote a file (build_info.hpp); the inputs' SHA-256 and the seed say
// what it computed; `created` says when, so that two directories of the same runs can be told apart.
#pragma once

#include <optional>
#include <string>

#include "model/spec.hpp"

namespace hedgesim::results {

/// The SHA-256 a meta.json records for a scenario: of its file's bytes, or for a patch (`extends`) of the
/// file and the scenarios it extends (io::sha256_files over Scenario::files), so that a change to a base
/// changes the patch's hash too.
std::string scenario_sha256(const Scenario& s);

/// The time outputs are written, as UTC ISO 8601 to the second ("2026-12-03T10:15:00Z"). The environment
/// variable SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) replaces the clock,
/// so that a whole directory can be made byte for byte again; a value that is not a whole number of seconds
/// from 0 to 253402300799 (year 9999) is ignored.
std::string created_utc();

/// The seconds of a SOURCE_DATE_EPOCH value, or nothing if it is not one (see created_utc).
std::optional<long long> source_date_epoch(const char* text);

/// `seconds` since 1970-01-01T00:00:00Z as "YYYY-MM-DDThh:mm:ssZ" (0 <= seconds <= 253402300799).
std::string utc_iso8601(long long seconds);

}  // namespace hedgesim::results
