// plot: reads the run directory (meta.json for the title and the agents, bands.csv or trajectory.csv for the
// curves, events.csv for the markers), lays the panels out in pixels, writes the curves and a gnuplot script
// into a temporary directory and runs gnuplot on it. The layout is computed here rather than left to
// gnuplot's `multiplot layout` so that the shared legend, the panels' titles, the staggered event numbers
// and the event table each get their own strip of the canvas and never sit on top of the data.
#include "report/plot.hpp"
#include "report/gnuplot.hpp"
#include "report/poles.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/input_error.hpp"
#include "model/spec.hpp"
#include "results/run_events.hpp"
#include "results/run_files.hpp"
#include "results/run_meta.hpp"
#include "results/trajectory.hpp"

namespace hedgesim::report {
namespace fs = std::filesystem;
namespace {

using namespace detail;

// ---- meta.json (results/run_meta.hpp)
// ------------------------------------------------------------------------

using results::RunMeta;
using AgentInfo = results::RunAgent;

/// The agents to draw: those asked for (checked against the run's agents, duplicates dropped), or every
/// hedger.
std::vector<AgentInfo> choose_agents(const RunMeta& meta, const std::vector<std::string>& requested) {
  std::vector<AgentInfo> chosen;
  if (requested.empty()) {
    for (const auto& a : meta.agents)
      if (a.kind == "hedger") chosen.push_back(a);
    if (chosen.empty())
      throw InputError({meta.file, 0, 0},
                       "the run has no agent of kind 'hedger'; name the agents to draw with "
                       "--agents");
    return chosen;
  }
  std::vector<std::string> ids;
  for (const auto& a : meta.agents)
    ids.push_back(a.id);
  std::set<std::string> taken;
  for (const auto& id : requested) {
    const auto it =
        std::find_if(meta.agents.begin(), meta.agents.end(), [&](const AgentInfo& a) { return a.id == id; });
    if (it == meta.agents.end())
      throw InputError(kCommandLine, "--agents: '" + id + "' is not an agent of this run; its agents are " +
                                         join_quoted(ids) + did_you_mean(id, ids));
    if (taken.insert(id).second) chosen.push_back(*it);
  }
  return chosen;
}

// ---- Curves -----------------------------------------------------------------------------------------------

/// One step of one curve: x in days since 1970-01-01; with bands, the 5 % and 95 % quantiles too.
struct StepValue {
  double x = 0.0;
  double sum = 0.0;  // sum over runs (trajectory) or the mean itself (bands, n = 1)
  int n = 0;
  double lo = 0.0, hi = 0.0;
  double mean() const { return sum / n; }
};

using Curve = std::map<std::size_t, StepValue>;                      // by step
using Curves = std::map<std::string, std::map<std::string, Curve>>;  // agent -> variable -> curve

Curves read_band_curves(const std::string& dir, const std::set<std::string>& agents) {
  results::TrajectoryReader bands(dir, results::TrajectoryReader::Kind::bands);
  Curves curves;
  while (bands.next()) {
    if (!agents.count(bands.agent())) continue;
    StepValue& v = curves[bands.agent()][bands.variable()][bands.step()];
    v = {static_cast<double>(bands.date().days), bands.value(), 1, bands.q05(), bands.q95()};
  }
  return curves;
}

/// Without bands (a single run) the curve is the run itself; should there be several runs, their mean.
Curves read_trajectory_curves(const std::string& dir, const std::set<std::string>& agents) {
  results::TrajectoryReader runs(dir, results::TrajectoryReader::Kind::runs);
  Curves curves;
  while (runs.next()) {
    if (!agents.count(runs.agent())) continue;
    StepValue& v = curves[runs.agent()][runs.variable()][runs.step()];
    v.x = static_cast<double>(runs.date().days);
    v.sum += runs.value();
    ++v.n;
  }
  for (auto& [agent, vars] : curves)
    for (auto& [var, curve] : vars)
      for (auto& [step, v] : curve)
        v.lo = v.hi = v.mean();
  return curves;
}

/// A hedger's panel shows signal and substance; any other agent's the variables it carries.
std::vector<std::string> panel_variables(const std::map<std::string, Curve>& carried) {
  if (carried.count("signal") && carried.count("substance")) return {"signal", "substance"};
  std::vector<std::string> out;
  for (const auto& v : kVarInfo)
    if (carried.count(std::string(v.name))) out.emplace_back(v.name);
  return out;
}

// ---- Events -----------------------------------------------------------------------------------------------

using PlotEvent = results::RunEvent;

/// The events of a run, as drawn: the rows of one event in events.csv merged (the same key and order as the
/// report's table), numbered 1, 2, ... by date over all of them, so that a number means the same event in
/// every figure and in the report; then only those involving a drawn agent are kept, and the numbers of the
/// others are listed in `left_out`.
struct PlotEvents {
  std::vector<PlotEvent> drawn;
  std::vector<int> left_out;
};

PlotEvents read_events(const std::string& dir, const std::vector<AgentInfo>& drawn) {
  PlotEvents out;
  for (const PlotEvent& e : results::merge_events(results::read_event_rows(dir))) {
    const bool shown =
        std::any_of(drawn.begin(), drawn.end(), [&](const AgentInfo& a) { return e.involves(a.id); });
    if (shown)
      out.drawn.push_back(e);
    else
      out.left_out.push_back(e.number);
  }
  return out;
}

// ---- Layout -----------------------------------------------------------------------------------------------

/// A rectangle in pixels, y growing downward from the top of the canvas.
struct Box {
  double left, top, right, bottom;
};

struct Layout {
  int width = 0, height = 0;
  int columns = 1;
  std::vector<Box> plot_areas;  // one per panel: the area inside the axes
  Box table{0, 0, 0, 0};        // the event table under the panels
  int table_columns = 1;
  int table_rows = 0;

