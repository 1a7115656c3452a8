// File layout (all integers little-endian as the machine writes them; a journal is resumed on the machine
// or cluster that wrote it):
//   "HSJ1" | u64 header length | header text ("key = value\n" lines) | u64 FNV-1a of the header text
//   then records: "REC1" | i64 chunk | u64 count | count doubles | u64 FNV-1a of (chunk, count, doubles)
#include "io/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <sys/stat.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "model/input_error.hpp"

namespace hedgesim::io {
namespace {

constexpr char kFileMagic[4] = {'H', 'S', 'J', '1'};
constexpr char kRecordMagic[4] = {'R', 'E', 'C', '1'};

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 14695981039346656037ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw InputError({path, 0, 0}, what);
}

void write_all(int fd, const void* data, std::size_t n, const std::string& path) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0)
      fail(path, std::string("cannot write the journal: ") + std::strerror(errno) +
                     "; the chunks it holds are kept: make room, then run the same command with --resume");
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

/// Reads exactly n bytes at offset; false at end of file (a torn record).
bool read_at(int fd, void* data, std::size_t n, std::int64_t offset) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, offset);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
    offset += r;
  }
  return true;
}

JournalHeader parse_header(const std::string& text) {
  JournalHeader h;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    const std::size_t eq = line.find(" = ");
    if (eq != std::string::npos) h.emplace_back(line.substr(0, eq), line.substr(eq + 3));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return h;
}

std::string value_of(const JournalHeader& h, const std::string& key) {
  for (const auto& [k, v] : h)
    if (k == key) return v;
  return "(absent)";
}

}  // namespace

std::string render_journal_header(const JournalHeader& header) {
  std::string s;
  for (const auto& [k, v] : header)
    s += k + " = " + v + "\n";
  return s;
}

Journal::Journal(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

Journal::Journal(Journal&& o) noexcept
    : path_(std::move(o.path_)), fd_(o.fd_), end_(o.end_), done_(std::move(o.done_)) {
  o.fd_ = -1;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

bool Journal::exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Journal Journal::create(const std::string& path, const JournalHeader& header) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, std::string("cannot create the journal: ") + std::strerror(errno));
  Journal j(path, fd);
  const std::string text = render_journal_header(header);
  const std::uint64_t len = text.size(), sum = fnv1a(text.data(), text.size());
  write_all(fd, kFileMagic, 4, path);
  write_all(fd, &len, 8, path);
  write_all(fd, text.data(), text.size(), path);
  write_all(fd, &sum, 8, path);
  if (::fsync(fd) != 0) fail(path, std::string("cannot fsync the journal: ") + std::strerror(errno));
  j.end_ = static_cast<std::int64_t>(4 + 8 + text.size() + 8);
  return j;
}

Journal Journal::resume(const std::string& path, const JournalHeader& expected, const JournalLayout* layout) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    fail(path, "there is nothing to resume: no journal here (" + std::string(std::strerror(errno)) +
                   "); run without --resume to start");
  Journal j(path, fd);
  char magic[4];
  std::uint64_t len = 0, sum = 0;
  if (!read_at(fd, magic, 4, 0) || std::memcmp(magic, kFileMagic, 4) != 0 || !read_at(fd, &len, 8, 4) ||
      len > (1u << 20))
    fail(path, "not a hedgesim journal; delete it to start over");
  std::string text(len, '\0');
  if (!read_at(fd, text.data(), len, 12) || !read_at(fd, &sum, 8, static_cast<std::int64_t>(12 + len)) ||
      sum != fnv1a(text.data(), text.size()))
    fail(path, "the journal's header is damaged; delete it to start over");
  const JournalHeader found = parse_header(text);
  std::string differences;
  for (const auto& [k, v] : expected)
    if (value_of(found, k) != v)
      differences += "; " + k + " was " + value_of(found, k) + " for the journal but is " + v + " now";
  if (!differences.empty())
    fail(path, "cannot resume: this journal belongs to a different job" + differences +
                   ". Run without --resume (after deleting the journal) to start over");
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail(path, std::string("cannot read the journal: ") + std::strerror(errno));
  const std::int64_t size = st.st_size;
  const auto refuse = [&path](const std::string& what) {
    fail(path,
         what +
             "; the journal cannot be trusted (it was damaged, or not written by this sweep): delete it "
             "to start the sweep over");
  };
  std::int64_t at = static_cast<std::int64_t>(12 + len + 8);
  std::vector<double> v;
  for (std::int64_t record = 1;; ++record) {  // stop at the first torn or corrupt record and cut it off
    char rm[4];
    std::int64_t chunk = 0;
    std::uint64_t count = 0, check = 0;
    if (!read_at(fd, rm, 4, at) || std::memcmp(rm, kRecordMagic, 4) != 0) break;
    if (!read_at(fd, &chunk, 8, at + 4) || !read_at(fd, &count, 8, at + 12)) break;
    // Nothing the record says is believed before it is checked: the chunk number and the count against the
    // plan, then the count against the bytes left in the file (so that no count can make us allocate more
    // than the file holds).
    const std::string which = "record " + std::to_string(record) + " (at byte " + std::to_string(at) + ")";
    if (chunk < 0 || (layout != nullptr && chunk >= layout->chunks))
      refuse(which + " is for chunk " + std::to_string(chunk) + ", but " +
             (layout != nullptr ? "the sweep's chunks are numbered 0 to " + std::to_string(layout->chunks - 1)
                                : std::string("chunk numbers are never negative")));
    if (layout != nullptr && count != layout->values_in(chunk))
      refuse(which + " holds " + std::to_string(count) + " values for chunk " + std::to_string(chunk) +
             ", but the sweep's chunk " + std::to_string(chunk) + " has " +
             std::to_string(layout->values_in(chunk)));
    const std::int64_t room = size - at - 28;  // bytes left for the values, after magic, chunk, count, sum
    if (room < 0 || count > static_cast<std::uint64_t>(room) / 8) break;  // runs past the end: torn
    v.resize(count);
    if (!read_at(fd, v.data(), count * 8, at + 20) ||
        !read_at(fd, &check, 8, at + 20 + static_cast<std::int64_t>(count * 8)))
      break;
    std::uint64_t h = fnv1a(&chunk, 8);
    h = fnv1a(&count, 8, h);
    if (check != fnv1a(v.data(), count * 8, h)) break;
    if (const auto seen = j.done_.find(chunk); seen != j.done_.end())
      refuse(which + " repeats chunk " + std::to_string(chunk) + ", recorded already at byte " +
             std::to_string(seen->second.offset - 20));
    if (layout != nullptr && layout->finite)
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i]))
          refuse(which + ", chunk " + std::to_string(chunk) + ": value " + std::to_string(i) + " (at byte " +
                 std::to_string(at + 20 + static_cast<std::int64_t>(8 * i)) + ") is " +
                 (std::isnan(v[i]) ? "NaN" : "infinite") + "; a sweep's results must be finite numbers");
    j.done_[chunk] = {at + 20, count};
    at += 20 + static_cast<std::int64_t>(count * 8) + 8;
  }
  if (::ftruncate(fd, at) != 0) fail(path, std::string("cannot repair the journal: ") + std::strerror(errno));
  j.end_ = at;
  return j;
}

