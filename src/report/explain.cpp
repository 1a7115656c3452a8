// explain: reads what the run directory says about one agent (its values per step, the contributions that
// moved them, the labels of the events), sums the contributions over the window and writes the sentences.
// Reading (read_*) is kept apart from wording (the *_text and *_sentence functions) so that the arithmetic
// can be checked without reading prose, and the prose changed without touching the arithmetic.
#include "report/explain.hpp"
#include "report/poles.hpp"
#include "results/attribution.hpp"
#include "results/run_events.hpp"
#include "results/run_files.hpp"
#include "results/run_meta.hpp"
#include "results/trajectory.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "engine/mechanisms_catalog.hpp"
#include "model/input_error.hpp"
#include "model/spec.hpp"

namespace hedgesim::report {
namespace {

const SourcePos kCommandLine{"<command line>", 1, 0};

// A change smaller than this is rounding noise from summing doubles, not movement.
constexpr double kNoMovement = 1e-12;

// ---- Reading the run directory ----------------------------------------------------------------------------

/// One agent's values over time (summed over runs), plus what the whole trajectory says about the run.
struct History {
  std::string file;
  std::vector<std::string> agents;                  // every agent of the run, in the file's order
  std::vector<Date> step_dates;                     // the date of each step
  std::set<long long> runs;                         // run numbers present
  std::vector<std::string> variables;               // the agent's variables, in the file's order
  std::map<std::string, std::vector<double>> sums;  // variable -> per-step sum over runs
  std::map<std::string, std::vector<int>> counts;   // variable -> per-step number of runs seen

