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

// Lesson 1: the veto works through grievance and courting, not on the signal directly.
TEST_F(LessonsTest, VetoAndCourtshipShowsWhatThePromptsSay) {
  const json l = lesson("veto-and-courtship");
  for (std::size_t i = 1; i <= 5; ++i)
    ASSERT_EQ(added_type(l, i), "accession_veto") << "step " << i + 1;

  {  // Step 2, the week after the veto: grievance and courting jump, the signal has not moved yet.
    const StepResult r = run_lesson_step(l, 1);
    const std::size_t k = r.at(date_of(l, 1));
    EXPECT_GT(r.value("branch", "grievance", "MKD", k), 0.2);
    EXPECT_EQ(r.value("baseline", "grievance", "MKD", k), 0.0);
    EXPECT_GT(r.value("branch", "courting", "MKD", k), 0.05);
    EXPECT_EQ(r.value("branch", "signal", "MKD", k), r.value("baseline", "signal", "MKD", k));
  }
  {  // Step 3, mid-December: MKD's signal is clearly below the no-veto baseline.
    const StepResult r = run_lesson_step(l, 2);
    const std::size_t k = r.at(date_of(l, 2));
    EXPECT_LT(r.gap("signal", "MKD", k), -0.05);
    EXPECT_GT(r.gap("courting", "MKD", k), 0.1);
  }
  {  // Step 4: Albania is as aggrieved as North Macedonia but hardly courts, and its signal barely moves.
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3));
    EXPECT_NEAR(r.value("branch", "grievance", "ALB", k), r.value("branch", "grievance", "MKD", k), 0.01);
    EXPECT_LT(r.value("branch", "courting", "ALB", k), 0.25 * r.value("branch", "courting", "MKD", k));
    EXPECT_GT(r.gap("signal", "ALB", k), -0.05);
  }
  {  // Step 5: Serbia's late-October drop is mostly in both runs; the veto's share grows by December.
    const StepResult r = run_lesson_step(l, 4);
    const std::size_t k = r.at(date_of(l, 4));
    EXPECT_LT(r.value("baseline", "signal", "SRB", k), r.value("baseline", "signal", "SRB", 0) - 0.15);
    EXPECT_GT(r.gap("signal", "SRB", k), -0.03);
    EXPECT_LT(r.gap("signal", "SRB", r.at("2019-12-19")), -0.05);
  }
  {  // Step 6: with courting_gain = 0 the veto still aggrieves, but MKD's signal stays on the baseline.
    ASSERT_EQ(l["steps"][5]["state"]["parameters"].value("courting_gain", -1.0), 0.0);
    const StepResult r = run_lesson_step(l, 5);
    const std::size_t k = r.at(date_of(l, 5));
    EXPECT_GT(r.value("branch", "grievance", "MKD", k), 0.1);
    EXPECT_LT(std::abs(r.gap("signal", "MKD", k)), 0.01);
    EXPECT_GT(r.gap("signal", "SRB", k), 0.0);
  }
}