  // Pixel coordinates as gnuplot's screen coordinates (0 ... 1, y upward).
  double sx(double px) const { return px / width; }
  double sy(double py) const { return 1.0 - py / height; }
};

constexpr double kHeader = 104;  // title, scenario title, note and shared legend
constexpr double kPanelHeight = 300;
constexpr double kPanelTop = 74;     // panel title and up to three rows of event numbers
constexpr double kPanelBottom = 40;  // date labels
constexpr double kPanelLeft = 78;    // value labels and the axis caption
constexpr double kPanelRight = 44;   // half of the last date label
constexpr double kFooter = 22;       // the provenance line
constexpr double kTableLine = 18;
constexpr double kTableHead = 40;
constexpr int kEventLevels = 3;
constexpr double kGroupPx = 12;  // events closer than this (about a label's width) share one label

Layout make_layout(std::size_t panels, std::size_t events) {
  Layout l;
  l.columns = panels == 1 ? 1 : 2;
  l.width = l.columns == 1 ? 1000 : 1400;
  const std::size_t rows = (panels + l.columns - 1) / l.columns;
  const double cell_width = static_cast<double>(l.width) / l.columns;
  for (std::size_t i = 0; i < panels; ++i) {
    const double x0 = cell_width * static_cast<double>(i % l.columns);
    const double y0 = kHeader + kPanelHeight * static_cast<double>(i / l.columns);
    l.plot_areas.push_back(
        {x0 + kPanelLeft, y0 + kPanelTop, x0 + cell_width - kPanelRight, y0 + kPanelHeight - kPanelBottom});
  }
  l.table_columns = events > 10 ? 2 : 1;
  l.table_rows = static_cast<int>((events + l.table_columns - 1) / l.table_columns);
  const double table_top = kHeader + kPanelHeight * static_cast<double>(rows);
  const double table_height = events == 0 ? 0 : kTableHead + kTableLine * l.table_rows + 14;
  l.table = {24, table_top, static_cast<double>(l.width) - 24, table_top + table_height};
  l.height = static_cast<int>(table_top + table_height + 8 + kFooter);
  return l;
}

// ---- The gnuplot script -----------------------------------------------------------------------------------

struct SeriesStyle {
  const char* color;
  const char* caption;
};

SeriesStyle style_of(std::string_view variable) {
  if (variable == "signal") return {"#1f5fa8", "signal (visible alignment)"};
  if (variable == "substance") return {"#d9731a", "substance (trade, security, legal ties)"};
  if (variable == "detente") return {"#2e8b57", "detente with the rival"};
  if (variable == "attention") return {"#b22222", "attention spent on the hedgers"};
  return {"#555555", ""};
}

struct Panel {
  AgentInfo agent;
  std::vector<std::string> variables;
  std::vector<std::string> data_files;  // one per variable: x mean lo hi
};

struct Figure {
  std::string title;
  std::string scenario_title;
  std::string subtitle;
  std::string provenance;  ///< RunMeta::provenance_line, printed in the footer
  bool banded = false;
  long long runs = 1;
  double x_min = 0, x_max = 1;
  std::vector<Tick> ticks;
  std::vector<Panel> panels;
  std::vector<PlotEvent> events;
  std::vector<int> events_left_out;  ///< numbers of the events that involve no drawn agent
  bool event_table = true;
};

class ScriptWriter {
 public:
  ScriptWriter(const Figure& f, const Layout& l, Poles poles) : f_(f), l_(l), poles_(std::move(poles)) {}

