// Helpers for the tests that hand a router several requests at once (as the
// server does with the requests of one event-loop pass).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recotem/serve/router.h"

namespace recotem::serve::testing {

// A request from 127.0.0.1 carrying X-Request-ID `request_id`.
inline HttpRequest RequestWithId(const std::string& method, const std::string& target,
                                 const std::string& body, const std::string& request_id) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.headers = {{"x-request-id", request_id}};
  r.client_host = "127.0.0.1";
  return r;
}

// Handles `batch` together, checks that every response (status, body,
// headers) is exactly the one its request gets alone, and returns the
// statuses in order.
inline std::vector<int> StatusesHandledTogetherAsAlone(const Router& router,
                                                       const std::vector<HttpRequest>& batch) {
  std::vector<HttpResponse> together = router.HandleBatch(batch);
  EXPECT_EQ(together.size(), batch.size());
  std::vector<int> statuses;
  for (size_t i = 0; i < batch.size() && i < together.size(); ++i) {
    HttpResponse alone = router.Handle(batch[i]);
    EXPECT_EQ(together[i].status, alone.status) << "request " << i;
    EXPECT_EQ(together[i].body, alone.body) << "request " << i;
    EXPECT_EQ(together[i].headers, alone.headers) << "request " << i;
    statuses.push_back(together[i].status);
  }
  return statuses;
}

}  // namespace recotem::serve::testing
