#include "serve/server.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "experiment/ensemble.hpp"
#include "model/load.hpp"
#include "serve/branch.hpp"

// Last: httplib.h pulls in <resolv.h>, whose `_res` macro breaks Eigen headers included after it.
#include <httplib.h>

namespace hedgesim::serve {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kMaxReplicates = 200;
constexpr int kDefaultReplicates = 8;

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

/// The shipped scenarios as the client names them ("scenarios/veto-2019.toml"), sorted.
std::vector<std::string> scenario_files(const fs::path& root) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root / "scenarios", ec))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      files.push_back("scenarios/" + entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

/// The file behind a client's scenario name, which must be one of scenario_files(): nothing else under the
/// root, let alone outside it, is ever opened.
std::string resolve_scenario(const fs::path& root, const std::string& requested) {
  const std::vector<std::string> files = scenario_files(root);
  const std::string allowed = "; the scenarios are " + join_quoted(files);
  const fs::path p(requested);
  if (requested.empty()) throw RequestError("no scenario given" + allowed);
  if (std::find(p.begin(), p.end(), fs::path("..")) != p.end())
    throw RequestError("scenario '" + requested + "' must not contain '..'" + allowed);
  std::error_code ec;
  const fs::path rel =
      p.is_absolute() ? fs::weakly_canonical(p, ec).lexically_relative(root) : p.lexically_normal();
  if (std::find(files.begin(), files.end(), rel.generic_string()) == files.end())
    throw RequestError("unknown scenario '" + requested + "'" + did_you_mean(requested, files) + allowed);
  return (root / rel).string();
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

json list_scenarios(const fs::path& root) {
  json out = json::array();
  for (const std::string& file : scenario_files(root)) {
    try {
      out.push_back(scenario_summary(file, load_and_compile((root / file).string())));
    } catch (const std::exception& e) {  // a broken file is listed with its error, not hidden
      out.push_back({{"file", file}, {"error", relative_to_root(e.what(), root.string())}});
    }
  }
  return out;
}

std::vector<std::string> kind_list(const std::vector<Kind>& kinds) {
  std::vector<std::string> out;
  for (Kind k : kinds)
    out.emplace_back(kKindNames[static_cast<std::size_t>(k)]);
  return out;
}

json describe_model(const std::string& file, const CompiledModel& m) {
  json agents = json::array(), event_types = json::array(), parameters = json::array();
  for (int a = 0; a < m.n_agents; ++a)
    agents.push_back({{"id", m.agent_ids[a]},
                      {"name", m.agent_names[a]},
                      {"kind", kKindNames[static_cast<std::size_t>(m.agent_kinds[a])]}});
  for (const EventTypeSpec& t : m.spec.event_types)
    event_types.push_back({{"name", t.id},
                           {"description", t.description},
                           {"actor_kinds", kind_list(t.actor_kinds)},
                           {"target_kinds", kind_list(t.target_kinds)}});
  for (const ParameterSpec& p : m.spec.parameters)  // values with the scenario's overrides applied
    parameters.push_back({{"name", p.name},
                          {"value", p.value},
                          {"min", p.min},
                          {"max", p.max},
                          {"unit", p.unit},
                          {"meaning", p.description}});
  return {{"scenario", scenario_summary(file, m)},
          {"agents", agents},
          {"event_types", event_types},
          {"parameters", parameters}};
}

/// Per hedger, per step: the mean over replicates of `v`, summed in replicate order (so that equal runs give
/// bit-equal means).
json mean_paths(const CompiledModel& m, const std::vector<RunOutput>& runs, Var v) {
  json out = json::array();
  for (int a = 0; a < m.n_hedgers; ++a) {
    std::vector<double> path(static_cast<std::size_t>(m.steps) + 1, 0.0);
    for (int k = 0; k <= m.steps; ++k) {
      for (const RunOutput& r : runs)
        path[static_cast<std::size_t>(k)] += r.value(m, k, v, a);
      path[static_cast<std::size_t>(k)] /= static_cast<double>(runs.size());
    }
    out.push_back(path);
  }
  return out;
}

json run_summary(const CompiledModel& m, std::uint64_t seed, int replicates) {
  EnsembleOptions opt;
  opt.seed = seed;  // replicate r of baseline and branch both use stream (seed, r): common random numbers
  opt.replicates = replicates;
  opt.threads = 1;  // httplib's pool already spreads requests over the cores
  opt.attribution = false;
  const std::vector<RunOutput> runs = run_ensemble(m, opt);
  return {{"signal", mean_paths(m, runs, Var::signal)}, {"substance", mean_paths(m, runs, Var::substance)}};
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

json parse_body(const std::string& body) {
  try {
    json j = json::parse(body);
    if (!j.is_object())
      throw RequestError("the request body must be a JSON object, got " + std::string(j.type_name()));
    return j;
  } catch (const json::parse_error& e) {
    const std::string what = e.what();  // "[json.exception.parse_error.101] parse error at ..."
    throw RequestError("malformed JSON: " + what.substr(what.find(']') + 2));
  }
}

void check_request_keys(const json& request) {
  const std::vector<std::string> keys = {"scenario", "replicates", "seed", "parameters", "events"};
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

json run_branch(const fs::path& root, const std::string& body) {
  const json request = parse_body(body);
  check_request_keys(request);
  const std::string path = resolve_scenario(root, scenario_of(request));
  const int replicates = replicates_of(request);
  const json none;
  const Branch b = make_branch(path, request.value("parameters", none), request.value("events", none));
  const std::uint64_t seed = seed_of(request, b.baseline);
  json dates = json::array();
  for (int k = 0; k <= b.baseline.steps; ++k)
    dates.push_back(date_json(b.baseline.date_of_step(k)));
  const std::vector<std::string> hedgers(b.baseline.agent_ids.begin(),
                                         b.baseline.agent_ids.begin() + b.baseline.n_hedgers);
  return {{"dates", dates},
          {"agents", hedgers},
          {"seed", seed},
          {"replicates", replicates},
          {"baseline", run_summary(b.baseline, seed, replicates)},
          {"branch", run_summary(b.branch, seed, replicates)},
          {"events", event_list(b)}};
}

/// Wraps an endpoint: its JSON answer with 200, any failure as 400 {"error": message}. Nothing a request
/// does may take the server down, so every exception stops here.
template <class F>
httplib::Server::Handler json_endpoint(const std::string& root, F answer) {
  return [root, answer](const httplib::Request& req, httplib::Response& res) {
    try {
      send_json(res, 200, answer(req));
    } catch (const std::exception& e) {
      send_json(res, 400, {{"error", relative_to_root(e.what(), root)}});
    }
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
              "; the API has GET /api/scenarios, GET /api/model?scenario=FILE and POST /api/run";
  else
    message = "HTTP error " + std::to_string(res.status);
  send_json(res, res.status, {{"error", message}});
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::string root;
  httplib::Server http;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const std::string root = fs::weakly_canonical(fs::absolute(impl_->options.root)).string();
  impl_->root = root;
  auto& http = impl_->http;
  http.set_payload_max_length(impl_->options.max_body_bytes);
  http.Get("/api/scenarios",
           json_endpoint(root, [root](const httplib::Request&) { return list_scenarios(root); }));
  http.Get("/api/model", json_endpoint(root, [root](const httplib::Request& req) {
             const std::string requested = query_scenario(req);
             return describe_model(requested, load_and_compile(resolve_scenario(root, requested)));
           }));
  http.Post("/api/run",
            json_endpoint(root, [root](const httplib::Request& req) { return run_branch(root, req.body); }));
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
