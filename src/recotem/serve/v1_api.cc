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

std::vector<V1Api::Outcome> V1Api::RunRecommends(
    const RegistryEntry& entry, std::span<const RecommendRequest* const> requests,
    std::span<const std::string* const> request_ids) const {
  const ServingModel& model = *entry.model;
  std::vector<Outcome> outcomes(requests.size());
  std::vector<size_t> known;
  std::vector<ServingModel::UserQuery> queries;
  for (size_t r = 0; r < requests.size(); ++r) {
    if (!model.HasUser(requests[r]->user_id)) {
      outcomes[r].status = V1Status::kUnknownUser;
      continue;
    }
    known.push_back(r);
    queries.push_back({requests[r]->user_id, static_cast<size_t>(requests[r]->limit)});
  }
  auto tops = model.RecommendForUsers(queries);
  for (size_t q = 0; q < known.size(); ++q) {
    const size_t r = known[q];
    if (!tops[q]) {
      logger_.Error(
          events::kRecommenderUnexpectedKeyError,
          {{"recipe", entry.name},
           {"request_id", *request_ids[r]},
           {"user_id_hash", Sha256Hex(requests[r]->user_id).substr(0, kUserHashHexChars)}});
      outcomes[r].status = V1Status::kError;
      continue;
    }
    outcomes[r].top = std::move(*tops[q]);
  }
  return outcomes;
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

std::optional<HttpResponse> V1Api::Prepare(const RouteContext& context, V1Verb verb,
                                           Prepared* prepared) const {
  const std::string& name = context.params.at(0);
  V1Errors errors = V1Errors::array();
  ValidatePathName(name, errors);
  std::optional<nlohmann::json> body = ParseV1Body(context.request.body, errors);
  if (body) {
    Json prefix = Json::array({"body"});
    if (IsRelated(verb)) {
      prepared->related = ValidateRelated(*body, prefix, errors);
    } else {
      prepared->recommend = ValidateRecommend(*body, prefix, errors);
    }
  }
  if (!errors.empty()) {
    return ValidationFailed(context, verb, errors);
  }
  return Resolve(context, verb, name, &prepared->entry);
}

HttpResponse V1Api::Finish(const RouteContext& context, V1Verb verb, const Prepared& prepared,
                           const Outcome& outcome, Clock::time_point start) const {
  std::shared_ptr<RecipeMetrics> metrics = MetricsFor(prepared.entry);
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
      prepared.related ? prepared.related->exclude_items : prepared.recommend->exclude_items;
  const RegistryEntry& entry = *prepared.entry;
  Json response = Envelope(context.request_id, entry);
  response["items"] = V1Items(entry, outcome.top, exclude, true, &degraded);
  HttpResponse ok = OkResponse(entry, response);
  if (degraded > 0) {
    ok.headers.emplace_back(kItemsDegradedHeader, std::to_string(degraded));
  }
  metrics->CountV1(verb, V1Status::kOk, SecondsSince(start));
  return ok;
}

std::vector<HttpResponse> V1Api::SingleBatch(std::span<const RouteContext> contexts,
                                             V1Verb verb) const {
  Clock::time_point start = Clock::now();
  std::vector<HttpResponse> responses(contexts.size());
  std::vector<Prepared> prepared(contexts.size());
  std::vector<size_t> ready;  // requests that reached a loaded model
  for (size_t i = 0; i < contexts.size(); ++i) {
    if (auto failure = Prepare(contexts[i], verb, &prepared[i])) {
      responses[i] = std::move(*failure);
    } else {
      ready.push_back(i);
    }
  }
  auto unhandled = [&](size_t i, const std::exception& e) {
    logger_.Error(events::kUnhandled500, {{"path", contexts[i].path},
                                          {"request_id", contexts[i].request_id},
                                          {"exc_type", ExceptionClassName(e)}});
    return Outcome{V1Status::kError, {}};
  };
  if (IsRelated(verb)) {
    for (size_t i : ready) {
      Outcome outcome;
      try {
        outcome = RunRelated(*prepared[i].entry, *prepared[i].related);
      } catch (const std::exception& e) {
        outcome = unhandled(i, e);
      }
      responses[i] = Finish(contexts[i], verb, prepared[i], outcome, start);
    }
    return responses;
  }
  // One RunRecommends pass per model for the requests that arrived together.
  std::vector<bool> done(contexts.size(), false);
  for (size_t first : ready) {
    if (done[first]) continue;
    std::vector<size_t> group;
    std::vector<const RecommendRequest*> requests;
    std::vector<const std::string*> request_ids;
    for (size_t i : ready) {
      if (!done[i] && prepared[i].entry == prepared[first].entry) {
        done[i] = true;
        group.push_back(i);
        requests.push_back(&*prepared[i].recommend);
        request_ids.push_back(&contexts[i].request_id);
      }
    }
    std::vector<Outcome> outcomes;
    try {
      outcomes = RunRecommends(*prepared[first].entry, requests, request_ids);
    } catch (const std::exception& e) {
      outcomes.clear();
      for (size_t i : group) outcomes.push_back(unhandled(i, e));
    }
    for (size_t g = 0; g < group.size(); ++g) {
      responses[group[g]] =
          Finish(contexts[group[g]], verb, prepared[group[g]], outcomes[g], start);
    }
  }
  return responses;
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
  // Elements are validated (and the aggregate cap applied) in order; the
  // recommend elements that pass are then scored in one RunRecommends pass.
  struct Element {
    std::optional<Json> error;  // the element's error result, or
    std::optional<RecommendRequest> recommend;
    std::optional<RelatedRequest> related;
    Outcome outcome;
  };
  std::vector<Element> elements(batch->requests.size());
  int64_t limit_sum = 0;
  for (size_t i = 0; i < elements.size(); ++i) {
    const nlohmann::json& element = batch->requests[i];
    Element& e = elements[i];
    if (!element.is_object()) {
      count_error(BatchErrorCode::kValidationError);
      e.error = ElementError(i, BatchErrorCode::kValidationError, kNotObjectMessage);
      continue;
    }
    V1Errors element_errors = V1Errors::array();
    if (IsRelated(verb)) {
      e.related = ValidateRelated(element, Json::array(), element_errors);
    } else {
      e.recommend = ValidateRecommend(element, Json::array(), element_errors);
    }
    if (!element_errors.empty()) {
      logger_.Warning(events::kBatchElementValidationFailed,
                      {{"recipe", name}, {"request_id", context.request_id}, {"index", i}});
      count_error(BatchErrorCode::kValidationError);
      e.error =
          ElementError(i, BatchErrorCode::kValidationError, FirstErrorMessage(element_errors));
      continue;
    }
    int64_t limit = e.related ? e.related->limit : e.recommend->limit;
    if (limit_sum + limit > kV1BatchAggregateLimitCap) {
      count_error(BatchErrorCode::kValidationError);
      e.error = ElementError(i, BatchErrorCode::kValidationError, kAggregateCapMessage);
      e.recommend.reset();
      e.related.reset();
      continue;
    }
    limit_sum += limit;
  }
  auto element_failed = [&](size_t i, const std::exception& ex) {
    logger_.Error(events::kBatchElementError, {{"recipe", name},
                                               {"request_id", context.request_id},
                                               {"index", i},
                                               {"exc_type", ExceptionClassName(ex)}});
    elements[i].outcome.status = V1Status::kError;
  };
  if (IsRelated(verb)) {
    for (size_t i = 0; i < elements.size(); ++i) {
      if (elements[i].error) continue;
      try {
        elements[i].outcome = RunRelated(*entry, *elements[i].related);
      } catch (const std::exception& ex) {
        element_failed(i, ex);
      }
    }
  } else {
    std::vector<size_t> pending;
    std::vector<const RecommendRequest*> requests;
    for (size_t i = 0; i < elements.size(); ++i) {
      if (elements[i].error) continue;
      pending.push_back(i);
      requests.push_back(&*elements[i].recommend);
    }
    std::vector<const std::string*> request_ids(pending.size(), &context.request_id);
    try {
      std::vector<Outcome> outcomes = RunRecommends(*entry, requests, request_ids);
      for (size_t p = 0; p < pending.size(); ++p) {
        elements[pending[p]].outcome = std::move(outcomes[p]);
      }
    } catch (const std::exception& ex) {
      for (size_t i : pending) element_failed(i, ex);
    }
  }
  Json results = Json::array();
  for (size_t i = 0; i < elements.size(); ++i) {
    Element& e = elements[i];
    if (e.error) {
      results.push_back(std::move(*e.error));
      continue;
    }
    if (e.outcome.status != V1Status::kOk) {
      count_error(BatchCodeOf(e.outcome.status));
      results.push_back(
          ElementError(i, BatchCodeOf(e.outcome.status), BatchMessageOf(e.outcome.status)));
      continue;
    }
    size_t degraded = 0;
    Json ok = Json::object();
    ok["index"] = i;
    ok["status"] = "ok";
    ok["items"] = V1Items(*entry, e.outcome.top,
                          e.related ? e.related->exclude_items : e.recommend->exclude_items,
                          batch->include_metadata, &degraded);
    results.push_back(std::move(ok));
  }
  Json response = Envelope(context.request_id, *entry);
  response["results"] = std::move(results);
  metrics->CountV1(verb, V1Status::kOk, SecondsSince(start));
  return OkResponse(*entry, response);
}

HttpResponse V1Api::Recommend(const RouteContext& context) const {
  return std::move(
      SingleBatch(std::span<const RouteContext>(&context, 1), V1Verb::kRecommend).front());
}

std::vector<HttpResponse> V1Api::RecommendBatch(std::span<const RouteContext> contexts) const {
  return SingleBatch(contexts, V1Verb::kRecommend);
}

HttpResponse V1Api::RecommendRelated(const RouteContext& context) const {
  return std::move(
      SingleBatch(std::span<const RouteContext>(&context, 1), V1Verb::kRecommendRelated).front());
}

HttpResponse V1Api::BatchRecommend(const RouteContext& context) const {
  return Batch(context, V1Verb::kBatchRecommend);
}

HttpResponse V1Api::BatchRecommendRelated(const RouteContext& context) const {
  return Batch(context, V1Verb::kBatchRecommendRelated);
}

}  // namespace recotem::serve
