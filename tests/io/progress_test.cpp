// Tests of the progress bar: the pure formatting (percent, bar fill, thousands separators, rate, ETA,
// durations, width), and the bar itself with a fake clock (throttling, final line, resumed counts, interrupt,
// a disabled bar that writes nothing) and under concurrent advance() from several threads.
#include "io/progress.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

namespace hedgesim {
namespace {

using io::format_count;
using io::format_duration;
using io::format_rate;
using io::ProgressBar;
using io::render_final_line;
using io::render_progress_line;

/// The text between '[' and ']' of a line.
std::string bar_of(const std::string& line) {
  const auto a = line.find('['), b = line.find(']');
  if (a == std::string::npos || b == std::string::npos) return "";
  return line.substr(a + 1, b - a - 1);
}

std::size_t count_of(const std::string& s, char c) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), c));
}

/// The last line drawn: the text after the last '\r', without trailing padding or newline.
std::string last_line(const std::string& out) {
  std::string s = out.substr(out.rfind('\r') + 1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n'))
    s.pop_back();
  return s;
}

/// A clock the test moves by hand (atomic, since the bar may read it from several threads).
struct FakeClock {
  std::atomic<double> now{1000.0};
  io::ProgressClock fn() {
    return [this] { return now.load(); };
  }
};

TEST(ProgressFormat, ThousandsSeparators) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(4500), "4,500");
  EXPECT_EQ(format_count(10000), "10,000");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_count(-1234), "-1,234");
  EXPECT_EQ(format_count(INT64_MIN), "-9,223,372,036,854,775,808");
}

TEST(ProgressFormat, Rates) {
  EXPECT_EQ(format_rate(1234.4), "1,234");
  EXPECT_EQ(format_rate(100.0), "100");
  EXPECT_EQ(format_rate(45.34), "45.3");
  EXPECT_EQ(format_rate(0.534), "0.53");
  EXPECT_EQ(format_rate(0.0), "--");
  EXPECT_EQ(format_rate(-1.0), "--");
  EXPECT_EQ(format_rate(std::numeric_limits<double>::infinity()), "--");
  EXPECT_EQ(format_rate(std::numeric_limits<double>::quiet_NaN()), "--");
}

TEST(ProgressFormat, Durations) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(4), "0:04");
  EXPECT_EQ(format_duration(4.4), "0:04");
  EXPECT_EQ(format_duration(4.6), "0:05");
  EXPECT_EQ(format_duration(59.4), "0:59");
  EXPECT_EQ(format_duration(60), "1:00");
  EXPECT_EQ(format_duration(754), "12:34");
  EXPECT_EQ(format_duration(3599), "59:59");
  EXPECT_EQ(format_duration(3600), "1:00:00");
  EXPECT_EQ(format_duration(3661), "1:01:01");
  EXPECT_EQ(format_duration(100000), "27:46:40");
  EXPECT_EQ(format_duration(-1), "--:--");
  EXPECT_EQ(format_duration(std::numeric_limits<double>::infinity()), "--:--");
  EXPECT_EQ(format_duration(std::numeric_limits<double>::quiet_NaN()), "--:--");
  EXPECT_EQ(format_duration(1e300), "277777777:46:40");  // capped at 1e12 s, no overflow
}

TEST(ProgressFormat, TheDocumentedExampleLine) {
  const std::string line = render_progress_line(4500, 10000, 3.6, 1234.0, "runs", 80, "label");
  EXPECT_EQ(line.substr(0, 7), "label [");
  EXPECT_NE(line.find("]  45%  4,500/10,000 runs  1,234 runs/s  ETA 0:04"), std::string::npos) << line;
  // ETA = (10,000 - 4,500) / 1,234 = 4.46 s
  EXPECT_LE(line.size(), 79u);
}

