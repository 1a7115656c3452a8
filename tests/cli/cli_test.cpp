// End-to-end tests of the `hedgesim` binary: exit codes and messages for bad input (exit 2, file:line:col),
// no output file left behind by a failed run, byte-identical files for 1 and 2 threads, and golden files for
// `run` at a fixed seed (compared number by number to 1e-9, text exactly; regenerate with
// HEDGESIM_UPDATE_GOLDEN=1 after an intended model change, and say why in the commit).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/memory.hpp"
#include "io/sha256.hpp"
#include "support/files.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

namespace fs = std::filesystem;
using testing::source_path;
using testing::TempDir;

struct Result {
  int code;
  std::string out;  ///< stdout and stderr together
};

/// Runs a shell command line; its exit code and what it printed.
Result shell(const std::string& cmd) {
  std::FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p))
    out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

Result hedgesim(const std::string& args) {
  return shell(std::string(HEDGESIM_BINARY) + " " + args + " 2>&1");
}

std::string scenario_text(const std::string& events, const std::string& extra_head = "") {
  return "[scenario]\nname = \"t\"\ntitle = \"t\"\nmodel = \"" + source_path("model") +
         "\"\nstart = 2019-08-01\nend = 2019-12-31\nseed = 1\n" + extra_head + events;
}

TEST(Cli, ValidateAcceptsTheShippedScenarios) {
  for (const char* s : {"veto-2019.toml", "no-veto-2019.toml", "france-strategy-2019-2025.toml",
                        "wb12-bulgarian-veto-2020-2022.toml", "balkans-2014-2024.toml"}) {
    const Result r = hedgesim("validate " + source_path(std::string("scenarios/") + s));
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out.rfind("ok: scenario", 0), 0u) << r.out;
  }
}

TEST(Cli, UnknownEventTypeExitsTwoWithPositionAndSuggestion) {
  TempDir dir;
  const std::string f =
      dir.write("s.toml", scenario_text("[[event]]\ndate = 2019-10-18\ntype = \"acession_veto\"\n"
                                        "actor = \"FRA\"\ntargets = [\"ALB\"]\nlabel = \"x\"\n"));
  const Result r = hedgesim("validate " + f);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.rfind(f + ":10:8: unknown event type 'acession_veto' (did you mean 'accession_veto'?)", 0),
            0u)
      << r.out;
}

TEST(Cli, ACountrysNameOrCapitalWhereAnIdBelongsIsAnsweredWithTheId) {
  // A new user writes actor = "Russia"; an edit distance alone would suggest nothing (negative control: an
  // unrelated name gets no suggestion, only the list).
  TempDir dir;
  for (const auto& [given, id, name] : {std::tuple{"Russia", "RUS", "Russia"},
                                        {"Moskow", "RUS", "Russia"},
                                        {"Macedonia", "MKD", "North Macedonia"}}) {
    const std::string f =
        dir.write("s.toml", scenario_text("[[event]]\ndate = 2019-10-18\ntype = "
                                          "\"state_visit\"\nactor = \"" +
                                          std::string(given) + "\"\ntargets = [\"SRB\"]\nlabel = \"x\"\n"));
    const Result r = hedgesim("validate " + f);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out.rfind(f + ":11:9: unknown agent '" + given + "' (did you mean '" + id + "', the id of " +
                              name + "?); agents are given by id: 'ALB' (Albania), ",
                          0),
              0u)
        << r.out;
  }
  const std::string f = dir.write("s.toml", scenario_text("[[event]]\ndate = 2019-10-18\ntype = "
                                                          "\"state_visit\"\nactor = \"Atlantis\"\n"
                                                          "targets = [\"SRB\"]\nlabel = \"x\"\n"));
  const Result r = hedgesim("validate " + f);
  EXPECT_EQ(r.out.rfind(f + ":11:9: unknown agent 'Atlantis'; agents are given by id: ", 0), 0u) << r.out;
}

TEST(Cli, AMisspeltOrMissingSubcommandIsNamedWithTheList) {
  const std::string all =
      "'run', 'report', 'serve', 'validate', 'explain', 'plot', 'sweep', 'calibrate', 'compare' or "
      "'attribute'";
  Result r = hedgesim("runn " + source_path("scenarios/veto-2019.toml"));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "hedgesim: unknown subcommand 'runn' (did you mean 'run'?); subcommands: " + all +
                       " (hedgesim --help explains each)\n");
  r = hedgesim("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.rfind("hedgesim: unknown subcommand 'frobnicate'; subcommands: 'run', ", 0), 0u) << r.out;
  r = hedgesim("");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "hedgesim: a subcommand is required: " + all + " (hedgesim --help explains each)\n");
}