// Lesson 2: gestures move the signal far more than substance; the West reacts to substance.
TEST_F(LessonsTest, SignalVersusSubstanceShowsWhatThePromptsSay) {
  const json l = lesson("signal-vs-substance");
  {  // Step 1: over Serbia's autumn 2019, signal falls far more than substance moves (which rises).
    const StepResult r = run_lesson_step(l, 0);
    const json& state = l["steps"][0]["state"];
    const std::size_t a = r.at(state["from"].get<std::string>()), b = r.at(state["to"].get<std::string>());
    const double signal = r.value("baseline", "signal", "SRB", b) - r.value("baseline", "signal", "SRB", a);
    const double substance =
        r.value("baseline", "substance", "SRB", b) - r.value("baseline", "substance", "SRB", a);
    EXPECT_LT(signal, -0.1);
    EXPECT_GT(substance, 0.0);
    EXPECT_GT(std::abs(signal), 10.0 * std::abs(substance));
  }
  {  // Step 2: North Macedonia's added EAEU deal moves the signal over ten times as much as substance.
    ASSERT_EQ(added_type(l, 1), "trade_agreement");
    const StepResult r = run_lesson_step(l, 1);
    const std::size_t k = r.at(date_of(l, 1));
    EXPECT_LT(r.gap("signal", "MKD", k), -0.05);
    EXPECT_LT(r.gap("substance", "MKD", k), 0.0);
    EXPECT_GT(std::abs(r.gap("signal", "MKD", k)), 10.0 * std::abs(r.gap("substance", "MKD", k)));
  }
  {  // Step 3, June: the signal gap is gone, the substance gap is not.
    ASSERT_EQ(added_type(l, 2), "trade_agreement");
    const StepResult r = run_lesson_step(l, 2);
    const std::size_t k = r.at(date_of(l, 2));
    EXPECT_LT(std::abs(r.gap("signal", "MKD", k)), 0.02);
    EXPECT_LT(r.gap("substance", "MKD", k), -0.004);
  }
  {  // Step 4: a western security-cooperation plan moves substance more than signal.
    ASSERT_EQ(added_type(l, 3), "security_cooperation");
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3));
    EXPECT_GT(r.gap("signal", "MKD", k), 0.0);
    EXPECT_GT(r.gap("substance", "MKD", k), r.gap("signal", "MKD", k));
    EXPECT_GT(r.gap("substance", "MKD", r.at("2020-06-25")), 0.01);
  }
  {  // Step 5: if talk became deeds, Serbia's substance slides and the West's demands stay harder.
    const StepResult r = run_lesson_step(l, 4);
    const std::size_t k = r.at(date_of(l, 4));
    EXPECT_LT(r.gap("substance", "SRB", k), -0.05);
    EXPECT_GT(r.gap("conditionality", "SRB", k), 0.01);
    EXPECT_LT(std::abs(r.gap("signal", "SRB", k)), 0.02);
  }
}

