// Tests of `write_html_report` on copies of the runs the real writer makes of
// tests/data/report/fixture-run.toml (tests/support/report_runs.hpp) and on a real run of a shipped scenario:
// the page is one document that loads nothing from elsewhere and runs no script, holds the figure as inline
// SVG, every hedger, every event's label and explain's texts verbatim (escaped here by a function of the
// test's own), escapes markup in the data, and on a bad run directory or a missing gnuplot throws an
// InputError that names the run directory's files and leaves nothing behind.
#include "report/html_report.hpp"
#include "report/explain.hpp"
#include "support/files.hpp"
#include "support/input_error_message.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/csv_reader.hpp"
#include "model/date.hpp"
#include "model/input_error.hpp"
#include "results/build_info.hpp"
#include "support/report_runs.hpp"

namespace hedgesim::report {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string& runs_root() {
  return testing::report_runs().root;
}

using testing::error_of;
using testing::names_in;
using testing::slurp;
using testing::spit;

/// The test's own HTML escaping, so that the expected text does not come from the code under test.
std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else if (c == '\'')
      out += "&#39;";
    else
      out += c;
  }
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

/// The values of every `name=` attribute (src, href; xlink:href counts as href), with either quote.
std::vector<std::string> attribute_values(const std::string& html, const std::string& name) {
  std::vector<std::string> values;
  const std::string key = name + "=";
  for (auto at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
    const std::size_t open = at + key.size();
    if (open >= html.size() || (html[open] != '"' && html[open] != '\'')) continue;
    values.push_back(html.substr(open + 1, html.find(html[open], open + 1) - open - 1));
  }
  return values;
}

std::vector<std::string> hedger_ids(const std::string& run_dir) {
  std::vector<std::string> ids;
  const auto meta = nlohmann::json::parse(slurp(run_dir + "/meta.json"));
  for (const auto& a : meta.at("agents"))
    if (a.at("kind").get<std::string>() == "hedger") ids.push_back(a.at("id").get<std::string>());
  return ids;
}

std::vector<std::string> event_labels(const std::string& run_dir) {
  const io::CsvTable t = io::read_csv(run_dir + "/events.csv");
  std::vector<std::string> labels;
  for (const auto& row : t.rows)
    labels.push_back(row[t.column("label")]);
  return labels;
}

/// A copy of a fixture, a private TMPDIR and a report path next to the copy, so that a test sees exactly
/// what the report leaves behind.
class HtmlReportTest : public testing::ScratchDirTest {
 protected:
  HtmlReportTest() : ScratchDirTest(runs_root()) {}

  HtmlReportOptions options_for(const std::string& run_dir) const {
    HtmlReportOptions o;
    o.run_dir = run_dir;
    o.out = (root_ / "report.html").string();
    return o;
  }
  /// Nothing but the scratch root's own TMPDIR and the fixture copies `expected` (no report, no temporary
  /// file), and TMPDIR itself empty.
  void expect_nothing_written(std::set<std::string> expected) const {
    expected.insert("tmp");
    EXPECT_EQ(names_in(root_), expected);
    EXPECT_TRUE(temp_dir_is_empty());
  }
};

TEST_F(HtmlReportTest, WritesOneSelfContainedDocumentAndLeavesTheRunDirectoryAsItWas) {
  const std::string dir = copy_of("run1");
  const auto before = names_in(dir);
  const HtmlReportOptions o = options_for(dir);
  EXPECT_EQ(write_html_report(o), o.out);
  const std::string html = slurp(o.out);
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_THAT(html, EndsWith("</html>\n"));
  EXPECT_EQ(occurrences(html, "<html"), 1u);
  EXPECT_EQ(occurrences(html, "<svg"), 1u);  // the figure, inline
  EXPECT_EQ(occurrences(html, "</svg>"), 1u);
  EXPECT_THAT(html, Not(HasSubstr("<?xml")));  // gnuplot's prolog has no place inside HTML
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(attribute_values(html, "src"), ::testing::IsEmpty());
  const auto hrefs = attribute_values(html, "href");
  EXPECT_FALSE(hrefs.empty());  // the table of contents
  for (const auto& href : hrefs)
    EXPECT_THAT(href, StartsWith("#")) << "a link out of the page";
  for (const auto& href : hrefs)  // every link inside the page has its target
    EXPECT_THAT(html,
                AnyOf(HasSubstr("id=\"" + href.substr(1) + "\""), HasSubstr("id='" + href.substr(1) + "'")));
  EXPECT_EQ(names_in(dir), before);  // no plot.svg left in the run directory
  expect_nothing_written({"run1", "report.html"});
}