  bool carries(std::string_view variable) const { return sums.count(std::string(variable)) > 0; }
  double mean(const std::string& variable, std::size_t step) const {
    return sums.at(variable)[step] / counts.at(variable)[step];
  }
};

void record_step_date(History& h, std::vector<bool>& dated, std::size_t step,
                      const results::TrajectoryReader& row) {
  if (step >= h.step_dates.size()) {
    h.step_dates.resize(step + 1);
    dated.resize(step + 1, false);
  }
  if (dated[step]) return;
  h.step_dates[step] = row.date();
  dated[step] = true;
}

void record_value(History& h, const std::string& variable, std::size_t step, double value) {
  auto [it, inserted] = h.sums.try_emplace(variable);
  if (inserted) h.variables.push_back(variable);
  auto& counts = h.counts[variable];
  if (it->second.size() <= step) {
    it->second.resize(step + 1, 0.0);
    counts.resize(step + 1, 0);
  }
  it->second[step] += value;
  ++counts[step];
}

/// Every step has a date, dates increase, and the agent has a value of each variable at every step and run:
/// what the rest of explain relies on.
void check_history_complete(const History& h, const std::string& agent, const std::vector<bool>& dated) {
  for (std::size_t k = 0; k < dated.size(); ++k) {
    if (!dated[k])
      throw InputError({h.file, 0, 0},
                       "the file has no row for step " + std::to_string(k) + "; is it complete?");
    if (k > 0 && h.step_dates[k] <= h.step_dates[k - 1])
      throw InputError({h.file, 0, 0},
                       "the date of step " + std::to_string(k) +
                           " is not after the date of the step before; steps must go forward");
  }
  for (const auto& v : h.variables) {
    const auto& counts = h.counts.at(v);
    for (std::size_t k = 0; k < h.step_dates.size(); ++k)
      if (k >= counts.size() || counts[k] != static_cast<int>(h.runs.size()))
        throw InputError({h.file, 0, 0}, "the file lacks " + agent + "'s " + v + " at step " +
                                             std::to_string(k) + " in some run; is it complete?");
  }
}

History read_history(const std::string& dir, const std::string& agent) {
  results::TrajectoryReader row(dir, results::TrajectoryReader::Kind::runs);
  History h;
  h.file = row.file();
  std::unordered_set<std::string> seen;
  std::vector<bool> dated;
  while (row.next()) {
    const std::string& id = row.agent();
    if (seen.insert(id).second) h.agents.push_back(id);
    const std::size_t step = row.step();
    record_step_date(h, dated, step, row);
    h.runs.insert(row.run());
    if (id == agent) record_value(h, row.variable(), step, row.value());
  }
  if (h.step_dates.empty()) throw InputError({h.file, 0, 0}, "the file has no rows; did the run finish?");
  if (!h.sums.empty()) check_history_complete(h, agent, dated);
  return h;
}

void check_agent_known(const History& h, const std::string& agent) {
  if (!h.sums.empty()) return;
  throw InputError(kCommandLine, "--agent: '" + agent + "' is not an agent of this run; its agents are " +
                                     join_quoted(h.agents) + did_you_mean(agent, h.agents));
}

/// Steps [first, last]: the values at `first` and `last`, and the changes of steps first+1 ... last.
struct Window {
  std::size_t first = 0, last = 0;
};

std::string run_range_text(const std::vector<Date>& dates) {
  return format_date(dates.front()) + " to " + format_date(dates.back());
}

void check_inside_run(const std::vector<Date>& dates, Date d, const char* flag) {
  if (d < dates.front() || d > dates.back())
    throw InputError(kCommandLine, std::string(flag) + ": " + format_date(d) +
                                       " is outside the run, which covers " + run_range_text(dates) +
                                       "; give a date in that range");
}

Window resolve_window(const std::vector<Date>& dates, std::optional<Date> from, std::optional<Date> to) {
  if (from) check_inside_run(dates, *from, "--from");
  if (to) check_inside_run(dates, *to, "--to");
  if (from && to && *from > *to)
    throw InputError(kCommandLine, "--from " + format_date(*from) + " is after --to " + format_date(*to) +
                                       "; give --from on or before --to (the run covers " +
                                       run_range_text(dates) + ")");
  Window w{0, dates.size() - 1};
  // Widen to whole steps: the last step dated on or before `from`, the first dated on or after `to`.
  if (from)
    w.first =
        static_cast<std::size_t>(std::upper_bound(dates.begin(), dates.end(), *from) - dates.begin()) - 1;
  if (to)
    w.last = static_cast<std::size_t>(std::lower_bound(dates.begin(), dates.end(), *to) - dates.begin());
  return w;
}

/// variable -> source -> delta summed over the window's steps and averaged over runs.
using results::AttributionSource;
using Sources = std::map<AttributionSource, double>;  // ordered by the source's text

struct Contributions {
  std::map<std::string, Sources> by_variable;
  bool file_is_empty = true;  // `hedgesim run --no-attribution` writes the header only
};

Contributions read_contributions(const std::string& dir, const std::string& agent,
                                 const std::vector<std::string>& variables, Window w, std::size_t runs) {
  results::AttributionReader row(dir);
  Contributions out;
  for (const auto& v : variables)
    out.by_variable[v];
  while (row.next()) {
    out.file_is_empty = false;
    if (row.agent() != agent) continue;
    const auto it = out.by_variable.find(row.variable());
    if (it == out.by_variable.end()) continue;
    const std::size_t step = row.step();
    if (step <= w.first || step > w.last) continue;
    it->second[row.source()] += row.delta();
  }
  // Rows with a zero contribution are left out of the file, so the mean divides by the number of runs.
  for (auto& [variable, sources] : out.by_variable)
    for (auto& [source, delta] : sources)
      delta /= static_cast<double>(runs);
  return out;
}

using results::EventRow;

/// The labels of the events by (type, actor, date); the label of the row aimed at the agent wins.
class EventLabels {
 public:
  EventLabels(const std::vector<EventRow>& rows, const std::string& agent) {
    for (bool aimed_at_agent : {true, false})
      for (const EventRow& row : rows)
        if ((row.target == agent) == aimed_at_agent)
          labels_.try_emplace(key(row.type, row.actor, format_date(row.date)), row.label);
  }
  const std::string* find(std::string_view type, std::string_view actor, std::string_view date) const {
    const auto it = labels_.find(key(type, actor, date));
    return it == labels_.end() ? nullptr : &it->second;
  }

