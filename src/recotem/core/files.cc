#include "recotem/core/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "recotem/core/hashing.h"
#include "recotem/core/strings.h"

namespace recotem {
namespace {

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace

std::vector<uint8_t> ReadFileCapped(const std::filesystem::path& path, uint64_t cap) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) ThrowErrno(path.string());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) ThrowErrno(path.string());
  if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    ThrowErrno(path.string());
  }
  uint64_t want = cap + 1;
  std::vector<uint8_t> out;
  if (st.st_size > 0) out.reserve(static_cast<size_t>(std::min<uint64_t>(want, st.st_size)));
  uint8_t buf[1 << 16];
  while (out.size() < want) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(sizeof(buf), want - out.size()));
    ssize_t n = ::read(fd.get(), buf, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno(path.string());
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

void AtomicWriteFile(const std::filesystem::path& dest, std::span<const uint8_t> bytes,
                     const std::function<void()>& before_rename) {
  std::filesystem::path dir = dest.parent_path();
  if (dir.empty()) dir = ".";
  std::filesystem::create_directories(dir);
  std::filesystem::path tmp;
  int raw_fd = -1;
  for (int attempt = 0; attempt < 16 && raw_fd < 0; ++attempt) {
    tmp = dir / ("tmp" + HexEncode(RandomBytes(4)) + ".tmp");
    raw_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (raw_fd < 0 && errno != EEXIST) ThrowErrno(tmp.string());
  }
  if (raw_fd < 0) ThrowErrno(tmp.string());
  Fd fd(raw_fd);
  try {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::write(fd.get(), bytes.data() + off, bytes.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        ThrowErrno(tmp.string());
      }
      off += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0 && errno != EINVAL && errno != ENOTSUP) ThrowErrno(tmp.string());
    if (::close(fd.release()) != 0) ThrowErrno(tmp.string());
    if (before_rename) before_rename();
    if (::rename(tmp.c_str(), dest.c_str()) != 0) ThrowErrno(dest.string());
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::Outcome FileLock::Acquire(const std::filesystem::path& path, bool blocking) {
  if (fd_ >= 0) return Outcome::kAcquired;
  std::filesystem::path dir = path.parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EACCES || errno == EPERM) return Outcome::kBusy;
    ThrowErrno(path.string());
  }
  while (::flock(fd.get(), LOCK_EX | (blocking ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK || errno == EACCES) return Outcome::kBusy;
    ThrowErrno(path.string());
  }
  fd_ = fd.release();
  return Outcome::kAcquired;
}

}  // namespace recotem
