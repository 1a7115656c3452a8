// results/compare_meta: a comparison's meta.json as the real writer (experiment/compare) writes it, read
// back field by field; and the messages for files it could not have written.
#include "results/compare_meta.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "experiment/compare.hpp"
#include "io/atomic_file.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;

TEST(CompareMeta, ReadsWhatHedgesimCompareWrites) {
  const CompiledModel a = load_and_compile(testing::source_path("scenarios/veto-2019.toml"));
  const CompiledModel b = load_and_compile(testing::source_path("scenarios/no-veto-2019.toml"));
  CompareOptions opt;
  opt.replicates = 3;
  opt.seed = 17;
  opt.bootstrap = 10;
  const CompareResult r = compare(a, b, default_compare_metrics(a), opt);
  TempDir dir;
  write_compare_outputs(a, b, r, opt, dir.path(), "hedgesim compare x y");
  const results::CompareMeta m = results::read_compare_meta(dir.path());
  EXPECT_EQ(m.a_path, a.scenario.file);
  EXPECT_EQ(m.b_name, b.scenario.name);
  EXPECT_EQ(m.seed, std::optional<std::uint64_t>(17));
  EXPECT_EQ(m.replicates, 3);
  EXPECT_EQ(m.version, results::version());
  ASSERT_EQ(m.agents.size(), static_cast<std::size_t>(a.n_agents));
  EXPECT_EQ(m.agents.front().id, a.agent_ids[0]);
  EXPECT_EQ(m.metrics.size(), r.metrics.size());
  EXPECT_EQ(m.metrics_file, "");
  ASSERT_FALSE(m.events.empty());  // the veto is only in A
  EXPECT_EQ(m.events.front().scenario, 'A');
  EXPECT_EQ(m.a_sha256.size(), 64u);
  EXPECT_EQ(m.start, a.scenario.start);
  EXPECT_EQ(m.step_days, a.params.step_days);
  EXPECT_EQ(m.events.front().type, "accession_veto");
  // Writer and reader are one: what is read renders to the same bytes.
  EXPECT_EQ(results::render_compare_meta(m), io::read_file(dir.path() + "/meta.json"));
  EXPECT_EQ(m.provenance_line().rfind("compare " + a.scenario.name + " vs " + b.scenario.name +
                                          " · seed 17 · 3 replicates · hedgesim ",
                                      0),
            0u);
}

std::string compare_meta_error(const std::string& text) {
  TempDir dir;
  std::ofstream(dir.path() + "/meta.json") << text;
  const std::string what = testing::error_of([&] { results::read_compare_meta(dir.path()); });
  return what.substr(what.find(": ") + 2);
}

TEST(CompareMeta, EachDefectHasItsMessage) {
  EXPECT_EQ(compare_meta_error("{,}"),
            "this is not valid JSON; it should be the meta.json written by `hedgesim compare`");
  EXPECT_EQ(compare_meta_error("3"),
            "this is not a JSON object; it should be the meta.json written by `hedgesim compare`");
  EXPECT_EQ(
      compare_meta_error(R"({"kind": "sweep"})"),
      "this is the meta.json of `hedgesim sweep`, not of a comparison; it should be the meta.json written "
      "by `hedgesim compare`");
  EXPECT_EQ(compare_meta_error(R"({"agents": [{"name": "x"}]})"),
            "an entry of 'agents' has no text field 'id'");
  EXPECT_EQ(compare_meta_error(R"({"events_a": 3})"),
            "'events_a' should be a list of events {date, label, type, actor}");
  EXPECT_EQ(compare_meta_error(R"({"events_b": [{"date": "soon"}]})"),
            "events_b[0] has no date 'YYYY-MM-DD' (it has 'soon')");
  TempDir empty;
  EXPECT_EQ(testing::error_of([&] { results::read_compare_meta(empty.path()); }),
            empty.path() + "/meta.json:0:0: cannot read " + empty.path() +
                "/meta.json: no such file; it is written by `hedgesim compare`");
}

}  // namespace
}  // namespace hedgesim
