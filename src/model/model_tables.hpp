// A model's files parsed but not yet validated: the two halves of parse_model (load.hpp), apart for callers
// that change one file of a model and need not parse the other three again (the model fuzz target, which
// spent most of each execution re-parsing the unchanged files). A header of its own so that the many
// includers of load.hpp do not compile toml++'s declarations.
#pragma once

#include <array>
#include <iterator>
#include <string>

#include "model/load.hpp"
#include "model/toml_reader.hpp"

namespace hedgesim {

/// The parsed files of a model directory, kModelFiles order (not owned).
using ModelTables = std::array<const toml::table*, std::size(kModelFiles)>;

/// The path messages give for file `f` of the model directory `dir`.
std::string model_file_path(const std::string& dir, std::size_t f);

/// Parses file `f` of `text` (TOML syntax and the depth limit; InputError at the position).
toml::table parse_model_file(const ModelText& text, std::size_t f);

/// Validates the parsed files of the model directory `dir` (structure, values, cross-references):
/// parse_model after parsing.
ModelSpec validate_model(const std::string& dir, const ModelTables& tables);

}  // namespace hedgesim