  std::string script(const std::string& format, const std::string& output) {
    terminal(format, output);
    for (std::size_t i = 0; i < f_.panels.size(); ++i) {
      panel_frame(l_.plot_areas[i]);
      if (i == 0) figure_title();
      if (i == 0 && has_hedger_panel()) shared_legend();
      panel_title(f_.panels[i], l_.plot_areas[i]);
      event_markers(f_.panels[i], l_.plot_areas[i]);
      plot_curves(f_.panels[i]);
    }
    if (!f_.events.empty() && f_.event_table) event_table();
    s_ << "unset multiplot\nset output\n";
    return s_.str();
  }

 private:
  bool has_hedger_panel() const {
    return std::any_of(f_.panels.begin(), f_.panels.end(),
                       [](const Panel& p) { return p.variables.front() == "signal"; });
  }

  void terminal(const std::string& format, const std::string& output) {
    const std::string size = std::to_string(l_.width) + "," + std::to_string(l_.height);
    if (format == "png")
      s_ << "set terminal pngcairo size " << size << " noenhanced font 'Sans,10' background rgb 'white'\n";
    else
      s_ << "set terminal svg size " << size << " noenhanced font 'Sans,10' background rgb 'white'\n";
    s_ << "set encoding utf8\nset output " << gp_string(output) << "\n";
    s_ << "set multiplot\nset style fill transparent solid 0.22 noborder\n";
  }

  void panel_frame(const Box& b) {
    s_ << "\nunset label\nunset arrow\nunset object\nunset key\nunset title\n";
    s_ << "set lmargin at screen " << num(l_.sx(b.left)) << "\nset rmargin at screen " << num(l_.sx(b.right))
       << "\nset tmargin at screen " << num(l_.sy(b.top)) << "\nset bmargin at screen "
       << num(l_.sy(b.bottom)) << "\n";
    s_ << "set border 15 lc rgb '#606060'\nset xrange [" << num(f_.x_min) << ":" << num(f_.x_max) << "]\n";
    s_ << "set xtics (";
    for (std::size_t i = 0; i < f_.ticks.size(); ++i)
      s_ << (i ? ", " : "") << gp_string(f_.ticks[i].label) << " " << num(f_.ticks[i].x);
    s_ << ") out nomirror scale 0.6 font ',9'\n";
    s_ << "set grid xtics ytics lc rgb '#e8e8e8' lw 1 dt 1\n";
  }

