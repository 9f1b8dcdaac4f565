// The /v1 recommendation verbs (serving.md §4.2–4.5). Discovery, health and
// metrics routes live in v1_api_recipes.cc.
#include "recotem/serve/v1_api.h"

#include <cmath>

#include "recotem/core/events.h"
#include "recotem/core/hashing.h"
#include "recotem/serve/exception_name.h"
#include "recotem/serve/json_response.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kUserHashHexChars = 8;

HttpResponse FlatError(int status, std::string_view detail, std::string_view code) {
  Json body = Json::object();
  body["detail"] = detail;
  body["code"] = code;
  return JsonResponse(status, body);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool IsRelated(V1Verb verb) {
  return verb == V1Verb::kRecommendRelated || verb == V1Verb::kBatchRecommendRelated;
}

HttpResponse OkResponse(const RegistryEntry& entry, const Json& body) {
  HttpResponse response = JsonResponse(200, body);
  response.headers.emplace_back(kModelVersionHeader, entry.model_version());
  return response;
}

Json Envelope(const std::string& request_id, const RegistryEntry& entry) {
  Json body = Json::object();
  body["request_id"] = request_id;
  body["recipe"] = entry.name;
  body["model_version"] = entry.model_version();
  return body;
}

// The single-call error for a non-ok outcome.
HttpResponse OutcomeError(V1Status status) {
  switch (status) {
    case V1Status::kUnknownUser:
      return FlatError(404, kUnknownUserDetail, kV1CodeUnknownUser);
    case V1Status::kUnknownSeedItems:
      return FlatError(404, kUnknownSeedItemsDetail, kV1CodeUnknownSeedItems);
    case V1Status::kNoCandidates:
      return FlatError(404, kNoCandidatesDetail, kV1CodeNoCandidates);
    default:
      return FlatError(500, kInternalErrorDetail, kV1CodeInternalError);
  }
}

BatchErrorCode BatchCodeOf(V1Status status) {
  switch (status) {
    case V1Status::kUnknownUser:
      return BatchErrorCode::kUnknownUser;
    case V1Status::kUnknownSeedItems:
      return BatchErrorCode::kUnknownSeedItems;
    case V1Status::kNoCandidates:
      return BatchErrorCode::kNoCandidates;
    case V1Status::kValidationError:
      return BatchErrorCode::kValidationError;
    default:
      return BatchErrorCode::kInternalError;
  }
}

std::string BatchMessageOf(V1Status status) {
  switch (status) {
    case V1Status::kUnknownUser:
      return kUnknownUserDetail;
    case V1Status::kUnknownSeedItems:
      return kUnknownSeedItemsDetail;
    case V1Status::kNoCandidates:
      return kNoCandidatesDetail;
    default:
      return kInternalErrorDetail;
  }
}

Json ElementError(size_t index, BatchErrorCode code, const std::string& message) {
  Json error = Json::object();
  error["code"] = BatchErrorCodeName(code);
  error["message"] = message;
  Json result = Json::object();
  result["index"] = index;
  result["status"] = "error";
  result["error"] = std::move(error);
  return result;
}

}  // namespace

Json V1Items(const RegistryEntry& entry, const std::vector<ScoredIndex<float>>& top,
             const std::vector<std::string>& exclude, bool with_metadata, size_t* degraded) {
  std::unordered_set<std::string_view> excluded(exclude.begin(), exclude.end());
  Json items = Json::array();
  for (const ScoredIndex<float>& s : top) {
    const std::string& id = entry.model->ItemId(s.index);
    if (excluded.contains(id)) {
      continue;
    }
    if (id.empty() || id.size() > kV1MaxIdChars || !std::isfinite(s.score)) {
      ++*degraded;
      continue;
    }
    Json item = Json::object();
    item["item_id"] = id;
    item["score"] = static_cast<double>(s.score);
    const Json* metadata = with_metadata && entry.metadata ? entry.metadata->Find(id) : nullptr;
    if (metadata != nullptr) {
      for (auto it = metadata->begin(); it != metadata->end(); ++it) {
        if (it.key() != "item_id" && it.key() != "score") {
          item[it.key()] = it.value();
        }
      }
    }
    items.push_back(std::move(item));
  }
  return items;
}

V1Api::V1Api(const ModelRegistry& registry, ServeMetrics& metrics, bool metrics_enabled)
    : registry_(registry),
      metrics_(metrics),
      metrics_enabled_(metrics_enabled),
      logger_("recotem.serving.v1") {}

std::shared_ptr<RecipeMetrics> V1Api::MetricsFor(const ModelRegistry::EntryPtr& entry) const {
  return metrics_.ForRecipe(entry ? std::string_view(entry->name) : kUnknownRecipeLabel);
}

