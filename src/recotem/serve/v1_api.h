// The newest `/v1` HTTP API (serving.md §4), mounted next to the seed API on
// the same server: the four recommendation verbs, recipe discovery, health
// and metrics, with flat error bodies, UPPER_SNAKE codes, the 422
// VALIDATION_ERROR envelope and X-Recotem-Model-Version on 200s. The
// router resolves X-Request-ID for every /v1 path (RouteContext::request_id).
//
// Handlers take one registry snapshot per request (the entry they resolve
// keeps its model alive across swaps) and never block on I/O. Request
// metrics go to per-recipe atomic handles; names not in the registry are
// counted under the `_unknown` label.
//
// Thread-safety: handlers may run concurrently.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/core/log.h"
#include "recotem/serve/model_registry.h"
#include "recotem/serve/router.h"
#include "recotem/serve/serve_metrics.h"
#include "recotem/serve/v1_request.h"

namespace recotem::serve {

inline constexpr const char* kModelVersionHeader = "X-Recotem-Model-Version";
inline constexpr const char* kItemsDegradedHeader = "X-Recotem-Items-Degraded";
inline constexpr const char* kV1CodeRecipeNotFound = "RECIPE_NOT_FOUND";
inline constexpr const char* kV1CodeRecipeUnavailable = "RECIPE_UNAVAILABLE";
inline constexpr const char* kV1CodeUnknownUser = "UNKNOWN_USER";
inline constexpr const char* kV1CodeUnknownSeedItems = "UNKNOWN_SEED_ITEMS";
inline constexpr const char* kV1CodeNoCandidates = "NO_CANDIDATES";
inline constexpr const char* kV1CodeValidationError = "VALIDATION_ERROR";
inline constexpr const char* kV1CodeInternalError = "INTERNAL_ERROR";
inline constexpr const char* kUnknownUserDetail = "user not seen during training";
inline constexpr const char* kUnknownSeedItemsDetail = "no known seed_items";
inline constexpr const char* kNoCandidatesDetail = "no candidates produced by ranker";
inline constexpr const char* kAggregateCapMessage = "aggregate limit cap exceeded: 5000";
inline constexpr const char* kNotObjectMessage = "request must be an object";

class V1Api {
 public:
  // `registry` and `metrics` must outlive the API and the router.
  // `metrics_enabled` adds GET /v1/metrics.
  V1Api(const ModelRegistry& registry, ServeMetrics& metrics, bool metrics_enabled);

  void AddRoutes(Router& router) const;

  HttpResponse Recommend(const RouteContext& context) const;
  // :recommend for the requests that arrived together: each answered exactly
  // as alone, the known users of one model scored in one pass.
  std::vector<HttpResponse> RecommendBatch(std::span<const RouteContext> contexts) const;
  HttpResponse RecommendRelated(const RouteContext& context) const;
  HttpResponse BatchRecommend(const RouteContext& context) const;
  HttpResponse BatchRecommendRelated(const RouteContext& context) const;
  HttpResponse ListRecipes(const RouteContext& context) const;
  HttpResponse GetRecipe(const RouteContext& context) const;
  HttpResponse Health(const RouteContext& context) const;
  HttpResponse HealthDetails(const RouteContext& context) const;
  HttpResponse Metrics(const RouteContext& context) const;

 private:
  // The outcome of one recommendation (single call or batch element).
  struct Outcome {
    V1Status status = V1Status::kOk;
    std::vector<ScoredIndex<float>> top;
  };
  using Clock = std::chrono::steady_clock;

  // Resolves the entry or returns the 404/503 response (and counts it).
  std::optional<HttpResponse> Resolve(const RouteContext& context, V1Verb verb,
                                      const std::string& name,
                                      ModelRegistry::EntryPtr* entry) const;
  HttpResponse ValidationFailed(const RouteContext& context, V1Verb verb,
                                const V1Errors& errors) const;
  // The outcomes of several recommendations on one model, its known users
  // scored in one ServingModel::RecommendForUsers pass.
  std::vector<Outcome> RunRecommends(const RegistryEntry& entry,
                                     std::span<const RecommendRequest* const> requests,
                                     std::span<const std::string* const> request_ids) const;
  Outcome RunRelated(const RegistryEntry& entry, const RelatedRequest& request) const;
  // A :recommend / :recommend-related request that passed validation and
  // resolved to a loaded entry.
  struct Prepared {
    ModelRegistry::EntryPtr entry;
    std::optional<RecommendRequest> recommend;
    std::optional<RelatedRequest> related;
  };
  // Validates and resolves; the 422/404/503 response when that fails.
  std::optional<HttpResponse> Prepare(const RouteContext& context, V1Verb verb,
                                      Prepared* prepared) const;
  HttpResponse Finish(const RouteContext& context, V1Verb verb, const Prepared& prepared,
                      const Outcome& outcome, Clock::time_point start) const;
  std::vector<HttpResponse> SingleBatch(std::span<const RouteContext> contexts, V1Verb verb) const;
  HttpResponse Batch(const RouteContext& context, V1Verb verb) const;
  std::shared_ptr<RecipeMetrics> MetricsFor(const ModelRegistry::EntryPtr& entry) const;

  const ModelRegistry& registry_;
  ServeMetrics& metrics_;
  bool metrics_enabled_;
  log::Logger logger_;
};

// The /v1 items of `top`: exclusions dropped, then {item_id, score,
// metadata...}; items with an empty or over-long id or a non-finite score
// are dropped and counted in `degraded`.
nlohmann::ordered_json V1Items(const RegistryEntry& entry,
                               const std::vector<ScoredIndex<float>>& top,
                               const std::vector<std::string>& exclude, bool with_metadata,
                               size_t* degraded);
// RecipeSummary (§4.6) and the detail object (§4.7) of a loaded entry.
nlohmann::ordered_json RecipeSummary(const RegistryEntry& entry);
nlohmann::ordered_json RecipeDetail(const RegistryEntry& entry);
// The Prometheus exposition response (/metrics and /v1/metrics).
HttpResponse MetricsResponse(const ServeMetrics& metrics);
// "2026-05-23T01:33:20.123456Z"; the fraction only when non-zero.
std::string FormatLoadedAt(double unix_seconds);

}  // namespace recotem::serve