  void figure_title() {
    s_ << "set label " << gp_string(f_.title) << " at screen 0.5, screen " << num(l_.sy(22))
       << " center font ',14'\n";
    // About 7 px per character at 11 pt.
    const auto max_chars = static_cast<std::size_t>((l_.width - 40) / 7.0);
    s_ << "set label " << gp_string(shortened(f_.scenario_title, max_chars)) << " at screen 0.5, screen "
       << num(l_.sy(44)) << " center font ',11'\n";
    s_ << "set label " << gp_string(f_.subtitle) << " at screen 0.5, screen " << num(l_.sy(64))
       << " center font ',9' tc rgb '#555555'\n";
    // A figure copied out of its directory still says which runs it shows and which program drew them.
    s_ << "set label " << gp_string(f_.provenance) << " at screen " << num(l_.sx(l_.width - 12))
       << ", screen " << num(l_.sy(l_.height - 9)) << " right font ',8' tc rgb '#777777'\n";
  }

  /// The legend, drawn by hand in the header strip: gnuplot's own key wraps to the width of one panel.
  void shared_legend() {
    struct Entry {
      const char* color;
      std::string text;
      bool band;
    };
    std::vector<Entry> entries;
    for (const char* v : {"signal", "substance"})
      entries.push_back({style_of(v).color, style_of(v).caption, false});
    if (f_.banded) entries.push_back({"#808080", "5-95 % of the runs", true});
    constexpr double kSwatch = 30, kGap = 8, kSpacing = 32, kCharWidth = 6.3;
    double width = 0;
    for (const auto& e : entries)
      width += kSwatch + kGap + kCharWidth * static_cast<double>(e.text.size()) + kSpacing;
    double x = (l_.width - width + kSpacing) / 2;
    const double y = kHeader - 16;
    for (const auto& e : entries) {
      if (e.band)
        s_ << "set object rect from screen " << num(l_.sx(x)) << ", screen " << num(l_.sy(y - 6))
           << " to screen " << num(l_.sx(x + kSwatch)) << ", screen " << num(l_.sy(y + 6)) << " fc rgb '"
           << e.color << "' fs transparent solid 0.22 noborder\n";
      else
        s_ << "set arrow from screen " << num(l_.sx(x)) << ", screen " << num(l_.sy(y)) << " to screen "
           << num(l_.sx(x + kSwatch)) << ", screen " << num(l_.sy(y)) << " nohead lw 2.2 lc rgb '" << e.color
           << "'\n";
      s_ << "set label " << gp_string(e.text) << " at screen " << num(l_.sx(x + kSwatch + kGap))
         << ", screen " << num(l_.sy(y)) << " left font ',10'\n";
      x += kSwatch + kGap + kCharWidth * static_cast<double>(e.text.size()) + kSpacing;
    }
  }

  void panel_title(const Panel& p, const Box& b) {
    std::string title = p.agent.name + " (" + p.agent.id + ")";
    if (p.variables.front() != "signal") title += ": " + std::string(style_of(p.variables.front()).caption);
    s_ << "set label " << gp_string(title) << " at screen " << num(l_.sx(b.left)) << ", screen "
       << num(l_.sy(b.top - kPanelTop + 16)) << " left font ',11'\n";
    const bool hedger = p.variables.front() == "signal";
    if (hedger) {
      s_ << "set yrange [-1:1]\nset ytics -1, 0.5, 1 nomirror font ',9'\n";
      s_ << "set ylabel " << gp_string("← " + poles_.rival_seat + "        " + poles_.west_seats + " →")
         << " font ',9' tc rgb '#555555' offset 1,0\n";
      s_ << "set xzeroaxis lt 1 lc rgb '#808080' lw 1.2\n";
    } else {
      const auto it = std::find_if(kVarInfo.begin(), kVarInfo.end(),
                                   [&](const VarInfo& v) { return v.name == p.variables.front(); });
      const double lo = it != kVarInfo.end() ? it->lo : 0.0, hi = it != kVarInfo.end() ? it->hi : 1.0;
      // The rival's attention has no natural top (its budget); let gnuplot fit it.
      s_ << "set yrange [" << num(lo) << ":" << (hi <= 1.0 ? num(hi) : std::string("*")) << "]\n";
      s_ << "set ytics autofreq nomirror font ',9'\nunset ylabel\nunset xzeroaxis\n";
    }
  }

