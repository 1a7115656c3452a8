// What the figures of `hedgesim plot` share (internal to the report module): gnuplot string and number
// literals, UTF-8-aware shortening of labels, date ticks, and render(), which writes a script into a
// temporary directory, runs gnuplot on it and renames the figure into place only when it is complete, so a
// failed or interrupted plot never leaves a partial file under the final name.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"
#include "model/input_error.hpp"

namespace hedgesim::report::detail {

/// Where a bad command-line value is reported.
inline const SourcePos kCommandLine{"<command line>", 1, 0};

/// DIR/name as a string.
std::string path_in(const std::string& dir, std::string_view name);

/// InputError unless `format` is "png" or "svg".
void check_format(const std::string& format);

/// A gnuplot single-quoted string: nothing is special inside except the quote, written twice; line breaks
/// become spaces.
std::string gp_string(std::string_view s);

/// A number as gnuplot reads it back exactly enough (%.10g).
std::string num(double x);

/// Characters (not bytes) of a UTF-8 string.
std::size_t char_count(std::string_view s);

/// Cuts a label to `max_chars` characters, ending it with "…" when cut.
std::string shortened(const std::string& s, std::size_t max_chars);

struct Tick {
  double x;  ///< days since 1970-01-01
  std::string label;
};

/// Date ticks from `first` to `last`: every few weeks ("15 Jan 2020") for short spans, on the first of every
/// m months ("Oct 2019") or years otherwise; at most `max_ticks` so that the labels never touch.
std::vector<Tick> date_ticks(Date first, Date last, int max_ticks);

/// 16 random hexadecimal digits, for unique temporary names.
std::string random_hex();

/// A file under a temporary name; removed on scope exit unless it was renamed.
class PartialFile {
 public:
  explicit PartialFile(std::filesystem::path path) : path_(std::move(path)) {}
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  ~PartialFile();
  const std::filesystem::path& path() const { return path_; }
  void rename_to(const std::filesystem::path& final_path);

 private:
  std::filesystem::path path_;
  bool done_ = false;
};

/// Writes `text` to `path`; InputError when it cannot.
void write_file(const std::filesystem::path& path, const std::string& text);

/// Runs `program` on the script with its output in `log`; the exit code, or -1 when no shell could be
/// started (127: the program was not found).
int run_gnuplot(const std::string& program, const std::filesystem::path& script,
                const std::filesystem::path& log);

/// InputError at `dir`: gnuplot's exit code, the last line it printed, and how to install it.
[[noreturn]] void gnuplot_failed(const std::string& dir, int code, const std::filesystem::path& log);

/// Builds the gnuplot script: gets the temporary directory (for data files) and the path gnuplot must write
/// the figure to.
using ScriptBuilder =
    std::function<std::string(const std::filesystem::path& temp_dir, const std::string& output)>;

/// Where a figure goes: `out` when given, else DIR/<stem>.<format>.
std::string figure_path(const std::string& dir, const std::string& stem, const std::string& format,
                        const std::string& out);

/// Draws the figure `path` (figure_path): writes the script from `build` into a temporary directory, runs
/// `program` on it into a temporary name next to `path` and renames that to `path` only when gnuplot
/// succeeded and wrote something. Returns `path`. A failing gnuplot is reported at `data_dir`, the directory
/// the user asked to plot (the figure may go elsewhere, e.g. into a report's scratch directory).
std::string render(const std::string& data_dir, const std::string& path, const std::string& format,
                   const std::string& program, const ScriptBuilder& build);

}  // namespace hedgesim::report::detail