TEST_F(HtmlReportTest, ShowsTheRunsProvenanceFromMetaJson) {
  const HtmlReportOptions o = options_for(copy_of("run1"));
  const std::string html = slurp(write_html_report(o));
  EXPECT_THAT(html, HasSubstr("<h1>hedgesim: fixture-run</h1>"));
  EXPECT_THAT(html, HasSubstr("An invented veto and what came after it, for the report tests"));
  EXPECT_THAT(html, HasSubstr("2020-01-01 to 2020-03-11"));
  EXPECT_THAT(html, HasSubstr("<dt>Seed</dt><dd>7</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>hedgesim version</dt><dd>" + std::string(results::version()) + "</dd>"));
  // The checksums the writer recorded (of the fixture's model and scenario files), as the page shows them.
  const nlohmann::json meta = nlohmann::json::parse(slurp(o.run_dir + "/meta.json"));
  for (const char* key : {"model_sha256", "scenario_sha256"}) {
    const std::string sha = meta.at(key).get<std::string>();
    EXPECT_EQ(sha.size(), 64u) << key;
    EXPECT_THAT(html, HasSubstr(sha)) << key;
  }
  EXPECT_NE(meta.at("model_sha256"), meta.at("scenario_sha256"));
}

TEST_F(HtmlReportTest, ContainsEveryHedgerAndEveryEventsLabel) {
  const std::string dir = copy_of("run1");
  const std::string html = slurp(write_html_report(options_for(dir)));
  ASSERT_EQ(hedger_ids(dir), (std::vector<std::string>{"AAA", "BBB"}));
  for (const auto& id : hedger_ids(dir))
    EXPECT_THAT(html, HasSubstr("(" + id + ")</h3>"));
  ASSERT_EQ(event_labels(dir).size(), 9u);
  for (const auto& label : event_labels(dir))
    EXPECT_THAT(html, HasSubstr("<td>" + escaped(label) + "</td>"));  // in the event table
}

TEST_F(HtmlReportTest, HoldsExplainsTextForEveryHedgerOverTheWholeRun) {
  const std::string dir = copy_of("run1");
  const std::string html = slurp(write_html_report(options_for(dir)));
  for (const auto& id : hedger_ids(dir)) {
    ExplainOptions e;
    e.dir = dir;
    e.agent = id;
    const std::string text = explain(e);
    EXPECT_THAT(text, HasSubstr("the whole run"));
    EXPECT_THAT(html, HasSubstr(escaped(text))) << id;
  }
}

TEST_F(HtmlReportTest, SaysWhatHappenedToEachTargetOverFourStepsAfterAnEvent) {
  const std::string dir = copy_of("run1");
  const std::string html = slurp(write_html_report(options_for(dir)));
  // The veto of 2020-01-17 (step 3, [01-15, 01-22)) targets AAA and BBB: from step 2 (01-15, just before it)
  // to step 6 (02-12).
  for (const std::string agent : {"AAA", "BBB"}) {
    ExplainOptions e;
    e.dir = dir;
    e.agent = agent;
    e.from = parse_date("2020-01-17");
    e.to = parse_date("2020-02-12");
    e.top = 3;
    const std::string text = explain(e);
    EXPECT_THAT(text, HasSubstr("2020-01-15 to 2020-02-12 (steps 2 to 6)"));
    EXPECT_THAT(html, HasSubstr(escaped(text))) << agent;
  }
  // The event of the last step is followed up to the end of the run, not beyond it.
  ExplainOptions last;
  last.dir = dir;
  last.agent = "AAA";
  last.from = parse_date("2020-02-28");
  last.to = parse_date("2020-03-11");
  last.top = 3;
  EXPECT_THAT(html, HasSubstr(escaped(explain(last))));
}

