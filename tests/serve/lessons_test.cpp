// The guided lessons of web/lessons/ against the real API: a Server on a free port of 127.0.0.1, httplib
// clients, the shipped scenarios. The teaching page reads web/lessons/index.json and the lesson files it
// lists, and sends each step's state to POST /api/run and POST /api/explain; so every lesson must have the
// shape the page reads, every step must run and explain without error, and what the prompts tell students
// to look for must be what the model shows (one group of claims per lesson, at the page's 8 replicates).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/running_server.hpp"  // last: it includes httplib.h

namespace hedgesim::serve {
namespace {

using hedgesim::testing::RunningServer;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kReplicates = 8;  // what the page asks for (the server's default)

const fs::path kLessonsDir = fs::path(HEDGESIM_SOURCE_DIR) / "web" / "lessons";
const std::set<std::string> kLessonKeys = {"id", "title", "summary", "steps"};
const std::set<std::string> kStepKeys = {"prompt", "question", "state"};
const std::set<std::string> kStateKeys = {"scenario", "date", "agent", "events", "parameters", "from", "to"};

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return json::parse(in);
}

bool nonempty_string(const json& j, const std::string& key) {
  return j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty();
}

/// One step's answers from the server: the run (baseline and branch) and, when it names an agent, the
/// explanation.
struct StepResult {
  json run;
  json explain;
  /// Index of `date` in the run's dates: the first step dated on or after it (as the page's cursor).
  std::size_t at(const std::string& date) const {
    const json& dates = run["dates"];
    for (std::size_t k = 0; k < dates.size(); ++k)
      if (dates[k].get<std::string>() >= date) return k;
    return dates.size() - 1;
  }
  std::size_t hedger(const std::string& id) const {
    const json& agents = run["agents"];
    for (std::size_t a = 0; a < agents.size(); ++a)
      if (agents[a] == id) return a;
    ADD_FAILURE() << "no hedger " << id;
    return 0;
  }
  /// A hedger's variable in the baseline or the branch ("baseline" / "branch") at step k.
  double value(const char* side, const char* var, const std::string& agent, std::size_t k) const {
    return run[side][var][hedger(agent)][k].get<double>();
  }
  double gap(const char* var, const std::string& agent, std::size_t k) const {
    return value("branch", var, agent, k) - value("baseline", var, agent, k);
  }
  double attention(const char* side, std::size_t k) const {
    return run[side]["patrons"]["RUS"]["attention"][k].get<double>();
  }
};

/// The largest value of a hedger's variable in the baseline or the branch over the dates lo .. hi.
double max_between(const StepResult& r, const char* side, const char* var, const std::string& agent,
                   const std::string& lo, const std::string& hi) {
  double best = -1e300;
  const json& dates = r.run["dates"];
  for (std::size_t k = 0; k < dates.size(); ++k)
    if (lo <= dates[k].get<std::string>() && dates[k].get<std::string>() <= hi)
      best = std::max(best, r.value(side, var, agent, k));
  return best;
}

class LessonsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RunningServer(); }
  static void TearDownTestSuite() { delete server_; }

  static json post_ok(const std::string& path, const json& body, const std::string& where) {
    auto r = server_->post(path, body);
    EXPECT_TRUE(r) << where << ": no answer from " << path;
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << where << ": " << path << " answered " << r->body;
    if (r->status != 200) return {};
    return json::parse(r->body);
  }

  /// The lesson files in the order of index.json.
  static std::vector<std::string> listed_files() {
    const json index = read_json(kLessonsDir / "index.json");
    std::vector<std::string> files;
    for (const json& f : index.at("lessons"))
      files.push_back(f.get<std::string>());
    return files;
  }
  static json lesson(const std::string& id) { return read_json(kLessonsDir / (id + ".json")); }

  /// Sends a step's state as the page does: /api/run always, /api/explain when it names an agent (unless
  /// `explain` is false: the claims below read the runs only).
  static StepResult run_step(const json& state, const std::string& where, bool explain = true) {
    json body = {{"scenario", state.at("scenario")}, {"replicates", kReplicates}};
    for (const char* key : {"events", "parameters"})
      if (state.contains(key)) body[key] = state[key];
    StepResult out;
    out.run = post_ok("/api/run", body, where);
    if (explain && state.contains("agent")) {
      body["agent"] = state["agent"];
      for (const char* key : {"from", "to"})
        if (state.contains(key)) body[key] = state[key];
      out.explain = post_ok("/api/explain", body, where);
    }
    return out;
  }
  /// Step i (from 0) of a lesson, run on the server (not explained). Throws (ending the test, which gtest
  /// reports) when the lesson has no such step or the step does not run, so that the claims below never read
  /// a missing answer.
  static StepResult run_lesson_step(const json& lesson, std::size_t i) {
    const std::string where = lesson.value("id", std::string("?")) + " step " + std::to_string(i + 1);
    if (i >= lesson["steps"].size()) throw std::runtime_error(where + ": the lesson has no such step");
    StepResult r = run_step(lesson["steps"][i]["state"], where, false);
    if (!r.run.contains("dates")) throw std::runtime_error(where + ": the step did not run");
    return r;
  }
  static std::string date_of(const json& lesson, std::size_t i) {
    return lesson["steps"][i]["state"].value("date", std::string());
  }
  /// The type of the step's single added event, or "" when it adds none.
  static std::string added_type(const json& lesson, std::size_t i) {
    const json& state = lesson["steps"][i]["state"];
    if (!state.contains("events") || state["events"].empty()) return "";
    return state["events"][0].value("type", std::string());
  }

  static RunningServer* server_;
};
RunningServer* LessonsTest::server_ = nullptr;

