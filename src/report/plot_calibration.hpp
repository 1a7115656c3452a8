// The figure of a calibration (`hedgesim plot DIR` on the output of `hedgesim calibrate`): predictive.png, a
// panel per indicator (rows) and country (columns) with the observed values over the years — filled where
// the fit used them, open where they were held out, crosses for other sources kept for the record — the
// prior's and the posterior's 5-95 % predictive bands of the expected observation, the posterior mean, and a
// dashed line after the cut-off year. Read through results/calibration_files; drawn by gnuplot (render).
#pragma once

#include <string>

#include "report/plot_study.hpp"

namespace hedgesim::report {

/// The gnuplot script of predictive.<format> for the calibration in options.dir, writing to `output`
/// (for tests). InputError for a bad format or missing or malformed files.
std::string calibration_script(const PlotStudyOptions& options, const std::string& output);

/// Draws DIR/predictive.<format> (or options.out) and returns its path.
std::string plot_calibration(const PlotStudyOptions& options);

}  // namespace hedgesim::report