TEST(Cli, EveryMetaJsonRecordsTheCommitTheBinaryWasBuiltFrom) {
  // The brief's provenance rule: every output records version and commit. The commit is the binary's own
  // (--version), 40 hexadecimal digits with "-dirty" when built from changed files, or "unknown" outside git.
  Result r = hedgesim("--version");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::size_t at = r.out.find("(commit "), end = r.out.find(')', at);
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string commit = r.out.substr(at + 8, end - at - 8);
  const std::string hex = commit.substr(0, commit.find('-'));
  EXPECT_TRUE(commit == "unknown" ||
              (hex.size() == 40 && hex.find_first_not_of("0123456789abcdef") == std::string::npos &&
               (commit.size() == 40 || commit.substr(40) == "-dirty")))
      << commit;
  TempDir dir;
  const std::string out = dir.path();
  ASSERT_EQ(
      hedgesim("run " + source_path("scenarios/veto-2019.toml") + " -r 2 -q --out " + out + "/run").code, 0);
  ASSERT_EQ(hedgesim("compare " + source_path("scenarios/veto-2019.toml") + " " +
                     source_path("scenarios/no-veto-2019.toml") + " -r 4 -q --out " + out + "/compare")
                .code,
            0);
  ASSERT_EQ(
      hedgesim("sweep " + source_path("experiments/quick-lhs.toml") + " -q --out " + out + "/sweep").code, 0);
  for (const char* what : {"run", "compare", "sweep"}) {
    const std::string meta = io::read_file(out + "/" + what + "/meta.json");
    EXPECT_NE(meta.find("\"commit\": \"" + commit + "\""), std::string::npos) << what << ": " << meta;
  }
}

// `compare A --without ID` is the comparison with A's patch that removes ID: no-veto-2019.toml is that patch
// of veto-2019.toml, so the differences are the same bytes. The negative control: moving the veto instead
// changes them.
TEST(Cli, CompareWithoutAnEventIsTheComparisonWithThePatchThatRemovesIt) {
  TempDir dir;
  const std::string a = source_path("scenarios/veto-2019.toml");
  ASSERT_EQ(hedgesim("compare " + a + " " + source_path("scenarios/no-veto-2019.toml") +
                     " -r 6 -q --no-plot --out " + dir.file("file"))
                .code,
            0);
  const Result without =
      hedgesim("compare " + a + " --without fra-veto-2019 -r 6 -q --no-plot --out " + dir.file("without"));
  ASSERT_EQ(without.code, 0) << without.out;
  EXPECT_NE(without.out.find("veto-2019-without-fra-veto-2019"), std::string::npos) << without.out;
  for (const char* f : {"differences.csv", "difference-over-time.csv"})
    EXPECT_EQ(io::read_file(dir.file("file/") + f), io::read_file(dir.file("without/") + f)) << f;
  ASSERT_EQ(hedgesim("compare " + a + " --move fra-veto-2019=2019-12-15 -r 6 -q --no-plot --out " +
                     dir.file("moved"))
                .code,
            0);
  EXPECT_NE(io::read_file(dir.file("file/differences.csv")),
            io::read_file(dir.file("moved/differences.csv")));
  EXPECT_NE(io::read_file(dir.file("moved/meta.json")).find("veto-2019-moving-fra-veto-2019"),
            std::string::npos);
}

TEST(Cli, CompareCounterfactualFlagsExitTwoWithTheirMessage) {
  const std::string a = source_path("scenarios/veto-2019.toml");
  const auto message = [&](const std::string& args) {
    const Result r = hedgesim("compare " + a + " " + args + " -r 2 -q --no-plot --out /nonexistent/x");
    EXPECT_EQ(r.code, 2) << r.out;
    return r.out;
  };
  EXPECT_EQ(message(""),
            "<command line>:1:0: give scenario B, or --without ID / --move ID=DATE to make B from A\n");
  EXPECT_EQ(
      message(source_path("scenarios/no-veto-2019.toml") + " --without fra-veto-2019"),
      "<command line>:1:0: give either scenario B or --without/--move (which make B from A), not both\n");
  EXPECT_EQ(message("--without fra-veto-2091")
                .rfind("<command line>:1:0: no event of '" + a +
                           "' has the id 'fra-veto-2091' (did you mean 'fra-veto-2019'?); its ids: ",
                       0),
            0u);
  EXPECT_EQ(message("--move fra-veto-2019"),
            "<command line>:1:0: --move 'fra-veto-2019' is not ID=DATE; allowed: an event id of " + a +
                " and a date YYYY-MM-DD, e.g. --move fra-veto-2019=2019-12-15\n");
  EXPECT_EQ(
      message("--move fra-veto-2019=2021-01-01"),
      "<command line>:1:0: date 2021-01-01 is outside the scenario; allowed: 2019-08-01 to 2020-06-30 (the "
      "[scenario] start and end)\n");
}

