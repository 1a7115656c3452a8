// Lasting events, veto players' consent and a scenario's starting state: what the files may say (ids,
// `until`, `ends`, [initial.<agent>]), every error with its position, and what compile() makes of them.
#include <gtest/gtest.h>

#include <string>

#include "model/compiled_model.hpp"
#include "model/load.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::agent_index;
using testing::compile_text;
using testing::TempDir;

const std::string kVeto =
    "[[event]]\ndate = 2019-10-18\nid = \"veto\"\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
    "targets = [\"ALB\", \"MKD\"]\nlabel = \"veto\"\n";

std::string step_event(const std::string& date, const std::string& extra = "") {
  return "[[event]]\ndate = " + date + "\ntype = \"accession_step\"\nactor = \"EU\"\ntargets = [\"MKD\"]\n" +
         extra + "label = \"talks\"\n";
}

/// The message (without the position) of compiling the scenario body.
std::string compile_message(const std::string& body) {
  TempDir dir;
  return testing::input_error_of([&] { compile_text(dir, body); }).detail();
}

TEST(Lasting, EndsSetsTheReleaseStepOfTheEndedEvent) {
  TempDir dir;
  const CompiledModel m = compile_text(dir, kVeto + step_event("2020-03-25", "ends = [\"veto\"]\n"));
  ASSERT_EQ(m.events.size(), 2u);
  EXPECT_EQ(m.events[0].id, "veto");
  EXPECT_EQ(m.events[0].release_step, m.events[1].step);
  EXPECT_EQ(m.events[1].release_step, 0);
}

TEST(Lasting, UntilSetsTheReleaseStepAndBeyondTheEndNeverReleases) {
  TempDir dir;
  const CompiledModel m = compile_text(
      dir,
      "[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"FRA\"\ntargets = [\"ALB\"]\n"
      "until = 2019-12-31\nlabel = \"veto\"\n");
  // 2019-12-31 is day 152 of the scenario: step 152 / 7 + 1 = 22.
  EXPECT_EQ(m.events[0].release_step, 22);
  TempDir dir2;
  const CompiledModel never = compile_text(
      dir2,
      "[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"FRA\"\ntargets = [\"ALB\"]\n"
      "until = 2030-01-01\nlabel = \"veto\"\n");
  EXPECT_EQ(never.events[0].release_step, 0);
}

TEST(Lasting, ErrorsOfUntilAndEnds) {
  EXPECT_EQ(compile_message("[[event]]\ndate = 2019-10-18\ntype = \"state_visit\"\nactor = \"FRA\"\n"
                            "targets = [\"ALB\"]\nuntil = 2019-12-31\nlabel = \"visit\"\n"),
            "event type 'state_visit' is not lasting, so its event cannot have 'until'; lasting types have "
            "lasting = true in events.toml");
  EXPECT_EQ(compile_message(kVeto + step_event("2020-03-25", "ends = [\"vteo\"]\n")),
            "'ends' names 'vteo', which is no event's id (did you mean 'veto'?); ids: 'veto'");
  EXPECT_EQ(
      compile_message("[[event]]\ndate = 2019-10-18\nid = \"visit\"\ntype = \"state_visit\"\n"
                      "actor = \"FRA\"\ntargets = [\"ALB\"]\nlabel = \"visit\"\n" +
                      step_event("2020-03-25", "ends = [\"visit\"]\n")),
      "'ends' names 'visit', an event of type 'state_visit', which is not lasting; only lasting events can "
      "be ended");
  EXPECT_EQ(compile_message(kVeto + step_event("2019-10-19", "ends = [\"veto\"]\n")),
            "'ends' names 'veto' of 2019-10-18, which does not start in an earlier step than this event of "
            "2019-10-19; a lasting event must be ended at least one step after it starts");
  EXPECT_EQ(
      compile_message("[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
                      "targets = [\"ALB\"]\nuntil = 2019-10-20\nlabel = \"veto\"\n"),
      "'until' 2019-10-20 falls in the event's own step 12 of 7 days; a lasting event must last at least "
      "into the next step");
}

TEST(Lasting, LoaderErrorsHaveTheirPositions) {
  TempDir dir;
  const std::string head = "[scenario]\nname = \"t\"\ntitle = \"t\"\nmodel = \"" +
                           testing::source_path("model") +
                           "\"\nstart = 2019-08-01\nend = 2020-06-30\nseed = 1\n";
  auto error = [&](const std::string& body) {
    const std::string path = dir.write("s.toml", head + body);
    const InputError e = testing::input_error_of([&] { load_scenario(path); });
    return std::to_string(e.where().line) + ":" + std::to_string(e.where().col) + ": " + e.detail();
  };
  EXPECT_EQ(error("[[event]]\ndate = 2019-10-18\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
                  "targets = [\"ALB\"]\nuntil = 2019-10-01\nlabel = \"veto\"\n"),
            "13:9: 'until' 2019-10-01 must come after the event's date 2019-10-18");
  EXPECT_EQ(error(kVeto + kVeto), "17:6: duplicate event id 'veto'; ids must be unique in a scenario");
  EXPECT_EQ(error(kVeto + step_event("2020-03-25", "ends = \"veto\"\n")),
            "20:8: 'ends' in [[event]] must be an array of strings, e.g. [\"a\", \"b\"], got a string");
  EXPECT_EQ(
      error("[initial.SRB]\nsignl = 0.1\n"),
      "9:1: unknown variable 'signl' in [initial.SRB] (did you mean 'signal'?); allowed: 'signal', "
      "'display', 'position', 'substance', 'opinion', 'grievance', 'accession', 'courting', 'complying', "
      "'payoff_court', 'payoff_comply', 'conditionality', 'detente', 'capacity', 'engagement', 'trust', "
      "'belief' or 'uncertainty'");
  EXPECT_EQ(error("[initial.SRB]\nveto = { FRA = 1 }\n"),
            "9:1: a 'veto' is set by a lasting event (e.g. 'accession_veto'), so that an event can lift it; "
            "remove the key and add the event on the scenario's start date");
  EXPECT_EQ(error("[initial.SRB]\nsignal = 1.5\n"),
            "9:10: 'signal' = 1.5 is out of range in [initial.SRB]; allowed: -1 to 1");
}

