#include "serve/server.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <thread>

#include "experiment/attribute.hpp"
#include "experiment/ensemble.hpp"
#include "model/load.hpp"
#include "report/explain.hpp"
#include "report/poles.hpp"
#include "results/run_meta.hpp"
#include "serve/branch.hpp"

// Last: httplib.h pulls in <resolv.h>, whose `_res` macro breaks Eigen headers included after it.
#include <httplib.h>

namespace hedgesim::serve {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kMaxReplicates = 200;
constexpr int kDefaultReplicates = 8;

/// The models the server has read, one immutable ModelSpec per model directory, shared by every request
/// and thread: a request reads the directory's four files again (a few kilobytes, so that an edit is seen
/// at once) but parses and checks them only when their text changed.
class ModelCache {
 public:
  std::shared_ptr<const ModelSpec> get(const std::string& dir, const SourcePos& referenced_from) {
    ModelText text = read_model(dir, referenced_from);
    {
      const std::lock_guard lock(mutex_);
      const auto it = by_dir_.find(dir);
      if (it != by_dir_.end() && it->second.text.files == text.files) return it->second.spec;
    }
    auto spec = std::make_shared<const ModelSpec>(parse_model(text));  // outside the lock: it takes a while
    const std::lock_guard lock(mutex_);
    by_dir_.insert_or_assign(dir, Entry{std::move(text), spec});
    return spec;
  }

 private:
  struct Entry {
    ModelText text;
    std::shared_ptr<const ModelSpec> spec;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> by_dir_;
};

/// What every endpoint reads: the repository root (scenarios/ and web/), the model directory that
/// replaces the scenarios' own (`--model DIR`; empty: each scenario's), and the models read so far.
struct Site {
  fs::path root;
  std::vector<fs::path> own_dirs;  ///< the teacher's scenario directories (--scenarios), canonical
  std::string model_dir;
  int max_json_depth = 64;
  std::shared_ptr<ModelCache> models = std::make_shared<ModelCache>();

