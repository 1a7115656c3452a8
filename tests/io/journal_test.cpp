// The journal: what is appended is read back exactly, a reopened journal knows its finished chunks, a torn
// last record (a crash mid-write) is cut off, and a journal is only resumed by the job that wrote it.
#include "io/journal.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "support/file_size_limit.hpp"
#include "support/files.hpp"
#include "support/input_error_message.hpp"
#include "support/journal_bytes.hpp"
#include "support/scenario_fixture.hpp"

namespace hedgesim::io {
namespace {

const JournalHeader kHeader = {{"version", "1.2.3"}, {"experiment_sha256", "abc"}, {"points", "10"}};

TEST(Journal, AppendedChunksReadBackExactlyAfterReopening) {
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  const std::vector<double> a = {0.1, -2.5e-300, 1.0 / 3.0}, b = {42.0};
  {
    Journal j = Journal::create(path, kHeader);
    j.append(3, a);
    j.append(0, b);
    j.append(3, {9.0});  // a chunk is recorded once
    EXPECT_EQ(j.chunks_done(), 2);
    EXPECT_EQ(j.read(3), a);
  }
  Journal j = Journal::resume(path, kHeader);
  EXPECT_EQ(j.chunks_done(), 2);
  EXPECT_TRUE(j.has(0) && j.has(3));
  EXPECT_FALSE(j.has(1));
  EXPECT_EQ(j.read(3), a);
  EXPECT_EQ(j.read(0), b);
  j.append(1, {7.0});  // appending after reopening goes after the old records
  EXPECT_EQ(Journal::resume(path, kHeader).read(1), std::vector<double>{7.0});
}

TEST(Journal, ABatchIsTheSameBytesAsItsRecordsAppendedOneByOne) {
  testing::TempDir dir;
  const std::string one = dir.file("one.hsj"), batch = dir.file("batch.hsj");
  {
    Journal j = Journal::create(one, kHeader);
    j.append(2, {1.5});
    j.append(0, {2.5, 3.5});
    j.append(5, {});
  }
  {
    Journal j = Journal::create(batch, kHeader);
    j.append_batch({{2, {1.5}}, {0, {2.5, 3.5}}});
    j.append_batch({{0, {9.0}}, {5, {}}, {5, {8.0}}});  // recorded chunks and repeats are skipped
    EXPECT_EQ(j.chunks_done(), 3);
    EXPECT_EQ(j.read(0), (std::vector<double>{2.5, 3.5}));
  }
  EXPECT_EQ(testing::slurp(one), testing::slurp(batch));
  EXPECT_EQ(Journal::resume(batch, kHeader).read(2), std::vector<double>{1.5});
}

TEST(Journal, AFullDiskIsOneMessageThatSaysTheChunksAreKeptAndHowToResume) {
  // A file-size limit stands for the full disk: the record that does not fit fails with the message, and
  // the chunks recorded before it are still there on resume. Negative control: with room, it is recorded.
  testing::TempDir dir;
  const std::string path = dir.file("journal.hsj");
  {
    Journal j = Journal::create(path, kHeader);
    j.append(0, {1.0});
    const std::vector<double> big(1 << 12, 2.0);
    testing::FileSizeLimit limit(static_cast<rlim_t>(std::filesystem::file_size(path) + 64));
    const InputError e = testing::input_error_of([&] { j.append(1, big); });
    EXPECT_EQ(std::string(e.what()), path + ":0:0: cannot write the journal: " + std::strerror(EFBIG) +
                                         "; the chunks it holds are kept: make room, then run the same "
                                         "command with --resume");
  }
  Journal j = Journal::resume(path, kHeader);
  EXPECT_EQ(j.read(0), std::vector<double>{1.0});
  j.append(1, {3.0});
  EXPECT_EQ(Journal::resume(path, kHeader).read(1), std::vector<double>{3.0});
}

TEST(Journal, ATornLastRecordIsCutOffAndItsChunkCountsAsNotDone) {
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  {
    Journal j = Journal::create(path, kHeader);
    j.append(0, {1.0, 2.0});
    j.append(1, {3.0, 4.0});
  }
  const auto size = std::filesystem::file_size(path);
  for (std::uintmax_t cut : {1u, 8u, 20u}) {  // checksum, payload, header of the last record
    std::filesystem::resize_file(path, size - cut);
    Journal j = Journal::resume(path, kHeader);
    EXPECT_TRUE(j.has(0)) << cut;
    EXPECT_FALSE(j.has(1)) << cut;
    j.append(1, {3.0, 4.0});  // redone after the cut: the file is whole again
  }
  EXPECT_EQ(std::filesystem::file_size(path), size);
}

TEST(Journal, ACorruptRecordIsNotTrusted) {
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  { Journal::create(path, kHeader).append(0, {1.0, 2.0}); }
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-12, std::ios::end);  // inside the last value
    f.put('\x7f');
  }
  EXPECT_FALSE(Journal::resume(path, kHeader).has(0));
}

