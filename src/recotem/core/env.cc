#include "recotem/core/env.h"

#include <algorithm>
#include <cstdlib>

#include "recotem/core/events.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"

namespace recotem::env {

std::optional<std::string> Get(const char* name) {
  const char* raw = std::getenv(name);
  if (raw == nullptr) return std::nullopt;
  return std::string(raw);
}

std::string GetOr(const char* name, std::string_view fallback) {
  auto v = Get(name);
  return v ? *v : std::string(fallback);
}

bool Truthy(const char* name) { return IsTruthy(GetOr(name)); }

std::string RecotemEnv() { return ToLower(Trim(GetOr("RECOTEM_ENV"))); }

bool IsDevelopmentEnv() { return RecotemEnv() == "development"; }

bool IsDevOrTestEnv() {
  std::string e = RecotemEnv();
  return e == "development" || e == "dev" || e == "test";
}

int64_t ReadClampedInt(const ClampedInt& spec) {
  static const log::Logger logger("recotem.config");
  std::string raw = GetOr(spec.name);
  if (Trim(raw).empty()) return spec.default_value;
  std::optional<int64_t> parsed = ParseLooseInt(raw);
  if (!parsed) {
    logger.Warning(events::kEnvVarUnparseable,
                   {{"name", spec.name}, {"raw", raw}, {"fallback", spec.default_value}});
    return spec.default_value;
  }
  int64_t clamped = std::clamp(*parsed, spec.lo, spec.hi);
  if (clamped != *parsed) {
    logger.Warning(events::kEnvVarClamped, {{"name", spec.name},
                                            {"requested", *parsed},
                                            {"clamped", clamped},
                                            {"lo", spec.lo},
                                            {"hi", spec.hi}});
  }
  return clamped;
}

}  // namespace recotem::env
