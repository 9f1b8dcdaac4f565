#include "http_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace recotem::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::State {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

nlohmann::json HttpResult::Json() const { return nlohmann::json::parse(body); }

std::string HttpResult::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpClient::HttpClient(int port, std::string host, std::chrono::milliseconds timeout)
    : state_(std::make_unique<State>()), port_(port), host_(std::move(host)), timeout_(timeout) {}

HttpClient::~HttpClient() { Close(); }

bool HttpClient::connected() const { return state_->socket.is_open(); }

void HttpClient::Close() {
  beast::error_code ec;
  state_->socket.shutdown(tcp::socket::shutdown_both, ec);
  state_->socket.close(ec);
  state_->buffer.clear();
}

void HttpClient::Connect() {
  Close();
  tcp::endpoint endpoint(asio::ip::make_address(host_), static_cast<uint16_t>(port_));
  state_->socket.connect(endpoint);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  ::setsockopt(state_->socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(state_->socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  ++connections_opened_;
}

void HttpClient::WriteRaw(std::string_view bytes) {
  if (!connected()) Connect();
  beast::error_code ec;
  asio::write(state_->socket, asio::buffer(bytes.data(), bytes.size()), ec);
}

HttpResult HttpClient::ReadResponse(bool head) {
  HttpResult result;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(head);
  beast::error_code ec;
  http::read(state_->socket, state_->buffer, parser, ec);
  if (ec) {
    Close();
    return result;
  }
  auto& res = parser.get();
  result.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  result.body = res.body();
  result.keep_alive = res.keep_alive();
  if (!result.keep_alive) Close();
  return result;
}

HttpResult HttpClient::Request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  if (!body.empty() || method == "POST") req.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = connected();
    if (!reused) Connect();
    beast::error_code ec;
    http::write(state_->socket, req, ec);
    if (!ec) {
      HttpResult result = ReadResponse(method == "HEAD");
      if (result.status != 0 || !reused) return result;
    }
    Close();  // a stale keep-alive connection: retry once on a fresh one
    if (!reused) break;
  }
  return HttpResult{};
}

bool HttpClient::WaitForPeerClose(std::chrono::milliseconds wait) {
  if (!connected()) return true;
  auto deadline = std::chrono::steady_clock::now() + wait;
  int fd = state_->socket.native_handle();
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    if (::poll(&p, 1, left > 0 ? left : 0) <= 0) continue;
    char byte;
    ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK);
    if (n <= 0) {
      Close();
      return true;
    }
    return false;  // data arrived instead
  }
  return false;
}

bool WaitForHttpServer(int port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      HttpClient client(port, "127.0.0.1", std::chrono::milliseconds(1000));
      if (client.Get("/health").status != 0) return true;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace recotem::testing
