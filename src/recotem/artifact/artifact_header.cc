#include "recotem/artifact/artifact_header.h"

#include <cmath>

#include "recotem/artifact/container.h"
#include "recotem/core/errors.h"

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;

// The first non-finite number inside `value`, described by its JSON path.
std::optional<std::string> FindNonFinite(const Json& value, const std::string& path) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    return path;
  }
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      std::string child_path = path;
      child_path += '.';
      child_path += key;
      if (auto found = FindNonFinite(child, child_path)) {
        return found;
      }
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      std::string child_path = path;
      child_path += '[';
      child_path += std::to_string(i);
      child_path += ']';
      if (auto found = FindNonFinite(value[i], child_path)) {
        return found;
      }
    }
  }
  return std::nullopt;
}

// nlohmann's messages start with "[json.exception.<kind>.<id>] "; the
// bracketed tag means nothing to an operator.
std::string WithoutExceptionTag(const char* what) {
  std::string_view text(what);
  if (!text.empty() && text.front() == '[') {
    size_t end = text.find("] ");
    if (end != std::string_view::npos) {
      text.remove_prefix(end + 2);
    }
  }
  return std::string(text);
}

bool StartsWithAt(std::string_view text, size_t at, std::string_view token) {
  return text.substr(at, token.size()) == token;
}

// `text` with every bare NaN / Infinity / -Infinity token outside a string
// replaced by null (the original's serialiser could emit them; §3.1).
std::string ReplaceNonFiniteTokens(std::string_view text) {
  static constexpr std::string_view kTokens[] = {"-Infinity", "Infinity", "NaN"};
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
    }
    bool replaced = false;
    for (std::string_view token : kTokens) {
      if (StartsWithAt(text, i, token)) {
        out += "null";
        i += token.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += text[i++];
    }
  }
  return out;
}

std::optional<Json> ParseJson(std::string_view text, std::string* detail) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    *detail = WithoutExceptionTag(e.what());
    return std::nullopt;
  }
}

}  // namespace

std::string EncodeHeaderJson(const ArtifactHeader& header) {
  Json tuning = Json::object();
  tuning["tried_algorithms"] = header.tuning.tried_algorithms;
  tuning["n_trials"] = header.tuning.n_trials;
  tuning["n_completed"] = header.tuning.n_completed;
  tuning["n_orphaned"] = header.tuning.n_orphaned;
  tuning["best_trial_number"] = header.tuning.best_trial_number;
  tuning["search_seed"] = header.tuning.search_seed;

  Json data_stats = Json::object();
  data_stats["n_rows"] = header.data_stats.n_rows;
  data_stats["n_users"] = header.data_stats.n_users;
  data_stats["n_items"] = header.data_stats.n_items;
  data_stats["drop_count"] = header.data_stats.drop_count;
  data_stats["dedup_policy"] = header.data_stats.dedup_policy;

  Json j = Json::object();
  j["recipe_name"] = header.recipe_name;
  j["recipe_hash"] = header.recipe_hash;
  j["recotem_version"] = header.recotem_version;
  j["irspack_version"] = header.irspack_version;
  j["trained_at"] = header.trained_at;
  j["best_class"] = header.best_class;
  j["best_params"] = header.best_params;
  j["best_score"] = header.best_score;
  j["metric"] = header.metric;
  j["cutoff"] = header.cutoff;
  j["tuning"] = std::move(tuning);
  j["data_stats"] = std::move(data_stats);

  if (auto where = FindNonFinite(j, "header")) {
    throw ArtifactError("header JSON cannot encode the non-finite number at " + *where);
  }
  std::string out;
  try {
    out = j.dump(-1, ' ', /*ensure_ascii=*/true);
  } catch (const Json::exception& e) {
    throw ArtifactError("header JSON encode failed: " + WithoutExceptionTag(e.what()));
  }
  if (out.size() > kMaxHeaderJsonBytes) {
    throw ArtifactError("header_json length " + std::to_string(out.size()) + " exceeds maximum " +
                        std::to_string(kMaxHeaderJsonBytes));
  }
  return out;
}

std::optional<nlohmann::ordered_json> DecodeHeaderJson(std::string_view header_json,
                                                       std::string* detail) {
  std::string first_error;
  std::optional<Json> parsed = ParseJson(header_json, &first_error);
  if (!parsed && (header_json.find("NaN") != std::string_view::npos ||
                  header_json.find("Infinity") != std::string_view::npos)) {
    std::string ignored;
    parsed = ParseJson(ReplaceNonFiniteTokens(header_json), &ignored);
  }
  if (!parsed) {
    *detail = first_error;
    return std::nullopt;
  }
  if (!parsed->is_object()) {
    *detail = std::string("expected a JSON object, got ") + parsed->type_name();
    return std::nullopt;
  }
  return parsed;
}

}  // namespace recotem
