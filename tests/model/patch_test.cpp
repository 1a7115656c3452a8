// Scenarios as patches of others (`extends`, `[[patch]]`; model/load.hpp, docs/scenario-format.md "Patches"):
// what a patch inherits, removes, moves, changes and adds, that a patch of nothing is its base, and a message
// with its position for each defect.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/compiled_model.hpp"
#include "model/load.hpp"
#include "results/provenance.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;

/// A base scenario with three events, two with ids; the veto is lasting and the third event ends it.
std::string base_text() {
  return "[scenario]\nname = \"base\"\ntitle = \"the base\"\nmodel = \"" + testing::source_path("model") +
         "\"\nstart = 2019-08-01\nend = 2020-06-30\nseed = 11\n\n"
         "[parameters]\ngrievance_weight = 5.0\n\n"
         "[[event]]\ndate = 2019-10-18\nid = \"veto\"\ntype = \"accession_veto\"\nactor = \"FRA\"\n"
         "targets = [\"ALB\", \"MKD\"]\nlabel = \"France vetoes\"\n\n"
         "[[event]]\ndate = 2019-10-25\nid = \"s400\"\ntype = \"arms_offer\"\nactor = \"RUS\"\n"
         "targets = [\"SRB\"]\nlabel = \"S-400 display\"\n\n"
         "[[event]]\ndate = 2020-03-25\ntype = \"accession_step\"\nactor = \"EU\"\ntargets = [\"ALB\", "
         "\"MKD\"]\nends = [\"veto\"]\nlabel = \"Talks open\"\n";
}

/// A patch of base.toml in the same directory: its [scenario] head, then `rest`.
std::string patch_text(const std::string& rest, const std::string& head = "") {
  return "[scenario]\nextends = \"base.toml\"\nname = \"patched\"\n" + head + "\n" + rest;
}

const ScenarioEvent* event_labelled(const Scenario& s, const std::string& label) {
  const auto it = std::find_if(s.events.begin(), s.events.end(),
                               [&](const ScenarioEvent& e) { return e.label == label; });
  return it == s.events.end() ? nullptr : &*it;
}

TEST(Patch, InheritsTheBasesWindowModelSeedParametersAndEvents) {
  TempDir dir;
  dir.write("base.toml", base_text());
  const Scenario s = load_scenario(dir.write("p.toml", patch_text("")));
  const Scenario base = load_scenario(dir.file("base.toml"));
  EXPECT_EQ(s.name, "patched");
  EXPECT_EQ(s.title, "the base");
  EXPECT_EQ(s.model_dir, base.model_dir);
  EXPECT_EQ(s.start.days, base.start.days);
  EXPECT_EQ(s.end.days, base.end.days);
  EXPECT_EQ(s.seed, 11u);
  ASSERT_EQ(s.overrides.size(), 1u);
  EXPECT_EQ(s.events.size(), 3u);
  EXPECT_EQ(s.files, (std::vector<std::string>{dir.file("p.toml"), dir.file("base.toml")}));
}

// A patch that changes nothing runs the base's numbers: the negative control of every change below.
TEST(Patch, APatchOfNothingRunsTheBasesTrajectory) {
  TempDir dir;
  dir.write("base.toml", base_text());
  const CompiledModel a = load_and_compile(dir.file("base.toml"));
  const CompiledModel b = load_and_compile(dir.write("p.toml", patch_text("")));
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].step, b.events[i].step);
    EXPECT_EQ(a.events[i].label, b.events[i].label);
  }
  EXPECT_EQ(a.params.grievance_weight, b.params.grievance_weight);
}

TEST(Patch, RemovesAnEventAndWhatEndedItForgetsIt) {
  TempDir dir;
  dir.write("base.toml", base_text());
  const Scenario s =
      load_scenario(dir.write("p.toml", patch_text("[[patch]]\nevent = \"veto\"\nremove = true\n")));
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(event_labelled(s, "France vetoes"), nullptr);
  EXPECT_TRUE(event_labelled(s, "Talks open")->ends.empty());
  EXPECT_NO_THROW(compile(load_model(s.model_dir), s));  // the 'ends' no longer names a missing id
}

