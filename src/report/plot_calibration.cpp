// predictive.png of a calibration: observed series against prior and posterior predictive bands.
#include "report/plot_calibration.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "report/gnuplot.hpp"
#include "results/calibration_files.hpp"

namespace hedgesim::report {
namespace {

using namespace detail;

/// The rows of one panel (an indicator of one country), by year.
using Panel = std::map<int, std::vector<const results::PredictiveRow*>>;

/// One datablock per panel: year, prior q05, q95, posterior q05, q95, posterior mean (the fitted or held-out
/// row's bands; a year with only `alt` rows takes theirs), then the observed points by use.
void panel_data(std::ostringstream& s, const std::string& name, const Panel& panel) {
  s << "$" << name << " << EOD\n";
  for (const auto& [year, rows] : panel) {
    const auto main = std::find_if(rows.begin(), rows.end(), [](auto* r) { return r->use != "alt"; });
    const results::PredictiveRow& r = main == rows.end() ? *rows.front() : **main;
    s << year << " " << num(r.prior_q05) << " " << num(r.prior_q95) << " " << num(r.posterior_q05) << " "
      << num(r.posterior_q95) << " " << num(r.posterior_mean) << "\n";
  }
  s << "EOD\n";
  for (const char* use : {"fit", "held_out", "alt"}) {
    s << "$" << name << "_" << use << " << EOD\n";
    bool any = false;
    for (const auto& [year, rows] : panel)
      for (const auto* r : rows)
        if (r->use == use) {
          s << year << " " << num(r->observed) << "\n";
          any = true;
        }
    if (!any) s << "NaN NaN\n";  // an empty block would stop gnuplot's plot
    s << "EOD\n";
  }
}

}  // namespace

std::string calibration_script(const PlotStudyOptions& o, const std::string& output) {
  check_format(o.format);
  const results::CalibrationMeta meta = results::read_calibration_meta(o.dir);
  const std::vector<results::PredictiveRow> rows = results::read_predictive(path_in(o.dir, "predictive.csv"));
  if (rows.empty())
    throw InputError({path_in(o.dir, "predictive.csv"), 0, 0}, "the file has no observed rows to draw");
  std::vector<std::string> indicators, countries;
  std::map<std::pair<std::string, std::string>, Panel> panels;  // (indicator, country)
  int first = rows.front().year, last = rows.front().year;
  for (const results::PredictiveRow& r : rows) {
    if (std::find(indicators.begin(), indicators.end(), r.indicator) == indicators.end())
      indicators.push_back(r.indicator);
    if (std::find(countries.begin(), countries.end(), r.country) == countries.end())
      countries.push_back(r.country);
    panels[{r.indicator, r.country}][r.year].push_back(&r);
    first = std::min(first, r.year);
    last = std::max(last, r.year);
  }
  std::sort(countries.begin(), countries.end());
  const int columns = static_cast<int>(countries.size()), lines = static_cast<int>(indicators.size());
  const int width = std::max(900, 250 * columns), height = 120 + 230 * lines;
  std::ostringstream s;
  s << "set terminal " << (o.format == "png" ? "pngcairo" : "svg") << " size " << width << "," << height
    << " noenhanced font 'Sans,10' background rgb 'white'\n";
  s << "set encoding utf8\nset output " << gp_string(output) << "\n";
  int panel_no = 0;
  for (const auto& [key, panel] : panels)
    panel_data(s, "p" + std::to_string(panel_no++), panel);
  const double top = 1.0 - 100.0 / height, bottom = 40.0 / height;
  s << "set label 101 " << gp_string("hedgesim calibrate: " + meta.name) << " at screen 0.5, screen "
    << num(1.0 - 22.0 / height) << " center font ',14'\n";
  s << "set label 102 "
    << gp_string("observed: filled = fitted, open red = held out (after " + std::to_string(meta.fit_until) +
                 "), x = another source's figure")
    << " at screen 0.5, screen " << num(1.0 - 46.0 / height) << " center font ',10'\n";
  s << "set label 104 "
    << gp_string(
           "bars: 5–95 % predictive band of the expected value, grey = prior, blue = posterior (line: its "
           "mean)")
    << " at screen 0.5, screen " << num(1.0 - 64.0 / height) << " center font ',10'\n";
  s << "set label 103 " << gp_string(meta.provenance_line()) << " at screen 0.5, screen "
    << num(14.0 / height) << " center font ',9' tc rgb '#555555'\n";
  s << "set multiplot layout " << lines << "," << columns << " margins 0.06,0.98," << num(bottom + 0.04)
    << "," << num(top) << " spacing 0.05,0.09\n";
  s << "set xrange [" << first - 0.5 << ":" << last + 0.5
    << "]\nset xtics 2 font ',8'\nset ytics font ',8'\n";
  s << "set key off\nset grid ytics back lc rgb '#e0e0e0'\n";
  s << "set arrow 1 from " << meta.fit_until + 0.5 << ", graph 0 to " << meta.fit_until + 0.5
    << ", graph 1 nohead dt 2 lc rgb '#808080'\n";
  for (const std::string& indicator : indicators)
    for (const std::string& country : countries) {
      const auto it = panels.find({indicator, country});
      if (it == panels.end()) {
        s << "set multiplot next\n";  // no row of this indicator for this country: an empty cell
        continue;
      }
      s << "set title " << gp_string(country + ": " + indicator) << " font ',9'\n";
      const std::string p = "$p" + std::to_string(std::distance(panels.begin(), it));
      s << "plot " << p
        << " using ($1-0.12):2:(0):($3-$2) with vectors nohead lw 5 lc rgb '#b0b0b0', \\\n     " << p
        << " using ($1+0.12):4:(0):($5-$4) with vectors nohead lw 5 lc rgb '#5b8fd0', \\\n     " << p
        << " using ($1+0.12):6 with lines lw 1 lc rgb '#1f5fa8', \\\n     " << p
        << "_fit using 1:2 with points pt 7 ps 0.9 lc rgb '#000000', \\\n     " << p
        << "_held_out using 1:2 with points pt 6 ps 1.1 lw 1.5 lc rgb '#c03030', \\\n     " << p
        << "_alt using 1:2 with points pt 2 ps 0.8 lc rgb '#606060'\n";
      s << "unset label 101\nunset label 102\nunset label 103\nunset label 104\n";  // drawn with the first
                                                                                    // panel
    }
  s << "unset multiplot\nset output\n";
  return s.str();
}

std::string plot_calibration(const PlotStudyOptions& o) {
  return render(
      o.dir, figure_path(o.dir, "predictive", o.format, o.out), o.format, o.gnuplot,
      [&](const std::filesystem::path&, const std::string& output) { return calibration_script(o, output); });
}

}  // namespace hedgesim::report
