// Tests of `explain` on the runs the real writer makes of tests/data/report/fixture-run.toml
// (tests/support/report_runs.hpp; run1: one run; run_ens: an ensemble). Expected numbers are computed here
// from the runs' CSV files, read with a plain line splitter independent of the
// code under test, and compared with the numbers printed in the text (2-3 significant digits).
#include "report/explain.hpp"
#include "support/input_error_message.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "engine/mechanisms_catalog.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/run_outputs.hpp"
#include "model/compiled_model.hpp"
#include "model/input_error.hpp"
#include "support/report_runs.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::report {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string& run1_dir() {
  return testing::report_runs().run1;
}
const std::string& ensemble_dir() {
  return testing::report_runs().run_ens;
}
constexpr int kReplicates = testing::kReportEnsembleReplicates;

// ---- Reading the fixture independently --------------------------------------------------------------------

std::vector<std::vector<std::string>> simple_rows(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ','))
      fields.push_back(f);
    rows.push_back(fields);
  }
  return rows;
}

/// Mean over runs of `agent`'s `variable` at `step` (trajectory.csv: run,step,date,agent,variable,value).
double value_at(const std::string& dir, const std::string& agent, const std::string& variable, int step) {
  double sum = 0;
  int n = 0;
  for (const auto& r : simple_rows(dir + "/trajectory.csv"))
    if (r[3] == agent && r[4] == variable && std::stoi(r[1]) == step) {
      sum += std::stod(r[5]);
      ++n;
    }
  EXPECT_GT(n, 0);
  return sum / n;
}

/// source -> delta summed over steps first+1 ... last and averaged over `runs` (attribution.csv:
/// run,step,agent,variable,source,delta).
std::map<std::string, double> contributions(const std::string& dir, const std::string& agent,
                                            const std::string& variable, int first, int last, int runs) {
  std::map<std::string, double> out;
  for (const auto& r : simple_rows(dir + "/attribution.csv")) {
    const int step = std::stoi(r[1]);
    if (r[2] == agent && r[3] == variable && step > first && step <= last)
      out[r[4]] += std::stod(r[5]) / runs;
  }
  return out;
}

std::pair<std::string, double> largest(const std::map<std::string, double>& sources) {
  std::pair<std::string, double> best{"", 0.0};
  for (const auto& [s, d] : sources)
    if (std::abs(d) > std::abs(best.second)) best = {s, d};
  return best;
}

// ---- Reading the text -------------------------------------------------------------------------------------

/// The paragraph that starts with `prefix` ("Signal," / "Substance,").
std::string section(const std::string& text, const std::string& prefix) {
  const auto start = text.find("\n" + prefix);
  EXPECT_NE(start, std::string::npos) << "no section " << prefix << " in:\n" << text;
  if (start == std::string::npos) return "";
  const auto end = text.find("\n\n", start + 1);
  return text.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
}

/// The line of `text` that starts with `prefix`.
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line))
    if (line.starts_with(prefix)) return line;
  ADD_FAILURE() << "no line starting with '" << prefix << "' in:\n" << text;
  return "";
}

/// The number that follows `marker` in `line`.
double number_after(const std::string& line, const std::string& marker) {
  const auto at = line.find(marker);
  EXPECT_NE(at, std::string::npos) << "'" << marker << "' not in: " << line;
  if (at == std::string::npos) return NAN;
  return std::stod(line.substr(at + marker.size()));
}

/// A printed number with 2 significant digits is within half a unit of its second digit.
void expect_printed(double printed, double exact) {
  const double unit = std::pow(10.0, std::floor(std::log10(std::abs(exact))) - 1);
  EXPECT_NEAR(printed, exact, 0.5 * unit + 1e-12);
}

/// What explain says a source is: the mechanism's sentence (its placeholders filled with the fixture's pole
/// names, spelled out here rather than read back through the code under test) or the event's label.
std::string cause_words(const std::string& source, const std::string& label_of_event) {
  if (source.starts_with("mechanism:")) {
    std::string s(info(*mechanism_from_name(source.substr(10))).plain);
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"{rival_seat}", "Redburg"},
                                     {"{rival}", "Rivalia"},
                                     {"{west_seats}", "Weston"}})
      for (auto at = s.find(key); at != std::string::npos; at = s.find(key))
        s.replace(at, key.size(), value);
    return s;
  }
  return label_of_event;
}

using testing::error_of;

