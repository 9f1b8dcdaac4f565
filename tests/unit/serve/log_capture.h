// serve's tests name the shared log capture as serve::testing::LogCapture.
#pragma once

#include "test_support.h"

namespace recotem::serve::testing {
using ::recotem::testing::LogCapture;
}  // namespace recotem::serve::testing