std::optional<HttpResponse> V1Api::Resolve(const RouteContext& context, V1Verb verb,
                                           const std::string& name,
                                           ModelRegistry::EntryPtr* entry) const {
  *entry = registry_.Find(name);
  if (!*entry) {
    logger_.Warning(events::kRecipeNotFound, {{"name", name}, {"request_id", context.request_id}});
    MetricsFor(nullptr)->CountV1(verb, V1Status::kRecipeNotFound, 0.0);
    return FlatError(404, "Recipe '" + name + "' not found", kV1CodeRecipeNotFound);
  }
  if (!(*entry)->loaded || !(*entry)->model) {
    log::Fields fields = {{"name", name}, {"request_id", context.request_id}};
    fields["last_load_error"] =
        (*entry)->last_load_error ? log::Fields(*(*entry)->last_load_error) : log::Fields(nullptr);
    logger_.Warning(events::kRecipeNotLoaded, std::move(fields));
    MetricsFor(*entry)->CountV1(verb, V1Status::kUnavailable, 0.0);
    return FlatError(503, "Recipe '" + name + "' is registered but not loaded",
                     kV1CodeRecipeUnavailable);
  }
  return std::nullopt;
}

HttpResponse V1Api::ValidationFailed(const RouteContext& context, V1Verb verb,
                                     const V1Errors& errors) const {
  const std::string& name = context.params.at(0);
  MetricsFor(registry_.Find(name))->CountV1(verb, V1Status::kValidationError, 0.0);
  logger_.Warning(events::kValidationFailed, {{"path", context.path},
                                              {"method", context.request.method},
                                              {"request_id", context.request_id},
                                              {"error_count", errors.size()},
                                              {"matched_v1_verb", V1VerbName(verb)},
                                              {"errors", errors}});
  Json body = Json::object();
  body["request_id"] = context.request_id;
  body["detail"] = "Request validation failed";
  body["code"] = kV1CodeValidationError;
  body["errors"] = errors;
  return JsonResponse(422, body);
}

V1Api::Outcome V1Api::RunRecommend(const RegistryEntry& entry, const RecommendRequest& request,
                                   const std::string& request_id) const {
  const ServingModel& model = *entry.model;
  if (!model.HasUser(request.user_id)) {
    return {V1Status::kUnknownUser, {}};
  }
  auto top = model.RecommendForUser(request.user_id, static_cast<size_t>(request.limit));
  if (!top) {
    logger_.Error(events::kRecommenderUnexpectedKeyError,
                  {{"recipe", entry.name},
                   {"request_id", request_id},
                   {"user_id_hash", Sha256Hex(request.user_id).substr(0, kUserHashHexChars)}});
    return {V1Status::kError, {}};
  }
  return {V1Status::kOk, std::move(*top)};
}

V1Api::Outcome V1Api::RunRelated(const RegistryEntry& entry, const RelatedRequest& request) const {
  auto top = entry.model->RecommendRelated(request.seed_items, static_cast<size_t>(request.limit));
  if (!top) {
    return {V1Status::kUnknownSeedItems, {}};
  }
  if (top->empty()) {
    return {V1Status::kNoCandidates, {}};
  }
  return {V1Status::kOk, std::move(*top)};
}

HttpResponse V1Api::Single(const RouteContext& context, V1Verb verb) const {
  Clock::time_point start = Clock::now();
  const std::string& name = context.params.at(0);
  V1Errors errors = V1Errors::array();
  ValidatePathName(name, errors);
  std::optional<nlohmann::json> body = ParseV1Body(context.request.body, errors);
  std::optional<RecommendRequest> recommend;
  std::optional<RelatedRequest> related;
  if (body) {
    Json prefix = Json::array({"body"});
    if (IsRelated(verb)) {
      related = ValidateRelated(*body, prefix, errors);
    } else {
      recommend = ValidateRecommend(*body, prefix, errors);
    }
  }
  if (!errors.empty()) {
    return ValidationFailed(context, verb, errors);
  }
  ModelRegistry::EntryPtr entry;
  if (auto failure = Resolve(context, verb, name, &entry)) {
    return std::move(*failure);
  }
  std::shared_ptr<RecipeMetrics> metrics = MetricsFor(entry);
  Outcome outcome;
  try {
    outcome = related ? RunRelated(*entry, *related)
                      : RunRecommend(*entry, *recommend, context.request_id);
  } catch (const std::exception& e) {
    logger_.Error(events::kUnhandled500, {{"path", context.path},
                                          {"request_id", context.request_id},
                                          {"exc_type", ExceptionClassName(e)}});
    outcome.status = V1Status::kError;
  }
  if (outcome.status != V1Status::kOk) {
    metrics->CountV1(verb, outcome.status, SecondsSince(start));
    HttpResponse error = OutcomeError(outcome.status);
    if (outcome.status == V1Status::kError) {
      Json with_id = Json::object();
      with_id["detail"] = kInternalErrorDetail;
      with_id["code"] = kV1CodeInternalError;
      with_id["request_id"] = context.request_id;
      error = JsonResponse(500, with_id);
    }
    return error;
  }
  size_t degraded = 0;
  const std::vector<std::string>& exclude =
      related ? related->exclude_items : recommend->exclude_items;
  Json response = Envelope(context.request_id, *entry);
  response["items"] = V1Items(*entry, outcome.top, exclude, true, &degraded);
  HttpResponse ok = OkResponse(*entry, std::move(response));
  if (degraded > 0) {
    ok.headers.emplace_back(kItemsDegradedHeader, std::to_string(degraded));
  }
  metrics->CountV1(verb, V1Status::kOk, SecondsSince(start));
  return ok;
}

