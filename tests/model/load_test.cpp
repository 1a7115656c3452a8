// Tests of load_scenario() and load_model(): what the shipped files load to, and one test per error message
// of the loader, each asserting the whole message with its `file:line:col`. Scenario defects come from the
// corpus in tests/data/bad/ (one defect per file, positions fixed by its template, see its README.md); model
// defects from a copy of model/ in a temporary directory with one file patched, the expected position being
// found in the patched text. Defects of the model that only compile() can see (step_days, a parameter the
// mechanisms need) are here too, with the other model defects.
#include "model/load.hpp"
#include "model_paths.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "model/compiled_model.hpp"
#include "model/model_tables.hpp"

namespace hedgesim {
namespace {

namespace fs = std::filesystem;

using testing::at;
using testing::BadScenario;
using testing::TempDir;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

/// Where `needle` (plus `offset` characters into it) is in `text`, 1-based; the needle must occur once.
SourcePos find_pos(const std::string& file, const std::string& text, const std::string& needle,
                   std::size_t offset = 0) {
  const std::size_t i = text.find(needle);
  if (i == std::string::npos) {
    ADD_FAILURE() << "'" << needle << "' not found in " << file;
    return {file, -1, -1};
  }
  EXPECT_EQ(text.find(needle, i + 1), std::string::npos) << "'" << needle << "' is not unique in " << file;
  const std::size_t p = i + offset;
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(p), '\n'));
  const std::size_t nl = p == 0 ? std::string::npos : text.rfind('\n', p - 1);
  const int col = static_cast<int>(nl == std::string::npos ? p + 1 : p - nl);
  return {file, line, col};
}

// ---- scenario files: the corpus ---------------------------------------------------------------------------

class LoadBadScenario : public ::testing::TestWithParam<BadScenario> {};

TEST_P(LoadBadScenario, ReportsPositionAndMessage) {
  const BadScenario& b = GetParam();
  const std::string path = kBad + b.name + ".toml";
  ASSERT_TRUE(fs::is_regular_file(path)) << path;
  const InputError e = testing::input_error_of([&] { load_scenario(path); });
  EXPECT_EQ(std::string(e.what()), at(path, b.line, b.col) + b.detail);
  EXPECT_EQ(e.where().line, b.line);
  EXPECT_EQ(e.where().col, b.col);
}

// Template of the corpus: line 2 [scenario] (name 3, title 4, model 5, start 6, end 7, seed 8), line 10
// [[event]] (date 11, type 12, actor 13, targets 14, then magnitude 15 if any, label). Columns are those of
// the value (`date = ` -> 8, `actor = ` -> 9, `targets = ` -> 11, `magnitude = ` -> 13) or of the key.
INSTANTIATE_TEST_SUITE_P(
    Corpus, LoadBadScenario,
    ::testing::Values(
        BadScenario{"missing_scenario_table", 1, 1,
                    "the scenario file is missing the required key 'scenario'"},
        BadScenario{
            "unknown_top_level_key", 10, 3,
            "unknown key 'evnt' in the scenario file (did you mean 'event'?); allowed keys: 'scenario', "
            "'parameters', 'initial', 'event' or 'patch'"},
        BadScenario{"unknown_scenario_key", 8, 1,
                    "unknown key 'sede' in [scenario] (did you mean 'seed'?); allowed keys: 'name', 'title', "
                    "'model', 'start', 'end', 'seed', 'start_from' or 'extends'"},
        BadScenario{"unknown_event_key", 15, 1,
                    "unknown key 'magnitud' in [[event]] (did you mean 'magnitude'?); allowed keys: 'date', "
                    "'id', 'type', 'actor', 'targets', 'magnitude', 'label', 'until' or 'ends'"},
        BadScenario{"missing_seed", 2, 1, "[scenario] is missing the required key 'seed'"},
        BadScenario{"missing_label", 10, 1, "[[event]] is missing the required key 'label'"},
        BadScenario{"magnitude_string", 15, 13, "'magnitude' in [[event]] must be a number, got a string"},
        BadScenario{"actor_integer", 13, 9, "'actor' in [[event]] must be a string, got an integer"},
        BadScenario{"targets_not_array", 14, 11,
                    "'targets' in [[event]] must be an array of strings, e.g. [\"a\", \"b\"], got a string"},
        BadScenario{"targets_not_strings", 14, 19, "'targets' must hold strings, got an integer"},
        BadScenario{"targets_empty", 14, 11, "'targets' is empty; give at least one name"},
        BadScenario{"seed_float", 8, 8,
                    "'seed' in [scenario] must be an integer, got a floating-point number"},
        BadScenario{"start_datetime", 6, 9,
                    "'start' in [scenario] must be a date (YYYY-MM-DD), got a date-time"},
        BadScenario{"override_string", 11, 13, "'step_days' in [parameters] must be a number, got a string"},
        BadScenario{
            "event_not_table", 2, 9,
            "'event' in the scenario file must be an array of tables, written [[event]], got an integer"},
        BadScenario{"magnitude_out_of_range", 15, 13,
                    "'magnitude' = 11 is out of range in [[event]]; allowed: 0 to 10"},
        BadScenario{"seed_negative", 8, 8,
                    "'seed' = -1 is out of range in [scenario]; allowed: 0 to 9223372036854775807"},
        BadScenario{"end_before_start", 7, 7, "end 2019-07-01 must come after start 2019-08-01"},
        BadScenario{"end_equals_start", 7, 7, "end 2019-08-01 must come after start 2019-08-01"},
        BadScenario{
            "date_not_a_date", 6, 9,
            "'start' = \"2019-13-45\" is not a date; write a calendar date as YYYY-MM-DD, e.g. 2019-10-18"},
        BadScenario{
            "event_after_end", 11, 8,
            "date 2020-07-01 is outside the scenario; allowed: 2019-08-01 to 2020-06-30 (the [scenario] "
            "start and end)"},
        BadScenario{
            "event_before_start", 11, 8,
            "date 2019-07-31 is outside the scenario; allowed: 2019-08-01 to 2020-06-30 (the [scenario] "
            "start and end)"}),
    [](const ::testing::TestParamInfo<BadScenario>& info) { return std::string(info.param.name); });

// ---- scenario files: other cases --------------------------------------------------------------------------

