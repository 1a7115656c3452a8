// `hedgesim plot`: a figure of a finished run drawn by gnuplot. One panel per agent: a hedger's signal and
// substance over time (for an ensemble, the mean with its 5-95 % band from bands.csv), a patron's detente or
// the rival's attention when asked for; dashed lines mark the events that involve the agent, numbered as
// in the report (all of the run's events by date) and listed in a table under the panels, which also names
// the numbers of the events no drawn agent takes part in. The data and the gnuplot script go to a temporary
// directory; the figure is written under a temporary name in the run directory and renamed when complete.
#pragma once

#include <string>
#include <vector>

namespace hedgesim::report {

struct PlotOptions {
  std::string dir;                  ///< the run directory written by `hedgesim run`
  std::vector<std::string> agents;  ///< agent ids to draw, in this order; empty: every hedger
  std::string format = "png";       ///< "png" or "svg"
  std::string out;  ///< the figure to write; empty: DIR/plot.<format> (plot-<ids> with agents)
  std::string gnuplot = "gnuplot";  ///< the program to run (a test substitutes one that fails)
  bool event_table = true;          ///< false: no table of events under the panels (a page lists them)
};

/// Draws the figure and returns the path written: `out`, or DIR/plot.png (DIR/plot-<id>-<id>.png for chosen
/// agents, so that a figure of some agents never replaces the figure of all), or the same in svg. Throws
/// InputError for a format other than png/svg, an unknown agent (with a suggestion), missing or malformed
/// files, and when gnuplot is missing or fails (then no output file is left behind).
std::string plot(const PlotOptions& options);

}  // namespace hedgesim::report