TEST_F(LessonsTest, IndexListsEveryLessonFileAndAtLeastThree) {
  const json index = read_json(kLessonsDir / "index.json");
  ASSERT_TRUE(index.is_object());
  ASSERT_TRUE(index.contains("lessons") && index["lessons"].is_array());
  for (const json& f : index["lessons"])
    ASSERT_TRUE(f.is_string()) << f;
  const std::vector<std::string> files = listed_files();
  EXPECT_GE(files.size(), 3u);
  const std::set<std::string> listed(files.begin(), files.end());
  EXPECT_EQ(listed.size(), files.size()) << "a lesson is listed twice";
  for (const std::string& f : files) {
    EXPECT_TRUE(fs::is_regular_file(kLessonsDir / f)) << f << " is listed but does not exist";
    EXPECT_NO_THROW(read_json(kLessonsDir / f)) << f << " is not valid JSON";
  }
  for (const auto& entry : fs::directory_iterator(kLessonsDir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name == "index.json") continue;
    EXPECT_TRUE(listed.count(name)) << name << " is in web/lessons/ but not listed in index.json";
  }
}

TEST_F(LessonsTest, EveryLessonHasTheShapeThePageReads) {
  for (const std::string& file : listed_files()) {
    const json l = read_json(kLessonsDir / file);
    ASSERT_TRUE(l.is_object()) << file;
    for (const auto& [key, value] : l.items())
      EXPECT_TRUE(kLessonKeys.count(key)) << file << ": unknown key '" << key << "'";
    for (const char* key : {"id", "title", "summary"})
      EXPECT_TRUE(nonempty_string(l, key)) << file << ": '" << key << "' must be a non-empty string";
    EXPECT_EQ(l.value("id", std::string()) + ".json", file) << "the id names the file";
    ASSERT_TRUE(l.contains("steps") && l["steps"].is_array()) << file;
    EXPECT_GE(l["steps"].size(), 3u) << file;
    for (std::size_t i = 0; i < l["steps"].size(); ++i) {
      const json& step = l["steps"][i];
      const std::string where = file + " step " + std::to_string(i + 1);
      ASSERT_TRUE(step.is_object()) << where;
      for (const auto& [key, value] : step.items())
        EXPECT_TRUE(kStepKeys.count(key)) << where << ": unknown key '" << key << "'";
      EXPECT_TRUE(nonempty_string(step, "prompt")) << where;
      EXPECT_TRUE(nonempty_string(step, "question")) << where;
      ASSERT_TRUE(step.contains("state") && step["state"].is_object()) << where;
      const json& state = step["state"];
      for (const auto& [key, value] : state.items())
        EXPECT_TRUE(kStateKeys.count(key)) << where << ": unknown key '" << key << "' in state";
      EXPECT_TRUE(nonempty_string(state, "scenario")) << where;
      for (const char* key : {"date", "agent", "from", "to"})
        if (state.contains(key)) {
          EXPECT_TRUE(nonempty_string(state, key)) << where << ": " << key;
        }
      if (state.contains("events")) {
        EXPECT_TRUE(state["events"].is_array()) << where;
      }
      if (state.contains("parameters")) {
        EXPECT_TRUE(state["parameters"].is_object()) << where;
        EXPECT_FALSE(state["parameters"].contains("step_days")) << where << ": step_days cannot be changed";
      }
      if (state.contains("from") || state.contains("to")) {
        EXPECT_TRUE(state.contains("agent")) << where << ": from/to explain an agent";
      }
    }
  }
}

TEST_F(LessonsTest, EveryStepRunsAndExplainsOnTheServer) {
  for (const std::string& file : listed_files()) {
    const json l = read_json(kLessonsDir / file);
    for (std::size_t i = 0; i < l["steps"].size(); ++i) {
      const json& state = l["steps"][i]["state"];
      const std::string where = file + " step " + std::to_string(i + 1);
      const StepResult r = run_step(state, where);
      if (!r.run.contains("dates")) continue;  // post_ok has reported why
      const std::string first = r.run["dates"].front(), last = r.run["dates"].back();
      for (const char* key : {"date", "from", "to"})
        if (state.contains(key)) {
          const std::string d = state[key];
          EXPECT_TRUE(first <= d && d <= last)
              << where << ": " << key << " " << d << " is outside the scenario's " << first << " .. " << last;
        }
      if (state.contains("date")) {  // the cursor lands on a recorded step, the one the prompt describes
        const auto& dates = r.run["dates"];
        EXPECT_NE(std::find(dates.begin(), dates.end(), state["date"]), dates.end())
            << where << ": date " << state["date"] << " is not one of the run's dates";
      }
      if (state.contains("from") && state.contains("to")) {
        EXPECT_LE(state["from"].get<std::string>(), state["to"].get<std::string>()) << where;
      }
      // A step that adds something shows a difference; its added events are all in the answer.
      const bool adds =
          !state.value("events", json::array()).empty() || !state.value("parameters", json::object()).empty();
      if (adds) {
        EXPECT_NE(r.run["branch"], r.run["baseline"]) << where << ": the branch changes nothing";
      }
      int added = 0;
      for (const json& e : r.run["events"])
        added += e["added"].get<bool>() ? 1 : 0;
      EXPECT_EQ(added, static_cast<int>(state.value("events", json::array()).size())) << where;
      if (state.contains("agent")) {
        const auto& agents = r.run["agents"];
        EXPECT_NE(std::find(agents.begin(), agents.end(), state["agent"]), agents.end())
            << where << ": agent " << state["agent"] << " is not a hedger";
        ASSERT_TRUE(r.explain.is_object()) << where;
        EXPECT_EQ(r.explain.value("agent", std::string()), state["agent"].get<std::string>()) << where;
        for (const char* side : {"baseline", "branch"})
          EXPECT_TRUE(nonempty_string(r.explain, side)) << where << ": empty " << side << " explanation";
      }
    }
  }
}

// The claims of the prompts. Every number a prompt quotes is checked here, at the tolerance its rounding
// allows ("about 0.24" is checked within 0.01, "about 0.085" within 0.003). `quoted` names the number as the
// prompt gives it.
void expect_about(double value, double quoted, double tolerance, const std::string& what) {
  EXPECT_NEAR(value, quoted, tolerance) << what << ": the prompt says about " << quoted;
}