TEST(LoadScenario, ControlFileLoads) {
  const std::string path = kBad + "control.toml";
  const Scenario s = load_scenario(path);
  EXPECT_EQ(s.file, path);
  EXPECT_EQ(s.name, "bad");
  EXPECT_EQ(s.title, "one defect");
  EXPECT_EQ(s.model_dir, kModel);  // "../../../model" is taken relative to tests/data/bad/
  EXPECT_EQ(s.model_pos.line, 5);
  EXPECT_EQ(s.model_pos.col, 9);
  EXPECT_EQ(format_date(s.start), "2019-08-01");
  EXPECT_EQ(format_date(s.end), "2020-06-30");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_TRUE(s.overrides.empty());
  ASSERT_EQ(s.events.size(), 1u);
  const ScenarioEvent& e = s.events[0];
  EXPECT_EQ(format_date(e.date), "2019-10-18");
  EXPECT_EQ(e.type, "accession_veto");
  EXPECT_EQ(e.actor, "FRA");
  EXPECT_EQ(e.targets, (std::vector<std::string>{"ALB", "MKD"}));
  EXPECT_EQ(e.magnitude, 1.0);  // the default
  EXPECT_EQ(e.label, "veto");
  EXPECT_EQ(e.pos.line, 10);
  EXPECT_EQ(e.type_pos.line, 12);
  EXPECT_EQ(e.type_pos.col, 8);
  EXPECT_EQ(e.actor_pos.line, 13);
  EXPECT_EQ(e.actor_pos.col, 9);
  EXPECT_EQ(e.targets_pos.line, 14);
  EXPECT_EQ(e.targets_pos.col, 11);
}

TEST(LoadScenario, FromMemoryIsTheFilesScenarioAndNamesThePathGiven) {
  // parse_scenario reads no file: the same text under another name gives the same scenario, its model
  // resolved from the name's directory, and a defect reported at the name it was given.
  const std::string path = kBad + "control.toml";
  const std::string text = read_text(path);
  const Scenario from_file = load_scenario(path), from_text = parse_scenario(text, path);
  EXPECT_EQ(from_text.model_dir, from_file.model_dir);
  EXPECT_EQ(from_text.events.size(), from_file.events.size());
  EXPECT_EQ(at(from_text.events[0].actor_pos), at(from_file.events[0].actor_pos));
  const std::string elsewhere = "/nowhere/sub/x.toml";
  EXPECT_EQ(parse_scenario(text, elsewhere).model_dir,
            (fs::path("/nowhere/sub") / "../../../model").lexically_normal().string());
  const InputError e =
      testing::input_error_of([&] { parse_scenario("[scenario]\nname = 1\n", "<request>"); });
  EXPECT_EQ(std::string(e.what()).rfind(at("<request>", 2, 8), 0), 0u) << e.what();
  EXPECT_FALSE(fs::exists("<request>"));  // nothing was written under that name
}

TEST(LoadModel, FromMemoryIsTheDirectorysModelAndAChangedTextIsWhatIsChecked) {
  const ModelText text = read_model(kModel);
  ASSERT_EQ(text.files[0], read_text(fs::path(kModel) / "agents.toml"));
  const ModelSpec from_dir = load_model(kModel), from_text = parse_model(text);
  EXPECT_EQ(from_text.files, from_dir.files);
  EXPECT_EQ(from_text.agents.size(), from_dir.agents.size());
  EXPECT_EQ(from_text.parameters.size(), from_dir.parameters.size());
  EXPECT_EQ(from_text.event_types.size(), from_dir.event_types.size());
  // A defect in the text held in memory (not on disk) is found, at that file's name.
  ModelText broken = text;
  broken.files[1] = "[parameters\n";
  const InputError e = testing::input_error_of([&] { parse_model(broken); });
  EXPECT_EQ(e.where().file, (fs::path(kModel) / "parameters.toml").lexically_normal().string());
  EXPECT_NE(std::string(e.what()).find("malformed TOML"), std::string::npos) << e.what();
}

TEST(LoadModel, ValidatingParsedFilesIsParseModelAndTheChangedTableIsWhatIsChecked) {
  // validate_model over tables parsed apart (what the model fuzz target does, parsing only the file it
  // changes) gives parse_model's model, and a defect in the one table swapped in is found at its file.
  const ModelText text = read_model(kModel);
  std::array<toml::table, std::size(kModelFiles)> parsed;
  ModelTables tables{};
  for (std::size_t f = 0; f < parsed.size(); ++f) {
    parsed[f] = parse_model_file(text, f);
    tables[f] = &parsed[f];
  }
  const ModelSpec whole = parse_model(text), apart = validate_model(text.dir, tables);
  EXPECT_EQ(apart.files, whole.files);
  ASSERT_EQ(apart.parameters.size(), whole.parameters.size());
  for (std::size_t i = 0; i < whole.parameters.size(); ++i)
    EXPECT_EQ(apart.parameters[i].value, whole.parameters[i].value) << whole.parameters[i].name;
  EXPECT_EQ(apart.agents.size(), whole.agents.size());
  EXPECT_EQ(apart.event_types.size(), whole.event_types.size());
  ModelText changed = text;
  changed.files[3] = "[influence]\nSRB = { NOPE = 0.5 }\n";
  const toml::table bad = parse_model_file(changed, 3);
  tables[3] = &bad;
  const InputError e = testing::input_error_of([&] { validate_model(text.dir, tables); });
  EXPECT_EQ(e.where().file, (fs::path(kModel) / "influence.toml").lexically_normal().string());
  EXPECT_EQ(e.where().line, 2);
}

TEST(LoadScenario, MissingFile) {
  const std::string path = kBad + "does_not_exist.toml";
  const InputError e = testing::input_error_of([&] { load_scenario(path); });
  EXPECT_EQ(std::string(e.what()), at(path, 0, 0) + "cannot read scenario file '" + path + "': no such file");
}

TEST(LoadScenario, SyntaxErrorNamesLineAndColumn) {
  const std::string path = kBad + "syntax_error.toml";  // line 8: `seed = = 1`, the second '=' at column 8
  const InputError e = testing::input_error_of([&] { load_scenario(path); });
  const std::string what = e.what();
  EXPECT_EQ(what.rfind(at(path, 8, 8) + "malformed TOML: ", 0), 0u) << what;
  EXPECT_TRUE(what.ends_with("; see https://toml.io for the syntax")) << what;
  EXPECT_GT(e.detail().size(), std::string("malformed TOML: ; see https://toml.io for the syntax").size());
}

