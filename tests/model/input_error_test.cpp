// Tests of InputError and the name-suggestion helpers: the `file:line:col: ` prefix of every message, the
// Levenshtein distance, when a "did you mean" is offered (at most max(2, length / 3) edits) and how allowed
// names are listed.
#include "model/input_error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace hedgesim {
namespace {

TEST(InputError, WhatIsFileLineColThenMessage) {
  const InputError e({"scenarios/x.toml", 11, 8}, "unknown event type 'x'");
  EXPECT_STREQ(e.what(), "scenarios/x.toml:11:8: unknown event type 'x'");
  EXPECT_EQ(e.detail(), "unknown event type 'x'");
  EXPECT_EQ(e.where().file, "scenarios/x.toml");
  EXPECT_EQ(e.where().line, 11);
  EXPECT_EQ(e.where().col, 8);
}

TEST(InputError, UnknownFileAndPosition) {
  const InputError e(SourcePos{}, "bad value");
  EXPECT_STREQ(e.what(), "<input>:0:0: bad value");
  const InputError missing({"model/agents.toml", 0, 0}, "no such file");
  EXPECT_STREQ(missing.what(), "model/agents.toml:0:0: no such file");
}

TEST(InputError, IsARuntimeError) {
  try {
    throw InputError({"f.toml", 1, 2}, "oops");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "f.toml:1:2: oops");
    return;
  }
  FAIL() << "InputError was not caught as std::runtime_error";
}

TEST(EditDistance, ClassicExamples) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);       // -f, +n
  EXPECT_EQ(edit_distance("accession_veto", "acession_veto"), 1u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
}

TEST(EditDistance, EmptyStrings) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abcd", ""), 4u);
}

TEST(EditDistance, Symmetric) {
  EXPECT_EQ(edit_distance("rival_budjet", "rival_budget"), edit_distance("rival_budget", "rival_budjet"));
  EXPECT_EQ(edit_distance("signal", "substance"), edit_distance("substance", "signal"));
}

TEST(EditDistance, IgnoresAsciiCase) {
  EXPECT_EQ(edit_distance("ALB", "alb"), 0u);
  EXPECT_EQ(edit_distance("Fra", "FRA"), 0u);
  EXPECT_EQ(edit_distance("ALBA", "alb"), 1u);
}

TEST(EditDistance, NonAsciiBytesCountAsBytes) {
  // UTF-8 "č" is two bytes: each "č" -> "c" is one substitution and one deletion.
  EXPECT_EQ(edit_distance("Vučić", "Vučić"), 0u);
  EXPECT_EQ(edit_distance("Vučić", "Vucic"), 4u);
}

TEST(DidYouMean, SuggestsTheNearestCandidate) {
  const std::vector<std::string> ids = {"ALB", "BIH", "KOS", "MNE", "MKD", "SRB", "EU", "FRA", "RUS"};
  EXPECT_EQ(did_you_mean("ALBA", ids), " (did you mean 'ALB'?)");
  EXPECT_EQ(did_you_mean("SRV", ids), " (did you mean 'SRB'?)");
  EXPECT_EQ(did_you_mean("fra", ids), " (did you mean 'FRA'?)");  // case-insensitive
}

TEST(DidYouMean, NoCandidatesNoSuggestion) {
  EXPECT_EQ(did_you_mean("anything", {}), "");
}

TEST(DidYouMean, ThresholdIsTwoEditsForShortNames) {
  // Names of up to 8 characters: max(2, n / 3) = 2.
  EXPECT_EQ(did_you_mean("abcdef", {"abcdxy"}), " (did you mean 'abcdxy'?)");  // 2 edits
  EXPECT_EQ(did_you_mean("abcdef", {"abcxyz"}), "");                           // 3 edits
  EXPECT_EQ(did_you_mean("ab", {"xy"}), " (did you mean 'xy'?)");              // 2 edits, still <= 2
  EXPECT_EQ(did_you_mean("abcdefgh", {"abcdexyz"}), "");                       // 8 / 3 = 2 < 3 edits
}

TEST(DidYouMean, ThresholdIsAThirdOfLongerNames) {
  // 9 characters: 3 edits allowed.
  EXPECT_EQ(did_you_mean("abcdefghi", {"abcdefxyz"}), " (did you mean 'abcdefxyz'?)");
  EXPECT_EQ(did_you_mean("abcdefghi", {"abcdewxyz"}), "");
  // 12 characters: 4 edits allowed.
  EXPECT_EQ(did_you_mean("abcdefghijkl", {"abcdefghwxyz"}), " (did you mean 'abcdefghwxyz'?)");
  EXPECT_EQ(did_you_mean("abcdefghijkl", {"abcdefgvwxyz"}), "");
}

TEST(DidYouMean, BestCandidateWinsAndTiesGoToTheFirst) {
  EXPECT_EQ(did_you_mean("abc", {"xyz", "abd", "abx"}), " (did you mean 'abd'?)");
  EXPECT_EQ(did_you_mean("abc", {"abx", "abd"}), " (did you mean 'abx'?)");
  EXPECT_EQ(did_you_mean("grievence", {"signal", "grievance", "engagement"}), " (did you mean 'grievance'?)");
}

TEST(JoinQuoted, ListsNamesWithCommasAndOr) {
  EXPECT_EQ(join_quoted({}), "");
  EXPECT_EQ(join_quoted({"west"}), "'west'");
  EXPECT_EQ(join_quoted({"hedger", "west"}), "'hedger' or 'west'");
  EXPECT_EQ(join_quoted({"hedger", "west", "rival"}), "'hedger', 'west' or 'rival'");
  EXPECT_EQ(join_quoted({"a", "b", "c", "d"}), "'a', 'b', 'c' or 'd'");
}

}  // namespace
}  // namespace hedgesim