// Lesson 3: Russia's engagement follows courting, out of a shared budget damped by the reset.
TEST_F(LessonsTest, RussiaReactsShowsWhatThePromptsSay) {
  const json l = lesson("russia-reacts");
  {  // Step 1: no Russian attention or engagement above baseline before the first courting.
    const StepResult r = run_lesson_step(l, 0);
    const json& base = r.run["baseline"];
    const std::size_t n = r.run["dates"].size(), hedgers = r.run["agents"].size();
    bool courted = false;
    std::size_t first_courting = n;
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t a = 0; a < hedgers; ++a)
        courted = courted || base["courting"][a][k].get<double>() > 0.0;
      if (courted) {
        first_courting = std::min(first_courting, k);
        continue;
      }
      EXPECT_EQ(r.attention("baseline", k), 0.0) << r.run["dates"][k];
      for (std::size_t a = 0; a < hedgers; ++a)
        EXPECT_EQ(base["engagement@RUS"][a][k], base["engagement@RUS"][a][0]) << r.run["dates"][k];
    }
    ASSERT_LT(first_courting, n) << "nobody courts in the scenario";
    EXPECT_EQ(r.run["dates"][first_courting], "2019-10-24");  // the first point after the veto
    EXPECT_EQ(r.attention("baseline", first_courting), 0.0);  // Russia answers a step later
    EXPECT_GT(r.attention("baseline", r.at(date_of(l, 0))), 0.0);
  }
  {  // Step 2: with courting_gain = 0 Serbia never courts and Russia's engagement with it never moves.
    ASSERT_EQ(l["steps"][1]["state"]["parameters"].value("courting_gain", -1.0), 0.0);
    const StepResult r = run_lesson_step(l, 1);
    const std::size_t srb = r.hedger("SRB"), n = r.run["dates"].size();
    const json& branch = r.run["branch"];
    for (std::size_t k = 0; k < n; ++k) {
      EXPECT_EQ(branch["courting"][srb][k].get<double>(), 0.0) << r.run["dates"][k];
      EXPECT_EQ(branch["engagement@RUS"][srb][k], branch["engagement@RUS"][srb][0]) << r.run["dates"][k];
      if (r.run["dates"][k].get<std::string>() < "2019-11-21") {  // the step of MKD's forum of 14 Nov
        EXPECT_EQ(r.attention("branch", k), 0.0) << r.run["dates"][k];
      }
    }
    const std::size_t k = r.at(date_of(l, 1));
    EXPECT_LT(r.attention("branch", k), 0.25 * r.attention("baseline", k));
    EXPECT_GT(r.value("baseline", "engagement@RUS", "SRB", k),
              r.value("baseline", "engagement@RUS", "SRB", 0) + 0.1);
  }
  {  // Step 3: North Macedonia courts about as much as Serbia but gains far less engagement.
    const StepResult r = run_lesson_step(l, 2);
    const std::size_t k = r.at(date_of(l, 2));
    EXPECT_GT(r.value("baseline", "courting", "MKD", k), 0.8 * r.value("baseline", "courting", "SRB", k));
    const double mkd =
        r.value("baseline", "engagement@RUS", "MKD", k) - r.value("baseline", "engagement@RUS", "MKD", 0);
    const double srb =
        r.value("baseline", "engagement@RUS", "SRB", k) - r.value("baseline", "engagement@RUS", "SRB", 0);
    EXPECT_GT(srb, 0.0);
    EXPECT_LT(mkd, 0.5 * srb);
  }
  {  // Step 4: Russia's own S-400 offer to Montenegro moves its signal, and nothing of Russia's engagement.
    ASSERT_EQ(added_type(l, 3), "arms_offer");
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3));
    EXPECT_LT(r.gap("signal", "MNE", k), -0.05);
    EXPECT_LT(r.gap("substance", "MNE", k), 0.0);
    for (const char* var : {"courting", "engagement@RUS"})
      EXPECT_EQ(r.run["branch"][var], r.run["baseline"][var]) << var;
    EXPECT_EQ(r.run["branch"]["patrons"]["RUS"], r.run["baseline"]["patrons"]["RUS"]);
  }
  {  // Step 5: Montenegro's own courting draws engagement, and Serbia's share of the budget shrinks.
    ASSERT_EQ(added_type(l, 4), "courting_gesture");
    const StepResult r = run_lesson_step(l, 4);
    const std::size_t k = r.at(date_of(l, 4));
    EXPECT_GT(r.gap("courting", "MNE", r.at("2019-11-07")), 0.1);
    EXPECT_GT(r.gap("engagement@RUS", "MNE", k), 0.005);
    EXPECT_LT(r.gap("engagement@RUS", "SRB", k), 0.0);
  }
  {  // Step 6: without the reset's damping, Russia engages Serbia clearly more.
    ASSERT_EQ(l["steps"][5]["state"]["parameters"].value("detente_damping", -1.0), 0.0);
    const StepResult r = run_lesson_step(l, 5);
    const std::size_t k = r.at(date_of(l, 5));
    EXPECT_GT(r.gap("engagement@RUS", "SRB", k), 0.1);
    EXPECT_GT(r.attention("branch", k), 2.0 * r.attention("baseline", k));
    // In the baseline engagement with Serbia falls after the Normandy summit of 9 Dec; without damping not.
    const std::size_t before = r.at("2019-12-05");
    EXPECT_LT(r.value("baseline", "engagement@RUS", "SRB", k),
              r.value("baseline", "engagement@RUS", "SRB", before));
    EXPECT_GT(r.value("branch", "engagement@RUS", "SRB", k),
              r.value("branch", "engagement@RUS", "SRB", before));
  }
}