TEST(LoadScenario, TomlDateThatIsNotACalendarDateIsASyntaxError) {
  const std::string path = kBad + "invalid_toml_date.toml";  // line 11: date = 2019-02-30
  const InputError e = testing::input_error_of([&] { load_scenario(path); });
  EXPECT_EQ(e.where().file, path);
  EXPECT_EQ(e.where().line, 11);
  EXPECT_GE(e.where().col, 8);
  EXPECT_EQ(e.detail().rfind("malformed TOML: ", 0), 0u) << e.what();
}

TEST(LoadScenario, MissingModelDirectoryPointsAtTheModelLine) {
  const std::string path = kBad + "missing_model_dir.toml";
  const std::string dir = kBad + "no-such-model";
  const InputError e = testing::input_error_of([&] { load_and_compile(path); });
  EXPECT_EQ(std::string(e.what()), at(path, 5, 9) + "model directory '" + dir +
                                       "' does not exist; it must hold agents.toml, parameters.toml, "
                                       "events.toml and influence.toml");
}

TEST(LoadScenario, DatesMayBeStringsAndEventsMayFallOnStartAndEnd) {
  TempDir tmp;
  const std::string path = tmp.write("s.toml",
                                     "[scenario]\n"
                                     "name = \"s\"\n"
                                     "title = \"t\"\n"
                                     "model = \"model\"\n"
                                     "start = \"2019-08-01\"\n"
                                     "end = 2019-09-30\n"
                                     "seed = 9223372036854775807\n"
                                     "[[event]]\n"
                                     "date = 2019-08-01\n"
                                     "type = \"x\"\nactor = \"a\"\ntargets = [\"b\"]\nlabel = \"first day\"\n"
                                     "[[event]]\n"
                                     "date = \"2019-09-30\"\n"
                                     "type = \"x\"\nactor = \"a\"\ntargets = [\"b\"]\nlabel = \"last day\"\n"
                                     "magnitude = 0\n");
  const Scenario s = load_scenario(path);
  EXPECT_EQ(s.start, *parse_date("2019-08-01"));
  EXPECT_EQ(s.end, *parse_date("2019-09-30"));
  EXPECT_EQ(s.seed, 9223372036854775807u);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].date, s.start);
  EXPECT_EQ(s.events[1].date, s.end);
  EXPECT_EQ(s.events[1].magnitude, 0.0);
  EXPECT_EQ(s.model_dir, (fs::path(tmp.path()) / "model").string());
}

TEST(LoadScenario, AbsoluteModelPathIsKept) {
  TempDir tmp;
  const std::string path =
      tmp.write("s.toml", "[scenario]\nname = \"s\"\ntitle = \"t\"\nmodel = \"" + kModel +
                              "\"\nstart = 2019-08-01\nend = 2019-09-30\nseed = 1\n");
  EXPECT_EQ(load_scenario(path).model_dir, kModel);
}

TEST(LoadScenario, OverridesKeepTheirKeyPositions) {
  const std::string path = kBad + "parameter_out_of_range.toml";  // out of range only for compile()
  const Scenario s = load_scenario(path);
  ASSERT_EQ(s.overrides.size(), 1u);
  EXPECT_EQ(s.overrides[0].name, "engagement_signal_pull");
  EXPECT_EQ(s.overrides[0].value, 5.0);
  EXPECT_EQ(s.overrides[0].pos.file, path);
  EXPECT_EQ(s.overrides[0].pos.line, 11);
  EXPECT_EQ(s.overrides[0].pos.col, 1);
}

// ---- the shipped model ------------------------------------------------------------------------------------

TEST(LoadModel, ShippedModel) {
  const ModelSpec m = load_model(kModel);
  EXPECT_EQ(m.dir, kModel);
  EXPECT_EQ(m.name, "hedging-wb9");
  EXPECT_EQ(m.files, (std::vector<std::string>{kModel + "/agents.toml", kModel + "/events.toml",
                                               kModel + "/influence.toml", kModel + "/parameters.toml"}));
  ASSERT_EQ(m.agents.size(), 9u);
  const std::string parameters = read_text(kModel + "/parameters.toml");
  std::size_t tables = 0;
  for (std::size_t i = 0; (i = parameters.find("\n[parameters.", i)) != std::string::npos; ++i)
    ++tables;
  EXPECT_EQ(m.parameters.size(), tables);  // one per [parameters.NAME] table
  EXPECT_GE(tables, 24u);
  EXPECT_EQ(m.event_types.size(), 22u);
  EXPECT_EQ(m.influence.size(), 4u + 5 + 4 + 5 + 5 + 5);

  const std::string agents = read_text(kModel + "/agents.toml");
  const AgentSpec* fra = m.find_agent("FRA");
  ASSERT_NE(fra, nullptr);
  EXPECT_EQ(fra->name, "France");
  EXPECT_EQ(fra->kind, Kind::patron);
  EXPECT_EQ(fra->bloc, "west");
  ASSERT_EQ(m.blocs.size(), 2u);
  EXPECT_EQ(m.find_bloc("west")->pole, 1);
  EXPECT_EQ(m.find_bloc("east")->pole, -1);
  EXPECT_EQ(at(fra->pos), at(find_pos(kModel + "/agents.toml", agents, "[[agent]]\nid = \"FRA\"")));
  const AgentSpec* srb = m.find_agent("SRB");
  ASSERT_NE(srb, nullptr);
  EXPECT_EQ(srb->susceptibility, 0.20);
  ASSERT_EQ(srb->dyads.size(),
            4u);  // engagement = { RUS = 0.30 }, trust = { EU = 0.3, FRA = 0.3, RUS = 0.90 }
  EXPECT_EQ(srb->dyads[0].var, Var::engagement);
  EXPECT_EQ(srb->dyads[0].patron, "RUS");
  EXPECT_EQ(srb->dyads[1].var, Var::trust);
  EXPECT_EQ(srb->dyads[1].patron, "EU");
  EXPECT_EQ(srb->dyads[3].value, 0.90);
  EXPECT_EQ(srb->initial[var_index(Var::signal)], -0.10);
  EXPECT_EQ(srb->initial[var_index(Var::grievance)], 0.0);  // not given: zero

  const EventTypeSpec* veto = m.find_event_type("accession_veto");
  ASSERT_NE(veto, nullptr);
  EXPECT_TRUE(veto->actors.veto_player);
  EXPECT_TRUE(veto->actors.blocs.empty());
  EXPECT_FALSE(veto->actors.hedger);
  EXPECT_TRUE(veto->targets.hedger);
  EXPECT_FALSE(veto->targets.may_be_patron());
  EXPECT_TRUE(veto->lasting);
  EXPECT_FALSE(veto->requires_consent);
  EXPECT_TRUE(m.find_event_type("accession_step")->requires_consent);
  EXPECT_TRUE(m.find_agent("FRA")->veto_player);
  EXPECT_FALSE(m.find_agent("EU")->veto_player);
  ASSERT_EQ(veto->effects.size(), 4u);
  EXPECT_EQ(veto->effects[0].variable, Var::veto);
  EXPECT_EQ(veto->effects[3].party, Party::bystanders);
  EXPECT_EQ(veto->effects[3].variable, Var::grievance);
  EXPECT_EQ(veto->effects[3].delta, 0.35);
  EXPECT_EQ(veto->effects[3].scale_by, Var::accession);
  EXPECT_FALSE(veto->effects[2].scale_by.has_value());
  EXPECT_EQ(veto->effects[2].half_life_days, 0.0);
  const EventTypeSpec* visit = m.find_event_type("state_visit");
  ASSERT_NE(visit, nullptr);
  EXPECT_EQ(visit->effects[0].half_life_days, 60.0);

  const ParameterSpec* step = m.find_parameter("step_days");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->value, 7.0);
  EXPECT_EQ(step->min, 1.0);
  EXPECT_EQ(step->max, 31.0);
  EXPECT_EQ(step->unit, "days");
  EXPECT_EQ(m.find_parameter("no_such_parameter"), nullptr);
}

