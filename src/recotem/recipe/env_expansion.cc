#include "recotem/recipe/env_expansion.h"

#include <array>
#include <cstdlib>

#include "recotem/core/events.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"
#include "recotem/recipe/field_path.h"
#include "recotem/recipe/recipe_error.h"
#include "recotem/recipe/source_types.h"

namespace recotem {
namespace {

// recipe.md §13.2 (the seeds list the first four prefixes; the rest are the
// original code's).
constexpr std::array<std::string_view, 2> kBlacklistExact = {"RECOTEM_SIGNING_KEYS",
                                                             "RECOTEM_API_KEYS"};
constexpr std::array<std::string_view, 11> kBlacklistPrefixes = {
    "AWS_", "GCP_", "GOOGLE_", "AZURE_",  "ALIYUN_",      "ALICLOUD_",
    "OCI_", "IBM_", "DO_",     "HCLOUD_", "DIGITALOCEAN_"};
constexpr std::array<std::string_view, 9> kBlacklistSubstrings = {
    "SECRET", "PASSWORD", "PASSWD", "TOKEN", "KEY", "AUTH", "BEARER", "CRED", "PRIVATE"};

// Keys whose whole subtree is never expanded, in every block (§13.3).
constexpr std::array<std::string_view, 2> kGloballyProtectedKeys = {"query", "query_parameters"};

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

const log::Logger& Logger() {
  static const auto* logger = new log::Logger("recotem.recipe");
  return *logger;
}

class Expander {
 public:
  Expander(const std::set<std::string>& timestamps,
           const std::map<std::string, std::string>& extra_env)
      : timestamps_(timestamps), extra_env_(extra_env) {}

  ExpandedValues Run(nlohmann::ordered_json& root) {
    if (root.is_object()) {
      for (auto& [key, value] : root.items()) {
        if (key == "source" && value.is_object()) LookUpSourceType(value);
        Walk(value, JsonPointerChild("", key), key == "source", key);
      }
    }
    return std::move(expanded_);
  }

 private:
  void LookUpSourceType(const nlohmann::ordered_json& source) {
    auto it = source.find("type");
    if (it == source.end()) return;  // reported as a missing field later
    SourceTypeInfo info;
    if (it->is_string() && SourceTypeRegistry::Default().Find(it->get<std::string>(), &info)) {
      source_protected_ = info.protected_fields;
      return;
    }
    std::string known;
    for (const auto& name : SourceTypeRegistry::Default().TypeNames()) {
      known += (known.empty() ? "" : ", ") + name;
    }
    std::string shown = it->is_string() ? "'" + it->get<std::string>() + "'" : it->dump();
    throw MakeRecipeError(RecipeErrorCategory::kSchema,
                          "source.type: unknown source type " + shown + " (known: " + known + ")");
  }

  bool IsProtectedKey(std::string_view key, bool in_source) const {
    std::string lower = ToLower(key);
    for (auto k : kGloballyProtectedKeys) {
      if (lower == k) return true;
    }
    return in_source && source_protected_.count(lower) > 0;
  }

  void Walk(nlohmann::ordered_json& node, const std::string& pointer, bool in_source,
            std::string_view key) {
    if (IsProtectedKey(key, in_source)) return;
    if (node.is_object()) {
      for (auto& [child_key, child] : node.items()) {
        Walk(child, JsonPointerChild(pointer, child_key), in_source, child_key);
      }
    } else if (node.is_array()) {
      size_t index = 0;
      for (auto& child : node) {
        // A list item has no key of its own; it inherits no protection.
        Walk(child, pointer + "/" + std::to_string(index++), in_source, "");
      }
    } else if (node.is_string() && timestamps_.count(pointer) == 0) {
      ExpandString(node, pointer);
    }
  }

