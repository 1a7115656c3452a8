// The figure of an attribution (`hedgesim plot DIR` on the output of `hedgesim attribute`): effects.png, a
// panel per metric with one bar per event — its Shapley value with its interval — and its knock-out effect
// as a red diamond, events ordered by the size of their Shapley value (at most kMaxEventsDrawn, the rest
// counted in the panel's title). Read through results/attribute_files; drawn by gnuplot (render).
#pragma once

#include <string>

#include "report/plot_study.hpp"

namespace hedgesim::report {

/// Events drawn per panel: beyond, the smallest are left out and counted.
inline constexpr std::size_t kMaxEventsDrawn = 15;

/// The gnuplot script of effects.<format> for the attribution in options.dir, writing to `output` (for
/// tests). InputError for a bad format or missing or malformed files.
std::string attribute_script(const PlotStudyOptions& options, const std::string& output);

/// Draws DIR/effects.<format> (or options.out) and returns its path.
std::string plot_attribute(const PlotStudyOptions& options);

}  // namespace hedgesim::report