// ---- model defects: a copy of model/ with one file patched ------------------------------------------------

class ModelDefect : public ::testing::Test {
 protected:
  ModelDefect() { fs::copy(kModel, fs::path(tmp_.path()) / "model", fs::copy_options::recursive); }

  std::string dir() const { return (fs::path(tmp_.path()) / "model").string(); }
  std::string file(const std::string& name) const { return dir() + "/" + name; }
  std::string text(const std::string& name) const { return read_text(file(name)); }

  /// Replaces the one occurrence of `from` in model file `name` by `to`.
  void patch(const std::string& name, const std::string& from, const std::string& to) {
    std::string t = text(name);
    const std::size_t i = t.find(from);
    ASSERT_NE(i, std::string::npos) << "'" << from << "' not found in " << name;
    ASSERT_EQ(t.find(from, i + 1), std::string::npos) << "'" << from << "' is not unique in " << name;
    t.replace(i, from.size(), to);
    write_text(file(name), t);
  }
  void append(const std::string& name, const std::string& more) { write_text(file(name), text(name) + more); }

  /// "file:line:col: " of `needle` (+ offset) in the patched model file `name`.
  std::string where(const std::string& name, const std::string& needle, std::size_t offset = 0) const {
    return at(find_pos(file(name), text(name), needle, offset));
  }

  InputError load_error() const {
    return testing::input_error_of([&] { load_model(dir()); });
  }
  /// For defects only compile() sees: compile the patched model with a valid scenario.
  InputError compile_error() const {
    return testing::input_error_of([&] { compile(load_model(dir()), load_scenario(kBad + "control.toml")); });
  }

  TempDir tmp_;
};

TEST_F(ModelDefect, UnpatchedCopyLoadsAndCompiles) {
  const ModelSpec m = load_model(dir());
  EXPECT_EQ(m.agents.size(), 9u);
  EXPECT_NO_THROW(compile(m, load_scenario(kBad + "control.toml")));
}

TEST_F(ModelDefect, MissingDirectory) {
  const std::string missing = dir() + "-missing";
  const InputError e = testing::input_error_of([&] { load_model(missing); });
  EXPECT_EQ(std::string(e.what()), at(missing, 0, 0) + "model directory '" + missing +
                                       "' does not exist; it must hold agents.toml, parameters.toml, "
                                       "events.toml and influence.toml");
}

TEST_F(ModelDefect, MissingFile) {
  fs::remove(file("events.toml"));
  EXPECT_EQ(std::string(load_error().what()), at(file("events.toml"), 0, 0) + "cannot read model file '" +
                                                  file("events.toml") + "': no such file");
}

TEST_F(ModelDefect, MissingFileReportedAtTheScenarioModelLine) {
  fs::remove(file("influence.toml"));
  const std::string scenario = tmp_.write("s.toml",
                                          "[scenario]\n"
                                          "name = \"s\"\n"
                                          "title = \"t\"\n"
                                          "model = \"model\"\n"
                                          "start = 2019-08-01\n"
                                          "end = 2020-06-30\n"
                                          "seed = 1\n");
  const InputError e = testing::input_error_of([&] { load_and_compile(scenario); });
  EXPECT_EQ(std::string(e.what()),
            at(scenario, 4, 9) + "cannot read model file '" + file("influence.toml") + "': no such file");
}

TEST_F(ModelDefect, MalformedToml) {
  patch("agents.toml", "id = \"ALB\"", "id = \"ALB");
  const InputError e = load_error();
  EXPECT_EQ(e.where().file, file("agents.toml"));
  EXPECT_EQ(e.where().line, find_pos(file("agents.toml"), text("agents.toml"), "id = \"ALB").line);
  EXPECT_EQ(e.detail().rfind("malformed TOML: ", 0), 0u) << e.what();
}

TEST_F(ModelDefect, UnknownTopLevelKey) {
  patch("agents.toml", "[[agent]]\nid = \"ALB\"", "[[agents]]\nid = \"ALB\"");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("agents.toml", "[[agents]]", 2) +
          "unknown key 'agents' in agents.toml (did you mean 'agent'?); allowed keys: 'model', 'bloc' or "
          "'agent'");
}

TEST_F(ModelDefect, UnknownAgentKey) {
  patch("agents.toml", "susceptibility = 0.25", "susceptibilty = 0.25");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("agents.toml", "susceptibilty = 0.25") +
          "unknown key 'susceptibilty' in [[agent]] (did you mean 'susceptibility'?); allowed keys: 'id', "
          "'name', 'seat', 'kind', 'bloc', 'veto_player', 'initial' or 'susceptibility'");
}