TEST(ProgressFormat, PercentAndBarFill) {
  const std::string zero = render_progress_line(0, 200, 0, 0, "runs");
  const std::string half = render_progress_line(100, 200, 1, 100, "runs");
  const std::string full = render_progress_line(200, 200, 2, 100, "runs");
  const std::string b0 = bar_of(zero), b50 = bar_of(half), b100 = bar_of(full);
  ASSERT_GE(b0.size(), 10u);
  EXPECT_EQ(b0.size(), b50.size());
  EXPECT_EQ(b0.size(), b100.size());
  EXPECT_EQ(count_of(b0, '#'), 0u);
  EXPECT_EQ(count_of(b50, '#'), b50.size() / 2);
  EXPECT_EQ(count_of(b50, '#') + count_of(b50, '-'), b50.size());
  EXPECT_EQ(count_of(b100, '-'), 0u);
  EXPECT_NE(zero.find("]   0%"), std::string::npos) << zero;
  EXPECT_NE(half.find("]  50%"), std::string::npos) << half;
  EXPECT_NE(full.find("] 100%"), std::string::npos) << full;
}

TEST(ProgressFormat, HundredPercentAndAFullBarOnlyWhenDone) {
  const std::string almost = render_progress_line(9999, 10000, 1, 1000, "runs");
  EXPECT_NE(almost.find("  99%"), std::string::npos) << almost;
  EXPECT_GE(count_of(bar_of(almost), '-'), 1u);
  // More than the total (a caller's miscount) is shown as it is, capped at 100 %.
  const std::string over = render_progress_line(12, 10, 1, 12, "runs");
  EXPECT_NE(over.find("] 100%  12/10 runs"), std::string::npos) << over;
}

TEST(ProgressFormat, Eta) {
  // 600 left at 10 per second: 60 s.
  EXPECT_NE(render_progress_line(400, 1000, 40, 10, "runs").find("ETA 1:00"), std::string::npos);
  // Two hours left: h:mm:ss.
  EXPECT_NE(render_progress_line(0, 7200, 5, 1, "runs").find("ETA 2:00:00"), std::string::npos);
  // Unknown rate (nothing done yet in this session).
  EXPECT_NE(render_progress_line(0, 100, 0, 0, "runs").find("-- runs/s"), std::string::npos);
  EXPECT_NE(render_progress_line(0, 100, 0, 0, "runs").find("ETA --:--"), std::string::npos);
  EXPECT_NE(render_progress_line(100, 100, 5, 20, "runs").find("ETA 0:00"), std::string::npos);
}

TEST(ProgressFormat, UnknownTotalShowsCountRateAndElapsed) {
  for (std::int64_t total : {0, -1}) {
    const std::string line = render_progress_line(4500, total, 65, 69.2, "chunks", 80, "sweep");
    EXPECT_EQ(line, "sweep  4,500 chunks  69.2 chunks/s  1:05 elapsed");
  }
  EXPECT_EQ(render_progress_line(7, 0, 1, 7, "runs"), "7 runs  7.00 runs/s  0:01 elapsed");
}

TEST(ProgressFormat, FinalLineShowsElapsedTime) {
  const std::string line = render_final_line(10000, 10000, 8.2, 1219.5, "runs", 80, "veto-2019");
  EXPECT_EQ(line.substr(0, 11), "veto-2019 [");
  EXPECT_NE(line.find("] 100%  10,000/10,000 runs  1,220 runs/s  in 0:08"), std::string::npos) << line;
  EXPECT_EQ(count_of(bar_of(line), '-'), 0u);
}

