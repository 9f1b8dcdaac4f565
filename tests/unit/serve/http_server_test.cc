#include "recotem/serve/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"

namespace recotem::serve {
namespace {

using namespace std::chrono_literals;
using recotem::testing::HttpClient;
using recotem::testing::HttpResult;

// Echoes method, target, body size, the x-test header and the peer host;
// /slow sleeps first (a long handler, for drain tests).
// /big answers with kBigBody (larger than a socket buffer takes at once).
const std::string kBigBody = [] {
  std::string body(size_t{32} << 20, ' ');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 23);
  return body;
}();

HttpResponse Echo(const HttpRequest& request) {
  if (request.target.rfind("/slow", 0) == 0) std::this_thread::sleep_for(400ms);
  HttpResponse response;
  if (request.target == "/big") {
    response.body = kBigBody;
    return response;
  }
  const std::string* x = request.FindHeader("x-test");
  response.body = request.method + " " + request.target + " " +
                  std::to_string(request.body.size()) + " " + (x ? *x : "-") + " " +
                  request.client_host;
  response.headers.emplace_back("X-Extra", "1");
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.threads == 1) options.threads = 2;
    server_ = std::make_unique<HttpServer>(options, Echo);
    server_->Listen();
    server_->Start();
    port_ = server_->port();
  }
  void TearDown() override {
    if (server_) server_->Shutdown(1s);
  }
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  HttpClient client(port_);
  for (int i = 0; i < 3; ++i) {
    HttpResult r = client.Post("/p?q=" + std::to_string(i), "abc", {{"X-Test", "v"}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "POST /p?q=" + std::to_string(i) + " 3 v 127.0.0.1");
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.Header("x-extra"), "1");
    EXPECT_EQ(r.Header("content-type"), "application/json");
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpServerTest, Http10ClientsGetTheConnectionClosed) {
  StartServer();
  HttpClient client(port_);
  client.WriteRaw("GET /x HTTP/1.0\r\nHost: a\r\n\r\n");
  HttpResult r = client.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.keep_alive);
}

TEST_F(HttpServerTest, Http10ClientsThatAskForKeepAliveKeepTheirConnection) {
  StartServer();
  HttpClient client(port_);
  client.WriteRaw("GET /a HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n");
  HttpResult first = client.ReadResponse();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.Header("connection"), "keep-alive");
  client.WriteRaw("GET /b HTTP/1.0\r\nHost: a\r\n\r\n");
  HttpResult second = client.ReadResponse();
  EXPECT_EQ(second.body, "GET /b 0 - 127.0.0.1");
  EXPECT_EQ(client.connections_opened(), 1);
}

// Requests that arrive in one segment are answered in order; a request that
// arrives in pieces (header split mid-field, body later) is read on.
TEST_F(HttpServerTest, PipelinedAndFragmentedRequestsAreAnsweredInOrder) {
  StartServer();
  HttpClient client(port_);
  client.WriteRaw(
      "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: "
      "2\r\n\r\nxyGET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().body, "GET /1 0 - 127.0.0.1");
  EXPECT_EQ(client.ReadResponse().body, "POST /2 2 - 127.0.0.1");
  EXPECT_EQ(client.ReadResponse().body, "GET /3 0 - 127.0.0.1");
  client.WriteRaw("POST /4 HTTP/1.1\r\nHost: a\r\nContent-Le");
  std::this_thread::sleep_for(50ms);
  client.WriteRaw("ngth: 4\r\n\r\nab");
  std::this_thread::sleep_for(50ms);
  client.WriteRaw("cd");
  HttpResult r = client.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /4 4 - 127.0.0.1");
  EXPECT_EQ(client.connections_opened(), 1);
}

// A response larger than the socket takes at once is written on
// asynchronously, whole, and the connection stays usable.
TEST_F(HttpServerTest, AResponseLargerThanTheSocketBufferArrivesWhole) {
  StartServer();
  HttpClient client(port_);
  HttpResult big = client.Get("/big");
  EXPECT_EQ(big.status, 200);
  EXPECT_EQ(big.Header("content-length"), std::to_string(kBigBody.size()));
  EXPECT_TRUE(big.body == kBigBody);
  EXPECT_EQ(client.Get("/x").status, 200);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpServerTest, OversizedHeaderBlockIs431AndCloses) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  HttpClient client(port_);
  HttpResult r = client.Get("/x", {{"X-Big", std::string(2048, 'a')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.body, R"({"detail":"Request Header Fields Too Large"})");
  EXPECT_FALSE(r.keep_alive);
  // The limit is on the header block, not the connection: a normal request works.
  EXPECT_EQ(client.Get("/x").status, 200);
}

TEST_F(HttpServerTest, DeclaredOversizedBodyIs413BeforeTheBodyArrives) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  HttpClient client(port_);
  client.WriteRaw("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000000\r\n\r\n{\"a\":");
  HttpResult r = client.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, R"({"detail":"Request body too large"})");
  EXPECT_TRUE(client.WaitForPeerClose(3s));
}

