// Tests of the io module's writers: number formatting that round-trips, RFC 4180 quoting, atomic files that
// leave nothing behind on failure, and SHA-256 against the FIPS 180-2 test vectors.
#include <gtest/gtest.h>

#include <charconv>
#include <csignal>
#include <filesystem>

#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/memory.hpp"
#include "io/sha256.hpp"
#include "model/input_error.hpp"
#include "support/file_size_limit.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim {
namespace {

TEST(Memory, MemAvailableIsReadInBytesAndAnythingElseIsUnknown) {
  EXPECT_EQ(
      io::parse_mem_available("MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n"),
      20000000ull * 1024);
  EXPECT_EQ(io::parse_mem_available("MemTotal: 1 kB\n"), std::nullopt);
  EXPECT_EQ(io::parse_mem_available("MemAvailable: lots\n"), std::nullopt);
  EXPECT_EQ(io::parse_mem_available("MemAvailable: 12 MB\n"), std::nullopt);
  const auto here = io::available_memory_bytes();  // this is Linux: the file exists and parses
  ASSERT_TRUE(here.has_value());
  EXPECT_GT(*here, 0u);
}

TEST(CsvWriter, NumbersRoundTripExactly) {
  for (double v : {0.1, -2.5e-7, 1.0 / 3.0, 123456789.125, 1e-300, -0.75}) {
    std::string s;
    io::append_number(s, v);
    double back = 0.0;
    std::from_chars(s.data(), s.data() + s.size(), back);
    EXPECT_EQ(back, v) << s;
  }
  std::string s;
  io::append_number(s, -0.0);
  EXPECT_EQ(s, "0");
}

TEST(CsvWriter, QuotesOnlyWhenNeeded) {
  std::string s;
  io::append_field(s, "plain");
  s += '|';
  io::append_field(s, "a, b");
  s += '|';
  io::append_field(s, "say \"no\"");
  EXPECT_EQ(s, "plain|\"a, b\"|\"say \"\"no\"\"\"");
}

TEST(CsvWriter, BufferBuildsRows) {
  io::CsvBuffer b;
  b.text("x").integer(3).num(0.5).end().text("y").end();
  EXPECT_EQ(b.str(), "x,3,0.5\ny\n");
}

TEST(AtomicFile, CommitWritesTheWholeFileAndLeavesNoTemporary) {
  testing::TempDir dir;
  {
    io::AtomicFile f(dir.file("out.csv"));
    f.write("hello\n");
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.csv")));  // nothing visible before commit
    f.commit();
  }
  EXPECT_EQ(io::read_file(dir.file("out.csv")), "hello\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicFile, WithoutCommitNothingIsLeft) {
  testing::TempDir dir;
  {
    io::AtomicFile f(dir.file("out.csv"));
    f.write("partial");
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

using testing::FileSizeLimit;

TEST(AtomicFile, WriteAllIsAllOrNothingWhenTheDiskFillsHalfway) {
  // The second file does not fit: the first keeps its earlier content (no mix of two runs), and no
  // temporary file is left. Negative control: with room for both, both are replaced.
  testing::TempDir dir;
  const std::string a = dir.write("a.csv", "old a\n"), b = dir.write("b.csv", "old b\n");
  const std::string big(1 << 16, 'x');
  {
    FileSizeLimit limit(4096);
    EXPECT_THROW(io::write_all({{a, "new a\n"}, {b, big}}), InputError);
  }
  EXPECT_EQ(io::read_file(a), "old a\n");
  EXPECT_EQ(io::read_file(b), "old b\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 2);
  io::write_all({{a, "new a\n"}, {b, big}});
  EXPECT_EQ(io::read_file(a), "new a\n");
  EXPECT_EQ(io::read_file(b), big);
}

TEST(AtomicFile, UnwritableDirectoryIsAnInputError) {
  testing::TempDir dir;
  const std::string blocker = dir.write("file", "x");
  try {
    io::ensure_output_dir(blocker + "/sub");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, blocker + "/sub");
    EXPECT_NE(std::string(e.what()).find("cannot create output directory"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos) << e.what();
  }
}

TEST(Sha256, MatchesTheStandardTestVectors) {
  EXPECT_EQ(io::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(io::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, FilesHashDependsOnNamesAndContent) {
  testing::TempDir dir;
  const std::string a = dir.write("a.toml", "x"), b = dir.write("b.toml", "y");
  const std::string h = io::sha256_files({a, b});
  EXPECT_EQ(h, io::sha256_files({a, b}));
  dir.write("b.toml", "z");
  EXPECT_NE(h, io::sha256_files({a, b}));
  EXPECT_EQ(io::sha256_file(a), io::sha256_hex("x"));
}

}  // namespace
}  // namespace hedgesim