  /// A dashed line at each event involving the agent, its number above the panel. Events closer than a
  /// label's width share one label, their numbers compressed ("4-9, 11"), so that a burst of events (the
  /// autumn of 2019) reads as one group instead of overlapping numbers; groups that would still touch are
  /// lifted to the next of kEventLevels rows.
  void event_markers(const Panel& p, const Box& b) {
    const auto px_of = [&](double day) {
      return b.left + (day - f_.x_min) / (f_.x_max - f_.x_min) * (b.right - b.left);
    };
    std::vector<std::pair<int, int>> shown;  // (day, number), by day
    for (const auto& e : f_.events)
      if (e.involves(p.agent.id) && e.date.days >= f_.x_min && e.date.days <= f_.x_max)
        shown.emplace_back(e.date.days, e.number);
    std::stable_sort(shown.begin(), shown.end(),
                     [](const auto& a, const auto& c) { return a.first < c.first; });
    std::vector<double> level_end(kEventLevels, -1e9);  // right edge of the last label in each row
    for (std::size_t i = 0; i < shown.size();) {
      std::size_t j = i + 1;  // the group: events within kGroupPx of the previous one
      while (j < shown.size() && px_of(shown[j].first) - px_of(shown[j - 1].first) < kGroupPx)
        ++j;
      std::vector<int> numbers;
      for (std::size_t k = i; k < j; ++k) {
        numbers.push_back(shown[k].second);
        s_ << "set arrow from first " << shown[k].first << ", graph 0 to first " << shown[k].first
           << ", graph 1 nohead back dt 2 lw 1 lc rgb '#8c8c8c'\n";
      }
      const std::string text = compressed(numbers);
      const double day = (shown[i].first + shown[j - 1].first) / 2.0, px = px_of(day);
      const double half = 3.9 * static_cast<double>(text.size()) + 3;
      int level = 0;
      while (level + 1 < kEventLevels && level_end[level] > px - half)
        ++level;
      if (level_end[level] > px - half)  // every row is taken here: use the row that frees up first
        level = static_cast<int>(std::min_element(level_end.begin(), level_end.end()) - level_end.begin());
      level_end[level] = px + half;
      s_ << "set label " << gp_string(text) << " at first " << num(day) << ", screen "
         << num(l_.sy(b.top - 8 - 14.0 * level)) << " center font ',9' tc rgb '#303030'\n";
      i = j;
    }
  }

  /// "3-9,11,12": sorted numbers with runs of three or more written as ranges.
  static std::string compressed(std::vector<int> numbers) {
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
      std::size_t j = i;
      while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1)
        ++j;
      out += (out.empty() ? "" : ",") + std::to_string(numbers[i]);
      if (j >= i + 2)
        out += "-" + std::to_string(numbers[j]);
      else if (j == i + 1)
        out += "," + std::to_string(numbers[j]);
      i = j + 1;
    }
    return out;
  }

