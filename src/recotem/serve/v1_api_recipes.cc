// /v1 recipe discovery, health and metrics (serving.md §4.6–4.10), and the
// route table of the /v1 API.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <regex>

#include "recotem/core/events.h"
#include "recotem/serve/json_response.h"
#include "recotem/serve/seed_api.h"
#include "recotem/serve/v1_api.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kKindUserItem = "user-item";
constexpr std::array<const char*, 4> kSupportedVerbs = {
    "recommend", "recommend-related", "batch-recommend", "batch-recommend-related"};
constexpr std::array<const char*, 4> kMetrics = {"ndcg", "map", "recall", "hit"};

Json HeaderValue(const Json& header, const char* key) {
  if (!header.is_object()) {
    return nullptr;
  }
  auto it = header.find(key);
  return it == header.end() ? Json(nullptr) : *it;
}

bool IsHex64(const std::string& s) {
  if (s.size() != 64) {
    return false;
  }
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// "sha256:<hex>" from a bare or prefixed 64-hex digest; null otherwise.
Json NormalisedDigest(const Json& value) {
  if (!value.is_string()) {
    return nullptr;
  }
  std::string s = value.get<std::string>();
  if (s.starts_with("sha256:")) {
    s = s.substr(7);
  }
  return IsHex64(s) ? Json("sha256:" + s) : Json(nullptr);
}

// A version string that starts with "<digits>.<digits>"; null otherwise.
Json VersionOrNull(const Json& value) {
  static const std::regex kVersionPrefix(R"(^\d+\.\d+)");
  if (!value.is_string()) {
    return nullptr;
  }
  const std::string& s = value.get_ref<const std::string&>();
  return std::regex_search(s, kVersionPrefix) ? value : Json(nullptr);
}

Json Algorithms(const Json& header) {
  Json algorithms = HeaderValue(header, "algorithms");
  if (algorithms.is_array()) {
    return algorithms;
  }
  Json tuning = HeaderValue(header, "tuning");
  if (tuning.is_object() && tuning.contains("tried_algorithms") &&
      tuning["tried_algorithms"].is_array()) {
    return tuning["tried_algorithms"];
  }
  return Json::array();
}

HttpResponse FlatError(int status, std::string_view detail, std::string_view code) {
  Json body = Json::object();
  body["detail"] = detail;
  body["code"] = code;
  return JsonResponse(status, body);
}

}  // namespace