TEST(Cli, AttributeWritesTheEffectsOfEachEventAndExitsTwoOnAnUnknownMetric) {
  TempDir dir;
  const std::string a = source_path("scenarios/veto-2019.toml");
  const Result r =
      hedgesim("attribute " + a + " --events fra-veto-2019,s400-display-2019 --metric mkd_signal_mean " +
               "-r 4 -q --out " + dir.path());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("exact Shapley values over 4 coalitions of 2 events"), std::string::npos) << r.out;
  const std::string csv = io::read_file(dir.file("event-effects.csv"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;  // a header and one row per event
  EXPECT_NE(io::read_file(dir.file("meta.json")).find("\"kind\": \"attribute\""), std::string::npos);
  const Result bad = hedgesim("attribute " + a + " --metric mkd_signal_men -r 2 -q --out " + dir.file("x"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out.rfind("<command line>:1:0: --metric 'mkd_signal_men' is not a metric here (did you mean "
                          "'mkd_signal_mean'?); metrics: ",
                          0),
            0u)
      << bad.out;
}

/// The value of a top-level text field of a meta.json as dump(2) writes it (`  "key": "value",`).
std::string meta_text_field(const std::string& meta, const std::string& key) {
  const std::string head = "\n  \"" + key + "\": \"";
  const std::size_t at = meta.find(head);
  if (at == std::string::npos) return "<missing>";
  const std::size_t from = at + head.size();
  return meta.substr(from, meta.find('"', from) - from);
}

// Issue 14, point 9: every meta.json says what kind of directory it describes (its first field), when it was
// written (SOURCE_DATE_EPOCH pins it), which metrics file a comparison used, with its hash, and records paths
// as they were reached from the working directory, never made absolute. Fails if any field is missing, if
// the clock were read despite SOURCE_DATE_EPOCH, or if a path were made absolute.
TEST(Cli, EveryMetaJsonRecordsItsKindWhenAndRelativePaths) {
  TempDir dir;
  const std::string out = dir.path();
  const std::string in_source =
      "cd " + source_path("") + " && SOURCE_DATE_EPOCH=86400 " + std::string(HEDGESIM_BINARY) + " ";
  ASSERT_EQ(shell(in_source + "run scenarios/veto-2019.toml -r 2 -q --out " + out + "/run").code, 0);
  ASSERT_EQ(shell(in_source +
                  "compare scenarios/veto-2019.toml scenarios/no-veto-2019.toml -r 4 -q --no-plot "
                  "--metrics experiments/veto-vs-no-veto.toml --out " +
                  out + "/compare")
                .code,
            0);
  ASSERT_EQ(shell(in_source + "sweep experiments/quick-lhs.toml -q --out " + out + "/sweep").code, 0);
  ASSERT_EQ(shell(in_source +
                  "compare scenarios/veto-2019.toml scenarios/no-veto-2019.toml -r 2 -q --no-plot "
                  "--out " +
                  out + "/compare-defaults")
                .code,
            0);
  for (const char* kind : {"run", "compare", "sweep"}) {
    const std::string meta = io::read_file(out + "/" + kind + "/meta.json");
    EXPECT_EQ(meta.rfind("{\n  \"kind\": \"" + std::string(kind) + "\",", 0), 0u) << meta;
    EXPECT_EQ(meta_text_field(meta, "created"), "1970-01-02T00:00:00Z") << kind;
    for (const char* path :
         {"scenario", "scenario_a", "scenario_b", "model_dir", "experiment", "metrics_file"}) {
      const std::string value = meta_text_field(meta, path);
      if (value != "<missing>") {
        EXPECT_NE(value.front(), '/') << kind << " " << path << ": " << value;
      }
    }
  }
  const std::string run = io::read_file(out + "/run/meta.json");
  EXPECT_EQ(meta_text_field(run, "scenario"), "scenarios/veto-2019.toml");
  EXPECT_EQ(meta_text_field(run, "model_dir"), "model");
  const std::string sweep = io::read_file(out + "/sweep/meta.json");
  EXPECT_EQ(meta_text_field(sweep, "experiment"), "experiments/quick-lhs.toml");
  EXPECT_EQ(meta_text_field(sweep, "scenario"), "scenarios/veto-2019.toml");
  const std::string compare = io::read_file(out + "/compare/meta.json");
  EXPECT_EQ(meta_text_field(compare, "metrics_file"), "experiments/veto-vs-no-veto.toml");
  EXPECT_EQ(meta_text_field(compare, "metrics_sha256"),
            io::sha256_file(source_path("experiments/veto-vs-no-veto.toml")));
  const std::string defaults = io::read_file(out + "/compare-defaults/meta.json");
  EXPECT_NE(defaults.find("\n  \"metrics_file\": null,"), std::string::npos) << defaults;
  EXPECT_EQ(defaults.find("metrics_sha256"), std::string::npos);
  // The default metric names keep the experiment format's rule (lowercase, digits, '_').
  const std::string diffs = io::read_file(out + "/compare-defaults/differences.csv");
  for (std::size_t at = diffs.find('\n'); at + 1 < diffs.size(); at = diffs.find('\n', at + 1)) {
    const std::string name = diffs.substr(at + 1, diffs.find(',', at + 1) - at - 1);
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos) << name;
  }
}

// Without SOURCE_DATE_EPOCH, `created` is the clock's time: between the test's readings before and after.
TEST(Cli, MetaJsonCreatedIsTheTimeTheFilesWereWritten) {
  TempDir dir;
  const auto before = std::time(nullptr);
  ASSERT_EQ(shell("env -u SOURCE_DATE_EPOCH " + std::string(HEDGESIM_BINARY) + " run " +
                  source_path("scenarios/veto-2019.toml") + " -q --out " + dir.path())
                .code,
            0);
  const auto after = std::time(nullptr);
  const std::string created = meta_text_field(io::read_file(dir.file("meta.json")), "created");
  std::tm tm{};
  ASSERT_NE(strptime(created.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm), nullptr) << created;
  const auto t = timegm(&tm);
  EXPECT_LE(before, t) << created;
  EXPECT_LE(t, after) << created;
}

// Issue 14, point 10: a user keeps what they need and may gzip it. Fails if a file left out were written, if
// the gzip'd bytes were not the plain file's, if plot or explain could not read them, if a rerun left the
// other form of a file beside the new one, or if a reader's message did not say the file was not kept.
TEST(Cli, RunKeepsOnlyWhatItIsToldAndGzipsOnRequest) {
  TempDir dir;
  const std::string s = source_path("scenarios/veto-2019.toml");
  const std::string plain = dir.path() + "/plain", packed = dir.path() + "/packed";
  ASSERT_EQ(hedgesim("run " + s + " -r 3 -q --out " + plain).code, 0);
  Result r = hedgesim("run " + s + " -r 3 -q --keep trajectory,events,bands --compress gzip --out " + packed);
  ASSERT_EQ(r.code, 0) << r.out;
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(packed))
    names.insert(e.path().filename().string());
  EXPECT_EQ(names,
            (std::set<std::string>{"trajectory.csv.gz", "events.csv.gz", "bands.csv.gz", "meta.json"}));
  for (const char* f : {"trajectory.csv", "events.csv", "bands.csv"}) {
    const Result unpacked = shell("gzip -dc " + packed + "/" + f + ".gz");
    ASSERT_EQ(unpacked.code, 0) << f;
    EXPECT_EQ(unpacked.out, io::read_file(plain + "/" + f)) << f;
  }
  EXPECT_NE(
      io::read_file(packed + "/meta.json")
          .find(
              "\"files\": [\n    \"trajectory.csv.gz\",\n    \"events.csv.gz\",\n    \"bands.csv.gz\"\n  ]"),
      std::string::npos);
  r = hedgesim("plot " + packed);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(fs::exists(packed + "/plot.png"));
  r = hedgesim("explain " + packed + " --agent MKD");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(packed + "/attribution.csv:0:0: this run did not keep attribution.csv (it wrote "
                                "trajectory.csv.gz, events.csv.gz, bands.csv.gz); run it again with --keep "
                                "including attribution"),
            std::string::npos)
      << r.out;
  // A rerun in plain text replaces the gzip'd files instead of leaving both forms (readers would take
  // either).
  ASSERT_EQ(hedgesim("run " + s + " -r 3 -q --out " + packed).code, 0);
  EXPECT_FALSE(fs::exists(packed + "/trajectory.csv.gz"));
  EXPECT_EQ(io::read_file(packed + "/trajectory.csv"), io::read_file(plain + "/trajectory.csv"));
  r = hedgesim("explain " + packed + " --agent MKD");
  EXPECT_EQ(r.code, 0) << r.out;
  r = hedgesim("run " + s + " --keep trajectory,everything --out " + dir.path() + "/x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("everything"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("attribution"), std::string::npos) << r.out;  // the allowed values are listed
  EXPECT_FALSE(fs::exists(dir.path() + "/x"));
  r = hedgesim("run " + s + " --compress zip --out " + dir.path() + "/x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("gzip"), std::string::npos) << r.out;
}

TEST(Cli, RunWritesIntoOutSlashTheScenarioAndRefusesToMixAnotherScenarioIn) {
  TempDir dir;
  const std::string veto = source_path("scenarios/veto-2019.toml"),
                    no_veto = source_path("scenarios/no-veto-2019.toml");
  const std::string in_dir = "cd " + dir.path() + " && " + std::string(HEDGESIM_BINARY) + " ";
  Result r = shell(in_dir + "run " + veto + " -q 2>&1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("wrote out/veto-2019/meta.json"), std::string::npos) << r.out;
  r = shell(in_dir + "run " + no_veto + " -q 2>&1");  // its own directory: no clash
  ASSERT_EQ(r.code, 0) << r.out;
  // Another scenario into veto-2019's directory: refused, nothing touched; --force replaces.
  const std::string target = dir.path() + "/out/veto-2019";
  const std::string meta = io::read_file(target + "/meta.json");
  r = shell(in_dir + "run " + no_veto + " --out out/veto-2019 -q 2>&1");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out,
            "out/veto-2019:0:0: this directory holds the runs of scenario 'veto-2019' (meta.json), not of "
            "'no-veto-2019'; give another --out (the default is out/<scenario name>), or --force to "
            "replace them\n");
  EXPECT_EQ(io::read_file(target + "/meta.json"), meta);
  // A figure drawn from the runs a rerun replaces is stale: the rerun removes it.
  ASSERT_EQ(shell(in_dir + "plot out/veto-2019 --agents SRB 2>&1").code, 0);
  ASSERT_TRUE(fs::exists(target + "/plot-SRB.png"));
  r = shell(in_dir + "run " + no_veto + " --out out/veto-2019 --force -q 2>&1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(io::read_file(target + "/meta.json").find("\"scenario_name\": \"no-veto-2019\""),
            std::string::npos);
  EXPECT_FALSE(fs::exists(target + "/plot-SRB.png"));
}