HttpResponse V1Api::Batch(const RouteContext& context, V1Verb verb) const {
  Clock::time_point start = Clock::now();
  const std::string& name = context.params.at(0);
  V1Errors errors = V1Errors::array();
  ValidatePathName(name, errors);
  std::optional<nlohmann::json> body = ParseV1Body(context.request.body, errors);
  std::optional<BatchRequest> batch;
  if (body) {
    batch = ValidateBatch(*body, errors);
  }
  if (!errors.empty()) {
    return ValidationFailed(context, verb, errors);
  }
  ModelRegistry::EntryPtr entry;
  if (auto failure = Resolve(context, verb, name, &entry)) {
    return std::move(*failure);
  }
  std::shared_ptr<RecipeMetrics> metrics = MetricsFor(entry);
  size_t verb_index = static_cast<size_t>(verb);
  metrics->v1_batch_size[verb == V1Verb::kBatchRecommend ? 0 : 1].Observe(
      static_cast<double>(batch->requests.size()));
  auto count_error = [&](BatchErrorCode code) {
    metrics->v1_batch_element_errors[verb_index][static_cast<size_t>(code)].fetch_add(1);
  };
  Json results = Json::array();
  int64_t limit_sum = 0;
  for (size_t i = 0; i < batch->requests.size(); ++i) {
    const nlohmann::json& element = batch->requests[i];
    if (!element.is_object()) {
      count_error(BatchErrorCode::kValidationError);
      results.push_back(ElementError(i, BatchErrorCode::kValidationError, kNotObjectMessage));
      continue;
    }
    V1Errors element_errors = V1Errors::array();
    std::optional<RecommendRequest> recommend;
    std::optional<RelatedRequest> related;
    if (IsRelated(verb)) {
      related = ValidateRelated(element, Json::array(), element_errors);
    } else {
      recommend = ValidateRecommend(element, Json::array(), element_errors);
    }
    if (!element_errors.empty()) {
      logger_.Warning(events::kBatchElementValidationFailed,
                      {{"recipe", name}, {"request_id", context.request_id}, {"index", i}});
      count_error(BatchErrorCode::kValidationError);
      results.push_back(
          ElementError(i, BatchErrorCode::kValidationError, FirstErrorMessage(element_errors)));
      continue;
    }
    int64_t limit = related ? related->limit : recommend->limit;
    if (limit_sum + limit > kV1BatchAggregateLimitCap) {
      count_error(BatchErrorCode::kValidationError);
      results.push_back(ElementError(i, BatchErrorCode::kValidationError, kAggregateCapMessage));
      continue;
    }
    limit_sum += limit;
    Outcome outcome;
    try {
      outcome = related ? RunRelated(*entry, *related)
                        : RunRecommend(*entry, *recommend, context.request_id);
    } catch (const std::exception& e) {
      logger_.Error(events::kBatchElementError, {{"recipe", name},
                                                 {"request_id", context.request_id},
                                                 {"index", i},
                                                 {"exc_type", ExceptionClassName(e)}});
      outcome.status = V1Status::kError;
    }
    if (outcome.status != V1Status::kOk) {
      count_error(BatchCodeOf(outcome.status));
      results.push_back(
          ElementError(i, BatchCodeOf(outcome.status), BatchMessageOf(outcome.status)));
      continue;
    }
    size_t degraded = 0;
    Json ok = Json::object();
    ok["index"] = i;
    ok["status"] = "ok";
    ok["items"] =
        V1Items(*entry, outcome.top, related ? related->exclude_items : recommend->exclude_items,
                batch->include_metadata, &degraded);
    results.push_back(std::move(ok));
  }
  Json response = Envelope(context.request_id, *entry);
  response["results"] = std::move(results);
  metrics->CountV1(verb, V1Status::kOk, SecondsSince(start));
  return OkResponse(*entry, std::move(response));
}

HttpResponse V1Api::Recommend(const RouteContext& context) const {
  return Single(context, V1Verb::kRecommend);
}

HttpResponse V1Api::RecommendRelated(const RouteContext& context) const {
  return Single(context, V1Verb::kRecommendRelated);
}

HttpResponse V1Api::BatchRecommend(const RouteContext& context) const {
  return Batch(context, V1Verb::kBatchRecommend);
}

HttpResponse V1Api::BatchRecommendRelated(const RouteContext& context) const {
  return Batch(context, V1Verb::kBatchRecommendRelated);
}

}  // namespace recotem::serve
