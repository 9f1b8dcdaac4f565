// libFuzzer target for the recipe loader: arbitrary bytes go through the
// whole load sequence (YAML 1.1 typing, merge keys, env-var expansion, path
// rules, schema validation). Any outcome other than a Recipe or a
// RecipeError — a crash, another exception, a hang, a leak — is a finding.
//
// Build (scripts/fuzz wires this up):
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address -Isrc -I<gen> \
//     tests/fuzz/recipe_loader_fuzz.cc src/recotem/recipe/*.cc src/recotem/core/*.cc \
//     -lyaml-cpp -lcrypto
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "recotem/core/errors.h"
#include "recotem/core/log.h"
#include "recotem/recipe/recipe_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool kInitialised = [] {
    // Silence recipe_loaded and friends; keep one value for expansion.
    recotem::log::SetSinkForTesting([](const std::string&) {});
    setenv("RECOTEM_RECIPE_FUZZ", "fuzz-value", 1);
    unsetenv("RECOTEM_ARTIFACT_ROOT");
    return true;
  }();
  (void)kInitialised;
  std::string text(reinterpret_cast<const char*>(data), size);
  recotem::RecipeLoadOptions options;
  options.extra_env["RECOTEM_RECIPE_EXTRA"] = "42";
  try {
    recotem::LoadRecipeFromString(text, "fuzz.yaml", options);
  } catch (const recotem::RecipeError&) {
    // The expected outcome for most inputs.
  }
  return 0;
}