  void plot_curves(const Panel& p) {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < p.variables.size(); ++i) {
      const std::string file = gp_string(p.data_files[i]);
      const std::string color = std::string("'") + style_of(p.variables[i]).color + "'";
      if (f_.banded) items.push_back(file + " using 1:3:4 with filledcurves fc rgb " + color + " notitle");
      items.push_back(file + " using 1:2 with lines lw 2.2 lc rgb " + color + " notitle");
    }
    s_ << "plot ";
    for (std::size_t i = 0; i < items.size(); ++i)
      s_ << (i ? ", \\\n     " : "") << items[i];
    s_ << "\n";
  }

  /// "2020-01-17   WWW blocks the talks ...   [WWW → AAA, BBB]", the label cut to fit `budget`
  /// characters.
  static std::string table_line(const PlotEvent& e, std::size_t budget) {
    std::string targets;
    for (const auto& target : e.targets)
      targets += (targets.empty() ? "" : ", ") + target;
    const std::string before = format_date(e.date) + "   ", after = "   [" + e.actor + " → " + targets + "]";
    const std::size_t fixed = char_count(before) + char_count(after);
    return before + shortened(e.label, std::max<std::size_t>(12, budget > fixed ? budget - fixed : 0)) +
           after;
  }

  void event_table() {
    const Box& t = l_.table;
    s_ << "\nunset label\nunset arrow\nunset object\nunset key\nunset xzeroaxis\nunset grid\nunset "
          "ylabel\nunset border\n";
    s_ << "unset xtics\nunset ytics\nset xrange [0:1]\nset yrange [0:1]\n";
    s_ << "set lmargin at screen 0\nset rmargin at screen 1\nset tmargin at screen " << num(l_.sy(t.top))
       << "\nset bmargin at screen " << num(l_.sy(t.bottom)) << "\n";
    s_ << "set label "
       << gp_string("Events (dashed lines in the panels; the number marks the line)" + left_out_note())
       << " at screen " << num(l_.sx(t.left)) << ", screen " << num(l_.sy(t.top + 20))
       << " left font ',10'\n";
    const double column_width = (t.right - t.left) / l_.table_columns;
    // About 6.4 px per character at 9 pt (a little more than the average, for capitals); 28 px hold the
    // number and 24 px keep the columns apart.
    const auto budget = static_cast<std::size_t>((column_width - 28 - 24) / 6.4);
    for (std::size_t i = 0; i < f_.events.size(); ++i) {
      const PlotEvent& e = f_.events[i];
      const double x =
          t.left + column_width * static_cast<double>(i / static_cast<std::size_t>(l_.table_rows));
      const double y = t.top + kTableHead + kTableLine * static_cast<double>(i % l_.table_rows);
      s_ << "set label " << gp_string(std::to_string(e.number)) << " at screen " << num(l_.sx(x + 18))
         << ", screen " << num(l_.sy(y)) << " right font ',9'\n";
      s_ << "set label " << gp_string(table_line(e, budget)) << " at screen " << num(l_.sx(x + 28))
         << ", screen " << num(l_.sy(y)) << " left font ',9'\n";
    }
    s_ << "plot NaN notitle\n";
  }

  /// "; not shown, as no agent drawn takes part: 3, 7" (numbers as in the report and the other figures).
  std::string left_out_note() const {
    if (f_.events_left_out.empty()) return "";
    std::string s = "; not shown (no agent drawn takes part): ";
    constexpr std::size_t kListed = 12;
    for (std::size_t i = 0; i < f_.events_left_out.size() && i < kListed; ++i)
      s += (i == 0 ? "" : ", ") + std::to_string(f_.events_left_out[i]);
    if (f_.events_left_out.size() > kListed)
      s += " and " + std::to_string(f_.events_left_out.size() - kListed) + " more";
    return s;
  }

  const Figure& f_;
  const Layout& l_;
  Poles poles_;
  std::ostringstream s_;
};

// ---- Data files and drawing -------------------------------------------------------------------------------

std::string curve_data(const Curve& curve) {
  std::string out;
  for (const auto& [step, v] : curve)
    out += num(v.x) + " " + num(v.mean()) + " " + num(v.lo) + " " + num(v.hi) + "\n";
  return out;
}