/// A copy of a fixture in a scratch directory, for tests that damage it.
class FixtureCopy {
 public:
  explicit FixtureCopy(const std::string& from) {
    dir_ = fs::temp_directory_path() / ("hedgesim-explain-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    fs::copy(from, dir_, fs::copy_options::recursive);
  }
  ~FixtureCopy() { fs::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

ExplainOptions options(const std::string& dir, const std::string& agent) {
  ExplainOptions o;
  o.dir = dir;
  o.agent = agent;
  return o;
}

// ---- Tests ------------------------------------------------------------------------------------------------

TEST(Explain, NamesTheLargestContributorFirstWithItsSummedSize) {
  const std::string text = explain(options(run1_dir(), "AAA"));
  for (const std::string variable : {"signal", "substance"}) {
    const auto [source, delta] = largest(contributions(run1_dir(), "AAA", variable, 0, 10, 1));
    ASSERT_FALSE(source.empty());
    const std::string first =
        line_starting(section(text, variable == "signal" ? "Signal," : "Substance,"), "  1. ");
    EXPECT_THAT(first, HasSubstr(cause_words(source, "")));
    expect_printed(number_after(first, "1. "), delta);
  }
}

TEST(Explain, GivesDirectionWordsThatMatchTheSignOfTheChange) {
  struct Case {
    std::string agent, from;
  };
  bool saw_up = false, saw_down = false;
  for (const Case& c : {Case{"AAA", "2020-01-01"}, Case{"BBB", "2020-02-12"}, Case{"BBB", "2020-01-01"}}) {
    ExplainOptions o = options(run1_dir(), c.agent);
    o.from = parse_date(c.from);
    const std::string text = explain(o);
    const int first = (o.from->days - parse_date("2020-01-01")->days) / 7;
    for (const std::string variable : {"signal", "substance"}) {
      const double change =
          value_at(run1_dir(), c.agent, variable, 10) - value_at(run1_dir(), c.agent, variable, first);
      const std::string words =
          variable == "signal" ? (change > 0 ? "toward Weston" : "toward Redburg")
                               : (change > 0 ? "toward stronger western ties" : "toward weaker western ties");
      const std::string line = line_starting(text, variable == "signal" ? "Signal," : "Substance,");
      EXPECT_THAT(line, HasSubstr(", " + words + ".")) << c.agent << " from " << c.from;
      expect_printed(number_after(line, "a change of "), change);
      (change > 0 ? saw_up : saw_down) = true;
    }
  }
  EXPECT_TRUE(saw_up && saw_down) << "the fixture should cover both directions";
}

TEST(Explain, SaysHowManyTimesMoreTheSignalMovedThanTheSubstance) {
  const std::string text = explain(options(run1_dir(), "AAA"));
  const double signal = value_at(run1_dir(), "AAA", "signal", 10) - value_at(run1_dir(), "AAA", "signal", 0);
  const double substance =
      value_at(run1_dir(), "AAA", "substance", 10) - value_at(run1_dir(), "AAA", "substance", 0);
  const std::string line = line_starting(text, "The signal moved ");
  expect_printed(number_after(line, "The signal moved "), std::abs(signal / substance));
  EXPECT_THAT(line, HasSubstr("times as much as the substance"));
  // "Barely moves" only where the signal moved at least three times as much.
  if (std::abs(signal / substance) >= 3.0)
    EXPECT_THAT(line, HasSubstr("gestures are signals; substance barely moves"));
  else
    EXPECT_THAT(line, HasSubstr("substance kept pace"));
}

TEST(Explain, CountsOnlyContributionsInsideTheWindow) {
  // Steps 0-4 (to 2020-01-29): the courting gesture of 2020-02-14 (step 7) falls outside.
  ExplainOptions o = options(run1_dir(), "AAA");
  o.to = parse_date("2020-01-29");
  o.top = 20;
  const std::string text = explain(o);
  EXPECT_THAT(text, HasSubstr("2020-01-01 to 2020-01-29 (steps 0 to 4)"));
  EXPECT_THAT(text, Not(HasSubstr("AAA's president attends RRR's parade")));
  const auto outside = contributions(run1_dir(), "AAA", "signal", 0, 10, 1);
  EXPECT_NE(outside.count("event:courting_gesture:AAA:2020-02-14"), 0u) << "the fixture should have it";
  const auto [source, delta] = largest(contributions(run1_dir(), "AAA", "signal", 0, 4, 1));
  const std::string first = line_starting(section(text, "Signal,"), "  1. ");
  EXPECT_THAT(first, HasSubstr(cause_words(source, "")));
  expect_printed(number_after(first, "1. "), delta);
  // The veto of 2020-01-17 is inside, and its label (which holds a comma and quotes) is read whole.
  EXPECT_THAT(text, HasSubstr("the event of 2020-01-17: WWW blocks the opening of talks, citing \"unfinished "
                              "reforms\""));
}

TEST(Explain, AnEventBeforeTheWindowIsNamedAsAFadingAfterEffect) {
  ExplainOptions o = options(run1_dir(), "AAA");
  // Step 4: the veto acted in step 3, and its blow to the signal (the fixture model's) fades after it.
  o.from = parse_date("2020-01-29");
  o.top = 20;
  const std::string text = explain(o);
  EXPECT_THAT(text, HasSubstr("the fading after-effect of the event of 2020-01-17"));
  const double fade =
      contributions(run1_dir(), "AAA", "signal", 4, 10, 1).at("event:accession_veto:WWW:2020-01-17");
  EXPECT_GT(fade, 0.0);
  std::stringstream ss(section(text, "Signal,"));
  std::string l;
  bool found = false;
  while (std::getline(ss, l))
    if (l.find("fading after-effect") != std::string::npos) {
      expect_printed(number_after(l, ". "), fade);
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(Explain, WidensAWindowBetweenStepsToWholeSteps) {
  ExplainOptions o = options(run1_dir(), "AAA");
  o.from = parse_date("2020-01-20");  // inside step 3 ([01-15, 01-22)): starts at step 2
  o.to = parse_date("2020-02-20");    // inside step 8: ends at step 8 (2020-02-26)
  const std::string text = explain(o);
  EXPECT_THAT(text, HasSubstr("2020-01-15 to 2020-02-26 (steps 2 to 8)"));
  EXPECT_THAT(text, HasSubstr("widened to whole steps"));
  expect_printed(number_after(line_starting(text, "Signal,"), "went from "),
                 value_at(run1_dir(), "AAA", "signal", 2));
  const auto [source, delta] = largest(contributions(run1_dir(), "AAA", "signal", 2, 8, 1));
  const std::string first = line_starting(section(text, "Signal,"), "  1. ");
  EXPECT_THAT(first, HasSubstr(cause_words(source, "")));
  expect_printed(number_after(first, "1. "), delta);
}

TEST(Explain, AveragesValuesAndContributionsOverRuns) {
  const std::string text = explain(options(ensemble_dir(), "AAA"));
  EXPECT_THAT(text, HasSubstr("means over " + std::to_string(kReplicates) + " runs"));
  const std::string line = line_starting(text, "Signal,");
  expect_printed(number_after(line, " to "), value_at(ensemble_dir(), "AAA", "signal", 10));
  const auto [source, delta] = largest(contributions(ensemble_dir(), "AAA", "signal", 0, 10, kReplicates));
  const std::string first = line_starting(section(text, "Signal,"), "  1. ");
  EXPECT_THAT(first, HasSubstr(cause_words(source, "")));
  expect_printed(number_after(first, "1. "), delta);
  // The runs differ (noise), so the mean is not simply run 0.
  double run0 = 0;
  for (const auto& r : simple_rows(ensemble_dir() + "/trajectory.csv"))
    if (r[0] == "0" && r[1] == "10" && r[3] == "AAA" && r[4] == "signal") run0 = std::stod(r[5]);
  EXPECT_GT(std::abs(run0 - value_at(ensemble_dir(), "AAA", "signal", 10)), 0.005);
}

TEST(Explain, SummarisesGrievanceAndCourtingAtTheEnd) {
  const std::string text = explain(options(run1_dir(), "BBB"));
  const std::string line = line_starting(text, "At the end of the window (2020-03-11): ");
  expect_printed(number_after(line, "grievance toward the West "),
                 value_at(run1_dir(), "BBB", "grievance", 10));
  expect_printed(number_after(line, "visible courting of Redburg "),
                 value_at(run1_dir(), "BBB", "courting", 10));
}

TEST(Explain, ExplainsAPatronsDetente) {
  const std::string text = explain(options(run1_dir(), "WWW"));
  EXPECT_THAT(text, HasSubstr("Detente, the patron's reset with the other bloc,"));
  EXPECT_THAT(text, HasSubstr("WWW's leader hosts RRR's leader for talks"));
  EXPECT_THAT(text, HasSubstr("(ODD eq. E8)"));
  EXPECT_THAT(text, Not(HasSubstr("The signal moved")));
}

TEST(Explain, SaysSoWhenTheRunWasMadeWithoutAttribution) {
  const FixtureCopy copy(run1_dir());
  std::ofstream(copy.file("attribution.csv"), std::ios::binary) << "run,step,agent,variable,source,delta\n";
  const std::string text = explain(options(copy.dir(), "AAA"));
  EXPECT_THAT(section(text, "Signal,"), HasSubstr("the run was made with --no-attribution"));
  EXPECT_THAT(text, HasSubstr("The signal moved "));  // the values still come from trajectory.csv
}

TEST(Explain, UnknownAgentListsTheAgentsAndSuggestsTheNearest) {
  const std::string msg = error_of([] { explain(options(run1_dir(), "AAB")); });
  EXPECT_THAT(msg, StartsWith("<command line>:1:0: --agent: 'AAB' is not an agent of this run"));
  EXPECT_THAT(msg, HasSubstr("'AAA', 'BBB', 'WWW' or 'RRR'"));
  EXPECT_THAT(msg, HasSubstr("did you mean 'AAA'"));
}

TEST(Explain, WindowOutsideTheRunOrReversedIsAnError) {
  ExplainOptions early = options(run1_dir(), "AAA");
  early.from = parse_date("2019-12-31");
  EXPECT_THAT(error_of([&] { explain(early); }), AllOf(HasSubstr("--from: 2019-12-31 is outside the run"),
                                                       HasSubstr("2020-01-01 to 2020-03-11")));
  ExplainOptions late = options(run1_dir(), "AAA");
  late.to = parse_date("2020-03-12");
  EXPECT_THAT(error_of([&] { explain(late); }), HasSubstr("--to: 2020-03-12 is outside the run"));
  ExplainOptions reversed = options(run1_dir(), "AAA");
  reversed.from = parse_date("2020-02-01");
  reversed.to = parse_date("2020-01-20");
  EXPECT_THAT(
      error_of([&] { explain(reversed); }),
      AllOf(HasSubstr("--from 2020-02-01 is after --to 2020-01-20"), HasSubstr("2020-01-01 to 2020-03-11")));
  ExplainOptions none = options(run1_dir(), "AAA");
  none.top = 0;
  EXPECT_THAT(error_of([&] { explain(none); }), HasSubstr("--top: 0"));
}

TEST(Explain, MissingFilesAreNamed) {
  EXPECT_THAT(error_of([] { explain(options("/nonexistent-run-dir", "AAA")); }),
              AllOf(HasSubstr("/nonexistent-run-dir/trajectory.csv"), HasSubstr("hedgesim run")));
  for (const char* name : {"attribution.csv", "events.csv"}) {
    const FixtureCopy copy(run1_dir());
    fs::remove(copy.file(name));
    EXPECT_THAT(error_of([&] { explain(options(copy.dir(), "AAA")); }),
                StartsWith(copy.file(name) + ":0:0: cannot read"));
  }
}

TEST(Explain, BadCsvRowIsReportedAtFileLineAndColumn) {
  const FixtureCopy copy(run1_dir());
  // Line 2 of attribution.csv gets a value that is not a number; its column is where the last field starts.
  std::vector<std::string> lines;
  {
    std::ifstream in(copy.file("attribution.csv"));
    for (std::string l; std::getline(in, l);)
      lines.push_back(l);
  }
  ASSERT_THAT(lines[1],
              StartsWith("0,1,AAA,signal,"));  // a row explain reads: in the window, a variable it explains
  lines[1] = lines[1].substr(0, lines[1].rfind(',') + 1) + "zero";
  const std::size_t col = lines[1].rfind(',') + 2;
  {
    std::ofstream out(copy.file("attribution.csv"));
    for (const auto& l : lines)
      out << l << "\n";
  }
  EXPECT_THAT(
      error_of([&] { explain(options(copy.dir(), "AAA")); }),
      StartsWith(copy.file("attribution.csv") + ":2:" + std::to_string(col) + ": 'zero' in column 'delta'"));

  // A row with a missing field, at line 4 of trajectory.csv.
  std::ofstream(copy.file("trajectory.csv"), std::ios::binary)
      << "run,step,date,agent,variable,value\n0,0,2020-01-01,AAA,signal,0.6\n0,0,2020-01-01,AAA,substance,0."
         "55\n"
         "0,1,2020-01-08,AAA,signal\n";
  EXPECT_THAT(error_of([&] { explain(options(copy.dir(), "AAA")); }),
              StartsWith(copy.file("trajectory.csv") + ":4:1: this row has 5 fields but the header has 6"));
}

// ---- From runs in memory --------------------------------------------------------------------------------

/// Runs of a shipped scenario, in memory and as the files `hedgesim run` writes for them.
struct ShippedRuns {
  ShippedRuns(const std::string& scenario, bool attribution)
      : model(load_and_compile(testing::source_path(scenario))) {
    EnsembleOptions opt;
    opt.seed = 11;
    opt.replicates = 3;
    opt.attribution = attribution;
    runs = run_ensemble(model, opt);
    write_run_outputs(model, runs, dir.path(), {opt.seed, "test"});
  }
  CompiledModel model;
  std::vector<RunOutput> runs;
  testing::TempDir dir;
};

ExplainOptions explaining(const std::string& dir, const std::string& agent, std::optional<Date> from = {},
                          std::optional<Date> to = {}, int top = 5) {
  ExplainOptions o;
  o.dir = dir;
  o.agent = agent;
  o.from = from;
  o.to = to;
  o.top = top;
  return o;
}

TEST(ExplainInMemory, SaysWhatTheFilesOfTheSameRunsSayToTheLetter) {
  const ShippedRuns s("scenarios/veto-2019.toml", true);
  const std::string dir = s.dir.path();
  const auto d = [](const char* text) { return parse_date(text); };
  const std::vector<ExplainOptions> cases = {
      explaining(dir, "SRB"),
      explaining(dir, "MKD", d("2019-10-01"), d("2019-12-31")),
      explaining(dir, "ALB", d("2019-10-20"), {}, 2),
      explaining(dir, "FRA", {}, d("2020-03-01")),
      explaining(dir, "RUS", d("2019-10-01"), d("2019-11-30")),
  };
  for (const ExplainOptions& o : cases) {
    const std::string from_files = explain(o);
    EXPECT_EQ(explain(s.model, s.runs, o), from_files) << o.agent;
    EXPECT_THAT(from_files, HasSubstr("means over 3 runs")) << o.agent;
  }
}

TEST(ExplainIndirect, FollowsTheVetoThroughGrievanceAndTheChoiceToTheSignal) {
  // North Macedonia after France's veto: the signal's largest push is its leader's conduct (E1c), driven by
  // the leader's choice (E4), which reads grievance, which the veto raised. Negative control: the weeks
  // before the veto, whose chain cannot name it.
  const ShippedRuns s("scenarios/veto-2019.toml", true);
  const auto d = [](const char* text) { return parse_date(text); };
  const std::string after =
      explain(s.model, s.runs, explaining(s.dir.path(), "MKD", d("2019-10-01"), d("2019-12-31")));
  const std::string chain = after.substr(after.find("Indirect effects"));
  EXPECT_THAT(chain, HasSubstr("The largest push on signal came through its leader's visible conduct"));
  // Conduct (complying fell most, then courting rose) first, then, one link further and indented under it,
  // grievance: an input of the choice that drives conduct.
  const std::size_t conduct =
      std::min(chain.find("  - which reads complying:"), chain.find("  - which reads courting:"));
  const std::size_t grievance = chain.find("    - which reads grievance:");
  ASSERT_NE(conduct, std::string::npos) << chain;
  ASSERT_NE(grievance, std::string::npos) << chain;
  EXPECT_LT(conduct, grievance);
  EXPECT_THAT(chain.substr(grievance, chain.find('\n', grievance) - grievance),
              HasSubstr("mostly because of the event of 2019-10-18: France vetoes"));
  const std::string before =
      explain(s.model, s.runs, explaining(s.dir.path(), "MKD", d("2019-08-01"), d("2019-10-10")));
  EXPECT_THAT(before, Not(HasSubstr("France vetoes")));
  // The same text from the files.
  EXPECT_EQ(explain(explaining(s.dir.path(), "MKD", d("2019-10-01"), d("2019-12-31"))), after);
}

TEST(ExplainInMemory, WithoutAttributionAndForBadRequestsItSaysWhatTheFilesSay) {
  const ShippedRuns s("scenarios/veto-2019.toml", false);
  const std::string dir = s.dir.path();
  EXPECT_EQ(explain(s.model, s.runs, explaining(dir, "SRB")), explain(explaining(dir, "SRB")));
  const auto message = [&](auto f) {
    try {
      f();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  for (const ExplainOptions& bad : {explaining(dir, "SRV"), explaining(dir, "SRB", parse_date("2018-01-01")),
                                    explaining(dir, "SRB", {}, {}, 0)}) {
    const std::string from_files = message([&] { explain(bad); });
    EXPECT_NE(from_files, "no error");
    EXPECT_EQ(message([&] { explain(s.model, s.runs, bad); }), from_files);
  }
}

}  // namespace
}  // namespace hedgesim::report