TEST_F(HtmlReportTest, AGivenExplainerWritesEverySentenceWithTheWindowsExplainWouldGet) {
  const std::string dir = copy_of("run1");
  HtmlReportOptions o = options_for(dir);
  std::vector<std::string> asked;
  o.explainer = [&](const ExplainOptions& e) {
    EXPECT_EQ(e.dir, dir);
    asked.push_back(e.agent + " " + (e.from ? format_date(*e.from) : "start") + " top " +
                    std::to_string(e.top));
    return "<said about " + e.agent + ">";
  };
  const std::string html = slurp(write_html_report(o));
  EXPECT_THAT(html, HasSubstr(escaped("<said about AAA>")));
  // Every hedger over the whole run, then each event's targets from its date, as without an explainer.
  EXPECT_THAT(asked, ::testing::Contains("AAA start top 5"));
  EXPECT_THAT(asked, ::testing::Contains("BBB 2020-01-17 top 3"));
  EXPECT_THAT(html, Not(HasSubstr("What moved it")));  // explain's own text was not used
}

TEST_F(HtmlReportTest, WorksOnAnEnsembleWithBands) {
  const std::string dir = copy_of("run_ens");
  const std::string html = slurp(write_html_report(options_for(dir)));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("mean over " + std::to_string(testing::kReportEnsembleReplicates) +
                              " runs"));  // plot's band subtitle, inside the SVG
  ExplainOptions e;
  e.dir = dir;
  e.agent = "AAA";
  EXPECT_THAT(html, HasSubstr(escaped(explain(e))));
}

