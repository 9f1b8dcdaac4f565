#include "recotem/core/api_key_hash.h"

#include "recotem/core/hashing.h"
#include "recotem/core/strings.h"

namespace recotem {

std::string ApiKeyHash(std::string_view plaintext) {
  return HexEncode(Scrypt(AsBytes(plaintext), AsBytes(kApiKeyHashSalt), kApiKeyScryptN,
                          kApiKeyScryptR, kApiKeyScryptP, kApiKeyHashBytes));
}

}  // namespace recotem
