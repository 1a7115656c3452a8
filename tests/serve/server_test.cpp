// The JSON API end to end: a real Server on a free port of 127.0.0.1, real httplib clients, the shipped
// scenarios. What a browser form relies on: the lists it fills itself from, baseline and branch paired at
// common random numbers (identical until an added event acts), the loader's own messages for bad input,
// and a server that survives bad and vanishing clients.
#include "serve/server.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "serve/branch.hpp"
#include "support/files.hpp"
#include "support/scenario_fixture.hpp"

// Last: it includes httplib.h, whose <resolv.h> has a `_res` macro that breaks Eigen headers after it.
#include "support/running_server.hpp"

namespace hedgesim::serve {
namespace {

using hedgesim::testing::RunningServer;
using hedgesim::testing::slurp;
using hedgesim::testing::spit;
using hedgesim::testing::TempDir;
using nlohmann::json;

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RunningServer(); }
  static void TearDownTestSuite() { delete server_; }

  static httplib::Client client() { return server_->client(); }
  static httplib::Result post_run(const json& body) { return server_->post("/api/run", body); }
  static json run_ok(const json& body) {
    auto r = post_run(body);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }
  /// The error text of a request that must fail with 400.
  static std::string run_error(const json& body) {
    auto r = post_run(body);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 400) << r->body;
    return json::parse(r->body).value("error", std::string());
  }
  static json arms_offer(const std::string& date, const std::string& type = "arms_offer") {
    return {{"date", date},
            {"type", type},
            {"actor", "RUS"},
            {"targets", {"MNE"}},
            {"label", "S-400 for Podgorica"}};
  }

  static RunningServer* server_;

 public:
  static int port() { return server_->port(); }
};
RunningServer* ServeTest::server_ = nullptr;

const json kVeto = {{"scenario", "scenarios/veto-2019.toml"}, {"replicates", 4}};

json with_events(json request, json events) {
  request["events"] = std::move(events);
  return request;
}

TEST_F(ServeTest, ListsTheShippedScenariosSortedWithTheirSteps) {
  auto r = client().Get("/api/scenarios");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json list = json::parse(r->body);
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[0]["file"], "scenarios/balkans-2014-2024.toml");
  EXPECT_EQ(list[1]["file"], "scenarios/france-strategy-2019-2025.toml");
  EXPECT_EQ(list[4]["file"], "scenarios/wb12-bulgarian-veto-2020-2022.toml");
  const json& veto = list[3];
  EXPECT_EQ(veto["file"], "scenarios/veto-2019.toml");
  EXPECT_EQ(veto["name"], "veto-2019");
  EXPECT_EQ(veto["start"], "2019-08-01");
  EXPECT_EQ(veto["end"], "2020-06-30");
  EXPECT_EQ(veto["steps"], 48);  // docs/scenario-format.md, "Time"
  EXPECT_EQ(veto["step_days"], 7);
}

TEST_F(ServeTest, ModelListsTheSixHedgersEventTypesAndParameters) {
  auto r = client().Get("/api/model?scenario=scenarios/veto-2019.toml");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json m = json::parse(r->body);
  std::vector<std::string> hedgers;
  for (const json& a : m["agents"])
    if (a["kind"] == "hedger") hedgers.push_back(a["id"]);
  EXPECT_EQ(hedgers, (std::vector<std::string>{"ALB", "BIH", "KOS", "MNE", "MKD", "SRB"}));
  bool veto = false;
  for (const json& t : m["event_types"])
    if (t["name"] == "accession_veto") {
      veto = true;
      EXPECT_FALSE(t["description"].get<std::string>().empty());
      EXPECT_EQ(t["actor_kinds"], json({"veto_player"}));
    }
  EXPECT_TRUE(veto);
  bool budget = false;
  for (const json& p : m["parameters"])
    if (p["name"] == "engagement_signal_pull") {
      budget = true;
      EXPECT_LE(p["min"].get<double>(), p["value"].get<double>());
      EXPECT_LE(p["value"].get<double>(), p["max"].get<double>());
    }
  EXPECT_TRUE(budget);
}

TEST_F(ServeTest, WithoutAdditionsTheBranchIsTheBaselineExactly) {
  const json out = run_ok(kVeto);
  ASSERT_EQ(out["dates"].size(), 49u);
  EXPECT_EQ(out["agents"].size(), 6u);
  EXPECT_EQ(out["baseline"]["signal"].size(), 6u);
  EXPECT_EQ(out["baseline"]["signal"][0].size(), 49u);
  EXPECT_EQ(out["branch"], out["baseline"]);
  EXPECT_EQ(out["events"].size(), 14u);
  EXPECT_NE(out["baseline"]["signal"][0][0], out["baseline"]["signal"][0][48]);  // the runs did something
}

