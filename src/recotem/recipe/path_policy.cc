#include "recotem/recipe/path_policy.h"

#include <array>
#include <filesystem>
#include <system_error>

#include "recotem/core/env.h"
#include "recotem/core/strings.h"
#include "recotem/recipe/recipe_error.h"

namespace recotem {
namespace {

namespace fs = std::filesystem;

using env::kArtifactRootEnv;

constexpr std::array<std::string_view, 9> kInputSchemes = {"",     "file",  "s3",   "gs",   "az",
                                                           "abfs", "abfss", "http", "https"};
constexpr std::array<std::string_view, 7> kOutputSchemes = {"",   "file", "s3",   "gs",
                                                            "az", "abfs", "abfss"};
// Schemes whose URIs may not carry a user name or password (§12.4a); gs
// allows `project@bucket`, az/file/bare paths are not checked.
constexpr std::array<std::string_view, 7> kCredentialCheckedSchemes = {
    "http", "https", "ftp", "ftps", "s3", "abfs", "abfss"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view value) {
  for (auto v : set) {
    if (v == value) return true;
  }
  return false;
}

template <size_t N>
std::string Describe(const std::array<std::string_view, N>& set) {
  std::string out;
  for (auto v : set) {
    if (!out.empty()) out += ", ";
    out += v.empty() ? "(bare path)" : std::string(v) + "://";
  }
  return out;
}

RecipeError Security(std::string_view field, const std::string& rule) {
  return MakeRecipeError(RecipeErrorCategory::kSecurity, std::string(field) + ": " + rule);
}

void CheckNoCredentials(std::string_view field, const ParsedLocation& parsed) {
  if (!Contains(kCredentialCheckedSchemes, parsed.scheme)) return;
  if (parsed.has_username || parsed.has_password) {
    // The location is not echoed: it contains the credential.
    throw Security(field, "credentials embedded in a " + parsed.scheme +
                              ":// URI are not allowed; supply them through the environment");
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// True when `path` (lexically normal, absolute) is `root` or below it.
bool IsWithin(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

}  // namespace

ParsedLocation ParseLocation(std::string_view location) {
  ParsedLocation out;
  std::string_view rest = location;
  size_t colon = location.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    std::string_view candidate = location.substr(0, colon);
    bool valid = (candidate[0] >= 'A' && candidate[0] <= 'Z') ||
                 (candidate[0] >= 'a' && candidate[0] <= 'z');
    for (char c : candidate) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '-' || c == '.';
      valid = valid && ok;
    }
    if (valid) {
      out.scheme = ToLower(candidate);
      rest = location.substr(colon + 1);
    }
  }
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    size_t end = rest.find_first_of("/?#");
    out.netloc = std::string(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    std::string_view hostinfo = out.netloc;
    size_t at = out.netloc.rfind('@');
    if (at != std::string::npos) {
      std::string_view userinfo = std::string_view(out.netloc).substr(0, at);
      hostinfo = std::string_view(out.netloc).substr(at + 1);
      size_t sep = userinfo.find(':');
      out.has_username = !userinfo.substr(0, sep).empty();
      out.has_password = sep != std::string_view::npos && !userinfo.substr(sep + 1).empty();
    }
    if (!hostinfo.empty() && hostinfo[0] == '[') {
      size_t close = hostinfo.find(']');
      out.hostname = ToLower(
          hostinfo.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    } else {
      out.hostname = ToLower(hostinfo.substr(0, hostinfo.find(':')));
    }
  }
  size_t query = rest.find_first_of("?#");
  out.path = std::string(rest.substr(0, query));
  return out;
}

void CheckInputPath(std::string_view field, std::string_view location) {
  if (location.find("::") != std::string_view::npos) {
    throw Security(field, "chained protocols ('::') are not allowed");
  }
  ParsedLocation parsed = ParseLocation(location);
  CheckNoCredentials(field, parsed);
  if (!Contains(kInputSchemes, parsed.scheme)) {
    throw Security(field, "scheme '" + parsed.scheme +
                              "' is not allowed (allowed: " + Describe(kInputSchemes) + ")");
  }
}

void CheckOutputPath(std::string_view location) {
  constexpr std::string_view kField = "output.path";
  ParsedLocation parsed = ParseLocation(location);
  CheckNoCredentials(kField, parsed);
  if (!Contains(kOutputSchemes, parsed.scheme)) {
    throw Security(kField, "scheme '" + parsed.scheme +
                               "' is not allowed (allowed: " + Describe(kOutputSchemes) + ")");
  }
  if (parsed.scheme == "file" && !parsed.netloc.empty() && parsed.hostname != "localhost") {
    throw Security(kField, "file:// URIs must name no host or 'localhost' (got host '" +
                               parsed.hostname + "')");
  }
}

bool IsHttpLocation(std::string_view location) {
  std::string scheme = ParseLocation(location).scheme;
  return scheme == "http" || scheme == "https";
}

std::optional<std::string> LocalPathOf(std::string_view location) {
  ParsedLocation parsed = ParseLocation(location);
  if (parsed.scheme.empty()) return std::string(location);
  if (parsed.scheme == "file") return PercentDecode(parsed.path);
  return std::nullopt;
}

void CheckArtifactRootContainment(std::string_view output_location) {
  constexpr std::string_view kField = "output.path";
  std::string root_env = env::GetOr(kArtifactRootEnv);
  if (root_env.empty()) return;
  std::optional<std::string> local = LocalPathOf(output_location);
  if (!local) return;
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(root_env, ec), ec);
  if (ec) {
    throw MakeRecipeError(RecipeErrorCategory::kUnknown,
                          std::string(kArtifactRootEnv) + " cannot be resolved: " + ec.message());
  }
  std::string trimmed = *local;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  fs::path output(trimmed);
  fs::path final_component = output.filename();
  fs::path parent = output.parent_path();
  if (parent.empty()) parent = ".";
  fs::path resolved_parent = fs::canonical(parent, ec);
  if (ec || !fs::is_directory(resolved_parent)) {
    if (!ec || ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      throw MakeRecipeError(RecipeErrorCategory::kUnknown,
                            std::string(kField) + ": the output directory " + parent.string() +
                                " does not exist; create it before running training (" +
                                kArtifactRootEnv + " is set)");
    }
    throw MakeRecipeError(RecipeErrorCategory::kUnknown,
                          std::string(kField) + ": the output directory " + parent.string() +
                              " cannot be resolved: " + ec.message());
  }
  if (!IsWithin(resolved_parent, root)) {
    throw Security(
        kField, "resolves outside " + std::string(kArtifactRootEnv) + " (" + root.string() + ")");
  }
  // The final component is not resolved, but "." or ".." must not step out.
  fs::path candidate = (resolved_parent / final_component).lexically_normal();
  if (final_component.empty() || final_component == "." || final_component == ".." ||
      !IsWithin(candidate, root)) {
    throw Security(
        kField, "resolves outside " + std::string(kArtifactRootEnv) + " (" + root.string() + ")");
  }
}

}  // namespace recotem
