// InputError: the one exception type for bad user input (model files, scenarios, command-line values).
// Every message has the form `file:line:col: what is wrong and what is allowed`; the CLI prints it and exits
// with code 2. Loading and validation may throw it; the stepping loop never does.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hedgesim {

/// A position in an input file (1-based line and column; 0 when unknown, e.g. a missing file).
struct SourcePos {
  std::string file;
  int line = 0;
  int col = 0;
};

class InputError : public std::runtime_error {
 public:
  InputError(SourcePos where, const std::string& what);
  const SourcePos& where() const noexcept { return where_; }
  /// The message without the `file:line:col: ` prefix.
  const std::string& detail() const noexcept { return detail_; }

 private:
  SourcePos where_;
  std::string detail_;
};

/// Levenshtein distance, used to suggest the nearest valid name.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// " (did you mean 'X'?)" when a candidate is close enough to `name`, otherwise "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

/// "'a', 'b' or 'c'" for listing what is allowed.
std::string join_quoted(const std::vector<std::string>& names);

}  // namespace hedgesim