/// A patron variable in the baseline or the branch at step k ("attention", "detente", "capacity", "war").
double patron(const StepResult& r, const char* side, const char* id, const char* var, std::size_t k) {
  return r.run[side]["patrons"][id][var][k].get<double>();
}

/// The change an explanation reports for "Signal" or "Substance": "Signal, ... a change of -0.17, ...".
/// (Parsed by hand: GCC 12 warns falsely inside <regex> in the sanitizer build.)
double reported_change(const std::string& text, const std::string& what) {
  const std::string marker = "a change of ";
  std::istringstream lines(text);
  for (std::string l; std::getline(lines, l);) {
    const std::size_t at = l.find(marker);
    if (l.rfind(what + ", ", 0) == 0 && at != std::string::npos)
      return std::stod(l.substr(at + marker.size()));
  }
  ADD_FAILURE() << "no change of " << what << " in:\n" << text;
  return std::nan("");
}

/// The contribution an explanation lists, in its "Signal" or "Substance" part, on the line that contains
/// `cause` (an equation such as "(ODD eq. E1c)" or part of an event's label): "  1. -0.21 toward Moscow ...".
double contribution(const std::string& text, const std::string& part, const std::string& cause) {
  const std::size_t substance = text.find("\nSubstance, ");
  const std::string section = part == "Signal" ? text.substr(0, substance) : text.substr(substance);
  std::istringstream lines(section);
  for (std::string l; std::getline(lines, l);) {
    const std::size_t first = l.find_first_not_of(' ');
    if (first == std::string::npos || l.find(cause) == std::string::npos) continue;
    std::size_t digits = first;
    while (digits < l.size() && l[digits] >= '0' && l[digits] <= '9')
      ++digits;
    if (digits == first || l.compare(digits, 2, ". ") != 0) continue;  // a numbered line: "  1. -0.21 ..."
    return std::stod(l.substr(digits + 2));
  }
  ADD_FAILURE() << "no contribution of '" << cause << "' to " << part << " in:\n" << text;
  return std::nan("");
}