TEST(Cli, ANegativeSeedIsRefusedNotWrapped) {
  for (const char* cmd : {"run", "report"}) {
    const Result r =
        hedgesim(std::string(cmd) + " " + source_path("scenarios/veto-2019.toml") + " --seed -1");
    EXPECT_EQ(r.code, 2) << cmd;
    EXPECT_NE(r.out.find("--seed: a seed must be a whole number from 0 to 2^64 - 1, got -1"),
              std::string::npos)
        << r.out;
  }
}

TEST(Cli, RunningOutOfMemoryIsOneLineExitThreeAndNoOutput) {
  // What passes the memory check (half of what the machine has available) can still fail on a machine
  // whose memory is taken by others: here a 400 MB address-space limit (ulimit -v) stands in for that.
  // bad_alloc must become one line that says what to do, exit 3, and no output file (issue 15, item 3).
#ifdef HEDGESIM_SANITIZED
  GTEST_SKIP() << "the sanitizers reserve terabytes of address space: ulimit -v would stop them at start";
#endif
  TempDir dir;
  auto limited = [&](int replicates, const std::string& out) {
    return shell("ulimit -v 400000; " + std::string(HEDGESIM_BINARY) + " run " +
                 source_path("scenarios/veto-2019.toml") + " -t 1 -q -r " + std::to_string(replicates) +
                 " --out " + out + " 2>&1");
  };
  const Result big = limited(1000, dir.file("big"));  // about 1 GB of trajectories
  EXPECT_EQ(big.code, 3) << big.out;
  EXPECT_EQ(
      big.out,
      "hedgesim: out of memory; use fewer replicates (-r), a shorter window or a longer step_days, or run "
      "a sweep, which streams its metrics instead of keeping trajectories\n");
  EXPECT_TRUE(!fs::exists(dir.file("big")) || fs::is_empty(dir.file("big"))) << "no partial output";
  // Control: under the same limit, a small run succeeds, so it is the size that failed.
  const Result small = limited(10, dir.file("small"));
  EXPECT_EQ(small.code, 0) << small.out;
  EXPECT_TRUE(fs::exists(dir.file("small") + "/trajectory.csv"));
}

