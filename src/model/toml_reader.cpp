// TableReader and the helpers around it: see toml_reader.hpp. The messages here are those every input file
// shares (docs/model-format.md, docs/scenario-format.md, docs/experiment-format.md list them).
#include "model/toml_reader.hpp"
#include <array>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace hedgesim::toml_io {

namespace fs = std::filesystem;

std::string fmt_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

SourcePos pos_of(const std::string& file, const toml::source_region& r) {
  return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

/// What a path that is not a regular file is, for messages: a directory, a named pipe, a device ...
static std::string not_a_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  if (ec || !fs::exists(link)) return "no such file";
  const fs::file_status target = fs::status(path, ec);
  if (fs::is_symlink(link) && (ec || !fs::exists(target)))
    return "a symbolic link that leads nowhere (or loops)";
  switch (target.type()) {
    case fs::file_type::directory:
      return "it is a directory";
    case fs::file_type::fifo:
      return "it is a named pipe (FIFO), not a file";
    case fs::file_type::character:
    case fs::file_type::block:
      return "it is a device, not a file";
    case fs::file_type::socket:
      return "it is a socket, not a file";
    default:
      return "not a regular file";
  }
}

namespace {

/// The scanner of check_toml_depth: one pass over the bytes, tracking line and column (in characters, as
/// toml++ counts them) and skipping strings and comments.
class DepthScanner {
 public:
  DepthScanner(std::string_view text, const std::string& file) : t_(text), file_(file) {}

  void run() {
    if (t_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;  // a UTF-8 byte order mark, which the parser skips
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '#') {
        end_run();
        while (i_ < t_.size() && t_[i_] != '\n')
          advance();
      } else if (c == '"' || c == '\'') {
        part();
        skip_string();
      } else if (is_bare(c)) {
        part();
        while (i_ < t_.size() && is_bare(t_[i_]))
          advance();
      } else if (c == '.' && run_ && !after_dot_) {
        after_dot_ = true;
        advance();
      } else if (c == ' ' || c == '\t') {
        advance();
      } else {
        end_run();
        if (c == '[' && nesting_ == 0 && last_ == '\n') check_header_start();
        if (c == '[' || c == '{') {
          if (++nesting_ > kMaxTomlValueNesting) fail_nesting();
        } else if ((c == ']' || c == '}') && nesting_ > 0) {
          --nesting_;
        }
        last_ = c == '\n' ? '\n' : c;
        advance();
      }
    }
    end_run();
  }

 private:
  static bool is_bare(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  void advance() {
    if (t_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(t_[i_]) & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++col_;
    }
    ++i_;
  }

  /// A key part (bare or quoted) begins here: it continues a dotted run after a dot, or starts a new one.
  void part() {
    if (run_ && after_dot_) {
      ++parts_;
      after_dot_ = false;
      return;
    }
    end_run();
    run_ = true;
    parts_ = 1;
    after_dot_ = false;
    start_ = i_;
    start_line_ = line_;
    start_col_ = col_;
    header_ = last_ == '[';
  }

  void end_run() {
    if (run_ && parts_ > kMaxTomlKeyParts) {
      std::string excerpt(t_.substr(start_, std::min<std::size_t>(i_ - start_, 24)));
      for (char& ch : excerpt)
        if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
      while (!excerpt.empty() && (static_cast<unsigned char>(excerpt.back()) & 0x80) != 0)
        excerpt.pop_back();  // no half of a UTF-8 character
      throw InputError({file_, start_line_, start_col_},
                       std::string(header_ ? "table header '[" : "dotted key '") + excerpt +
                           "...' is nested " + std::to_string(parts_) + " levels deep; at most " +
                           std::to_string(kMaxTomlKeyParts) + " allowed");
    }
    run_ = false;
    after_dot_ = false;
  }

  /// At the '[' of a table header: the header must begin with a key (or ']', or the second '[' of an array
  /// of tables). toml++ 3.3 asserts otherwise ("[#", "[[[a]]]", "[.a]", "[" at the end of a line) and,
  /// compiled with NDEBUG by clang, has undefined behaviour (tomlplusplus issue 294, fixed after 3.3), so
  /// such a header is refused here, with its position.
  void check_header_start() const {
    std::size_t j = i_ + 1;
    if (j < t_.size() && t_[j] == '[') ++j;
    const std::size_t blanks = j;
    while (j < t_.size() && (t_[j] == ' ' || t_[j] == '\t'))
      ++j;
    if (j == t_.size()) return;  // the parser reports the end of the file
    const char c = t_[j];
    if (is_bare(c) || c == '"' || c == '\'' || c == ']' || (c == '[' && blanks == i_ + 1 && j > blanks))
      return;
    const std::string got = c > ' ' && c < 0x7F      ? "'" + std::string(1, c) + "'"
                            : c == '\n' || c == '\r' ? "the end of the line"
                                                     : "a character that cannot begin a key";
    // Only '[' and blanks lie between i_ and j, one column each.
    throw InputError(
        {file_, line_, col_ + static_cast<int>(j - i_)},
        "malformed TOML: a table header must begin with a key (a bare key or a quoted one), not " + got +
            "; see https://toml.io for the syntax");
  }

  void fail_nesting() const {
    throw InputError({file_, line_, col_}, "an array or inline table is nested " + std::to_string(nesting_) +
                                               " levels deep here; at most " +
                                               std::to_string(kMaxTomlValueNesting) + " allowed");
  }

  /// From an opening quote past the closing one: basic ("...", with escapes) or literal ('...') strings,
  /// single- or multi-line.
  void skip_string() {
    const char q = t_[i_];
    const bool multi = t_.substr(i_, 3) == std::string(3, q);
    for (int k = 0; k < (multi ? 3 : 1); ++k)
      advance();
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\\' && q == '"') {
        advance();
        if (i_ < t_.size()) advance();
      } else if (c == q && (!multi || t_.substr(i_, 3) == std::string(3, q))) {
        for (int k = 0; k < (multi ? 3 : 1); ++k)
          advance();
        for (int k = 0; multi && k < 2 && i_ < t_.size() && t_[i_] == q; ++k)  // """a"""" ends in a quote
          advance();
        return;
      } else if (c == '\n' && !multi) {
        return;  // unterminated: the parser will say so
      } else {
        advance();
      }
    }
  }

  std::string_view t_;
  const std::string& file_;
  std::size_t i_ = 0;
  int line_ = 1, col_ = 1;
  int nesting_ = 0;
  char last_ = '\n';  ///< the last character that was neither a key part, a dot nor a blank
  bool run_ = false, after_dot_ = false, header_ = false;
  int parts_ = 0;
  std::size_t start_ = 0;
  int start_line_ = 0, start_col_ = 0;
};

}  // namespace