  /// The scenario file as the server runs it: with --model's directory, when given.
  Scenario scenario(const std::string& scenario_file) const {
    Scenario sc = load_scenario(scenario_file);
    if (!model_dir.empty()) sc.model_dir = model_dir;
    return sc;
  }
  std::shared_ptr<const ModelSpec> model_of(const Scenario& sc) const {
    return models->get(sc.model_dir, sc.model_pos);
  }
  CompiledModel load(const std::string& scenario_file) const {
    const Scenario sc = scenario(scenario_file);
    return compile(*model_of(sc), sc);
  }
};

// Request text is echoed in messages; a path in a query string need not be UTF-8.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(dump(body), "application/json");
}

/// Loader messages name files by the path the server opened; clients know them relative to the root.
std::string relative_to_root(std::string message, const std::string& root) {
  const std::string prefix = root + "/";
  for (std::size_t at = message.find(prefix); at != std::string::npos; at = message.find(prefix, at))
    message.erase(at, prefix.size());
  return message;
}

/// How the client names the scenarios of the teacher's i-th directory: "yours/", then "yours-2/", ... — a
/// prefix no shipped scenario has, so a teacher's file never hides a shipped one of the same name.
std::string own_prefix(std::size_t i) {
  return i == 0 ? "yours/" : "yours-" + std::to_string(i + 1) + "/";
}

/// The .toml files of `dir`, sorted, each as `prefix` + its name.
std::vector<std::string> toml_files(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      files.push_back(prefix + entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

/// Every scenario a client may name: the shipped ones ("scenarios/veto-2019.toml"), then the teacher's
/// ("yours/my-class.toml").
std::vector<std::string> scenario_files(const Site& site) {
  std::vector<std::string> files = toml_files(site.root / "scenarios", "scenarios/");
  for (std::size_t i = 0; i < site.own_dirs.size(); ++i)
    for (std::string& f : toml_files(site.own_dirs[i], own_prefix(i)))
      files.push_back(std::move(f));
  return files;
}

/// The file behind a client's scenario name, which must be one of scenario_files(): nothing else under the
/// root or the teacher's directories, let alone outside them, is ever opened.
std::string resolve_scenario(const Site& site, const std::string& requested) {
  const std::vector<std::string> files = scenario_files(site);
  const std::string allowed = "; the scenarios are " + join_quoted(files);
  const fs::path p(requested);
  if (requested.empty()) throw RequestError("no scenario given" + allowed);
  if (std::find(p.begin(), p.end(), fs::path("..")) != p.end())
    throw RequestError("scenario '" + requested + "' must not contain '..'" + allowed);
  std::error_code ec;
  const fs::path rel =
      p.is_absolute() ? fs::weakly_canonical(p, ec).lexically_relative(site.root) : p.lexically_normal();
  const std::string name = rel.generic_string();
  if (std::find(files.begin(), files.end(), name) == files.end())
    throw RequestError("unknown scenario '" + requested + "'" + did_you_mean(requested, files) + allowed);
  for (std::size_t i = 0; i < site.own_dirs.size(); ++i)
    if (name.rfind(own_prefix(i), 0) == 0)
      return (site.own_dirs[i] / name.substr(own_prefix(i).size())).string();
  return (site.root / rel).string();
}

json date_json(Date d) {
  return format_date(d);
}

json scenario_summary(const std::string& file, const CompiledModel& m) {
  return {{"file", file},
          {"name", m.scenario.name},
          {"title", m.scenario.title},
          {"start", date_json(m.scenario.start)},
          {"end", date_json(m.scenario.end)},
          {"steps", m.steps},
          {"step_days", m.params.step_days},
          {"seed", m.scenario.seed}};
}

json list_scenarios(const Site& site) {
  json out = json::array();
  for (const std::string& file : scenario_files(site)) {
    const std::string source = file.rfind("scenarios/", 0) == 0 ? "shipped" : "yours";
    try {
      out.push_back(scenario_summary(file, site.load(resolve_scenario(site, file))));
    } catch (const std::exception& e) {  // a broken file is listed with its error, not hidden
      out.push_back({{"file", file}, {"error", relative_to_root(e.what(), site.root.string())}});
    }
    out.back()["source"] = source;
  }
  return out;
}

/// An event type's actor_kinds / target_kinds as the file gives them: "hedger", "patron" or bloc ids.
std::vector<std::string> kind_list(const KindSelector& sel) {
  std::vector<std::string> out;
  if (sel.hedger) out.emplace_back("hedger");
  if (sel.any_patron) out.emplace_back("patron");
  if (sel.veto_player) out.emplace_back("veto_player");
  for (const std::string& b : sel.blocs)
    out.push_back(b);
  return out;
}

json agent_list(const CompiledModel& m) {
  json agents = json::array();
  for (int a = 0; a < m.n_agents; ++a) {
    agents.push_back({{"id", m.agent_ids[a]},
                      {"name", m.agent_names[a]},
                      {"seat", m.agent_seats[a]},
                      {"kind", kKindNames[static_cast<std::size_t>(m.agent_kinds[a])]}});
    if (m.agent_kinds[a] == Kind::patron) {
      agents.back()["bloc"] = m.agent_blocs[a];
      agents.back()["pole"] = m.pole_of(a);
      agents.back()["veto_player"] = static_cast<bool>(m.agent_veto_players[a]);
    }
  }
  return agents;
}

/// The variables as runs name them, with their ranges and meanings, the placeholders filled with this model's
/// names: a hedger's own variables, its relations to each patron ("engagement@RUS": "Russia's engagement with
/// the state"), then the patrons' variables.
json variable_list(const CompiledModel& m) {
  const report::Poles poles = report::poles_of(results::agents_of(m));
  json out = json::array();
  auto add = [&](const Slot& slot) {
    const VarInfo& v = info(slot.var);
    std::string meaning = report::fill_poles(v.meaning, poles);
    if (slot.patron >= 0 && meaning.rfind("the patron's ", 0) == 0)
      meaning = m.agent_names[slot.patron] + "'s " + meaning.substr(std::string("the patron's ").size());
    out.push_back(
        {{"name", slot.variable},
         {"kind", kKindNames[static_cast<std::size_t>(owner_kind(v.scope))]},
         {"scope",
          v.scope == Scope::dyad ? "dyad" : kKindNames[static_cast<std::size_t>(owner_kind(v.scope))]},
         {"min", v.lo},
         {"max", v.hi},
         {"meaning", meaning}});
  };
  for (const int row : m.agent_rows[0])  // every hedger carries the same names
    add(m.slots[row]);
  for (const int row : m.agent_rows[static_cast<std::size_t>(m.n_hedgers)])
    add(m.slots[row]);
  return out;
}

json describe_model(const std::string& file, const CompiledModel& m) {
  json event_types = json::array(), parameters = json::array();
  const json agents = agent_list(m);
  for (const EventTypeSpec& t : m.spec.event_types)
    event_types.push_back({{"name", t.id},
                           {"description", t.description},
                           {"actor_kinds", kind_list(t.actors)},
                           {"target_kinds", kind_list(t.targets)}});
  for (const ParameterSpec& p : m.spec.parameters)  // values with the scenario's overrides applied
    parameters.push_back({{"name", p.name},
                          {"value", p.value},
                          {"min", p.min},
                          {"max", p.max},
                          {"unit", p.unit},
                          {"meaning", p.description}});
  return {{"scenario", scenario_summary(file, m)},
          {"agents", agents},
          {"variables", variable_list(m)},
          {"event_types", event_types},
          {"parameters", parameters}};
}

/// One agent's mean over replicates of `v` per step, summed in replicate order (so that equal runs give
/// bit-equal means).
std::vector<double> mean_path(const CompiledModel& m, const std::vector<RunOutput>& runs, int row) {
  std::vector<double> path(static_cast<std::size_t>(m.steps) + 1, 0.0);
  for (int k = 0; k <= m.steps; ++k) {
    for (const RunOutput& r : runs)
      path[static_cast<std::size_t>(k)] += r.value(m, k, row);
    path[static_cast<std::size_t>(k)] /= static_cast<double>(runs.size());
  }
  return path;
}

std::vector<RunOutput> run_replicates(const CompiledModel& m, std::uint64_t seed, int replicates,
                                      bool attribution) {
  EnsembleOptions opt;
  opt.seed = seed;  // replicate r of baseline and branch both use stream (seed, r): common random numbers
  opt.replicates = replicates;
  opt.threads = 1;  // httplib's pool already spreads requests over the cores
  opt.attribution = attribution;
  return run_ensemble(m, opt);
}

/// Mean paths of every variable each agent carries: hedgers' as {variable: [hedger][step]}, the patrons'
/// under "patrons" as {agent: {variable: [step]}}.
json run_summary(const CompiledModel& m, std::uint64_t seed, int replicates) {
  const std::vector<RunOutput> runs = run_replicates(m, seed, replicates, false);
  json out = json::object(), patrons = json::object();
  // Every hedger carries the same names (its variables, then "<dyad>@<patron>" for every patron), so the
  // hedgers' paths line up in compiled order.
  for (int a = 0; a < m.n_agents; ++a)
    for (const int row : m.agent_rows[a]) {
      std::vector<double> path = mean_path(m, runs, row);
      if (m.agent_kinds[a] == Kind::hedger)
        out[m.slots[row].variable].push_back(std::move(path));
      else
        patrons[m.agent_ids[a]][m.slots[row].variable] = std::move(path);
    }
  out["patrons"] = patrons;
  return out;
}

json event_list(const Branch& b) {
  std::vector<std::size_t> order(b.added.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  const auto& events = b.branch.scenario.events;
  std::stable_sort(order.begin(), order.end(),
                   [&](auto x, auto y) { return events[x].date < events[y].date; });
  json out = json::array();
  for (std::size_t i : order)
    out.push_back({{"date", date_json(events[i].date)},
                   {"type", events[i].type},
                   {"actor", events[i].actor},
                   {"targets", events[i].targets},
                   {"label", events[i].label},
                   {"added", static_cast<bool>(b.added[i])}});
  return out;
}

json parse_body(const std::string& body, int max_depth) {
  check_json_depth(body, max_depth);  // nothing deeper reaches the parser or the code that walks the result
  try {
    json j = json::parse(body);
    if (!j.is_object())
      throw RequestError("the request body must be a JSON object, got " + std::string(j.type_name()));
    return j;
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number beyond a double ('1e400'): both are the body's fault.
    const std::string what = e.what();  // "[json.exception.parse_error.101] parse error at ..."
    throw RequestError("malformed JSON: " + what.substr(what.find(']') + 2));
  }
}

const std::vector<std::string> kRunKeys = {"scenario", "replicates", "seed", "parameters", "events"};
const std::vector<std::string> kExplainKeys = {"scenario", "replicates", "seed", "parameters",
                                               "events",   "agent",      "from", "to"};

void check_request_keys(const json& request, const std::vector<std::string>& keys) {
  for (const auto& [key, value] : request.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw RequestError("unknown key '" + key + "' in the request" + did_you_mean(key, keys) +
                         "; allowed keys: " + join_quoted(keys));
}

int replicates_of(const json& request) {
  if (!request.contains("replicates")) return kDefaultReplicates;
  const json& r = request["replicates"];
  if (!r.is_number_integer() || r.get<long long>() < 1 || r.get<long long>() > kMaxReplicates)
    throw RequestError("'replicates' must be a whole number from 1 to " + std::to_string(kMaxReplicates) +
                       ", got " + dump(r));
  return r.get<int>();
}

std::uint64_t seed_of(const json& request, const CompiledModel& m) {
  if (!request.contains("seed") || request["seed"].is_null()) return m.scenario.seed;
  const json& s = request["seed"];
  if (!s.is_number_unsigned())
    throw RequestError("'seed' must be a whole number from 0 to 2^64 - 1, got " + dump(s));
  return s.get<std::uint64_t>();
}

std::string scenario_of(const json& request) {
  if (!request.contains("scenario") || !request["scenario"].is_string())
    throw RequestError(
        "'scenario' must be a string naming a scenario file, e.g. \"scenarios/veto-2019.toml\"");
  return request["scenario"].get<std::string>();
}

/// A request's scenario and branch, checked and loaded: what /api/run and /api/explain share.
struct BranchRequest {
  json body;
  Branch branch;
  int replicates = kDefaultReplicates;
  std::uint64_t seed = 0;
};

BranchRequest parse_branch_request(const Site& site, const std::string& text,
                                   const std::vector<std::string>& keys) {
  BranchRequest r;
  r.body = parse_body(text, site.max_json_depth);
  check_request_keys(r.body, keys);
  const Scenario base = site.scenario(resolve_scenario(site, scenario_of(r.body)));
  r.replicates = replicates_of(r.body);
  const json none;
  r.branch =
      make_branch(base, *site.model_of(base), r.body.value("parameters", none), r.body.value("events", none));
  r.seed = seed_of(r.body, r.branch.baseline);
  return r;
}

json run_branch(const Site& site, const std::string& text) {
  const BranchRequest r = parse_branch_request(site, text, kRunKeys);
  const Branch& b = r.branch;
  json dates = json::array();
  for (int k = 0; k <= b.baseline.steps; ++k)
    dates.push_back(date_json(b.baseline.date_of_step(k)));
  const std::vector<std::string> hedgers(b.baseline.agent_ids.begin(),
                                         b.baseline.agent_ids.begin() + b.baseline.n_hedgers);
  return {{"dates", dates},
          {"agents", hedgers},
          {"seed", r.seed},
          {"replicates", r.replicates},
          {"baseline", run_summary(b.baseline, r.seed, r.replicates)},
          {"branch", run_summary(b.branch, r.seed, r.replicates)},
          {"events", event_list(b)}};
}

/// POST /api/save-branch: the branch (a request /api/run accepts) as a patch scenario file to download.
json save_branch(const Site& site, const std::string& text) {
  const BranchRequest r = parse_branch_request(site, text, kRunKeys);
  const Scenario& base = r.branch.baseline.scenario;
  const json none;
  return {{"file", base.name + "-branch.toml"},
          {"text",
           branch_patch_text(base, r.body.value("parameters", none), r.body.value("events", none), r.seed)}};
}

std::optional<Date> date_of(const json& request, const char* key) {
  if (!request.contains(key) || request[key].is_null()) return std::nullopt;
  const json& v = request[key];
  const std::optional<Date> d = v.is_string() ? parse_date(v.get<std::string>()) : std::nullopt;
  if (!d) throw RequestError("'" + std::string(key) + "' must be a date YYYY-MM-DD, got " + dump(v));
  return d;
}

/// What `hedgesim explain DIR --agent A --from F --to T` prints for a run of `m` with these replicates,
/// explained from the runs in memory.
std::string explanation(const CompiledModel& m, const BranchRequest& r, const report::ExplainOptions& what) {
  try {
    return report::explain(m, run_replicates(m, r.seed, r.replicates, true), what);
  } catch (const InputError& e) {  // explain's "--agent: ..." is the request's key 'agent' here
    std::string message = e.detail();
    if (message.rfind("--", 0) == 0 && message.find(':') != std::string::npos)
      message = "'" + message.substr(2, message.find(':') - 2) + "'" + message.substr(message.find(':'));
    throw RequestError(message);
  }
}

/// True when the request adds nothing, so that its branch is the scenario itself.
bool adds_nothing(const json& request) {
  const auto empty = [&](const char* key) { return !request.contains(key) || request[key].empty(); };
  return empty("events") && empty("parameters");
}

/// The request's 'agent', which must name an agent of the model.
std::string agent_of(const BranchRequest& r) {
  if (!r.body.contains("agent") || !r.body["agent"].is_string())
    throw RequestError("'agent' must be a string naming an agent, e.g. \"" + r.branch.baseline.agent_ids[0] +
                       "\"; the agents are " + join_quoted(r.branch.baseline.agent_ids));
  return r.body["agent"].get<std::string>();
}

json explain_branch(const Site& site, const std::string& text) {
  const BranchRequest r = parse_branch_request(site, text, kExplainKeys);
  report::ExplainOptions what;
  what.agent = agent_of(r);
  what.from = date_of(r.body, "from");
  what.to = date_of(r.body, "to");
  const std::string baseline = explanation(r.branch.baseline, r, what);
  return {{"agent", what.agent},
          {"from", what.from ? json(format_date(*what.from)) : json()},
          {"to", what.to ? json(format_date(*what.to)) : json()},
          {"baseline", baseline},
          {"branch", adds_nothing(r.body) ? baseline : explanation(r.branch.branch, r, what)}};
}

/// The page's attributions: exact Shapley values up to this many events, else kPagePermutations sampled
/// permutations, and at most kMaxAttributeRuns runs (about 5 s of one core on the 2019-2025 scenario).
constexpr int kPageExactLimit = 8;
constexpr int kPagePermutations = 20;
constexpr std::int64_t kMaxAttributeRuns = 100000;

json estimate_json(const Estimate& e) {
  return {{"value", e.value}, {"low", e.lo}, {"high", e.hi}};
}

/// POST /api/attribute: which events mattered to the agent's mean signal from 'from' to 'to' in the branch
/// (`hedgesim attribute` on the branch, its events dated up to 'to' the players: later ones cannot have moved
/// it), largest Shapley value first.
json attribute_branch(const Site& site, const std::string& text) {
  const BranchRequest r = parse_branch_request(site, text, kExplainKeys);
  const CompiledModel& m = r.branch.branch;
  MetricSpec metric;
  metric.name = "signal_mean";
  metric.agent = agent_of(r);
  metric.variable = "signal";
  metric.from = date_of(r.body, "from");
  metric.to = date_of(r.body, "to");
  for (const auto& [key, date] : {std::pair{"from", metric.from}, std::pair{"to", metric.to}})
    if (date && (*date < m.scenario.start || *date > m.scenario.end))
      throw RequestError("'" + std::string(key) + "': " + format_date(*date) +
                         " is outside the run; allowed: " + format_date(m.scenario.start) + " to " +
                         format_date(m.scenario.end));
  std::vector<MetricDef> metrics;
  try {
    metrics = resolve_metrics({metric}, m);
  } catch (const InputError& e) {  // the window: 'from' after 'to', or no recorded step between them
    throw RequestError("'from' to 'to': " + e.detail());
  }
  Scenario s = m.scenario;
  std::vector<std::size_t> later, kept;  // kept[k]: the k-th remaining event's index in the branch
  for (std::size_t i = 0; i < s.events.size(); ++i)
    (s.events[i].date > metrics[0].to ? later : kept).push_back(i);
  remove_events(s, later);
  if (s.events.empty())
    throw RequestError("no event happens up to " + format_date(metrics[0].to) + ": nothing to attribute");
  AttributeOptions opt;
  opt.replicates = std::max(2, r.replicates);
  opt.seed = r.seed;
  opt.exact_limit = kPageExactLimit;
  opt.permutations = kPagePermutations;
  opt.bootstrap = 500;
  const std::int64_t runs =
      attribute_coalitions(static_cast<std::int64_t>(s.events.size()), opt) * opt.replicates;
  if (runs > kMaxAttributeRuns)
    throw RequestError(std::to_string(s.events.size()) + " events up to " + format_date(metrics[0].to) +
                       " at " + std::to_string(opt.replicates) + " replicates take " + std::to_string(runs) +
                       " runs, more than the page's " + std::to_string(kMaxAttributeRuns) +
                       "; choose an earlier 'to' or fewer replicates, or run `hedgesim attribute`");
  const AttributeResult a = attribute(m.spec, s, metrics, opt);
  std::vector<std::size_t> order(a.players.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return std::abs(a.effect(x, 0).shapley.value) > std::abs(a.effect(y, 0).shapley.value);
  });
  json events = json::array();
  for (const std::size_t i : order) {
    const AttributeResult::Player& p = a.players[i];
    const EventEffect& e = a.effect(i, 0);
    events.push_back({{"id", p.id},
                      {"date", format_date(p.date)},
                      {"label", p.label},
                      {"added", static_cast<bool>(r.branch.added[kept[p.event]])},
                      {"knockout", estimate_json(e.knockout)},
                      {"shapley", estimate_json(e.shapley)},
                      {"interaction", estimate_json(e.interaction)}});
  }
  return {
      {"agent", metric.agent},
      {"from", format_date(metrics[0].from)},
      {"to", format_date(metrics[0].to)},
      {"metric", "mean signal"},
      {"method", a.exact ? "exact Shapley values over " + std::to_string(a.coalitions) + " coalitions"
                         : "Shapley values over " + std::to_string(a.permutations) + " sampled permutations"},
      {"replicates", opt.replicates},
      {"all_events", a.all[0]},
      {"no_events", a.none[0]},
      {"events", events}};
}

ApiAnswer refusal(const std::string& root, const std::string& message) {
  return {400, dump({{"error", relative_to_root(message, root)}})};
}

/// An endpoint's answer: its JSON with 200, a request it refuses (RequestError, InputError) as 400
/// {"error": message}. Any other exception is a bug, and propagates.
template <class F>
ApiAnswer answer_of(const std::string& root, F answer) {
  try {
    return {200, dump(answer())};
  } catch (const RequestError& e) {
    return refusal(root, e.what());
  } catch (const InputError& e) {
    return refusal(root, e.what());
  }
}

/// Wraps an endpoint: answer_of's answer, and any other failure as 400 {"error": message} too. Nothing a
/// request does may take the server down, so every exception stops here.
template <class F>
httplib::Server::Handler json_endpoint(const std::string& root, F answer) {
  return [root, answer](const httplib::Request& req, httplib::Response& res) {
    ApiAnswer a;
    try {
      a = answer_of(root, [&] { return answer(req); });
    } catch (const std::exception& e) {
      a = refusal(root, e.what());
    }
    res.status = a.status;
    res.set_content(a.body, "application/json");
  };
}

std::string query_scenario(const httplib::Request& req) {
  if (!req.has_param("scenario"))
    throw RequestError(
        "missing query parameter 'scenario', e.g. /api/model?scenario=scenarios/veto-2019.toml");
  return req.get_param_value("scenario");
}

/// Errors httplib produces itself (413, 404, ...) get a JSON body too; ours already have one.
void fill_error_body(const httplib::Request& req, httplib::Response& res, std::size_t max_body) {
  if (!res.body.empty()) return;
  std::string message;
  if (res.status == 413)
    message = "the request body is larger than " + std::to_string(max_body) + " bytes";
  else if (res.status == 404)
    message = "no such endpoint: " + req.method + " " + req.path +
              "; the API has GET /api/scenarios, GET /api/model?scenario=FILE, POST /api/run, "
              "POST /api/explain, POST /api/attribute and POST /api/save-branch";
  else
    message = "HTTP error " + std::to_string(res.status);
  send_json(res, res.status, {{"error", message}});
}

using Clock = std::chrono::steady_clock;

/// One of the max_running turns to run the model, held for a request's lifetime.
class Turn {
 public:
  explicit Turn(std::counting_semaphore<>& turns) : turns_(turns) { turns_.acquire(); }
  ~Turn() { turns_.release(); }
  Turn(const Turn&) = delete;
  Turn& operator=(const Turn&) = delete;

 private:
  std::counting_semaphore<>& turns_;
};

/// A connection's socket as httplib's Stream, with a deadline: every wait for bytes from the client is at
/// most the read timeout and ends at the deadline of the request under way, so that a client trickling its
/// headers cannot hold the connection (httplib's own stream restarts its timeout at every byte).
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int sock, const ServerLimits& limits) : sock_(sock), limits_(limits) {}

  /// A request begins: its line, headers and body must arrive within the limit from now.
  void start_request() { deadline_ = Clock::now() + std::chrono::seconds(limits_.request_seconds); }
  bool has_buffered() const { return at_ < size_; }

  bool is_readable() const override {
    if (has_buffered()) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    const long long wait = std::min<long long>(left, 1000LL * limits_.read_timeout_seconds);
    return wait > 0 && wait_for(POLLIN, static_cast<int>(wait));
  }
  bool is_writable() const override { return wait_for(POLLOUT, 1000 * limits_.write_timeout_seconds); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (!has_buffered()) {  // httplib reads headers a byte at a time: read ahead, as its own stream does
      if (!is_readable()) return -1;
      ssize_t n;
      do
        n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      at_ = 0;
      size_ = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, size_ - at_);
    std::memcpy(ptr, buffer_ + at_, n);
    at_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, std::size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(false, ip, port); }
  int socket() const override { return sock_; }

 private:
  bool wait_for(short events, int ms) const {
    pollfd p{sock_, events, 0};
    int r;
    do
      r = ::poll(&p, 1, ms);
    while (r < 0 && errno == EINTR);
    return r > 0;
  }
  void address(bool peer, std::string& ip, int& port) const {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    auto* sa = reinterpret_cast<sockaddr*>(&a);
    if ((peer ? ::getpeername(sock_, sa, &len) : ::getsockname(sock_, sa, &len)) != 0) return;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (::getnameinfo(sa, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
      return;
    ip = host;
    port = std::atoi(serv);
  }

  int sock_;
  const ServerLimits& limits_;
  Clock::time_point deadline_ = Clock::now();
  char buffer_[4096];
  std::size_t at_ = 0, size_ = 0;
};

/// Set by ConnectionThreads on the accepting thread when every connection thread is taken: the connection
/// it hands over is then answered 503 at once instead of waiting behind the others.
thread_local bool t_no_room = false;

/// httplib's task queue, replaced: a thread per connection, up to a limit (httplib's pool has 8 threads on
/// this machine, so 8 slow clients were enough to starve everyone), created as needed and kept for reuse.
class ConnectionThreads : public httplib::TaskQueue {
 public:
  explicit ConnectionThreads(std::size_t max) : max_(std::max<std::size_t>(1, max)) {}
  ~ConnectionThreads() override = default;

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    if (busy_ >= max_) {  // no room: the connection is refused (with 503) here, without blocking
      lock.unlock();
      t_no_room = true;
      fn();
      t_no_room = false;
      return;
    }
    ++busy_;
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_) threads_.emplace_back([this] { work(); });
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_)
      t.join();
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ++idle_;
      ready_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
      --busy_;
    }
  }

  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t busy_ = 0, idle_ = 0;
  bool stopping_ = false;
};

