// Figures of the studies, drawn by gnuplot like `hedgesim plot` of a run (report/plot.hpp):
//  - plot_indices: the sensitivity indices of a `hedgesim sweep` (indices.csv, meta.json): one panel per
//    metric, a pair of horizontal bars per parameter sorted by importance (Sobol: ST and S1; Morris: mu* and
//    sigma) with their bootstrap intervals as whiskers;
//  - plot_scatter: the metrics of a `hedgesim sweep` against its parameters (meta.json, design.csv,
//    summary.csv), EMA Workbench's outcomes-against-uncertainties matrix: a row per metric, a column per
//    parameter, a dot per design point (its mean over the replicates) at the parameter's real value, and for
//    a grid a line through the mean at each level (the main effect); the figure of grid and LHS sweeps;
//  - plot_difference: a `hedgesim compare` over time (difference-over-time.csv, meta.json): one panel per
//    hedger, the paired difference A - B of its signal and substance with 5-95 % bands, a zero line and
//    dashed lines at the events that differ between the two scenarios.
// Each writes DIR/<name>.png or .svg under a temporary name and renames it when complete; every problem with
// the directory, the request or gnuplot is an InputError.
#pragma once

#include <string>
#include <vector>

namespace hedgesim::report {

struct PlotStudyOptions {
  std::string dir;                  ///< the output directory of `hedgesim sweep` or `hedgesim compare`
  std::vector<std::string> select;  ///< metrics (indices) or agent ids (difference) to draw; empty: default
  std::string format = "png";       ///< "png" or "svg"
  std::string out;  ///< the figure to write; empty: DIR/indices.<format> or DIR/difference.<format>
  std::string gnuplot = "gnuplot";  ///< the program to run (a test substitutes one that fails)
};

/// Draws DIR/indices.<format> and returns its path. Default metrics: the sweep's first six, in the order of
/// meta.json. Throws InputError for a bad format, an unknown metric (with a suggestion), a sweep whose design
/// has no indices (grid, lhs), missing or malformed files, and a missing or failing gnuplot (leaving no
/// file).
std::string plot_indices(const PlotStudyOptions& options);

/// Draws DIR/scatter.<format> and returns its path: one panel per (metric, parameter), metrics in rows and
/// parameters in columns, for any sweep with design.csv and summary.csv (the figure of grid and LHS designs).
/// Default metrics as for plot_indices. Throws InputError for a bad format, an unknown metric, a meta.json
/// without its parameters' ranges, a design.csv without a parameter's column, a summary.csv without a
/// metric's mean at a design point, other missing or malformed files, and a missing or failing gnuplot
/// (leaving no file).
std::string plot_scatter(const PlotStudyOptions& options);

/// The figure of a sweep, as `hedgesim plot DIR` draws it: plot_indices for Morris and Sobol designs
/// (indices.csv), plot_scatter for grid and LHS designs. Returns the path written.
std::string plot_sweep(const PlotStudyOptions& options);

/// Draws DIR/difference.<format> and returns its path. Default agents: every hedger of meta.json. Errors as
/// for plot_indices (an unknown agent, with a suggestion).
std::string plot_difference(const PlotStudyOptions& options);

/// The gnuplot script plot_indices() would run, writing the figure to `output`; the bars are inline data
/// blocks ($panel0, $panel1, ...), one row per parameter from the top of the panel down, whose first field
/// is the parameter's name. Reads the directory; runs nothing.
std::string indices_script(const PlotStudyOptions& options, const std::string& output);

/// The gnuplot script plot_scatter() would run. Its data: the inline block $points, one row per design point
/// "point value_1 ... value_P mean_1 ... mean_M" (parameters in meta.json's order, values in the model's
/// units from design.csv; the metrics drawn, means from summary.csv); for a grid also $levels<j>, one row per
/// level of parameter j "level mean_1 ... mean_M". Panel (i, j), introduced by the comment "# panel i j",
/// plots column 2 + j against column 2 + P + i. Reads the directory; runs nothing.
std::string scatter_script(const PlotStudyOptions& options, const std::string& output);

/// The gnuplot script plot_difference() would run (inline data blocks $panel<i>_<variable> of rows
/// "x mean q05 q95", x in days since 1970-01-01). Reads the directory; runs nothing.
std::string difference_script(const PlotStudyOptions& options, const std::string& output);

/// What `dir` holds, for `hedgesim plot DIR` to choose the figure: "run" (trajectory.csv), "sweep"
/// (indices.csv, or meta.json of kind "sweep"), "compare" (difference-over-time.csv, or meta.json of kind
/// "compare"). A "kind" in meta.json decides; without one, the files do. InputError if it is none of these.
std::string output_kind(const std::string& dir);

}  // namespace hedgesim::report