TEST_F(HtmlReportTest, EscapesMarkupInTheData) {
  const std::string dir = copy_of("run1");
  const std::string events = slurp(dir + "/events.csv");
  // An event that explain names among AAA's largest contributions over the whole run (on its substance),
  // relabelled in each of its rows (one per target).
  const std::string plain = "WWW agrees to open talks";
  const std::string nasty = R"(AAA's <script>alert("x")</script> & <b>co</b>)";
  std::string relabelled = events;
  int rows = 0;
  for (auto at = relabelled.find(plain); at != std::string::npos; at = relabelled.find(plain, at), ++rows)
    relabelled.replace(at, plain.size(), R"("AAA's <script>alert(""x"")</script> & <b>co</b>")");
  ASSERT_GT(rows, 0);
  spit(fs::path(dir) / "events.csv", relabelled);
  ASSERT_THAT(event_labels(dir), ::testing::Contains(nasty));

  const std::string html = slurp(write_html_report(options_for(dir)));
  EXPECT_THAT(html, HasSubstr("AAA&#39;s &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                              "&lt;b&gt;co&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b>co</b>")));
  ExplainOptions e;  // explain names the event by its label, and the page escapes explain's text too
  e.dir = dir;
  e.agent = "AAA";
  const std::string text = explain(e);
  ASSERT_THAT(text, HasSubstr(nasty));
  EXPECT_THAT(html, HasSubstr(escaped(text)));
}

TEST_F(HtmlReportTest, MissingRunDirectoryIsAnErrorNamingItsFilesAndWritesNothing) {
  const std::string dir = (root_ / "no-such-run").string();
  const HtmlReportOptions o = options_for(dir);
  EXPECT_THAT(error_of([&] { write_html_report(o); }),
              AllOf(StartsWith(dir + "/meta.json:0:0: cannot read " + dir + "/meta.json"),
                    HasSubstr("hedgesim run")));
  expect_nothing_written({});
}

TEST_F(HtmlReportTest, MissingOrBrokenFilesAreNamedInTheRunDirectoryNotInTheStagingOne) {
  const std::string dir = copy_of("run1");
  const HtmlReportOptions o = options_for(dir);
  // plot() reads trajectory.csv (the run has no bands) from its staging directory; the message must still
  // name the run directory's file.
  fs::remove(fs::path(dir) / "trajectory.csv");
  EXPECT_THAT(error_of([&] { write_html_report(o); }),
              StartsWith(dir + "/trajectory.csv:0:0: cannot read " + dir + "/trajectory.csv"));
  spit(fs::path(dir) / "meta.json", "{\n  \"scenario\": \"x\",\n  oops\n}\n");
  EXPECT_THAT(error_of([&] { write_html_report(o); }), StartsWith(dir + "/meta.json:3:"));
  std::string meta = slurp(runs_root() + "run1/meta.json");
  const std::string steps = "\"steps\": 10";
  spit(fs::path(dir) / "meta.json", meta.replace(meta.find(steps), steps.size(), "\"steps\": -1"));
  EXPECT_THAT(error_of([&] { write_html_report(o); }),
              StartsWith(dir + "/meta.json:0:0: the file has no whole-number field 'steps' from 0 to"));
  fs::remove(fs::path(dir) / "events.csv");
  spit(fs::path(dir) / "meta.json", slurp(runs_root() + "run1/meta.json"));
  EXPECT_THAT(error_of([&] { write_html_report(o); }), StartsWith(dir + "/events.csv:0:0: cannot read"));
  expect_nothing_written({"run1"});
}

TEST_F(HtmlReportTest, AnEventOfAnotherRunIsAnErrorAtItsField) {
  const std::string dir = copy_of("run1");
  spit(fs::path(dir) / "events.csv",
       "step,date,type,actor,target,magnitude,label\n2,2020-01-10,state_visit,WWW,ZZZ,1,A visit\n");
  EXPECT_THAT(error_of([&] { write_html_report(options_for(dir)); }),
              StartsWith(dir + "/events.csv:2:30: 'ZZZ' is not an agent of the run"));
  spit(fs::path(dir) / "events.csv",
       "step,date,type,actor,target,magnitude,label\n2,2021-01-10,state_visit,WWW,AAA,1,A visit\n");
  EXPECT_THAT(error_of([&] { write_html_report(options_for(dir)); }),
              StartsWith(dir + "/events.csv:2:3: the event's date 2021-01-10 is outside the run"));
  expect_nothing_written({"run1"});
}

TEST_F(HtmlReportTest, MissingGnuplotIsAnErrorAndWritesNothing) {
  const std::string dir = copy_of("run1");
  const auto before = names_in(dir);
  HtmlReportOptions o = options_for(dir);
  o.gnuplot = "/nonexistent/gnuplot";
  EXPECT_THAT(error_of([&] { write_html_report(o); }),
              AllOf(StartsWith(dir + ":0:0: gnuplot failed (exit 127)"),
                    HasSubstr("install it with `apt-get install gnuplot-nox`")));
  EXPECT_EQ(names_in(dir), before);
  expect_nothing_written({"run1"});
}

TEST_F(HtmlReportTest, UnwritableOutputIsAnErrorAndWritesNothing) {
  HtmlReportOptions o = options_for(copy_of("run1"));
  o.out = (root_ / "no-such-dir" / "report.html").string();
  EXPECT_THAT(error_of([&] { write_html_report(o); }), StartsWith(o.out + ":0:0: cannot write output file"));
  o.out = "";
  EXPECT_THAT(error_of([&] { write_html_report(o); }), HasSubstr("--out"));
  expect_nothing_written({"run1"});
}

/// A run of a shipped scenario made by the hedgesim binary: real ids, real labels (with non-ASCII letters).
TEST_F(HtmlReportTest, ReportsARealRunOfAShippedScenario) {
  const std::string dir = (root_ / "veto").string();
  const std::string command = std::string(HEDGESIM_BINARY) + " run " + HEDGESIM_SOURCE_DIR +
                              "/scenarios/veto-2019.toml --replicates 2 --out " + dir + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string html = slurp(write_html_report(options_for(dir)));
  EXPECT_EQ(occurrences(html, "<svg"), 1u);
  EXPECT_FALSE(hedger_ids(dir).empty());
  for (const auto& id : hedger_ids(dir)) {
    ExplainOptions e;
    e.dir = dir;
    e.agent = id;
    EXPECT_THAT(html, HasSubstr(escaped(explain(e)))) << id;
  }
  for (const auto& label : event_labels(dir))
    EXPECT_THAT(html, HasSubstr("<td>" + escaped(label) + "</td>"));
  EXPECT_THAT(html, Not(HasSubstr("id=\"mattered\"")));  // no attribution given
  expect_nothing_written({"veto", "report.html"});
}

// Which events mattered: given `hedgesim attribute`'s files for the scenario, the page has the section, its
// figure, and per metric the five events with the largest Shapley values in order of size, each with its
// knock-out and interaction. Fails if the rows were in the file's order, or all of them were tabled.
TEST_F(HtmlReportTest, ShowsWhichEventsMatteredWithTheLargestShapleyValuesFirst) {
  const std::string dir = (root_ / "veto").string(), att = (root_ / "attribution").string();
  const std::string binary = std::string(HEDGESIM_BINARY),
                    scenario = std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/veto-2019.toml";
  const std::string run = binary + " run " + scenario + " --replicates 2 --out " + dir + " >/dev/null 2>&1";
  const std::string attribute = binary + " attribute " + scenario +
                                " --metric mkd_signal_mean --metric srb_signal_mean -r 4 --permutations 8 "
                                "-q --out " +
                                att + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(run.c_str()), 0) << run;
  ASSERT_EQ(std::system(attribute.c_str()), 0) << attribute;
  HtmlReportOptions o = options_for(dir);
  o.attribute_dir = att;
  const std::string html = slurp(write_html_report(o));
  EXPECT_THAT(html, HasSubstr("<li><a href=\"#mattered\">Which events mattered</a></li>"));
  const std::size_t section = html.find("<section id=\"mattered\">");
  ASSERT_NE(section, std::string::npos);
  const std::string mattered = html.substr(section, html.find("</section>", section) - section);
  EXPECT_EQ(occurrences(mattered, "<svg"), 1u);
  const io::CsvTable t = io::read_csv(att + "/event-effects.csv");
  const std::size_t metric = t.column("metric"), event = t.column("event"), shapley = t.column("shapley");
  for (const std::string name : {"mkd_signal_mean", "srb_signal_mean"}) {
    std::vector<std::pair<double, std::string>> by_size;
    for (const auto& row : t.rows)
      if (row[metric] == name) by_size.emplace_back(-std::abs(std::stod(row[shapley])), row[event]);
    ASSERT_EQ(by_size.size(), 14u) << name;
    std::stable_sort(by_size.begin(), by_size.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    const std::size_t table = mattered.find("<h3>" + name + "</h3>");
    ASSERT_NE(table, std::string::npos) << name;
    std::size_t at = table;
    for (std::size_t i = 0; i < 5; ++i) {  // the five largest, in order
      at = mattered.find("<tr><td>" + by_size[i].second + "</td>", at);
      EXPECT_NE(at, std::string::npos) << name << " " << by_size[i].second;
    }
    const std::size_t end = mattered.find("</table>", table);
    EXPECT_EQ(mattered.substr(table, end - table).find("<tr><td>" + by_size[5].second + "</td>"),
              std::string::npos)
        << name << ": the sixth is not tabled";
  }
  EXPECT_THAT(mattered, HasSubstr("The 5 largest of 14 events."));
  expect_nothing_written({"veto", "attribution", "report.html"});
}

}  // namespace
}  // namespace hedgesim::report