 private:
  static std::string key(std::string_view type, std::string_view actor, std::string_view date) {
    return std::string(type) + '\n' + std::string(actor) + '\n' + std::string(date);
  }
  std::map<std::string, std::string> labels_;
};

/// "Name (ID)" from meta.json when it names the agent; only decoration, so a missing or odd meta.json just
/// leaves the id.
std::string agent_title(const std::string& dir, const std::string& agent) {
  try {
    const results::RunMeta meta = results::read_run_meta(dir);
    if (const results::RunAgent* a = meta.find(agent)) return a->name + " (" + agent + ")";
  } catch (const std::exception&) {
  }
  return agent;
}

// ---- The same from a run in memory ----------------------------------------------------------------------
// What the files of `hedgesim run` would say, taken from the runs themselves: the same values in the same
// order (the files hold each double exactly), so the sums, and the text, are the same to the bit.

History history_in_memory(const CompiledModel& m, const std::vector<RunOutput>& runs,
                          const std::string& agent) {
  History h;
  h.agents = m.agent_ids;
  for (int k = 0; k <= m.steps; ++k)
    h.step_dates.push_back(m.date_of_step(k));
  for (std::size_t r = 0; r < runs.size(); ++r)
    h.runs.insert(static_cast<long long>(r));
  const auto a = std::find(m.agent_ids.begin(), m.agent_ids.end(), agent);
  if (a == m.agent_ids.end()) return h;
  const int ai = static_cast<int>(a - m.agent_ids.begin());
  for (const RunOutput& run : runs)
    for (int k = 0; k <= m.steps; ++k)
      for (const int row : m.agent_rows[ai])
        record_value(h, m.slots[row].variable, static_cast<std::size_t>(k), run.value(m, k, row));
  return h;
}

Contributions contributions_in_memory(const CompiledModel& m, const std::vector<RunOutput>& runs,
                                      const std::string& agent, const std::vector<std::string>& variables,
                                      Window w) {
  Contributions out;
  for (const auto& v : variables)
    out.by_variable[v];
  for (const RunOutput& run : runs)
    for (const AttributionEntry& e : run.attribution) {
      out.file_is_empty = false;
      const Slot& slot = m.slots[e.row];
      if (m.agent_ids[slot.agent] != agent) continue;
      const auto it = out.by_variable.find(slot.variable);
      if (it == out.by_variable.end()) continue;
      const auto step = static_cast<std::size_t>(e.step);
      if (step <= w.first || step > w.last) continue;
      it->second[results::attribution_source_of(m, e.source)] += e.delta;
    }
  for (auto& [variable, sources] : out.by_variable)
    for (auto& [source, delta] : sources)
      delta /= static_cast<double>(runs.size());
  return out;
}

std::string agent_title_in_memory(const CompiledModel& m, const std::string& agent) {
  for (int a = 0; a < m.n_agents; ++a)
    if (m.agent_ids[a] == agent) return m.agent_names[a] + " (" + agent + ")";
  return agent;
}

Poles poles_in_memory(const CompiledModel& m) {
  return poles_of(results::agents_of(m));
}

// ---- Wording ----------------------------------------------------------------------------------------------

/// 2-3 significant digits, e.g. "+0.12", "-0.0053", "31"; `sign` adds '+' to positive numbers.
std::string number_text(double x, bool sign) {
  if (std::abs(x) < 5e-7) return "0";
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(std::abs(x)))), 0, 6);
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, x);
  return buf;
}

std::string percent_text(double share) {
  if (share < 0.005) return "<1 %";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f %%", 100.0 * share);
  return buf;
}

/// The variable of an output name: "engagement@RUS" is a dyad variable's row of the hedger.
const VarInfo* var_info(std::string_view name) {
  name = name.substr(0, name.find('@'));
  for (const auto& v : kVarInfo)
    if (v.name == name) return &v;
  return nullptr;
}

/// Signal and substance run from -1 to +1, so their values carry a sign; the 0 ... 1 variables do not.
bool signed_values(std::string_view variable) {
  const VarInfo* v = var_info(variable);
  return v != nullptr && v->lo < 0;
}

std::string direction_text(std::string_view variable, double delta) {
  if (std::abs(delta) <= kNoMovement) return "no change";
  const bool up = delta > 0;
  if (variable == "signal") return up ? "toward {west_seats}" : "toward {rival_seat}";
  if (variable == "substance") return up ? "toward stronger western ties" : "toward weaker western ties";
  return up ? "upward" : "downward";
}

