// plot_indices, plot_scatter and plot_difference: read a sweep's or a comparison's output directory (a
// sweep's meta.json through results/sweep_meta.hpp for the scatter matrix), lay the panels out in pixels (as
// plot.cpp does, so that titles, the shared legend, value columns and the event table each get a strip of
// their own), and write one self-contained gnuplot script whose data are inline data blocks; the drawing
// itself is detail::render() (report/gnuplot.hpp), shared with plot.cpp.
#include "report/plot_study.hpp"
#include "report/gnuplot.hpp"
#include "report/poles.hpp"
#include "results/compare_files.hpp"
#include "results/compare_meta.hpp"
#include "results/run_files.hpp"
#include "results/run_meta.hpp"
#include "results/sweep_files.hpp"
#include "results/sweep_meta.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

#include "io/csv_reader.hpp"
#include "model/input_error.hpp"

namespace hedgesim::report {
namespace fs = std::filesystem;
namespace {

using namespace detail;

// ---- Files ------------------------------------------------------------------------------------------------

using results::require_file;

/// "3,584": large counts in titles.
std::string grouped(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string formatted(const char* format, double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least x (x > 0).
double nice_ceiling(double x) {
  const double p = std::pow(10.0, std::floor(std::log10(x)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/// The names asked for, checked against `known` (duplicates dropped, order kept); `option` and `what`
/// word the error ("--metrics", "a metric of this sweep").
std::vector<std::string> chosen_names(const std::vector<std::string>& requested,
                                      const std::vector<std::string>& known, std::string_view option,
                                      std::string_view what, std::string_view plural) {
  std::vector<std::string> chosen;
  for (const auto& name : requested) {
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw InputError(kCommandLine, std::string(option) + ": '" + name + "' is not " + std::string(what) +
                                         "; its " + std::string(plural) + " are " + join_quoted(known) +
                                         did_you_mean(name, known));
    if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) chosen.push_back(name);
  }
  return chosen;
}

// ---- Canvas and legend ------------------------------------------------------------------------------------

/// A rectangle in pixels, y growing downward from the top of the canvas.
struct Box {
  double left = 0, top = 0, right = 0, bottom = 0;
};

/// Writes the parts every figure shares: the terminal, labels placed in pixels, the legend strip, a panel's
/// frame.
class Canvas {
 public:
  Canvas(std::ostringstream& s, int width, int height) : s_(s), width_(width), height_(height) {}

  // Pixel coordinates as gnuplot's screen coordinates (0 ... 1, y upward).
  std::string sx(double px) const { return num(px / width_); }
  std::string sy(double py) const { return num(1.0 - py / height_); }
  std::string at(double x, double y) const { return " at screen " + sx(x) + ", screen " + sy(y); }

  void terminal(const std::string& format, const std::string& output) {
    const std::string size = std::to_string(width_) + "," + std::to_string(height_);
    s_ << "set terminal " << (format == "png" ? "pngcairo" : "svg") << " size " << size
       << " noenhanced font 'Sans,10' background rgb 'white'\n";
    s_ << "set encoding utf8\nset output " << gp_string(output) << "\n";
  }

  void label(const std::string& text, double x, double y, const char* align, int font_size,
             const char* color = "#000000") {
    s_ << "set label " << gp_string(text) << at(x, y) << " " << align << " font '," << font_size
       << "' tc rgb '" << color << "'\n";
  }

  /// Clears what the previous panel set and puts the plot area at `b`.
  void frame(const Box& b) {
    s_ << "\nunset label\nunset arrow\nunset object\nunset key\nunset title\nunset xlabel\nunset ylabel\n"
          "unset xzeroaxis\nunset yzeroaxis\n";
    s_ << "set lmargin at screen " << sx(b.left) << "\nset rmargin at screen " << sx(b.right)
       << "\nset tmargin at screen " << sy(b.top) << "\nset bmargin at screen " << sy(b.bottom) << "\n";
    s_ << "set border 15 lc rgb '#606060'\n";
  }

  enum class Swatch { line, band, bar, whisker, dashed, dotted };
  struct Entry {
    Swatch swatch;
    std::string color;
    std::string text;
  };

  /// The legend, drawn by hand on one centred row at height y: gnuplot's own key wraps to one panel.
  void legend(const std::vector<Entry>& entries, double y) {
    constexpr double kSwatch = 30, kGap = 8, kSpacing = 30, kCharWidth = 6.3;
    double width = 0;
    for (const auto& e : entries)
      width += kSwatch + kGap + kCharWidth * static_cast<double>(char_count(e.text)) + kSpacing;
    double x = (width_ - width + kSpacing) / 2;
    for (const auto& e : entries) {
      const std::string from = " from screen " + sx(x) + ", screen ",
                        to = " to screen " + sx(x + kSwatch) + ", screen ";
      switch (e.swatch) {
        case Swatch::band:
          s_ << "set object rect" << from << sy(y - 6) << to << sy(y + 6) << " fc rgb '" << e.color
             << "' fs transparent solid 0.22 noborder\n";
          break;
        case Swatch::bar:
          s_ << "set object rect" << from << sy(y - 5) << to << sy(y + 5) << " fc rgb '" << e.color
             << "' fs solid 1.0 noborder\n";
          break;
        case Swatch::whisker:
          s_ << "set arrow" << from << sy(y) << to << sy(y) << " heads size screen 0.004,90 lw 1.2 lc rgb '"
             << e.color << "'\n";
          break;
        default: {
          const char* dash = e.swatch == Swatch::dashed   ? " dt 2 lw 1.2"
                             : e.swatch == Swatch::dotted ? " dt 3 lw 1.4"
                                                          : " lw 2.2";
          s_ << "set arrow" << from << sy(y) << to << sy(y) << " nohead" << dash << " lc rgb '" << e.color
             << "'\n";
        }
      }
      label(e.text, x + kSwatch + kGap, y, "left", 10);
      x += kSwatch + kGap + kCharWidth * static_cast<double>(char_count(e.text)) + kSpacing;
    }
  }

 private:
  std::ostringstream& s_;
  int width_, height_;
};

/// Where the panels go: `columns` cells of equal width, each holding a plot area inset by the margins.
std::vector<Box> panel_grid(std::size_t panels, int columns, double width, double top, double cell_height,
                            const Box& inset) {
  std::vector<Box> out;
  const double cell_width = width / columns;
  for (std::size_t i = 0; i < panels; ++i) {
    const double x0 = cell_width * static_cast<double>(i % static_cast<std::size_t>(columns));
    const double y0 = top + cell_height * static_cast<double>(i / static_cast<std::size_t>(columns));
    out.push_back(
        {x0 + inset.left, y0 + inset.top, x0 + cell_width - inset.right, y0 + cell_height - inset.bottom});
  }
  return out;
}

// ---- Sensitivity indices ----------------------------------------------------------------------------------

constexpr std::size_t kDefaultPanels = 6;

struct Estimate {
  double value = 0, lo = 0, hi = 0;
};

struct Sweep {
  std::string dir, meta_file, indices_file;
  results::SweepMeta meta;
  std::string design;                   // "sobol" or "morris"
  std::vector<std::string> parameters;  // meta.json's order, then any others in the order of indices.csv
  std::vector<std::string> metrics;     // those with indices, meta.json's order first
  // metric -> parameter -> index ("ST", "mu_star", ...) -> estimate
  std::map<std::string, std::map<std::string, std::map<std::string, Estimate>>> rows;
  bool has_s2 = false;
};

/// The two indices drawn for a design: the first sorts the bars.
struct IndexPair {
  const char* primary;
  const char* secondary;
};

/// The S1 estimator a legend names (meta.json's s1_estimator; older files do not record it).
std::string s1_source(const std::string& estimator) {
  if (estimator == "saltelli2010") return "; Saltelli 2010";
  if (estimator == "janon2014") return "; Janon 2014";
  return "";
}

IndexPair index_pair(const std::string& design) {
  return design == "morris" ? IndexPair{"mu_star", "sigma"} : IndexPair{"ST", "S1"};
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

/// indices.csv is missing: say why when the directory says so (a grid or LHS sweep, or no sweep at all).
[[noreturn]] void no_indices(const std::string& dir, const std::string& file) {
  std::string kind;
  try {
    kind = output_kind(dir);
  } catch (const InputError&) {
  }
  if (kind == "sweep" && fs::exists(path_in(dir, "meta.json"))) {
    std::string design;
    try {
      design = results::read_sweep_meta(dir).design;
    } catch (const InputError&) {  // a meta.json we cannot read says nothing about the design
    }
    if (!design.empty() && design != "sobol" && design != "morris")
      throw InputError({file, 0, 0}, "no such file: the sweep's design is '" + design +
                                         "', which has no sensitivity indices; only Morris and Sobol designs "
                                         "have them; `hedgesim plot " +
                                         dir + "` draws its metrics against its parameters (scatter.png)");
  }
  if (kind == "run" || kind == "compare")
    throw InputError({dir, 0, 0},
                     "this is the output of `hedgesim " + kind +
                         "`, not of a sweep; sensitivity indices come from `hedgesim sweep` with a "
                         "Morris or Sobol design");
  require_file(file, "hedgesim sweep");  // throws: the file is missing
  throw InputError({file, 0, 0}, "cannot read this file");
}

Sweep read_sweep(const std::string& dir) {
  Sweep s;
  s.dir = dir;
  s.indices_file = path_in(dir, "indices.csv");
  s.meta_file = path_in(dir, "meta.json");
  if (!fs::exists(s.indices_file)) no_indices(dir, s.indices_file);
  s.meta = results::read_sweep_meta(dir);
  s.design = s.meta.design;
  if (!s.design.empty() && s.design != "sobol" && s.design != "morris")
    throw InputError({s.meta_file, 0, 0}, "the sweep's design is '" + s.design +
                                              "', which has no sensitivity indices; only Morris and Sobol "
                                              "designs have them");
  for (const results::SweepParameter& p : s.meta.parameters)
    add_unique(s.parameters, p.name);
  std::vector<std::string> meta_metrics;
  for (const std::string& m : s.meta.metrics)
    add_unique(meta_metrics, m);

  bool sobol = false, morris = false;
  std::vector<std::string> csv_metrics;
  for (const results::IndexRow& r : results::read_indices(s.indices_file)) {
    if (r.index == "S2") {
      s.has_s2 = true;
      continue;
    }
    (r.index == "S1" || r.index == "ST" ? sobol : morris) = true;
    auto& cell = s.rows[r.metric][r.parameter];
    if (cell.count(r.index))
      throw InputError({s.indices_file, r.where.line, 1}, "a second row for index '" + r.index +
                                                              "' of parameter '" + r.parameter +
                                                              "' and metric '" + r.metric + "'");
    cell[r.index] = {r.value, r.ci_low, r.ci_high};
    add_unique(csv_metrics, r.metric);
    add_unique(s.parameters, r.parameter);
  }
  if (sobol && morris)
    throw InputError({s.indices_file, 0, 0},
                     "the file mixes Sobol (S1, ST) and Morris (mu, mu_star, sigma) indices");
  if (!sobol && !morris)
    throw InputError({s.indices_file, 0, 0},
                     "the file has no S1, ST (Sobol) or mu_star, sigma (Morris) rows");
  const std::string found = sobol ? "sobol" : "morris";
  if (!s.design.empty() && s.design != found)
    throw InputError({s.indices_file, 0, 0}, "meta.json says the design is '" + s.design +
                                                 "' but the file holds " + (sobol ? "Sobol" : "Morris") +
                                                 " indices");
  s.design = found;
  for (const auto& m : meta_metrics)
    if (s.rows.count(m)) s.metrics.push_back(m);
  for (const auto& m : csv_metrics)
    add_unique(s.metrics, m);
  return s;
}

struct Bar {
  std::string parameter;
  Estimate primary, secondary;
};

struct IndexPanel {
  std::string metric;
  std::vector<Bar> bars;  // from the top of the panel down: by the primary index, largest first
  bool flat = false;      // every estimate and bound is 0: the metric did not vary
};

std::vector<IndexPanel> index_panels(const Sweep& s, const std::vector<std::string>& metrics) {
  const IndexPair pair = index_pair(s.design);
  std::vector<IndexPanel> panels;
  for (const auto& metric : metrics) {
    IndexPanel p{metric, {}, true};
    const auto& by_param = s.rows.at(metric);
    for (const auto& param : s.parameters) {
      const auto it = by_param.find(param);
      if (it == by_param.end()) continue;
      for (const char* index : {pair.primary, pair.secondary})
        if (!it->second.count(index))
          throw InputError({s.indices_file, 0, 0}, "metric '" + metric + "' has no '" + index +
                                                       "' row for parameter '" + param + "'");
      p.bars.push_back({param, it->second.at(pair.primary), it->second.at(pair.secondary)});
    }
    for (const auto& b : p.bars)
      for (const Estimate& e : {b.primary, b.secondary})
        if (e.value != 0 || e.lo != 0 || e.hi != 0) p.flat = false;
    std::stable_sort(p.bars.begin(), p.bars.end(), [](const Bar& a, const Bar& b) {
      if (a.primary.value != b.primary.value) return a.primary.value > b.primary.value;
      return a.secondary.value > b.secondary.value;
    });
    panels.push_back(std::move(p));
  }
  return panels;
}

struct IndicesLayout {
  int width = 0, height = 0, columns = 1;
  std::vector<Box> areas;
};

constexpr double kIndicesHeader = 112;    // title, subtitle, how to read the bars and legend
constexpr double kNoteLine = 16;          // one more line for notes (metrics left out, S2)
constexpr double kBarRow = 24;            // one parameter: two bars
constexpr double kIndexPanelTop = 34;     // the panel's title
constexpr double kIndexPanelBottom = 50;  // tick labels and the axis caption
constexpr double kValueColumn = 50;       // the primary index's value, right of the plot area

IndicesLayout indices_layout(const std::vector<IndexPanel>& panels, double header) {
  IndicesLayout l;
  l.columns = panels.size() == 1 ? 1 : 2;
  l.width = l.columns == 1 ? 1000 : 1200;
  std::size_t rows = 0, longest = 0;
  for (const auto& p : panels) {
    rows = std::max(rows, p.bars.size());
    for (const auto& b : p.bars)
      longest = std::max(longest, char_count(b.parameter));
  }
  // About 6.2 px per character of the 9 pt tick labels.
  const double left =
      std::clamp(6.2 * static_cast<double>(std::min<std::size_t>(longest, 36)) + 22, 90.0, 260.0);
  const double plot_height = std::max(120.0, kBarRow * static_cast<double>(rows));
  const double cell = kIndexPanelTop + plot_height + kIndexPanelBottom;
  l.areas = panel_grid(panels.size(), l.columns, l.width, header, cell,
                       {left, kIndexPanelTop, kValueColumn + 14, kIndexPanelBottom});
  const std::size_t grid_rows =
      (panels.size() + static_cast<std::size_t>(l.columns) - 1) / static_cast<std::size_t>(l.columns);
  l.height = static_cast<int>(header + cell * static_cast<double>(grid_rows) + 8);
  return l;
}

/// The x range of Sobol panels, shared so that the bars compare across metrics: [0, 1] widened to show
/// negative estimates and totals above 1 (sampling error), within [-0.3, 1.3].
std::pair<double, double> sobol_range(const std::vector<IndexPanel>& panels) {
  double lo = 0, hi = 1;
  for (const auto& p : panels)
    for (const auto& b : p.bars)
      for (const Estimate& e : {b.primary, b.secondary}) {
        lo = std::min({lo, e.value, e.lo});
        hi = std::max({hi, e.value, e.hi});
      }
  return {std::max(-0.3, std::floor(lo * 10 - 1e-9) / 10), std::min(1.3, std::ceil(hi * 10 - 1e-9) / 10)};
}

std::pair<double, double> morris_range(const IndexPanel& p) {
  double hi = 0;
  for (const auto& b : p.bars)
    for (const Estimate& e : {b.primary, b.secondary})
      hi = std::max({hi, e.value, e.hi});
  return {0.0, hi > 0 ? nice_ceiling(hi * 1.04) : 1.0};
}

/// The value column's format: Sobol indices (shares) with two decimals; Morris effects (the metric's units)
/// with as many decimals as give the panel's largest value three significant digits, so the column aligns.
std::string value_format(const std::string& design, const IndexPanel& p) {
  if (design == "sobol") return "%.2f";
  double top = 0;
  for (const auto& b : p.bars)
    top = std::max(top, std::abs(b.primary.value));
  const int decimals = top > 0 ? std::clamp(2 - static_cast<int>(std::floor(std::log10(top))), 0, 8) : 2;
  return "%." + std::to_string(decimals) + "f";
}

/// The metrics asked for, or the first six of `metrics` with a note saying so; shared by the indices and the
/// scatter matrix of a sweep.
std::vector<std::string> chosen_metrics(const std::vector<std::string>& metrics,
                                        const std::vector<std::string>& requested, std::string& note) {
  if (!requested.empty())
    return chosen_names(requested, metrics, "--metrics", "a metric of this sweep", "metrics");
  std::vector<std::string> out(metrics.begin(), metrics.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                      kDefaultPanels, metrics.size())));
  if (metrics.size() > out.size())
    note = "The first " + std::to_string(out.size()) + " of " + std::to_string(metrics.size()) +
           " metrics; choose others with --metrics.";
  return out;
}

std::string build_indices_script(const Sweep& s, const std::vector<IndexPanel>& panels,
                                 const std::string& note, const std::string& format,
                                 const std::string& output) {
  const bool sobol = s.design == "sobol";
  const double header = kIndicesHeader + (note.empty() ? 0 : kNoteLine);
  const IndicesLayout l = indices_layout(panels, header);
  std::ostringstream out;
  Canvas c(out, l.width, l.height);
  c.terminal(format, output);

  // The data: one block per panel, one row per bar pair from the top down.
  //   name, y, primary value lo hi, secondary value lo hi
  for (std::size_t i = 0; i < panels.size(); ++i) {
    out << "$panel" << i << " << EOD\n";
    const auto& bars = panels[i].bars;
    for (std::size_t r = 0; r < bars.size(); ++r) {
      const Bar& b = bars[r];
      std::string quoted = b.parameter;
      std::replace(quoted.begin(), quoted.end(), '"', '\'');
      out << '"' << quoted << "\" " << bars.size() - 1 - r << " " << num(b.primary.value) << " "
          << num(b.primary.lo) << " " << num(b.primary.hi) << " " << num(b.secondary.value) << " "
          << num(b.secondary.lo) << " " << num(b.secondary.hi) << "\n";
    }
    out << "EOD\n";
  }
  out << "set multiplot\n";

  // Header: title, what was run, how to read the bars, legend; written after the first panel's frame, which
  // clears the labels.
  std::ostringstream header_text;
  Canvas h(header_text, l.width, l.height);
  const long long runs = s.meta.runs, points = s.meta.points, replicates = s.meta.replicates,
                  samples = s.meta.samples, bootstrap = s.meta.bootstrap;
  const double confidence = s.meta.confidence;
  const std::string& name = s.meta.experiment_name;
  h.label("hedgesim sweep: " + name, l.width / 2.0, 22, "center", 14);
  std::string what = sobol ? "Sobol sensitivity indices" : "Morris elementary effects";
  if (samples > 0) what += ", " + grouped(samples) + (sobol ? " base samples" : " trajectories");
  if (points > 0 && replicates > 0)
    what += ": " + grouped(points) + " design points × " + grouped(replicates) + " replicates";
  if (runs > 0) what += " = " + grouped(runs) + " runs";
  h.label(what, l.width / 2.0, 44, "center", 11);
  const std::string ci = formatted("%g", confidence * 100) + " % bootstrap interval" +
                         (bootstrap > 0 ? " (" + grouped(bootstrap) + " resamples)" : "");
  h.label(
      sobol ? "Parameters sorted by the total index ST: the share of the metric's variance the parameter "
              "accounts for, alone and in interactions."
            : "Parameters sorted by μ*: the mean absolute change in the metric for a step in the parameter, "
              "in the metric's units.",
      l.width / 2.0, 64, "center", 9, "#555555");
  if (!note.empty()) h.label(note, l.width / 2.0, 64 + kNoteLine, "center", 9, "#555555");
  const char* kPrimary = "#1f5fa8";
  const char* kSecondary = sobol ? "#8fbbe6" : "#d9731a";
  h.legend({{Canvas::Swatch::bar, kPrimary,
             sobol ? "ST: total effect (alone and in interactions)" : "μ*: mean |elementary effect|"},
            {Canvas::Swatch::bar, kSecondary,
             sobol ? "S1: first-order effect (alone" + s1_source(s.meta.s1_estimator) + ")"
                   : "σ: spread of the effects (non-linearity, interactions)"},
            {Canvas::Swatch::whisker, "#303030", ci}},
           header - 20);

  const auto shared = sobol_range(panels);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const IndexPanel& p = panels[i];
    const Box& b = l.areas[i];
    const auto [x_lo, x_hi] = sobol ? shared : morris_range(p);
    const std::size_t n = p.bars.size();
    c.frame(b);
    if (i == 0) out << header_text.str();
    c.label(p.metric, b.left, b.top - 14, "left", 11);
    c.label(sobol ? "ST" : "μ*", b.right + 8, b.top - 8, "left", 9, "#555555");
    out << "set xrange [" << num(x_lo) << ":" << num(x_hi)
        << "]\nset yrange [-0.6:" << num(static_cast<double>(n) - 0.4) << "]\n";
    out << "set xtics autofreq out nomirror scale 0.6 font ',9'\nset mxtics default\n";
    out << "set ytics (";
    for (std::size_t r = 0; r < n; ++r)
      out << (r ? ", " : "") << gp_string(shortened(p.bars[r].parameter, 36)) << " " << n - 1 - r;
    out << ") scale 0 nomirror font ',9'\n";
    out << "set grid xtics lc rgb '#e6e6e6' lw 1 dt 1\n";
    out << "set xlabel "
        << gp_string(sobol ? "share of the metric's variance"
                           : "change in the metric per step of the parameter (metric's units)")
        << " font ',9' tc rgb '#555555' offset 0,0.4\n";
    if (x_lo < 0) out << "set yzeroaxis lt 1 lc rgb '#808080' lw 1\n";
    // The primary index's value, in a column right of the plot area; every other row shaded, to lead the
    // eye from a name to its bars.
    const std::string format_of_values = value_format(s.design, p);
    for (std::size_t r = 0; r < n; ++r) {
      const double y = static_cast<double>(n - 1 - r);
      out << "set label " << gp_string(formatted(format_of_values.c_str(), p.bars[r].primary.value))
          << " at screen " << c.sx(b.right + 8) << ", first " << num(y)
          << " left font ',8' tc rgb '#404040'\n";
      if (r % 2 == 1)
        out << "set object rect from graph 0, first " << num(y - 0.5) << " to graph 1, first " << num(y + 0.5)
            << " behind fc rgb '#f3f3f3' fs solid 1.0 noborder\n";
    }
    if (p.flat)
      out << "set label " << gp_string("The metric did not vary: every index is 0.")
          << " at graph 0.5, graph 0.5 center font ',10' tc rgb '#a03030' front\n";
    // Primary bar above the row's centre, secondary below; a whisker on each.
    const auto bar = [&](int first, const char* dy, const char* color) {
      const std::string v = "$" + std::to_string(first), y = "($2" + std::string(dy) + ")";
      return "$panel" + std::to_string(i) + " using (" + v + "/2):" + y + ":(" + v + "<0?" + v + ":0):(" + v +
             "<0?0:" + v + "):($2" + dy + "-0.17):($2" + dy +
             "+0.17) with boxxyerror fs solid 1.0 noborder fc rgb '" + color + "' notitle, \\\n     $panel" +
             std::to_string(i) + " using " + std::to_string(first) + ":" + y + ":" +
             std::to_string(first + 1) + ":" + std::to_string(first + 2) +
             " with xerrorbars pt 7 ps 0 lw 1 lc rgb '#303030' notitle";
    };
    out << "set errorbars 0.5\n";
    out << "plot " << bar(3, "+0.19", kPrimary) << ", \\\n     " << bar(6, "-0.19", kSecondary) << "\n";
  }
  out << "unset multiplot\nset output\n";
  return out.str();
}

/// The caption's word on Sobol' estimates outside [0, 1] among the metrics drawn: a variance share cannot be
/// there, so a reader must not take an S1 below 0 or an ST above 1 for an effect (indices.csv's `note`).
std::string sobol_noise_note(const Sweep& s, const std::vector<std::string>& metrics) {
  int outside = 0;
  for (const std::string& metric : metrics)
    for (const auto& [param, cell] : s.rows.at(metric))
      for (const auto& [index, e] : cell)
        if ((index == "S1" || index == "ST") && (e.value < 0.0 || e.value > 1.0)) ++outside;
  if (outside == 0) return "";
  return std::to_string(outside) + (outside == 1 ? " estimate lies" : " estimates lie") +
         " outside [0, 1] (S1 < 0 or ST > 1): estimator noise, not an effect (indices.csv, note).";
}

std::string indices_script_for(const PlotStudyOptions& o, const std::string& output) {
  check_format(o.format);
  const Sweep s = read_sweep(o.dir);
  std::string note;
  const std::vector<std::string> metrics = chosen_metrics(s.metrics, o.select, note);
  if (s.has_s2) note += (note.empty() ? "" : " ") + std::string("Second-order indices S2: indices.csv.");
  const std::string noise = sobol_noise_note(s, metrics);
  if (!noise.empty()) note += (note.empty() ? "" : " ") + noise;
  return build_indices_script(s, index_panels(s, metrics), note, o.format, output);
}

// ---- Difference over time ---------------------------------------------------------------------------------

struct AgentInfo {
  std::string id, name, kind;
};

struct MarkedEvent {
  Date date;
  std::string label, actor;
  char scenario = 'A';  // the scenario that has it and the other lacks
  int number = 0;
};

struct Comparison {
  std::string dir, meta_file, data_file;
  std::string a_name, b_name, a_path, b_path;
  long long replicates = -1;
  std::string provenance;         ///< CompareMeta::provenance_line, printed at the figure's foot
  std::vector<AgentInfo> agents;  // meta.json's, or those of the data when it has none
  std::vector<MarkedEvent> events;
};

Comparison read_comparison(const std::string& dir) {
  Comparison c;
  c.dir = dir;
  c.meta_file = path_in(dir, "meta.json");
  c.data_file = path_in(dir, "difference-over-time.csv");
  if (!fs::exists(c.data_file)) {
    std::string kind;
    try {
      kind = output_kind(dir);
    } catch (const InputError&) {
    }
    if (kind == "run" || kind == "sweep")
      throw InputError({dir, 0, 0},
                       "this is the output of `hedgesim " + kind +
                           "`, not of a comparison; differences over time come from `hedgesim compare`");
    require_file(c.data_file, "hedgesim compare");
  }
  const results::CompareMeta meta = results::read_compare_meta(dir);
  c.a_name = meta.a_name;
  c.b_name = meta.b_name;
  c.a_path = meta.a_path;
  c.b_path = meta.b_path;
  c.replicates = meta.replicates;
  c.provenance = meta.provenance_line();
  for (const results::RunAgent& a : meta.agents)
    c.agents.push_back({a.id, a.name, a.kind});
  for (const results::OneSidedEvent& e : meta.events)
    c.events.push_back({e.date, e.label, e.actor, e.scenario, 0});
  return c;
}

struct DiffPoint {
  double x = 0, mean = 0, lo = 0, hi = 0;
};
using DiffCurve = std::map<long long, DiffPoint>;                            // by step
using DiffCurves = std::map<std::string, std::map<std::string, DiffCurve>>;  // agent, variable

const char* const kDiffVariables[] = {"signal", "substance"};

/// The signal and substance rows of every agent, and the agents in the order they first appear.
DiffCurves read_differences(const std::string& file, std::vector<std::string>& agents_in_data) {
  DiffCurves curves;
  for (const results::TimeDifferenceRow& r : results::read_time_differences(file)) {
    add_unique(agents_in_data, r.agent);
    if (r.variable != kDiffVariables[0] && r.variable != kDiffVariables[1]) continue;
    curves[r.agent][r.variable][r.step] = {static_cast<double>(r.date.days), r.mean, r.q05, r.q95};
  }
  return curves;
}

std::vector<AgentInfo> chosen_agents(const Comparison& c, const DiffCurves& curves,
                                     const std::vector<std::string>& agents_in_data,
                                     const std::vector<std::string>& requested) {
  std::vector<AgentInfo> known = c.agents;
  for (const auto& id : agents_in_data)
    if (std::none_of(known.begin(), known.end(), [&](const AgentInfo& a) { return a.id == id; }))
      known.push_back({id, id, ""});
  std::vector<std::string> with_data;
  for (const auto& a : known)
    if (curves.count(a.id)) with_data.push_back(a.id);
  std::vector<AgentInfo> out;
  if (requested.empty()) {
    for (const auto& a : known)
      if (a.kind == "hedger" && curves.count(a.id)) out.push_back(a);
    if (out.empty())
      for (const auto& a : known)
        if (curves.count(a.id)) out.push_back(a);
    if (out.empty())
      throw InputError({c.data_file, 0, 0},
                       "the file has no signal or substance rows; is the comparison complete?");
    return out;
  }
  std::vector<std::string> ids;
  for (const auto& a : known)
    ids.push_back(a.id);
  for (const auto& id : chosen_names(requested, ids, "--agents", "an agent of this comparison", "agents")) {
    if (!curves.count(id))
      throw InputError(kCommandLine, "--agents: '" + id + "' has no differences over time in " + c.data_file +
                                         "; agents with some: " + join_quoted(with_data));
    out.push_back(*std::find_if(known.begin(), known.end(), [&](const AgentInfo& a) { return a.id == id; }));
  }
  return out;
}

struct DiffLayout {
  int width = 0, height = 0, columns = 1;
  std::vector<Box> areas;
  Box table;
  std::size_t table_rows = 0;
};

constexpr double kDiffHeader = 122;  // title, scenarios, note and legend
constexpr double kDiffPanelHeight = 300;
constexpr double kDiffPanelTop = 54;     // panel title and two rows of event numbers
constexpr double kDiffPanelBottom = 40;  // date labels
constexpr double kDiffPanelLeft = 84;    // value labels and the axis caption
constexpr double kDiffPanelRight = 48;
constexpr double kTableLine = 18;
constexpr double kTableHead = 40;
constexpr std::size_t kTableMax = 24;  // events listed; more are summarised in one line

constexpr double kDiffFooter = 22;  // the provenance line

DiffLayout diff_layout(std::size_t panels, std::size_t events) {
  DiffLayout l;
  l.columns = panels == 1 ? 1 : 2;
  l.width = l.columns == 1 ? 1000 : 1200;
  l.areas = panel_grid(panels, l.columns, l.width, kDiffHeader, kDiffPanelHeight,
                       {kDiffPanelLeft, kDiffPanelTop, kDiffPanelRight, kDiffPanelBottom});
  const std::size_t rows =
      (panels + static_cast<std::size_t>(l.columns) - 1) / static_cast<std::size_t>(l.columns);
  const double table_top = kDiffHeader + kDiffPanelHeight * static_cast<double>(rows);
  l.table_rows = std::min(events, kTableMax) + (events > kTableMax ? 1 : 0);
  const double table_height =
      events == 0 ? 0 : kTableHead + kTableLine * static_cast<double>(l.table_rows) + 10;
  l.table = {24, table_top, static_cast<double>(l.width) - 24, table_top + table_height};
  l.height = static_cast<int>(table_top + table_height + 8 + kDiffFooter);
  return l;
}

struct VarStyle {
  const char* color;
  const char* caption;
};

VarStyle diff_style(std::string_view variable) {
  if (variable == "signal") return {"#1f5fa8", "signal, A − B"};
  return {"#d9731a", "substance, A − B"};
}

std::string build_difference_script(const Comparison& c, const std::vector<AgentInfo>& agents,
                                    const DiffCurves& curves, const std::string& format,
                                    const std::string& output) {
  // The common x range, and a symmetric y range shared by the panels so that their differences compare.
  double x_min = 0, x_max = 0, extent = 0;
  bool have_x = false;
  for (const auto& a : agents)
    for (const auto& [var, curve] : curves.at(a.id))
      for (const auto& [step, v] : curve) {
        x_min = have_x ? std::min(x_min, v.x) : v.x;
        x_max = have_x ? std::max(x_max, v.x) : v.x;
        have_x = true;
        extent = std::max({extent, std::abs(v.mean), std::abs(v.lo), std::abs(v.hi)});
      }
  if (x_max <= x_min) x_max = x_min + 1;
  const double y_lim = extent > 0 ? nice_ceiling(extent * 1.08) : 0.1;
  std::vector<MarkedEvent> events;
  for (const auto& e : c.events)
    if (e.date.days >= x_min && e.date.days <= x_max) events.push_back(e);
  for (std::size_t i = 0; i < events.size(); ++i)
    events[i].number = static_cast<int>(i + 1);
  const bool a_events =
      std::any_of(events.begin(), events.end(), [](const MarkedEvent& e) { return e.scenario == 'A'; });
  const bool b_events =
      std::any_of(events.begin(), events.end(), [](const MarkedEvent& e) { return e.scenario == 'B'; });

  const DiffLayout l = diff_layout(agents.size(), events.size());
  std::ostringstream out;
  Canvas cv(out, l.width, l.height);
  cv.terminal(format, output);
  for (std::size_t i = 0; i < agents.size(); ++i)
    for (const char* var : kDiffVariables) {
      const auto it = curves.at(agents[i].id).find(var);
      if (it == curves.at(agents[i].id).end()) continue;
      out << "$panel" << i << "_" << var << " << EOD\n";
      for (const auto& [step, v] : it->second)
        out << num(v.x) << " " << num(v.mean) << " " << num(v.lo) << " " << num(v.hi) << "\n";
      out << "EOD\n";
    }
  out << "set multiplot\nset style fill transparent solid 0.22 noborder\n";

  // Header: title, the scenarios, how to read the figure, legend; written after the first frame.
  std::ostringstream header_text;
  Canvas h(header_text, l.width, l.height);
  std::string title = "A − B: " + c.a_name + " minus " + c.b_name;
  if (c.replicates > 0)
    title += ", " + grouped(c.replicates) + " paired replicate" + (c.replicates == 1 ? "" : "s");
  h.label(title, l.width / 2.0, 22, "center", 14);
  if (!c.a_path.empty() && !c.b_path.empty())
    h.label("A = " + c.a_path + ",  B = " + c.b_path, l.width / 2.0, 44, "center", 10);
  // A figure copied out of its directory still says which runs it shows and which program drew them.
  h.label(c.provenance, l.width - 12, l.height - 9, "right", 8, "#777777");
  const Poles poles = read_poles(c.dir);
  h.label(
      "Lines: the mean of A − B over the replicates (each pair run with the same random numbers); bands: "
      "5-95 "
      "% of the paired differences.",
      l.width / 2.0, 64, "center", 9, "#555555");
  std::vector<Canvas::Entry> legend = {
      {Canvas::Swatch::line, diff_style("signal").color, diff_style("signal").caption},
      {Canvas::Swatch::line, diff_style("substance").color, diff_style("substance").caption},
      {Canvas::Swatch::band, "#808080", "5-95 % of the paired differences"}};
  if (a_events) legend.push_back({Canvas::Swatch::dashed, "#707070", "event only in A"});
  if (b_events) legend.push_back({Canvas::Swatch::dotted, "#a04040", "event only in B"});
  h.legend(legend, kDiffHeader - 24);

  const std::vector<Tick> ticks =
      date_ticks(Date{static_cast<int>(x_min)}, Date{static_cast<int>(x_max)}, agents.size() == 1 ? 9 : 6);
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const Box& b = l.areas[i];
    cv.frame(b);
    if (i == 0) out << header_text.str();
    cv.label(agents[i].name == agents[i].id ? agents[i].id : agents[i].name + " (" + agents[i].id + ")",
             b.left, b.top - kDiffPanelTop + 16, "left", 11);
    out << "set xrange [" << num(x_min) << ":" << num(x_max) << "]\nset yrange [" << num(-y_lim) << ":"
        << num(y_lim) << "]\n";
    out << "set xtics (";
    for (std::size_t t = 0; t < ticks.size(); ++t)
      out << (t ? ", " : "") << gp_string(ticks[t].label) << " " << num(ticks[t].x);
    out << ") out nomirror scale 0.6 font ',9'\n";
    out << "set ytics " << num(y_lim / 2) << " nomirror font ',9' format '%g'\n";
    out << "set grid xtics ytics lc rgb '#e8e8e8' lw 1 dt 1\n";
    out << "set ylabel " << gp_string("← " + poles.rival_seat + "        " + poles.west_seats + " →")
        << " font ',9' tc rgb '#555555' offset 1,0\n";
    out << "set xzeroaxis lt 1 lc rgb '#505050' lw 1.2\n";
    // Markers: a line at each event's date, its number above the panel; numbers that would touch go up a row.
    std::map<int, std::pair<std::string, char>> by_day;
    for (const auto& e : events) {
      // Events of both scenarios on one day: drawn as A's.
      auto& [text, scenario] = by_day[e.date.days];
      scenario = text.empty() || e.scenario == 'A' ? e.scenario : scenario;
      text += (text.empty() ? "" : ",") + std::to_string(e.number);
    }
    double level_end[2] = {-1e9, -1e9};
    for (const auto& [day, marker] : by_day) {
      const double px = b.left + (day - x_min) / (x_max - x_min) * (b.right - b.left);
      const double half = 3.5 * static_cast<double>(marker.first.size()) + 3;
      const int level = level_end[0] > px - half && level_end[1] <= px - half ? 1 : 0;
      level_end[level] = px + half;
      const bool in_b = marker.second == 'B';
      out << "set arrow from first " << day << ", graph 0 to first " << day << ", graph 1 nohead back "
          << (in_b ? "dt 3 lw 1.4 lc rgb '#a04040'" : "dt 2 lw 1 lc rgb '#707070'") << "\n";
      out << "set label " << gp_string(marker.first) << " at first " << day << ", screen "
          << cv.sy(b.top - 8 - 13.0 * level) << " center font ',8' tc rgb '#404040'\n";
    }
    std::vector<std::string> items;
    for (const char* var : kDiffVariables) {
      if (!curves.at(agents[i].id).count(var)) continue;
      const std::string block = "$panel" + std::to_string(i) + "_" + var;
      const std::string color = std::string("'") + diff_style(var).color + "'";
      items.push_back(block + " using 1:3:4 with filledcurves fc rgb " + color + " notitle");
      items.push_back(block + " using 1:2 with lines lw 2.2 lc rgb " + color + " notitle");
    }
    out << "plot ";
    for (std::size_t k = 0; k < items.size(); ++k)
      out << (k ? ", \\\n     " : "") << items[k];
    out << "\n";
  }

  if (!events.empty()) {
    const Box& t = l.table;
    out << "\nunset label\nunset arrow\nunset object\nunset key\nunset xzeroaxis\nunset grid\nunset ylabel\n"
           "unset border\nunset xtics\nunset ytics\nset xrange [0:1]\nset yrange [0:1]\n";
    out << "set lmargin at screen 0\nset rmargin at screen 1\nset tmargin at screen " << cv.sy(t.top)
        << "\nset bmargin at screen " << cv.sy(t.bottom) << "\n";
    cv.label("Events that differ between A and B (dashed lines in the panels; the number marks the line)",
             t.left, t.top + 20, "left", 10);
    // About 6.4 px per character at 9 pt.
    const auto budget = static_cast<std::size_t>((t.right - t.left - 28 - 24) / 6.4);
    for (std::size_t k = 0; k < std::min(events.size(), kTableMax); ++k) {
      const MarkedEvent& e = events[k];
      const double y = t.top + kTableHead + kTableLine * static_cast<double>(k);
      const std::string before = format_date(e.date) + "   ";
      const std::string after = "   [" + (e.actor.empty() ? std::string() : e.actor + "; ") + "only in " +
                                (e.scenario == 'A' ? "A, " + c.a_name : "B, " + c.b_name) + "]";
      const std::size_t fixed = char_count(before) + char_count(after);
      cv.label(std::to_string(e.number), t.left + 18, y, "right", 9);
      cv.label(
          before + shortened(e.label, std::max<std::size_t>(12, budget > fixed ? budget - fixed : 0)) + after,
          t.left + 28, y, "left", 9);
    }
    if (events.size() > kTableMax)
      cv.label("… and " + std::to_string(events.size() - kTableMax) + " more (meta.json)", t.left + 28,
               t.top + kTableHead + kTableLine * static_cast<double>(kTableMax), "left", 9, "#555555");
    out << "plot NaN notitle\n";
  }
  out << "unset multiplot\nset output\n";
  return out.str();
}

std::string difference_script_for(const PlotStudyOptions& o, const std::string& output) {
  check_format(o.format);
  const Comparison c = read_comparison(o.dir);
  std::vector<std::string> agents_in_data;
  const DiffCurves curves = read_differences(c.data_file, agents_in_data);
  const std::vector<AgentInfo> agents = chosen_agents(c, curves, agents_in_data, o.select);
  return build_difference_script(c, agents, curves, o.format, output);
}

// ---- Scatter matrix of a sweep (grid, LHS) ----------------------------------------------------------------

/// A sweep's design points with the parameters' real values (design.csv) and, per metric drawn, each point's
/// mean over its replicates (summary.csv); points in design.csv's order.
struct SweepPoints {
  results::SweepMeta meta;
  std::vector<long long> ids;                        // the points' numbers
  std::vector<std::vector<double>> values;           // [point][parameter], parameters in meta.json's order
  std::map<std::string, std::vector<double>> means;  // metric -> [point]
};

struct Range {
  double lo = 0, hi = 1;
};

/// [lo, hi] with 5 % to spare on each side, so that the points at the ends of a range (a grid's first and
/// last levels) are not drawn on the frame; a single value gets a range around it.
Range padded(double lo, double hi) {
  if (hi <= lo) {
    const double half = lo != 0 ? std::abs(lo) * 0.05 : 0.5;
    return {lo - half, hi + half};
  }
  const double pad = (hi - lo) * 0.05;
  return {lo - pad, hi + pad};
}

/// The x range of parameter j: its range in meta.json (in the model's units), widened to any design value
/// outside it; the same in every panel of its column.
Range parameter_range(const SweepPoints& s, std::size_t j) {
  double lo = s.meta.parameters[j].min, hi = s.meta.parameters[j].max;
  for (const auto& v : s.values) {
    lo = std::min(lo, v[j]);
    hi = std::max(hi, v[j]);
  }
  return padded(lo, hi);
}

/// For a grid: at each level of parameter j, the mean of each metric's point means over the points at that
/// level. In a full factorial grid every level meets each combination of the other parameters' levels once,
/// so this is the parameter's main effect, the curve a reader looks for among the vertical stacks of points.
std::map<double, std::vector<double>> level_means(const SweepPoints& s, std::size_t j,
                                                  const std::vector<std::string>& metrics) {
  std::map<double, std::vector<double>> sums;
  std::map<double, int> counts;
  for (std::size_t p = 0; p < s.ids.size(); ++p) {
    auto& sum = sums[s.values[p][j]];
    sum.resize(metrics.size());
    for (std::size_t i = 0; i < metrics.size(); ++i)
      sum[i] += s.means.at(metrics[i])[p];
    ++counts[s.values[p][j]];
  }
  for (auto& [level, sum] : sums)
    for (double& v : sum)
      v /= counts[level];
  return sums;
}

std::string design_words(const std::string& design) {
  if (design == "grid") return "Full factorial grid";
  if (design == "lhs") return "Latin hypercube sample";
  if (design == "sobol") return "Saltelli sample (Sobol design)";
  if (design == "morris") return "Morris trajectories";
  return "Design";
}

struct ScatterLayout {
  int width = 0, height = 0;
  std::vector<Box> areas;  // row by row: a row per metric, a column per parameter
};

constexpr double kScatterHeader = 96;  // title, design, how to read the dots
constexpr double kScatterCell = 220;
constexpr double kScatterPanelTop = 12;
constexpr double kScatterPanelBottom = 46;  // tick labels and the parameter's name
constexpr double kScatterPanelLeft = 84;    // tick labels and the metric's name
constexpr double kScatterPanelRight = 16;
constexpr double kScatterFooter = 24;  // the provenance line
constexpr std::size_t kMaxLevelTicks = 7;

ScatterLayout scatter_layout(std::size_t metrics, std::size_t parameters, double header) {
  ScatterLayout l;
  const double cell_width = std::clamp(1500.0 / static_cast<double>(parameters), 240.0, 360.0);
  l.width = std::max(1000, static_cast<int>(cell_width * static_cast<double>(parameters)));
  l.areas = panel_grid(metrics * parameters, static_cast<int>(parameters), l.width, header, kScatterCell,
                       {kScatterPanelLeft, kScatterPanelTop, kScatterPanelRight, kScatterPanelBottom});
  l.height = static_cast<int>(header + kScatterCell * static_cast<double>(metrics) + kScatterFooter);
  return l;
}

/// $points: a row per design point: its number, each parameter's value, each metric's mean. For a grid also
/// $levels<j>: a row per level of parameter j: the level, each metric's mean at that level.
void write_scatter_data(std::ostringstream& out, const SweepPoints& s,
                        const std::vector<std::string>& metrics, bool grid) {
  out << "$points << EOD\n";
  for (std::size_t p = 0; p < s.ids.size(); ++p) {
    out << s.ids[p];
    for (double v : s.values[p])
      out << " " << num(v);
    for (const auto& m : metrics)
      out << " " << num(s.means.at(m)[p]);
    out << "\n";
  }
  out << "EOD\n";
  if (!grid) return;
  for (std::size_t j = 0; j < s.meta.parameters.size(); ++j) {
    out << "$levels" << j << " << EOD\n";
    for (const auto& [level, means] : level_means(s, j, metrics)) {
      out << num(level);
      for (double v : means)
        out << " " << num(v);
      out << "\n";
    }
    out << "EOD\n";
  }
}

/// The x tics of parameter j: at a grid's levels when there are few enough to label, else gnuplot's own.
std::string parameter_tics(const SweepPoints& s, std::size_t j, bool grid) {
  std::vector<double> levels;
  for (const auto& v : s.values)
    if (std::find(levels.begin(), levels.end(), v[j]) == levels.end()) levels.push_back(v[j]);
  std::sort(levels.begin(), levels.end());
  if (!grid || levels.size() > kMaxLevelTicks) return "set xtics autofreq out nomirror scale 0.6 font ',9'\n";
  std::string tics = "set xtics (";
  for (std::size_t k = 0; k < levels.size(); ++k)
    tics += (k ? ", " : "") + num(levels[k]);
  return tics + ") out nomirror scale 0.6 font ',9'\n";
}

/// The title, the design and how to read the dots (and a grid's line), centred above the panels.
void scatter_header(Canvas& h, const SweepPoints& s, const std::string& note, int width, bool grid) {
  h.label("hedgesim sweep: " + s.meta.experiment_name, width / 2.0, 22, "center", 14);
  std::string what =
      design_words(s.meta.design) + ": " + grouped(static_cast<long long>(s.ids.size())) + " design points";
  if (s.meta.replicates > 0) {
    what += " × " + grouped(s.meta.replicates) + " replicates";
    if (s.meta.runs > 0) what += " = " + grouped(s.meta.runs) + " runs";
  }
  h.label(what, width / 2.0, 44, "center", 11);
  const std::string over =
      s.meta.replicates > 0 ? "its " + grouped(s.meta.replicates) + " replicates" : "its replicates";
  h.label("Each dot is a design point: the metric's mean over " + over +
              ", at the value the parameter had there (in its own units, not the unit cube).",
          width / 2.0, 64, "center", 9, "#555555");
  double line = 64 + kNoteLine;
  if (grid) {
    h.label(
        "Orange line: the mean at each level of the parameter over all levels of the others (its main "
        "effect); dots on one vertical differ in the other parameters.",
        width / 2.0, line, "center", 9, "#555555");
    line += kNoteLine;
  }
  if (!note.empty()) h.label(note, width / 2.0, line, "center", 9, "#555555");
}

/// Panel (i, j): metric i against parameter j, after the canvas's frame(). `flat`: the metric did not vary.
void write_scatter_panel(std::ostringstream& out, const SweepPoints& s, const std::string& metric,
                         std::size_t i, std::size_t j, const Range& y, std::optional<double> flat,
                         bool grid) {
  const Range x = parameter_range(s, j);
  out << "set xrange [" << num(x.lo) << ":" << num(x.hi) << "]\nset yrange [" << num(y.lo) << ":" << num(y.hi)
      << "]\n";
  out << parameter_tics(s, j, grid) << "set format x '%g'\n";
  out << "set ytics autofreq out nomirror scale 0.6 font ',9'\nset format y '%g'\n";
  out << "set grid xtics ytics lc rgb '#e8e8e8' lw 1 dt 1\n";
  out << "set xlabel " << gp_string(shortened(s.meta.parameters[j].name, 40)) << " font ',9' offset 0,0.6\n";
  // The metric's name once per row, at its left: the panels of a row share the metric and its range.
  if (j == 0) out << "set ylabel " << gp_string(shortened(metric, 30)) << " font ',9' offset 1,0\n";
  if (flat)
    out << "set label " << gp_string("The metric did not vary: " + formatted("%g", *flat))
        << " at graph 0.5, graph 0.85 center font ',9' tc rgb '#a03030' front\n";
  const std::size_t n_par = s.meta.parameters.size();
  out << "plot $points using " << 2 + j << ":" << 2 + n_par + i
      << " with points pt 7 ps 0.7 lc rgb '#591f5fa8' notitle";
  if (grid)
    out << ", \\\n     $levels" << j << " using 1:" << 2 + i << " with lines lw 1.8 lc rgb '#d9731a' notitle";
  out << "\n";
}

std::string build_scatter_script(const SweepPoints& s, const std::vector<std::string>& metrics,
                                 const std::string& note, const std::string& format,
                                 const std::string& output) {
  // Points only, never joined in the order of the design: for an LHS that order is random, and for a grid a
  // line through a vertical stack of points says nothing. A grid gets a second series, the main effect
  // (level_means). No jitter either: the x values are the values the model ran with, and a grid's coinciding
  // points are told apart by their translucency, not by moving them.
  const bool grid = s.meta.design == "grid";
  const std::size_t n_par = s.meta.parameters.size();
  const double header = kScatterHeader + (grid ? kNoteLine : 0) + (note.empty() ? 0 : kNoteLine);
  const ScatterLayout l = scatter_layout(metrics.size(), n_par, header);
  std::ostringstream out;
  Canvas c(out, l.width, l.height);
  c.terminal(format, output);
  write_scatter_data(out, s, metrics, grid);
  out << "set multiplot\n";
  std::ostringstream header_text;
  Canvas h(header_text, l.width, l.height);
  scatter_header(h, s, note, l.width, grid);
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const std::vector<double>& means = s.means.at(metrics[i]);
    const auto [lowest, highest] = std::minmax_element(means.begin(), means.end());
    const std::optional<double> flat = *lowest == *highest ? std::optional(*lowest) : std::nullopt;
    for (std::size_t j = 0; j < n_par; ++j) {
      out << "\n# panel " << i << " " << j << ": metric " << i << " against parameter " << j << "\n";
      c.frame(l.areas[i * n_par + j]);  // clears the labels: the header goes with the first panel
      if (i == 0 && j == 0) out << header_text.str();
      if (i + 1 == metrics.size() && j + 1 == n_par)
        c.label(s.meta.provenance_line(), l.width - 12, l.height - 9, "right", 8, "#777777");
      write_scatter_panel(out, s, metrics[i], i, j, padded(*lowest, *highest), flat, grid);
    }
  }
  out << "unset multiplot\nset output\n";
  return out.str();
}

SweepPoints read_sweep_points(const std::string& dir, const PlotStudyOptions& o,
                              std::vector<std::string>& metrics, std::string& note) {
  SweepPoints s;
  s.meta = results::read_sweep_meta(dir);
  if (s.meta.parameters.empty())
    throw InputError({s.meta.file, 0, 0}, "the sweep has no parameters to draw its metrics against");
  if (s.meta.metrics.empty()) throw InputError({s.meta.file, 0, 0}, "the sweep has no metrics to draw");
  metrics = chosen_metrics(s.meta.metrics, o.select, note);
  std::vector<std::string> parameters;
  for (const auto& p : s.meta.parameters)
    parameters.push_back(p.name);
  results::DesignPoints design = results::read_design(path_in(dir, "design.csv"), parameters);
  s.ids = std::move(design.ids);
  s.values = std::move(design.values);
  s.means = results::read_point_means(path_in(dir, "summary.csv"), metrics, s.ids);
  return s;
}

std::string scatter_script_for(const PlotStudyOptions& o, const std::string& output) {
  check_format(o.format);
  std::vector<std::string> metrics;
  std::string note;
  const SweepPoints s = read_sweep_points(o.dir, o, metrics, note);
  return build_scatter_script(s, metrics, note, o.format, output);
}

/// DIR/<stem>.<format> (or --out) drawn by render() from the script `script_for` writes.
std::string draw(const PlotStudyOptions& o, const char* stem,
                 std::string (*script_for)(const PlotStudyOptions&, const std::string&)) {
  return render(o.dir, figure_path(o.dir, stem, o.format, o.out), o.format, o.gnuplot,
                [&](const fs::path&, const std::string& output) { return script_for(o, output); });
}

/// Whether a sweep's figure is its indices (Morris, Sobol: indices.csv, or a design that should have it) or
/// its scatter matrix (grid, LHS; and sweeps whose meta.json cannot say, which plot_scatter then reports).
bool draws_indices(const std::string& dir) {
  if (fs::exists(path_in(dir, "indices.csv"))) return true;
  try {
    const std::string design = results::read_sweep_meta(dir).design;
    return design == "sobol" || design == "morris";
  } catch (const InputError&) {
    return false;
  }
}

}  // namespace

std::string indices_script(const PlotStudyOptions& o, const std::string& output) {
  return indices_script_for(o, output);
}

std::string difference_script(const PlotStudyOptions& o, const std::string& output) {
  return difference_script_for(o, output);
}

std::string plot_indices(const PlotStudyOptions& o) {
  return draw(o, "indices", indices_script_for);
}

std::string plot_difference(const PlotStudyOptions& o) {
  return draw(o, "difference", difference_script_for);
}

std::string scatter_script(const PlotStudyOptions& o, const std::string& output) {
  return scatter_script_for(o, output);
}

std::string plot_scatter(const PlotStudyOptions& o) {
  return draw(o, "scatter", scatter_script_for);
}

std::string plot_sweep(const PlotStudyOptions& o) {
  return draws_indices(o.dir) ? plot_indices(o) : plot_scatter(o);
}

std::string output_kind(const std::string& dir) {
  if (!fs::is_directory(dir))
    throw InputError({dir, 0, 0},
                     "this is not a directory; give the output directory of `hedgesim run`, "
                     "`hedgesim sweep` or `hedgesim compare`");
  const std::string kind = results::recorded_kind(dir);
  if (kind == "run" || kind == "sweep" || kind == "compare" || kind == "calibration" || kind == "attribute")
    return kind;
  if (fs::exists(path_in(dir, "difference-over-time.csv"))) return "compare";
  if (fs::exists(path_in(dir, "indices.csv")) || fs::exists(path_in(dir, "design.csv"))) return "sweep";
  if (results::find_run_file(dir, "trajectory.csv") || results::find_run_file(dir, "bands.csv")) return "run";
  throw InputError({dir, 0, 0},
                   "this is not an output directory of hedgesim: it has no trajectory.csv (`hedgesim "
                   "run`), indices.csv (`hedgesim sweep`) or difference-over-time.csv (`hedgesim "
                   "compare`)");
}

}  // namespace hedgesim::report
