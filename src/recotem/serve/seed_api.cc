#include "recotem/serve/seed_api.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <utility>

#include "recotem/core/events.h"
#include "recotem/serve/exception_name.h"
#include "recotem/serve/json_response.h"
#include "recotem/serve/predict_request.h"
#include "recotem/serve/request_id.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kStatusOk = "ok";
constexpr const char* kStatusDegraded = "degraded";

// A non-empty string header field, or nullopt.
std::optional<std::string> NonEmptyHeaderString(const Json& header, const char* key) {
  if (!header.is_object()) {
    return std::nullopt;
  }
  auto it = header.find(key);
  if (it == header.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

Json HeaderStringOrNull(const Json& header, const char* key) {
  if (!header.is_object()) {
    return nullptr;
  }
  auto it = header.find(key);
  if (it == header.end() || !it->is_string()) {
    return nullptr;
  }
  return *it;
}

HttpResponse WithRequestId(HttpResponse response, const std::string& request_id) {
  response.headers.emplace_back(kRequestIdResponseHeader, request_id);
  return response;
}

}  // namespace

bool AllHealthy(const std::vector<ModelRegistry::EntryPtr>& entries) {
  for (const auto& e : entries) {
    if (!e->healthy()) {
      return false;
    }
  }
  return true;
}

Json HealthBody(const std::vector<ModelRegistry::EntryPtr>& entries) {
  size_t loaded = 0;
  for (const auto& e : entries) {
    loaded += e->healthy() ? 1 : 0;
  }
  Json body = Json::object();
  body["status"] = loaded == entries.size() ? kStatusOk : kStatusDegraded;
  body["total"] = entries.size();
  body["loaded"] = loaded;
  return body;
}

Json HealthDetailsBody(const std::vector<ModelRegistry::EntryPtr>& entries) {
  Json recipes = Json::object();
  for (const auto& e : entries) {
    Json health = Json::object();
    health["loaded"] = e->loaded;
    if (auto v = NonEmptyHeaderString(e->header, "trained_at")) {
      health["trained_at"] = *v;
    }
    if (auto v = NonEmptyHeaderString(e->header, "best_class")) {
      health["best_class"] = *v;
    }
    if (!e->kid.empty()) {
      health["kid"] = e->kid;
    }
    if (e->last_load_error) {
      health["error"] = *e->last_load_error;
    }
    recipes[e->name] = std::move(health);
  }
  Json body = Json::object();
  body["status"] = AllHealthy(entries) ? kStatusOk : kStatusDegraded;
  body["recipes"] = std::move(recipes);
  return body;
}

Json ModelsBody(const std::vector<ModelRegistry::EntryPtr>& entries) {
  Json models = Json::array();
  for (const auto& e : entries) {
    if (!e->loaded || !e->model) {
      continue;
    }
    Json item = e->header.is_object() ? e->header : Json::object();
    item["kid"] = e->kid;
    item["name"] = e->name;
    models.push_back(std::move(item));
  }
  return models;
}

void AppendItemJson(std::string& out, const Json* metadata, std::string_view item_id, float score) {
  out += '{';
  if (metadata != nullptr && metadata->is_object()) {
    for (auto it = metadata->begin(); it != metadata->end(); ++it) {
      // The trusted values are written last and can never be shadowed.
      if (it.key() == "item_id" || it.key() == "score") {
        continue;
      }
      AppendJsonString(out, it.key());
      out += ':';
      AppendJson(out, it.value());
      out += ',';
    }
  }
  out += R"("item_id":)";
  AppendJsonString(out, item_id);
  out += R"(,"score":)";
  AppendJsonDouble(out, static_cast<double>(score));
  out += '}';
}

std::string PredictBody(const RegistryEntry& entry, const std::vector<ScoredIndex<float>>& top,
                        std::string_view request_id) {
  constexpr size_t kBytesPerItem = 48;
  std::string out;
  out.reserve(kBytesPerItem * (top.size() + 4));
  out += R"({"items":[)";
  for (size_t i = 0; i < top.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    const std::string& id = entry.model->ItemId(top[i].index);
    AppendItemJson(out, entry.metadata ? entry.metadata->Find(id) : nullptr, id, top[i].score);
  }
  out += R"(],"model":{"recipe":)";
  AppendJsonString(out, entry.name);
  out += R"(,"trained_at":)";
  AppendJson(out, HeaderStringOrNull(entry.header, "trained_at"));
  out += R"(,"best_class":)";
  AppendJson(out, HeaderStringOrNull(entry.header, "best_class"));
  out += R"(,"kid":)";
  AppendJsonString(out, entry.kid);
  out += R"(},"request_id":)";
  AppendJsonString(out, request_id);
  out += '}';
  return out;
}

SeedApi::SeedApi(const ModelRegistry& registry, ServeMetrics* metrics)
    : registry_(registry), metrics_(metrics), logger_("recotem.serving.app") {}

void SeedApi::AddRoutes(Router& router) const {
  router.Add({"POST", "/predict/{name}", true, ErrorStyle::kSeed,
              [this](const RouteContext& c) { return Predict(c); },
              [this](std::span<const RouteContext> c) { return PredictBatch(c); }});
  router.Add({"GET", "/health", false, ErrorStyle::kSeed,
              [this](const RouteContext& c) { return Health(c); }});
  router.Add({"GET", "/health/details", true, ErrorStyle::kSeed,
              [this](const RouteContext& c) { return HealthDetails(c); }});
  router.Add({"GET", "/models", true, ErrorStyle::kSeed,
              [this](const RouteContext& c) { return Models(c); }});
}

HttpResponse SeedApi::Predict(const RouteContext& context) const {
  return std::move(PredictBatch(std::span<const RouteContext>(&context, 1)).front());
}

std::vector<HttpResponse> SeedApi::PredictBatch(std::span<const RouteContext> contexts) const {
  auto start = std::chrono::steady_clock::now();
  std::vector<HttpResponse> responses(contexts.size());
  auto count = [&](std::string_view recipe_label, PredictStatus status) {
    if (metrics_ != nullptr) {
      std::chrono::duration<double> latency = std::chrono::steady_clock::now() - start;
      metrics_->ForRecipe(recipe_label)->CountPredict(status, latency.count());
    }
  };
  // The valid requests for loaded models, grouped by registry entry.
  struct Job {
    size_t index;
    PredictRequest request;
    std::string request_id;
  };
  std::vector<std::pair<ModelRegistry::EntryPtr, std::vector<Job>>> groups;
  for (size_t i = 0; i < contexts.size(); ++i) {
    const RouteContext& context = contexts[i];
    const std::string& name = context.params.at(0);
    PredictValidation validation = ValidatePredictRequest(name, context.request.body);
    if (!validation.request) {
      Json body = Json::object();
      body["detail"] = std::move(validation.errors);
      responses[i] = JsonResponse(422, body);
      continue;
    }
    std::string request_id =
        ResolveRequestId(context.request.FindHeader(kRequestIdHeader), kSeedRequestIdRules);
    ModelRegistry::EntryPtr entry = registry_.Find(name);
    if (!entry || !entry->loaded || !entry->model) {
      const char* reason = !entry ? "no_entry" : !entry->loaded ? "not_loaded" : "recommender_none";
      responses[i] = Unavailable(name, reason, entry.get(), request_id);
      count(entry ? std::string_view(name) : kUnknownRecipeLabel, PredictStatus::kUnavailable);
      continue;
    }
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& g) { return g.first.get() == entry.get(); });
    if (group == groups.end()) {
      groups.emplace_back(entry, std::vector<Job>{});
      group = std::prev(groups.end());
    }
    group->second.push_back({i, std::move(*validation.request), std::move(request_id)});
  }
  for (auto& [entry, jobs] : groups) {
    std::vector<ServingModel::UserQuery> queries;
    queries.reserve(jobs.size());
    for (const Job& job : jobs) {
      queries.push_back({job.request.user_id, static_cast<size_t>(job.request.cutoff)});
    }
    std::vector<std::optional<std::vector<ScoredIndex<float>>>> tops;
    try {
      tops = entry->model->RecommendForUsers(queries);
    } catch (const std::exception& e) {
      for (const Job& job : jobs) {
        responses[job.index] = ScoringFailed(*entry, job.request_id, e);
        count(entry->name, PredictStatus::kError);
      }
      continue;
    }
    for (size_t j = 0; j < jobs.size(); ++j) {
      PredictStatus status = PredictStatus::kOk;
      responses[jobs[j].index] =
          Scored(*entry, jobs[j].request, tops[j], jobs[j].request_id, &status);
      count(entry->name, status);
    }
  }
  return responses;
}