TEST(Cli, AWindowTooLongForMemoryIsRefusedAtValidationNotAfterGigabytes) {
  // 0001-01-01 to 9999-12-31 in daily steps validated, then `run` died of bad_alloc after 5.7 GB (issue 15).
  TempDir dir;
  const std::string f = dir.write(
      "s.toml", "[scenario]\nname = \"long\"\ntitle = \"long\"\nmodel = \"" + source_path("model") +
                    "\"\nstart = 0001-01-01\nend = 9999-12-31\nseed = 1\n[parameters]\nstep_days = 1\n");
  // One run of it would hold about 81 GB; a thousand, 81 TB: refused on any machine. `validate` checks one
  // run, so its refusal depends on this machine having less than twice 81 GB available.
  const auto available = io::available_memory_bytes();
  ASSERT_TRUE(available.has_value());
  std::vector<std::pair<std::string, std::string>> cases = {
      {"run -q -r 1000 --out " + dir.file("out") + " " + f, "1000 replicate(s)"}};
  if (*available < 160'000'000'000ull) cases.emplace_back("validate " + f, "1 replicate(s)");
  for (const auto& [args, replicates] : cases) {
    const Result r = hedgesim(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.out;
    EXPECT_EQ(
        r.out.rfind(f + ":6:7: this window is too long for memory: 3652059 steps x 174 state variables x " +
                        replicates + " would hold about ",
                    0),
        0u)
        << r.out;
    EXPECT_FALSE(fs::exists(dir.file("out"))) << "nothing is written";
  }
}

TEST(Cli, AnInputThatIsNotAFileSaysWhatItIs) {
  TempDir dir;
  const std::string fifo = dir.file("pipe.toml");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::filesystem::create_symlink(dir.file("loop-b"), dir.file("loop-a"));
  std::filesystem::create_symlink(dir.file("loop-a"), dir.file("loop-b"));
  const std::pair<std::string, std::string> cases[] = {
      {dir.path(), "it is a directory; give a TOML file"},
      {fifo, "it is a named pipe (FIFO), not a file; give a TOML file"},
      {"/dev/zero", "it is a device, not a file; give a TOML file"},
      {dir.file("loop-a"), "a symbolic link that leads nowhere (or loops); give a TOML file"},
      {dir.file("missing.toml"), "no such file"},
  };
  for (const auto& [path, what] : cases) {
    const Result r = hedgesim("validate " + path);
    EXPECT_EQ(r.code, 2) << path;
    EXPECT_EQ(r.out, path + ":0:0: cannot read scenario file '" + path + "': " + what + "\n") << path;
  }
}

TEST(Cli, MalformedTomlExitsTwoWithPosition) {
  TempDir dir;
  const std::string f = dir.write("s.toml", "[scenario]\nname = \"t\n");
  const Result r = hedgesim("validate " + f);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.rfind(f + ":2:", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("malformed TOML"), std::string::npos) << r.out;
}

TEST(Cli, DeepDottedKeysAndHeadersExitTwoWithPositionInsteadOfCrashing) {
  // toml++ would overflow the stack on these (exit 139); the files are 100 to 150 KB.
  TempDir dir;
  std::string deep = "a";
  for (int i = 1; i < 50000; ++i)
    deep += ".a";
  for (const auto& [text, what] : {std::pair<std::string, std::string>{deep + " = 1\n", "dotted key 'a.a.a"},
                                   {"[scenario]\n[" + deep + "]\n", "table header '[a.a.a"}}) {
    const std::string f = dir.write("deep.toml", text);
    const Result r = hedgesim("validate " + f);
    EXPECT_EQ(r.code, 2);
    const int line = text[0] == '[' ? 2 : 1, col = text[0] == '[' ? 2 : 1;
    EXPECT_EQ(r.out.rfind(f + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what, 0), 0u)
        << r.out.substr(0, 300);
    EXPECT_NE(r.out.find("...' is nested 50000 levels deep; at most 64 allowed\n"), std::string::npos)
        << r.out.substr(0, 300);
  }
}

TEST(Cli, MissingScenarioFileExitsTwo) {
  const Result r = hedgesim("validate /nonexistent/s.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("/nonexistent/s.toml:0:0: cannot read scenario file"), std::string::npos) << r.out;
}

TEST(Cli, FailedRunLeavesNoOutputFile) {
  TempDir dir;
  const std::string f =
      dir.write("s.toml", scenario_text("[[event]]\ndate = 2021-01-01\ntype = \"accession_veto\"\n"
                                        "actor = \"FRA\"\ntargets = [\"ALB\"]\nlabel = \"x\"\n"));
  const std::string out = dir.file("out");
  const Result r = hedgesim("run " + f + " --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("is outside the scenario; allowed: 2019-08-01 to 2019-12-31"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(out) && !fs::is_empty(out));
}

TEST(Cli, UnwritableOutputDirectoryExitsTwo) {
  TempDir dir;
  const std::string blocker = dir.write("blocker", "x");
  const Result r = hedgesim("run " + source_path("scenarios/veto-2019.toml") + " --out " + blocker + "/sub");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(blocker + "/sub:0:0: cannot create output directory"), std::string::npos) << r.out;
}

TEST(Cli, BadCommandLineExitsTwo) {
  EXPECT_EQ(hedgesim("run " + source_path("scenarios/veto-2019.toml") + " --replicates 0").code, 2);
  EXPECT_EQ(hedgesim("frobnicate").code, 2);
  const Result r = hedgesim("run " + source_path("scenarios/veto-2019.toml") + " --bogus");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--bogus"), std::string::npos) << r.out;
}

TEST(Cli, HelpTeachesWithExamples) {
  const Result r = hedgesim("--help");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"run", "validate", "explain", "plot", "Examples:", "docs/ODD.md", "Exit codes"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST(Cli, RunWritesEveryFileAndNoTemporaries) {
  TempDir dir;
  const Result r = hedgesim("run " + source_path("scenarios/veto-2019.toml") + " -r 3 --out " + dir.path());
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* f : {"trajectory.csv", "events.csv", "attribution.csv", "bands.csv", "meta.json"})
    EXPECT_TRUE(fs::exists(dir.file(f))) << f;
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(Cli, OneAndTwoThreadsGiveByteIdenticalFiles) {
  TempDir a, b;
  const std::string s = source_path("scenarios/veto-2019.toml");
  ASSERT_EQ(hedgesim("run " + s + " -r 20 --threads 1 --out " + a.path()).code, 0);
  ASSERT_EQ(hedgesim("run " + s + " -r 20 --threads 2 --out " + b.path()).code, 0);
  for (const char* f : {"trajectory.csv", "events.csv", "attribution.csv", "bands.csv"})
    EXPECT_EQ(io::read_file(a.file(f)), io::read_file(b.file(f))) << f;
}

// A failing figure (no gnuplot on the PATH) ends the report with exit 2, no page and no "wrote" line:
// stdout used to end in "  wrote " before the page was attempted.
TEST(Cli, AReportThatFailsPrintsNoWroteLine) {
  TempDir dir;
  const Result r = shell("env PATH=/nonexistent " + std::string(HEDGESIM_BINARY) + " report " +
                         source_path("scenarios/veto-2019.toml") + " -r 2 -q --out " + dir.file("page.html") +
                         " 2>/dev/null");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.find("wrote"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir.file("page.html")));
}

TEST(Cli, ReportWritesOneSelfContainedPageAndNothingElse) {
  TempDir dir;
  const std::string page = dir.file("pages/veto.html");
  const Result r = hedgesim("report " + source_path("scenarios/veto-2019.toml") + " -r 4 -q --out " + page);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("wrote " + page), std::string::npos) << r.out;
  const std::string html = io::read_file(page);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("veto-2019"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("hedgesim report"),
            std::string::npos);  // meta.json's command line, shown as provenance
  EXPECT_EQ(testing::names_in(dir.file("pages")), std::set<std::string>{"veto.html"});
  // Readable in class: the figure carries no event table of its own (the page's table, with the same
  // numbers, follows it), and on a wide screen it leaves the text column to be shown at its own size.
  EXPECT_EQ(html.find("Events (dashed lines"), std::string::npos);
  EXPECT_NE(html.find("figure { width: min(1400px, 96vw)"), std::string::npos);
  // Which events mattered, by `hedgesim attribute` at the report's replicates; --permutations 0 leaves it
  // out.
  EXPECT_NE(html.find("<section id=\"mattered\">"), std::string::npos);
  EXPECT_NE(html.find("<h3>srb_signal_mean</h3>"), std::string::npos);
  const std::string without = dir.file("without.html");
  ASSERT_EQ(hedgesim("report " + source_path("scenarios/veto-2019.toml") +
                     " -r 4 -q --permutations 0 --out " + without)
                .code,
            0);
  EXPECT_EQ(io::read_file(without).find("id=\"mattered\""), std::string::npos);
}

TEST(Cli, ABurstOfEventsSharesOneLabelInsteadOfOverlappingNumbers) {
  // Serbia's autumn of 2019 (events 4 to 14 within two months, 10 and 13 not its own) is one label.
  // Without grouping, its numbers overlapped in three rows ("6,7,12" over "5,11" over "4,8,9").
  TempDir dir;
  const std::string out = dir.file("run");
  ASSERT_EQ(
      hedgesim("run " + source_path("scenarios/france-strategy-2019-2025.toml") + " -q --out " + out).code,
      0);
  const Result r = hedgesim("plot " + out + " --agents SRB --format svg");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string svg = io::read_file(out + "/plot-SRB.svg");
  EXPECT_NE(svg.find(">4-9,11,12,14<"), std::string::npos);
}

TEST(Cli, ReportOfABadScenarioExitsTwoAndWritesNothing) {
  TempDir dir;
  const std::string f =
      dir.write("s.toml", scenario_text("[[event]]\ndate = 2019-10-18\ntype = \"acession_veto\"\n"
                                        "actor = \"FRA\"\ntargets = [\"ALB\"]\nlabel = \"x\"\n"));
  const Result r = hedgesim("report " + f + " --out " + dir.file("r.html"));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.rfind(f + ":10:8: unknown event type 'acession_veto'", 0), 0u) << r.out;
  EXPECT_FALSE(fs::exists(dir.file("r.html")));
}

TEST(Cli, ExplainRejectsAnUnknownAgentWithASuggestion) {
  TempDir dir;
  ASSERT_EQ(hedgesim("run " + source_path("scenarios/veto-2019.toml") + " --out " + dir.path()).code, 0);
  const Result r = hedgesim("explain " + dir.path() + " --agent SRBB");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("SRB"), std::string::npos) << r.out;
  const Result ok = hedgesim("explain " + dir.path() + " --agent SRB --from 2019-10-01 --to 2019-12-31");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("toward Moscow"), std::string::npos) << ok.out;
}