TEST(Patch, MovesAndChangesAnEventAndAddsOthers) {
  TempDir dir;
  dir.write("base.toml", base_text());
  const Scenario s = load_scenario(dir.write(
      "p.toml",
      patch_text("[parameters]\ngrievance_weight = 6.0\naudience_weight = 2.0\n\n"
                 "[[patch]]\nevent = \"s400\"\ndate = 2019-12-01\ntargets = [\"MNE\"]\nmagnitude = 0.5\n"
                 "label = \"A smaller display in Montenegro\"\n\n"
                 "[[event]]\ndate = 2020-01-10\ntype = \"state_visit\"\nactor = \"FRA\"\n"
                 "targets = [\"SRB\"]\nlabel = \"Added visit\"\n")));
  ASSERT_EQ(s.events.size(), 4u);
  const ScenarioEvent* moved = event_labelled(s, "A smaller display in Montenegro");
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(format_date(moved->date), "2019-12-01");
  EXPECT_EQ(moved->targets, (std::vector<std::string>{"MNE"}));
  EXPECT_EQ(moved->magnitude, 0.5);
  EXPECT_EQ(moved->actor, "RUS");  // what the patch leaves alone stays
  EXPECT_NE(event_labelled(s, "Added visit"), nullptr);
  ASSERT_EQ(s.overrides.size(), 2u);  // the patch's grievance_weight replaces the base's
  EXPECT_EQ(s.overrides[0].name, "grievance_weight");
  EXPECT_EQ(s.overrides[0].value, 6.0);
  EXPECT_EQ(s.overrides[1].name, "audience_weight");
}

// A changed field is reported where the patch changed it, not where the base had it.
TEST(Patch, AnErrorInAChangedFieldPointsAtThePatch) {
  TempDir dir;
  dir.write("base.toml", base_text());
  const std::string p = dir.write("p.toml", patch_text("[[patch]]\nevent = \"s400\"\nactor = \"EU\"\n"));
  const InputError e = testing::input_error_of([&] { load_and_compile(p); });
  EXPECT_EQ(e.where().file, p);
  EXPECT_EQ(e.where().line, 7);  // actor = "EU"
}

TEST(Patch, ChangingABaseChangesThePatchsHash) {
  TempDir dir;
  dir.write("base.toml", base_text());
  const std::string p = dir.write("p.toml", patch_text(""));
  const std::string before = results::scenario_sha256(load_scenario(p));
  EXPECT_EQ(results::scenario_sha256(load_scenario(p)), before);
  dir.write("base.toml", base_text() + "# a comment\n");
  EXPECT_NE(results::scenario_sha256(load_scenario(p)), before);
}

