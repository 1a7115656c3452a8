// A branch of a scenario: the scenario plus the events and parameter values a user adds through the API.
// The additions are written as a scenario file of their own (a copy of the scenario's [scenario] table, a
// [parameters] table, [[event]] tables) and read by load_scenario, then merged into the scenario and
// compiled: every check and every message is the loader's and compile()'s, as for `hedgesim run`. Only the
// position changes: the added text is a temporary file nobody has seen, so positions in it are reported as
// "event N: ..." or "parameter 'NAME': ...".
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

/// Loads `scenario_path` (with the model in `model_dir` instead of the scenario's own, when given) and its
/// branch with `parameters` (a JSON object name -> value, or null) and
/// `events` (a JSON array of [[event]]-like objects, or null). Throws RequestError, or InputError for
/// errors in the scenario file itself.
Branch make_branch(const std::string& scenario_path, const std::string& model_dir,
                   const nlohmann::json& parameters, const nlohmann::json& events);

}  // namespace hedgesim::serve