// ---- golden files ---------------------------------------------------------------------------------------

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

bool as_number(const std::string& s, double& v) {
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  return res.ec == std::errc{} && res.ptr == s.data() + s.size();
}

/// Same lines and text; numbers equal to 1e-9 (relative), so that the sanitizer build (-O1) matches too.
void expect_same_csv(const std::string& expected, const std::string& actual, const std::string& name) {
  const auto e = split_lines(expected), a = split_lines(actual);
  ASSERT_EQ(e.size(), a.size()) << name;
  for (std::size_t i = 0; i < e.size(); ++i) {
    std::vector<std::string> fe, fa;
    std::string f;
    for (std::istringstream in(e[i]); std::getline(in, f, ',');)
      fe.push_back(f);
    for (std::istringstream in(a[i]); std::getline(in, f, ',');)
      fa.push_back(f);
    ASSERT_EQ(fe.size(), fa.size()) << name << ":" << i + 1;
    for (std::size_t j = 0; j < fe.size(); ++j) {
      double x = 0, y = 0;
      if (as_number(fe[j], x) && as_number(fa[j], y))
        ASSERT_LE(std::abs(x - y), 1e-9 * std::max(1.0, std::abs(x)))
            << name << ":" << i + 1 << " field " << j + 1;
      else
        ASSERT_EQ(fe[j], fa[j]) << name << ":" << i + 1;
    }
  }
}