/// Closes refused connections gracefully (a "lingering close", as Apache httpd does): after the 503 the write
/// side is shut (the client sees the end of the answer) and whatever the client still sends, the rest of its
/// request and body, is read and thrown away until it closes or a second has passed. Closing at once with
/// unread data makes the kernel reset the connection, and a client still sending its body then fails with a
/// broken pipe before it ever reads the 503. One thread lingers for all refused sockets, so refusing never
/// waits on the accepting thread.
class LingeringCloser {
 public:
  LingeringCloser() : thread_([this] { run(); }) {}
  ~LingeringCloser() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    added_.notify_one();
    thread_.join();
    for (const Lingering& l : sockets_)
      ::close(l.sock);
  }
  LingeringCloser(const LingeringCloser&) = delete;
  LingeringCloser& operator=(const LingeringCloser&) = delete;

  /// Takes `sock` over: shuts its write side and closes it once the client is done or a second has passed.
  /// Beyond kMaxLingering sockets at once (a flood), it is closed at once.
  void close(int sock) {
    ::shutdown(sock, SHUT_WR);
    std::lock_guard lock(mutex_);
    if (stopping_ || sockets_.size() >= kMaxLingering) {
      ::close(sock);
      return;
    }
    sockets_.push_back({sock, Clock::now() + std::chrono::seconds(1)});
    added_.notify_one();
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Lingering {
    int sock;
    Clock::time_point until;
  };
  static constexpr std::size_t kMaxLingering = 256;

  void run() {
    std::vector<pollfd> fds;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        added_.wait(lock, [this] { return stopping_ || !sockets_.empty(); });
        if (stopping_) return;
        fds.clear();
        for (const Lingering& l : sockets_)
          fds.push_back({l.sock, POLLIN, 0});
      }
      ::poll(fds.data(), fds.size(), 20);
      std::vector<int> done;
      const auto now = Clock::now();
      {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < fds.size(); ++i) {
          if (fds[i].revents != 0 && !drain(fds[i].fd))
            done.push_back(fds[i].fd);
          else if (now >= sockets_[i].until)
            done.push_back(fds[i].fd);
        }
        std::erase_if(sockets_, [&](const Lingering& l) {
          return std::find(done.begin(), done.end(), l.sock) != done.end();
        });
      }
      for (int sock : done)
        ::close(sock);
    }
  }

  /// Reads and discards what has arrived; false once the client has closed (or the connection failed).
  static bool drain(int sock) {
    char scratch[4096];
    for (;;) {
      const ssize_t n = ::recv(sock, scratch, sizeof scratch, MSG_DONTWAIT);
      if (n > 0) continue;
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
  }

  std::mutex mutex_;
  std::condition_variable added_;
  std::vector<Lingering>
      sockets_;  ///< only run() removes entries, so fds[i] is sockets_[i] between its locks
  bool stopping_ = false;
  std::thread thread_;
};