TEST_F(HttpServerTest, StreamedChunkedBodyOverTheLimitIs413) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  HttpClient client(port_);
  std::string chunk(800, 'x');
  client.WriteRaw("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" +
                  chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().status, 413);
}

TEST_F(HttpServerTest, BodyAtTheLimitIsAccepted) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  HttpClient client(port_);
  HttpResult r = client.Post("/x", std::string(1000, 'b'));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /x 1000 - 127.0.0.1");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  StartServer();
  HttpClient client(port_);
  client.WriteRaw("GARBAGE\r\n\r\n");
  HttpResult r = client.ReadResponse();
  EXPECT_EQ(r.status, 400);
}

TEST_F(HttpServerTest, ASlowClientIsDisconnectedAfterTheRequestTimeout) {
  HttpServerOptions options;
  options.request_timeout = 300ms;
  StartServer(options);
  HttpClient client(port_);
  client.WriteRaw("GET /x HTTP/1.1\r\nHost: a\r\nX-Partial: ");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.WaitForPeerClose(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// A client that stops reading its response is disconnected after the write
// timeout: it gets the part the kernel buffered, then the end of the stream.
TEST_F(HttpServerTest, AClientThatStopsReadingIsDisconnectedAfterTheWriteTimeout) {
  HttpServerOptions options;
  options.write_timeout = 300ms;
  options.idle_timeout = 30s;
  StartServer(options);
  HttpClient client(port_);
  client.WriteRaw("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
  std::this_thread::sleep_for(1500ms);
  HttpResult r = client.ReadResponse();
  EXPECT_LT(r.body.size(), kBigBody.size());
  EXPECT_TRUE(client.WaitForPeerClose(3s));
}

TEST_F(HttpServerTest, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  StartServer(options);
  HttpClient client(port_);
  ASSERT_EQ(client.Get("/x").status, 200);
  EXPECT_TRUE(client.WaitForPeerClose(3s));
}

TEST_F(HttpServerTest, Expect100ContinueIsAnsweredBeforeTheBody) {
  StartServer();
  HttpClient client(port_);
  client.WriteRaw(
      "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  HttpResult interim = client.ReadResponse();
  EXPECT_EQ(interim.status, 100);
  client.WriteRaw("abcd");
  HttpResult r = client.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /x 4 - 127.0.0.1");
}

TEST_F(HttpServerTest, HeadKeepsContentLengthButSendsNoBody) {
  StartServer();
  HttpClient client(port_);
  HttpResult head = client.Request("HEAD", "/x");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.Header("content-length"),
            std::to_string(std::string("HEAD /x 0 - 127.0.0.1").size()));
  // Nothing stray followed the header: the connection is still in sync.
  EXPECT_EQ(client.Get("/after").body, "GET /after 0 - 127.0.0.1");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpServerTest, ShutdownLetsAnInFlightRequestFinishWithConnectionClose) {
  StartServer();
  auto pending = std::async(std::launch::async, [this] {
    HttpClient client(port_);
    return client.Get("/slow");
  });
  std::this_thread::sleep_for(150ms);
  size_t forced = server_->Shutdown(5s);
  HttpResult r = pending.get();
  EXPECT_EQ(forced, 0u);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.keep_alive);
  HttpClient late(port_);
  EXPECT_THROW(late.Get("/x"), std::exception);  // no longer accepting
}

TEST_F(HttpServerTest, ShutdownClosesIdleKeepAliveConnectionsAtOnce) {
  StartServer();
  HttpClient client(port_);
  ASSERT_EQ(client.Get("/x").status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Shutdown(10s), 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(client.WaitForPeerClose(1s));
}

TEST_F(HttpServerTest, ShutdownGivesUpOnRequestsThatOutliveTheDrain) {
  StartServer();
  HttpClient client(port_);
  client.WriteRaw("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server_->Shutdown(50ms), 1u);
}

// Requests that complete while the I/O thread is busy reach a batch handler
// together, and every connection gets the response to its own request.
TEST(HttpServerBatch, RequestsThatArriveTogetherAreHandledInOneCallAndAnsweredInOrder) {
  std::promise<void> blocked, release_blocked;
  std::shared_future<void> release = release_blocked.get_future().share();
  std::mutex mu;
  std::vector<size_t> batch_sizes;  // of the calls after the blocking one
  bool seen_block = false;
  HttpServerOptions options;
  options.port = 0;
  options.threads = 1;
  HttpServer server(options, HttpBatchHandler([&](std::span<HttpRequest> requests) {
                      if (requests.size() == 1 && requests[0].body == "block") {
                        {
                          std::lock_guard<std::mutex> lock(mu);
                          seen_block = true;
                        }
                        blocked.set_value();  // hold the I/O thread while the others arrive
                        release.wait();
                      } else {
                        std::lock_guard<std::mutex> lock(mu);
                        if (seen_block) batch_sizes.push_back(requests.size());
                      }
                      std::vector<HttpResponse> responses(requests.size());
                      for (size_t i = 0; i < requests.size(); ++i) {
                        responses[i].body = "answer to " + requests[i].body;
                      }
                      return responses;
                    }));
  server.Listen();
  server.Start();
  constexpr int kOthers = 6;
  auto post = [](HttpClient& client, const std::string& body) {
    client.WriteRaw("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  // Connections accepted and idle first (accepting is one at a time).
  HttpClient first(server.port());
  std::vector<std::unique_ptr<HttpClient>> others;
  for (int c = 0; c < kOthers; ++c) {
    others.push_back(std::make_unique<HttpClient>(server.port()));
    EXPECT_EQ(others.back()->Post("/p", "hello").body, "answer to hello");
  }
  post(first, "block");
  blocked.get_future().wait();
  for (int c = 0; c < kOthers; ++c)
    post(*others[static_cast<size_t>(c)], "request" + std::to_string(c));
  std::this_thread::sleep_for(200ms);  // all six are in the socket buffers
  release_blocked.set_value();
  EXPECT_EQ(first.ReadResponse().body, "answer to block");
  for (int c = 0; c < kOthers; ++c) {
    HttpResult r = others[static_cast<size_t>(c)]->ReadResponse();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "answer to request" + std::to_string(c));
    EXPECT_TRUE(r.keep_alive);
  }
  server.Shutdown(1s);
  std::lock_guard<std::mutex> lock(mu);
  // They were all waiting when the thread came back: one call for all six.
  EXPECT_EQ(batch_sizes, std::vector<size_t>{static_cast<size_t>(kOthers)});
}

// A batch handler that throws, or answers the wrong number of requests,
// gives every request of the batch a 500 and the server goes on.
TEST(HttpServerBatch, AFailingBatchHandlerAnswers500AndTheServerKeepsServing) {
  std::atomic<int> calls{0};
  HttpServerOptions options;
  options.port = 0;
  options.threads = 1;
  HttpServer server(options, HttpBatchHandler([&](std::span<HttpRequest> requests) {
                      int call = calls++;
                      if (call == 0) throw std::runtime_error("boom");
                      if (call == 1) return std::vector<HttpResponse>(requests.size() + 1);
                      return std::vector<HttpResponse>(requests.size());
                    }));
  server.Listen();
  server.Start();
  HttpClient client(server.port());
  EXPECT_EQ(client.Get("/a").status, 500);
  EXPECT_EQ(client.Get("/b").status, 500);
  EXPECT_EQ(client.Get("/c").status, 200);
  server.Shutdown(1s);
}

// With a one-request handler, a request whose handler throws gets the 500
// alone: the request handled in the same pass is answered normally.
TEST(HttpServerBatch, AOneRequestHandlerThatThrowsFailsOnlyItsOwnRequest) {
  std::promise<void> blocked, release_blocked;
  std::shared_future<void> release = release_blocked.get_future().share();
  HttpServerOptions options;
  options.port = 0;
  options.threads = 1;
  HttpServer server(options, [&](const HttpRequest& request) {
    if (request.body == "block") {
      blocked.set_value();
      release.wait();
    }
    if (request.body == "boom") throw std::runtime_error("boom");
    HttpResponse response;
    response.body = "answer to " + request.body;
    return response;
  });
  server.Listen();
  server.Start();
  HttpClient first(server.port()), failing(server.port()), fine(server.port());
  EXPECT_EQ(failing.Post("/p", "hello").status, 200);  // accepted and idle
  EXPECT_EQ(fine.Post("/p", "hello").status, 200);
  auto post = [](HttpClient& client, const std::string& body) {
    client.WriteRaw("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  post(first, "block");
  blocked.get_future().wait();
  post(failing, "boom");
  post(fine, "fine");
  std::this_thread::sleep_for(200ms);
  release_blocked.set_value();
  EXPECT_EQ(first.ReadResponse().status, 200);
  EXPECT_EQ(failing.ReadResponse().status, 500);
  HttpResult r = fine.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "answer to fine");
  server.Shutdown(1s);
}

TEST(HttpServerBind, AnAddressInUseIsABindErrorWithItsErrno) {
  HttpServerOptions any_port;
  any_port.port = 0;
  HttpServer first(any_port, Echo);
  first.Listen();
  HttpServerOptions options;
  options.port = first.port();
  HttpServer second(options, Echo);
  try {
    second.Listen();
    FAIL() << "expected BindError";
  } catch (const BindError& e) {
    EXPECT_EQ(e.code().value(), EADDRINUSE);
  }
  HttpServerOptions unassigned = any_port;
  unassigned.host = "203.0.113.7";  // TEST-NET-3: not an address of this machine
  HttpServer bad_host(unassigned, Echo);
  try {
    bad_host.Listen();
    FAIL() << "expected BindError";
  } catch (const BindError& e) {
    EXPECT_EQ(e.code().value(), EADDRNOTAVAIL);
  }
}

}  // namespace
}  // namespace recotem::serve
