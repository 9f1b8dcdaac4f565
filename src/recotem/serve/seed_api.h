// The seeds-era HTTP API (serving.md §3): POST /predict/{name},
// GET /health, GET /health/details and GET /models, with their exact JSON
// shapes and nested error bodies. Handlers only read the registry (one
// snapshot per request) and score in memory: they never block on I/O.
//
// The body builders are free functions so the shapes are unit-tested
// without a server.
#pragma once

#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/core/log.h"
#include "recotem/serve/model_registry.h"
#include "recotem/serve/predict_request.h"
#include "recotem/serve/router.h"
#include "recotem/serve/serve_metrics.h"

namespace recotem::serve {

class SeedApi {
 public:
  // `registry` (and `metrics`, when given) must outlive the API object and
  // the router it is added to. `metrics` receives recotem_predict_*.
  explicit SeedApi(const ModelRegistry& registry, ServeMetrics* metrics = nullptr);

  // Adds the four routes (auth on all but /health); they capture `this`.
  void AddRoutes(Router& router) const;

  HttpResponse Predict(const RouteContext& context) const;
  // POST /predict/{name} for the requests that arrived together: each is
  // validated and answered exactly as alone, but the known users of one
  // model are scored in one ServingModel::RecommendForUsers pass.
  std::vector<HttpResponse> PredictBatch(std::span<const RouteContext> contexts) const;
  HttpResponse Health(const RouteContext& context) const;
  HttpResponse HealthDetails(const RouteContext& context) const;
  HttpResponse Models(const RouteContext& context) const;

 private:
  HttpResponse Unavailable(std::string_view name, std::string_view reason,
                           const RegistryEntry* entry, const std::string& request_id) const;
  // The response of one scored request (`top` is nullopt for an unknown user).
  static HttpResponse Scored(const RegistryEntry& entry, const PredictRequest& request,
                             const std::optional<std::vector<ScoredIndex<float>>>& top,
                             const std::string& request_id, PredictStatus* status);
  // The 500 (and its logged event) for a request whose scoring threw.
  HttpResponse ScoringFailed(const RegistryEntry& entry, const std::string& request_id,
                             const std::exception& e) const;

  const ModelRegistry& registry_;
  ServeMetrics* metrics_;
  log::Logger logger_;
};

// /health: {status, total, loaded}; `loaded` counts entries that are loaded,
// have a model and no last_load_error; status is "ok" iff all are.
nlohmann::ordered_json HealthBody(const std::vector<ModelRegistry::EntryPtr>& entries);
// /health/details: {status, recipes: {name: {loaded, trained_at?, best_class?, kid?, error?}}}.
nlohmann::ordered_json HealthDetailsBody(const std::vector<ModelRegistry::EntryPtr>& entries);
// True when every entry is healthy (an empty registry is healthy).
bool AllHealthy(const std::vector<ModelRegistry::EntryPtr>& entries);
// /models: the header object of every loaded entry plus "kid" and "name".
nlohmann::ordered_json ModelsBody(const std::vector<ModelRegistry::EntryPtr>& entries);
// One recommended item: the metadata fields (if any, in their order, minus
// any `item_id`/`score` columns), then item_id, then score.
// The metadata join uses the entry's own index (serving.md §6.2). Appended
// to `out` as compact JSON text.
void AppendItemJson(std::string& out, const nlohmann::ordered_json* metadata,
                    std::string_view item_id, float score);
// The 200 body of /predict as JSON text (the hot path writes it without a
// JSON tree): {items, model: {recipe, trained_at, best_class, kid}, request_id}.
std::string PredictBody(const RegistryEntry& entry, const std::vector<ScoredIndex<float>>& top,
                        std::string_view request_id);

}  // namespace recotem::serve