TEST_F(ServeTest, AnAddedArmsOfferMovesMontenegroOnlyFromItsDate) {
  const std::string date = "2019-11-01";
  const json out = run_ok(with_events(kVeto, {arms_offer(date)}));
  const int mne = 3;
  ASSERT_EQ(out["agents"][mne], "MNE");
  const json &base = out["baseline"], &branch = out["branch"];
  bool moved_after = false;
  for (std::size_t k = 0; k < out["dates"].size(); ++k) {
    const bool before = out["dates"][k].get<std::string>() < date;
    for (int a = 0; a < 6 && before; ++a) {
      for (const char* v : {"signal", "substance"})
        EXPECT_EQ(branch[v][a][k], base[v][a][k]) << v << " agent " << a << " step " << k;
    }
    if (!before && branch["signal"][mne][k] != base["signal"][mne][k]) moved_after = true;
  }
  EXPECT_TRUE(moved_after);
  // The first state after the offer: Montenegro's signal moves toward Moscow.
  EXPECT_LT(branch["signal"][mne][14].get<double>(), base["signal"][mne][14].get<double>());
  int added = 0;
  for (const json& e : out["events"])
    if (e["added"].get<bool>()) {
      ++added;
      EXPECT_EQ(e["date"], date);
      EXPECT_EQ(e["targets"], json({"MNE"}));
    }
  EXPECT_EQ(added, 1);
}

TEST_F(ServeTest, AParameterChangeIsCheckedLikeTheScenarioFiles) {
  json req = kVeto;
  req["parameters"] = {{"engagement_signal_pull", 5}};
  const std::string e = run_error(req);
  EXPECT_NE(e.find("parameter 'engagement_signal_pull': parameter 'engagement_signal_pull' = 5 is out of "
                   "range; allowed: 0 to 2"),
            std::string::npos)
      << e;
  req["parameters"] = {{"engagement_signal_pul", 1}};
  EXPECT_NE(run_error(req).find(
                "unknown parameter 'engagement_signal_pul' (did you mean 'engagement_signal_pull'?)"),
            std::string::npos);
  req["parameters"] = {{"engagement_signal_pull", 1.5}};
  const json out = run_ok(req);
  EXPECT_NE(out["branch"], out["baseline"]);
}

TEST_F(ServeTest, UnknownEventTypeNamesTheEventAndSuggests) {
  const std::string e =
      run_error(with_events(kVeto, {arms_offer("2019-11-01"), arms_offer("2019-12-01", "arms_ofer")}));
  EXPECT_EQ(e.rfind("event 2: unknown event type 'arms_ofer' (did you mean 'arms_offer'?)", 0), 0u) << e;
  EXPECT_EQ(e.find("<branch>"), std::string::npos) << e;  // never the name the added text is parsed under
}

TEST_F(ServeTest, UnknownAgentAndWrongKindGetTheLoadersMessages) {
  json ev = arms_offer("2019-11-01");
  ev["targets"] = {"MNEE"};
  EXPECT_NE(run_error(with_events(kVeto, {ev})).find("event 1: unknown agent 'MNEE' (did you mean 'MNE'?)"),
            std::string::npos);
  ev["targets"] = {"MNE"};
  ev["actor"] = "FRA";
  EXPECT_NE(run_error(with_events(kVeto, {ev}))
                .find("'FRA' is a veto player of bloc 'west', but event type 'arms_offer'"),
            std::string::npos);
}

TEST_F(ServeTest, DateOutsideTheScenarioIsRejected) {
  const std::string e = run_error(with_events(kVeto, {arms_offer("2021-01-01")}));
  EXPECT_NE(e.find("event 1: date 2021-01-01 is outside the scenario; allowed: 2019-08-01 to 2020-06-30"),
            std::string::npos)
      << e;
  const std::string bad = run_error(with_events(kVeto, {arms_offer("2019-02-30")}));
  EXPECT_NE(bad.find("event 1: 'date' = \"2019-02-30\" is not a date"), std::string::npos) << bad;
}

TEST_F(ServeTest, WrongJsonTypesAreRejected) {
  json req = kVeto;
  req["replicates"] = "8";
  EXPECT_NE(run_error(req).find("'replicates' must be a whole number from 1 to 200"), std::string::npos);
  req["replicates"] = 201;
  EXPECT_NE(run_error(req).find("'replicates'"), std::string::npos);
  json ev = arms_offer("2019-11-01");
  ev["magnitude"] = "big";
  EXPECT_NE(run_error(with_events(kVeto, {ev}))
                .find("event 1: 'magnitude' in [[event]] must be a number, got a string"),
            std::string::npos);
  ev.erase("magnitude");
  ev["label"] = nullptr;
  EXPECT_NE(run_error(with_events(kVeto, {ev})).find("event 1: 'label' must be"), std::string::npos);
  EXPECT_NE(run_error(with_events(kVeto, json::object())).find("'events' must be an array"),
            std::string::npos);
  EXPECT_NE(run_error(with_events(kVeto, {1})).find("event 1 must be an object"), std::string::npos);
  req = kVeto;
  req["evnets"] = json::array();
  EXPECT_NE(run_error(req).find("unknown key 'evnets' in the request (did you mean 'events'?)"),
            std::string::npos);
  // A key cannot break out of its [[event]] table into TOML of its own.
  ev = arms_offer("2019-11-01");
  ev["label\"\n[scenario]\nx"] = 1;
  EXPECT_NE(run_error(with_events(kVeto, {ev})).find("event 1: unknown key"), std::string::npos);
}

