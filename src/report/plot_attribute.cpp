// effects.png of an attribution: per metric, each event's Shapley value with its interval and its knock-out.
#include "report/plot_attribute.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "report/gnuplot.hpp"
#include "results/attribute_files.hpp"

namespace hedgesim::report {
namespace {

using namespace detail;

/// An event's name on the axis: its id, or "#k" and the start of its label.
std::string axis_label(const results::EventEffectRow& r) {
  return r.event.rfind('#', 0) == 0 ? shortened(r.event + " " + r.label, 44) : r.event;
}

}  // namespace

std::string attribute_script(const PlotStudyOptions& o, const std::string& output) {
  check_format(o.format);
  const results::AttributeMeta meta = results::read_attribute_meta(o.dir);
  const std::vector<results::EventEffectRow> rows =
      results::read_event_effects(path_in(o.dir, "event-effects.csv"));
  if (rows.empty())
    throw InputError({path_in(o.dir, "event-effects.csv"), 0, 0}, "the file has no events to draw");
  std::vector<std::string> metrics;
  std::map<std::string, std::vector<const results::EventEffectRow*>> by_metric;
  for (const results::EventEffectRow& r : rows) {
    if (!by_metric.count(r.metric)) metrics.push_back(r.metric);
    by_metric[r.metric].push_back(&r);
  }
  std::size_t drawn = 0;
  for (auto& [metric, list] : by_metric) {
    std::stable_sort(list.begin(), list.end(),
                     [](auto* a, auto* b) { return std::abs(a->shapley) > std::abs(b->shapley); });
    drawn = std::max(drawn, std::min(list.size(), kMaxEventsDrawn));
  }
  const int panels = static_cast<int>(metrics.size());
  const int panel_height = 90 + 24 * static_cast<int>(drawn);
  const int width = 1100, height = 130 + panels * panel_height;
  std::ostringstream s;
  s << "set terminal " << (o.format == "png" ? "pngcairo" : "svg") << " size " << width << "," << height
    << " noenhanced font 'Sans,10' background rgb 'white'\n";
  s << "set encoding utf8\nset output " << gp_string(output) << "\n";
  for (int m = 0; m < panels; ++m) {
    s << "$m" << m << " << EOD\n";
    const auto& list = by_metric[metrics[static_cast<std::size_t>(m)]];
    for (std::size_t i = 0; i < std::min(list.size(), kMaxEventsDrawn); ++i) {
      const results::EventEffectRow& r = *list[i];
      s << i << " " << num(r.shapley) << " " << num(r.shapley_low) << " " << num(r.shapley_high) << " "
        << num(r.knockout) << " \"" << axis_label(r) << "\"\n";
    }
    s << "EOD\n";
  }
  const double top = 1.0 - 90.0 / height, bottom = 40.0 / height;
  s << "set label 101 " << gp_string("hedgesim attribute: what each event did") << " at screen 0.5, screen "
    << num(1.0 - 22.0 / height) << " center font ',14'\n";
  s << "set label 102 "
    << gp_string(
           "bars: Shapley value (its average contribution over every order of the events) with its "
           "interval; red diamond: knock-out (all events minus all but this one)")
    << " at screen 0.5, screen " << num(1.0 - 46.0 / height) << " center font ',10'\n";
  s << "set label 103 " << gp_string(meta.provenance_line()) << " at screen 0.5, screen "
    << num(14.0 / height) << " center font ',9' tc rgb '#555555'\n";
  s << "set multiplot layout " << panels << ",1 margins 0.30,0.97," << num(bottom + 0.02) << "," << num(top)
    << " spacing 0,0.07\n";
  s << "set key off\nset grid xtics back lc rgb '#e0e0e0'\nset style fill solid 0.7 noborder\n";
  s << "set ytics nomirror font ',9'\nset xtics font ',8'\n";
  for (int m = 0; m < panels; ++m) {
    const auto& list = by_metric[metrics[static_cast<std::size_t>(m)]];
    const std::size_t n = std::min(list.size(), kMaxEventsDrawn);
    std::string title = metrics[static_cast<std::size_t>(m)];
    if (list.size() > n)
      title += " (the " + std::to_string(n) + " largest of " + std::to_string(list.size()) + " events)";
    s << "set title " << gp_string(title) << " font ',11'\n";
    s << "set yrange [" << num(static_cast<double>(n) - 0.5) << ":-0.5]\n";
    s << "set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb '#404040'\n";
    const std::string d = "$m" + std::to_string(m);
    s << "plot " << d
      << " using (($2<0)?$2/2:$2/2):1:(($2<0)?$2:0):(($2<0)?0:$2):($1-0.32):($1+0.32):ytic(6) "
         "with boxxyerror lc rgb '#5b8fd0', \\\n     "
      << d << " using 2:1:3:4 with xerrorbars pt -1 lw 1.2 lc rgb '#1f3f6f', \\\n     " << d
      << " using 5:1 with points pt 13 ps 1.1 lc rgb '#c03030'\n";
    s << "unset label 101\nunset label 102\nunset label 103\n";  // drawn with the first panel
  }
  s << "unset multiplot\nset output\n";
  return s.str();
}

std::string plot_attribute(const PlotStudyOptions& o) {
  return render(
      o.dir, figure_path(o.dir, "effects", o.format, o.out), o.format, o.gnuplot,
      [&](const std::filesystem::path&, const std::string& output) { return attribute_script(o, output); });
}

}  // namespace hedgesim::report