TEST(Journal, RefusesToResumeAnotherJobsJournalAndSaysWhatDiffers) {
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  { Journal::create(path, kHeader); }
  JournalHeader other = kHeader;
  other[1].second = "def";
  const std::string msg = testing::error_of([&] { Journal::resume(path, other); });
  EXPECT_NE(msg.find("cannot resume"), std::string::npos) << msg;
  EXPECT_NE(msg.find("experiment_sha256 was abc for the journal but is def now"), std::string::npos) << msg;
  EXPECT_NE(msg.find("start over"), std::string::npos) << msg;
}

TEST(Journal, ResumingNothingOrAForeignFileIsAClearError) {
  testing::TempDir dir;
  EXPECT_NE(
      testing::error_of([&] { Journal::resume(dir.file("none.hsj"), kHeader); }).find("nothing to resume"),
      std::string::npos);
  const std::string junk = dir.write("junk.hsj", "hello, world\n");
  EXPECT_NE(testing::error_of([&] { Journal::resume(junk, kHeader); }).find("not a hedgesim journal"),
            std::string::npos);
}

TEST(Journal, ConcurrentAppendsAllLand) {
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  Journal j = Journal::create(path, kHeader);
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] {
      for (int c = t; c < 200; c += 4)
        j.append(c, std::vector<double>(static_cast<std::size_t>(c % 7 + 1), c));
    });
  for (auto& th : pool)
    th.join();
  Journal back = Journal::resume(path, kHeader);
  ASSERT_EQ(back.chunks_done(), 200);
  for (int c = 0; c < 200; ++c)
    EXPECT_EQ(back.read(c), std::vector<double>(static_cast<std::size_t>(c % 7 + 1), c));
}

TEST(Journal, RemoveDeletesTheFile) {
  testing::TempDir dir;
  Journal j = Journal::create(dir.file("j.hsj"), kHeader);
  EXPECT_TRUE(Journal::exists(dir.file("j.hsj")));
  j.remove();
  EXPECT_FALSE(Journal::exists(dir.file("j.hsj")));
}

// A plan of 4 chunks of 3 values each, the last one of 2 (as a sweep's last chunk may be shorter).
const JournalLayout kLayout{4, [](std::int64_t c) { return c == 3 ? std::uint64_t{2} : std::uint64_t{3}; },
                            true};

/// A journal with the header and a valid chunk 0, then `bytes` appended; the message of resuming it.
std::string refusal_of(const testing::TempDir& dir, const std::string& bytes) {
  const std::string path = dir.file("j.hsj");
  { Journal::create(path, kHeader).append(0, {1.0, 2.0, 3.0}); }
  testing::append_bytes(path, bytes);
  const std::string before = testing::slurp(path);
  const std::string msg = testing::error_of([&] { Journal::resume(path, kHeader, &kLayout); });
  EXPECT_EQ(testing::slurp(path), before) << "a refused journal is left as it was";
  EXPECT_EQ(msg.rfind(path + ":0:0: record 2 (at byte ", 0), 0u) << msg;
  EXPECT_NE(msg.find("the journal cannot be trusted"), std::string::npos) << msg;
  EXPECT_NE(msg.find("delete it to start the sweep over"), std::string::npos) << msg;
  return msg;
}

TEST(JournalChecks, AValidJournalResumesUnderItsLayout) {
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  {
    Journal j = Journal::create(path, kHeader);
    j.append(3, {4.0, 5.0});
    j.append(0, {1.0, 2.0, 3.0});
  }
  Journal j = Journal::resume(path, kHeader, &kLayout);
  EXPECT_EQ(j.chunks_done(), 2);
  EXPECT_EQ(j.read(3), (std::vector<double>{4.0, 5.0}));
}

TEST(JournalChecks, ARecordShorterThanThePlanIsRefused) {
  testing::TempDir dir;
  const std::string msg = refusal_of(dir, testing::journal_record(1, {7.0, 8.0}));
  EXPECT_NE(msg.find(" holds 2 values for chunk 1, but the sweep's chunk 1 has 3"), std::string::npos) << msg;
}

TEST(JournalChecks, ALongerRecordIsRefusedToo) {
  testing::TempDir dir;
  const std::string msg = refusal_of(dir, testing::journal_record(3, {7.0, 8.0, 9.0}));
  EXPECT_NE(msg.find(" holds 3 values for chunk 3, but the sweep's chunk 3 has 2"), std::string::npos) << msg;
}