std::string FormatLoadedAt(double unix_seconds) {
  double whole = std::floor(unix_seconds);
  auto micros = static_cast<int64_t>(std::llround((unix_seconds - whole) * 1e6));
  auto seconds = static_cast<std::time_t>(whole);
  if (micros >= 1000000) {
    micros -= 1000000;
    ++seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (micros != 0) {
    char frac[32];
    std::snprintf(frac, sizeof(frac), ".%06lld", static_cast<long long>(micros));
    out += frac;
  }
  return out + "Z";
}

Json RecipeSummary(const RegistryEntry& entry) {
  Json summary = Json::object();
  summary["name"] = entry.name;
  summary["model_version"] =
      entry.marker && !entry.marker->sha256_hex.empty() ? Json(entry.model_version()) : Json();
  summary["loaded_at"] = FormatLoadedAt(entry.loaded_at_unix);
  summary["supported_verbs"] = kSupportedVerbs;
  summary["kind"] = kKindUserItem;
  return summary;
}

Json RecipeDetail(const RegistryEntry& entry) {
  const Json& header = entry.header;
  Json detail = RecipeSummary(entry);
  detail["config_digest"] = NormalisedDigest(HeaderValue(header, "config_digest"));
  detail["algorithms"] = Algorithms(header);
  Json best_class = HeaderValue(header, "best_class");
  detail["best_algorithm"] = best_class.is_string() ? best_class : Json("");
  detail["trained_at"] = HeaderValue(header, "trained_at");
  detail["best_class"] = best_class;
  detail["best_params"] = HeaderValue(header, "best_params");
  Json best_score = HeaderValue(header, "best_score");
  detail["best_score"] =
      best_score.is_number() && std::isfinite(best_score.get<double>()) ? best_score : Json();
  Json metric = HeaderValue(header, "metric");
  bool known_metric = metric.is_string() && std::find(kMetrics.begin(), kMetrics.end(),
                                                      metric.get<std::string>()) != kMetrics.end();
  detail["metric"] = known_metric ? metric : Json();
  detail["cutoff"] = HeaderValue(header, "cutoff");
  detail["tuning"] = HeaderValue(header, "tuning");
  detail["data_stats"] = HeaderValue(header, "data_stats");
  detail["recotem_version"] = VersionOrNull(HeaderValue(header, "recotem_version"));
  detail["irspack_version"] = VersionOrNull(HeaderValue(header, "irspack_version"));
  Json recipe_hash = HeaderValue(header, "recipe_hash");
  detail["recipe_hash"] =
      recipe_hash.is_string() && IsHex64(recipe_hash.get<std::string>()) ? recipe_hash : Json();
  return detail;
}

void V1Api::AddRoutes(Router& router) const {
  auto add = [&](const char* method, const char* pattern, bool auth,
                 HttpResponse (V1Api::*handler)(const RouteContext&) const) {
    router.Add({method, pattern, auth, ErrorStyle::kV1,
                [this, handler](const RouteContext& c) { return (this->*handler)(c); }});
  };
  router.Add({"POST", "/v1/recipes/{name}:recommend", true, ErrorStyle::kV1,
              [this](const RouteContext& c) { return Recommend(c); },
              [this](std::span<const RouteContext> c) { return RecommendBatch(c); }});
  add("POST", "/v1/recipes/{name}:recommend-related", true, &V1Api::RecommendRelated);
  add("POST", "/v1/recipes/{name}:batch-recommend", true, &V1Api::BatchRecommend);
  add("POST", "/v1/recipes/{name}:batch-recommend-related", true, &V1Api::BatchRecommendRelated);
  add("GET", "/v1/recipes", true, &V1Api::ListRecipes);
  add("GET", "/v1/recipes/{name}", true, &V1Api::GetRecipe);
  add("GET", "/v1/health", false, &V1Api::Health);
  add("GET", "/v1/health/details", true, &V1Api::HealthDetails);
  if (metrics_enabled_) {
    add("GET", "/v1/metrics", true, &V1Api::Metrics);
  }
}

HttpResponse V1Api::ListRecipes(const RouteContext&) const {
  Json recipes = Json::array();
  for (const ModelRegistry::EntryPtr& entry : registry_.Snapshot()) {
    if (entry->loaded && entry->model) {
      recipes.push_back(RecipeSummary(*entry));
    }
  }
  Json body = Json::object();
  body["recipes"] = std::move(recipes);
  return JsonResponse(200, body);
}

HttpResponse V1Api::GetRecipe(const RouteContext& context) const {
  const std::string& name = context.params.at(0);
  V1Errors errors = V1Errors::array();
  ValidatePathName(name, errors);
  if (!errors.empty()) {
    metrics_.v1_validation_errors_outside_verb.fetch_add(1);
    logger_.Warning(events::kValidationFailed, {{"path", context.path},
                                                {"method", context.request.method},
                                                {"request_id", context.request_id},
                                                {"error_count", errors.size()},
                                                {"matched_v1_verb", nullptr},
                                                {"errors", errors}});
    Json body = Json::object();
    body["request_id"] = context.request_id;
    body["detail"] = "Request validation failed";
    body["code"] = kV1CodeValidationError;
    body["errors"] = errors;
    return JsonResponse(422, body);
  }
  ModelRegistry::EntryPtr entry = registry_.Find(name);
  if (!entry) {
    return FlatError(404, "Recipe '" + name + "' not found", kV1CodeRecipeNotFound);
  }
  if (!entry->loaded || !entry->model) {
    return FlatError(503, "Recipe '" + name + "' is registered but not loaded",
                     kV1CodeRecipeUnavailable);
  }
  return JsonResponse(200, RecipeDetail(*entry));
}

HttpResponse V1Api::Health(const RouteContext&) const {
  std::vector<ModelRegistry::EntryPtr> entries = registry_.Snapshot();
  size_t loaded = 0;
  for (const auto& e : entries) {
    loaded += e->loaded && e->model ? 1 : 0;
  }
  bool ok = entries.empty() || loaded == entries.size();
  Json body = Json::object();
  body["status"] = ok ? "ok" : "degraded";
  body["total"] = entries.size();
  body["loaded"] = loaded;
  return JsonResponse(ok ? 200 : 503, body);
}

HttpResponse V1Api::HealthDetails(const RouteContext&) const {
  std::vector<ModelRegistry::EntryPtr> entries = registry_.Snapshot();
  return JsonResponse(AllHealthy(entries) ? 200 : 503, HealthDetailsBody(entries));
}

HttpResponse V1Api::Metrics(const RouteContext&) const { return MetricsResponse(metrics_); }

HttpResponse MetricsResponse(const ServeMetrics& metrics) {
  HttpResponse response;
  response.content_type = kMetricsContentType;
  response.body = metrics.Render();
  return response;
}

}  // namespace recotem::serve