TEST(Golden, RunOfVeto2019AtFixedSeed) {
  // Another instruction set rounds differently (FMA, float trigonometry of the draws): the golden files are
  // the default build's.
  if (std::string(HEDGESIM_ISA_BUILT) != "x86-64-v3")
    GTEST_SKIP() << "golden files record the x86-64-v3 build; this one is " << HEDGESIM_ISA_BUILT;
  TempDir dir;
  ASSERT_EQ(
      hedgesim("run " + source_path("scenarios/veto-2019.toml") + " --seed 2019 -r 1 --out " + dir.path())
          .code,
      0);
  const std::string golden = std::string(HEDGESIM_TEST_DATA) + "/golden/veto-2019/";
  for (const char* f : {"trajectory.csv", "events.csv", "attribution.csv"}) {
    if (std::getenv("HEDGESIM_UPDATE_GOLDEN") != nullptr) {
      fs::create_directories(golden);
      fs::copy_file(dir.file(f), golden + f, fs::copy_options::overwrite_existing);
    }
    expect_same_csv(io::read_file(golden + f), io::read_file(dir.file(f)), f);
  }
}

/// A sweep of veto-2019 small enough for a test: `design` is the [design] table's body (kind and size).
std::string tiny_experiment(const TempDir& dir, const std::string& name, const std::string& design) {
  return dir.write(name + ".toml",
                   "[experiment]\nname = \"" + name + "\"\nscenario = \"" +
                       source_path("scenarios/veto-2019.toml") +
                       "\"\nseed = 3\nreplicates = 2\n\n[design]\n" + design +
                       "\n\n[[parameters]]\nname = \"grievance_weight\"\nmin = 1.0\nmax = 8.0\n\n"
                       "[[parameters]]\nname = \"softening_half_life_days\"\nmin = 30\nmax = 270\n\n"
                       "[[metrics]]\nname = \"srb_signal_after_veto\"\nagent = \"SRB\"\n"
                       "variable = \"signal\"\nstatistic = \"mean\"\n");
}

