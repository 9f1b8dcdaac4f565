#include "recotem/serve/serve_metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace recotem::serve {
namespace {

constexpr std::array<std::string_view, kPredictStatusCount> kPredictStatusNames = {
    "ok", "user_not_found", "unavailable", "error"};
constexpr std::array<std::string_view, kV1VerbCount> kVerbNames = {
    "recommend", "recommend-related", "batch-recommend", "batch-recommend-related"};
constexpr std::array<std::string_view, kV1StatusCount> kV1StatusNames = {
    "ok",          "unknown_user",     "unknown_seed_items", "no_candidates",
    "unavailable", "recipe_not_found", "validation_error",   "error"};
constexpr std::array<std::string_view, kLoadFailureReasonCount> kReasonNames = {
    "read", "parse",      "hmac",     "header_json", "deserialize", "metadata",
    "yaml", "unexpected", "dir_scan", "timeout",     "version_skew"};
constexpr std::array<std::string_view, kBatchErrorCodeCount> kBatchCodeNames = {
    "VALIDATION_ERROR", "UNKNOWN_USER", "UNKNOWN_SEED_ITEMS", "NO_CANDIDATES", "INTERNAL_ERROR"};

// A Prometheus sample value: integers without a fraction, +Inf as "+Inf".
std::string FormatValue(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  if (std::isnan(v)) {
    return "NaN";
  }
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else {
    // The shortest of %.15g / %.17g that reads back as the same double.
    std::snprintf(buf, sizeof(buf), "%.15g", v);
    if (std::strtod(buf, nullptr) != v) {
      std::snprintf(buf, sizeof(buf), "%.17g", v);
    }
  }
  return buf;
}

// Label values escape backslash, double quote and newline (text format 0.0.4).
std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

using Labels = std::vector<std::pair<std::string_view, std::string>>;

std::string LabelText(const Labels& labels) {
  if (labels.empty()) {
    return "";
  }
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    out += (i ? "," : "") + std::string(labels[i].first) + "=\"" + EscapeLabel(labels[i].second) +
           "\"";
  }
  return out + "}";
}

class Writer {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
    out_ += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
  }
  void Sample(std::string_view name, const Labels& labels, double value) {
    out_ += std::string(name) + LabelText(labels) + " " + FormatValue(value) + "\n";
  }
  void HistogramSeries(std::string_view name, Labels labels, const Histogram& h) {
    uint64_t cumulative = 0;
    std::span<const double> bounds = h.bounds();
    labels.emplace_back("le", "");
    for (size_t i = 0; i <= bounds.size(); ++i) {
      cumulative += h.BucketCount(i);
      labels.back().second = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
      Sample(std::string(name) + "_bucket", labels, static_cast<double>(cumulative));
    }
    labels.pop_back();
    Sample(std::string(name) + "_sum", labels, h.sum());
    Sample(std::string(name) + "_count", labels, static_cast<double>(h.count()));
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

double Load(const std::atomic<uint64_t>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}

}  // namespace

Histogram::Histogram(std::span<const double> bounds) : bounds_(bounds) {}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) {
    ++i;
  }
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::string_view V1VerbName(V1Verb verb) { return kVerbNames[static_cast<size_t>(verb)]; }

std::string_view BatchErrorCodeName(BatchErrorCode code) {
  return kBatchCodeNames[static_cast<size_t>(code)];
}

LoadFailureReason LoadFailureReasonFrom(std::string_view reason) {
  for (size_t i = 0; i < kReasonNames.size(); ++i) {
    if (kReasonNames[i] == reason) {
      return static_cast<LoadFailureReason>(i);
    }
  }
  return LoadFailureReason::kUnexpected;
}

RecipeMetrics::RecipeMetrics()
    : predict_latency(kLatencyBuckets),
      v1_latency{Histogram(kLatencyBuckets), Histogram(kLatencyBuckets), Histogram(kLatencyBuckets),
                 Histogram(kLatencyBuckets)},
      v1_batch_size{Histogram(kBatchSizeBuckets), Histogram(kBatchSizeBuckets)} {}

