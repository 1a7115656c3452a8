// `hedgesim report`: one self-contained HTML page about a finished run, for a teacher to mail to a class. It
// owns the page and nothing it shows: the run's provenance comes from meta.json, the figure is the SVG of
// report::plot (drawn into a scratch file, so nothing is added to the run directory), the event table
// is events.csv, and every sentence is report::explain's, over the whole run per hedger and over the few
// steps after each event for the agents it targets; and, given an attribution of the same scenario, which
// events mattered (report::plot_attribute's figure and results/attribute_files' rows). All text is
// HTML-escaped; the page loads nothing from anywhere and needs no script, and the file is written under a
// temporary name and renamed when complete.
#pragma once

#include <functional>
#include <string>

#include "report/explain.hpp"

namespace hedgesim::report {

struct HtmlReportOptions {
  std::string run_dir;  ///< a directory written by `hedgesim run` (trajectory.csv, events.csv,
                        ///< attribution.csv, meta.json, maybe bands.csv)
  std::string out;      ///< the .html file to write (atomically: io::AtomicFile, temp file then rename)
  std::string gnuplot = "gnuplot";  ///< the program that draws the figure (a test substitutes a missing one)
  /// Makes explain's text for an agent and window (the options' `dir` is run_dir). Default: report::explain
  /// over run_dir's files. `hedgesim report` passes report::explain over the runs it still holds in memory:
  /// the same text, without reading the files again for every hedger and event.
  std::function<std::string(const ExplainOptions&)> explainer{};
  /// A directory written by `hedgesim attribute` on the same scenario (event-effects.csv, meta.json): the
  /// section "Which events mattered" (its figure and a table per metric). Empty: no such section.
  std::string attribute_dir{};
};

/// Writes one self-contained HTML file (no external URLs, no scripts): the scenario's name, dates, seed,
/// model/scenario hashes and version (from meta.json), the figure of every hedger (the inline SVG of
/// report::plot), a table of the scenario's events (events.csv), report::explain over the whole run for each
/// hedger, and for each event what happened next to the agents it targets (report::explain from the event's
/// date to four steps later), and which events mattered when options.attribute_dir is given. Returns the path
/// written (`out`). Throws InputError for a missing or malformed run directory (with the messages of the
/// other report functions, naming the run directory's files), when gnuplot is missing or fails, and when
/// `out` cannot be written; then no output file is left behind.
std::string write_html_report(const HtmlReportOptions& options);

}  // namespace hedgesim::report
