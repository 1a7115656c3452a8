#include "serve/branch.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string_view>

#include "model/load.hpp"

namespace hedgesim::serve {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The added TOML text, and for each of its lines who wrote it ("event 2", "parameter 'x'"), so that a
/// loader message pointing into the text can name the request's item instead of the text's line.
struct AddedText {
  std::string text;
  std::vector<std::string> owner_of_line;  ///< [line - 1]

  void add_line(const std::string& line, const std::string& owner) {
    text += line + '\n';
    owner_of_line.push_back(owner);
  }
  std::string owner(int line) const {
    if (line < 1 || static_cast<std::size_t>(line) > owner_of_line.size()) return "the branch";
    return owner_of_line[static_cast<std::size_t>(line) - 1];
  }
};

/// A TOML basic string or quoted key: JSON's escapes (\" \\ \n \uXXXX ...) are all valid TOML escapes.
std::string quoted(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

/// A TOML key: bare when it may be (letters, digits, '_' and '-'), else quoted.
std::string toml_key(const std::string& key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? key : quoted(key);
}

/// The JSON value as a TOML value, keeping its type, so that a wrong type gets the loader's "must be a
/// number, got a string". A "date" that parses as a calendar date becomes a TOML date (never spliced in
/// unchecked: that would let a request write arbitrary TOML).
std::string toml_value(const json& v, std::string_view key, const std::string& owner) {
  if (v.is_string()) {
    if (key == "date")
      if (const auto d = parse_date(v.get<std::string>())) return format_date(*d);
    return quoted(v.get<std::string>());
  }
  if (v.is_boolean() || v.is_number()) return v.dump();
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
      out += (i ? ", " : "") + toml_value(v[i], {}, owner);
    return out + "]";
  }
  throw RequestError(owner + ": '" + std::string(key) +
                     "' must be a string, a number, a boolean or an array, got " +
                     (v.is_null() ? "null" : "an object"));
}

void add_scenario_table(AddedText& t, const Scenario& sc) {
  const std::string who = "the branch";
  t.add_line("[scenario]", who);
  t.add_line("name = " + quoted(sc.name), who);
  t.add_line("title = " + quoted(sc.title), who);
  t.add_line("model = " + quoted(fs::absolute(sc.model_dir).string()), who);
  t.add_line("start = " + format_date(sc.start), who);
  t.add_line("end = " + format_date(sc.end), who);
  t.add_line("seed = " + std::to_string(sc.seed), who);
}

void add_parameters(AddedText& t, const json& parameters) {
  if (parameters.is_null()) return;
  if (!parameters.is_object())
    throw RequestError("'parameters' must be an object {\"name\": value, ...}, got " +
                       std::string(parameters.type_name()));
  t.add_line("", "the parameters");
  t.add_line("[parameters]", "the parameters");
  for (const auto& [name, value] : parameters.items()) {
    const std::string owner = "parameter '" + name + "'";
    t.add_line(toml_key(name) + " = " + toml_value(value, name, owner), owner);
  }
}

void add_events(AddedText& t, const json& events) {
  if (events.is_null()) return;
  if (!events.is_array())
    throw RequestError("'events' must be an array of events, got " + std::string(events.type_name()));
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string owner = "event " + std::to_string(i + 1);
    if (!events[i].is_object())
      throw RequestError(owner +
                         " must be an object {\"date\", \"type\", \"actor\", \"targets\", \"label\"}, got " +
                         std::string(events[i].type_name()));
    t.add_line("", owner);
    t.add_line("[[event]]", owner);
    // The keys in the order of the format's documentation (a file people read), then any others, which the
    // loader will name as unknown.
    static const std::vector<std::string> order = {"date",      "id",    "type", "actor", "targets",
                                                   "magnitude", "until", "ends", "label"};
    for (const std::string& key : order)
      if (events[i].contains(key)) t.add_line(key + " = " + toml_value(events[i][key], key, owner), owner);
    for (const auto& [key, value] : events[i].items())
      if (std::find(order.begin(), order.end(), key) == order.end())
        t.add_line(toml_key(key) + " = " + toml_value(value, key, owner), owner);
  }
}

/// What the added text is called while it is parsed (from memory: no file is written): a name no file has.
const std::string kAddedTextName = "<branch>";

/// Runs `f`, turning an InputError that points into the added text into a RequestError naming the item.
template <class F>
auto naming_added_items(const AddedText& t, F f) {
  try {
    return f();
  } catch (const InputError& e) {
    if (e.where().file != kAddedTextName) throw;
    throw RequestError(t.owner(e.where().line) + ": " + e.detail());
  }
}

/// The scenario with the added parameter values (replacing the scenario's own, if any) and events.
Scenario merge(const Scenario& base, const Scenario& added) {
  Scenario merged = base;
  for (const ParameterOverride& o : added.overrides) {
    auto it = std::find_if(merged.overrides.begin(), merged.overrides.end(),
                           [&](const ParameterOverride& p) { return p.name == o.name; });
    if (it != merged.overrides.end())
      *it = o;
    else
      merged.overrides.push_back(o);
  }
  merged.events.insert(merged.events.end(), added.events.begin(), added.events.end());
  return merged;
}

}  // namespace

std::string branch_patch_text(const Scenario& base, const json& parameters, const json& events,
                              std::uint64_t seed) {
  const std::string file = fs::path(base.file).filename().string();
  AddedText t;
  const std::string who = "the branch";
  t.add_line("# A branch of " + base.name +
                 ", saved from the teaching page (hedgesim serve). Save it beside " + file +
                 " and run it with `hedgesim run`, or compare it with `hedgesim compare " + file +
                 " THIS-FILE`.",
             who);
  t.add_line("[scenario]", who);
  t.add_line("extends = " + quoted(file), who);
  t.add_line("name = " + quoted(base.name + "-branch"), who);
  t.add_line("title = " + quoted("A branch of " + base.name + " (" + base.title + ")"), who);
  if (seed != base.seed) t.add_line("seed = " + std::to_string(seed), who);
  add_parameters(t, parameters);
  add_events(t, events);
  return t.text;
}

Branch make_branch(const Scenario& base, const ModelSpec& spec, const json& parameters, const json& events) {
  AddedText t;
  add_scenario_table(t, base);
  add_parameters(t, parameters);
  add_events(t, events);

  Branch b{compile(spec, base), {}, {}};
  const Scenario added = naming_added_items(t, [&] { return parse_scenario(t.text, kAddedTextName); });
  b.branch = naming_added_items(t, [&] { return compile(spec, merge(base, added)); });
  // step_days moves the time grid (which step an event falls in, how many steps): the branch could no longer
  // be compared step by step with its baseline.
  if (b.branch.params.step_days != b.baseline.params.step_days)
    throw RequestError(
        "parameter 'step_days': cannot change in a branch, since it moves the time grid and "
        "the branch could no longer be compared step by step with the scenario");
  b.added.assign(base.events.size(), false);
  b.added.resize(base.events.size() + added.events.size(), true);
  return b;
}

}  // namespace hedgesim::serve