void RecipeMetrics::CountPredict(PredictStatus status, double seconds) {
  predict_total[static_cast<size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  predict_latency.Observe(seconds);
}

void RecipeMetrics::CountV1(V1Verb verb, V1Status status, double seconds) {
  size_t v = static_cast<size_t>(verb);
  v1_requests[v][static_cast<size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  v1_latency[v].Observe(seconds);
}

void RecipeMetrics::CountLoadFailure(LoadFailureReason reason) {
  load_failures[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
}

ServeMetrics::ServeMetrics() : recipes_(std::make_shared<const Map>()) {}

std::shared_ptr<RecipeMetrics> ServeMetrics::ForRecipe(std::string_view recipe) {
  {
    std::shared_ptr<const Map> map = recipes_.load(std::memory_order_acquire);
    if (auto it = map->find(recipe); it != map->end()) {
      return it->second;
    }
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  std::shared_ptr<const Map> current = recipes_.load(std::memory_order_acquire);
  if (auto it = current->find(recipe); it != current->end()) {
    return it->second;
  }
  auto next = std::make_shared<Map>(*current);
  auto handle = std::make_shared<RecipeMetrics>();
  next->emplace(std::string(recipe), handle);
  recipes_.store(std::move(next), std::memory_order_release);
  return handle;
}

void ServeMetrics::CountDirScanFailure(std::string_view error_class) {
  std::lock_guard<std::mutex> lock(scan_mu_);
  ++dir_scan_failures_[std::string(error_class)];
}

std::string ServeMetrics::Render() const {
  std::shared_ptr<const Map> recipes = recipes_.load(std::memory_order_acquire);
  Writer w;
  using Each = std::function<void(const std::string&, const RecipeMetrics&)>;
  auto for_each = [&](const Each& fn) {
    for (const auto& [name, m] : *recipes) {
      fn(name, *m);
    }
  };
  // A per-recipe counter family: one sample per recipe that has a non-zero value.
  auto counter = [&](std::string_view name, std::string_view help,
                     const std::function<double(const RecipeMetrics&)>& value) {
    w.Family(name, "counter", help);
    for_each([&](const std::string& recipe, const RecipeMetrics& m) {
      if (double v = value(m); v > 0) {
        w.Sample(name, {{"recipe", recipe}}, v);
      }
    });
  };

  w.Family("recotem_predict_total", "counter", "POST /predict calls that reached the handler.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    for (size_t s = 0; s < kPredictStatusCount; ++s) {
      if (double v = Load(m.predict_total[s]); v > 0) {
        w.Sample("recotem_predict_total",
                 {{"recipe", recipe}, {"status", std::string(kPredictStatusNames[s])}}, v);
      }
    }
  });
  w.Family("recotem_predict_latency_seconds", "histogram", "POST /predict handler latency.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    if (m.predict_latency.count() > 0) {
      w.HistogramSeries("recotem_predict_latency_seconds", {{"recipe", recipe}}, m.predict_latency);
    }
  });
  w.Family("recotem_model_loaded", "gauge", "1 when the recipe's model is loaded, else 0.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    w.Sample("recotem_model_loaded", {{"recipe", recipe}}, m.model_loaded.load());
  });
  w.Family("recotem_artifact_load_failures_total", "counter",
           "Failed artifact loads (start-up and watcher), by reason.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    for (size_t r = 0; r < kLoadFailureReasonCount; ++r) {
      if (double v = Load(m.load_failures[r]); v > 0) {
        w.Sample("recotem_artifact_load_failures_total",
                 {{"recipe", recipe}, {"reason", std::string(kReasonNames[r])}}, v);
      }
    }
  });
  w.Family("recotem_active_recipes", "gauge", "Number of loaded registry entries.");
  w.Sample("recotem_active_recipes", {}, static_cast<double>(active_recipes.load()));
  w.Family("recotem_swap_total", "counter", "Hot-swap outcomes.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    if (double v = Load(m.swap_ok); v > 0) {
      w.Sample("recotem_swap_total", {{"recipe", recipe}, {"result", "ok"}}, v);
    }
    if (double v = Load(m.swap_error); v > 0) {
      w.Sample("recotem_swap_total", {{"recipe", recipe}, {"result", "error"}}, v);
    }
  });
  counter("recotem_artifact_stat_failures_total", "Artifact stat errors other than missing.",
          [](const RecipeMetrics& m) { return Load(m.stat_failures); });
  w.Family("recotem_watcher_unhandled_errors_total", "counter", "Failed watcher ticks.");
  w.Sample("recotem_watcher_unhandled_errors_total", {}, Load(watcher_unhandled_errors));
  counter("recotem_metadata_lookup_errors_total", "Per-item metadata lookup failures.",
          [](const RecipeMetrics& m) { return Load(m.metadata_lookup_errors); });
  counter("recotem_recipe_rescan_errors_total", "YAML re-parse failures of known recipes.",
          [](const RecipeMetrics& m) { return Load(m.rescan_errors); });
  w.Family("recotem_recipes_dir_scan_failures_total", "counter",
           "Recipes directory scan failures, by error class.");
  {
    std::lock_guard<std::mutex> lock(scan_mu_);
    for (const auto& [error_class, v] : dir_scan_failures_) {
      w.Sample("recotem_recipes_dir_scan_failures_total", {{"error_class", error_class}},
               static_cast<double>(v));
    }
  }

  w.Family("recotem_v1_requests_total", "counter", "/v1 verb requests by status.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    for (size_t v = 0; v < kV1VerbCount; ++v) {
      for (size_t s = 0; s < kV1StatusCount; ++s) {
        if (double n = Load(m.v1_requests[v][s]); n > 0) {
          w.Sample("recotem_v1_requests_total",
                   {{"recipe", recipe},
                    {"verb", std::string(kVerbNames[v])},
                    {"status", std::string(kV1StatusNames[s])}},
                   n);
        }
      }
    }
  });
  w.Family("recotem_v1_request_latency_seconds", "histogram", "/v1 verb request latency.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    for (size_t v = 0; v < kV1VerbCount; ++v) {
      if (m.v1_latency[v].count() > 0) {
        w.HistogramSeries("recotem_v1_request_latency_seconds",
                          {{"recipe", recipe}, {"verb", std::string(kVerbNames[v])}},
                          m.v1_latency[v]);
      }
    }
  });
  w.Family("recotem_v1_batch_size", "histogram", "Elements per /v1 batch request.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    for (size_t b = 0; b < 2; ++b) {
      if (m.v1_batch_size[b].count() > 0) {
        w.HistogramSeries("recotem_v1_batch_size",
                          {{"recipe", recipe}, {"verb", std::string(kVerbNames[2 + b])}},
                          m.v1_batch_size[b]);
      }
    }
  });
  w.Family("recotem_v1_batch_element_errors_total", "counter", "Failed /v1 batch elements.");
  for_each([&](const std::string& recipe, const RecipeMetrics& m) {
    for (size_t v = 0; v < kV1VerbCount; ++v) {
      for (size_t c = 0; c < kBatchErrorCodeCount; ++c) {
        if (double n = Load(m.v1_batch_element_errors[v][c]); n > 0) {
          w.Sample("recotem_v1_batch_element_errors_total",
                   {{"recipe", recipe},
                    {"verb", std::string(kVerbNames[v])},
                    {"code", std::string(kBatchCodeNames[c])}},
                   n);
        }
      }
    }
  });
  w.Family("recotem_v1_validation_errors_outside_verb_total", "counter",
           "422 responses on non-verb paths.");
  w.Sample("recotem_v1_validation_errors_outside_verb_total", {},
           Load(v1_validation_errors_outside_verb));
  w.Family("recotem_watcher_state_divergence_total", "counter",
           "Watcher tried to annotate a recipe with no registry entry.");
  w.Sample("recotem_watcher_state_divergence_total", {}, Load(watcher_state_divergence));
  return w.Take();
}

}  // namespace recotem::serve