Figure make_figure(const RunMeta& meta, const std::vector<AgentInfo>& agents, const Curves& curves,
                   bool banded, PlotEvents events) {
  Figure f;
  f.title = "hedgesim: " + meta.scenario_name;
  f.scenario_title = meta.scenario_title;
  f.provenance = meta.provenance_line();
  f.banded = banded;
  f.runs = meta.replicates;
  f.subtitle = banded ? "Each line is the mean over " + std::to_string(meta.replicates) +
                            " runs; the shaded band holds the middle 90 % of the runs."
                      : "One run. Signal: what leaders show; substance: trade, security and legal ties.";
  f.events = std::move(events.drawn);
  f.events_left_out = std::move(events.left_out);
  bool have_x = false;
  for (const auto& a : agents) {
    const auto it = curves.find(a.id);
    if (it == curves.end() || panel_variables(it->second).empty())
      throw InputError({meta.file, 0, 0}, "agent '" + a.id + "' has no values in the run's " +
                                              (banded ? "bands.csv" : "trajectory.csv") +
                                              "; is the run complete?");
    Panel p{a, panel_variables(it->second), {}};
    for (const auto& v : p.variables)
      for (const auto& [step, value] : it->second.at(v)) {
        f.x_min = have_x ? std::min(f.x_min, value.x) : value.x;
        f.x_max = have_x ? std::max(f.x_max, value.x) : value.x;
        have_x = true;
      }
    f.panels.push_back(std::move(p));
  }
  if (f.x_max <= f.x_min) f.x_max = f.x_min + 1;
  return f;
}

/// Writes each panel's curves as "x mean lo hi" rows into `dir` and records the file names in the panels.
void write_curve_files(const fs::path& dir, Figure& figure, const Curves& curves) {
  for (std::size_t i = 0; i < figure.panels.size(); ++i) {
    Panel& p = figure.panels[i];
    for (const auto& v : p.variables) {
      const fs::path file = dir / ("panel" + std::to_string(i) + "_" + v + ".dat");
      write_file(file, curve_data(curves.at(p.agent.id).at(v)));
      p.data_files.push_back(file.string());
    }
  }
}

/// Runs gnuplot into a temporary file in the run directory and renames it to plot.<format> only when it is
/// complete, so a failed or interrupted plot never leaves a partial figure under the final name.
std::string draw(const PlotOptions& o, Figure& figure, const Curves& curves) {
  const Layout layout = make_layout(figure.panels.size(), o.event_table ? figure.events.size() : 0);
  figure.event_table = o.event_table;
  std::string stem = "plot";
  for (std::size_t i = 0; i < o.agents.size(); ++i)
    if (std::find(o.agents.begin(), o.agents.begin() + static_cast<std::ptrdiff_t>(i), o.agents[i]) ==
        o.agents.begin() + static_cast<std::ptrdiff_t>(i))
      stem += "-" + o.agents[i];
  return render(o.dir, figure_path(o.dir, stem, o.format, o.out), o.format, o.gnuplot,
                [&](const fs::path& temp, const std::string& output) {
                  write_curve_files(temp, figure, curves);
                  return ScriptWriter(figure, layout, read_poles(o.dir)).script(o.format, output);
                });
}

}  // namespace

std::string plot(const PlotOptions& o) {
  check_format(o.format);
  const RunMeta meta = results::read_run_meta(o.dir);
  const std::vector<AgentInfo> agents = choose_agents(meta, o.agents);
  std::set<std::string> ids;
  for (const auto& a : agents)
    ids.insert(a.id);
  const bool banded = results::find_run_file(o.dir, "bands.csv").has_value();
  const Curves curves = banded ? read_band_curves(o.dir, ids) : read_trajectory_curves(o.dir, ids);
  Figure figure = make_figure(meta, agents, curves, banded, read_events(o.dir, agents));
  figure.ticks = date_ticks(Date{static_cast<int>(figure.x_min)}, Date{static_cast<int>(figure.x_max)},
                            figure.panels.size() == 1 ? 9 : 6);
  try {
    return draw(o, figure, curves);
  } catch (const fs::filesystem_error& e) {
    // A full disk or a read-only run directory: the user's environment, reported like any bad input.
    throw InputError({o.dir, 0, 0}, std::string("cannot write the plot: ") + e.code().message());
  }
}

}  // namespace hedgesim::report
