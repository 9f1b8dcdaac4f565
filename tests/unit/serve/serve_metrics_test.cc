#include "recotem/serve/serve_metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace recotem::serve {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// A strict reader of the Prometheus text format 0.0.4: fails the test on any
// line that breaks the grammar, on a TYPE after samples of its family, on a
// family whose samples are not contiguous, and on a repeated series.
struct Exposition {
  std::map<std::string, std::string> types;
  std::vector<Sample> samples;

  static std::string FamilyOf(const std::string& name,
                              const std::map<std::string, std::string>& types) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s(suffix);
      if (name.size() > s.size() && name.ends_with(s)) {
        std::string base = name.substr(0, name.size() - s.size());
        if (types.contains(base) && types.at(base) == "histogram") return base;
      }
    }
    return name;
  }

  static Exposition Parse(const std::string& text) {
    static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
    static const std::regex kType(
        R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
    static const std::regex kSample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$)");
    static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
    Exposition e;
    std::set<std::string> finished_families;
    std::set<std::string> series;
    std::string current_family;
    std::istringstream in(text);
    std::string line;
    EXPECT_TRUE(text.empty() || text.back() == '\n');
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_match(line, m, kHelp)) continue;
      if (std::regex_match(line, m, kType)) {
        EXPECT_FALSE(e.types.contains(m[1])) << "TYPE repeated: " << line;
        e.types[m[1]] = m[2];
        if (!current_family.empty()) finished_families.insert(current_family);
        current_family = m[1];
        continue;
      }
      EXPECT_TRUE(std::regex_match(line, m, kSample)) << "bad line: " << line;
      if (m.empty()) continue;
      Sample s;
      s.name = m[1];
      std::string labels = m[3];
      for (std::sregex_iterator it(labels.begin(), labels.end(), kLabel), end; it != end; ++it) {
        s.labels[(*it)[1]] = (*it)[2];
      }
      std::string value = m[4];
      s.value = value == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(value);
      std::string family = FamilyOf(s.name, e.types);
      EXPECT_TRUE(e.types.contains(family)) << "sample before its TYPE: " << line;
      EXPECT_EQ(family, current_family) << "family not contiguous: " << line;
      EXPECT_FALSE(finished_families.contains(family)) << line;
      EXPECT_TRUE(series.insert(s.name + "|" + labels).second) << "repeated series: " << line;
      e.samples.push_back(std::move(s));
    }
    return e;
  }

  std::vector<Sample> Find(const std::string& name,
                           const std::map<std::string, std::string>& labels = {}) const {
    std::vector<Sample> out;
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        match = match && it != s.labels.end() && it->second == v;
      }
      if (match) out.push_back(s);
    }
    return out;
  }
};

TEST(ServeMetrics, EmptyExpositionDeclaresEveryDocumentedFamily) {
  ServeMetrics metrics;
  Exposition e = Exposition::Parse(metrics.Render());
  const std::map<std::string, std::string> expected = {
      {"recotem_predict_total", "counter"},
      {"recotem_predict_latency_seconds", "histogram"},
      {"recotem_model_loaded", "gauge"},
      {"recotem_artifact_load_failures_total", "counter"},
      {"recotem_active_recipes", "gauge"},
      {"recotem_swap_total", "counter"},
      {"recotem_artifact_stat_failures_total", "counter"},
      {"recotem_watcher_unhandled_errors_total", "counter"},
      {"recotem_metadata_lookup_errors_total", "counter"},
      {"recotem_recipe_rescan_errors_total", "counter"},
      {"recotem_recipes_dir_scan_failures_total", "counter"},
      {"recotem_v1_requests_total", "counter"},
      {"recotem_v1_request_latency_seconds", "histogram"},
      {"recotem_v1_batch_size", "histogram"},
      {"recotem_v1_batch_element_errors_total", "counter"},
      {"recotem_v1_validation_errors_outside_verb_total", "counter"},
      {"recotem_watcher_state_divergence_total", "counter"}};
  for (const auto& [name, type] : expected) {
    ASSERT_TRUE(e.types.contains(name)) << name;
    EXPECT_EQ(e.types.at(name), type) << name;
  }
  ASSERT_EQ(e.Find("recotem_active_recipes").size(), 1u);
  EXPECT_EQ(e.Find("recotem_active_recipes")[0].value, 0);
}