void check_toml_depth(std::string_view text, const std::string& file) {
  DepthScanner(text, file).run();
}

std::string read_toml_file(const std::string& path, const SourcePos& referenced_from, const char* what) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    const SourcePos at = referenced_from.file.empty() ? SourcePos{path, 0, 0} : referenced_from;
    const std::string why = not_a_file(path);
    throw InputError(at, "cannot read " + std::string(what) + " '" + path + "': " + why +
                             (why == "no such file" ? "" : "; give a TOML file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(referenced_from.file.empty() ? SourcePos{path, 0, 0} : referenced_from,
                     "cannot read " + std::string(what) + " '" + path + "': " + std::strerror(errno));
  // Read at most the cap and one byte more: a file named by `extends` or `start_from` may be anything
  // (a special file whose size says 0, a multi-gigabyte one), and none of the project's TOML files comes
  // near.
  std::string text;
  std::array<char, 1 << 16> chunk;
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() <= kMaxTomlBytes) continue;
    throw InputError(referenced_from.file.empty() ? SourcePos{path, 0, 0} : referenced_from,
                     "cannot read " + std::string(what) + " '" + path + "': it is larger than " +
                         std::to_string(kMaxTomlBytes >> 20) + " MiB; allowed: a TOML file of at most " +
                         std::to_string(kMaxTomlBytes >> 20) + " MiB");
  }
  return text;
}

toml::table parse_toml_text(std::string_view text, const std::string& name) {
  check_toml_depth(text, name);  // before toml++, which would overflow the stack on a deep dotted key
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw InputError(pos_of(name, e.source()), "malformed TOML: " + std::string(e.description()) +
                                                   "; see https://toml.io for the syntax");
  }
}

