#include "recotem/serve/http_server.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

namespace recotem::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The first read of a keep-alive connection's next request.
constexpr size_t kIdleReadChunk = 4096;
// After an error response the rest of the request is read and discarded for
// a moment before closing, so the client sees the response instead of a
// reset (a close with unread data sends RST).
constexpr size_t kLingerDiscardBytes = size_t{256} * 1024;
constexpr std::chrono::milliseconds kLingerTimeout{1000};
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// Deadlines are checked by a sweep on each I/O thread a quarter of the
// shortest timeout apart (within these bounds), instead of a timer per
// operation: a connection is closed at most that late.
constexpr std::chrono::milliseconds kMinSweepInterval{10};
constexpr std::chrono::milliseconds kMaxSweepInterval{250};

using Clock = std::chrono::steady_clock;

constexpr const char* kHeaderTooLargeDetail = "Request Header Fields Too Large";
constexpr const char* kBodyTooLargeDetail = "Request body too large";
constexpr const char* kBadRequestDetail = "Invalid HTTP request";

std::string DetailBody(std::string_view detail) {
  return nlohmann::json{{"detail", detail}}.dump();
}

std::error_code ToStd(const beast::error_code& ec) {
  return std::error_code(ec.value(), std::system_category());
}

// The 500 for a request whose handler threw (handlers map their own errors;
// this is the last line of defence).
HttpResponse LastResortError() {
  HttpResponse error;
  error.status = 500;
  error.body = R"({"detail":"internal error","code":"internal_error"})";
  return error;
}

constexpr std::string_view kContinueResponse = "HTTP/1.1 100 Continue\r\n\r\n";

// Writes `response` as HTTP/1.x bytes into `out` (its capacity is reused
// from one response to the next): the status line, Content-Type, the
// handler's fields, Connection when the version's default does not hold,
// Content-Length, and the body unless `head`.
void SerializeResponse(const HttpResponse& response, unsigned version, bool keep_alive, bool head,
                       std::string& out) {
  out.clear();
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char digits[24];
  auto append_number = [&](uint64_t value) {
    out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
  };
  append_number(static_cast<uint64_t>(response.status));
  out += ' ';
  out += http::obsolete_reason(http::int_to_status(static_cast<unsigned>(response.status)));
  out += "\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (version >= 11 && !keep_alive) {
    out += "Connection: close\r\n";
  } else if (version < 11 && keep_alive) {
    out += "Connection: keep-alive\r\n";
  }
  out += "Content-Length: ";
  append_number(response.body.size());
  out += "\r\n\r\n";
  if (!head) {
    out += response.body;
  }
}

bool IsMalformedRequest(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) {
    return false;
  }
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::short_read && ec != http::error::need_more;
}

}  // namespace

class Session;

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpBatchHandler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        iocs_(MakeContexts(options_.threads)),
        ticks_(iocs_.size()),
        sweep_interval_(std::clamp(std::min({options_.request_timeout, options_.idle_timeout,
                                             options_.write_timeout, kLingerTimeout}) /
                                       4,
                                   kMinSweepInterval, kMaxSweepInterval)),
        acceptor_(*iocs_.front()),
        accept_retry_(acceptor_.get_executor()) {}

  ~Impl() {
    if (started_ && !stopped_) {
      Shutdown(std::chrono::milliseconds(0));
    }
  }

  void Listen();
  uint16_t port() const { return port_; }
  void Start();
  size_t Shutdown(std::chrono::milliseconds drain);

  const HttpServerOptions& options() const { return options_; }
  // Queues a session whose request is complete; the requests queued on
  // one I/O thread in one pass of its io_context go to the handler together
  // (Flush). Called on the session's I/O thread only.
  void Enqueue(std::shared_ptr<Session> session, size_t context);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void Unregister(Session* session) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(session);
    cv_.notify_all();
  }

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void Flush(size_t context);
  // Closes the connections of I/O thread `context` whose deadline passed,
  // then waits for the next sweep.
  void Sweep(size_t context);

  HttpServerOptions options_;
  HttpBatchHandler handler_;
  // One single-threaded io_context per I/O thread: a connection lives on one
  // thread for its whole life, so there is no cross-thread hand-off (and no
  // scheduler lock or wake-up) per request. Accepted sockets are spread
  // round-robin. Declared after mu_/sessions_: sessions destroyed with an
  // io_context unregister there.
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int threads) {
    const int n = threads < 1 ? 1 : threads;
    std::vector<std::unique_ptr<asio::io_context>> iocs;
    iocs.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      iocs.push_back(std::make_unique<asio::io_context>(1));
    }
    return iocs;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<asio::io_context>> iocs_;
  // Per io_context (same index), touched only by its thread: sessions whose
  // request waits for the next Flush, and whether that Flush is posted.
  struct Tick {
    std::vector<std::shared_ptr<Session>> ready;
    bool flush_posted = false;
  };
  std::vector<Tick> ticks_;
  std::chrono::milliseconds sweep_interval_;
  std::vector<std::unique_ptr<asio::steady_timer>> sweeps_;  // per io_context
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  size_t next_context_ = 0;  // round-robin over iocs_ (accept handler only)
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

