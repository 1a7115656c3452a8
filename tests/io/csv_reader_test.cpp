// Tests of the CSV reader: RFC-4180 quoting, line endings, and that every error names file:line:col with
// the column counted in characters.
#include "io/csv_reader.hpp"
#include "support/input_error_message.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace hedgesim::io {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

/// A scratch directory for one test, removed afterwards.
class CsvReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hedgesim-csv-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  template <class F>
  static std::string error_of(F&& f) {
    return testing::error_of(std::forward<F>(f));
  }

  fs::path dir_;
};

TEST_F(CsvReaderTest, ReadsHeaderRowsAndPositions) {
  const auto path = write("t.csv", "run,step,value\n0,1,0.25\n0,2,-1e-3\n");
  const CsvTable t = read_csv(path);
  EXPECT_EQ(t.header, (std::vector<std::string>{"run", "step", "value"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"0", "2", "-1e-3"}));
  EXPECT_EQ(t.column("value"), 2u);
  EXPECT_DOUBLE_EQ(t.number(0, t.column("value")), 0.25);
  EXPECT_DOUBLE_EQ(t.number(1, 2), -0.001);
  EXPECT_EQ(t.integer(1, t.column("step")), 2);
  EXPECT_EQ(t.pos(1, 2).line, 3);
  EXPECT_EQ(t.pos(1, 2).col, 5);
}

TEST_F(CsvReaderTest, QuotedFieldsMayHoldCommasQuotesAndLineBreaks) {
  const auto path = write("events.csv",
                          "step,label,actor\n"
                          "3,\"blocks talks, citing \"\"reforms\"\"\",WWW\n"
                          "4,\"two\nlines\",RRR\n"
                          "5,\"\",AAA\n");
  const CsvTable t = read_csv(path);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][1], "blocks talks, citing \"reforms\"");
  EXPECT_EQ(t.rows[0][2], "WWW");
  EXPECT_EQ(t.rows[1][1], "two\nlines");
  EXPECT_EQ(t.pos(1, 2).line, 4);  // the field after the line break is on the next line
  EXPECT_EQ(t.pos(1, 2).col, 8);
  EXPECT_EQ(t.rows[2][1], "");
  EXPECT_EQ(t.pos(2, 0).line, 5);
}

TEST_F(CsvReaderTest, AcceptsCrLfByteOrderMarkBlankLinesAndNoFinalNewline) {
  const auto path = write("t.csv",
                          "\xEF\xBB\xBF"
                          "a,b\r\n1,2\r\n\r\n3,4");
  const CsvTable t = read_csv(path);
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "2");
  EXPECT_EQ(t.rows[1][1], "4");
  EXPECT_EQ(t.pos(1, 0).line, 4);
}

TEST_F(CsvReaderTest, RowWithWrongFieldCountIsReportedAtItsLineAndColumnOne) {
  const auto path = write("trajectory.csv", "run,step,value\n0,1,0.5\n0,2\n");
  const std::string msg = error_of([&] { read_csv(path); });
  EXPECT_THAT(msg, StartsWith(path + ":3:1: "));
  EXPECT_THAT(msg, HasSubstr("2 fields but the header has 3"));
}

TEST_F(CsvReaderTest, BadNumberIsReportedAtItsFieldCountingCharactersNotBytes) {
  // "Vučić" is 5 characters but 7 bytes: the bad field starts at character 9.
  const auto path = write("t.csv", "name,comment,value\nx,Vučić,abc\n");
  const CsvTable t = read_csv(path);
  const std::string msg = error_of([&] { t.number(0, 2); });
  EXPECT_THAT(msg, StartsWith(path + ":2:9: "));
  EXPECT_THAT(msg, HasSubstr("'abc' in column 'value' is not a number"));
}

TEST_F(CsvReaderTest, StreamingReaderReportsBadFieldsWhereTheyAre) {
  const auto path = write("t.csv", "step,date,value\n1,2020-01-01,0.5\n1.5,2020-02-30,nan\n");
  CsvReader r(path);
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.line(), 2);
  EXPECT_EQ(r.date(1).days, parse_date("2020-01-01")->days);
  ASSERT_TRUE(r.next());
  EXPECT_THAT(error_of([&] { r.integer(0); }),
              StartsWith(path + ":3:1: '1.5' in column 'step' is not a whole"));
  EXPECT_THAT(error_of([&] { r.date(1); }),
              StartsWith(path + ":3:5: '2020-02-30' in column 'date' is not a date"));
  EXPECT_THAT(error_of([&] { r.number(2); }), StartsWith(path + ":3:16: 'nan'"));
  EXPECT_FALSE(r.next());
}

TEST_F(CsvReaderTest, NumbersMustBeWholeFieldsAndFinite) {
  const SourcePos at{"f.csv", 2, 3};
  EXPECT_DOUBLE_EQ(parse_number("1e-5", at, "delta"), 1e-5);
  for (const char* bad : {"", " 1", "1 ", "0x10", "1e999", "inf", "+-1", "1,5"})
    EXPECT_THAT(error_of([&] { parse_number(bad, at, "delta"); }), StartsWith("f.csv:2:3: ")) << bad;
  EXPECT_EQ(parse_integer("-4", at, "step"), -4);
  EXPECT_THAT(error_of([&] { parse_integer("4x", at, "step"); }), HasSubstr("is not a whole number"));
}

TEST_F(CsvReaderTest, MissingFileSaysWhyAndHowToCreateIt) {
  const std::string path = (dir_ / "attribution.csv").string();
  const std::string msg = error_of([&] { read_csv(path); });
  EXPECT_THAT(msg, StartsWith(path + ":0:0: cannot read " + path + ": No such file or directory"));
  EXPECT_THAT(msg, HasSubstr("run `hedgesim run` first to create it"));
  EXPECT_THAT(error_of([&] { read_csv(dir_.string()); }), HasSubstr("Is a directory"));
}

TEST_F(CsvReaderTest, MissingColumnNamesTheFileTheColumnAndTheColumnsItHas) {
  const auto path = write("bands.csv", "step,date,mean\n0,2020-01-01,0.1\n");
  const CsvTable t = read_csv(path);
  const std::string msg = error_of([&] { t.column("p05"); });
  EXPECT_THAT(msg, StartsWith(path + ":1:1: the file has no column 'p05'"));
  EXPECT_THAT(msg, HasSubstr("step, date, mean"));
}

TEST_F(CsvReaderTest, MalformedQuotingAndEmptyFilesAreErrors) {
  const auto unclosed = write("a.csv", "a,b\n1,\"never closed\n");
  EXPECT_THAT(error_of([&] { read_csv(unclosed); }),
              StartsWith(unclosed + ":2:3: this quoted field is not closed"));
  const auto trailing = write("b.csv", "a,b\n\"x\"y,2\n");
  EXPECT_THAT(error_of([&] { read_csv(trailing); }), StartsWith(trailing + ":2:4: unexpected text after"));
  const auto empty = write("c.csv", "");
  EXPECT_THAT(error_of([&] { read_csv(empty); }), StartsWith(empty + ":1:1: the file is empty"));
}

}  // namespace
}  // namespace hedgesim::io
