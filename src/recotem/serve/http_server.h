// HttpServer: the HTTP/1.1 listener of `recotem serve`, on Boost.Beast and
// Asio. This header is Beast-free on purpose (compile time): everything
// Beast/Asio lives in http_server.cc behind a pimpl.
//
// Behaviour:
// * `threads` I/O threads, each running its own single-threaded
//   io_context; accepted connections are spread round-robin and stay on
//   one thread. The requests that become complete on one I/O thread in one
//   pass of its event loop are handed to the handler together (see
//   HttpBatchHandler). The handler is called on an I/O thread, so it must be
//   thread-safe and must never block on I/O (scoring is CPU work only).
// * Keep-alive as HTTP/1.1 defines it; an idle keep-alive connection is
//   closed after `idle_timeout`.
// * A request's header and body must arrive within `request_timeout`
//   (slow clients cannot hold a connection forever); a response must be
//   written within `write_timeout`. Deadlines are checked by a sweep on each
//   I/O thread (a quarter of the shortest timeout apart, 10–250 ms), so a
//   connection is closed at most that much late.
// * A request that arrives whole is parsed from the read buffer at once; a
//   response is written at once when the socket takes it (asynchronously
//   otherwise).
// * Header block over `max_header_bytes` → 431; body over `max_body_bytes`
//   (declared or streamed) → 413; unparseable request → 400. All three close
//   the connection. `Expect: 100-continue` is answered before the body.
// * HEAD is passed to the handler as is; the response body is dropped and
//   Content-Length kept.
// * Shutdown(drain) stops accepting, closes idle keep-alive connections,
//   lets requests already being read or handled finish (their responses say
//   `Connection: close`), and force-closes whatever is left after `drain`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "recotem/serve/http_message.h"

namespace recotem::serve {

inline constexpr size_t kMaxRequestHeaderBytes = size_t{16} * 1024;
inline constexpr size_t kMaxRequestBodyBytes = size_t{4} * 1024 * 1024;
inline constexpr std::chrono::milliseconds kRequestReadTimeout{30'000};
inline constexpr std::chrono::milliseconds kKeepAliveIdleTimeout{5'000};
inline constexpr std::chrono::milliseconds kResponseWriteTimeout{30'000};

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IP literal or a resolvable name
  int port = 8080;                 // 0 = any free port (tests)
  int threads = 1;
  size_t max_header_bytes = kMaxRequestHeaderBytes;
  size_t max_body_bytes = kMaxRequestBodyBytes;
  std::chrono::milliseconds request_timeout = kRequestReadTimeout;
  std::chrono::milliseconds idle_timeout = kKeepAliveIdleTimeout;
  std::chrono::milliseconds write_timeout = kResponseWriteTimeout;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Answers several requests at once: one response per request, in order.
// The server passes the requests that became complete on one I/O thread in
// one pass of its event loop (under load, the requests of many
// connections), so a handler can share work between them — serve scores
// the /predict requests of one model in one pass over the model.
using HttpBatchHandler = std::function<std::vector<HttpResponse>(std::span<HttpRequest>)>;

// Binding or listening failed; code() carries the errno (EADDRINUSE,
// EACCES, EADDRNOTAVAIL, …).
class BindError : public std::system_error {
 public:
  using std::system_error::system_error;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpBatchHandler handler);
  // One request at a time: `handler` is called for each request of a batch.
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // an un-drained server is stopped immediately
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Throws BindError.
  void Listen();
  // The bound port (after Listen).
  uint16_t port() const;
  // Starts the I/O threads and accepting. Requires Listen().
  void Start();
  // Graceful stop as described above; blocks for at most about `drain`.
  // Returns the number of connections that had to be force-closed.
  size_t Shutdown(std::chrono::milliseconds drain);

  class Impl;  // opaque; defined in http_server.cc

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace recotem::serve