std::string capitalized(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string variable_title(const std::string& variable) {
  const VarInfo* v = var_info(variable);
  return capitalized(variable) + (v ? ", " + std::string(v->meaning) + "," : std::string());
}

std::string event_cause_text(const AttributionSource& e, const EventLabels& labels, Date window_start) {
  const std::string date = e.date ? format_date(*e.date) : e.text.substr(e.text.rfind(':') + 1);
  const std::string* label = labels.find(e.type, e.actor, date);
  const std::string what = label ? "the event of " + date + ": " + *label
                                 : "the event '" + e.type + "' by " + e.actor + " on " + date;
  // The event acted before the window, so what is left of it here is its transient effect fading away.
  if (e.date && *e.date < window_start) return "the fading after-effect of " + what;
  return what;
}

/// Completes "... because of <cause>".
std::string cause_text(const AttributionSource& source, const EventLabels& labels, Date window_start) {
  switch (source.kind) {
    case AttributionSource::Kind::mechanism:
      if (!source.mechanism) return "the mechanism '" + source.name + "'";
      return std::string(info(*source.mechanism).plain) + " (ODD eq. " +
             std::string(info(*source.mechanism).equation) + ")";
    case AttributionSource::Kind::event:
      return event_cause_text(source, labels, window_start);
    case AttributionSource::Kind::bounds:
      return "reaching the edge of its allowed range, where it is held (clipping)";
    case AttributionSource::Kind::other:
      break;
  }
  return "'" + source.text + "'";
}

struct Contribution {
  AttributionSource source;
  double delta = 0.0;
};

std::vector<Contribution> largest_first(const Sources& sources) {
  std::vector<Contribution> out;
  for (const auto& [source, delta] : sources)
    if (std::abs(delta) > kNoMovement) out.push_back({source, delta});
  std::stable_sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) {
    return std::abs(a.delta) > std::abs(b.delta);
  });
  return out;
}

struct Context {
  const History& history;
  const EventLabels& labels;
  Window window;
  int top = 5;
  bool attribution_empty = false;
};

std::string change_sentence(const Context& c, const std::string& variable) {
  const double start = c.history.mean(variable, c.window.first),
               end = c.history.mean(variable, c.window.last);
  const bool sign = signed_values(variable);
  std::string s = variable_title(variable) + " went from " + number_text(start, sign) + " to " +
                  number_text(end, sign) + ": ";
  if (std::abs(end - start) <= kNoMovement) return s + "no change.\n";
  return s + "a change of " + number_text(end - start, true) + ", " + direction_text(variable, end - start) +
         ".\n";
}

std::string contributions_text(const Context& c, const std::string& variable, const Sources& sources) {
  const std::vector<Contribution> ranked = largest_first(sources);
  if (c.attribution_empty)
    return "attribution.csv holds no contributions: the run was made with --no-attribution. Run it again "
           "without that option to see what moved it.\n";
  if (ranked.empty()) {
    const bool moved = std::abs(c.history.mean(variable, c.window.last) -
                                c.history.mean(variable, c.window.first)) > kNoMovement;
    return moved ? "attribution.csv has no contribution to it in this window.\n"
                 : "Nothing moved it in this window.\n";
  }
  double gross = 0.0;
  for (const auto& r : ranked)
    gross += std::abs(r.delta);
  std::string s =
      "What moved it, largest first (the share is of all the pushes and pulls, in either direction):\n";
  const std::size_t named = std::min(ranked.size(), static_cast<std::size_t>(c.top));
  for (std::size_t i = 0; i < named; ++i) {
    const Contribution& r = ranked[i];
    s += "  " + std::to_string(i + 1) + ". " + number_text(r.delta, true) + " " +
         direction_text(variable, r.delta) + " (" + percent_text(std::abs(r.delta) / gross) +
         " of the movement) because of " +
         cause_text(r.source, c.labels, c.history.step_dates[c.window.first]) + ".\n";
  }
  if (ranked.size() > named) {
    double rest = 0.0;
    for (std::size_t i = named; i < ranked.size(); ++i)
      rest += ranked[i].delta;
    const std::size_t n = ranked.size() - named;
    s += "  The other " + std::to_string(n) + (n == 1 ? " contribution adds" : " smaller contributions add") +
         " up to " + number_text(rest, true) + ".\n";
  }
  return s;
}

/// The model's central claim, checked on this window: visible gestures (signal) move far more than
/// substance.
std::string ratio_sentence(double d_signal, double d_substance) {
  const bool signal_moved = std::abs(d_signal) > kNoMovement,
             substance_moved = std::abs(d_substance) > kNoMovement;
  const std::string sig = number_text(d_signal, true), sub = number_text(d_substance, true);
  if (signal_moved && substance_moved) {
    const double ratio = std::abs(d_signal) / std::abs(d_substance);
    // "Barely moves" is said only where it is true: over years, substance can move as much as the signal.
    if (ratio >= 3.0)
      return "The signal moved " + number_text(ratio, false) + " times as much as the substance (" + sig +
             " against " + sub + "): gestures are signals; substance barely moves.\n";
    if (ratio >= 1.0)
      return "The signal moved " + number_text(ratio, false) + " times as much as the substance (" + sig +
             " against " + sub +
             "): over this window substance kept pace, as it does over years of "
             "accession and sunk commitments, not weeks of gestures.\n";
    return "This time the substance moved " + number_text(1.0 / ratio, false) +
           " times as much as the signal (" + sub + " against " + sig +
           "), which is unusual in this model, where gestures are cheap and substance is "
           "sticky.\n";
  }
  if (signal_moved)
    return "The substance did not move at all while the signal moved by " + sig +
           ": gestures are signals; substance barely moves.\n";
  if (substance_moved) return "The signal did not move at all while the substance moved by " + sub + ".\n";
  return "";
}