TEST(Patch, EachDefectIsReportedWhereItIsWithWhatIsAllowed) {
  TempDir dir;
  dir.write("base.toml", base_text());
  const auto message = [&](const std::string& text) {
    const std::string p = dir.write("p.toml", text);
    const InputError e = testing::input_error_of([&] { load_scenario(p); });
    return std::to_string(e.where().line) + ":" + std::to_string(e.where().col) + ": " + e.detail();
  };
  EXPECT_EQ(message(patch_text("[[patch]]\nevent = \"vetoo\"\nremove = true\n")),
            "6:9: no event of '" + dir.file("base.toml") +
                "' has the id 'vetoo' (did you mean 'veto'?); its ids: 'veto' or 's400'");
  EXPECT_EQ(message(patch_text("[[patch]]\nevent = \"veto\"\nremove = true\n[[patch]]\nevent = \"veto\"\n"
                               "magnitude = 2\n")),
            "9:9: event 'veto' is patched twice; put its changes in one patch");
  EXPECT_EQ(
      message(patch_text("[[patch]]\nevent = \"veto\"\nremove = true\nmagnitude = 2\n")),
      "5:1: the [[patch]] of 'veto' removes the event and also changes it; keep remove = true alone, or "
      "drop it to change the event");
  EXPECT_EQ(message(patch_text("[[patch]]\nevent = \"veto\"\n")),
            "5:1: the [[patch]] of 'veto' changes nothing; give remove = true, or one of 'date', 'until', "
            "'actor', 'targets', 'magnitude' or 'label'");
  EXPECT_EQ(message(patch_text("[[patch]]\nevent = \"s400\"\ndate = 2021-01-01\n")),
            "7:8: date 2021-01-01 is outside the scenario; allowed: 2019-08-01 to 2020-06-30 (the [scenario] "
            "start and end)");
  EXPECT_EQ(message(patch_text("[[patch]]\nevent = \"veto\"\nuntil = 2019-01-01\n")),
            "7:9: 'until' 2019-01-01 must come after the event's date 2019-10-18");
  EXPECT_EQ(message(patch_text("[[patch]]\nevent = \"veto\"\nremove = true\nlabl = \"x\"\n")),
            "8:1: unknown key 'labl' in [[patch]] (did you mean 'label'?); allowed keys: 'event', 'remove', "
            "'date', 'until', 'actor', 'targets', 'magnitude' or 'label'");
  EXPECT_EQ(message(patch_text("", "end = 2019-12-31\n")),
            "4:7: the base scenario's event 'Talks open' (" + dir.file("base.toml") +
                ":28) on 2020-03-25 falls outside this scenario's window 2019-08-01 to 2019-12-31; remove it "
                "with a [[patch]] (remove = true) or keep it in the window");
  EXPECT_EQ(message(patch_text("[[event]]\ndate = 2020-01-10\nid = \"s400\"\ntype = \"state_visit\"\n"
                               "actor = \"FRA\"\ntargets = [\"SRB\"]\nlabel = \"x\"\n")),
            "7:6: duplicate event id 's400'; ids must be unique in a scenario and the scenarios it extends");
  EXPECT_EQ(
      message(base_text() + "\n[[patch]]\nevent = \"veto\"\nremove = true\n"),
      "36:1: [[patch]] changes the events of a base scenario; name it with 'extends' in [scenario] (e.g. "
      "extends = \"veto-2019.toml\")");
  EXPECT_EQ(message("[scenario]\nextends = \"nope.toml\"\nname = \"x\"\n"),
            "2:11: cannot read base scenario '" + dir.file("nope.toml") + "': no such file");
  EXPECT_EQ(
      message("[scenario]\nextends = \"p.toml\"\nname = \"x\"\n"),
      "2:11: 'extends' = '" + dir.file("p.toml") +
          "' leads back to a scenario already in the chain; a scenario cannot extend itself, directly or "
          "through others");
}

// A chain longer than the cap is refused at the link that passes it, however the files are crafted.
TEST(Patch, AChainOfMoreThanSixteenExtendsIsRefused) {
  TempDir dir;
  dir.write("base.toml", base_text());
  std::string previous = "base.toml";
  for (int i = 0; i < 17; ++i) {
    const std::string name = "p" + std::to_string(i) + ".toml";
    dir.write(name, "[scenario]\nextends = \"" + previous + "\"\nname = \"p" + std::to_string(i) + "\"\n");
    previous = name;
  }
  EXPECT_NO_THROW(load_scenario(dir.file("p14.toml")));  // 16 files: the patch, 14 patches and the base
  const std::string what = testing::error_of([&] { load_scenario(dir.file("p16.toml")); });
  EXPECT_NE(what.find("'extends' chains more than 16 scenarios; allowed: at most 16"), std::string::npos)
      << what;
}

}  // namespace
}  // namespace hedgesim