// One connection: idle wait → header → (100 Continue) → body → handler →
// response → idle wait again, all on the connection's I/O thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::Impl& server, size_t context)
      : socket_(std::move(socket)), server_(server), context_(context) {
    beast::error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    client_host_ = ec ? "unknown" : endpoint.address().to_string();
    // Responses are written at once when the socket takes them (Send).
    socket_.non_blocking(true, ec);
  }
  ~Session() { server_.Unregister(this); }
  size_t context() const { return context_; }
  // Past its deadline while waiting for the client (on its I/O thread only).
  bool Expired(Clock::time_point now) const { return armed_ && now >= deadline_; }
  void TimeOut() { Close(); }  // pending operations complete with an error
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() {
    asio::dispatch(socket_.get_executor(),
                   beast::bind_front_handler(&Session::WaitForRequest, shared_from_this()));
  }

  // Drain: a connection waiting for its next request is closed now; one in
  // the middle of a request finishes it first.
  void CloseIfIdle() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) {
        // The idle timer may already have closed the socket: the throwing
        // overload would then terminate the process with EBADF.
        beast::error_code ignored;
        self->socket_.cancel(ignored);
      }
    });
  }

 private:
  // The client must finish what it is sending or reading within `timeout`.
  void Arm(std::chrono::milliseconds timeout) {
    deadline_ = Clock::now() + timeout;
    armed_ = true;
  }

  void WaitForRequest() {
    if (server_.stopping()) {
      return Close();
    }
    if (buffer_.size() > 0) {
      return ReadHeader();  // pipelined bytes already here
    }
    idle_ = true;
    Arm(server_.options().idle_timeout);
    socket_.async_read_some(buffer_.prepare(kIdleReadChunk),
                            beast::bind_front_handler(&Session::OnIdleRead, shared_from_this()));
  }

  void OnIdleRead(beast::error_code ec, size_t n) {
    idle_ = false;
    if (ec) {
      return Close();  // idle timeout, peer closed, or drain
    }
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options().max_header_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(server_.options().max_body_bytes));
    // One deadline for the whole request: header and body.
    Arm(server_.options().request_timeout);
    // A request usually arrives whole in one read: parse what is buffered
    // first, and read on asynchronously only when more is needed.
    beast::error_code ec;
    parser_->eager(true);
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (ec && ec != http::error::need_more) {
      return OnReadError(ec);
    }
    if (parser_->is_done()) {
      return Handle();
    }
    if (parser_->is_header_done()) {
      return OnHeader({}, 0);
    }
    http::async_read_header(socket_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) {
      return OnReadError(ec);
    }
    const auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      return asio::async_write(
          socket_, asio::buffer(kContinueResponse),
          beast::bind_front_handler(&Session::OnContinueWritten, shared_from_this()));
    }
    ReadBody();
  }

  void OnContinueWritten(beast::error_code ec, size_t) {
    if (ec) {
      return Close();
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(socket_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) {
      return OnReadError(ec);
    }
    Handle();
  }

  void OnReadError(const beast::error_code& ec) {
    if (ec == http::error::header_limit) {
      return SendErrorAndClose(431, kHeaderTooLargeDetail);
    }
    if (ec == http::error::body_limit) {
      return SendErrorAndClose(413, kBodyTooLargeDetail);
    }
    if (IsMalformedRequest(ec)) {
      return SendErrorAndClose(400, kBadRequestDetail);
    }
    Close();  // timeout, reset, or the peer went away mid-request
  }

  // The request is complete: hand it to the server's next Flush, which
  // answers it (with the others of this pass) through Respond().
  void Handle() {
    auto& msg = parser_->get();
    HttpRequest& request = pending_.request;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    request.headers.clear();
    request.headers.reserve(8);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(msg.body());
    request.client_host = client_host_;
    pending_.keep_alive = msg.keep_alive();
    pending_.head = msg.method() == http::verb::head;
    pending_.version = msg.version();
    parser_.reset();
    armed_ = false;  // nothing to wait for until the response is written
    server_.Enqueue(shared_from_this(), context_);
  }

 public:
  HttpRequest TakeRequest() { return std::move(pending_.request); }
  void Respond(const HttpResponse& response) {
    Send(response, pending_.version, pending_.keep_alive, pending_.head,
         /*linger=*/false);
  }

 private:
  void SendErrorAndClose(int status, const char* detail) {
    HttpResponse response;
    response.status = status;
    response.body = DetailBody(detail);
    parser_.reset();
    Send(response, 11, /*keep_alive=*/false, /*head=*/false, /*linger=*/true);
  }

  void Send(const HttpResponse& response, unsigned version, bool keep_alive, bool head,
            bool linger) {
    const bool keep = keep_alive && !server_.stopping();
    const Next next = keep ? Next::kKeepAlive : (linger ? Next::kLinger : Next::kClose);
    SerializeResponse(response, version, keep, head, out_);
    // The socket is non-blocking: a response the socket buffer takes whole
    // (nearly all of them) needs no asynchronous write.
    beast::error_code ec;
    size_t written = socket_.write_some(asio::buffer(out_), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec = {};
      written = 0;
    }
    if (ec || written == out_.size()) {
      return OnWrite(next, ec, written);
    }
    Arm(server_.options().write_timeout);
    asio::async_write(socket_, asio::buffer(out_.data() + written, out_.size() - written),
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this(), next));
  }

  enum class Next { kKeepAlive, kClose, kLinger };

  void OnWrite(Next next, beast::error_code ec, size_t) {
    if (ec) {
      return Close();
    }
    if (next == Next::kKeepAlive) {
      return WaitForRequest();
    }
    if (next == Next::kClose) {
      return Close();
    }
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    lingered_ = 0;
    Arm(kLingerTimeout);
    Discard();
  }

  void Discard() {
    socket_.async_read_some(buffer_.prepare(kIdleReadChunk),
                            beast::bind_front_handler(&Session::OnDiscard, shared_from_this()));
  }

  void OnDiscard(beast::error_code ec, size_t n) {
    lingered_ += n;
    if (ec || lingered_ >= kLingerDiscardBytes) {
      return Close();
    }
    Discard();
  }

  void Close() {
    armed_ = false;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_;  // the response being written
  std::string client_host_;
  size_t context_;  // index of the io_context (and Tick) this session lives on
  struct Pending {
    HttpRequest request;
    unsigned version = 11;
    bool keep_alive = false;
    bool head = false;
  } pending_;  // the request between Handle() and Respond()
  size_t lingered_ = 0;
  bool idle_ = false;
  Clock::time_point deadline_;
  bool armed_ = false;
};

