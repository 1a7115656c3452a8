// results/run_events: the events of a run read from the real writer's events.csv equal those from memory,
// and merge into one numbering that every report uses.
#include "results/run_events.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "experiment/run_outputs.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

using testing::TempDir;

TEST(RunEvents, TheFileHoldsTheRowsOfMemoryAndMergesIntoNumberedEvents) {
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/france-strategy-2019-2025.toml"));
  TempDir dir;
  write_run_outputs(m, {run(m, 1, 0, false)}, dir.path(), {1, "test"});
  const std::vector<results::EventRow> from_file = results::read_event_rows(dir.path());
  const std::vector<results::EventRow> in_memory = results::event_rows_of(m);
  ASSERT_EQ(from_file.size(), in_memory.size());
  for (std::size_t i = 0; i < from_file.size(); ++i) {
    const results::EventRow &f = from_file[i], &g = in_memory[i];
    EXPECT_EQ(std::tie(f.step, f.date, f.type, f.actor, f.target, f.label, f.magnitude),
              std::tie(g.step, g.date, g.type, g.actor, g.target, g.label, g.magnitude))
        << i;
    EXPECT_EQ(f.date_pos.line, static_cast<int>(i) + 2);  // after the header
  }
  const std::vector<results::RunEvent> events = results::merge_events(from_file);
  EXPECT_EQ(events.size(), m.events.size());  // one event per scenario event, its targets merged
  std::size_t targets = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].number, static_cast<int>(i) + 1);
    if (i > 0) {
      EXPECT_LE(events[i - 1].date, events[i].date);
    }
    targets += events[i].targets.size();
    EXPECT_TRUE(events[i].involves(events[i].actor));
    EXPECT_TRUE(events[i].involves(events[i].targets.front()));
  }
  EXPECT_EQ(targets, from_file.size());
}

// Rows of one event differ only in their target; two events differing in anything else stay apart, and the
// numbering follows the date, ties in the file's order. Fails if the key dropped a field or the sort were
// not stable.
TEST(RunEvents, MergingKeepsEventsThatDifferInAnythingButTheTargetApart) {
  const Date d1{100}, d2{90};
  const std::vector<results::EventRow> rows = {
      {2, d1, "veto", "WWW", "AAA", "a veto", 1.0, {}, {}},
      {2, d1, "veto", "WWW", "BBB", "a veto", 1.0, {}, {}},
      {2, d1, "veto", "WWW", "CCC", "a veto", 0.5, {}, {}},  // another magnitude
      {1, d2, "visit", "RRR", "AAA", "a visit", 1.0, {}, {}},
      {2, d1, "veto", "WWW", "DDD", "another label", 1.0, {}, {}},
  };
  const std::vector<results::RunEvent> e = results::merge_events(rows);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].type, "visit");
  EXPECT_EQ(e[1].targets, (std::vector<std::string>{"AAA", "BBB"}));
  EXPECT_EQ(e[2].magnitude, 0.5);
  EXPECT_EQ(e[3].label, "another label");
  EXPECT_EQ(e[3].number, 4);
}

}  // namespace
}  // namespace hedgesim
