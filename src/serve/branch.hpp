// A branch of a scenario: the scenario plus the events and parameter values a user adds through the API.
// The additions are written as the text of a scenario of their own (a copy of the scenario's [scenario]
// table, a [parameters] table, [[event]] tables) and read from memory by parse_scenario, then merged into
// the scenario and compiled: every check and every message is the loader's and compile()'s, as for
// `hedgesim run`. Only the position changes: the added text is no file anybody has seen, so positions in it
// are reported as "event N: ..." or "parameter 'NAME': ...".
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/compiled_model.hpp"

namespace hedgesim::serve {

/// A request the API rejects for reasons of its own (not the loader's): bad JSON shapes, unknown request
/// keys, paths outside the scenarios. Its message is the whole text the client gets.
class RequestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Branch {
  CompiledModel baseline;
  CompiledModel branch;
  std::vector<bool> added;  ///< per branch.scenario.events: true for the events the request added
};

/// The scenario `base` (loaded, with the model directory it runs with) compiled against its model `spec`,
/// and its branch with `parameters` (a JSON object name -> value, or null) and `events` (a JSON array of
/// [[event]]-like objects, or null). Throws RequestError, or InputError for errors in the scenario itself.
Branch make_branch(const Scenario& base, const ModelSpec& spec, const nlohmann::json& parameters,
                   const nlohmann::json& events);

/// The branch as a scenario file of its own: a patch of `base` (`extends` its file name, to be saved beside
/// it; docs/scenario-format.md, "Patches") with the same [parameters] and [[event]] text make_branch reads,
/// and `seed` if the branch ran with another seed than the scenario's. Call it on a request make_branch
/// accepted.
std::string branch_patch_text(const Scenario& base, const nlohmann::json& parameters,
                              const nlohmann::json& events, std::uint64_t seed);

}  // namespace hedgesim::serve