TEST(ServeMetrics, PredictCountsAndLatencyHistogramPerRecipeAndStatus) {
  ServeMetrics metrics;
  auto news = metrics.ForRecipe("news");
  news->CountPredict(PredictStatus::kOk, 0.003);
  news->CountPredict(PredictStatus::kOk, 0.2);
  news->CountPredict(PredictStatus::kUserNotFound, 20.0);
  metrics.ForRecipe("news")->model_loaded.store(1);
  metrics.active_recipes.store(1);
  Exposition e = Exposition::Parse(metrics.Render());
  EXPECT_EQ(e.Find("recotem_predict_total", {{"recipe", "news"}, {"status", "ok"}})[0].value, 2);
  EXPECT_EQ(
      e.Find("recotem_predict_total", {{"recipe", "news"}, {"status", "user_not_found"}})[0].value,
      1);
  EXPECT_TRUE(e.Find("recotem_predict_total", {{"status", "error"}}).empty());
  auto buckets = e.Find("recotem_predict_latency_seconds_bucket", {{"recipe", "news"}});
  ASSERT_EQ(buckets.size(), kLatencyBuckets.size() + 1);
  for (size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_GE(buckets[i].value, buckets[i - 1].value) << "buckets must be cumulative";
  }
  EXPECT_EQ(buckets.front().labels.at("le"), "0.005");
  EXPECT_EQ(buckets.front().value, 1);
  EXPECT_EQ(e.Find("recotem_predict_latency_seconds_bucket", {{"le", "0.25"}})[0].value, 2);
  EXPECT_EQ(buckets.back().labels.at("le"), "+Inf");
  EXPECT_EQ(buckets.back().value, 3);
  EXPECT_EQ(e.Find("recotem_predict_latency_seconds_count")[0].value, 3);
  EXPECT_NEAR(e.Find("recotem_predict_latency_seconds_sum")[0].value, 20.203, 1e-9);
  EXPECT_EQ(e.Find("recotem_model_loaded", {{"recipe", "news"}})[0].value, 1);
}

TEST(ServeMetrics, WatcherAndV1SeriesCarryTheirLabels) {
  ServeMetrics metrics;
  auto m = metrics.ForRecipe("shop");
  m->CountLoadFailure(LoadFailureReason::kHmac);
  m->CountLoadFailure(LoadFailureReasonFrom("no-such-reason"));
  m->swap_error.fetch_add(2);
  m->swap_ok.fetch_add(1);
  m->CountV1(V1Verb::kRecommendRelated, V1Status::kNoCandidates, 0.01);
  m->v1_batch_size[0].Observe(3);
  m->v1_batch_element_errors[2][static_cast<size_t>(BatchErrorCode::kUnknownUser)].fetch_add(1);
  metrics.CountDirScanFailure("dir_iter_PermissionError");
  metrics.CountDirScanFailure("weird \"class\"\nname\\");
  metrics.watcher_unhandled_errors.fetch_add(4);
  Exposition e = Exposition::Parse(metrics.Render());
  EXPECT_EQ(e.Find("recotem_artifact_load_failures_total", {{"reason", "hmac"}})[0].value, 1);
  EXPECT_EQ(e.Find("recotem_artifact_load_failures_total", {{"reason", "unexpected"}})[0].value, 1);
  EXPECT_EQ(e.Find("recotem_swap_total", {{"result", "error"}})[0].value, 2);
  EXPECT_EQ(e.Find("recotem_swap_total", {{"result", "ok"}})[0].value, 1);
  EXPECT_EQ(e.Find("recotem_v1_requests_total",
                   {{"recipe", "shop"}, {"verb", "recommend-related"}, {"status", "no_candidates"}})
                .size(),
            1u);
  EXPECT_EQ(
      e.Find("recotem_v1_batch_size_bucket", {{"verb", "batch-recommend"}, {"le", "2"}})[0].value,
      0);
  EXPECT_EQ(
      e.Find("recotem_v1_batch_size_bucket", {{"verb", "batch-recommend"}, {"le", "4"}})[0].value,
      1);
  EXPECT_EQ(e.Find("recotem_v1_batch_element_errors_total", {{"code", "UNKNOWN_USER"}})[0].value,
            1);
  EXPECT_EQ(e.Find("recotem_recipes_dir_scan_failures_total",
                   {{"error_class", "dir_iter_PermissionError"}})[0]
                .value,
            1);
  EXPECT_EQ(e.Find("recotem_recipes_dir_scan_failures_total",
                   {{"error_class", R"(weird \"class\"\nname\\)"}})
                .size(),
            1u);
  EXPECT_EQ(e.Find("recotem_watcher_unhandled_errors_total")[0].value, 4);
}

TEST(ServeMetrics, ConcurrentRecordingLosesNoCounts) {
  ServeMetrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        metrics.ForRecipe(t % 2 ? "a" : "b")->CountPredict(PredictStatus::kOk, 0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  Exposition e = Exposition::Parse(metrics.Render());
  EXPECT_EQ(e.Find("recotem_predict_total", {{"recipe", "a"}})[0].value, 20000);
  EXPECT_EQ(e.Find("recotem_predict_total", {{"recipe", "b"}})[0].value, 20000);
  EXPECT_EQ(metrics.ForRecipe("a").get(), metrics.ForRecipe("a").get());
}

}  // namespace
}  // namespace recotem::serve