void HttpServer::Impl::Listen() {
  if (options_.port < 0 || options_.port > 65535) {
    throw BindError(std::make_error_code(std::errc::invalid_argument),
                    "port " + std::to_string(options_.port) + " out of range");
  }
  beast::error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address address = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, static_cast<uint16_t>(options_.port));
  } else {
    tcp::resolver resolver(*iocs_.front());
    auto results =
        resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      throw BindError(std::make_error_code(std::errc::address_not_available),
                      "cannot resolve host '" + options_.host + "'");
    }
    endpoint = results.begin()->endpoint();
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) {
    throw BindError(ToStd(ec), "socket");
  }
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) {
    throw BindError(ToStd(ec), "bind");
  }
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw BindError(ToStd(ec), "listen");
  }
  port_ = acceptor_.local_endpoint(ec).port();
}

void HttpServer::Impl::Start() {
  started_ = true;
  for (size_t c = 0; c < iocs_.size(); ++c) {
    work_.push_back(asio::make_work_guard(*iocs_[c]));
    sweeps_.push_back(std::make_unique<asio::steady_timer>(*iocs_[c]));
    Sweep(c);
  }
  asio::dispatch(acceptor_.get_executor(), [this] { DoAccept(); });
  int n = options_.threads < 1 ? 1 : options_.threads;
  threads_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads_.emplace_back([ioc = iocs_[static_cast<size_t>(i)].get()] { ioc->run(); });
  }
}

