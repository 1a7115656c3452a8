// A one-line progress bar for long runs on a terminal (ensembles, sensitivity designs): this module owns the
// bar's state (work done, start time, last redraw), its throttled, thread-safe redrawing with '\r', and the
// pure functions that format its line (percent, bar, counts with thousands separators, rate, ETA, durations),
// which are exposed so that tests can check them without a terminal or a real clock. The bar writes only to
// the stream it is given, and nothing at all when disabled (the CLI enables it only when stderr is a terminal
// and --quiet is not given); it never touches the model or the outputs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>

namespace hedgesim::io {

/// A clock in seconds; only differences are used. Injectable so that tests are deterministic.
using ProgressClock = std::function<double()>;

/// std::chrono::steady_clock in seconds (the default clock of ProgressBar).
double steady_clock_seconds();

/// "1,234,567"; negative numbers keep their sign ("-1,234").
std::string format_count(std::int64_t n);

/// A rate for display: thousands separators from 100 up ("1,234"), one decimal from 10 ("45.3"), two below
/// ("0.53"); "--" if the rate is not a positive finite number.
std::string format_rate(double per_second);

/// A duration rounded to the nearest second: "m:ss" below an hour ("0:04", "59:59"), "h:mm:ss" from an hour
/// on ("1:00:00", "27:46:40"); "--:--" if `seconds` is negative or not finite.
std::string format_duration(double seconds);

/// The line shown while work is under way, at most `width - 1` characters (so that the terminal never wraps
/// it), for example
///   `veto-2019 [#########-----------]  45%  4,500/10,000 runs  1,234 runs/s  ETA 0:04`
/// The percent is rounded down and reaches 100 only when done >= total; the ETA is (total - done) / rate
/// ("--:--" while the rate is unknown, i.e. not positive). With total <= 0 (unknown) there is no bar, percent
/// or ETA: `label  4,500 runs  1,234 runs/s  0:04 elapsed`. When space is short the bar shrinks, then
/// disappears, then the label is shortened.
std::string render_progress_line(std::int64_t done, std::int64_t total, double elapsed_s, double rate,
                                 std::string_view unit, int width = 80, std::string_view label = {});

/// The final line: as render_progress_line, with the elapsed time instead of the ETA ("in 0:08").
std::string render_final_line(std::int64_t done, std::int64_t total, double elapsed_s, double rate,
                              std::string_view unit, int width = 80, std::string_view label = {});

struct ProgressOptions {
  std::string unit = "runs";  ///< what is counted, plural: "runs", "chunks"
  std::string label{};        ///< shown before the bar, e.g. the scenario's name; may be empty
  bool enabled = true;        ///< false: the bar writes nothing at all (see ProgressBar::stderr_is_terminal)
  ProgressClock clock{};      ///< seconds; empty: steady_clock_seconds
  std::int64_t initial = 0;   ///< work already done before this session (e.g. after --resume)
  int width = 80;             ///< terminal columns; lines are at most width - 1 characters
  double redraw_interval_s = 0.1;  ///< at most one redraw per interval, except when finishing
};

/// A progress bar on one line, rewritten with '\r'. advance() may be called from any thread. The rate and
/// ETA count only the work done in this session (done - initial), over the time since construction.
///
///   io::ProgressBar bar(runs, stderr, {.unit = "runs", .label = name,
///                                      .enabled = io::ProgressBar::stderr_is_terminal() && !quiet});
///   ... from workers: bar.advance(1); ...
///   bar.finish();
class ProgressBar {
 public:
  /// `total` <= 0 means unknown. Nothing is drawn until the first advance() (advance(0) shows the bar at
  /// once).
  ProgressBar(std::int64_t total, std::FILE* out, ProgressOptions options = {});
  ProgressBar(std::int64_t total, std::ostream& out, ProgressOptions options = {});
  /// Ends a line left open (a bar neither finished nor interrupted) with a newline, so that what follows,
  /// e.g. an error message, starts on its own line.
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Adds n units of work done. Thread-safe. Redraws if the last redraw is at least redraw_interval_s old
  /// (the first call always draws); does nothing visible after finish().
  void advance(std::int64_t n = 1);
  /// Draws the final line (percent, count, rate, elapsed time) and a newline. Idempotent.
  void finish();
  /// Clears the bar's line and writes `message` (plus a newline if it lacks one) in its place; the bar is
  /// redrawn at the next advance(). The message is the caller's, so it is written even when the bar is
  /// disabled (in which case nothing else is); an empty message only clears the line.
  void interrupt(std::string_view message = {});

  std::int64_t done() const;
  std::int64_t total() const { return total_; }
  bool enabled() const { return opt_.enabled; }

  /// isatty(fileno(stderr)): whether a bar on stderr would be seen on a terminal.
  static bool stderr_is_terminal();

 private:
  void draw_locked(const std::string& line);
  void write_locked(std::string_view s);

  std::int64_t total_;
  ProgressOptions opt_;
  std::function<void(std::string_view)> sink_;
  double start_;
  mutable std::mutex mu_;
  std::int64_t done_;
  double last_draw_ = 0;
  bool drawn_once_ = false;    ///< whether advance() has drawn since construction or interrupt()
  std::size_t shown_len_ = 0;  ///< length of the line on screen (0: none, cursor at column 0)
  bool finished_ = false;
};

}  // namespace hedgesim::io