/// "grievance toward the West 0.17 (+0.074 over the window)" for each of grievance and courting the agent
/// has.
std::string end_state_sentence(const Context& c) {
  std::string parts;
  for (const char* variable : {"grievance", "courting"}) {
    if (!c.history.carries(variable)) continue;
    const double end = c.history.mean(variable, c.window.last);
    const double change = end - c.history.mean(variable, c.window.first);
    const VarInfo* v = var_info(variable);
    if (!parts.empty()) parts += "; ";
    const std::string how = std::abs(change) <= kNoMovement ? "unchanged" : number_text(change, true);
    parts += std::string(v ? v->meaning : variable) + " " + number_text(end, false) + " (" + how +
             " over the window)";
  }
  if (parts.empty()) return "";
  return "At the end of the window (" + format_date(c.history.step_dates[c.window.last]) + "): " + parts +
         ".\n";
}

std::string heading(const Context& c, const std::string& title, const ExplainOptions& o) {
  const auto& dates = c.history.step_dates;
  const Window w = c.window;
  std::string s = title + ", " + format_date(dates[w.first]) + " to " + format_date(dates[w.last]) +
                  " (steps " + std::to_string(w.first) + " to " + std::to_string(w.last);
  if (w.first == 0 && w.last + 1 == dates.size()) s += ", the whole run";
  s += ").\n";
  const bool widened = (o.from && *o.from != dates[w.first]) || (o.to && *o.to != dates[w.last]);
  if (widened)
    s += "The window was widened to whole steps of the run to cover " +
         format_date(o.from.value_or(dates[w.first])) + " to " + format_date(o.to.value_or(dates[w.last])) +
         ".\n";
  const std::size_t runs = c.history.runs.size();
  if (runs > 1)
    s += "Values are means over " + std::to_string(runs) +
         " runs, and each contribution is its mean over the runs.\n";
  return s;
}

// ---- Indirect effects
// -----------------------------------------------------------------------------------------

