// Reading TOML input files with messages a user can act on. toml++ parses a file; a TableReader wraps one of
// its tables so that every access checks the key's type and range, and every failure is an InputError naming
// `file:line:col`, the key, the bad value and what is allowed. Unknown keys are errors too (with a "did you
// mean"), because a misspelt optional key would otherwise be silently ignored. Used by the model and scenario
// loader (load.cpp) and by the experiment loader (experiment/experiment_spec.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "model/date.hpp"
#include "model/input_error.hpp"

namespace hedgesim::toml_io {

/// A number as messages print it (`std::ostream` default: 6 significant digits, "1e+300" for large ones).
std::string fmt_number(double v);

/// "a string", "an integer", "a floating-point number", "a date-time", ... for "got ..." in messages.
std::string type_name(const toml::node& n);

/// The position where a source region begins, in `file`.
SourcePos pos_of(const std::string& file, const toml::source_region& r);

/// How many parts a dotted key (a.b.c = 1) or a table header ([a.b.c], [[a.b.c]]) may have, and how deep
/// arrays and inline tables may nest in a value. toml++ recurses once per part and limits only the value
/// nesting (to 256), so a key or header of 50,000 parts would overflow the stack; files are checked first.
inline constexpr int kMaxTomlKeyParts = 64;
inline constexpr int kMaxTomlValueNesting = 64;

/// Scans TOML text (linear, no recursion) and throws InputError at the first dotted key or table header of
/// more than kMaxTomlKeyParts parts, or the first array or inline table nested more than
/// kMaxTomlValueNesting deep: "file:line:col: table header '[a.b.c...' is nested N levels deep; at most 64
/// allowed". Strings and comments are skipped; anything else is left to the parser.
void check_toml_depth(std::string_view text, const std::string& file);

/// Parses a TOML file. A missing file is reported at `referenced_from` (where it was named), or at
/// `path:0:0` when that is empty, as "cannot read <what> '<path>': no such file"; a syntax error at its
/// position as "malformed TOML: ..."; a key, header or value nested too deep as check_toml_depth says.
toml::table parse_toml_file(const std::string& path, const SourcePos& referenced_from, const char* what);

/// The largest TOML file read (scenario, model, experiment, calibration): far above any real one.
inline constexpr std::size_t kMaxTomlBytes = std::size_t{16} << 20;

/// The text of a file, as parse_toml_file reads it (the same messages for a missing or unreadable file); a
/// file of more than kMaxTomlBytes is refused after reading that much, whatever size it claims.
std::string read_toml_file(const std::string& path, const SourcePos& referenced_from, const char* what);

/// Parses TOML text that `name` stands for in messages (a file's path, or what a request calls it): the
/// depth check, then toml++; errors as parse_toml_file's.
toml::table parse_toml_text(std::string_view text, const std::string& name);

/// An id: 1 to 32 characters, each a letter, a digit, '_' or '-'.
bool is_valid_id(std::string_view id);

/// One TOML table being read, with its file and a context name for messages (e.g. "[[agent]] 'ABC'"). The
/// table must outlive the reader.
class TableReader {
 public:
  TableReader(std::string file, const toml::table& t, std::string context)
      : file_(std::move(file)), t_(t), context_(std::move(context)) {}

  /// The table's own position (its header, or its first key for a table without one).
  SourcePos pos() const { return pos_of(file_, t_.source()); }
  /// The position of `key`'s value, or the table's position when the key is absent.
  SourcePos pos(std::string_view key) const;
  /// The position of `key` itself, or the table's position when the key is absent.
  SourcePos key_pos(std::string_view key) const;
  const std::string& file() const { return file_; }
  const toml::table& table() const { return t_; }
  const std::string& context() const { return context_; }
  bool has(std::string_view key) const { return t_.contains(key); }

  /// Throws "unknown key 'k' in <context> (did you mean ...?); allowed keys: ..." for any other key.
  void allow_only(const std::vector<std::string>& allowed) const;

  /// The key's node; throws "<context> is missing the required key 'k'" at the table when absent.
  const toml::node& require(std::string_view key) const;

  std::string string(std::string_view key) const;
  std::string string_or(std::string_view key, std::string fallback) const;

  /// An integer or floating-point number within [lo, hi] (inf and nan are out of range).
  double number(std::string_view key, double lo, double hi) const;
  double number_or(std::string_view key, double fallback, double lo, double hi) const;

  /// An integer within [lo, hi].
  std::int64_t integer(std::string_view key, std::int64_t lo, std::int64_t hi) const;
  std::int64_t integer_or(std::string_view key, std::int64_t fallback, std::int64_t lo,
                          std::int64_t hi) const;

  bool boolean(std::string_view key) const;
  bool boolean_or(std::string_view key, bool fallback) const;

  /// A TOML local date (2019-10-18) or a string "2019-10-18".
  Date date(std::string_view key) const;

  /// A non-empty array of strings.
  std::vector<std::string> strings(std::string_view key) const;

  const toml::table& subtable(std::string_view key) const;

  /// An array of tables ([[key]]), or an empty list when absent.
  std::vector<const toml::table*> tables(std::string_view key) const;

  /// "'k' in <context> must be <expected>, got <type>", at the value.
  InputError type_error(std::string_view key, const toml::node& n, const std::string& expected) const;

  /// Throws "'k' = v is out of range in <context>; allowed: lo to hi" unless v is finite and in [lo, hi].
  void check_range(std::string_view key, double v, double lo, double hi) const;

 private:
  std::string file_;
  const toml::table& t_;
  std::string context_;
};

/// The string at `key`, which must be a valid id (see is_valid_id).
std::string checked_id(const TableReader& r, std::string_view key);

}  // namespace hedgesim::toml_io