TEST(ProgressFormat, FitsTheWidthAndKeepsTheBarSteady) {
  const std::string long_label(60, 'L');
  for (int width : {80, 60, 40, 20}) {
    for (std::int64_t total :
         {std::int64_t{0}, std::int64_t{10}, std::int64_t{10000}, std::int64_t{9'000'000'000'000}}) {
      for (double rate : {0.0, 0.5, 1234.0, 9.9e9}) {
        const std::string line =
            render_progress_line(total / 3, total, 3000, rate, "chunks", width, long_label);
        EXPECT_LE(line.size(), static_cast<std::size_t>(width - 1)) << line;
        EXPECT_EQ(line.find('\n'), std::string::npos);
      }
    }
  }
  // At 80 columns the bar keeps its width while the rate and the ETA vary in their usual range.
  const std::size_t w = bar_of(render_progress_line(0, 1000, 0, 0, "runs", 80, "veto-2019")).size();
  EXPECT_GE(w, 10u);
  for (double rate : {0.5, 12.0, 999.0, 99999.0})
    EXPECT_EQ(bar_of(render_progress_line(10, 1000, 1, rate, "runs", 80, "veto-2019")).size(), w) << rate;
  // Too narrow for a bar: percent and counts remain.
  const std::string narrow = render_progress_line(500, 1000, 1, 100, "runs", 40, "");
  EXPECT_EQ(narrow.find('['), std::string::npos) << narrow;
  EXPECT_NE(narrow.find(" 50%  500/1,000 runs"), std::string::npos) << narrow;
}

TEST(ProgressBarTest, DrawsAtMostTenTimesASecondAndAlwaysAtFinish) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(1000, out, {.unit = "runs", .label = "test", .clock = clock.fn()});
  EXPECT_EQ(out.str(), "");        // nothing before the first advance
  for (int i = 0; i < 500; ++i) {  // 500 calls within 0.09 s: one draw (the first)
    bar.advance(1);
    clock.now = clock.now + 0.09 / 500;
  }
  EXPECT_EQ(count_of(out.str(), '\r'), 1u) << out.str();
  clock.now = 1000.0 + 0.1;
  bar.advance(1);  // 0.1 s after the first draw
  EXPECT_EQ(count_of(out.str(), '\r'), 2u);
  bar.advance(1);
  EXPECT_EQ(count_of(out.str(), '\r'), 2u);
  clock.now = 1002.0;
  bar.advance(498);
  EXPECT_EQ(count_of(out.str(), '\r'), 3u);
  bar.finish();  // drawn although within 0.1 s of the last draw
  EXPECT_EQ(count_of(out.str(), '\r'), 4u);
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(count_of(out.str(), '\n'), 1u);
  const std::string final_line = last_line(out.str());
  EXPECT_NE(final_line.find("] 100%  1,000/1,000 runs  500 runs/s  in 0:02"), std::string::npos)
      << final_line;
  // finish() is idempotent and nothing is drawn after it.
  bar.finish();
  bar.advance(5);
  EXPECT_EQ(count_of(out.str(), '\r'), 4u);
  EXPECT_EQ(bar.done(), 1005);
}

TEST(ProgressBarTest, ALongerPreviousLineIsOverwrittenWithSpaces) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(0, out, {.unit = "runs", .clock = clock.fn()});
  clock.now = clock.now + 1;
  bar.advance(123456);  // "123,456 runs  123,456 runs/s  0:01 elapsed"
  const std::size_t first = out.str().size() - 1;
  clock.now = clock.now + 1000;
  bar.advance(1);  // "123,457 runs  123 runs/s  16:41 elapsed": a shorter line
  const std::string second = out.str().substr(first + 1);
  EXPECT_EQ(second.size(), first + 1) << "the second draw covers the first";
}

TEST(ProgressBarTest, DisabledBarWritesNothing) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar(100, out, {.unit = "runs", .enabled = false, .clock = clock.fn()});
    for (int i = 0; i < 100; ++i) {
      bar.advance(1);
      clock.now = clock.now + 1;
    }
    bar.interrupt();
    bar.finish();
    EXPECT_EQ(bar.done(), 100);
  }  // and nothing in the destructor either
  EXPECT_EQ(out.str(), "");
  // Also through a FILE*: nothing reaches the file.
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar(10, f, {.enabled = false});
    bar.advance(10);
    bar.finish();
  }
  EXPECT_EQ(std::ftell(f), 0L);
  std::fclose(f);
}

TEST(ProgressBarTest, WritesToAFile) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  FakeClock clock;
  {
    ProgressBar bar(4, f, {.unit = "chunks", .clock = clock.fn()});
    bar.advance(4);
    clock.now = clock.now + 2;
    bar.finish();
  }
  std::rewind(f);
  char buf[256] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string s(buf, n);
  EXPECT_NE(s.find("4/4 chunks  2.00 chunks/s  in 0:02\n"), std::string::npos) << s;
}