TEST(Cli, PlotOfAGridOrLhsSweepDrawsItsScatterMatrixAndSaysWroteOnlyOnceItIsThere) {
  TempDir dir;
  for (const auto& [name, design] : {std::pair{"tiny-grid", "kind = \"grid\"\nlevels = 2"},
                                     std::pair{"tiny-lhs", "kind = \"lhs\"\nsamples = 5"}}) {
    const std::string out = dir.file(name);
    const Result swept = hedgesim("sweep " + tiny_experiment(dir, name, design) + " -q -t 1 --out " + out);
    ASSERT_EQ(swept.code, 0) << swept.out;
    const std::string figure = out + "/scatter.png";
    const Result r = hedgesim("plot " + out);
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out, "wrote " + figure + "\n");
    EXPECT_EQ(io::read_file(figure).substr(0, 4), "\x89PNG");
    const Result svg = hedgesim("plot " + out + " --out " + dir.file(std::string(name) + ".svg"));
    EXPECT_EQ(svg.out, "wrote " + dir.file(std::string(name) + ".svg") + "\n");
    EXPECT_NE(
        io::read_file(dir.file(std::string(name) + ".svg")).find("hedgesim sweep: " + std::string(name)),
        std::string::npos);

    // A sweep directory missing a file: exit 2, file:line:col, and neither a figure nor a `wrote` line.
    fs::remove(figure);
    fs::remove(out + "/summary.csv");
    const Result failed = hedgesim("plot " + out);
    EXPECT_EQ(failed.code, 2);
    EXPECT_EQ(failed.out, out + "/summary.csv:0:0: cannot read " + out +
                              "/summary.csv: no such file; it is written by `hedgesim sweep`\n");
    EXPECT_FALSE(fs::exists(figure));
    EXPECT_EQ(testing::names_in(out), (std::set<std::string>{"design.csv", "meta.json", "results.csv"}));
  }
  const Result help = hedgesim("plot --help");
  EXPECT_NE(help.out.find("with a grid or LHS design (scatter.png"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace hedgesim
