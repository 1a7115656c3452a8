// The progress bar of progress.hpp: pure line formatting first, then the throttled, locked redrawing.
#include "io/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>

namespace hedgesim::io {
namespace {

/// The widths the variable parts of a line are given at least, so that the bar keeps its width while the
/// rate and the ETA change from one redraw to the next: "12,345" for the rate, "ETA 00:00" for the tail.
constexpr std::size_t kRateDigitsReserve = 6;
constexpr std::size_t kTailReserve = 9;
constexpr int kMinBar = 10;
constexpr int kMaxBar = 40;
constexpr std::size_t kMaxLabel = 24;

std::string percent_text(std::int64_t done, std::int64_t total) {
  int pct = 100;
  if (done < total) {
    const double share = std::max(0.0, static_cast<double>(done) / static_cast<double>(total));
    pct = std::min(99, static_cast<int>(std::floor(100.0 * share)));  // 100 % only when done
  }
  std::string s = std::to_string(pct) + "%";
  return std::string(4 - s.size(), ' ') + s;
}

std::string bar_text(std::int64_t done, std::int64_t total, int width) {
  int filled = width;
  if (done < total) {
    const double share = std::max(0.0, static_cast<double>(done) / static_cast<double>(total));
    filled = std::min(width - 1, static_cast<int>(std::floor(width * share)));  // full only when done
  }
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(width - filled), '-') + "]";
}

/// Assembles `label [bar] pct  counts  rate  tail` within width - 1 characters: the bar takes what the
/// other parts leave (between kMinBar and kMaxBar), is dropped if less is left, and then the label is cut.
std::string assemble(std::int64_t done, std::int64_t total, double rate, std::string_view unit, int width,
                     std::string_view label, const std::string& tail) {
  const std::size_t max_len = static_cast<std::size_t>(std::max(width - 1, 1));
  const bool known = total > 0;
  std::string counts = format_count(done);
  if (known) counts += "/" + format_count(total);
  counts += " ";
  counts += unit;
  const std::string rate_digits = format_rate(rate);
  std::string rate_part = rate_digits + " " + std::string(unit) + "/s";
  std::string after = "  " + counts + "  " + rate_part + "  " + tail;
  // What `after` may grow to while the run goes on, so that the bar does not jitter.
  std::size_t after_reserved = after.size() +
                               (kRateDigitsReserve - std::min(kRateDigitsReserve, rate_digits.size())) +
                               (kTailReserve - std::min(kTailReserve, tail.size()));
  if (known) {  // the count of work done grows to the width of the total
    const std::size_t done_len = format_count(done).size(), total_len = format_count(total).size();
    if (total_len > done_len) after_reserved += total_len - done_len;
  }
  std::string lab(label.substr(0, kMaxLabel));
  std::string middle;  // "[bar] pct" or "pct" (known total) or "" (unknown)
  if (known) {
    const std::string pct = percent_text(done, total);
    const std::size_t lead = lab.empty() ? 0 : lab.size() + 1;
    const std::size_t fixed = lead + 2 /* [] */ + 1 + pct.size() + after_reserved;
    const int room = fixed >= max_len ? 0 : static_cast<int>(max_len - fixed);
    if (room >= kMinBar)
      middle = bar_text(done, total, std::min(room, kMaxBar)) + " " + pct;
    else
      middle = pct;
  }
  // Known total: "label [bar] pct  counts ..."; unknown: "label  counts ...".
  const std::string body = known ? middle + after : after.substr(2);
  const std::size_t sep = known ? 1 : 2;
  std::string line;
  if (!lab.empty()) {
    if (lab.size() + sep + body.size() > max_len)
      lab.resize(max_len > body.size() + sep ? max_len - body.size() - sep : 0);
    if (!lab.empty()) line = lab + std::string(sep, ' ');
  }
  line += body;
  if (line.size() > max_len) line.resize(max_len);
  return line;
}

}  // namespace

