// libFuzzer target for the payload decoder (security.md §8): any input must
// end in a decoded bundle or an ArtifactError ("class not allowed" /
// "deserialization failed"), never a crash, a sanitizer report or another
// exception type. The class is the registered TopPop, so inputs reach the
// tensor-table parser, the schema checks and the model's Load().
#include <cstddef>
#include <cstdint>
#include <span>

#include "recotem/algo/top_pop.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/core/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    recotem::DecodePayload(std::span<const uint8_t>(data, size),
                           recotem::TopPopRecommender::kClassName);
  } catch (const recotem::ArtifactError&) {
    // The only acceptable failure.
  }
  return 0;
}