  // One left-to-right pass over `${...}` matches (`\$\{[^}]+\}`).
  void ExpandString(nlohmann::ordered_json& node, const std::string& pointer) {
    const std::string& text = node.get_ref<const std::string&>();
    if (text.find("${") == std::string::npos) return;
    std::string out;
    std::vector<std::string> names;
    size_t i = 0;
    while (i < text.size()) {
      size_t open = text.find("${", i);
      if (open == std::string::npos) break;
      size_t close = text.find('}', open + 2);
      if (close == std::string::npos) break;
      if (close == open + 2) {  // "${}" is not a reference
        out.append(text, i, open + 1 - i);
        i = open + 1;
        continue;
      }
      std::string name = text.substr(open + 2, close - open - 2);
      out.append(text, i, open - i);
      out += Lookup(name, pointer);
      names.push_back(name);
      i = close + 1;
    }
    if (names.empty()) return;
    out.append(text, i, std::string::npos);
    node = out;
    expanded_[pointer] = std::move(names);
  }

  std::string Lookup(const std::string& name, const std::string& pointer) {
    std::string where = PointerToFieldPath(pointer);
    CheckEnvVarName(name, where);
    std::optional<std::string> value;
    if (auto it = extra_env_.find(name); it != extra_env_.end()) {
      value = it->second;
    } else if (const char* env = std::getenv(name.c_str()); env != nullptr) {
      value = std::string(env);
    }
    if (!value) {
      throw MakeRecipeError(
          RecipeErrorCategory::kUnknown,
          where + ": environment variable ${" + name + "} is referenced but is not set");
    }
    if (value->empty()) {
      Logger().Warning(events::kRecipeEnvVarEmpty, {{"name", name}});
    }
    return *value;
  }

  const std::set<std::string>& timestamps_;
  const std::map<std::string, std::string>& extra_env_;
  std::set<std::string> source_protected_;
  ExpandedValues expanded_;
};

}  // namespace

bool IsBlacklistedEnvName(std::string_view name) {
  std::string upper = ToUpperAscii(name);
  for (auto exact : kBlacklistExact) {
    if (upper == exact) return true;
  }
  for (auto prefix : kBlacklistPrefixes) {
    if (upper.rfind(prefix, 0) == 0) return true;
  }
  for (auto sub : kBlacklistSubstrings) {
    if (upper.find(sub) != std::string::npos) return true;
  }
  return false;
}

void CheckEnvVarName(std::string_view name, std::string_view where) {
  std::string prefix = where.empty() ? "" : std::string(where) + ": ";
  if (IsBlacklistedEnvName(name)) {
    throw MakeRecipeError(
        RecipeErrorCategory::kSecurity,
        prefix + "environment variable ${" + std::string(name) +
            "} is blacklisted (names that look like credentials — containing SECRET, "
            "PASSWORD, PASSWD, TOKEN, KEY, AUTH, BEARER, CRED or PRIVATE, or starting with a "
            "cloud prefix such as AWS_ or GCP_ — are never expanded)");
  }
  if (ToUpperAscii(name).rfind(kRecipeEnvPrefix, 0) != 0) {
    throw MakeRecipeError(RecipeErrorCategory::kUnknown,
                          prefix + "environment variable ${" + std::string(name) +
                              "} is not allowed: only RECOTEM_RECIPE_* variables may be "
                              "referenced");
  }
}

std::map<std::string, std::string> ParseEnvVarArguments(const std::vector<std::string>& args) {
  std::map<std::string, std::string> out;
  for (const auto& arg : args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      // Only the key part could be shown, and there is none: say nothing of
      // the argument itself (it may be a secret typed by mistake).
      throw MakeRecipeError(RecipeErrorCategory::kUnknown,
                            "--env-var: expected KEY=VALUE (the argument has no '=')");
    }
    std::string key = arg.substr(0, eq);
    CheckEnvVarName(key, "--env-var");
    out[key] = arg.substr(eq + 1);
  }
  return out;
}

ExpandedValues ExpandRecipeEnvironment(nlohmann::ordered_json& root,
                                       const std::set<std::string>& timestamps,
                                       const std::map<std::string, std::string>& extra_env) {
  return Expander(timestamps, extra_env).Run(root);
}

}  // namespace recotem
