// The terminal progress bar of a search (training.md §10.8, issue: trial k/n,
// current algorithm, best score so far, elapsed and ETA). Drawn on stderr,
// one line rewritten in place, only when stderr is a terminal and the run is
// not --quiet; otherwise every finished trial is a `trial_done` log event.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace recotem {

class ProgressBar {
 public:
  // True when a bar should be drawn: stderr is a TTY and not quiet.
  static bool Wanted(bool quiet);

  explicit ProgressBar(int64_t total);
  ~ProgressBar();  // ends the line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(int64_t done, const std::string& algorithm, std::optional<double> best);

  // The line Update() draws (without the carriage return), for tests.
  static std::string Render(int64_t done, int64_t total, const std::string& algorithm,
                            std::optional<double> best, double elapsed_seconds);

 private:
  int64_t total_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

}  // namespace recotem