namespace {

/// One record as stored: magic, chunk, count, the values and their checksum.
std::string encode_record(std::int64_t chunk, const std::vector<double>& values) {
  std::string rec(20 + values.size() * 8 + 8, '\0');
  const std::uint64_t count = values.size();
  std::memcpy(rec.data(), kRecordMagic, 4);
  std::memcpy(rec.data() + 4, &chunk, 8);
  std::memcpy(rec.data() + 12, &count, 8);
  if (count > 0)
    std::memcpy(rec.data() + 20, values.data(), count * 8);  // an empty vector's data() may be null
  std::uint64_t h = fnv1a(&chunk, 8);
  h = fnv1a(&count, 8, h);
  h = fnv1a(values.data(), count * 8, h);
  std::memcpy(rec.data() + 20 + count * 8, &h, 8);
  return rec;
}

}  // namespace

void Journal::append(std::int64_t chunk, const std::vector<double>& values) {
  append_batch({{chunk, values}});
}

void Journal::append_batch(const std::vector<std::pair<std::int64_t, std::vector<double>>>& records) {
  std::lock_guard lock(mutex_);
  std::string bytes;
  std::vector<std::pair<std::int64_t, Where>> added;
  for (const auto& [chunk, values] : records) {
    if (done_.count(chunk) != 0) continue;
    if (std::any_of(added.begin(), added.end(), [c = chunk](const auto& a) { return a.first == c; }))
      continue;
    added.push_back({chunk, {end_ + static_cast<std::int64_t>(bytes.size()) + 20, values.size()}});
    bytes += encode_record(chunk, values);
  }
  if (bytes.empty()) return;
  if (::lseek(fd_, end_, SEEK_SET) < 0)
    fail(path_, std::string("cannot seek the journal: ") + std::strerror(errno));
  write_all(fd_, bytes.data(), bytes.size(), path_);
  if (::fsync(fd_) != 0) fail(path_, std::string("cannot fsync the journal: ") + std::strerror(errno));
  for (const auto& [chunk, where] : added)
    done_[chunk] = where;
  end_ += static_cast<std::int64_t>(bytes.size());
}

bool Journal::has(std::int64_t chunk) const {
  std::lock_guard lock(mutex_);
  return done_.count(chunk) != 0;
}

std::int64_t Journal::chunks_done() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(done_.size());
}

std::vector<double> Journal::read(std::int64_t chunk) const {
  Where w{};
  {
    std::lock_guard lock(mutex_);
    auto it = done_.find(chunk);
    if (it == done_.end()) fail(path_, "chunk " + std::to_string(chunk) + " is not in the journal");
    w = it->second;
  }
  std::vector<double> v(w.count);
  if (!read_at(fd_, v.data(), w.count * 8, w.offset))
    fail(path_, "the journal was cut short while reading it");
  return v;
}

void Journal::remove() {
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
}

}  // namespace hedgesim::io