double steady_clock_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string format_count(std::int64_t n) {
  // Through the unsigned magnitude, so that INT64_MIN has one.
  std::uint64_t mag = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  std::string digits = std::to_string(mag);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3 + 1);
  if (n < 0) out += '-';
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_rate(double per_second) {
  if (!(per_second > 0) || !std::isfinite(per_second)) return "--";
  if (per_second >= 100) {
    return format_count(std::llround(std::min(per_second, 1e18)));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, per_second >= 10 ? "%.1f" : "%.2f", per_second);
  return buf;
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "--:--";
  const long long s = std::llround(std::min(seconds, 1e12));  // 1e12 s: 277 million hours, fits easily
  const long long h = s / 3600, m = (s / 60) % 60, sec = s % 60;
  char buf[48];
  if (h > 0)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", h, m, sec);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", m, sec);
  return buf;
}

std::string render_progress_line(std::int64_t done, std::int64_t total, double elapsed_s, double rate,
                                 std::string_view unit, int width, std::string_view label) {
  std::string tail;
  if (total <= 0)
    tail = format_duration(elapsed_s) + " elapsed";
  else if (done >= total)
    tail = "ETA 0:00";
  else if (rate > 0 && std::isfinite(rate))
    tail = "ETA " + format_duration(static_cast<double>(total - done) / rate);
  else
    tail = "ETA --:--";
  return assemble(done, total, rate, unit, width, label, tail);
}

std::string render_final_line(std::int64_t done, std::int64_t total, double elapsed_s, double rate,
                              std::string_view unit, int width, std::string_view label) {
  return assemble(done, total, rate, unit, width, label, "in " + format_duration(elapsed_s));
}

ProgressBar::ProgressBar(std::int64_t total, std::FILE* out, ProgressOptions options)
    : total_(total), opt_(std::move(options)), done_(opt_.initial) {
  sink_ = [out](std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), out);
    std::fflush(out);
  };
  if (!opt_.clock) opt_.clock = steady_clock_seconds;
  start_ = opt_.clock();
}

ProgressBar::ProgressBar(std::int64_t total, std::ostream& out, ProgressOptions options)
    : total_(total), opt_(std::move(options)), done_(opt_.initial) {
  sink_ = [&out](std::string_view s) { out.write(s.data(), static_cast<std::streamsize>(s.size())).flush(); };
  if (!opt_.clock) opt_.clock = steady_clock_seconds;
  start_ = opt_.clock();
}

ProgressBar::~ProgressBar() {
  std::lock_guard lock(mu_);
  if (opt_.enabled && shown_len_ > 0) write_locked("\n");
}

void ProgressBar::advance(std::int64_t n) {
  std::lock_guard lock(mu_);
  done_ += n;
  if (!opt_.enabled || finished_) return;
  const double now = opt_.clock();
  if (drawn_once_ && now - last_draw_ < opt_.redraw_interval_s) return;
  last_draw_ = now;
  drawn_once_ = true;
  const double elapsed = now - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done_ - opt_.initial) / elapsed : 0.0;
  draw_locked(render_progress_line(done_, total_, elapsed, rate, opt_.unit, opt_.width, opt_.label));
}

void ProgressBar::finish() {
  std::lock_guard lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (!opt_.enabled) return;
  const double elapsed = opt_.clock() - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done_ - opt_.initial) / elapsed : 0.0;
  draw_locked(render_final_line(done_, total_, elapsed, rate, opt_.unit, opt_.width, opt_.label));
  write_locked("\n");
  shown_len_ = 0;
}

void ProgressBar::interrupt(std::string_view message) {
  std::lock_guard lock(mu_);
  if (opt_.enabled && shown_len_ > 0) {
    write_locked("\r" + std::string(shown_len_, ' ') + "\r");
    shown_len_ = 0;
  }
  drawn_once_ = false;  // redraw at the next advance(), whatever the throttle says
  if (!message.empty()) {
    std::string m(message);
    if (m.back() != '\n') m += '\n';
    write_locked(m);
  }
}

std::int64_t ProgressBar::done() const {
  std::lock_guard lock(mu_);
  return done_;
}

bool ProgressBar::stderr_is_terminal() {
  return ::isatty(::fileno(stderr)) != 0;
}

void ProgressBar::draw_locked(const std::string& line) {
  // Spaces over what is left of a longer previous line; '\r' back to its start.
  std::string s = "\r" + line;
  if (line.size() < shown_len_) s += std::string(shown_len_ - line.size(), ' ');
  write_locked(s);
  shown_len_ = std::max(shown_len_, line.size());
}

void ProgressBar::write_locked(std::string_view s) {
  sink_(s);
}

}  // namespace hedgesim::io