toml::table parse_toml_file(const std::string& path, const SourcePos& referenced_from, const char* what) {
  return parse_toml_text(read_toml_file(path, referenced_from, what), path);
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

SourcePos TableReader::pos(std::string_view key) const {
  for (auto&& [k, v] : t_)
    if (k.str() == key) return pos_of(file_, v.source());
  return pos();
}

SourcePos TableReader::key_pos(std::string_view key) const {
  for (auto&& [k, v] : t_)
    if (k.str() == key) return pos_of(file_, k.source());
  return pos();
}

void TableReader::allow_only(const std::vector<std::string>& allowed) const {
  for (auto&& [k, v] : t_) {
    if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
    throw InputError(pos_of(file_, k.source()), "unknown key '" + std::string(k.str()) + "' in " + context_ +
                                                    did_you_mean(k.str(), allowed) +
                                                    "; allowed keys: " + join_quoted(allowed));
  }
}

const toml::node& TableReader::require(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (n == nullptr)
    throw InputError(pos(), context_ + " is missing the required key '" + std::string(key) + "'");
  return *n;
}

std::string TableReader::string(std::string_view key) const {
  const toml::node& n = require(key);
  if (!n.is_string()) throw type_error(key, n, "a string");
  return std::string(n.as_string()->get());
}

std::string TableReader::string_or(std::string_view key, std::string fallback) const {
  return has(key) ? string(key) : std::move(fallback);
}

double TableReader::number(std::string_view key, double lo, double hi) const {
  const toml::node& n = require(key);
  double v = 0.0;
  if (n.is_integer())
    v = static_cast<double>(n.as_integer()->get());
  else if (n.is_floating_point())
    v = n.as_floating_point()->get();
  else
    throw type_error(key, n, "a number");
  check_range(key, v, lo, hi);
  return v;
}

double TableReader::number_or(std::string_view key, double fallback, double lo, double hi) const {
  return has(key) ? number(key, lo, hi) : fallback;
}

std::int64_t TableReader::integer(std::string_view key, std::int64_t lo, std::int64_t hi) const {
  const toml::node& n = require(key);
  if (!n.is_integer()) throw type_error(key, n, "an integer");
  const std::int64_t v = n.as_integer()->get();
  if (v < lo || v > hi)
    throw InputError(pos(key), "'" + std::string(key) + "' = " + std::to_string(v) + " is out of range in " +
                                   context_ + "; allowed: " + std::to_string(lo) + " to " +
                                   std::to_string(hi));
  return v;
}

std::int64_t TableReader::integer_or(std::string_view key, std::int64_t fallback, std::int64_t lo,
                                     std::int64_t hi) const {
  return has(key) ? integer(key, lo, hi) : fallback;
}

bool TableReader::boolean(std::string_view key) const {
  const toml::node& n = require(key);
  if (!n.is_boolean()) throw type_error(key, n, "a boolean (true or false)");
  return n.as_boolean()->get();
}

bool TableReader::boolean_or(std::string_view key, bool fallback) const {
  return has(key) ? boolean(key) : fallback;
}

Date TableReader::date(std::string_view key) const {
  const toml::node& n = require(key);
  if (n.is_date()) {
    const toml::date d = n.as_date()->get();
    if (auto v = make_date(d.year, d.month, d.day)) return *v;
  } else if (n.is_string()) {
    if (auto v = parse_date(n.as_string()->get())) return *v;
    throw InputError(pos(key), "'" + std::string(key) + "' = \"" + std::string(n.as_string()->get()) +
                                   "\" is not a date; write a calendar date as YYYY-MM-DD, e.g. 2019-10-18");
  }
  throw type_error(key, n, "a date (YYYY-MM-DD)");
}

std::vector<std::string> TableReader::strings(std::string_view key) const {
  const toml::node& n = require(key);
  const toml::array* arr = n.as_array();
  if (arr == nullptr) throw type_error(key, n, "an array of strings, e.g. [\"a\", \"b\"]");
  if (arr->empty()) throw InputError(pos(key), "'" + std::string(key) + "' is empty; give at least one name");
  std::vector<std::string> out;
  for (const toml::node& e : *arr) {
    if (!e.is_string())
      throw InputError(pos_of(file_, e.source()),
                       "'" + std::string(key) + "' must hold strings, got " + type_name(e));
    out.emplace_back(e.as_string()->get());
  }
  return out;
}

const toml::table& TableReader::subtable(std::string_view key) const {
  const toml::node& n = require(key);
  if (!n.is_table()) throw type_error(key, n, "a table");
  return *n.as_table();
}

std::vector<const toml::table*> TableReader::tables(std::string_view key) const {
  std::vector<const toml::table*> out;
  if (!has(key)) return out;
  const toml::node& n = require(key);
  const toml::array* arr = n.as_array();
  if (arr == nullptr) throw type_error(key, n, "an array of tables, written [[" + std::string(key) + "]]");
  for (const toml::node& e : *arr) {
    if (!e.is_table())
      throw InputError(pos_of(file_, e.source()), "'" + std::string(key) + "' must hold tables, got " +
                                                      type_name(e) + "; write [[" + std::string(key) + "]]");
    out.push_back(e.as_table());
  }
  return out;
}

InputError TableReader::type_error(std::string_view key, const toml::node& n,
                                   const std::string& expected) const {
  return InputError(pos_of(file_, n.source()), "'" + std::string(key) + "' in " + context_ + " must be " +
                                                   expected + ", got " + type_name(n));
}

void TableReader::check_range(std::string_view key, double v, double lo, double hi) const {
  if (!std::isfinite(v) || v < lo || v > hi)
    throw InputError(pos(key), "'" + std::string(key) + "' = " + fmt_number(v) + " is out of range in " +
                                   context_ + "; allowed: " + fmt_number(lo) + " to " + fmt_number(hi));
}

std::string checked_id(const TableReader& r, std::string_view key) {
  std::string id = r.string(key);
  if (!is_valid_id(id))
    throw InputError(r.pos(key), "'" + std::string(key) + "' = \"" + id +
                                     "\" is not a valid id; use 1 to 32 letters, digits, '_' or '-'");
  return id;
}

}  // namespace hedgesim::toml_io