TEST_F(ModelDefect, MissingAgentKind) {
  patch("agents.toml", "seat = \"Paris\"\nkind = \"patron\"\n", "seat = \"Paris\"\n");
  EXPECT_EQ(std::string(load_error().what()), where("agents.toml", "[[agent]]\nid = \"FRA\"") +
                                                  "[[agent]] 'FRA' is missing the required key 'kind'");
}

TEST_F(ModelDefect, UnknownKind) {
  patch("agents.toml", "seat = \"Paris\"\nkind = \"patron\"", "seat = \"Paris\"\nkind = \"patorn\"");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "kind = \"patorn\"", 7) +
                "unknown kind 'patorn' (did you mean 'patron'?); allowed: 'hedger' or 'patron'");
}

TEST_F(ModelDefect, UnknownBlocOfAPatron) {
  patch("agents.toml", "kind = \"patron\"\nbloc = \"east\"", "kind = \"patron\"\nbloc = \"eats\"");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "bloc = \"eats\"", 7) +
                "unknown bloc 'eats' (did you mean 'east'?); allowed: 'west' or 'east' (the [[bloc]] ids)");
}

TEST_F(ModelDefect, PatronWithoutABloc) {
  patch("agents.toml", "kind = \"patron\"\nbloc = \"east\"\n", "kind = \"patron\"\n");
  EXPECT_EQ(std::string(load_error().what()), where("agents.toml", "[[agent]]\nid = \"RUS\"") +
                                                  "[[agent]] 'RUS' is missing the required key 'bloc'");
}

TEST_F(ModelDefect, BlocOfAHedger) {
  patch("agents.toml", "kind = \"hedger\"\nsusceptibility = 0.25",
        "kind = \"hedger\"\nbloc = \"west\"\n"
        "susceptibility = 0.25");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("agents.toml", "bloc = \"west\"\nsusceptibility") +
          "'bloc' applies only to 'patron' agents; 'ALB' is a 'hedger', which stands between the blocs: "
          "remove the key");
}

TEST_F(ModelDefect, VetoPlayerOnAHedger) {
  patch("agents.toml", "kind = \"hedger\"\nsusceptibility = 0.25",
        "kind = \"hedger\"\nveto_player = true\n"
        "susceptibility = 0.25");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("agents.toml", "veto_player = true\nsusceptibility") +
          "'veto_player' applies only to 'patron' agents; 'ALB' is a 'hedger', which stands between the "
          "blocs: remove the key");
}

TEST_F(ModelDefect, InitialVetoOfAHedger) {
  patch("agents.toml", "RUS = 0.90 }", "RUS = 0.90 }, veto = { FRA = 1 }");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("agents.toml", "veto = { FRA") +
          "a 'veto' is set by a lasting event (e.g. 'accession_veto'), so that an event can lift it; remove "
          "the key and add the event on the scenario's start date");
}

TEST_F(ModelDefect, ConsentWithoutHedgerTargets) {
  patch("events.toml", "actor_kinds = [\"west\"]\ntarget_kinds = [\"east\"]",
        "actor_kinds = [\"west\"]\ntarget_kinds = [\"east\"]\nrequires_consent = true");
  EXPECT_EQ(std::string(load_error().what()),
            where("events.toml", "target_kinds = [\"east\"]\nrequires_consent = true", 24) +
                "'requires_consent' needs hedger targets (the veto players' consent concerns a hedger's "
                "accession); 'target_kinds' of 'reset_with_rival' has no 'hedger'");
}

TEST_F(ModelDefect, BlocsMustBeTwoWithOppositePoles) {
  patch("agents.toml", "id = \"east\"\nname = \"Russia\"\npole = -1",
        "id = \"east\"\nname = \"Russia\"\npole = 1");
  EXPECT_EQ(
      std::string(load_error().what()),
      at(file("agents.toml"), 1, 1) +
          "the model needs exactly two [[bloc]] tables, one with pole = 1 and one with pole = -1 (the two "
          "ends of the alignment axis); found 2 bloc(s) with the same pole");
}

TEST_F(ModelDefect, BlocPoleZero) {
  patch("agents.toml", "id = \"east\"\nname = \"Russia\"\npole = -1",
        "id = \"east\"\nname = \"Russia\"\npole = 0");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("agents.toml", "pole = 0", 7) +
          "'pole' = 0; a bloc stands at one end of the alignment axis: allowed: 1 (the +1 end of signal) or "
          "-1 (the -1 end)");
}

TEST_F(ModelDefect, DyadInitialOfAnUnknownPatron) {
  patch("agents.toml", "RUS = 0.90 }", "RUZ = 0.90 }");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "RUZ = 0.90") +
                "'RUZ' in 'trust' of agent 'SRB' is not a patron (did you mean 'RUS'?); allowed: 'EU', 'FRA' "
                "or 'RUS'");
}

TEST_F(ModelDefect, UnknownKindInEventType) {
  patch("events.toml", "actor_kinds = [\"west\"]\ntarget_kinds = [\"east\"]",
        "actor_kinds = [\"wset\"]\ntarget_kinds = [\"east\"]");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("events.toml", "actor_kinds = [\"wset\"]", 14) +
          "unknown kind 'wset' in 'actor_kinds' (did you mean 'west'?); allowed: 'hedger', 'patron', "
          "'veto_player', 'west' or 'east' (a bloc id stands for the patrons of that bloc, 'veto_player' "
          "for the patrons with veto_player = true)");
}

TEST_F(ModelDefect, HedgerOnlyKeyOnAPatron) {
  patch("agents.toml", "seat = \"Paris\"\n", "seat = \"Paris\"\nsusceptibility = 0.5\n");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "susceptibility = 0.5") +
                "'susceptibility' applies only to 'hedger' agents; 'FRA' is a 'patron', so remove the key");
}

TEST_F(ModelDefect, EffectOnTheDerivedAttention) {
  patch("events.toml", "variable = \"detente\"\n  delta = 0.6", "variable = \"attention\"\n  delta = 0.6");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("events.toml", "\"attention\"\n  delta = 0.6") +
          "'attention' is derived each step from the engagement of the patron (E7) and cannot be moved by "
          "an event; move 'engagement' instead");
}