void HttpServer::Impl::DoAccept() {
  asio::io_context& target = *iocs_[next_context_];
  next_context_ = (next_context_ + 1) % iocs_.size();
  acceptor_.async_accept(target, beast::bind_front_handler(&Impl::OnAccept, this));
}

void HttpServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open() || ec == asio::error::operation_aborted) {
    return;
  }
  if (ec) {
    // e.g. EMFILE: back off instead of spinning, then keep accepting.
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) {
        DoAccept();
      }
    });
    return;
  }
  if (stopping()) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  size_t context = 0;
  while (&iocs_[context]->get_executor().context() != &socket.get_executor().context()) {
    ++context;
  }
  auto session = std::make_shared<Session>(std::move(socket), *this, context);
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.emplace(session.get(), session);
  }
  session->Start();
  DoAccept();
}

void HttpServer::Impl::Enqueue(std::shared_ptr<Session> session, size_t context) {
  Tick& tick = ticks_[context];
  tick.ready.push_back(std::move(session));
  if (!tick.flush_posted) {
    // Runs after the completions already queued on this io_context — the
    // other requests that arrived with this one — so they flush together.
    tick.flush_posted = true;
    asio::post(*iocs_[context], [this, context] { Flush(context); });
  }
}

void HttpServer::Impl::Flush(size_t context) {
  Tick& tick = ticks_[context];
  std::vector<std::shared_ptr<Session>> sessions;
  sessions.swap(tick.ready);
  tick.flush_posted = false;
  std::vector<HttpRequest> requests;
  requests.reserve(sessions.size());
  for (auto& session : sessions) {
    requests.push_back(session->TakeRequest());
  }
  std::vector<HttpResponse> responses;
  try {
    responses = handler_(requests);
  } catch (const std::exception&) {
    responses.clear();  // every request of the batch gets LastResortError()
  }
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (responses.size() == sessions.size()) {
      sessions[i]->Respond(responses[i]);
      continue;
    }
    sessions[i]->Respond(LastResortError());
  }
}

void HttpServer::Impl::Sweep(size_t context) {
  std::vector<std::shared_ptr<Session>> expired;
  {
    const Clock::time_point now = Clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [session, weak] : sessions_) {
      if (session->context() == context && session->Expired(now)) {
        if (auto live = weak.lock()) {
          expired.push_back(std::move(live));
        }
      }
    }
  }
  for (auto& session : expired) {
    session->TimeOut();
  }
  expired.clear();  // may destroy sessions, which unregister under mu_
  asio::steady_timer& timer = *sweeps_[context];
  timer.expires_after(sweep_interval_);
  timer.async_wait([this, context](beast::error_code ec) {
    if (!ec) {
      Sweep(context);
    }
  });
}

size_t HttpServer::Impl::Shutdown(std::chrono::milliseconds drain) {
  if (stopped_) {
    return 0;
  }
  stopping_.store(true, std::memory_order_release);
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) {
        live.push_back(std::move(s));
      }
    }
  }
  for (auto& s : live) {
    s->CloseIfIdle();
  }
  live.clear();  // the sessions' own handlers keep them alive
  size_t left;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, drain, [this] { return sessions_.empty(); });
    left = sessions_.size();
  }
  work_.clear();
  for (auto& ioc : iocs_) {
    ioc->stop();
  }
  for (auto& t : threads_) {
    t.join();
  }
  threads_.clear();
  stopped_ = true;
  return left;
}

HttpServer::HttpServer(HttpServerOptions options, HttpBatchHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : HttpServer(std::move(options),
                 [handler = std::move(handler)](std::span<HttpRequest> requests) {
                   std::vector<HttpResponse> responses;
                   responses.reserve(requests.size());
                   for (const HttpRequest& request : requests) {
                     try {
                       responses.push_back(handler(request));
                     } catch (const std::exception&) {
                       responses.push_back(LastResortError());  // this request only
                     }
                   }
                   return responses;
                 }) {}

HttpServer::~HttpServer() = default;

void HttpServer::Listen() { impl_->Listen(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Start() { impl_->Start(); }
size_t HttpServer::Shutdown(std::chrono::milliseconds drain) { return impl_->Shutdown(drain); }

}  // namespace recotem::serve
