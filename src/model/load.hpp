// Loading and validating the model (`model/*.toml`) and scenarios (`scenarios/*.toml`) with toml++.
// Everything a user can get wrong is caught here or in compile(), and reported as an InputError
// `file:line:col: what is wrong and what is allowed`. Checks that need both the model and the scenario (agent
// ids, event types and kinds, parameter names and ranges, dates inside the window) are done in compile().
#pragma once

#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include "model/spec.hpp"

namespace hedgesim {

/// The files a model directory must contain.
inline constexpr const char* kModelFiles[] = {"agents.toml", "parameters.toml", "events.toml",
                                              "influence.toml"};

/// The text of a model directory's files (kModelFiles order), and the directory they are read from (which
/// messages name, with each file's name).
struct ModelText {
  std::string dir;
  std::array<std::string, std::size(kModelFiles)> files;
};

/// Reads a model directory's files. `referenced_from` is where the directory was named (for messages).
ModelText read_model(const std::string& dir, const SourcePos& referenced_from = {});

/// Validates a model from its files' text (no file is read): what load_model does after reading.
ModelSpec parse_model(const ModelText& text);

/// Loads and validates a model directory: parse_model(read_model(dir)).
ModelSpec load_model(const std::string& dir, const SourcePos& referenced_from = {});

/// Validates a scenario from its text (its own structure only; see compile() for cross-checks). `path`
/// names the text in messages, and the scenario's `model` and `start_from` are relative to its directory.
Scenario parse_scenario(std::string_view text, const std::string& path);

/// Loads and validates a scenario file: parse_scenario of its text.
Scenario load_scenario(const std::string& path);

/// Applies `patches` to the events of `s` (docs/scenario-format.md, "Patches"): each names an event by its
/// id; a removed event's id is also dropped from other events' `ends`; a changed field takes the patch's
/// position, so that a later error points at the patch. `what` names the scenario whose ids are patched,
/// for messages. Every patched event must stay inside the window [s.start, s.end].
void apply_event_patches(Scenario& s, const std::vector<EventPatch>& patches, const std::string& what);

/// Removes the events at `indices` (into s.events) and drops their ids from the other events' `ends`: what
/// a patch's `remove = true` and each variant of `hedgesim attribute` do.
void remove_events(Scenario& s, const std::vector<std::size_t>& indices);

}  // namespace hedgesim