TEST_F(ModelDefect, SeatDefaultsToTheName) {
  patch("agents.toml", "seat = \"Paris\"\n", "");
  const ModelSpec m = load_model(dir());
  EXPECT_EQ(m.find_agent("FRA")->seat, "France");
  EXPECT_EQ(m.find_agent("RUS")->seat, "Moscow");
}

TEST_F(ModelDefect, DuplicateAgentId) {
  patch("agents.toml", "id = \"BIH\"", "id = \"ALB\"");
  // Reported at the second agent's [[agent]] header.
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "[[agent]]\nid = \"ALB\"\nname = \"Bosnia") +
                "duplicate agent id 'ALB'; ids must be unique");
}

TEST_F(ModelDefect, InvalidIdCharacters) {
  patch("agents.toml", "id = \"SRB\"", "id = \"SR B\"");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "id = \"SR B\"", 5) +
                "'id' = \"SR B\" is not a valid id; use 1 to 32 letters, digits, '_' or '-'");
}

TEST_F(ModelDefect, IdLongerThan32Characters) {
  const std::string id(33, 'x');
  patch("events.toml", "id = \"spy_scandal\"", "id = \"" + id + "\"");
  EXPECT_EQ(std::string(load_error().what()),
            where("events.toml", "id = \"" + id, 5) + "'id' = \"" + id +
                "\" is not a valid id; use 1 to 32 letters, digits, '_' or '-'");
}

TEST_F(ModelDefect, InitialValueOfAVariableTheKindDoesNotCarry) {
  patch("agents.toml", "initial = { detente = 0.0, capacity = 0.0 }\n\n[[agent]]\nid = \"FRA\"",
        "initial = { signal = 0.0 }\n\n[[agent]]\nid = \"FRA\"");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "signal = 0.0 }") +
                "unknown key 'signal' in 'initial' of agent 'EU'; allowed keys: 'detente' or 'capacity'");
}

TEST_F(ModelDefect, MisspeltInitialVariable) {
  patch("agents.toml", "opinion = 0.7", "opinon = 0.7");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "opinon = 0.7") +
                "unknown key 'opinon' in 'initial' of agent 'ALB' (did you mean 'opinion'?); allowed keys: "
                "'signal', 'display', 'position', 'substance', 'opinion', 'grievance', 'accession', "
                "'courting', 'complying', 'payoff_court', 'payoff_comply', 'conditionality', 'engagement', "
                "'trust', 'belief' or 'uncertainty'");
}

TEST_F(ModelDefect, InitialValueOutOfRange) {
  patch("agents.toml", "signal = 0.75", "signal = 1.75");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "1.75") +
                "'signal' = 1.75 is out of range in 'initial' of agent 'ALB'; allowed: -1 to 1");
}

TEST_F(ModelDefect, InitialCapacityOutOfRange) {
  patch("agents.toml", "initial = { capacity = 0.6 }", "initial = { capacity = 11 }");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "11 }") +
                "'capacity' = 11 is out of range in 'initial' of agent 'RUS'; allowed: 0 to 10");
}

TEST_F(ModelDefect, InitialAttentionIsDerived) {
  patch("agents.toml", "initial = { capacity = 0.6 }", "initial = { capacity = 0.6, attention = 1 }");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "attention = 1") +
                "'attention' is derived each step from the patron's engagement (E7) and cannot be given an "
                "initial value; remove the key");
}

TEST_F(ModelDefect, InitialDyadOutOfRange) {
  patch("agents.toml", "RUS = 0.90 }", "RUS = 1.5 }");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "1.5 }") +
                "'RUS' = 1.5 is out of range in 'trust' of agent 'SRB'; allowed: 0 to 1");
}

TEST_F(ModelDefect, SusceptibilityOutOfRange) {
  patch("agents.toml", "susceptibility = 0.25", "susceptibility = 1.0");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "susceptibility = 1.0", 17) +
                "'susceptibility' = 1 is out of range in [[agent]] 'ALB'; allowed: 0 to 0.99");
}

TEST_F(ModelDefect, InitialNotATable) {
  patch("agents.toml", "initial = { capacity = 0.6 }", "initial = 0.0");
  EXPECT_EQ(std::string(load_error().what()),
            where("agents.toml", "initial = 0.0", 10) +
                "'initial' in [[agent]] 'RUS' must be a table, got a floating-point "
                "number");
}

TEST_F(ModelDefect, NoPatron) {
  const std::string text = read_text(file("agents.toml"));
  std::string hedgers_only = text.substr(0, text.find("[[agent]]\nid = \"EU\""));
  std::ofstream(file("agents.toml")) << hedgers_only;
  EXPECT_EQ(std::string(load_error().what()),
            at(file("agents.toml"), 1, 1) +
                "the model needs at least one 'hedger' and at least one 'patron' agent; found no agent with "
                "kind = \"patron\"");
}

TEST_F(ModelDefect, InfluenceRowNotSummingToOne) {
  patch("influence.toml", "[influence.ALB]\nKOS = 0.40", "[influence.ALB]\nKOS = 0.50");
  EXPECT_EQ(std::string(load_error().what()),
            where("influence.toml", "[influence.ALB]") +
                "the weights of [influence.ALB] sum to 1.1; each row of W must sum to 1");
}

TEST_F(ModelDefect, InfluenceRowOffByOneThousandth) {
  patch("influence.toml", "[influence.ALB]\nKOS = 0.40", "[influence.ALB]\nKOS = 0.401");
  EXPECT_EQ(std::string(load_error().what()),
            where("influence.toml", "[influence.ALB]") +
                "the weights of [influence.ALB] sum to 1.001; each row of W must sum to 1");
}

TEST_F(ModelDefect, InfluenceWeightOutOfRange) {
  patch("influence.toml", "[influence.ALB]\nKOS = 0.40", "[influence.ALB]\nKOS = -0.10");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("influence.toml", "-0.10") + "'KOS' = -0.1 is out of range in [influence.ALB]; allowed: 0 to 1");
}