// Lesson 1: the veto works through grievance, the leader's choice and the signal the West reads.
TEST_F(LessonsTest, VetoAndCourtshipShowsWhatThePromptsSay) {
  const json l = lesson("veto-and-courtship");
  ASSERT_EQ(l["steps"].size(), 7u);
  for (std::size_t i = 1; i <= 6; ++i)
    ASSERT_EQ(added_type(l, i), "accession_veto") << "step " << i + 1;

  {  // Step 1, no veto, 17 October: where MKD and SRB stand, and how their leaders behave.
    const StepResult r = run_lesson_step(l, 0);
    const std::size_t k = r.at(date_of(l, 0));
    expect_about(r.value("baseline", "signal", "MKD", k), 0.60, 0.01, "MKD signal");
    expect_about(r.value("baseline", "signal", "SRB", k), -0.11, 0.01, "SRB signal");
    for (std::size_t a = 0; a < r.run["agents"].size(); ++a)
      EXPECT_EQ(r.run["baseline"]["grievance"][a][k].get<double>(), 0.0) << r.run["agents"][a];
    expect_about(r.value("baseline", "courting", "MKD", k), 0.02, 0.01, "MKD courting");
    expect_about(r.value("baseline", "complying", "MKD", k), 0.45, 0.01, "MKD complying");
    expect_about(r.value("baseline", "courting", "SRB", k), 0.15, 0.01, "SRB courting");
  }
  {  // Step 2, the week after the veto: grievance, the standing veto and the choice move; the signal not yet.
    const StepResult r = run_lesson_step(l, 1);
    const std::size_t k = r.at(date_of(l, 1));
    EXPECT_EQ(r.value("baseline", "grievance", "MKD", k), 0.0);
    expect_about(r.value("branch", "grievance", "MKD", k), 0.24, 0.01, "MKD grievance");
    expect_about(r.value("branch", "accession", "MKD", k), 0.30, 0.005, "MKD accession");
    EXPECT_EQ(r.value("branch", "veto@FRA", "MKD", k), 1.0);
    expect_about(r.value("baseline", "courting", "MKD", k), 0.021, 0.002, "MKD courting, no veto");
    expect_about(r.value("branch", "courting", "MKD", k), 0.036, 0.002, "MKD courting, veto");
    EXPECT_GT(r.value("branch", "courting", "MKD", k),
              1.5 * r.value("baseline", "courting", "MKD", k));  // "rises by about 70 %"
    expect_about(r.value("baseline", "complying", "MKD", k), 0.51, 0.01, "MKD complying, no veto");
    expect_about(r.value("branch", "complying", "MKD", k), 0.42, 0.01, "MKD complying, veto");
    EXPECT_EQ(r.value("branch", "signal", "MKD", k), r.value("baseline", "signal", "MKD", k));
  }
  {  // Step 3, mid-December: MKD's signal about 0.06 below; the leader's conduct did it, by the explanation.
    const StepResult r = run_step(l["steps"][2]["state"], "veto-and-courtship step 3");
    const std::size_t k = r.at(date_of(l, 2));
    expect_about(r.value("branch", "signal", "MKD", k), 0.50, 0.01, "MKD signal, veto");
    expect_about(r.value("baseline", "signal", "MKD", k), 0.56, 0.01, "MKD signal, no veto");
    expect_about(r.gap("signal", "MKD", k), -0.06, 0.01, "MKD signal gap");
    expect_about(r.value("branch", "grievance", "MKD", k), 0.25, 0.01, "MKD grievance");
    EXPECT_EQ(r.value("branch", "veto@FRA", "MKD", k), 1.0);
    const std::string baseline = r.explain["baseline"], branch = r.explain["branch"];
    expect_about(contribution(branch, "Signal", "(ODD eq. E1c)"), -0.14, 0.005, "conduct, veto");
    expect_about(contribution(baseline, "Signal", "(ODD eq. E1c)"), -0.010, 0.0005, "conduct, no veto");
    const std::size_t indirect = branch.find("Indirect effects");
    ASSERT_NE(indirect, std::string::npos);
    EXPECT_EQ(branch.substr(0, indirect).find("France vetoes"), std::string::npos)
        << "the veto is not among the causes";
    EXPECT_NE(branch.find("France vetoes", indirect), std::string::npos) << "only among the indirect effects";
  }
  {  // Step 4: what the West reads lags the signal; its demands.
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3)), week = r.at("2019-10-24");
    expect_about(r.value("branch", "belief@FRA", "MKD", k), 0.56, 0.01, "France's reading, veto");
    expect_about(r.value("baseline", "belief@FRA", "MKD", k), 0.59, 0.01, "France's reading, no veto");
    expect_about(r.gap("signal", "MKD", k), -0.06, 0.01, "MKD signal gap");
    expect_about(r.gap("belief@FRA", "MKD", k), -0.03, 0.01, "France's reading gap");
    expect_about(r.value("branch", "conditionality", "MKD", week), 0.65, 0.01, "demands after the veto");
    expect_about(r.value("branch", "conditionality", "MKD", k), 0.61, 0.01, "demands in December");
    expect_about(r.value("baseline", "conditionality", "MKD", k), 0.50, 0.01, "demands, no veto");
  }
  {  // Step 5: Albania is as aggrieved as North Macedonia but hardly courts; it complies less instead.
    const StepResult r = run_lesson_step(l, 4);
    const std::size_t k = r.at(date_of(l, 4));
    expect_about(r.value("branch", "grievance", "ALB", k), 0.25, 0.01, "ALB grievance");
    EXPECT_NEAR(r.value("branch", "grievance", "ALB", k), r.value("branch", "grievance", "MKD", k), 0.01);
    expect_about(r.value("branch", "courting", "ALB", k), 0.02, 0.01, "ALB courting");
    expect_about(r.value("branch", "courting", "MKD", k), 0.07, 0.01, "MKD courting");
    expect_about(r.value("branch", "payoff_court", "ALB", 0), -0.25, 0.005, "ALB's lesson");
    expect_about(r.value("branch", "payoff_court", "MKD", 0), 0.10, 0.005, "MKD's lesson");
    expect_about(r.gap("signal", "ALB", k), -0.05, 0.01, "ALB signal gap");
    expect_about(r.value("branch", "signal", "ALB", k), 0.71, 0.01, "ALB signal, veto");
    expect_about(r.value("baseline", "signal", "ALB", k), 0.76, 0.01, "ALB signal, no veto");
    expect_about(r.value("branch", "complying", "ALB", k), 0.41, 0.01, "ALB complying, veto");
    expect_about(r.value("baseline", "complying", "ALB", k), 0.60, 0.01, "ALB complying, no veto");
  }
  {  // Step 6: Serbia, a bystander: its late-October drop is in both runs; the veto's share grows by
     // December.
    const StepResult r = run_step(l["steps"][5]["state"], "veto-and-courtship step 6");
    const std::size_t k = r.at(date_of(l, 5)), before = r.at("2019-10-17"), week = r.at("2019-10-24"),
                      december = r.at("2019-12-19");
    expect_about(r.value("branch", "grievance", "SRB", week), 0.12, 0.01, "SRB grievance");
    EXPECT_EQ(r.value("baseline", "grievance", "SRB", week), 0.0);
    expect_about(r.value("baseline", "signal", "SRB", before), -0.11, 0.01, "SRB signal before");
    expect_about(r.value("baseline", "signal", "SRB", k), -0.19, 0.01, "SRB signal on 31 October, no veto");
    expect_about(r.value("branch", "signal", "SRB", k), -0.19, 0.01, "SRB signal on 31 October, veto");
    EXPECT_LT(r.gap("signal", "SRB", k), 0.0);
    EXPECT_GT(r.gap("signal", "SRB", k), -0.01);
    expect_about(r.value("branch", "signal", "SRB", december), -0.36, 0.01, "SRB signal in December, veto");
    expect_about(r.value("baseline", "signal", "SRB", december), -0.32, 0.01, "SRB signal in December");
    expect_about(contribution(r.explain["branch"], "Signal", "(ODD eq. E1c)"), -0.07, 0.005, "conduct, veto");
    expect_about(contribution(r.explain["baseline"], "Signal", "(ODD eq. E1c)"), -0.006, 0.001, "conduct");
  }
  {  // Step 7: with grievance_weight = 0 the veto still aggrieves, but MKD's signal stays on the baseline.
    ASSERT_EQ(l["steps"][6]["state"]["parameters"].value("grievance_weight", -1.0), 0.0);
    const StepResult r = run_lesson_step(l, 6);
    const std::size_t k = r.at(date_of(l, 6));
    expect_about(r.value("branch", "grievance", "MKD", k), 0.25, 0.01, "MKD grievance");
    expect_about(r.value("branch", "courting", "MKD", k), 0.02, 0.01, "MKD courting");
    EXPECT_NEAR(r.value("branch", "courting", "MKD", k), r.value("baseline", "courting", "MKD", k), 0.005);
    EXPECT_LT(std::abs(r.gap("signal", "MKD", k)), 0.01);
    expect_about(r.gap("signal", "SRB", k), 0.01, 0.01, "SRB signal gap");
    EXPECT_GT(r.gap("signal", "SRB", k), 0.0);
    expect_about(r.value("baseline", "grievance", "SRB", k), 0.05, 0.01, "SRB grievance, baseline");
    EXPECT_LT(r.value("branch", "courting", "SRB", k), r.value("baseline", "courting", "SRB", k));
  }
}