TEST_F(ServeTest, ScenarioPathsOutsideTheScenariosAreRejected) {
  for (const char* path : {"scenarios/../model/agents.toml", "../main/scenarios/veto-2019.toml",
                           "/etc/passwd", "model/agents.toml", "scenarios/nope.toml", ""}) {
    json req = kVeto;
    req["scenario"] = path;
    EXPECT_FALSE(run_error(req).empty()) << path;
  }
  auto r = client().Get("/api/model?scenario=..%2F..%2Fetc%2Fpasswd");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("must not contain '..'"),
            std::string::npos);
  json req = kVeto;
  req["scenario"] = std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/veto-2019.toml";  // absolute but inside
  run_ok(req);
}

TEST_F(ServeTest, MalformedJsonIs400) {
  auto r = client().Post("/api/run", "{\"scenario\": ", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["error"].get<std::string>().rfind("malformed JSON: ", 0), 0u) << r->body;
  r = client().Post("/api/run", "[1, 2]", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

// Found by the branch fuzz target (tests/fuzz/regressions/branch/number-overflow-*): nlohmann::json throws
// out_of_range, not parse_error, for a number no double holds; it is malformed JSON like any other.
TEST_F(ServeTest, ANumberTooLargeForADoubleIsMalformedJson) {
  const serve::ApiAnswer a =
      serve::answer_post({.root = HEDGESIM_SOURCE_DIR}, "/api/run",
                         R"({"scenario": "scenarios/veto-2019.toml", "replicates": 1e400})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(json::parse(a.body)["error"], "malformed JSON: number overflow parsing '1e400'") << a.body;
  auto r = client().Post("/api/run", R"({"seed": -1e999})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["error"], "malformed JSON: number overflow parsing '-1e999'") << r->body;
}

TEST_F(ServeTest, OversizedBodyIs413) {
  json req = kVeto;
  req["events"] = json::array();
  for (int i = 0; i < 1000; ++i)
    req["events"].push_back(arms_offer("2019-11-01"));
  ASSERT_GT(req.dump().size(), 64u * 1024);
  auto r = post_run(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("larger than 65536 bytes"), std::string::npos) << r->body;
}

TEST_F(ServeTest, ConcurrentClientsGetTheirOwnAnswers) {
  const json plain = kVeto, branched = with_events(kVeto, {arms_offer("2019-11-01")});
  const json expect_plain = run_ok(plain), expect_branched = run_ok(branched);
  json got_plain, got_branched;
  std::thread a([&] {
    for (int i = 0; i < 3; ++i)
      got_plain = run_ok(plain);
  });
  std::thread b([&] {
    for (int i = 0; i < 3; ++i)
      got_branched = run_ok(branched);
  });
  a.join();
  b.join();
  EXPECT_EQ(got_plain, expect_plain);
  EXPECT_EQ(got_branched, expect_branched);
  EXPECT_NE(got_plain["branch"], got_branched["branch"]);
}

/// Opens a raw connection, sends `bytes`, and hangs up without reading the answer.
void send_and_hang_up(int port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

TEST_F(ServeTest, ClientsThatHangUpDoNotKillTheServer) {
  // Mid-body: the server waits for 1000 bytes that never come.
  send_and_hang_up(port(), "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"scen");
  // A whole request for a large answer, but nobody left to read it.
  json big = kVeto;
  big["replicates"] = 200;
  const std::string body = big.dump();
  for (int i = 0; i < 3; ++i)
    send_and_hang_up(
        port(), "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const json out = run_ok(kVeto);
  EXPECT_EQ(out["dates"].size(), 49u);
}

TEST_F(ServeTest, UnknownEndpointIsJson404) {
  auto r = client().Get("/api/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("no such endpoint"), std::string::npos);
}

TEST_F(ServeTest, ModelGivesSeatsAndTheVariablesWithTheirMeanings) {
  auto r = client().Get("/api/model?scenario=scenarios/veto-2019.toml");
  ASSERT_TRUE(r);
  const json m = json::parse(r->body);
  for (const json& a : m["agents"])
    if (a["id"] == "RUS") {
      EXPECT_EQ(a["seat"], "Moscow");
    }
  // A hedger's 12 variables and its 5 relations to each of 3 patrons, then the patrons' 4 variables.
  ASSERT_EQ(m["variables"].size(), 12u + 5 * 3 + 4);
  const json& engagement = m["variables"][14];
  EXPECT_EQ(engagement["name"], "engagement@RUS");
  EXPECT_EQ(engagement["kind"], "hedger");
  EXPECT_EQ(engagement["scope"], "dyad");
  EXPECT_EQ(engagement["meaning"], "Russia's engagement with the state");
  const json& signal = m["variables"][0];
  EXPECT_EQ(signal["name"], "signal");
  EXPECT_EQ(signal["kind"], "hedger");
  EXPECT_EQ(signal["min"], -1.0);
  // The placeholders are filled from the model's agents, never left for the page.
  EXPECT_EQ(signal["meaning"], "visible alignment (-1 Moscow, +1 Brussels and Paris)");
}

TEST_F(ServeTest, RunGivesEveryVariableEachAgentCarries) {
  const json out = run_ok(kVeto);
  for (const json* side : {&out["baseline"], &out["branch"]}) {
    for (const char* v : {"signal", "display", "position", "substance", "opinion", "grievance", "accession",
                          "courting", "complying", "payoff_court", "payoff_comply", "conditionality",
                          "engagement@RUS", "trust@RUS", "engagement@EU", "belief@EU", "uncertainty@RUS"}) {
      ASSERT_TRUE(side->contains(v)) << v;
      ASSERT_EQ((*side)[v].size(), 6u) << v;
      EXPECT_EQ((*side)[v][5].size(), 49u) << v;
    }
    const json& patrons = (*side)["patrons"];
    EXPECT_EQ(patrons["EU"]["detente"].size(), 49u);
    EXPECT_EQ(patrons["FRA"]["detente"].size(), 49u);
    EXPECT_EQ(patrons["RUS"]["attention"].size(), 49u);
    EXPECT_EQ(patrons["RUS"]["capacity"].size(), 49u);
    EXPECT_FALSE(patrons["RUS"].contains("signal"));
  }
  // Serbia courts Moscow after the veto (the scenario's stylized fact), so the means are the runs' own.
  EXPECT_GT(out["baseline"]["courting"][5][48].get<double>(),
            out["baseline"]["courting"][5][0].get<double>());
}

// The saved branch is a patch of the scenario: beside the scenario it loads, and compiles to the branch that
// /api/run ran — the scenario's events and the fired one, the moved parameter, the seed the branch ran with.
TEST_F(ServeTest, TheSavedBranchIsAPatchOfTheScenarioThatCompilesToTheBranch) {
  json body = kVeto;
  body["seed"] = 99;
  body["parameters"] = {{"grievance_weight", 6.0}};
  body["events"] = json::array({{{"date", "2019-12-20"},
                                 {"type", "arms_offer"},
                                 {"actor", "RUS"},
                                 {"targets", {"MKD"}},
                                 {"label", "Russia offers \"arms\" to Skopje"}}});
  auto r = server_->post("/api/save-branch", body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json saved = json::parse(r->body);
  EXPECT_EQ(saved["file"], "veto-2019-branch.toml");
  const std::string text = saved["text"];
  EXPECT_NE(text.find("extends = \"veto-2019.toml\""), std::string::npos) << text;
  // Beside the scenario: the patch names its base by file name, so it is written next to a copy of it.
  TempDir dir;
  std::string base = slurp(std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/veto-2019.toml");
  base.replace(base.find("model = \"../model\""), 18,
               "model = \"" + std::string(HEDGESIM_SOURCE_DIR) + "/model\"");
  spit(dir.path() + "/veto-2019.toml", base);
  spit(dir.path() + "/veto-2019-branch.toml", text);
  const CompiledModel saved_branch = load_and_compile(dir.path() + "/veto-2019-branch.toml");
  const CompiledModel scenario =
      load_and_compile(std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/veto-2019.toml");
  ASSERT_EQ(saved_branch.events.size(), scenario.events.size() + 1);
  EXPECT_EQ(saved_branch.scenario.seed, 99u);
  EXPECT_EQ(saved_branch.params.grievance_weight, 6.0);
  EXPECT_NE(scenario.params.grievance_weight, 6.0);  // the control: the scenario's own value differs
  const auto fired =
      std::find_if(saved_branch.events.begin(), saved_branch.events.end(),
                   [](const CompiledEvent& e) { return e.label == "Russia offers \"arms\" to Skopje"; });
  ASSERT_NE(fired, saved_branch.events.end());
  // A branch /api/run refuses is not saved either, with the same message.
  body["events"][0]["type"] = "arms_ofer";
  auto bad = server_->post("/api/save-branch", body);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["error"], json::parse(post_run(body)->body)["error"]);
}

const json kNoVetoExplain = {{"scenario", "scenarios/no-veto-2019.toml"},
                             {"replicates", 4},
                             {"agent", "MKD"},
                             {"from", "2019-10-01"},
                             {"to", "2019-12-31"}};

/// POSTs `body` to `endpoint` and returns the answer, expecting `expected_status`.
json post_json(const std::string& endpoint, const json& body, int expected_status) {
  auto r = httplib::Client("127.0.0.1", ServeTest::port()).Post(endpoint, body.dump(), "application/json");
  EXPECT_TRUE(r);
  if (!r) return {};
  EXPECT_EQ(r->status, expected_status) << r->body;
  return json::parse(r->body);
}

json post_explain(const json& body, int expected_status) {
  return post_json("/api/explain", body, expected_status);
}

TEST_F(ServeTest, ExplainWithoutAdditionsSaysTheSameForBothSides) {
  const json out = post_explain(kNoVetoExplain, 200);
  const std::string text = out["baseline"];
  EXPECT_EQ(text.rfind("North Macedonia (MKD), 2019-09-26 to 2020-01-02", 0), 0u) << text;
  EXPECT_NE(text.find("Values are means over 4 runs"), std::string::npos) << text;
  EXPECT_NE(text.find("The signal moved"), std::string::npos) << text;
  EXPECT_EQ(out["branch"], out["baseline"]);
  EXPECT_EQ(out["from"], "2019-10-01");
}

/// The request with France's veto of ALB and MKD fired on 2019-10-18, "France blocks the talks".
json with_fired_veto(json body) {
  body["events"] = {{{"date", "2019-10-18"},
                     {"type", "accession_veto"},
                     {"actor", "FRA"},
                     {"targets", {"MKD", "ALB"}},
                     {"label", "France blocks the talks"}}};
  return body;
}

TEST_F(ServeTest, ExplainOfAnAddedVetoNamesItsConsequences) {
  const json body = with_fired_veto(kNoVetoExplain);
  const json out = post_explain(body, 200);
  const std::string baseline = out["baseline"], branch = out["branch"];
  EXPECT_NE(baseline, branch);
  // The veto's grievance shows up in the branch only (no grievance without the veto in this window).
  EXPECT_NE(baseline.find("grievance toward the West 0 (unchanged"), std::string::npos) << baseline;
  EXPECT_EQ(branch.find("grievance toward the West 0 (unchanged"), std::string::npos) << branch;
}

json post_attribute(const json& body, int expected_status) {
  return post_json("/api/attribute", body, expected_status);
}

// The "which events mattered" panel: on no-veto-2019 with a fired veto, the veto (marked as added) has the
// largest Shapley value for MKD's mean signal, negative, with its knock-out; the Shapley values add up to
// all events minus none; events after 'to' are not players. Fails if the scenario were attributed instead of
// the branch (no added veto), or the order were the scenario's.
TEST_F(ServeTest, AttributeFindsTheFiredVetoFirstAmongTheEventsUpToTheWindowsEnd) {
  const json body = with_fired_veto(kNoVetoExplain);
  const json out = post_attribute(body, 200);
  ASSERT_FALSE(out["events"].empty()) << out.dump();
  const json& top = out["events"][0];
  EXPECT_EQ(top["label"], "France blocks the talks");
  EXPECT_TRUE(top["added"].get<bool>());
  EXPECT_LT(top["shapley"]["high"].get<double>(), 0.0);
  EXPECT_LT(top["knockout"]["high"].get<double>(), 0.0);
  double sum = 0, previous = 1e9;
  for (const json& e : out["events"]) {
    const double phi = e["shapley"]["value"];
    sum += phi;
    EXPECT_LE(std::abs(phi), previous);  // largest first
    previous = std::abs(phi);
    EXPECT_LE(e["date"].get<std::string>(), "2019-12-31");
    if (e != top) {
      EXPECT_FALSE(e["added"].get<bool>());
    }
  }
  EXPECT_NEAR(sum, out["all_events"].get<double>() - out["no_events"].get<double>(), 1e-9);
  EXPECT_EQ(out["from"], "2019-10-01");
  EXPECT_EQ(out["replicates"], 4);
}

TEST_F(ServeTest, AttributeRejectsWindowsWithoutEventsAndWorkBeyondThePagesBudget) {
  auto error_of = [](json body) { return post_attribute(body, 400).value("error", std::string()); };
  json body = kNoVetoExplain;
  body["from"] = "2019-08-01";
  body["to"] = "2019-08-10";
  EXPECT_EQ(error_of(body), "no event happens up to 2019-08-10: nothing to attribute");
  body = kNoVetoExplain;
  body["to"] = "2021-01-01";
  EXPECT_EQ(error_of(body), "'to': 2021-01-01 is outside the run; allowed: 2019-08-01 to 2020-06-30");
  body = kNoVetoExplain;
  body["from"] = "2019-12-31";
  body["to"] = "2019-10-01";
  EXPECT_THAT(error_of(body), ::testing::StartsWith("'from' to 'to': "));
  body = kNoVetoExplain;
  body.erase("agent");
  EXPECT_THAT(error_of(body), ::testing::HasSubstr("'agent' must be a string naming an agent"));
  body = {{"scenario", "scenarios/france-strategy-2019-2025.toml"}, {"agent", "MKD"}, {"replicates", 200}};
  EXPECT_EQ(error_of(body),
            "47 events up to 2025-12-31 at 200 replicates take 193800 runs, more than the page's 100000; "
            "choose an earlier 'to' or fewer replicates, or run `hedgesim attribute`");
}

TEST_F(ServeTest, ExplainRejectsBadAgentsAndWindowsWithTheRequestsKeys) {
  auto error_of = [](json body) { return post_explain(body, 400).value("error", std::string()); };
  json body = kNoVetoExplain;
  body["agent"] = "MKDD";
  EXPECT_THAT(error_of(body), ::testing::HasSubstr("'agent': 'MKDD' is not an agent of this run"));
  EXPECT_THAT(error_of(body), ::testing::HasSubstr("(did you mean 'MKD'?)"));
  body = kNoVetoExplain;
  body.erase("agent");
  EXPECT_THAT(error_of(body), ::testing::HasSubstr("'agent' must be a string naming an agent"));
  body = kNoVetoExplain;
  body["from"] = "2019-13-01";
  EXPECT_THAT(error_of(body), ::testing::HasSubstr("'from' must be a date YYYY-MM-DD"));
  body = kNoVetoExplain;
  body["from"] = "2018-01-01";
  EXPECT_THAT(error_of(body), ::testing::HasSubstr("'from': 2018-01-01 is outside the run"));
  body = kNoVetoExplain;
  body["agnet"] = "MKD";
  EXPECT_THAT(error_of(body),
              ::testing::HasSubstr("unknown key 'agnet' in the request (did you mean 'agent'?)"));
  body = kNoVetoExplain;
  body["events"] = {
      {{"date", "2019-10-18"}, {"type", "acession_veto"}, {"actor", "FRA"}, {"targets", {"MKD"}}}};
  EXPECT_THAT(error_of(body), ::testing::HasSubstr("event 1: "));
}

/// A copy of the shipped model with one parameter's value replaced.
std::filesystem::path model_copy_with(const TempDir& dir, const std::string& parameter, double value) {
  const std::filesystem::path model = std::filesystem::path(dir.path()) / "model";
  std::filesystem::copy(
      std::filesystem::path(HEDGESIM_SOURCE_DIR) / "model", model,
      std::filesystem::copy_options::overwrite_existing | std::filesystem::copy_options::recursive);
  std::string text = slurp((model / "parameters.toml").string());
  const std::string table = "[parameters." + parameter + "]\nvalue = ";
  const std::size_t at = text.find(table);
  EXPECT_NE(at, std::string::npos);
  const std::size_t line_end = text.find('\n', at + table.size());
  text.replace(at + table.size(), line_end - at - table.size(), std::to_string(value));
  spit((model / "parameters.toml").string(), text);
  return model;
}

/// A teacher's directory: a patch of the shipped veto-2019 without the veto (naming its base by an absolute
/// path, as a scenario kept outside the repository would), a broken scenario, and a file that is not a
/// scenario.
std::string teachers_dir(const TempDir& dir) {
  const std::string text = "[scenario]\nextends = \"" + std::string(HEDGESIM_SOURCE_DIR) +
                           "/scenarios/veto-2019.toml\"\nname = \"class-demo\"\n\n[[patch]]\nevent = "
                           "\"fra-veto-2019\"\nremove = true\n";
  spit(dir.path() + "/class-demo.toml", text);
  spit(dir.path() + "/broken.toml", "[scenario]\nname = \"broken\"\n");
  spit(dir.path() + "/notes.txt", "not a scenario");
  return dir.path();
}

TEST(ServeScenarios, ATeachersDirectoryIsListedAfterTheShippedOnesAndRuns) {
  TempDir dir;
  ServerOptions o;
  o.root = HEDGESIM_SOURCE_DIR;
  o.scenario_dirs = {teachers_dir(dir)};
  RunningServer server(o);
  auto r = server.get("/api/scenarios");
  ASSERT_TRUE(r);
  const json list = json::parse(r->body);
  std::vector<std::string> files, sources;
  for (const json& s : list) {
    files.push_back(s["file"]);
    sources.push_back(s["source"]);
  }
  ASSERT_GE(files.size(), 3u);
  EXPECT_EQ(files[files.size() - 2], "yours/broken.toml");
  EXPECT_EQ(files.back(), "yours/class-demo.toml");
  EXPECT_EQ(sources.front(), "shipped");
  EXPECT_EQ(sources.back(), "yours");
  // The broken file is listed with its loader's message, file:line:col; the shipped ones still load.
  const std::string error = list[files.size() - 2].value("error", "");
  EXPECT_NE(error.find(dir.path() + "/broken.toml:1:1: [scenario] is missing the required key"),
            std::string::npos)
      << error;
  EXPECT_EQ(list.back()["name"], "class-demo");
  auto run = server.post("/api/run", {{"scenario", "yours/class-demo.toml"}, {"replicates", 2}});
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, 200) << run->body;
  auto shipped = server.post("/api/run", {{"scenario", "scenarios/veto-2019.toml"}, {"replicates", 2}});
  ASSERT_TRUE(shipped);
  EXPECT_EQ(shipped->status, 200) << shipped->body;
  // Nothing but the listed .toml files is served, by the prefix or by a path out of the directory.
  for (const std::string& bad :
       std::vector<std::string>{"yours/notes.txt", "yours/../class-demo.toml", "yours-2/class-demo.toml",
                                dir.path() + "/class-demo.toml"}) {
    auto refused = server.get("/api/model?scenario=" + httplib::detail::encode_query_param(bad));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad << ": " << refused->body;
  }
}

TEST(ServeAddresses, AWildcardHostListsThisMachinesAddressesButNeverLoopbackOrTheWildcard) {
  for (const std::string host : {"0.0.0.0", "::", ""}) {
    EXPECT_TRUE(is_wildcard_host(host)) << host;
    for (const std::string& a : addresses_to_open(host)) {
      in_addr parsed{};
      EXPECT_EQ(::inet_pton(AF_INET, a.c_str(), &parsed), 1) << a;
      EXPECT_NE(a.rfind("127.", 0), 0u) << a;
      EXPECT_NE(a, "0.0.0.0");
    }
  }
  EXPECT_EQ(addresses_to_open("127.0.0.1"), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(addresses_to_open("localhost"), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(addresses_to_open("192.168.7.9"), std::vector<std::string>{"192.168.7.9"});
  EXPECT_FALSE(is_wildcard_host("192.168.7.9"));
}

TEST(ServeModelDir, AnotherModelDirectoryIsUsedForEveryScenario) {
  TempDir dir;
  const std::filesystem::path model = model_copy_with(dir, "grievance_weight", 0.0);
  ServerOptions shipped, own;
  shipped.root = own.root = HEDGESIM_SOURCE_DIR;
  own.model_dir = model.string();
  RunningServer a(shipped), b(own);
  auto ma = a.get("/api/model?scenario=scenarios/veto-2019.toml");
  auto mb = b.get("/api/model?scenario=scenarios/veto-2019.toml");
  ASSERT_TRUE(ma && mb);
  auto gain = [](const std::string& body) {
    const json model = json::parse(body);
    for (const json& p : model["parameters"])
      if (p["name"] == "grievance_weight") return p["value"].get<double>();
    return -1.0;
  };
  EXPECT_GT(gain(ma->body), 0.0);
  EXPECT_EQ(gain(mb->body), 0.0);
  auto ra = a.post("/api/run", kVeto), rb = b.post("/api/run", kVeto);
  ASSERT_TRUE(ra && rb);
  ASSERT_EQ(rb->status, 200) << rb->body;
  // With grievance weighing nothing in the choice, vetoed North Macedonia courts Moscow less after the veto
  // than under the shipped model (index 4 of the hedgers; step 20 is nine weeks after the veto).
  EXPECT_LT(json::parse(rb->body)["baseline"]["courting"][4][20].get<double>(),
            json::parse(ra->body)["baseline"]["courting"][4][20].get<double>() - 0.01);
}

TEST(ServeModelDir, TheSharedModelFollowsAnEditOfItsFiles) {
  // The server keeps the model it parsed; a request after an edit of the model's files gets the edited
  // model, and a broken edit is reported, then mended. Negative control: the value before the edit.
  TempDir dir;
  const std::filesystem::path model = model_copy_with(dir, "grievance_weight", 3.0);
  ServerOptions o;
  o.root = HEDGESIM_SOURCE_DIR;
  o.model_dir = model.string();
  RunningServer s(o);
  auto gain = [&] {
    auto r = s.get("/api/model?scenario=scenarios/veto-2019.toml");
    EXPECT_TRUE(r);
    if (!r || r->status != 200) return -1.0;
    const json model = json::parse(r->body);
    for (const json& p : model["parameters"])
      if (p["name"] == "grievance_weight") return p["value"].get<double>();
    return -2.0;
  };
  EXPECT_EQ(gain(), 3.0);
  EXPECT_EQ(gain(), 3.0);
  const std::string original = slurp((model / "parameters.toml").string());
  model_copy_with(dir, "grievance_weight", 5.0);  // overwrites the copy's parameters.toml
  EXPECT_EQ(gain(), 5.0);
  spit((model / "parameters.toml").string(), "[parameters\n");
  auto broken = s.post("/api/run", kVeto);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400) << broken->body;
  spit((model / "parameters.toml").string(), original);
  EXPECT_EQ(gain(), 3.0);
}

TEST(ServeModelDir, ABrokenModelIsReportedWithItsFileAndLine) {
  TempDir dir;
  const std::filesystem::path model = model_copy_with(dir, "grievance_weight", 99.0);  // above its max
  ServerOptions o;
  o.root = HEDGESIM_SOURCE_DIR;
  o.model_dir = model.string();
  RunningServer s(o);
  auto r = s.post("/api/run", kVeto);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(json::parse(r->body)["error"].get<std::string>(),
              ::testing::MatchesRegex(".*parameters.toml:[0-9]+:[0-9]+: .*grievance_weight.*"));
}

TEST_F(ServeTest, ABodyNested20000DeepIs400WithoutRecursing) {
  const std::string body = R"({"scenario": "scenarios/veto-2019.toml", "events": )" +
                           std::string(20000, '[') + std::string(20000, ']') + "}";
  ASSERT_LT(body.size(), 64u * 1024);  // under the body cap: the depth check is what refuses it
  auto r = client().Post("/api/run", body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["error"],
            "the request body is nested 20001 levels deep; at most 64 allowed");
  // The explain endpoint reads bodies the same way, and the server is still there.
  auto e = client().Post("/api/explain", body, "application/json");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 400);
  EXPECT_EQ(run_ok(kVeto)["dates"].size(), 49u);
}

TEST(ServeJsonDepth, CountsArraysAndObjectsOutsideStringsOnly) {
  EXPECT_NO_THROW(check_json_depth(std::string(64, '[') + std::string(64, ']'), 64));
  EXPECT_NO_THROW(check_json_depth(R"({"a": "[[[[[[{{{{\"[[[[", "b": [[1]]})", 3));
  try {
    check_json_depth(R"({"a": [{"b": [[]]}], "c": "\\"})", 3);
    ADD_FAILURE() << "nothing thrown";
  } catch (const RequestError& e) {
    EXPECT_STREQ(e.what(), "the request body is nested 5 levels deep; at most 3 allowed");
  }
}

/// A raw connection to 127.0.0.1:port that has sent `bytes`; -1 on failure.
int open_connection(int port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

TEST(ServeLimits, TenSlowClientsDoNotStarveANormalRequest) {
  RunningServer server;
  // Ten clients that send a request line, then one header line every 2 s, never finishing (slowloris).
  std::vector<int> slow;
  for (int i = 0; i < 10; ++i) {
    slow.push_back(open_connection(server.port(), "GET /api/scenarios HTTP/1.1\r\nHost: x\r\n"));
    ASSERT_GE(slow.back(), 0);
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (int i = 0; i < 20 && !done; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      for (int fd : slow)
        ::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the slow ones hold their connections
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = server.get("/api/model?scenario=scenarios/veto-2019.toml");
    const double took = seconds_since(start);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_LT(took, 3.0);
    std::cout << "a normal request with 10 slow clients connected took " << took << " s\n";
  }
  done = true;
  trickle.join();
  for (int fd : slow)
    ::close(fd);
}

TEST(ServeLimits, AClientThatTricklesItsHeadersIsCutOffAtTheRequestDeadline) {
  ServerOptions o;
  o.limits.request_seconds = 2;
  RunningServer server(o);
  const int fd = open_connection(server.port(), "GET /api/scenarios HTTP/1.1\r\n");
  ASSERT_GE(fd, 0);
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && seconds_since(start) < 8) {
    ::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);  // every 0.5 s: well within the 5 s read timeout
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 500) > 0) {
      char buf[4096];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
      }
      closed = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);  // the end, or a reset
    }
  }
  const double took = seconds_since(start);
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_GE(took, 1.5);
  EXPECT_LT(took, 4.0);
}

/// The answer to a GET through a fresh connection, raw: status line to body.
std::string raw_get(int port, const std::string& path) {
  const int fd = open_connection(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string out;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (fd >= 0 && ::poll(&p, 1, 5000) > 0) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  if (fd >= 0) ::close(fd);
  return out;
}

TEST(ServeLimits, ConnectionsBeyondTheLimitAre503AtOnce) {
  ServerOptions o;
  o.limits.max_connections = 3;
  RunningServer server(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the start-up check's connection is gone
  std::vector<int> held;
  for (int i = 0; i < 3; ++i)
    held.push_back(open_connection(server.port(), "GET /api/scenarios HTTP/1.1\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  const std::string refused = raw_get(server.port(), "/api/scenarios");
  EXPECT_LT(seconds_since(start), 1.0);
  EXPECT_EQ(refused.rfind("HTTP/1.1 503 ", 0), 0u) << refused;
  EXPECT_NE(
      refused.find(R"({"error":"the server has 3 connections open, its limit; try again in a moment"})"),
      std::string::npos)
      << refused;
  for (int fd : held)
    ::close(fd);
  std::string again;
  for (int i = 0; i < 50 && again.rfind("HTTP/1.1 200 ", 0) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    again = raw_get(server.port(), "/api/scenarios");
  }
  EXPECT_EQ(again.rfind("HTTP/1.1 200 ", 0), 0u) << again.substr(0, 200);
}

TEST(ServeLimits, AClientRefusedWhileSendingItsBodyStillReadsThe503) {
  // A refused connection is closed lingering: the server reads and throws away the rest of the request, so
  // a client still sending its body gets to the end of it and then reads the 503. Closed at once, the
  // connection is reset and the client's next send fails (a broken pipe) before it reads anything.
  ServerOptions o;
  o.limits.max_connections = 1;
  RunningServer server(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the start-up check's connection is gone
  const int held = open_connection(server.port(), "GET /api/scenarios HTTP/1.1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string body(48 * 1024, ' ');  // within the body cap
  const int fd = open_connection(server.port(), "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                                    std::to_string(body.size()) + "\r\n\r\n");
  ASSERT_GE(fd, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // refused meanwhile
  std::size_t sent = 0;
  int send_error = 0;
  while (sent < body.size() && send_error == 0) {
    const ssize_t n =
        ::send(fd, body.data() + sent, std::min<std::size_t>(4096, body.size() - sent), MSG_NOSIGNAL);
    if (n > 0)
      sent += static_cast<std::size_t>(n);
    else
      send_error = errno;
  }
  EXPECT_EQ(send_error, 0) << std::strerror(send_error) << " after " << sent << " bytes";
  std::string answer;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 5000) > 0) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  ::close(held);
  EXPECT_EQ(answer.rfind("HTTP/1.1 503 ", 0), 0u) << answer;
}

TEST(ServeLimits, OneClientsConnectionsAreCapped) {
  ServerOptions o;
  o.limits.max_connections_per_client = 2;
  RunningServer server(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int a = open_connection(server.port(), "GET /api/scenarios HTTP/1.1\r\n");
  const int b = open_connection(server.port(), "GET /api/scenarios HTTP/1.1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string refused = raw_get(server.port(), "/api/scenarios");
  EXPECT_EQ(refused.rfind("HTTP/1.1 503 ", 0), 0u) << refused;
  EXPECT_NE(refused.find("too many connections from 127.0.0.1 (at most 2 at once)"), std::string::npos)
      << refused;
  ::close(a);
  ::close(b);
}

TEST(ServePort, ASecondServerOnAPortInUseIsRefused) {
  RunningServer first;
  ServerOptions o;
  o.root = HEDGESIM_SOURCE_DIR;
  o.port = first.port();
  Server second(o);
  try {
    second.bind_to_port();
    ADD_FAILURE() << "the second server bound port " << first.port();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                                         " (port in use"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(first.get("/api/scenarios"));
}

}  // namespace
}  // namespace hedgesim::serve
