// Loading and validating the model (`model/*.toml`) and scenarios (`scenarios/*.toml`) with toml++.
// Everything a user can get wrong is caught here or in compile(), and reported as an InputError
// `file:line:col: what is wrong and what is allowed`. Checks that need both the model and the scenario (agent
// ids, event types and kinds, parameter names and ranges, dates inside the window) are done in compile().
#pragma once

#include <string>

#include "model/spec.hpp"

namespace hedgesim {

/// The files a model directory must contain.
inline constexpr const char* kModelFiles[] = {"agents.toml", "parameters.toml", "events.toml",
                                              "influence.toml"};

/// Loads and validates a model directory. `referenced_from` is where the directory was named (for messages).
ModelSpec load_model(const std::string& dir, const SourcePos& referenced_from = {});

/// Loads and validates a scenario file (its own structure only; see compile() for cross-checks).
Scenario load_scenario(const std::string& path);

}  // namespace hedgesim
