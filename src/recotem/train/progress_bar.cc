#include "recotem/train/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace recotem {

namespace {

constexpr int kBarWidth = 24;

std::string Seconds(double s) {
  char buffer[32];
  if (s < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", s);
  } else {
    std::snprintf(buffer, sizeof buffer, "%dm%02ds", static_cast<int>(s / 60),
                  static_cast<int>(s) % 60);
  }
  return buffer;
}

}  // namespace

bool ProgressBar::Wanted(bool quiet) { return !quiet && isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(int64_t total)
    : total_(std::max<int64_t>(total, 1)), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputc('\n', stderr);
}

std::string ProgressBar::Render(int64_t done, int64_t total, const std::string& algorithm,
                                std::optional<double> best, double elapsed_seconds) {
  int64_t filled = total > 0 ? std::min<int64_t>(kBarWidth, done * kBarWidth / total) : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kBarWidth, '.');
  std::string line = "[" + bar + "] trial " + std::to_string(done) + "/" + std::to_string(total);
  if (!algorithm.empty()) line += "  " + algorithm;
  char score[32];
  std::snprintf(score, sizeof score, "%.4f", best.value_or(0.0));
  line += std::string("  best ") + (best ? score : "-");
  line += "  elapsed " + Seconds(elapsed_seconds);
  if (done > 0 && done < total) {
    double eta = elapsed_seconds / static_cast<double>(done) * static_cast<double>(total - done);
    line += "  ETA " + Seconds(eta);
  }
  return line;
}

void ProgressBar::Update(int64_t done, const std::string& algorithm, std::optional<double> best) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string line = Render(done, total_, algorithm, best, elapsed);
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace recotem