/// httplib's server with its connection loop replaced (the library lets a subclass do that, as its own
/// SSLServer does): the deadline stream above, the per-client cap, and a 503 when there is no room.
class GuardedHttpServer : public httplib::Server {
 public:
  explicit GuardedHttpServer(const ServerLimits& limits) : limits_(limits) {
    new_task_queue = [this] { return new ConnectionThreads(limits_.max_connections); };
    set_read_timeout(limits.read_timeout_seconds);
    set_write_timeout(limits.write_timeout_seconds);
    set_keep_alive_timeout(limits.keep_alive_seconds);
    set_keep_alive_max_count(std::max<std::size_t>(1, limits.keep_alive_max_requests));
    // httplib sets SO_REUSEPORT, which lets a second server bind a port already in use and share (or steal)
    // its connections; SO_REUSEADDR alone allows a quick restart yet makes a busy port an error.
    set_socket_options([](int sock) {
      const int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
  }

 private:
  bool process_and_close_socket(int sock) override {
    DeadlineStream strm(sock, limits_);
    std::string ip;
    int port = 0;
    strm.get_remote_ip_and_port(ip, port);
    bool ret = false;
    if (t_no_room) {
      refuse(sock, "the server has " + std::to_string(limits_.max_connections) +
                       " connections open, its limit; try again in a moment");
      closer_.close(sock);
      return false;
    } else if (!admit(ip)) {
      refuse(sock, "too many connections from " + ip + " (at most " +
                       std::to_string(limits_.max_connections_per_client) +
                       " at once); close some and try again");
      closer_.close(sock);
      return false;
    } else {
      for (std::size_t count = keep_alive_max_count_; count > 0; --count) {
        if (!strm.has_buffered() && !next_request_arrives(sock)) break;
        strm.start_request();
        bool closed = false;
        ret = process_request(strm, count == 1, closed, nullptr);
        if (!ret || closed) break;
      }
      leave(ip);
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ret;
  }

  /// Waits up to the keep-alive timeout for the first byte of a request, watching for the server stopping.
  bool next_request_arrives(int sock) const {
    const auto until = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
    while (svr_sock_ != INVALID_SOCKET && Clock::now() < until) {
      pollfd p{sock, POLLIN, 0};
      const int r = ::poll(&p, 1, 100);
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
    return false;
  }

  bool admit(const std::string& ip) {
    std::lock_guard lock(clients_mutex_);
    std::size_t& n = clients_[ip];
    if (n >= limits_.max_connections_per_client) return false;
    ++n;
    return true;
  }
  void leave(const std::string& ip) {
    std::lock_guard lock(clients_mutex_);
    if (--clients_[ip] == 0) clients_.erase(ip);
  }

  /// 503 with a JSON error, written without waiting (the accepting thread may be the one writing).
  static void refuse(int sock, const std::string& why) {
    const std::string body = dump(json{{"error", why}});
    const std::string response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    [[maybe_unused]] const ssize_t n =
        ::send(sock, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  const ServerLimits limits_;
  LingeringCloser closer_;
  std::mutex clients_mutex_;
  std::map<std::string, std::size_t> clients_;
};

}  // namespace

bool is_wildcard_host(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

std::vector<std::string> addresses_to_open(const std::string& host) {
  if (host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1") return {"127.0.0.1"};
  if (!is_wildcard_host(host)) return {host};
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) != nullptr &&
        std::find(out.begin(), out.end(), text) == out.end())
      out.emplace_back(text);
  }
  ::freeifaddrs(list);
  return out;
}

void check_json_depth(const std::string& body, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  if (deepest > limit)
    throw RequestError("the request body is nested " + std::to_string(deepest) + " levels deep; at most " +
                       std::to_string(limit) + " allowed");
}

struct Server::Impl {
  explicit Impl(ServerOptions o) : options(std::move(o)), http(options.limits) {}
  ServerOptions options;
  GuardedHttpServer http;
};

namespace {

Site site_of(const ServerOptions& o) {
  Site site;
  site.root = fs::weakly_canonical(fs::absolute(o.root)).string();
  for (const std::string& dir : o.scenario_dirs)
    site.own_dirs.push_back(fs::weakly_canonical(fs::absolute(dir)));
  if (!o.model_dir.empty()) site.model_dir = fs::weakly_canonical(fs::absolute(o.model_dir)).string();
  site.max_json_depth = o.limits.max_json_depth;
  return site;
}

}  // namespace

ApiAnswer answer_post(const ServerOptions& options, const std::string& endpoint, const std::string& body) {
  const Site site = site_of(options);
  const std::string root = site.root.string();
  if (endpoint == "/api/run") return answer_of(root, [&] { return run_branch(site, body); });
  if (endpoint == "/api/explain") return answer_of(root, [&] { return explain_branch(site, body); });
  if (endpoint == "/api/attribute") return answer_of(root, [&] { return attribute_branch(site, body); });
  if (endpoint == "/api/save-branch") return answer_of(root, [&] { return save_branch(site, body); });
  throw RequestError("no such endpoint: POST " + endpoint);
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  const Site site = site_of(impl_->options);
  const std::string root = site.root.string();
  auto& http = impl_->http;
  http.set_payload_max_length(impl_->options.max_body_bytes);
  http.Get("/api/scenarios",
           json_endpoint(root, [site](const httplib::Request&) { return list_scenarios(site); }));
  http.Get("/api/model", json_endpoint(root, [site](const httplib::Request& req) {
             const std::string requested = query_scenario(req);
             return describe_model(requested, site.load(resolve_scenario(site, requested)));
           }));
  // Runs take the cores; a connection thread waits here for its turn, so at most max_running run at once.
  const auto turns =
      std::make_shared<std::counting_semaphore<>>(std::max(1, impl_->options.limits.max_running));
  http.Post("/api/run", json_endpoint(root, [site, turns](const httplib::Request& req) {
              const Turn turn(*turns);
              return run_branch(site, req.body);
            }));
  http.Post("/api/explain", json_endpoint(root, [site, turns](const httplib::Request& req) {
              const Turn turn(*turns);
              return explain_branch(site, req.body);
            }));
  http.Post("/api/attribute", json_endpoint(root, [site, turns](const httplib::Request& req) {
              const Turn turn(*turns);
              return attribute_branch(site, req.body);
            }));
  http.Post("/api/save-branch", json_endpoint(root, [site](const httplib::Request& req) {
              return save_branch(site, req.body);  // compiles, runs nothing: no turn needed
            }));
  // The teaching page, when the root has one: web/ is served as static files at /.
  if (const fs::path web = fs::path(root) / "web"; fs::is_directory(web))
    http.set_mount_point("/", web.string());
  const std::size_t max_body = impl_->options.max_body_bytes;
  http.set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    fill_error_body(req, res, max_body);
  });
}

Server::~Server() {
  stop();
}

int Server::bind_to_port() {
  // A client that hangs up before its answer is written must not kill the process with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  const ServerOptions& o = impl_->options;
  int port = o.port;
  if (o.port == 0)
    port = impl_->http.bind_to_any_port(o.host);
  else if (!impl_->http.bind_to_port(o.host, o.port))
    port = -1;
  if (port <= 0)
    throw InputError({}, "cannot listen on " + o.host + ":" + std::to_string(o.port) +
                             " (port in use, or not an address of this machine); try another --port");
  return port;
}

void Server::listen_after_bind() {
  impl_->http.listen_after_bind();
}

void Server::stop() {
  if (impl_->http.is_running()) impl_->http.stop();
}

}  // namespace hedgesim::serve
