// ServeMetrics: the Prometheus metrics of `recotem serve` (serving.md §12)
// and their text exposition (format 0.0.4), written here because Debian
// ships no Prometheus C++ client.
//
// Hot path: a request records into a per-recipe RecipeMetrics handle made
// of atomics only. Handles are found through a copy-on-write map published
// with one atomic shared_ptr load, so recording never takes a lock; a new
// recipe name (rare) copies the map under a mutex. Handles live as long as
// the process, so a removed recipe keeps its counters and reports
// recotem_model_loaded 0.
//
// Metric names, types and labels are the seeds' (§12.1) plus the newest
// /v1 families (§12.2): recotem_artifact_load_failures_total carries the
// newest `reason` label (docs/compatibility.md).
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

namespace recotem::serve {

inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
// The label used for request metrics of names not in the registry, so
// clients cannot inflate label cardinality (auth.md §9).
inline constexpr const char* kUnknownRecipeLabel = "_unknown";

inline constexpr std::array<double, 14> kLatencyBuckets = {.005, .01, .025, .05, .075, .1,  .25,
                                                           .5,   .75, 1,    2.5, 5,    7.5, 10};
inline constexpr std::array<double, 9> kBatchSizeBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256};

// A cumulative histogram with fixed upper bounds (+Inf implied).
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  void Observe(double value);
  std::span<const double> bounds() const { return bounds_; }
  // Per-bucket (non-cumulative) counts, one more than bounds() for +Inf.
  uint64_t BucketCount(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::span<const double> bounds_;
  std::array<std::atomic<uint64_t>, 16> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

enum class PredictStatus { kOk, kUserNotFound, kUnavailable, kError };
enum class V1Verb { kRecommend, kRecommendRelated, kBatchRecommend, kBatchRecommendRelated };
enum class V1Status {
  kOk,
  kUnknownUser,
  kUnknownSeedItems,
  kNoCandidates,
  kUnavailable,
  kRecipeNotFound,
  kValidationError,
  kError
};
// artifact.md §7.5 / serving.md §12.2 `reason` values.
enum class LoadFailureReason {
  kRead,
  kParse,
  kHmac,
  kHeaderJson,
  kDeserialize,
  kMetadata,
  kYaml,
  kUnexpected,
  kDirScan,
  kTimeout,
  kVersionSkew
};
// Per-element batch error codes (serving.md §4.4–4.5).
enum class BatchErrorCode {
  kValidationError,
  kUnknownUser,
  kUnknownSeedItems,
  kNoCandidates,
  kInternalError
};

inline constexpr size_t kPredictStatusCount = 4;
inline constexpr size_t kV1VerbCount = 4;
inline constexpr size_t kV1StatusCount = 8;
inline constexpr size_t kLoadFailureReasonCount = 11;
inline constexpr size_t kBatchErrorCodeCount = 5;

std::string_view V1VerbName(V1Verb verb);
std::string_view BatchErrorCodeName(BatchErrorCode code);
// The reason for a `reason` string such as "hmac"; unknown strings → kUnexpected.
LoadFailureReason LoadFailureReasonFrom(std::string_view reason);

// Every per-recipe series. All members are atomics: record freely.
struct RecipeMetrics {
  RecipeMetrics();

  std::array<std::atomic<uint64_t>, kPredictStatusCount> predict_total{};
  Histogram predict_latency;
  std::atomic<int> model_loaded{0};
  std::array<std::atomic<uint64_t>, kLoadFailureReasonCount> load_failures{};
  std::atomic<uint64_t> swap_ok{0};
  std::atomic<uint64_t> swap_error{0};
  std::atomic<uint64_t> stat_failures{0};
  std::atomic<uint64_t> rescan_errors{0};
  std::atomic<uint64_t> metadata_lookup_errors{0};
  std::array<std::array<std::atomic<uint64_t>, kV1StatusCount>, kV1VerbCount> v1_requests{};
  std::array<Histogram, kV1VerbCount> v1_latency;
  std::array<Histogram, 2> v1_batch_size;  // batch-recommend, batch-recommend-related
  std::array<std::array<std::atomic<uint64_t>, kBatchErrorCodeCount>, kV1VerbCount>
      v1_batch_element_errors{};

  void CountPredict(PredictStatus status, double seconds);
  void CountV1(V1Verb verb, V1Status status, double seconds);
  void CountLoadFailure(LoadFailureReason reason);
};

class ServeMetrics {
 public:
  ServeMetrics();
  ServeMetrics(const ServeMetrics&) = delete;
  ServeMetrics& operator=(const ServeMetrics&) = delete;

  // The handle of `recipe`, created on first use. Never null.
  std::shared_ptr<RecipeMetrics> ForRecipe(std::string_view recipe);

  std::atomic<int64_t> active_recipes{0};
  std::atomic<uint64_t> watcher_unhandled_errors{0};
  std::atomic<uint64_t> v1_validation_errors_outside_verb{0};
  std::atomic<uint64_t> watcher_state_divergence{0};
  // recotem_recipes_dir_scan_failures_total{error_class}; rare, so a mutex.
  void CountDirScanFailure(std::string_view error_class);

  // The Prometheus text exposition of every family (HELP and TYPE always;
  // labelled series once they exist).
  std::string Render() const;

 private:
  using Map = std::map<std::string, std::shared_ptr<RecipeMetrics>, std::less<>>;

  std::mutex write_mu_;
  std::atomic<std::shared_ptr<const Map>> recipes_;
  mutable std::mutex scan_mu_;
  std::map<std::string, uint64_t> dir_scan_failures_;
};

}  // namespace recotem::serve