TEST_F(ModelDefect, InfluenceColumnNotAHedger) {
  patch("influence.toml", "[influence.ALB]\n", "[influence.ALB]\nRUS = 0.0\n");
  // Not "did you mean 'KOS'": RUS is an agent, of the wrong kind.
  EXPECT_EQ(
      std::string(load_error().what()),
      where("influence.toml", "RUS = 0.0") +
          "'RUS' in [influence.ALB] is a 'patron' agent, but W links hedgers only; allowed: 'ALB', 'BIH', "
          "'KOS', 'MNE', 'MKD' or 'SRB'");
}

TEST_F(ModelDefect, InfluenceRowNotAHedger) {
  append("influence.toml", "\n[influence.EU]\nALB = 1.0\n");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("influence.toml", "[influence.EU]", 11) +
          "'EU' in [influence] is a 'patron' agent, but W links hedgers only; allowed: 'ALB', 'BIH', 'KOS', "
          "'MNE', 'MKD' or 'SRB'");
}

TEST_F(ModelDefect, InfluenceUnknownHedger) {
  patch("influence.toml", "MNE = 0.20\nSRB = 0.10\n\n[influence.BIH]",
        "MNE = 0.20\nSRV = 0.10\n\n[influence.BIH]");
  EXPECT_EQ(std::string(load_error().what()), where("influence.toml", "SRV = 0.10") +
                                                  "unknown hedger 'SRV' in [influence.ALB] (did you mean "
                                                  "'SRB'?); allowed: 'ALB', 'BIH', 'KOS', 'MNE', "
                                                  "'MKD' or 'SRB'");
}

TEST_F(ModelDefect, HedgerWithSusceptibilityButNoInfluenceRow) {
  patch("influence.toml", "[influence.SRB]\nBIH = 0.40\nMNE = 0.30\nMKD = 0.20\nKOS = 0.05\nALB = 0.05\n",
        "");
  EXPECT_EQ(std::string(load_error().what()),
            at(file("influence.toml"), 1, 1) +
                "hedger 'SRB' has susceptibility 0.2 but no row [influence.SRB]; add the row, or set its "
                "susceptibility to 0");
}

TEST_F(ModelDefect, HedgerWithoutSusceptibilityNeedsNoInfluenceRow) {
  patch("influence.toml", "[influence.SRB]\nBIH = 0.40\nMNE = 0.30\nMKD = 0.20\nKOS = 0.05\nALB = 0.05\n",
        "");
  patch("agents.toml", "id = \"SRB\"\nname = \"Serbia\"\nkind = \"hedger\"\nsusceptibility = 0.20",
        "id = \"SRB\"\nname = \"Serbia\"\nkind = \"hedger\"\nsusceptibility = 0");
  const ModelSpec m = load_model(dir());
  EXPECT_EQ(m.influence.size(), 4u + 5 + 4 + 5 + 5);
  EXPECT_EQ(m.find_agent("SRB")->susceptibility, 0.0);
}

TEST_F(ModelDefect, EventTypeUnknownVariable) {
  patch("events.toml", "variable = \"grievance\"\n  delta = 0.8", "variable = \"grievence\"\n  delta = 0.8");
  EXPECT_EQ(std::string(load_error().what()),
            where("events.toml", "\"grievence\"") +
                "unknown variable 'grievence' (did you mean 'grievance'?); allowed: 'signal', 'display', "
                "'position', 'substance', 'opinion', 'grievance', 'accession', 'courting', 'complying', "
                "'payoff_court', 'payoff_comply', "
                "'conditionality', 'detente', 'capacity', 'attention', 'war', 'engagement', 'trust', 'veto', "
                "'belief' or 'uncertainty'");
}

TEST_F(ModelDefect, EventTypeUnknownParty) {
  patch("events.toml", "party = \"actor\"\n  variable = \"detente\"",
        "party = \"actors\"\n  variable = \"detente\"");
  EXPECT_EQ(std::string(load_error().what()),
            where("events.toml", "\"actors\"") +
                "unknown party 'actors' (did you mean 'actor'?); allowed: 'actor', 'target' or 'bystanders'");
}

TEST_F(ModelDefect, EffectOnAVariableTheActorCanNeverCarry) {
  // reset_with_rival: the actor is a western patron, which carries only patron variables.
  patch("events.toml", "variable = \"detente\"\n  delta = 0.6", "variable = \"substance\"\n  delta = 0.6");
  EXPECT_EQ(std::string(load_error().what()), where("events.toml", "\"substance\"\n  delta = 0.6") +
                                                  "the actor of this event type can never carry 'substance', "
                                                  "a hedger variable; allowed here: 'detente', "
                                                  "'capacity' or 'war'");
}

TEST_F(ModelDefect, EffectOnAVariableBystandersCanNeverCarry) {
  patch("events.toml", "party = \"bystanders\"\n  variable = \"grievance\"",
        "party = \"bystanders\"\n  variable = \"detente\"");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("events.toml", "variable = \"detente\"\n  delta = 0.35", 11) +
          "the bystanders of this event type can never carry 'detente', a patron variable; allowed here: "
          "'signal', 'display', 'position', 'substance', 'opinion', 'grievance', 'accession', 'courting', "
          "'complying', 'payoff_court', 'payoff_comply', 'conditionality', 'engagement', 'trust', 'veto', "
          "'belief' or 'uncertainty'");
}

TEST_F(ModelDefect, ScaleByAVariableOfAnotherKind) {
  patch("events.toml", "delta = 0.8\n  scale_by = \"accession\"", "delta = 0.8\n  scale_by = \"detente\"");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("events.toml", "scale_by = \"detente\"", 11) +
          "'scale_by' must be a variable of the same scope as 'grievance'; allowed: 'signal', 'display', "
          "'position', 'substance', 'opinion', 'grievance', 'accession', 'courting', 'complying', "
          "'payoff_court', 'payoff_comply' or 'conditionality'");
}

TEST_F(ModelDefect, EffectDeltaNotANumber) {
  patch("events.toml", "delta = 0.8\n", "delta = \"0.8\"\n");
  EXPECT_EQ(std::string(load_error().what()),
            where("events.toml", "\"0.8\"") +
                "'delta' in [[event_type.effect]] of 'accession_veto' must be a number, got a string");
}

TEST_F(ModelDefect, MisspeltEffectKey) {
  patch("events.toml", "delta = 0.06\n  half_life_days = 60", "delta = 0.06\n  halflife_days = 60");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("events.toml", "halflife_days") +
          "unknown key 'halflife_days' in [[event_type.effect]] of 'state_visit' (did you mean "
          "'half_life_days'?); allowed keys: 'party', 'variable', 'delta', 'scale_by' or 'half_life_days'");
}

