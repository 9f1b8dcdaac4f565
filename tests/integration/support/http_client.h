// A small synchronous HTTP/1.1 client for tests (Boost.Beast): one TCP
// connection kept alive across requests, reconnecting when the server has
// closed it, plus raw-byte access for malformed, oversized or slow requests.
// Every socket read is bounded by a receive timeout so a test cannot hang.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recotem::testing {

struct HttpResult {
  int status = 0;                              // 0 when no response could be read
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  bool keep_alive = false;  // the server kept the connection open

  nlohmann::json Json() const;  // throws on a non-JSON body
  // A header value, or "" when absent.
  std::string Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(int port, std::string host = "127.0.0.1",
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the current connection (opening one if needed; on
  // a connection the server already closed, reconnects once and retries).
  // `Host: <host>:<port>` is sent unless `headers` sets "Host".
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  HttpResult Get(const std::string& target,
                 const std::map<std::string, std::string>& headers = {}) {
    return Request("GET", target, "", headers);
  }
  HttpResult Post(const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) {
    return Request("POST", target, body, headers);
  }

  // Raw access on the current connection (opened if needed). Write errors
  // (the server may reset an oversized upload) are ignored.
  void WriteRaw(std::string_view bytes);
  // Reads one response; status 0 if the connection ended first. `head`:
  // the response answers a HEAD request (no body follows its header).
  HttpResult ReadResponse(bool head = false);
  // True when the server closes the connection within `wait` (EOF or reset).
  bool WaitForPeerClose(std::chrono::milliseconds wait);

  void Close();
  bool connected() const;
  // TCP connections opened so far (keep-alive checks).
  int connections_opened() const { return connections_opened_; }

 private:
  void Connect();
  struct State;
  std::unique_ptr<State> state_;
  int port_;
  std::string host_;
  std::chrono::milliseconds timeout_;
  int connections_opened_ = 0;
};

// Polls GET /health on 127.0.0.1:`port` until any HTTP response arrives.
bool WaitForHttpServer(int port, std::chrono::milliseconds timeout);

}  // namespace recotem::testing
