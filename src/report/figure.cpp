#include "report/figure.hpp"

#include <filesystem>

#include "model/input_error.hpp"
#include "report/plot.hpp"
#include "report/plot_attribute.hpp"
#include "report/plot_calibration.hpp"
#include "report/plot_study.hpp"

namespace hedgesim::report {

std::string draw_figure(FigureOptions o) {
  const std::string kind = output_kind(o.dir);
  if (!o.out.empty()) {
    const std::string ext = std::filesystem::path(o.out).extension().string();
    if (ext != ".png" && ext != ".svg")
      throw InputError({"<command line>", 1, 0},
                       "--out '" + o.out + "' must end in .png or .svg (the figure's format)");
    o.format = ext.substr(1);
  }
  if (kind == "run") return plot({o.dir, o.agents, o.format, o.out, o.gnuplot, true});
  if (kind == "calibration") return plot_calibration({o.dir, {}, o.format, o.out, o.gnuplot});
  if (kind == "attribute") return plot_attribute({o.dir, {}, o.format, o.out, o.gnuplot});
  const PlotStudyOptions study{o.dir, kind == "sweep" ? o.metrics : o.agents, o.format, o.out, o.gnuplot};
  return kind == "sweep" ? plot_sweep(study) : plot_difference(study);
}

}  // namespace hedgesim::report