TEST_F(ModelDefect, EventTypeTargetKindsNotAnArray) {
  patch("events.toml", "actor_kinds = [\"west\"]\ntarget_kinds = [\"east\"]",
        "actor_kinds = [\"west\"]\ntarget_kinds = \"east\"");
  EXPECT_EQ(
      std::string(load_error().what()),
      where("events.toml", "target_kinds = \"east\"", 15) +
          "'target_kinds' in [[event_type]] 'reset_with_rival' must be an array of strings, e.g. [\"a\", "
          "\"b\"], got a string");
}

TEST_F(ModelDefect, DuplicateEventTypeId) {
  patch("events.toml", "id = \"accession_step\"", "id = \"accession_veto\"");
  EXPECT_EQ(std::string(load_error().what()),
            where("events.toml", "[[event_type]]\nid = \"accession_veto\"\ndescription = \"Accession talks") +
                "duplicate event type 'accession_veto'; ids must be unique");
}

TEST_F(ModelDefect, EventTypeWithoutEffects) {
  append("events.toml",
         "\n[[event_type]]\nid = \"empty\"\ndescription = \"does nothing\"\nactor_kinds = [\"west\"]\n"
         "target_kinds = [\"hedger\"]\n");
  EXPECT_EQ(std::string(load_error().what()), where("events.toml", "[[event_type]]\nid = \"empty\"") +
                                                  "event type 'empty' has no [[event_type.effect]]");
}

TEST_F(ModelDefect, ParameterValueBelowMin) {
  patch("parameters.toml", "value = 7\nmin = 1\nmax = 31", "value = 7\nmin = 10\nmax = 31");
  EXPECT_EQ(std::string(load_error().what()),
            where("parameters.toml", "value = 7\nmin = 10", 8) +
                "'value' = 7 is out of range in [parameters.step_days]; allowed: 10 to 31");
}

TEST_F(ModelDefect, ParameterMinAboveMax) {
  patch("parameters.toml", "value = 7\nmin = 1\nmax = 31", "value = 7\nmin = 40\nmax = 31");
  EXPECT_EQ(std::string(load_error().what()),
            where("parameters.toml", "max = 31\nplausible_min = 7\nplausible_max = 7\nunit = \"days\"", 6) +
                "'max' = 31 is below 'min' = 40 in [parameters.step_days]; the range must have min <= max");
}

TEST_F(ModelDefect, PlausibleRangeOutsideTheAllowedRangeOrReversed) {
  patch("parameters.toml", "max = 31\nplausible_min = 7\nplausible_max = 7",
        "max = 31\nplausible_min = 7\nplausible_max = 40");
  EXPECT_EQ(std::string(load_error().what()),
            where("parameters.toml", "40\nunit = \"days\"\ndescription = \"length", 0) +
                "'plausible_max' = 40 is out of range in [parameters.step_days]; allowed: 7 to 31");
  patch("parameters.toml", "plausible_min = 7\nplausible_max = 40", "plausible_min = 9\nplausible_max = 8");
  EXPECT_EQ(std::string(load_error().what()),
            where("parameters.toml", "8\nunit = \"days\"\ndescription = \"length", 0) +
                "'plausible_max' = 8 is out of range in [parameters.step_days]; allowed: 9 to 31");
  patch("parameters.toml", "plausible_min = 9\nplausible_max = 8", "plausible_min = 0\nplausible_max = 8");
  EXPECT_EQ(std::string(load_error().what()),
            where("parameters.toml", "0\nplausible_max = 8", 0) +
                "'plausible_min' = 0 is out of range in [parameters.step_days]; allowed: 1 to 31");
}

TEST_F(ModelDefect, ParameterWithoutDescription) {
  patch("parameters.toml", "description = \"length of one time step\"\n", "");
  EXPECT_EQ(std::string(load_error().what()),
            where("parameters.toml", "[parameters.step_days]") +
                "[parameters.step_days] is missing the required key 'description'");
}

TEST_F(ModelDefect, ParameterNotATable) {
  write_text(file("parameters.toml"), "[parameters]\nstep_days = 7\n");
  EXPECT_EQ(std::string(load_error().what()),
            where("parameters.toml", "7") +
                "'step_days' in [parameters] must be a table [parameters.step_days], got an integer");
}

TEST_F(ModelDefect, StepDaysNotWhole) {
  patch("parameters.toml", "value = 7\nmin = 1\nmax = 31\nplausible_min = 7\nplausible_max = 7",
        "value = 7.5\nmin = 1\nmax = 31\nplausible_min = 7.5\nplausible_max = 7.5");
  EXPECT_EQ(std::string(compile_error().what()),
            where("parameters.toml", "[parameters.step_days]") +
                "'step_days' = 7.5 must be a whole number of days, at least 1");
}

TEST_F(ModelDefect, StepDaysZero) {
  // A model that allows step_days = 0 would divide by zero when dates are mapped to steps.
  patch("parameters.toml", "value = 7\nmin = 1\nmax = 31\nplausible_min = 7\nplausible_max = 7",
        "value = 0\nmin = 0\nmax = 31\nplausible_min = 0\nplausible_max = 0");
  EXPECT_EQ(std::string(compile_error().what()),
            where("parameters.toml", "[parameters.step_days]") +
                "'step_days' = 0 must be a whole number of days, at least 1");
}

TEST_F(ModelDefect, ParameterTheMechanismsNeedIsMissing) {
  patch("parameters.toml",
        "[parameters.detente_damping]\nvalue = 0.7\nmin = 0\nmax = 1\nplausible_min = 0.35\nplausible_max = "
        "0.9\n"
        "unit = \"1\"\n"
        "description = \"share of a patron's capacity withheld during a full reset sought by the other bloc "
        "(E7)\"\n",
        "");
  ASSERT_EQ(load_model(dir()).find_parameter("detente_damping"), nullptr);  // loading alone accepts it
  EXPECT_EQ(std::string(compile_error().what()),
            at(file("parameters.toml"), 1, 1) +
                "the model is missing the parameter 'detente_damping', which the mechanisms need; add a "
                "[parameters.detente_damping] table");
}

}  // namespace
}  // namespace hedgesim
