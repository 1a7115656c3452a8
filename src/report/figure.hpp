// report/figure: `hedgesim plot DIR` — the figure an output directory calls for, whatever command wrote it:
// a run's signal and substance (plot.hpp), a sweep's indices or scatter matrix, or a comparison's difference
// over time (plot_study.hpp). The CLI only parses options; which figure and where it goes is decided here.
#pragma once

#include <string>
#include <vector>

namespace hedgesim::report {

struct FigureOptions {
  std::string dir;                     ///< the output directory of `hedgesim run`, `sweep` or `compare`
  std::string format = "png";          ///< "png" or "svg"; an `out` ending in .png or .svg decides instead
  std::string out{};                   ///< the figure to write; empty: the figure's default name in DIR
  std::vector<std::string> agents{};   ///< runs and comparisons: the agents to draw; empty: every hedger
  std::vector<std::string> metrics{};  ///< sweeps: the metrics to draw; empty: up to six, in file order
  std::string gnuplot = "gnuplot";     ///< the program to run (a test substitutes one that fails)
};

/// Draws the figure for DIR's kind (output_kind) and returns the path written, once it is complete.
/// InputError for an `out` that does not end in .png or .svg, and whatever the figure's own reader refuses.
std::string draw_figure(FigureOptions options);

}  // namespace hedgesim::report