// Lesson 2: gestures move display and signal, hardly substance, and fade; a sunk cost moves the position.
TEST_F(LessonsTest, SignalVersusSubstanceShowsWhatThePromptsSay) {
  const json l = lesson("signal-vs-substance");
  ASSERT_EQ(l["steps"].size(), 6u);
  {  // Step 1: over Serbia's autumn 2019, the signal falls far more than substance moves (which rises).
    const StepResult r = run_step(l["steps"][0]["state"], "signal-vs-substance step 1");
    const std::string x = r.explain["baseline"];
    expect_about(reported_change(x, "Signal"), -0.26, 0.005, "SRB signal change");
    expect_about(reported_change(x, "Substance"), 0.002, 0.0005, "SRB substance change");
    expect_about(contribution(x, "Substance", "Partnership Action Plan"), 0.015, 0.0005, "NATO plan");
    expect_about(contribution(x, "Substance", "free-trade agreement"), -0.006, 0.0005, "EAEU deal");
    expect_about(contribution(x, "Substance", "S-400"), -0.004, 0.0005, "S-400 display");
    expect_about(contribution(x, "Substance", "joint air-defence drill"), -0.002, 0.0005, "drill");
  }
  {  // Step 2: North Macedonia's added EAEU deal: display at once, the signal over weeks, hardly substance.
    ASSERT_EQ(added_type(l, 1), "trade_agreement");
    const StepResult r = run_step(l["steps"][1]["state"], "signal-vs-substance step 2");
    const std::size_t k = r.at(date_of(l, 1)), week = r.at("2020-01-18");
    expect_about(r.gap("display", "MKD", week), -0.12, 0.001, "display");
    expect_about(r.gap("signal", "MKD", k), -0.085, 0.003, "signal gap");
    expect_about(r.gap("substance", "MKD", k), -0.006, 0.0005, "substance gap");
    EXPECT_GT(std::abs(r.gap("signal", "MKD", k)), 10.0 * std::abs(r.gap("substance", "MKD", k)));
    expect_about(contribution(r.explain["branch"], "Substance", "What if North Macedonia also signed"),
                 -0.006, 0.0005, "the deal's push on substance");
  }
  {  // Step 3, almost two years later: the signal gap has faded, the substance gap has not.
    ASSERT_EQ(added_type(l, 2), "trade_agreement");
    const StepResult r = run_lesson_step(l, 2);
    const std::size_t k = r.at(date_of(l, 2));
    EXPECT_LT(std::abs(r.gap("signal", "MKD", k)), 0.01);
    EXPECT_LT(std::abs(r.gap("position", "MKD", k)), 0.003);
    expect_about(r.gap("substance", "MKD", k), -0.005, 0.0007, "substance gap");
  }
  {  // Step 4: a security-cooperation plan moves substance more than signal, and is believed at once.
    ASSERT_EQ(added_type(l, 3), "security_cooperation");
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3));
    expect_about(r.gap("substance", "MKD", k), 0.015, 0.001, "substance gap");
    double widest = 0.0;
    for (std::size_t j = 0; j < r.run["dates"].size(); ++j)
      widest = std::max(widest, std::abs(r.gap("signal", "MKD", j)));
    EXPECT_LT(widest, 0.01) << "the signal gap never reaches 0.01";
    expect_about(r.gap("belief@FRA", "MKD", k), 0.035, 0.002, "France's reading, security plan");
    // The deal of step 2 moved France's reading only about 0.012 in its first week.
    const StepResult deal = run_lesson_step(l, 1);
    expect_about(deal.gap("belief@FRA", "MKD", deal.at("2020-01-18")), -0.012, 0.001,
                 "France's reading, deal");
  }
  {  // Step 5: a sunk cost (an arms purchase) is believed at once and moves the position, which lasts.
    ASSERT_EQ(added_type(l, 4), "arms_purchase");
    const StepResult r = run_lesson_step(l, 4);
    const std::size_t k = r.at(date_of(l, 4)), week = r.at("2020-01-18");
    expect_about(r.gap("belief@FRA", "MKD", week), 0.064, 0.002, "France's reading in the first week");
    expect_about(r.gap("substance", "MKD", week), 0.02, 0.001, "substance in the first week");
    expect_about(r.gap("position", "MKD", week), 0.02, 0.001, "position in the first week");
    EXPECT_LT(std::abs(r.gap("display", "MKD", k)), 0.002) << "the display has faded";
    expect_about(r.gap("signal", "MKD", k), 0.024, 0.002, "signal gap in November 2021");
    expect_about(r.gap("position", "MKD", k), 0.022, 0.002, "position gap in November 2021");
    expect_about(r.gap("substance", "MKD", k), 0.014, 0.001, "substance gap in November 2021");
  }
  {  // Step 6: Serbia's Rafale contract of August 2024 moves its position, substance and France's reading.
    const StepResult r = run_lesson_step(l, 5);
    const std::size_t k = r.at(date_of(l, 5)), before = r.at("2024-08-24"), last = r.run["dates"].size() - 1;
    ASSERT_EQ(before + 1, k);
    for (std::size_t j = r.at("2023-01-01"); j <= before; ++j) {  // "at about -0.10"
      EXPECT_GE(r.value("baseline", "position", "SRB", j), -0.105) << "SRB position before the contract";
      EXPECT_LE(r.value("baseline", "position", "SRB", j), -0.095) << "SRB position before the contract";
    }
    expect_about(r.value("baseline", "position", "SRB", k), -0.085, 0.005,
                 "SRB position in the contract's week");
    for (std::size_t j = k; j <= last; ++j) {  // "between about -0.085 and -0.08"
      EXPECT_GE(r.value("baseline", "position", "SRB", j), -0.085) << "SRB position after the contract";
      EXPECT_LE(r.value("baseline", "position", "SRB", j), -0.0795) << "SRB position after the contract";
    }
    expect_about(r.value("baseline", "substance", "SRB", before), 0.480, 0.001, "SRB substance before");
    expect_about(r.value("baseline", "substance", "SRB", k), 0.500, 0.001, "SRB substance after");
    expect_about(r.value("baseline", "belief@FRA", "SRB", before), -0.10, 0.01, "France's reading before");
    expect_about(r.value("baseline", "belief@FRA", "SRB", k), -0.04, 0.01, "France's reading after");
  }
}

