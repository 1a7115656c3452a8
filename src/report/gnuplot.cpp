// The helpers shared by the figures of `hedgesim plot`: moved here from plot.cpp unchanged, plus render(),
// the temporary-directory / gnuplot / rename sequence that plot.cpp's draw() used to spell out.
#include "report/gnuplot.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

#include "io/scratch_dir.hpp"

namespace hedgesim::report::detail {
namespace fs = std::filesystem;

std::string path_in(const std::string& dir, std::string_view name) {
  return (fs::path(dir) / name).string();
}

void check_format(const std::string& format) {
  if (format != "png" && format != "svg")
    throw InputError(kCommandLine, "--format: '" + format + "' is not a plot format; use " +
                                       join_quoted({"png", "svg"}) + did_you_mean(format, {"png", "svg"}));
}

std::string gp_string(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "''";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out + "'";
}

std::string num(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

std::size_t char_count(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string shortened(const std::string& s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (++chars > max_chars) return s.substr(0, i) + "…";
  }
  return s;
}

// ---- Date ticks -------------------------------------------------------------------------------------------

namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::chrono::year_month_day civil(Date d) {
  return std::chrono::sys_days{std::chrono::days{d.days}};
}

Date date_of(std::chrono::year_month_day ymd) {
  return Date{static_cast<int>(std::chrono::sys_days{ymd}.time_since_epoch().count())};
}

}  // namespace

std::vector<Tick> date_ticks(Date first, Date last, int max_ticks) {
  std::vector<Tick> ticks;
  const int span = last.days - first.days;
  if (span <= 0) return {{static_cast<double>(first.days), format_date(first)}};
  if (span <= 120) {
    const int step = std::max(7, (span / max_ticks + 6) / 7 * 7);
    for (int d = first.days; d <= last.days; d += step) {
      const auto ymd = civil(Date{d});
      ticks.push_back({static_cast<double>(d), std::to_string(static_cast<unsigned>(ymd.day())) + " " +
                                                   kMonths[static_cast<unsigned>(ymd.month()) - 1] + " " +
                                                   std::to_string(static_cast<int>(ymd.year()))});
    }
    return ticks;
  }
  int months = 120;  // the smallest interval that needs no more than max_ticks ticks
  for (int m : {60, 24, 12, 6, 4, 3, 2, 1})
    if (m * max_ticks * 30.44 >= span) months = m;
  const auto start = civil(first);
  auto ym = std::chrono::year_month{start.year(), start.month()};
  if (start.day() != std::chrono::day{1}) ym += std::chrono::months{1};
  for (; date_of(ym / 1).days <= last.days; ym += std::chrono::months{1}) {
    const int month0 = static_cast<int>(static_cast<unsigned>(ym.month())) - 1;
    const int year = static_cast<int>(ym.year());
    const bool on_grid = months < 12 ? month0 % months == 0 : month0 == 0 && year % (months / 12) == 0;
    if (!on_grid) continue;
    const std::string label =
        months < 12 ? std::string(kMonths[month0]) + " " + std::to_string(year) : std::to_string(year);
    ticks.push_back({static_cast<double>(date_of(ym / 1).days), label});
  }
  return ticks;
}

// ---- Files and the gnuplot process ------------------------------------------------------------------------

std::string random_hex() {
  std::random_device rd;
  const unsigned long long v = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", v);
  return buf;
}

PartialFile::~PartialFile() {
  std::error_code ec;
  if (!done_) fs::remove(path_, ec);
}

void PartialFile::rename_to(const fs::path& final_path) {
  fs::rename(path_, final_path);
  done_ = true;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) throw InputError({path.string(), 0, 0}, "cannot write this temporary file");
}

namespace {

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string last_line_of(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

}  // namespace

int run_gnuplot(const std::string& program, const fs::path& script, const fs::path& log) {
  const std::string command = shell_quoted(program) + " " + shell_quoted(script.string()) + " >" +
                              shell_quoted(log.string()) + " 2>&1";
  const int status = std::system(command.c_str());
  if (status == -1) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

void gnuplot_failed(const std::string& dir, int code, const fs::path& log) {
  std::string what = "gnuplot failed (exit " + std::to_string(code) + ")";
  const std::string last = last_line_of(log);
  if (!last.empty()) what += ": " + last;
  throw InputError({dir, 0, 0}, what + "; install it with `apt-get install gnuplot-nox`");
}

std::string figure_path(const std::string& dir, const std::string& stem, const std::string& format,
                        const std::string& out) {
  return out.empty() ? (fs::path(dir) / (stem + "." + format)).string() : out;
}

std::string render(const std::string& data_dir, const std::string& path, const std::string& format,
                   const std::string& program, const ScriptBuilder& build) {
  const fs::path final_path(path);
  const fs::path dir = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
  const std::string stem = final_path.stem().string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError({path, 0, 0},
                     "cannot write the plot: the directory '" + dir.string() + "' does not exist");
  try {
    const io::ScratchDir temp;
    PartialFile output(dir / ("." + stem + "-" + random_hex() + "." + format + ".part"));
    const fs::path script = temp.path() / (stem + ".gp"), log = temp.path() / "gnuplot.log";
    write_file(script, build(temp.path(), output.path().string()));
    const int code = run_gnuplot(program, script, log);
    if (code != 0 || fs::file_size(output.path(), ec) == 0 || ec) gnuplot_failed(data_dir, code, log);
    output.rename_to(final_path);
    return final_path.string();
  } catch (const fs::filesystem_error& e) {
    // A full disk or a read-only output directory: the user's environment, reported like any bad input.
    throw InputError({path, 0, 0}, std::string("cannot write the plot: ") + e.code().message());
  }
}

}  // namespace hedgesim::report::detail