TEST(JournalChecks, AnEmptyRecordIsRefused) {
  testing::TempDir dir;
  const std::string msg = refusal_of(dir, testing::journal_record(2, {}));
  EXPECT_NE(msg.find(" holds 0 values for chunk 2, but the sweep's chunk 2 has 3"), std::string::npos) << msg;
}

TEST(JournalChecks, HugeCountsAreRefusedAtOnceWithoutAllocating) {
  for (const std::uint64_t count : {std::uint64_t{1} << 32, std::uint64_t{0x7FFFFFFF}, ~std::uint64_t{0}}) {
    testing::TempDir dir;
    const auto start = std::chrono::steady_clock::now();
    const std::string msg = refusal_of(dir, testing::journal_record(1, count, {1.0}));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_NE(
        msg.find(" holds " + std::to_string(count) + " values for chunk 1, but the sweep's chunk 1 has 3"),
        std::string::npos)
        << msg;
    EXPECT_LT(seconds, 1.0) << count;
  }
}

TEST(JournalChecks, WithoutALayoutAHugeCountIsATornEndNotAnAllocation) {
  // Checked against the bytes left in the file before anything is allocated: the record cannot be whole.
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  { Journal::create(path, kHeader).append(0, {1.0}); }
  testing::append_bytes(path, testing::journal_record(1, std::uint64_t{1} << 40, {2.0}));
  const Journal j = Journal::resume(path, kHeader);
  EXPECT_TRUE(j.has(0));
  EXPECT_FALSE(j.has(1));
}

TEST(JournalChecks, AChunkOutsideThePlanIsRefused) {
  {
    testing::TempDir dir;
    const std::string msg = refusal_of(dir, testing::journal_record(4, {7.0, 8.0, 9.0}));
    EXPECT_NE(msg.find(" is for chunk 4, but the sweep's chunks are numbered 0 to 3"), std::string::npos)
        << msg;
  }
  {
    testing::TempDir dir;
    const std::string msg = refusal_of(dir, testing::journal_record(-1, {7.0, 8.0, 9.0}));
    EXPECT_NE(msg.find(" is for chunk -1, but the sweep's chunks are numbered 0 to 3"), std::string::npos)
        << msg;
  }
}

TEST(JournalChecks, ARepeatedChunkIsRefused) {
  testing::TempDir dir;
  const std::string msg = refusal_of(dir, testing::journal_record(0, {1.0, 2.0, 3.0}));
  EXPECT_NE(msg.find(" repeats chunk 0, recorded already at byte "), std::string::npos) << msg;
}

TEST(JournalChecks, NaNAndInfinityAreRefusedWhereTheLayoutWantsFiniteValues) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  {
    testing::TempDir dir;
    const std::string msg = refusal_of(dir, testing::journal_record(1, {7.0, nan, 9.0}));
    EXPECT_NE(msg.find(", chunk 1: value 1 (at byte "), std::string::npos) << msg;
    EXPECT_NE(msg.find(") is NaN; a sweep's results must be finite numbers"), std::string::npos) << msg;
  }
  {
    testing::TempDir dir;
    const std::string msg = refusal_of(dir, testing::journal_record(3, {-inf, 1.0}));
    EXPECT_NE(msg.find(", chunk 3: value 0 (at byte "), std::string::npos) << msg;
    EXPECT_NE(msg.find(") is infinite;"), std::string::npos) << msg;
  }
  // A layout that allows them (or none) takes them back as written.
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  { Journal::create(path, kHeader).append(1, {7.0, nan, inf}); }
  JournalLayout any = kLayout;
  any.finite = false;
  const std::vector<double> back = Journal::resume(path, kHeader, &any).read(1);
  EXPECT_TRUE(std::isnan(back[1]));
  EXPECT_EQ(back[2], inf);
}

TEST(JournalChecks, ATornRecordAfterValidOnesIsStillCutOffNotRefused) {
  testing::TempDir dir;
  const std::string path = dir.file("j.hsj");
  { Journal::create(path, kHeader).append(0, {1.0, 2.0, 3.0}); }
  const std::string rec = testing::journal_record(1, {4.0, 5.0, 6.0});
  testing::append_bytes(path, rec.substr(0, rec.size() - 5));
  Journal j = Journal::resume(path, kHeader, &kLayout);
  EXPECT_TRUE(j.has(0));
  EXPECT_FALSE(j.has(1));
}

}  // namespace
}  // namespace hedgesim::io
