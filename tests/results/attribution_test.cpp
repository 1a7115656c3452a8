// results/attribution: attribution.csv's `source` typed once; the typed value from a run in memory equals
// the one parsed from the file's text, for every source a shipped scenario's runs record.
#include "results/attribution.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "engine/engine.hpp"
#include "results/trajectory.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::results {
namespace {

using Kind = AttributionSource::Kind;

TEST(AttributionSource, EachFormOfTheTextParses) {
  const AttributionSource m = parse_attribution_source("mechanism:hedging_decision");
  EXPECT_EQ(m.kind, Kind::mechanism);
  EXPECT_EQ(m.mechanism, mechanism_from_name("hedging_decision"));
  EXPECT_TRUE(m.mechanism.has_value());
  const AttributionSource unknown = parse_attribution_source("mechanism:not_in_the_catalogue");
  EXPECT_EQ(unknown.kind, Kind::mechanism);
  EXPECT_FALSE(unknown.mechanism.has_value());
  EXPECT_EQ(unknown.name, "not_in_the_catalogue");
  // Split from the right: a type may hold ':'.
  const AttributionSource e = parse_attribution_source("event:odd:type:FRA:2019-10-18");
  EXPECT_EQ(e.kind, Kind::event);
  EXPECT_EQ(e.type, "odd:type");
  EXPECT_EQ(e.actor, "FRA");
  EXPECT_EQ(e.date, parse_date("2019-10-18"));
  EXPECT_EQ(parse_attribution_source("bounds").kind, Kind::bounds);
  for (const char* other : {"", "event:", "event:x", "events:a:b:2019-01-01", "bounds2"})
    EXPECT_EQ(parse_attribution_source(other).kind, Kind::other) << other;
  EXPECT_EQ(parse_attribution_source("event:a:B:2019-13-45").date, std::nullopt);  // kept, but no date
}

// Fails if attribution_source_of numbered sources unlike the engine (a mechanism for an event, the wrong
// event) or typed a field differently from the text the file holds.
TEST(AttributionSource, FromMemoryIsWhatTheFileTextParsesTo) {
  const CompiledModel m = load_and_compile(testing::source_path("scenarios/france-strategy-2019-2025.toml"));
  const RunOutput r = run(m, 5, 0, true);
  std::set<int> seen;
  for (const AttributionEntry& e : r.attribution)
    seen.insert(e.source);
  ASSERT_GT(seen.size(), 10u);
  bool event = false, mechanism = false;
  for (const int s : seen) {
    const AttributionSource typed = attribution_source_of(m, s);
    const AttributionSource parsed = parse_attribution_source(source_name(m, s));
    EXPECT_EQ(
        std::tie(typed.kind, typed.mechanism, typed.name, typed.type, typed.actor, typed.date, typed.text),
        std::tie(parsed.kind, parsed.mechanism, parsed.name, parsed.type, parsed.actor, parsed.date,
                 parsed.text))
        << typed.text;
    event |= typed.kind == Kind::event;
    mechanism |= typed.kind == Kind::mechanism;
  }
  EXPECT_TRUE(event && mechanism);
}

// The readers of the two largest files check a step before it indexes anything. Fails if a negative or huge
// step got through (explain and plot size vectors by it).
TEST(RunFileReaders, AStepOutOfRangeIsNamedAtItsField) {
  testing::TempDir dir;
  dir.write("attribution.csv", "run,step,agent,variable,source,delta\n0,-1,AAA,signal,bounds,0.5\n");
  dir.write("trajectory.csv", "run,step,date,agent,variable,value\n0,10000001,2020-01-01,AAA,signal,0\n");
  AttributionReader attribution(dir.path());
  ASSERT_TRUE(attribution.next());
  EXPECT_EQ(
      testing::error_of([&] { attribution.step(); }),
      dir.file("attribution.csv") + ":2:3: step -1 is out of range; steps count from 0 to at most 10000000");
  EXPECT_EQ(attribution.source().kind, Kind::bounds);
  TrajectoryReader runs(dir.path(), TrajectoryReader::Kind::runs);
  ASSERT_TRUE(runs.next());
  EXPECT_EQ(testing::error_of([&] { runs.step(); }),
            dir.file("trajectory.csv") +
                ":2:3: step 10000001 is out of range; steps count from 0 to at most 10000000");
}

}  // namespace
}  // namespace hedgesim::results