// Lesson 3: Russia's engagement answers the drift it perceives, weighted by trust, out of a damped budget.
TEST_F(LessonsTest, RussiaReactsShowsWhatThePromptsSay) {
  const json l = lesson("russia-reacts");
  ASSERT_EQ(l["steps"].size(), 6u);
  {  // Step 1: no attention before Russia reads drift, although Serbia courts all along; then it answers.
    const StepResult r = run_lesson_step(l, 0);
    for (std::size_t k = 0; k <= r.at("2019-10-17"); ++k) {
      EXPECT_LT(r.attention("baseline", k), 0.001) << r.run["dates"][k];
      EXPECT_GE(r.value("baseline", "courting", "SRB", k), 0.145) << r.run["dates"][k];
      EXPECT_LE(r.value("baseline", "courting", "SRB", k), 0.18) << r.run["dates"][k];
      expect_about(r.value("baseline", "belief@RUS", "SRB", k), -0.10, 0.01, "Russia's reading of SRB");
    }
    const std::size_t k = r.at(date_of(l, 0)), january = r.at("2020-01-02");
    expect_about(r.value("baseline", "belief@RUS", "SRB", k), -0.14, 0.01, "Russia's reading on 7 November");
    expect_about(r.attention("baseline", k), 0.01, 0.002, "attention on 7 November");
    expect_about(r.value("baseline", "belief@RUS", "SRB", january), -0.26, 0.01,
                 "Russia's reading in January");
    expect_about(r.attention("baseline", january), 0.05, 0.005, "attention in January");
    expect_about(r.value("baseline", "engagement@RUS", "SRB", january), 0.35, 0.01, "engagement in January");
    expect_about(r.value("baseline", "engagement@RUS", "SRB", 0), 0.30, 1e-9, "engagement at the start");
  }
  {  // Step 2: leaders who never court: Russia still reads Serbia drifting and answers almost as much.
    ASSERT_EQ(l["steps"][1]["state"]["parameters"].value("court_bias", 0.0), -6.0);
    const StepResult r = run_lesson_step(l, 1);
    const std::size_t k = r.at(date_of(l, 1));
    for (std::size_t j = 0; j < r.run["dates"].size(); ++j)
      EXPECT_LT(r.value("branch", "courting", "SRB", j), 0.02) << r.run["dates"][j];
    expect_about(r.value("branch", "belief@RUS", "SRB", k), -0.25, 0.01, "Russia's reading, no courting");
    expect_about(r.value("baseline", "belief@RUS", "SRB", k), -0.26, 0.01, "Russia's reading");
    expect_about(r.value("branch", "engagement@RUS", "SRB", k), 0.346, 0.002, "engagement, no courting");
    expect_about(r.value("baseline", "engagement@RUS", "SRB", k), 0.349, 0.002, "engagement");
  }
  {  // Step 3: trust: little answer to North Macedonia's drift; blind to trust, more, from a larger
     // attention.
    ASSERT_EQ(l["steps"][2]["state"]["parameters"].value("trust_weighting", -1.0), 0.0);
    const StepResult r = run_lesson_step(l, 2);
    const std::size_t k = r.at(date_of(l, 2));
    expect_about(r.value("baseline", "belief@RUS", "MKD", 0), 0.60, 0.005,
                 "Russia's reading of MKD at first");
    expect_about(r.value("baseline", "belief@RUS", "MKD", k), 0.52, 0.01, "Russia's reading of MKD");
    expect_about(r.value("baseline", "engagement@RUS", "MKD", 0), 0.050, 0.0005,
                 "engagement with MKD at first");
    expect_about(r.value("baseline", "engagement@RUS", "MKD", k), 0.053, 0.001, "engagement with MKD");
    expect_about(r.value("baseline", "engagement@RUS", "SRB", k), 0.36, 0.01, "engagement with SRB");
    expect_about(r.value("baseline", "trust@RUS", "MKD", k), 0.16, 0.01, "trust in MKD");
    expect_about(r.value("baseline", "trust@RUS", "SRB", 0), 0.90, 0.005, "trust in SRB");
    expect_about(r.value("baseline", "trust@RUS", "SRB", r.at("2019-11-28")), 0.81, 0.01,
                 "trust in SRB after the GRU video of 21 November");
    expect_about(r.value("branch", "engagement@RUS", "MKD", k), 0.066, 0.002, "engagement with MKD, blind");
    expect_about(r.value("branch", "engagement@RUS", "SRB", k), 0.363, 0.002, "engagement with SRB, blind");
    EXPECT_GT(r.gap("engagement@RUS", "MKD", k), 0.01);
    // Serbia's share is not cut for it: Russia's attention grows instead.
    EXPECT_LT(std::abs(r.gap("engagement@RUS", "SRB", k)), 0.002);
    expect_about(r.attention("branch", k), 0.085, 0.005, "attention, blind to trust");
    expect_about(r.attention("baseline", k), 0.066, 0.002, "attention");
  }
  {  // Step 4: Russia's own S-400 offer makes Montenegro look like drifting; Russia answers a little.
    ASSERT_EQ(added_type(l, 3), "arms_offer");
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3));
    expect_about(r.value("branch", "signal", "MNE", k), 0.42, 0.01, "MNE signal, offer");
    expect_about(r.value("baseline", "signal", "MNE", k), 0.47, 0.01, "MNE signal");
    expect_about(r.value("branch", "belief@RUS", "MNE", k), 0.44, 0.01, "Russia's reading, offer");
    expect_about(r.value("baseline", "belief@RUS", "MNE", k), 0.49, 0.01, "Russia's reading");
    for (std::size_t j = 0; j < r.run["dates"].size(); ++j)
      EXPECT_LT(std::abs(r.gap("courting", "MNE", j)), 0.001) << r.run["dates"][j];
    expect_about(r.value("branch", "courting", "MNE", k), 0.027, 0.001, "MNE courting");
    expect_about(r.value("branch", "engagement@RUS", "MNE", k), 0.053, 0.001, "engagement, offer");
    expect_about(r.value("baseline", "engagement@RUS", "MNE", k), 0.050, 0.001, "engagement");
    expect_about(r.value("baseline", "trust@RUS", "MNE", k), 0.15, 0.005, "trust in MNE");
  }
  {  // Step 5: without the reset's damping, Russia engages Serbia clearly more.
    ASSERT_EQ(l["steps"][4]["state"]["parameters"].value("detente_damping", -1.0), 0.0);
    const StepResult r = run_lesson_step(l, 4);
    const std::size_t k = r.at(date_of(l, 4));
    expect_about(patron(r, "baseline", "FRA", "detente", r.at("2019-08-22")), 0.59, 0.01,
                 "détente in August");
    expect_about(patron(r, "baseline", "FRA", "detente", r.at("2019-12-12")), 0.99, 0.01,
                 "détente after the summit");
    expect_about(r.value("branch", "engagement@RUS", "SRB", k), 0.44, 0.01, "engagement, no damping");
    expect_about(r.value("baseline", "engagement@RUS", "SRB", k), 0.35, 0.01, "engagement");
    expect_about(r.attention("branch", k), 0.14, 0.01, "attention, no damping");
    expect_about(r.attention("baseline", k), 0.05, 0.005, "attention");
  }
  {  // Step 6: a rival that leads engages from the first week, before any drift, and pulls Serbia's signal.
    ASSERT_EQ(l["steps"][5]["state"]["parameters"].value("rival_lead", 0.0), 0.1);
    const StepResult r = run_lesson_step(l, 5);
    const std::size_t k = r.at(date_of(l, 5));
    expect_about(r.attention("branch", 1), 0.08, 0.005, "attention in the first week");
    expect_about(r.attention("branch", k), 0.175, 0.002, "attention on 17 October");
    EXPECT_LT(r.attention("baseline", k), 0.001);
    expect_about(r.value("branch", "engagement@RUS", "SRB", k), 0.38, 0.01, "engagement with SRB");
    expect_about(r.value("branch", "signal", "SRB", k), -0.15, 0.01, "SRB signal, leading rival");
    expect_about(r.value("baseline", "signal", "SRB", k), -0.11, 0.01, "SRB signal");
  }
}