TEST(ProgressBarTest, ResumedWorkDoesNotCountInTheRate) {
  FakeClock clock;
  std::ostringstream out;
  // 6,000 of 10,000 runs done before --resume; this session does 1,000 in 10 s: 100 runs/s, and the
  // remaining 3,000 take 30 s (not 7,000 runs / 10 s = 700 runs/s and 4 s).
  ProgressBar bar(10000, out, {.unit = "runs", .clock = clock.fn(), .initial = 6000});
  EXPECT_EQ(bar.done(), 6000);
  clock.now = clock.now + 10;
  bar.advance(1000);
  const std::string line = last_line(out.str());
  EXPECT_NE(line.find("  70%  7,000/10,000 runs  100 runs/s  ETA 0:30"), std::string::npos) << line;
  clock.now = clock.now + 30;
  bar.advance(3000);
  bar.finish();  // 4,000 in 40 s
  EXPECT_NE(last_line(out.str()).find("10,000/10,000 runs  100 runs/s  in 0:40"), std::string::npos)
      << last_line(out.str());
}

TEST(ProgressBarTest, InterruptClearsTheLineAndTheBarComesBack) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(10, out, {.unit = "runs", .clock = clock.fn()});
  bar.advance(3);
  const std::string drawn = out.str();
  ASSERT_FALSE(drawn.empty());
  bar.interrupt("warning: something");
  const std::string after = out.str().substr(drawn.size());
  // '\r', spaces over the whole bar, '\r', then the message on its own line.
  EXPECT_EQ(after, "\r" + std::string(drawn.size() - 1, ' ') + "\rwarning: something\n");
  bar.advance(1);  // within the throttle interval, but the bar is redrawn below the message
  EXPECT_GT(out.str().rfind('\r'), out.str().find("warning: something"));
  EXPECT_NE(last_line(out.str()).find("4/10 runs"), std::string::npos);
  bar.interrupt("done\n");  // a message ending in a newline gets no second one
  EXPECT_EQ(out.str().substr(out.str().size() - 6), "\rdone\n");
  // With the bar disabled, only the message is written.
  std::ostringstream quiet;
  ProgressBar off(10, quiet, {.enabled = false, .clock = clock.fn()});
  off.advance(3);
  off.interrupt("warning: x");
  EXPECT_EQ(quiet.str(), "warning: x\n");
}

TEST(ProgressBarTest, DestructorEndsAnOpenLine) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar(10, out, {.clock = clock.fn()});
    bar.advance(3);
  }
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(count_of(out.str(), '\n'), 1u);
}

TEST(ProgressBarTest, ConcurrentAdvancesReachExactlyTheTotal) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25000;
  std::ostringstream out;
  ProgressBar bar(kThreads * kPerThread, out, {.unit = "runs", .redraw_interval_s = 0.0});  // real clock
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i)
        bar.advance(1);
    });
  for (std::thread& w : workers)
    w.join();
  bar.finish();
  EXPECT_EQ(bar.done(), kThreads * kPerThread);
  EXPECT_NE(last_line(out.str()).find("] 100%  100,000/100,000 runs"), std::string::npos)
      << last_line(out.str());
  // Every draw is a whole line: no interleaving, so each piece between '\r's is a line of the bar.
  std::istringstream pieces(out.str());
  std::string piece;
  int n = 0;
  while (std::getline(pieces, piece, '\r'))
    if (!piece.empty()) {
      EXPECT_NE(piece.find("/100,000 runs"), std::string::npos) << piece;
      ++n;
    }
  EXPECT_GE(n, 2);
}

TEST(ProgressBarTest, StderrIsTerminalMatchesIsatty) {
  EXPECT_EQ(ProgressBar::stderr_is_terminal(), ::isatty(::fileno(stderr)) != 0);
}

}  // namespace
}  // namespace hedgesim