// Lesson 4: France's 2019-2025 strategy; the 2019 storm passes, substance is built, the reset matters.
TEST_F(LessonsTest, FranceLongGameShowsWhatThePromptsSay) {
  const json l = lesson("france-long-game");
  {  // Step 1: MKD's signal fell far after the veto and is back near mid-2019 by June 2020; courting over.
    const StepResult r = run_lesson_step(l, 0);
    const std::size_t k = r.at(date_of(l, 0)), hedgers = r.run["agents"].size();
    const double start = r.value("baseline", "signal", "MKD", 0);
    double lowest = start;
    for (std::size_t j = 0; j < k; ++j)
      lowest = std::min(lowest, r.value("baseline", "signal", "MKD", j));
    EXPECT_LT(lowest, start - 0.15);
    EXPECT_NEAR(r.value("baseline", "signal", "MKD", k), start, 0.03);
    EXPECT_EQ(r.value("baseline", "grievance", "MKD", k), 0.0);
    for (std::size_t a = 0; a < hedgers; ++a)
      EXPECT_LT(r.run["baseline"]["courting"][a][k].get<double>(), 0.02) << r.run["agents"][a];
  }
  {  // Step 2: over 2019-2025 Albania's substance grows far more than its signal moves.
    const StepResult r = run_lesson_step(l, 1);
    const std::size_t end = r.run["dates"].size() - 1;
    const double signal = r.value("baseline", "signal", "ALB", end) - r.value("baseline", "signal", "ALB", 0);
    const double substance =
        r.value("baseline", "substance", "ALB", end) - r.value("baseline", "substance", "ALB", 0);
    EXPECT_GT(substance, 0.1);
    EXPECT_LT(std::abs(signal), 0.03);
  }
  {  // Step 3: the war ends France's reset and lowers every state's conditionality; nobody courts.
    const StepResult r = run_lesson_step(l, 2);
    const std::size_t k = r.at(date_of(l, 2)), before = r.at("2022-02-19"), hedgers = r.run["agents"].size();
    const json& fra = r.run["baseline"]["patrons"]["FRA"]["detente"];
    EXPECT_GT(fra[before].get<double>(), 0.1);
    EXPECT_EQ(fra[k].get<double>(), 0.0);
    for (std::size_t a = 0; a < hedgers; ++a)
      EXPECT_LT(r.run["baseline"]["conditionality"][a][k].get<double>(),
                r.run["baseline"]["conditionality"][a][before].get<double>() - 0.05)
          << r.run["agents"][a];
    EXPECT_LT(r.attention("baseline", before), 0.01);
    EXPECT_LT(r.attention("baseline", k), 0.01);
  }
  {  // Step 4: a veto in 2024, without the reset, draws more Russian engagement with Serbia than 2019's.
    ASSERT_EQ(added_type(l, 3), "accession_veto");
    const StepResult r = run_lesson_step(l, 3);
    const std::size_t k = r.at(date_of(l, 3));
    const double peak2019 = max_between(r, "baseline", "engagement@RUS", "SRB", "2019-06-01", "2020-12-31");
    EXPECT_GT(r.value("branch", "engagement@RUS", "SRB", k), peak2019 + 0.05);
    EXPECT_NEAR(max_between(r, "branch", "grievance", "SRB", "2024-06-01", "2025-12-31"),
                max_between(r, "baseline", "grievance", "SRB", "2019-06-01", "2020-12-31"), 0.03);
    EXPECT_NEAR(max_between(r, "branch", "courting", "SRB", "2024-06-01", "2025-12-31"),
                max_between(r, "baseline", "courting", "SRB", "2019-06-01", "2020-12-31"), 0.03);
  }
  {  // Step 5: without the reset's damping, Serbia's 2019 peak is about as high as the 2024 what-if.
    ASSERT_EQ(l["steps"][4]["state"]["parameters"].value("detente_damping", -1.0), 0.0);
    const StepResult r = run_lesson_step(l, 4);
    const double base = max_between(r, "baseline", "engagement@RUS", "SRB", "2019-06-01", "2020-12-31");
    const double undamped = max_between(r, "branch", "engagement@RUS", "SRB", "2019-06-01", "2020-12-31");
    EXPECT_GT(undamped, base + 0.05);
    EXPECT_GT(r.value("branch", "engagement@RUS", "SRB", r.at(date_of(l, 4))), 0.5);
  }
}

}  // namespace
}  // namespace hedgesim::serve