HttpResponse SeedApi::Scored(const RegistryEntry& entry, const PredictRequest& request,
                             const std::optional<std::vector<ScoredIndex<float>>>& top,
                             const std::string& request_id, PredictStatus* status) {
  if (!top) {
    *status = PredictStatus::kUserNotFound;
    return WithRequestId(
        NestedErrorResponse(404, "User '" + request.user_id + "' was not seen during training",
                            kCodeUserNotFound),
        request_id);
  }
  *status = PredictStatus::kOk;
  HttpResponse response;
  response.status = 200;
  response.body = PredictBody(entry, *top, request_id);
  return WithRequestId(std::move(response), request_id);
}

HttpResponse SeedApi::ScoringFailed(const RegistryEntry& entry, const std::string& request_id,
                                    const std::exception& e) const {
  // The context is bound only on this rare path: building it per request
  // would cost every prediction an allocation.
  log::Logger logger =
      logger_.Bind({{"request_id", request_id}, {"recipe", entry.name}, {"kid", entry.kid}});
  logger.Error(events::kPredictHandlerUnexpectedError, {{"name", entry.name},
                                                        {"request_id", request_id},
                                                        {"kid", entry.kid},
                                                        {"error_class", ExceptionClassName(e)}});
  return WithRequestId(InternalErrorResponse(), request_id);
}

HttpResponse SeedApi::Unavailable(std::string_view name, std::string_view reason,
                                  const RegistryEntry* entry, const std::string& request_id) const {
  Json fields = {{"name", name}, {"reason", reason}, {"request_id", request_id}};
  if (entry != nullptr) {
    fields["last_load_error"] =
        entry->last_load_error ? Json(*entry->last_load_error) : Json(nullptr);
  }
  logger_.Warning(events::kRecipeUnavailable, std::move(fields));
  return WithRequestId(
      NestedErrorResponse(503, "Recipe '" + std::string(name) + "' is not loaded or unhealthy",
                          kCodeRecipeUnavailable),
      request_id);
}

HttpResponse SeedApi::Health(const RouteContext&) const {
  auto entries = registry_.Snapshot();
  return JsonResponse(AllHealthy(entries) ? 200 : 503, HealthBody(entries));
}

HttpResponse SeedApi::HealthDetails(const RouteContext&) const {
  auto entries = registry_.Snapshot();
  return JsonResponse(AllHealthy(entries) ? 200 : 503, HealthDetailsBody(entries));
}

HttpResponse SeedApi::Models(const RouteContext&) const {
  return JsonResponse(200, ModelsBody(registry_.Snapshot()));
}

}  // namespace recotem::serve