TEST(Initial, OverridesReplaceTheStartAndTheBaseline) {
  TempDir dir;
  const CompiledModel m = compile_text(dir,
                                       "[initial.SRB]\nsignal = -0.3\ntrust = { RUS = 0.5 }\n"
                                       "[initial.RUS]\ncapacity = 1.2\n");
  const int srb = agent_index(m, "SRB"), rus = agent_index(m, "RUS");
  EXPECT_EQ(m.initial(m.row(Var::signal, srb)), -0.3);
  EXPECT_EQ(m.initial(m.row(Var::trust, rus, srb)), 0.5);
  EXPECT_EQ(m.initial(m.row(Var::capacity, rus)), 1.2);
  EXPECT_EQ(m.initial(m.row(Var::substance, srb)), 0.45);  // not overridden: the model's value
}

TEST(Initial, CompileErrorsNameTheAgentAndWhatItCarries) {
  EXPECT_EQ(compile_message("[initial.SRV]\nsignal = 0\n"),
            "unknown agent 'SRV' in [initial] (did you mean 'SRB'?); agents are given by id: 'ALB' "
            "(Albania), 'BIH' "
            "(Bosnia and Herzegovina), 'KOS' (Kosovo), 'MNE' (Montenegro), 'MKD' (North Macedonia), 'SRB' "
            "(Serbia), 'EU' (European Union), 'FRA' (France) or 'RUS' (Russia)");
  EXPECT_EQ(
      compile_message("[initial.RUS]\nsignal = 0\n"),
      "'RUS' is a 'patron' and does not carry 'signal'; allowed in [initial.RUS]: 'detente' or 'capacity'");
  EXPECT_EQ(
      compile_message("[initial.SRB]\ntrust = { RUZ = 0.5 }\n"),
      "'RUZ' in 'trust' of [initial.SRB] is not a patron (did you mean 'RUS'?); allowed: 'EU', 'FRA' or "
      "'RUS'");
}

// ---- start_from ------------------------------------------------------------------------------------------

std::string scenario_text(const std::string& name, const std::string& model, const std::string& start,
                          const std::string& end, const std::string& extra = "") {
  return "[scenario]\nname = \"" + name + "\"\ntitle = \"t\"\nmodel = \"" + model + "\"\nstart = " + start +
         "\nend = " + end + "\nseed = 5\n" + extra;
}

TEST(StartFrom, ThePriorIsCompiledAndChecked) {
  TempDir dir;
  const std::string model = testing::source_path("model");
  dir.write("first.toml", scenario_text("first", model, "2019-08-01", "2020-06-30", kVeto));
  const CompiledModel m =
      load_and_compile(dir.write("second.toml", scenario_text("second", model, "2020-07-01", "2021-06-30",
                                                              "start_from = \"first.toml\"\n")));
  ASSERT_NE(m.prior, nullptr);
  EXPECT_EQ(m.prior->scenario.name, "first");
  EXPECT_EQ(m.prior->events.size(), 1u);
}

TEST(StartFrom, ErrorsNameTheProblem) {
  TempDir dir;
  const std::string model = testing::source_path("model");
  auto message = [&](const std::string& path) {
    return testing::input_error_of([&] { load_and_compile(path); }).detail();
  };
  const std::string self = dir.write(
      "self.toml", scenario_text("self", model, "2019-08-01", "2020-06-30", "start_from = \"self.toml\"\n"));
  EXPECT_EQ(message(self),
            "'start_from' = '" + dir.file("self.toml") +
                "' leads back to a scenario already in the chain; a scenario cannot start from "
                "itself, directly or through others");
  dir.write("first.toml", scenario_text("first", model, "2019-08-01", "2020-06-30"));
  const std::string early = dir.write("early.toml", scenario_text("early", model, "2020-01-01", "2020-12-31",
                                                                  "start_from = \"first.toml\"\n"));
  EXPECT_EQ(message(early), "this scenario starts on 2020-01-01, before '" + dir.file("first.toml") +
                                "' ends (2020-06-30); it must start on or after that end");
  const std::string other =
      dir.write("other.toml", scenario_text("other", testing::source_path("model/extended"), "2020-07-01",
                                            "2020-12-31", "start_from = \"first.toml\"\n"));
  EXPECT_EQ(message(other).rfind(
                "'start_from' = '" + dir.file("first.toml") + "' runs a model with agents 'ALB'", 0),
            0u)
      << message(other);
}

}  // namespace
}  // namespace hedgesim