/// The agent's variables a mechanism reads (its catalogue `inputs`, a dyad name standing for every
/// "<name>@<patron>" row the agent carries), in the history's order.
std::vector<std::string> inputs_of(const History& h, Mechanism m) {
  std::vector<std::string> names;
  std::string_view list = info(m).inputs;
  while (!list.empty()) {
    const auto comma = list.find(',');
    names.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  std::vector<std::string> out;
  for (const std::string& v : h.variables)
    for (const std::string& n : names)
      if (v == n || v.starts_with(n + "@")) out.push_back(v);
  return out;
}

/// A mechanism's inputs that moved over the window by at least this much are followed.
constexpr double kIndirectThreshold = 1e-3;

/// For the largest mechanism behind each explained variable: which of its inputs moved over the window, by
/// how much, and what moved each most (an event, or another mechanism whose inputs are followed in turn, up
/// to `depth` links): the chain from an event to the variable, e.g. a veto -> grievance -> the leader's
/// choice -> courting -> the signal.
template <class ReadContributions>
std::string indirect_text(const Context& c, const std::string& variable, const AttributionSource& source,
                          ReadContributions& read, int depth, const std::string& indent,
                          std::set<std::string>& seen) {
  const std::optional<Mechanism> m = source.mechanism;
  if (depth == 0 || !m) return "";
  // The inputs that moved, largest change first.
  std::vector<std::pair<std::string, double>> moved;
  for (const std::string& input : inputs_of(c.history, *m)) {
    if (input == variable || seen.count(input)) continue;
    const double change = c.history.mean(input, c.window.last) - c.history.mean(input, c.window.first);
    if (std::abs(change) >= kIndirectThreshold) moved.emplace_back(input, change);
  }
  std::stable_sort(moved.begin(), moved.end(),
                   [](const auto& a, const auto& b) { return std::abs(a.second) > std::abs(b.second); });
  std::string text;
  for (const auto& [input, change] : moved) {
    if (!seen.insert(input).second) continue;
    const Contributions ci = read(std::vector<std::string>{input}, c.window);
    const std::vector<Contribution> ranked = largest_first(ci.by_variable.at(input));
    text += indent + "- which reads " + input + ": " + number_text(change, true) + " over the window";
    if (!ranked.empty()) {
      text += ", mostly because of " +
              cause_text(ranked.front().source, c.labels, c.history.step_dates[c.window.first]) + " (" +
              number_text(ranked.front().delta, true) + ")";
    }
    text += ";\n" + (ranked.empty() ? std::string()
                                    : indirect_text(c, input, ranked.front().source, read, depth - 1,
                                                    indent + "  ", seen));
  }
  return text;
}

template <class ReadContributions>
std::string indirect_section(const Context& c, const std::vector<std::string>& variables,
                             const Contributions& contributions, ReadContributions& read) {
  if (c.attribution_empty) return "";
  std::string text;
  for (const std::string& v : variables) {
    const std::vector<Contribution> ranked = largest_first(contributions.by_variable.at(v));
    if (ranked.empty() || ranked.front().source.kind != AttributionSource::Kind::mechanism) continue;
    std::set<std::string> seen = {v};
    const std::string chain = indirect_text(c, v, ranked.front().source, read, 3, "  ", seen);
    if (chain.empty()) continue;
    text += "The largest push on " + v + " came through " +
            cause_text(ranked.front().source, c.labels, c.history.step_dates[c.window.first]) + ",\n" + chain;
  }
  if (text.empty()) return "";
  return "Indirect effects (what drove the largest mechanism, and what drove that, up to three links):\n" +
         text;
}

/// Signal and substance for a hedger; whatever the agent carries otherwise (a patron's detente, the rival's
/// attention).
std::vector<std::string> variables_to_explain(const History& h) {
  if (h.carries("signal") && h.carries("substance")) return {"signal", "substance"};
  return h.variables;
}

/// The explanation once the agent's history is known, wherever it was read from:
/// `read_contributions(variables, window)` sums what moved each variable over the window.
template <class ReadContributions>
std::string explain_history(const ExplainOptions& o, const History& history,
                            ReadContributions read_contributions, const std::vector<EventRow>& events,
                            const std::string& title, const Poles& poles) {
  check_agent_known(history, o.agent);
  const Window window = resolve_window(history.step_dates, o.from, o.to);
  const std::vector<std::string> variables = variables_to_explain(history);
  const Contributions contributions = read_contributions(variables, window);
  const EventLabels labels(events, o.agent);
  const Context c{history, labels, window, o.top, contributions.file_is_empty};

  std::string text = heading(c, title, o);
  for (const auto& v : variables)
    text += "\n" + change_sentence(c, v) + contributions_text(c, v, contributions.by_variable.at(v));
  if (history.carries("signal") && history.carries("substance")) {
    const auto change = [&](const char* v) {
      return history.mean(v, window.last) - history.mean(v, window.first);
    };
    const std::string ratio = ratio_sentence(change("signal"), change("substance"));
    if (!ratio.empty()) text += "\n" + ratio;
  }
  const std::string indirect = indirect_section(c, variables, contributions, read_contributions);
  if (!indirect.empty()) text += "\n" + indirect;
  const std::string end_state = end_state_sentence(c);
  if (!end_state.empty()) text += "\n" + end_state;
  return fill_poles(text, poles);
}

void check_top(const ExplainOptions& o) {
  if (o.top < 1)
    throw InputError(kCommandLine, "--top: " + std::to_string(o.top) + " is too small; give 1 or more");
}

}  // namespace

std::string explain(const ExplainOptions& o) {
  check_top(o);
  const History history = read_history(o.dir, o.agent);
  auto contributions = [&](const std::vector<std::string>& variables, Window w) {
    return read_contributions(o.dir, o.agent, variables, w, history.runs.size());
  };
  return explain_history(o, history, contributions, results::read_event_rows(o.dir),
                         agent_title(o.dir, o.agent), read_poles(o.dir));
}

std::string explain(const CompiledModel& m, const std::vector<RunOutput>& runs, const ExplainOptions& o) {
  check_top(o);
  if (runs.empty()) throw std::invalid_argument("explain: no runs");
  const History history = history_in_memory(m, runs, o.agent);
  auto contributions = [&](const std::vector<std::string>& variables, Window w) {
    return contributions_in_memory(m, runs, o.agent, variables, w);
  };
  return explain_history(o, history, contributions, results::event_rows_of(m),
                         agent_title_in_memory(m, o.agent), poles_in_memory(m));
}

}  // namespace hedgesim::report
