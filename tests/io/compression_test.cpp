// io/compression: gzip output that any gzip reader reads and that is the same bytes every time, and a reader
// that refuses damaged, truncated and crafted (ever-expanding) files with one clear message each.
#include "io/compression.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "io/atomic_file.hpp"
#include "io/csv_reader.hpp"
#include "support/input_error_message.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::io {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string sample_text(std::size_t bytes) {
  std::mt19937 rng(7);
  std::string s;
  while (s.size() < bytes)
    s += std::to_string(rng() % 100000) + (rng() % 8 == 0 ? "\n" : ",");
  return s;
}

TEST(Gzip, RoundTripsTextOfEverySizeAcrossZlibsPieces) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{70'000}, std::size_t{3'000'000}}) {
    const std::string text = sample_text(n).substr(0, n);
    const std::string packed = gzip(text);
    EXPECT_TRUE(is_gzip(packed));
    EXPECT_EQ(gunzip(packed, "x.gz", 1u << 30), text) << n;
  }
}

// The header carries no time (bytes 4-7 zero), so a run's files are the same bytes whenever they are written.
TEST(Gzip, TheSameTextGivesTheSameBytesWithNoTimeInTheHeader) {
  const std::string text = sample_text(100'000);
  const std::string a = gzip(text), b = gzip(text);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.substr(4, 4), std::string(4, '\0'));
  EXPECT_LT(a.size(), text.size() / 2);
}

// Fails if the wrapper were zlib's or raw deflate instead of gzip: the system's gzip reads it back.
TEST(Gzip, TheSystemsGzipReadsWhatWeWrite) {
  testing::TempDir dir;
  const std::string text = sample_text(50'000);
  dir.write("t.csv.gz", gzip(text));
  const std::string cmd = "gzip -dc " + dir.file("t.csv.gz") + " > " + dir.file("t.csv");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(read_file(dir.file("t.csv")), text);
}

TEST(Gzip, ReadTextFileDecompressesAGzipFileAndLeavesOthersAlone) {
  testing::TempDir dir;
  dir.write("a.csv.gz", gzip("x,y\n1,2\n"));
  dir.write("b.csv", "x,y\n1,2\n");
  EXPECT_EQ(read_text_file(dir.file("a.csv.gz")), "x,y\n1,2\n");
  EXPECT_EQ(read_text_file(dir.file("b.csv")), "x,y\n1,2\n");
  CsvReader csv(dir.file("a.csv.gz"));
  ASSERT_TRUE(csv.next());
  EXPECT_EQ(csv.number(csv.column("y")), 2.0);
}

TEST(Gzip, EachDefectHasItsMessage) {
  const std::string packed = gzip(sample_text(200'000));
  EXPECT_THAT(testing::error_of([&] { gunzip(packed.substr(0, packed.size() / 2), "t.gz", 1u << 30); }),
              StartsWith("t.gz:0:0: this gzip file is cut short: was it written completely?"));
  std::string flipped = packed;
  flipped[flipped.size() / 2] ^= 0x55;
  flipped[flipped.size() / 2 + 1] ^= 0x55;
  EXPECT_THAT(testing::error_of([&] { gunzip(flipped, "t.gz", 1u << 30); }),
              StartsWith("t.gz:0:0: this gzip file is damaged ("));
  EXPECT_THAT(testing::error_of([&] { gunzip(packed + "junk", "t.gz", 1u << 30); }),
              StartsWith("t.gz:0:0: this gzip file has bytes after its end"));
}

// A bomb: 64 MiB of zeros packs into about 64 KiB; with a 1 MiB limit it is refused after at most a buffer
// more than the limit, not inflated into memory.
TEST(Gzip, AFileThatExpandsBeyondTheLimitIsRefused) {
  const std::string bomb = gzip(std::string(std::size_t{64} << 20, '\0'));
  EXPECT_LT(bomb.size(), std::size_t{1} << 17);
  EXPECT_THAT(testing::error_of([&] { gunzip(bomb, "bomb.gz", std::uint64_t{1} << 20); }),
              StartsWith("bomb.gz:0:0: this gzip file expands to more than 1 MiB"));
}

}  // namespace
}  // namespace hedgesim::io
