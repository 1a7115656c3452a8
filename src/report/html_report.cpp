// html_report: first gathers everything the page shows (meta.json, events.csv, the figure, the explanations)
// into a ReportContent, then writes it as HTML. Gathering first means every problem with the run directory
// or gnuplot is found before the output file is opened; keeping the HTML apart means the page's wording can
// change without touching how the run directory is read. The figure is report::plot's, drawn in a staging
// directory that links to the run's files, so the run directory stays as it was.
#include "report/html_report.hpp"
#include "report/explain.hpp"
#include "report/gnuplot.hpp"
#include "report/plot.hpp"
#include "report/plot_attribute.hpp"
#include "report/poles.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "io/csv_reader.hpp"
#include "io/csv_writer.hpp"
#include "io/scratch_dir.hpp"
#include "model/input_error.hpp"
#include "model/spec.hpp"
#include "results/attribute_files.hpp"
#include "results/run_events.hpp"
#include "results/run_meta.hpp"

namespace hedgesim::report {
namespace fs = std::filesystem;
namespace {

using namespace detail;

/// "What happened next" covers the step in which an event acts and the three after it: with weekly steps
/// about a month, long enough for the reactions it sets off to show, short enough that later events do not
/// yet drown it.
constexpr int kFollowUpSteps = 4;
/// Contributions named per variable after an event: a short paragraph, not the full account of explain.
constexpr int kFollowUpTop = 3;

std::string html_escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// ---- meta.json (results/run_meta.hpp)
// ------------------------------------------------------------------------

using results::RunAgent;

/// What the page reads of meta.json: the run set's values and its time grid (which dates the events).
struct PageMeta : results::RunMeta, results::TimeGrid {};

PageMeta read_page_meta(const std::string& dir) {
  results::RunMeta meta = results::read_run_meta(dir);
  const results::TimeGrid grid = results::time_grid(meta);
  return {std::move(meta), grid};
}

/// A provenance field as meta.json holds it (text as is, numbers as written); hedgesim run writes them all,
/// so a missing one only means an older or hand-made file, which is no reason to refuse the report.
std::string shown(const PageMeta& m, const char* key) {
  if (!m.json.contains(key)) return "not recorded";
  const nlohmann::json& v = m.json[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

/// "Name (ID)", as explain titles an agent.
std::string agent_title(const PageMeta& m, const std::string& id) {
  const RunAgent* a = m.find(id);
  return a ? a->name + " (" + id + ")" : id;
}

// ---- events.csv -------------------------------------------------------------------------------------------

using ReportEvent = results::RunEvent;

/// A magnitude as events.csv writes it: the shortest text that reads back to the same double.
std::string number_text(double v) {
  std::string s;
  io::append_number(s, v);
  return s;
}

/// events.csv, checked against the run's meta.json and merged into numbered events (results/run_events.hpp).
std::vector<ReportEvent> read_events(const std::string& dir, const PageMeta& m) {
  const std::vector<results::EventRow> rows = results::read_event_rows(dir);
  results::check_rows_fit_run(rows, m, m);
  return results::merge_events(rows);
}

// ---- The figure -------------------------------------------------------------------------------------------

/// gnuplot's SVG without the XML prolog (which has no place inside HTML), labelled for screen readers.
std::string inline_svg(const std::string& svg, const std::string& file,
                       const std::string& label = "Signal and substance of every hedger over the run") {
  const auto start = svg.find("<svg");
  if (start == std::string::npos)
    throw InputError({file, 0, 0}, "gnuplot wrote no SVG figure here; is it built with the svg terminal?");
  return "<svg role=\"img\" aria-label=\"" + html_escaped(label) + "\"" + svg.substr(start + 4);
}

/// The inline SVG of plot() for every hedger, read from the run directory and drawn into a scratch directory,
/// so that the run directory gets no plot.svg.
std::string draw_figure(const HtmlReportOptions& o) {
  const io::ScratchDir scratch;
  PlotOptions p;
  p.dir = o.run_dir;
  p.out = (scratch.path() / "plot.svg").string();
  p.format = "svg";
  p.gnuplot = o.gnuplot;
  p.event_table = false;  // the page's own table of events, right below, has the same numbers
  return inline_svg(io::read_text_file(plot(p)), o.run_dir);
}

/// The inline SVG of plot_attribute for the attribution in options.attribute_dir, drawn in a scratch
/// directory.
std::string draw_effects(const HtmlReportOptions& o) {
  const io::ScratchDir scratch;
  PlotStudyOptions p;
  p.dir = o.attribute_dir;
  p.format = "svg";
  p.out = (scratch.path() / "effects.svg").string();
  p.gnuplot = o.gnuplot;
  return inline_svg(io::read_text_file(plot_attribute(p)), o.attribute_dir,
                    "Each event's Shapley value with its interval and its knock-out effect");
}

// ---- The explanations -------------------------------------------------------------------------------------

struct Explained {
  std::string title;  // "Name (ID)"
  std::string text;   // explain's, unchanged
};

using Explainer = std::function<std::string(const ExplainOptions&)>;

std::vector<Explained> explain_hedgers(const PageMeta& m, const std::string& run_dir,
                                       const Explainer& explain) {
  std::vector<Explained> out;
  for (const auto& a : m.agents) {
    if (a.kind != "hedger") continue;
    ExplainOptions e;
    e.dir = run_dir;
    e.agent = a.id;
    out.push_back({agent_title(m, a.id), explain(e)});
  }
  return out;
}

/// The date of the step kFollowUpSteps after the last step dated on or before the event (whose state is
/// the one before the event acted), or the run's last date.
Date follow_up_end(const PageMeta& m, Date event_date) {
  const int before = (event_date.days - m.start.days) / m.step_days;
  return m.date_of_step(std::min(before + kFollowUpSteps, m.steps));
}

/// Per event, per target: explain over the event's follow-up window.
std::vector<std::vector<Explained>> explain_follow_ups(const PageMeta& m,
                                                       const std::vector<ReportEvent>& events,
                                                       const std::string& run_dir, const Explainer& explain) {
  std::vector<std::vector<Explained>> out;
  for (const auto& ev : events) {
    std::vector<Explained>& per_target = out.emplace_back();
    for (const auto& target : ev.targets) {
      ExplainOptions e;
      e.dir = run_dir;
      e.agent = target;
      e.from = ev.date;
      e.to = follow_up_end(m, ev.date);
      e.top = kFollowUpTop;
      per_target.push_back({agent_title(m, target), explain(e)});
    }
  }
  return out;
}

// ---- The page ---------------------------------------------------------------------------------------------

struct ReportContent {
  PageMeta meta;
  Poles poles;
  std::vector<ReportEvent> events;
  std::string svg;
  std::vector<Explained> hedgers;
  std::vector<std::vector<Explained>> follow_ups;     // parallel to events
  std::optional<results::AttributeMeta> attribution;  // with the rows and figure below, if given
  std::vector<results::EventEffectRow> effects;
  std::string effects_svg;
};

// Serif text and plain tables print well in black and white; the @media print rules keep headings with what
// follows them and figures and explanations whole on a page.
constexpr std::string_view kStyle = R"(
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.45; color: #1a1a1a;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid #999; margin-top: 2.4rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
p.subtitle { font-size: 1.1rem; color: #444; margin-top: 0; }
nav ol { padding-left: 1.5rem; }
nav ol ol { font-size: 0.95rem; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.run dt { font-weight: bold; }
dl.run dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eee; }
span.interval { color: #555; font-size: 0.85rem; white-space: nowrap; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; }
/* The figure is drawn 1400 px wide: on a wide screen or a projector it leaves the text column to be shown
   at its own size (text at 12 px and more), centred; on a narrow one it shrinks to the column. */
@media screen and (min-width: 66rem) {
  figure { width: min(1400px, 96vw); position: relative; left: 50%; transform: translateX(-50%); }
}
pre.explanation { font-family: inherit; white-space: pre-wrap; background: #f6f6f2;
                  border-left: 3px solid #999; padding: 0.6rem 0.9rem; }
footer { margin-top: 3rem; font-size: 0.9rem; color: #555; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; }
  figure, pre.explanation, tr { break-inside: avoid; }
}
)";

std::string page_head(const ReportContent& c) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>hedgesim: " +
         html_escaped(c.meta.scenario_name) + "</title>\n<style>" + std::string(kStyle) +
         "</style>\n</head>\n";
}

std::string page_title(const ReportContent& c) {
  std::string s = "<h1>hedgesim: " + html_escaped(c.meta.scenario_name) + "</h1>\n";
  const std::string title = shown(c.meta, "scenario_title");
  if (c.meta.json.contains("scenario_title")) s += "<p class=\"subtitle\">" + html_escaped(title) + "</p>\n";
  return s;
}

std::string contents(const ReportContent& c) {
  std::string s = "<nav>\n<h2>Contents</h2>\n<ol>\n<li><a href=\"#run\">The run</a></li>\n";
  s += "<li><a href=\"#figure\">The figure</a></li>\n<li><a href=\"#events\">The events</a></li>\n";
  s += "<li><a href=\"#hedgers\">Why each state moved over the whole run</a>\n<ol>\n";
  for (std::size_t i = 0; i < c.hedgers.size(); ++i)
    s += "<li><a href=\"#hedger-" + std::to_string(i + 1) + "\">" + html_escaped(c.hedgers[i].title) +
         "</a></li>\n";
  s += "</ol></li>\n";
  if (c.attribution) s += "<li><a href=\"#mattered\">Which events mattered</a></li>\n";
  s += "<li><a href=\"#after\">What happened after each event</a>\n<ol>\n";
  for (const auto& ev : c.events)
    s += "<li><a href=\"#event-" + std::to_string(ev.number) + "\">" + format_date(ev.date) + ": " +
         html_escaped(ev.label) + "</a></li>\n";
  return s + "</ol></li>\n</ol>\n</nav>\n";
}

std::string run_item(const std::string& term, const std::string& value, bool code = false) {
  const std::string v = html_escaped(value);
  return "<dt>" + html_escaped(term) + "</dt><dd>" + (code ? "<code>" + v + "</code>" : v) + "</dd>\n";
}

std::string run_section(const ReportContent& c) {
  const PageMeta& m = c.meta;
  std::string s = "<section id=\"run\">\n<h2>The run</h2>\n<dl class=\"run\">\n";
  s += run_item("Scenario", m.scenario_name);
  s += run_item("Scenario file", shown(m, "scenario"), true);
  s += run_item("Period", shown(m, "start") + " to " + shown(m, "end"));
  s += run_item("Steps", std::to_string(m.steps) + " steps of " + std::to_string(m.step_days) + " days");
  s += run_item("Seed", shown(m, "seed"));
  s += run_item("Replicates", shown(m, "replicates"));
  s += run_item("Model", shown(m, "model_dir"), true);
  s += run_item("Model SHA-256", shown(m, "model_sha256"), true);
  s += run_item("Scenario SHA-256", shown(m, "scenario_sha256"), true);
  s += run_item("hedgesim version", shown(m, "version"));
  s += run_item("Built from commit", shown(m, "commit"), true);
  s += run_item("Command", shown(m, "command_line"), true);
  s += run_item("Run at (UTC)", shown(m, "created"), true);
  return s + "</dl>\n</section>\n";
}

/// What signal and substance mean, in the model's own words (spec.hpp) with the poles' names filled in.
std::string reading_guide(const Poles& poles) {
  std::string s = "<p>";
  for (const auto& v : kVarInfo)
    if (v.name == "signal" || v.name == "substance")
      s += "<strong>" + html_escaped(v.name) + "</strong>: " + html_escaped(fill_poles(v.meaning, poles)) +
           ". ";
  return s + "Dashed lines mark the events, numbered as in the table of events below.</p>\n";
}

std::string figure_section(const ReportContent& c) {
  return "<section id=\"figure\">\n<h2>The figure</h2>\n" + reading_guide(c.poles) + "<figure>\n" + c.svg +
         "\n</figure>\n</section>\n";
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items)
    s += (s.empty() ? "" : ", ") + item;
  return s;
}

std::string events_section(const ReportContent& c) {
  std::string s = "<section id=\"events\">\n<h2>The events</h2>\n";
  if (c.events.empty()) return s + "<p>The scenario has no events.</p>\n</section>\n";
  s += "<table>\n<thead><tr><th>#</th><th>Date</th><th>Step</th><th>Type</th><th>By</th><th>Aimed at</th>"
       "<th>Magnitude</th><th>Label</th></tr></thead>\n<tbody>\n";
  for (const auto& ev : c.events)
    s += "<tr><td><a href=\"#event-" + std::to_string(ev.number) + "\">" + std::to_string(ev.number) +
         "</a></td><td>" + format_date(ev.date) + "</td><td>" + std::to_string(ev.step) + "</td><td>" +
         html_escaped(ev.type) + "</td><td>" + html_escaped(ev.actor) + "</td><td>" +
         html_escaped(joined(ev.targets)) + "</td><td>" + number_text(ev.magnitude) + "</td><td>" +
         html_escaped(ev.label) + "</td></tr>\n";
  return s + "</tbody>\n</table>\n</section>\n";
}

std::string explanation(const std::string& text) {
  return "<pre class=\"explanation\">" + html_escaped(text) + "</pre>\n";
}

std::string hedgers_section(const ReportContent& c) {
  std::string s = "<section id=\"hedgers\">\n<h2>Why each state moved over the whole run</h2>\n";
  for (std::size_t i = 0; i < c.hedgers.size(); ++i)
    s += "<h3 id=\"hedger-" + std::to_string(i + 1) + "\">" + html_escaped(c.hedgers[i].title) + "</h3>\n" +
         explanation(c.hedgers[i].text);
  return s + "</section>\n";
}

/// An estimate and its interval, as the table prints them.
std::string with_interval(double value, double low, double high) {
  char text[96];
  std::snprintf(text, sizeof text, "%+.3g <span class=\"interval\">[%+.3g, %+.3g]</span>", value, low, high);
  return text;
}

/// Events per metric in the tables: the largest; the figure above shows up to kMaxEventsDrawn.
constexpr std::size_t kEventsTabled = 5;

/// Each metric's events by the size of their Shapley value: the largest kEventsTabled.
std::string effects_tables(const std::vector<results::EventEffectRow>& rows) {
  std::vector<std::string> metrics;
  for (const auto& r : rows)
    if (std::find(metrics.begin(), metrics.end(), r.metric) == metrics.end()) metrics.push_back(r.metric);
  std::string s;
  for (const std::string& metric : metrics) {
    std::vector<const results::EventEffectRow*> list;
    for (const auto& r : rows)
      if (r.metric == metric) list.push_back(&r);
    std::stable_sort(list.begin(), list.end(),
                     [](auto* a, auto* b) { return std::abs(a->shapley) > std::abs(b->shapley); });
    const std::size_t shown_rows = std::min(list.size(), kEventsTabled);
    s += "<h3>" + html_escaped(metric) + "</h3>\n";
    if (list.size() > shown_rows)
      s += "<p>The " + std::to_string(shown_rows) + " largest of " + std::to_string(list.size()) +
           " events.</p>\n";
    s += "<table>\n<thead><tr><th>Event</th><th>Date</th><th>Label</th><th>Knock-out</th><th>Shapley "
         "value</th><th>Interaction</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < shown_rows; ++i) {
      const results::EventEffectRow& r = *list[i];
      s += "<tr><td>" + html_escaped(r.event) + "</td><td>" + html_escaped(r.date) + "</td><td>" +
           html_escaped(r.label) + "</td><td>" + with_interval(r.knockout, r.knockout_low, r.knockout_high) +
           "</td><td>" + with_interval(r.shapley, r.shapley_low, r.shapley_high) + "</td><td>" +
           with_interval(r.interaction, r.interaction_low, r.interaction_high) + "</td></tr>\n";
    }
    s += "</tbody>\n</table>\n";
  }
  return s;
}

std::string mattered_section(const ReportContent& c) {
  if (!c.attribution) return "";
  const results::AttributeMeta& m = *c.attribution;
  std::string s = "<section id=\"mattered\">\n<h2>Which events mattered</h2>\n";
  s += "<p>Each event's effect on each metric, from runs of the scenario with some of its events removed "
       "(<code>hedgesim attribute</code>; " +
       html_escaped(m.method) + ", " + std::to_string(m.replicates) +
       " replicates, common random numbers). The <strong>knock-out</strong> effect is the metric with every "
       "event minus the metric without this one. The <strong>Shapley value</strong> is the event's "
       "contribution averaged over every order in which the events could have happened; the Shapley values "
       "of all events add up to the metric with every event minus the metric with none. Their difference, "
       "the <strong>interaction</strong>, is near zero when the event's effect does not depend on the other "
       "events. Brackets give 95&nbsp;% bootstrap intervals over replicates.</p>\n";
  s += "<figure>\n" + c.effects_svg + "\n</figure>\n" + effects_tables(c.effects);
  return s + "</section>\n";
}

std::string follow_ups_section(const ReportContent& c) {
  std::string s = "<section id=\"after\">\n<h2>What happened after each event</h2>\n";
  if (c.events.empty()) return s + "<p>The scenario has no events.</p>\n</section>\n";
  s += "<p>For each event, what moved the agents it was aimed at from just before the event to " +
       std::to_string(kFollowUpSteps) + " steps later.</p>\n";
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    const ReportEvent& ev = c.events[i];
    s += "<h3 id=\"event-" + std::to_string(ev.number) + "\">" + std::to_string(ev.number) + ". " +
         format_date(ev.date) + ": " + html_escaped(ev.label) + "</h3>\n";
    std::vector<std::string> targets;
    for (const auto& t : ev.targets)
      targets.push_back(agent_title(c.meta, t));
    s += "<p>" + html_escaped(ev.type) + " by " + html_escaped(agent_title(c.meta, ev.actor)) +
         ", aimed at " + html_escaped(joined(targets)) + ".</p>\n";
    for (const auto& e : c.follow_ups[i])
      s += explanation(e.text);
  }
  return s + "</section>\n";
}

std::string html_page(const ReportContent& c) {
  return page_head(c) + "<body>\n" + page_title(c) + contents(c) + run_section(c) + figure_section(c) +
         events_section(c) + hedgers_section(c) + mattered_section(c) + follow_ups_section(c) +
         "<footer>Written by hedgesim " + html_escaped(shown(c.meta, "version")) +
         " from the files of the run; the sentences are those of <code>hedgesim explain</code>.</footer>\n"
         "</body>\n</html>\n";
}

ReportContent gather(const HtmlReportOptions& o) {
  ReportContent c;
  c.meta = read_page_meta(o.run_dir);
  c.poles = read_poles(o.run_dir);
  c.events = read_events(o.run_dir, c.meta);
  // The figure before the explanations: a missing gnuplot is the likeliest failure, so it shows at once.
  c.svg = draw_figure(o);
  const Explainer explainer =
      o.explainer ? o.explainer : Explainer([](const ExplainOptions& e) { return explain(e); });
  c.hedgers = explain_hedgers(c.meta, o.run_dir, explainer);
  c.follow_ups = explain_follow_ups(c.meta, c.events, o.run_dir, explainer);
  if (!o.attribute_dir.empty()) {
    c.attribution = results::read_attribute_meta(o.attribute_dir);
    c.effects =
        results::read_event_effects((std::filesystem::path(o.attribute_dir) / "event-effects.csv").string());
    c.effects_svg = draw_effects(o);
  }
  return c;
}

}  // namespace

std::string write_html_report(const HtmlReportOptions& options) {
  if (options.out.empty())
    throw InputError(kCommandLine, "--out: give the .html file to write the report to");
  const ReportContent content = gather(options);
  io::AtomicFile file(options.out);
  file.write(html_page(content));
  file.commit();
  return options.out;
}

}  // namespace hedgesim::report