// Lesson 4: France's 2019-2025 strategy: the 2019 storm passes, substance is built, the war, what lasts.
TEST_F(LessonsTest, FranceLongGameShowsWhatThePromptsSay) {
  const json l = lesson("france-long-game");
  ASSERT_EQ(l["steps"].size(), 5u);
  {  // Step 1: MKD's signal falls to about 0.46 after the veto, recovers to 0.55 by June 2020, 0.57 by 2021.
    const StepResult r = run_lesson_step(l, 0);
    const std::size_t k = r.at(date_of(l, 0)), year = r.at("2021-06-26");
    expect_about(r.value("baseline", "signal", "MKD", 0), 0.60, 0.005, "MKD signal in mid-2019");
    double lowest = 1.0;
    std::string when;
    for (std::size_t j = 0; j < k; ++j)
      if (r.value("baseline", "signal", "MKD", j) < lowest) {
        lowest = r.value("baseline", "signal", "MKD", j);
        when = r.run["dates"][j].get<std::string>();
      }
    expect_about(lowest, 0.46, 0.01, "MKD's lowest signal");
    // The low is a plateau from January to mid-March: which week is lowest varies with the draws.
    EXPECT_TRUE(when.substr(0, 7) == "2020-01" || when.substr(0, 7) == "2020-02" ||
                when.substr(0, 7) == "2020-03")
        << when;
    EXPECT_EQ(r.value("baseline", "veto@FRA", "MKD", k), 0.0);
    expect_about(r.value("baseline", "grievance", "MKD", k), 0.13, 0.01, "MKD grievance in June 2020");
    expect_about(max_between(r, "baseline", "grievance", "MKD", "2019-10-18", "2020-03-25"), 0.25, 0.01,
                 "MKD grievance while the veto stood");
    expect_about(r.value("baseline", "signal", "MKD", k), 0.55, 0.01, "MKD signal in June 2020");
    expect_about(r.value("baseline", "signal", "MKD", year), 0.57, 0.01, "MKD signal in June 2021");
    EXPECT_LT(r.value("baseline", "grievance", "MKD", year), 0.02);
  }
  {  // Step 2: over 2019-2025 Albania's substance grows a little more than its signal; what built it.
    const StepResult r = run_step(l["steps"][1]["state"], "france-long-game step 2");
    const std::size_t end = r.run["dates"].size() - 1;
    expect_about(r.value("baseline", "signal", "ALB", 0), 0.75, 0.005, "ALB signal at the start");
    expect_about(r.value("baseline", "signal", "ALB", end), 0.86, 0.01, "ALB signal at the end");
    expect_about(r.value("baseline", "substance", "ALB", 0), 0.55, 0.005, "ALB substance at the start");
    expect_about(r.value("baseline", "substance", "ALB", end), 0.68, 0.01, "ALB substance at the end");
    const std::string x = r.explain["baseline"];
    expect_about(contribution(x, "Substance", "mobile air-surveillance radars"), 0.015, 0.0005, "radars");
    for (const char* year : {"AFD investment in Albania, 2023", "AFD investment in Albania, 2024",
                             "AFD investment in Albania, 2025"})
      expect_about(contribution(x, "Substance", year), 0.010, 0.0005, year);
    EXPECT_GT(reported_change(x, "Substance"), reported_change(x, "Signal"));
    EXPECT_NE(x.find("the substance moved"), std::string::npos) << x;
  }
  {  // Step 3: the war ends France's reset, cuts Russia's budget, lowers every state's demands, moves
     // opinion.
    const StepResult r = run_lesson_step(l, 2);
    const std::size_t k = r.at(date_of(l, 2)), before = k - 1, week = r.at("2022-03-05"),
                      hedgers = r.run["agents"].size();
    EXPECT_EQ(r.run["dates"][before], "2022-02-19");
    expect_about(patron(r, "baseline", "FRA", "detente", before), 0.22, 0.005, "France's détente before");
    EXPECT_EQ(patron(r, "baseline", "FRA", "detente", k), 0.0);
    expect_about(patron(r, "baseline", "RUS", "capacity", before), 0.6, 1e-9, "Russia's budget before");
    expect_about(patron(r, "baseline", "RUS", "capacity", k), 0.4, 1e-9, "Russia's budget at war");
    for (std::size_t a = 0; a < hedgers; ++a) {
      const std::string id = r.run["agents"][a];
      expect_about(
          r.value("baseline", "conditionality", id, before) - r.value("baseline", "conditionality", id, k),
          0.1, 0.01, id + "'s demands fall");
      expect_about(r.value("baseline", "opinion", id, k) - r.value("baseline", "opinion", id, before), 0.05,
                   0.002, id + "'s opinion");
    }
    expect_about(r.value("baseline", "conditionality", "SRB", before), 0.36, 0.01, "SRB demands before");
    expect_about(r.value("baseline", "conditionality", "SRB", k), 0.26, 0.01, "SRB demands at war");
    expect_about(r.value("baseline", "opinion", "SRB", before), -0.42, 0.01, "SRB opinion before");
    expect_about(r.value("baseline", "opinion", "SRB", k), -0.37, 0.01, "SRB opinion at war");
    expect_about(r.value("baseline", "conditionality", "SRB", week), 0.32, 0.01,
                 "SRB demands after refusing");
  }
  {  // Step 4: what lasts to the end of 2025: the war's cut and no reset, opinion, positions.
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3)), last = r.run["dates"].size() - 1;
    expect_about(patron(r, "baseline", "RUS", "capacity", k), 0.4, 1e-9, "Russia's budget at the end");
    EXPECT_EQ(patron(r, "baseline", "FRA", "detente", k), 0.0);
    const std::size_t before_war = r.at("2022-02-19"), war = r.at("2022-02-26");
    expect_about(r.value("baseline", "opinion", "MKD", before_war), 0.29, 0.01, "MKD opinion before the war");
    expect_about(r.value("baseline", "opinion", "MKD", war), 0.34, 0.01, "MKD opinion after the war began");
    expect_about(r.value("baseline", "opinion", "MKD", k), 0.32, 0.01, "MKD opinion at the end of 2025");
    const std::size_t change = r.at("2020-12-04");  // Montenegro's new government takes office
    expect_about(r.value("baseline", "position", "MNE", change - 1), 0.50, 0.005, "MNE position before");
    for (std::size_t j = change; j <= last; ++j)
      expect_about(r.value("baseline", "position", "MNE", j), 0.45, 0.01, "MNE position after");
    expect_about(r.value("baseline", "position", "SRB", r.at("2024-08-24")), -0.10, 0.005,
                 "SRB before Rafale");
    expect_about(r.value("baseline", "position", "SRB", r.at("2024-08-31")), -0.085, 0.005,
                 "SRB after Rafale");
    expect_about(r.value("baseline", "position", "SRB", k), -0.08, 0.005, "SRB position at the end");
  }
  {  // Step 5: a veto in 2024 hurts more; North Macedonia's signal falls about as far as in 2019; Russia
     // answers.
    ASSERT_EQ(added_type(l, 4), "accession_veto");
    const StepResult r = run_lesson_step(l, 4);
    const std::size_t k = r.at(date_of(l, 4)), week = r.at("2024-11-09"), week2019 = r.at("2019-10-19");
    expect_about(r.value("branch", "accession", "MKD", week), 0.46, 0.005, "MKD accession in 2024");
    expect_about(r.value("baseline", "accession", "MKD", week2019), 0.30, 0.005, "MKD accession in 2019");
    expect_about(r.value("branch", "grievance", "MKD", week), 0.37, 0.01, "MKD grievance in 2024");
    expect_about(r.value("baseline", "grievance", "MKD", week2019), 0.24, 0.01, "MKD grievance in 2019");
    expect_about(r.value("branch", "signal", "MKD", k), 0.48, 0.01, "MKD signal, veto of 2024");
    expect_about(r.value("baseline", "signal", "MKD", k), 0.61, 0.01, "MKD signal");
    double low2019 = 1.0;
    for (std::size_t j = 0; j < r.run["dates"].size() && r.run["dates"][j].get<std::string>() <= "2020-12-31";
         ++j)
      low2019 = std::min(low2019, r.value("baseline", "signal", "MKD", j));
    expect_about(low2019, 0.46, 0.01, "MKD's 2019 low");
    EXPECT_LT(r.gap("signal", "MKD", k), -0.1) << "the veto of 2024 moves the signal far";
    EXPECT_GT(r.value("branch", "signal", "MKD", k), low2019) << "but not below the low of 2019";
    expect_about(r.value("branch", "engagement@RUS", "MKD", k), 0.08, 0.005, "Russia's engagement with MKD");
    expect_about(max_between(r, "baseline", "engagement@RUS", "MKD", "2019-06-01", "2020-12-31"), 0.065,
                 0.005, "its 2019 peak");
    expect_about(r.attention("branch", k), 0.05, 0.01, "attention, veto of 2024");
    EXPECT_LT(r.attention("baseline", k), 0.005);
  }
}

}  // namespace
}  // namespace hedgesim::serve
